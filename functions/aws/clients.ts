/**
 * AWS SDK v3 clients for DynamoDB, SNS and SQS. The same code talks to AWS or to a compatible
 * server on loopback: only the endpoint (and dummy credentials there) differ.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { TABLE_INDEXES, TABLE_KEYS } from './table.ts';

export interface ClientOptions {
  /** e.g. http://127.0.0.1:8000 for DynamoDB Local; undefined for AWS. */
  endpoint?: string;
  region?: string;
}

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

function common(options: ClientOptions): {
  region: string;
  endpoint?: string;
  credentials?: typeof LOCAL_CREDENTIALS;
  maxAttempts: number;
} {
  const config: { region: string; endpoint?: string; credentials?: typeof LOCAL_CREDENTIALS; maxAttempts: number } = {
    region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
    maxAttempts: 4,
  };
  if (options.endpoint) {
    config.endpoint = options.endpoint;
    // A loopback emulator takes any credentials; never send real ones to it.
    if (/^https?:\/\/(127\.|localhost|\[::1\])/.test(options.endpoint)) config.credentials = LOCAL_CREDENTIALS;
  }
  return config;
}

export const dynamoClient = (options: ClientOptions = {}): DynamoDBClient => new DynamoDBClient(common(options));
export const snsClient = (options: ClientOptions = {}): SNSClient => new SNSClient(common(options));
export const sqsClient = (options: ClientOptions = {}): SQSClient => new SQSClient(common(options));

/** Counts requests by operation, for the bench and the cost tests. */
export function countRequests(client: DynamoDBClient): Map<string, number> {
  const counts = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = (context as { commandName?: string }).commandName?.replace(/Command$/, '') ?? 'unknown';
      counts.set(operation, (counts.get(operation) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'tradewatchRequestCounter' },
  );
  return counts;
}

/** Creates the table the stack would create (keys and indexes), unless it exists. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const index = (definition: { name: string; partitionKey: string; sortKey: string }) => ({
    IndexName: definition.name,
    KeySchema: [
      { AttributeName: definition.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: definition.sortKey, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'ALL' as const },
  });
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        TABLE_KEYS.partitionKey,
        TABLE_KEYS.sortKey,
        ...Object.values(TABLE_INDEXES).flatMap((i) => [i.partitionKey, i.sortKey]),
      ].map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
      KeySchema: [
        { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: Object.values(TABLE_INDEXES).map(index),
    }),
  );
  for (let i = 0; i < 100; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}
