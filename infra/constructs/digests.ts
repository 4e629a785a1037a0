import { Duration, Stack, TimeZone, Validations, type CfnElement } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { DigestSubscriber } from '../../functions/core/bundles.ts';
import { DIGEST_ENV, fitEnvironment } from '../../functions/config/environment.ts';
import { TradewatchFunction, acknowledgeTableIndexes } from './tradewatch-function.ts';

export interface DigestsProps {
  readonly subscribers: readonly DigestSubscriber[];
  readonly table: ITable;
  readonly alerts: ITopic;
  /** The sources a digest lists as checked. */
  readonly sources: readonly { id: string; title: string }[];
  /** Invocations the schedules could not deliver, after their retries. */
  readonly deadLetterQueue: IQueue;
}

const CRON_DAYS = {
  monday: 'MON',
  tuesday: 'TUE',
  wednesday: 'WED',
  thursday: 'THU',
  friday: 'FRI',
  saturday: 'SAT',
  sunday: 'SUN',
} as const;

/**
 * The digest function and one EventBridge Scheduler schedule per digest subscriber, at its local
 * time in its own IANA time zone (Scheduler applies daylight saving, so 08:00 Europe/London stays
 * 08:00 all year). The function decides from the clock which digest is due and finishes any an
 * earlier run left, so a retried or repeated invocation sends nothing twice.
 */
export class Digests extends Construct {
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: DigestsProps) {
    super(scope, id);
    const fn = new TradewatchFunction(this, 'Digest', {
      handlerFile: 'digest.ts',
      description: 'tradewatch digests: one message per subscriber at its time',
      memorySize: 512,
      timeout: Duration.minutes(2),
      environment: {
        [DIGEST_ENV.tableName]: props.table.tableName,
        [DIGEST_ENV.alertsTopicArn]: props.alerts.topicArn,
        ...fitEnvironment(
          {
            [DIGEST_ENV.digestSubscribers]: JSON.stringify(props.subscribers),
            [DIGEST_ENV.digestSources]: JSON.stringify(props.sources),
          },
          'the digest function',
        ),
      },
    });
    this.function = fn.function;
    props.table.grantReadWriteData(this.function);
    acknowledgeTableIndexes(
      this.function,
      props.table,
      "grantReadWriteData adds the table's own indexes (`<table>/index/*`); the digest function reads and writes this table alone.",
    );
    props.alerts.grantPublish(this.function);
    // The schedules' own role, allowed to invoke this function alone (its versions included: the
    // `:*` that grantInvoke adds, acknowledged below).
    const schedulerRole = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'tradewatch digest schedules: invoke the digest function',
    });
    const functionLogicalId = Stack.of(this).getLogicalId(this.function.node.defaultChild as CfnElement);
    Validations.of(schedulerRole).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${functionLogicalId}.Arn>:*]`,
      reason: "Invoking the digest function's versions (`<function>:*`), this one function only.",
    });
    for (const subscriber of props.subscribers) {
      const [hour, minute] = subscriber.schedule.at.split(':');
      new Schedule(this, `Schedule-${subscriber.id}`, {
        description: `tradewatch: ${subscriber.schedule.every} digest of ${subscriber.id} at ${subscriber.schedule.at} ${subscriber.schedule.timeZone}`,
        schedule: ScheduleExpression.cron({
          minute: String(Number(minute)),
          hour: String(Number(hour)),
          ...(subscriber.schedule.every === 'weekly'
            ? { weekDay: CRON_DAYS[subscriber.schedule.weekday ?? 'monday'] }
            : {}),
          timeZone: TimeZone.of(subscriber.schedule.timeZone),
        }),
        target: new LambdaInvoke(this.function, {
          role: schedulerRole,
          input: ScheduleTargetInput.fromObject({ subscriberId: subscriber.id }),
          retryAttempts: 20,
          maxEventAge: Duration.hours(12),
          deadLetterQueue: props.deadLetterQueue,
        }),
      });
    }
  }
}
