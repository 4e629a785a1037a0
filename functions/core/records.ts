/**
 * core/ — pure code: records, diff, events, errors, filters, text. No I/O, no AWS SDK, nothing else of the project.
 *
 * The normalized register record every source maps into, and the canonical form the diff hashes.
 */
import { createHash } from 'node:crypto';
import { hasControlCharacters, removeControlCharacters } from './text.ts';

export const RECORD_KINDS = ['person', 'organization', 'vessel', 'aircraft', 'other'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/** Source-specific fields: plain strings or lists of strings, so they hash and diff like the rest. */
export type ExtraFields = Record<string, string | string[]>;

export interface RegisterRecord {
  /** Stable id within the source (OFAC ent_num/uid, UN DATAID, CSL _id, ...). */
  id: string;
  /** Source id, e.g. `us-ofac-sdn`. */
  source: string;
  /** The list inside the source the record belongs to, e.g. `SDN`, `Entity List`, `UN 1267`. */
  list: string;
  kind: RecordKind;
  name: string;
  aliases: string[];
  /** ISO 3166-1 alpha-2 codes. */
  countries: string[];
  addresses: string[];
  programs: string[];
  /** ISO date (YYYY-MM-DD) when the publisher gives one. */
  listedOn?: string;
  remarks?: string;
  links: string[];
  /**
   * Subject tags (entity-list, export-licence, sanctions, semiconductors ...), set by feeds' keyword
   * rules; they travel as the `topics` message attribute for filter policies.
   */
  topics?: string[];
  extra: ExtraFields;
}

const UNCLEAN = /[\t\n\v\f\r\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]| {2}|^ | $/;

/** Collapses runs of whitespace (including NBSP) and trims. */
export function cleanText(value: string | undefined | null): string {
  if (value == null) return '';
  // Most values are clean already: test without allocating, rewrite only when needed.
  if (!UNCLEAN.test(value)) return value;
  return value.replace(/[\s\u00a0\u2000-\u200b\u3000]+/g, ' ').trim();
}

/**
 * Called by canonicalRecord when it removed control characters or escape sequences from a record:
 * which fields held them. Never content, they are removed for every source in the one place every
 * record passes; the caller says so through the parse context.
 */
export type ControlCharactersRemoved = (fields: readonly string[], canonical: RegisterRecord) => void;

const UNCLEAN_OR_CONTROL =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001f\u007f-\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]| {2}|^ | $/;

/** cleanText, with control characters removed first and the field noted when there were any. */
class Canonicalizer {
  readonly repaired: string[] = [];

  text(value: string | undefined | null, field: string): string {
    if (value == null) return '';
    // One test for both cases on the common path: most values are clean already.
    if (!UNCLEAN_OR_CONTROL.test(value)) return value;
    if (hasControlCharacters(value)) {
      if (!this.repaired.includes(field)) this.repaired.push(field);
      return cleanText(removeControlCharacters(value));
    }
    return cleanText(value);
  }

  list(values: readonly string[], field: string): string[] {
    // Most lists are empty or hold one item: no Set, no sort.
    if (values.length === 0) return [];
    if (values.length === 1) {
      const text = this.text(values[0], field);
      return text ? [text] : [];
    }
    const cleaned = new Set<string>();
    for (const value of values) {
      const text = this.text(value, field);
      if (text) cleaned.add(text);
    }
    return [...cleaned].sort();
  }
}

/**
 * The canonical form of a record: control characters and escape sequences removed (reported to
 * `onControlCharacters`), text trimmed and whitespace-collapsed, lists de-duplicated and sorted,
 * empty optional fields dropped. Field order, whitespace and list order never count as changes.
 */
export function canonicalRecord(
  record: RegisterRecord,
  onControlCharacters?: ControlCharactersRemoved,
): RegisterRecord {
  const clean = new Canonicalizer();
  const extra: ExtraFields = {};
  for (const key of Object.keys(record.extra).sort()) {
    const value = record.extra[key];
    if (Array.isArray(value)) {
      const list = clean.list(value, `extra.${key}`);
      if (list.length) extra[key] = list;
    } else {
      const text = clean.text(value, `extra.${key}`);
      if (text) extra[key] = text;
    }
  }
  const canonical: RegisterRecord = {
    id: clean.text(record.id, 'id'),
    source: record.source,
    list: clean.text(record.list, 'list'),
    kind: record.kind,
    name: clean.text(record.name, 'name'),
    aliases: clean.list(record.aliases, 'aliases'),
    countries: clean.list(
      record.countries.map((c) => c.toUpperCase()),
      'countries',
    ),
    addresses: clean.list(record.addresses, 'addresses'),
    programs: clean.list(record.programs, 'programs'),
    links: clean.list(record.links, 'links'),
    extra,
  };
  const listedOn = clean.text(record.listedOn, 'listedOn');
  if (listedOn) canonical.listedOn = listedOn;
  const remarks = clean.text(record.remarks, 'remarks');
  if (remarks) canonical.remarks = remarks;
  const topics = clean.list(record.topics ?? [], 'topics');
  if (topics.length) canonical.topics = topics;
  if (clean.repaired.length && onControlCharacters) onControlCharacters(clean.repaired, canonical);
  return canonical;
}

/** Content hash of a record's canonical form: 22 base64url characters (128 bits of SHA-256). */
export function contentHash(record: RegisterRecord): string {
  return canonicalHash(canonicalRecord(record));
}

/**
 * Content hash of a record already in canonical form. canonicalRecord builds every object with its
 * keys in one fixed order (extra's keys sorted), so plain JSON.stringify is already stable here.
 */
export function canonicalHash(canonical: RegisterRecord): string {
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url').slice(0, 22);
}
