import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SourceFormatError } from '../../../functions/core/errors.ts';
import {
  entryId,
  japaneseDate,
  readRevisionsPage,
  splitAliases,
  tightenWidePunctuation,
  wmdCodes,
} from '../../../functions/sources/formats/jp-meti-common.ts';
import { jpMetiForeignUserList } from '../../../functions/sources/jp-meti-foreign-user-list.ts';
import { bufferDocument, fileDocument } from '../../../functions/sources/read/document.ts';
import type { SourceDocument } from '../../../functions/sources/types.ts';
import { byId, parseWith, type Parsed } from '../../helpers/parse.ts';
import { writePdf, type PdfPiece } from '../../helpers/pdf.ts';
import { writeXlsx, type XlsxCell } from '../../helpers/xlsx.ts';
import { addedEventTopics } from '../../helpers/event-topics.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const PAGE_PATH = join(root, 'tests/fixtures/jp-meti/law09-2.html');
const withPage = (): Map<string, SourceDocument> => new Map([['law09-2.html', fileDocument(PAGE_PATH)]]);

/** The XLSX header as METI writes it: bilingual cells, the Japanese with phonetic runs. */
const HEADER: XlsxCell[] = [
  'No.',
  { text: '国名、地域名\nCountry or Region', phonetic: 'コクメイ' },
  { text: '企業名､組織名\nCompany or Organization', phonetic: 'キギョウメイ' },
  { text: '別名\nAlso Known As', phonetic: 'ベツメイ' },
  { text: '懸念区分\nType of WMD', phonetic: 'ケネン' },
  { text: '通常兵器\nConventional Weapons', phonetic: 'ツウジョウヘイキ' },
];
const UAE = 'アラブ首長国連邦\nUnited Arab Emirates';
const IRAN = 'イラン\nIslamic Republic of Iran';
const CHINA = "中国\nPeople's Republic of China";

/** The 2025-09-29 layout, invented entries with the real quirks. */
const ROWS_SEPTEMBER: XlsxCell[][] = [
  HEADER,
  [1, UAE, 'Example General Trading LLC', '・Example Trading LLC\n・EGT', 'ミサイル\nM', ''],
  [2, UAE, 'Delta Example Concern FZE （DEC）', '', '核\nＮ', '通常兵器\nCW'],
  [3, IRAN, 'Example Aviation Industries', '・EAI \n・Example Aviation', 'ミサイル、核\nM、N', '通常兵器\nCW'],
  [4, IRAN, 'Example Missile Group', '', 'ミサイルM', ''],
  [5, CHINA, 'Example Chip Technology Co., Ltd. 例子芯片技术有限公司', '', '生物、化学、ミサイル、核\nB,C,M,N', ''],
];
/** The next revision: one entry added at the top, so every number moves; one name re-spaced. */
const ROWS_NEXT: XlsxCell[][] = [
  HEADER,
  [1, UAE, 'Added Electronics Trading LLC', '', 'ミサイル\nM', ''],
  [2, UAE, 'Example General Trading LLC', '・Example Trading LLC\n・EGT', 'ミサイル\nM', ''],
  [3, UAE, 'Delta Example Concern FZE (DEC)', '', '核\nN', '通常兵器\nCW'],
  [4, IRAN, 'EXAMPLE AVIATION INDUSTRIES', '・EAI\n・Example Aviation', 'ミサイル、核\nM,N', '通常兵器\nCW'],
  [5, CHINA, 'Example Chip Technology Co., Ltd. 例子芯片技术有限公司', '', '生物、化学、ミサイル、核\nB,C,M,N', ''],
];

const xlsx = (rows: XlsxCell[][], name = '20250929_4.xlsx'): SourceDocument =>
  bufferDocument(name, writeXlsx({ name: 'ユーザーリスト', rows }));
const parseXlsx = (rows: XlsxCell[][], name?: string, companions = withPage()): Promise<Parsed> =>
  parseWith(jpMetiForeignUserList, xlsx(rows, name), companions);

describe('jpMetiForeignUserList on the XLSX layout', () => {
  it('reads each row as a record: the company, its aliases, country, WMD codes and conventional weapons', async () => {
    const { records, warnings } = await parseXlsx(ROWS_SEPTEMBER);

    expect(warnings).toEqual([]);
    expect(records).toHaveLength(5);
    expect(records[2]).toMatchObject({
      id: 'IR-example-aviation-industries',
      name: 'Example Aviation Industries',
      aliases: ['EAI', 'Example Aviation'],
      countries: ['IR'],
      programs: ['Missiles', 'Nuclear weapons', 'Conventional weapons'],
      extra: {
        number: '3',
        countryJapanese: 'イラン',
        countryEnglish: 'Islamic Republic of Iran',
        wmdCodes: ['M', 'N'],
      },
    });
    expect(records[2]!.topics).toBeUndefined();
    expect(addedEventTopics(jpMetiForeignUserList, records[2]!)).toEqual(['export-controls', 'iran']);
    expect(records[2]!.extra.conventionalWeapons).toBe('CW');
  });

  it('reads WMD codes separated by "," or "、", full-width, or glued to the Japanese', async () => {
    const records = (await parseXlsx(ROWS_SEPTEMBER)).records;

    expect(records.map((r) => r.extra.wmdCodes)).toEqual([['M'], ['N'], ['M', 'N'], ['M'], ['B', 'C', 'M', 'N']]);
  });

  it('never lets the header cells phonetic runs into the record (the header is found by its English half)', async () => {
    const { records } = await parseXlsx(ROWS_SEPTEMBER);

    expect(JSON.stringify(records)).not.toMatch(/ベツメイ|ケネン|コクメイ/);
  });

  it('carries the revision published on the date in the file name and the day it applies from', async () => {
    const { records } = await parseXlsx(ROWS_SEPTEMBER);

    expect(records[0]!.extra).toMatchObject({ revisionPublished: '2025-09-29', effectiveFrom: '2025-10-09' });
  });

  it('without the revisions page, keeps the file name date and warns that the effective date is unknown', async () => {
    const { records, warnings } = await parseXlsx(ROWS_SEPTEMBER, undefined, new Map());

    expect(records[0]!.extra.revisionPublished).toBe('2025-09-29');
    expect(records[0]!.extra.effectiveFrom).toBeUndefined();
    expect(warnings).toEqual(['law09-2.html not read beside 20250929_4.xlsx: the effective date is unknown']);
  });

  it('keeps every id when the list is renumbered and names are re-cased or re-spaced; a new entry is new', async () => {
    const before = byId((await parseXlsx(ROWS_SEPTEMBER)).records);
    const after = byId((await parseXlsx(ROWS_NEXT, '20260315_4.xlsx')).records);

    const kept = [...after.keys()].filter((id) => before.has(id));
    expect(kept.sort()).toEqual([
      'AE-delta-example-concern-fze-dec',
      'AE-example-general-trading-llc',
      'CN-example-chip-technology-co-ltd-例子芯片技术有限公司',
      'IR-example-aviation-industries',
    ]);
    expect([...after.keys()].filter((id) => !before.has(id))).toEqual(['AE-added-electronics-trading-llc']);
    expect([...before.keys()].filter((id) => !after.has(id))).toEqual(['IR-example-missile-group']);
    expect(after.get('AE-example-general-trading-llc')!.extra.number).toBe('2');
  });

  it('skips a second entry with the same id, with a warning', async () => {
    const { records, warnings } = await parseXlsx([
      ...ROWS_SEPTEMBER,
      [6, UAE, 'EXAMPLE GENERAL TRADING LLC', '', 'ミサイル\nM', ''],
    ]);

    expect(records).toHaveLength(5);
    expect(warnings).toEqual(['row 7 (No. 6) repeats "EXAMPLE GENERAL TRADING LLC" (AE): the second entry is skipped']);
  });

  it('refuses a workbook without the list columns', async () => {
    const error = await parseXlsx([
      ['No.', 'Name'],
      [1, 'x'],
    ]).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SourceFormatError);
    expect((error as Error).message).toBe(
      'jp-meti-foreign-user-list: parse: 20250929_4.xlsx: unknown layout: the first row lacks the columns country, name, aliases, wmd',
    );
  });
});

/** One PDF row as Excel prints it: number, country (two lines), company, aliases, WMD. */
function pdfRow(
  y: number,
  number: number,
  country: [string, string],
  name: string[],
  aliases: string[],
  wmd: [string, string],
): PdfPiece[] {
  return [
    { x: 39, y, text: String(number) },
    { x: 86, y: y + 4, text: country[0] },
    { x: 62, y: y - 3, text: country[1] },
    ...name.map((text, i) => ({ x: 137, y: y - 7 * i, text })),
    ...aliases.map((text, i) => ({ x: 321, y: y + 7 - 7 * i, text })),
    { x: 521, y: y + 4, text: wmd[0] },
    { x: 531, y: y - 3, text: wmd[1] },
  ];
}
const PDF_HEADER: PdfPiece[] = [
  { x: 38, y: 787, text: 'No.' },
  { x: 69, y: 783, text: 'Country or Region' },
  { x: 192, y: 783, text: 'Company or Organization' },
  { x: 390, y: 783, text: 'Also Known As' },
  { x: 514, y: 783, text: 'Type of WMD' },
];

describe('jpMetiForeignUserList on the PDF layout', () => {
  const pdf = (pages: PdfPiece[][]): SourceDocument => bufferDocument('20250131_3.pdf', writePdf(pages));

  it('rebuilds the table from positions, across pages, joining wrapped names (after a hyphen without a space)', async () => {
    const document = pdf([
      [
        ...PDF_HEADER,
        ...pdfRow(
          745,
          1,
          ['Iran', 'Islamic Republic of Iran'],
          ['Example Research and Production', 'Association JSC'],
          ['EXAMPLE JSC'],
          ['Missile', 'M,N'],
        ),
        { x: 293, y: 25, text: '1' },
      ],
      [
        ...pdfRow(
          788,
          2,
          ['Russia', 'Russian Federation'],
          ['Example Self-', 'Sufficiency Organization'],
          [],
          ['Missile', 'M'],
        ),
        { x: 293, y: 25, text: '2' },
      ],
    ]);

    const { records, warnings } = await parseWith(jpMetiForeignUserList, document, withPage());

    expect(warnings).toEqual([]);
    expect(records.map((r) => [r.id, r.name, r.countries, r.extra.wmdCodes])).toEqual([
      [
        'IR-example-research-and-production-association-jsc',
        'Example Research and Production Association JSC',
        ['IR'],
        ['M', 'N'],
      ],
      ['RU-example-self-sufficiency-organization', 'Example Self-Sufficiency Organization', ['RU'], ['M']],
    ]);
    expect(records[0]!.aliases).toEqual(['EXAMPLE JSC']);
    expect(records[0]!.extra).toMatchObject({ revisionPublished: '2025-01-31', effectiveFrom: '2025-02-05' });
  });

  it('refuses a table whose row numbers skip, naming the page', async () => {
    const document = pdf([
      [
        ...PDF_HEADER,
        ...pdfRow(745, 1, ['Iran', 'Iran'], ['A Co'], [], ['Missile', 'M']),
        ...pdfRow(700, 3, ['Iran', 'Iran'], ['B Co'], [], ['Missile', 'M']),
      ],
    ]);

    const error = await parseWith(jpMetiForeignUserList, document, withPage()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SourceFormatError);
    expect((error as Error).message).toBe(
      'jp-meti-foreign-user-list: parse: 20250131_3.pdf: cannot tabulate page 1: row 3 where row 2 was expected',
    );
  });

  it('refuses a PDF without the list header, and bytes that are not a PDF', async () => {
    const noHeader = await parseWith(jpMetiForeignUserList, pdf([[{ x: 100, y: 700, text: 'Annual report' }]])).catch(
      (e: unknown) => e,
    );
    expect((noHeader as Error).message).toMatch(/unknown layout: no "No\." column header on the first page$/);

    const cut = writePdf([[...PDF_HEADER]]).subarray(0, 60);
    const broken = await parseWith(jpMetiForeignUserList, bufferDocument('20250131_3.pdf', cut)).catch(
      (e: unknown) => e,
    );
    expect(broken).toBeInstanceOf(SourceFormatError);
  });
});

describe('the revisions page', () => {
  it('lists the Foreign User List revisions with their publication and effective dates and documents', () => {
    const revisions = readRevisionsPage(readFileSync(PAGE_PATH, 'utf8'));

    expect(revisions.map((r) => [r.published, r.effective])).toEqual([
      ['2025-09-29', '2025-10-09'],
      ['2025-01-31', '2025-02-05'],
    ]);
    expect(revisions[0]!.links).toContain('https://www.meti.go.jp/policy/anpo/20250929_3.pdf');
  });

  it('is where the download discovers the newest list', () => {
    const { discover } = jpMetiForeignUserList.downloads[0]!;
    const pattern = new RegExp(discover!.linkPattern, 'i');

    expect(pattern.exec('https://www.meti.go.jp/policy/anpo/20250929_3.pdf')?.groups?.date).toBe('20250929');
    expect(pattern.test('https://www.meti.go.jp/policy/anpo/20231206-3.pdf')).toBe(true);
    expect(pattern.test('https://www.meti.go.jp/policy/anpo/20250929_2.pdf')).toBe(false);
  });
});

describe('jp-meti helpers', () => {
  it.each([
    ['令和７年１０月９日', '2025-10-09'],
    ['平成31年4月1日', '2019-04-01'],
    ['令和元年5月1日', '2019-05-01'],
  ])('japaneseDate(%j) is %j', (text, iso) => {
    expect(japaneseDate(text)).toBe(iso);
  });

  it('splits aliases on their bullets and joins the lines a bullet does not start', () => {
    expect(splitAliases('・Joint Stock Company “State\nBureau “Raduga”\n・MKB Raduga')).toEqual([
      'Joint Stock Company “State Bureau “Raduga”',
      'MKB Raduga',
    ]);
  });

  it('drops the spaces beside full-width punctuation and a leading bullet, which the PDF and the XLSX write differently', () => {
    expect(tightenWidePunctuation('Baimtec Material Co., Ltd. （北京航空材料研究院股份有限公司）')).toBe(
      'Baimtec Material Co., Ltd.（北京航空材料研究院股份有限公司）',
    );
    expect(tightenWidePunctuation('DANDONG ZHONGSHENG INDUSTRY AND TRADE CO.， LTD.')).toBe(
      'DANDONG ZHONGSHENG INDUSTRY AND TRADE CO.，LTD.',
    );
    expect(tightenWidePunctuation('・Green Pine Associated Corporation（青松連合）')).toBe(
      'Green Pine Associated Corporation（青松連合）',
    );
    expect(tightenWidePunctuation('Korea Sobaeksu United Co. (朝鮮小白水貿易会社)')).toBe(
      'Korea Sobaeksu United Co. (朝鮮小白水貿易会社)',
    );
  });

  it('reads no WMD code out of words', () => {
    expect(wmdCodes('ミサイル\nM')).toEqual(['M']);
    expect(wmdCodes('Nuclear Missile')).toEqual([]);
  });

  it('folds case, width, punctuation and spacing out of the id', () => {
    expect(entryId('AE', 'Delta Engineering Concern FZE （DEC）')).toBe(
      entryId('AE', 'DELTA ENGINEERING CONCERN FZE (DEC)'),
    );
  });
});
