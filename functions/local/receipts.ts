/**
 * Local delivery receipts: a local consumer's idempotency record, item `DLV#<channel>` / `<eventId>`
 * (TTL). SNS and SQS deliver at least once; claiming the event id first makes a delivery happen once.
 * On AWS the webhook receiver's `webhook-id` plays this part, so only local mode writes these.
 */
import { ConditionalCheckFailedException, DeleteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { N, S, TTL_ATTRIBUTE, deliveryPk, type TableRef } from '../aws/table.ts';

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

  /** True the first time `eventId` is claimed on `channel`, false after. */
  async claim(channel: string, eventId: string, now: Date): Promise<boolean> {
    try {
      await this.table.client.send(
        new PutItemCommand({
          TableName: this.table.tableName,
          Item: {
            pk: S(deliveryPk(channel)),
            sk: S(eventId),
            at: S(now.toISOString()),
            [TTL_ATTRIBUTE]: N(Math.floor(now.getTime() / 1000) + this.receiptDays * 86400),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Releases a claim whose delivery failed, so a retry may deliver it. */
  async release(channel: string, eventId: string): Promise<void> {
    await this.table.client.send(
      new DeleteItemCommand({ TableName: this.table.tableName, Key: { pk: S(deliveryPk(channel)), sk: S(eventId) } }),
    );
  }
}
