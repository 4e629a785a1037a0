import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeDelivered } from '../../functions/delivery/sns-publisher.ts';
import { pollSource } from '../../functions/run/poll.ts';
import type { RegisterSource } from '../../functions/sources/types.ts';
import { startHttpServer, type TestServer } from '../helpers/http-server.ts';
import { startTestStack, type TestStack } from '../helpers/local-stack.ts';
import { toyCsv, toySource } from '../helpers/toy-source.ts';

const LOOPBACK = { allowPrivateHosts: true, backoffMs: 5, timeoutMs: 2000 };

describe('pollSource against a loopback publisher', () => {
  let stack: TestStack;
  let publisher: TestServer;
  let source: RegisterSource;
  let body: string;
  beforeEach(async () => {
    stack = await startTestStack();
    publisher = await startHttpServer();
    body = toyCsv([
      ['1', 'ALPHA', 'CN', 'EL'],
      ['2', 'BETA', 'HK', 'EL'],
    ]);
    publisher.handle((req, res) => {
      const etag = `"${body.length}"`;
      if (req.headers['if-none-match'] === etag) res.writeHead(304).end();
      else res.writeHead(200, { etag }).end(body);
    });
    source = {
      ...toySource,
      downloads: [{ url: `${publisher.url}/toy.csv`, format: 'toy-csv', serves: 'the toy list' }],
    };
  });
  afterEach(async () => {
    await publisher.close();
    await stack.stop();
  });

  it('stores a baseline, then answers an unchanged list with a 304 and two small writes', async () => {
    expect((await pollSource(source, stack.deps, LOOPBACK)).status).toBe('baseline');
    stack.dynamoRequests.clear();
    const report = await pollSource(source, stack.deps, LOOPBACK);
    expect(report.status).toBe('unchanged');
    expect(publisher.requests.at(-1)!.headers['if-none-match']).toBe(`"${body.length}"`);
    // The lease returns the sentinel in the same request; its release is the second.
    expect(Object.fromEntries(stack.dynamoRequests)).toEqual({ UpdateItem: 2 });
  });

  it('alerts a change on the next poll', async () => {
    await pollSource(source, stack.deps, LOOPBACK);
    body = toyCsv([
      ['1', 'ALPHA', 'CN', 'EL'],
      ['2', 'BETA', 'HK', 'EL'],
      ['3', 'GAMMA', 'RU', 'EL'],
    ]);
    expect(await pollSource(source, stack.deps, LOOPBACK)).toMatchObject({ status: 'changed', added: 1, published: 1 });
    expect((await stack.drainQueue()).map((m) => decodeDelivered(m.Body!).subject)).toEqual(['3']);
  });

  it('skips a poll while another run of the same source holds its lease, and frees the lease after a run', async () => {
    const held = await stack.store.acquireLease('toy-register', 'other-run', new Date(), 60_000);
    expect(held).toBeDefined();
    expect((await pollSource(source, stack.deps, LOOPBACK)).status).toBe('skipped');
    expect(publisher.requests).toHaveLength(0);
    await stack.store.releaseLease('toy-register', 'other-run');
    expect((await pollSource(source, stack.deps, LOOPBACK)).status).toBe('baseline');
    // The run gave its lease back, so the next one goes ahead.
    expect((await pollSource(source, stack.deps, LOOPBACK)).status).toBe('unchanged');
  });

  it('takes over a lease that outlived its holder', async () => {
    // Taken long before the stack's clock (2026-01-01), for a minute.
    await stack.store.acquireLease('toy-register', 'crashed-run', new Date('2025-06-01T00:00:00Z'), 60_000);
    expect((await pollSource(source, stack.deps, LOOPBACK)).status).toBe('baseline');
  });

  it('turns a failing publisher into one health event and leaves the lease free', async () => {
    publisher.handle((_req, res) => res.writeHead(503).end());
    const report = await pollSource(source, stack.deps, LOOPBACK);
    expect(report.error?.message).toMatch(/^toy-register: fetch: HTTP 503/);
    expect((await stack.drainQueue()).map((m) => decodeDelivered(m.Body!).type)).toEqual([
      'tradewatch.source.unhealthy',
    ]);
    expect(await stack.store.acquireLease('toy-register', 'next-run', new Date(), 60_000)).toBeDefined();
  });
});

describe('pollSource with companion files', () => {
  it('fetches every file each time, so a change in a companion alone is never missed', async () => {
    const stack = await startTestStack();
    const publisher = await startHttpServer();
    try {
      let companion = 'v1';
      publisher.handle((req, res) => {
        if (req.headers['if-none-match']) return res.writeHead(304).end();
        if (req.url === '/main.csv')
          return res.writeHead(200, { etag: '"main"' }).end(toyCsv([['1', 'ALPHA', 'CN', 'EL']]));
        return res.writeHead(200, { etag: `"${companion}"` }).end(companion);
      });
      const source: RegisterSource = {
        ...toySource,
        downloads: [
          {
            url: `${publisher.url}/main.csv`,
            format: 'toy-csv',
            serves: 'toy',
            companions: { 'extra.txt': `${publisher.url}/extra.txt` },
          },
        ],
      };
      expect((await pollSource(source, stack.deps, LOOPBACK)).status).toBe('baseline');
      expect((await pollSource(source, stack.deps, LOOPBACK)).status).toBe('unchanged');
      companion = 'v2';
      // The toy parser ignores the companion, so the records are the same: a new version all the same.
      expect((await pollSource(source, stack.deps, LOOPBACK)).status).toBe('no-record-change');
      expect(publisher.requests.every((r) => r.headers['if-none-match'] === undefined)).toBe(true);
    } finally {
      await publisher.close();
      await stack.stop();
    }
  });
});
