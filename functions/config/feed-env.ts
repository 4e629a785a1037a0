/**
 * What the feed function reads back from its environment at cold start (FEED_ENV), apart from the
 * schema and the source registry, so its bundle carries neither.
 */
import { ConfigError } from '../core/errors.ts';
import type { FilterPolicy } from '../core/filter-policy.ts';
import { FEED_ENV, parseEnvJson } from './environment.ts';

/** One subscriber's feed: who, its URL's rotation, and what it holds (delivery/feeds.ts changeFilterFor). */
export interface FeedSubscriber {
  id: string;
  feedRotation: number;
  policy: FilterPolicy;
  keywords?: string[];
}

/** The stack's feed subscribers, read back at cold start; a malformed value fails loudly. */
export function feedSubscribersFromEnv(value: string | undefined): FeedSubscriber[] {
  const list = parseEnvJson(value ?? '[]', FEED_ENV.subscribers);
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
  const list = parseEnvJson(value ?? '', FEED_ENV.sourceIds);
  if (!Array.isArray(list) || list.length === 0 || !list.every((id) => typeof id === 'string'))
    throw new ConfigError(`environment variable ${FEED_ENV.sourceIds} must be a non-empty JSON array of source ids`);
  return list as string[];
}
