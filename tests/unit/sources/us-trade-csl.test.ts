import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { byId, parseWith, type Parsed } from '../../helpers/parse.ts';
import { SourceFormatError } from '../../../functions/core/errors.ts';
import { contentHash, type RegisterRecord } from '../../../functions/core/records.ts';
import { bufferDocument, detectFormat, fileDocument } from '../../../functions/sources/read/document.ts';
import type { SourceDocument } from '../../../functions/sources/types.ts';
import { CSL_COLUMNS } from '../../../functions/sources/formats/csl-common.ts';
import { cslCsvFormat } from '../../../functions/sources/formats/csl-csv.ts';
import { cslJsonFormat } from '../../../functions/sources/formats/csl-json.ts';
import { usTradeCsl } from '../../../functions/sources/us-trade-csl.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const demo = (version: number): string => join(root, 'demo/us-trade-csl', String(version), 'consolidated.csv');
const jsonFixture = join(root, 'tests/fixtures/csl/consolidated.v1.json');

const parseDocument = (document: SourceDocument): Promise<Parsed> => parseWith(usTradeCsl, document);

const parseFile = (path: string): Promise<Parsed> => parseDocument(fileDocument(path));
const parseText = (text: string, name = 'consolidated.csv'): Promise<Parsed> =>
  parseDocument(bufferDocument(name, text));

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

const HEADER = CSL_COLUMNS.join(',');

/** One CSV line with the given cells set and every other cell empty. */
function csvRow(cells: Partial<Record<(typeof CSL_COLUMNS)[number], string>>): string {
  return CSL_COLUMNS.map((column) => {
    const value = cells[column] ?? '';
    return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
  }).join(',');
}

const EL_LABEL = 'Entity List (EL) - Bureau of Industry and Security';

const EXPECTED_V1: RegisterRecord[] = [
  {
    id: 'DPL:8f4df82398040a0b61b13df8710b44bc9f69becf',
    source: 'us-trade-csl',
    list: 'Denied Persons List',
    kind: 'other',
    name: 'JONAS T. FERRICK',
    aliases: [],
    countries: ['US'],
    addresses: ['418 CEDAR MILL LANE, FORT WAYNE, IN, 46802, US'],
    programs: [],
    links: [
      'https://www.bis.gov/licensing/guidance-on-end-user-and-end-use-controls-and-us-person-controls/denied-persons-list',
    ],
    extra: {
      listCode: 'DPL',
      federalRegisterNotice: '87 F.R. 12001 3/1/22',
      endDate: '2032-02-24',
      standardOrder: 'Y',
    },
    listedOn: '2022-02-24',
    remarks: 'FEDERAL REGISTER NOTICE UPDATED',
  },
  {
    id: 'SDN:91001',
    source: 'us-trade-csl',
    list: 'Specially Designated Nationals',
    kind: 'person',
    name: 'VELAN, Oskar Dmitrievich',
    aliases: ['VELAN, Oskar'],
    countries: ['RU'],
    addresses: ['Moscow, RU'],
    programs: ['RUSSIA-EO14024'],
    links: [
      'https://sanctionslist.ofac.treas.gov/Home/SdnList',
      'https://ofac.treasury.gov/specially-designated-nationals-and-blocked-persons-list-sdn-human-readable-lists',
    ],
    extra: {
      listCode: 'SDN',
      entityNumber: '91001',
      title: 'Director of Kestrov Avionics Design Bureau',
      ids: ['RU, 4510123456, Passport', 'Male, Gender'],
      datesOfBirth: ['1968-09-14'],
      placesOfBirth: ['Kazan, Russia'],
      nationalities: ['RU'],
      citizenships: ['RU'],
    },
    remarks: '(Linked To: KESTROV AVIONICS DESIGN BUREAU JSC)',
  },
  {
    id: 'EL:bf954ca5f6367c0ad4cab89fffb220b6ff35bb3d',
    source: 'us-trade-csl',
    list: 'Entity List',
    kind: 'other',
    name: 'Quenvale Photonics Co., Ltd.',
    aliases: ['Quenvale Optoelectronics', 'QVP Technology Ltd.'],
    countries: ['CN'],
    addresses: ['Room 1203, Building 5, Optics Valley Avenue, Wuhan, Hubei, 430074, CN'],
    programs: [],
    links: [
      'https://www.bis.gov/regulations/ear/744#supplement-4-744',
      'https://www.bis.gov/licensing/guidance-on-end-user-and-end-use-controls-and-us-person-controls',
    ],
    extra: {
      listCode: 'EL',
      federalRegisterNotice: '89 FR 51234',
      licenseRequirement: 'For all items subject to the EAR. (See §744.11 of the EAR).',
      licensePolicy: 'Presumption of denial.',
    },
    listedOn: '2024-06-11',
  },
  {
    id: 'EL:26906b9b37b684cf9a7cad89fe69af25654f544a',
    source: 'us-trade-csl',
    list: 'Entity List',
    kind: 'other',
    name: 'Marek Dolvan',
    aliases: [],
    countries: ['CY'],
    addresses: ['12 Harbour Road, Limassol, 3036, CY'],
    programs: [],
    links: [
      'https://www.bis.gov/regulations/ear/744#supplement-4-744',
      'https://www.bis.gov/licensing/guidance-on-end-user-and-end-use-controls-and-us-person-controls',
    ],
    extra: {
      listCode: 'EL',
      federalRegisterNotice: '88 FR 70004',
      licenseRequirement: 'For all items subject to the EAR. (See §744.11 of the EAR).',
      licensePolicy: 'Presumption of denial.',
    },
    listedOn: '2023-10-11',
  },
  {
    id: 'ISN:b6e2bb7bf369d1b6cfea289bbe2ea9daeb0e1b7d',
    source: 'us-trade-csl',
    list: 'Nonproliferation Sanctions',
    kind: 'other',
    name: 'Altair Specialty Alloys',
    aliases: [],
    countries: [],
    addresses: [],
    programs: ['E.O. 13382'],
    links: ['https://www.state.gov/bureau-of-arms-control-deterrence-and-stability/nonproliferation-sanctions'],
    extra: {
      listCode: 'ISN',
      federalRegisterNotice: 'Vol. 88, No. 12, 01/18/2023',
    },
    listedOn: '2022-12-20',
  },
  {
    id: 'DTC:ae928c0601a97d43a8a3ae152eb7f6ec0fc6ca53',
    source: 'us-trade-csl',
    list: 'ITAR Debarred',
    kind: 'other',
    name: 'Ronald P. Wexmere',
    aliases: [],
    countries: [],
    addresses: [],
    programs: [],
    links: [
      'https://www.pmddtc.state.gov/ddtc_public/ddtc_public?id=ddtc_kb_article_page&sys_id=c22d1833dbb8d300d0a370131f9619f0',
    ],
    extra: {
      listCode: 'DTC',
      federalRegisterNotice: '86 FR 40001',
    },
  },
  {
    id: 'MEU:24cb4b67619b388bcf80e4a2ffd1a835357f84c6',
    source: 'us-trade-csl',
    list: 'Military End User List',
    kind: 'organization',
    name: 'Kestrov Avionics Design Bureau JSC',
    aliases: [],
    countries: ['RU'],
    addresses: ['9 Lesnaya Street, Zhukovsky, Moscow Region, 140180, RU'],
    programs: [],
    links: ['https://www.bis.gov/regulations/ear/744#supplement-7-744'],
    extra: {
      listCode: 'MEU',
      federalRegisterNotice: '86 FR 71557',
      licenseRequirement: 'For any item subject to the EAR listed in supplement no. 2 to part 744.',
      licensePolicy:
        'The license application procedure and license review policy for entities specified in supplement no. 2 to part 744 is specified in §744.21(d) and (e).',
    },
    listedOn: '2021-11-26',
  },
  {
    id: 'SDN:91002',
    source: 'us-trade-csl',
    list: 'Specially Designated Nationals',
    kind: 'organization',
    name: 'ORBITAL LEDGER BANK JSC',
    aliases: ['AO ORBITAL LEDGER BANK', 'ORBITAL LEDGER'],
    countries: ['RU'],
    addresses: ['Ulitsa Bolshaya Ordynka 40, Moscow, 119017, RU'],
    programs: ['RUSSIA-EO14024'],
    links: [
      'https://sanctionslist.ofac.treas.gov/Home/SdnList',
      'https://ofac.treasury.gov/specially-designated-nationals-and-blocked-persons-list-sdn-human-readable-lists',
    ],
    extra: {
      listCode: 'SDN',
      entityNumber: '91002',
      ids: ['ORBLRUMM, SWIFT/BIC', 'RU, 7700000001, Tax ID No.'],
    },
  },
  {
    id: 'SSI:91002',
    source: 'us-trade-csl',
    list: 'Sectoral Sanctions Identifications List',
    kind: 'organization',
    name: 'ORBITAL LEDGER BANK JSC',
    aliases: ['AO ORBITAL LEDGER BANK', 'ORBITAL LEDGER'],
    countries: ['RU'],
    addresses: ['Ulitsa Bolshaya Ordynka 40, Moscow, 119017, RU'],
    programs: ['UKRAINE-EO13662', 'RUSSIA-EO14024'],
    links: [
      'https://sanctionslist.ofac.treas.gov/Home/SdnList',
      'https://ofac.treasury.gov/consolidated-sanctions-list-non-sdn-lists/sectoral-sanctions-identifications-ssi-list',
    ],
    extra: {
      listCode: 'SSI',
      entityNumber: '91002',
      ids: ['ORBLRUMM, SWIFT/BIC'],
    },
    remarks:
      'For more information on directives, please visit the following link: https://ofac.treasury.gov/ukraine-russia-related-sanctions',
  },
  {
    id: 'SDN:91003',
    source: 'us-trade-csl',
    list: 'Specially Designated Nationals',
    kind: 'vessel',
    name: 'SEA LANTERN',
    aliases: [],
    countries: ['KP'],
    addresses: [],
    programs: ['DPRK4'],
    links: [
      'https://sanctionslist.ofac.treas.gov/Home/SdnList',
      'https://ofac.treasury.gov/specially-designated-nationals-and-blocked-persons-list-sdn-human-readable-lists',
    ],
    extra: {
      listCode: 'SDN',
      entityNumber: '91003',
      callSign: 'HMYL7',
      vesselType: 'Crude Oil Tanker',
      grossTonnage: '2801',
      grossRegisteredTonnage: '1897',
      vesselFlag: "Democratic People's Republic of Korea",
      ids: ['IMO 9000001, Vessel Registration Identification'],
    },
    remarks: '(Linked To: PAEKDU COASTAL SHIPPING CO)',
  },
  {
    id: 'UVL:9fe3adc2f670604560e16329d6224ff51ac187fe',
    source: 'us-trade-csl',
    list: 'Unverified List',
    kind: 'organization',
    name: 'Brightmere Components Trading Limited',
    aliases: [],
    countries: ['HK'],
    addresses: ['Flat 7, 19/F, Kwai Fung Industrial Building, 88 Container Port Road, Kwai Chung, HK'],
    programs: [],
    links: ['https://www.bis.gov/regulations/ear/744#supplement-6-744'],
    extra: {
      listCode: 'UVL',
      federalRegisterNotice: '90 FR 3312',
    },
    listedOn: '2025-01-15',
  },
];

describe('usTradeCsl', () => {
  describe('records', () => {
    it('maps every row of the CSV to the expected record', async () => {
      const { records, warnings } = await parseFile(demo(1));

      expect(records).toEqual(EXPECTED_V1);
      expect(warnings).toEqual([]);
    });

    it('gives identical records for the CSV and the JSON download of the same list', async () => {
      const [csv, json] = await Promise.all([parseFile(demo(1)), parseFile(jsonFixture)]);

      expect(json.records).toEqual(csv.records);
      expect(json.warnings).toEqual([]);
    });

    it('keeps an OFAC entity that is on SDN and SSI as two records with list-prefixed ids', async () => {
      const { records } = await parseFile(demo(1));

      const orbital = records.filter((r) => r.extra.entityNumber === '91002');
      expect(orbital.map((r) => [r.id, r.list])).toEqual([
        ['SDN:91002', 'Specially Designated Nationals'],
        ['SSI:91002', 'Sectoral Sanctions Identifications List'],
      ]);
      expect(new Set(records.map((r) => r.id)).size).toBe(records.length);
    });

    it('reads a JSON id written as a number as its exact digits, so ids beyond 2^53 stay apart', async () => {
      const sdn = 'Specially Designated Nationals (SDN) - Treasury Department';
      // Both numbers round to the same double (9007199254740992).
      const text = `{"results": [{"id": 9007199254740993, "source": "${sdn}", "name": "A"}, {"_id": 9007199254740992, "source": "${sdn}", "name": "B"}]}`;

      const { records } = await parseText(text, 'consolidated.json');

      expect(records.map((r) => [r.id, r.name])).toEqual([
        ['SDN:9007199254740993', 'A'],
        ['SDN:9007199254740992', 'B'],
      ]);
    });

    it('drops the Federal Register "and " from the last Entity List alias only', async () => {
      const { records } = await parseText(
        `${HEADER}\n${csvRow({ _id: 'a1', source: EL_LABEL, name: 'Nordlicht Halbleiter GmbH', alt_names: 'Andover Chips; and Nordlicht Chips; and  Andes Wafer' })}\n`,
      );

      expect(records[0]?.aliases).toEqual(['Andover Chips', 'Nordlicht Chips', 'Andes Wafer']);
    });

    it('reads countries from address endings, nationalities, citizenships, birthplaces and the vessel flag', async () => {
      const { records } = await parseText(
        `${HEADER}\n${csvRow({
          _id: '7',
          source: 'Specially Designated Nationals (SDN) - Treasury Department',
          type: 'Individual',
          name: 'DOE, Example',
          addresses: 'Main Street 1, Lisbon, 1100, PT; Ramallah; 5 Quay Road, Istanbul, Turkey; Box 9, 88201',
          nationalities: 'FR',
          citizenships: 'DE; BE',
          places_of_birth: 'Kazan, Russia',
          vessel_flag: 'Panama',
        })}\n`,
      );

      expect([...records[0]!.countries].sort()).toEqual(['BE', 'DE', 'FR', 'PA', 'PT', 'RU', 'TR']);
    });

    it('decides the kind of a blank type per list: organization for MEU and UVL, other where people and companies mix', async () => {
      const { records } = await parseFile(demo(1));
      const kinds = Object.fromEntries(records.map((r) => [r.extra.listCode, r.kind]));

      expect(kinds).toMatchObject({
        MEU: 'organization',
        UVL: 'organization',
        EL: 'other',
        DPL: 'other',
        DTC: 'other',
        ISN: 'other',
      });
    });
  });

  describe('successive versions', () => {
    it('shows the Entity List addition of Lumora Microsystems from version 1 to version 2', async () => {
      const [v1, v2] = await Promise.all([parseFile(demo(1)), parseFile(demo(2))]);

      const diff = changes(v1.records, v2.records);
      expect(diff.removed).toEqual([]);
      expect(diff.modified).toEqual([]);
      expect(diff.added).toHaveLength(1);
      expect(byId(v2.records).get(diff.added[0]!)).toMatchObject({
        list: 'Entity List',
        name: 'Lumora Microsystems Co., Ltd.',
        aliases: ['Lumora Semiconductor', 'Lumora Microelectronics (HK) Limited'],
        countries: ['CN', 'HK'],
        listedOn: '2026-03-05',
        extra: { listCode: 'EL', federalRegisterNotice: '91 FR 10234', licensePolicy: 'Presumption of denial.' },
      });
    });

    it('shows the DPL delisting and the Military End User address change (same id) from version 2 to version 3', async () => {
      const [v2, v3] = await Promise.all([parseFile(demo(2)), parseFile(demo(3))]);

      expect(changes(v2.records, v3.records)).toEqual({
        added: [],
        removed: ['DPL:8f4df82398040a0b61b13df8710b44bc9f69becf'],
        modified: ['MEU:24cb4b67619b388bcf80e4a2ffd1a835357f84c6'],
      });
      expect(byId(v3.records).get('MEU:24cb4b67619b388bcf80e4a2ffd1a835357f84c6')?.addresses).toEqual([
        '44 Aviatsionnaya Street, Building 2, Zhukovsky, Moscow Region, 140185, RU',
      ]);
    });
  });

  describe('bad rows', () => {
    it('warns and skips a row without _id and a row without name, keeping the rest', async () => {
      const { records, warnings } = await parseText(
        [
          HEADER,
          csvRow({ source: EL_LABEL, name: 'No Id Ltd.' }),
          csvRow({ _id: 'b2', source: EL_LABEL, name: '  ' }),
          csvRow({ _id: 'b3', source: EL_LABEL, name: 'Kept Ltd.' }),
          '',
        ].join('\n'),
      );

      expect(records.map((r) => r.id)).toEqual(['EL:b3']);
      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toContain('without _id');
      expect(warnings[1]).toContain('without name');
    });

    it('refuses a type it does not know instead of guessing the kind', async () => {
      const text = `${HEADER}\n${csvRow({ _id: 'c1', source: EL_LABEL, type: 'Organisation', name: 'X' })}\n`;

      await expect(parseText(text)).rejects.toThrow(/^us-trade-csl: parse: row 1 \(c1\): unknown type "Organisation"/);
    });

    it('names a list it does not know from its label and warns once', async () => {
      const label = 'Outbound Investment List (OIL) - Treasury Department';
      const { records, warnings } = await parseText(
        [
          HEADER,
          csvRow({ _id: 'd1', source: label, type: 'Entity', name: 'One' }),
          csvRow({ _id: 'd2', source: label, type: 'Entity', name: 'Two' }),
          '',
        ].join('\n'),
      );

      expect(records.map((r) => [r.id, r.list, r.extra.listCode])).toEqual([
        ['OIL:d1', 'Outbound Investment List', 'OIL'],
        ['OIL:d2', 'Outbound Investment List', 'OIL'],
      ]);
      expect(warnings).toHaveLength(1);
    });

    it('maps a relabelled list to the same id key', async () => {
      const { records } = await parseText(
        `${HEADER}\n${csvRow({ _id: '9696', source: 'Palestinian Legislative Council List (NS-PLC List) - Treasury Department', type: 'Individual', name: 'Y' })}\n`,
      );

      expect(records[0]).toMatchObject({
        id: 'PLC:9696',
        list: 'Palestinian Legislative Council List',
        extra: { listCode: 'NS-PLC' },
      });
    });
  });

  describe('refused documents', () => {
    it('refuses a CSV cut in the middle of a row', async () => {
      const whole = await readFile(demo(1), 'utf8');
      const cut = whole.slice(0, whole.indexOf('Kestrov Avionics Design Bureau JSC,,') + 20);

      await expect(parseText(cut)).rejects.toThrow(SourceFormatError);
      await expect(parseText(cut)).rejects.toThrow(
        /^us-trade-csl: parse: consolidated\.csv: truncated or malformed: row 7 has 6 cells, the header 29/,
      );
    });

    it('refuses a CSV cut inside a quoted cell', async () => {
      const whole = await readFile(demo(1), 'utf8');
      const cut = whole.slice(0, whole.indexOf('"9 Lesnaya Street') + 8);

      await expect(parseText(cut)).rejects.toThrow(
        /^us-trade-csl: parse: consolidated\.csv: truncated or malformed: a quoted cell is never closed/,
      );
    });

    it('refuses a CSV cut inside its last cell, where the column count still holds', async () => {
      const whole = `${HEADER}\n${csvRow({ _id: 'f1', source: EL_LABEL, name: 'Cut Ltd.', ids: 'ORBLRUMM' })}\n`;
      const cut = whole.slice(0, whole.length - 4);

      await expect(parseText(cut)).rejects.toThrow(
        /^us-trade-csl: parse: consolidated\.csv: truncated: the last line has no line end/,
      );
    });

    it('refuses a CSV whose header lacks CSL columns', async () => {
      const header = CSL_COLUMNS.filter((c) => c !== 'ids' && c !== 'remarks').join(',');

      await expect(parseText(`${header}\nx,${EL_LABEL}\n`)).rejects.toThrow(
        /^us-trade-csl: parse: consolidated\.csv: unknown layout: header lacks remarks, ids/,
      );
    });

    it('refuses another CSV as an unknown layout', async () => {
      const sdn = '36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n';

      await expect(parseText(sdn, 'sdn.csv')).rejects.toThrow(
        /^us-trade-csl: parse: sdn\.csv is in an unknown layout \(expected one of: csl-csv, csl-json, csl-legacy-csv\)/,
      );
    });

    it('refuses a JSON document cut in the middle of a result', async () => {
      const whole = await readFile(jsonFixture);
      const cut = whole.subarray(0, Math.floor(whole.length / 2));

      await expect(parseDocument(bufferDocument('consolidated.json', cut))).rejects.toThrow(
        /^us-trade-csl: parse: consolidated\.json: truncated: the document ends inside/,
      );
    });

    it('refuses JSON whose results are not an array of objects', async () => {
      await expect(parseText('{"results": {"id": "1"}}', 'consolidated.json')).rejects.toThrow(
        /"results" is not an array/,
      );
      await expect(
        parseText('{"results": [{"id": "1", "name": "A", "source": "x (EL)"}, 7]}', 'consolidated.json'),
      ).rejects.toThrow(/results holds something other than objects/);
      await expect(parseText('{"meta": {"results": [{"id": "1"}]}}', 'consolidated.json')).rejects.toThrow(
        /no "results" array at the top level/,
      );
    });

    it('refuses a result whose field has an unexpected shape', async () => {
      const text = JSON.stringify({ results: [{ id: 'e1', source: EL_LABEL, name: { en: 'Nested' } }] });

      await expect(parseText(text, 'consolidated.json')).rejects.toThrow(
        /results\[0\]: name is an object, expected text/,
      );
    });

    it('refuses an HTML error page', async () => {
      await expect(parseText('<!doctype html><html><title>Service Unavailable</title></html>')).rejects.toThrow(
        /^us-trade-csl: parse: consolidated\.csv is an HTML page \("Service Unavailable"\)/,
      );
    });

    it('refuses an empty download and a file with a header only', async () => {
      await expect(parseText('')).rejects.toThrow(/^us-trade-csl: parse: consolidated\.csv is empty/);
      await expect(parseText(`${HEADER}\n`)).rejects.toThrow(
        /^us-trade-csl: parse: consolidated\.csv holds no records/,
      );
      await expect(parseText('{"results": []}', 'consolidated.json')).rejects.toThrow(
        /consolidated\.json holds no records/,
      );
    });
  });

  describe('sniff', () => {
    it('tells the CSV and the JSON apart and claims neither an OFAC CSV nor a bare JSON array', async () => {
      const csvHead = (await readFile(demo(1), 'latin1')).slice(0, 4096);
      const jsonHead = (await readFile(jsonFixture, 'latin1')).slice(0, 4096);

      expect([
        cslCsvFormat.sniff(csvHead, 'consolidated.csv'),
        cslJsonFormat.sniff(csvHead, 'consolidated.csv'),
      ]).toEqual([true, false]);
      expect([
        cslCsvFormat.sniff(jsonHead, 'consolidated.json'),
        cslJsonFormat.sniff(jsonHead, 'consolidated.json'),
      ]).toEqual([false, true]);
      expect(cslCsvFormat.sniff('36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA"', 'sdn.csv')).toBe(false);
      expect(cslCsvFormat.sniff('id,source,entity_number,type,programs,name,', 'consolidated.csv')).toBe(false);
      expect(cslJsonFormat.sniff('[{"results": 1}]', 'consolidated.json')).toBe(false);
      expect(cslJsonFormat.sniff('{"items": []}', 'consolidated.json')).toBe(false);
    });

    it('detects the JSON fixture as csl-json', async () => {
      await expect(detectFormat(usTradeCsl, fileDocument(jsonFixture))).resolves.toBe(cslJsonFormat);
    });
  });

  describe('source', () => {
    it('serves each live URL in a format it declares, CSV first', () => {
      const formats = usTradeCsl.formats.map((f) => f.id);

      expect(usTradeCsl.downloads.map((d) => [d.url, d.format])).toEqual([
        ['https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv', 'csl-csv'],
        ['https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.json', 'csl-json'],
      ]);
      for (const download of usTradeCsl.downloads) expect(formats).toContain(download.format);
      expect(usTradeCsl.expectedRecords.min).toBeLessThan(14_160);
    });
  });
});
