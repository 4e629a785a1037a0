/**
 * Watchlists, analysts' decisions and their audit trail, in the pipeline's DynamoDB table.
 *
 * Items (pk / sk):
 *  - `WL#<subscriber>` / `META`: the current version (hash of the entries), entry count, chunk
 *    count, when, by whom and from what it was imported.
 *  - `WL#<subscriber>` / `ENT#<version>#<nnnnnn>`: the entries, in blocks of gzipped JSON under
 *    DynamoDB's 400 KB item limit, each readable alone (about 1,500 entries a block), so that a
 *    screening of a few changed records reads only the blocks holding its candidates. (A list
 *    imported before blocks is one gzipped stream cut in `<nnn>` chunks; META has no `layout`.)
 *  - `WL#<subscriber>` / `IDX#<version>#<nnnnnn>`: the compact index of that version
 *    (functions/watchlist/watchlist-index.ts), gzipped, cut in chunks likewise.
 *    An import writes the new version's blocks and index, then points META at them, then deletes the
 *    old ones: a reader never sees a half-written list, and a crash leaves at worst unreferenced
 *    items that the next import removes. Everything is keyed by version, so a reader that read META
 *    reads one version or, when an import removed it meanwhile, fails (WatchlistVersionGoneError),
 *    never a mix.
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
  type AttributeValue,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { WatchlistError } from '../core/errors.ts';
import {
  ENTRIES_PREFIX,
  INDEX_PREFIX,
  batchWriteAll,
  entriesBlockSk,
  indexChunkSk,
  indexVersionPrefix,
  META_SK,
  N,
  S,
  setScreened,
  batchGetAll,
  queryAll,
  str,
  type Item,
  auditPk,
  auditSk,
  decisionPk,
  entriesVersionPrefix,
  reportedPk,
  watchlistPk,
  type TableRef,
} from './table.ts';
import { watchlistVersion, type WatchlistEntry } from '../watchlist/file.ts';
import { WatchlistIndex } from '../watchlist/watchlist-index.ts';
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
/** Raw JSON per block of entries: gzipped, it stays under CHUNK_BYTES even for text that compresses badly. */
const BLOCK_JSON_BYTES = 256 * 1024;

/** A watchlist version was replaced, and its items removed, while a run was reading it. */
export class WatchlistVersionGoneError extends WatchlistError {
  constructor(
    readonly subscriberId: string,
    readonly version: string,
    missing: string,
  ) {
    super(
      subscriberId,
      `version ${version} was replaced during the run (${missing} no longer stored); the next run screens the new version`,
    );
    this.name = 'WatchlistVersionGoneError';
  }
}

function decodeMeta(subscriberId: string, item: Record<string, AttributeValue>): WatchlistMeta {
  return {
    subscriberId,
    version: item.version?.S ?? '',
    entryCount: Number(item.entryCount?.N ?? 0),
    chunks: Number(item.chunks?.N ?? 0),
    importedAt: item.importedAt?.S ?? '',
    importedBy: item.importedBy?.S ?? '',
    origin: item.origin?.S ?? '',
    ...(item.layout?.S === 'blocks'
      ? { layout: 'blocks' as const, indexChunks: Number(item.indexChunks?.N ?? 0) }
      : {}),
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
    const pk = S(watchlistPk(subscriberId));
    const { blocks, starts } = entryBlocks(entries);
    const index = cutChunks(WatchlistIndex.build(version, entries, starts).serialize());
    await batchWriteAll(this.table, [
      ...blocks.map((data, i) => ({
        PutRequest: { Item: { pk, sk: S(entriesBlockSk(version, i)), data: { B: data } } },
      })),
      ...index.map((data, i) => ({ PutRequest: { Item: { pk, sk: S(indexChunkSk(version, i)), data: { B: data } } } })),
    ]);
    const meta: WatchlistMeta = {
      subscriberId,
      version,
      entryCount: entries.length,
      chunks: blocks.length,
      importedAt: now,
      importedBy: by,
      origin,
      layout: 'blocks',
      indexChunks: index.length,
    };
    await this.client.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: {
          pk,
          sk: S(META_SK),
          version: S(version),
          entryCount: N(meta.entryCount),
          chunks: N(meta.chunks),
          layout: S('blocks'),
          indexChunks: N(index.length),
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
    const parts = await this.versionItems(meta, entriesVersionPrefix(meta.version), meta.chunks, 'entries');
    const entries =
      meta.layout === 'blocks'
        ? parts.flatMap((part) => JSON.parse(gunzipSync(part).toString('utf8')) as WatchlistEntry[])
        : (JSON.parse(gunzipSync(Buffer.concat(parts)).toString('utf8')) as WatchlistEntry[]);
    return { ...meta, entries };
  }

  /** The compact index of this version; undefined for a list stored before indexes. */
  async loadIndex(meta: WatchlistMeta): Promise<WatchlistIndex | undefined> {
    if (meta.layout !== 'blocks') return undefined;
    const parts = await this.versionItems(meta, indexVersionPrefix(meta.version), meta.indexChunks ?? 0, 'index');
    return WatchlistIndex.deserialize(Buffer.concat(parts), meta.version);
  }

  /** Blocks of this version's entries, read in batches (consistently, like META). */
  async entryBlocks(meta: WatchlistMeta, blocks: readonly number[]): Promise<Map<number, WatchlistEntry[]>> {
    const pk = S(watchlistPk(meta.subscriberId));
    const items = await batchGetAll(
      this.table,
      blocks.map((block) => ({ pk, sk: S(entriesBlockSk(meta.version, block)) })),
      { consistent: true, concurrency: 4 },
    );
    const found = new Map<number, WatchlistEntry[]>();
    for (const item of items) {
      const block = Number(str(item, 'sk')!.slice(entriesVersionPrefix(meta.version).length));
      found.set(block, JSON.parse(gunzipSync(item.data!.B!).toString('utf8')) as WatchlistEntry[]);
    }
    const missing = blocks.filter((block) => !found.has(block));
    if (missing.length)
      throw new WatchlistVersionGoneError(meta.subscriberId, meta.version, `${missing.length} block(s) of entries`);
    return found;
  }

  /** The items of one version under a prefix, in key order; all `expected` of them or WatchlistVersionGoneError. */
  private async versionItems(meta: WatchlistMeta, prefix: string, expected: number, what: string): Promise<Buffer[]> {
    const parts: Buffer[] = [];
    for await (const item of this.query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': S(watchlistPk(meta.subscriberId)), ':prefix': S(prefix) },
    }))
      parts.push(Buffer.from(item.data!.B!));
    if (parts.length !== expected)
      throw new WatchlistVersionGoneError(
        meta.subscriberId,
        meta.version,
        `${parts.length} of ${expected} chunks of its ${what} stored`,
      );
    return parts;
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
    await setScreened(this.table, sourceId, subscriberId, version);
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

  /** Deletes the entries and index items of every version but this one. */
  private async deleteChunksExcept(subscriberId: string, version: string): Promise<void> {
    const pk = S(watchlistPk(subscriberId));
    const stale: string[] = [];
    for (const [prefix, current] of [
      [ENTRIES_PREFIX, entriesVersionPrefix(version)],
      [INDEX_PREFIX, indexVersionPrefix(version)],
    ] as const)
      for await (const item of this.query({
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': S(prefix) },
        ProjectionExpression: 'sk',
      })) {
        const sk = item.sk!.S!;
        if (!sk.startsWith(current)) stale.push(sk);
      }
    await batchWriteAll(
      this.table,
      stale.map((sk) => ({ DeleteRequest: { Key: { pk, sk: S(sk) } } })),
    );
  }

  /** Every item of a query, read consistently. */
  private query(
    input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey' | 'ConsistentRead'>,
  ): AsyncGenerator<Item> {
    return queryAll(this.table, { ...input, ConsistentRead: true });
  }
}

/** The entries in blocks of at most BLOCK_JSON_BYTES of JSON, each gzipped alone, and each block's first position. */
function entryBlocks(entries: readonly WatchlistEntry[]): { blocks: Buffer[]; starts: number[] } {
  const blocks: Buffer[] = [];
  const starts: number[] = [];
  let start = 0;
  let bytes = 0;
  const close = (end: number): void => {
    starts.push(start);
    blocks.push(gzipSync(Buffer.from(JSON.stringify(entries.slice(start, end)), 'utf8')));
    start = end;
    bytes = 0;
  };
  entries.forEach((entry, position) => {
    const size = Buffer.byteLength(JSON.stringify(entry), 'utf8') + 1;
    if (bytes + size > BLOCK_JSON_BYTES && position > start) close(position);
    bytes += size;
  });
  if (start < entries.length || !blocks.length) close(entries.length);
  return { blocks, starts };
}

/** A binary value cut in pieces under DynamoDB's item limit. */
function cutChunks(data: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += CHUNK_BYTES)
    chunks.push(data.subarray(offset, offset + CHUNK_BYTES));
  return chunks.length ? chunks : [data];
}
