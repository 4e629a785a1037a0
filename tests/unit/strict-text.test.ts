/**
 * What a register's bytes may become: malformed UTF-8 is refused with the file and the byte named
 * (never a U+FFFD in a name, which reads as a modified record); control characters and escape
 * sequences never reach a canonical record, and the run is told which record held them.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { diffSnapshots } from '../../functions/core/diff.ts';
import { SourceFormatError } from '../../functions/core/errors.ts';
import { canonicalRecord, contentHash } from '../../functions/core/records.ts';
import { customSourceFrom, type CustomSourceDefinition } from '../../functions/sources/custom.ts';
import { feedSource } from '../../functions/sources/feed-source.ts';
import { parseEntityListRule } from '../../functions/sources/formats/federal-register-entity-list.ts';
import { bufferDocument } from '../../functions/sources/read/document.ts';
import { StrictUtf8Decoder } from '../../functions/sources/read/strict-utf8.ts';
import { streamXmlElements, type XmlStreamOptions } from '../../functions/sources/read/xml-stream.ts';
import { streamJsonArrayObjects } from '../../functions/sources/read/json-stream.ts';
import { registerRecord } from '../helpers/change-events.ts';
import { parseWith } from '../helpers/parse.ts';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

const xmlOptions: XmlStreamOptions = {
  sourceId: 'test-source',
  fileName: 'list.xml',
  recordElements: new Set(['entry']),
  rootElements: new Set(['list']),
};

async function xmlNames(chunks: Buffer[], options: Partial<XmlStreamOptions> = {}): Promise<string[]> {
  const names: string[] = [];
  for await (const { element } of streamXmlElements(Readable.from(chunks), { ...xmlOptions, ...options }))
    names.push(element.text);
  return names;
}

async function failure(promise: Promise<unknown>): Promise<SourceFormatError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SourceFormatError);
    return error as SourceFormatError;
  }
  throw new Error('accepted');
}

describe('StrictUtf8Decoder', () => {
  it('names the byte offset of a malformed byte in a later chunk', () => {
    const decoder = new StrictUtf8Decoder('test-source', 'list.xml');
    expect(decoder.decode(Buffer.from('abcdé'))).toBe('abcdé');
    expect(() => decoder.decode(Buffer.from([0x41, 0x42, 0xff]))).toThrow(
      'test-source: parse: list.xml: not valid UTF-8 at byte 8 (ff)',
    );
  });

  it('accepts a character split between chunks, and names where a broken one started', () => {
    const ok = new StrictUtf8Decoder('s', 'f');
    expect(ok.decode(Buffer.from([0x61, 0xe2, 0x82])) + ok.decode(Buffer.from([0xac, 0x62])) + ok.end()).toBe('a€b');
    const broken = new StrictUtf8Decoder('s', 'f');
    broken.decode(Buffer.from([0x61, 0x61, 0xe2, 0x82]));
    expect(() => broken.decode(Buffer.from([0x41]))).toThrow('not valid UTF-8 at byte 2 (e2 82 41)');
  });

  it('refuses a file that ends inside a character', () => {
    const decoder = new StrictUtf8Decoder('s', 'f.json');
    decoder.decode(Buffer.from([0x7b, 0xc3]));
    expect(() => decoder.end()).toThrow('f.json: ends inside a UTF-8 character at byte 1 (truncated)');
  });
});

describe('streamXmlElements and encodings', () => {
  const xml = (name: Buffer, declaration = '<?xml version="1.0"?>') =>
    Buffer.concat([Buffer.from(`${declaration}<list><entry>`), name, Buffer.from('</entry></list>')]);

  it('refuses a name that is not UTF-8, naming the file and the byte', async () => {
    const error = await failure(xmlNames([xml(Buffer.from([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72]))]));
    expect(error.message).toBe(
      'test-source: parse: list.xml: not valid UTF-8 at byte 35 (fc 6c 6c 65): the file is damaged or in another encoding',
    );
  });

  it('reads a file in the encoding its XML declaration names', async () => {
    const names = await xmlNames([
      xml(Buffer.from([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72]), '<?xml version="1.0" encoding="ISO-8859-1"?>'),
    ]);
    expect(names).toEqual(['Müller']);
  });

  it('reads cp1252 bytes when the source declares that fallback', async () => {
    const names = await xmlNames([xml(Buffer.from([0x4f, 0x92, 0x42]))], { fallbackEncoding: 'windows-1252' });
    expect(names).toEqual(['O\u2019B']);
  });

  it('refuses an encoding nobody knows', async () => {
    const error = await failure(xmlNames([xml(Buffer.from('x'), '<?xml version="1.0" encoding="klingon"?>')]));
    expect(error.message).toContain('declares encoding "klingon", which is unknown');
  });
});

describe('other readers of bytes', () => {
  it('the CSL JSON stream refuses malformed UTF-8', async () => {
    const body = Buffer.concat([Buffer.from('{"results":[{"name":"A'), Buffer.from([0xc3, 0x28]), Buffer.from('"}]}')]);
    const stream = streamJsonArrayObjects(Readable.from([body]), {
      sourceId: 'us-trade-csl',
      fileName: 'consolidated.json',
      arrayKey: 'results',
    });
    const error = await failure(
      (async () => {
        for await (const _ of stream) void _;
      })(),
    );
    expect(error.message).toContain('consolidated.json: not valid UTF-8 at byte 22');
  });

  it('a Federal Register rule in bytes refuses malformed UTF-8', () => {
    expect(() =>
      parseEntityListRule(Buffer.from([0x3c, 0x52, 0x55, 0x4c, 0x45, 0x3e, 0xff]), { fileName: '2023-03929.xml' }),
    ).toThrow('2023-03929.xml: not valid UTF-8 at byte 6 (ff)');
  });

  const custom = (format: 'json' | 'csv'): CustomSourceDefinition => ({
    id: 'acme-list',
    title: 'ACME list',
    kind: 'register',
    url: 'https://example.org/list',
    format,
    idField: 'id',
    fields: { name: 'name' },
  });

  it('a custom JSON source refuses malformed UTF-8 instead of storing U+FFFD', async () => {
    const body = Buffer.concat([Buffer.from('[{"id":"1","name":"Caf'), Buffer.from([0xe9]), Buffer.from('"}]')]);
    const error = await failure(parseWith(customSourceFrom(custom('json')), bufferDocument('list.json', body)));
    expect(error.message).toContain('list.json: not valid UTF-8 at byte 22 (e9');
  });

  it('a custom CSV source refuses malformed UTF-8 instead of storing U+FFFD', async () => {
    const body = Buffer.concat([Buffer.from('id,name\n1,Caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
    const error = await failure(parseWith(customSourceFrom(custom('csv')), bufferDocument('list.csv', body)));
    expect(error.message).toContain('list.csv: not valid UTF-8 at byte 13 (e9');
  });
});

describe('canonicalRecord and control characters', () => {
  const record = registerRecord({
    id: '7',
    source: 'us-ofac-sdn',
    list: 'SDN',
    name: 'ACME\u0000 TRADING\u001b[31m',
    aliases: ['A\u0007B', 'clean'],
    extra: { vesselFlag: 'Panama\u007f' },
    remarks: 'ok',
  });

  it('removes them from every field and says which fields held them', () => {
    const reported: string[][] = [];
    const canonical = canonicalRecord(record, (fields) => reported.push([...fields]));
    expect(canonical.name).toBe('ACME TRADING');
    expect(canonical.aliases).toEqual(['AB', 'clean']);
    expect(canonical.extra).toEqual({ vesselFlag: 'Panama' });
    expect(JSON.stringify(canonical)).not.toMatch(CONTROL);
    expect(reported).toEqual([['extra.vesselFlag', 'name', 'aliases']]);
  });

  it('hashes a record with a NUL injected like the clean one: no modified record, and a warning naming it', async () => {
    const clean = { ...record, name: 'ACME TRADING', aliases: ['AB', 'clean'], extra: { vesselFlag: 'Panama' } };
    const warnings: string[] = [];
    const diff = await diffSnapshots(new Map([['7', contentHash(clean)]]), [record], async () => new Map(), {
      warn: (message) => warnings.push(message),
    });
    expect(diff.changes).toEqual([]);
    expect(diff.unchanged).toBe(1);
    expect(warnings).toEqual([
      'record 7 ("ACME TRADING"): control characters removed from extra.vesselFlag, name, aliases',
    ]);
  });
});

describe('a feed item carrying an entity-encoded escape sequence', () => {
  const source = feedSource({
    id: 'test-feed',
    title: 'Test feed',
    publisher: 'tradewatch tests',
    jurisdiction: 'US',
    list: 'News',
    downloads: [{ url: 'https://example.org/feed.xml', format: 'feed-xml', serves: 'a test feed' }],
    schedule: 'rate(5 minutes)',
    expectedRecords: { min: 1, max: 100 },
    homepage: 'https://example.org/',
  });

  it('ends up clean in the diff, with a warning naming the item', async () => {
    const rss = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>
      <item><title>Red &amp;#27;[31malert&amp;#27;[0m &amp;#7;</title><link>https://example.org/1</link>
      <guid>urn:1</guid><description>&lt;p&gt;&amp;#27;]0;pwned&amp;#7;body&lt;/p&gt;</description></item>
      </channel></rss>`;
    const { records } = await parseWith(source, bufferDocument('feed.xml', rss));
    const warnings: string[] = [];
    const diff = await diffSnapshots(new Map(), records, async () => new Map(), {
      warn: (message) => warnings.push(message),
    });
    const item = diff.changes[0]!.after!;
    expect(item.name).toBe('Red alert');
    expect(item.remarks).toBe('body');
    expect(JSON.stringify(item)).not.toMatch(CONTROL);
    expect(warnings).toEqual(['record urn:1 ("Red alert"): control characters removed from name, remarks']);
  });
});
