import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WatchlistStore } from '../../functions/aws/watchlist-store.ts';
import { parseConfig } from '../../functions/config/config.ts';
import { CSRF_FIELD } from '../../functions/review/csrf.ts';
import { createReviewPage, type PageHandler, type PageResponse, type Reviewer } from '../../functions/review/page.ts';
import type { TestStack } from '../helpers/local-stack.ts';
import {
  ANNOUNCED_RECORD_ID,
  ANNOUNCING_DOCUMENT,
  HOSTILE_NAME,
  HOSTILE_RECORD_ID,
  SEED_SUBSCRIBER,
  seedReviewStack,
} from '../helpers/review-seed.ts';

const HOST = '127.0.0.1:8787';
const analyst: Reviewer = { id: 'analyst@example.com', subscribers: 'all' };
const now = new Date('2026-07-01T00:00:00Z');

describe('the review page against dynalite', () => {
  let stack: TestStack;
  let page: PageHandler;

  const get = (path: string, reviewer = analyst): Promise<PageResponse> => {
    const url = new URL(path, `http://${HOST}`);
    return page({
      method: 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: { host: HOST },
      body: '',
      reviewer,
    });
  };
  const post = (path: string, form: Record<string, string>, headers: Record<string, string> = {}, reviewer = analyst) =>
    page({
      method: 'POST',
      path,
      query: new URLSearchParams(),
      headers: {
        host: HOST,
        origin: `http://${HOST}`,
        'content-type': 'application/x-www-form-urlencoded',
        ...headers,
      },
      body: new URLSearchParams(form).toString(),
      reviewer,
    });
  /** The CSRF token the page put in its forms for this reviewer. */
  const tokenOf = (body: string): string => fieldValues(body, 'csrf')[0]!;
  /** The values of a form's hidden fields of this name, in document order. */
  const fieldValues = (body: string, name: string): string[] =>
    [...body.matchAll(new RegExp(`name="${name}"\\s+value="([^"]*)"`, 'g'))].map((m) => m[1]!);
  const articles = (body: string): string[] => body.split('<article').slice(1);

  beforeAll(async () => {
    stack = await seedReviewStack();
    page = createReviewPage({
      table: stack.store,
      config: parseConfig({}),
      csrfSecret: randomBytes(32),
      now: () => now,
      subscriberIds: [SEED_SUBSCRIBER],
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('lists the changes newest first across sources, under a strict Content-Security-Policy', async () => {
    const response = await get('/');

    expect(response.status).toBe(200);
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const times = [...response.body.matchAll(/<time datetime="([^"]+)"/g)].map((m) => m[1]!);
    expect(times.length).toBeGreaterThan(5);
    expect([...times].sort().reverse()).toEqual(times);
    expect(response.body).toContain('Consolidated Screening List');
    expect(response.body).toContain('UK Sanctions List');
  });

  it('filters by source, change type and name, every card matching', async () => {
    const bySource = await get('/?source=uk-sanctions-list&type=removed');
    const byName = await get('/?q=vetrov');

    const cards = articles(bySource.body);
    expect(cards.length).toBeGreaterThan(0);
    for (const card of cards) {
      expect(card).toContain('UK Sanctions List');
      expect(card).toContain('badge removed');
    }
    expect(articles(byName.body).length).toBeGreaterThan(0);
    for (const card of articles(byName.body)) expect(card.toLowerCase()).toContain('vetrov');
  });

  it('filters by date range on the index key, and refuses a malformed date or cursor', async () => {
    const june = await get('/?from=2026-06-01&to=2026-06-30');
    const bad = await get('/?from=yesterday');
    const cursor = await get('/?before=%3Cscript%3E');

    expect(articles(june.body)).toHaveLength(1);
    expect(june.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(bad.status).toBe(400);
    expect(cursor.status).toBe(400);
  });

  it('shows a record named with markup as text, and drops its javascript: link', async () => {
    const list = await get('/?source=uk-sanctions-list');
    const history = await get(`/records/uk-sanctions-list/${HOSTILE_RECORD_ID}`);

    for (const body of [list.body, history.body]) {
      expect(body).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(body).not.toContain(HOSTILE_NAME);
      expect(body).not.toContain('<script>');
      expect(body).not.toContain('javascript:');
    }
    expect(history.body).toContain('&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
  });

  it("opens a record's history with every change and the Federal Register early warning", async () => {
    const modified = (await get('/?source=us-trade-csl&type=modified')).body;
    const href = /href="(\/records\/us-trade-csl\/[^"]+)"/.exec(modified)![1]!;
    const recordId = decodeURIComponent(href.split('/').pop()!);
    const history = await get(href);
    const announced = await get(`/records/us-trade-csl/${ANNOUNCED_RECORD_ID}`);

    // Counted from the source's partition itself, not through the index the page reads.
    const stored = (await stack.store.listEvents('us-trade-csl', 1000)).filter((e) => e.event.subject === recordId);
    expect(stored.length).toBeGreaterThan(0);
    expect(history.status).toBe(200);
    const cards = articles(history.body);
    expect(cards).toHaveLength(stored.length);
    for (const card of cards) expect(card).toContain(`href="${href}"`);
    expect(history.body).toContain('<del>');
    expect(history.body).toContain('<ins>');
    expect(announced.body).toContain(`https://www.federalregister.gov/d/${ANNOUNCING_DOCUMENT}`);
    expect((await get('/records/us-trade-csl/no-such-record')).status).toBe(404);
  });

  it('gives each change a stable URL', async () => {
    const list = (await get('/')).body;
    const href = /href="(\/changes\/[^"]+)"/.exec(list)![1]!;

    const first = await get(href);
    const again = await get(href);
    expect(first.status).toBe(200);
    expect(again.body).toBe(first.body);
    expect((await get('/changes/us-trade-csl/0000')).status).toBe(404);
  });

  it("shows each source's health and record count", async () => {
    const response = await get('/sources');

    expect(response.status).toBe(200);
    const row = response.body.split('<tr>').find((r) => r.includes('uk-sanctions-list'))!;
    expect(row).toContain('healthy');
    expect(row).toMatch(/data-label="Records">\d+/);
  });

  it('refuses a decision without a token, with a foreign origin, or with a token of another reviewer', async () => {
    const hits = await get(`/hits/${SEED_SUBSCRIBER}`);
    const token = tokenOf(hits.body);
    const form = { source: 'eu-fsf', record: 'x', entry: 'ref:SUP-2001', reason: 'r' };
    const other = tokenOf((await get(`/hits/${SEED_SUBSCRIBER}`, { id: 'someone-else', subscribers: 'all' })).body);

    expect((await post(`/hits/${SEED_SUBSCRIBER}/dismiss`, form)).status).toBe(403);
    expect(
      (
        await post(
          `/hits/${SEED_SUBSCRIBER}/dismiss`,
          { ...form, [CSRF_FIELD]: token },
          { origin: 'https://evil.example' },
        )
      ).status,
    ).toBe(403);
    expect((await post(`/hits/${SEED_SUBSCRIBER}/dismiss`, { ...form, [CSRF_FIELD]: other })).status).toBe(403);
    expect(await new WatchlistStore(stack.store).decisions(SEED_SUBSCRIBER)).toEqual(new Map());
  });

  it('keeps a reviewer to the subscribers assigned to them', async () => {
    const outsider: Reviewer = { id: 'outsider', subscribers: ['another-desk'] };

    expect((await get(`/hits/${SEED_SUBSCRIBER}`, outsider)).status).toBe(403);
    expect((await get(`/audit/${SEED_SUBSCRIBER}.csv`, outsider)).status).toBe(403);
    expect((await get('/hits', outsider)).body).not.toContain(SEED_SUBSCRIBER);
  });

  it('dismisses a hit as the reviewer, into the audit trail and its CSV, and withdraws it', async () => {
    const before = await get(`/hits/${SEED_SUBSCRIBER}`);
    const hit = ['source', 'record', 'entry'].map((name) => fieldValues(before.body, name)[0]!);
    const form = { [CSRF_FIELD]: tokenOf(before.body), source: hit[0]!, record: hit[1]!, entry: hit[2]! };
    const openBefore = Number(/Open \((\d+)\)/.exec(before.body)![1]);
    expect(before.body).toContain('Score');

    const dismissed = await post(`/hits/${SEED_SUBSCRIBER}/dismiss`, {
      ...form,
      reason: 'different person, born 1950',
    });
    const after = await get(`/hits/${SEED_SUBSCRIBER}`);
    const csv = await get(`/audit/${SEED_SUBSCRIBER}.csv?action=not-a-match`);
    const withdrawn = await post(`/hits/${SEED_SUBSCRIBER}/withdraw`, { ...form, reason: 'second look' });
    const trail = await new WatchlistStore(stack.store).audit(SEED_SUBSCRIBER);

    expect(dismissed.status).toBe(303);
    expect(dismissed.headers.location).toBe(`/hits/${SEED_SUBSCRIBER}?done=dismissed`);
    expect(Number(/Open \((\d+)\)/.exec(after.body)![1])).toBe(openBefore - 1);
    expect(after.body).toContain('by analyst@example.com');
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.body.split('\r\n')[1]).toContain('not-a-match,analyst@example.com,"different person, born 1950"');
    expect(withdrawn.status).toBe(303);
    expect(trail.slice(-2).map((e) => [e.action, e.by, e.reason, e.recordId])).toEqual([
      ['not-a-match', 'analyst@example.com', 'different person, born 1950', hit[1]],
      ['withdraw', 'analyst@example.com', 'second look', hit[1]],
    ]);
    expect(await new WatchlistStore(stack.store).decisions(SEED_SUBSCRIBER)).toEqual(new Map());
  });

  it('refuses a decision without a reason, or on an entry that is not on the watchlist', async () => {
    const token = tokenOf((await get(`/hits/${SEED_SUBSCRIBER}`)).body);
    const form = { [CSRF_FIELD]: token, source: 'uk-sanctions-list', record: HOSTILE_RECORD_ID };

    expect(
      (await post(`/hits/${SEED_SUBSCRIBER}/dismiss`, { ...form, entry: 'ref:SUP-2001', reason: ' ' })).status,
    ).toBe(400);
    const unknown = await post(`/hits/${SEED_SUBSCRIBER}/dismiss`, { ...form, entry: 'ref:NOPE', reason: 'x' });
    expect(unknown.status).toBe(409);
    expect(unknown.body).toContain('no entry &quot;ref:NOPE&quot;');
  });
});
