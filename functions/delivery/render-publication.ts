/**
 * One message per publication: every change of one source version that passed one subscriber's
 * filters, as an email text, a subject and one SMS line. On a big day (OFAC's 2022-02-25: 91
 * designations and 4 changes) a person reads one message instead of 95.
 *
 * The changes are sorted (change type, list, program, name, record id) before anything is written,
 * so the same events in any order give the same message. The email is bounded: the first changes
 * in full, the rest one line each, and whatever would take the message past its byte budget is
 * counted, not shown, with the command that lists it all. Every value comes from a register or a
 * watchlist, so each is cleaned with forDisplay before it is laid out and the whole text again.
 */
import { DeliveryError } from '../core/errors.ts';
import type { FieldChange } from '../core/diff.ts';
import { isChangeEvent, isHitEvent, type TradewatchEvent, type WatchlistHitEvent } from '../core/events.ts';
import type { RegisterRecord } from '../core/records.ts';
import { forDisplay, truncateText } from '../core/text.ts';
import { formatValue, limitList } from './render.ts';

export interface PublicationOptions {
  /** The source's name in the subject and the SMS. @default derived from the source title (`OFAC SDN`) */
  readonly sourceName?: string;
  /** The version's date (YYYY-MM-DD). @default the UTC date of the latest event's time */
  readonly date?: string;
  /** How many changes are written in full; the rest get one line each. @default 100 */
  readonly fullChanges?: number;
  /**
   * Bytes the `{"email":…,"sms":…}` JSON may take (SNS allows 256 KiB for the whole message; the
   * rest is left for the subject, attributes and whatever the publisher adds). @default 200 KiB
   */
  readonly maxBytes?: number;
}

export interface PublicationMessage {
  /** At most 99 characters, as SNS email subjects require. */
  subject: string;
  text: string;
  /** One line, at most 159 characters. */
  sms: string;
  /** How many changes the message holds, and how each was written. */
  changes: { total: number; inFull: number; oneLine: number; leftOut: number };
}

export const PUBLICATION_MAX_BYTES = 200 * 1024;
const DEFAULT_FULL_CHANGES = 100;
const SUBJECT_MAX = 99;
const SMS_MAX = 159;
/** Names per change type in the SMS, and characters per name. */
const SMS_NAMES = 2;
const SMS_NAME_MAX = 40;
/** A register value longer than this (remarks run to pages) is cut in the email. */
const VALUE_MAX = 300;
/** Items listed per changed list field, and changed fields per record, before "+n more". */
const ITEMS_MAX = 10;
const FIELDS_MAX = 12;
/** Room kept for the closing lines that say what was left out. */
const FOOTER_RESERVE = 1024;

type Group = 'added' | 'removed' | 'modified' | 'listed';
const GROUPS: readonly Group[] = ['added', 'removed', 'modified', 'listed'];
const GROUP_HEADING = { added: 'ADDED', removed: 'REMOVED', modified: 'CHANGED', listed: 'ON YOUR WATCHLIST' } as const;
const GROUP_COUNT = { added: 'added', removed: 'removed', modified: 'changed', listed: 'on your watchlist' } as const;

/** One change as the message shows it: the change event's data, with the subscriber's hits on it. */
interface Entry {
  group: Group;
  recordId: string;
  name: string;
  list: string;
  program: string;
  record: RegisterRecord | null;
  fields: readonly FieldChange[];
  earlyWarning?: { documentNumber: string; action: string; announcedAt: string };
  hits: WatchlistHitEvent[];
}

/**
 * The publication message of `events`: the change events (and the subscriber's watchlist hits) of
 * one source version. Health events are not changes and are left out.
 */
export function renderPublication(
  events: readonly TradewatchEvent[],
  options: PublicationOptions = {},
): PublicationMessage {
  const entries = collectEntries(events);
  const first = events.find((e) => isChangeEvent(e) || isHitEvent(e))!;
  const { sourceId, sourceTitle } = first.data;
  const name = clean(options.sourceName ?? shortName(sourceTitle));
  const date = options.date ?? versionDate(events);
  const counts = countGroups(entries);

  const subject = truncateText(`${name} ${date}: ${countPhrase(counts)}`, SUBJECT_MAX);
  const sms = renderPublicationSms(name, entries, counts);
  const body = renderBody(entries, {
    header: `${clean(sourceTitle)}, version of ${date}: ${entries.length} change${entries.length === 1 ? '' : 's'} (${countPhrase(counts)}).`,
    sourceId: clean(sourceId),
    fullChanges: options.fullChanges ?? DEFAULT_FULL_CHANGES,
    maxBytes: (options.maxBytes ?? PUBLICATION_MAX_BYTES) - jsonBytes(sms) - '{"email":"","sms":""}'.length,
  });
  return { subject, text: forDisplay(body.text, { multiline: true }), sms, changes: body.changes };
}

/** The bytes SNS counts for a rendered message: the JSON of its email and SMS texts. */
export function publicationBytes(message: Pick<PublicationMessage, 'text' | 'sms'>): number {
  return Buffer.byteLength(JSON.stringify({ email: message.text, sms: message.sms }));
}

function collectEntries(events: readonly TradewatchEvent[]): Entry[] {
  const sources = [...new Set(events.filter((e) => isChangeEvent(e) || isHitEvent(e)).map((e) => e.data.sourceId))];
  if (sources.length > 1)
    throw new DeliveryError(
      'publication',
      `one message holds one source's version, given ${sources.sort().join(', ')}`,
    );
  const byRecord = new Map<string, Entry>();
  const hits: WatchlistHitEvent[] = [];
  // By id, so that of one record's two events (a re-delivery) the same one is kept in any order.
  for (const event of [...events].sort((a, b) => compare(a.id, b.id))) {
    if (isHitEvent(event)) hits.push(event);
    else if (isChangeEvent(event)) {
      const { data } = event;
      if (byRecord.has(data.recordId)) continue;
      byRecord.set(data.recordId, {
        group: data.changeType,
        recordId: data.recordId,
        name: data.name,
        list: data.list,
        program: programOf(data.record ?? data.previous),
        record: data.record,
        fields: data.fields,
        earlyWarning: data.earlyWarning,
        hits: [],
      });
    }
  }
  for (const hit of hits) {
    const { data } = hit;
    let entry = byRecord.get(data.recordId);
    if (!entry) {
      // A hit whose change the subscriber's filters left out: the hit is still news to them.
      entry = {
        group: data.hitType,
        recordId: data.recordId,
        name: data.name,
        list: data.list,
        program: programOf(data.record ?? data.previous),
        record: data.record,
        fields: data.fields,
        earlyWarning: data.earlyWarning,
        hits: [],
      };
      byRecord.set(data.recordId, entry);
    }
    entry.hits.push(hit);
  }
  const entries = [...byRecord.values()];
  if (!entries.length) throw new DeliveryError('publication', 'no change event to render');
  return entries.sort(
    (a, b) =>
      GROUPS.indexOf(a.group) - GROUPS.indexOf(b.group) ||
      compare(a.list, b.list) ||
      compare(a.program, b.program) ||
      compare(a.name.toUpperCase(), b.name.toUpperCase()) ||
      compare(a.name, b.name) ||
      compare(a.recordId, b.recordId),
  );
}

/** Code-unit order: the same on every machine, whatever its locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function programOf(record: RegisterRecord | null): string {
  return record?.programs.length ? [...record.programs].sort().join(', ') : '';
}

/** `OFAC SDN` from "OFAC Specially Designated Nationals … (SDN)"; a title without such a tail stays whole. */
function shortName(title: string): string {
  const acronym = /\(([A-Z][A-Z0-9-]{1,11})\)\s*$/.exec(title)?.[1];
  const publisher = /^([A-Z]{2,6})\s/.exec(title)?.[1];
  if (acronym && publisher) return `${publisher} ${acronym}`;
  return truncateText(title.replace(/\s*\([^)]*\)\s*$/, ''), 48);
}

function versionDate(events: readonly TradewatchEvent[]): string {
  const latest = events.map((e) => e.time).reduce((a, b) => (b > a ? b : a), '');
  return /^\d{4}-\d{2}-\d{2}/.test(latest) ? latest.slice(0, 10) : 'unknown date';
}

function countGroups(entries: readonly Entry[]): Record<Group, number> {
  const counts = { added: 0, removed: 0, modified: 0, listed: 0 };
  for (const entry of entries) counts[entry.group] += 1;
  return counts;
}

function countPhrase(counts: Record<Group, number>): string {
  return GROUPS.filter((g) => counts[g])
    .map((g) => `${counts[g]} ${GROUP_COUNT[g]}`)
    .join(', ');
}

/** One line of register text: no control, escape or bidi character, no line break. */
function clean(value: string): string {
  return forDisplay(value).trim();
}

/** `OFAC SDN: 91 added (VTB BANK, SOVCOMBANK TECHNOLOGIES, +89), 4 changed`: names while they fit. */
function renderPublicationSms(name: string, entries: readonly Entry[], counts: Record<Group, number>): string {
  const shown: Record<Group, string[]> = { added: [], removed: [], modified: [], listed: [] };
  const line = (): string =>
    `${name}: ${GROUPS.filter((g) => counts[g])
      .map((g) => {
        const names = shown[g];
        if (!names.length) return `${counts[g]} ${GROUP_COUNT[g]}`;
        const more = counts[g] - names.length;
        return `${counts[g]} ${GROUP_COUNT[g]} (${[...names, ...(more ? [`+${more}`] : [])].join(', ')})`;
      })
      .join(', ')}`;
  for (const group of GROUPS) {
    // Hits first, then organizations (a bank is more the news of the day than its directors), the
    // best known first: a record with many aliases is one many people write about.
    const candidates = entries
      .filter((e) => e.group === group)
      .sort(
        (a, b) =>
          Number(!a.hits.length) - Number(!b.hits.length) ||
          entityFirst(a) - entityFirst(b) ||
          (b.record?.aliases.length ?? 0) - (a.record?.aliases.length ?? 0),
      );
    for (const entry of candidates.slice(0, SMS_NAMES)) {
      shown[group].push(truncateText(clean(entry.name), SMS_NAME_MAX));
      if (line().length > SMS_MAX) {
        shown[group].pop();
        break;
      }
    }
  }
  return truncateText(line(), SMS_MAX);
}

function entityFirst(entry: Entry): number {
  return entry.record?.kind === 'organization' ? 0 : 1;
}

interface BodyLayout {
  header: string;
  sourceId: string;
  fullChanges: number;
  maxBytes: number;
}

/**
 * The email text, line by line, each line's JSON bytes counted as it is added: the budget holds
 * without rendering twice, and a change that would not fit is left out whole, never cut.
 */
function renderBody(
  entries: readonly Entry[],
  layout: BodyLayout,
): Pick<PublicationMessage, 'changes'> & { text: string } {
  const lines: string[] = [];
  let bytes = 0;
  const push = (block: readonly string[]): void => {
    for (const line of block) {
      lines.push(line);
      bytes += jsonBytes(line) + 2; // the `\n` between lines
    }
  };
  const room = layout.maxBytes - FOOTER_RESERVE;
  push([layout.header]);
  let inFull = 0;
  let oneLine = 0;
  let group: Group | undefined;
  let section: string | undefined;
  for (const [index, entry] of entries.entries()) {
    const block: string[] = [];
    if (entry.group !== group)
      block.push('', `${GROUP_HEADING[entry.group]} (${entries.filter((e) => e.group === entry.group).length})`);
    const key = `${entry.list}\u0000${entry.program}`;
    if (entry.group !== group || key !== section) {
      const count = entries.filter(
        (e) => e.group === entry.group && e.list === entry.list && e.program === entry.program,
      ).length;
      block.push('', `  ${clean(entry.list) || '(no list)'} · ${clean(entry.program) || 'no program'} (${count})`);
    }
    const full = index < layout.fullChanges;
    block.push(...(full ? describeInFull(entry) : [describeInOneLine(entry)]));
    if (bytes + blockBytes(block) > room) break;
    push(block);
    group = entry.group;
    section = key;
    if (full) inFull += 1;
    else oneLine += 1;
  }
  const leftOut = entries.length - inFull - oneLine;
  const footer = [''];
  if (oneLine) footer.push(`The first ${inFull} changes are shown in full, the other ${oneLine} in one line each.`);
  if (leftOut) {
    const missing = countGroups(entries.slice(inFull + oneLine));
    footer.push(
      `${leftOut} more change${leftOut === 1 ? '' : 's'} did not fit in this message (${countPhrase(missing)}).`,
    );
  }
  if (oneLine || leftOut) footer.push(`See all of them: tradewatch events --source ${layout.sourceId}`);
  push(footer);
  return { text: lines.join('\n'), changes: { total: entries.length, inFull, oneLine, leftOut } };
}

function jsonBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text)) - 2;
}

function blockBytes(block: readonly string[]): number {
  return block.reduce((sum, line) => sum + jsonBytes(line) + 2, 0);
}

/** `• VTB BANK (organization; RU)`: what a person recognises first. */
function headline(entry: Entry): string {
  const record = entry.record;
  const details = [record?.kind, record?.countries.join(', ')].filter(Boolean).join('; ');
  return `  • ${clean(entry.name)}${details ? ` (${clean(details)})` : ''}`;
}

/**
 * The headline and record id, then the aliases of an addition or removal (one or two lines), or the
 * field changes of a modification; then what the subscriber knew before or watches for.
 */
function describeInFull(entry: Entry): string[] {
  const record = entry.record;
  const listed = record?.listedOn ? ` · listed ${clean(record.listedOn)}` : '';
  const lines = [`${headline(entry)} · record ${clean(entry.recordId)}${listed}`];
  if (entry.group !== 'modified' && record?.aliases.length)
    lines.push(`    a.k.a. ${cut(limitList(record.aliases, 3))}`);
  if (entry.group === 'modified') lines.push(...describeFields(entry.fields));
  lines.push(...context(entry));
  return lines;
}

/** The rest: one line each, with the names of the fields a modification changed. */
function describeInOneLine(entry: Entry): string {
  const facts = [`record ${clean(entry.recordId)}`];
  if (entry.group === 'modified' && entry.fields.length)
    facts.push(
      `changed: ${clean(
        limitList(
          entry.fields.map((f) => f.field),
          5,
        ),
      )}`,
    );
  if (entry.earlyWarning) facts.push(`announced FR ${clean(entry.earlyWarning.documentNumber)}`);
  if (entry.hits.length) facts.push('on your watchlist');
  return `${headline(entry)} · ${facts.join(' · ')}`;
}

function describeFields(fields: readonly FieldChange[]): string[] {
  const lines: string[] = [];
  for (const field of fields.slice(0, FIELDS_MAX)) {
    const name = clean(field.field);
    if (field.added || field.removed) {
      const items = [...(field.added ?? []).map((v) => `+ ${v}`), ...(field.removed ?? []).map((v) => `− ${v}`)];
      for (const item of items.slice(0, ITEMS_MAX)) lines.push(`    ${name}: ${cut(item)}`);
      if (items.length > ITEMS_MAX) lines.push(`    ${name}: (+${items.length - ITEMS_MAX} more)`);
    } else lines.push(`    ${name}: ${cut(formatValue(field.old))} → ${cut(formatValue(field.new))}`);
  }
  if (fields.length > FIELDS_MAX) lines.push(`    (+${fields.length - FIELDS_MAX} more fields)`);
  return lines;
}

/** What the subscriber already knew (an early warning) and what concerns them (their watchlist). */
function context(entry: Entry): string[] {
  const lines: string[] = [];
  const warning = entry.earlyWarning;
  if (warning)
    lines.push(
      `    Announced earlier: Federal Register ${clean(warning.documentNumber)} (${clean(warning.action)}), ${clean(warning.announcedAt)}`,
    );
  for (const event of entry.hits) {
    for (const hit of event.data.hits.slice(0, 3)) {
      const who = hit.reference ? `${hit.entry.name} [${hit.reference}]` : hit.entry.name;
      lines.push(
        `    Watchlist hit for ${clean(event.data.subscriberId)}: ${cut(who)} — score ${hit.score.toFixed(2)}`,
      );
    }
    const more = event.data.hits.length - 3 + (event.data.moreHits ?? 0);
    if (more > 0) lines.push(`    (+${more} more of your entries match)`);
  }
  return lines;
}

function cut(value: string): string {
  return truncateText(clean(value), VALUE_MAX);
}
