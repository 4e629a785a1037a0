import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { byId, parseWith, type Parsed } from '../../helpers/parse.ts';
import { SourceFormatError } from '../../../functions/core/errors.ts';
import { contentHash, type RegisterRecord } from '../../../functions/core/records.ts';
import { bufferDocument, detectFormat, fileDocument } from '../../../functions/sources/read/document.ts';
import type { SourceDocument } from '../../../functions/sources/types.ts';
import { unConsolidatedXmlFormat, unScConsolidated } from '../../../functions/sources/un-sc-consolidated.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const demo = (version: number): string => join(root, 'demo/un-sc-consolidated', String(version), 'consolidated.xml');
const fixture = (name: string): string => join(root, 'tests/fixtures/un', name);

const parseDocument = (document: SourceDocument): Promise<Parsed> => parseWith(unScConsolidated, document);

const parseFile = (path: string): Promise<Parsed> => parseDocument(fileDocument(path));
const parseText = (text: string, name = 'consolidated.xml'): Promise<Parsed> =>
  parseDocument(bufferDocument(name, text));

/** Runs the format's parser directly (no sniffing), to reach the parser's own checks. */
async function parseDirect(text: string): Promise<Parsed> {
  const warnings: string[] = [];
  const records: RegisterRecord[] = [];
  const input = { main: bufferDocument('consolidated.xml', text), companions: new Map() };
  for await (const record of unConsolidatedXmlFormat.parse(input, {
    sourceId: unScConsolidated.id,
    warn: (message) => warnings.push(message),
  }))
    records.push(record);
  return { records, warnings };
}

/** Ids added, removed and modified (by content hash) from one version to the next. */
function changes(
  before: RegisterRecord[],
  after: RegisterRecord[],
): { added: string[]; removed: string[]; modified: string[] } {
  const old = byId(before);
  const now = byId(after);
  return {
    added: [...now.keys()].filter((id) => !old.has(id)).sort(),
    removed: [...old.keys()].filter((id) => !now.has(id)).sort(),
    modified: [...now.keys()]
      .filter((id) => old.has(id) && contentHash(old.get(id)!) !== contentHash(now.get(id)!))
      .sort(),
  };
}

const LIST_HEAD =
  '<?xml version="1.0" encoding="UTF-8"?><CONSOLIDATED_LIST xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" dateGenerated="2026-03-01T19:00:00.000-05:00">';

function list(individuals: string, entities = ''): string {
  return `${LIST_HEAD}<INDIVIDUALS>${individuals}</INDIVIDUALS><ENTITIES>${entities}</ENTITIES></CONSOLIDATED_LIST>`;
}

function individual(fields: string): string {
  return `<INDIVIDUAL>${fields}<LIST_TYPE><VALUE>UN List</VALUE></LIST_TYPE><SORT_KEY/><SORT_KEY_LAST_MOD/></INDIVIDUAL>`;
}

const EXPECTED_V1: RegisterRecord[] = [
  {
    id: '9900101',
    source: 'un-sc-consolidated',
    list: 'UN DPRK',
    kind: 'person',
    name: 'TAVIN OREK SALDU',
    aliases: ['Tavin Orak', 'Uncle Tav', '타빈 오렉 살두'],
    countries: ['KP'],
    addresses: [],
    programs: ['DPRK'],
    links: [],
    extra: {
      referenceNumber: 'KPi.951',
      designations: ['Procurement agent'],
      gender: 'Male',
      nameOriginalScript: '타빈 오렉 살두',
      nationalities: ["Democratic People's Republic of Korea"],
      datesOfBirth: ['1971-05-19'],
      placesOfBirth: ["Hamhung, Democratic People's Republic of Korea"],
      documents: [
        "Passport: 745210093; issuing country Democratic People's Republic of Korea; issued 2019-02-11; expires on 10 Feb. 2024",
      ],
      lowQualityAliases: ['Uncle Tav'],
      aliasDetails: ['Uncle Tav: Call sign'],
      lastUpdated: ['2019-04-02'],
    },
    listedOn: '2017-08-05',
    remarks:
      'Fictional entry for tests. Arranges purchases of machine tools for the Northwind Precision Machinery Trading Corporation (KPe.951).',
  },
  {
    id: '9900102',
    source: 'un-sc-consolidated',
    list: 'UN Libya',
    kind: 'person',
    name: 'SELMA NADIRA QUORTANE',
    aliases: ['Salma Quortani', 'Umm Nadir'],
    countries: ['LY', 'TN'],
    addresses: ['14 Rue des Orangers, Tunis, Tunisia (as of March 2020)'],
    programs: ['Libya'],
    links: [],
    extra: {
      referenceNumber: 'LYi.951',
      titles: ['Dr.'],
      gender: 'Female',
      nationalities: ['Libya', 'Tunisia'],
      datesOfBirth: ['approximately 1980', 'between 1978 and 1981'],
      placesOfBirth: ['Sabha, Libya'],
      lowQualityAliases: ['Umm Nadir'],
    },
    listedOn: '2015-04-14',
    remarks: 'Fictional entry for tests. Finance officer of a fictional militia; moves funds through exchange houses.',
  },
  {
    id: '9900103',
    source: 'un-sc-consolidated',
    list: 'UN Haiti',
    kind: 'person',
    name: 'JEAN-BAPTISTE FICTIF',
    aliases: ['Ti Mòn'],
    countries: ['HT'],
    addresses: ['Port-au-Prince, Haiti'],
    programs: ['Haiti'],
    links: [],
    extra: {
      referenceNumber: 'HTi.951',
      gender: 'Male',
      nationalities: ['Haiti'],
      datesOfBirth: ['1986-12-01'],
      lowQualityAliases: ['Ti Mòn'],
      lastUpdated: ['2024-06-20'],
    },
    listedOn: '2023-11-02',
    remarks: 'Fictional entry for tests. Leads a fictional armed group near Port-au-Prince.',
  },
  {
    id: '9900201',
    source: 'un-sc-consolidated',
    list: 'UN DPRK',
    kind: 'organization',
    name: 'NORTHWIND PRECISION MACHINERY TRADING CORPORATION',
    aliases: ['Northwind Trading Corp', 'Pukpung Machine Export Company', '북풍정밀기계무역회사'],
    countries: ['KP', 'CN'],
    addresses: [
      "Potonggang District, Pyongyang, Democratic People's Republic of Korea",
      '27 Binjiang Road, Dandong, Liaoning, 118000, China (branch office)',
    ],
    programs: ['DPRK'],
    links: [],
    extra: {
      referenceNumber: 'KPe.951',
      nameOriginalScript: '북풍정밀기계무역회사',
      formerNames: ['Pukpung Machine Export Company'],
      lastUpdated: ['2019-04-02'],
    },
    listedOn: '2017-08-05',
    remarks:
      'Fictional entry for tests. Buys computer numerical control machine tools and electronic components abroad.',
  },
  {
    id: '9900202',
    source: 'un-sc-consolidated',
    list: 'UN Iran',
    kind: 'organization',
    name: 'ZARVAN COMPOSITE MATERIALS INDUSTRIES',
    aliases: ['ZCMI'],
    countries: ['IR'],
    addresses: ['Tabriz, Iran (Islamic Republic of)'],
    programs: ['Iran'],
    links: [],
    extra: { referenceNumber: 'IRe.951' },
    listedOn: '2010-06-09',
    remarks: 'Fictional entry for tests. Makes carbon-fibre parts for missile airframes.',
  },
];

describe('unScConsolidated', () => {
  describe('records', () => {
    it('maps every INDIVIDUAL and ENTITY of the current layout to the expected record', async () => {
      const { records, warnings } = await parseFile(demo(1));

      expect(records).toEqual(EXPECTED_V1);
      expect(warnings).toEqual([]);
    });

    it('gives identical records for the 2018–2022 layout and the 2025+ layout of the same list', async () => {
      const [oldV1, newV1, oldV3, newV3] = await Promise.all([
        parseFile(fixture('consolidated.v1.2022-layout.xml')),
        parseFile(demo(1)),
        parseFile(fixture('consolidated.v3.2022-layout.xml')),
        parseFile(demo(3)),
      ]);

      expect(oldV1.records).toEqual(newV1.records);
      expect(oldV3.records).toEqual(newV3.records);
      expect(oldV1.records.map(contentHash)).toEqual(newV1.records.map(contentHash));
    });

    it('never copies dateGenerated into a record', async () => {
      const { records } = await parseFile(demo(1));

      expect(JSON.stringify(records)).not.toContain('2026-03-02');
    });

    it('keeps the calendar date of an xs:date written with a zone', async () => {
      const { records } = await parseText(
        list(
          individual(
            '<DATAID>1</DATAID><FIRST_NAME>ANA</FIRST_NAME><UN_LIST_TYPE>Iraq</UN_LIST_TYPE><LISTED_ON>2015-07-01-04:00</LISTED_ON><LAST_DAY_UPDATED><VALUE>2016-01-05Z</VALUE></LAST_DAY_UPDATED>',
          ),
        ),
      );

      expect(records[0]?.listedOn).toBe('2015-07-01');
      expect(records[0]?.extra.lastUpdated).toEqual(['2016-01-05']);
    });

    it('turns the UN’s demonyms and formal names into country codes and leaves qualified ones out', async () => {
      const { records } = await parseText(
        list(
          individual(
            '<DATAID>2</DATAID><FIRST_NAME>BAZ</FIRST_NAME><UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE><NATIONALITY><VALUE>Afghan</VALUE><VALUE>Possibly Ethiopian</VALUE><VALUE>Sudan/South Sudan</VALUE></NATIONALITY><INDIVIDUAL_ADDRESS><COUNTRY>Libyan Arab Jamahiriya</COUNTRY></INDIVIDUAL_ADDRESS>',
          ),
        ),
      );

      expect(records[0]?.countries).toEqual(['AF', 'LY']);
      expect(records[0]?.extra.nationalities).toEqual(['Afghan', 'Possibly Ethiopian', 'Sudan/South Sudan']);
    });
  });

  describe('successive versions', () => {
    it('shows one designation added and one alias changed from version 1 to version 2', async () => {
      const [v1, v2] = await Promise.all([parseFile(demo(1)), parseFile(demo(2))]);

      expect(changes(v1.records, v2.records)).toEqual({ added: ['9900104'], removed: [], modified: ['9900101'] });
      const before = byId(v1.records).get('9900101')!;
      const after = byId(v2.records).get('9900101')!;
      expect(after.aliases.filter((a) => !before.aliases.includes(a))).toEqual(['Tavin Orekov']);
      expect(byId(v2.records).get('9900104')).toMatchObject({
        name: 'KORVIN DASSO ALMERE',
        list: 'UN Somalia',
        listedOn: '2026-03-06',
      });
    });

    it('shows one delisting and one changed address from version 2 to version 3', async () => {
      const [v2, v3] = await Promise.all([parseFile(demo(2)), parseFile(demo(3))]);

      expect(changes(v2.records, v3.records)).toEqual({ added: [], removed: ['9900202'], modified: ['9900201'] });
      expect(byId(v3.records).get('9900201')?.addresses).toEqual([
        "Potonggang District, Pyongyang, Democratic People's Republic of Korea",
        '8 Beizhan Road, Shenyang, Liaoning, 110013, China (branch office)',
      ]);
    });
  });

  describe('bad entries', () => {
    it('warns and skips an entry without DATAID and one without a name, keeping the rest', async () => {
      const { records, warnings } = await parseText(
        list(
          individual('<DATAID/><FIRST_NAME>NO ID</FIRST_NAME><UN_LIST_TYPE>Iraq</UN_LIST_TYPE>') +
            individual('<DATAID>3</DATAID><FIRST_NAME/><SECOND_NAME> </SECOND_NAME><UN_LIST_TYPE>Iraq</UN_LIST_TYPE>') +
            individual('<DATAID>4</DATAID><FIRST_NAME>KEPT</FIRST_NAME><UN_LIST_TYPE>Iraq</UN_LIST_TYPE>'),
        ),
      );

      expect(records.map((r) => r.id)).toEqual(['4']);
      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toContain('without DATAID');
      expect(warnings[1]).toContain('INDIVIDUAL 3 has no name');
    });

    it('names an unknown regime from its code and warns once per code', async () => {
      const { records, warnings } = await parseText(
        list(
          individual('<DATAID>5</DATAID><FIRST_NAME>ONE</FIRST_NAME><UN_LIST_TYPE>Atlantis</UN_LIST_TYPE>') +
            individual('<DATAID>6</DATAID><FIRST_NAME>TWO</FIRST_NAME><UN_LIST_TYPE>Atlantis</UN_LIST_TYPE>'),
        ),
      );

      expect(records.map((r) => [r.list, r.programs])).toEqual([
        ['UN Atlantis', ['Atlantis']],
        ['UN Atlantis', ['Atlantis']],
      ]);
      expect(warnings).toEqual(['unknown UN_LIST_TYPE "Atlantis": list named "UN Atlantis" (add it to UN_LIST_NAMES)']);
    });
  });

  describe('refused documents', () => {
    it('refuses a file cut in the middle of an element, naming the source', async () => {
      const whole = await readFile(demo(1), 'utf8');
      const cut = whole.slice(0, Math.floor(whole.length * 0.6));

      await expect(parseText(cut)).rejects.toThrow(SourceFormatError);
      await expect(parseText(cut)).rejects.toThrow(/^un-sc-consolidated: parse: consolidated\.xml: malformed XML/);
    });

    it('refuses a file that ends after a complete entry but before the root is closed', async () => {
      const whole = await readFile(demo(1), 'utf8');
      const cut = whole.slice(0, whole.indexOf('</INDIVIDUAL>') + '</INDIVIDUAL>'.length);

      await expect(parseText(cut)).rejects.toThrow(/un-sc-consolidated: parse: .*unclosed/i);
    });

    it('refuses another XML register as an unknown layout', async () => {
      const sdn =
        '<?xml version="1.0"?><sdnList xmlns="http://tempuri.org/sdnList.xsd"><sdnEntry><uid>1</uid></sdnEntry></sdnList>';

      await expect(parseText(sdn)).rejects.toThrow(
        /un-sc-consolidated: parse: consolidated\.xml is in an unknown layout/,
      );
      await expect(parseDirect(sdn)).rejects.toThrow(/unknown layout: root element <sdnList>/);
    });

    it('refuses an HTML error page', async () => {
      const html = '<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head><body>busy</body></html>';

      await expect(parseText(html)).rejects.toThrow(
        /un-sc-consolidated: parse: consolidated\.xml is an HTML page \("503 Service Unavailable"\)/,
      );
    });

    it('refuses an empty download', async () => {
      await expect(parseText('')).rejects.toThrow(/un-sc-consolidated: parse: consolidated\.xml is empty/);
    });

    it('refuses a well-formed list with no entries', async () => {
      await expect(parseText(list(''))).rejects.toThrow(
        /un-sc-consolidated: parse: consolidated\.xml holds no records/,
      );
    });
  });

  describe('sniff', () => {
    it('claims both layouts of the consolidated list and nothing else', async () => {
      const heads = await Promise.all(
        [demo(1), fixture('consolidated.v1.2022-layout.xml')].map(async (path) => {
          const stream = fileDocument(path).open();
          let head = '';
          for await (const chunk of stream) {
            head += (chunk as Buffer).toString('latin1');
            if (head.length > 4096) break;
          }
          stream.destroy();
          return head;
        }),
      );

      for (const head of heads) expect(unConsolidatedXmlFormat.sniff(head, 'consolidated.xml')).toBe(true);
      expect(unConsolidatedXmlFormat.sniff('<?xml version="1.0"?><sdnList><sdnEntry/></sdnList>', 'sdn.xml')).toBe(
        false,
      );
      expect(
        unConsolidatedXmlFormat.sniff(
          '<?xml version="1.0"?><export xmlns="http://eu.europa.ec/fpi/fsd/export"/>',
          'eu.xml',
        ),
      ).toBe(false);
      expect(unConsolidatedXmlFormat.sniff('<html><body>CONSOLIDATED_LIST</body></html>', 'consolidated.xml')).toBe(
        false,
      );
    });

    it('is the format detected for the demo file', async () => {
      await expect(detectFormat(unScConsolidated, fileDocument(demo(2)))).resolves.toBe(unConsolidatedXmlFormat);
    });
  });

  describe('source', () => {
    it('serves its live URL in a format it declares', () => {
      const formats = unScConsolidated.formats.map((f) => f.id);

      expect(unScConsolidated.downloads.map((d) => d.url)).toEqual([
        'https://scsanctions.un.org/resources/xml/en/consolidated.xml',
      ]);
      for (const download of unScConsolidated.downloads) expect(formats).toContain(download.format);
      expect(unScConsolidated.expectedRecords.min).toBeLessThan(952);
      expect(unScConsolidated.expectedRecords.max).toBeGreaterThan(1098);
    });
  });
});
