/**
 * Which pending events make which bundles, for the subscribers that take bundles (core/bundles.ts):
 *
 * - a `publication` subscriber gets one bundle per source version (the events' shared time) with
 *   every change of it that its filters pass;
 * - a digest subscriber's changes go to its accumulation (run/digest.ts sends them at its time),
 *   except its watchlist hits when they are urgent (the default): those go out at once, as one
 *   publication per version — an initial screening with many hits is one message.
 *
 * "Its filters pass" is decided by the subscriber's own SNS filter policy (the one an `each`
 * subscriber's subscription would carry), evaluated with SNS's semantics on the attributes the
 * event would carry (core/filter-policy.ts), so a grouped subscriber gets exactly the changes it
 * would have got one by one.
 */
import { chunkBySize } from '../core/concurrency.ts';
import { publicationId, type Bundle, type BundleSubscriber } from '../core/bundles.ts';
export type { BundleSubscriber } from '../core/bundles.ts';
import { isHitEvent, type StoredEvent } from '../core/events.ts';
import type { Bundler, BundlePlan, DigestEntry } from '../run/ports.ts';
import { changeFilterFor } from './feeds.ts';
import { renderPublication } from './render-publication.ts';

/** A webhook bundle's CloudEvents per SNS message: SNS takes 256 KiB, the envelope needs some. */
export const WEBHOOK_PART_BYTES = 200 * 1024;

export function createBundler(subscribers: readonly BundleSubscriber[]): Bundler {
  const accepting = subscribers.map((subscriber) => ({ subscriber, accepts: changeFilterFor(subscriber) }));
  return {
    plan(sourceId: string, events: readonly StoredEvent[]): BundlePlan {
      const plan: BundlePlan = { publications: [], digestEntries: [] };
      const versions = new Map<string, StoredEvent[]>();
      for (const stored of [...events].sort((a, b) => a.time.localeCompare(b.time))) {
        const group = versions.get(stored.time) ?? [];
        group.push(stored);
        versions.set(stored.time, group);
      }
      for (const { subscriber, accepts } of accepting) {
        for (const [version, group] of versions) {
          const accepted = group.filter((stored) => accepts(stored.event));
          if (accepted.length === 0) continue;
          let now = accepted;
          if (subscriber.mode !== 'publication') {
            const urgent = (stored: StoredEvent) => subscriber.urgentHits && isHitEvent(stored.event);
            plan.digestEntries.push(
              ...accepted.filter((stored) => !urgent(stored)).map((stored) => entry(subscriber, stored)),
            );
            now = accepted.filter(urgent);
          }
          if (now.length) plan.publications.push(...publication(subscriber, sourceId, version, now));
        }
      }
      return plan;
    },
  };
}

function entry(subscriber: BundleSubscriber, stored: StoredEvent): DigestEntry {
  return { subscriberId: subscriber.id, eventId: stored.eventId, time: stored.time, event: stored.event };
}

/** One bundle; for a webhook as many parts as its CloudEvents need (each one signed POST). */
function publication(
  subscriber: BundleSubscriber,
  sourceId: string,
  version: string,
  events: readonly StoredEvent[],
): Bundle[] {
  const message = renderPublication(events.map((stored) => stored.event));
  const base: Bundle = {
    bundle: 'publication',
    id: publicationId(subscriber.id, sourceId, version),
    subscriberId: subscriber.id,
    sourceId,
    version,
    subject: message.subject,
    counts: message.changes,
    eventIds: events.map((stored) => stored.eventId),
  };
  if (subscriber.channel !== 'webhook') return [{ ...base, text: message.text, sms: message.sms }];
  const parts = chunkBySize(events, (stored) => Buffer.byteLength(JSON.stringify(stored.event)), WEBHOOK_PART_BYTES);
  if (parts.length === 1) return [{ ...base, events: events.map((stored) => stored.event) }];
  return parts.map((part, index) => ({
    ...base,
    id: `${base.id}-${index + 1}`,
    eventIds: part.map((stored) => stored.eventId),
    events: part.map((stored) => stored.event),
    part: { index: index + 1, of: parts.length },
  }));
}
