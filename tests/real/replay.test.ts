/**
 * Real successive versions through the full pipeline (dynalite + fauxqs on loopback), including the
 * real broken download of 2024-05-04 (an empty body).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeDelivered } from '../../functions/delivery/sns-publisher.ts';
import { replayPaths } from '../../functions/run/poll.ts';
import { findSource } from '../../functions/sources/registry.ts';
import { startTestStack, type TestStack } from '../helpers/local-stack.ts';
import { realFixture } from '../real-fixtures.ts';

describe('replaying real OFAC SDN versions', () => {
  let stack: TestStack;
  const sdn = findSource('us-ofac-sdn')!;
  beforeEach(async () => {
    stack = await startTestStack();
  });
  afterEach(async () => {
    await stack.stop();
  });

  it('alerts the 8 delistings of 2024-05-03, then holds the empty 2024-05-04 download as a source-health error', async () => {
    const reports = await replayPaths(
      sdn,
      ['2024-05-02', '2024-05-03', '2024-05-04'].map((d) => realFixture(`ofac-sdn/sdn.${d}.csv`)),
      stack.deps,
      { enforceBounds: true },
    );
    expect(reports.map((r) => r.status)).toEqual(['baseline', 'changed', 'failed']);
    expect(reports[1]).toMatchObject({ added: 0, removed: 8, modified: 0, published: 8 });
    expect(reports[2]!.error!.message).toBe('us-ofac-sdn: parse: sdn.2024-05-04.csv is empty (0 bytes of content)');

    const delivered = (await stack.drainQueue()).map((m) => decodeDelivered(m.Body!));
    expect(delivered.filter((e) => e.type === 'tradewatch.record.removed')).toHaveLength(8);
    expect(delivered.filter((e) => e.type === 'tradewatch.source.unhealthy')).toHaveLength(1);
    expect(delivered).toHaveLength(9);
    const meta = await stack.store.getMeta('us-ofac-sdn');
    expect(meta).toMatchObject({ recordCount: 14965, healthStatus: 'unhealthy' });
    expect((await stack.store.loadManifest('us-ofac-sdn')).size).toBe(14965);
  });

  it('makes one DynamoDB request when the same real version comes again', async () => {
    await replayPaths(sdn, [realFixture('ofac-sdn/sdn.2022-02-24.csv')], stack.deps);
    stack.dynamoRequests.clear();
    const [report] = await replayPaths(sdn, [realFixture('ofac-sdn/sdn.2022-02-24.csv')], stack.deps);
    expect(report!.status).toBe('unchanged');
    expect(Object.fromEntries(stack.dynamoRequests)).toEqual({ GetItem: 1 });
  });

  it('alerts the 91 additions and 4 changes of 2022-02-25 with O(k) writes', async () => {
    await replayPaths(sdn, [realFixture('ofac-sdn/sdn.2022-02-24.csv')], stack.deps);
    stack.dynamoRequests.clear();
    const [report] = await replayPaths(sdn, [realFixture('ofac-sdn/sdn.2022-02-25.csv')], stack.deps);
    expect(report).toMatchObject({ status: 'changed', added: 91, removed: 0, modified: 4, published: 95 });
    const total = [...stack.dynamoRequests.values()].reduce((a, b) => a + b, 0);
    // 95 event puts + 95 outbox marks + a few batch writes and reads; never one per stored record (9,123).
    expect(total).toBeLessThan(2 * 95 + 30);
    expect(stack.dynamoRequests.get('Query')).toBeLessThanOrEqual(3);
    expect((await stack.drainQueue()).length).toBe(95);
  });
});
