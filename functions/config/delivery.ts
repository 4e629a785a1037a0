/**
 * How each subscriber's changes are grouped into messages (the `delivery` key), and the SNS filter
 * policy that follows from it:
 *
 * - `each`: the per-change messages its filters select (filterPolicyFor), as before;
 * - `publication`, `daily`, `weekly`: only the bundles addressed to it (`deliverTo` = its id,
 *   core/bundles.ts), so it never also receives the per-change messages; with `includeHealth`, the
 *   source-health events too. Which changes go into its bundles is decided by the same filter
 *   policy, evaluated in code (delivery/bundler.ts) with SNS's own semantics (core/filter-policy.ts).
 */
import { DELIVER_TO_ATTRIBUTE, type BundleSubscriber, type DigestSubscriber } from '../core/bundles.ts';
import type { FilterPolicy } from '../core/filter-policy.ts';
import type { DigestSchedule } from '../core/digest-schedule.ts';
import {
  DIGEST_DEFAULTS,
  HEALTH_CHANGE_TYPE,
  defaultDeliveryMode,
  filterPolicyFor,
  type DeliveryMode,
  type Subscriber,
} from './schema.ts';

export interface ResolvedDelivery {
  mode: DeliveryMode;
  /** Digests only. */
  schedule?: DigestSchedule;
  sendEmpty: boolean;
  /** Digest subscribers: watchlist hits go out at once, as publications. */
  urgentHits: boolean;
}

type DeliverySubscriber = Pick<Subscriber, 'channel'> & { delivery?: Subscriber['delivery'] };

/** The subscriber's delivery with every default applied. */
export function resolvedDelivery(subscriber: DeliverySubscriber): ResolvedDelivery {
  const given = subscriber.delivery;
  const mode = given?.mode ?? defaultDeliveryMode(subscriber.channel.type);
  const resolved: ResolvedDelivery = {
    mode,
    sendEmpty: given?.sendEmpty ?? false,
    urgentHits: given?.urgentHits ?? true,
  };
  if (mode === 'daily' || mode === 'weekly') {
    resolved.schedule = {
      every: mode,
      at: given?.at ?? DIGEST_DEFAULTS.at,
      timeZone: given?.timeZone ?? DIGEST_DEFAULTS.timeZone,
      ...(mode === 'weekly' ? { weekday: given?.weekday ?? DIGEST_DEFAULTS.weekday } : {}),
    };
  }
  return resolved;
}

export function isGrouped(subscriber: DeliverySubscriber): boolean {
  return resolvedDelivery(subscriber).mode !== 'each';
}

/**
 * The filter policy of the subscriber's SNS subscription. For an `each` subscriber the per-change
 * policy; for a grouped one its bundles (and health events when it asked for them, from its
 * sources only when it names sources).
 */
export function subscriptionPolicyFor(
  subscriber: Pick<Subscriber, 'id' | 'filters' | 'channel'> & {
    watchlist?: Subscriber['watchlist'];
    delivery?: Subscriber['delivery'];
  },
): FilterPolicy {
  if (!isGrouped(subscriber)) return filterPolicyFor(subscriber);
  const bundles: FilterPolicy = { [DELIVER_TO_ATTRIBUTE]: [subscriber.id] };
  if (!subscriber.filters.includeHealth) return bundles;
  const health: FilterPolicy = { changeType: [HEALTH_CHANGE_TYPE] };
  if (subscriber.filters.sources) health.source = [...new Set(subscriber.filters.sources)];
  return { $or: [bundles, health] };
}

/**
 * Which changes are the subscriber's, as code outside config/ evaluates it (delivery/feeds.ts
 * changeFilterFor): its per-change SNS filter policy and its keywords.
 */
export function changeFilterOf(
  subscriber: Pick<Subscriber, 'id' | 'filters'> & { watchlist?: Subscriber['watchlist'] },
): Pick<BundleSubscriber, 'id' | 'policy' | 'keywords'> {
  const keywords = subscriber.filters.keywords;
  return { id: subscriber.id, policy: filterPolicyFor(subscriber), ...(keywords?.length ? { keywords } : {}) };
}

/** The subscribers that take bundles, as the poller's bundler needs them. */
export function bundleSubscribers(subscribers: readonly Subscriber[]): BundleSubscriber[] {
  return subscribers.flatMap((subscriber): BundleSubscriber[] => {
    const delivery = resolvedDelivery(subscriber);
    if (delivery.mode === 'each') return [];
    return [
      {
        ...changeFilterOf(subscriber),
        channel: subscriber.channel.type,
        mode: delivery.mode,
        urgentHits: delivery.urgentHits,
      },
    ];
  });
}

/** What the stack puts in POLLER_ENV.bundleSubscribers (empty: nobody takes bundles). */
export function bundleSubscribersEnv(subscribers: readonly Subscriber[]): string {
  const list = bundleSubscribers(subscribers);
  return list.length ? JSON.stringify(list) : '';
}

/** The subscribers that take daily or weekly digests. */
export function digestSubscribers(subscribers: readonly Subscriber[]): DigestSubscriber[] {
  return subscribers.flatMap((subscriber): DigestSubscriber[] => {
    const delivery = resolvedDelivery(subscriber);
    return delivery.schedule ? [{ id: subscriber.id, schedule: delivery.schedule, sendEmpty: delivery.sendEmpty }] : [];
  });
}

/** What the stack puts in DIGEST_ENV.digestSubscribers. */
export function digestSubscribersEnv(subscribers: readonly Subscriber[]): string {
  return JSON.stringify(digestSubscribers(subscribers));
}
