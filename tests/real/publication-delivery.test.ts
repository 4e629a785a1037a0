/**
 * The big days replayed through the whole local pipeline (dynalite, fauxqs, local
 * delivery) with the default delivery: one email per publication for a subscriber without
 * filters, one SMS line per publication for a subscriber of SDN additions.
 *
 * - OFAC SDN 2022-02-24 → 2022-02-25 (91 designations, 4 changes): exactly one email and one SMS;
 * - the UN list 2018-10-29 → 2022-09-15 (857 changes): one email per subscriber, within SNS's
 *   256 KB, saying how many changes it holds.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type TradewatchConfig } from '../../functions/config/config.ts';
import { bundleSubscribers } from '../../functions/config/delivery.ts';
import type { Bundle } from '../../functions/core/bundles.ts';
import { createBundler } from '../../functions/delivery/bundler.ts';
import { bundleMessage } from '../../functions/delivery/sns-publisher.ts';
import { localPublisher } from '../../functions/local/delivery.ts';
import { startLocalRuntime, type LocalRuntime } from '../../functions/local/runtime.ts';
import { replayPaths } from '../../functions/run/poll.ts';
import type { PipelineDeps } from '../../functions/run/ports.ts';
import { findSource } from '../../functions/sources/registry.ts';
import { realFixture } from '../real-fixtures.ts';

const SNS_MAX_BYTES = 256 * 1024;

interface Replay {
  runtime: LocalRuntime;
  home: string;
  /** Every bundle the publisher sent, with its SNS message's size. */
  sent: { bundle: Bundle; bytes: number }[];
}

async function replay(config: TradewatchConfig, sourceId: string, files: [string, string, string][]): Promise<Replay> {
  const home = await mkdtemp(join(tmpdir(), 'tradewatch-real-publication-'));
  const runtime = await startLocalRuntime({ home, persist: false, config });
  const sent: Replay['sent'] = [];
  const publisher = localPublisher(runtime, () => undefined);
  const observed = {
    ...publisher,
    async publishBundle(bundle: Bundle) {
      sent.push({ bundle, bytes: Buffer.byteLength(bundleMessage(bundle).Message) });
      return publisher.publishBundle(bundle);
    },
  };
  for (const [file, at] of files) {
    const deps: PipelineDeps = {
      store: runtime.store,
      publisher: observed,
      bundler: createBundler(bundleSubscribers(config.subscribers)),
      clock: () => new Date(at),
    };
    // Four years apart, the UN list lost 186 of its 1,093 records: a drop an operator accepts.
    const [report] = await replayPaths(findSource(sourceId)!, [realFixture(file)], deps, { acceptDrop: true });
    expect(report!.status, `${file}: ${report!.error?.message}`).not.toBe('failed');
  }
  return { runtime, home, sent };
}

const outbox = (r: Replay, file: string) => readFile(join(r.runtime.outboxDir, file), 'utf8');
const bundleIds = (text: string) => [...text.matchAll(/^Bundle-Id: /gm)];

describe('OFAC SDN 2022-02-24 → 2022-02-25 with the default delivery', () => {
  let r: Replay;
  beforeAll(async () => {
    const config = parseConfig({
      subscribers: [
        { id: 'desk', channel: { type: 'email', address: 'desk@example.com' } },
        {
          id: 'sdn-added',
          channel: { type: 'sms', phoneNumber: '+14155550100' },
          filters: { sources: ['us-ofac-sdn'], changeTypes: ['added'] },
        },
      ],
    });
    r = await replay(config, 'us-ofac-sdn', [
      ['ofac-sdn/sdn.2022-02-24.csv', '2022-02-24T16:30:00.000Z', 'baseline'],
      ['ofac-sdn/sdn.2022-02-25.csv', '2022-02-25T16:30:00.000Z', 'the first Russia package'],
    ]);
  }, 120_000);
  afterAll(async () => {
    await r.runtime.stop();
    await rm(r.home, { recursive: true, force: true });
  });

  it('delivers exactly one email holding all 95 changes', async () => {
    const email = await outbox(r, 'desk.email.txt');
    expect(bundleIds(email)).toHaveLength(1);
    expect(email).toContain('Subject: OFAC SDN 2022-02-25: 91 added, 4 changed\n');
    expect(email).toContain('VTB BANK PUBLIC JOINT STOCK COMPANY');
    expect(email).toContain('name: SECHIN, Igor → SECHIN, Igor Ivanovich');
  });

  it('delivers exactly one SMS line, of the 91 additions only', async () => {
    const sms = (await outbox(r, 'sdn-added.sms.txt')).trim().split('\n');
    expect(sms).toHaveLength(1);
    expect(sms[0]).toMatch(/^OFAC SDN: 91 added \(.+, \+89\)$/);
    expect(sms[0]!.length).toBeLessThan(160);
  });

  it('sent two messages in all, each within SNS’s limit', () => {
    expect(r.sent.map((s) => [s.bundle.subscriberId, s.bundle.counts.total])).toEqual([
      ['desk', 95],
      ['sdn-added', 91],
    ]);
    for (const { bytes } of r.sent) expect(bytes).toBeLessThan(SNS_MAX_BYTES);
  });
});

describe('the UN list 2018-10-29 → 2022-09-15 with the default delivery', () => {
  let r: Replay;
  beforeAll(async () => {
    const config = parseConfig({
      subscribers: [
        { id: 'desk', channel: { type: 'email', address: 'desk@example.com' } },
        {
          id: 'un-removals',
          channel: { type: 'email', address: 'removals@example.com' },
          filters: { changeTypes: ['removed'] },
        },
      ],
    });
    r = await replay(config, 'un-sc-consolidated', [
      ['un/consolidated.2018-10-29.xml', '2018-10-29T12:00:00.000Z', 'baseline'],
      ['un/consolidated.2022-09-15.xml', '2022-09-15T12:00:00.000Z', 'four years later'],
    ]);
  }, 120_000);
  afterAll(async () => {
    await r.runtime.stop();
    await rm(r.home, { recursive: true, force: true });
  });

  it('delivers one email per subscriber, within SNS’s limit, saying how many changes it holds', async () => {
    expect(r.sent).toHaveLength(2);
    for (const { bytes } of r.sent) expect(bytes).toBeLessThan(SNS_MAX_BYTES);
    const desk = await outbox(r, 'desk.email.txt');
    expect(bundleIds(desk)).toHaveLength(1);
    const total = r.sent.find((s) => s.bundle.subscriberId === 'desk')!.bundle.counts.total;
    expect(total).toBe(857);
    expect(desk).toMatch(new RegExp(`version of 2022-09-15: ${total} changes`));
    const removals = await outbox(r, 'un-removals.email.txt');
    expect(bundleIds(removals)).toHaveLength(1);
    const removed = r.sent.find((s) => s.bundle.subscriberId === 'un-removals')!.bundle.counts.total;
    expect(removals).toMatch(new RegExp(`${removed} changes? \\(${removed} removed\\)`));
  });
});
