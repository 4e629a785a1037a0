/**
 * Local mode: the same pipeline on one machine. Starts the embedded servers (unless endpoints are
 * configured), creates the table, topics and a delivery queue the way the stack does, and delivers
 * alerts to the terminal, a CloudEvents JSON-lines file and, when configured, a signed webhook.
 *
 * Configuration (environment):
 * - TRADEWATCH_HOME: state folder (default `.tradewatch` in the working directory)
 * - TRADEWATCH_DYNAMODB_ENDPOINT: use this DynamoDB (e.g. DynamoDB Local) instead of embedded dynalite;
 *   set it to `aws` to use AWS itself with the default credential chain
 * - TRADEWATCH_SNS_ENDPOINT / TRADEWATCH_SQS_ENDPOINT: likewise for SNS/SQS (`aws` for AWS)
 * - TRADEWATCH_TABLE: table name (default `tradewatch`)
 * - TRADEWATCH_WEBHOOK_URL, TRADEWATCH_WEBHOOK_SECRET: a webhook to sign and POST each alert to
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CreateTopicCommand, SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoClient, ensureTable, snsClient, sqsClient } from '../aws-clients.ts';
import type { TradewatchEvent } from '../events.ts';
import { decodeDelivered } from '../publish.ts';
import { TradewatchStore } from '../store.ts';
import { deliverWebhook, type WebhookTarget } from '../webhook.ts';
import { startDynalite, startMessaging } from './services.ts';

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
}

export interface LocalRuntime {
  home: string;
  dynamo: DynamoDBClient;
  sns: SNSClient;
  sqs: SQSClient;
  store: TradewatchStore;
  tableName: string;
  alertsTopicArn: string;
  operationsTopicArn: string;
  deliveryQueueUrl: string;
  alertsFile: string;
  webhook?: WebhookTarget;
  /** What the embedded servers are ("embedded dynalite", "DynamoDB at http://...", ...). */
  description: string;
  stop(): Promise<void>;
}

function endpointOption(value: string | undefined): { endpoint?: string } {
  return value && value !== 'aws' ? { endpoint: value } : {};
}

export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const home = resolve(options.home ?? process.env.TRADEWATCH_HOME ?? '.tradewatch');
  await mkdir(home, { recursive: true });
  const stops: (() => Promise<void>)[] = [];
  const parts: string[] = [];
  try {
    let dynamoEndpoint = options.dynamoEndpoint ?? process.env.TRADEWATCH_DYNAMODB_ENDPOINT;
    if (!dynamoEndpoint) {
      const persist = options.persist ?? true;
      const dynalite = await startDynalite(persist ? join(home, 'dynamodb') : undefined);
      stops.push(dynalite.stop);
      dynamoEndpoint = dynalite.endpoint;
      parts.push(persist ? `embedded DynamoDB (dynalite, state in ${join(home, 'dynamodb')})` : 'embedded DynamoDB (dynalite, in memory)');
    } else parts.push(`DynamoDB at ${dynamoEndpoint}`);

    let snsEndpoint = options.snsEndpoint ?? process.env.TRADEWATCH_SNS_ENDPOINT;
    let sqsEndpoint = options.sqsEndpoint ?? process.env.TRADEWATCH_SQS_ENDPOINT ?? snsEndpoint;
    if (!snsEndpoint) {
      const messaging = await startMessaging();
      stops.push(messaging.stop);
      snsEndpoint = messaging.endpoint;
      sqsEndpoint = messaging.endpoint;
      parts.push('embedded SNS/SQS (fauxqs)');
    } else parts.push(`SNS at ${snsEndpoint}`);

    const tableName = options.tableName ?? process.env.TRADEWATCH_TABLE ?? 'tradewatch';
    const dynamo = dynamoClient(endpointOption(dynamoEndpoint));
    const sns = snsClient(endpointOption(snsEndpoint));
    const sqs = sqsClient(endpointOption(sqsEndpoint));
    await ensureTable(dynamo, tableName);
    const alertsTopicArn = (await sns.send(new CreateTopicCommand({ Name: 'tradewatch-alerts' }))).TopicArn!;
    const operationsTopicArn = (await sns.send(new CreateTopicCommand({ Name: 'tradewatch-operations' }))).TopicArn!;
    const deliveryQueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'tradewatch-local-delivery' }))).QueueUrl!;
    const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: deliveryQueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    for (const topicArn of [alertsTopicArn, operationsTopicArn]) {
      await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn, Attributes: { RawMessageDelivery: 'true' } }));
    }
    const webhookUrl = process.env.TRADEWATCH_WEBHOOK_URL;
    const webhook = options.webhook ?? (webhookUrl ? { url: webhookUrl, secret: requireSecret() } : undefined);
    const runtime: LocalRuntime = {
      home,
      dynamo,
      sns,
      sqs,
      store: new TradewatchStore(dynamo, tableName),
      tableName,
      alertsTopicArn,
      operationsTopicArn,
      deliveryQueueUrl,
      alertsFile: join(home, 'alerts.jsonl'),
      description: parts.join(', '),
      stop: async () => {
        dynamo.destroy();
        sns.destroy();
        sqs.destroy();
        for (const stop of stops.reverse()) await stop();
      },
    };
    if (webhook) runtime.webhook = webhook;
    return runtime;
  } catch (error) {
    for (const stop of stops.reverse()) await stop();
    throw error;
  }
}

function requireSecret(): string {
  const secret = process.env.TRADEWATCH_WEBHOOK_SECRET;
  if (!secret) throw new Error('config: TRADEWATCH_WEBHOOK_URL is set but TRADEWATCH_WEBHOOK_SECRET is not');
  return secret;
}

export interface DeliveredAlert {
  event: TradewatchEvent;
  webhook?: { delivered: boolean; attempts: number; error?: string };
}

/**
 * Drains the local delivery queue: each alert is delivered once (a receipt per event id in the
 * table makes SNS's at-least-once delivery exactly-once here), appended to the JSON-lines file,
 * POSTed to the webhook if one is set, then passed to `show`.
 */
export async function deliverQueued(runtime: LocalRuntime, show: (alert: DeliveredAlert) => void): Promise<DeliveredAlert[]> {
  const delivered: DeliveredAlert[] = [];
  for (;;) {
    const { Messages = [] } = await runtime.sqs.send(new ReceiveMessageCommand({ QueueUrl: runtime.deliveryQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageAttributeNames: ['All'] }));
    if (Messages.length === 0) break;
    for (const message of Messages) {
      const event = decodeDelivered(message.Body ?? '');
      if (!(await runtime.store.claimDelivery('local', event.id, new Date()))) continue;
      const alert: DeliveredAlert = { event };
      try {
        await appendFile(runtime.alertsFile, `${JSON.stringify(event)}\n`);
        if (runtime.webhook) {
          const result = await deliverWebhook(runtime.webhook, event.id, JSON.stringify(event));
          alert.webhook = { delivered: result.delivered, attempts: result.attempts };
          if (result.error) alert.webhook.error = result.error;
        }
      } catch (error) {
        await runtime.store.releaseDelivery('local', event.id);
        throw error;
      }
      delivered.push(alert);
      show(alert);
    }
    await runtime.sqs.send(
      new DeleteMessageBatchCommand({ QueueUrl: runtime.deliveryQueueUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }),
    );
  }
  return delivered;
}
