/**
 * The bundles' part of the table (core/bundles.ts): each source's publications, each digest
 * subscriber's accumulation, digests and digest state. Every write that a re-run repeats is a
 * conditional put on a deterministic key, so a crash anywhere leaves either nothing or the item the
 * first run wrote, never two.
 *
 * - publication: `SRC#<source>` / `PUB#<version>#<subscriber>`; while pending it also sits on the
 *   outbox index under `PUBOUT#<source>`, so the pending ones are found without a scan.
 * - accumulation: `DIGQ#<subscriber>` / `<time>#<eventId>`, deleted once a sent digest holds it.
 * - digest: `DIG#<subscriber>` / `MSG#<slot>` (the bundle, the accumulation keys it holds, its
 *   status); state: `DIG#<subscriber>` / `STATE` (the last slot sent, the digest being sent).
 */
import { GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { mapLimit } from '../core/concurrency.ts';
import type { Bundle } from '../core/bundles.ts';
import type { TradewatchEvent } from '../core/events.ts';
import type { DigestEntry } from '../run/ports.ts';
import type { DigestState, DigestStore, StoredDigest } from '../run/digest.ts';
import {
  DIGEST_STATE_SK,
  S,
  TABLE_INDEXES,
  batchGetAll,
  batchWriteAll,
  putIfAbsent,
  digestPk,
  digestQueuePk,
  digestSk,
  eventTimeSk,
  jsonAttribute,
  publicationOutboxPk,
  publicationSk,
  queryAll,
  readJson,
  sourcePk,
  str,
  type Item,
  type TableRef,
} from './table.ts';

const WRITE_CONCURRENCY = 8;

/** A publication's sort key: its version, its subscriber, and its part when it has parts. */
function publicationKey(bundle: Bundle): string {
  const who = bundle.part ? `${bundle.subscriberId}#${bundle.part.index}` : bundle.subscriberId;
  return publicationSk(bundle.version ?? '', who);
}

export class BundleStore implements DigestStore {
  constructor(private readonly table: TableRef) {}

  /** Conditional puts: a publication already stored keeps what its first run wrote. */
  async putPublications(sourceId: string, bundles: readonly Bundle[]): Promise<void> {
    await mapLimit(bundles, WRITE_CONCURRENCY, async (bundle) => {
      await putIfAbsent(this.table, {
        pk: S(sourcePk(sourceId)),
        sk: S(publicationKey(bundle)),
        bundleId: S(bundle.id),
        bundle: jsonAttribute(bundle),
        status: S('pending'),
        [TABLE_INDEXES.outbox.partitionKey]: S(publicationOutboxPk(sourceId)),
        [TABLE_INDEXES.outbox.sortKey]: S(publicationKey(bundle)),
      });
    });
  }

  /** Pending publications, oldest version first; the base item's status is the truth (the index lags). */
  async pendingPublications(sourceId: string): Promise<Bundle[]> {
    const keys: Item[] = [];
    for await (const item of queryAll(this.table, {
      IndexName: TABLE_INDEXES.outbox.name,
      KeyConditionExpression: `${TABLE_INDEXES.outbox.partitionKey} = :p`,
      ExpressionAttributeValues: { ':p': S(publicationOutboxPk(sourceId)) },
      ProjectionExpression: 'pk, sk',
    }))
      keys.push({ pk: item.pk!, sk: item.sk! });
    const items = await batchGetAll(this.table, keys, { consistent: true });
    // A key sorts by its version's time: oldest first, as the index gave them.
    return items
      .filter((item) => str(item, 'status') === 'pending')
      .sort((a, b) => str(a, 'sk')!.localeCompare(str(b, 'sk')!))
      .map((item) => readJson<Bundle>(item, 'bundle')!);
  }

  async markPublicationSent(sourceId: string, bundle: Bundle, messageId: string, now: string): Promise<void> {
    await this.table.client.send(
      new UpdateItemCommand({
        TableName: this.table.tableName,
        Key: { pk: S(sourcePk(sourceId)), sk: S(publicationKey(bundle)) },
        UpdateExpression: `SET #s = :sent, messageId = :m, sentAt = :now REMOVE ${TABLE_INDEXES.outbox.partitionKey}, ${TABLE_INDEXES.outbox.sortKey}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':sent': S('sent'), ':m': S(messageId), ':now': S(now) },
      }),
    );
  }

  async putDigestEntries(entries: readonly DigestEntry[]): Promise<void> {
    await mapLimit(entries, WRITE_CONCURRENCY, async (entry) => {
      await putIfAbsent(this.table, {
        pk: S(digestQueuePk(entry.subscriberId)),
        sk: S(eventTimeSk(entry.time, entry.eventId)),
        eventId: S(entry.eventId),
        time: S(entry.time),
        event: jsonAttribute(entry.event),
      });
    });
  }

  /** The subscriber's accumulated changes with a time at or before `upTo`, oldest first. */
  async digestEntries(subscriberId: string, upTo: string): Promise<DigestEntry[]> {
    const entries: DigestEntry[] = [];
    for await (const item of queryAll(this.table, {
      KeyConditionExpression: 'pk = :p AND sk <= :upTo',
      // `#` sorts before every character of an event id, `~` after them: every event at `upTo`.
      ExpressionAttributeValues: { ':p': S(digestQueuePk(subscriberId)), ':upTo': S(`${upTo}#~`) },
      ConsistentRead: true,
    })) {
      entries.push({
        subscriberId,
        eventId: str(item, 'eventId')!,
        time: str(item, 'time')!,
        event: readJson<TradewatchEvent>(item, 'event')!,
      });
    }
    return entries;
  }

  async deleteDigestEntries(
    subscriberId: string,
    entries: readonly { time: string; eventId: string }[],
  ): Promise<void> {
    await batchWriteAll(
      this.table,
      entries.map((entry) => ({
        DeleteRequest: {
          Key: { pk: S(digestQueuePk(subscriberId)), sk: S(eventTimeSk(entry.time, entry.eventId)) },
        },
      })),
    );
  }

  async getDigestState(subscriberId: string): Promise<DigestState> {
    const { Item } = await this.table.client.send(
      new GetItemCommand({
        TableName: this.table.tableName,
        Key: { pk: S(digestPk(subscriberId)), sk: S(DIGEST_STATE_SK) },
        ConsistentRead: true,
      }),
    );
    const state: DigestState = {};
    const lastSlot = str(Item, 'lastSlot');
    if (lastSlot) state.lastSlot = lastSlot;
    const unfinished = str(Item, 'unfinished');
    if (unfinished) state.unfinished = unfinished;
    return state;
  }

  async setDigestState(subscriberId: string, state: DigestState): Promise<void> {
    const item: Item = { pk: S(digestPk(subscriberId)), sk: S(DIGEST_STATE_SK) };
    if (state.lastSlot) item.lastSlot = S(state.lastSlot);
    if (state.unfinished) item.unfinished = S(state.unfinished);
    await this.table.client.send(new PutItemCommand({ TableName: this.table.tableName, Item: item }));
  }

  /** Writes the digest unless one for its slot exists; returns the stored one either way. */
  async putDigest(digest: StoredDigest): Promise<StoredDigest> {
    const slot = digest.bundle.period!.to;
    const written = await putIfAbsent(this.table, {
      pk: S(digestPk(digest.bundle.subscriberId)),
      sk: S(digestSk(slot)),
      bundle: jsonAttribute(digest.bundle),
      entries: jsonAttribute(digest.entries),
      status: S('pending'),
    });
    if (written) return digest;
    return (await this.getDigest(digest.bundle.subscriberId, slot))!;
  }

  async getDigest(subscriberId: string, slot: string): Promise<StoredDigest | undefined> {
    const { Item } = await this.table.client.send(
      new GetItemCommand({
        TableName: this.table.tableName,
        Key: { pk: S(digestPk(subscriberId)), sk: S(digestSk(slot)) },
        ConsistentRead: true,
      }),
    );
    return Item && decodeDigest(Item);
  }

  async markDigestSent(subscriberId: string, slot: string, messageId: string, now: string): Promise<void> {
    await this.table.client.send(
      new UpdateItemCommand({
        TableName: this.table.tableName,
        Key: { pk: S(digestPk(subscriberId)), sk: S(digestSk(slot)) },
        UpdateExpression: 'SET #s = :sent, messageId = :m, sentAt = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':sent': S('sent'), ':m': S(messageId), ':now': S(now) },
      }),
    );
  }

  /** The digests sent to a subscriber, newest first (the CLI's and the tests' view). */
  async listDigests(subscriberId: string, limit = 50): Promise<StoredDigest[]> {
    const digests: StoredDigest[] = [];
    for await (const item of queryAll(this.table, {
      KeyConditionExpression: 'pk = :p AND begins_with(sk, :m)',
      ExpressionAttributeValues: { ':p': S(digestPk(subscriberId)), ':m': S(digestSk('')) },
      ScanIndexForward: false,
    })) {
      digests.push(decodeDigest(item));
      if (digests.length >= limit) break;
    }
    return digests;
  }
}

function decodeDigest(item: Item): StoredDigest {
  const stored: StoredDigest = {
    bundle: readJson<Bundle>(item, 'bundle')!,
    entries: readJson<{ time: string; eventId: string }[]>(item, 'entries') ?? [],
    status: str(item, 'status') === 'sent' ? 'sent' : 'pending',
  };
  const messageId = str(item, 'messageId');
  if (messageId) stored.messageId = messageId;
  return stored;
}
