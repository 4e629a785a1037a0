import { Duration, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData, type IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../functions/metrics.ts';
import { scheduleMinutes } from '../../functions/schedule.ts';
import { TradewatchFunction } from './tradewatch-function.ts';

export interface SourcePollerProps {
  readonly sourceId: string;
  /** EventBridge schedule expression, e.g. `rate(5 minutes)`. */
  readonly schedule: string;
  readonly table: ITable;
  readonly alerts: ITopic;
  readonly operations: ITopic;
  /** Failed asynchronous invocations (after the function gave up) land here. */
  readonly deadLetterQueue: IQueue;
  /** What a firing alarm does (the alarm forwarder). */
  readonly alarmAction: IAlarmAction;
  /** Extra environment for the poller (keyword rules ...). @default none */
  readonly environment?: Record<string, string>;
  /** @default 1024 — streaming parsers need far less; memory buys CPU for the 100 MB lists */
  readonly memorySize?: number;
  /** @default Duration.minutes(5) */
  readonly timeout?: Duration;
  /** Per-source Records and Changes metrics (billed custom metrics). @default false */
  readonly detailedMetrics?: boolean;
}

/**
 * One source's scheduled poller: the function, its schedule, and one alarm that fires when the
 * source has not been polled successfully for twice its interval — unhealthy downloads, crashes
 * and a stopped schedule all look like that.
 */
export class SourcePoller extends Construct {
  readonly function: NodejsFunction;
  readonly functionLogs: TradewatchFunction['logGroup'];
  readonly healthAlarm: Alarm;
  readonly succeeded: Metric;

  constructor(scope: Construct, id: string, props: SourcePollerProps) {
    super(scope, id);
    const fn = new TradewatchFunction(this, 'Poller', {
      handlerFile: 'poll.ts',
      description: `tradewatch poller for ${props.sourceId}`,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.minutes(5),
      deadLetterQueue: props.deadLetterQueue,
      environment: {
        TABLE_NAME: props.table.tableName,
        ALERTS_TOPIC_ARN: props.alerts.topicArn,
        OPERATIONS_TOPIC_ARN: props.operations.topicArn,
        DETAILED_METRICS: props.detailedMetrics ? 'true' : 'false',
        ...props.environment,
      },
    });
    this.function = fn.function;
    this.functionLogs = fn.logGroup;
    props.table.grantReadWriteData(this.function);
    const tableLogicalId = Stack.of(this).getLogicalId(props.table.node.defaultChild as CfnElement);
    Validations.of(this.function.role!).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${tableLogicalId}.Arn>/index/*]`,
      reason: "The poller queries the table's own outbox and timeline indexes; grantReadWriteData's `<table>/index/*` covers only this table's indexes.",
    });
    props.alerts.grantPublish(this.function);
    props.operations.grantPublish(this.function);
    new Rule(this, 'Schedule', {
      description: `tradewatch: poll ${props.sourceId}`,
      schedule: Schedule.expression(props.schedule),
      targets: [new LambdaFunction(this.function, { event: RuleTargetInput.fromObject({ sourceId: props.sourceId }), retryAttempts: 0 })],
    });

    const minutes = scheduleMinutes(props.schedule) ?? 60;
    // CloudWatch caps an alarm's evaluation window at one day.
    const window = Duration.minutes(Math.min(2 * minutes, 1440));
    this.succeeded = new Metric({ namespace: METRICS_NAMESPACE, metricName: 'Succeeded', dimensionsMap: { Source: props.sourceId }, statistic: 'Sum', period: window });
    this.healthAlarm = new Alarm(this, 'Health', {
      alarmDescription: `No successful poll of ${props.sourceId} for ${window.toMinutes()} minutes (twice its schedule): the source is unhealthy, the poller fails, or the schedule stopped. Nothing is lost meanwhile: the next good poll diffs against the last stored version.`,
      metric: this.succeeded,
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.BREACHING,
    });
    this.healthAlarm.addAlarmAction(props.alarmAction);
    this.healthAlarm.addOkAction(props.alarmAction);
  }
}
