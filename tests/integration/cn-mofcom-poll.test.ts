/**
 * The live poll of China's lists through the whole pipeline: the three index pages, then each new
 * announcement they link, served from loopback (tests/fixtures/cn-mofcom: written by hand in the
 * ministries' shape, see its README). The pages link https://www.mofcom.gov.cn/…; the server hands
 * them out with that origin swapped for its own.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeDelivered } from '../../functions/delivery/sns-publisher.ts';
import { pollSource } from '../../functions/run/poll.ts';
import { createCnMofcomLists, INDEX_PAGES } from '../../functions/sources/cn-mofcom-lists.ts';
import type { RegisterSource } from '../../functions/sources/types.ts';
import { startHttpServer, type TestServer } from '../helpers/http-server.ts';
import { startTestStack, type TestStack } from '../helpers/local-stack.ts';

const LOOPBACK = { allowPrivateHosts: true, backoffMs: 5, timeoutMs: 2000 };
const fixtures = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'tests/fixtures/cn-mofcom');
const fixture = (name: string): string => readFileSync(join(fixtures, name), 'utf8');

const POLICY = '/zwgk/zcfb/index.html';
const NEWS = '/syxwfb/index.html';
const MFA = '/web/wjb_673085/zfxxgk_674865/gknrlb/fzcqdcs/';
const QA = '/syxwfb/art/2030/art_00000000000000000000000000000004.html';
const SEED = '/zwgk/zcfb/art/2030/art_0000000000000000000000000000000a.html';
const ARTICLES: Record<string, string> = {
  '/zwgk/zcfb/art/2030/art_00000000000000000000000000000003.html': 'uel-2030-3.html',
  '/zwgk/zcfb/art/2030/art_00000000000000000000000000000002.html': 'eccl-2030-2.html',
  [`${MFA}203002/t20300210_11000001.shtml`]: 'mfa-order-30.html',
  [QA]: 'qa-2030-04-01.html',
  [SEED]: 'uel-2030-1.txt',
};
const NEWS_WITHOUT_ANSWER = fixture('index-news.html').replace(
  /<li><a href="\/syxwfb\/art\/2030\/art_0+4\.html"[^\n]*\n/,
  '',
);

describe('polling the ministries’ index pages and the announcements they link', () => {
  let stack: TestStack;
  let server: TestServer;
  let source: RegisterSource;
  const pages: Record<string, string> = {};
  const articleRequests = (): string[] =>
    server.requests.map((r) => r.url).filter((url) => ![POLICY, NEWS, MFA].includes(url));
  const drain = async (): Promise<{ type: string; subject?: string }[]> =>
    (await stack.drainQueue()).map((m) => decodeDelivered(m.Body!));

  beforeEach(async () => {
    stack = await startTestStack();
    server = await startHttpServer();
    pages[POLICY] = fixture('index-policy.html');
    pages[NEWS] = NEWS_WITHOUT_ANSWER;
    pages[MFA] = fixture('index-mfa.html');
    server.handle((req, res) => {
      const path = (req.url ?? '').split('?')[0]!;
      const body = pages[path] ?? (ARTICLES[path] ? fixture(ARTICLES[path]) : undefined);
      if (body === undefined) return res.writeHead(404).end('not found');
      return res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(body.replaceAll('https://www.mofcom.gov.cn', server.url));
    });
    const live = createCnMofcomLists({
      // The live pages (and the titles each is read for), on loopback.
      indexPages: INDEX_PAGES.map((page) => ({ ...page, url: `${server.url}${new URL(page.url).pathname}` })),
      seeds: [`${server.url}${SEED}`],
      // Without the written history of the real lists: this poll follows the fixtures' announcements alone.
      historic: [],
    });
    // The real source on loopback, with bounds that fit fourteen records.
    source = { ...live, expectedRecords: { min: 5, max: 50, maxDropFraction: 0.05 } };
  });
  afterEach(async () => {
    await server.close();
    await stack.stop();
  });

  it('stores a baseline, then reads only the new answer and alerts the measures it suspends', async () => {
    const baseline = await pollSource(source, stack.deps, LOOPBACK);
    expect(baseline).toMatchObject({ status: 'baseline', format: 'cn-announcement-index', records: 14 });
    expect(articleRequests().sort()).toEqual(
      Object.keys(ARTICLES)
        .filter((p) => p !== QA)
        .sort(),
    );

    pages[NEWS] = fixture('index-news.html');
    server.requests.length = 0;
    const changed = await pollSource(source, stack.deps, LOOPBACK);

    expect(articleRequests()).toEqual([QA]);
    // One new announcement; the three entities of 〔2030〕3号 and the three of 〔2030〕1号 suspended.
    expect(changed).toMatchObject({ status: 'changed', records: 15, added: 1, removed: 0, modified: 6 });
    const events = await drain();
    expect(events.filter((e) => e.type === 'tradewatch.record.added').map((e) => e.subject)).toEqual([
      'announcement/mofcom-qa-2030-04-01',
    ]);
    expect(
      events
        .filter((e) => e.type === 'tradewatch.record.modified')
        .map((e) => e.subject)
        .sort(),
    ).toEqual([
      'uel/test-alpha-semiconductor-inc',
      'uel/test-beta-drones-inc',
      'uel/test-delta-defense',
      'uel/test-epsilon-systems',
      'uel/test-gamma-labs',
      'uel/test-zeta-aero',
    ]);

    server.requests.length = 0;
    expect((await pollSource(source, stack.deps, LOOPBACK)).status).toBe('unchanged');
    expect(articleRequests()).toEqual([]);
  });

  it('fails a poll whose index page is an error page: nothing fetched or stored, the state kept', async () => {
    expect((await pollSource(source, stack.deps, LOOPBACK)).status).toBe('baseline');
    const manifest = await stack.store.loadManifest(source.id);
    pages[MFA] = fixture('error-page.html');
    pages[NEWS] = fixture('index-news.html');
    server.requests.length = 0;

    const failed = await pollSource(source, stack.deps, LOOPBACK);
    expect(failed.status).toBe('failed');
    expect(failed.error?.message).toBe(
      'cn-mofcom-lists: parse: index page mfa-countermeasures.html links no announcement ("404 页面不存在"): an error page or a new layout',
    );
    expect(articleRequests()).toEqual([]);
    expect(await stack.store.loadManifest(source.id)).toEqual(manifest);
    expect((await drain()).map((e) => e.type)).toEqual(['tradewatch.source.unhealthy']);
  });

  it('fails a poll whose new announcement cannot be read, naming it, and stores nothing', async () => {
    expect((await pollSource(source, stack.deps, LOOPBACK)).status).toBe('baseline');
    const manifest = await stack.store.loadManifest(source.id);
    pages[NEWS] = fixture('index-news.html');
    ARTICLES[QA] = 'error-page.html';
    try {
      const failed = await pollSource(source, stack.deps, LOOPBACK);
      expect(failed.status).toBe('failed');
      expect(failed.error?.message).toBe(
        `cn-mofcom-lists: parse: announcement ${server.url}${QA}: no title naming a list this source reads (page "404 页面不存在")`,
      );
      expect(await stack.store.loadManifest(source.id)).toEqual(manifest);
    } finally {
      ARTICLES[QA] = 'qa-2030-04-01.html';
    }
  });
});
