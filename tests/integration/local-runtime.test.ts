import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLocalRuntime, type DeliveredAlert, type LocalRuntime } from '../../functions/local/runtime.ts';
import { deliverQueued } from '../../functions/local/delivery.ts';
import { replayPaths } from '../../functions/run/poll.ts';
import { verifyWebhook } from '../../functions/delivery/webhook.ts';
import { startHttpServer, type TestServer } from '../helpers/http-server.ts';
import { toyCsv, toySource } from '../helpers/toy-source.ts';
import { snsPublisher } from '../../functions/delivery/sns-publisher.ts';

const SECRET = `whsec_${Buffer.from('local-runtime-test-secret-32byte').toString('base64')}`;

describe('local mode (embedded dynalite + fauxqs)', () => {
  let home: string;
  let receiver: TestServer;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'tradewatch-home-'));
    receiver = await startHttpServer();
    receiver.handle((_req, res) => res.writeHead(200).end());
  });
  afterEach(async () => {
    await receiver.close();
    await rm(home, { recursive: true, force: true });
  });

  async function withRuntime<T>(work: (runtime: LocalRuntime) => Promise<T>): Promise<T> {
    const runtime = await startLocalRuntime({
      home,
      webhook: { url: `${receiver.url}/hook`, secret: SECRET, allowPrivateHosts: true },
    });
    try {
      return await work(runtime);
    } finally {
      await runtime.stop();
    }
  }

  it('keeps state on disk between runs, and delivers each alert to the file and the signed webhook once', async () => {
    const v1 = join(home, 'v1.csv');
    const v2 = join(home, 'v2.csv');
    await writeFile(
      v1,
      toyCsv([
        ['1', 'ALPHA', 'CN', 'EL'],
        ['2', 'BETA', 'HK', 'EL'],
      ]),
    );
    await writeFile(
      v2,
      toyCsv([
        ['1', 'ALPHA', 'CN', 'EL'],
        ['2', 'BETA', 'HK', 'EL'],
        ['3', 'GAMMA', 'RU', 'EL'],
      ]),
    );

    // First process: the baseline.
    await withRuntime(async (runtime) => {
      const [report] = await replayPaths(toySource, [v1], {
        store: runtime.store,
        publisher: snsPublisher({ sns: runtime.sns, alertsTopicArn: runtime.alertsTopicArn }),
      });
      expect(report!.status).toBe('baseline');
      expect(await deliverQueued(runtime, () => undefined)).toEqual([]);
    });

    // A second process diffs against what the first stored.
    const shown: DeliveredAlert[] = [];
    await withRuntime(async (runtime) => {
      const [report] = await replayPaths(toySource, [v2], {
        store: runtime.store,
        publisher: snsPublisher({ sns: runtime.sns, alertsTopicArn: runtime.alertsTopicArn }),
      });
      expect(report).toMatchObject({ status: 'changed', added: 1 });
      await deliverQueued(runtime, (alert) => shown.push(alert));
    });
    expect(shown.map((a) => [a.event?.type, a.event?.subject, a.webhook?.delivered])).toEqual([
      ['tradewatch.record.added', '3', true],
    ]);

    const lines = (await readFile(join(home, 'alerts.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; specversion: string });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.specversion).toBe('1.0');
    const [request] = receiver.requests;
    expect(request!.headers['webhook-id']).toBe(lines[0]!.id);
    expect(
      verifyWebhook(
        SECRET,
        {
          id: lines[0]!.id,
          timestamp: String(request!.headers['webhook-timestamp']),
          signature: String(request!.headers['webhook-signature']),
        },
        request!.body,
      ),
    ).toBe(true);
  });

  it('delivers a message that reaches the queue twice only once', async () => {
    await withRuntime(async (runtime) => {
      const { PublishCommand } = await import('@aws-sdk/client-sns');
      const event = {
        specversion: '1.0',
        id: 'dup-1',
        source: 'tradewatch/toy',
        type: 'tradewatch.source.unhealthy',
        subject: 'toy',
        time: '2026-01-01T00:00:00Z',
        datacontenttype: 'application/json',
        data: {
          sourceId: 'toy',
          sourceTitle: 'Toy',
          status: 'unhealthy',
          step: 'fetch',
          reason: 'x',
          since: '2026-01-01T00:00:00Z',
          consecutiveFailures: 1,
        },
      };
      for (let i = 0; i < 2; i++)
        await runtime.sns.send(
          new PublishCommand({ TopicArn: runtime.alertsTopicArn, Message: JSON.stringify(event) }),
        );
      const delivered = await deliverQueued(runtime, () => undefined);
      expect(delivered.map((d) => d.event?.id)).toEqual(['dup-1']);
      expect(receiver.requests).toHaveLength(1);
    });
  });
});
