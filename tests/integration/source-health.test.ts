import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processVersion } from '../../functions/run/process-version.ts';
import { decodeDelivered } from '../../functions/delivery/sns-publisher.ts';
import { startTestStack, type TestStack } from '../helpers/local-stack.ts';
import { toyCsv, toySource, toyVersion } from '../helpers/toy-source.ts';

const V1 = toyCsv([
  ['1', 'ALPHA TRADING', 'CN', 'EL'],
  ['2', 'BETA SEMICONDUCTOR', 'HK', 'EL'],
  ['3', 'GAMMA LOGISTICS', 'RU', 'MEU'],
]);

const BAD_DOWNLOADS: { what: string; body: string; cause: RegExp }[] = [
  { what: 'an empty body', body: '', cause: /empty/ },
  {
    what: 'an HTML error page',
    body: '<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head><body>down</body></html>',
    cause: /HTML page.*503 Service Unavailable/,
  },
  { what: 'a truncated file', body: toyCsv([['1', 'ALPHA TRADING', 'CN', 'EL']]).slice(0, -3), cause: /truncated/ },
  { what: 'an unknown layout', body: 'uid;name\n1;x\n', cause: /unknown layout/ },
  { what: 'a header with no records', body: 'id,name,country,program\n', cause: /holds no records/ },
];

describe('a broken download', () => {
  let stack: TestStack;
  beforeEach(async () => {
    stack = await startTestStack();
    await processVersion(toySource, toyVersion(V1), undefined, stack.deps);
  });
  afterEach(async () => {
    await stack.stop();
  });

  for (const bad of BAD_DOWNLOADS) {
    it(`(${bad.what}) stores nothing, alerts no change, and raises one source-health event`, async () => {
      const before = await stack.store.getMeta('toy-register');
      const manifestBefore = await stack.store.loadManifest('toy-register');
      const report = await processVersion(toySource, toyVersion(bad.body), before, stack.deps);
      expect(report.status).toBe('failed');
      expect(report.error?.message).toMatch(/^toy-register: (parse|guard): /);
      expect(report.error?.message).toMatch(bad.cause);

      const messages = (await stack.drainQueue()).map((m) => decodeDelivered(m.Body!));
      expect(messages.map((e) => e.type)).toEqual(['tradewatch.source.unhealthy']);
      expect(await stack.store.listEvents('toy-register')).toEqual([]);
      const after = await stack.store.getMeta('toy-register');
      expect(after).toMatchObject({ contentHash: before!.contentHash, recordCount: 3, healthStatus: 'unhealthy' });
      expect(await stack.store.loadManifest('toy-register')).toEqual(manifestBefore);
      expect(manifestBefore.size).toBe(3);
    });
  }

  it('sends one health event per incident, not one per failed poll, and one recovery event', async () => {
    for (let i = 0; i < 3; i++)
      await processVersion(toySource, toyVersion(''), await stack.store.getMeta('toy-register'), stack.deps);
    await processVersion(toySource, toyVersion(V1), await stack.store.getMeta('toy-register'), stack.deps);
    const types = (await stack.drainQueue()).map((m) => decodeDelivered(m.Body!).type);
    expect(types).toEqual(['tradewatch.source.unhealthy', 'tradewatch.source.recovered']);
    expect(await stack.store.getMeta('toy-register')).toMatchObject({ healthStatus: 'healthy' });
  });

  it('holds a version that would delist more than the allowed share as a broken download', async () => {
    const report = await processVersion(
      toySource,
      toyVersion(toyCsv([['1', 'ALPHA TRADING', 'CN', 'EL']])),
      await stack.store.getMeta('toy-register'),
      stack.deps,
    );
    expect(report.status).toBe('failed');
    expect(report.error?.message).toMatch(/toy-register: guard: .*would remove 2 of 3 stored records/);
    expect(await stack.store.listEvents('toy-register')).toEqual([]);

    const accepted = await processVersion(
      toySource,
      toyVersion(toyCsv([['1', 'ALPHA TRADING', 'CN', 'EL']])),
      await stack.store.getMeta('toy-register'),
      stack.deps,
      { acceptDrop: true },
    );
    expect(accepted).toMatchObject({ status: 'changed', removed: 2 });
  });

  it('refuses a version outside the expected record-count bounds on a live poll', async () => {
    const bounded = { ...toySource, expectedRecords: { min: 10, max: 1000 } };
    const report = await processVersion(
      bounded,
      toyVersion(
        toyCsv([
          ['1', 'ALPHA TRADING', 'CN', 'EL'],
          ['2', 'BETA SEMICONDUCTOR', 'HK', 'EL'],
          ['3', 'GAMMA LOGISTICS', 'RU', 'MEU'],
          ['4', 'D', 'CN', 'EL'],
        ]),
      ),
      await stack.store.getMeta('toy-register'),
      stack.deps,
      { enforceBounds: true },
    );
    expect(report.error?.message).toMatch(/guard: .*4 records, outside the expected 10-1000/);
  });
});

describe('request counts', () => {
  let stack: TestStack;
  beforeEach(async () => {
    stack = await startTestStack();
  });
  afterEach(async () => {
    await stack.stop();
  });

  const rows = (n: number, changed: ReadonlySet<number> = new Set()) =>
    toyCsv(
      Array.from(
        { length: n },
        (_, i) => [String(i + 1), `ENTITY ${i + 1}${changed.has(i + 1) ? ' HOLDINGS' : ''}`, 'CN', 'EL'] as const,
      ),
    );
  const total = (counts: Map<string, number>) => [...counts.values()].reduce((a, b) => a + b, 0);

  it('makes one DynamoDB request for an unchanged download', async () => {
    await processVersion(toySource, toyVersion(rows(200)), undefined, stack.deps);
    stack.dynamoRequests.clear();
    const meta = await stack.store.getMeta('toy-register');
    const report = await processVersion(toySource, toyVersion(rows(200)), meta, stack.deps);
    expect(report.status).toBe('unchanged');
    expect(Object.fromEntries(stack.dynamoRequests)).toEqual({ GetItem: 1 });
  });

  it('writes O(k) items for k changes and reads the previous state without one request per record', async () => {
    await processVersion(toySource, toyVersion(rows(900)), undefined, stack.deps);
    for (const k of [1, 10]) {
      const changed = new Set(Array.from({ length: k }, (_, i) => 100 + i * 7));
      stack.dynamoRequests.clear();
      const report = await processVersion(
        toySource,
        toyVersion(rows(900, changed)),
        await stack.store.getMeta('toy-register'),
        stack.deps,
      );
      expect(report).toMatchObject({ modified: k, published: k });
      const counts = stack.dynamoRequests;
      expect(counts.get('Query')).toBeLessThanOrEqual(2); // manifest + outbox
      // The changed records' previous versions, and the outbox's consistent check of its events.
      expect(counts.get('BatchGetItem')).toBe(2);
      expect(counts.get('PutItem')).toBe(k); // one event each
      expect(total(counts)).toBeLessThanOrEqual(2 * k + 11);
      await processVersion(toySource, toyVersion(rows(900)), await stack.store.getMeta('toy-register'), stack.deps);
    }
  });
});
