import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Zip, ZipDeflate, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { byId, parseWith, type Parsed } from '../../helpers/parse.ts';
import { SourceFormatError } from '../../../functions/core/errors.ts';
import { contentHash, type RegisterRecord } from '../../../functions/core/records.ts';
import {
  bufferDocument,
  companionsBeside,
  detectFormat,
  fileDocument,
} from '../../../functions/sources/read/document.ts';
import type { ParseInput, SourceDocument } from '../../../functions/sources/types.ts';
import { usOfacSdn } from '../../../functions/sources/us-ofac-sdn.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const demo = (version: number, file = 'sdn.csv') => join(root, 'demo/us-ofac-sdn', String(version), file);
const fixture = (version: number, file: string) => join(root, 'tests/fixtures/ofac/sdn', String(version), file);
const COMPANIONS = ['add.csv', 'alt.csv', 'sdn_comments.csv'];

const parse = (main: SourceDocument, companions?: ReadonlyMap<string, SourceDocument>): Promise<Parsed> =>
  parseWith(usOfacSdn, main, companions);

async function parseCsvSet(version: number): Promise<Parsed> {
  return parse(fileDocument(demo(version)), await companionsBeside(demo(version), COMPANIONS));
}

async function parseFile(path: string, name?: string): Promise<Parsed> {
  return parse(fileDocument(path, name));
}

/** The fields every layout carries the same way. */
function coreFields(record: RegisterRecord) {
  return {
    id: record.id,
    list: record.list,
    kind: record.kind,
    name: record.name,
    aliases: [...record.aliases].sort(),
    countries: [...record.countries].sort(),
    addresses: [...record.addresses].sort(),
    programs: [...record.programs].sort(),
  };
}

function delta(before: RegisterRecord[], after: RegisterRecord[]) {
  const old = new Map(before.map((r) => [r.id, contentHash(r)]));
  const now = new Map(after.map((r) => [r.id, contentHash(r)]));
  return {
    added: [...now.keys()].filter((id) => !old.has(id)),
    removed: [...old.keys()].filter((id) => !now.has(id)),
    modified: [...now.keys()].filter((id) => old.has(id) && old.get(id) !== now.get(id)),
  };
}

async function expectFormatError(run: Promise<unknown>, pattern: RegExp): Promise<SourceFormatError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SourceFormatError);
  const formatError = error as SourceFormatError;
  expect(formatError.sourceId).toBe('us-ofac-sdn');
  expect(formatError.message).toMatch(/^us-ofac-sdn: parse: /);
  expect(formatError.message).toMatch(pattern);
  return formatError;
}

/** A document whose stream hands out the bytes in small chunks and counts what was read. */
function countingDocument(
  name: string,
  bytes: Uint8Array,
  chunkSize = 16 * 1024,
): SourceDocument & { bytesRead: () => number } {
  let read = 0;
  return {
    name,
    bytesRead: () => read,
    open: () =>
      Readable.from(
        (function* chunks() {
          for (let offset = 0; offset < bytes.length; offset += chunkSize) {
            const chunk = Buffer.from(bytes.subarray(offset, offset + chunkSize));
            read += chunk.length;
            yield chunk;
          }
        })(),
      ),
  };
}

/** A ZIP written as a stream (sizes in a data descriptor after the data, as streaming zippers do). */
function streamingZip(entryName: string, data: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolvePromise, reject) => {
    const parts: Uint8Array[] = [];
    const zip = new Zip((error, chunk, final) => {
      if (error) return reject(error);
      parts.push(chunk);
      if (final) resolvePromise(Buffer.concat(parts));
    });
    const file = new ZipDeflate(entryName, { level: 6 });
    zip.add(file);
    file.push(data, true);
    zip.end();
  });
}

const EXPECTED_V1: RegisterRecord[] = [
  {
    id: '10001',
    source: 'us-ofac-sdn',
    list: 'SDN',
    kind: 'organization',
    name: 'EXAMPLE TRADING LLC',
    aliases: ['EXTRA', 'EXAMPLE GENERAL TRADING', 'EXAMPLE IMPORT EXPORT CO.'],
    countries: ['AE', 'TR'],
    addresses: [
      'Office 4, 12 Harbour Road, Dubai, United Arab Emirates',
      'Unit 7, Example Industrial Park, Istanbul 34000, Turkey',
    ],
    programs: ['SDGT', 'IRGC'],
    links: [],
    extra: { weakAliases: ['EXTRA'], formerlyKnownAs: ['EXAMPLE IMPORT EXPORT CO.'] },
    remarks: "Website www.example-trading.test; a.k.a. 'EXTRA'; Linked To: SAMPLE HOLDINGS LIMITED.",
  },
  {
    id: '10002',
    source: 'us-ofac-sdn',
    list: 'SDN',
    kind: 'person',
    name: 'DOE, John Example',
    aliases: ["O'DOE", 'DOE, Johnny', 'DOE EXAMPLE, Juan'],
    countries: ['MX', 'CO'],
    addresses: ['Avenida Ejemplo 123, Ciudad de Mexico, CDMX 01000, Mexico'],
    programs: ['SDNTK'],
    links: [],
    extra: {
      title: 'Financial Manager',
      weakAliases: ["O'DOE"],
      datesOfBirth: ['01 Jan 1970', '02 Feb 1971'],
      placesOfBirth: ['Springfield, Exampleland'],
    },
    remarks:
      "DOB 01 Jan 1970; alt. DOB 02 Feb 1971; POB Springfield, Exampleland; nationality Mexico; citizen Colombia; Passport X1234567 (Mexico) issued 01 Mar 2015 expires 28 Feb 2025; Gender Male; a.k.a. 'O'DOE'.",
  },
  {
    id: '10003',
    source: 'us-ofac-sdn',
    list: 'SDN',
    kind: 'vessel',
    name: 'OCEAN SAMPLE',
    aliases: ['SEA EXAMPLE'],
    countries: [],
    addresses: [],
    programs: ['IRAN-EO13846'],
    links: [],
    extra: {
      callSign: '9XYZ1',
      vesselType: 'Crude Oil Tanker',
      tonnage: '99000',
      grossRegisteredTonnage: '56000',
      vesselFlag: 'Panama',
      vesselOwner: 'SAMPLE SHIPPING CO',
      formerlyKnownAs: ['SEA EXAMPLE'],
    },
    remarks: 'Vessel Registration Identification IMO 9999991; MMSI 999999991; Linked To: SAMPLE SHIPPING CO.',
  },
  {
    id: '10004',
    source: 'us-ofac-sdn',
    list: 'SDN',
    kind: 'aircraft',
    name: 'EP-TST',
    aliases: [],
    countries: [],
    addresses: [],
    programs: ['SDGT'],
    links: [],
    extra: {},
    remarks: 'Aircraft Manufacture Date 1990; Aircraft Model IL76-TD; Linked To: EXAMPLE AIR.',
  },
  {
    id: '10005',
    source: 'us-ofac-sdn',
    list: 'SDN',
    kind: 'organization',
    name: 'SAMPLE HOLDINGS LIMITED',
    aliases: ['SAMPLE HOLD', 'OOO SAMPLE HOLDINGS'],
    countries: ['RU'],
    addresses: ['ul. Primernaya 1, office 5, Moscow 101000, Russia'],
    programs: ['RUSSIA-EO14024'],
    links: [],
    extra: { weakAliases: ['SAMPLE HOLD'] },
    remarks: expect.stringMatching(
      /^Digital Currency Address - XBT bc1qexample0+1; .*directives\/x+; a\.k\.a\. 'SAMPLE HOLD'\.$/,
    ) as unknown as string,
  },
];

describe('usOfacSdn', () => {
  it('names the Sanctions List Service exports, SDN.XML first, each with a format it parses', () => {
    const formatIds = usOfacSdn.formats.map((format) => format.id);
    expect(usOfacSdn.downloads[0]!.url).toBe(
      'https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN.XML',
    );
    for (const download of usOfacSdn.downloads) {
      expect(download.url).toMatch(
        /^https:\/\/sanctionslistservice\.ofac\.treas\.gov\/api\/PublicationPreview\/exports\/[A-Z_]+\.(XML|ZIP|CSV)$/,
      );
      expect(formatIds).toContain(download.format);
    }
    const csv = usOfacSdn.downloads.find((download) => download.format === 'ofac-legacy-csv')!;
    expect(Object.keys(csv.companions ?? {}).sort()).toEqual(['add.csv', 'alt.csv', 'sdn_comments.csv']);
  });

  it('polls every few minutes and expects a full list of thousands of entries', () => {
    expect(usOfacSdn.schedule).toBe('rate(5 minutes)');
    expect(usOfacSdn.expectedRecords.min).toBeGreaterThan(5_000);
    expect(usOfacSdn.expectedRecords.min).toBeLessThan(17_000);
    expect(usOfacSdn.expectedRecords.max).toBeGreaterThan(19_000);
    expect(usOfacSdn.jurisdiction).toBe('US');
    expect(usOfacSdn.publisher).toBe('U.S. Department of the Treasury, Office of Foreign Assets Control');
  });
});

describe('usOfacSdn legacy CSV set (demo/us-ofac-sdn)', () => {
  it('reads version 1 as exactly the expected records, joining add.csv, alt.csv and sdn_comments.csv', async () => {
    const { records, warnings } = await parseCsvSet(1);

    expect(warnings).toEqual([]);
    expect(records).toEqual(EXPECTED_V1);
  });

  it('recovers a weak alias that OFAC cut across sdn.csv and sdn_comments.csv', async () => {
    const sdnCsv = readFileSync(demo(1), 'latin1');
    const comments = readFileSync(demo(1, 'sdn_comments.csv'), 'latin1');
    expect(sdnCsv).toContain('a.k.a. \'SAMPLE"\r\n');
    expect(comments).toBe('10005," HOLD\'."\r\n');

    const { records } = await parseCsvSet(1);

    expect(byId(records).get('10005')!.aliases).toContain('SAMPLE HOLD');
  });

  it('reads sdn.csv alone: weak aliases from the remarks, no strong aliases or addresses', async () => {
    const { records } = await parseFile(demo(1));

    const entry = byId(records).get('10001')!;
    expect(entry.aliases).toEqual(['EXTRA']);
    expect(entry.addresses).toEqual([]);
    expect(entry.countries).toEqual([]);
    expect(byId(records).get('10002')!.countries).toEqual(['MX', 'CO']);
  });

  it('reports version 2 as one designation added, one delisted and one alias changed', async () => {
    const [v1, v2] = [await parseCsvSet(1), await parseCsvSet(2)];

    expect(delta(v1.records, v2.records)).toEqual({ added: ['10006'], removed: ['10004'], modified: ['10001'] });
    expect(byId(v2.records).get('10001')!.aliases).toContain('EXAMPLE GENERAL TRADING FZE');
    expect(byId(v2.records).get('10001')!.aliases).not.toContain('EXAMPLE GENERAL TRADING');
  });

  it('reports version 3 as one designation added, one delisted and one address changed', async () => {
    const [v2, v3] = [await parseCsvSet(2), await parseCsvSet(3)];

    expect(delta(v2.records, v3.records)).toEqual({ added: ['10007'], removed: ['10003'], modified: ['10002'] });
    expect(byId(v3.records).get('10002')!.addresses).toEqual(['Calle Muestra 45, Guadalajara, Jalisco 44100, Mexico']);
  });

  it('decodes a windows-1252 file and a UTF-8 file to the same text', async () => {
    const row = (name: Buffer) =>
      Buffer.concat([
        Buffer.from('10009,"'),
        name,
        Buffer.from('",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\u001a', 'latin1'),
      ]);
    const cp1252 = row(
      Buffer.from([0x43, 0x41, 0x46, 0xc9, 0x20, 0x96, 0x20, 0x45, 0x58, 0x41, 0x4d, 0x50, 0x4c, 0x45]),
    ); // "CAFÉ – EXAMPLE"
    const utf8 = row(Buffer.from('CAFÉ – EXAMPLE', 'utf8'));

    const [a, b] = [await parse(bufferDocument('sdn.csv', cp1252)), await parse(bufferDocument('sdn.csv', utf8))];

    expect(a.records[0]!.name).toBe('CAFÉ – EXAMPLE');
    expect(b.records[0]!.name).toBe('CAFÉ – EXAMPLE');
  });

  it('refuses an sdn.csv cut in the middle of its last row', async () => {
    const bytes = readFileSync(demo(1));
    const lastRow = bytes.lastIndexOf('\r\n10005,');
    const cutAfterName = bytes.indexOf('",-0- ', lastRow) + 2; // the row ends after the name cell

    await expectFormatError(
      parse(bufferDocument('sdn.csv', bytes.subarray(0, cutAfterName))),
      /sdn\.csv: row 5 has 3 columns, expected 12/,
    );
  });

  it('refuses an sdn.csv cut inside a quoted cell or inside a null marker', async () => {
    const bytes = readFileSync(demo(1));
    const remarks = bytes.indexOf('"Digital Currency');

    await expectFormatError(
      parse(bufferDocument('sdn.csv', bytes.subarray(0, remarks + 40))),
      /sdn\.csv: malformed CSV.*Quote Not Closed/,
    );
    const nullCut = Buffer.from('10009,"CUT ENTRY",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0');
    await expectFormatError(
      parse(bufferDocument('sdn.csv', Buffer.concat([bytes.subarray(0, bytes.length - 1), nullCut]))),
      /cut-off null marker/,
    );
  });

  it('refuses a companion file cut mid-row and an empty one', async () => {
    const add = readFileSync(demo(1, 'add.csv'));
    const companions = (addCsv: Buffer) => new Map([['add.csv', bufferDocument('add.csv', addCsv)]]);

    await expectFormatError(
      parse(fileDocument(demo(1)), companions(add.subarray(0, add.indexOf('"Dubai"')))),
      /add\.csv: row 1 has 4 columns, expected 6/,
    );
    await expectFormatError(parse(fileDocument(demo(1)), companions(Buffer.alloc(0))), /add\.csv is empty/);
  });

  it('refuses rows after the 0x1A end-of-file byte and rows of the wrong width', async () => {
    const bytes = readFileSync(demo(1));
    const extraRow = Buffer.from('\r\n10009,"LATE",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n');
    const narrowRow = Buffer.from('10009,"NARROW",-0- ,"SDGT"\r\n\u001a');

    await expectFormatError(
      parse(bufferDocument('sdn.csv', Buffer.concat([bytes, extraRow]))),
      /data after the end-of-file mark/,
    );
    await expectFormatError(
      parse(bufferDocument('sdn.csv', Buffer.concat([bytes.subarray(0, bytes.length - 1), narrowRow]))),
      /row 6 has 4 columns, expected 12/,
    );
  });

  it('warns about and skips an entry without a name or of an unknown type', async () => {
    const bytes = readFileSync(demo(1));
    const bad = Buffer.from(
      '10010,-0- ,-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n10011,"ODD ONE","spaceship","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\u001a',
    );

    const { records, warnings } = await parse(
      bufferDocument('sdn.csv', Buffer.concat([bytes.subarray(0, bytes.length - 1), bad])),
    );

    expect(records.map((r) => r.id)).toEqual(['10001', '10002', '10003', '10004', '10005']);
    expect(warnings).toEqual([
      'sdn.csv: entry 10010 has no name, skipped',
      'sdn.csv: entry 10011 has an unknown type "spaceship", skipped',
    ]);
  });
});

describe('usOfacSdn sdnList XML (SDN.XML)', () => {
  it('gives each entry the same id, name, aliases, countries, addresses and programs as the CSV set', async () => {
    for (const version of [1, 2, 3]) {
      const [csv, xml] = [await parseCsvSet(version), await parseFile(fixture(version, 'sdn.xml'))];

      expect(xml.warnings).toEqual([]);
      expect(xml.records.map(coreFields)).toEqual(csv.records.map(coreFields));
    }
  });

  it('puts identifiers, birth data, the title and vessel details into extra', async () => {
    const records = byId((await parseFile(fixture(1, 'sdn.xml'))).records);

    expect(records.get('10002')!.extra).toEqual({
      title: 'Financial Manager',
      weakAliases: ["O'DOE"],
      datesOfBirth: ['01 Jan 1970', '02 Feb 1971'],
      placesOfBirth: ['Springfield, Exampleland'],
      ids: ['Passport X1234567 (Mexico) issued 01 Mar 2015 expires 28 Feb 2025', 'Gender Male'],
    });
    expect(records.get('10003')!.extra).toEqual({
      formerlyKnownAs: ['SEA EXAMPLE'],
      ids: ['Vessel Registration Identification IMO 9999991', 'MMSI 999999991'],
      callSign: '9XYZ1',
      vesselType: 'Crude Oil Tanker',
      vesselFlag: 'Panama',
      vesselOwner: 'SAMPLE SHIPPING CO',
      tonnage: '99000',
      grossRegisteredTonnage: '56000',
    });
    expect(records.get('10001')!.remarks).toBe('(Linked To: SAMPLE HOLDINGS LIMITED)');
  });

  it('reads the pre-2024 namespace and the zipped SDN_XML.ZIP alike', async () => {
    const xml = readFileSync(fixture(1, 'sdn.xml'), 'utf8');
    const legacy = xml.replace(
      'xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML"',
      'xmlns="http://tempuri.org/sdnList.xsd"',
    );
    const zipped = zipSync({ 'SDN.XML': Buffer.from(xml, 'utf8') });

    const current = await parseFile(fixture(1, 'sdn.xml'));
    const old = await parse(bufferDocument('sdn.xml', legacy));
    const fromZip = await parse(bufferDocument('SDN_XML.ZIP', Buffer.from(zipped)));

    expect(old.records).toEqual(current.records);
    expect(fromZip.records).toEqual(current.records);
  });

  it('refuses an sdnList file in another namespace as an unknown layout', async () => {
    const xml = readFileSync(fixture(1, 'sdn.xml'), 'utf8').replace(
      /xmlns="[^"]+"/,
      'xmlns="http://example.test/other.xsd"',
    );

    await expectFormatError(parse(bufferDocument('sdn.xml', xml)), /unknown layout/);
  });

  it('refuses a file cut in the middle of an element or between two entries', async () => {
    const xml = readFileSync(fixture(1, 'sdn.xml'), 'utf8');
    const midElement = xml.slice(0, xml.indexOf('<uid>10003</uid>') + 8);
    const betweenEntries = xml.slice(0, xml.indexOf('</sdnEntry>') + '</sdnEntry>\n'.length);

    await expectFormatError(parse(bufferDocument('sdn.xml', midElement)), /sdn\.xml: malformed XML/);
    await expectFormatError(
      parse(bufferDocument('sdn.xml', betweenEntries)),
      /sdn\.xml: malformed XML: .*unclosed tag: sdnList/,
    );
  });

  it('warns when the header Record_Count disagrees with the entries read', async () => {
    const xml = readFileSync(fixture(1, 'sdn.xml'), 'utf8').replace(
      '<Record_Count>5</Record_Count>',
      '<Record_Count>8197</Record_Count>',
    );

    const { records, warnings } = await parse(bufferDocument('sdn.xml', xml));

    expect(records).toHaveLength(5);
    expect(warnings).toEqual(['sdn.xml: header says Record_Count 8197, the file holds 5 sdnEntry']);
  });
});

describe('usOfacSdn ENHANCED XML (SDN_ENHANCED.XML / .ZIP)', () => {
  it('gives each entry the same id, name, aliases, countries, addresses and programs as the other layouts', async () => {
    for (const version of [1, 2, 3]) {
      const [csv, enhanced] = [await parseCsvSet(version), await parseFile(fixture(version, 'SDN_ENHANCED.XML'))];

      expect(enhanced.warnings).toEqual([]);
      expect(enhanced.records.map(coreFields)).toEqual(csv.records.map(coreFields));
    }
  });

  it('gives the same identifiers as SDN.XML and adds the listing date, lists and names in other scripts', async () => {
    const xml = byId((await parseFile(fixture(1, 'sdn.xml'))).records);
    const enhanced = byId((await parseFile(fixture(1, 'SDN_ENHANCED.XML'))).records);

    for (const id of ['10001', '10002', '10003', '10004'])
      expect([...(enhanced.get(id)!.extra.ids ?? [])].sort()).toEqual([...(xml.get(id)!.extra.ids ?? [])].sort());
    expect(enhanced.get('10005')).toEqual({
      id: '10005',
      source: 'us-ofac-sdn',
      list: 'SDN',
      kind: 'organization',
      name: 'SAMPLE HOLDINGS LIMITED',
      aliases: ['OOO SAMPLE HOLDINGS', 'SAMPLE HOLD'],
      countries: ['RU'],
      addresses: ['ul. Primernaya 1, office 5, Moscow 101000, Russia'],
      programs: ['RUSSIA-EO14024'],
      links: [],
      listedOn: '2022-04-06',
      extra: {
        otherScriptNames: ['ООО ПРИМЕР ХОЛДИНГС'],
        weakAliases: ['SAMPLE HOLD'],
        lists: ['SDN'],
        sanctionsTypes: ['Block'],
        legalAuthorities: ['Executive Order 13224 (Terrorism)'],
      },
    });
    expect(enhanced.get('10001')!.extra.relationships).toEqual(['Associate Of: SAMPLE HOLDINGS LIMITED']);
  });

  it('reads SDN_ENHANCED.ZIP, written whole or as a stream, into the same records as the XML', async () => {
    const xml = readFileSync(fixture(1, 'SDN_ENHANCED.XML'));
    const plain = await parseFile(fixture(1, 'SDN_ENHANCED.XML'));

    const whole = await parse(bufferDocument('SDN_ENHANCED.ZIP', Buffer.from(zipSync({ 'SDN_ENHANCED.XML': xml }))));
    const streamed = await parse(
      bufferDocument('SDN_ENHANCED.ZIP', Buffer.from(await streamingZip('SDN_ENHANCED.XML', xml))),
    );

    expect(whole.records).toEqual(plain.records);
    expect(streamed.records).toEqual(plain.records);
  });

  it('stops reading the archive once the XML entry is complete', async () => {
    const xml = readFileSync(fixture(1, 'SDN_ENHANCED.XML'));
    const padding = new Uint8Array(8 * 1024 * 1024).map((_, i) => (i * 7919) % 251);
    const zip = zipSync({ 'SDN_ENHANCED.XML': xml, 'PADDING.BIN': [padding, { level: 0 }] });
    const document = countingDocument('SDN_ENHANCED.ZIP', zip);

    const { records } = await parse(document);

    expect(records).toHaveLength(5);
    expect(document.bytesRead()).toBeLessThan(zip.length / 4);
  });

  it('refuses an archive cut short and an archive holding another file', async () => {
    const zip = Buffer.from(zipSync({ 'SDN_ENHANCED.XML': readFileSync(fixture(1, 'SDN_ENHANCED.XML')) }));
    const other = Buffer.from(zipSync({ 'SDN_ENHANCED.XML.txt': Buffer.from('not xml') }));

    await expectFormatError(
      parse(bufferDocument('SDN_ENHANCED.ZIP', zip.subarray(0, Math.floor(zip.length / 2)))),
      /SDN_ENHANCED\.ZIP/,
    );
    await expectFormatError(parse(bufferDocument('SDN_ENHANCED.ZIP', other)), /unknown layout/);
  });

  it('warns about and skips an entity without a type or without an id', async () => {
    const xml = readFileSync(fixture(1, 'SDN_ENHANCED.XML'), 'utf8')
      .replace('<entityType refId="601">Entity</entityType>', '')
      .replace('<entity id="10004">', '<entity>');

    const { records, warnings } = await parse(bufferDocument('SDN_ENHANCED.XML', xml));

    expect(records.map((r) => r.id)).toEqual(['10002', '10003', '10005']);
    expect(warnings).toEqual([
      'SDN_ENHANCED.XML: entry 10001 has an unknown type "", skipped',
      'SDN_ENHANCED.XML: entry without a valid id (""), skipped',
    ]);
  });

  it('refuses a file cut in the middle of an element', async () => {
    const xml = readFileSync(fixture(1, 'SDN_ENHANCED.XML'), 'utf8');

    await expectFormatError(
      parse(bufferDocument('SDN_ENHANCED.XML', xml.slice(0, xml.indexOf('<entity id="10004">') + 30))),
      /malformed XML/,
    );
  });
});

describe('usOfacSdn format detection', () => {
  const input = (name: string, body: string | Buffer): ParseInput => ({
    main: bufferDocument(name, body),
    companions: new Map(),
  });

  it('tells the three layouts apart by their first bytes', async () => {
    const detect = async (path: string) => (await detectFormat(usOfacSdn, fileDocument(path))).id;

    expect(await detect(demo(1))).toBe('ofac-legacy-csv');
    expect(await detect(fixture(1, 'sdn.xml'))).toBe('ofac-sdnlist-xml');
    expect(await detect(fixture(1, 'SDN_ENHANCED.XML'))).toBe('ofac-enhanced-xml');
  });

  it('refuses an empty download, an HTML page and a CSV of another layout, naming the source', async () => {
    const collect = (name: string, body: string | Buffer) => {
      const { main, companions } = input(name, body);
      return parseWith(usOfacSdn, main, companions);
    };

    await expectFormatError(collect('sdn.csv', Buffer.alloc(0)), /sdn\.csv is empty/);
    await expectFormatError(collect('sdn.csv', Buffer.from('\u001a')), /sdn\.csv is empty/);
    await expectFormatError(
      collect('sdn.csv', '<!DOCTYPE html><html><head><title>Service Unavailable</title></head><body></body></html>'),
      /sdn\.csv is an HTML page \("Service Unavailable"\)/,
    );
    await expectFormatError(
      collect('sdn.csv', 'ent_num,name,type\r\n36,"AEROCARIBBEAN AIRLINES","-0- "\r\n'),
      /unknown layout/,
    );
    await expectFormatError(collect('add.csv', readFileSync(demo(1, 'add.csv'))), /unknown layout/);
  });
});
