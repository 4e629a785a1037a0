import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceFormatError } from '../../../functions/core/errors.ts';
import { looksLikeXlsx, readXlsxRows, type XlsxRow } from '../../../functions/sources/formats/xlsx-sheet.ts';
import { bufferDocument, fileDocument } from '../../../functions/sources/read/document.ts';
import type { SourceDocument } from '../../../functions/sources/types.ts';
import { writeXlsx } from '../../helpers/xlsx.ts';
import { writeZipBomb } from '../../helpers/zip-bomb.ts';

async function rows(document: SourceDocument, chooseSheet?: (names: readonly string[]) => string | undefined) {
  const out: XlsxRow[] = [];
  for await (const row of readXlsxRows(document, { sourceId: 'test-source', chooseSheet })) out.push(row);
  return out;
}
const workbook = (parts: Record<string, string> = {}): SourceDocument =>
  bufferDocument(
    'list.xlsx',
    writeXlsx(
      {
        name: 'ユーザーリスト',
        rows: [
          ['No.', 'a & b'],
          [1, { inline: 'inline' }],
        ],
      },
      parts,
    ),
  );
const failure = (document: SourceDocument): Promise<unknown> => rows(document).catch((e: unknown) => e);

describe('readXlsxRows', () => {
  it('reads shared, inline and numeric cells by their column, leaving missing cells empty', async () => {
    const document = bufferDocument(
      'list.xlsx',
      writeXlsx({
        name: 'Sheet1',
        rows: [
          ['A', null, 'C'],
          [42, { inline: 'x <y>' }],
        ],
      }),
    );

    expect(await rows(document)).toEqual([
      { number: 1, cells: ['A', '', 'C'] },
      { number: 2, cells: ['42', 'x <y>'] },
    ]);
  });

  it('leaves phonetic runs out of shared strings, keeping the embedded newline of bilingual cells', async () => {
    const document = bufferDocument(
      'list.xlsx',
      writeXlsx({ name: 'Sheet1', rows: [[{ text: '別名\nAlso Known As', phonetic: 'ベツメイ' }]] }),
    );

    expect((await rows(document))[0]!.cells).toEqual(['別名\nAlso Known As']);
  });

  it('reads the sheet the caller chooses, and refuses a choice the workbook lacks', async () => {
    expect((await rows(workbook(), (names) => names.find((n) => n === 'ユーザーリスト')))[0]!.cells[0]).toBe('No.');
    const error = await rows(workbook(), () => 'Other').catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      'test-source: parse: list.xlsx: unknown layout: no worksheet to read among "ユーザーリスト"',
    );
  });

  it('refuses a file that is not a ZIP archive', async () => {
    const error = await failure(bufferDocument('list.xlsx', 'No.,Name\n1,x\n'));

    expect(error).toBeInstanceOf(SourceFormatError);
    expect((error as Error).message).toBe('test-source: parse: list.xlsx: not an XLSX workbook (not a ZIP archive)');
  });

  it('refuses a ZIP archive cut short', async () => {
    const bytes = writeXlsx({ name: 'Sheet1', rows: [['A'.repeat(5000)]] });
    const error = await failure(bufferDocument('list.xlsx', bytes.subarray(0, Math.floor(bytes.length * 0.7))));

    expect(error).toBeInstanceOf(SourceFormatError);
    expect((error as Error).message).toMatch(/^test-source: parse: list\.xlsx: .*(truncated|missing|corrupt)/);
  });

  it('refuses a ZIP archive that is not a workbook', async () => {
    const error = await failure(
      bufferDocument('list.xlsx', writeXlsx({ name: 'S', rows: [] }, { 'xl/workbook.xml': '<other/>' })),
    );

    expect((error as Error).message).toBe(
      'test-source: parse: list.xlsx: not an XLSX workbook: xl/workbook.xml lists no sheet',
    );
  });

  it('refuses a cell pointing at a shared string that is missing', async () => {
    const error = await failure(
      workbook({
        'xl/sharedStrings.xml':
          '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>No.</t></si></sst>',
      }),
    );

    expect((error as Error).message).toBe(
      'test-source: parse: list.xlsx: malformed worksheet: row 1 points at shared string 1, which is missing',
    );
  });

  it('refuses malformed worksheet XML, naming the part', async () => {
    const error = await failure(
      workbook({ 'xl/worksheets/sheet1.xml': '<worksheet><sheetData><row r="1"><c r="A1">' }),
    );

    expect(error).toBeInstanceOf(SourceFormatError);
    expect((error as Error).message).toMatch(/^test-source: parse: list\.xlsx: malformed XML in the worksheet/);
  });

  it('never expands entities declared in a DTD', async () => {
    const error = await failure(
      workbook({
        'xl/sharedStrings.xml':
          '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY x SYSTEM "file:///etc/passwd">]><sst><si><t>&x;</t></si><si><t>b</t></si></sst>',
      }),
    );

    expect(error).toBeInstanceOf(SourceFormatError);
    expect((error as Error).message).not.toMatch(/root:/);
  });
});

describe('readXlsxRows on a zip bomb', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tradewatch-xlsx-bomb-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a worksheet that inflates more than 100 times, before holding it', async () => {
    const path = join(dir, 'bomb.xlsx');
    await writeZipBomb(path, {
      entryName: 'xl/worksheets/sheet1.xml',
      head: '<worksheet><sheetData>',
      unit: ' ',
      inflatedBytes: 64 * 1024 * 1024,
      tail: '</sheetData></worksheet>',
    });

    const error = await failure(fileDocument(path));

    expect(error).toBeInstanceOf(SourceFormatError);
    expect((error as Error).message).toMatch(
      /^test-source: parse: bomb\.xlsx: refused ZIP entry xl\/worksheets\/sheet1\.xml: it inflates more than 100 times \(\d+ bytes from \d+\), a zip bomb$/,
    );
  }, 30_000);
});

describe('looksLikeXlsx', () => {
  it('claims a ZIP named .xlsx or starting with [Content_Types].xml, nothing else', () => {
    const zip = writeXlsx({ name: 'S', rows: [] }).toString('latin1');

    expect(looksLikeXlsx(zip, 'list.xlsx')).toBe(true);
    expect(looksLikeXlsx(zip, 'download')).toBe(true);
    expect(looksLikeXlsx('No.,Name', 'list.xlsx')).toBe(false);
    expect(looksLikeXlsx(`PK\u0003\u0004${'\0'.repeat(22)}\u0007\u0000\u0000\u0000SDN.XML`, 'x.zip')).toBe(false);
  });
});
