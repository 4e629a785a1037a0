import { describe, expect, it } from 'vitest';
import { SourceFormatError } from '../../functions/core/errors.ts';
import { contentHash, type RegisterRecord } from '../../functions/core/records.ts';
import { bufferDocument } from '../../functions/sources/read/document.ts';
import { feedSource } from '../../functions/sources/feed-source.ts';
import {
  MAX_REMARKS,
  decodeHtmlEntities,
  fallbackItemId,
  htmlToText,
  parseFeedDate,
  rootElementName,
  sniffFeedFlavour,
} from '../../functions/sources/formats/feed-xml.ts';
import { byId, parseWith } from '../helpers/parse.ts';

const source = feedSource({
  id: 'test-feed',
  title: 'Test feed',
  publisher: 'tradewatch tests',
  jurisdiction: 'US',
  list: 'Configured list name',
  downloads: [{ url: 'https://example.org/feed.xml', format: 'feed-xml', serves: 'a test feed' }],
  schedule: 'rate(5 minutes)',
  expectedRecords: { min: 1, max: 100 },
  homepage: 'https://example.org/',
});

const parse = (xml: string, name = 'feed.xml') => parseWith(source, bufferDocument(name, xml));

const rss = (items: string, channelTitle = 'Channel title') => `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>${channelTitle}</title>
    <link>https://example.org/</link>
    <atom:link href="https://example.org/feed.xml" rel="self" type="application/rss+xml"/>
    ${items}
  </channel>
</rss>
`;

describe('the feed-xml format', () => {
  describe('RSS 2.0', () => {
    it('maps an item to a record: guid, title, link, date, text of the description, categories, topics', async () => {
      const { records, warnings } = await parse(
        rss(`<item>
          <title>Additions to the Entity List &amp;amp; Revisions</title>
          <link>https://example.org/news/1</link>
          <guid isPermaLink="false">urn:example:1</guid>
          <description>&lt;p&gt;BIS adds &lt;b&gt;11 entities&lt;/b&gt; in China&amp;nbsp;and Russia.&lt;/p&gt;&lt;p&gt;Effective today.&lt;/p&gt;</description>
          <pubDate>Tue, 26 Aug 2025 22:30:00 -0500</pubDate>
          <category>Export controls</category>
          <category>Rules</category>
        </item>`),
      );
      expect(warnings).toEqual([]);
      expect(records).toEqual<RegisterRecord[]>([
        {
          id: 'urn:example:1',
          source: 'test-feed',
          list: 'Configured list name',
          kind: 'other',
          name: 'Additions to the Entity List & Revisions',
          aliases: [],
          countries: [],
          addresses: [],
          programs: [],
          links: ['https://example.org/news/1'],
          listedOn: '2025-08-26',
          remarks: 'BIS adds 11 entities in China and Russia. Effective today.',
          topics: ['china', 'entity-list', 'export-controls', 'russia'],
          extra: { published: '2025-08-27T03:30:00Z', categories: ['Export controls', 'Rules'] },
        },
      ]);
    });

    it('names the list as configured, never after the channel title', async () => {
      const item = '<item><guid>g</guid><title>T</title></item>';
      const [a] = (await parse(rss(item, 'OFAC: Recent Actions'))).records;
      const [b] = (await parse(rss(item, 'Recent Actions'))).records;
      expect(a!.list).toBe('Configured list name');
      expect(contentHash(a!)).toBe(contentHash(b!));
    });

    it('reads content:encoded when there is no description, and dc:date when there is no pubDate', async () => {
      const { records } = await parse(
        rss(
          '<item><guid>g</guid><title>T</title><content:encoded><![CDATA[<div>Full <em>text</em></div>]]></content:encoded><dc:date>2025-03-04T05:06:07+01:00</dc:date></item>',
        ),
      );
      expect(records[0]).toMatchObject({
        remarks: 'Full text',
        listedOn: '2025-03-04',
        extra: { published: '2025-03-04T04:06:07Z' },
      });
    });

    it('takes the text of <link>, not an atom:link inside the item', async () => {
      const { records } = await parse(
        rss(
          '<item><title>T</title><atom:link href="https://example.org/self" rel="self"/><link>https://example.org/page</link></item>',
        ),
      );
      expect(records[0]!.links).toEqual(['https://example.org/page']);
      expect(records[0]!.id).toBe('https://example.org/page');
    });

    it('names an item without a title after its summary, and skips one with neither, with a warning', async () => {
      const { records, warnings } = await parse(
        rss('<item><guid>a</guid><description>Only a summary here.</description></item><item><guid>b</guid></item>'),
      );
      expect(records.map((r) => [r.id, r.name])).toEqual([['a', 'Only a summary here.']]);
      expect(warnings).toEqual(['item b has neither a title nor a summary: skipped']);
    });

    it('cuts a description longer than MAX_REMARKS at a word, deterministically', async () => {
      const long = Array.from({ length: 2000 }, (_, i) => `word${i}`).join(' ');
      const { records } = await parse(
        rss(`<item><guid>g</guid><title>T</title><description>${long}</description></item>`),
      );
      const remarks = records[0]!.remarks!;
      expect(remarks.length).toBeLessThanOrEqual(MAX_REMARKS);
      expect(remarks.endsWith('…')).toBe(true);
      expect(long.startsWith(remarks.slice(0, -1))).toBe(true);
      expect(remarks.slice(0, -1).endsWith(' ')).toBe(false);
    });
  });

  describe('Atom 1.0', () => {
    const atom = (entries: string) => `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <id>tag:example.org,2005:/feed</id>
  <title>Feed title</title>
  <updated>2025-01-02T03:04:05Z</updated>
  ${entries}
</feed>`;

    it('maps an entry: id, alternate link, published date, updated, html summary, category terms', async () => {
      const { records } = await parse(
        atom(`<entry>
          <id>tag:example.org,2005:/notices/1</id>
          <title type="text">NTE 2025/01: new OGEL</title>
          <link rel="self" href="https://example.org/api/notices/1"/>
          <link rel="alternate" type="text/html" href="https://example.org/notices/1"/>
          <published>2025-06-12T09:30:00+01:00</published>
          <updated>2025-06-13T10:00:00+01:00</updated>
          <summary type="html">&lt;p&gt;A new open general export licence for &lt;i&gt;dual-use&lt;/i&gt; items.&lt;/p&gt;</summary>
          <category term="export-controls" label="Export controls"/>
        </entry>`),
      );
      expect(records).toEqual<RegisterRecord[]>([
        {
          id: 'tag:example.org,2005:/notices/1',
          source: 'test-feed',
          list: 'Configured list name',
          kind: 'other',
          name: 'NTE 2025/01: new OGEL',
          aliases: [],
          countries: [],
          addresses: [],
          programs: [],
          links: ['https://example.org/notices/1'],
          listedOn: '2025-06-12',
          remarks: 'A new open general export licence for dual-use items.',
          topics: ['dual-use', 'export-controls', 'export-licence'],
          extra: {
            published: '2025-06-12T08:30:00Z',
            updated: '2025-06-13T09:00:00Z',
            categories: ['export-controls'],
          },
        },
      ]);
    });

    it('dates an entry with only <updated> by it (GOV.UK), and keeps a text summary as written', async () => {
      const { records } = await parse(
        atom(
          `<entry><id>e</id><title>T</title><link href="https://example.org/e"/><updated>2025-06-05T14:00:00+01:00</updated><summary type="text">a &lt;b&gt; stays</summary></entry>`,
        ),
      );
      expect(records[0]).toMatchObject({
        listedOn: '2025-06-05',
        links: ['https://example.org/e'],
        remarks: 'a <b> stays',
        extra: { published: '2025-06-05T13:00:00Z' },
      });
      expect(records[0]!.extra.updated).toBeUndefined();
    });

    it('reads an xhtml summary as text', async () => {
      const { records } = await parse(
        atom(
          `<entry><id>e</id><title>T</title><summary type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Export licence</p><p>required</p></div></summary></entry>`,
        ),
      );
      expect(records[0]!.remarks).toBe('Export licence required');
    });
  });

  describe('RSS 1.0 (RDF)', () => {
    it('maps an item by its rdf:about, dc:date and dc:subject', async () => {
      const { records } = await parse(`<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://example.org/"><title>C</title><items><rdf:Seq><rdf:li rdf:resource="https://example.org/a"/></rdf:Seq></items></channel>
  <item rdf:about="https://example.org/a"><title>Iran-related designations</title><link>https://example.org/a</link><dc:date>2025-02-03</dc:date><dc:subject>Sanctions</dc:subject></item>
</rdf:RDF>`);
      expect(records.map((r) => [r.id, r.listedOn, r.extra.categories, r.topics])).toEqual([
        ['https://example.org/a', '2025-02-03', ['Sanctions'], ['iran', 'sanctions']],
      ]);
    });
  });

  describe('ids', () => {
    it('takes the guid first, then the link, then a hash of title and date', async () => {
      const { records } = await parse(
        rss(`<item><guid>G</guid><link>https://example.org/1</link><title>A</title></item>
             <item><link>https://example.org/2</link><title>B</title></item>
             <item><title>C</title><pubDate>Mon, 01 Sep 2025 10:00:00 GMT</pubDate></item>`),
      );
      expect(records.map((r) => r.id)).toEqual([
        'G',
        'https://example.org/2',
        fallbackItemId('C', 'Mon, 01 Sep 2025 10:00:00 GMT'),
      ]);
      expect(records[2]!.id).toMatch(/^sha256:[\w-]{22}$/);
    });

    it('gives the hash id from the item alone: the same under another position, another item of another date differs', () => {
      expect(fallbackItemId('C', 'Mon, 01 Sep 2025 10:00:00 GMT')).toBe(
        fallbackItemId('C', 'Mon, 01 Sep 2025 10:00:00 GMT'),
      );
      expect(fallbackItemId('C', 'Tue, 02 Sep 2025 10:00:00 GMT')).not.toBe(
        fallbackItemId('C', 'Mon, 01 Sep 2025 10:00:00 GMT'),
      );
      expect(fallbackItemId('D', 'Mon, 01 Sep 2025 10:00:00 GMT')).not.toBe(
        fallbackItemId('C', 'Mon, 01 Sep 2025 10:00:00 GMT'),
      );
    });
  });

  describe('a re-fetched feed', () => {
    const first = rss(`
      <item><guid>1</guid><title>Russia-related Designations</title><description>&lt;p&gt;OFAC designated &lt;b&gt;two&lt;/b&gt; vessels.&lt;/p&gt;</description><pubDate>Wed, 14 Oct 2025 10:31:07 -0400</pubDate><category>Russia</category><category>Vessels</category></item>
      <item><title>No guid, no link</title><pubDate>Tue, 13 Oct 2025 09:00:00 -0400</pubDate><description>Plain text.</description></item>
      <item><guid>3</guid><title>Third</title><description>Three</description></item>`);
    const again = rss(
      `
      <item><guid>3</guid><title>
          Third
        </title><description><![CDATA[<span>Three</span>]]></description></item>
      <item>
        <title>No guid, no link</title>
        <description>Plain   text.</description>
        <pubDate>Tue, 13 Oct 2025 09:00:00 -0400</pubDate>
      </item>
      <item><category>Vessels</category><category>Russia</category><pubDate>Wed, 14 Oct 2025 10:31:07 -0400</pubDate><description><![CDATA[<div>
        <p>OFAC designated <strong>two</strong>
           vessels.</p></div>]]></description><title>Russia-related  Designations</title><guid> 1 </guid></item>`,
      'A renamed channel',
    );

    it('hashes every item identically, whatever the order, whitespace, markup or channel title', async () => {
      const a = byId((await parse(first)).records);
      const b = byId((await parse(again)).records);
      expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
      expect(a.size).toBe(3);
      for (const [id, record] of a) expect(contentHash(b.get(id)!), id).toBe(contentHash(record));
    });

    it('hashes an edited item differently', async () => {
      const edited = first.replace('two&lt;/b&gt; vessels', 'three&lt;/b&gt; vessels');
      expect(edited).not.toBe(first);
      const a = byId((await parse(first)).records);
      const b = byId((await parse(edited)).records);
      expect(contentHash(b.get('1')!)).not.toBe(contentHash(a.get('1')!));
    });
  });

  describe('dates', () => {
    it('keeps an unreadable date as written, with a warning, and keeps the item', async () => {
      const { records, warnings } = await parse(
        rss('<item><guid>g</guid><title>T</title><pubDate>sometime next week</pubDate></item>'),
      );
      expect(records[0]!.listedOn).toBeUndefined();
      expect(records[0]!.extra).toEqual({ publishedText: 'sometime next week' });
      expect(warnings).toEqual([
        'item g: date "sometime next week" is neither RFC 822 nor RFC 3339; kept in extra.publishedText',
      ]);
    });
  });

  describe('documents that are not whole feeds', () => {
    it('refuses a truncated feed with a SourceFormatError naming the source and the file', async () => {
      const whole = rss('<item><guid>1</guid><title>One</title></item><item><guid>2</guid><title>Two</title></item>');
      const cut = whole.slice(0, whole.indexOf('<title>Two') + 8);
      const error = await parse(cut, 'cut.xml').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SourceFormatError);
      expect((error as Error).message).toMatch(/^test-feed: parse: cut\.xml: malformed XML/);
    });

    it('refuses a document cut between two items', async () => {
      const whole = rss('<item><guid>1</guid><title>One</title></item><item><guid>2</guid><title>Two</title></item>');
      const cut = whole.slice(0, whole.indexOf('<item><guid>2'));
      await expect(parse(cut)).rejects.toBeInstanceOf(SourceFormatError);
    });

    it('refuses XML whose root is not rss, feed or RDF as an unknown layout', async () => {
      const error = await parse('<?xml version="1.0"?><sdnList><sdnEntry/></sdnList>', 'sdn.xml').catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SourceFormatError);
      expect((error as Error).message).toBe(
        'test-feed: parse: sdn.xml is in an unknown layout (expected one of: feed-xml)',
      );
    });

    it('refuses an HTML error page and an empty body', async () => {
      await expect(
        parse('<!DOCTYPE html><html><head><title>Service Unavailable</title></head></html>', 'feed.xml'),
      ).rejects.toThrow(/is an HTML page \("Service Unavailable"\)/);
      await expect(parse('', 'feed.xml')).rejects.toThrow(/is empty/);
    });

    it('refuses a feed with no item', async () => {
      await expect(parse(rss(''))).rejects.toThrow('test-feed: parse: feed.xml holds no records');
    });
  });
});

describe('sniffFeedFlavour', () => {
  it('tells RSS, Atom and RDF roots past the declaration, comments, processing instructions and a DOCTYPE', () => {
    expect(
      sniffFeedFlavour(
        '<?xml version="1.0"?>\n<!-- a comment with <rss> inside -->\n<?xml-stylesheet href="x.xsl"?>\n<rss version="2.0">',
      ),
    ).toBe('rss');
    expect(sniffFeedFlavour('<feed xmlns="http://www.w3.org/2005/Atom">')).toBe('atom');
    expect(sniffFeedFlavour('<!DOCTYPE rdf:RDF [ <!ENTITY x "y"> ]><rdf:RDF xmlns:rdf="...">')).toBe('rdf');
    expect(sniffFeedFlavour('<html><body>rss</body></html>')).toBeUndefined();
    expect(sniffFeedFlavour('{"rss": 1}')).toBeUndefined();
    expect(rootElementName('<?xml version="1.0"?><ns:CONSOLIDATED_LIST a="1">')).toBe('ns:CONSOLIDATED_LIST');
  });
});

describe('parseFeedDate', () => {
  it.each([
    ['Tue, 26 Aug 2025 14:25:56 -0500', '2025-08-26T19:25:56Z', '2025-08-26'],
    ['Tue, 26 Aug 2025 22:30:00 -0500', '2025-08-27T03:30:00Z', '2025-08-26'],
    ['26 Aug 2025 14:25 GMT', '2025-08-26T14:25:00Z', '2025-08-26'],
    ['Tue, 26 Aug 2025 14:25:56 EDT', '2025-08-26T18:25:56Z', '2025-08-26'],
    ['Wed, 01 Jan 25 00:00:00 +0100', '2024-12-31T23:00:00Z', '2025-01-01'],
    ['Mon, 1 September 2025 08:00:00 +0000', '2025-09-01T08:00:00Z', '2025-09-01'],
    ['2025-08-26T14:25:56Z', '2025-08-26T14:25:56Z', '2025-08-26'],
    ['2025-08-26T14:25:56.123+02:00', '2025-08-26T12:25:56Z', '2025-08-26'],
    ['2025-08-26t23:59:59-01:00', '2025-08-27T00:59:59Z', '2025-08-26'],
    ['2025-08-26', '2025-08-26T00:00:00Z', '2025-08-26'],
  ])('reads %s', (text, instant, date) => {
    expect(parseFeedDate(text)).toEqual({ instant, date });
  });

  it.each([
    '31 Feb 2025 10:00:00 GMT',
    'Tue, 26 Foo 2025 10:00:00 GMT',
    'Tue, 26 Aug 2025 10:00:00 XYZ',
    '2025-13-01',
    '2025-08-26T25:00:00Z',
    'yesterday',
    '',
  ])('refuses %j', (text) => {
    expect(parseFeedDate(text)).toBeUndefined();
  });
});

describe('htmlToText', () => {
  it('drops tags, scripts, styles and comments, spaces block elements, decodes entities and collapses whitespace', () => {
    expect(
      htmlToText(
        '<style>p{}</style><p>Treasury&rsquo;s <b>OFAC</b></p><p>designates&#160;&#x41;BC &amp; co</p><!-- x --><script>alert(1)</script>',
      ),
    ).toBe('Treasury’s OFAC designates ABC & co');
    expect(htmlToText('line<br/>break<li>item</li>')).toBe('line break item');
  });

  it('keeps an unknown entity and a lone ampersand as written', () => {
    expect(decodeHtmlEntities('AT&T &unknownthing; &lt;')).toBe('AT&T &unknownthing; <');
  });
});
