import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { POLLER_ENV } from '../../functions/config/environment.ts';
import { TradewatchFunction, acknowledgeTableIndexes } from './tradewatch-function.ts';

export interface SourcePollerProps {
  readonly sourceId: string;
  /** EventBridge schedule expression, e.g. `rate(5 minutes)`. */
  readonly schedule: string;
  readonly table: ITable;
  readonly alerts: ITopic;
  readonly operations: ITopic;
  /** Failed asynchronous invocations (after the function gave up) land here. */
  readonly deadLetterQueue: IQueue;
  /** Extra environment for the poller (keyword rules ...). @default none */
  readonly environment?: Record<string, string>;
  /** @default 1024 — streaming parsers need far less; memory buys CPU for the 100 MB lists */
  readonly memorySize?: number;
  /** @default Duration.minutes(5) */
  readonly timeout?: Duration;
  /** Per-source Records and Changes metrics (billed custom metrics). @default false */
  readonly detailedMetrics?: boolean;
}

/** One source's scheduled poller: the function and its schedule. */
export class SourcePoller extends Construct {
  readonly function: NodejsFunction;
  readonly functionLogs: TradewatchFunction['logGroup'];

  constructor(scope: Construct, id: string, props: SourcePollerProps) {
    super(scope, id);
    const fn = new TradewatchFunction(this, 'Poller', {
      handlerFile: 'poll.ts',
      description: `tradewatch poller for ${props.sourceId}`,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.minutes(5),
      deadLetterQueue: props.deadLetterQueue,
      environment: {
        [POLLER_ENV.tableName]: props.table.tableName,
        [POLLER_ENV.alertsTopicArn]: props.alerts.topicArn,
        [POLLER_ENV.operationsTopicArn]: props.operations.topicArn,
        [POLLER_ENV.detailedMetrics]: props.detailedMetrics ? 'true' : 'false',
        ...props.environment,
      },
    });
    this.function = fn.function;
    this.functionLogs = fn.logGroup;
    props.table.grantReadWriteData(this.function);
    acknowledgeTableIndexes(
      this.function,
      props.table,
      "The poller queries the table's own outbox and timeline indexes; grantReadWriteData's `<table>/index/*` covers only this table's indexes.",
    );
    props.alerts.grantPublish(this.function);
    props.operations.grantPublish(this.function);
    new Rule(this, 'Schedule', {
      description: `tradewatch: poll ${props.sourceId}`,
      schedule: Schedule.expression(props.schedule),
      targets: [
        new LambdaFunction(this.function, {
          event: RuleTargetInput.fromObject({ sourceId: props.sourceId }),
          retryAttempts: 0,
        }),
      ],
    });
  }
}
