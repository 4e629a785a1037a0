/**
 * handlers/ — Lambda entry points, a few dozen lines each: read the environment, build, call run/ or delivery/.
 *
 * Lambda entry point: one scheduled poll of one source. Thin on purpose: it reads its config once
 * at cold start, calls pollSource with the clients, logs through Powertools Logger and publishes
 * one EMF metrics record per run (metrics.ts).
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { SNSClient } from '@aws-sdk/client-sns';
import { dynamoClient, snsClient } from '../aws/clients.ts';
import type { Logger, RunReport } from '../run/process-version.ts';
import { snsPublisher } from '../delivery/sns-publisher.ts';
import { pollSource } from '../run/poll.ts';
import { keywordSubscribersFromEnv, type KeywordSubscriber } from '../core/keywords.ts';
import { sourcesConfigFromEnv, watchlistSubscribersFromEnv } from '../config/config.ts';
import { POLLER_ENV, requireEnv } from '../config/environment.ts';
import type { WatchlistSubscriber } from '../watchlist/screening.ts';
import { allowsPrivateHosts } from '../sources/custom.ts';
import { findSource, type SourcesConfig } from '../sources/registry.ts';
import { TradewatchStore } from '../aws/source-store.ts';
import { log, powertoolsLogger } from './logger.ts';
import { crashMetrics, runMetrics } from './metrics.ts';

export interface PollEvent {
  /** The registered source id; EventBridge passes it as the rule's input. */
  sourceId: string;
  /** Accept a drop larger than the source's bound (an operator re-running after checking). */
  acceptDrop?: boolean;
}

export interface PollHandlerConfig {
  store: TradewatchStore;
  sns: SNSClient;
  alertsTopicArn: string;
  operationsTopicArn?: string;
  /** @default silent */
  log?: Logger;
  /** Called on every progress tick while parsing. */
  onProgress?: (recordsSeen: number) => void;
  allowPrivateHosts?: boolean;
  /** Publish the run's EMF metrics record(s) to stdout, where Lambda's log agent picks them up. @default false */
  emitMetrics?: boolean;
  /** Per-source Succeeded, Records and SourceChanges metrics. @default false */
  detailedMetrics?: boolean;
  /** Keyword subscribers (id and keywords), for the `matchedKeywords` attribute. @default none */
  subscribers?: readonly KeywordSubscriber[];
  /** Subscribers with a watchlist (id and threshold); their watchlists are read from the table. @default none */
  watchlistSubscribers?: readonly WatchlistSubscriber[];
  /** Custom sources and topic rules of the configuration. @default the registered sources alone */
  sourcesConfig?: SourcesConfig;
}

export function createPollHandler(config: PollHandlerConfig | (() => PollHandlerConfig)) {
  let resolved: PollHandlerConfig | undefined;
  return middy<PollEvent, RunReport>()
    .use(injectLambdaContext(powertoolsLogger))
    .handler(async (event) => {
      resolved ??= typeof config === 'function' ? config() : config;
      const source = findSource(event.sourceId, resolved.sourcesConfig);
      if (!source) throw new Error(`config: unknown source "${event.sourceId}"`);
      let report: RunReport;
      try {
        report = await pollSource(
          source,
          {
            store: resolved.store,
            publisher: snsPublisher({
              sns: resolved.sns,
              alertsTopicArn: resolved.alertsTopicArn,
              ...(resolved.operationsTopicArn ? { operationsTopicArn: resolved.operationsTopicArn } : {}),
              ...(resolved.subscribers ? { subscribers: resolved.subscribers } : {}),
            }),
            ...(resolved.log ? { log: resolved.log } : {}),
            ...(resolved.onProgress ? { onProgress: resolved.onProgress } : {}),
            ...(resolved.watchlistSubscribers?.length ? { watchlistSubscribers: resolved.watchlistSubscribers } : {}),
          },
          resolved.allowPrivateHosts || allowsPrivateHosts(source) ? { allowPrivateHosts: true } : {},
          event.acceptDrop ? { acceptDrop: true } : {},
        );
      } catch (error) {
        if (resolved.emitMetrics) crashMetrics(source.id, error).publishStoredMetrics();
        throw error;
      }
      if (resolved.emitMetrics)
        for (const metrics of runMetrics(report, { detailed: resolved.detailedMetrics ?? false }))
          metrics.publishStoredMetrics();
      return report;
    });
}

/** The deployed function: config from the environment the stack sets (config/environment.ts). */
export const handler = createPollHandler(() => ({
  store: new TradewatchStore(dynamoClient(), requireEnv(POLLER_ENV.tableName)),
  sns: snsClient(),
  alertsTopicArn: requireEnv(POLLER_ENV.alertsTopicArn),
  operationsTopicArn: requireEnv(POLLER_ENV.operationsTopicArn),
  log,
  emitMetrics: true,
  detailedMetrics: process.env[POLLER_ENV.detailedMetrics] === 'true',
  subscribers: keywordSubscribersFromEnv(process.env[POLLER_ENV.keywordSubscribers], POLLER_ENV.keywordSubscribers),
  watchlistSubscribers: watchlistSubscribersFromEnv(process.env[POLLER_ENV.watchlistSubscribers]),
  sourcesConfig: sourcesConfigFromEnv(process.env[POLLER_ENV.sourcesConfig]),
}));
