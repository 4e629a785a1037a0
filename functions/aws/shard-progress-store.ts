/**
 * The progress of a sharded initial screening (functions/watchlist/shard-plan.ts), one item per
 * source, subscriber and watchlist version beside the source's state: how many shards were sent,
 * and the set of shards done. A shard is added to the set conditionally (not already in it), so a
 * message delivered twice counts once, and exactly one note completes the set; that note alone
 * marks `screened:<subscriber>` on the source's META, conditionally again.
 *
 * The item expires (TTL) after the dead-letter queue's retention: a fan-out whose failed shards
 * were never redriven is then sent again by the next poll, instead of waiting forever.
 */
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { ShardMessage, ShardProgressStore } from '../watchlist/shard-plan.ts';
import { N, S, TTL_ATTRIBUTE, setScreened, shardProgressSk, sourcePk, type TableRef } from './table.ts';

/** As long as a failed shard's message is kept in the dead-letter queue (infra: 14 days). */
const PROGRESS_DAYS = 14;

export class DynamoShardProgressStore implements ShardProgressStore, TableRef {
  constructor(
    readonly client: DynamoDBClient,
    readonly tableName: string,
  ) {}

  private key(sourceId: string, subscriberId: string, version: string) {
    return { pk: S(sourcePk(sourceId)), sk: S(shardProgressSk(subscriberId, version)) };
  }

  async fanOutSent(sourceId: string, subscriberId: string, version: string): Promise<boolean> {
    const { Item } = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: this.key(sourceId, subscriberId, version),
        ConsistentRead: true,
        ProjectionExpression: 'sentAt',
      }),
    );
    return Item?.sentAt !== undefined;
  }

  async noteFanOut(
    sourceId: string,
    subscriberId: string,
    version: string,
    shards: number,
    now: string,
  ): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: this.key(sourceId, subscriberId, version),
        UpdateExpression: 'SET sentAt = :now, shards = :shards, #ttl = :ttl',
        ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: {
          ':now': S(now),
          ':shards': N(shards),
          ':ttl': N(Math.floor(Date.parse(now) / 1000) + PROGRESS_DAYS * 86400),
        },
      }),
    );
  }

  async isShardDone(message: ShardMessage): Promise<boolean> {
    const { Item } = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: this.key(message.sourceId, message.subscriberId, message.version),
        ConsistentRead: true,
        ProjectionExpression: 'done',
      }),
    );
    return Item?.done?.NS?.includes(String(message.shard)) ?? false;
  }

  async noteShardDone(message: ShardMessage, now: string): Promise<'duplicate' | 'partial' | 'complete'> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: this.key(message.sourceId, message.subscriberId, message.version),
          UpdateExpression: 'ADD done :shardSet SET lastDoneAt = :now',
          ConditionExpression: 'attribute_not_exists(done) OR NOT contains(done, :shard)',
          ExpressionAttributeValues: {
            ':shardSet': { NS: [String(message.shard)] },
            ':shard': N(message.shard),
            ':now': S(now),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return (Attributes?.done?.NS?.length ?? 0) >= message.shards ? 'complete' : 'partial';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'duplicate';
      throw error;
    }
  }

  markScreenedOnce(sourceId: string, subscriberId: string, version: string): Promise<boolean> {
    return setScreened(this, sourceId, subscriberId, version, true);
  }
}
