/**
 * Lambda entry point: one scheduled poll of one source. Thin on purpose: it reads its config once
 * at cold start, calls pollSource with the clients, and logs one JSON line per run. The CLI's
 * `poll` invokes the very same handler through `createPollHandler`.
 */
import middy from '@middy/core';
import type { SNSClient } from '@aws-sdk/client-sns';
import { dynamoClient, snsClient } from '../aws/clients.ts';
import type { Logger, RunReport } from '../run/process-version.ts';
import { snsPublisher } from '../delivery/sns-publisher.ts';
import { pollSource } from '../run/poll.ts';
import { jsonLogger } from './json-logger.ts';
import { keywordSubscribersFromEnv, type KeywordSubscriber } from '../core/keywords.ts';
import { crashMetricsRecord, runMetricsRecord } from './metrics.ts';
import { sourcesConfigFromEnv, watchlistSubscribersFromEnv } from '../config/config.ts';
import { POLLER_ENV, requireEnv } from '../config/environment.ts';
import type { WatchlistSubscriber } from '../watchlist/screening.ts';
import { allowsPrivateHosts } from '../sources/custom.ts';
import { findSource, type SourcesConfig } from '../sources/registry.ts';
import { TradewatchStore } from '../aws/source-store.ts';

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
  log?: Logger;
  /** Called on every progress tick while parsing (terminal progress in the CLI). */
  onProgress?: (recordsSeen: number) => void;
  allowPrivateHosts?: boolean;
  /** Where the run's metrics/log record goes (stdout as one JSON line on Lambda). */
  emit?: (record: Record<string, unknown>) => void;
  /** Per-source Records and Changes metrics. @default false */
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
  return middy<PollEvent, RunReport>().handler(async (event) => {
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
      resolved.emit?.(crashMetricsRecord(source.id, error));
      throw error;
    }
    const metrics = runMetricsRecord(report, { detailed: resolved.detailedMetrics ?? false });
    if (metrics) resolved.emit?.(metrics);
    return report;
  });
}

/** The deployed function: config from the environment the stack sets (config/environment.ts). */
export const handler = createPollHandler(() => ({
  store: new TradewatchStore(dynamoClient(), requireEnv(POLLER_ENV.tableName)),
  sns: snsClient(),
  alertsTopicArn: requireEnv(POLLER_ENV.alertsTopicArn),
  operationsTopicArn: requireEnv(POLLER_ENV.operationsTopicArn),
  log: jsonLogger,
  emit: (record) => console.log(JSON.stringify(record)),
  detailedMetrics: process.env[POLLER_ENV.detailedMetrics] === 'true',
  subscribers: keywordSubscribersFromEnv(process.env[POLLER_ENV.keywordSubscribers], POLLER_ENV.keywordSubscribers),
  watchlistSubscribers: watchlistSubscribersFromEnv(process.env[POLLER_ENV.watchlistSubscribers]),
  sourcesConfig: sourcesConfigFromEnv(process.env[POLLER_ENV.sourcesConfig]),
}));
