/**
 * Local delivery receipts: what a local consumer has delivered, item `DLV#<channel>` / `<eventId>`
 * (TTL). Local mode has no queue that outlives the process (the embedded SQS is in memory), so an
 * event counts as delivered only once its output is written, and the receipt is what makes a
 * re-run after a crash deliver each alert exactly once:
 *
 *  - `writing`: the output is being written; for a file, from `offset`. A re-run finding it cuts the
 *    file back to `offset` and writes again, so a half-written (or written but unconfirmed) alert
 *    appears once.
 *  - `done`: written (a file appended and synced, a webhook acknowledged).
 *  - `failed`: a webhook that exhausted its retries; the event is kept in the receipt (the local
 *    dead letter) and retried by later runs from `retryAt` on, honouring a long Retry-After.
 *
 * Runs on one state folder never overlap (state-lock.ts), so no write here needs a condition.
 */
import { PutItemCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { N, S, TTL_ATTRIBUTE, deliveryPk, num, queryAll, str, type Item, type TableRef } from '../aws/table.ts';

export type Receipt =
  | { status: 'writing'; file?: string; offset?: number }
  | { status: 'done' }
  | { status: 'failed'; retryAt: string; attempts: number; body: string; error: string };

export interface DeliveryReceiptsOptions {
  /** Days a receipt is kept (TTL). @default 30 */
  receiptDays?: number;
}

export class DeliveryReceipts {
  private readonly receiptDays: number;

  constructor(
    private readonly table: TableRef,
    options: DeliveryReceiptsOptions = {},
  ) {
    this.receiptDays = options.receiptDays ?? 30;
  }

  async get(channel: string, eventId: string): Promise<Receipt | undefined> {
    const { Item } = await this.table.client.send(
      new GetItemCommand({
        TableName: this.table.tableName,
        Key: { pk: S(deliveryPk(channel)), sk: S(eventId) },
        ConsistentRead: true,
      }),
    );
    return Item ? decodeReceipt(Item) : undefined;
  }

  async put(channel: string, eventId: string, receipt: Receipt, now = new Date()): Promise<void> {
    const item: Item = {
      pk: S(deliveryPk(channel)),
      sk: S(eventId),
      status: S(receipt.status),
      at: S(now.toISOString()),
      [TTL_ATTRIBUTE]: N(Math.floor(now.getTime() / 1000) + this.receiptDays * 86400),
    };
    if (receipt.status === 'writing') {
      if (receipt.file !== undefined) item.file = S(receipt.file);
      if (receipt.offset !== undefined) item.offset = N(receipt.offset);
    }
    if (receipt.status === 'failed') {
      item.retryAt = S(receipt.retryAt);
      item.attempts = N(receipt.attempts);
      item.body = S(receipt.body);
      item.error = S(receipt.error);
    }
    await this.table.client.send(new PutItemCommand({ TableName: this.table.tableName, Item: item }));
  }

  /** The channel's dead letters whose retry time has come. */
  async dueFailures(channel: string, now: Date): Promise<{ eventId: string; body: string; attempts: number }[]> {
    const due: { eventId: string; body: string; attempts: number }[] = [];
    for await (const item of queryAll(this.table, {
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: '#status = :failed AND retryAt <= :now',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':pk': S(deliveryPk(channel)),
        ':failed': S('failed'),
        ':now': S(now.toISOString()),
      },
    }))
      due.push({ eventId: str(item, 'sk')!, body: str(item, 'body') ?? '', attempts: num(item, 'attempts') ?? 0 });
    return due;
  }
}

function decodeReceipt(item: Item): Receipt {
  const status = str(item, 'status');
  if (status === 'failed')
    return {
      status,
      retryAt: str(item, 'retryAt') ?? '',
      attempts: num(item, 'attempts') ?? 0,
      body: str(item, 'body') ?? '',
      error: str(item, 'error') ?? '',
    };
  if (status === 'writing') {
    const receipt: Receipt = { status };
    const file = str(item, 'file');
    const offset = num(item, 'offset');
    if (file !== undefined) receipt.file = file;
    if (offset !== undefined) receipt.offset = offset;
    return receipt;
  }
  // Receipts written before the statuses existed were claims of delivered events.
  return { status: 'done' };
}
