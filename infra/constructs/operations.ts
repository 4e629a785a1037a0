import { Duration } from 'aws-cdk-lib';
import { LambdaAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { SubscriptionProtocol, Subscription, type ITopic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DeadLetterQueue } from './dead-letter-queue.ts';
import { TradewatchFunction } from './tradewatch-function.ts';

export interface OperationsProps {
  readonly operations: ITopic;
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

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    this.forwarder = new TradewatchFunction(this, 'AlarmForwarder', {
      handlerFile: 'alarm-forwarder.ts',
      description: 'tradewatch: forwards CloudWatch alarms to the operations topic',
      timeout: Duration.seconds(10),
      environment: { OPERATIONS_TOPIC_ARN: props.operations.topicArn },
    });
    props.operations.grantPublish(this.forwarder.function);
    // One action for every alarm: each gets its own invoke permission.
    this.alarmAction = new LambdaAction(this.forwarder.function, { useUniquePermissionId: true });

    this.pollerDeadLetters = new DeadLetterQueue(this, 'PollerDeadLetters', {
      alarmDescription: 'A poller invocation failed for good (its event is in the dead-letter queue). The next scheduled poll catches up; look at the poller logs.',
      alarmAction: this.alarmAction,
    }).queue;

    if (props.email) new Subscription(this, 'Email', { topic: props.operations, protocol: SubscriptionProtocol.EMAIL, endpoint: props.email });
    if (props.sms) new Subscription(this, 'Sms', { topic: props.operations, protocol: SubscriptionProtocol.SMS, endpoint: props.sms });
  }
}
