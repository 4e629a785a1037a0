/**
 * The run's dependencies from the environment the stack sets, shared by the poller (poll.ts) and
 * the screening worker (screen-shard.ts): both screen, store and publish a source's events, so
 * they must build the very same store, publisher, subscribers and bundler. Read once, at cold start.
 */
import { dynamoClient, snsClient, sqsClient } from '../aws/clients.ts';
import { DynamoShardProgressStore } from '../aws/shard-progress-store.ts';
import { sqsShardDispatcher } from '../aws/shard-queue.ts';
import { TradewatchStore } from '../aws/source-store.ts';
import { sourcesConfigFromEnv, watchlistSubscribersFromEnv } from '../config/config.ts';
import { bundleSubscribersFromEnv } from '../config/delivery-env.ts';
import { POLLER_ENV, SHARD_ENV, requireEnv, unpackEnvironment } from '../config/environment.ts';
import { keywordSubscribersFromEnv } from '../core/keywords.ts';
import { createBundler } from '../delivery/bundler.ts';
import { snsPublisher } from '../delivery/sns-publisher.ts';
import type { PipelineDeps } from '../run/ports.ts';
import type { SourcesConfig } from '../sources/registry.ts';
import { log } from './logger.ts';

export function pipelineFromEnv(): { deps: PipelineDeps; sourcesConfig: SourcesConfig | undefined } {
  unpackEnvironment();
  const watchlistSubscribers = watchlistSubscribersFromEnv(process.env[POLLER_ENV.watchlistSubscribers]);
  const bundled = bundleSubscribersFromEnv(process.env[POLLER_ENV.bundleSubscribers]);
  const dynamo = dynamoClient();
  const tableName = requireEnv(POLLER_ENV.tableName);
  const shardQueueUrl = process.env[SHARD_ENV.queueUrl];
  const deps: PipelineDeps = {
    store: new TradewatchStore(dynamo, tableName),
    publisher: snsPublisher({
      sns: snsClient(),
      alertsTopicArn: requireEnv(POLLER_ENV.alertsTopicArn),
      operationsTopicArn: requireEnv(POLLER_ENV.operationsTopicArn),
      subscribers: keywordSubscribersFromEnv(process.env[POLLER_ENV.keywordSubscribers], POLLER_ENV.keywordSubscribers),
    }),
    log,
    ...(watchlistSubscribers.length ? { watchlistSubscribers } : {}),
    ...(bundled.length ? { bundler: createBundler(bundled) } : {}),
    ...(shardQueueUrl
      ? {
          initialScreening: {
            dispatcher: sqsShardDispatcher(sqsClient(), shardQueueUrl),
            progress: new DynamoShardProgressStore(dynamo, tableName),
          },
        }
      : {}),
  };
  return { deps, sourcesConfig: sourcesConfigFromEnv(process.env[POLLER_ENV.sourcesConfig]) };
}
