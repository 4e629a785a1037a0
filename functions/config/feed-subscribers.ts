/**
 * The change feeds a configuration defines: the feed of every change, and one per subscriber, each
 * holding exactly the changes SNS would deliver to that subscriber (its per-change filter policy,
 * filterPolicyFor, whatever its delivery mode: a digest subscriber's feed is not a digest). What
 * the feed function needs travels in its environment (FEED_ENV), since the config file is not in
 * the bundle.
 */
import { ConfigError } from '../core/errors.ts';
import type { FilterPolicy } from '../core/filter-policy.ts';
import { SOURCES } from '../sources/registry.ts';
import { FEED_ENV } from './environment.ts';
import { filterPolicyFor, type TradewatchConfig } from './schema.ts';

/** One subscriber's feed: who, its URL's rotation, and what it holds (delivery/feeds.ts changeFilterFor). */
export interface FeedSubscriber {
  id: string;
  feedRotation: number;
  policy: FilterPolicy;
  keywords?: string[];
}

export function feedSubscribers(config: Pick<TradewatchConfig, 'subscribers'>): FeedSubscriber[] {
  return config.subscribers.map((subscriber) => ({
    id: subscriber.id,
    feedRotation: subscriber.feedRotation,
    policy: filterPolicyFor(subscriber),
    ...(subscriber.filters.keywords?.length ? { keywords: [...subscriber.filters.keywords] } : {}),
  }));
}

/**
 * Every source whose stored events a feed may show: the registered ones (a disabled source keeps
 * its history) and the configuration's custom ones.
 */
export function feedSourceIds(config: Pick<TradewatchConfig, 'customSources'>): string[] {
  return [...SOURCES.map((source) => source.id), ...config.customSources.map((source) => source.id)];
}

export function feedSubscribersEnv(config: Pick<TradewatchConfig, 'subscribers'>): string {
  return JSON.stringify(feedSubscribers(config));
}

/** The stack's feed subscribers, read back at cold start; a malformed value fails loudly. */
export function feedSubscribersFromEnv(value: string | undefined): FeedSubscriber[] {
  const list = parseJson(value ?? '[]', FEED_ENV.subscribers);
  const valid =
    Array.isArray(list) &&
    list.every(
      (item: Partial<FeedSubscriber>) =>
        typeof item?.id === 'string' &&
        Number.isInteger(item.feedRotation) &&
        typeof item.policy === 'object' &&
        item.policy !== null &&
        (item.keywords === undefined ||
          (Array.isArray(item.keywords) && item.keywords.every((k) => typeof k === 'string'))),
    );
  if (!valid)
    throw new ConfigError(
      `environment variable ${FEED_ENV.subscribers} must be a list of {id, feedRotation, policy, keywords?}`,
    );
  return list as FeedSubscriber[];
}

export function feedSourceIdsFromEnv(value: string | undefined): string[] {
  const list = parseJson(value ?? '', FEED_ENV.sourceIds);
  if (!Array.isArray(list) || list.length === 0 || !list.every((id) => typeof id === 'string'))
    throw new ConfigError(`environment variable ${FEED_ENV.sourceIds} must be a non-empty JSON array of source ids`);
  return list as string[];
}

function parseJson(value: string, variable: string): unknown {
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new ConfigError(`environment variable ${variable} is not valid JSON: ${(error as Error).message}`, [], {
      cause: error,
    });
  }
}
