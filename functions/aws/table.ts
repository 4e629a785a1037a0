/**
 * aws/ — the one owner of the DynamoDB table: this key layout, the codecs, a store per concern implementing run/ and watchlist/ ports.
 *
 * The single table's key layout and attribute codecs: every partition and sort key of the project
 * is spelled here and nowhere else. The CDK stack and the local runner create the table from the
 * same constants, so both get the same table.
 *
 * | pk              | sk                             | holds                                              |
 * |-----------------|--------------------------------|----------------------------------------------------|
 * | SRC#<source>    | META                           | sentinel (validators, content hash), count, health |
 * | SRC#<source>    | VERSIONS                       | short hashes of every version committed (replay)   |
 * | SRC#<source>    | TAIL                           | the last record ids of the version, in order       |
 * | SRC#<source>    | MAN#<nnn>                      | manifest bucket: record id → content hash          |
 * | SRC#<source>    | REC#<recordId>                 | content hash and normalized record                 |
 * | SRC#<source>    | EVT#<eventId>                  | change event (audit trail) and its outbox status   |
 * | SRC#<source>    | SHARDS#<subscriber>#<version>  | a sharded initial screening: shards sent, done     |
 * | EW#<match key>  | <announcing record id>         | an early warning (Federal Register Entity List)    |
 * | WL#<subscriber> | META / ENT#<version>#<nnnnnn>  | a watchlist: its version, its entries gzipped      |
 * | WL#<subscriber> | IDX#<version>#<nnnnnn>         | its compact index (watchlist/watchlist-index.ts)   |
 * | WLD#<subscr.>   | <source>#<record>#<entry key>  | the current decision on one hit                    |
 * | WLH#<subscr.>   | <source>#<record>#<entry key>  | a hit already reported, with the record's hash     |
 * | WLA#<subscr.>   | <time>#<seq>#<uuid>            | the watchlist audit trail (append-only)            |
 * | DLV#<channel>   | <eventId>                      | a local consumer's delivery receipt (TTL)          |
 *
 * GSI `outbox` (opk = OUTBOX#<source>, osk = <time>#<eventId>) is sparse: only events not yet
 * published carry its keys. GSI `timeline` (tpk = EVTS#<source>, tsk = <time>#<eventId>) orders the
 * audit trail by time.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  PutItemCommand,
  UpdateItemCommand,
  BatchWriteItemCommand,
  type BatchWriteItemCommandOutput,
  type WriteRequest,
  QueryCommand,
  type AttributeValue,
  type BatchGetItemCommandOutput,
  type DynamoDBClient,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { chunk, mapLimit, sleep } from '../core/concurrency.ts';

/** A client and the table's name: what every store of aws/ is built from. */
export interface TableRef {
  readonly client: DynamoDBClient;
  readonly tableName: string;
}

export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

export const TABLE_INDEXES = {
  outbox: { name: 'outbox', partitionKey: 'opk', sortKey: 'osk' },
  timeline: { name: 'timeline', partitionKey: 'tpk', sortKey: 'tsk' },
} as const;

/** TTL attribute (epoch seconds) for items that may expire, e.g. delivery receipts. */
export const TTL_ATTRIBUTE = 'expiresAt';

export const META_SK = 'META';
/** On a source: the ids of the last records of the stored version, in document order (truncation check). */
export const TAIL_SK = 'TAIL';
/** On a source: the (short) content hashes of every version it committed, so a replay skips them. */
export const VERSIONS_SK = 'VERSIONS';

// A source's partition.
export const sourcePk = (sourceId: string): string => `SRC#${sourceId}`;
export const MANIFEST_PREFIX = 'MAN#';
export const manifestSk = (bucket: number): string => `${MANIFEST_PREFIX}${String(bucket).padStart(3, '0')}`;
export const RECORD_PREFIX = 'REC#';
export const recordSk = (recordId: string): string => `${RECORD_PREFIX}${recordId}`;
export const eventSk = (eventId: string): string => `EVT#${eventId}`;
export const outboxPk = (sourceId: string): string => `OUTBOX#${sourceId}`;
export const timelinePk = (sourceId: string): string => `EVTS#${sourceId}`;
/** Sort key of the outbox and timeline indexes: time order, then the event id. */
export const eventTimeSk = (time: string, eventId: string): string => `${time}#${eventId}`;
/** On a source's META item: `screened:<subscriber>` = the watchlist version its records were screened against. */
export const SCREENED_PREFIX = 'screened:';
/** On a source: the progress of the sharded initial screening against one watchlist version. */
export const shardProgressSk = (subscriberId: string, version: string): string => `SHARDS#${subscriberId}#${version}`;

// Bundles (core/bundles.ts): a source's publications, pending ones also on the outbox index.
export const PUBLICATION_PREFIX = 'PUB#';
export const publicationSk = (version: string, subscriberId: string): string =>
  `${PUBLICATION_PREFIX}${version}#${subscriberId}`;
export const publicationOutboxPk = (sourceId: string): string => `PUBOUT#${sourceId}`;
// A digest subscriber's accumulation (one item per event until its digest is sent), its digests
// and its state (the last slot sent, the digest being sent).
export const digestQueuePk = (subscriberId: string): string => `DIGQ#${subscriberId}`;
export const digestPk = (subscriberId: string): string => `DIG#${subscriberId}`;
export const DIGEST_STATE_SK = 'STATE';
export const digestSk = (slot: string): string => `MSG#${slot}`;

// Early warnings.
export const earlyWarningPk = (matchKey: string): string => `EW#${matchKey}`;

// Watchlists, per subscriber.
export const watchlistPk = (subscriberId: string): string => `WL#${subscriberId}`;
export const ENTRIES_PREFIX = 'ENT#';
export const entriesVersionPrefix = (version: string): string => `${ENTRIES_PREFIX}${version}#`;
/** A block of entries: six digits, so that a million entries' blocks sort in order (lists imported before blocks have `<nnn>` chunks, read by prefix). */
export const entriesBlockSk = (version: string, index: number): string =>
  `${entriesVersionPrefix(version)}${String(index).padStart(6, '0')}`;
export const INDEX_PREFIX = 'IDX#';
export const indexVersionPrefix = (version: string): string => `${INDEX_PREFIX}${version}#`;
export const indexChunkSk = (version: string, index: number): string =>
  `${indexVersionPrefix(version)}${String(index).padStart(6, '0')}`;
export const decisionPk = (subscriberId: string): string => `WLD#${subscriberId}`;
export const reportedPk = (subscriberId: string): string => `WLH#${subscriberId}`;
export const auditPk = (subscriberId: string): string => `WLA#${subscriberId}`;
/**
 * Two decisions within one millisecond (a dismissal and its withdrawal from one page or script) must
 * keep their order: the process's own counter after the time does that, the uuid keeps keys of other
 * processes apart.
 */
let auditSequence = 0;
export const auditSk = (at: string, unique: string): string =>
  `${at}#${String(auditSequence++ % 1e9).padStart(9, '0')}#${unique}`;

// Local delivery receipts.
export const deliveryPk = (channel: string): string => `DLV#${channel}`;

// Attribute codecs.
export const S = (value: string): AttributeValue => ({ S: value });
export const N = (value: number): AttributeValue => ({ N: String(value) });
export type Item = Record<string, AttributeValue>;
export function str(item: Item | undefined, key: string): string | undefined {
  return item?.[key]?.S;
}
export function num(item: Item | undefined, key: string): number | undefined {
  const value = item?.[key]?.N;
  return value === undefined ? undefined : Number(value);
}

/** JSON longer than this is stored gzipped (a binary attribute), so a large event still fits an item. */
export const JSON_GZIP_ABOVE = 32 * 1024;

/** A JSON value as an attribute: a string, or gzipped bytes when long. */
export function jsonAttribute(value: unknown): AttributeValue {
  const text = JSON.stringify(value);
  return text.length > JSON_GZIP_ABOVE ? { B: gzipSync(text) } : { S: text };
}

/** Reads what jsonAttribute wrote (either form). */
export function readJson<T>(item: Item | undefined, key: string): T | undefined {
  const value = item?.[key];
  if (value?.S !== undefined) return JSON.parse(value.S) as T;
  if (value?.B !== undefined) return JSON.parse(gunzipSync(value.B).toString('utf8')) as T;
  return undefined;
}

/** Every item a query matches, page after page. */
export async function* queryAll(
  table: TableRef,
  query: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
): AsyncGenerator<Item> {
  let startKey: Item | undefined;
  do {
    const page: QueryCommandOutput = await table.client.send(
      new QueryCommand({ ...query, TableName: table.tableName, ExclusiveStartKey: startKey }),
    );
    yield* page.Items ?? [];
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

export interface BatchGetOptions {
  consistent?: boolean;
  projection?: string;
  names?: Record<string, string>;
  /** Batches of 100 keys in flight at once. @default 1 */
  concurrency?: number;
}

/** The items of these keys that exist (100 keys a request, unprocessed keys retried with backoff). */
export async function batchGetAll(
  table: TableRef,
  keys: readonly Item[],
  options: BatchGetOptions = {},
): Promise<Item[]> {
  const found: Item[] = [];
  await mapLimit(chunk([...keys], 100), options.concurrency ?? 1, async (batch) => {
    let pending: Item[] | undefined = batch;
    for (let attempt = 0; pending?.length; attempt++) {
      if (attempt > 0) await backoff(attempt - 1);
      const result: BatchGetItemCommandOutput = await table.client.send(
        new BatchGetItemCommand({
          RequestItems: {
            [table.tableName]: {
              Keys: pending,
              ...(options.consistent ? { ConsistentRead: true } : {}),
              ...(options.projection ? { ProjectionExpression: options.projection } : {}),
              ...(options.names ? { ExpressionAttributeNames: options.names } : {}),
            },
          },
        }),
      );
      found.push(...(result.Responses?.[table.tableName] ?? []));
      pending = result.UnprocessedKeys?.[table.tableName]?.Keys;
    }
  });
  return found;
}

/** The wait before retrying unprocessed items: exponential with jitter, giving up after 8. */
export async function backoff(attempt: number): Promise<void> {
  if (attempt >= 8) throw new Error('DynamoDB kept returning unprocessed items after 8 retries');
  await sleep(Math.min(2000, 50 * 2 ** attempt) * (0.5 + Math.random() / 2));
}

/**
 * Writes the requests 25 at a time (BatchWriteItem's limit), retrying what DynamoDB leaves
 * unprocessed with backoff until all is written.
 */
export async function batchWriteAll(table: TableRef, requests: readonly WriteRequest[]): Promise<void> {
  for (const batch of chunk([...requests], 25)) {
    let pending: WriteRequest[] | undefined = batch;
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt > 0) await backoff(attempt - 1);
      const result: BatchWriteItemCommandOutput = await table.client.send(
        new BatchWriteItemCommand({ RequestItems: { [table.tableName]: pending } }),
      );
      pending = result.UnprocessedItems?.[table.tableName];
    }
  }
}

/**
 * A conditional put on the item's key: written when no item has it, left as it is otherwise (a
 * re-run finds what the first run wrote). True when written.
 */
export async function putIfAbsent(table: TableRef, item: Item): Promise<boolean> {
  try {
    await table.client.send(
      new PutItemCommand({ TableName: table.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/**
 * Notes on a source's META that its stored records were screened against a subscriber's watchlist
 * version (`screened:<subscriber>`). With `once`, only if the source exists and does not say so
 * already: false then (the sharded screening's last shard marks it exactly once).
 */
export async function setScreened(
  table: TableRef,
  sourceId: string,
  subscriberId: string,
  version: string,
  once = false,
): Promise<boolean> {
  try {
    await table.client.send(
      new UpdateItemCommand({
        TableName: table.tableName,
        Key: { pk: S(sourcePk(sourceId)), sk: S(META_SK) },
        UpdateExpression: 'SET #screened = :version',
        ...(once
          ? {
              ConditionExpression:
                'attribute_exists(pk) AND (attribute_not_exists(#screened) OR #screened <> :version)',
            }
          : {}),
        ExpressionAttributeNames: { '#screened': `${SCREENED_PREFIX}${subscriberId}` },
        ExpressionAttributeValues: { ':version': S(version) },
      }),
    );
    return true;
  } catch (error) {
    if (once && error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
