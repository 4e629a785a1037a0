import { Duration } from 'aws-cdk-lib';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SubscriptionProtocol, Subscription, type CfnSubscription, type ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DISPATCHER_ENV } from '../../functions/config/environment.ts';
import type { FilterPolicy } from '../../functions/core/filter-policy.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';
import { TradewatchFunction } from './tradewatch-function.ts';

/** A subscriber as infra needs it: its channel and its SNS filter policy (allowlists per attribute). */
export interface SubscriberSpec {
  readonly id: string;
  readonly channel:
    | { readonly type: 'email'; readonly address: string }
    | { readonly type: 'sms'; readonly phoneNumber: string }
    | {
        readonly type: 'webhook';
        readonly url: string;
        readonly secret: { readonly secretsManagerSecret: string } | { readonly ssmParameter: string };
      };
  /** The SNS filter policy (MessageAttributes scope), as filterPolicyFor makes it. Empty: every message. */
  readonly filterPolicy: FilterPolicy;
  /** Also subscribe to the operations topic (source health). @default false */
  readonly includeHealth?: boolean;
}

export interface SubscribersProps {
  readonly subscribers: readonly SubscriberSpec[];
  readonly alerts: ITopic;
  readonly operations: ITopic;
  readonly alarmAction: IAlarmAction;
}

/** Sets the raw policy (it may hold `$or`, which the L2 filter builders cannot express). */
function applyFilterPolicy(subscription: Subscription, policy: FilterPolicy): void {
  if (Object.keys(policy).length) (subscription.node.defaultChild as CfnSubscription).filterPolicy = policy;
}

/**
 * Subscriptions from the config: email and SMS straight on SNS with their filter policies; each
 * webhook through its own encrypted queue (filter policy on the subscription, raw delivery) and a
 * dispatcher that signs and POSTs, with one shared dead-letter queue and an alarm on it.
 */
export class Subscribers extends Construct {
  readonly webhookDeadLetters: Queue | undefined;
  readonly dispatchers: TradewatchFunction[] = [];

  constructor(scope: Construct, id: string, props: SubscribersProps) {
    super(scope, id);
    const webhooks = props.subscribers.filter((s) => s.channel.type === 'webhook');
    if (webhooks.length) {
      this.webhookDeadLetters = new DeadLetterQueue(this, 'WebhookDeadLetters', {
        alarmDescription:
          'A webhook delivery failed for good and waits in the dead-letter queue: fix the endpoint, then redrive the queue.',
        alarmAction: props.alarmAction,
      }).queue;
    }
    for (const subscriber of props.subscribers) {
      // Health events travel on the operations topic; the policy's health branch lets them through.
      const topics = subscriber.includeHealth ? [props.alerts, props.operations] : [props.alerts];
      const channel = subscriber.channel;
      if (channel.type === 'email' || channel.type === 'sms') {
        for (const [index, topic] of topics.entries()) {
          const subscription = new Subscription(this, `${subscriber.id}-${index}`, {
            topic,
            protocol: channel.type === 'email' ? SubscriptionProtocol.EMAIL : SubscriptionProtocol.SMS,
            endpoint: channel.type === 'email' ? channel.address : channel.phoneNumber,
          });
          applyFilterPolicy(subscription, subscriber.filterPolicy);
        }
        continue;
      }
      const queue = new Queue(this, `${subscriber.id}-Queue`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        // Six times the dispatcher's timeout, as Lambda's event source mapping advises; it is
        // also the delay between SQS's redeliveries of a failed message.
        visibilityTimeout: Duration.minutes(6),
        retentionPeriod: Duration.days(4),
        // Ten receives six minutes apart: about an hour of retries before the dead-letter queue.
        deadLetterQueue: { queue: this.webhookDeadLetters!, maxReceiveCount: 10 },
      });
      for (const [index, topic] of topics.entries()) {
        const subscription = new Subscription(this, `${subscriber.id}-${index}`, {
          topic,
          protocol: SubscriptionProtocol.SQS,
          endpoint: queue.queueArn,
          rawMessageDelivery: true,
        });
        applyFilterPolicy(subscription, subscriber.filterPolicy);
        queue.addToResourcePolicy(
          new PolicyStatement({
            principals: [new ServicePrincipal('sns.amazonaws.com')],
            actions: ['sqs:SendMessage'],
            resources: [queue.queueArn],
            conditions: { ArnEquals: { 'aws:SourceArn': topic.topicArn } },
          }),
        );
      }
      const dispatcher = new TradewatchFunction(this, `${subscriber.id}-Dispatcher`, {
        handlerFile: 'dispatch-webhook.ts',
        description: `tradewatch webhook dispatcher for ${subscriber.id}`,
        // One delivery's worst case is 25 s (3 attempts of 5 s plus backoff).
        timeout: Duration.seconds(60),
        environment: {
          [DISPATCHER_ENV.webhookUrl]: channel.url,
          [DISPATCHER_ENV.subscriberId]: subscriber.id,
          [DISPATCHER_ENV.queueUrl]: queue.queueUrl,
        },
      });
      if ('secretsManagerSecret' in channel.secret) {
        const secret = Secret.fromSecretNameV2(this, `${subscriber.id}-Secret`, channel.secret.secretsManagerSecret);
        secret.grantRead(dispatcher.function);
        // The name as configured: GetSecretValue takes a name or a full ARN.
        dispatcher.function.addEnvironment(DISPATCHER_ENV.secretArn, channel.secret.secretsManagerSecret);
      } else {
        const parameter = StringParameter.fromSecureStringParameterAttributes(this, `${subscriber.id}-Parameter`, {
          parameterName: channel.secret.ssmParameter,
        });
        parameter.grantRead(dispatcher.function);
        dispatcher.function.addEnvironment(DISPATCHER_ENV.secretParameter, channel.secret.ssmParameter);
      }
      queue.grantConsumeMessages(dispatcher.function);
      // At most two batches at once: a slow receiver is not flooded.
      dispatcher.function.addEventSource(
        new SqsEventSource(queue, {
          batchSize: 10,
          maxBatchingWindow: Duration.seconds(1),
          reportBatchItemFailures: true,
          maxConcurrency: 2,
        }),
      );
      this.dispatchers.push(dispatcher);
    }
  }
}
