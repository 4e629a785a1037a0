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
  UpdateItemCommand,
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
import { versionOfParts, versionPart, type WatchlistEntry } from '../watchlist/file.ts';
import { IndexBuilder, IndexFormatError, WatchlistIndex } from '../watchlist/watchlist-index.ts';
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
   *
   * The entries are read once, as they come (a file is parsed as it is read: functions/watchlist/
   * file.ts `streamWatchlistFile`): each goes into the index being built and into the block being
   * filled, gzipped when full; only the gzipped blocks, the index's arrays and a line per entry for
   * the version are held, never the parsed list (at a million entries, some 450 MB). An error the
   * entries throw (a bad row, found at the end of the file) leaves nothing written.
   */
  async importWatchlist(
    subscriberId: string,
    entries: Iterable<WatchlistEntry> | AsyncIterable<WatchlistEntry>,
    origin: string,
    by: string,
    now: string,
  ): Promise<{ meta: WatchlistMeta; changed: boolean }> {
    const builder = new IndexBuilder();
    const blocks = new BlockWriter();
    const parts: string[] = [];
    for await (const entry of entries) {
      builder.add(entry);
      blocks.add(entry);
      parts.push(versionPart(entry));
    }
    const entryCount = parts.length;
    const version = versionOfParts(parts);
    parts.length = 0;
    const previous = await this.getMeta(subscriberId);
    if (previous?.version === version) {
      await this.appendAudit(subscriberId, {
        at: now,
        action: 'import',
        by,
        version,
        origin,
        entryCount,
        reason: 'unchanged',
      });
      return { meta: previous, changed: false };
    }
    const pk = S(watchlistPk(subscriberId));
    const { blocks: written, starts } = blocks.finish();
    await batchWriteAll(
      this.table,
      written.map((data, i) => ({
        PutRequest: { Item: { pk, sk: S(entriesBlockSk(version, i)), data: { B: data } } },
      })),
    );
    written.length = 0;
    const indexChunks = await this.writeIndex(subscriberId, builder.finish(version, starts));
    const meta: WatchlistMeta = {
      subscriberId,
      version,
      entryCount,
      chunks: starts.length,
      importedAt: now,
      importedBy: by,
      origin,
      layout: 'blocks',
      indexChunks,
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
          indexChunks: N(indexChunks),
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
      entryCount,
    });
    return { meta, changed: true };
  }

  /** Writes an index's chunks under its version; returns how many. */
  private async writeIndex(subscriberId: string, index: WatchlistIndex): Promise<number> {
    const pk = S(watchlistPk(subscriberId));
    const chunks = cutChunks(index.serializeParts());
    await batchWriteAll(
      this.table,
      chunks.map((data, i) => ({
        PutRequest: { Item: { pk, sk: S(indexChunkSk(index.version, i)), data: { B: data } } },
      })),
    );
    return chunks.length;
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
    for await (const part of this.versionPieces(meta, entriesVersionPrefix(meta.version), meta.chunks, 'entries'))
      parts.push(part);
    const entries =
      meta.layout === 'blocks'
        ? parts.flatMap((part) => JSON.parse(gunzipSync(part).toString('utf8')) as WatchlistEntry[])
        : (JSON.parse(gunzipSync(Buffer.concat(parts)).toString('utf8')) as WatchlistEntry[]);
    return { ...meta, entries };
  }

  /**
   * The compact index of this version; undefined for a list stored before indexes. Read as the
   * chunks come (WatchlistIndex.read). An index stored by an earlier build in another format is
   * built again from the stored entries and stored in its place (rebuildIndex).
   */
  async loadIndex(meta: WatchlistMeta): Promise<WatchlistIndex | undefined> {
    if (meta.layout !== 'blocks') return undefined;
    const prefix = indexVersionPrefix(meta.version);
    try {
      return await WatchlistIndex.read(this.versionPieces(meta, prefix, meta.indexChunks ?? 0, 'index'), meta.version);
    } catch (error) {
      if (!(error instanceof IndexFormatError)) throw error;
      return this.rebuildIndex(meta);
    }
  }

  /**
   * Builds the index of a stored version again, from its blocks read a few at a time, and stores
   * it over the old one: chunks rewritten under the same keys, those beyond the new count deleted,
   * META's chunk count updated if META still names this version. A run reading the old chunks
   * meanwhile meets a mix and fails (a gzip or format error, or the count: WatchlistVersionGoneError),
   * and its retry reads the new index; the first run after an upgrade pays the build.
   */
  async rebuildIndex(meta: WatchlistMeta): Promise<WatchlistIndex> {
    const builder = new IndexBuilder();
    const starts: number[] = [];
    let position = 0;
    for (let first = 0; first < meta.chunks; first += REBUILD_BLOCKS) {
      const wanted = Array.from({ length: Math.min(REBUILD_BLOCKS, meta.chunks - first) }, (_, i) => first + i);
      const read = await this.entryBlocks(meta, wanted);
      for (const block of wanted) {
        starts.push(position);
        for (const entry of read.get(block)!) {
          builder.add(entry);
          position += 1;
        }
      }
    }
    const index = builder.finish(meta.version, starts);
    const count = await this.writeIndex(meta.subscriberId, index);
    const pk = S(watchlistPk(meta.subscriberId));
    const stale = Array.from({ length: Math.max(0, (meta.indexChunks ?? 0) - count) }, (_, i) => ({
      DeleteRequest: { Key: { pk, sk: S(indexChunkSk(meta.version, count + i)) } },
    }));
    await batchWriteAll(this.table, stale);
    await this.client
      .send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk, sk: S(META_SK) },
          UpdateExpression: 'SET indexChunks = :count',
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':count': N(count), ':version': S(meta.version) },
        }),
      )
      .catch((error: unknown) => {
        // Another import replaced the version meanwhile: it deletes these chunks with the old blocks.
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      });
    return index;
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

  /**
   * The chunks of one version under a prefix, in key order, as they are read: a missing one (a gap
   * or fewer than `expected`) throws WatchlistVersionGoneError before anything after it is used.
   */
  private async *versionPieces(
    meta: WatchlistMeta,
    prefix: string,
    expected: number,
    what: string,
  ): AsyncGenerator<Buffer> {
    let count = 0;
    const gone = (): WatchlistVersionGoneError =>
      new WatchlistVersionGoneError(
        meta.subscriberId,
        meta.version,
        `${count} of ${expected} chunks of its ${what} stored`,
      );
    for await (const item of this.query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': S(watchlistPk(meta.subscriberId)), ':prefix': S(prefix) },
    })) {
      if (Number(item.sk!.S!.slice(prefix.length)) !== count || count >= expected) throw gone();
      count += 1;
      const data = item.data!.B!;
      yield Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    }
    if (count !== expected) throw gone();
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

/** Blocks of rebuilt entries read at once (at most a few MB of JSON). */
const REBUILD_BLOCKS = 16;

/** The entries in blocks of at most BLOCK_JSON_BYTES of JSON, each gzipped alone as it fills, and each block's first position. */
class BlockWriter {
  private readonly blocks: Buffer[] = [];
  private readonly starts: number[] = [];
  private pending: string[] = [];
  private bytes = 0;
  private position = 0;

  add(entry: WatchlistEntry): void {
    const json = JSON.stringify(entry);
    const size = Buffer.byteLength(json, 'utf8') + 1;
    if (this.bytes + size > BLOCK_JSON_BYTES && this.pending.length) this.close();
    if (!this.pending.length) this.starts.push(this.position);
    this.pending.push(json);
    this.bytes += size;
    this.position += 1;
  }

  private close(): void {
    this.blocks.push(gzipSync(Buffer.from(`[${this.pending.join(',')}]`, 'utf8')));
    this.pending = [];
    this.bytes = 0;
  }

  finish(): { blocks: Buffer[]; starts: number[] } {
    if (this.pending.length || !this.blocks.length) {
      if (!this.pending.length) this.starts.push(this.position);
      this.close();
    }
    return { blocks: this.blocks, starts: this.starts };
  }
}

/**
 * A binary value, given in parts, cut in pieces under DynamoDB's item limit; each part is let go
 * once copied, so the value is never held twice.
 */
function cutChunks(parts: Buffer[]): Buffer[] {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const chunks: Buffer[] = [];
  let chunk = Buffer.alloc(Math.min(CHUNK_BYTES, total));
  let filled = 0;
  for (let p = 0; p < parts.length; p++) {
    let part = parts[p]!;
    parts[p] = Buffer.alloc(0);
    while (part.length) {
      const taken = Math.min(chunk.length - filled, part.length);
      part.copy(chunk, filled, 0, taken);
      filled += taken;
      part = part.subarray(taken);
      if (filled === chunk.length) {
        chunks.push(chunk);
        const left = total - chunks.length * CHUNK_BYTES;
        chunk = Buffer.alloc(Math.max(0, Math.min(CHUNK_BYTES, left)));
        filled = 0;
      }
    }
  }
  return chunks.length ? chunks : [chunk];
}
