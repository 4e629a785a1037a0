/**
 * Local mode driven by the configuration file: the bundled demo versions replayed through the
 * pipeline, each subscriber receiving exactly what its filters select on its own channel.
 */
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/config/config.ts';
import { ConfigError } from '../../functions/core/errors.ts';
import type { TradewatchEvent } from '../../functions/core/events.ts';
import { startLocalRuntime, type DeliveredAlert, type LocalRuntime } from '../../functions/local/runtime.ts';
import { deliverQueued } from '../../functions/local/delivery.ts';
import type { PipelineDeps } from '../../functions/run/ports.ts';
import { publishNow } from '../../functions/delivery/sns-publisher.ts';
import { replayPaths } from '../../functions/run/poll.ts';
import { findSource } from '../../functions/sources/registry.ts';
import { verifyWebhook } from '../../functions/delivery/webhook.ts';
import { PROJECT_ROOT } from '../helpers/cli.ts';
import { startHttpServer, type TestServer } from '../helpers/http-server.ts';
import { snsPublisher } from '../../functions/delivery/sns-publisher.ts';

const CSL_SECRET = `whsec_${Buffer.from('csl-webhook-test-secret-32-bytes').toString('base64')}`;
const UN_SECRET = `whsec_${Buffer.from('un-webhook-test-secret-32-bytes!').toString('base64')}`;

function config(receiverUrl: string) {
  return parseConfig({
    subscribers: [
      {
        id: 'entity-list-cn',
        channel: { type: 'email', address: 'compliance@example.com' },
        filters: { lists: ['Entity List'], changeTypes: ['added'], countries: ['CN'] },
        // One message per change (publications are tested in bundles.test.ts).
        delivery: { mode: 'each' },
      },
      {
        id: 'sdn-additions',
        channel: { type: 'sms', phoneNumber: '+14155550100' },
        filters: { sources: ['us-ofac-sdn'], changeTypes: ['added'] },
        delivery: { mode: 'each' },
      },
      {
        id: 'csl-hook',
        channel: {
          type: 'webhook',
          url: `${receiverUrl}/csl`,
          secret: { env: 'TEST_CSL_HOOK_SECRET' },
          allowPrivateHosts: true,
        },
        filters: { sources: ['us-trade-csl'], changeTypes: ['removed', 'modified'] },
      },
      {
        id: 'un-hook',
        channel: {
          type: 'webhook',
          url: `${receiverUrl}/un`,
          secret: { secretsManagerSecret: 'tradewatch/un-hook' },
          allowPrivateHosts: true,
        },
        filters: { sources: ['un-sc-consolidated'], changeTypes: ['removed'] },
      },
    ],
    operations: { email: 'ops@example.com' },
  });
}

const ENV = { TEST_CSL_HOOK_SECRET: CSL_SECRET, TRADEWATCH_SECRET_UN_HOOK: UN_SECRET };

function depsOf(runtime: LocalRuntime): PipelineDeps {
  return {
    store: runtime.store,
    publisher: snsPublisher({
      sns: runtime.sns,
      alertsTopicArn: runtime.alertsTopicArn,
      operationsTopicArn: runtime.operationsTopicArn,
    }),
  };
}

/** Replays demo/<source>/<n> for every bundled source, delivering after each version as the CLI does. */
async function replayDemo(runtime: LocalRuntime): Promise<DeliveredAlert[]> {
  const delivered: DeliveredAlert[] = [];
  for (const id of ['un-sc-consolidated', 'us-ofac-sdn', 'us-trade-csl']) {
    for (const version of [1, 2, 3]) {
      const [report] = await replayPaths(
        findSource(id)!,
        [join(PROJECT_ROOT, 'demo', id, String(version))],
        depsOf(runtime),
      );
      expect(report!.status).not.toBe('failed');
      delivered.push(...(await deliverQueued(runtime, () => undefined)));
    }
  }
  return delivered;
}

describe('local mode with subscribers from the configuration', () => {
  let home: string;
  let receiver: TestServer;
  let runtime: LocalRuntime;
  let delivered: DeliveredAlert[];
  const shown: DeliveredAlert[] = [];
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'tradewatch-local-config-'));
    receiver = await startHttpServer();
    receiver.handle((_req, res) => res.writeHead(204).end());
    runtime = await startLocalRuntime({ home, persist: false, config: config(receiver.url), env: ENV });
    delivered = await replayDemo(runtime);
    // A broken download of the CSL: one health event, which goes to the operations recipients.
    const empty = join(home, 'consolidated.csv');
    await writeFile(empty, '');
    const [report] = await replayPaths(findSource('us-trade-csl')!, [empty], depsOf(runtime));
    expect(report!.status).toBe('failed');
    delivered.push(...(await deliverQueued(runtime, (alert) => shown.push(alert))));
  });
  afterAll(async () => {
    await runtime.stop();
    await receiver.close();
    await rm(home, { recursive: true, force: true });
  });

  const outbox = (file: string) => readFile(join(home, 'outbox', file), 'utf8');
  const deliveredTo = (subscriber: string) =>
    delivered.flatMap((alert) => (alert.delivery?.subscriber === subscriber && alert.event ? [alert.event] : []));
  const names = (events: TradewatchEvent[]) =>
    events.map((event) =>
      'changeType' in event.data
        ? `${event.data.changeType} ${event.data.name}`
        : `${'status' in event.data ? event.data.status : ''} ${event.data.sourceId}`,
    );

  it('writes the email subscriber one email: the Entity List addition in China', async () => {
    expect(names(deliveredTo('entity-list-cn'))).toEqual(['added Lumora Microsystems Co., Ltd.']);
    const text = await outbox('entity-list-cn.email.txt');
    expect(text.match(/^Event-Id: /gm)).toHaveLength(1);
    expect(text).toContain(
      'To: compliance@example.com\nSubject: [tradewatch] Lumora Microsystems Co., Ltd.: ADDED to Entity List\n',
    );
    expect(text).toContain('Lumora Microsystems Co., Ltd. — ADDED to Entity List (Consolidated Screening List)');
    expect(text).toContain('Countries: CN, HK');
  });

  it('writes the SMS subscriber one line per SDN addition', async () => {
    expect((await outbox('sdn-additions.sms.txt')).split('\n')).toEqual([
      'tradewatch: NEWCO EXAMPLE JSC (RU) ADDED to SDN',
      'tradewatch: SAMPLE, Maria Test (VE) ADDED to SDN',
      '',
    ]);
  });

  it('POSTs the CSL removals and changes to the webhook, signed with the secret from the named variable', () => {
    const requests = receiver.requests.filter((request) => request.url === '/csl');
    const events = requests.map((request) => JSON.parse(request.body) as TradewatchEvent);
    expect(names(events).sort()).toEqual(['modified Kestrov Avionics Design Bureau JSC', 'removed JONAS T. FERRICK']);
    for (const request of requests) {
      const headers = {
        id: String(request.headers['webhook-id']),
        timestamp: String(request.headers['webhook-timestamp']),
        signature: String(request.headers['webhook-signature']),
      };
      expect(headers.id).toBe((JSON.parse(request.body) as TradewatchEvent).id);
      expect(verifyWebhook(CSL_SECRET, headers, request.body)).toBe(true);
      expect(verifyWebhook(UN_SECRET, headers, request.body)).toBe(false);
    }
  });

  it('signs a Secrets Manager subscriber’s webhook with TRADEWATCH_SECRET_<ID> in local mode', () => {
    const requests = receiver.requests.filter((request) => request.url === '/un');
    expect(names(requests.map((request) => JSON.parse(request.body) as TradewatchEvent))).toEqual([
      'removed ZARVAN COMPOSITE MATERIALS INDUSTRIES',
    ]);
    const [request] = requests;
    const headers = {
      id: String(request!.headers['webhook-id']),
      timestamp: String(request!.headers['webhook-timestamp']),
      signature: String(request!.headers['webhook-signature']),
    };
    expect(verifyWebhook(UN_SECRET, headers, request!.body)).toBe(true);
  });

  it('sends the health event to the operations recipients only, and shows each delivery', async () => {
    expect(names(deliveredTo('operations'))).toEqual(['unhealthy us-trade-csl']);
    expect(await outbox('operations.email.txt')).toContain(
      'Consolidated Screening List (us-trade-csl) is unhealthy since',
    );
    expect(shown.map((alert) => alert.delivery?.subscriber)).toEqual(['operations']);
    expect(
      delivered.every((alert) => alert.delivery && (alert.delivery.channel !== 'webhook' || alert.webhook?.delivered)),
    ).toBe(true);
  });

  it('still writes every alert to alerts.jsonl', async () => {
    const lines = (await readFile(runtime.alertsFile, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(14); // the demo's 13 alerts and the health event
  });

  it('delivers an alert that reaches the queues again only once per subscriber', async () => {
    const requestsBefore = receiver.requests.length;
    const lumora = deliveredTo('entity-list-cn')[0]!;
    const removal = receiver.requests.find((request) => request.url === '/csl' && request.body.includes('"removed"'))!;
    await publishNow(lumora, { sns: runtime.sns, topicArn: runtime.alertsTopicArn });
    await publishNow(JSON.parse(removal.body) as TradewatchEvent, {
      sns: runtime.sns,
      topicArn: runtime.alertsTopicArn,
    });
    expect(await deliverQueued(runtime, () => undefined)).toEqual([]);
    expect(receiver.requests.length).toBe(requestsBefore);
    expect((await outbox('entity-list-cn.email.txt')).match(/^Event-Id: /gm)).toHaveLength(1);
  });
});

describe('local mode webhook secrets', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'tradewatch-local-secrets-'));
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('refuses a Secrets Manager secret without TRADEWATCH_SECRET_<ID>, naming the key', async () => {
    const failure = startLocalRuntime({
      home,
      persist: false,
      config: config('http://127.0.0.1:9'),
      env: { TEST_CSL_HOOK_SECRET: CSL_SECRET },
    });
    await expect(failure).rejects.toBeInstanceOf(ConfigError);
    await expect(failure).rejects.toThrow(
      'config: subscribers[3].channel.secret.secretsManagerSecret: a Secrets Manager secret is not read in local mode; set TRADEWATCH_SECRET_UN_HOOK to the signing secret, or use { "env": "<VARIABLE>" }',
    );
  });

  it('refuses an env secret whose variable is not set, naming the key', async () => {
    await expect(
      startLocalRuntime({
        home,
        persist: false,
        config: config('http://127.0.0.1:9'),
        env: { TRADEWATCH_SECRET_UN_HOOK: UN_SECRET },
      }),
    ).rejects.toThrow(
      'config: subscribers[2].channel.secret.env: environment variable TEST_CSL_HOOK_SECRET is not set',
    );
  });
});
