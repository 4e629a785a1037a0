/**
 * A subscriber's watchlist: the counterparties it screens every list change against.
 *
 * CSV, one counterparty per row, a header row naming the columns (any order, case ignored):
 *
 * | column | required | what |
 * |---|---|---|
 * | `name` | yes | the counterparty's name, in any script |
 * | `aliases` | no | other names, separated by `;` or `\|` |
 * | `country` (or `countries`) | no | ISO 3166-1 alpha-2 codes or English country names, separated by `;` |
 * | `kind` (or `schema`, `type`) | no | person, organization (company), vessel, aircraft; empty: any |
 * | `reference` (or `ref`, `id`) | no | the subscriber's own reference (customer or supplier number) |
 * | `birthDate` (or `dob`, `dateOfBirth`, `birth_date`) | no | a person's birth date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` |
 * | `nationality` (or `nationalities`) | no | ISO 3166-1 alpha-2 codes or English country names, separated by `;` |
 * | `identifiers` (or `identifier`) | no | `;`-separated, each with an optional `scheme:` (imo, lei, passport, national-id, registration, tax-id, swift): `imo:9187629;passport:A1234567;BE0403.170.701` |
 *
 * Other columns are ignored (a CRM export can be used as it is). JSON: an array of objects with the
 * same keys (`aliases`, `countries`, `nationality` and `identifiers` as arrays or `;`-separated
 * strings), or `{ "entries": [...] }`. Birth date, nationality and identifiers move a hit's score
 * (functions/match/secondary.ts): a contradicting birth date below the threshold, an agreeing one or
 * an equal identifier above it.
 *
 * Each entry gets a key, stable across imports: its reference when it has one (references must be
 * unique), otherwise a hash of its name, kind and countries (and birth date, nationalities and
 * identifiers when it has them: two John Smiths born in other years are two entries). Decisions
 * (functions/aws/watchlist-store.ts) and hit event ids hang on that key, and on the entry's content
 * hash, so that editing an entry screens it again while re-importing an unchanged list alerts nothing
 * twice. The birth date, nationalities and identifiers join the key and the hash only when present,
 * so that entries without them keep the key and hash they had before these columns existed (an
 * upgrade screens no stored watchlist again).
 */
import { WatchlistError } from '../core/errors.ts';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseStream } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import { countryCode } from '../core/countries.ts';
import { schemaKind } from '../match/score.ts';
import {
  IdentifierColumnError,
  identifierKey,
  parseBirthDateColumn,
  parseIdentifierColumn,
} from '../match/secondary.ts';
import type { RecordKind } from '../core/records.ts';

export interface WatchlistEntry {
  /** Stable key: `ref:<reference>` or `name:<hash>`. */
  key: string;
  reference?: string;
  name: string;
  aliases: string[];
  /** ISO 3166-1 alpha-2 codes. */
  countries: string[];
  kind?: Exclude<RecordKind, 'other'>;
  /** A person's birth date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`. */
  birthDate?: string;
  /** ISO 3166-1 alpha-2 codes (absent: none given). */
  nationalities?: string[];
  /** `scheme:VALUE` or `VALUE`, the value folded (match/secondary.ts `identifierKey`). */
  identifiers?: string[];
  /** Hash of the entry's content (name, aliases, countries, kind; birth date, nationalities, identifiers when given). */
  hash: string;
}

/** A bad watchlist: names the file, the row and the cause. */
export class WatchlistFormatError extends WatchlistError {
  constructor(
    readonly origin: string,
    readonly problems: string[],
  ) {
    const more = problems.length > 10 ? `; and ${problems.length - 10} more problem(s)` : '';
    super(origin, `${problems.slice(0, 10).join('; ')}${more}`);
    this.name = 'WatchlistFormatError';
  }
}

/**
 * Most entries one watchlist may hold: a guard against importing the wrong file. A million is the
 * size issue 12 asks for and bench/million.ts measures (a run holds the compact index, 275 MB at a
 * million synthetic entries, and only the candidate entries); beyond it, split the customer base
 * into several subscribers' watchlists.
 */
export const MAX_WATCHLIST_ENTRIES = 1_000_000;

const COLUMN_ALIASES: Readonly<Record<string, keyof RawEntry>> = {
  name: 'name',
  aliases: 'aliases',
  alias: 'aliases',
  country: 'countries',
  countries: 'countries',
  kind: 'kind',
  schema: 'kind',
  type: 'kind',
  reference: 'reference',
  ref: 'reference',
  id: 'reference',
  birthdate: 'birthDate',
  birth_date: 'birthDate',
  dob: 'birthDate',
  dateofbirth: 'birthDate',
  nationality: 'nationality',
  nationalities: 'nationality',
  identifiers: 'identifiers',
  identifier: 'identifiers',
};

interface RawEntry {
  name?: unknown;
  aliases?: unknown;
  countries?: unknown;
  kind?: unknown;
  reference?: unknown;
  birthDate?: unknown;
  nationality?: unknown;
  identifiers?: unknown;
}

function hash(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 16);
}

function listOf(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value.map(String) : String(value).split(/[;|]/);
  return items.map((item) => item.replace(/\s+/g, ' ').trim()).filter(Boolean);
}

/** Checks one raw entry; returns it or the problems found (`row` counts from 1 at the first entry). */
function toEntry(raw: RawEntry, where: string, problems: string[]): WatchlistEntry | undefined {
  const name =
    typeof raw.name === 'string' || typeof raw.name === 'number' ? String(raw.name).replace(/\s+/g, ' ').trim() : '';
  if (!name) {
    problems.push(`${where}: name is empty`);
    return undefined;
  }
  const countryCodes = (values: unknown, column: string): string[] => {
    const codes: string[] = [];
    for (const value of listOf(values)) {
      const code = countryCode(value);
      if (code) codes.push(code);
      else
        problems.push(
          `${where}: unknown ${column} "${value}" (use ISO 3166-1 alpha-2 codes such as CN, or English names)`,
        );
    }
    return [...new Set(codes)].sort();
  };
  const countries = countryCodes(raw.countries, 'country');
  const nationalities = countryCodes(raw.nationality, 'nationality');
  const birthDateText = raw.birthDate === undefined || raw.birthDate === null ? '' : String(raw.birthDate).trim();
  const birthDate = birthDateText ? parseBirthDateColumn(birthDateText) : undefined;
  if (birthDateText && !birthDate)
    problems.push(
      `${where}: birth date "${birthDateText}" is not a date YYYY, YYYY-MM or YYYY-MM-DD (e.g. 1961-01-12)`,
    );
  const identifiers: string[] = [];
  for (const text of listOf(raw.identifiers)) {
    try {
      identifiers.push(identifierKey(parseIdentifierColumn(text)));
    } catch (error) {
      if (!(error instanceof IdentifierColumnError)) throw error;
      problems.push(`${where}: ${error.message}`);
    }
  }
  const sortedIdentifiers = [...new Set(identifiers)].sort();
  let kind: WatchlistEntry['kind'];
  const kindText = raw.kind === undefined || raw.kind === null ? '' : String(raw.kind).trim();
  if (kindText) {
    try {
      const resolved = schemaKind(kindText);
      if (resolved && resolved !== 'other') kind = resolved;
    } catch {
      problems.push(`${where}: unknown kind "${kindText}" (person, organization, company, vessel, aircraft, or empty)`);
    }
  }
  const reference = raw.reference === undefined || raw.reference === null ? '' : String(raw.reference).trim();
  const aliases = [...new Set(listOf(raw.aliases))].filter((alias) => alias !== name);
  // Only what is given joins the hash and the key (module comment: an upgrade re-screens nothing).
  const secondary: string[] = [];
  if (birthDate) secondary.push('|birthDate', birthDate.text);
  if (nationalities.length) secondary.push('|nationalities', ...nationalities);
  if (sortedIdentifiers.length) secondary.push('|identifiers', ...sortedIdentifiers);
  const contentHash = hash([name, ...aliases, '|', ...countries, '|', kind ?? '', ...secondary]);
  const entry: WatchlistEntry = {
    key: reference ? `ref:${reference}` : `name:${hash([name.toLowerCase(), kind ?? '', ...countries, ...secondary])}`,
    name,
    aliases,
    countries,
    hash: contentHash,
  };
  if (reference) entry.reference = reference;
  if (kind) entry.kind = kind;
  if (birthDate) entry.birthDate = birthDate.text;
  if (nationalities.length) entry.nationalities = nationalities;
  if (sortedIdentifiers.length) entry.identifiers = sortedIdentifiers;
  return entry;
}

/**
 * Checks entries one at a time (rows of a file being read); duplicate references and keys are
 * problems, an identical repeat is dropped. What it keeps per entry is its key, content hash and
 * row, so that a million rows are checked without holding the parsed list.
 */
class EntryChecker {
  private readonly problems: string[] = [];
  /** Key → content hash (16 characters) and row. */
  private readonly seen = new Map<string, string>();
  private count = 0;

  constructor(private readonly origin: string) {}

  /** The entry of this raw row, or undefined when it has problems or repeats one. */
  check(raw: RawEntry, row: number): WatchlistEntry | undefined {
    const entry = toEntry(raw, `row ${row}`, this.problems);
    if (!entry) return undefined;
    const earlier = this.seen.get(entry.key);
    if (earlier) {
      if (earlier.slice(0, 16) !== entry.hash) {
        const earlierRow = earlier.slice(16);
        this.problems.push(
          entry.reference
            ? `row ${row}: reference "${entry.reference}" is also on row ${earlierRow}`
            : `row ${row}: "${entry.name}" repeats row ${earlierRow} with other aliases (merge them or give each a reference)`,
        );
      }
      return undefined;
    }
    this.count += 1;
    if (this.count > MAX_WATCHLIST_ENTRIES)
      throw new WatchlistFormatError(this.origin, [
        `more than the ${MAX_WATCHLIST_ENTRIES} entries a watchlist may hold (row ${row})`,
      ]);
    this.seen.set(entry.key, `${entry.hash}${row}`);
    return entry;
  }

  /** Throws the problems found, if any, or that there was no entry. */
  finish(): void {
    if (this.problems.length) throw new WatchlistFormatError(this.origin, this.problems);
    if (this.count === 0) throw new WatchlistFormatError(this.origin, ['holds no entries']);
  }
}

/** Entries from raw objects; duplicate references and keys are problems, an identical repeat is dropped. */
export function watchlistEntries(raws: readonly RawEntry[], origin: string, firstRow = 1): WatchlistEntry[] {
  if (raws.length > MAX_WATCHLIST_ENTRIES)
    throw new WatchlistFormatError(origin, [
      `${raws.length} entries, more than the ${MAX_WATCHLIST_ENTRIES} a watchlist may hold`,
    ]);
  const checker = new EntryChecker(origin);
  const entries: WatchlistEntry[] = [];
  raws.forEach((raw, index) => {
    const entry = checker.check(raw, index + firstRow);
    if (entry) entries.push(entry);
  });
  checker.finish();
  return entries;
}

/** Reads a CSV watchlist (see the module comment). Rows are numbered as in a spreadsheet (header = 1). */
export function parseWatchlistCsv(text: string, origin = 'watchlist.csv'): WatchlistEntry[] {
  let rows: Record<string, string>[];
  try {
    rows = parse(text.replace(/^\ufeff/, ''), {
      columns: (header: string[]) =>
        header.map((column) => COLUMN_ALIASES[column.trim().toLowerCase()] ?? `ignored:${column}`),
      skip_empty_lines: true,
      trim: true,
      relax_column_count: false,
    }) as Record<string, string>[];
  } catch (error) {
    throw new WatchlistFormatError(origin, [`not a readable CSV file (${(error as Error).message})`]);
  }
  const header = text.replace(/^\ufeff/, '').split(/\r?\n/, 1)[0] ?? '';
  if (
    !header.split(',').some((column) => COLUMN_ALIASES[column.trim().replace(/^"|"$/g, '').toLowerCase()] === 'name')
  ) {
    throw new WatchlistFormatError(origin, [
      `the header row must name a "name" column (found: ${header.slice(0, 120) || 'nothing'})`,
    ]);
  }
  return watchlistEntries(rows, origin, 2);
}

/** Reads a JSON watchlist: an array of entries or `{ "entries": [...] }`. */
export function parseWatchlistJson(text: string, origin = 'watchlist.json'): WatchlistEntry[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new WatchlistFormatError(origin, [`not valid JSON (${(error as Error).message})`]);
  }
  const list = Array.isArray(value) ? value : (value as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(list))
    throw new WatchlistFormatError(origin, ['must be a JSON array of entries or an object with an "entries" array']);
  const raws = list.map((item) => {
    if (typeof item === 'string') return { name: item };
    if (typeof item !== 'object' || item === null) return {};
    const object = item as Record<string, unknown>;
    const raw: RawEntry = {};
    for (const [key, v] of Object.entries(object)) {
      const field = COLUMN_ALIASES[key.toLowerCase()];
      if (field) raw[field] = v;
    }
    return raw;
  });
  return watchlistEntries(raws, origin, 1);
}

/** A watchlist file by its extension (.csv, .json). */
export async function readWatchlistFile(path: string): Promise<WatchlistEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new WatchlistFormatError(path, [
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    ]);
  }
  if (!text.trim()) throw new WatchlistFormatError(path, ['is empty']);
  const extension = extname(path).toLowerCase();
  if (extension === '.json') return parseWatchlistJson(text, path);
  if (extension === '.csv' || extension === '.txt') return parseWatchlistCsv(text, path);
  throw new WatchlistFormatError(path, [`unknown file type "${extension}" (use .csv or .json)`]);
}

/**
 * A watchlist file's entries as the file is read (.csv, .json): a CSV file is parsed row by row, so
 * that an import of a million rows never holds the parsed list (functions/aws/watchlist-store.ts
 * `importWatchlist`); a JSON file is parsed whole, then handed out entry by entry. The problems of
 * every row are thrown together once the file is read (WatchlistFormatError), after the last entry
 * and before the generator ends, so that a consumer writes nothing.
 */
export async function* streamWatchlistFile(path: string): AsyncGenerator<WatchlistEntry> {
  const extension = extname(path).toLowerCase();
  if (extension !== '.csv' && extension !== '.txt') {
    yield* await readWatchlistFile(path);
    return;
  }
  const cannotRead = (error: unknown): WatchlistFormatError =>
    new WatchlistFormatError(path, [
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    ]);
  try {
    if (!(await stat(path)).size) throw new WatchlistFormatError(path, ['is empty']);
  } catch (error) {
    throw error instanceof WatchlistFormatError ? error : cannotRead(error);
  }
  let header: string[] | undefined;
  const parser = createReadStream(path).pipe(
    parseStream({
      bom: true,
      columns: (columns: string[]) => {
        header = columns;
        return columns.map((column) => COLUMN_ALIASES[column.trim().toLowerCase()] ?? `ignored:${column}`);
      },
      skip_empty_lines: true,
      trim: true,
      relax_column_count: false,
    }),
  );
  const checker = new EntryChecker(path);
  let row = 1;
  const checkHeader = (): void => {
    if (!header?.some((column) => COLUMN_ALIASES[column.trim().toLowerCase()] === 'name'))
      throw new WatchlistFormatError(path, [
        `the header row must name a "name" column (found: ${header?.join(',').slice(0, 120) || 'nothing'})`,
      ]);
  };
  try {
    for await (const raw of parser as AsyncIterable<Record<string, string>>) {
      if (row === 1) checkHeader();
      row += 1;
      const entry = checker.check(raw, row);
      if (entry) yield entry;
    }
  } catch (error) {
    if (error instanceof WatchlistFormatError) throw error;
    if ((error as NodeJS.ErrnoException).code?.startsWith('CSV_'))
      throw new WatchlistFormatError(path, [`not a readable CSV file (${(error as Error).message})`]);
    throw cannotRead(error);
  } finally {
    parser.destroy();
  }
  if (row === 1) {
    if (!header?.some((column) => column.trim())) throw new WatchlistFormatError(path, ['is empty']);
    checkHeader();
  }
  checker.finish();
}

/** The version of a watchlist: a hash of its entries' keys and contents, in order of key. */
export function watchlistVersion(entries: readonly WatchlistEntry[]): string {
  return versionOfParts(entries.map(versionPart));
}

/** What an entry adds to its watchlist's version (watchlistVersion). */
export const versionPart = (entry: WatchlistEntry): string => `${entry.key}=${entry.hash}`;

/** The version of a watchlist from its entries' versionPart, in any order (sorted here, in place). */
export function versionOfParts(parts: string[]): string {
  // hash(parts) fed a part at a time: the same digest without one string of them all.
  const digest = createHash('sha256');
  parts.sort().forEach((part, i) => digest.update(i ? `\u0000${part}` : part));
  return digest.digest('base64url').slice(0, 16);
}
