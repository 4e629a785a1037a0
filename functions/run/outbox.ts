/**
 * Step 7, the outbox: a source's pending events are published, then its flag is cleared. Run on
 * every new version and whenever the flag is set, so events a crashed run left pending go out.
 */
import type { PipelineDeps } from './ports.ts';

/** Publishes the source's pending events (the outbox), then clears its flag. Returns the count. */
export async function publishOutbox(sourceId: string, deps: PipelineDeps): Promise<number> {
  const published = await deps.publisher.publishPending(sourceId, deps.store, deps.clock ?? (() => new Date()));
  await deps.store.setOutboxPending(sourceId, false);
  return published;
}
