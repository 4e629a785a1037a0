import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { byId, parseWith, type Parsed } from '../../helpers/parse.ts';
import { diffFiles } from '../../../functions/cli/diff.ts';
import { SourceFormatError } from '../../../functions/core/errors.ts';
import type { RegisterRecord } from '../../../functions/core/records.ts';
import { bufferDocument, detectFormat, fileDocument } from '../../../functions/sources/read/document.ts';
import { dplRecordId, dplTextFormat, plausibleUsDate, usBisDpl } from '../../../functions/sources/us-bis-dpl.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const demo = (version: number): string => join(root, 'demo/us-bis-dpl', String(version), 'dpl.txt');
const fixture = (name: string): string => join(root, 'tests/fixtures/bis-dpl', name);

const parseFile = (path: string): Promise<Parsed> => parseWith(usBisDpl, fileDocument(path));
const parseText = (text: string, name = 'dpl.txt'): Promise<Parsed> => parseWith(usBisDpl, bufferDocument(name, text));

const HEADER = [
  'Name',
  'Street_Address',
  'City',
  'State',
  'Country',
  'Postal_Code',
  'Effective_Date',
  'Expiration_Date',
  'Standard_Order',
  'Last_Update',
  'Action',
  'FR_Citation',
];
const quoted = (cells: readonly string[]): string => cells.map((c) => `"${c}"`).join('\t');
const dpl = (...rows: string[][]): string => [quoted(HEADER), ...rows.map(quoted)].join('\n') + '\n';

/** The id recipe written out independently of the parser: SHA-256 of name, street and city. */
function expectedId(name: string, street: string, city: string): string {
  return createHash('sha256').update([name, street, city].join('\t')).digest('hex').slice(0, 16);
}

const EXPECTED_V1: RegisterRecord[] = [
  {
    id: '36ba634db389f128',
    source: 'us-bis-dpl',
    list: 'Denied Persons List',
    kind: 'other',
    name: 'JONAS T. FERRICK',
    aliases: [],
    countries: ['US'],
    addresses: ['418 CEDAR MILL LANE, FORT WAYNE, IN, 46802'],
    programs: [],
    links: [],
    extra: {
      effectiveDate: '02/24/2022',
      expirationDate: '02/24/2032',
      standardOrder: 'Y',
      lastUpdate: '2022-03-01',
      action: 'FR NOTICE ADDED',
      frCitation: '87 F.R. 12001 3/1/22',
    },
    listedOn: '2022-02-24',
  },
  {
    id: '2f6a52eb1437ef51',
    source: 'us-bis-dpl',
    list: 'Denied Persons List',
    kind: 'other',
    name: 'KESTREL AERO PARTS LTD',
    aliases: [],
    countries: [],
    addresses: ['14 ARCH. MAKARIOS III AVENUE, LIMASSOL, CY'],
    programs: [],
    links: [],
    extra: {
      effectiveDate: '11/20/2024',
      expirationDate: '05/19/2025',
      standardOrder: 'N',
      lastUpdate: '2024-11-25',
      action: 'TEMPORARY DENIAL ORDER',
      frCitation: '89 F.R. 92001 11/25/2024',
    },
    listedOn: '2024-11-20',
  },
  {
    id: 'c6f544cbdcaf013d',
    source: 'us-bis-dpl',
    list: 'Denied Persons List',
    kind: 'other',
    name: 'KESTREL AERO PARTS LTD',
    aliases: [],
    countries: ['RU'],
    addresses: ['OFFICE 3, 22 TVERSKAYA STREET, MOSCOW, 125009, RU'],
    programs: [],
    links: [],
    extra: {
      effectiveDate: '11/20/2024',
      expirationDate: '05/19/2025',
      standardOrder: 'N',
      lastUpdate: '2024-11-25',
      action: 'TEMPORARY DENIAL ORDER',
      frCitation: '89 F.R. 92001 11/25/2024',
    },
    listedOn: '2024-11-20',
  },
  {
    id: '689963d321e5162a',
    source: 'us-bis-dpl',
    list: 'Denied Persons List',
    kind: 'other',
    name: 'MARISOL Q. DELACROIX-WEBB',
    aliases: ['MARISOL WEBB'],
    countries: ['US'],
    addresses: ['INMATE NUMBER: 99001-001, FCI DUBLIN, 5701 8TH STREET, DUBLIN, CA, 94568'],
    programs: [],
    links: [],
    extra: {
      effectiveDate: '05/03/2021',
      expirationDate: '06/19/2031',
      standardOrder: 'Y',
      lastUpdate: '2021-05-10',
      action: 'ADDITION, F.R. NOTICE ADDED',
      frCitation: '86 F.R. 24981 5/10/2021',
    },
    listedOn: '2021-05-03',
  },
  {
    id: '1fc476c3ea603fe3',
    source: 'us-bis-dpl',
    list: 'Denied Persons List',
    kind: 'other',
    name: 'NORTHWIND AVIONICS TRADING FZE',
    aliases: [],
    countries: ['AE'],
    addresses: ['WAREHOUSE 14, JEBEL ALI FREE ZONE SOUTH, DUBAI, AE'],
    programs: [],
    links: [],
    extra: {
      effectiveDate: '09/12/2023',
      expirationDate: '09/12/2033',
      standardOrder: 'Y',
      lastUpdate: '2023-09-18',
      action: 'F.R. NOTICE ADDED',
      frCitation: '88 F.R. 63921 9/18/2023',
    },
    listedOn: '2023-09-12',
  },
];

describe('usBisDpl', () => {
  describe('records', () => {
    it('maps every row of dpl.txt to the expected record', async () => {
      const { records, warnings } = await parseFile(demo(1));

      expect(records).toEqual(EXPECTED_V1);
      expect(warnings).toEqual([]);
    });

    it('derives the id from name, street and city, hashed with SHA-256', async () => {
      const { records } = await parseFile(demo(1));

      expect(records.map((r) => r.id)).toEqual([
        expectedId('JONAS T. FERRICK', '418 CEDAR MILL LANE', 'FORT WAYNE'),
        expectedId('KESTREL AERO PARTS LTD', '14 ARCH. MAKARIOS III AVENUE', 'LIMASSOL'),
        expectedId('KESTREL AERO PARTS LTD', 'OFFICE 3, 22 TVERSKAYA STREET', 'MOSCOW'),
        expectedId(
          'MARISOL Q. DELACROIX-WEBB A/K/A MARISOL WEBB',
          'INMATE NUMBER: 99001-001, FCI DUBLIN, 5701 8TH STREET',
          'DUBLIN',
        ),
        expectedId('NORTHWIND AVIONICS TRADING FZE', 'WAREHOUSE 14, JEBEL ALI FREE ZONE SOUTH', 'DUBAI'),
      ]);
    });

    it('keeps the id when only spacing or letter case of a key cell changes, and gives a new address a new id', () => {
      const row = { Name: 'JONAS T. FERRICK', Street_Address: '418 CEDAR MILL LANE', City: 'FORT WAYNE' };

      expect(dplRecordId({ ...row, Name: ' Jonas  T. Ferrick ' })).toBe(dplRecordId(row));
      expect(dplRecordId({ ...row, Street_Address: '420 CEDAR MILL LANE' })).not.toBe(dplRecordId(row));
      expect(dplRecordId({ ...row, City: 'FORT WAYNE EAST' })).not.toBe(dplRecordId(row));
    });

    it('reads a renewed order (new effective and expiration dates) as a modification of the same denial', async () => {
      const before = [
        'AIRLIFT CARGO FZE',
        'P.O. BOX 1',
        'DUBAI',
        '',
        'AE',
        '',
        '05/13/2022',
        '11/09/2022',
        'Y',
        '2022-05-16',
        'F.R. NOTICE ADDED',
        '87 F.R. 1 5/16/2022',
      ];
      const after = [
        'AIRLIFT CARGO FZE',
        'P.O. BOX 1',
        'DUBAI',
        '',
        'AE',
        '',
        '11/04/2022',
        '05/03/2023',
        'Y',
        '2022-11-08',
        'TDO RENEWAL, F.R. NOTICE ADDED',
        '87 F.R. 1 5/16/2022 87 F.R. 2 11/8/2022',
      ];
      const [
        {
          records: [old],
        },
        {
          records: [renewed],
        },
      ] = await Promise.all([parseText(dpl(before)), parseText(dpl(after))]);

      expect(renewed?.id).toBe(old?.id);
      expect(renewed?.listedOn).toBe('2022-11-04');
      expect(old?.listedOn).toBe('2022-05-13');
    });

    it('reads US as the country of a US state with a five-digit ZIP code, and no country for a four-digit one', async () => {
      const { records } = await parseText(
        dpl(
          ['A', '1 MAIN ST', 'AUSTIN', 'TX', '', '78701-1234', '01/02/2020', '', 'Y', '2020-01-05', '', ''],
          ['B', '2 MILL ST', 'CAMDEN', 'NJ', '', '8102', '01/02/2020', '', 'Y', '2020-01-05', '', ''],
          ['C', '3 PORT RD', 'LIMASSOL', 'CY', '', '', '01/02/2020', '', 'Y', '2020-01-05', '', ''],
          ['D', '4 QUAY', 'PERTH', 'WA', '', '6000', '01/02/2020', '', 'Y', '2020-01-05', '', ''],
          ['E', '5 RUE', 'PARIS', '', 'FR', '75001', '01/02/2020', '', 'Y', '2020-01-05', '', ''],
        ),
      );

      expect(records.map((r) => [r.name, r.countries])).toEqual([
        ['A', ['US']],
        ['B', []],
        ['C', []],
        ['D', []],
        ['E', ['FR']],
      ]);
    });

    it('splits "A/K/A" and "D/B/A" names into a name and an alias, and leaves the parenthesised form whole', async () => {
      const { records } = await parseText(
        dpl(
          ['FUYA LIN A/K/A FRANK LIN', '1 ST', 'X', '', 'CN', '', '01/02/2020', '', 'Y', '2020-01-05', '', ''],
          ['BOREAL AIR D/B/A B7 AIRLINES', '2 ST', 'Y', '', 'RU', '', '01/02/2020', '', 'Y', '2020-01-05', '', ''],
          ['PEARL (A.K.A. NEI-LIN CHOU) LIU', '3 ST', 'Z', '', 'TW', '', '01/02/2020', '', 'Y', '2020-01-05', '', ''],
        ),
      );

      expect(records.map((r) => [r.name, r.aliases])).toEqual([
        ['FUYA LIN', ['FRANK LIN']],
        ['BOREAL AIR', ['B7 AIRLINES']],
        ['PEARL (A.K.A. NEI-LIN CHOU) LIU', []],
      ]);
    });
  });

  describe('the publisher’s date errors', () => {
    it('never fails on years 3017, 3033, 0222 or 1023 and keeps every date as written in extra', async () => {
      const { records } = await parseFile(fixture('dpl.data-errors.txt'));

      expect(records.map((r) => r.extra.lastUpdate)).toEqual([
        '3017-08-22',
        '2016-04-15',
        '3033-09-30',
        '0222-05-18',
        '2021-10-06',
        '2016-04-15',
        '1023-11-01',
        '2022-01-12',
      ]);
      expect(records.find((r) => r.name === 'ORLANDO VESK')?.listedOn).toBe('2017-08-22');
    });

    it('sets listedOn only for a real calendar date in 1950-2100, and warns about the others', async () => {
      const { records, warnings } = await parseFile(fixture('dpl.data-errors.txt'));
      const byName = new Map(records.map((r) => [r.name, r]));

      expect(byName.get('PETRA LINDQVIST-ABARA')).not.toHaveProperty('listedOn');
      expect(byName.get('PETRA LINDQVIST-ABARA')?.extra.effectiveDate).toBe('13/45/2019');
      expect(byName.get('WEI-LONG TRADING CORP.')).not.toHaveProperty('listedOn');
      expect(byName.get('HOLLIS GRANT')).not.toHaveProperty('listedOn');
      expect(byName.get('HOLLIS GRANT')?.extra.effectiveDate).toBe('06/01/3021');
      expect(warnings).toEqual([
        'row 3 (PETRA LINDQVIST-ABARA): Effective_Date "13/45/2019" is not a plausible date; kept as written in extra.effectiveDate, no listedOn',
        'row 4 (WEI-LONG TRADING CORP.): Effective_Date "02/30/2020" is not a plausible date; kept as written in extra.effectiveDate, no listedOn',
        'row 7 (HOLLIS GRANT): Effective_Date "06/01/3021" is not a plausible date; kept as written in extra.effectiveDate, no listedOn',
      ]);
    });

    it('judges dates by a fixed window, so a record never depends on the day it is read', () => {
      expect(plausibleUsDate('2/29/2024')).toBe('2024-02-29');
      expect(plausibleUsDate('02/29/2023')).toBeUndefined();
      expect(plausibleUsDate('12/31/2100')).toBe('2100-12-31');
      expect(plausibleUsDate('01/01/2101')).toBeUndefined();
      expect(plausibleUsDate('12/31/1949')).toBeUndefined();
      expect(plausibleUsDate('2017-08-22')).toBeUndefined();
    });
  });

  describe('repeated rows', () => {
    it('gives a row repeated verbatim the same id, which the diff reports as a duplicate, not as two denials', async () => {
      const diff = await diffFiles(usBisDpl, fixture('dpl.data-errors.txt'), fixture('dpl.data-errors.txt'), false);

      expect(diff.total).toBe(6);
      expect(diff.changes).toEqual([]);
      expect(diff.duplicates).toEqual([
        { id: expectedId('SANTOS R. MIRELES', '4410 DUNE ROAD', 'CORPUS CHRISTI'), occurrences: 2, conflicting: false },
        { id: expectedId('HARBOUR LINE LOGISTICS', 'PIER 9', 'MERSIN'), occurrences: 2, conflicting: true },
      ]);
    });
  });

  describe('successive versions', () => {
    it('shows one denial added and a corrected postal code (same id) from version 1 to version 2', async () => {
      const diff = await diffFiles(usBisDpl, demo(1), demo(2), false);

      expect(diff.changes.map((c) => [c.type, c.name])).toEqual([
        ['added', 'ZARVAN INDUSTRIAL SUPPLY CO.'],
        ['modified', 'MARISOL Q. DELACROIX-WEBB'],
      ]);
      const modified = diff.changes.find((c) => c.type === 'modified')!;
      expect(modified.id).toBe('689963d321e5162a');
      expect(modified.fields?.map((f) => f.field)).toEqual(['addresses', 'extra.lastUpdate']);
      expect(modified.fields?.[0]?.added).toEqual([
        'INMATE NUMBER: 99001-001, FCI DUBLIN, 5701 8TH STREET, DUBLIN, CA, 94568-1002',
      ]);
    });

    it('shows one delisting and a country moved from State to Country from version 2 to version 3', async () => {
      const diff = await diffFiles(usBisDpl, demo(2), demo(3), false);

      expect(diff.changes.map((c) => [c.type, c.id, c.name])).toEqual([
        ['modified', '2f6a52eb1437ef51', 'KESTREL AERO PARTS LTD'],
        ['removed', '1fc476c3ea603fe3', 'NORTHWIND AVIONICS TRADING FZE'],
      ]);
      const modified = diff.changes[0]!;
      expect(modified.fields?.find((f) => f.field === 'countries')).toMatchObject({ added: ['CY'], removed: [] });
      expect(byId((await parseFile(demo(3))).records).get('2f6a52eb1437ef51')?.addresses).toEqual([
        '14 ARCH. MAKARIOS III AVENUE, LIMASSOL, CY',
      ]);
    });
  });

  describe('bad rows', () => {
    it('warns and skips a row without a name, keeping the rest', async () => {
      const { records, warnings } = await parseText(
        dpl(
          ['', '1 ST', 'X', '', 'CN', '', '01/02/2020', '', 'Y', '2020-01-05', '', ''],
          ['KEPT', '2 ST', 'Y', '', 'CN', '', '01/02/2020', '', 'Y', '2020-01-05', '', ''],
        ),
      );

      expect(records.map((r) => r.name)).toEqual(['KEPT']);
      expect(warnings).toEqual(['row 1 has no Name: skipped (street "1 ST")']);
    });
  });

  describe('refused documents', () => {
    it('refuses a file cut in the middle of a row, naming the source', async () => {
      const whole = await readFile(demo(1), 'utf8');
      const cut = whole.slice(0, whole.indexOf('"KESTREL AERO PARTS LTD"\t"OFFICE 3') + 60);

      await expect(parseText(cut)).rejects.toThrow(SourceFormatError);
      await expect(parseText(cut)).rejects.toThrow(/^us-bis-dpl: parse: dpl\.txt: truncated or malformed/);
    });

    it('refuses a file cut inside the last quoted cell', async () => {
      const whole = await readFile(demo(1), 'utf8');

      await expect(parseText(whole.slice(0, -5))).rejects.toThrow(
        /^us-bis-dpl: parse: dpl\.txt: truncated or malformed: a quoted cell is never closed/,
      );
    });

    it('refuses a bare (unquoted) file cut inside its last cell, where the column count still holds', async () => {
      const bare = `${HEADER.join('\t')}\nA\t1 ST\tX\t\tCN\t\t01/02/2020\t\tY\t2020-01-05\tADDED\t85 F.R. 1001`;

      await expect(parseText(bare)).rejects.toThrow(
        /^us-bis-dpl: parse: dpl\.txt: truncated: the last line ends inside a cell/,
      );
    });

    it('refuses a header that lacks DPL columns', async () => {
      const text =
        quoted(['Name', 'Street_Address', 'City', 'State', 'Country']) +
        '\n' +
        quoted(['A', 'B', 'C', 'D', 'E']) +
        '\n';

      await expect(parseText(text)).rejects.toThrow(
        /^us-bis-dpl: parse: dpl\.txt: unknown layout: header lacks Postal_Code, Effective_Date/,
      );
    });

    it('refuses other files as an unknown layout', async () => {
      await expect(parseText('_id,source,entity_number,type\n1,DPL,2,Entity\n', 'consolidated.csv')).rejects.toThrow(
        /^us-bis-dpl: parse: consolidated\.csv is in an unknown layout \(expected one of: bis-dpl-txt, bis-dpl-csv\)/,
      );
    });

    it('refuses an HTML page served in place of the file', async () => {
      const html =
        '<!DOCTYPE html><html><head><title>Denied Persons List | Bureau of Industry and Security</title></head><body></body></html>';

      await expect(parseText(html)).rejects.toThrow(
        /^us-bis-dpl: parse: dpl\.txt is an HTML page \("Denied Persons List \| Bureau of Industry and Security"\)/,
      );
    });

    it('refuses an empty download and a file with a header only', async () => {
      await expect(parseText('')).rejects.toThrow(/^us-bis-dpl: parse: dpl\.txt is empty/);
      await expect(parseText(dpl())).rejects.toThrow(/^us-bis-dpl: parse: dpl\.txt holds no records/);
    });
  });

  describe('sniff', () => {
    it('claims the quoted and the bare header and nothing else', async () => {
      expect(dplTextFormat.sniff(quoted(HEADER), 'dpl.txt')).toBe(true);
      expect(dplTextFormat.sniff(HEADER.join('\t'), 'dpl.txt')).toBe(true);
      expect(dplTextFormat.sniff('_id,source,entity_number,type,programs,name,', 'consolidated.csv')).toBe(false);
      expect(dplTextFormat.sniff('Name,Street_Address,City', 'dpl.csv')).toBe(false);
      await expect(detectFormat(usBisDpl, fileDocument(demo(2)))).resolves.toBe(dplTextFormat);
    });
  });

  describe('source', () => {
    it('finds its live file on the bis.gov DPL page, in the format it declares, with bounds around the real list sizes', () => {
      const page = 'https://www.bis.gov/licensing/end-user-guidance/denied-persons-list-dpl';
      expect(usBisDpl.downloads.map((d) => [d.url, d.format, d.discover?.page, d.discover?.dateFormat])).toEqual([
        [page, 'bis-dpl-csv', page, 'MMDDYYYY'],
      ]);
      expect(usBisDpl.formats.map((f) => f.id)).toEqual(['bis-dpl-txt', 'bis-dpl-csv']);
      expect(usBisDpl.quietFields).toEqual(['extra.lastUpdate', 'extra.action']);
      expect(usBisDpl.expectedRecords.min).toBeLessThan(546);
      expect(usBisDpl.expectedRecords.max).toBeGreaterThan(665);
      expect(usBisDpl.schedule).toBe('rate(5 minutes)');
    });
  });
});
