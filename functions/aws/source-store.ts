/**
 * Stored state in one DynamoDB table (see table.ts), through the plain AWS SDK v3 client.
 *
 * Cost shape: an unchanged download costs one GetItem (the sentinel). A changed one reads the
 * manifest (a handful of Query pages, not one request per record), fetches the previous version of
 * only the k changed records, and writes O(k) items.
 *
 * Over 500 lines on purpose: it is the one implementation of run/'s SourceStore, a method per step
 * of the commit protocol over one partition (`SRC#<source>`), and splitting it would spread that
 * partition's items, and the order they are written in, over several files.
 */
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { gunzipSync, gzipSync } from 'node:zlib';
import { chunk, mapLimit } from '../core/concurrency.ts';
import type { RegisterRecord } from '../core/records.ts';
import {
  MANIFEST_PREFIX,
  META_SK,
  N,
  RECORD_PREFIX,
  S,
  TABLE_INDEXES,
  TAIL_SK,
  batchWriteAll,
  putIfAbsent,
  batchGetAll,
  queryAll,
  type Item,
  jsonAttribute,
  readJson,
  VERSIONS_SK,
  eventSk,
  eventTimeSk,
  manifestSk,
  num,
  outboxPk,
  recordSk,
  sourcePk,
  str,
  timelinePk,
  type TableRef,
} from './table.ts';
import type { TradewatchEvent } from '../core/events.ts';
import type { DigestEntry, SourceMeta, SourceStore, StoredEvent, VersionCommit } from '../run/ports.ts';
import { DynamoEarlyWarningStore } from './early-warning-store.ts';
import { WatchlistStore } from './watchlist-store.ts';
import { BundleStore } from './bundle-store.ts';
import { decodeMeta, getSourceMeta } from './source-meta.ts';
import type { Bundle } from '../core/bundles.ts';

export type { HealthStatus, SourceMeta, StoredEvent } from '../run/ports.ts';

/** Target records per manifest bucket; a bucket item stays far below DynamoDB's 400 KB. */
const RECORDS_PER_BUCKET = 1500;
const MAX_BUCKETS = 512;
const WRITE_CONCURRENCY = 8;

export function bucketCountFor(records: number): number {
  let buckets = 1;
  while (buckets < MAX_BUCKETS && records / buckets > RECORDS_PER_BUCKET) buckets *= 2;
  return buckets;
}

/** FNV-1a of the id, so a record always falls in the same bucket for a given bucket count. */
export function bucketOf(recordId: string, buckets: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < recordId.length; i++) {
    hash ^= recordId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % buckets;
}

/** The sources' state on the table (see table.ts), with the early-warning and watchlist stores beside it. */
export class TradewatchStore implements SourceStore, TableRef {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly earlyWarnings: DynamoEarlyWarningStore;
  readonly watchlists: WatchlistStore;
  /** Publications, digest accumulations and digests (bundle-store.ts). */
  readonly bundles: BundleStore;

  constructor(client: DynamoDBClient, tableName: string) {
    this.client = client;
    this.tableName = tableName;
    this.earlyWarnings = new DynamoEarlyWarningStore(this);
    this.watchlists = new WatchlistStore(this);
    this.bundles = new BundleStore(this);
  }

  // The outbox's bundles, kept in bundle-store.ts.
  putPublications(sourceId: string, bundles: readonly Bundle[]): Promise<void> {
    return this.bundles.putPublications(sourceId, bundles);
  }

  pendingPublications(sourceId: string): Promise<Bundle[]> {
    return this.bundles.pendingPublications(sourceId);
  }

  markPublicationSent(sourceId: string, bundle: Bundle, messageId: string, now: string): Promise<void> {
    return this.bundles.markPublicationSent(sourceId, bundle, messageId, now);
  }

  putDigestEntries(entries: readonly DigestEntry[]): Promise<void> {
    return this.bundles.putDigestEntries(entries);
  }

  getMeta(sourceId: string): Promise<SourceMeta | undefined> {
    return getSourceMeta(this, sourceId);
  }

  /**
   * Takes the source's poll lease (one run per source at a time) and returns the META item in the
   * same request. Undefined when another run holds an unexpired lease.
   */
  async acquireLease(
    sourceId: string,
    owner: string,
    now: Date,
    ttlMs: number,
  ): Promise<{ meta: SourceMeta } | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: S(sourcePk(sourceId)), sk: S(META_SK) },
          UpdateExpression: 'SET leaseOwner = :owner, leaseUntil = :until',
          ConditionExpression: 'attribute_not_exists(leaseUntil) OR leaseUntil < :now OR leaseOwner = :owner',
          ExpressionAttributeValues: {
            ':owner': S(owner),
            ':until': N(now.getTime() + ttlMs),
            ':now': N(now.getTime()),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      // A META item made by the lease alone holds no version yet: the run is a baseline.
      return { meta: decodeMeta(sourceId, Attributes ?? {}) };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  /** Gives the lease back (only if this run still holds it). */
  async releaseLease(sourceId: string, owner: string): Promise<void> {
    await this.removeLease(sourceId, 'leaseOwner = :owner', { ':owner': S(owner) });
  }

  /** Removes the source's lease whoever holds it (local mode, once no other process can run). */
  async breakLease(sourceId: string): Promise<void> {
    await this.removeLease(sourceId, 'attribute_exists(leaseOwner)');
  }

  private async removeLease(sourceId: string, condition: string, values?: Item): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: S(sourcePk(sourceId)), sk: S(META_SK) },
          UpdateExpression: 'REMOVE leaseOwner, leaseUntil',
          ConditionExpression: condition,
          ...(values ? { ExpressionAttributeValues: values } : {}),
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** The stored manifest (record id → content hash): a Query over the few MAN# buckets. */
  async loadManifest(sourceId: string): Promise<Map<string, string>> {
    const manifest = new Map<string, string>();
    const query = {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :man)',
      ExpressionAttributeValues: { ':pk': S(sourcePk(sourceId)), ':man': S(MANIFEST_PREFIX) },
      ConsistentRead: true,
    };
    for await (const item of queryAll(this, query)) decodeBucket(str(item, 'entries') ?? '', manifest);
    return manifest;
  }

  /** Previous versions of the given records, 100 ids per BatchGetItem. */
  async loadRecords(sourceId: string, ids: readonly string[]): Promise<Map<string, RegisterRecord>> {
    const found = new Map<string, RegisterRecord>();
    const keys = [...new Set(ids)].map((id) => ({ pk: S(sourcePk(sourceId)), sk: S(recordSk(id)) }));
    const items = await batchGetAll(this, keys, {
      consistent: true,
      projection: 'sk, #r',
      names: { '#r': 'record' },
      concurrency: WRITE_CONCURRENCY,
    });
    for (const item of items) {
      const record = readJson<RegisterRecord>(item, 'record');
      if (record) found.set(str(item, 'sk')!.slice(RECORD_PREFIX.length), record);
    }
    return found;
  }

  /**
   * Stores events that are not stored yet (conditional put on the deterministic key). Returns how
   * many were new. An existing event is left as it is, with its outbox status.
   */
  async putEvents(events: readonly StoredEvent[]): Promise<number> {
    const created = await mapLimit(events, WRITE_CONCURRENCY, (stored) =>
      putIfAbsent(this, {
        pk: S(sourcePk(stored.sourceId)),
        sk: S(eventSk(stored.eventId)),
        eventId: S(stored.eventId),
        type: S(stored.event.type),
        // The record id, so a record's history is filtered on the index without reading every event's body.
        subject: S(stored.event.subject),
        time: S(stored.time),
        event: jsonAttribute(stored.event),
        status: S('pending'),
        [TABLE_INDEXES.outbox.partitionKey]: S(outboxPk(stored.sourceId)),
        [TABLE_INDEXES.outbox.sortKey]: S(eventTimeSk(stored.time, stored.eventId)),
        [TABLE_INDEXES.timeline.partitionKey]: S(timelinePk(stored.sourceId)),
        [TABLE_INDEXES.timeline.sortKey]: S(eventTimeSk(stored.time, stored.eventId)),
      }),
    );
    return created.filter(Boolean).length;
  }

  /** Writes the new state of changed records: puts for added/modified, deletes for removed. */
  async writeRecords(
    sourceId: string,
    upserts: readonly RegisterRecord[],
    removedIds: readonly string[],
    hashes: ReadonlyMap<string, string>,
    now: string,
  ): Promise<void> {
    const pk = S(sourcePk(sourceId));
    const toRequest = (index: number): WriteRequest => {
      if (index >= upserts.length)
        return { DeleteRequest: { Key: { pk, sk: S(recordSk(removedIds[index - upserts.length]!)) } } };
      const record = upserts[index]!;
      return {
        PutRequest: {
          Item: {
            pk,
            sk: S(recordSk(record.id)),
            hash: S(hashes.get(record.id) ?? ''),
            name: S(record.name),
            record: jsonAttribute(record),
            updatedAt: S(now),
          },
        },
      };
    };
    // Requests are built batch by batch, so a baseline of 100,000 records never holds them all twice.
    const total = upserts.length + removedIds.length;
    const batches = Array.from({ length: Math.ceil(total / 25) }, (_, b) => b);
    await mapLimit(batches, WRITE_CONCURRENCY, (b) =>
      batchWriteAll(
        this,
        Array.from({ length: Math.min(25, total - b * 25) }, (_, i) => toRequest(b * 25 + i)),
      ),
    );
  }

  /**
   * Rewrites the manifest buckets that hold a changed id (all of them when the bucket count
   * changes), and deletes buckets beyond the new count.
   */
  async writeManifest(
    sourceId: string,
    manifest: ReadonlyMap<string, string>,
    changedIds: readonly string[],
    previousBuckets: number | undefined,
  ): Promise<number> {
    const buckets = bucketCountFor(manifest.size);
    const touched = new Set<number>();
    if (previousBuckets !== buckets) for (let b = 0; b < buckets; b++) touched.add(b);
    else for (const id of changedIds) touched.add(bucketOf(id, buckets));
    if (touched.size === 0) return buckets;

    const contents = new Map<number, string[]>();
    for (const bucket of touched) contents.set(bucket, []);
    for (const [id, hash] of manifest) {
      const lines = contents.get(bucketOf(id, buckets));
      if (lines) lines.push(`${id}\t${hash}`);
    }
    const requests: WriteRequest[] = [...contents].map(([bucket, lines]) => ({
      PutRequest: {
        Item: {
          pk: S(sourcePk(sourceId)),
          sk: S(manifestSk(bucket)),
          entries: S(lines.join('\n')),
          count: N(lines.length),
        },
      },
    }));
    for (let b = buckets; previousBuckets !== undefined && b < previousBuckets; b++) {
      requests.push({ DeleteRequest: { Key: { pk: S(sourcePk(sourceId)), sk: S(manifestSk(b)) } } });
    }
    await mapLimit(chunk(requests, 25), WRITE_CONCURRENCY, (batch) => batchWriteAll(this, batch));
    return buckets;
  }

  /** Commits the new version's sentinel: after this, the same download stops at step 2. */
  async loadTail(sourceId: string): Promise<string[] | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { pk: S(sourcePk(sourceId)), sk: S(TAIL_SK) },
        ConsistentRead: true,
      }),
    );
    const ids = Item?.ids?.B;
    return ids ? (JSON.parse(gunzipSync(ids).toString('utf8')) as string[]) : undefined;
  }

  async writeTail(sourceId: string, ids: readonly string[]): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: {
          pk: S(sourcePk(sourceId)),
          sk: S(TAIL_SK),
          ids: { B: gzipSync(JSON.stringify(ids)) },
          count: N(ids.length),
        },
      }),
    );
  }

  async hasCommitted(sourceId: string, contentHash: string): Promise<boolean> {
    const { Item } = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { pk: S(sourcePk(sourceId)), sk: S(VERSIONS_SK) },
        ConsistentRead: true,
      }),
    );
    return Item?.hashes?.SS?.includes(shortHash(contentHash)) ?? false;
  }

  async noteCommitted(sourceId: string, contentHash: string): Promise<void> {
    const Key = { pk: S(sourcePk(sourceId)), sk: S(VERSIONS_SK) };
    const hashes = { SS: [shortHash(contentHash)] };
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key,
          UpdateExpression: 'ADD hashes :h',
          ExpressionAttributeValues: { ':h': hashes },
        }),
      );
    } catch (error) {
      // Some 20,000 versions fill the item: the history starts over from this one.
      if (!(error instanceof Error && error.name === 'ValidationException')) throw error;
      await this.client.send(new PutItemCommand({ TableName: this.tableName, Item: { ...Key, hashes } }));
    }
  }

  async commitVersion(meta: VersionCommit): Promise<void> {
    const set: string[] = [
      'contentHash = :h',
      'recordCount = :n',
      'manifestBuckets = :b',
      'updatedAt = :u',
      'lastSuccessAt = :u',
      'outboxPending = :o',
    ];
    const remove: string[] = [];
    const values: Record<string, AttributeValue> = {
      ':h': S(meta.contentHash),
      ':n': N(meta.recordCount),
      ':b': N(meta.manifestBuckets),
      ':u': S(meta.updatedAt),
      ':o': { BOOL: meta.outboxPending },
    };
    for (const key of ['etag', 'lastModified', 'lastChangeAt', 'tailHash'] as const) {
      const value = meta[key];
      if (value) {
        set.push(`${key} = :${key}`);
        values[`:${key}`] = S(value);
      } else if (key !== 'lastChangeAt' && key !== 'tailHash') remove.push(key);
    }
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: { pk: S(sourcePk(meta.sourceId)), sk: S(META_SK) },
        UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
        ExpressionAttributeValues: values,
      }),
    );
  }

  async setOutboxPending(sourceId: string, pending: boolean): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: { pk: S(sourcePk(sourceId)), sk: S(META_SK) },
        UpdateExpression: 'SET outboxPending = :o',
        ExpressionAttributeValues: { ':o': { BOOL: pending } },
      }),
    );
  }

  /** Records a failed poll; touches only health fields, never the sentinel. Returns the new state. */
  async recordFailure(
    sourceId: string,
    step: string,
    reason: string,
    now: string,
  ): Promise<{ becameUnhealthy: boolean; since: string; consecutiveFailures: number }> {
    const { Attributes } = await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: { pk: S(sourcePk(sourceId)), sk: S(META_SK) },
        UpdateExpression:
          'SET healthStatus = :unhealthy, healthSince = if_not_exists(healthSince, :now), lastError = :reason, lastErrorStep = :step, lastErrorAt = :now ADD consecutiveFailures :one',
        ExpressionAttributeValues: {
          ':unhealthy': S('unhealthy'),
          ':now': S(now),
          ':reason': S(reason.slice(0, 1000)),
          ':step': S(step),
          ':one': N(1),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const failures = num(Attributes, 'consecutiveFailures') ?? 1;
    return {
      becameUnhealthy: failures === 1,
      since: str(Attributes, 'healthSince') ?? now,
      consecutiveFailures: failures,
    };
  }

  /** Marks a source healthy again; returns what the unhealthy spell was, if there was one. */
  async recordRecovery(
    sourceId: string,
    now: string,
  ): Promise<{ since: string; consecutiveFailures: number } | undefined> {
    const { Attributes } = await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: { pk: S(sourcePk(sourceId)), sk: S(META_SK) },
        UpdateExpression: 'SET healthStatus = :healthy, lastSuccessAt = :now REMOVE healthSince, consecutiveFailures',
        ExpressionAttributeValues: { ':healthy': S('healthy'), ':now': S(now) },
        ReturnValues: 'UPDATED_OLD',
      }),
    );
    const since = str(Attributes, 'healthSince');
    return since ? { since, consecutiveFailures: num(Attributes, 'consecutiveFailures') ?? 0 } : undefined;
  }

  /** Events not yet published, oldest first (the sparse outbox index). */
  async pendingEvents(sourceId: string): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    const query = {
      IndexName: TABLE_INDEXES.outbox.name,
      KeyConditionExpression: `${TABLE_INDEXES.outbox.partitionKey} = :p`,
      ExpressionAttributeValues: { ':p': S(outboxPk(sourceId)) },
    };
    for await (const item of queryAll(this, query)) events.push(decodeEvent(item));
    if (!events.length) return events;
    // The index is eventually consistent on AWS, and an emulator killed mid-write can leave an
    // index entry without its item: the base item's status is the truth, and a missing item is
    // put back from the index's copy (the event was meant to be stored) before it is published.
    const base = await this.eventStatuses(
      sourceId,
      events.map((e) => e.eventId),
    );
    const pending: StoredEvent[] = [];
    for (const stored of events) {
      const status = base.get(stored.eventId);
      if (status === undefined) await this.putEvents([stored]);
      if ((status ?? 'pending') === 'pending') pending.push(stored);
    }
    return pending;
  }

  /** The stored status of each of these events (absent: no item), read consistently. */
  private async eventStatuses(sourceId: string, eventIds: readonly string[]): Promise<Map<string, string>> {
    const keys = [...new Set(eventIds)].map((id) => ({ pk: S(sourcePk(sourceId)), sk: S(eventSk(id)) }));
    const items = await batchGetAll(this, keys, {
      consistent: true,
      projection: 'eventId, #s',
      names: { '#s': 'status' },
    });
    return new Map(items.map((item) => [str(item, 'eventId')!, str(item, 'status') ?? 'pending']));
  }

  /** Takes the event out of the outbox. Conditional, so a concurrent publisher cannot flip it back. */
  async markPublished(sourceId: string, eventId: string, messageId: string, now: string): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: { pk: S(sourcePk(sourceId)), sk: S(eventSk(eventId)) },
        UpdateExpression: `SET #s = :published, messageId = :m, publishedAt = :now REMOVE ${TABLE_INDEXES.outbox.partitionKey}, ${TABLE_INDEXES.outbox.sortKey}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':published': S('published'), ':m': S(messageId), ':now': S(now) },
      }),
    );
  }

  /** The audit trail of a source, newest first. */
  async listEvents(sourceId: string, limit = 100): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    const query = {
      IndexName: TABLE_INDEXES.timeline.name,
      KeyConditionExpression: `${TABLE_INDEXES.timeline.partitionKey} = :p`,
      ExpressionAttributeValues: { ':p': S(timelinePk(sourceId)) },
      ScanIndexForward: false,
      Limit: Math.min(limit, 100),
    };
    for await (const item of queryAll(this, query)) {
      events.push(decodeEvent(item));
      if (events.length >= limit) break;
    }
    return events;
  }

  /** Every stored record of a source (for screening and inspection, not for the diff). */
  async *scanRecords(sourceId: string): AsyncGenerator<RegisterRecord> {
    const query = {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :rec)',
      ExpressionAttributeValues: { ':pk': S(sourcePk(sourceId)), ':rec': S(RECORD_PREFIX) },
    };
    for await (const item of queryAll(this, query))
      yield readJson<RegisterRecord>(item, 'record') ?? ({} as RegisterRecord);
  }
}

function decodeBucket(entries: string, into: Map<string, string>): void {
  if (!entries) return;
  for (const line of entries.split('\n')) {
    const tab = line.lastIndexOf('\t');
    if (tab > 0) into.set(line.slice(0, tab), line.slice(tab + 1));
  }
}

function decodeEvent(item: Record<string, AttributeValue>): StoredEvent {
  const stored: StoredEvent = {
    eventId: str(item, 'eventId')!,
    sourceId: str(item, 'pk')!.slice(4),
    time: str(item, 'time')!,
    event: readJson<TradewatchEvent>(item, 'event')!,
    status: str(item, 'status') === 'published' ? 'published' : 'pending',
  };
  const messageId = str(item, 'messageId');
  if (messageId) stored.messageId = messageId;
  const publishedAt = str(item, 'publishedAt');
  if (publishedAt) stored.publishedAt = publishedAt;
  return stored;
}

/** A version's id in the history: 64 bits of its SHA-256 are plenty to tell a source's versions apart. */
function shortHash(contentHash: string): string {
  return contentHash.slice(0, 16);
}
