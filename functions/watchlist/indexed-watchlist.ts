/**
 * A large watchlist in a run: its compact index (./watchlist-index.ts) in memory, its entries left
 * in storage. For each batch of records to screen, the index names the candidate entries; only the
 * blocks holding them are read (and kept, up to MAX_CACHED_BLOCKS, for the next batch), and only
 * the candidates' names are prepared. What ./screening.ts then screens is the watchlist narrowed to
 * those candidates, in their watchlist order, so the hits are exactly those of the whole list.
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
  readonly stats = { batches: 0, candidates: 0, blocksRead: 0 };

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
    const positions = this.index.candidates(records, this.threshold);
    this.stats.batches += 1;
    this.stats.candidates += positions.length;
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
}
