/**
 * One run of one source: sentinel → parse → guard → diff → store → publish. The order of the
 * writes is what makes a crash anywhere safe to re-run:
 *
 *   1. change events (conditional put on a deterministic key: a re-run finds them, never doubles them)
 *   2. record state (puts and deletes of the changed records only)
 *   3. manifest buckets that hold a changed id
 *   4. the sentinel (the version's content hash): only now does the same download stop at step 2
 *   5. the outbox publishes what is pending and marks it published
 *
 * A download that is empty, an HTML page, truncated, in an unknown layout, or whose record count
 * is implausible never reaches step 1: it raises a source-health event instead, once per incident.
 */
import type { SNSClient } from '@aws-sdk/client-sns';
import { diffSnapshots, type RecordChange, type SnapshotDiff } from '../core/diff.ts';
import { SourceFormatError, SourceHealthError, isSourceProblem, type TradewatchError } from '../core/errors.ts';
import { linkEarlyWarnings, recordEarlyWarnings } from './early-warnings.ts';
import { buildChangeEvent, buildHealthEvent, type ChangeEvent, type HealthEvent } from '../core/events.ts';
import { publishNow, publishPending } from '../delivery/sns-publisher.ts';
import type { KeywordSubscriber } from '../core/keywords.ts';
import type { RegisterRecord } from '../core/records.ts';
import { detectFormat } from '../sources/read/document.ts';
import type { ParseInput, RegisterSource } from '../sources/types.ts';
import type { SourceMeta, StoredEvent, TradewatchStore } from '../aws/source-store.ts';
import {
  WatchlistLoader,
  reportedHits,
  screenChangeEvents,
  screenRecords,
  type ScreeningCounts,
  type WatchlistSubscriber,
} from '../watchlist/screening.ts';
import { WatchlistStore } from '../aws/watchlist-store.ts';

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export interface PipelineDeps {
  store: TradewatchStore;
  sns: SNSClient;
  /** Where change events go. */
  alertsTopicArn: string;
  /** Where source-health events go. @default alertsTopicArn */
  operationsTopicArn?: string;
  clock?: () => Date;
  log?: Logger;
  /** Progress while parsing (records seen so far). */
  onProgress?: (recordsSeen: number) => void;
  /** Keyword subscribers: each event is tested against their keywords before it is published. */
  subscribers?: readonly KeywordSubscriber[];
  /**
   * Subscribers with a watchlist (stored in the table, see functions/watchlist/): every change is
   * screened against their watchlists, and stored records against a newly imported one.
   */
  watchlistSubscribers?: readonly WatchlistSubscriber[];
}

export interface VersionInput {
  input: ParseInput;
  /** SHA-256 of the version's bytes. */
  contentHash: string;
  etag?: string;
  lastModified?: string;
}

export interface ProcessOptions {
  /** Check the source's expected record-count bounds (live polls). @default true */
  enforceBounds?: boolean;
  /** Accept a drop larger than the source's maxDropFraction (a human has checked it). @default false */
  acceptDrop?: boolean;
}

/** `skipped`: another run of the same source held its lease. */
export type RunStatus = 'unchanged' | 'baseline' | 'changed' | 'no-record-change' | 'failed' | 'skipped';

export interface RunReport {
  sourceId: string;
  status: RunStatus;
  format?: string;
  records?: number;
  added: number;
  removed: number;
  modified: number;
  duplicates: number;
  eventsStored: number;
  published: number;
  /** Watchlist screening: records screened, hit events made, hits left out by decisions. */
  screening?: ScreeningCounts;
  healthEvent?: HealthEvent;
  error?: TradewatchError;
  durationMs: number;
}

const DEFAULT_MAX_DROP = 0.1;

function emptyReport(sourceId: string, status: RunStatus, started: number): RunReport {
  return {
    sourceId,
    status,
    added: 0,
    removed: 0,
    modified: 0,
    duplicates: 0,
    eventsStored: 0,
    published: 0,
    durationMs: Date.now() - started,
  };
}

/**
 * Processes one downloaded (or replayed) version of a source. `meta` is the source's stored META
 * item, read once by the caller (it also feeds the conditional GET).
 */
export async function processVersion(
  source: RegisterSource,
  version: VersionInput,
  meta: SourceMeta | undefined,
  deps: PipelineDeps,
  options: ProcessOptions = {},
): Promise<RunReport> {
  const started = Date.now();
  const clock = deps.clock ?? (() => new Date());
  const log = deps.log ?? silentLogger;
  try {
    // 2. sentinel
    if (meta?.contentHash === version.contentHash) return await processNotModified(source, meta, deps);

    // 3-5. parse, diff and guard
    const format = await detectFormat(source, version.input.main);
    const watchlists = await watchlistState(meta, deps);
    const previous = meta?.contentHash ? await deps.store.loadManifest(source.id) : new Map<string, string>();
    const warnings: string[] = [];
    const records = format.parse(version.input, { sourceId: source.id, warn: (message) => warnings.push(message) });
    const diff = await diffSnapshots(previous, records, (ids) => deps.store.loadRecords(source.id, ids), {
      onProgress: deps.onProgress,
    });
    if (warnings.length)
      log.warn('records skipped or repaired while parsing', {
        source: source.id,
        count: warnings.length,
        first: warnings.slice(0, 5),
      });
    if (diff.duplicates.length)
      log.warn('duplicate record ids in the document; the first occurrence is kept', {
        source: source.id,
        count: diff.duplicates.length,
        ids: diff.duplicates.slice(0, 10).map((d) => d.id),
      });
    guardCounts(source, diff, meta, previous.size, options, version.input.main.name);

    const report = emptyReport(source.id, 'changed', started);
    report.format = format.id;
    report.records = diff.total;
    report.duplicates = diff.duplicates.length;
    const now = clock().toISOString();
    const isBaseline = !meta?.contentHash;
    // A feed shows a window of recent items: one that drops out of it was not withdrawn. It stays
    // in the stored state (so its return is no news) and is no change.
    if (source.kind === 'feed') retainDroppedItems(diff, previous);
    const changes = isBaseline ? [] : diff.changes.filter((change) => !isQuiet(source, change));
    for (const change of changes) report[change.type] += 1;

    // 6. store: events first, then record state, manifest, sentinel
    // The stored version this run diffs against, down to the moment it was committed: a list that
    // returns to an earlier state and changes again gets new event ids, a re-run the same ones.
    const baseVersion = meta?.contentHash ? `${meta.contentHash}@${meta.updatedAt ?? ''}` : 'baseline';
    const hashes = new Map<string, { oldHash?: string | undefined; newHash?: string | undefined }>();
    const events: StoredEvent[] = changes.map((change) => {
      const event = buildChangeEvent(source, change, baseVersion, now);
      hashes.set(event.id, { oldHash: change.oldHash, newHash: change.newHash });
      return { eventId: event.id, sourceId: source.id, time: now, event, status: 'pending' };
    });
    // Entity List changes that a Federal Register rule announced say so (before they are stored).
    await linkEarlyWarnings(
      deps.store,
      events.map((e) => e.event as ChangeEvent),
    );
    // Watchlists: first the stored records against a watchlist imported since the last run (the
    // version before this one), then this version's changes against every watchlist.
    const screening: ScreeningCounts = { screened: 0, hitEvents: 0, suppressed: 0 };
    if (!isBaseline && watchlists.pending.length) await screenStored(source, deps, watchlists, now, screening);
    if (events.length && watchlists.all.length) {
      const screener = await watchlists.loader.screener(watchlists.all);
      const hits = screenChangeEvents(
        source,
        events.map((e) => e.event as ChangeEvent),
        screener,
        hashes,
        now,
      );
      addCounts(screening, hits.counts);
      events.push(...hits.events);
    }
    // Flag the outbox before the first event is written: a crash from here on leaves the flag
    // set, and the next run (even one stopped by the sentinel) publishes what is pending.
    if (events.length > 0 && !meta?.outboxPending) await deps.store.setOutboxPending(source.id, true);
    report.eventsStored = await deps.store.putEvents(events);
    await noteReported(deps, events);
    await recordEarlyWarnings(
      deps.store,
      events.map((e) => e.event as ChangeEvent),
    );
    const { upserts, removedIds } = stateWrites(diff.changes);
    await deps.store.writeRecords(source.id, upserts, removedIds, diff.manifest, now);
    const manifestBuckets = await deps.store.writeManifest(
      source.id,
      diff.manifest,
      diff.changes.map((c) => c.id),
      meta?.manifestBuckets,
    );
    const commit: Parameters<TradewatchStore['commitVersion']>[0] = {
      sourceId: source.id,
      contentHash: version.contentHash,
      recordCount: diff.total,
      manifestBuckets,
      updatedAt: now,
      outboxPending: events.length > 0 || Boolean(meta?.outboxPending),
    };
    if (version.etag) commit.etag = version.etag;
    if (version.lastModified) commit.lastModified = version.lastModified;
    if (changes.length) commit.lastChangeAt = now;
    await deps.store.commitVersion(commit);
    // A baseline's records are screened once stored: every hit in them is `listed`.
    if (isBaseline && watchlists.pending.length) await screenStored(source, deps, watchlists, now, screening);
    if (watchlists.all.length) report.screening = screening;

    // 7. publish (always on a new version: a crashed earlier run may have left events pending)
    report.published = await drainOutbox(source.id, deps, clock);
    report.status = isBaseline ? 'baseline' : changes.length ? 'changed' : 'no-record-change';
    await recoverIfUnhealthy(source, meta, deps, clock, report);
    log.info('version processed', {
      source: source.id,
      status: report.status,
      records: diff.total,
      added: report.added,
      removed: report.removed,
      modified: report.modified,
      published: report.published,
    });
    report.durationMs = Date.now() - started;
    return report;
  } catch (error) {
    if (!isSourceProblem(error)) throw error;
    return reportSourceFailure(source, error, deps, started);
  }
}

/**
 * A source problem (fetch, format, count guard): nothing is stored but health, and one health
 * event goes out when the source turns unhealthy (not one per failed poll).
 */
export async function reportSourceFailure(
  source: RegisterSource,
  error: TradewatchError,
  deps: PipelineDeps,
  started = Date.now(),
): Promise<RunReport> {
  const clock = deps.clock ?? (() => new Date());
  const report = emptyReport(source.id, 'failed', started);
  report.error = error;
  report.healthEvent = await recordSourceFailure(source, error, deps, clock);
  (deps.log ?? silentLogger).error('source unhealthy: nothing stored, nothing alerted', {
    source: source.id,
    step: error.step,
    reason: error.reason,
  });
  report.durationMs = Date.now() - started;
  return report;
}

/** A poll whose conditional GET answered 304: publishes a leftover outbox, notes a recovery. */
export async function processNotModified(
  source: RegisterSource,
  meta: SourceMeta,
  deps: PipelineDeps,
): Promise<RunReport> {
  const started = Date.now();
  const clock = deps.clock ?? (() => new Date());
  const report = emptyReport(source.id, 'unchanged', started);
  report.records = meta.recordCount ?? 0;
  const screened = await screenNewWatchlists(source, meta, deps);
  if (screened) report.screening = screened.counts;
  if (meta.outboxPending || screened?.stored) report.published = await drainOutbox(source.id, deps, clock);
  await recoverIfUnhealthy(source, meta, deps, clock, report);
  report.durationMs = Date.now() - started;
  return report;
}

interface WatchlistState {
  /** Subscribers with an imported watchlist. */
  all: WatchlistSubscriber[];
  /** Those whose current version the source's stored records were not screened against yet. */
  pending: { subscriber: WatchlistSubscriber; version: string }[];
  /** Loads each watchlist once per run, on first use. */
  loader: WatchlistLoader;
  store: WatchlistStore;
}

/** One BatchGetItem of the watchlists' versions; nothing when no subscriber has a watchlist. */
async function watchlistState(meta: SourceMeta | undefined, deps: PipelineDeps): Promise<WatchlistState> {
  const subscribers = deps.watchlistSubscribers ?? [];
  const store = new WatchlistStore(deps.store);
  const loader = new WatchlistLoader(store);
  if (!subscribers.length) return { all: [], pending: [], loader, store };
  const versions = await store.versions(subscribers.map((s) => s.id));
  const all = subscribers.filter((s) => versions.has(s.id));
  const missing = subscribers.filter((s) => !versions.has(s.id)).map((s) => s.id);
  if (missing.length)
    (deps.log ?? silentLogger).warn(
      'watchlist subscribers without an imported watchlist: nothing is screened for them (run `tradewatch watchlist sync` or `watchlist import`)',
      { subscribers: missing },
    );
  const pending = all
    .filter((s) => meta?.screened?.[s.id] !== versions.get(s.id)!.version)
    .map((subscriber) => ({ subscriber, version: versions.get(subscriber.id)!.version }));
  return { all, pending, loader, store };
}

/**
 * The initial screening alone: the source's stored records against watchlists imported or edited
 * since they were last screened (the next poll does it; `tradewatch watchlist import` runs it at
 * once). Undefined when no watchlist waits. The caller publishes (drainOutbox) when events were stored.
 */
export async function screenNewWatchlists(
  source: RegisterSource,
  meta: SourceMeta,
  deps: PipelineDeps,
): Promise<{ counts: ScreeningCounts; stored: number } | undefined> {
  const state = await watchlistState(meta, deps);
  if (!state.pending.length || !meta.contentHash) return undefined;
  const counts: ScreeningCounts = { screened: 0, hitEvents: 0, suppressed: 0 };
  const clock = deps.clock ?? (() => new Date());
  const stored = await screenStored(source, deps, state, clock().toISOString(), counts);
  return { counts, stored };
}

/** Publishes the source's pending events (the outbox), then clears its flag. */
export async function publishOutbox(sourceId: string, deps: PipelineDeps): Promise<number> {
  return drainOutbox(sourceId, deps, deps.clock ?? (() => new Date()));
}

/** Remembers the hits these events report (after they are stored: a crash between re-runs both). */
async function noteReported(deps: PipelineDeps, events: readonly StoredEvent[]): Promise<void> {
  if (!deps.watchlistSubscribers?.length) return;
  const store = new WatchlistStore(deps.store);
  for (const [subscriberId, hits] of reportedHits(events)) await store.noteReported(subscriberId, hits);
}

function addCounts(total: ScreeningCounts, more: ScreeningCounts): void {
  total.screened += more.screened;
  total.hitEvents += more.hitEvents;
  total.suppressed += more.suppressed;
}

/**
 * The initial screening: the source's stored records against the watchlists imported or edited
 * since they were last screened. Hit events go to the outbox (flagged first, as for changes); then
 * the source notes the versions it screened. Returns the number of new events stored.
 */
async function screenStored(
  source: RegisterSource,
  deps: PipelineDeps,
  state: WatchlistState,
  now: string,
  counts: ScreeningCounts,
): Promise<number> {
  const { store } = state;
  const screener = await state.loader.screener(state.pending.map((p) => p.subscriber));
  const result = await screenRecords(source, deps.store.scanRecords(source.id), screener, now);
  addCounts(counts, result.counts);
  let stored = 0;
  if (result.events.length) {
    await deps.store.setOutboxPending(source.id, true);
    stored = await deps.store.putEvents(result.events);
    await noteReported(deps, result.events);
  }
  for (const { subscriber } of state.pending) {
    const version = screener.versionOf(subscriber.id);
    if (version) await store.markScreened(source.id, subscriber.id, version);
  }
  (deps.log ?? silentLogger).info('stored records screened against new watchlists', {
    source: source.id,
    watchlists: state.pending.map((p) => p.subscriber.id),
    ...result.counts,
    stored,
  });
  return stored;
}

/** A modification of the source's quiet fields alone: stored, not alerted. */
function isQuiet(source: RegisterSource, change: RecordChange): boolean {
  const quiet = source.quietFields;
  return (
    Boolean(quiet?.length) &&
    change.type === 'modified' &&
    (change.fields ?? []).length > 0 &&
    change.fields!.every((field) => quiet!.includes(field.field))
  );
}

function retainDroppedItems(diff: SnapshotDiff, previous: ReadonlyMap<string, string>): void {
  diff.changes = diff.changes.filter((change) => {
    if (change.type !== 'removed') return true;
    diff.manifest.set(change.id, previous.get(change.id)!);
    return false;
  });
}

function stateWrites(changes: readonly RecordChange[]): { upserts: RegisterRecord[]; removedIds: string[] } {
  const upserts: RegisterRecord[] = [];
  const removedIds: string[] = [];
  for (const change of changes) {
    if (change.type === 'removed') removedIds.push(change.id);
    else if (change.after) upserts.push(change.after);
  }
  return { upserts, removedIds };
}

/** The count guard: never let a broken download read as mass delisting. */
export function guardCounts(
  source: RegisterSource,
  diff: SnapshotDiff,
  meta: SourceMeta | undefined,
  previousCount: number,
  options: ProcessOptions,
  fileName: string,
): void {
  if (diff.total === 0) throw new SourceFormatError(source.id, `${fileName} holds no records`);
  const { min, max, maxDropFraction = DEFAULT_MAX_DROP } = source.expectedRecords;
  if ((options.enforceBounds ?? true) && (diff.total < min || diff.total > max)) {
    throw new SourceHealthError(source.id, `${fileName} has ${diff.total} records, outside the expected ${min}-${max}`);
  }
  if (options.acceptDrop || !meta?.contentHash || previousCount === 0 || source.kind === 'feed') return;
  const removed = diff.changes.filter((c) => c.type === 'removed').length;
  if (removed > Math.max(1, previousCount * maxDropFraction)) {
    throw new SourceHealthError(
      source.id,
      `${fileName} would remove ${removed} of ${previousCount} stored records (over ${Math.round(maxDropFraction * 100)}%); held as a broken download — re-run with --accept-drop after checking the publisher`,
    );
  }
}

async function drainOutbox(sourceId: string, deps: PipelineDeps, clock: () => Date): Promise<number> {
  const result = await publishPending(sourceId, {
    store: deps.store,
    sns: deps.sns,
    topicArn: deps.alertsTopicArn,
    clock,
    ...(deps.subscribers ? { subscribers: deps.subscribers } : {}),
  });
  await deps.store.setOutboxPending(sourceId, false);
  return result.published;
}

async function recordSourceFailure(
  source: RegisterSource,
  error: TradewatchError,
  deps: PipelineDeps,
  clock: () => Date,
): Promise<HealthEvent | undefined> {
  const now = clock().toISOString();
  const state = await deps.store.recordFailure(source.id, error.step, error.reason, now);
  if (!state.becameUnhealthy) return undefined;
  const event = buildHealthEvent(
    source,
    {
      status: 'unhealthy',
      step: error.step,
      reason: error.reason,
      since: state.since,
      consecutiveFailures: state.consecutiveFailures,
    },
    now,
  );
  await publishNow(event, { sns: deps.sns, topicArn: deps.operationsTopicArn ?? deps.alertsTopicArn });
  return event;
}

async function recoverIfUnhealthy(
  source: RegisterSource,
  meta: SourceMeta | undefined,
  deps: PipelineDeps,
  clock: () => Date,
  report: RunReport,
): Promise<void> {
  if (meta?.healthStatus !== 'unhealthy') return;
  const now = clock().toISOString();
  const spell = await deps.store.recordRecovery(source.id, now);
  if (!spell) return;
  const event = buildHealthEvent(
    source,
    {
      status: 'recovered',
      step: 'poll',
      reason: 'polls succeed again',
      since: spell.since,
      consecutiveFailures: spell.consecutiveFailures,
    },
    now,
  );
  await publishNow(event, { sns: deps.sns, topicArn: deps.operationsTopicArn ?? deps.alertsTopicArn });
  report.healthEvent = event;
}
