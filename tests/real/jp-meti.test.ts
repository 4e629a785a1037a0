import { readFile } from 'node:fs/promises';
import { strFromU8, unzipSync } from 'fflate';
import { extractText } from 'unpdf';
import { describe, expect, it } from 'vitest';
import { diffFiles } from '../../functions/cli/diff.ts';
import { readRevisionsPage } from '../../functions/sources/formats/jp-meti-common.ts';
import { jpMetiForeignUserList } from '../../functions/sources/jp-meti-foreign-user-list.ts';
import { fileDocument } from '../../functions/sources/read/document.ts';
import { parseWith, type Parsed } from '../helpers/parse.ts';
import { realFixture } from '../real-fixtures.ts';

const path = (name: string): string => realFixture(`jp-meti/${name}`);
const PDF = '20250131003-1.2025-01-31.pdf';
const XLSX = '20250929_4.2025-09-29.xlsx';
const PAGE = 'law09-2.2026-01-30.html';

const parsed = new Map<string, Promise<Parsed>>();
const parse = (name: string): Promise<Parsed> => {
  let result = parsed.get(name);
  if (!result) {
    result = parseWith(
      jpMetiForeignUserList,
      fileDocument(path(name)),
      new Map([['law09-2.html', fileDocument(path(PAGE))]]),
    );
    parsed.set(name, result);
  }
  return result;
};

/** Rows of the XLSX with a number in column A, counted from the sheet XML by regular expression. */
async function xlsxEntries(): Promise<number> {
  const parts = unzipSync(new Uint8Array(await readFile(path(XLSX))), {
    filter: (file) => file.name === 'xl/worksheets/sheet1.xml',
  });
  return [
    ...strFromU8(parts['xl/worksheets/sheet1.xml']!).matchAll(
      /<c r="A\d+"(?: s="\d+")?>(?:<f[^>]*\/>|<f[^>]*>[^<]*<\/f>)?<v>(\d+)<\/v><\/c>/g,
    ),
  ].length;
}

/**
 * Entries of the PDF counted from its plain text (PDF.js's own line joining, not the positional
 * table under test): the longest run 1, 2, 3 ... of numbers that start a line.
 */
async function pdfEntries(): Promise<number> {
  const { text } = await extractText(new Uint8Array(await readFile(path(PDF))), { mergePages: true });
  let next = 1;
  for (const line of text.split('\n')) if (new RegExp(`^${next}(?:\\s|$)`).test(line)) next++;
  return next - 1;
}

describe('jpMetiForeignUserList on the published files', () => {
  it('reads the 2025-01-31 PDF as 748 entries and the 2025-09-29 XLSX as 835, as counted without the parser', async () => {
    const [pdf, xlsx, pdfCount, xlsxCount] = await Promise.all([parse(PDF), parse(XLSX), pdfEntries(), xlsxEntries()]);

    expect(pdfCount).toBe(748);
    expect(xlsxCount).toBe(835);
    expect(pdf.records).toHaveLength(pdfCount);
    expect(xlsx.records).toHaveLength(xlsxCount);
    expect(pdf.warnings).toEqual([]);
    expect(xlsx.warnings).toEqual([]);
    expect(xlsx.records.map((r) => r.extra.number)).toEqual(xlsx.records.map((_r, i) => String(i + 1)));
  }, 60_000);

  it('reads the conventional-weapons column (240 of 835 entries) and every WMD code spelling', async () => {
    const { records } = await parse(XLSX);

    expect(records.filter((r) => r.extra.conventionalWeapons === 'CW')).toHaveLength(240);
    expect(records.filter((r) => r.extra.wmdCodes === undefined)).toHaveLength(54);
    expect(JSON.stringify(records)).not.toMatch(/ベツメイ|[ァ-ヶ]{2,}[A-Z]/);
    expect(records.every((r) => r.countries.length === 1)).toBe(true);
  });

  it('carries the effective dates of the revisions page: 2025-02-05 and 2025-10-09', async () => {
    const [pdf, xlsx] = await Promise.all([parse(PDF), parse(XLSX)]);

    expect(pdf.records[0]!.extra).toMatchObject({ revisionPublished: '2025-01-31', effectiveFrom: '2025-02-05' });
    expect(xlsx.records[0]!.extra).toMatchObject({ revisionPublished: '2025-09-29', effectiveFrom: '2025-10-09' });
  });

  it('finds the four list revisions with a section on the revisions page, the newest first', async () => {
    const revisions = readRevisionsPage(await readFile(path(PAGE), 'utf8'));

    expect(revisions.map((r) => [r.published, r.effective])).toEqual([
      ['2025-09-29', '2025-10-09'],
      ['2025-01-31', '2025-02-05'],
      ['2023-12-06', '2023-12-11'],
      // Only "令和４年３月１０日 施行": published and applied the same day.
      ['2022-03-10', '2022-03-10'],
    ]);
    expect(revisions[0]!.links).toContain('https://www.meti.go.jp/policy/anpo/20250929_3.pdf');
  });

  it('diffs the PDF of 2025-01 to the XLSX of 2025-09 by name and country, not by the renumbered No.', async () => {
    const diff = await diffFiles(jpMetiForeignUserList, path(PDF), path(XLSX), true);
    const of = (type: string) => diff.changes.filter((c) => c.type === type);

    // 748 - 10 removed + 97 added = 835; the other 738 keep their ids across layouts and numbers.
    expect(of('removed')).toHaveLength(10);
    expect(of('added')).toHaveLength(97);
    expect(of('removed').map((c) => c.id)).toContain('IR-sho-a-aviation');
    expect(of('added').map((c) => c.id)).toContain('CN-cetc-chip-technology-co-ltd-中电科芯片技术股份有限公司');
    const miass = of('modified').find((c) => c.id === 'RU-zavod-miass');
    expect(miass?.fields?.find((f) => f.field === 'extra.number')).toMatchObject({ old: '748', new: '835' });
    // The PDF and the XLSX space full-width brackets and commas differently: no name or alias may
    // change by spacing alone.
    const spacing = (v: unknown) => JSON.stringify(v).replace(/\s+/g, '');
    const bySpacing = of('modified').flatMap((c) =>
      (c.fields ?? []).filter((f) => ['name', 'aliases'].includes(f.field) && spacing(f.old) === spacing(f.new)),
    );
    expect(bySpacing).toEqual([]);
  }, 60_000);
});
