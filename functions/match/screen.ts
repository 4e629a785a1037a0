/**
 * Screening: a watchlist against register records (each record's name and aliases), the best hit
 * per record and entry; through the blocking index, or by scoring every pair as the reference.
 */
import type { RecordKind, RegisterRecord } from '../core/records.ts';
import { NameIndex, type NameIndexOptions } from './name-index.ts';
import { prepareName, type PreparedName } from './prepare.ts';
import { DEFAULT_THRESHOLD, schemaKind, scorePrepared, scoreValue } from './score.ts';

export interface NameToScreen {
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
function nameToScreen(entry: string | NameToScreen): NameToScreen {
  return typeof entry === 'string' ? { name: entry } : entry;
}

function prepareWatchlist(watchlist: readonly (string | NameToScreen)[]): PreparedName[] {
  return watchlist.map((item) => {
    const entry = nameToScreen(item);
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

  offer(
    record: RegisterRecord,
    recordName: PreparedName,
    watchlistIndex: number,
    watchlistName: PreparedName,
    score: number,
    explanation: () => string[],
  ): void {
    const key = `${record.id}\u0000${watchlistIndex}`;
    const current = this.best.get(key);
    if (current && current.score >= score) return;
    this.best.set(key, {
      recordId: record.id,
      recordName: recordName.normalized.original,
      watchlistIndex,
      watchlistName: watchlistName.normalized.original,
      score,
      explanation: explanation(),
    });
  }

  hits(): ScreeningHit[] {
    return [...this.best.values()].sort(
      (x, y) => y.score - x.score || x.recordId.localeCompare(y.recordId) || x.watchlistIndex - y.watchlistIndex,
    );
  }
}

/**
 * Every (record, watchlist entry) pair where one of the record's names (primary or alias) scores at
 * least `threshold` against the entry, with the best-scoring names; found through a `NameIndex`.
 */
export function screen(
  watchlist: readonly (string | NameToScreen)[],
  records: readonly RegisterRecord[],
  threshold = DEFAULT_THRESHOLD,
  options: NameIndexOptions = {},
): ScreeningHit[] {
  const index = new NameIndex(options);
  for (const name of prepareWatchlist(watchlist)) index.add(name);
  const collector = new HitCollector();
  for (const record of records) {
    for (const name of recordNames(record)) {
      for (const match of index.search(name, threshold))
        collector.offer(record, name, match.index, index.names[match.index]!, match.score, () => match.explanation);
    }
  }
  return collector.hits();
}

/** The same result as `screen`, by scoring every pair: the reference the index is measured against. */
export function screenAllPairs(
  watchlist: readonly (string | NameToScreen)[],
  records: readonly RegisterRecord[],
  threshold = DEFAULT_THRESHOLD,
): ScreeningHit[] {
  const prepared = prepareWatchlist(watchlist);
  const collector = new HitCollector();
  for (const record of records) {
    for (const name of recordNames(record)) {
      prepared.forEach((entry, position) => {
        const score = scoreValue(name, entry);
        if (score >= threshold)
          collector.offer(record, name, position, entry, score, () => scorePrepared(name, entry).explanation);
      });
    }
  }
  return collector.hits();
}
