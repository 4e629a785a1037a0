/**
 * Lambda entry point: the screening worker, fed by the shard queue. Each record is one shard of a
 * sharded initial screening (functions/watchlist/shard-plan.ts ShardMessage), screened by
 * run/watchlist-step.ts's screenShard. A shard of a watchlist version replaced since the fan-out
 * is obsolete, whether noticed before the screening or by the store's WatchlistVersionGoneError
 * during it: it is dropped (acknowledged), not retried, since the new version has a fan-out of its
 * own. Any other failure is reported in `batchItemFailures`, so SQS redelivers that shard alone
 * (after the queue's visibility timeout), and parks it in the dead-letter queue after a few tries.
 */
import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { WatchlistVersionGoneError } from '../aws/watchlist-store.ts';
import { parseShardMessage } from '../watchlist/shard-plan.ts';
import { screenShard, type ShardOutcome } from '../run/watchlist-step.ts';
import { silentLogger, type PipelineDeps } from '../run/ports.ts';
import { findSource, type SourcesConfig } from '../sources/registry.ts';
import type { Source } from '../sources/types.ts';
import { powertoolsLogger } from './logger.ts';
import { pipelineFromEnv } from './pipeline-env.ts';

export interface ScreenShardHandlerConfig {
  /** The run's stores, publisher, watchlist subscribers and shard progress store (initialScreening). */
  deps: PipelineDeps;
  /** Custom sources of the configuration. @default the registered sources alone */
  sourcesConfig?: SourcesConfig | undefined;
  /** Finds a message's source. @default the registry's findSource with sourcesConfig */
  findSource?: (sourceId: string) => Source | undefined;
  /** How long a shard waits for the source's lease before it is retried. @default SHARD_LEASE_WAIT_MS */
  leaseWaitMs?: number;
  /** Called with each record's outcome (tests, the log). @default none */
  onOutcome?: (outcome: ShardOutcome) => void;
}

export function createScreenShardHandler(config: ScreenShardHandlerConfig | (() => ScreenShardHandlerConfig)) {
  let resolved: ScreenShardHandlerConfig | undefined;
  const processor = new BatchProcessor(EventType.SQS);
  return middy<SQSEvent, SQSBatchResponse>()
    .use(injectLambdaContext(powertoolsLogger))
    .handler(async (event, lambdaContext: Context) => {
      resolved ??= typeof config === 'function' ? config() : config;
      const { deps, sourcesConfig, leaseWaitMs, onOutcome } = resolved;
      const lookUp = resolved.findSource ?? ((sourceId: string) => findSource(sourceId, sourcesConfig));
      const log = deps.log ?? silentLogger;
      return processPartialResponse(
        event,
        async (record: SQSRecord) => {
          const message = parseShardMessage(record.body);
          const source = lookUp(message.sourceId);
          if (!source || source.kind !== 'register')
            throw new Error(`screen-shard: "${message.sourceId}" is not a register source of this deployment`);
          try {
            const outcome = await screenShard(source, message, deps, leaseWaitMs ? { leaseWaitMs } : {});
            onOutcome?.(outcome);
          } catch (error) {
            if (!(error instanceof WatchlistVersionGoneError)) throw error;
            log.warn('shard message obsolete: the watchlist version was removed during the screening; dropped', {
              ...message,
              reason: error.message,
            });
            onOutcome?.({
              status: 'obsolete',
              counts: { screened: 0, hitEvents: 0, suppressed: 0 },
              stored: 0,
              markedScreened: false,
              published: 0,
            });
          }
        },
        processor,
        { context: lambdaContext, throwOnFullBatchFailure: false },
      );
    });
}

/** The deployed function: the pollers' environment (pipeline-env.ts), with the shard queue's URL. */
export const handler = createScreenShardHandler(() => pipelineFromEnv());
