/**
 * What screening asks of storage: the subscribers' watchlists, the analysts' decisions and the
 * hits already reported. aws/watchlist-store.ts implements it on the table.
 */
import type { WatchlistEntry } from './file.ts';
import type { WatchlistIndex } from './watchlist-index.ts';

export interface WatchlistMeta {
  subscriberId: string;
  version: string;
  entryCount: number;
  chunks: number;
  importedAt: string;
  importedBy: string;
  origin: string;
  /**
   * `blocks`: the entries in independently gzipped blocks, with a compact index beside them
   * (`indexChunks` items); absent: one gzipped stream in `chunks` pieces (imported before).
   */
  layout?: 'blocks';
  indexChunks?: number;
}

export interface StoredWatchlist extends WatchlistMeta {
  entries: WatchlistEntry[];
}

/** A hit an analyst has judged. */
export interface HitDecision {
  sourceId: string;
  recordId: string;
  entryKey: string;
  decision: 'not-a-match';
  /** Content hash of the listed record when the decision was taken. */
  recordHash: string;
  by: string;
  at: string;
  reason: string;
}

export interface AuditEntry {
  at: string;
  action: 'import' | 'not-a-match' | 'withdraw';
  by: string;
  reason?: string;
  /** import: the version, origin and entry count. */
  version?: string;
  origin?: string;
  entryCount?: number;
  /** decisions: what was judged. */
  sourceId?: string;
  recordId?: string;
  entryKey?: string;
  recordHash?: string;
}

export const decisionKey = (sourceId: string, recordId: string, entryKey: string): string =>
  `${sourceId}#${recordId}#${entryKey}`;

/** decisionKey read back: source ids hold no `#`, and an entry key starts `ref:` or `name:`. */
export function parseDecisionKey(key: string): { sourceId: string; recordId: string; entryKey: string } {
  const sourceEnd = key.indexOf('#');
  const entryStart = Math.max(key.lastIndexOf('#ref:'), key.lastIndexOf('#name:'));
  return {
    sourceId: key.slice(0, sourceEnd),
    recordId: key.slice(sourceEnd + 1, entryStart),
    entryKey: key.slice(entryStart + 1),
  };
}

/** The watchlists as screening reads them, and what it notes after a run. */
export interface WatchlistRepository {
  /** The current version of each subscriber's watchlist (one batch read); absent: none imported. */
  versions(subscriberIds: readonly string[]): Promise<Map<string, WatchlistMeta>>;
  load(subscriberId: string): Promise<StoredWatchlist | undefined>;
  decisions(subscriberId: string): Promise<Map<string, HitDecision>>;
  /** Hits already reported: decisionKey → the record's content hash then. */
  reported(subscriberId: string): Promise<Map<string, string>>;
  /** Notes reported hits (recordHash set) and forgets delisted ones (recordHash undefined). */
  noteReported(subscriberId: string, hits: readonly { key: string; recordHash: string | undefined }[]): Promise<void>;
  /** Notes that the source's stored records were screened against this watchlist version. */
  markScreened(sourceId: string, subscriberId: string, version: string): Promise<void>;
  /** The compact index of this version; undefined when the version has none (see WatchlistMeta.layout). */
  loadIndex?(meta: WatchlistMeta): Promise<WatchlistIndex | undefined>;
  /**
   * Blocks of this version's entries by block number. Throws WatchlistVersionGoneError when the
   * version was replaced (and its blocks removed) since it was read.
   */
  entryBlocks?(meta: WatchlistMeta, blocks: readonly number[]): Promise<Map<number, WatchlistEntry[]>>;
}
