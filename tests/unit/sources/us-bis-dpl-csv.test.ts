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
import {
  normalizeHeaderName,
  sniffDplCsv,
  splitNameAndAddress,
} from '../../../functions/sources/formats/bis-dpl-csv.ts';
import {
  dplCsvFormat,
  dplTextFormat,
  padUsDate,
  standardOrderOf,
  usBisDpl,
} from '../../../functions/sources/us-bis-dpl.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const fixture = (name: string): string => join(root, 'tests/fixtures/bis-dpl', name);
const demo = (version: number): string => join(root, 'demo/us-bis-dpl', String(version), 'dpl.txt');

const parseFile = (path: string): Promise<Parsed> => parseWith(usBisDpl, fileDocument(path));
const parseText = (text: string, name = 'dpl_01012026.csv'): Promise<Parsed> =>
  parseWith(usBisDpl, bufferDocument(name, text));

const CSV_HEADER =
  'Name_and_Address,Effective_Date,Expiration_Date,Appropriate Federal Register Citations,Type of Denial';
const csvLine = (cells: readonly string[]): string =>
  cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');
const exportCsv = (...rows: string[][]): string => [CSV_HEADER, ...rows.map(csvLine)].join('\r\n') + '\r\n';

const TSV_HEADER = [
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
const quoted = (cells: readonly string[]): string => cells.map((c) => `"${c.replace(/"/g, '""')}"`).join('\t');
const dplTxt = (...rows: string[][]): string => [quoted(TSV_HEADER), ...rows.map(quoted)].join('\n') + '\n';

/** The id recipe written out independently of the parser: SHA-256 of name, street and city. */
function expectedId(name: string, street: string, city: string): string {
  return createHash('sha256').update([name, street, city].join('\t')).digest('hex').slice(0, 16);
}

/** A record without the two dpl.txt cells the export lacks. */
function withoutTxtOnlyCells(record: RegisterRecord): RegisterRecord {
  const { lastUpdate: _lastUpdate, action: _action, ...extra } = record.extra;
  return { ...record, extra };
}

describe('usBisDpl on the bis.gov export (bis-dpl-csv)', () => {
  describe('the same parties as dpl.txt', () => {
    it('gives the five parties of demo version 3 the ids and records the dpl.txt reader gives them', async () => {
      const [txt, csv] = await Promise.all([parseFile(demo(3)), parseFile(fixture('dpl_03122026.csv'))]);

      expect(csv.records.slice(0, 5)).toEqual(txt.records.map(withoutTxtOnlyCells));
      expect(csv.records.slice(0, 5).map((r) => r.id)).toEqual([
        '36ba634db389f128',
        '2f6a52eb1437ef51',
        'c6f544cbdcaf013d',
        '689963d321e5162a',
        txt.records[4]!.id,
      ]);
    });

    it('gives the same ids as the dpl.txt reader to parties whose name, street or city hold commas', async () => {
      const row = (
        name: string,
        street: string,
        city: string,
        state: string,
        country: string,
        postal: string,
      ): string[] => [name, street, city, state, country, postal, '01/02/2020', '', 'Y', '2020-01-05', '', ''];
      const txt = await parseText(
        dplTxt(
          row('BRAMBLE OPTICS, INC.', '2200 QUARRY ROAD, SUITE 4', 'BOULDER', 'CO', '', '80301'),
          row(
            'TOBIAS R. ELLERY, JR.',
            'UPON THE DATE OF THE ORDER INCARCERATED AT USM NO: 12345-678, FCI ELKTON, P.O. BOX 10',
            'LISBON',
            'OH',
            '',
            '44432',
          ),
          row('HALVARD MARINE (NORDIC TRADING, LTD.)', '9 KAIGATA', 'BERGEN', '', 'NO', '5003'),
          row('QUILLON SYSTEMS', '', 'GRIMSBY, LINCOLNSHIRE', '', 'GB', ''),
          row('DMITRI "DIMA" VOLKOV', '12 NAB. OBVODNOGO KANALA', 'SAINT PETERSBURG', '', 'RU', '190005'),
          row('ZARVAN INDUSTRIAL SUPPLY CO.', 'UNIT 5, 88 HONG KONG STREET', 'HONG KONG', '', 'HK', ''),
        ),
        'dpl.txt',
      );
      const csv = byId((await parseFile(fixture('dpl_03122026.csv'))).records);

      expect(txt.records).toHaveLength(6);
      for (const record of txt.records) expect(csv.get(record.id)?.name).toBe(record.name);
      expect(txt.records.map((r) => r.id)).toEqual([
        expectedId('BRAMBLE OPTICS, INC.', '2200 QUARRY ROAD, SUITE 4', 'BOULDER'),
        expectedId(
          'TOBIAS R. ELLERY, JR.',
          'UPON THE DATE OF THE ORDER INCARCERATED AT USM NO: 12345-678, FCI ELKTON, P.O. BOX 10',
          'LISBON',
        ),
        expectedId('HALVARD MARINE (NORDIC TRADING, LTD.)', '9 KAIGATA', 'BERGEN'),
        expectedId('QUILLON SYSTEMS', '', 'GRIMSBY, LINCOLNSHIRE'),
        expectedId('DMITRI "DIMA" VOLKOV', '12 NAB. OBVODNOGO KANALA', 'SAINT PETERSBURG'),
        expectedId('ZARVAN INDUSTRIAL SUPPLY CO.', 'UNIT 5, 88 HONG KONG STREET', 'HONG KONG'),
      ]);
    });

    it('reads dpl.txt of version 3 → the export as no alerted change: only the cells the export lacks go', async () => {
      const diff = await diffFiles(usBisDpl, demo(3), fixture('dpl_03122026.csv'), false);
      const modified = diff.changes.filter((c) => c.type === 'modified');

      expect(diff.changes.filter((c) => c.type === 'removed')).toEqual([]);
      expect(modified).toHaveLength(5);
      for (const change of modified)
        expect(change.fields?.every((f) => usBisDpl.quietFields?.includes(f.field))).toBe(true);
    });
  });

  describe('records', () => {
    it('maps each row: padded dates, Standard_Order from the type of denial, no country in a US address', async () => {
      const { records } = await parseFile(fixture('dpl_03122026.csv'));
      const byName = new Map(records.map((r) => [r.name, r]));

      expect(byName.get('BRAMBLE OPTICS, INC.')).toEqual({
        id: expectedId('BRAMBLE OPTICS, INC.', '2200 QUARRY ROAD, SUITE 4', 'BOULDER'),
        source: 'us-bis-dpl',
        list: 'Denied Persons List',
        kind: 'other',
        name: 'BRAMBLE OPTICS, INC.',
        aliases: [],
        countries: ['US'],
        addresses: ['2200 QUARRY ROAD, SUITE 4, BOULDER, CO, 80301'],
        programs: [],
        links: [],
        extra: {
          effectiveDate: '07/09/2019',
          expirationDate: '07/09/2029',
          standardOrder: 'Y',
          frCitation: '84 F.R. 33901 7/15/2019, 85 F.R. 1001 1/2/2020',
        },
        listedOn: '2019-07-09',
      });
      expect(byName.get('KESTREL AERO PARTS LTD')?.extra.standardOrder).toBe('N');
      expect(byName.get('HALVARD MARINE (NORDIC TRADING, LTD.)')).toMatchObject({
        countries: ['NO'],
        addresses: ['9 KAIGATA, BERGEN, 5003, NO'],
      });
      expect(byName.get('QUILLON SYSTEMS')).toMatchObject({
        countries: ['GB'],
        addresses: ['GRIMSBY, LINCOLNSHIRE, GB'],
        extra: { effectiveDate: '12/14/1984' },
      });
      expect(byName.get('QUILLON SYSTEMS')?.extra).not.toHaveProperty('expirationDate');
      expect(byName.get('MARISOL Q. DELACROIX-WEBB')).toMatchObject({
        aliases: ['MARISOL WEBB'],
        addresses: ['INMATE NUMBER: 99001-001, FCI DUBLIN, 5701 8TH STREET, DUBLIN, CA, 94568-1002'],
      });
    });

    it('keeps bad dates raw (only the leading zeros put back), with a warning and no listedOn', async () => {
      const { records, warnings } = await parseFile(fixture('dpl_03122026.csv'));
      const byName = new Map(records.map((r) => [r.name, r]));

      expect(byName.get('DMITRI "DIMA" VOLKOV')?.extra).toEqual({
        effectiveDate: '08/22/3017',
        expirationDate: '08/22/2027',
        frCitation: '82 F.R. 40002 8/25/2017',
      });
      expect(byName.get('DMITRI "DIMA" VOLKOV')).not.toHaveProperty('listedOn');
      expect(byName.get('NADIA OKONJO-VALE')?.extra.effectiveDate).toBe('13/45/2019');
      expect(byName.get('NADIA OKONJO-VALE')).not.toHaveProperty('listedOn');
      expect(warnings).toEqual([
        'row 10 (DMITRI "DIMA" VOLKOV): Effective_Date "08/22/3017" is not a plausible date; kept as written in extra.effectiveDate, no listedOn',
        'row 11 (NADIA OKONJO-VALE): Effective_Date "13/45/2019" is not a plausible date; kept as written in extra.effectiveDate, no listedOn',
      ]);
    });

    it('pads m/d/yyyy and keeps anything else as written; maps Standard / Non-Standard to Y / N', () => {
      expect(padUsDate('6/9/2003')).toBe('06/09/2003');
      expect(padUsDate('06/19/2003')).toBe('06/19/2003');
      expect(padUsDate('8/22/3017')).toBe('08/22/3017');
      expect(padUsDate('2017-08-22')).toBe('2017-08-22');
      expect(padUsDate('')).toBe('');
      expect(standardOrderOf('Standard')).toBe('Y');
      expect(standardOrderOf(' non-standard ')).toBe('N');
      expect(standardOrderOf('Non Standard')).toBe('N');
      expect(standardOrderOf('')).toBe('');
      expect(standardOrderOf('Temporary')).toBe('Temporary');
    });

    it('keeps a repeated row under one id, as a duplicate the diff reports', async () => {
      const row = [
        'NEI-LIN CHOU, 1132 HERON LANE, CHERRY HILL, NJ, US, 08003',
        '6/23/2006',
        '06/23/2026',
        '71 F.R. 38363 7/6/06',
        'Standard',
      ];
      const { records } = await parseText(exportCsv(row, row));

      expect(records).toHaveLength(2);
      expect(records[0]!.id).toBe(records[1]!.id);
    });
  });

  describe('splitting Name_and_Address', () => {
    it('takes State, Country and Postal_Code from the right and the city as the last part before them', () => {
      expect(splitNameAndAddress('JONAS T. FERRICK, 418 CEDAR MILL LANE, FORT WAYNE, IN, US, 46802')).toEqual({
        name: 'JONAS T. FERRICK',
        street: '418 CEDAR MILL LANE',
        city: 'FORT WAYNE',
        state: 'IN',
        country: 'US',
        postalCode: '46802',
      });
      expect(splitNameAndAddress('A, 1 ST, SUITE 2, FLOOR 3, TOWN, , FR, ')).toMatchObject({
        name: 'A',
        street: '1 ST, SUITE 2, FLOOR 3',
        city: 'TOWN',
        state: '',
        country: 'FR',
        postalCode: '',
      });
    });

    it('keeps a legal form, a generational suffix and a parenthesis with a comma in the name', () => {
      expect(splitNameAndAddress('SHUTTLE LONG CO, LTD., 19 DES VOEUX ROAD, HONG KONG, , CN, ')).toMatchObject({
        name: 'SHUTTLE LONG CO, LTD.',
        street: '19 DES VOEUX ROAD',
      });
      expect(splitNameAndAddress('ABEL HERNANDEZ, JR., 1 ST, TOWN, TX, US, 77001')).toMatchObject({
        name: 'ABEL HERNANDEZ, JR.',
        street: '1 ST',
      });
      expect(
        splitNameAndAddress('SOCCER ZONE (MNC GROUP, INC.), 3334 WALNUT LANE, HOUSTON, TX, US, 77042'),
      ).toMatchObject({ name: 'SOCCER ZONE (MNC GROUP, INC.)', street: '3334 WALNUT LANE' });
      // The suffix rule never eats the street or the city: two parts stay after the name.
      expect(splitNameAndAddress('ACME, INC, LTD, , US, ')).toMatchObject({ name: 'ACME', street: 'INC', city: 'LTD' });
    });

    it('gives an empty street and the rest as the city when the part after the name is empty', () => {
      expect(splitNameAndAddress('QUILLON SYSTEMS, , GRIMSBY, LINCOLNSHIRE, , GB, ')).toMatchObject({
        name: 'QUILLON SYSTEMS',
        street: '',
        city: 'GRIMSBY, LINCOLNSHIRE',
      });
    });

    it('cannot tell a "SURNAME, GIVEN NAME" name or a city with a region from a longer street (the documented limit)', () => {
      expect(splitNameAndAddress('JIN, ZHONGDA, 1895 DOBBIN DRIVE, SAN JOSE, CA, US, 95133')).toMatchObject({
        name: 'JIN',
        street: 'ZHONGDA, 1895 DOBBIN DRIVE',
        city: 'SAN JOSE',
      });
      expect(splitNameAndAddress('A. YOUSEF, 24 HERON COURT, KING CITY, ONTARIO, , CA, ')).toMatchObject({
        street: '24 HERON COURT, KING CITY',
        city: 'ONTARIO',
      });
    });

    it('gives undefined for fewer than six parts', () => {
      expect(splitNameAndAddress('A, 1 ST, TOWN, TX, US')).toBeUndefined();
      expect(splitNameAndAddress('A')).toBeUndefined();
    });
  });

  describe('header', () => {
    it('matches header names case-insensitively, spaces and underscores alike, in any order, ignoring extra columns', async () => {
      const text =
        [
          'NAME AND ADDRESS,EXTRA COLUMN,appropriate_federal_register_citations,type of denial,Effective Date,expiration_date',
          '"JONAS T. FERRICK, 418 CEDAR MILL LANE, FORT WAYNE, IN, US, 46802",ignored,"87 F.R. 1, 2",Standard,2/24/2022,02/24/2032',
        ].join('\r\n') + '\r\n';
      const { records, warnings } = await parseWith(usBisDpl, bufferDocument('dpl.csv', text));

      expect(records.map((r) => [r.id, r.extra.frCitation, r.extra.standardOrder])).toEqual([
        ['36ba634db389f128', '87 F.R. 1, 2', 'Y'],
      ]);
      expect(warnings).toEqual(['columns not read: EXTRA COLUMN']);
      expect(normalizeHeaderName('\uFEFF Appropriate  Federal_Register Citations ')).toBe(
        'appropriate_federal_register_citations',
      );
    });

    it('refuses a header that lacks a column, naming it', async () => {
      const text =
        'Name_and_Address,Effective_Date,Expiratin_Date,Appropriate Federal Register Citations,Type of Denial\r\n"A, 1 ST, X, , CN, ",1/2/2020,,85 F.R. 1,Standard\r\n';

      await expect(parseText(text)).rejects.toThrow(SourceFormatError);
      await expect(parseText(text)).rejects.toThrow(
        /^us-bis-dpl: parse: dpl_01012026\.csv: unknown layout: header lacks expiration_date \(header: /,
      );
    });

    it('is told apart from dpl.txt by its header, BOM or not', async () => {
      expect(sniffDplCsv(CSV_HEADER)).toBe(true);
      expect(sniffDplCsv(`\uFEFF${CSV_HEADER}`)).toBe(true);
      expect(sniffDplCsv('"Name_and_Address","Effective_Date"')).toBe(true);
      expect(sniffDplCsv(quoted(TSV_HEADER))).toBe(false);
      expect(sniffDplCsv('Name,Street_Address,City')).toBe(false);
      expect(dplTextFormat.sniff(CSV_HEADER, 'dpl.csv')).toBe(false);
      await expect(detectFormat(usBisDpl, fileDocument(fixture('dpl_03122026.csv')))).resolves.toBe(dplCsvFormat);
      await expect(detectFormat(usBisDpl, fileDocument(demo(3)))).resolves.toBe(dplTextFormat);
    });
  });

  describe('refused documents', () => {
    it('refuses a row whose Name_and_Address is not six parts, rather than dropping the party', async () => {
      const text = exportCsv(
        ['JONAS T. FERRICK, 418 CEDAR MILL LANE, FORT WAYNE, IN, US, 46802', '2/24/2022', '', '', 'Standard'],
        ['LONE NAME', '1/2/2020', '', '', 'Standard'],
      );

      await expect(parseText(text)).rejects.toThrow(
        /^us-bis-dpl: parse: dpl_01012026\.csv: row 2: Name_and_Address "LONE NAME" is not the six comma-separated parts/,
      );
    });

    it('refuses a file cut inside a row, and a row with a cell missing', async () => {
      const whole = await readFile(fixture('dpl_03122026.csv'), 'utf8');

      await expect(parseText(whole.slice(0, whole.indexOf('KESTREL AERO PARTS LTD, OFFICE 3') + 20))).rejects.toThrow(
        /^us-bis-dpl: parse: dpl_01012026\.csv: truncated or malformed/,
      );
      await expect(parseText(whole.slice(0, -30))).rejects.toThrow(/^us-bis-dpl: parse: dpl_01012026\.csv: truncated/);
      await expect(parseText(`${CSV_HEADER}\r\n"A, 1 ST, X, , CN, ",1/2/2020,,Standard\r\n`)).rejects.toThrow(
        /row 1 has 4 cells, the header 5/,
      );
    });

    it('refuses an HTML page, an empty file and a header alone', async () => {
      await expect(
        parseText('<!DOCTYPE html><html><head><title>Bureau of Industry and Security</title></head></html>'),
      ).rejects.toThrow(/^us-bis-dpl: parse: dpl_01012026\.csv is an HTML page/);
      await expect(parseText('')).rejects.toThrow(/is empty/);
      await expect(parseText(exportCsv())).rejects.toThrow(/holds no records/);
    });
  });

  describe('successive exports', () => {
    it('shows the renewal as a modification, the delisting and the new listing', async () => {
      const diff = await diffFiles(usBisDpl, fixture('dpl_03122026.csv'), fixture('dpl_04022026.csv'), false);

      expect(diff.changes.map((c) => [c.type, c.name])).toEqual([
        ['added', 'ORSOLYA BENEDEK-HART'],
        ['modified', 'KESTREL AERO PARTS LTD'],
        ['removed', 'NADIA OKONJO-VALE'],
      ]);
      const renewal = diff.changes.find((c) => c.type === 'modified')!;
      expect(renewal.id).toBe('2f6a52eb1437ef51');
      expect(renewal.fields?.find((f) => f.field === 'listedOn')).toMatchObject({
        old: '2024-11-20',
        new: '2026-05-18',
      });
    });
  });
});
