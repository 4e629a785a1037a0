/**
 * The change feeds a configuration defines: the feed of every change, and one per subscriber, each
 * holding exactly the changes SNS would deliver to that subscriber (its per-change filter policy,
 * filterPolicyFor, whatever its delivery mode: a digest subscriber's feed is not a digest). What
 * the feed function needs travels in its environment (FEED_ENV), since the config file is not in
 * the bundle (config/feed-env.ts reads it back).
 */
import { SOURCES } from '../sources/registry.ts';
import type { FeedSubscriber } from './feed-env.ts';
import { changeFilterOf } from './delivery.ts';
import type { TradewatchConfig } from './schema.ts';

export function feedSubscribers(config: Pick<TradewatchConfig, 'subscribers'>): FeedSubscriber[] {
  return config.subscribers.map((subscriber) => {
    const { keywords, ...filter } = changeFilterOf(subscriber);
    return { ...filter, feedRotation: subscriber.feedRotation, ...(keywords ? { keywords: [...keywords] } : {}) };
  });
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

export type { FeedSubscriber } from './feed-env.ts';
