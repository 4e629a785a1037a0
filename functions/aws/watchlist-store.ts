/**
 * Watchlists, analysts' decisions and their audit trail, in the pipeline's DynamoDB table.
 *
 * Items (pk / sk):
 *  - `WL#<subscriber>` / `META`: the current version (hash of the entries), entry count, chunk
 *    count, when, by whom and from what it was imported.
 *  - `WL#<subscriber>` / `ENT#<version>#<nnn>`: the entries, gzipped JSON in chunks under
 *    DynamoDB's 400 KB item limit (10,000 entries take about two chunks). An import writes the new
 *    version's chunks, then points META at them, then deletes the old chunks: a reader never sees a
 *    half-written list, and a crash leaves at worst unreferenced chunks that the next import removes.
 *  - `WLD#<subscriber>` / `<source>#<record id>#<entry key>`: the current decision on one hit ("not a
 *    match"), with the record's content hash when it was taken: a decision holds only while the
 *    listed record is unchanged.
 *  - `WLH#<subscriber>` / `<source>#<record id>#<entry key>`: the hits already reported, with the
 *    record's content hash then, so that the screening of an edited watchlist tells only what is new.
 *  - `WLA#<subscriber>` / `<time>#<n>`: the audit trail, append-only: every import, decision and
 *    withdrawal of a decision, with who, when and why.
 * A source's META item holds `screened:<subscriber>` = the watchlist version its stored records
 * were last screened against (see functions/watchlist/screening.ts).
 */
import { randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import {
  ENTRIES_PREFIX,
  META_SK,
  N,
  S,
  SCREENED_PREFIX,
  batchGetAll,
  queryAll,
  str,
  type Item,
  auditPk,
  auditSk,
  decisionPk,
  entriesChunkSk,
  entriesVersionPrefix,
  reportedPk,
  sourcePk,
  watchlistPk,
  type TableRef,
} from './table.ts';
import { watchlistVersion, type WatchlistEntry } from '../watchlist/file.ts';
import {
  decisionKey,
  type AuditEntry,
  type HitDecision,
  type StoredWatchlist,
  type WatchlistMeta,
  type WatchlistRepository,
} from '../watchlist/ports.ts';

export { decisionKey, parseDecisionKey } from '../watchlist/ports.ts';
export type { AuditEntry, HitDecision, StoredWatchlist, WatchlistMeta } from '../watchlist/ports.ts';

const CHUNK_BYTES = 300 * 1024;

function decodeMeta(subscriberId: string, item: Record<string, AttributeValue>): WatchlistMeta {
  return {
    subscriberId,
    version: item.version?.S ?? '',
    entryCount: Number(item.entryCount?.N ?? 0),
    chunks: Number(item.chunks?.N ?? 0),
    importedAt: item.importedAt?.S ?? '',
    importedBy: item.importedBy?.S ?? '',
    origin: item.origin?.S ?? '',
  };
}

export class WatchlistStore implements WatchlistRepository {
  constructor(private readonly table: TableRef) {}

  private get client() {
    return this.table.client;
  }

  private get tableName() {
    return this.table.tableName;
  }

  /**
   * Stores a watchlist as the subscriber's current one. Returns the stored meta and whether the
   * version changed (an identical re-import writes nothing but the audit line).
   */
  async importWatchlist(
    subscriberId: string,
    entries: readonly WatchlistEntry[],
    origin: string,
    by: string,
    now: string,
  ): Promise<{ meta: WatchlistMeta; changed: boolean }> {
    const version = watchlistVersion(entries);
    const previous = await this.getMeta(subscriberId);
    if (previous?.version === version) {
      await this.appendAudit(subscriberId, {
        at: now,
        action: 'import',
        by,
        version,
        origin,
        entryCount: entries.length,
        reason: 'unchanged',
      });
      return { meta: previous, changed: false };
    }
    const chunks = gzipChunks(JSON.stringify(entries));
    for (const [index, data] of chunks.entries()) {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: { pk: S(watchlistPk(subscriberId)), sk: S(entriesChunkSk(version, index)), data: { B: data } },
        }),
      );
    }
    const meta: WatchlistMeta = {
      subscriberId,
      version,
      entryCount: entries.length,
      chunks: chunks.length,
      importedAt: now,
      importedBy: by,
      origin,
    };
    await this.client.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: {
          pk: S(watchlistPk(subscriberId)),
          sk: S(META_SK),
          version: S(version),
          entryCount: N(meta.entryCount),
          chunks: N(meta.chunks),
          importedAt: S(now),
          importedBy: S(by),
          origin: S(origin),
        },
      }),
    );
    await this.deleteChunksExcept(subscriberId, version);
    await this.appendAudit(subscriberId, {
      at: now,
      action: 'import',
      by,
      version,
      origin,
      entryCount: entries.length,
    });
    return { meta, changed: true };
  }

  async getMeta(subscriberId: string): Promise<WatchlistMeta | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { pk: S(watchlistPk(subscriberId)), sk: S(META_SK) },
        ConsistentRead: true,
      }),
    );
    return Item ? decodeMeta(subscriberId, Item) : undefined;
  }

  /** The current versions of these subscribers' watchlists, in one request (absent: never imported). */
  async versions(subscriberIds: readonly string[]): Promise<Map<string, WatchlistMeta>> {
    const keys = [...new Set(subscriberIds)].map((id) => ({ pk: S(watchlistPk(id)), sk: S(META_SK) }));
    const found = new Map<string, WatchlistMeta>();
    for (const item of await batchGetAll(this.table, keys)) {
      const subscriberId = str(item, 'pk')!.slice(watchlistPk('').length);
      found.set(subscriberId, decodeMeta(subscriberId, item));
    }
    return found;
  }

  /** The subscriber's current watchlist with its entries, or undefined when none was imported. */
  async load(subscriberId: string): Promise<StoredWatchlist | undefined> {
    const meta = await this.getMeta(subscriberId);
    if (!meta) return undefined;
    const parts: Buffer[] = [];
    for await (const item of this.query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: {
        ':pk': S(watchlistPk(subscriberId)),
        ':prefix': S(entriesVersionPrefix(meta.version)),
      },
    })) {
      parts.push(Buffer.from(item.data!.B!));
    }
    if (parts.length !== meta.chunks)
      throw new Error(
        `watchlist ${subscriberId}: version ${meta.version} has ${parts.length} of ${meta.chunks} chunks stored`,
      );
    const entries = JSON.parse(gunzipSync(Buffer.concat(parts)).toString('utf8')) as WatchlistEntry[];
    return { ...meta, entries };
  }

  /** Records "not a match" for one hit, and the audit line. */
  async decide(subscriberId: string, decision: HitDecision): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: {
          pk: S(decisionPk(subscriberId)),
          sk: S(decisionKey(decision.sourceId, decision.recordId, decision.entryKey)),
          decision: S(JSON.stringify(decision)),
        },
      }),
    );
    await this.appendAudit(subscriberId, {
      at: decision.at,
      action: decision.decision,
      by: decision.by,
      reason: decision.reason,
      sourceId: decision.sourceId,
      recordId: decision.recordId,
      entryKey: decision.entryKey,
      recordHash: decision.recordHash,
    });
  }

  /** Withdraws a decision (the hit alerts again from the next change or screening); false when there was none. */
  async withdraw(
    subscriberId: string,
    sourceId: string,
    recordId: string,
    entryKey: string,
    by: string,
    reason: string,
    now: string,
  ): Promise<boolean> {
    const result = await this.client.send(
      new DeleteItemCommand({
        TableName: this.tableName,
        Key: { pk: S(decisionPk(subscriberId)), sk: S(decisionKey(sourceId, recordId, entryKey)) },
        ReturnValues: 'ALL_OLD',
      }),
    );
    if (!result.Attributes) return false;
    await this.appendAudit(subscriberId, { at: now, action: 'withdraw', by, reason, sourceId, recordId, entryKey });
    return true;
  }

  /** The subscriber's current decisions by decisionKey. */
  async decisions(subscriberId: string): Promise<Map<string, HitDecision>> {
    const found = new Map<string, HitDecision>();
    for await (const item of this.query({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': S(decisionPk(subscriberId)) },
    })) {
      found.set(item.sk!.S!, JSON.parse(item.decision!.S!) as HitDecision);
    }
    return found;
  }

  /** The audit trail, oldest first. */
  async audit(subscriberId: string): Promise<AuditEntry[]> {
    const entries: AuditEntry[] = [];
    for await (const item of this.query({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': S(auditPk(subscriberId)) },
    }))
      entries.push(JSON.parse(item.entry!.S!) as AuditEntry);
    return entries;
  }

  /** Hits already reported to the subscriber: decisionKey → the record's content hash then. */
  async reported(subscriberId: string): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for await (const item of this.query({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': S(reportedPk(subscriberId)) },
    }))
      found.set(item.sk!.S!, item.recordHash!.S!);
    return found;
  }

  /** Notes reported hits (recordHash set) and forgets delisted ones (recordHash undefined). */
  async noteReported(
    subscriberId: string,
    hits: readonly { key: string; recordHash: string | undefined }[],
  ): Promise<void> {
    for (const hit of hits) {
      const Key = { pk: S(reportedPk(subscriberId)), sk: S(hit.key) };
      if (hit.recordHash === undefined)
        await this.client.send(new DeleteItemCommand({ TableName: this.tableName, Key }));
      else
        await this.client.send(
          new PutItemCommand({ TableName: this.tableName, Item: { ...Key, recordHash: S(hit.recordHash) } }),
        );
    }
  }

  /** Notes that the source's stored records were screened against this watchlist version. */
  async markScreened(sourceId: string, subscriberId: string, version: string): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: { pk: S(sourcePk(sourceId)), sk: S(META_SK) },
        UpdateExpression: 'SET #screened = :version',
        ExpressionAttributeNames: { '#screened': `${SCREENED_PREFIX}${subscriberId}` },
        ExpressionAttributeValues: { ':version': S(version) },
      }),
    );
  }

  private async appendAudit(subscriberId: string, entry: AuditEntry): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: { pk: S(auditPk(subscriberId)), sk: S(auditSk(entry.at, randomUUID())), entry: S(JSON.stringify(entry)) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  private async deleteChunksExcept(subscriberId: string, version: string): Promise<void> {
    const stale: string[] = [];
    for await (const item of this.query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': S(watchlistPk(subscriberId)), ':prefix': S(ENTRIES_PREFIX) },
      ProjectionExpression: 'sk',
    })) {
      const sk = item.sk!.S!;
      if (!sk.startsWith(entriesVersionPrefix(version))) stale.push(sk);
    }
    for (const sk of stale)
      await this.client.send(
        new DeleteItemCommand({ TableName: this.tableName, Key: { pk: S(watchlistPk(subscriberId)), sk: S(sk) } }),
      );
  }

  /** Every item of a query, read consistently. */
  private query(
    input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey' | 'ConsistentRead'>,
  ): AsyncGenerator<Item> {
    return queryAll(this.table, { ...input, ConsistentRead: true });
  }
}

function gzipChunks(json: string): Buffer[] {
  const zipped = gzipSync(Buffer.from(json, 'utf8'));
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < zipped.length; offset += CHUNK_BYTES)
    chunks.push(zipped.subarray(offset, offset + CHUNK_BYTES));
  return chunks.length ? chunks : [zipped];
}
