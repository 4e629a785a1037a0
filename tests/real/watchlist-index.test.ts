/**
 * The compact watchlist index (functions/watchlist/watchlist-index.ts) against the full screening,
 * on the real SDN list of 2022-02-25 and a watchlist of 3,000 entries built at test time: a third
 * re-spelled SDN names (typos, word order, case), the rest invented from SDN words shuffled, so
 * that many candidates share words without matching. Stored in DynamoDB (dynalite or DynamoDB
 * Local) through the real store; both paths must give the same hit events, decisions and
 * suppression included. Then: a version replaced during a run is never mixed with the new one, and
 * the size guard.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../functions/core/events.ts';
import type { RegisterRecord } from '../../functions/core/records.ts';
import { contentHash } from '../../functions/core/records.ts';
import { collectRecords, fileDocument } from '../../functions/sources/read/document.ts';
import { findSource } from '../../functions/sources/registry.ts';
import { MAX_WATCHLIST_ENTRIES, watchlistEntries, type WatchlistEntry } from '../../functions/watchlist/file.ts';
import { openIndexedWatchlist, IndexedWatchlist } from '../../functions/watchlist/indexed-watchlist.ts';
import {
  WatchlistLoader,
  screenChangeEvents,
  screenRecords,
  type WatchlistSubscriber,
} from '../../functions/watchlist/screening.ts';
import { WatchlistStore, WatchlistVersionGoneError } from '../../functions/aws/watchlist-store.ts';
import { WatchlistFormatError } from '../../functions/watchlist/file.ts';
import { recordSecondary } from '../../functions/match/secondary.ts';
import { seededRandom } from '../helpers/seeded-random.ts';
import { changeEvent } from '../helpers/change-events.ts';
import { startTestStack, type TestStack } from '../helpers/local-stack.ts';
import { realFixture } from '../real-fixtures.ts';

const sdn = findSource('us-ofac-sdn')!;
const TIME = '2026-05-01T00:00:00.000Z';

/** 3,000 entries: every 12th SDN name re-spelled, and invented names of shuffled SDN words. */
function customerBase(records: readonly RegisterRecord[]): WatchlistEntry[] {
  const next = seededRandom(7);
  const words = records.flatMap((r) => r.name.split(/[\s,]+/).filter((w) => w.length > 2));
  const rows: { name: string; reference: string; countries?: string; kind?: string }[] = [];
  records.forEach((record, i) => {
    if (i % 12 !== 0 || rows.length >= 1000) return;
    let name = record.name.replace(/,/g, ' ').toLowerCase();
    if (i % 3 === 1) name = name.split(/\s+/).reverse().join(' ');
    if (i % 3 === 2) name = name.replace(/([a-z]{4})[a-z]/, '$1');
    rows.push({ name, reference: `LISTED-${i}`, countries: record.countries[0] ?? '', kind: record.kind });
  });
  for (let i = 0; rows.length < 3000; i++) {
    const count = 2 + Math.floor(next() * 2);
    const name = Array.from({ length: count }, () => words[Math.floor(next() * words.length)]!).join(' ');
    rows.push({ name, reference: `INVENTED-${i}` });
  }
  return watchlistEntries(rows, 'customers.csv');
}

describe('screening through the compact watchlist index', () => {
  let stack: TestStack;
  let store: WatchlistStore;
  let records: RegisterRecord[];
  const subscriber: WatchlistSubscriber = { id: 'desk', threshold: 0.8 };

  const screenerOf = (indexed: boolean) =>
    new WatchlistLoader(
      store,
      indexed ? (s, sub) => openIndexedWatchlist(s, sub, { indexedFrom: 0 }) : undefined,
    ).screener([subscriber]);

  beforeAll(async () => {
    stack = await startTestStack();
    store = new WatchlistStore(stack.store);
    records = await collectRecords(
      sdn,
      { main: fileDocument(realFixture('ofac-sdn/sdn.2022-02-25.csv')), companions: new Map() },
      { sourceId: sdn.id, warn: () => undefined },
    );
    await store.importWatchlist('desk', customerBase(records), 'customers.csv', 'test', TIME);
  }, 120_000);
  afterAll(async () => {
    await stack.stop();
  });

  it('finds the same listed hits, decisions and suppression as the full screening', async () => {
    const stored = records.slice(0, 2500);
    const first = await screenRecords(sdn, stored, await screenerOf(false), TIME);
    expect(first.events.length).toBeGreaterThan(50);
    // Analysts mark every fifth hit "not a match"; half of the others were reported already.
    for (const [i, { event }] of first.events.entries()) {
      if (event.type !== 'tradewatch.watchlist.hit') continue;
      const { data } = event as unknown as {
        data: { recordId: string; recordHash: string; hits: { entryKey: string }[] };
      };
      const hit = data.hits[0]!;
      if (i % 5 === 0)
        await store.decide('desk', {
          sourceId: sdn.id,
          recordId: data.recordId,
          entryKey: hit.entryKey,
          decision: 'not-a-match',
          recordHash: data.recordHash,
          by: 'ana',
          at: TIME,
          reason: 'other party',
        });
      else if (i % 2 === 0)
        await store.noteReported('desk', [
          { key: `${sdn.id}#${data.recordId}#${hit.entryKey}`, recordHash: data.recordHash },
        ]);
    }

    const full = await screenRecords(sdn, stored, await screenerOf(false), TIME);
    const viaIndex = await screenRecords(sdn, stored, await screenerOf(true), TIME);

    expect(full.counts.suppressed).toBeGreaterThan(0);
    expect(full.events.length).toBeLessThan(first.events.length);
    expect(viaIndex.counts).toEqual(full.counts);
    expect(viaIndex.events).toEqual(full.events);
  }, 180_000);

  it('finds the same hits for a version of changed records, reading only their candidates', async () => {
    const changes: ChangeEvent[] = records.slice(2500, 2600).map((record, i) => {
      if (i % 4 === 0) return changeEvent('removed', record);
      if (i % 4 === 1) return changeEvent('modified', record, { ...record, programs: [...record.programs, 'NEW'] });
      return changeEvent('added', record);
    });
    const changed = changes.map((c) => (c.data.changeType === 'removed' ? c.data.previous! : c.data.record!));
    const hashes = new Map(
      changes.map((c) => [
        c.id,
        {
          oldHash: c.data.previous ? contentHash(c.data.previous) : undefined,
          newHash: c.data.record ? contentHash(c.data.record) : undefined,
        },
      ]),
    );
    const full = screenChangeEvents(sdn, changes, await (await screenerOf(false)).narrowed(changed), hashes, TIME);
    const indexed = await screenerOf(true);
    const viaIndex = screenChangeEvents(sdn, changes, await indexed.narrowed(changed), hashes, TIME);
    expect(full.events.length).toBeGreaterThan(3);
    expect(viaIndex).toEqual(full);
  }, 120_000);

  it('narrows changed records to the candidates sharing a key with them, then to those that hit, in watchlist order', async () => {
    const list = (await openIndexedWatchlist(store, subscriber, { indexedFrom: 0 }))!;
    expect(list).toBeInstanceOf(IndexedWatchlist);
    const whole = (await store.load('desk'))!.entries;
    const changed = records.slice(2500, 2510);
    const candidates = list.index.candidates(changed, subscriber.threshold!);
    const narrowed = (await list.narrow(changed)).entries.map((e) => e.key);
    // The invented names share SDN words by design; ten records still leave most of the list out,
    // and of the candidates only the entries that hit are read from their blocks.
    expect(candidates.length).toBeLessThan(whole.length / 2);
    expect(narrowed.length).toBeGreaterThan(0);
    expect(narrowed.length).toBeLessThan(candidates.length);
    expect(list.stats).toMatchObject({ candidates: candidates.length, hitEntries: narrowed.length });
    expect(narrowed.every((key) => candidates.includes(whole.findIndex((e) => e.key === key)))).toBe(true);
    const order = narrowed.map((key) => whole.findIndex((e) => e.key === key));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('leaves out by the score bound the entries sharing one word with a record, keeping those that match', async () => {
    const person = records.find((r) => r.kind === 'person' && r.name.replace(/,/g, ' ').split(/\s+/).length >= 3)!;
    const vessel = records.find((r) => r.kind === 'vessel' && recordSecondary(r).identifiers.length)!;
    const family = person.name.replace(/,/g, ' ').split(/\s+/)[0]!;
    const next = seededRandom(11);
    const invented = () =>
      Array.from({ length: 7 }, (_, i) => 'bcdfglmnprstvz'[Math.floor(next() * 14)]! + (i % 2 ? '' : 'aeiou'[i % 5]!))
        .join('')
        .replace(/^./, (c) => c.toUpperCase());
    const rows = [
      ...Array.from({ length: 400 }, (_, i) => ({
        name: `${invented()} ${family}`,
        reference: `ONE-${i}`,
        kind: 'person',
      })),
      { name: person.name.replace(/,/g, ''), reference: 'SAME', kind: 'person' },
      {
        name: `${vessel.name} Kaspian`,
        reference: 'IDENTIFIED',
        kind: 'vessel',
        identifiers: [
          `${recordSecondary(vessel).identifiers[0]!.scheme}:${recordSecondary(vessel).identifiers[0]!.value}`,
        ],
      },
    ];
    await store.importWatchlist('pruned', watchlistEntries(rows, 'pruned.csv'), 'pruned.csv', 'test', TIME);
    const pruned: WatchlistSubscriber = { id: 'pruned', threshold: 0.8 };
    const list = (await openIndexedWatchlist(store, pruned, { indexedFrom: 0 }))!;
    const references = (await list.narrow([person, vessel])).entries.map((e) => e.reference);
    // All 400 share a graded word with the person; none can reach 0.8 with it alone.
    expect(references).toEqual(['SAME', 'IDENTIFIED']);
    const screener = (indexed: boolean) =>
      new WatchlistLoader(
        store,
        indexed ? (s, sub) => openIndexedWatchlist(s, sub, { indexedFrom: 0 }) : undefined,
      ).screener([pruned]);
    const full = await screenRecords(sdn, [person, vessel], await screener(false), TIME);
    const viaIndex = await screenRecords(sdn, [person, vessel], await screener(true), TIME);
    const hitKeys = full.events.flatMap(({ event }) =>
      (event as unknown as { data: { hits: { entryKey: string }[] } }).data.hits.map((h) => h.entryKey),
    );
    expect(hitKeys.sort()).toEqual(['ref:IDENTIFIED', 'ref:SAME']);
    expect(viaIndex.events).toEqual(full.events);
  }, 120_000);

  it('never mixes versions: a run reading a version replaced meanwhile fails, the next reads the new one', async () => {
    const list = (await openIndexedWatchlist(store, subscriber, { indexedFrom: 0 }))!;
    const before = list.version;
    const replaced = watchlistEntries(
      records.slice(0, 3000).map((r, i) => ({ name: r.name, reference: `V2-${i}` })),
      'customers-v2.csv',
    );
    await store.importWatchlist('desk', replaced, 'customers-v2.csv', 'test', '2026-05-02T00:00:00.000Z');
    const error = await list.narrow(records.slice(0, 50)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WatchlistVersionGoneError);
    expect((error as Error).message).toContain(`version ${before} was replaced during the run`);
    const next = (await openIndexedWatchlist(store, subscriber, { indexedFrom: 0 }))!;
    expect(next.version).not.toBe(before);
    const narrowed = await next.narrow(records.slice(0, 50));
    expect(narrowed.entries.length).toBeGreaterThan(0);
    expect(narrowed.entries.every((e) => e.reference!.startsWith('V2-'))).toBe(true);
  }, 120_000);

  it('refuses a watchlist of more than a million entries, naming the file', () => {
    const rows = Array.from({ length: MAX_WATCHLIST_ENTRIES + 1 }, (_, i) => ({ name: `n${i}` }));
    expect(() => watchlistEntries(rows, 'crm.csv')).toThrow(WatchlistFormatError);
    expect(() => watchlistEntries(rows, 'crm.csv')).toThrow(/crm\.csv.*1000001 entries, more than the 1000000/);
  });
});
