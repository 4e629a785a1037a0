/**
 * METI's End User List as PDF (the revisions up to 2025-01-31: a table printed from Excel, A4
 * portrait, five columns — No., 国名、地域名 Country or Region, 企業名､組織名 Company or
 * Organization, 別名 Also Known As, 懸念区分 Type of WMD — the bilingual header on the first page
 * only, the page number centred at the foot of each page).
 *
 * The text alone interleaves the columns, so the table is rebuilt from positions (pdf-text.ts):
 * Excel draws the table row by row and cell by cell, so in drawing order a row starts at the
 * number in the No. column, and each later piece belongs to the column its left edge falls in
 * (COLUMN_EDGES, measured on the 2025-01-31 list: numbers at x 35-45, countries centred at 55-90,
 * companies from 135, aliases from 320, WMD codes centred at 505-530). Within a cell, pieces on
 * one baseline are one line; wrapped lines are joined (with a space between Latin words, without
 * one in Japanese), aliases start at their "・" bullet.
 *
 * What cannot be read reliably is refused, not guessed: a row number out of sequence, a row
 * without a country or a company, or a piece left of the first column is a SourceFormatError
 * naming the page. What the PDF cannot tell: whether a line broken after a hyphen
 * was "SELF-SUFFICIENCY" or "SELF- SUFFICIENCY" (read as the first), and whether a wrapped line
 * was a line break in the cell (read as a space, which is what the id and the diff see anyway).
 */
import { SourceFormatError } from '../../core/errors.ts';
import type { RegisterRecord } from '../../core/records.ts';
import type { ParseContext, ParseInput, SourceFormat } from '../types.ts';
import { entryBuilder, joinWrapped, revisionOf } from './jp-meti-common.ts';
import { looksLikePdf, readPdfPages, type PdfTextItem } from './pdf-text.ts';

type Column = 'number' | 'country' | 'name' | 'aliases' | 'wmd';
/** Left edges (PDF units) at which each column starts, measured on the 2025-01-31 list. */
const COLUMN_EDGES: readonly (readonly [Column, number])[] = [
  ['number', 25],
  ['country', 50],
  ['name', 130],
  ['aliases', 318],
  ['wmd', 500],
];
/** Pieces below this baseline are the page number. */
const FOOTER_Y = 45;

function columnAt(x: number): Column | undefined {
  let found: Column | undefined;
  for (const [column, edge] of COLUMN_EDGES) if (x >= edge) found = column;
  return found;
}

/** One cell's pieces as lines: pieces on one baseline joined, a new line where the baseline moves. */
function cellLines(items: readonly PdfTextItem[]): string[] {
  const lines: string[] = [];
  let lastY: number | undefined;
  for (const item of items) {
    const text = item.text;
    if (lastY !== undefined && Math.abs(item.y - lastY) < 1) {
      const last = lines[lines.length - 1]!;
      lines[lines.length - 1] = /\s$/.test(last) || /^\s/.test(text) ? `${last}${text}` : joinWrapped(last, text);
    } else lines.push(text);
    lastY = item.y;
  }
  return lines.map((l) => l.trim()).filter(Boolean);
}

interface PdfRow {
  readonly page: number;
  readonly number: number;
  readonly cells: Map<Column, PdfTextItem[]>;
}

async function* parseMetiPdf(input: ParseInput, context: ParseContext): AsyncGenerator<RegisterRecord> {
  const fileName = input.main.name;
  const fail = (reason: string): SourceFormatError => new SourceFormatError(context.sourceId, `${fileName}: ${reason}`);
  const builder = entryBuilder(context, await revisionOf(input, context));
  let row: PdfRow | undefined;
  let sawHeader = false;

  const finish = (done: PdfRow): RegisterRecord | undefined => {
    const lines = (column: Column): string[] => cellLines(done.cells.get(column) ?? []);
    const [countryJapanese = '', ...countryEnglish] = lines('country');
    const name = lines('name').reduce(joinWrapped, '');
    if (!countryJapanese || !name)
      throw fail(
        `cannot tabulate page ${done.page}: row ${done.number} has no ${countryJapanese ? 'company' : 'country'}`,
      );
    return builder.build(
      {
        number: String(done.number),
        country: `${countryJapanese}\n${countryEnglish.join(' ')}`,
        name,
        aliases: lines('aliases').join('\n'),
        wmd: lines('wmd').join('\n'),
        conventional: '',
      },
      `page ${done.page}, No. ${done.number}`,
    );
  };

  for await (const page of readPdfPages(input.main, context.sourceId)) {
    for (const item of page.items) {
      if (item.y < FOOTER_Y) continue;
      const column = columnAt(item.x);
      if (!column) throw fail(`cannot tabulate page ${page.number}: text "${item.text}" left of the No. column`);
      const text = item.text.trim();
      if (column === 'number' && /^\d+$/.test(text)) {
        const number = Number(text);
        const expected = row ? row.number + 1 : 1;
        if (number !== expected)
          throw fail(`cannot tabulate page ${page.number}: row ${number} where row ${expected} was expected`);
        if (row) {
          const record = finish(row);
          if (record) yield record;
        }
        row = { page: page.number, number, cells: new Map() };
        continue;
      }
      if (!row) {
        // The header, before the first row: "No.", then each column's Japanese and English names.
        if (column === 'number' && /^No\.?$/i.test(text)) sawHeader = true;
        continue;
      }
      let cell = row.cells.get(column);
      if (!cell) row.cells.set(column, (cell = []));
      cell.push(item);
    }
  }
  if (!sawHeader) throw fail('unknown layout: no "No." column header on the first page');
  if (!row) throw fail('no row found: not the End User List');
  const record = finish(row);
  if (record) yield record;
}

export const metiPdfFormat: SourceFormat = {
  id: 'jp-meti-pdf',
  description:
    'METI End User List / Foreign User List, PDF printed from Excel (No., country, company, aliases, WMD type), to 2025-01',
  sniff: (head) => looksLikePdf(head),
  parse: parseMetiPdf,
};
