/**
 * The live poll of the DPL as bis.gov publishes it: the DPL page, then the dated CSV it links,
 * served from loopback. The page fixture links https://media.bis.gov/…; the server hands it out
 * with that origin swapped for its own, so the absolute link leads back to it.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeDelivered } from '../../functions/delivery/sns-publisher.ts';
import { pollSource } from '../../functions/run/poll.ts';
import type { RegisterSource } from '../../functions/sources/types.ts';
import { usBisDpl } from '../../functions/sources/us-bis-dpl.ts';
import { startHttpServer, type TestServer } from '../helpers/http-server.ts';
import { startTestStack, type TestStack } from '../helpers/local-stack.ts';

const LOOPBACK = { allowPrivateHosts: true, backoffMs: 5, timeoutMs: 2000 };
const fixtures = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'tests/fixtures/bis-dpl');
const PAGE_HTML = readFileSync(join(fixtures, 'dpl-page.html'), 'utf8');
const FILES = new Map(
  ['dpl_03122026.csv', 'dpl_04022026.csv'].map((name) => [name, readFileSync(join(fixtures, name))]),
);
const PAGE_PATH = '/licensing/end-user-guidance/denied-persons-list-dpl';
const FILE_DIR = '/sites/default/files/';

interface Publisher {
  /** The page's HTML, with https://media.bis.gov standing for the server. */
  page: string;
  /** Answer If-None-Match with 304 when the ETag matches. */
  conditional: boolean;
}

describe('polling the DPL page and the dated CSV it links', () => {
  let stack: TestStack;
  let server: TestServer;
  let source: RegisterSource;
  let publisher: Publisher;
  const pageWith = (html: string): string => html.replaceAll('https://media.bis.gov', server.url);
  const csvRequests = (): TestServer['requests'] => server.requests.filter((r) => r.url.startsWith(FILE_DIR));
  const drainTypes = async (): Promise<string[]> =>
    (await stack.drainQueue()).map((m) => decodeDelivered(m.Body!).type);

  beforeEach(async () => {
    stack = await startTestStack();
    server = await startHttpServer();
    publisher = { page: PAGE_HTML, conditional: true };
    server.handle((req, res) => {
      const path = (req.url ?? '').split('?')[0]!;
      if (path === PAGE_PATH)
        return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(pageWith(publisher.page));
      const body = path.startsWith(FILE_DIR) ? FILES.get(path.slice(FILE_DIR.length)) : undefined;
      if (!body) return res.writeHead(404).end('not found');
      const etag = `"${path.slice(FILE_DIR.length)}-${body.length}"`;
      if (publisher.conditional && req.headers['if-none-match'] === etag) return res.writeHead(304).end();
      return res
        .writeHead(200, { 'content-type': 'text/csv', etag, 'last-modified': 'Thu, 12 Mar 2026 14:00:00 GMT' })
        .end(body);
    });
    const [download] = usBisDpl.downloads;
    const page = `${server.url}${PAGE_PATH}`;
    // The real source, with its page on loopback and bounds that fit an eleven-row fixture.
    source = {
      ...usBisDpl,
      downloads: [{ ...download!, url: page, discover: { ...download!.discover!, page } }],
      expectedRecords: { min: 5, max: 50, maxDropFraction: 0.2 },
    };
  });
  afterEach(async () => {
    await server.close();
    await stack.stop();
  });

  it('stores a baseline from the linked CSV, then alerts the changes of a newly linked dated CSV', async () => {
    const baseline = await pollSource(source, stack.deps, LOOPBACK);
    expect(baseline).toMatchObject({ status: 'baseline', format: 'bis-dpl-csv', records: 11, published: 0 });
    expect(server.requests.map((r) => r.url)).toEqual([PAGE_PATH, `${FILE_DIR}dpl_03122026.csv`]);
    expect(await stack.store.getMeta(source.id)).toMatchObject({ recordCount: 11, etag: '"dpl_03122026.csv-1606"' });
    expect(await drainTypes()).toEqual([]);

    publisher.page = PAGE_HTML.replace('dpl_03122026.csv', 'dpl_04022026.csv');
    const changed = await pollSource(source, stack.deps, LOOPBACK);

    expect(changed).toMatchObject({ status: 'changed', records: 11, added: 1, removed: 1, modified: 1, published: 3 });
    expect(server.requests.at(-1)!.url).toBe(`${FILE_DIR}dpl_04022026.csv`);
    const events = (await stack.drainQueue()).map((m) => decodeDelivered(m.Body!));
    expect(events.map((e) => [e.type, (e.data as { name: string }).name]).sort()).toEqual([
      ['tradewatch.record.added', 'ORSOLYA BENEDEK-HART'],
      ['tradewatch.record.modified', 'KESTREL AERO PARTS LTD'],
      ['tradewatch.record.removed', 'NADIA OKONJO-VALE'],
    ]);
    expect(events.find((e) => e.type === 'tradewatch.record.modified')?.subject).toBe('2f6a52eb1437ef51');
  });

  it('answers an unchanged CSV as unchanged: by its ETag, or by its content hash when the server ignores the ETag', async () => {
    expect((await pollSource(source, stack.deps, LOOPBACK)).status).toBe('baseline');
    const before = await stack.store.getMeta(source.id);

    expect((await pollSource(source, stack.deps, LOOPBACK)).status).toBe('unchanged');
    const conditional = csvRequests().at(-1)!;
    expect(conditional.headers['if-none-match']).toBe('"dpl_03122026.csv-1606"');
    // The stored Last-Modified belongs to the last stored file, which for a discovered download may
    // have had another name: it is not sent.
    expect(conditional.headers['if-modified-since']).toBeUndefined();

    publisher.conditional = false;
    expect((await pollSource(source, stack.deps, LOOPBACK)).status).toBe('unchanged');
    expect(csvRequests()).toHaveLength(3);
    expect(await stack.store.getMeta(source.id)).toMatchObject({
      contentHash: before!.contentHash,
      updatedAt: before!.updatedAt,
    });
    expect(await drainTypes()).toEqual([]);
  });

  it('fails a poll whose page has no matching link: nothing fetched or stored, one health event, one recovery', async () => {
    expect((await pollSource(source, stack.deps, LOOPBACK)).status).toBe('baseline');
    const before = await stack.store.getMeta(source.id);
    const manifest = await stack.store.loadManifest(source.id);
    publisher.page = PAGE_HTML.replace(
      /<a [^>]*dpl_\d{8}\.csv[^>]*>[^<]*<\/a>/,
      '<span>The list is being updated.</span>',
    );

    const failed = await pollSource(source, stack.deps, LOOPBACK);
    expect(failed.status).toBe('failed');
    expect(failed.error?.message).toBe(
      `us-bis-dpl: fetch: discover: no link matching /${source.downloads[0]!.discover!.linkPattern}/ on ${server.url}${PAGE_PATH}`,
    );
    expect((await pollSource(source, stack.deps, LOOPBACK)).status).toBe('failed');
    expect(csvRequests()).toHaveLength(1);
    expect(await stack.store.getMeta(source.id)).toMatchObject({
      contentHash: before!.contentHash,
      recordCount: 11,
      healthStatus: 'unhealthy',
      lastErrorStep: 'fetch',
      consecutiveFailures: 2,
    });
    expect(await stack.store.loadManifest(source.id)).toEqual(manifest);
    expect(await stack.store.listEvents(source.id)).toEqual([]);
    expect(await drainTypes()).toEqual(['tradewatch.source.unhealthy']);

    publisher.page = PAGE_HTML;
    expect((await pollSource(source, stack.deps, LOOPBACK)).status).toBe('unchanged');
    expect(await drainTypes()).toEqual(['tradewatch.source.recovered']);
  });

  it('refuses a link to another host, and a page that does not answer, without fetching any CSV', async () => {
    publisher.page = PAGE_HTML.replace('https://media.bis.gov', server.url.replace('127.0.0.1', 'localhost'));
    const elsewhere = await pollSource(source, stack.deps, LOOPBACK);
    expect(elsewhere.error?.message).toMatch(
      /^us-bis-dpl: fetch: discover: refused http:\/\/localhost:\d+\/sites\/default\/files\/dpl_03122026\.csv found on .*: localhost is neither 127\.0\.0\.1 nor within 127\.0\.0\.1$/,
    );

    const missing = {
      ...source,
      downloads: [
        {
          ...source.downloads[0]!,
          discover: { ...source.downloads[0]!.discover!, page: `${server.url}/no-such-page` },
        },
      ],
    };
    const notFound = await pollSource(missing, stack.deps, LOOPBACK);
    expect(notFound.error?.message).toMatch(
      /^us-bis-dpl: fetch: discover: HTTP 404 Not Found from http:\/\/127\.0\.0\.1:\d+\/no-such-page$/,
    );
    expect(csvRequests()).toEqual([]);
    expect(await stack.store.getMeta(source.id)).not.toHaveProperty('contentHash');
  });

  it('refuses a plain-http page unless private hosts are allowed (the TLS rule of every download)', async () => {
    const report = await pollSource(source, stack.deps, { backoffMs: 5, timeoutMs: 2000 });
    expect(report.error?.message).toMatch(/^us-bis-dpl: fetch: discover: refused non-TLS URL http:\/\/127\.0\.0\.1/);
    expect(server.requests).toEqual([]);
  });
});
