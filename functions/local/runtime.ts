/**
 * local/ — local mode only: the embedded emulators (here), the state lock, exactly-once local delivery (delivery.ts).
 *
 * Local mode: the same pipeline on one machine. Starts the embedded servers (unless endpoints are
 * configured), creates the table, topics and a delivery queue the way the stack does, and delivers
 * alerts to the terminal, a CloudEvents JSON-lines file and, when configured, a signed webhook.
 *
 * With a configuration that names subscribers, each subscriber gets its own queue subscribed with
 * its filter policy, as on AWS, and its alerts go where its channel says: email text to
 * `<home>/outbox/<id>.email.txt`, SMS lines to `<home>/outbox/<id>.sms.txt` (both also handed to
 * `show` for the terminal), webhooks signed and POSTed. The catch-all queue then only writes
 * alerts.jsonl (and the environment's webhook, if set). The operations recipients get the health
 * events in `<home>/outbox/operations.email.txt` / `operations.sms.txt`.
 *
 * Configuration (environment):
 * - TRADEWATCH_HOME: state folder (default `.tradewatch` in the working directory)
 * - TRADEWATCH_DYNAMODB_ENDPOINT: use this DynamoDB (e.g. DynamoDB Local) instead of embedded dynalite;
 *   set it to `aws` to use AWS itself with the default credential chain
 * - TRADEWATCH_SNS_ENDPOINT / TRADEWATCH_SQS_ENDPOINT: likewise for SNS/SQS (`aws` for AWS)
 * - TRADEWATCH_TABLE: table name (default `tradewatch`)
 * - TRADEWATCH_WEBHOOK_URL, TRADEWATCH_WEBHOOK_SECRET: a webhook to sign and POST each alert to
 */
import { LOCAL_ENV } from '../config/environment.ts';
import { mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CreateTopicCommand, SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoClient, ensureTable, snsClient, sqsClient } from '../aws/clients.ts';
import { HEALTH_CHANGE_TYPE, type Subscriber, type TradewatchConfig } from '../config/config.ts';
import { subscriptionPolicyFor } from '../config/delivery.ts';
import { ConfigError } from '../core/errors.ts';
import type { FilterPolicy } from '../core/filter-policy.ts';
import { TradewatchStore } from '../aws/source-store.ts';
import { DeliveryReceipts } from './receipts.ts';
import { OPERATIONS, type DeliveryTarget } from './targets.ts';

export type { DeliveredAlert, DeliveryTarget } from './targets.ts';
import { lockStateFolder } from './state-lock.ts';
import { sourcesFor } from '../sources/registry.ts';
import type { WebhookTarget } from '../delivery/webhook.ts';
import { startDynalite, startMessaging } from './services.ts';
import { subscribeQueue } from './subscriptions.ts';

export interface LocalRuntimeOptions {
  /** State folder. @default process.env.TRADEWATCH_HOME ?? '.tradewatch' */
  home?: string;
  /** Keep DynamoDB state on disk under home. @default true */
  persist?: boolean;
  dynamoEndpoint?: string;
  snsEndpoint?: string;
  sqsEndpoint?: string;
  tableName?: string;
  webhook?: WebhookTarget;
  /**
   * The configuration (loadConfig). Its subscribers and operations recipients get their own queues
   * and outputs. @default undefined (every alert to the terminal and alerts.jsonl)
   */
  config?: TradewatchConfig;
  /** Where `secret.env` and TRADEWATCH_SECRET_<ID> are read. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** When local dead letters are due. @default the system clock */
  clock?: () => Date;
  /**
   * Show every change event on the terminal even though subscribers are configured (the demo,
   * which adds a subscriber of its own to show a publication). @default only without subscribers
   */
  showEveryAlert?: boolean;
}

export interface SubscriberQueue {
  /** The subscriber id, or `operations`. */
  id: string;
  queueUrl: string;
  /** The subscriber's SNS filter policy (filterPolicyFor), which the delivery applies in full. */
  policy: FilterPolicy;
  targets: DeliveryTarget[];
}

export interface LocalRuntime {
  home: string;
  dynamo: DynamoDBClient;
  sns: SNSClient;
  sqs: SQSClient;
  store: TradewatchStore;
  /** Local consumers' delivery receipts (exactly-once delivery). */
  receipts: DeliveryReceipts;
  /** The clock local dead letters are scheduled by. */
  clock: () => Date;
  tableName: string;
  alertsTopicArn: string;
  operationsTopicArn: string;
  deliveryQueueUrl: string;
  alertsFile: string;
  webhook?: WebhookTarget;
  /** The configuration the runtime was started with (its subscribers' keywords feed publishPending). */
  config?: TradewatchConfig;
  /** One queue per configured subscriber, then the operations recipients' (empty without a config). */
  subscriberQueues: SubscriberQueue[];
  /** `<home>/outbox`: the email and SMS files of the configured subscribers. */
  outboxDir: string;
  /** See LocalRuntimeOptions.showEveryAlert. */
  showEveryAlert: boolean;
  /** What the embedded servers are ("embedded dynalite", "DynamoDB at http://...", ...). */
  description: string;
  stop(): Promise<void>;
}

function endpointOption(value: string | undefined): { endpoint?: string } {
  return value && value !== 'aws' ? { endpoint: value } : {};
}

export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const home = resolve(options.home ?? process.env[LOCAL_ENV.home] ?? '.tradewatch');
  await mkdir(home, { recursive: true });
  const stops: (() => Promise<void>)[] = [await lockStateFolder(home)];
  const parts: string[] = [];
  let statePersisted = false;
  try {
    let dynamoEndpoint = options.dynamoEndpoint ?? process.env[LOCAL_ENV.dynamoEndpoint];
    if (!dynamoEndpoint) {
      const persist = options.persist ?? true;
      statePersisted = persist && existsSync(join(home, 'dynamodb'));
      const dynalite = await startDynalite(persist ? join(home, 'dynamodb') : undefined);
      stops.push(dynalite.stop);
      dynamoEndpoint = dynalite.endpoint;
      parts.push(
        persist
          ? `embedded DynamoDB (dynalite, state in ${join(home, 'dynamodb')})`
          : 'embedded DynamoDB (dynalite, in memory)',
      );
    } else parts.push(`DynamoDB at ${dynamoEndpoint}`);

    let snsEndpoint = options.snsEndpoint ?? process.env[LOCAL_ENV.snsEndpoint];
    let sqsEndpoint = options.sqsEndpoint ?? process.env[LOCAL_ENV.sqsEndpoint] ?? snsEndpoint;
    if (!snsEndpoint) {
      const messaging = await startMessaging();
      stops.push(messaging.stop);
      snsEndpoint = messaging.endpoint;
      sqsEndpoint = messaging.endpoint;
      parts.push('embedded SNS/SQS (fauxqs)');
    } else parts.push(`SNS at ${snsEndpoint}`);

    const tableName = options.tableName ?? process.env[LOCAL_ENV.table] ?? 'tradewatch';
    const dynamo = dynamoClient(endpointOption(dynamoEndpoint));
    const sns = snsClient(endpointOption(snsEndpoint));
    const sqs = sqsClient(endpointOption(sqsEndpoint));
    await ensureTable(dynamo, tableName);
    const store = new TradewatchStore(dynamo, tableName);
    // Under the folder's lock, a lease found in the persisted state belongs to a process that died
    // holding it (killed mid-run): no other process can be running, so it is released at once.
    if (statePersisted) for (const source of sourcesFor(options.config)) await store.breakLease(source.id);
    const alertsTopicArn = (await sns.send(new CreateTopicCommand({ Name: 'tradewatch-alerts' }))).TopicArn!;
    const operationsTopicArn = (await sns.send(new CreateTopicCommand({ Name: 'tradewatch-operations' }))).TopicArn!;
    const deliveryQueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'tradewatch-local-delivery' })))
      .QueueUrl!;
    const queueArn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: deliveryQueueUrl, AttributeNames: ['QueueArn'] }))
    ).Attributes!.QueueArn!;
    for (const topicArn of [alertsTopicArn, operationsTopicArn]) {
      await sns.send(
        new SubscribeCommand({
          TopicArn: topicArn,
          Protocol: 'sqs',
          Endpoint: queueArn,
          Attributes: { RawMessageDelivery: 'true' },
        }),
      );
    }
    const webhookUrl = process.env[LOCAL_ENV.webhookUrl];
    const webhook = options.webhook ?? (webhookUrl ? { url: webhookUrl, secret: requireSecret() } : undefined);
    const outboxDir = join(home, 'outbox');
    const subscriberQueues = options.config
      ? await createSubscriberQueues(options.config, {
          sns,
          sqs,
          alertsTopicArn,
          operationsTopicArn,
          outboxDir,
          env: options.env ?? process.env,
        })
      : [];
    if (subscriberQueues.length) await mkdir(outboxDir, { recursive: true });
    const runtime: LocalRuntime = {
      home,
      dynamo,
      sns,
      sqs,
      store,
      receipts: new DeliveryReceipts({ client: dynamo, tableName }),
      clock: options.clock ?? (() => new Date()),
      tableName,
      alertsTopicArn,
      operationsTopicArn,
      deliveryQueueUrl,
      alertsFile: join(home, 'alerts.jsonl'),
      subscriberQueues,
      outboxDir,
      showEveryAlert: options.showEveryAlert ?? false,
      description: parts.join(', '),
      stop: async () => {
        dynamo.destroy();
        sns.destroy();
        sqs.destroy();
        for (const stop of stops.reverse()) await stop();
      },
    };
    if (webhook) runtime.webhook = webhook;
    if (options.config) runtime.config = options.config;
    return runtime;
  } catch (error) {
    for (const stop of stops.reverse()) await stop();
    throw error;
  }
}

function requireSecret(): string {
  const secret = process.env[LOCAL_ENV.webhookSecret];
  if (!secret) throw new Error('config: TRADEWATCH_WEBHOOK_URL is set but TRADEWATCH_WEBHOOK_SECRET is not');
  return secret;
}

interface SubscriberQueueContext {
  sns: SNSClient;
  sqs: SQSClient;
  alertsTopicArn: string;
  operationsTopicArn: string;
  outboxDir: string;
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * One queue per subscriber on the alerts topic (and the operations topic with includeHealth), with
 * its filter policy; then one for the operations recipients, which takes every health event. Every
 * webhook secret is resolved first, so a missing one stops the run before anything is polled.
 */
async function createSubscriberQueues(
  config: TradewatchConfig,
  context: SubscriberQueueContext,
): Promise<SubscriberQueue[]> {
  const plans = config.subscribers.map((subscriber, index) => ({
    id: subscriber.id,
    policy: subscriptionPolicyFor(subscriber),
    topicArns: subscriber.filters.includeHealth
      ? [context.alertsTopicArn, context.operationsTopicArn]
      : [context.alertsTopicArn],
    targets: [subscriberTarget(subscriber, index, context)],
  }));
  const operationsTargets: DeliveryTarget[] = [];
  if (config.operations?.email)
    operationsTargets.push({
      channel: 'email',
      to: config.operations.email,
      file: join(context.outboxDir, `${OPERATIONS}.email.txt`),
    });
  if (config.operations?.sms)
    operationsTargets.push({
      channel: 'sms',
      to: config.operations.sms,
      file: join(context.outboxDir, `${OPERATIONS}.sms.txt`),
    });
  // Health events go to the operations topic, or to the alerts topic when a run has no operations topic.
  if (operationsTargets.length)
    plans.push({
      id: OPERATIONS,
      policy: { changeType: [HEALTH_CHANGE_TYPE] },
      topicArns: [context.alertsTopicArn, context.operationsTopicArn],
      targets: operationsTargets,
    });

  const queues: SubscriberQueue[] = [];
  for (const plan of plans) {
    const queueName = plan.id === OPERATIONS ? 'tradewatch-operations-delivery' : `tradewatch-sub-${plan.id}`;
    const queueUrl = await subscribeQueue(context.sns, context.sqs, {
      queueName,
      topicArns: plan.topicArns,
      policy: plan.policy,
    });
    queues.push({ id: plan.id, queueUrl, policy: plan.policy, targets: plan.targets });
  }
  return queues;
}

function subscriberTarget(subscriber: Subscriber, index: number, context: SubscriberQueueContext): DeliveryTarget {
  const { channel } = subscriber;
  switch (channel.type) {
    case 'email':
      return { channel: 'email', to: channel.address, file: join(context.outboxDir, `${subscriber.id}.email.txt`) };
    case 'sms':
      return { channel: 'sms', to: channel.phoneNumber, file: join(context.outboxDir, `${subscriber.id}.sms.txt`) };
    case 'webhook':
      return {
        channel: 'webhook',
        to: channel.url,
        webhook: {
          url: channel.url,
          secret: localWebhookSecret(subscriber, index, context.env),
          allowPrivateHosts: channel.allowPrivateHosts,
        },
      };
  }
}

/** TRADEWATCH_SECRET_<ID>: `cn-entity-list` reads TRADEWATCH_SECRET_CN_ENTITY_LIST. */
export function localSecretVariable(subscriberId: string): string {
  return `TRADEWATCH_SECRET_${subscriberId.toUpperCase().replace(/-/g, '_')}`;
}

/**
 * A webhook's signing secret in local mode: the environment variable `secret.env` names; for a
 * Secrets Manager or SSM secret, which local mode does not read, TRADEWATCH_SECRET_<ID>.
 */
export function localWebhookSecret(
  subscriber: Subscriber,
  index: number,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  if (subscriber.channel.type !== 'webhook') throw new Error(`subscriber "${subscriber.id}" is not a webhook`);
  const secret = subscriber.channel.secret;
  const path = `subscribers[${index}].channel.secret`;
  if ('env' in secret) {
    const value = env[secret.env];
    if (!value)
      throw ConfigError.fromIssues([{ path: `${path}.env`, message: `environment variable ${secret.env} is not set` }]);
    return value;
  }
  const override = env[localSecretVariable(subscriber.id)];
  if (override) return override;
  const [key, what] =
    'secretsManagerSecret' in secret
      ? ['secretsManagerSecret', 'a Secrets Manager secret']
      : ['ssmParameter', 'an SSM parameter'];
  throw ConfigError.fromIssues([
    {
      path: `${path}.${key}`,
      message: `${what} is not read in local mode; set ${localSecretVariable(subscriber.id)} to the signing secret, or use { "env": "<VARIABLE>" }`,
    },
  ]);
}
