import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { LambdaAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { SubscriptionProtocol, Subscription, type ITopic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ALARM_FORWARDER_ENV, METRICS_NAMESPACE } from '../../functions/config/environment.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';
import { TradewatchFunction } from './tradewatch-function.ts';

export interface OperationsProps {
  readonly operations: ITopic;
  /** Polls expected per hour over all sources (from their schedules), for the stalled-polls alarm. */
  readonly expectedPollsPerHour: number;
  /** Who gets source-health events and alarms. @default nobody (the topic is still there) */
  readonly email?: string;
  readonly sms?: string;
}

/**
 * What keeps the pipeline observable: the alarm forwarder (alarm → operations topic), the pollers'
 * shared dead-letter queue with its alarm, and the operators' subscriptions.
 */
export class Operations extends Construct {
  readonly alarmAction: LambdaAction;
  readonly pollerDeadLetters: Queue;
  readonly forwarder: TradewatchFunction;
  readonly failingAlarm: Alarm;
  readonly stalledAlarm: Alarm;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    this.forwarder = new TradewatchFunction(this, 'AlarmForwarder', {
      handlerFile: 'alarm-forwarder.ts',
      description: 'tradewatch: forwards CloudWatch alarms to the operations topic',
      timeout: Duration.seconds(10),
      environment: { [ALARM_FORWARDER_ENV.operationsTopicArn]: props.operations.topicArn },
    });
    props.operations.grantPublish(this.forwarder.function);
    // One action for every alarm: each gets its own invoke permission.
    this.alarmAction = new LambdaAction(this.forwarder.function, { useUniquePermissionId: true });

    this.pollerDeadLetters = new DeadLetterQueue(this, 'PollerDeadLetters', {
      alarmDescription:
        'A poller invocation failed for good (its event is in the dead-letter queue). The next scheduled poll catches up; look at the poller logs.',
      alarmAction: this.alarmAction,
    }).queue;

    // Per-source health goes out as source-health events (once per incident, with the cause). These
    // two alarms are the backstop for what the pipeline cannot report itself, over all sources:
    // polls failing again and again (crashes included), and polls not running at all.
    const polls = (metricName: string, period: Duration) =>
      new Metric({ namespace: METRICS_NAMESPACE, metricName, statistic: 'Sum', period });
    this.failingAlarm = new Alarm(this, 'PollsFailing', {
      alarmDescription:
        'Polls keep failing (3 or more in 15 minutes). The source-health events on the operations topic name the sources and causes; the poller logs hold the details.',
      metric: polls('FailedPolls', Duration.minutes(15)),
      threshold: 3,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const expected = Math.max(1, Math.floor(props.expectedPollsPerHour / 2));
    this.stalledAlarm = new Alarm(this, 'PollsStalled', {
      alarmDescription: `Fewer than half the expected polls ran in the last hour (${expected} of ${props.expectedPollsPerHour}): schedules stopped, or pollers time out before they report.`,
      metric: polls('Polls', Duration.hours(1)),
      threshold: expected,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.BREACHING,
    });
    for (const alarm of [this.failingAlarm, this.stalledAlarm]) {
      alarm.addAlarmAction(this.alarmAction);
      alarm.addOkAction(this.alarmAction);
    }

    if (props.email)
      new Subscription(this, 'Email', {
        topic: props.operations,
        protocol: SubscriptionProtocol.EMAIL,
        endpoint: props.email,
      });
    if (props.sms)
      new Subscription(this, 'Sms', {
        topic: props.operations,
        protocol: SubscriptionProtocol.SMS,
        endpoint: props.sms,
      });
  }
}
