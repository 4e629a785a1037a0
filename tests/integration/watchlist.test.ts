/**
 * Watchlists end to end, through the real pipeline, DynamoDB (dynalite or DynamoDB Local) and SNS/SQS
 * (fauxqs): each subscriber's queue is subscribed with its own filter policy, and the emulator itself
 * routes on `matchedWatchlists` and `changeType` (single-valued attributes).
 *
 *  v1 baseline: a stored record matches globex's watchlist → globex gets one `listed` hit (the
 *     initial screening), acme nothing.
 *  v2: Lumora (acme's counterparty, in another spelling) and Nova Tech are added → acme gets both
 *     hits, globex none, the catch-all subscriber the two plain additions and no hit.
 *  acme marks Nova Tech "not a match"; the watchlist is edited and re-imported → the initial
 *     screening finds Nova Tech again and says nothing; Lumora, already reported, is not repeated.
 *  v3: Nova Tech's record changes → the decision no longer holds: acme is told.
 *  v4: Lumora is delisted → acme is told it was delisted.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filterPolicyFor, parseConfig, watchlistSubscribers } from '../../functions/config/config.ts';
import {
  isChangeEvent,
  isHitEvent,
  type TradewatchEvent,
  type WatchlistHitEvent,
} from '../../functions/core/events.ts';
import { startLocalRuntime, type DeliveredAlert, type LocalRuntime } from '../../functions/local/runtime.ts';
import { deliverQueued } from '../../functions/local/delivery.ts';
import { processVersion } from '../../functions/run/process-version.ts';
import { type PipelineDeps } from '../../functions/run/ports.ts';
import { contentHash } from '../../functions/core/records.ts';
import { watchlistEntries } from '../../functions/watchlist/file.ts';
import { WatchlistStore } from '../../functions/aws/watchlist-store.ts';
import { toyCsv, toySource, toyVersion } from '../helpers/toy-source.ts';
import { snsPublisher } from '../../functions/delivery/sns-publisher.ts';

const config = parseConfig({
  subscribers: [
    // One message per hit and per change here (publications of hits are tested in bundles.test.ts).
    {
      id: 'acme',
      channel: { type: 'email', address: 'compliance@acme.example' },
      watchlist: { threshold: 0.85 },
      delivery: { mode: 'each' },
    },
    { id: 'globex', channel: { type: 'sms', phoneNumber: '+14155550123' }, watchlist: {}, delivery: { mode: 'each' } },
    { id: 'all-changes', channel: { type: 'email', address: 'desk@example.com' }, delivery: { mode: 'each' } },
  ],
});

const ACME = watchlistEntries(
  [
    { name: 'Lumora Microsystems', countries: 'CN', kind: 'organization', reference: 'A-100' },
    { name: 'Nova Tech', kind: 'organization', reference: 'A-200' },
  ],
  'acme.csv',
);
const GLOBEX = watchlistEntries([{ name: 'Orion Maritime Shipping', reference: 'G-1' }], 'globex.csv');

const V1 = toyCsv([
  ['1', 'ORION MARITIME SHIPPING LTD', 'GR', 'IRAN'],
  ['2', 'Harbor Logistics', 'AE', 'IRAN'],
]);
const V2 = toyCsv([
  ['1', 'ORION MARITIME SHIPPING LTD', 'GR', 'IRAN'],
  ['2', 'Harbor Logistics', 'AE', 'IRAN'],
  ['3', 'LUMORA MICRO-SYSTEMS CO. LTD.', 'CN', 'EAR'],
  ['4', 'NOVA TECH LLC', 'US', 'EAR'],
]);
const V3 = V2.replace('4,NOVA TECH LLC,US,EAR', '4,NOVA TECH LLC,US,RUSSIA-EO14024');
const V4 = V3.replace('3,LUMORA MICRO-SYSTEMS CO. LTD.,CN,EAR\n', '');

describe('watchlists through the pipeline, DynamoDB and SNS/SQS', () => {
  let home: string;
  let runtime: LocalRuntime;
  let deps: PipelineDeps;
  let watchlists: WatchlistStore;
  const rounds: DeliveredAlert[][] = [];

  const received = (round: number, subscriber: string): TradewatchEvent[] =>
    rounds[round]!.flatMap((a) => (a.delivery?.subscriber === subscriber && a.event ? [a.event] : []));
  const hits = (round: number, subscriber: string): WatchlistHitEvent[] =>
    received(round, subscriber).filter(isHitEvent);
  const summary = (events: TradewatchEvent[]): string[] =>
    events.map((e) =>
      isHitEvent(e)
        ? `${e.data.hitType} ${e.data.name} ← ${e.data.hits.map((h) => h.reference).join(',')}`
        : isChangeEvent(e)
          ? `change ${e.data.changeType} ${e.data.name}`
          : e.type,
    );

  async function run(body: string): Promise<void> {
    const meta = await runtime.store.getMeta(toySource.id);
    const report = await processVersion(toySource, toyVersion(body), meta, deps);
    expect(report.status).not.toBe('failed');
    rounds.push(await deliverQueued(runtime, () => undefined));
  }

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'tradewatch-watchlist-'));
    runtime = await startLocalRuntime({ home, persist: false, config });
    deps = {
      store: runtime.store,
      publisher: snsPublisher({
        sns: runtime.sns,
        alertsTopicArn: runtime.alertsTopicArn,
        operationsTopicArn: runtime.operationsTopicArn,
      }),
      watchlistSubscribers: watchlistSubscribers(config),
    };
    watchlists = new WatchlistStore(runtime.store);
    await watchlists.importWatchlist('acme', ACME, 'acme.csv', 'jane@acme.example', '2026-11-01T00:00:00.000Z');
    await watchlists.importWatchlist('globex', GLOBEX, 'globex.csv', 'ops@globex.example', '2026-11-01T00:00:00.000Z');
    await run(V1); // round 0
    await run(V2); // round 1
    const nova = (await runtime.store.loadRecords(toySource.id, ['4'])).get('4')!;
    await watchlists.decide('acme', {
      sourceId: toySource.id,
      recordId: '4',
      entryKey: 'ref:A-200',
      decision: 'not-a-match',
      recordHash: contentHash(nova),
      by: 'jane@acme.example',
      at: '2026-11-02T09:00:00.000Z',
      reason: 'Nova Tech LLC is a US firm; our Nova Tech is in Singapore',
    });
    const edited = watchlistEntries(
      [
        ...ACME.map((e) => ({ name: e.name, countries: e.countries, kind: e.kind, reference: e.reference })),
        { name: 'Harbour Logistic', reference: 'A-300' },
      ],
      'acme.csv',
    );
    await watchlists.importWatchlist('acme', edited, 'acme.csv', 'jane@acme.example', '2026-11-02T10:00:00.000Z');
    await run(V2.replace('Harbor Logistics,AE,IRAN', 'Harbor Logistics,AE,IRAN')); // same bytes: unchanged; round 2 = the initial screening of the edit
    await run(V3); // round 3
    await run(V4); // round 4
  }, 120_000);

  afterAll(async () => {
    await runtime.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('subscribes each watchlist subscriber to its own hits only', () => {
    expect(filterPolicyFor(config.subscribers[0]!)).toEqual({
      changeType: ['watchlist-added', 'watchlist-removed', 'watchlist-modified', 'watchlist-listed'],
      matchedWatchlists: ['acme'],
    });
  });

  it('screens the baseline once stored: globex hears its counterparty is listed, acme nothing', () => {
    expect(summary(received(0, 'globex'))).toEqual(['listed ORION MARITIME SHIPPING LTD ← G-1']);
    expect(received(0, 'acme')).toEqual([]);
    expect(received(0, 'all-changes')).toEqual([]);
  });

  it('sends a hit on an added record to that subscriber only, with the score and why', () => {
    expect(summary(received(1, 'acme')).sort()).toEqual([
      'added LUMORA MICRO-SYSTEMS CO. LTD. ← A-100',
      'added NOVA TECH LLC ← A-200',
    ]);
    expect(received(1, 'globex')).toEqual([]);
    expect(summary(received(1, 'all-changes')).sort()).toEqual([
      'change added LUMORA MICRO-SYSTEMS CO. LTD.',
      'change added NOVA TECH LLC',
    ]);
    const lumora = hits(1, 'acme').find((e) => e.data.recordId === '3')!;
    expect(lumora.data.hits[0]).toMatchObject({
      entryKey: 'ref:A-100',
      entryName: 'Lumora Microsystems',
      recordName: 'LUMORA MICRO-SYSTEMS CO. LTD.',
    });
    expect(lumora.data.hits[0]!.score).toBeGreaterThanOrEqual(0.85);
    expect(lumora.data.hits[0]!.explanation.length).toBeGreaterThan(0);
    const text = rounds[1]!.find(
      (a) => a.delivery?.subscriber === 'acme' && a.event && isHitEvent(a.event) && a.event.data.recordId === '3',
    )!.delivery!.text;
    expect(text).toContain('Lumora Microsystems [A-100]');
  });

  it('does not alert a hit marked not a match again, nor one already reported, when the watchlist is edited', () => {
    // Only the new entry is news: Harbour Logistic ~ Harbor Logistics.
    expect(summary(received(2, 'acme'))).toEqual(['listed Harbor Logistics ← A-300']);
    expect(received(2, 'globex')).toEqual([]);
  });

  it('alerts the dismissed hit again once the listed record changes', () => {
    expect(summary(received(3, 'acme'))).toEqual(['modified NOVA TECH LLC ← A-200']);
    expect(hits(3, 'acme')[0]!.data.fields.map((f) => f.field)).toContain('programs');
  });

  it('tells the subscriber a former hit was delisted', () => {
    expect(summary(received(4, 'acme'))).toEqual(['removed LUMORA MICRO-SYSTEMS CO. LTD. ← A-100']);
    const text = rounds[4]!.find((a) => a.delivery?.subscriber === 'acme')!.delivery!.text;
    expect(text).toContain('DELISTED');
    expect(received(4, 'globex')).toEqual([]);
  });

  it('keeps the decisions and imports as an audit trail', async () => {
    const trail = await watchlists.audit('acme');
    expect(trail.map((e) => `${e.action} ${e.by}`)).toEqual([
      'import jane@acme.example',
      'not-a-match jane@acme.example',
      'import jane@acme.example',
    ]);
    expect(trail[1]).toMatchObject({
      sourceId: toySource.id,
      recordId: '4',
      entryKey: 'ref:A-200',
      reason: expect.stringContaining('Singapore'),
    });
  });
});
