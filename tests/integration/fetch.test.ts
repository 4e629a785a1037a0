import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SourceFetchError } from '../../functions/core/errors.ts';
import {
  fetchableUrl,
  fetchVersion,
  hashFiles,
  isPrivateAddress,
  type FetchedVersion,
} from '../../functions/http/fetch.ts';
import { readHead } from '../../functions/sources/read/document.ts';
import { startHttpServer, type TestServer } from '../helpers/http-server.ts';

const LOOPBACK = { allowPrivateHosts: true, backoffMs: 10, timeoutMs: 2000 };

describe('fetchVersion against a loopback server', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startHttpServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('downloads the body to a file, hashes it and keeps the validators', async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { etag: '"v1"', 'last-modified': 'Tue, 01 Dec 2026 10:00:00 GMT' });
      res.end('id,name\n1,A\n');
    });
    const outcome = (await fetchVersion(
      's',
      { name: 'list.csv', url: `${server.url}/list.csv` },
      {},
      LOOPBACK,
    )) as FetchedVersion;
    expect(outcome.notModified).toBe(false);
    expect(outcome).toMatchObject({ etag: '"v1"', lastModified: 'Tue, 01 Dec 2026 10:00:00 GMT', bytes: 12 });
    expect((await readHead(outcome.input.main)).toString()).toBe('id,name\n1,A\n');
    // The same version id a replay of the same bytes gets.
    expect(outcome.contentHash).toBe(createHash('sha256').update('id,name\n1,A\n').digest('hex'));
    expect(await hashFiles([(outcome.input.main.open() as unknown as { path: string }).path])).toBe(
      outcome.contentHash,
    );
    await outcome.cleanup();
  });

  it('sends the stored validators and stops on 304 Not Modified', async () => {
    server.handle((req, res) => {
      res.writeHead(req.headers['if-none-match'] === '"v1"' ? 304 : 200);
      res.end();
    });
    const outcome = await fetchVersion(
      's',
      { name: 'list.csv', url: `${server.url}/list.csv` },
      { etag: '"v1"', lastModified: 'x' },
      LOOPBACK,
    );
    expect(outcome).toEqual({ notModified: true });
    expect(server.requests[0]!.headers['if-modified-since']).toBe('x');
  });

  it('retries a 503 and a 429 (honouring Retry-After) and then succeeds', async () => {
    let calls = 0;
    server.handle((_req, res) => {
      calls += 1;
      if (calls === 1) res.writeHead(503).end();
      else if (calls === 2) res.writeHead(429, { 'retry-after': '0' }).end();
      else res.writeHead(200).end('ok');
    });
    const outcome = (await fetchVersion('s', { name: 'a', url: `${server.url}/a` }, {}, LOOPBACK)) as FetchedVersion;
    expect(calls).toBe(3);
    await outcome.cleanup();
  });

  it('gives up after the last attempt with an error naming the source, the step and the cause', async () => {
    server.handle((_req, res) => res.writeHead(500).end());
    await expect(fetchVersion('us-ofac-sdn', { name: 'a', url: `${server.url}/a` }, {}, LOOPBACK)).rejects.toThrow(
      /^us-ofac-sdn: fetch: HTTP 500 .* \(after 3 attempts\)$/,
    );
  });

  it('does not retry a 404', async () => {
    server.handle((_req, res) => res.writeHead(404).end());
    await expect(fetchVersion('s', { name: 'a', url: `${server.url}/a` }, {}, LOOPBACK)).rejects.toThrow(
      /s: fetch: HTTP 404/,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('refuses a body over the size limit, by header or while streaming', async () => {
    server.handle((req, res) => {
      if (req.url === '/declared') res.writeHead(200, { 'content-length': '5000' }).end('x'.repeat(5000));
      else {
        res.writeHead(200);
        res.write('x'.repeat(3000));
        res.end('x'.repeat(3000));
      }
    });
    await expect(
      fetchVersion('s', { name: 'a', url: `${server.url}/declared` }, {}, { ...LOOPBACK, maxBytes: 1000 }),
    ).rejects.toThrow(/over the 1000-byte limit/);
    await expect(
      fetchVersion('s', { name: 'a', url: `${server.url}/chunked` }, {}, { ...LOOPBACK, maxBytes: 1000 }),
    ).rejects.toThrow(/exceeded the 1000-byte limit/);
  });

  it('times out a server that never answers', async () => {
    server.handle(() => undefined);
    await expect(
      fetchVersion('s', { name: 'a', url: `${server.url}/slow` }, {}, { ...LOOPBACK, timeoutMs: 200, attempts: 2 }),
    ).rejects.toThrow(/timed out after 200 ms/);
  });

  it('follows redirects hop by hop, and gives up after too many', async () => {
    server.handle((req, res) => {
      const hop = Number(new URL(req.url!, server.url).searchParams.get('hop') ?? 0);
      if (req.url!.startsWith('/loop')) return res.writeHead(302, { location: `/loop?hop=${hop + 1}` }).end();
      if (hop < 2) return res.writeHead(hop === 0 ? 301 : 307, { location: `/list.csv?hop=${hop + 1}` }).end();
      res.writeHead(200).end('id,name\n');
    });
    const outcome = (await fetchVersion(
      's',
      { name: 'list.csv', url: `${server.url}/list.csv` },
      {},
      LOOPBACK,
    )) as FetchedVersion;
    expect((await readHead(outcome.input.main)).toString()).toBe('id,name\n');
    await outcome.cleanup();
    await expect(fetchVersion('s', { name: 'list.csv', url: `${server.url}/loop` }, {}, LOOPBACK)).rejects.toThrow(
      /s: fetch: more than 5 redirects from/,
    );
  });

  it('fetches companion files beside the main one and hashes them all', async () => {
    server.handle((req, res) => res.writeHead(200).end(`body of ${req.url}`));
    const outcome = (await fetchVersion(
      's',
      { name: 'sdn.csv', url: `${server.url}/sdn.csv`, companions: { 'add.csv': `${server.url}/add.csv` } },
      {},
      LOOPBACK,
    )) as FetchedVersion;
    expect(
      await readFile((outcome.input.companions.get('add.csv')!.open() as unknown as { path: string }).path, 'utf8'),
    ).toBe('body of /add.csv');
    await outcome.cleanup();
  });
});

describe('fetchableUrl', () => {
  it('refuses plain http', () => {
    expect(() => fetchableUrl('s', 'http://example.org/a')).toThrow(
      /^s: fetch: refused non-TLS URL http:\/\/example\.org\/a \(only https is fetched\)$/,
    );
  });
  it('refuses loopback, private and link-local hosts', () => {
    for (const url of [
      'https://127.0.0.1/a',
      'https://10.1.2.3/a',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/a',
      'https://192.168.1.1/',
    ]) {
      expect(() => fetchableUrl('s', url)).toThrow(SourceFetchError);
    }
  });
  it('classifies addresses', () => {
    expect(
      [
        '127.0.0.1',
        '10.0.0.1',
        '172.16.0.1',
        '192.168.0.1',
        '169.254.1.1',
        '100.64.0.1',
        '::1',
        'fe80::1',
        'fd00::1',
        '::ffff:10.0.0.1',
        '0.0.0.0',
      ].every(isPrivateAddress),
    ).toBe(true);
    expect(['8.8.8.8', '172.32.0.1', '2606:4700::1111'].some(isPrivateAddress)).toBe(false);
  });
});

describe('redirects to a private address', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startHttpServer();
  });
  afterEach(async () => {
    await server.close();
  });

  // The loopback publisher is allowed as one origin (allowedOrigins), as a trusted publisher would
  // be; every other private address stays refused, as for any public publisher.
  function publisherRedirectingTo(location: string) {
    server.handle((req, res) => {
      if (req.url === '/list.csv') return res.writeHead(302, { location }).end();
      res.writeHead(200).end('id,name\n');
    });
    return { allowedOrigins: [server.url], backoffMs: 1, timeoutMs: 2000 };
  }

  it('refuses a redirect to the metadata service, a private host or plain http, without requesting it', async () => {
    for (const [location, cause] of [
      ['http://169.254.169.254/latest/meta-data/', /non-TLS/],
      [
        'https://169.254.169.254/latest/meta-data/',
        /169\.254\.169\.254 is a private, loopback or link-local address \(link-local, cloud metadata, 169\.254\.0\.0\/16\)$/,
      ],
      [
        'https://10.0.0.7/internal',
        /10\.0\.0\.7 is a private, loopback or link-local address \(private, 10\.0\.0\.0\/8\)$/,
      ],
      ['https://[::1]/x', /::1 is a private, loopback or link-local address \(loopback, ::1\/128\)$/],
      [
        'https://[::ffff:169.254.169.254]/x',
        /::ffff:a9fe:a9fe is a private, loopback or link-local address \(link-local, cloud metadata, 169\.254\.0\.0\/16, carried in IPv6\)$/,
      ],
      [
        'https://2130706433/x',
        /127\.0\.0\.1 is a private, loopback or link-local address \(loopback, 127\.0\.0\.0\/8\)$/,
      ],
    ] as const) {
      const options = publisherRedirectingTo(location);
      const error = await fetchVersion(
        'custom-list',
        { name: 'list.csv', url: `${server.url}/list.csv` },
        {},
        options,
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SourceFetchError);
      expect((error as SourceFetchError).message).toMatch(
        new RegExp(`^custom-list: fetch: redirect from ${server.url}/list\\.csv: refused `),
      );
      expect((error as SourceFetchError).message).toMatch(cause);
      expect(server.requests.map((r) => r.url)).toEqual(['/list.csv']);
      server.requests.length = 0;
    }
  });

  it('follows a redirect within the allowed origin', async () => {
    const options = publisherRedirectingTo('/files/list.csv');
    const outcome = (await fetchVersion(
      'custom-list',
      { name: 'list.csv', url: `${server.url}/list.csv` },
      {},
      options,
    )) as FetchedVersion;
    expect(server.requests.map((r) => r.url)).toEqual(['/list.csv', '/files/list.csv']);
    await outcome.cleanup();
  });
});

describe('a download shorter than its Content-Length', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startHttpServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('is refused as truncated after its retries, whether the connection breaks or the server lies', async () => {
    server.handle((req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('id,name\n'.repeat(50));
      // /broken: the connection drops mid-body; /short: the body ends cleanly, 600 bytes short.
      if (req.url === '/broken') res.socket!.destroy();
      else res.socket!.end();
    });
    for (const path of ['/broken', '/short']) {
      const fetching = fetchVersion('s', { name: 'list.csv', url: `${server.url}${path}` }, {}, LOOPBACK);
      await expect(fetching, path).rejects.toThrow(SourceFetchError);
    }
    expect(server.requests.length).toBeGreaterThanOrEqual(4);
  });
});
