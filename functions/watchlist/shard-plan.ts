/**
 * The initial screening of a large watchlist, sharded: when the stored records of a source cannot
 * all be screened against a newly imported watchlist within one function's time, they are split in
 * shards by a hash of the record id (every record in exactly one shard, whatever the order the
 * table returns them in), each screened by its own worker through the watchlist's compact index.
 * A hit event's id is deterministic (the record, its content hash, the subscriber, the entries), so
 * a retried shard's events meet the conditional puts of the first try and nothing is alerted twice.
 *
 * The plan is sized from measured throughput (bench/million.ts): records per shard so that one
 * shard ends well within the function's limit. Locally, one process screens everything (there is
 * no limit to fit).
 */
import { createHash } from 'node:crypto';

/** A function's limit is 15 minutes; a shard is sized to end in a third of it (cold start, a slow day). */
export const SHARD_BUDGET_MS = 5 * 60 * 1000;

/** Memory of a screening worker: the index and a batch's candidates fit with room (bench/million.ts). */
export const WORKER_MEMORY_MB = 1024;

export interface ShardPlan {
  shards: number;
  recordsPerShard: number;
  msPerShard: number;
  memoryMb: number;
}

/** How many shards screen `records` records at `msPerRecord` (plus reading the index once per shard). */
export function planShards(input: { records: number; msPerRecord: number; indexMs: number }): ShardPlan {
  const perShard = Math.max(1, Math.floor((SHARD_BUDGET_MS - input.indexMs) / Math.max(input.msPerRecord, 1e-6)));
  const shards = Math.max(1, Math.ceil(input.records / perShard));
  const recordsPerShard = Math.ceil(input.records / shards);
  return {
    shards,
    recordsPerShard,
    msPerShard: input.indexMs + recordsPerShard * input.msPerRecord,
    memoryMb: WORKER_MEMORY_MB,
  };
}

/** Whether a record belongs to a shard: a hash of its id, so each record is in exactly one. */
export function inShard(recordId: string, shard: number, shards: number): boolean {
  if (shards <= 1) return true;
  return createHash('sha256').update(recordId).digest().readUInt32BE(0) % shards === shard;
}

/**
 * AWS's published prices (us-east-1, on-demand, as of 2025): Lambda $0.0000166667 per GB-second and
 * $0.20 per million requests; SQS $0.40 per million requests; DynamoDB on-demand $0.125 per million
 * read request units (4 KB, strongly consistent) and $0.625 per million write request units.
 */
export const PRICES = {
  lambdaGbSecond: 0.0000166667,
  lambdaRequest: 0.2 / 1e6,
  sqsRequest: 0.4 / 1e6,
  dynamoRead: 0.125 / 1e6,
  dynamoWrite: 0.625 / 1e6,
} as const;

/** The cost of one sharded initial screening, each line written out. */
export function shardCost(
  plan: ShardPlan,
  usage: { memoryMb: number; indexBytes: number; blocksPerShard: number; records: number },
): { lines: string[]; total: number } {
  const gbSeconds = plan.shards * (plan.msPerShard / 1000) * (usage.memoryMb / 1024);
  const lambda = gbSeconds * PRICES.lambdaGbSecond + plan.shards * PRICES.lambdaRequest;
  // Per shard: one message sent, received and deleted; one done-marker write.
  const sqs = plan.shards * 3 * PRICES.sqsRequest;
  // Per shard: the index (4 KB units), its candidate blocks (under 300 KB each) and the source's
  // records (a query, about 2 KB a record; every shard reads them all and keeps its own).
  const readUnits =
    plan.shards *
    (Math.ceil(usage.indexBytes / 4096) + usage.blocksPerShard * 75 + Math.ceil((usage.records * 2048) / 4096));
  const dynamo = readUnits * PRICES.dynamoRead + plan.shards * PRICES.dynamoWrite;
  return {
    lines: [
      `Lambda ${gbSeconds.toFixed(0)} GB-s $${lambda.toFixed(4)}`,
      `SQS ${plan.shards * 3} requests $${sqs.toFixed(6)}`,
      `DynamoDB ${readUnits.toLocaleString('en-US')} RRU $${dynamo.toFixed(4)}`,
    ],
    total: lambda + sqs + dynamo,
  };
}
