/**
 * The stack's props from the configuration file: the same file drives `tradewatch poll` locally and
 * `cdk deploy`, so a bad config fails both with the same message naming the key.
 */
import { ConfigError } from '../functions/core/errors.ts';
import {
  scheduledSources,
  sourcesConfigEnv,
  watchlistSubscribersEnv,
  type TradewatchConfig,
} from '../functions/config/config.ts';
import { POLLER_ENV } from '../functions/config/environment.ts';
import { feedSourceIds, feedSubscribersEnv } from '../functions/config/feed-subscribers.ts';
import { bundleSubscribersEnv, digestSubscribers, subscriptionPolicyFor } from '../functions/config/delivery.ts';
import { sourcesFor } from '../functions/sources/registry.ts';
import { keywordSubscribersEnv } from '../functions/core/keywords.ts';
import type { SubscriberSpec } from './constructs/subscribers.ts';
import type { TradewatchStackProps } from './tradewatch-stack.ts';

export function stackPropsFromConfig(config: TradewatchConfig): TradewatchStackProps {
  const subscribers: SubscriberSpec[] = config.subscribers.map((subscriber, index) => {
    const channel = subscriber.channel;
    const base = {
      id: subscriber.id,
      filterPolicy: subscriptionPolicyFor(subscriber),
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
  const pollerEnvironment = {
    [POLLER_ENV.keywordSubscribers]: keywordSubscribersEnv(config.subscribers),
    [POLLER_ENV.watchlistSubscribers]: watchlistSubscribersEnv(config),
    [POLLER_ENV.bundleSubscribers]: bundleSubscribersEnv(config.subscribers),
    [POLLER_ENV.sourcesConfig]: sourcesConfigEnv(config),
  };
  assertEnvironmentFits(pollerEnvironment);
  return {
    sources: Object.fromEntries(scheduledSources(config).map((s) => [s.id, s.schedule])),
    subscribers,
    operations: {
      ...(operations.email ? { email: operations.email } : {}),
      ...(operations.sms ? { sms: operations.sms } : {}),
    },
    pollerEnvironment,
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
    ...digestProps(config),
  };
}

/** The digest function's subscribers and the sources its digests list as checked (the scheduled ones). */
function digestProps(config: TradewatchConfig): Pick<TradewatchStackProps, 'digests'> {
  const subscribers = digestSubscribers(config.subscribers);
  if (subscribers.length === 0) return {};
  const scheduled = new Set(scheduledSources(config).map((source) => source.id));
  const sources = sourcesFor(config)
    .filter((source) => scheduled.has(source.id))
    .map((source) => ({ id: source.id, title: source.title }));
  return { digests: { subscribers, sources } };
}

/** Lambda allows 4 KB of environment per function; the poller's own variables take the rest. */
export const POLLER_ENVIRONMENT_BUDGET = 4096 - 512;

/**
 * The configuration reaches the pollers through their environment: a configuration too large for
 * it fails here, at synth, naming what takes the room, rather than at deploy.
 */
function assertEnvironmentFits(environment: Record<string, string>): void {
  const sizes = Object.entries(environment).map(([name, value]) => [name, Buffer.byteLength(name + value)] as const);
  const total = sizes.reduce((sum, [, size]) => sum + size, 0);
  if (total <= POLLER_ENVIRONMENT_BUDGET) return;
  const parts = sizes
    .filter(([, size]) => size > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([name, size]) => `${name} ${size} B`)
    .join(', ');
  throw new ConfigError(
    `the configuration takes ${total} bytes of the pollers' environment where Lambda leaves ${POLLER_ENVIRONMENT_BUDGET} (${parts}): fewer subscribers, filters, keywords or custom sources`,
  );
}
