import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseWith, type Parsed } from '../../helpers/parse.ts';
import { SourceFormatError } from '../../../functions/core/errors.ts';
import { bufferDocument, detectFormat, fileDocument } from '../../../functions/sources/read/document.ts';
import { cslCsvFormat } from '../../../functions/sources/formats/csl-csv.ts';
import {
  CSL_LEGACY_COLUMNS,
  cslLegacyCsvFormat,
  cslLegacyId,
} from '../../../functions/sources/formats/csl-legacy-csv.ts';
import { usTradeCsl } from '../../../functions/sources/us-trade-csl.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const FIXTURE = join(root, 'tests/fixtures/csl/legacy-2015.csv');
/** The header as the 2015 files have it: the named columns and five unnamed ones. */
const HEADER = `${CSL_LEGACY_COLUMNS.join(',')},,,,,`;

const parseFile = (path: string): Promise<Parsed> => parseWith(usTradeCsl, fileDocument(path));
const parseText = (text: string, name = 'el.csv'): Promise<Parsed> => parseWith(usTradeCsl, bufferDocument(name, text));

/** One row with the given cells and every other named cell empty (no unnamed cells, as in the real file). */
function legacyRow(cells: Partial<Record<(typeof CSL_LEGACY_COLUMNS)[number], string>>): string {
  return CSL_LEGACY_COLUMNS.map((column) => {
    const value = cells[column] ?? '';
    return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
  }).join(',');
}

const expectedId = (listKey: string, ...key: string[]): string =>
  `${listKey}:legacy:${createHash('sha256').update(key.join('\u001f')).digest('hex').slice(0, 16)}`;

describe('csl-legacy-csv (the CSL / Entity List CSV layout of 2015)', () => {
  it('is chosen by its header, and the current CSV format does not claim it', async () => {
    const document = fileDocument(FIXTURE);
    expect((await detectFormat(usTradeCsl, document)).id).toBe('csl-legacy-csv');
    const head = (await readFile(FIXTURE, 'latin1')).slice(0, 4096);
    expect(cslCsvFormat.sniff(head, 'legacy-2015.csv')).toBe(false);
    expect(cslLegacyCsvFormat.sniff(`"${HEADER.replace(/,/g, '","')}"\n`, 'el.csv')).toBe(true);
    expect(cslLegacyCsvFormat.sniff('Source List,Name\n', 'el.csv')).toBe(false);
  });

  it('groups the rows of one entry (list, name, notice, date), also when they are not adjacent', async () => {
    const { records, warnings } = await parseFile(FIXTURE);

    expect(warnings).toEqual([]);
    expect(records.map((r) => [r.list, r.name])).toEqual([
      ['Entity List', 'Korvana Trading Ltd.'],
      ['Entity List', 'Korvana Trading Ltd.'],
      ['Denied Persons List', 'Milo T. Brasken'],
      ['Specially Designated Nationals', 'ORLEN STAR'],
      ['Unverified List', 'Pelorin Instruments'],
    ]);
    const [first, second] = records;
    expect(first).toEqual({
      id: expectedId('EL', 'EL', 'Korvana Trading Ltd.', '79 FR 12345', '3/4/2014'),
      source: 'us-trade-csl',
      list: 'Entity List',
      kind: 'other',
      name: 'Korvana Trading Ltd.',
      aliases: ['Korvana HK', 'Korvana Electronics Co.'],
      countries: ['HK', 'CN'],
      addresses: [
        'Room 1203, 88 Harbour Road, Wan Chai, Hong Kong, Hong Kong',
        'No. 17 Lianhua Avenue, Shenzhen, Guangdong, 518000, China',
      ],
      programs: [],
      links: ['http://www.bis.doc.gov/entities/default.htm'],
      extra: {
        listCode: 'EL',
        federalRegisterNotice: '79 FR 12345',
        licenseRequirement: 'For all items subject to the EAR. (See §744.11 of the EAR).',
        licensePolicy: 'Presumption of denial.',
      },
      listedOn: '2014-03-04',
    });
    // Same name, a later notice: its own entry. The notice's trailing space is not part of the key.
    expect(second!.id).toBe(expectedId('EL', 'EL', 'Korvana Trading Ltd.', '80 FR 23456', '6/9/2015'));
    expect(second!.aliases).toEqual([]);
    expect(second!.addresses).toEqual(['No. 17 Lianhua Avenue, Shenzhen, China']);
    expect(second!.listedOn).toBe('2015-06-09');
  });

  it('maps Source List codes to the list names of the current CSV and reads the other cells', async () => {
    const { records } = await parseFile(FIXTURE);
    const byName = new Map(records.map((r) => [r.name, r]));

    const dpl = byName.get('Milo T. Brasken')!;
    expect(dpl.id).toMatch(/^DPL:legacy:[0-9a-f]{16}$/);
    expect(dpl).toMatchObject({
      list: 'Denied Persons List',
      kind: 'other',
      countries: ['US'],
      listedOn: '2013-01-15',
    });
    expect(dpl.extra).toMatchObject({ listCode: 'DPL', endDate: '2023-01-15', standardOrder: 'Y' });

    const vessel = byName.get('ORLEN STAR')!;
    expect(vessel).toMatchObject({
      list: 'Specially Designated Nationals',
      kind: 'vessel',
      aliases: ['ORLEN'],
      countries: ['PA'],
      programs: ['IRAN', 'SDGT'],
      addresses: [],
      remarks: 'Vessel Registration Identification IMO 9000001.',
    });
    expect(vessel.listedOn).toBeUndefined();
    expect(vessel.extra).toMatchObject({
      entityNumber: '90001',
      callSign: '9XQZ7',
      vesselType: 'Crude Oil Tanker',
      vesselFlag: 'Panama',
      vesselOwner: 'Tarsis Shipping Co.',
    });

    expect(byName.get('Pelorin Instruments')).toMatchObject({
      list: 'Unverified List',
      kind: 'organization',
      countries: ['PK'],
    });
  });

  it('gives ids that stay put across reads and cannot be a current-format id', async () => {
    const once = (await parseFile(FIXTURE)).records.map((r) => r.id);
    const again = (await parseFile(FIXTURE)).records.map((r) => r.id);
    expect(again).toEqual(once);
    expect(new Set(once).size).toBe(once.length);
    for (const id of once) expect(id).toMatch(/^[A-Z-]+:legacy:[0-9a-f]{16}$/);
    expect(cslLegacyId('EL', 'EL\u001fX\u001f1 FR 1\u001f1/1/2001')).toMatch(/^EL:legacy:[0-9a-f]{16}$/);
  });

  it('keeps the order of the addresses and aliases as the rows give them, without repeats', async () => {
    const rows = [
      legacyRow({
        'Source List': 'EL',
        Name: 'Tevrin Labs',
        Address: 'Unit 2',
        City: 'Minsk',
        Country: 'Belarus',
        'Federal Register Notice': '80 FR 1',
        'Effective Date': '1/2/2015',
        'Alternate Name': 'Tevrin',
      }),
      legacyRow({
        'Source List': 'EL',
        Name: 'Tevrin  Labs ',
        Address: 'Unit 2',
        City: 'Minsk',
        Country: 'Belarus',
        'Federal Register Notice': '80 FR 1',
        'Effective Date': '1/2/2015',
        'Alternate Name': 'Tevrin Labs',
      }),
      legacyRow({
        'Source List': 'EL',
        Name: 'Tevrin Labs',
        City: 'Brest',
        Country: 'Belarus',
        'Federal Register Notice': '80 FR 1',
        'Effective Date': '1/2/2015',
        'Alternate Name': 'Tevrin',
      }),
    ];
    const { records, warnings } = await parseText(`${HEADER}\n${rows.join('\n')}\n`);

    expect(warnings).toEqual([]);
    expect(records).toHaveLength(1);
    // The name repeated as an alternate name is not an alias.
    expect(records[0]).toMatchObject({
      name: 'Tevrin Labs',
      aliases: ['Tevrin'],
      addresses: ['Unit 2, Minsk, Belarus', 'Brest, Belarus'],
      countries: ['BY'],
    });
  });

  it('names an unknown Source List after its code, with a warning', async () => {
    const text = `${HEADER}\n${legacyRow({ 'Source List': 'XYZ', Name: 'Someone', 'Federal Register Notice': '80 FR 2', 'Effective Date': '2/2/2015' })}\n`;
    const { records, warnings } = await parseText(text);

    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ list: 'XYZ', extra: { listCode: 'XYZ' } });
    expect(records[0]!.id).toMatch(/^XYZ:legacy:/);
    expect(warnings).toEqual([expect.stringContaining('unknown CSL list "XYZ"')]);
  });

  it('skips a row without a name, with a warning', async () => {
    const text = `${HEADER}\n${legacyRow({ 'Source List': 'EL', 'Federal Register Notice': '80 FR 2' })}\n${legacyRow({ 'Source List': 'EL', Name: 'Kept' })}\n`;
    const { records, warnings } = await parseText(text);

    expect(records.map((r) => r.name)).toEqual(['Kept']);
    expect(warnings).toEqual(['row 1 without Name skipped']);
  });

  it('refuses a truncated file, a short row and an unknown SDN Type', async () => {
    const whole = await readFile(FIXTURE, 'utf8');
    await expect(parseText(whole.slice(0, whole.length - 20))).rejects.toThrow(/truncated/);
    await expect(parseText(`${HEADER}\nEL,,,,Short Row\n`)).rejects.toThrow(/row 1 has 5 cells/);
    await expect(
      parseText(`${HEADER}\n${legacyRow({ 'Source List': 'SDN', 'SDN Type': 'Spaceship', Name: 'X' })}\n`),
    ).rejects.toThrow(SourceFormatError);
    await expect(
      parseText(`${HEADER}\n${legacyRow({ 'Source List': 'SDN', 'SDN Type': 'Spaceship', Name: 'X' })}\n`),
    ).rejects.toThrow(/unknown SDN Type "Spaceship"/);
  });
});
