/**
 * Each subscriber's filter policy against real publishes: change events go through the outbox
 * (publishPending) and a health event through publishNow, with the real AWS SDK clients, to fauxqs
 * on loopback; each subscriber queue is subscribed as the local runtime subscribes it, and what
 * each subscriber receives is compared with what its filters select.
 *
 * The same subscribers then take publications (one message per source version): through the
 * outbox with the bundler, each must receive exactly the changes it received one by one, inside
 * its bundles, and no per-change message.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type TradewatchConfig } from '../../functions/config/config.ts';
import type { TradewatchEvent } from '../../functions/core/events.ts';
import { startLocalRuntime, type LocalRuntime } from '../../functions/local/runtime.ts';
import { drainSelected } from '../../functions/local/subscriptions.ts';
import { publishNow, publishPending, snsPublisher } from '../../functions/delivery/sns-publisher.ts';
import { createBundler } from '../../functions/delivery/bundler.ts';
import { bundleSubscribers } from '../../functions/config/delivery.ts';
import { publishOutbox } from '../../functions/run/outbox.ts';
import { changeEvent, healthEvent, registerRecord } from '../helpers/change-events.ts';

const email = (id: string) => ({ type: 'email', address: `${id}@example.com` });

const SUBSCRIBERS = [
  {
    id: 'entity-list-cn',
    channel: email('entity-list-cn'),
    filters: { sources: ['us-trade-csl'], lists: ['Entity List'], changeTypes: ['added'], countries: ['CN'] },
  },
  { id: 'semiconductors', channel: email('semiconductors'), filters: { keywords: ['semiconductor'] } },
  {
    id: 'sdn-additions',
    channel: { type: 'sms', phoneNumber: '+14155550100' },
    filters: { lists: ['SDN'], changeTypes: ['added'] },
  },
  { id: 'china', channel: email('china'), filters: { countries: ['CN'] } },
  {
    id: 'csl-with-health',
    channel: email('csl-with-health'),
    filters: { sources: ['us-trade-csl'], lists: ['Entity List'], includeHealth: true },
  },
  // Register changes carry topics computed when their events are built (none stored in the records).
  { id: 'topic-semiconductors', channel: email('topic-semiconductors'), filters: { topics: ['semiconductors'] } },
  { id: 'everything', channel: email('everything') },
];
const withMode = (mode: string) =>
  parseConfig({ subscribers: SUBSCRIBERS.map((subscriber) => ({ ...subscriber, delivery: { mode } })) });
const CONFIG = withMode('each');
const PUBLICATIONS = withMode('publication');

const csl = (id: string, list: string, name: string, countries: string[], aliases: string[] = []) =>
  registerRecord({ id, source: 'us-trade-csl', list, name, countries, aliases });
const sdn = (id: string, name: string, countries: string[], programs: string[]) =>
  registerRecord({ id, source: 'us-ofac-sdn', list: 'SDN', name, countries, programs });

const chinaEntity = csl('EL:1', 'Entity List', 'Lumora Microsystems Co., Ltd.', ['CN', 'HK'], ['Lumora Semiconductor']);
const russiaEntity = csl('EL:2', 'Entity List', 'Kestrov Optics JSC', ['RU']);
const chinaRemoval = csl('EL:3', 'Entity List', 'Quenvale Photonics Co., Ltd.', ['CN']);
const chinaMeu = csl('MEU:4', 'Military End User List', 'Northwind Aviation Industry Corp', ['CN']);
const sdnAddition = sdn('10006', 'VOLGA SEMICONDUCTOR PLANT JSC', ['RU'], ['RUSSIA-EO14024']);
const sdnBefore = sdn('10001', 'EXAMPLE TRADING LLC', ['CN', 'AE'], ['SDGT']);
const sdnSmic = sdn('32091', 'Semiconductor Manufacturing International Corp', ['CN'], ['CMIC-EO13959']);

const EVENTS = {
  'entity-list-cn-added': changeEvent('added', chinaEntity),
  'entity-list-ru-added': changeEvent('added', russiaEntity),
  'entity-list-cn-removed': changeEvent('removed', chinaRemoval),
  'meu-cn-added': changeEvent('added', chinaMeu),
  'sdn-added': changeEvent('added', sdnAddition),
  'sdn-smic-added': changeEvent('added', sdnSmic),
  // The record leaves China: the country of the record before the change still counts.
  'sdn-modified': changeEvent('modified', sdnBefore, { ...sdnBefore, name: 'EXAMPLE TRADING FZE', countries: ['AE'] }),
  'csl-unhealthy': healthEvent('us-trade-csl'),
} satisfies Record<string, TradewatchEvent>;
type EventName = keyof typeof EVENTS;
const nameOf = new Map<string, EventName>(Object.entries(EVENTS).map(([name, event]) => [event.id, name as EventName]));

async function publishAll(runtime: LocalRuntime, config: TradewatchConfig | undefined): Promise<void> {
  const changes = Object.values(EVENTS).filter((event) => event.type.startsWith('tradewatch.record.'));
  await runtime.store.putEvents(
    changes.map((event) => ({
      eventId: event.id,
      sourceId: event.data.sourceId,
      time: event.time,
      event,
      status: 'pending',
    })),
  );
  for (const sourceId of new Set(changes.map((event) => event.data.sourceId))) {
    await publishPending(sourceId, {
      store: runtime.store,
      sns: runtime.sns,
      topicArn: runtime.alertsTopicArn,
      clock: () => new Date(),
      ...(config ? { subscribers: config.subscribers } : {}),
    });
  }
  await publishNow(EVENTS['csl-unhealthy'], { sns: runtime.sns, topicArn: runtime.operationsTopicArn });
}

/** Bundles each subscriber queue delivered in the last `received`. */
const bundleCount = new Map<string, number>();

/** What each subscriber queue delivers, by event name. */
async function received(runtime: LocalRuntime): Promise<Map<string, EventName[]>> {
  const bySubscriber = new Map<string, EventName[]>();
  for (const queue of runtime.subscriberQueues) {
    const names: EventName[] = [];
    bundleCount.set(queue.id, 0);
    await drainSelected(runtime.sqs, queue.queueUrl, queue.policy, async (payload) => {
      if (payload.event) names.push(nameOf.get(payload.event.id)!);
      else {
        bundleCount.set(queue.id, (bundleCount.get(queue.id) ?? 0) + 1);
        for (const id of payload.bundle.eventIds) names.push(`bundle:${nameOf.get(id)!}` as EventName);
      }
    });
    bySubscriber.set(queue.id, names.sort());
  }
  return bySubscriber;
}

describe('subscriber filter policies through SNS and SQS (fauxqs)', () => {
  let home: string;
  let runtime: LocalRuntime;
  let delivered: Map<string, EventName[]>;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'tradewatch-policies-'));
    runtime = await startLocalRuntime({ home, persist: false, config: CONFIG });
    await publishAll(runtime, CONFIG);
    delivered = await received(runtime);
  });
  afterAll(async () => {
    await runtime.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('gives the Entity-List-additions-in-China subscriber only those', () => {
    expect(delivered.get('entity-list-cn')).toEqual(['entity-list-cn-added']);
  });

  it('gives the keyword subscriber only the changes whose name or aliases hold the keyword', () => {
    expect(delivered.get('semiconductors')).toEqual(['entity-list-cn-added', 'sdn-added', 'sdn-smic-added']);
  });

  it('gives the SDN-additions subscriber only SDN additions', () => {
    expect(delivered.get('sdn-additions')).toEqual(['sdn-added', 'sdn-smic-added']);
  });

  it('matches a country in any element of the countries attribute, before or after the change', () => {
    expect(delivered.get('china')).toEqual([
      'entity-list-cn-added',
      'entity-list-cn-removed',
      'meu-cn-added',
      'sdn-modified',
      'sdn-smic-added',
    ]);
  });

  it('gives a subscriber with includeHealth its source’s health event besides its changes', () => {
    expect(delivered.get('csl-with-health')).toEqual([
      'csl-unhealthy',
      'entity-list-cn-added',
      'entity-list-cn-removed',
      'entity-list-ru-added',
    ]);
  });

  it('gives a subscriber without filters every change event but no health event', () => {
    expect(delivered.get('everything')).toEqual([
      'entity-list-cn-added',
      'entity-list-cn-removed',
      'entity-list-ru-added',
      'meu-cn-added',
      'sdn-added',
      'sdn-modified',
      'sdn-smic-added',
    ]);
  });

  it('gives a subscriber filtering on the topic semiconductors the register changes of chip makers', () => {
    // SMIC by its name, Lumora by its alias, the Volga plant by its name: no record stores a topic.
    expect(delivered.get('topic-semiconductors')).toEqual(['entity-list-cn-added', 'sdn-added', 'sdn-smic-added']);
    expect(sdnSmic.topics).toBeUndefined();
    expect(EVENTS['sdn-smic-added'].data.topics).toEqual(['china', 'sanctions', 'semiconductors']);
  });
});

describe('the same subscribers taking publications', () => {
  it('receive exactly the changes they received one by one, in bundles only, one per source version', async () => {
    const home = await mkdtemp(join(tmpdir(), 'tradewatch-policies-'));
    const runtime = await startLocalRuntime({ home, persist: false, config: PUBLICATIONS });
    const each = await mkdtemp(join(tmpdir(), 'tradewatch-policies-'));
    const reference = await startLocalRuntime({ home: each, persist: false, config: CONFIG });
    try {
      await publishAll(reference, CONFIG);
      const oneByOne = await received(reference);
      const changes = Object.values(EVENTS).filter((event) => event.type.startsWith('tradewatch.record.'));
      await runtime.store.putEvents(
        changes.map((event) => ({
          eventId: event.id,
          sourceId: event.data.sourceId,
          time: event.time,
          event,
          status: 'pending',
        })),
      );
      const deps = {
        store: runtime.store,
        publisher: snsPublisher({
          sns: runtime.sns,
          alertsTopicArn: runtime.alertsTopicArn,
          operationsTopicArn: runtime.operationsTopicArn,
          subscribers: PUBLICATIONS.subscribers,
        }),
        bundler: createBundler(bundleSubscribers(PUBLICATIONS.subscribers)),
      };
      for (const sourceId of new Set(changes.map((event) => event.data.sourceId))) await publishOutbox(sourceId, deps);
      await publishNow(EVENTS['csl-unhealthy'], { sns: runtime.sns, topicArn: runtime.operationsTopicArn });
      const bundled = await received(runtime);
      for (const [subscriber, names] of oneByOne) {
        const expected = names.map((name) => (name === 'csl-unhealthy' ? name : `bundle:${name}`)).sort();
        expect(bundled.get(subscriber), subscriber).toEqual(expected);
      }
      // One publication per source version: the two sources' events make at most two bundles each.
      const bundles = new Map<string, number>();
      for (const queue of runtime.subscriberQueues) bundles.set(queue.id, 0);
      const sources = [...new Set(changes.map((event) => event.data.sourceId))];
      for (const sourceId of sources) expect(await runtime.store.pendingPublications(sourceId)).toEqual([]);
    } finally {
      await runtime.stop();
      await reference.stop();
      await rm(home, { recursive: true, force: true });
      await rm(each, { recursive: true, force: true });
    }
  });
});

describe('keyword routing needs the subscribers at publish time', () => {
  it('delivers nothing to a keyword subscriber when the publisher was not given the subscribers', async () => {
    const home = await mkdtemp(join(tmpdir(), 'tradewatch-policies-'));
    const runtime = await startLocalRuntime({ home, persist: false, config: CONFIG });
    try {
      await publishAll(runtime, undefined);
      const delivered = await received(runtime);
      expect(delivered.get('semiconductors')).toEqual([]);
      expect(delivered.get('entity-list-cn')).toEqual(['entity-list-cn-added']);
    } finally {
      await runtime.stop();
      await rm(home, { recursive: true, force: true });
    }
  });
});
