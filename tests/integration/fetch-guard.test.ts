/**
 * The address guard on real sockets: a TCP listener on loopback counts the connections it gets, so
 * "refused" means no connection was ever opened, not only that the request failed.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryError, SourceFetchError } from '../../functions/core/errors.ts';
import { deliverWebhook } from '../../functions/delivery/webhook.ts';
import { discoverLink, fetchVersion, type FetchedVersion } from '../../functions/http/fetch.ts';
import { guardedRequest, RefusedRequestError } from '../../functions/http/request.ts';
import type { AllAddressesLookup } from '../../functions/http/address-guard.ts';
import { startHttpServer, type TestServer } from '../helpers/http-server.ts';

/** Every spelling of 127.0.0.1 a URL can carry; WHATWG parsing turns them into two. */
const LOOPBACK_SPELLINGS = [
  '[::ffff:127.0.0.1]',
  '[::ffff:7f00:1]',
  '[0:0:0:0:0:ffff:127.0.0.1]',
  '[::127.0.0.1]',
  '[64:ff9b::127.0.0.1]',
  '[2002:7f00:1::]',
  '2130706433',
  '0x7f000001',
  '0177.0.0.1',
  '127.1',
  '127.0.0.1',
  'localhost',
];

describe('a custom source on a loopback address, without allowPrivateHosts', () => {
  let listener: Server;
  let port: number;
  const connections: Socket[] = [];
  beforeEach(async () => {
    connections.length = 0;
    listener = createServer((socket) => {
      connections.push(socket);
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    port = (listener.address() as AddressInfo).port;
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => listener.close(() => resolve()));
  });

  it.each(LOOPBACK_SPELLINGS)('is refused before any connection when spelled %s', async (host) => {
    const error = await fetchVersion(
      'my-feed',
      { name: 'feed.xml', url: `https://${host}:${port}/feed.xml` },
      {},
      { backoffMs: 1, attempts: 1, timeoutMs: 2000 },
    ).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SourceFetchError);
    expect((error as Error).message).toMatch(
      /^my-feed: fetch: refused https:\/\/\S+: \S+ is a private, loopback or link-local address \(/,
    );
    expect(connections).toHaveLength(0);
  });

  it('refuses a host name whose address is loopback, at connection time', async () => {
    // The resolver stands for a DNS answer no test DNS can give: publisher.test → 127.0.0.1.
    const resolve: AllAddressesLookup = (_host, _options, callback) =>
      callback(null, [{ address: '127.0.0.1', family: 4 }]);
    const error = await fetchVersion(
      'my-feed',
      { name: 'feed.xml', url: `https://publisher.test:${port}/feed.xml` },
      {},
      { resolve, attempts: 1, timeoutMs: 2000 },
    ).catch((e: unknown) => e);

    expect((error as Error).message).toBe(
      `my-feed: fetch: refused https://publisher.test:${port}/feed.xml: publisher.test resolves to 127.0.0.1, a private, loopback or link-local address (loopback, 127.0.0.0/8)`,
    );
    expect(connections).toHaveLength(0);
  });

  it('refuses a host name when any one of its addresses is private', async () => {
    const resolve: AllAddressesLookup = (_host, _options, callback) =>
      callback(null, [
        { address: '93.184.216.34', family: 4 },
        { address: '::ffff:7f00:1', family: 6 },
      ]);
    await expect(
      guardedRequest(new URL(`https://publisher.test:${port}/`), {
        headers: {},
        signal: AbortSignal.timeout(2000),
        resolve,
      }),
    ).rejects.toThrow(RefusedRequestError);
    expect(connections).toHaveLength(0);
  });

  it('connects through the same resolver when private hosts are allowed (the resolver is the one used)', async () => {
    const resolve: AllAddressesLookup = (_host, _options, callback) =>
      callback(null, [{ address: '127.0.0.1', family: 4 }]);
    await expect(
      guardedRequest(new URL(`http://publisher.test:${port}/`), {
        headers: {},
        signal: AbortSignal.timeout(2000),
        resolve,
        allowPrivateHosts: true,
      }),
    ).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(connections).toHaveLength(1);
  });

  it('refuses a webhook URL on an IPv4-mapped address without sending anything', async () => {
    const error = await deliverWebhook(
      { url: `https://[::ffff:127.0.0.1]:${port}/hook`, secret: 'whsec_c2VjcmV0' },
      'evt-1',
      '{}',
      { attempts: 1, timeoutMs: 2000 },
    ).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as Error).message).toMatch(
      /^webhook: deliver: refused https:\/\/\[::ffff:7f00:1\]:\d+\/hook: ::ffff:7f00:1 is a private, loopback or link-local address \(loopback, 127\.0\.0\.0\/8, carried in IPv6\)$/,
    );
    expect(connections).toHaveLength(0);
  });

  it('refuses a webhook on localhost by name, without sending anything', async () => {
    const error = await deliverWebhook(
      { url: `https://localhost:${port}/hook`, secret: 'whsec_c2VjcmV0' },
      'evt-2',
      '{}',
      { attempts: 2, backoffMs: 1 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(connections).toHaveLength(0);
  });
});

describe('discovered links and redirects through the guard', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startHttpServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('refuses a discovered link to an IPv4-mapped loopback address on the same page host', async () => {
    server.handle((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<a href="https://[::ffff:127.0.0.1]/dpl.csv">file</a>`),
    );
    const error = await discoverLink(
      'us-bis-dpl',
      { page: `${server.url}/page.html`, linkPattern: 'dpl\\.csv$' },
      { allowedOrigins: [server.url], attempts: 1 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceFetchError);
    expect((error as Error).message).toMatch(
      /^us-bis-dpl: fetch: discover: refused https:\/\/\[::ffff:7f00:1\]\/dpl\.csv/,
    );
  });

  it('allows the one loopback origin given and refuses a redirect to another port of the same host', async () => {
    const other = await startHttpServer();
    try {
      server.handle((_req, res) => res.writeHead(302, { location: `${other.url}/x` }).end());
      other.handle((_req, res) => res.writeHead(200).end('x'));
      const error = await fetchVersion(
        's',
        { name: 'a', url: `${server.url}/a` },
        {},
        { allowedOrigins: [server.url], attempts: 1 },
      ).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(
        /^s: fetch: redirect from .*: refused non-TLS URL http:\/\/127\.0\.0\.1:\d+\/x \(only https is fetched\)$/,
      );
      expect(other.requests).toHaveLength(0);
    } finally {
      await other.close();
    }
  });
});

describe('304 Not Modified', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startHttpServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('is a fetch error when the request carried no validators (a cache answering for a source with nothing stored)', async () => {
    server.handle((_req, res) => res.writeHead(304).end());
    const error = await fetchVersion(
      'my-feed',
      { name: 'feed.xml', url: `${server.url}/feed.xml` },
      {},
      { allowPrivateHosts: true, backoffMs: 1 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceFetchError);
    expect((error as Error).message).toBe(
      `my-feed: fetch: ${server.url}/feed.xml answered 304 Not Modified to a request without validators`,
    );
  });

  it('still means unchanged when the request carried validators', async () => {
    server.handle((_req, res) => res.writeHead(304).end());
    const outcome = await fetchVersion(
      'my-feed',
      { name: 'feed.xml', url: `${server.url}/feed.xml` },
      { etag: '"v1"' },
      { allowPrivateHosts: true },
    );
    expect(outcome).toEqual({ notModified: true });
  });
});

describe('time bounds', () => {
  let server: TestServer;
  let timers: NodeJS.Timeout[];
  beforeEach(async () => {
    server = await startHttpServer();
    timers = [];
  });
  afterEach(async () => {
    for (const timer of timers) clearInterval(timer);
    await server.close();
  });

  /** Answers 200 and then one byte every `everyMs`, for `bytes` bytes. */
  function drip(everyMs: number, bytes = Infinity) {
    server.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/csv' });
      let sent = 0;
      const timer = setInterval(() => {
        if (res.destroyed) return clearInterval(timer);
        res.write('x');
        if (++sent >= bytes) {
          clearInterval(timer);
          res.end();
        }
      }, everyMs);
      timers.push(timer);
    });
  }

  it('ends a dripping download at the deadline shared by all attempts, not after attempts × timeout', async () => {
    drip(50);
    const started = Date.now();
    const error = await fetchVersion(
      'slow',
      { name: 'a.csv', url: `${server.url}/a.csv` },
      {},
      { allowPrivateHosts: true, timeoutMs: 1000, attempts: 3, backoffMs: 10, deadlineMs: 1500 },
    ).catch((e: unknown) => e);
    const elapsed = Date.now() - started;

    expect(error).toBeInstanceOf(SourceFetchError);
    expect((error as Error).message).toMatch(
      /^slow: fetch: the fetch deadline passed \(1500 ms for all the downloads of a poll\) while reading the body \(after 2 attempts\)$/,
    );
    expect(elapsed).toBeGreaterThanOrEqual(1400);
    expect(elapsed).toBeLessThan(2200);
  });

  it('shares one deadline between the downloads of a poll (main file, then a companion)', async () => {
    // Each file alone takes ~0.6 s, inside the 1 s per-attempt bound; both together pass 1 s.
    drip(60, 10);
    const error = await fetchVersion(
      'slow',
      { name: 'a.csv', url: `${server.url}/a.csv`, companions: { 'b.csv': `${server.url}/b.csv` } },
      {},
      { allowPrivateHosts: true, timeoutMs: 1000, attempts: 1, deadlineMs: 1000 },
    ).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^slow: fetch: the fetch deadline passed \(1000 ms/);
    expect(server.requests.map((r) => r.url)).toEqual(['/a.csv', '/b.csv']);
  });

  it('ends an attempt on which no byte comes for the idle bound', async () => {
    server.handle((_req, res) => {
      res.writeHead(200);
      res.write('partial');
    });
    const started = Date.now();
    const error = await fetchVersion(
      'stalled',
      { name: 'a.csv', url: `${server.url}/a.csv` },
      {},
      { allowPrivateHosts: true, timeoutMs: 10_000, idleTimeoutMs: 200, attempts: 2, backoffMs: 10 },
    ).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      'stalled: fetch: no data for 200 ms (idle timeout) while reading the body (after 2 attempts)',
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('does not sleep past the deadline: a Retry-After beyond it fails the fetch at once', async () => {
    server.handle((_req, res) => res.writeHead(503, { 'retry-after': '30' }).end());
    const started = Date.now();
    const error = await fetchVersion(
      'busy',
      { name: 'a.csv', url: `${server.url}/a.csv` },
      {},
      { allowPrivateHosts: true, deadlineMs: 5000 },
    ).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /^busy: fetch: HTTP 503 from .* \(after 1 attempt\); the fetch deadline passed \(5000 ms/,
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('compressed bodies', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startHttpServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('decodes a gzip body and hashes the decoded bytes', async () => {
    const { gzipSync } = await import('node:zlib');
    const { createHash } = await import('node:crypto');
    const body = 'id,name\n1,A\n'.repeat(100);
    server.handle((req, res) => {
      expect(req.headers['accept-encoding']).toContain('gzip');
      res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(body));
    });
    const outcome = (await fetchVersion(
      's',
      { name: 'a.csv', url: `${server.url}/a.csv` },
      {},
      { allowPrivateHosts: true },
    )) as FetchedVersion;
    expect(outcome.bytes).toBe(body.length);
    expect(outcome.contentHash).toBe(createHash('sha256').update(body).digest('hex'));
    await outcome.cleanup();
  });

  it('refuses a gzip bomb at the size limit of the decoded body, quickly', async () => {
    const { createGzip } = await import('node:zlib');
    const { Readable } = await import('node:stream');
    server.handle((_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip' });
      // 1 GiB of zeros, compressed as it is sent (about 1 MB on the wire).
      const zeros = Buffer.alloc(1024 * 1024);
      let left = 1024;
      const source = new Readable({
        read() {
          this.push(left-- > 0 ? zeros : null);
        },
      });
      source.pipe(createGzip({ level: 1 })).pipe(res);
      res.on('close', () => source.destroy());
    });
    const started = Date.now();
    const error = await fetchVersion(
      'bomb',
      { name: 'a.csv', url: `${server.url}/a.csv` },
      {},
      { allowPrivateHosts: true, maxBytes: 16 * 1024 * 1024 },
    ).catch((e: unknown) => e);
    expect((error as Error).message).toBe(`bomb: fetch: ${server.url}/a.csv exceeded the 16777216-byte limit`);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
