/**
 * METI's Foreign User List as XLSX (from the revision of 2025-09-29): sheet "ユーザーリスト", six
 * columns with bilingual headers (No., 国名、地域名 Country or Region, 企業名､組織名 Company or
 * Organization, 別名 Also Known As, 懸念区分 Type of WMD, 通常兵器 Conventional Weapons).
 */
import { SourceFormatError } from '../../core/errors.ts';
import type { RegisterRecord } from '../../core/records.ts';
import { clean } from '../helpers.ts';
import type { ParseContext, ParseInput, SourceFormat } from '../types.ts';
import { entryBuilder, revisionOf } from './jp-meti-common.ts';
import { looksLikeXlsx, readXlsxRows } from './xlsx-sheet.ts';

/** Each column by the English half of its bilingual header (the Japanese halves vary in punctuation). */
const COLUMNS = {
  number: /^No\.?$/i,
  country: /country or region/i,
  name: /company or organi[sz]ation/i,
  aliases: /also known as/i,
  wmd: /type of wmd/i,
  conventional: /conventional weapons/i,
} as const;
type Column = keyof typeof COLUMNS;
const REQUIRED: readonly Column[] = ['number', 'country', 'name', 'aliases', 'wmd'];

async function* parseMetiXlsx(input: ParseInput, context: ParseContext): AsyncGenerator<RegisterRecord> {
  const fileName = input.main.name;
  const fail = (reason: string): SourceFormatError => new SourceFormatError(context.sourceId, `${fileName}: ${reason}`);
  const builder = entryBuilder(context, await revisionOf(input, context));
  let at: Map<Column, number> | undefined;
  const rows = readXlsxRows(input.main, {
    sourceId: context.sourceId,
    // The list is on the sheet "ユーザーリスト"; a workbook of one sheet is read whatever its name.
    chooseSheet: (names) => names.find((n) => n.includes('リスト')) ?? (names.length === 1 ? names[0] : undefined),
  });
  for await (const row of rows) {
    if (!at) {
      const header = row.cells.map((c) => clean(c.replace(/\r?\n/g, ' ')));
      const found = new Map<Column, number>();
      for (const [column, pattern] of Object.entries(COLUMNS) as [Column, RegExp][]) {
        const index = header.findIndex((h) => pattern.test(h) || pattern.test(h.split(' ').slice(1).join(' ')));
        if (index >= 0) found.set(column, index);
      }
      const missing = REQUIRED.filter((c) => !found.has(c));
      if (missing.length > 0) throw fail(`unknown layout: the first row lacks the columns ${missing.join(', ')}`);
      at = found;
      continue;
    }
    const columns = at;
    const cell = (column: Column): string => {
      const index = columns.get(column);
      return index === undefined ? '' : (row.cells[index] ?? '');
    };
    if (REQUIRED.every((c) => clean(cell(c)) === '')) continue;
    const record = builder.build(
      {
        number: cell('number'),
        country: cell('country'),
        name: cell('name'),
        aliases: cell('aliases'),
        wmd: cell('wmd'),
        conventional: cell('conventional'),
      },
      `row ${row.number} (No. ${clean(cell('number'))})`,
    );
    if (record) yield record;
  }
  if (!at) throw fail('the sheet is empty');
}

export const metiXlsxFormat: SourceFormat = {
  id: 'jp-meti-xlsx',
  description:
    'METI Foreign User List, XLSX (sheet ユーザーリスト; No., country, company, aliases, WMD type, conventional weapons), from 2025-09',
  sniff: looksLikeXlsx,
  parse: parseMetiXlsx,
};
