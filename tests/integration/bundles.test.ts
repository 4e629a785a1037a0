/**
 * Publications and digests through the real pipeline parts: the outbox with the bundler writes
 * them to DynamoDB (dynalite), the SNS publisher sends them through fauxqs, and the local delivery
 * writes each subscriber's email file once per bundle id. Clocks are injected; crashes are
 * injected by making one store or publisher call throw (a fault no emulator produces), and the
 * run is then repeated as the next scheduled run would.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig, type TradewatchConfig } from '../../functions/config/config.ts';
import { bundleSubscribers, digestSubscribers } from '../../functions/config/delivery.ts';
import type { StoredEvent } from '../../functions/core/events.ts';
import { createBundler } from '../../functions/delivery/bundler.ts';
import { createDigestRenderer } from '../../functions/delivery/digest-renderer.ts';
import { localPublisher } from '../../functions/local/delivery.ts';
import { startLocalRuntime, type LocalRuntime } from '../../functions/local/runtime.ts';
import { runDigests, sourceChecks, type DigestDeps, type DigestStore } from '../../functions/run/digest.ts';
import { publishOutbox } from '../../functions/run/outbox.ts';
import type { EventPublisher, PipelineDeps, SourceStore } from '../../functions/run/ports.ts';
import { changeEvent, registerRecord } from '../helpers/change-events.ts';

const SOURCE = 'us-trade-csl';
const LONDON_DAILY = {
  id: 'morning',
  channel: { type: 'email', address: 'desk@example.com' },
  delivery: { mode: 'daily', at: '08:00', timeZone: 'Europe/London' },
};

const runtimes: { runtime: LocalRuntime; home: string }[] = [];
afterEach(async () => {
  for (const { runtime, home } of runtimes.splice(0)) {
    await runtime.stop();
    await rm(home, { recursive: true, force: true });
  }
});

async function start(config: TradewatchConfig): Promise<LocalRuntime> {
  const home = await mkdtemp(join(tmpdir(), 'tradewatch-bundles-'));
  const runtime = await startLocalRuntime({ home, persist: false, config });
  runtimes.push({ runtime, home });
  return runtime;
}

/** One change event per name, of one CSL version at `time`. */
function version(time: string, names: readonly string[], countries = ['CN']): StoredEvent[] {
  return names.map((name) => {
    const record = registerRecord({ id: `EL:${name}`, source: SOURCE, list: 'Entity List', name, countries });
    const event = { ...changeEvent('added', record), time };
    return { eventId: event.id, sourceId: SOURCE, time, event, status: 'pending' as const };
  });
}

function pipeline(runtime: LocalRuntime, config: TradewatchConfig, publisher?: EventPublisher): PipelineDeps {
  return {
    store: runtime.store,
    publisher: publisher ?? localPublisher(runtime, () => undefined),
    bundler: createBundler(bundleSubscribers(config.subscribers)),
  };
}

/** Stores a version's events and runs the outbox, as a poll does after its commit. */
async function poll(runtime: LocalRuntime, deps: PipelineDeps, events: StoredEvent[]): Promise<void> {
  await runtime.store.putEvents(events);
  await publishOutbox(SOURCE, deps);
}

function digestDeps(runtime: LocalRuntime, at: string, store: DigestStore = runtime.store.bundles): DigestDeps {
  return {
    store,
    publisher: localPublisher(runtime, () => undefined),
    render: createDigestRenderer(() =>
      sourceChecks(runtime.store, [{ id: SOURCE, title: 'Consolidated Screening List' }]),
    ),
    clock: () => new Date(at),
  };
}

const outboxFile = (runtime: LocalRuntime, subscriber: string) =>
  readFile(join(runtime.outboxDir, `${subscriber}.email.txt`), 'utf8').catch(() => '');
const bundleIds = (text: string) => [...text.matchAll(/^Bundle-Id: (\S+)$/gm)].map((m) => m[1]);

describe('daily digests at 08:00 Europe/London across the end of summer time', () => {
  it('covers exactly the changes since the previous digest, slot by slot', async () => {
    const config = parseConfig({ subscribers: [LONDON_DAILY] });
    const runtime = await start(config);
    const deps = pipeline(runtime, config);
    const [subscriber] = digestSubscribers(config.subscribers);
    // 08:00 London is 07:00Z on Saturday 24 October 2026 (BST), 08:00Z from Sunday 25 (GMT).
    await poll(runtime, deps, version('2026-10-24T06:59:59.000Z', ['Alder']));
    await poll(runtime, deps, version('2026-10-24T07:00:00.000Z', ['Birch']));
    await poll(runtime, deps, version('2026-10-24T07:00:01.000Z', ['Cedar']));
    await poll(runtime, deps, version('2026-10-25T07:30:00.000Z', ['Dogwood', 'Elm']));
    await poll(runtime, deps, version('2026-10-25T08:00:01.000Z', ['Fir']));

    // The publications of each-mode subscribers are not what a digest subscriber gets: nothing yet.
    expect(await outboxFile(runtime, 'morning')).toBe('');

    const runAt = async (at: string) => (await runDigests([subscriber!], digestDeps(runtime, at)))[0]!;
    expect(await runAt('2026-10-24T07:00:30.000Z')).toMatchObject({
      status: 'sent',
      slot: '2026-10-24T07:00:00.000Z',
      changes: 2,
    });
    expect(await runAt('2026-10-24T12:00:00.000Z')).toMatchObject({
      status: 'not-due',
      next: '2026-10-25T08:00:00.000Z',
    });
    // 07:30Z on the 25th is before that day's 08:00 GMT: not due (a digest at 07:00Z would be a
    // summer-time slot on a winter day).
    expect(await runAt('2026-10-25T07:30:00.000Z')).toMatchObject({ status: 'not-due' });
    expect(await runAt('2026-10-25T08:00:30.000Z')).toMatchObject({
      status: 'sent',
      slot: '2026-10-25T08:00:00.000Z',
      changes: 3,
    });
    expect(await runAt('2026-10-26T08:05:00.000Z')).toMatchObject({
      status: 'sent',
      slot: '2026-10-26T08:00:00.000Z',
      changes: 1,
    });

    const digests = (await runtime.store.bundles.listDigests('morning')).reverse();
    const names = (eventIds: readonly string[]) =>
      eventIds.map((id) => [...runtimeEvents.values()].find((e) => e.eventId === id)?.event.subject).sort();
    const runtimeEvents = new Map(
      [
        ...version('2026-10-24T06:59:59.000Z', ['Alder']),
        ...version('2026-10-24T07:00:00.000Z', ['Birch']),
        ...version('2026-10-24T07:00:01.000Z', ['Cedar']),
        ...version('2026-10-25T07:30:00.000Z', ['Dogwood', 'Elm']),
        ...version('2026-10-25T08:00:01.000Z', ['Fir']),
      ].map((stored) => [stored.eventId, stored]),
    );
    expect(digests.map((d) => names(d.bundle.eventIds))).toEqual([
      ['EL:Alder', 'EL:Birch'],
      ['EL:Cedar', 'EL:Dogwood', 'EL:Elm'],
      ['EL:Fir'],
    ]);
    // 23 and 25 hours: the periods follow the local clock, not a fixed 24 h.
    expect(digests.map((d) => d.bundle.period)).toEqual([
      { from: null, to: '2026-10-24T07:00:00.000Z' },
      { from: '2026-10-24T07:00:00.000Z', to: '2026-10-25T08:00:00.000Z' },
      { from: '2026-10-25T08:00:00.000Z', to: '2026-10-26T08:00:00.000Z' },
    ]);
    const email = await outboxFile(runtime, 'morning');
    expect(bundleIds(email)).toEqual(digests.map((d) => d.bundle.id));
    expect(email).toContain('Elm');
  });

  it('sends a quiet day’s digest only with sendEmpty, listing the sources checked', async () => {
    const config = parseConfig({
      subscribers: [
        { ...LONDON_DAILY, id: 'quiet' },
        {
          ...LONDON_DAILY,
          id: 'evidence',
          delivery: { mode: 'daily', at: '18:00', timeZone: 'Asia/Tokyo', sendEmpty: true },
        },
      ],
    });
    const runtime = await start(config);
    const subscribers = digestSubscribers(config.subscribers);
    const outcomes = await runDigests(subscribers, digestDeps(runtime, '2026-12-03T09:00:30.000Z'));
    expect(outcomes.map((o) => [o.subscriberId, o.status])).toEqual([
      ['quiet', 'quiet'],
      ['evidence', 'sent'],
    ]);
    expect(await outboxFile(runtime, 'quiet')).toBe('');
    const evidence = await outboxFile(runtime, 'evidence');
    expect(bundleIds(evidence)).toHaveLength(1);
    expect(evidence).toMatch(/Consolidated Screening List/);
  });
});

/** Makes the `call`-th call of `method` throw once (a crash at that point), then behave. */
function crashing<T extends object>(target: T, method: keyof T, call = 1): T {
  let calls = 0;
  return new Proxy(target, {
    get(object, key, receiver) {
      const value = Reflect.get(object, key, receiver);
      if (key !== method || typeof value !== 'function')
        return typeof value === 'function' ? value.bind(object) : value;
      return (...args: unknown[]) => {
        calls += 1;
        if (calls === call) throw new Error(`injected crash in ${String(method)}`);
        return (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
}

describe('a digest interrupted at any step is sent exactly once by the next run', () => {
  const steps: { step: string; store?: keyof DigestStore; call?: number; publisher?: boolean }[] = [
    { step: 'before the state names it', store: 'setDigestState', call: 1 },
    { step: 'between the state naming it and its write', store: 'putDigest' },
    { step: 'at its publish', publisher: true },
    { step: 'after its publish, before it is marked sent', store: 'markDigestSent' },
    { step: 'after it is marked sent, before its changes leave the accumulation', store: 'deleteDigestEntries' },
    { step: 'at the last state write', store: 'setDigestState', call: 2 },
  ];
  for (const { step, store, call, publisher } of steps) {
    for (const rerun of ['at once', 'only at the next day’s slot'] as const) {
      it(`a crash ${step}, run again ${rerun}`, async () => {
        const config = parseConfig({ subscribers: [LONDON_DAILY] });
        const runtime = await start(config);
        const [subscriber] = digestSubscribers(config.subscribers);
        const deps = pipeline(runtime, config);
        await poll(runtime, deps, version('2026-12-02T10:00:00.000Z', ['Alder', 'Birch', 'Cedar']));
        const at = '2026-12-03T08:00:10.000Z';
        const crashed = digestDeps(runtime, at, store ? crashing(runtime.store.bundles, store, call) : undefined);
        if (publisher) crashed.publisher = crashing(crashed.publisher, 'publishBundle');
        await expect(runDigests([subscriber!], crashed)).rejects.toThrow(/injected crash/);
        // A change stored after the slot belongs to the next digest, whatever the crash left.
        await poll(runtime, deps, version('2026-12-03T12:00:00.000Z', ['Dogwood']));

        const later = rerun === 'at once' ? at : '2026-12-04T08:00:10.000Z';
        const [outcome] = await runDigests([subscriber!], digestDeps(runtime, later));
        if (rerun === 'at once')
          expect(outcome!.status === 'sent' || outcome!.finishedEarlier !== undefined).toBe(true);
        // A crash before anything was written is a digest never begun: the next one covers both days.
        const begun = !step.startsWith('before the state');
        if (rerun !== 'at once')
          expect(outcome).toMatchObject({
            status: 'sent',
            slot: '2026-12-04T08:00:00.000Z',
            changes: begun ? 1 : 4,
            ...(begun ? { finishedEarlier: '2026-12-03T08:00:00.000Z' } : {}),
          });
        expect(await runDigests([subscriber!], digestDeps(runtime, later))).toMatchObject([{ status: 'not-due' }]);

        const digests = (await runtime.store.bundles.listDigests('morning')).reverse();
        const expected = rerun === 'at once' ? [3] : begun ? [3, 1] : [4];
        expect(digests.map((d) => [d.status, d.bundle.eventIds.length])).toEqual(expected.map((n) => ['sent', n]));
        expect(bundleIds(await outboxFile(runtime, 'morning'))).toEqual(digests.map((d) => d.bundle.id));
        const left = await runtime.store.bundles.digestEntries('morning', '2099-01-01T00:00:00.000Z');
        expect(left.map((entry) => entry.event.subject)).toEqual(rerun === 'at once' ? ['EL:Dogwood'] : []);
      });
    }
  }
});

describe('a publication interrupted at any step is sent exactly once by the next run', () => {
  const steps: { step: string; store?: keyof SourceStore; publisher?: keyof EventPublisher }[] = [
    { step: 'before it is written', store: 'putPublications' },
    { step: 'after it is written, at the per-change messages', publisher: 'publishPending' },
    { step: 'at its publish', publisher: 'publishBundle' },
    { step: 'after its publish, before it is marked sent', store: 'markPublicationSent' },
    { step: 'before the outbox flag is cleared', store: 'setOutboxPending' },
  ];
  for (const { step, store, publisher } of steps) {
    it(`a crash ${step}`, async () => {
      const config = parseConfig({
        subscribers: [{ id: 'desk', channel: { type: 'email', address: 'desk@example.com' } }],
      });
      const runtime = await start(config);
      const events = version('2026-12-02T10:00:00.000Z', ['Alder', 'Birch', 'Cedar']);
      await runtime.store.putEvents(events);
      const deps = pipeline(runtime, config);
      const crashed: PipelineDeps = {
        ...deps,
        ...(store ? { store: crashing(runtime.store as SourceStore, store) } : {}),
        ...(publisher ? { publisher: crashing(deps.publisher, publisher) } : {}),
      };
      await expect(publishOutbox(SOURCE, crashed)).rejects.toThrow(/injected crash/);
      await publishOutbox(SOURCE, deps);
      await publishOutbox(SOURCE, deps);

      const email = await outboxFile(runtime, 'desk');
      expect(bundleIds(email)).toHaveLength(1);
      expect(email).toMatch(/Subject: Consolidated Screening List 2026-12-02: 3 added/);
      for (const name of ['Alder', 'Birch', 'Cedar']) expect(email).toContain(name);
      expect(await runtime.store.pendingPublications(SOURCE)).toEqual([]);
    });
  }
});

describe('watchlist hits of a digest subscriber', () => {
  it('go out at once, all hits of a version in one message, unless the subscriber lets them wait', async () => {
    const watchlist = { entries: [{ name: 'Alder' }, { name: 'Birch' }, { name: 'Cedar' }] };
    const config = parseConfig({
      subscribers: [
        { ...LONDON_DAILY, id: 'urgent', watchlist },
        { ...LONDON_DAILY, id: 'patient', watchlist, delivery: { ...LONDON_DAILY.delivery, urgentHits: false } },
      ],
    });
    const runtime = await start(config);
    const deps = pipeline(runtime, config);
    const changes = version('2026-12-02T10:00:00.000Z', ['Alder', 'Birch', 'Cedar']);
    // The hits watchlist/screening.ts makes of this version's changes, one per change and subscriber.
    const hits = (subscriberId: string): StoredEvent[] =>
      changes.map((stored) => {
        const event = {
          ...stored.event,
          id: `${stored.eventId}-${subscriberId}`,
          type: 'tradewatch.watchlist.hit' as const,
          data: {
            ...stored.event.data,
            subscriberId,
            hitType: 'added' as const,
            threshold: 0.8,
            recordHash: 'hash',
            hits: [],
          },
        };
        return { ...stored, eventId: event.id, event } as StoredEvent;
      });
    await poll(runtime, deps, [...changes, ...hits('urgent'), ...hits('patient')]);

    const urgent = await outboxFile(runtime, 'urgent');
    expect(bundleIds(urgent)).toHaveLength(1);
    expect(urgent).toMatch(/Subject: Consolidated Screening List 2026-12-02: 3 /);
    expect(await outboxFile(runtime, 'patient')).toBe('');
    expect(await runtime.store.bundles.digestEntries('urgent', '2099-01-01T00:00:00.000Z')).toEqual([]);
    expect(await runtime.store.bundles.digestEntries('patient', '2099-01-01T00:00:00.000Z')).toHaveLength(3);

    const outcomes = await runDigests(
      digestSubscribers(config.subscribers),
      digestDeps(runtime, '2026-12-03T08:00:30.000Z'),
    );
    expect(outcomes.map((o) => [o.subscriberId, o.status])).toEqual([
      ['urgent', 'quiet'],
      ['patient', 'sent'],
    ]);
    expect(bundleIds(await outboxFile(runtime, 'patient'))).toHaveLength(1);
  });
});
