/**
 * Local webhook delivery is durable: an event whose retries are exhausted is kept as a local dead
 * letter and delivered by a later run, and a receiver's long Retry-After is honoured, not given up.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLocalRuntime, type DeliveredAlert } from '../../functions/local/runtime.ts';
import { deliverQueued, localPublisher } from '../../functions/local/delivery.ts';
import { replayPaths } from '../../functions/run/poll.ts';
import { startHttpServer, type TestServer } from '../helpers/http-server.ts';
import { toyCsv, toySource } from '../helpers/toy-source.ts';

const SECRET = `whsec_${Buffer.from('local-dead-letter-test-secret-32').toString('base64')}`;

describe('local webhook dead letters', () => {
  let home: string;
  let receiver: TestServer;
  let answer: { status: number; retryAfter?: string };
  let received: string[];
  let now: number;

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'tradewatch-dlq-'));
    receiver = await startHttpServer();
    received = [];
    receiver.handle((req, res) => {
      received.push(String(req.headers['webhook-id']));
      res.writeHead(answer.status, answer.retryAfter ? { 'retry-after': answer.retryAfter } : {}).end();
    });
    now = Date.parse('2026-12-01T00:00:00Z');
  });
  afterEach(async () => {
    await receiver.close();
    await rm(home, { recursive: true, force: true });
  });

  async function run(
    work: (deliver: () => Promise<DeliveredAlert[]>, replay: (v: string) => Promise<void>) => Promise<void>,
  ) {
    const runtime = await startLocalRuntime({
      home,
      webhook: { url: `${receiver.url}/hook`, secret: SECRET, allowPrivateHosts: true },
      clock: () => new Date(now),
    });
    try {
      const shown: DeliveredAlert[] = [];
      const deps = { store: runtime.store, publisher: localPublisher(runtime, (a) => shown.push(a)) };
      await work(
        async () => [...shown.splice(0), ...(await deliverQueued(runtime, () => undefined))],
        async (v) => void (await replayPaths(toySource, [v], deps)),
      );
    } finally {
      await runtime.stop();
    }
  }

  async function versions(): Promise<[string, string]> {
    const v1 = join(home, 'v1.csv');
    const v2 = join(home, 'v2.csv');
    await writeFile(v1, toyCsv([['1', 'ALPHA', 'CN', 'EL']]));
    await writeFile(
      v2,
      toyCsv([
        ['1', 'ALPHA', 'CN', 'EL'],
        ['2', 'BETA', 'RU', 'EL'],
      ]),
    );
    return [v1, v2];
  }

  it('keeps an event whose retries failed and delivers it on a later run, once', async () => {
    const [v1, v2] = await versions();
    answer = { status: 500 };
    let eventId = '';
    await run(async (deliver, replay) => {
      await replay(v1);
      await replay(v2);
      const [alert] = await deliver();
      expect(alert!.webhook).toMatchObject({ delivered: false });
      eventId = alert!.event!.id;
    });
    const failedAttempts = received.length;
    expect(failedAttempts).toBeGreaterThan(0);

    // The receiver is back; a later run (after the retry delay) delivers the kept event, once.
    answer = { status: 200 };
    now += 3600_000;
    await run(async (deliver) => {
      const retried = await deliver();
      expect(retried.map((a) => [a.event?.id, a.webhook?.delivered])).toEqual([[eventId, true]]);
      expect(await deliver()).toEqual([]);
    });
    expect(received.slice(failedAttempts)).toEqual([eventId]);
  });

  it('honours a long Retry-After: not retried before it, delivered after it', async () => {
    const [v1, v2] = await versions();
    answer = { status: 429, retryAfter: '3600' };
    await run(async (deliver, replay) => {
      await replay(v1);
      await replay(v2);
      const [alert] = await deliver();
      expect(alert!.webhook).toMatchObject({ delivered: false, attempts: 1 });
    });
    expect(received).toHaveLength(1);

    answer = { status: 200 };
    now += 30 * 60_000;
    await run(async (deliver) => expect(await deliver()).toEqual([]));
    expect(received).toHaveLength(1);

    now += 31 * 60_000;
    await run(async (deliver) => {
      expect((await deliver()).map((a) => a.webhook?.delivered)).toEqual([true]);
    });
    expect(received).toHaveLength(2);
  });
});
