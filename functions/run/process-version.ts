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
 * Early warnings (early-warnings.ts) and watchlist screening (watchlist-step.ts) add their events
 * beside the change events, in the same step 1.
 */
import { createHash } from 'node:crypto';
import { diffSnapshots, type RecordChange, type SnapshotDiff } from '../core/diff.ts';
import { isSourceProblem } from '../core/errors.ts';
import { boundRecords } from '../core/record-bounds.ts';
import { buildChangeEvent, type ChangeEvent } from '../core/events.ts';
import type { RegisterRecord } from '../core/records.ts';
import { detectFormat } from '../sources/read/document.ts';
import type { ParseContext, RegisterSource } from '../sources/types.ts';
import { linkEarlyWarnings, recordEarlyWarnings } from './early-warnings.ts';
import { guardCounts, guardTruncation, tailOf } from './guard.ts';
import { recoverIfUnhealthy, reportSourceFailure } from './health.ts';
import { publishOutbox } from './outbox.ts';
import {
  silentLogger,
  type PipelineDeps,
  type ProcessOptions,
  type SourceMeta,
  type StoredEvent,
  type VersionCommit,
  type VersionInput,
} from './ports.ts';
import { emptyReport, type RunReport } from './run-report.ts';
import { WatchlistScreeningRun, screenNewWatchlists } from './watchlist-step.ts';

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
    const watchlists = await WatchlistScreeningRun.open(meta, deps);
    const previous = meta?.contentHash ? await deps.store.loadManifest(source.id) : new Map<string, string>();
    const warnings: string[] = [];
    const context: ParseContext = {
      sourceId: source.id,
      warn: (message) => warnings.push(message),
      ...(meta?.contentHash ? { storedRecords: () => deps.store.scanRecords(source.id) } : {}),
      ...(version.fetchDocument ? { fetchDocument: version.fetchDocument } : {}),
    };
    const parsed = format.parse(version.input, context);
    // Every value within bounds before anything is hashed or stored (core/record-bounds.ts).
    const records = boundRecords(parsed, source.id, version.input.main.name, context.warn);
    const diff = await diffSnapshots(previous, records, (ids) => deps.store.loadRecords(source.id, ids), {
      onProgress: deps.onProgress,
      warn: context.warn,
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
    const removals = diff.changes.filter((c) => c.type === 'removed').map((c) => c.id);
    // The stored tail is read only when records were removed (O(changes), as everywhere).
    if (meta?.contentHash && removals.length >= 2) {
      const tail = await deps.store.loadTail(source.id);
      guardTruncation(source, removals, tail, lastKey(diff.manifest), options, version.input.main.name);
    }

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
    const notes = source.reviewChange ? changes.flatMap((change) => source.reviewChange!(change) ?? []) : [];
    if (notes.length) {
      report.notes = notes;
      log.warn("the publisher's history disagrees with the diff", {
        source: source.id,
        count: notes.length,
        first: notes.slice(0, 10),
      });
    }

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
      deps.store.earlyWarnings,
      events.map((e) => e.event as ChangeEvent),
    );
    // Watchlists: first the stored records against a watchlist imported since the last run (the
    // version before this one), then this version's changes against every watchlist.
    if (!isBaseline && watchlists.initialScreeningDue) await watchlists.screenStored(source, now);
    const changeEvents = events.map((e) => e.event as ChangeEvent);
    events.push(...(await watchlists.screenChanges(source, changeEvents, hashes, now)));
    // Flag the outbox before the first event is written: a crash from here on leaves the flag
    // set, and the next run (even one stopped by the sentinel) publishes what is pending.
    if (events.length > 0 && !meta?.outboxPending) await deps.store.setOutboxPending(source.id, true);
    report.eventsStored = await deps.store.putEvents(events);
    await watchlists.noteReported(events);
    await recordEarlyWarnings(
      deps.store.earlyWarnings,
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
    // The version's last record ids, for the truncation check of the next version: written when
    // they changed (their hash rides on the sentinel), before the sentinel.
    const tail = source.kind === 'feed' ? [] : tailOf(source, diff.manifest);
    const tailHash = tail.length ? contentHashOf(tail) : undefined;
    if (tailHash && tailHash !== meta?.tailHash) await deps.store.writeTail(source.id, tail);
    const commit: VersionCommit = {
      sourceId: source.id,
      contentHash: version.contentHash,
      recordCount: diff.total,
      manifestBuckets,
      updatedAt: now,
      outboxPending: events.length > 0 || Boolean(meta?.outboxPending),
    };
    if (tailHash) commit.tailHash = tailHash;
    if (version.etag) commit.etag = version.etag;
    if (version.lastModified) commit.lastModified = version.lastModified;
    if (changes.length) commit.lastChangeAt = now;
    await deps.store.commitVersion(commit);
    await deps.store.noteCommitted(source.id, version.contentHash);
    // A baseline's records are screened once stored: every hit in them is `listed`.
    if (isBaseline && watchlists.initialScreeningDue) await watchlists.screenStored(source, now);
    if (watchlists.active) report.screening = watchlists.counts;

    // 7. publish (always on a new version: a crashed earlier run may have left events pending)
    report.published = await publishOutbox(source.id, deps);
    report.status = isBaseline ? 'baseline' : changes.length ? 'changed' : 'no-record-change';
    await recoverIfUnhealthy(source, meta, deps, report);
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

/** A poll whose conditional GET answered 304: publishes a leftover outbox, notes a recovery. */
export async function processNotModified(
  source: RegisterSource,
  meta: SourceMeta,
  deps: PipelineDeps,
): Promise<RunReport> {
  const started = Date.now();
  const report = emptyReport(source.id, 'unchanged', started);
  report.records = meta.recordCount ?? 0;
  const screened = await screenNewWatchlists(source, meta, deps);
  if (screened) report.screening = screened.counts;
  if (meta.outboxPending || screened?.stored) report.published = await publishOutbox(source.id, deps);
  await recoverIfUnhealthy(source, meta, deps, report);
  report.durationMs = Date.now() - started;
  return report;
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

function lastKey(map: ReadonlyMap<string, string>): string | undefined {
  let last: string | undefined;
  for (const key of map.keys()) last = key;
  return last;
}

function contentHashOf(ids: readonly string[]): string {
  return createHash('sha256').update(ids.join('\n')).digest('hex');
}
