/**
 * Watchlist storage in DynamoDB (dynalite, or DynamoDB Local in CI): a list of tens of thousands of
 * names in gzipped chunks, versions replaced without a reader ever seeing half a list, decisions
 * and the audit trail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { watchlistEntries, watchlistVersion } from '../../functions/watchlist/file.ts';
import { WatchlistStore } from '../../functions/aws/watchlist-store.ts';
import { watchlistPk } from '../../functions/aws/table.ts';
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
  const chunkKeys = async (subscriberId: string): Promise<string[]> => {
    const keys: string[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await stack.store.client.send(
        new QueryCommand({
          TableName: stack.store.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :e)',
          ProjectionExpression: 'sk',
          ExpressionAttributeValues: { ':pk': { S: watchlistPk(subscriberId) }, ':e': { S: 'ENT#' } },
          ExclusiveStartKey: startKey,
        }),
      );
      keys.push(...(page.Items ?? []).map((item) => item.sk!.S!));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return keys;
  };

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
  });

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
