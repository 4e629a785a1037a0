/**
 * Step 7, the outbox: a source's pending events are published, then its flag is cleared. Run on
 * every new version and whenever the flag is set, so events a crashed run left pending go out.
 *
 * With subscribers that take bundles (deps.bundler), the order is what keeps each message exactly
 * once across crashes:
 *   1. from the pending events, the publications and digest accumulations are written (conditional
 *      puts on deterministic keys) — all of them before any event is marked published, so a re-run
 *      that finds fewer pending events never writes a smaller publication: it finds the first one;
 *   2. the per-change events are published and marked (the `each` subscribers' messages);
 *   3. the pending publications are published and marked sent.
 * A crash anywhere leaves the flag set; the next run repeats the steps and sends only what is left.
 */
import { SourceError, TradewatchError } from '../core/errors.ts';
import type { PipelineDeps } from './ports.ts';

/** Publishes the source's pending events (the outbox), then clears its flag. Returns the count. */
export async function publishOutbox(sourceId: string, deps: PipelineDeps): Promise<number> {
  const clock = deps.clock ?? (() => new Date());
  const pending = await deps.store.pendingEvents(sourceId);
  if (deps.bundler && pending.length) {
    const plan = deps.bundler.plan(sourceId, pending);
    await deps.store.putDigestEntries(plan.digestEntries);
    await deps.store.putPublications(sourceId, plan.publications);
  }
  const published = await deps.publisher.publishPending(sourceId, pending, deps.store, clock);
  if (deps.bundler) {
    for (const bundle of await deps.store.pendingPublications(sourceId)) {
      let messageId: string;
      try {
        messageId = await deps.publisher.publishBundle(bundle);
      } catch (error) {
        const reason = error instanceof TradewatchError ? error.reason : (error as Error).message;
        throw new SourceError(sourceId, 'publish', `${reason} (publication for ${bundle.subscriberId})`, {
          cause: error,
        });
      }
      await deps.store.markPublicationSent(sourceId, bundle, messageId, clock().toISOString());
    }
  }
  await deps.store.setOutboxPending(sourceId, false);
  return published;
}
