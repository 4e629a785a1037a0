/**
 * The stack's props from the configuration file: the same file drives `tradewatch poll` locally and
 * `cdk deploy`, so a bad config fails both with the same message naming the key.
 */
import { ConfigError } from '../functions/core/errors.ts';
import {
  filterPolicyFor,
  scheduledSources,
  sourcesConfigEnv,
  watchlistSubscribersEnv,
  type TradewatchConfig,
} from '../functions/config/config.ts';
import { POLLER_ENV } from '../functions/config/environment.ts';
import { feedSourceIds, feedSubscribersEnv } from '../functions/config/feed-subscribers.ts';
import { keywordSubscribersEnv } from '../functions/core/keywords.ts';
import type { SubscriberSpec } from './constructs/subscribers.ts';
import type { TradewatchStackProps } from './tradewatch-stack.ts';

export function stackPropsFromConfig(config: TradewatchConfig): TradewatchStackProps {
  const subscribers: SubscriberSpec[] = config.subscribers.map((subscriber, index) => {
    const channel = subscriber.channel;
    const base = {
      id: subscriber.id,
      filterPolicy: filterPolicyFor(subscriber),
      includeHealth: subscriber.filters.includeHealth ?? false,
    };
    if (channel.type !== 'webhook') return { ...base, channel };
    if ('env' in channel.secret) {
      throw ConfigError.fromIssues([
        {
          path: `subscribers[${index}].channel.secret`,
          message:
            'an environment-variable secret is for local mode only; deploy with { "secretsManagerSecret": … } or { "ssmParameter": … }',
        },
      ]);
    }
    return { ...base, channel: { type: 'webhook', url: channel.url, secret: channel.secret } };
  });
  const operations = config.operations ?? {};
  return {
    sources: Object.fromEntries(scheduledSources(config).map((s) => [s.id, s.schedule])),
    subscribers,
    operations: {
      ...(operations.email ? { email: operations.email } : {}),
      ...(operations.sms ? { sms: operations.sms } : {}),
    },
    pollerEnvironment: {
      [POLLER_ENV.keywordSubscribers]: keywordSubscribersEnv(config.subscribers),
      [POLLER_ENV.watchlistSubscribers]: watchlistSubscribersEnv(config),
      [POLLER_ENV.sourcesConfig]: sourcesConfigEnv(config),
    },
    customSourceIds: config.customSources.map((s) => s.id),
    customFeedIds: config.customSources.filter((s) => s.kind === 'feed').map((s) => s.id),
    detailedMetrics: config.metrics.detailed,
    ...(config.feeds.enabled
      ? {
          feeds: {
            subscribers: feedSubscribersEnv(config),
            sourceIds: feedSourceIds(config),
            pageSize: config.feeds.pageSize,
          },
        }
      : {}),
  };
}
