import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffFiles } from '../../../functions/cli/diff.ts';
import { SourceFormatError } from '../../../functions/core/errors.ts';
import { auDfat } from '../../../functions/sources/au-dfat.ts';
import { citizenshipCodes, excelDate } from '../../../functions/sources/formats/au-dfat-xlsx.ts';
import { bufferDocument } from '../../../functions/sources/read/document.ts';
import { HEADER_2026, ROWS_2024, ROWS_2026 } from '../../fixtures/au-dfat/consolidated-list.ts';
import { byId, parseWith, type Parsed } from '../../helpers/parse.ts';
import { writeXlsx, type XlsxCell } from '../../helpers/xlsx.ts';
import { addedEventTopics } from '../../helpers/event-topics.ts';

const OLD_NAME = 'regulation8_consolidated.xlsx';
const NEW_NAME = 'Australian_Sanctions_Consolidated_List.xlsx';
const parseRows = (rows: XlsxCell[][], name = NEW_NAME, sheet = 'Consolidated List'): Promise<Parsed> =>
  parseWith(auDfat, bufferDocument(name, writeXlsx({ name: sheet, rows })));

describe('auDfat on the 12-column layout (2024)', () => {
  it('groups the name rows by the number their Reference starts with, trailing spaces and all', async () => {
    const { records, warnings } = await parseRows(ROWS_2024, OLD_NAME, 'Sheet1');

    expect(warnings).toEqual([]);
    expect(records.map((r) => r.id)).toEqual(['2', '34', '1140', '7293']);
    const ivan = byId(records).get('1140')!;
    expect(ivan.extra.references).toEqual(['1140', '1140g']);
    expect(ivan.name).toBe('IVAN TESTOV');
    expect(ivan.aliases).toEqual(['Ivan Testoff']);
  });

  it('reads Name Type and Type in any spelling and case', async () => {
    const records = byId((await parseRows(ROWS_2024, OLD_NAME, 'Sheet1')).records);

    const akhundov = records.get('2')!;
    expect(akhundov.kind).toBe('person');
    expect(akhundov.aliases).toEqual(['T. Akhundov', 'ت. آخوندوف']);
    expect(akhundov.extra.originalScriptNames).toEqual(['ت. آخوندوف']);
    const trading = records.get('34')!;
    expect(trading.kind).toBe('organization');
    expect(trading.extra.formerNames).toEqual(['Example Trading Limited Liability Company']);
  });

  it('turns Excel serial dates into ISO dates and keeps text and years typed as numbers as written', async () => {
    const records = byId((await parseRows(ROWS_2024, OLD_NAME, 'Sheet1')).records);

    expect(records.get('1140')!.extra.datesOfBirth).toEqual(['1967-01-01', '1958']);
    expect(records.get('2')!.extra.datesOfBirth).toEqual(['Approximately 1963']);
    expect(records.get('2')!.extra.controlDate).toBe('2014-12-15');
  });

  it('reads countries from Citizenship (names, demonyms, lists), trims Committees and leaves "NA" addresses out', async () => {
    const records = byId((await parseRows(ROWS_2024, OLD_NAME, 'Sheet1')).records);

    expect(records.get('1140')!.countries.sort()).toEqual(['RU', 'UA']);
    expect(records.get('1140')!.topics).toBeUndefined();
    expect(addedEventTopics(auDfat, records.get('1140')!)).toEqual(['russia', 'sanctions']);
    expect(records.get('1140')!.addresses).toEqual([]);
    expect(records.get('2')!.countries).toEqual(['AF']);
    expect(records.get('2')!.programs).toEqual(['1988 (Taliban)']);
  });
});

describe('auDfat on the 19-column layout (2026)', () => {
  it('keeps a designation with two Primary Name rows, named from its base row, with a warning', async () => {
    const { records, warnings } = await parseRows(ROWS_2026);

    const center = byId(records).get('8686')!;
    expect(center.name).toBe('Example Center for Unmanned Technologies');
    expect(center.aliases).toEqual(['Example Unit']);
    expect(warnings).toContain(
      'Reference 8686 has 2 Primary Name rows: named "Example Center for Unmanned Technologies", the others read as aliases',
    );
  });

  it('keeps a designation without a Primary Name row, named from its base row, with a warning', async () => {
    const { records, warnings } = await parseRows(ROWS_2026);

    expect(byId(records).get('8720')!.name).toBe('Акционерное общество Экзи Банк');
    expect(warnings).toContain(
      'Reference 8720 has no Primary Name row: named "Акционерное общество Экзи Банк" from its first row',
    );
  });

  it('takes the Type of a designation from its other rows when one row has none', async () => {
    const { records, warnings } = await parseRows(ROWS_2026);

    expect(byId(records).get('3621')!.kind).toBe('organization');
    expect(warnings.filter((w) => w.includes('3621'))).toEqual([]);
  });

  it('reads the measures, the IMO number, the instrument and weak aliases', async () => {
    const records = byId((await parseRows(ROWS_2026)).records);

    const ship = records.get('8227')!;
    expect(ship.kind).toBe('vessel');
    expect(ship.extra.imoNumbers).toEqual(['9288693']);
    expect(ship.extra.measures).toEqual(['Maritime Restriction']);
    expect(ship.extra.controlDate).toBe('2025-06-18');
    const akhundov = records.get('2')!;
    expect(akhundov.extra.measures).toEqual(['Targeted Financial Sanction', 'Travel Ban', 'Arms Embargo']);
    expect(akhundov.extra.weakAliases).toEqual(['T. Akhundov']);
    expect(akhundov.extra.instruments).toEqual([
      'Charter of the United Nations (Sanctions—the Taliban) Regulation 2013',
    ]);
  });
});

describe('auDfat diff from the 12-column to the 19-column layout', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tradewatch-au-dfat-'));
    await writeFile(join(dir, OLD_NAME), writeXlsx({ name: 'Sheet1', rows: ROWS_2024 }));
    await writeFile(join(dir, NEW_NAME), writeXlsx({ name: 'Consolidated List', rows: ROWS_2026 }));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reports additions and removals by base reference and a case-only rename as a modification', async () => {
    const diff = await diffFiles(auDfat, join(dir, OLD_NAME), join(dir, NEW_NAME), false);

    const ids = (type: string): string[] => diff.changes.filter((c) => c.type === type).map((c) => c.id);
    expect(ids('added').sort()).toEqual(['3621', '8227', '8686', '8720']);
    expect(ids('removed')).toEqual(['7293']);
    expect(ids('modified')).toContain('2');
    const renamed = diff.changes.find((c) => c.id === '2')!;
    expect(renamed.fields!.find((f) => f.field === 'name')).toMatchObject({
      old: 'TESTNAME AKHUNDOV',
      new: 'Testname Akhundov',
    });
  });
});

describe('auDfat refuses what is not the Consolidated List', () => {
  it('refuses a workbook whose header lacks the register columns, naming them', async () => {
    const error = await parseRows([
      ['Reference', 'Name'],
      ['1', 'X'],
    ]).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SourceFormatError);
    expect((error as Error).message).toMatch(
      /^au-dfat: parse: .*unknown layout: the first row lacks Name of Individual or Entity, Type, Name Type/,
    );
  });

  it('refuses a workbook with the header and no designation', async () => {
    const error = await parseRows([HEADER_2026]).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SourceFormatError);
  });

  it('refuses an HTML error page served under the file name', async () => {
    const error = await parseWith(
      auDfat,
      bufferDocument(NEW_NAME, '<!DOCTYPE html><html><title>Not found</title>'),
    ).catch((e: unknown) => e);

    expect((error as Error).message).toMatch(/is an HTML page/);
  });
});

describe('excelDate', () => {
  it.each([
    ['41988', '2014-12-15'],
    ['1958', '1958'],
    ['Approximately 1963', 'Approximately 1963'],
    ['', ''],
  ])('reads %j as %j', (value, expected) => {
    expect(excelDate(value)).toBe(expected);
  });
});

describe('citizenshipCodes', () => {
  it.each([
    ['Russia, Ukraine', ['RU', 'UA']],
    ['Iranian', ['IR']],
    ['Somalia: Sweden', ['SO', 'SE']],
    ['Trinidad and Tobago', ['TT']],
    ['NA', []],
  ])('reads %j as %j', (cell, codes) => {
    expect(citizenshipCodes(cell)).toEqual(codes);
  });
});
