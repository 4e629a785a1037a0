/**
 * The watchlist part of a run (functions/watchlist/ does the matching): which watchlists this
 * source must screen, the initial screening of its stored records against a watchlist imported or
 * edited since, the screening of a version's changes, and the note of what was reported. A run
 * without watchlist subscribers reads nothing. A watchlist of INDEXED_FROM entries or more is not
 * loaded: its compact index is, and each batch of records reads only its candidate entries
 * (functions/watchlist/indexed-watchlist.ts), so a run's cost follows its changes, not the list.
 *
 * Deployed (deps.initialScreening), an initial screening estimated longer than the poller's budget
 * is not run here: the poller sends it to workers in shards (functions/watchlist/shard-plan.ts) and
 * notes the fan-out sent, without marking the source screened; each worker runs screenShard, and
 * the one that completes the set of shards marks it, once. Locally there is no sharding.
 */
import { randomUUID } from 'node:crypto';
import { sleep } from '../core/concurrency.ts';
import { SourceError } from '../core/errors.ts';
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
import {
  INLINE_BUDGET_MS,
  estimateScreening,
  planShards,
  shardMessages,
  inShard,
  type ShardMessage,
} from '../watchlist/shard-plan.ts';
import type { WatchlistMeta } from '../watchlist/ports.ts';
import { publishOutbox } from './outbox.ts';
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
    /** The current version of each subscriber's watchlist. */
    private readonly versions: ReadonlyMap<string, WatchlistMeta> = new Map(),
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
    return new WatchlistScreeningRun(deps, all, pending, loader, versions);
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
    const sharded = await this.sendShards(source, now);
    const inline = this.pending.filter((subscriber) => !sharded.has(subscriber.id));
    if (!inline.length) return 0;
    const screener = await this.loader.screener(inline);
    const result = await screenRecords(source, deps.store.scanRecords(source.id), screener, now);
    addCounts(this.counts, result.counts);
    let stored = 0;
    if (result.events.length) {
      await deps.store.setOutboxPending(source.id, true);
      stored = await deps.store.putEvents(result.events);
      await this.noteReported(result.events);
    }
    for (const subscriber of inline) {
      const version = screener.versionOf(subscriber.id);
      if (version) await deps.store.watchlists.markScreened(source.id, subscriber.id, version);
    }
    (deps.log ?? silentLogger).info('stored records screened against new watchlists', {
      source: source.id,
      watchlists: inline.map((s) => s.id),
      ...result.counts,
      stored,
    });
    return stored;
  }

  /**
   * Deployed: the pending watchlists whose screening is estimated longer than the poller's budget,
   * sent to the workers in shards (once per version: a fan-out already sent is left to finish).
   * Returns the subscribers thus left to the workers; none locally.
   */
  private async sendShards(source: RegisterSource, now: string): Promise<Set<string>> {
    const sharding = this.deps.initialScreening;
    const sent = new Set<string>();
    if (!sharding) return sent;
    // Read now, not from the run's META: a baseline's records were committed during this run.
    const records = (await this.deps.store.getMeta(source.id))?.recordCount ?? 0;
    for (const subscriber of this.pending) {
      const meta = this.versions.get(subscriber.id)!;
      const estimate = (sharding.estimate ?? estimateScreening)({ records, entries: meta.entryCount });
      if (estimate.totalMs <= (sharding.inlineBudgetMs ?? INLINE_BUDGET_MS)) continue;
      sent.add(subscriber.id);
      if (await sharding.progress.fanOutSent(source.id, subscriber.id, meta.version)) continue;
      const plan = planShards({
        records,
        msPerRecord: estimate.msPerRecord,
        indexMs: estimate.indexMs,
        ...(sharding.shardBudgetMs ? { budgetMs: sharding.shardBudgetMs } : {}),
      });
      const target = { sourceId: source.id, subscriberId: subscriber.id, version: meta.version, shards: plan.shards };
      // Sent, then noted: a crash between the two sends the fan-out again, which costs a second
      // delivery of each shard (skipped as done), never a screening lost.
      await sharding.dispatcher.send(shardMessages(target));
      await sharding.progress.noteFanOut(source.id, subscriber.id, meta.version, plan.shards, now);
      (this.deps.log ?? silentLogger).info('initial screening sent to the workers in shards', {
        ...target,
        records,
        entries: meta.entryCount,
        estimatedMs: Math.round(estimate.totalMs),
        msPerShard: Math.round(plan.msPerShard),
      });
    }
    return sent;
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

/** How long a worker waits for the source's lease (a poll holds it for a minute or two at most). */
export const SHARD_LEASE_WAIT_MS = 4 * 60 * 1000;
const SHARD_LEASE_MS = 5 * 60 * 1000;
const LEASE_RETRY_MS = 5 * 1000;

export interface ShardOutcome {
  /**
   * `screened`: this delivery screened the shard; `duplicate`: the shard was done already;
   * `obsolete`: the watchlist version was replaced (or its subscriber removed), nothing stored.
   */
  status: 'screened' | 'duplicate' | 'obsolete';
  counts: ScreeningCounts;
  /** New hit events stored. */
  stored: number;
  /** This shard completed the set, and this worker marked the source screened against the version. */
  markedScreened: boolean;
  published: number;
}

/**
 * One shard of a sharded initial screening (the worker): the source's stored records of the shard
 * against the message's watchlist version. The screening runs outside the source's lease; storing
 * its hit events, noting the shard done (and, for the shard that completes the set, marking the
 * source screened) and publishing the outbox run under it, as a poll's do, so the outbox flag is
 * never cleared by one while the other adds events. A version replaced since the fan-out answers
 * `obsolete` (a replaced version whose entries vanish mid-screening throws the store's
 * WatchlistVersionGoneError, which the handler treats alike): the new version has its own fan-out.
 */
export async function screenShard(
  source: RegisterSource,
  message: ShardMessage,
  deps: PipelineDeps,
  options: { leaseWaitMs?: number } = {},
): Promise<ShardOutcome> {
  const log = deps.log ?? silentLogger;
  const progress = deps.initialScreening?.progress;
  if (!progress)
    throw new Error(`screen-shard ${source.id}: the worker has no shard progress store (initialScreening)`);
  const outcome: ShardOutcome = {
    status: 'obsolete',
    counts: { screened: 0, hitEvents: 0, suppressed: 0 },
    stored: 0,
    markedScreened: false,
    published: 0,
  };
  const subscriber = deps.watchlistSubscribers?.find((s) => s.id === message.subscriberId);
  const current = async () =>
    (await deps.store.watchlists.versions([message.subscriberId])).get(message.subscriberId)?.version;
  if (!subscriber || (await current()) !== message.version) {
    log.warn('shard message obsolete: the watchlist was replaced or its subscriber removed; dropped', { ...message });
    return outcome;
  }
  if (await progress.isShardDone(message)) {
    log.info('shard already screened; this delivery is skipped', { ...message });
    return { ...outcome, status: 'duplicate' };
  }
  const loader = new WatchlistLoader(deps.store.watchlists, (store, s) => openIndexedWatchlist(store, s));
  const screener = await loader.screener([subscriber]);
  if (screener.versionOf(subscriber.id) !== message.version) {
    log.warn('shard message obsolete: the watchlist was replaced while loading; dropped', { ...message });
    return outcome;
  }
  const clock = deps.clock ?? (() => new Date());
  const now = clock().toISOString();
  const records = filterAsync(deps.store.scanRecords(source.id), (r) => inShard(r.id, message.shard, message.shards));
  const result = await screenRecords(source, records, screener, now);
  outcome.counts = result.counts;
  if ((await current()) !== message.version) {
    log.warn('shard message obsolete: the watchlist was replaced during the screening; nothing stored', { ...message });
    return outcome;
  }
  const deadline = Date.now() + (options.leaseWaitMs ?? SHARD_LEASE_WAIT_MS);
  const owner = randomUUID();
  for (;;) {
    const lease = await deps.store.acquireLease(source.id, owner, clock(), SHARD_LEASE_MS);
    if (lease) {
      try {
        if (result.events.length) {
          await deps.store.setOutboxPending(source.id, true);
          outcome.stored = await deps.store.putEvents(result.events);
          for (const [subscriberId, hits] of reportedHits(result.events))
            await deps.store.watchlists.noteReported(subscriberId, hits);
        }
        const note = await progress.noteShardDone(message, now);
        if (note === 'complete')
          outcome.markedScreened = await progress.markScreenedOnce(source.id, message.subscriberId, message.version);
        outcome.status = note === 'duplicate' ? 'duplicate' : 'screened';
        if (result.events.length || lease.meta.outboxPending) outcome.published = await publishOutbox(source.id, deps);
      } finally {
        await deps.store.releaseLease(source.id, owner);
      }
      log.info('shard screened', {
        ...message,
        ...outcome.counts,
        stored: outcome.stored,
        markedScreened: outcome.markedScreened,
      });
      return outcome;
    }
    if (Date.now() >= deadline)
      throw new SourceError(
        source.id,
        'store',
        `screen-shard: another run held the source for ${Math.round((options.leaseWaitMs ?? SHARD_LEASE_WAIT_MS) / 1000)} s; shard ${message.shard} of ${message.shards} is retried`,
      );
    await sleep(LEASE_RETRY_MS);
  }
}

async function* filterAsync<T>(items: AsyncIterable<T>, keep: (item: T) => boolean): AsyncGenerator<T> {
  for await (const item of items) if (keep(item)) yield item;
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
