/**
 * Watchlist storage in DynamoDB (dynalite, or DynamoDB Local in CI): a list of tens of thousands of
 * names in gzipped chunks, versions replaced without a reader ever seeing half a list, decisions
 * and the audit trail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { DeleteItemCommand, PutItemCommand, QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  WatchlistFormatError,
  watchlistEntries,
  watchlistVersion,
  type WatchlistEntry,
} from '../../functions/watchlist/file.ts';
import { IndexFormatError, WatchlistIndex } from '../../functions/watchlist/watchlist-index.ts';
import { WatchlistStore } from '../../functions/aws/watchlist-store.ts';
import { indexChunkSk, queryAll, watchlistPk } from '../../functions/aws/table.ts';
import { dynamoBackend, startTestStack, type TestStack } from '../helpers/local-stack.ts';

/** Deterministic invented company names, all distinct. */
function bigList(count: number, salt = ''): ReturnType<typeof watchlistEntries> {
  const syllables = ['lu', 'mo', 'ra', 'ven', 'tor', 'qua', 'zel', 'bri', 'nox', 'par', 'dim', 'sto'];
  const rows = Array.from({ length: count }, (_, i) => {
    let n = i;
    let word = '';
    do {
      word += syllables[n % syllables.length];
      n = Math.floor(n / syllables.length);
    } while (n > 0);
    return {
      name: `${word} ${salt}Trading Co ${i}`,
      reference: `R-${i}`,
      countries: i % 3 === 0 ? 'CN' : 'DE',
      aliases: i % 5 === 0 ? `${word} Handels GmbH` : '',
    };
  });
  return watchlistEntries(rows, 'big.csv');
}

describe(`watchlist storage (${dynamoBackend})`, () => {
  let stack: TestStack;
  let store: WatchlistStore;
  beforeAll(async () => {
    stack = await startTestStack();
    store = new WatchlistStore(stack.store);
  });
  afterAll(async () => {
    await stack.stop();
  });

  /** Every chunk key of the subscriber's watchlist, page after page (a Query page stops at 1 MB read). */
  const chunkKeys = async (subscriberId: string, prefix = 'ENT#'): Promise<string[]> => {
    const keys: string[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await stack.store.client.send(
        new QueryCommand({
          TableName: stack.store.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :e)',
          ProjectionExpression: 'sk',
          ExpressionAttributeValues: { ':pk': { S: watchlistPk(subscriberId) }, ':e': { S: prefix } },
          ExclusiveStartKey: startKey,
        }),
      );
      keys.push(...(page.Items ?? []).map((item) => item.sk!.S!));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return keys;
  };

  /** The stored index chunks' data, in order, page after page. */
  async function* storedChunks(subscriberId: string): AsyncGenerator<Uint8Array> {
    for await (const item of queryAll(stack.store, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :e)',
      ExpressionAttributeValues: { ':pk': { S: watchlistPk(subscriberId) }, ':e': { S: 'IDX#' } },
    }))
      yield item.data!.B!;
  }

  it('stores 50,000 entries in chunks under the item limit and reads them back whole', async () => {
    const entries = bigList(50_000);
    const { meta, changed } = await store.importWatchlist(
      'big',
      entries,
      'big.csv',
      'test',
      '2026-11-01T00:00:00.000Z',
    );
    expect(changed).toBe(true);
    expect(meta).toMatchObject({ entryCount: 50_000, version: watchlistVersion(entries) });
    expect(meta.chunks).toBeGreaterThan(1);
    expect(await chunkKeys('big')).toHaveLength(meta.chunks);
    const loaded = await store.load('big');
    expect(loaded!.entries).toEqual(entries);
  }, 180_000);

  it('replaces a version: the new chunks, then META, then the old chunks go', async () => {
    const before = await store.getMeta('big');
    const edited = bigList(50_000, 'Intl ');
    const { meta } = await store.importWatchlist('big', edited, 'big-v2.csv', 'test', '2026-11-02T00:00:00.000Z');
    expect(meta.version).not.toBe(before!.version);
    const keys = await chunkKeys('big');
    expect(keys.every((key) => key.startsWith(`ENT#${meta.version}#`))).toBe(true);
    expect((await store.load('big'))!.entries[7]!.name).toContain('Intl Trading');
    const versions = await store.versions(['big', 'never-imported']);
    expect([...versions.keys()]).toEqual(['big']);
    expect(versions.get('big')!.version).toBe(meta.version);
  }, 180_000);

  it('writes nothing when the entries fail after some were read (a bad row found at the end of a file)', async () => {
    async function* failing(): AsyncGenerator<WatchlistEntry> {
      yield* bigList(2_000);
      throw new WatchlistFormatError('late.csv', ['row 2002: name is empty']);
    }
    await expect(
      store.importWatchlist('late', failing(), 'late.csv', 'test', '2026-11-01T00:00:00.000Z'),
    ).rejects.toThrow(/late\.csv: row 2002: name is empty/);
    expect(await store.getMeta('late')).toBeUndefined();
    expect(await chunkKeys('late', 'ENT#')).toEqual([]);
    expect(await chunkKeys('late', 'IDX#')).toEqual([]);
  });

  it('builds an index stored in an older format again from the stored blocks, and stores it in its place', async () => {
    const entries = bigList(3_000);
    const { meta } = await store.importWatchlist('upgrade', entries, 'up.csv', 'test', '2026-11-01T00:00:00.000Z');
    const current = (await store.loadIndex(meta))!.serialize();
    // What an earlier build stored: the same layout of keys, its header naming format 6.
    const header = Buffer.from(
      JSON.stringify({ format: 6, version: meta.version, entryCount: 3_000, lengths: {}, alphabets: {} }),
    );
    const head = Buffer.alloc(Math.ceil((4 + header.length) / 8) * 8);
    head.writeUInt32LE(header.length);
    header.copy(head, 4);
    const pk = { S: watchlistPk('upgrade') };
    const old = [gzipSync(head), gzipSync(Buffer.alloc(4096, 7))];
    for (const [i, data] of old.entries())
      await stack.store.client.send(
        new PutItemCommand({
          TableName: stack.store.tableName,
          Item: { pk, sk: { S: indexChunkSk(meta.version, i) }, data: { B: data } },
        }),
      );
    for (let i = old.length; i < meta.indexChunks!; i++)
      await stack.store.client.send(
        new DeleteItemCommand({
          TableName: stack.store.tableName,
          Key: { pk, sk: { S: indexChunkSk(meta.version, i) } },
        }),
      );
    const stale = { ...meta, indexChunks: old.length };
    await expect(WatchlistIndex.read(storedChunks('upgrade'), meta.version)).rejects.toThrow(IndexFormatError);
    const rebuilt = (await store.loadIndex(stale))!;
    expect(rebuilt.serialize().equals(current)).toBe(true);
    expect(rebuilt.entryCount).toBe(3_000);
    const after = (await store.getMeta('upgrade'))!;
    expect(after.indexChunks).toBe(meta.indexChunks);
    expect(await chunkKeys('upgrade', 'IDX#')).toHaveLength(meta.indexChunks!);
    expect((await WatchlistIndex.read(storedChunks('upgrade'), meta.version)).serialize().equals(current)).toBe(true);
    expect((await store.loadIndex(after))!.serialize().equals(current)).toBe(true);
  });

  it('writes nothing but an audit line for an unchanged re-import', async () => {
    const entries = bigList(10);
    await store.importWatchlist('small', entries, 'small.csv', 'ana', '2026-11-01T00:00:00.000Z');
    const again = await store.importWatchlist(
      'small',
      [...entries].reverse(),
      'small.csv',
      'ben',
      '2026-11-03T00:00:00.000Z',
    );
    expect(again.changed).toBe(false);
    expect((await store.getMeta('small'))!.importedBy).toBe('ana');
    const trail = await store.audit('small');
    expect(trail.map((e) => [e.action, e.by, e.reason ?? ''])).toEqual([
      ['import', 'ana', ''],
      ['import', 'ben', 'unchanged'],
    ]);
  });

  it('keeps one current decision per hit, withdraws it, and logs both', async () => {
    const decision = {
      sourceId: 'us-ofac-sdn',
      recordId: '123',
      entryKey: 'ref:R-1',
      decision: 'not-a-match' as const,
      recordHash: 'abc',
      by: 'ana',
      at: '2026-11-04T00:00:00.000Z',
      reason: 'different date of birth',
    };
    await store.decide('small', decision);
    expect([...(await store.decisions('small')).values()]).toEqual([decision]);
    expect(
      await store.withdraw(
        'small',
        'us-ofac-sdn',
        '123',
        'ref:R-1',
        'ben',
        'new information',
        '2026-11-05T00:00:00.000Z',
      ),
    ).toBe(true);
    expect(
      await store.withdraw('small', 'us-ofac-sdn', '123', 'ref:R-1', 'ben', 'again', '2026-11-05T00:00:01.000Z'),
    ).toBe(false);
    expect((await store.decisions('small')).size).toBe(0);
    expect((await store.audit('small')).slice(2).map((e) => `${e.action} ${e.by} ${e.reason}`)).toEqual([
      'not-a-match ana different date of birth',
      'withdraw ben new information',
    ]);
  });
});
