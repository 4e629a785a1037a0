/**
 * A large watchlist in a run: its compact index (./watchlist-index.ts) in memory, its entries left
 * in storage. For each batch of records to screen, the index names the candidate entries, and the
 * candidates are screened as the index holds them (names, kind, countries, birth date,
 * nationalities, identifiers: all the score reads) with no decision applied; only the blocks
 * holding the entries that hit are read (and kept, up to MAX_CACHED_BLOCKS, for the next batch),
 * since a hit event needs the entry's key and reference. What ./screening.ts then screens is the
 * watchlist narrowed to those entries, in their watchlist order: each entry's hits depend on that
 * entry and the records alone, so they are exactly those of the whole list. When a record hits
 * more entries than one event holds (screening.ts MAX_HITS_PER_EVENT), the first screening may not name them
 * all, and every candidate's block is read.
 *
 * Why from INDEXED_FROM entries only: below it, preparing the whole list once per run costs at
 * most about 115 MB and a second, and one batch of changes is screened against it at once, which is
 * as fast as narrowing; the index path then serves the lists whose prepared names would not fit in
 * a function (2.3 GB for a million). Both paths give the same hits (the test compares them).
 */
import type { RegisterRecord } from '../core/records.ts';
import { DEFAULT_THRESHOLD } from '../match/score.ts';
import type { WatchlistEntry } from './file.ts';
import type { HitDecision, WatchlistMeta, WatchlistRepository } from './ports.ts';
import {
  WatchlistScreener,
  indexWatchlist,
  type LoadedWatchlist,
  type NarrowableWatchlist,
  type WatchlistSubscriber,
} from './screening.ts';
import type { WatchlistIndex } from './watchlist-index.ts';

/** Entries from which a stored watchlist is screened through its index (module comment). */
export const INDEXED_FROM = 50_000;

/** Blocks of entries kept between batches (about 1,500 entries and a megabyte of objects each). */
const MAX_CACHED_BLOCKS = 200;

export interface IndexedLoadOptions {
  /** @default INDEXED_FROM */
  indexedFrom?: number;
}

/**
 * The subscriber's watchlist as an IndexedWatchlist when it is large enough and stored with an
 * index; undefined otherwise (the caller loads it whole).
 */
export async function openIndexedWatchlist(
  store: WatchlistRepository,
  subscriber: WatchlistSubscriber,
  options: IndexedLoadOptions = {},
): Promise<IndexedWatchlist | undefined> {
  if (!store.loadIndex || !store.entryBlocks) return undefined;
  const meta = (await store.versions([subscriber.id])).get(subscriber.id);
  if (!meta || meta.layout !== 'blocks' || meta.entryCount < (options.indexedFrom ?? INDEXED_FROM)) return undefined;
  const [index, decisions, reported] = await Promise.all([
    store.loadIndex(meta),
    store.decisions(subscriber.id),
    store.reported(subscriber.id),
  ]);
  if (!index) return undefined;
  return new IndexedWatchlist(store, meta, index, subscriber.threshold ?? DEFAULT_THRESHOLD, decisions, reported);
}

export class IndexedWatchlist implements NarrowableWatchlist {
  private readonly blocks = new Map<number, WatchlistEntry[]>();
  /** Entries read and names prepared over the run (for the bench and the run's log). */
  readonly stats = { batches: 0, candidates: 0, hitEntries: 0, blocksRead: 0, candidatesMs: 0, probeMs: 0 };

  constructor(
    private readonly store: WatchlistRepository,
    private readonly meta: WatchlistMeta,
    readonly index: WatchlistIndex,
    readonly threshold: number,
    private readonly decisions: Map<string, HitDecision>,
    private readonly reported: Map<string, string>,
  ) {}

  get subscriberId(): string {
    return this.meta.subscriberId;
  }

  get version(): string {
    return this.meta.version;
  }

  /** The watchlist narrowed to the entries these records may match, in watchlist order. */
  async narrow(records: readonly RegisterRecord[]): Promise<LoadedWatchlist> {
    const started = performance.now();
    const candidates = this.index.candidates(records, this.threshold);
    const found = performance.now();
    const positions = this.hitting(records, candidates);
    this.stats.candidatesMs += found - started;
    this.stats.probeMs += performance.now() - found;
    this.stats.batches += 1;
    this.stats.candidates += candidates.length;
    this.stats.hitEntries += positions.length;
    const needed = [...new Set(positions.map((position) => this.index.blockOf(position)))];
    const missing = needed.filter((block) => !this.blocks.has(block));
    if (missing.length) {
      // The blocks of this batch first: dropping the oldest others keeps the cache bounded.
      for (const block of this.blocks.keys()) {
        if (this.blocks.size + missing.length <= MAX_CACHED_BLOCKS) break;
        if (!needed.includes(block)) this.blocks.delete(block);
      }
      const read = await this.store.entryBlocks!(this.meta, missing);
      this.stats.blocksRead += read.size;
      for (const [block, entries] of read) this.blocks.set(block, entries);
    }
    const entries = positions.map((position) => {
      const block = this.index.blockOf(position);
      return this.blocks.get(block)![position - this.index.blockStarts[block]!]!;
    });
    return indexWatchlist({ ...this.meta, entries }, this.threshold, this.decisions, this.reported);
  }

  /**
   * The candidates (ascending positions) that some record hits, screened as the index holds them;
   * decisions and reported hits are left out here, so that every hit counts (they apply to the
   * second screening, on the stored entries).
   */
  private hitting(records: readonly RegisterRecord[], candidates: number[]): number[] {
    if (!candidates.length) return candidates;
    const entries = candidates.map((position) => this.index.entryForMatching(position));
    const probe = new WatchlistScreener([
      indexWatchlist({ ...this.meta, entries }, this.threshold, new Map(), new Map()),
    ]);
    const results = probe.screenBatch(records.map((record) => ({ record, sourceId: '', recordHash: '' })));
    const hit = new Set<number>();
    for (const perList of results)
      for (const result of perList) {
        if (result.moreHits) return candidates;
        for (const { entryKey } of result.hits) hit.add(Number(entryKey.slice(1)));
      }
    return candidates.filter((position) => hit.has(position));
  }
}
