import { describe, expect, it } from 'vitest';
import { parseFeed } from '@rowanmanning/feed-parser';
import { parseAtomFeed, parseJsonFeed } from 'feedsmith';
import {
  changeFilterFor,
  feedCursor,
  isFeedCursor,
  parseFeedFileName,
  renderAtomFeed,
  renderJsonFeed,
  type FeedPageContent,
} from '../../functions/delivery/feeds.ts';
import { EVENT_TYPES, type TradewatchEvent, type WatchlistHitEvent } from '../../functions/core/events.ts';
import { changeEvent, healthEvent, registerRecord } from '../helpers/change-events.ts';

const HOSTILE = 'ACME <script>alert(1)</script> ]]> & "Sons" \u0007\u202e';

const added = changeEvent(
  'added',
  registerRecord({
    id: '101',
    source: 'us-ofac-sdn',
    list: 'SDN',
    name: HOSTILE,
    programs: ['RUSSIA-EO14024'],
    countries: ['RU'],
    aliases: ['ACME </dd><b>bold</b>'],
    links: ['https://sanctionssearch.ofac.treas.gov/Details.aspx?id=101'],
  }),
);
const before = registerRecord({
  id: '202',
  source: 'us-ofac-sdn',
  list: 'SDN',
  name: 'BETA LLC',
  aliases: ['BETA OLD'],
  links: ['javascript:alert(1)'],
});
const modified = {
  ...changeEvent('modified', before, { ...before, name: 'BETA <LLC>', aliases: ['BETA NEW'] }),
  time: '2026-03-05T13:00:00.000Z',
};
modified.data.fields = [
  { field: 'name', old: 'BETA LLC', new: 'BETA <LLC>' },
  { field: 'aliases', old: ['BETA OLD'], new: ['BETA NEW'], added: ['BETA NEW'], removed: ['BETA OLD'] },
];

function hit(subscriberId: string): WatchlistHitEvent {
  return {
    specversion: '1.0',
    id: `hit-${subscriberId}`,
    source: 'tradewatch/us-ofac-sdn',
    type: EVENT_TYPES.watchlistHit,
    subject: `${subscriberId}/101`,
    time: '2026-03-05T11:00:00.000Z',
    datacontenttype: 'application/json',
    data: {
      ...added.data,
      subscriberId,
      hitType: 'added',
      threshold: 0.9,
      recordHash: 'h',
      hits: [
        {
          entryKey: 'ref:C-1',
          reference: 'C-1',
          entry: { name: 'Acme <Corp>', aliases: [], countries: [] },
          entryName: 'Acme <Corp>',
          recordName: HOSTILE,
          score: 0.93,
          explanation: [],
        },
      ],
    },
  };
}

function page(events: TradewatchEvent[], extra: Partial<FeedPageContent> = {}): FeedPageContent {
  return {
    name: 'all',
    title: 'tradewatch: all changes',
    selfUrl: 'http://127.0.0.1:8787/feeds/all.atom',
    events,
    now: '2026-03-06T00:00:00.000Z',
    ...extra,
  };
}

describe('renderAtomFeed', () => {
  it('writes one entry per change event, newest first, that an Atom parser reads back', () => {
    const xml = renderAtomFeed(page([added, modified, healthEvent('us-ofac-sdn')]));
    const feed = parseFeed(xml);

    expect(feed.meta.type).toBe('atom');
    expect(feed.items.map((item) => item.id)).toEqual([
      `urn:tradewatch:event:${modified.id}`,
      `urn:tradewatch:event:${added.id}`,
    ]);
    expect(feed.items[0]!.updated?.toISOString()).toBe('2026-03-05T13:00:00.000Z');
    expect(feed.updated?.toISOString()).toBe('2026-03-05T13:00:00.000Z');
    expect(feed.self).toBe('http://127.0.0.1:8787/feeds/all.atom');
  });

  // @rowanmanning/feed-parser (what most readers resemble: lenient) decodes entities once more
  // than XML does, so the exact text of titles and content is read with feedsmith's Atom parser.
  it('keeps every register value text: a name holding <script> or ]]> is escaped, never markup', () => {
    const xml = renderAtomFeed(page([added]));
    const [entry] = parseAtomFeed(xml).entries!;

    expect(xml).not.toContain('<script>');
    expect(xml).not.toContain(']]>');
    expect(xml).not.toContain('\u0007');
    expect(xml).not.toContain('\u202e');
    expect(entry!.title).toEqual({
      type: 'text',
      value: `Added to SDN: ACME <script>alert(1)</script> ]]> & "Sons" (${added.data.sourceTitle})`,
    });
    // The content is HTML whose text is the name: the name's markup characters are escaped in it.
    const content = entry!.content!.value!;
    expect(content).toContain('ACME &lt;script&gt;alert(1)&lt;/script&gt; ]]&gt; &amp; &quot;Sons&quot;');
    expect(content).toContain('ACME &lt;/dd&gt;&lt;b&gt;bold&lt;/b&gt;');
    expect(content).not.toMatch(/<script|<b>/);
  });

  it('shows a modification field by field: old → new, items added and removed', () => {
    const [entry] = parseAtomFeed(renderAtomFeed(page([modified]))).entries!;
    const content = entry!.content!.value!;

    expect(content).toContain('<code>name</code>: <del>BETA LLC</del> → <ins>BETA &lt;LLC&gt;</ins>');
    expect(content).toContain('<code>aliases</code> added: <ins>BETA NEW</ins>');
    expect(content).toContain('<code>aliases</code> removed: <del>BETA OLD</del>');
  });

  it('links an entry to its source URL only when it is http(s), and categorises it', () => {
    const feed = parseFeed(renderAtomFeed(page([added, modified])));
    const [changed, addition] = feed.items;

    expect(addition!.url).toBe('https://sanctionssearch.ofac.treas.gov/Details.aspx?id=101');
    expect(changed!.url).toBeNull();
    expect(renderAtomFeed(page([modified]))).not.toMatch(/href=\S*javascript/);
    // The topics are the event's (a register record stores none): the register's and the country's.
    expect(addition!.categories.map((category) => category.term)).toEqual([
      'added',
      'SDN',
      'RUSSIA-EO14024',
      'russia',
      'sanctions',
    ]);
  });

  it('links the next page (RFC 5005) only when there is one', () => {
    const next = 'http://127.0.0.1:8787/feeds/all.atom?before=2026-03-05T12%3A00%3A00.000Z%23abc';
    const withNext = renderAtomFeed(page([added], { nextUrl: next }));
    const last = renderAtomFeed(page([added]));

    expect(withNext).toContain(`<link rel="next" type="application/atom+xml" href="${next}"/>`);
    expect(last).not.toContain('rel="next"');
    expect(parseFeed(renderAtomFeed(page([]))).updated?.toISOString()).toBe('2026-03-06T00:00:00.000Z');
  });
});

describe('renderJsonFeed', () => {
  it('writes a JSON Feed 1.1 that feedsmith reads, with the event ids, next_url and escaped HTML', () => {
    const next = 'http://127.0.0.1:8787/feeds/all.json?before=x';
    const json = renderJsonFeed(
      page([added, modified], { selfUrl: 'http://127.0.0.1:8787/feeds/all.json', nextUrl: next }),
    );
    const feed = parseJsonFeed(JSON.parse(json));
    const items = feed.items ?? [];

    expect(feed.feed_url).toBe('http://127.0.0.1:8787/feeds/all.json');
    expect(feed.next_url).toBe(next);
    expect(items.map((item) => item.id)).toEqual([modified.id, added.id]);
    const addition = items[1]!;
    expect(addition.date_published).toBe(added.time);
    expect(addition.url).toBe('https://sanctionssearch.ofac.treas.gov/Details.aspx?id=101');
    expect(addition.tags).toEqual(['added', 'SDN', 'RUSSIA-EO14024', 'russia', 'sanctions']);
    expect(addition.content_html).toContain('ACME &lt;script&gt;alert(1)&lt;/script&gt; ]]&gt;');
    expect(addition.content_html).not.toContain('<script');
    expect(items[0]!.url).toBeUndefined();
  });
});

describe('changeFilterFor', () => {
  const sdnChanges = { id: 'sdn-desk', policy: { changeType: ['added', 'removed', 'modified'], list: ['SDN'] } };

  it('holds every change in the all-changes feed, and never a health event or a watchlist hit', () => {
    const all = changeFilterFor();
    expect([added, modified, healthEvent('us-ofac-sdn'), hit('acme')].map(all)).toEqual([true, true, false, false]);
  });

  it("evaluates the subscriber's filter policy as SNS would, keywords included", () => {
    const bySdn = changeFilterFor(sdnChanges);
    const byCountry = changeFilterFor({ id: 'ru', policy: { changeType: ['added'], countries: ['RU'] } });
    const byKeyword = changeFilterFor({
      id: 'beta-watch',
      policy: { changeType: ['modified'], matchedKeywords: ['beta-watch'] },
      keywords: ['beta'],
    });

    expect([bySdn(added), bySdn(modified)]).toEqual([true, true]);
    expect([byCountry(added), byCountry(modified)]).toEqual([true, false]);
    expect([byKeyword(added), byKeyword(modified)]).toEqual([false, true]);
  });

  it("gives a watchlist hit only to its own subscriber's feed, and health to none", () => {
    const policy = (id: string) => ({ changeType: ['watchlist-added', 'health'], matchedWatchlists: [id] });
    const acme = changeFilterFor({ id: 'acme', policy: { $or: [policy('acme'), { changeType: ['health'] }] } });
    const other = changeFilterFor({ id: 'other', policy: policy('other') });

    expect([acme(hit('acme')), acme(hit('other')), acme(healthEvent('us-ofac-sdn'))]).toEqual([true, false, false]);
    expect(other(hit('acme'))).toBe(false);
  });
});

describe('feed cursors and file names', () => {
  it('writes and recognises `<time>#<eventId>` cursors, and refuses anything else', () => {
    expect(feedCursor(added)).toBe(`${added.time}#${added.id}`);
    expect(isFeedCursor(feedCursor(added))).toBe(true);
    expect(isFeedCursor("2026-01-01T00:00:00Z#x' OR 1=1")).toBe(false);
    expect(isFeedCursor('EVTS#us-ofac-sdn')).toBe(false);
  });

  it('reads `<name>.atom` and `<name>.json`, and nothing else', () => {
    expect(parseFeedFileName('all.atom')).toEqual({ name: 'all', format: 'atom' });
    expect(parseFeedFileName('cn-desk.json')).toEqual({ name: 'cn-desk', format: 'json' });
    expect(parseFeedFileName('all.rss')).toBeUndefined();
    expect(parseFeedFileName('../all.atom')).toBeUndefined();
  });
});
