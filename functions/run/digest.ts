/**
 * Scheduled digests: one message at the subscriber's local time holding every change it was sent
 * since its previous digest (the changes wait in its accumulation, written by the outbox).
 *
 * The order of the writes is what makes a digest go out exactly once whatever crashes:
 *   1. the state names the slot `unfinished`;
 *   2. the digest (deterministic id: subscriber + slot) is written, pending, holding its text and
 *      the keys of the accumulated changes it covers — unless one for that slot exists, which is used;
 *   3. it is published (SNS; the id is the message's idempotency key downstream);
 *   4. it is marked sent, its changes leave the accumulation, the state moves on to its slot.
 * A run finishes an unfinished slot first, from the step it reached, so a failed or crashed digest
 * is sent by the next run, covering exactly its own period even when that run comes a day later;
 * a change that arrives after a digest was written waits for the next one, never lost, never in two.
 */
import { digestId, type Bundle, type BundleCounts, type DigestSubscriber } from '../core/bundles.ts';
import { latestSlot, nextSlot } from '../core/digest-schedule.ts';
import type { DigestEntry, EventPublisher, Logger, SourceStore } from './ports.ts';
import { silentLogger } from './ports.ts';

/** How early an invocation may come and still send the slot it was scheduled for. */
export const EARLY_MS = 2 * 60_000;

export interface DigestState {
  /** The slot of the last digest finished (or skipped as empty). */
  lastSlot?: string;
  /** A digest written and not yet finished: the next run finishes it first. */
  unfinished?: string;
}

/** A digest as stored: the bundle, the accumulated changes it covers, whether it was sent. */
export interface StoredDigest {
  bundle: Bundle;
  entries: { time: string; eventId: string }[];
  status: 'pending' | 'sent';
  messageId?: string;
}

export interface DigestStore {
  getDigestState(subscriberId: string): Promise<DigestState>;
  setDigestState(subscriberId: string, state: DigestState): Promise<void>;
  /** The accumulated changes with a time at or before `upTo` (ISO instant), oldest first. */
  digestEntries(subscriberId: string, upTo: string): Promise<DigestEntry[]>;
  deleteDigestEntries(subscriberId: string, entries: readonly { time: string; eventId: string }[]): Promise<void>;
  /** Writes the digest unless its slot has one; returns the stored one either way. */
  putDigest(digest: StoredDigest): Promise<StoredDigest>;
  getDigest(subscriberId: string, slot: string): Promise<StoredDigest | undefined>;
  markDigestSent(subscriberId: string, slot: string, messageId: string, now: string): Promise<void>;
}

export type { DigestSubscriber } from '../core/bundles.ts';

export interface DigestPeriod {
  /** The previous digest's slot; null for a subscriber's first digest. */
  from: string | null;
  to: string;
}

/** The texts of one digest (delivery/digest-renderer.ts). */
export type DigestRenderer = (
  subscriber: DigestSubscriber,
  period: DigestPeriod,
  entries: readonly DigestEntry[],
) => Promise<{ subject: string; text: string; sms: string; counts: BundleCounts }>;

export interface DigestDeps {
  store: DigestStore;
  publisher: Pick<EventPublisher, 'publishBundle'>;
  render: DigestRenderer;
  /** @default the system clock */
  clock?: () => Date;
  log?: Logger;
}

export type DigestOutcome =
  | { subscriberId: string; status: 'sent'; slot: string; changes: number; digestId: string; finishedEarlier?: string }
  | { subscriberId: string; status: 'quiet'; slot: string; finishedEarlier?: string }
  | { subscriberId: string; status: 'not-due'; next: string; finishedEarlier?: string };

/** Runs the digests of these subscribers that are due (and finishes any left unfinished). */
export async function runDigests(subscribers: readonly DigestSubscriber[], deps: DigestDeps): Promise<DigestOutcome[]> {
  const outcomes: DigestOutcome[] = [];
  for (const subscriber of subscribers) outcomes.push(await runDigest(subscriber, deps));
  return outcomes;
}

export async function runDigest(subscriber: DigestSubscriber, deps: DigestDeps): Promise<DigestOutcome> {
  const clock = deps.clock ?? (() => new Date());
  const log = deps.log ?? silentLogger;
  let state = await deps.store.getDigestState(subscriber.id);
  let finishedEarlier: string | undefined;
  if (state.unfinished) {
    // Named before it was written: finished (or written first) for exactly its own period.
    await sendSlot(subscriber, state.unfinished, state.lastSlot, deps, clock);
    log.info('finished an unfinished digest', { subscriberId: subscriber.id, slot: state.unfinished });
    finishedEarlier = state.unfinished;
    state = { lastSlot: state.unfinished };
    await deps.store.setDigestState(subscriber.id, state);
  }
  const now = clock();
  // A schedule may fire a moment before its minute: the slot due within EARLY_MS counts as due.
  const slot = latestSlot(subscriber.schedule, new Date(now.getTime() + EARLY_MS)).toISOString();
  const extra = finishedEarlier ? { finishedEarlier } : {};
  if (state.lastSlot && slot <= state.lastSlot) {
    const next = nextSlot(subscriber.schedule, now).toISOString();
    return { subscriberId: subscriber.id, status: 'not-due', next, ...extra };
  }
  await deps.store.setDigestState(subscriber.id, {
    ...(state.lastSlot ? { lastSlot: state.lastSlot } : {}),
    unfinished: slot,
  });
  const sent = await sendSlot(subscriber, slot, state.lastSlot, deps, clock);
  await deps.store.setDigestState(subscriber.id, { lastSlot: slot });
  if (!sent) return { subscriberId: subscriber.id, status: 'quiet', slot, ...extra };
  log.info('digest sent', {
    subscriberId: subscriber.id,
    slot,
    changes: sent.entries.length,
    digestId: sent.bundle.id,
  });
  return {
    subscriberId: subscriber.id,
    status: 'sent',
    slot,
    changes: sent.entries.length,
    digestId: sent.bundle.id,
    ...extra,
  };
}

/**
 * Steps 1, 3 and 4 for one slot: the digest stored for it (or, if none, one written now of the
 * accumulated changes up to the slot), sent unless it was, its changes taken out of the
 * accumulation. Undefined when there was nothing to send (and no `sendEmpty`).
 */
async function sendSlot(
  subscriber: DigestSubscriber,
  slot: string,
  previous: string | undefined,
  deps: DigestDeps,
  clock: () => Date,
): Promise<StoredDigest | undefined> {
  let digest = await deps.store.getDigest(subscriber.id, slot);
  if (!digest) {
    const entries = await deps.store.digestEntries(subscriber.id, slot);
    if (entries.length === 0 && !subscriber.sendEmpty) return undefined;
    const period: DigestPeriod = { from: previous ?? null, to: slot };
    const texts = await deps.render(subscriber, period, entries);
    digest = await deps.store.putDigest({
      bundle: {
        bundle: 'digest',
        id: digestId(subscriber.id, slot),
        subscriberId: subscriber.id,
        period,
        ...texts,
        eventIds: entries.map((entry) => entry.eventId),
      },
      entries: entries.map(({ time, eventId }) => ({ time, eventId })),
      status: 'pending',
    });
  }
  if (digest.status === 'pending') {
    const messageId = await deps.publisher.publishBundle(digest.bundle);
    await deps.store.markDigestSent(subscriber.id, slot, messageId, clock().toISOString());
  }
  await deps.store.deleteDigestEntries(subscriber.id, digest.entries);
  return digest;
}

/** A source as a digest lists it under "sources checked": its health, last success and last change. */
export interface SourceCheck {
  sourceId: string;
  title: string;
  /** Absent: never polled yet. */
  status?: 'healthy' | 'unhealthy';
  /** ISO instants. */
  lastSuccessAt?: string;
  lastChangeAt?: string;
  /** Unhealthy sources: since when. */
  healthSince?: string;
  lastError?: string;
}

/** The stored state of each source, as a digest lists it (a source never polled has no state yet). */
export async function sourceChecks(
  store: Pick<SourceStore, 'getMeta'>,
  sources: readonly { id: string; title: string }[],
): Promise<SourceCheck[]> {
  return Promise.all(
    sources.map(async ({ id, title }) => {
      const meta = await store.getMeta(id);
      const check: SourceCheck = { sourceId: id, title };
      // A source is healthy until a failure says otherwise; without a stored version it was never polled.
      if (meta?.healthStatus) check.status = meta.healthStatus;
      else if (meta?.contentHash || meta?.lastSuccessAt) check.status = 'healthy';
      if (meta?.lastSuccessAt) check.lastSuccessAt = meta.lastSuccessAt;
      if (meta?.lastChangeAt) check.lastChangeAt = meta.lastChangeAt;
      if (meta?.healthSince) check.healthSince = meta.healthSince;
      if (meta?.healthStatus === 'unhealthy' && meta.lastError) check.lastError = meta.lastError;
      return check;
    }),
  );
}
