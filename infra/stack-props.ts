/**
 * The stack's props from the configuration file: the same file drives `tradewatch poll` locally and
 * `cdk deploy`, so a bad config fails both with the same message naming the key.
 */
import { ConfigError } from '../functions/core/errors.ts';
import {
  scheduledSources,
  sourcesConfigEnv,
  watchlistSubscribers,
  watchlistSubscribersEnv,
  type TradewatchConfig,
} from '../functions/config/config.ts';
import { POLLER_ENV, fitEnvironment } from '../functions/config/environment.ts';
import { feedSourceIds, feedSubscribersEnv } from '../functions/config/feed-subscribers.ts';
import { bundleSubscribersEnv, digestSubscribers, subscriptionPolicyFor } from '../functions/config/delivery.ts';
import { sourcesFor } from '../functions/sources/registry.ts';
import { reviewPageConfigEnv } from '../functions/config/review-page-env.ts';
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
  // Checked (and packed when needed) at synth, so a configuration too large fails here, by name.
  const pollerEnvironment = fitEnvironment(
    {
      [POLLER_ENV.keywordSubscribers]: keywordSubscribersEnv(config.subscribers),
      [POLLER_ENV.watchlistSubscribers]: watchlistSubscribersEnv(config),
      [POLLER_ENV.bundleSubscribers]: bundleSubscribersEnv(config.subscribers),
      [POLLER_ENV.sourcesConfig]: sourcesConfigEnv(config),
    },
    'the pollers',
  );
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
    watchlistScreening: watchlistSubscribers(config).length > 0,
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
    ...reviewPageProps(config),
  };
}

/** The review page's reviewers, and the watchlist subscribers whose hits one of them decides. */
function reviewPageProps(config: TradewatchConfig): Pick<TradewatchStackProps, 'reviewPage'> {
  const { enabled, reviewers, mfa } = config.reviewPage;
  if (!enabled) return {};
  const decided = new Set(
    reviewers.flatMap((r) => (r.subscribers === 'all' ? watchlistSubscribers(config).map((s) => s.id) : r.subscribers)),
  );
  return {
    reviewPage: {
      config: reviewPageConfigEnv(config),
      reviewerEmails: reviewers.map((r) => r.email),
      decisionSubscribers: watchlistSubscribers(config)
        .map((s) => s.id)
        .filter((id) => decided.has(id)),
      mfa,
    },
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
