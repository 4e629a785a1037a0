/**
 * The watchlist part of a run (functions/watchlist/ does the matching): which watchlists this
 * source must screen, the initial screening of its stored records against a watchlist imported or
 * edited since, the screening of a version's changes, and the note of what was reported. A run
 * without watchlist subscribers reads nothing. A watchlist of INDEXED_FROM entries or more is not
 * loaded: its compact index is, and each batch of records reads only its candidate entries
 * (functions/watchlist/indexed-watchlist.ts), so a run's cost follows its changes, not the list.
 */
import type { ChangeEvent } from '../core/events.ts';
import type { RegisterRecord } from '../core/records.ts';
import { openIndexedWatchlist, type IndexedLoadOptions } from '../watchlist/indexed-watchlist.ts';
import type { RegisterSource } from '../sources/types.ts';
import {
  WatchlistLoader,
  reportedHits,
  screenChangeEvents,
  screenRecords,
  type ScreeningCounts,
  type WatchlistSubscriber,
} from '../watchlist/screening.ts';
import { silentLogger, type PipelineDeps, type SourceMeta, type StoredEvent } from './ports.ts';

export class WatchlistScreeningRun {
  /** Hits screened, made and left out by decisions, over the whole run. */
  readonly counts: ScreeningCounts = { screened: 0, hitEvents: 0, suppressed: 0 };

  private constructor(
    private readonly deps: PipelineDeps,
    /** Subscribers with an imported watchlist. */
    private readonly all: WatchlistSubscriber[],
    /** Those whose current version the source's stored records were not screened against yet. */
    private readonly pending: WatchlistSubscriber[],
    /** Loads each watchlist once per run, on first use. */
    private readonly loader: WatchlistLoader,
  ) {}

  /** One batch read of the watchlists' versions; nothing when no subscriber has a watchlist. */
  static async open(
    meta: SourceMeta | undefined,
    deps: PipelineDeps,
    options: IndexedLoadOptions = {},
  ): Promise<WatchlistScreeningRun> {
    const subscribers = deps.watchlistSubscribers ?? [];
    const repository = deps.store.watchlists;
    const loader = new WatchlistLoader(repository, (store, subscriber) =>
      openIndexedWatchlist(store, subscriber, options),
    );
    if (!subscribers.length) return new WatchlistScreeningRun(deps, [], [], loader);
    const versions = await repository.versions(subscribers.map((s) => s.id));
    const all = subscribers.filter((s) => versions.has(s.id));
    const missing = subscribers.filter((s) => !versions.has(s.id)).map((s) => s.id);
    if (missing.length)
      (deps.log ?? silentLogger).warn(
        'watchlist subscribers without an imported watchlist: nothing is screened for them ' +
          '(run `tradewatch watchlist sync` or `watchlist import`)',
        { subscribers: missing },
      );
    const pending = all.filter((s) => meta?.screened?.[s.id] !== versions.get(s.id)!.version);
    return new WatchlistScreeningRun(deps, all, pending, loader);
  }

  /** Some subscriber has a watchlist: the run reports its screening counts. */
  get active(): boolean {
    return this.all.length > 0;
  }

  /** Some watchlist was imported or edited since this source's records were screened. */
  get initialScreeningDue(): boolean {
    return this.pending.length > 0;
  }

  /**
   * The initial screening: the source's stored records against the watchlists imported or edited
   * since they were last screened. Hit events go to the outbox (flagged first, as for changes);
   * then the source notes the versions it screened. Returns the number of new events stored.
   */
  async screenStored(source: RegisterSource, now: string): Promise<number> {
    const { deps } = this;
    const screener = await this.loader.screener(this.pending);
    const result = await screenRecords(source, deps.store.scanRecords(source.id), screener, now);
    addCounts(this.counts, result.counts);
    let stored = 0;
    if (result.events.length) {
      await deps.store.setOutboxPending(source.id, true);
      stored = await deps.store.putEvents(result.events);
      await this.noteReported(result.events);
    }
    for (const subscriber of this.pending) {
      const version = screener.versionOf(subscriber.id);
      if (version) await deps.store.watchlists.markScreened(source.id, subscriber.id, version);
    }
    (deps.log ?? silentLogger).info('stored records screened against new watchlists', {
      source: source.id,
      watchlists: this.pending.map((s) => s.id),
      ...result.counts,
      stored,
    });
    return stored;
  }

  /** A version's change events against every watchlist: the hit events to store beside them. */
  async screenChanges(
    source: RegisterSource,
    changes: readonly ChangeEvent[],
    hashes: ReadonlyMap<string, { oldHash?: string | undefined; newHash?: string | undefined }>,
    now: string,
  ): Promise<StoredEvent[]> {
    if (!changes.length || !this.all.length) return [];
    const screener = await (await this.loader.screener(this.all)).narrowed(changedRecords(changes));
    const hits = screenChangeEvents(source, changes, screener, hashes, now);
    addCounts(this.counts, hits.counts);
    return hits.events;
  }

  /** Remembers the hits these events report (after they are stored: a crash between re-runs both). */
  async noteReported(events: readonly StoredEvent[]): Promise<void> {
    if (!this.deps.watchlistSubscribers?.length) return;
    for (const [subscriberId, hits] of reportedHits(events))
      await this.deps.store.watchlists.noteReported(subscriberId, hits);
  }
}

/**
 * The initial screening alone: the source's stored records against watchlists imported or edited
 * since they were last screened (the next poll does it; `tradewatch watchlist import` runs it at
 * once). Undefined when no watchlist waits. The caller publishes (publishOutbox) when events were stored.
 */
export async function screenNewWatchlists(
  source: RegisterSource,
  meta: SourceMeta,
  deps: PipelineDeps,
): Promise<{ counts: ScreeningCounts; stored: number } | undefined> {
  const run = await WatchlistScreeningRun.open(meta, deps);
  if (!run.initialScreeningDue || !meta.contentHash) return undefined;
  const stored = await run.screenStored(source, (deps.clock ?? (() => new Date()))().toISOString());
  return { counts: run.counts, stored };
}

/** The records a version's changes screen: as they are now, or as they were for a removal. */
function changedRecords(changes: readonly ChangeEvent[]): RegisterRecord[] {
  return changes.flatMap(({ data }) => {
    const record = data.changeType === 'removed' ? (data.previous ?? data.record) : data.record;
    return record ? [record] : [];
  });
}

function addCounts(total: ScreeningCounts, more: ScreeningCounts): void {
  total.screened += more.screened;
  total.hitEvents += more.hitEvents;
  total.suppressed += more.suppressed;
}
