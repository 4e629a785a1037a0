/**
 * Real servers on loopback for integration tests: dynalite (or DynamoDB Local when
 * TRADEWATCH_TEST_DYNAMODB_ENDPOINT is set) and fauxqs, through the real AWS SDK clients.
 */
import { randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  DeleteMessageBatchCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { CreateTopicCommand, SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { countRequests, dynamoClient, ensureTable, snsClient, sqsClient } from '../../functions/aws/clients.ts';
import { startDynalite, startMessaging } from '../../functions/local/services.ts';
import { TradewatchStore } from '../../functions/aws/source-store.ts';
import type { PipelineDeps } from '../../functions/run/ports.ts';
import { snsPublisher } from '../../functions/delivery/sns-publisher.ts';

export interface TestStack {
  deps: PipelineDeps;
  store: TradewatchStore;
  /** The SNS client the publisher sends with (a test may inject a fault into it). */
  sns: SNSClient;
  dynamoRequests: Map<string, number>;
  queueUrl: string;
  dynamoEndpoint: string;
  /** Reads (and deletes) every message now in the subscribed queue. */
  drainQueue(): Promise<Message[]>;
  stop(): Promise<void>;
}

export const dynamoBackend = process.env.TRADEWATCH_TEST_DYNAMODB_ENDPOINT
  ? `DynamoDB Local at ${process.env.TRADEWATCH_TEST_DYNAMODB_ENDPOINT}`
  : 'dynalite';

export async function startTestStack(): Promise<TestStack> {
  const external = process.env.TRADEWATCH_TEST_DYNAMODB_ENDPOINT;
  const dynalite = external ? undefined : await startDynalite();
  const messaging = await startMessaging();
  const dynamoEndpoint = external ?? dynalite!.endpoint;
  const dynamo = dynamoClient({ endpoint: dynamoEndpoint });
  const sns = snsClient({ endpoint: messaging.endpoint });
  const sqs = sqsClient({ endpoint: messaging.endpoint });
  const tableName = `tradewatch-test-${randomUUID().slice(0, 8)}`;
  await ensureTable(dynamo, tableName);
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'alerts' }))).TopicArn!;
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'alerts-subscriber' }))).QueueUrl!;
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] })))
    .Attributes!.QueueArn!;
  await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: queueArn,
      Attributes: { RawMessageDelivery: 'true' },
    }),
  );
  const dynamoRequests = countRequests(dynamo);
  const store = new TradewatchStore(dynamo, tableName);
  let tick = Date.parse('2026-01-01T00:00:00Z');
  return {
    deps: { store, publisher: snsPublisher({ sns, alertsTopicArn: topicArn }), clock: () => new Date((tick += 1000)) },
    store,
    sns,
    dynamoRequests,
    queueUrl,
    dynamoEndpoint,
    drainQueue: () => drainQueue(sqs, queueUrl),
    async stop() {
      dynamo.destroy();
      sns.destroy();
      sqs.destroy();
      await messaging.stop();
      await dynalite?.stop();
    },
  };
}

/** Receives and deletes every message a queue holds now, with their attributes. */
export async function drainQueue(sqs: SQSClient, queueUrl: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }),
    );
    if (!Messages.length) return all;
    all.push(...Messages);
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  }
}
