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
 *
 * On AWS a poller whose initial screening is estimated to take longer than INLINE_BUDGET_MS sends
 * one message per shard (ShardMessage) to a queue instead (ShardDispatcher); a worker screens each
 * shard and notes it done (ShardProgressStore), and the worker that completes the set notes the
 * source screened against the version, once (functions/run/watchlist-step.ts).
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

/**
 * How many shards screen `records` records at `msPerRecord` (plus reading the index once per shard),
 * each within `budgetMs` (@default SHARD_BUDGET_MS).
 */
export function planShards(input: {
  records: number;
  msPerRecord: number;
  indexMs: number;
  budgetMs?: number;
}): ShardPlan {
  const budget = input.budgetMs ?? SHARD_BUDGET_MS;
  const perShard = Math.max(1, Math.floor((budget - input.indexMs) / Math.max(input.msPerRecord, 1e-6)));
  const shards = Math.max(1, Math.ceil(input.records / perShard));
  const recordsPerShard = Math.ceil(input.records / shards);
  return {
    shards,
    recordsPerShard,
    msPerShard: input.indexMs + recordsPerShard * input.msPerRecord,
    memoryMb: WORKER_MEMORY_MB,
  };
}

/**
 * What a poller may spend on the initial screening itself: its own 5-minute limit also holds the
 * download, the parse, the diff and the publishing, so a screening estimated longer is sharded.
 */
export const INLINE_BUDGET_MS = 90 * 1000;

/**
 * Measured throughput of the initial screening, one core of the bench machine (README, "Large
 * watchlists"): the SDN list's 14,965 records against 50,000 entries in 65.2 s (a record's cost grows
 * with the entries its words share, so about in proportion to the entries), and the compact index of a
 * million entries read in 3.2 s. A Lambda of WORKER_MEMORY_MB has about 0.6 of a vCPU (a full
 * one at 1,769 MB), hence LAMBDA_SLOWDOWN.
 */
export const SCREENING_RATE = {
  msPerRecordPerThousandEntries: 65_200 / 14_965 / 50,
  indexMsPerThousandEntries: 3_200 / 1_000,
  /** Preparing a watchlist loaded whole (under 50,000 entries) or a run's fixed costs. */
  fixedMs: 1_000,
} as const;
export const LAMBDA_SLOWDOWN = 1769 / WORKER_MEMORY_MB;

/** The estimated time, on a worker, to screen `records` stored records against a watchlist of `entries`. */
export function estimateScreening(input: { records: number; entries: number }): {
  msPerRecord: number;
  indexMs: number;
  totalMs: number;
} {
  const thousands = input.entries / 1000;
  const msPerRecord = SCREENING_RATE.msPerRecordPerThousandEntries * thousands * LAMBDA_SLOWDOWN;
  const indexMs = (SCREENING_RATE.fixedMs + SCREENING_RATE.indexMsPerThousandEntries * thousands) * LAMBDA_SLOWDOWN;
  return { msPerRecord, indexMs, totalMs: indexMs + input.records * msPerRecord };
}

/** One shard of the initial screening of a source's stored records against one watchlist version. */
export interface ShardMessage {
  sourceId: string;
  subscriberId: string;
  /** The watchlist version the shard screens against; a message for a replaced version is obsolete. */
  version: string;
  shard: number;
  shards: number;
}

/** The messages of one fan-out, one per shard. */
export function shardMessages(target: Omit<ShardMessage, 'shard'>): ShardMessage[] {
  return Array.from({ length: target.shards }, (_, shard) => ({ ...target, shard }));
}

/** A queued message's body read back; anything else is refused, naming what is wrong. */
export function parseShardMessage(body: string): ShardMessage {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw new Error(`screen-shard: message body is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const message = value as Partial<Record<keyof ShardMessage, unknown>> | null;
  const problems: string[] = [];
  for (const key of ['sourceId', 'subscriberId', 'version'] as const)
    if (typeof message?.[key] !== 'string' || !message[key]) problems.push(`${key} is not a non-empty string`);
  const shards = message?.shards;
  const shard = message?.shard;
  if (!Number.isInteger(shards) || (shards as number) < 1) problems.push('shards is not a positive integer');
  else if (!Number.isInteger(shard) || (shard as number) < 0 || (shard as number) >= (shards as number))
    problems.push(`shard is not an integer from 0 to ${(shards as number) - 1}`);
  if (problems.length) throw new Error(`screen-shard: message ${body.slice(0, 200)}: ${problems.join('; ')}`);
  return message as ShardMessage;
}

/** Sends a fan-out's messages (an SQS queue on AWS). */
export interface ShardDispatcher {
  send(messages: readonly ShardMessage[]): Promise<void>;
}

/** Which shards of a (source, subscriber, version) are done, kept beside the source's state. */
export interface ShardProgressStore {
  /** Whether a fan-out was sent for this version (so the next poll does not send it again). */
  fanOutSent(sourceId: string, subscriberId: string, version: string): Promise<boolean>;
  noteFanOut(sourceId: string, subscriberId: string, version: string, shards: number, now: string): Promise<void>;
  /** Whether this shard was noted done (a message delivered twice is not screened twice). */
  isShardDone(message: ShardMessage): Promise<boolean>;
  /**
   * Notes the shard done, conditionally: `duplicate` when it already was, `complete` when this
   * note completed the set (only one note can), `partial` otherwise.
   */
  noteShardDone(message: ShardMessage, now: string): Promise<'duplicate' | 'partial' | 'complete'>;
  /** Sets `screened:<subscriber>` = version on the source, unless already so; true when this call set it. */
  markScreenedOnce(sourceId: string, subscriberId: string, version: string): Promise<boolean>;
}

/** How a deployed poller shards an initial screening that does not fit its own time (none locally). */
export interface InitialScreeningSharding {
  dispatcher: ShardDispatcher;
  progress: ShardProgressStore;
  /** @default INLINE_BUDGET_MS */
  inlineBudgetMs?: number;
  /** @default SHARD_BUDGET_MS */
  shardBudgetMs?: number;
  /** The estimate of a screening's time. @default estimateScreening */
  estimate?: typeof estimateScreening;
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
