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
 *
 * The layout of one source's changes (groups, lines, bounds, the footer that says what was left
 * out) is exported as `collectEntries` and `writeChanges` over a byte-counted `MessageLines`:
 * the digest (render-digest.ts) writes each of its sources' sections with it, so a change reads the
 * same in a publication and in a digest.
 */
import type { BundleCounts } from '../core/bundles.ts';
import { DeliveryError } from '../core/errors.ts';
import type { FieldChange } from '../core/diff.ts';
import {
  isChangeEvent,
  isHitEvent,
  type ChangeEvent,
  type TradewatchEvent,
  type WatchlistHitEvent,
} from '../core/events.ts';
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
/** Changes written in full before the rest get one line each; the SNS subject and SMS bounds. */
export const DEFAULT_FULL_CHANGES = 100;
export const SUBJECT_MAX = 99;
export const SMS_MAX = 159;
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

export type Group = 'added' | 'removed' | 'modified' | 'listed';
const GROUPS: readonly Group[] = ['added', 'removed', 'modified', 'listed'];
const GROUP_HEADING = { added: 'ADDED', removed: 'REMOVED', modified: 'CHANGED', listed: 'ON YOUR WATCHLIST' } as const;
const GROUP_COUNT = { added: 'added', removed: 'removed', modified: 'changed', listed: 'on your watchlist' } as const;
/** A feed's items are published and updated, not listed: the same groups, in its words. */
const ITEM_HEADING = { ...GROUP_HEADING, added: 'NEW', modified: 'UPDATED' } as const;
const ITEM_COUNT = { ...GROUP_COUNT, added: 'new', modified: 'updated' } as const;

/** One change as the message shows it: the change event's data, with the subscriber's hits on it. */
export interface Entry {
  group: Group;
  /** A feed's item (tradewatch.item.*) rather than a register's record. */
  item: boolean;
  sourceId: string;
  sourceTitle: string;
  eventId: string;
  time: string;
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
  const sources = new Set(entries.map((e) => e.sourceId));
  if (sources.size > 1)
    throw new DeliveryError(
      'publication',
      `one message holds one source's version, given ${[...sources].sort().join(', ')}`,
    );
  const { sourceId, sourceTitle } = entries[0]!;
  const name = clean(options.sourceName ?? shortName(sourceTitle));
  const date = options.date ?? versionDate(events);

  const subject = truncateText(`${name} ${date}: ${countPhrase(entries)}`, SUBJECT_MAX);
  const sms = renderPublicationSms(name, entries);
  const out = new MessageLines((options.maxBytes ?? PUBLICATION_MAX_BYTES) - jsonBytes(sms) - EMPTY_MESSAGE_BYTES);
  out.push([
    `${clean(sourceTitle)}, version of ${date}: ${plural(entries.length, 'change')} (${countPhrase(entries)}).`,
  ]);
  const changes = writeChanges(out, entries, {
    sourceId: clean(sourceId),
    fullChanges: options.fullChanges ?? DEFAULT_FULL_CHANGES,
  });
  return { subject, text: forDisplay(out.text(), { multiline: true }), sms, changes };
}

/** `{"email":"","sms":""}`: what the JSON of a message takes besides its two texts. */
export const EMPTY_MESSAGE_BYTES = '{"email":"","sms":""}'.length;

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** The bytes SNS counts for a rendered message: the JSON of its email and SMS texts. */
export function publicationBytes(message: Pick<PublicationMessage, 'text' | 'sms'>): number {
  return Buffer.byteLength(JSON.stringify({ email: message.text, sms: message.sms }));
}

/**
 * The changes of `events` as a message lists them, sorted (change type, list, program, name, record
 * id), each with the subscriber's watchlist hits on it. `one: 'record'` (a publication: one version)
 * keeps one change per record, so a re-delivered event is not shown twice; `one: 'event'` (a digest:
 * several versions) keeps every change, since a record added in the morning and changed at night
 * changed twice. Health events are not changes and are left out.
 */
export function collectEntries(
  events: readonly TradewatchEvent[],
  { one = 'record' }: { one?: 'record' | 'event' } = {},
): Entry[] {
  const byKey = new Map<string, Entry>();
  const byEvent = new Map<string, Entry>();
  const hits: WatchlistHitEvent[] = [];
  const entryOf = (event: ChangeEvent | WatchlistHitEvent, group: Group): Entry => {
    const { data } = event;
    return {
      group,
      item: event.type.startsWith('tradewatch.item.'),
      sourceId: data.sourceId,
      sourceTitle: data.sourceTitle,
      eventId: event.id,
      time: event.time,
      recordId: data.recordId,
      name: data.name,
      list: data.list,
      program: programOf(data.record ?? data.previous),
      record: data.record,
      fields: data.fields,
      earlyWarning: data.earlyWarning,
      hits: [],
    };
  };
  // By id, so that of one record's two events (a re-delivery) the same one is kept in any order.
  for (const event of [...events].sort((a, b) => compare(a.id, b.id))) {
    if (isHitEvent(event)) hits.push(event);
    else if (isChangeEvent(event)) {
      const key = `${event.data.sourceId}\u0000${one === 'record' ? event.data.recordId : event.id}`;
      if (byKey.has(key)) continue;
      const entry = entryOf(event, event.data.changeType);
      byKey.set(key, entry);
      byEvent.set(event.id, entry);
    }
  }
  const byRecord = new Map<string, Entry>();
  for (const entry of byKey.values()) {
    const key = `${entry.sourceId}\u0000${entry.recordId}`;
    if (!byRecord.has(key)) byRecord.set(key, entry);
  }
  for (const hit of hits) {
    const { data } = hit;
    const recordKey = `${data.sourceId}\u0000${data.recordId}`;
    let entry = (data.changeEventId && byEvent.get(data.changeEventId)) || byRecord.get(recordKey);
    if (!entry) {
      // A hit whose change the subscriber's filters left out: the hit is still news to them.
      entry = entryOf(hit, data.hitType);
      byKey.set(`${recordKey}\u0000hit`, entry);
      byRecord.set(recordKey, entry);
    }
    entry.hits.push(hit);
  }
  const entries = [...byKey.values()];
  if (!entries.length) throw new DeliveryError('publication', 'no change event to render');
  return entries.sort(
    (a, b) =>
      GROUPS.indexOf(a.group) - GROUPS.indexOf(b.group) ||
      compare(a.list, b.list) ||
      compare(a.program, b.program) ||
      compare(a.name.toUpperCase(), b.name.toUpperCase()) ||
      compare(a.name, b.name) ||
      compare(a.recordId, b.recordId) ||
      compare(a.time, b.time) ||
      compare(a.eventId, b.eventId),
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
export function shortName(title: string): string {
  const acronym = /\(([A-Z][A-Z0-9-]{1,11})\)\s*$/.exec(title)?.[1];
  const publisher = /^([A-Z]{2,6})\s/.exec(title)?.[1];
  if (acronym && publisher) return `${publisher} ${acronym}`;
  return truncateText(title.replace(/\s*\([^)]*\)\s*$/, ''), 48);
}

function versionDate(events: readonly TradewatchEvent[]): string {
  const latest = events.map((e) => e.time).reduce((a, b) => (b > a ? b : a), '');
  return /^\d{4}-\d{2}-\d{2}/.test(latest) ? latest.slice(0, 10) : 'unknown date';
}

export function countGroups(entries: readonly Entry[]): Record<Group, number> {
  const counts = { added: 0, removed: 0, modified: 0, listed: 0 };
  for (const entry of entries) counts[entry.group] += 1;
  return counts;
}

/** The words of a group: a feed's items are new and updated, a register's records added and changed. */
function groupWords(entries: readonly Entry[]): { heading: Record<Group, string>; count: Record<Group, string> } {
  return entries.length && entries.every((e) => e.item)
    ? { heading: ITEM_HEADING, count: ITEM_COUNT }
    : { heading: GROUP_HEADING, count: GROUP_COUNT };
}

/** `91 added, 4 changed`: the entries' counts by group, in the words of their source. */
export function countPhrase(entries: readonly Entry[]): string {
  const counts = countGroups(entries);
  const words = groupWords(entries).count;
  return GROUPS.filter((g) => counts[g])
    .map((g) => `${counts[g]} ${words[g]}`)
    .join(', ');
}

/** One line of register text: no control, escape or bidi character, no line break. */
export function clean(value: string): string {
  return forDisplay(value).trim();
}

/** `OFAC SDN: 91 added (VTB BANK, SOVCOMBANK, +89), 4 changed`: names while they fit. */
function renderPublicationSms(name: string, entries: readonly Entry[]): string {
  const counts = countGroups(entries);
  const words = groupWords(entries).count;
  const shown: Record<Group, string[]> = { added: [], removed: [], modified: [], listed: [] };
  const line = (): string =>
    `${name}: ${GROUPS.filter((g) => counts[g])
      .map((g) => {
        const names = shown[g];
        if (!names.length) return `${counts[g]} ${words[g]}`;
        const more = counts[g] - names.length;
        return `${counts[g]} ${words[g]} (${[...names, ...(more ? [`+${more}`] : [])].join(', ')})`;
      })
      .join(', ')}`;
  const ranked = headlinesFirst(entries);
  for (const group of GROUPS) {
    for (const entry of ranked.filter((e) => e.group === group).slice(0, SMS_NAMES)) {
      shown[group].push(truncateText(clean(entry.name), SMS_NAME_MAX));
      if (line().length > SMS_MAX) {
        shown[group].pop();
        break;
      }
    }
  }
  return truncateText(line(), SMS_MAX);
}

/**
 * Which changes an SMS names, when it can name two of ninety: the ones a reader most needs to
 * hear of first, by rules that hold for any register, not one day's list.
 *
 * 1. The subscriber's own watchlist hits: the one thing that is certainly their business.
 * 2. The records the other changes of the same message point to: a designation that brings its
 *    subsidiaries, owners, vessels or officers with it names them "Linked To: VTB BANK …" (OFAC),
 *    in the UN's and the UK's comments alike. The record most of the day points at is the day's
 *    headline; its subsidiaries are the detail.
 * 3. Organizations, then vessels and aircraft, then people: a listed company cuts off everyone who
 *    pays, ships or trades with it, an asset its operators, a person mostly those who know them.
 * 4. More programs, then more aliases: a record designated under several regimes, or known under
 *    many names, is one more counterparties meet.
 * Ties keep the message's order (type, list, program, name), so the choice is deterministic.
 */
export function headlinesFirst(entries: readonly Entry[]): Entry[] {
  const references = referenceCounts(entries);
  const rank = new Map(entries.map((entry, index) => [entry, index]));
  return [...entries].sort(
    (a, b) =>
      Number(!a.hits.length) - Number(!b.hits.length) ||
      references.get(b)! - references.get(a)! ||
      KIND_RANK[a.record?.kind ?? 'other'] - KIND_RANK[b.record?.kind ?? 'other'] ||
      (b.record?.programs.length ?? 0) - (a.record?.programs.length ?? 0) ||
      (b.record?.aliases.length ?? 0) - (a.record?.aliases.length ?? 0) ||
      rank.get(a)! - rank.get(b)!,
  );
}

const KIND_RANK = { organization: 0, vessel: 1, aircraft: 1, person: 2, other: 3 } as const;

/** A name shorter than this (normalized) is too likely to occur in remarks by chance. */
const REFERENCE_NAME_MIN = 6;

/** The words of a text, upper case, without accents or punctuation. */
function matchWords(text: string): string[] {
  const words = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toUpperCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return words ? words.split(' ') : [];
}

/** A trie of names by their words: what a run of words in the remarks may be the start of. */
interface NameNode {
  next: Map<string, NameNode>;
  entries: Entry[];
}

/**
 * For each entry, how many other entries' remarks name it (whole words). The names are a trie of
 * words, so the cost follows the remarks' length (a few words walked at each), not entries ×
 * entries, even when every name starts alike ("OOO …", "LIMITED LIABILITY COMPANY …").
 */
function referenceCounts(entries: readonly Entry[]): Map<Entry, number> {
  const counts = new Map(entries.map((entry) => [entry, 0]));
  const root: NameNode = { next: new Map(), entries: [] };
  for (const entry of entries) {
    const words = matchWords(entry.name);
    if (words.join(' ').length < REFERENCE_NAME_MIN) continue;
    let node = root;
    for (const word of words) {
      let child = node.next.get(word);
      if (!child) node.next.set(word, (child = { next: new Map(), entries: [] }));
      node = child;
    }
    node.entries.push(entry);
  }
  for (const referrer of entries) {
    // The record as it is now, or as it was for a removal: what the publisher says it is linked to.
    const remarks = referrer.record?.remarks;
    if (!remarks) continue;
    const words = matchWords(remarks);
    const named = new Set<Entry>();
    for (let start = 0; start < words.length; start++) {
      let node: NameNode | undefined = root;
      for (let at = start; at < words.length; at++) {
        node = node.next.get(words[at]!);
        if (!node) break;
        for (const entry of node.entries) if (entry !== referrer) named.add(entry);
      }
    }
    for (const entry of named) counts.set(entry, counts.get(entry)! + 1);
  }
  return counts;
}

/** A message's text as it is written: lines, with the bytes their JSON takes counted as they come. */
export class MessageLines {
  readonly lines: string[] = [];
  bytes = 0;

  /** @param maxBytes the bytes the text's JSON string may take */
  constructor(readonly maxBytes: number) {}

  push(block: readonly string[]): void {
    for (const line of block) {
      this.lines.push(line);
      this.bytes += lineBytes(line);
    }
  }

  /** True when the block fits with `reserve` bytes still left after it. */
  fits(block: readonly string[], reserve = 0): boolean {
    return this.bytes + blockBytes(block) <= this.maxBytes - reserve;
  }

  text(): string {
    return this.lines.join('\n');
  }
}

export interface ChangesLayout {
  /** The source, for the command that lists what the message could not hold. */
  sourceId: string;
  /** How many of these changes may be written in full; the rest get one line each. */
  fullChanges: number;
  /** Bytes to leave free after this source's changes and footer (a digest's later sections). @default 0 */
  reserve?: number;
}

/**
 * One source's changes, line by line: a heading per change type, a sub-heading per list and
 * program, each change in full or in one line, then the footer that says what was left out and
 * where to see it. A change that would not fit is left out whole, never cut, and the footer always
 * fits (FOOTER_RESERVE is kept for it).
 */
export function writeChanges(out: MessageLines, entries: readonly Entry[], layout: ChangesLayout): BundleCounts {
  const heading = groupWords(entries).heading;
  const reserve = (layout.reserve ?? 0) + FOOTER_RESERVE;
  let inFull = 0;
  let oneLine = 0;
  let group: Group | undefined;
  let section: string | undefined;
  for (const entry of entries) {
    const block: string[] = [];
    if (entry.group !== group)
      block.push('', `${heading[entry.group]} (${entries.filter((e) => e.group === entry.group).length})`);
    const key = `${entry.list}\u0000${entry.program}`;
    if (entry.group !== group || key !== section) {
      const count = entries.filter(
        (e) => e.group === entry.group && e.list === entry.list && e.program === entry.program,
      ).length;
      block.push('', `  ${clean(entry.list) || '(no list)'} · ${clean(entry.program) || 'no program'} (${count})`);
    }
    const full = inFull < layout.fullChanges;
    block.push(...(full ? describeInFull(entry) : [describeInOneLine(entry)]));
    if (!out.fits(block, reserve)) break;
    out.push(block);
    group = entry.group;
    section = key;
    if (full) inFull += 1;
    else oneLine += 1;
  }
  const leftOut = entries.length - inFull - oneLine;
  const footer = [''];
  // In a digest, earlier sections may have taken every change shown in full.
  if (oneLine && inFull)
    footer.push(`The first ${inFull} changes are shown in full, the other ${oneLine} in one line each.`);
  else if (oneLine) footer.push(`All ${oneLine} changes shown are in one line each.`);
  if (leftOut)
    footer.push(
      `${plural(leftOut, 'more change')} did not fit in this message (${countPhrase(entries.slice(inFull + oneLine))}).`,
    );
  if (oneLine || leftOut)
    footer.push(
      `See all of them: tradewatch events --source ${layout.sourceId}, or your change feed (tradewatch feeds prints its URL)`,
    );
  out.push(footer);
  return { total: entries.length, inFull, oneLine, leftOut };
}

export function jsonBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text)) - 2;
}

/** A line's JSON bytes and the `\n` that joins it to the next. */
function lineBytes(line: string): number {
  return jsonBytes(line) + 2;
}

function blockBytes(block: readonly string[]): number {
  return block.reduce((sum, line) => sum + lineBytes(line), 0);
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
