import { Duration } from 'aws-cdk-lib';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { POLLER_ENV, SHARD_ENV } from '../../functions/config/environment.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';
import { TradewatchFunction, acknowledgeTableIndexes } from './tradewatch-function.ts';

/**
 * The shard plan's WORKER_MEMORY_MB (functions/watchlist/shard-plan.ts, which infra/ may not import):
 * a watchlist's index and one batch's candidates; tests/infra checks the two agree.
 */
export const SHARD_WORKER_MEMORY_MB = 1024;
/** Lambda's limit: a shard is planned to end within a third of it. */
export const SHARD_WORKER_TIMEOUT = Duration.minutes(15);
/**
 * Shards screened at once, through the event source's maximum concurrency rather than reserved
 * concurrency: reserved concurrency takes from the account's pool (a deployment fails in an account
 * still at the default limit of 10) and makes Lambda throttle the SQS poller, which counts as a
 * receive and sends good shards to the dead-letter queue. Four workers keep DynamoDB on demand well
 * under its default per-table limits while a million-entry screening runs.
 */
export const SHARD_WORKER_CONCURRENCY = 4;

export interface ShardScreeningProps {
  readonly table: ITable;
  readonly alerts: ITopic;
  readonly operations: ITopic;
  /** Where the dead-letter queue's alarm goes. */
  readonly alarmAction: IAlarmAction;
  /** The pollers: each may send shards, and is told the queue. */
  readonly pollers: readonly NodejsFunction[];
  /** The pollers' configuration environment (subscribers, custom sources): the worker screens and publishes as they do. @default none */
  readonly environment?: Record<string, string>;
}

/**
 * The sharded initial screening of a large watchlist: an encrypted, TLS-only queue of shard messages
 * with a dead-letter queue, and the worker that screens one shard per invocation.
 */
export class ShardScreening extends Construct {
  readonly queue: Queue;
  readonly deadLetters: Queue;
  readonly worker: TradewatchFunction;

  constructor(scope: Construct, id: string, props: ShardScreeningProps) {
    super(scope, id);
    this.deadLetters = new DeadLetterQueue(this, 'DeadLetters', {
      alarmDescription:
        'A shard of a watchlist initial screening failed three times and waits in the dead-letter queue: read the worker log, fix the cause, then redrive the queue.',
      alarmAction: props.alarmAction,
    }).queue;
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Six times the worker's timeout, as Lambda's SQS event source advises (a shard still running
      // is never handed to a second worker); it is also the wait before a failed shard's retry.
      visibilityTimeout: Duration.minutes(SHARD_WORKER_TIMEOUT.toMinutes() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: 3 },
    });
    this.worker = new TradewatchFunction(this, 'Worker', {
      handlerFile: 'screen-shard.ts',
      description: 'tradewatch watchlist screening worker (one shard of an initial screening)',
      memorySize: SHARD_WORKER_MEMORY_MB,
      timeout: SHARD_WORKER_TIMEOUT,
      environment: {
        [POLLER_ENV.tableName]: props.table.tableName,
        [POLLER_ENV.alertsTopicArn]: props.alerts.topicArn,
        // Required by the publisher it shares with the pollers; the worker publishes no health event.
        [POLLER_ENV.operationsTopicArn]: props.operations.topicArn,
        [SHARD_ENV.queueUrl]: this.queue.queueUrl,
        ...props.environment,
      },
    });
    const worker = this.worker.function;
    props.table.grantReadWriteData(worker);
    acknowledgeTableIndexes(
      worker,
      props.table,
      "The worker publishes the source's outbox, which it reads through the table's own outbox index; grantReadWriteData's `<table>/index/*` covers only this table's indexes.",
    );
    props.alerts.grantPublish(worker);
    this.queue.grantConsumeMessages(worker);
    worker.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: SHARD_WORKER_CONCURRENCY,
      }),
    );
    for (const poller of props.pollers) {
      this.queue.grantSendMessages(poller);
      poller.addEnvironment(SHARD_ENV.queueUrl, this.queue.queueUrl);
    }
  }
}
