/**
 * One message per digest: everything a daily or weekly subscriber was sent since its previous
 * digest, from any of the sources, as an email text, a subject and one SMS line.
 *
 * Each source's changes are laid out exactly as in a publication (render-publication.ts's
 * writeChanges: groups, lines, bounds, the footer), one section per source, and the whole text is
 * bounded to PUBLICATION_MAX_BYTES: every section past the first keeps room for its heading and its
 * footer, so a big day on one register never hides that another one changed too.
 *
 * It ends with the sources checked: each one's health, last successful check and last change. A
 * quiet digest is the evidence of monitoring a compliance team shows an auditor ("we looked, and
 * nothing changed"), so it says so plainly and still lists them, an unhealthy source with since
 * when and its last error. Every value comes from a register, a feed, a watchlist or an error
 * message, so each is cleaned with forDisplay before it is laid out and the whole text again.
 */
import type { BundleCounts } from '../core/bundles.ts';
import { formatLocal } from '../core/digest-schedule.ts';
import { isChangeEvent, isHitEvent, type TradewatchEvent } from '../core/events.ts';
import { forDisplay, truncateText } from '../core/text.ts';
import {
  DEFAULT_FULL_CHANGES,
  EMPTY_MESSAGE_BYTES,
  MessageLines,
  PUBLICATION_MAX_BYTES,
  SMS_MAX,
  SUBJECT_MAX,
  clean,
  collectEntries,
  countPhrase,
  jsonBytes,
  plural,
  shortName,
  writeChanges,
  type Entry,
  type PublicationMessage,
} from './render-publication.ts';
import type { SourceCheck } from '../run/digest.ts';

export type { SourceCheck } from '../run/digest.ts';

export interface DigestInput {
  every: 'daily' | 'weekly';
  /** The subscriber's IANA time zone: every time in the message is written in it. */
  timeZone: string;
  /** ISO UTC instants: the previous digest's slot (null for the first digest) and this one's. */
  period: { from: string | null; to: string };
  /** The changes, feed items and watchlist hits the subscriber was sent, from any sources. */
  events: readonly TradewatchEvent[];
  sources: readonly SourceCheck[];
}

export interface DigestOptions {
  /** How many changes (over all sources) are written in full; the rest get one line each. @default 100 */
  readonly fullChanges?: number;
  /** Bytes the `{"email":…,"sms":…}` JSON may take. @default PUBLICATION_MAX_BYTES */
  readonly maxBytes?: number;
}

/** A source's name in the SMS: `OFAC SDN`, `UN`, `CSL`. */
const SMS_SOURCE_NAME_MAX = 20;
/** Room kept for each section still to come: its heading and the footer that counts what it left out. */
const SECTION_RESERVE = 1536;
/** An error message in the sources checked: its gist, not its stack. */
const ERROR_MAX = 300;

export function renderDigest(input: DigestInput, options: DigestOptions = {}): PublicationMessage {
  const { timeZone, period } = input;
  const sections = sectionsOf(input);
  const total = sections.reduce((sum, s) => sum + s.entries.length, 0);
  const failing = input.sources.filter((s) => s.status === 'unhealthy').length;
  const to = formatLocal(new Date(period.to), timeZone);
  const day = to.split(' ').slice(0, 3).join(' ');
  const what = total ? `${plural(total, 'change')} in ${plural(sections.length, 'source')}` : 'no changes';

  const subject = truncateText(clean(`tradewatch ${input.every} digest, ${day}: ${what}`), SUBJECT_MAX);
  const sms = digestSms(input.every, sections, total, input.sources.length, failing);

  const sourcesChecked = sourcesCheckedLines(input.sources, sections, timeZone);
  const sourcesBytes = sourcesChecked.reduce((sum, line) => sum + jsonBytes(line) + 2, 0);
  const out = new MessageLines((options.maxBytes ?? PUBLICATION_MAX_BYTES) - jsonBytes(sms) - EMPTY_MESSAGE_BYTES);
  const since = period.from
    ? `from ${formatLocal(new Date(period.from), timeZone)}`
    : 'since the subscription began (the first digest)';
  out.push([`tradewatch ${input.every} digest: ${what}.`, `Period: ${since} to ${to} (${clean(timeZone)}).`]);
  if (!total)
    out.push([
      '',
      `Nothing changed in this period: no change, item or watchlist hit in ${plural(input.sources.length, 'source')} checked.`,
    ]);

  const counts: BundleCounts = { total, inFull: 0, oneLine: 0, leftOut: 0 };
  let fullChanges = options.fullChanges ?? DEFAULT_FULL_CHANGES;
  for (const [index, section] of sections.entries()) {
    out.push([
      '',
      `== ${clean(section.title)}: ${plural(section.entries.length, 'change')} (${countPhrase(section.entries)}) ==`,
    ]);
    const written = writeChanges(out, section.entries, {
      sourceId: clean(section.sourceId),
      fullChanges,
      reserve: sourcesBytes + (sections.length - index - 1) * SECTION_RESERVE,
    });
    fullChanges -= written.inFull;
    counts.inFull += written.inFull;
    counts.oneLine += written.oneLine;
    counts.leftOut += written.leftOut;
  }
  out.push(sourcesChecked);
  return { subject, text: forDisplay(out.text(), { multiline: true }), sms, changes: counts };
}

interface Section {
  sourceId: string;
  title: string;
  entries: Entry[];
}

/**
 * One section per source with changes: those with a watchlist hit first (the subscriber's own
 * business), then by title, so the order is the same from one digest to the next.
 */
function sectionsOf(input: DigestInput): Section[] {
  if (!input.events.some((e) => isChangeEvent(e) || isHitEvent(e))) return [];
  const titles = new Map(input.sources.map((s) => [s.sourceId, s.title]));
  const bySource = new Map<string, Section>();
  for (const entry of collectEntries(input.events, { one: 'event' })) {
    let section = bySource.get(entry.sourceId);
    if (!section) {
      section = { sourceId: entry.sourceId, title: titles.get(entry.sourceId) ?? entry.sourceTitle, entries: [] };
      bySource.set(entry.sourceId, section);
    }
    section.entries.push(entry);
  }
  const hasHits = (s: Section): number => Number(!s.entries.some((e) => e.hits.length));
  return [...bySource.values()].sort(
    (a, b) =>
      hasHits(a) - hasHits(b) ||
      (a.title < b.title ? -1 : a.title > b.title ? 1 : 0) ||
      (a.sourceId < b.sourceId ? -1 : 1),
  );
}

/**
 * `tradewatch daily: 95 changes (OFAC SDN 91, UN 4)`, the sources with most changes first, as
 * many as fit; `tradewatch daily: no changes; 13 sources checked, 1 failing`.
 */
function digestSms(
  every: DigestInput['every'],
  sections: readonly Section[],
  total: number,
  checked: number,
  failing: number,
): string {
  const health = failing ? `${plural(failing, 'source')} failing` : '';
  if (!total)
    return truncateText(
      `tradewatch ${every}: no changes; ${plural(checked, 'source')} checked${failing ? `, ${failing} failing` : ''}`,
      SMS_MAX,
    );
  const bySize = [...sections].sort((a, b) => b.entries.length - a.entries.length);
  const line = (shown: number): string => {
    const names = bySize.slice(0, shown).map((s) => `${smsSourceName(s.title)} ${s.entries.length}`);
    if (shown < bySize.length) names.push(`+${bySize.length - shown} more`);
    return `tradewatch ${every}: ${plural(total, 'change')} (${names.join(', ')})${health ? `; ${health}` : ''}`;
  };
  let shown = bySize.length;
  while (shown > 0 && line(shown).length > SMS_MAX) shown -= 1;
  return truncateText(line(shown), SMS_MAX);
}

/**
 * A source's name in a few characters: its short name (`OFAC SDN`), or the acronym it opens with
 * (`UN`, `EU`), or the initials of its capitalized words (`CSL`), or its first characters.
 */
function smsSourceName(title: string): string {
  const short = clean(shortName(title)).replace(/:.*$/, '');
  if (short.length <= SMS_SOURCE_NAME_MAX) return short;
  const acronym = /^([A-Z]{2,6})\s/.exec(short)?.[1];
  if (acronym) return acronym;
  const initials = short
    .split(/\s+/)
    .filter((word) => /^\p{Lu}/u.test(word))
    .map((word) => word[0])
    .join('');
  return initials.length >= 2 ? initials : truncateText(short, SMS_SOURCE_NAME_MAX);
}

/** The evidence of monitoring: every source, its health, its last successful check and last change. */
function sourcesCheckedLines(
  sources: readonly SourceCheck[],
  sections: readonly Section[],
  timeZone: string,
): string[] {
  if (!sources.length) return [];
  const changes = new Map(sections.map((s) => [s.sourceId, s.entries.length]));
  const when = (instant: string | undefined, otherwise: string): string => {
    const time = instant ? Date.parse(instant) : NaN;
    return Number.isNaN(time) ? otherwise : formatLocal(new Date(time), timeZone);
  };
  const lines = ['', `SOURCES CHECKED (${sources.length})`];
  const ordered = [...sources].sort((a, b) =>
    a.title < b.title ? -1 : a.title > b.title ? 1 : a.sourceId < b.sourceId ? -1 : 1,
  );
  for (const source of ordered) {
    const status =
      source.status === 'unhealthy'
        ? `UNHEALTHY since ${when(source.healthSince, 'an unknown time')}`
        : source.status === 'healthy'
          ? 'healthy'
          : 'not polled yet';
    const inDigest = changes.get(source.sourceId);
    lines.push(`  • ${clean(source.title)} (${clean(source.sourceId)}): ${status}`);
    lines.push(
      `    last successful check ${when(source.lastSuccessAt, 'never')} · last change ${when(source.lastChangeAt, 'none recorded')}${inDigest ? ` · ${plural(inDigest, 'change')} in this digest` : ''}`,
    );
    if (source.status === 'unhealthy' && source.lastError)
      lines.push(`    last error: ${truncateText(clean(source.lastError), ERROR_MAX)}`);
  }
  return lines;
}
