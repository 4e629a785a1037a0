import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFeed } from '@rowanmanning/feed-parser';
import { parseAtomFeed, parseJsonFeed } from 'feedsmith';
import { parseConfig } from '../../functions/config/config.ts';
import { isChangeEvent, type ChangeEvent, type TradewatchEvent } from '../../functions/core/events.ts';
import { replayPaths } from '../../functions/run/poll.ts';
import { processVersion } from '../../functions/run/process-version.ts';
import { findSource } from '../../functions/sources/registry.ts';
import { startFeedServer, type FeedServer } from '../../functions/cli/serve.ts';
import { startTestStack, type TestStack } from '../helpers/local-stack.ts';
import { toyCsv, toySource, toyVersion } from '../helpers/toy-source.ts';

const demo = (path: string) => fileURLToPath(new URL(`../../demo/${path}`, import.meta.url));
const HOSTILE = 'ACME <script>alert(1)</script> ]]> & CO';

const config = parseConfig({
  subscribers: [
    {
      id: 'csl-additions',
      channel: { type: 'email', address: 'csl@example.com' },
      filters: { sources: ['us-trade-csl'], changeTypes: ['added'] },
    },
    { id: 'acme-watch', channel: { type: 'email', address: 'acme@example.com' }, filters: { keywords: ['acme'] } },
  ],
  feeds: { enabled: true },
});
// Small pages, so that paging is exercised on a few dozen events.
config.feeds.pageSize = 4;

describe('tradewatch serve: the change feeds of real pipeline events over loopback', () => {
  let stack: TestStack;
  let served: FeedServer;
  let stored: ChangeEvent[];

  beforeAll(async () => {
    stack = await startTestStack();
    for (const id of ['us-ofac-sdn', 'us-trade-csl']) {
      const versions = ['1', '2', '3'].map((version) => demo(`${id}/${version}`));
      await replayPaths(findSource(id)!, versions, stack.deps);
    }
    await processVersion(toySource, toyVersion(toyCsv([['1', 'BETA', 'CN', 'EL']])), undefined, stack.deps);
    await processVersion(
      toySource,
      toyVersion(
        toyCsv([
          ['1', 'BETA', 'CN', 'EL'],
          ['2', HOSTILE, 'CN', 'EL'],
        ]),
      ),
      await stack.store.getMeta('toy-register'),
      stack.deps,
    );
    const sourceIds = ['us-ofac-sdn', 'us-trade-csl', 'toy-register'];
    stored = (await Promise.all(sourceIds.map((id) => stack.store.listEvents(id, 1000))))
      .flat()
      .map((entry) => entry.event)
      .filter(isChangeEvent)
      .sort((a, b) => cursorOf(b).localeCompare(cursorOf(a)));
    served = await startFeedServer(stack.store, { config, port: 0, sourceIds });
  });
  afterAll(async () => {
    await served?.close();
    await stack?.stop();
  });

  const cursorOf = (event: TradewatchEvent) => `${event.time}#${event.id}`;

  /** Every page of a feed, following rel="next" (Atom) from the first. */
  async function atomPages(name: string): Promise<string[]> {
    const pages: string[] = [];
    for (let url: string | null = `${served.url}/feeds/${name}.atom`; url;) {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
      const xml = await response.text();
      pages.push(xml);
      url = parseAtomFeed(xml).links?.find((link) => link.rel === 'next')?.href ?? null;
    }
    return pages;
  }

  const entryIds = (pages: string[]) =>
    pages.flatMap((xml) => parseFeed(xml).items.map((item) => item.id!.replace('urn:tradewatch:event:', '')));

  it('binds 127.0.0.1 only', () => {
    expect(served.server.address()).toMatchObject({ address: '127.0.0.1' });
  });

  it('pages the all-changes feed newest first, every stored change exactly once', async () => {
    expect(stored.length).toBeGreaterThan(8);
    const pages = await atomPages('all');

    expect(pages.length).toBe(Math.ceil(stored.length / 4));
    expect(entryIds(pages)).toEqual(stored.map((event) => event.id));
  });

  it("holds in a subscriber's feed only the changes its filters select", async () => {
    const additions = entryIds(await atomPages('csl-additions'));
    const acme = entryIds(await atomPages('acme-watch'));

    const expected = stored.filter((e) => e.data.sourceId === 'us-trade-csl' && e.data.changeType === 'added');
    expect(expected.length).toBeGreaterThan(0);
    expect(additions).toEqual(expected.map((event) => event.id));
    expect(acme).toEqual(stored.filter((e) => /acme/i.test(e.data.name)).map((event) => event.id));
    expect(acme.length).toBeGreaterThan(0);
  });

  it('serves JSON Feed 1.1 with next_url paging over the same entries', async () => {
    const ids: string[] = [];
    for (let url: string | undefined = `${served.url}/feeds/all.json`; url;) {
      const response = await fetch(url);
      expect(response.headers.get('content-type')).toBe('application/feed+json; charset=utf-8');
      const feed = parseJsonFeed(await response.json());
      ids.push(...(feed.items ?? []).map((item) => String(item.id)));
      url = feed.next_url;
    }
    expect(ids).toEqual(stored.map((event) => event.id));
  });

  it('escapes a name holding markup: it reaches the reader as the text it is', async () => {
    const xml = await (await fetch(`${served.url}/feeds/acme-watch.atom`)).text();
    const [entry] = parseAtomFeed(xml).entries!;

    expect(xml).not.toContain('<script>');
    expect(xml).not.toContain(']]>');
    expect(entry!.title!.value).toBe(`Added to Toy List: ${HOSTILE} (Toy register)`);
    expect(entry!.content!.value).toContain('ACME &lt;script&gt;alert(1)&lt;/script&gt; ]]&gt; &amp; CO');
  });

  it('answers an unknown feed 404, a bad cursor 400, HEAD without a body, and a repeat with 304', async () => {
    expect((await fetch(`${served.url}/feeds/nobody.atom`)).status).toBe(404);
    expect((await fetch(`${served.url}/feeds/all.rss`)).status).toBe(404);
    expect((await fetch(`${served.url}/feeds/all.atom?before=x`)).status).toBe(400);
    const head = await fetch(`${served.url}/feeds/all.atom`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const etag = head.headers.get('etag')!;
    expect((await fetch(`${served.url}/feeds/all.atom`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await fetch(`${served.url}/feeds/all.atom`, { method: 'POST' })).status).toBe(405);
  });

  it('lists every feed on its index page', async () => {
    const response = await fetch(`${served.url}/feeds/`);
    const html = await response.text();

    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    for (const name of ['all', 'csl-additions', 'acme-watch'])
      for (const extension of ['atom', 'json']) expect(html).toContain(`${served.url}/feeds/${name}.${extension}`);
  });
});
