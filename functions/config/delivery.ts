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
import { DELIVER_TO_ATTRIBUTE } from '../core/bundles.ts';
import type { FilterPolicy } from '../core/filter-policy.ts';
import {
  DIGEST_DEFAULTS,
  HEALTH_CHANGE_TYPE,
  defaultDeliveryMode,
  filterPolicyFor,
  type DeliveryMode,
  type Subscriber,
  type Weekday,
} from './schema.ts';

export { DELIVERY_MODES, WEEKDAYS, DIGEST_DEFAULTS, defaultDeliveryMode, isTimeZone } from './schema.ts';
export type { DeliveryMode, Weekday } from './schema.ts';

/** A digest's schedule: every day (or one weekday) at a local time in an IANA time zone. */
export interface DigestSchedule {
  every: 'daily' | 'weekly';
  /** HH:MM, 24-hour, local. */
  at: string;
  timeZone: string;
  /** Weekly digests only. */
  weekday?: Weekday;
}

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
