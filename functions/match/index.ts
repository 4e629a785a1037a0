/**
 * Screening a watchlist against register records without comparing every pair.
 *
 * `NameIndex` holds the watchlist's names under blocking keys; a record's name is scored only against
 * the names that share a key with it. The keys are chosen so that every similarity grade of score.ts
 * that can lift a pair over a threshold shares at least one key:
 *  - `t:` each name word and number, and each concatenation of two adjacent words (`hua wei` →
 *    `huawei`, meeting `Huawei`'s own word key): exact and joined words;
 *  - `d:` each word of 4+ letters with one letter deleted, and the word itself (a deletion
 *    neighbourhood, as in SymSpell): any single typo, insertion, deletion or swap;
 *  - `p:` the word's double-metaphone keys: spelling variants that sound alike;
 *  - `f:` the first four letters of words of 4+ letters: abbreviations (`tech`) and fused words
 *    (`gazpromneft` meets `gazprom`).
 * Keys held by more than `maxPostings` names (`mohammed`, `trading`) are skipped for a query that
 * has rarer keys: such a word alone never makes a match, and the rarer words still find the pair.
 * What blocking loses against the brute force (`screenAllPairs`) is measured by bench/match.ts.
 */
import type { RecordKind, RegisterRecord } from '../records.ts';
import { DEFAULT_THRESHOLD, prepareName, schemaKind, scorePrepared, type PreparedName } from './score.ts';

export interface WatchlistEntry {
  name: string;
  /** Person, Company, Organization, LegalEntity, Vessel, Aircraft; none: no kind constraint. */
  schema?: string;
  /** ISO 3166-1 alpha-2 codes. */
  countries?: string[];
}

export interface ScreeningHit {
  recordId: string;
  /** The record's name or alias that matched best. */
  recordName: string;
  watchlistIndex: number;
  watchlistName: string;
  score: number;
  explanation: string[];
}

export interface NameIndexOptions {
  /**
   * A key held by more names than this is not used to find candidates, unless the query has no
   * other key.
   * @default 1000
   */
  maxPostings?: number;
}

/** The blocking keys of a prepared name (see the module comment). */
export function blockingKeys(name: PreparedName): Set<string> {
  const keys = new Set<string>();
  const words = name.tokens.filter((t) => t.kind === 'name' || t.kind === 'number');
  for (const token of words) {
    keys.add(`t:${token.text}`);
    if (token.kind !== 'name') continue;
    for (const code of token.phonetic) if (code.length >= 2) keys.add(`p:${code}`);
    if (token.text.length >= 4) {
      keys.add(`f:${token.text.slice(0, 4)}`);
      keys.add(`d:${token.text}`);
      for (let i = 0; i < token.text.length; i++) keys.add(`d:${token.text.slice(0, i)}${token.text.slice(i + 1)}`);
    }
  }
  const joinable = name.tokens;
  for (let i = 0; i + 1 < joinable.length; i++) {
    const [left, right] = [joinable[i]!, joinable[i + 1]!];
    if (left.kind === 'legal' || right.kind === 'legal' || left.kind === 'number' || right.kind === 'number') continue;
    const joined = left.text + right.text;
    keys.add(`t:${joined}`);
    keys.add(`d:${joined}`);
    if (joined.length >= 4) keys.add(`f:${joined.slice(0, 4)}`);
  }
  // A name of legal forms and particles only: its whole text is its key.
  if (!keys.size) keys.add(`t:${name.normalized.text}`);
  return keys;
}

export interface IndexMatch {
  index: number;
  score: number;
  explanation: string[];
}

export class NameIndex {
  readonly names: PreparedName[] = [];
  private readonly postings = new Map<string, number[]>();
  private readonly maxPostings: number;

  constructor(options: NameIndexOptions = {}) {
    const defaults = { maxPostings: 1000 };
    this.maxPostings = { ...defaults, ...options }.maxPostings;
  }

  /** Adds a name; returns its position (the index passed back in matches). */
  add(name: PreparedName): number {
    const position = this.names.push(name) - 1;
    for (const key of blockingKeys(name)) {
      const list = this.postings.get(key);
      if (list) list.push(position);
      else this.postings.set(key, [position]);
    }
    return position;
  }

  /** Positions of the names sharing a usable blocking key with `name`. */
  candidates(name: PreparedName): number[] {
    const lists = [...blockingKeys(name)].map((key) => this.postings.get(key)).filter((list): list is number[] => list !== undefined);
    const usable = lists.filter((list) => list.length <= this.maxPostings);
    const chosen = usable.length ? usable : lists;
    const found = new Set<number>();
    for (const list of chosen) for (const position of list) found.add(position);
    return [...found];
  }

  /** Indexed names scoring at least `threshold` against `name`, best first. */
  search(name: PreparedName, threshold = DEFAULT_THRESHOLD): IndexMatch[] {
    const matches: IndexMatch[] = [];
    for (const position of this.candidates(name)) {
      const { score, explanation } = scorePrepared(name, this.names[position]!);
      if (score >= threshold) matches.push({ index: position, score, explanation });
    }
    return matches.sort((x, y) => y.score - x.score || x.index - y.index);
  }
}

function watchlistEntry(entry: string | WatchlistEntry): WatchlistEntry {
  return typeof entry === 'string' ? { name: entry } : entry;
}

function prepareWatchlist(watchlist: readonly (string | WatchlistEntry)[]): PreparedName[] {
  return watchlist.map((item) => {
    const entry = watchlistEntry(item);
    return prepareName(entry.name, schemaKind(entry.schema), entry.countries ?? []);
  });
}

function recordNames(record: RegisterRecord): PreparedName[] {
  const kind: RecordKind = record.kind;
  return [record.name, ...record.aliases].filter(Boolean).map((name) => prepareName(name, kind, record.countries));
}

/** Keeps the best hit per (record, watchlist entry). */
class HitCollector {
  private readonly best = new Map<string, ScreeningHit>();

  offer(record: RegisterRecord, recordName: PreparedName, watchlistIndex: number, watchlistName: PreparedName, score: number, explanation: string[]): void {
    const key = `${record.id}\u0000${watchlistIndex}`;
    const current = this.best.get(key);
    if (current && current.score >= score) return;
    this.best.set(key, { recordId: record.id, recordName: recordName.normalized.original, watchlistIndex, watchlistName: watchlistName.normalized.original, score, explanation });
  }

  hits(): ScreeningHit[] {
    return [...this.best.values()].sort((x, y) => y.score - x.score || x.recordId.localeCompare(y.recordId) || x.watchlistIndex - y.watchlistIndex);
  }
}

/**
 * Every (record, watchlist entry) pair where one of the record's names (primary or alias) scores at
 * least `threshold` against the entry, with the best-scoring names; found through a `NameIndex`.
 */
export function screen(watchlist: readonly (string | WatchlistEntry)[], records: readonly RegisterRecord[], threshold = DEFAULT_THRESHOLD, options: NameIndexOptions = {}): ScreeningHit[] {
  const index = new NameIndex(options);
  for (const name of prepareWatchlist(watchlist)) index.add(name);
  const collector = new HitCollector();
  for (const record of records) {
    for (const name of recordNames(record)) {
      for (const match of index.search(name, threshold)) collector.offer(record, name, match.index, index.names[match.index]!, match.score, match.explanation);
    }
  }
  return collector.hits();
}

/** The same result as `screen`, by scoring every pair: the reference the index is measured against. */
export function screenAllPairs(watchlist: readonly (string | WatchlistEntry)[], records: readonly RegisterRecord[], threshold = DEFAULT_THRESHOLD): ScreeningHit[] {
  const prepared = prepareWatchlist(watchlist);
  const collector = new HitCollector();
  for (const record of records) {
    for (const name of recordNames(record)) {
      prepared.forEach((entry, position) => {
        const { score, explanation } = scorePrepared(name, entry);
        if (score >= threshold) collector.offer(record, name, position, entry, score, explanation);
      });
    }
  }
  return collector.hits();
}
