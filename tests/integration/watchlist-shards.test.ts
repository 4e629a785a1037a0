/**
 * The sharded initial screening (functions/watchlist/shard-plan.ts): records split by a hash of
 * their id are each screened in exactly one shard, the shards together find what one screening
 * finds, and a shard run again (a retried worker) stores no hit event twice in DynamoDB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSource } from '../../functions/sources/registry.ts';
import { watchlistEntries } from '../../functions/watchlist/file.ts';
import { inShard, planShards } from '../../functions/watchlist/shard-plan.ts';
import { screenRecords, WatchlistScreener } from '../../functions/watchlist/screening.ts';
import { registerRecord } from '../helpers/change-events.ts';
import { startTestStack, type TestStack } from '../helpers/local-stack.ts';

const sdn = findSource('us-ofac-sdn')!;
const TIME = '2026-05-01T00:00:00.000Z';
const NAMES = ['Lumora Microsystems', 'Orion Maritime Shipping', 'Nova Tech', 'Harbor Logistics', 'Vetrov Arkadi'];

const records = Array.from({ length: 400 }, (_, i) =>
  registerRecord({
    id: String(1000 + i),
    source: sdn.id,
    list: 'SDN',
    name: i % 10 === 0 ? NAMES[(i / 10) % NAMES.length]!.toUpperCase() : `Unrelated Party ${i}`,
  }),
);
const screener = () =>
  WatchlistScreener.fromEntries([
    {
      subscriberId: 'desk',
      threshold: 0.8,
      entries: watchlistEntries(
        NAMES.map((name, i) => ({ name, reference: `C-${i}` })),
        'customers.csv',
      ),
    },
  ]);

describe('sharded initial screening', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('screens every record in exactly one shard', () => {
    const shards = 7;
    const owners = records.map((r) => [...Array(shards).keys()].filter((s) => inShard(r.id, s, shards)));
    expect(owners.every((o) => o.length === 1)).toBe(true);
    expect(new Set(owners.map((o) => o[0])).size).toBe(shards);
  });

  it('finds in its shards what one screening finds, and a retried shard stores nothing twice', async () => {
    const whole = await screenRecords(sdn, records, screener(), TIME);
    expect(whole.events.length).toBeGreaterThan(10);
    const shards = 4;
    const found: string[] = [];
    let stored = 0;
    for (let shard = 0; shard < shards; shard++) {
      const part = await screenRecords(
        sdn,
        records.filter((r) => inShard(r.id, shard, shards)),
        screener(),
        TIME,
      );
      found.push(...part.events.map((e) => e.eventId));
      stored += await stack.store.putEvents(part.events);
    }
    expect(found.sort()).toEqual(whole.events.map((e) => e.eventId).sort());
    expect(stored).toBe(whole.events.length);
    const retried = await screenRecords(
      sdn,
      records.filter((r) => inShard(r.id, 2, shards)),
      screener(),
      TIME,
    );
    expect(retried.events.length).toBeGreaterThan(0);
    expect(await stack.store.putEvents(retried.events)).toBe(0);
  });

  it('plans shards that each end within the budget', () => {
    const plan = planShards({ records: 15_000, msPerRecord: 40, indexMs: 2_000 });
    expect(plan.shards).toBe(3);
    expect(plan.msPerShard).toBeLessThanOrEqual(5 * 60 * 1000);
    expect(plan.recordsPerShard * plan.shards).toBeGreaterThanOrEqual(15_000);
  });
});
