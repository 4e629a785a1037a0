/**
 * The Denied Persons List as bis.gov exports it ("Export as CSV" on the DPL page): a dated file,
 * `https://media.bis.gov/sites/default/files/dpl_MMDDYYYY.csv`, one row per party and address.
 *
 * The layout, as far as it is known (BIS documents none of it; see tests/fixtures/bis-dpl/README.md
 * for the evidence):
 * - Five columns, header `Name_and_Address,Effective_Date,Expiration_Date,Appropriate Federal
 *   Register Citations,Type of Denial` (underscores in three names, spaces in two). Header names are
 *   matched here case-insensitively with spaces and underscores alike (OpenSanctions' crawler
 *   normalizes them the same way, and saw `Expiratin_Date` for two days in December 2025); a missing
 *   one is refused, an unknown extra one is ignored with a warning.
 * - UTF-8 with a byte-order mark, CRLF line ends, RFC 4180 quoting (a cell holding a comma or a
 *   quote is quoted, quotes doubled).
 * - `Name_and_Address` is dpl.txt's six cells Name, Street_Address, City, State, Country and
 *   Postal_Code joined with ", ", empty cells included (`NAME, STREET, CITY, , DE, `). Country is
 *   written for US parties too (`…, TX, US, 75081`: 377 of 379 rows with a State in April 2026),
 *   where dpl.txt mostly left it empty.
 * - Dates are m/d/yyyy, mostly without leading zeros (`6/19/2003`; dpl.txt wrote `06/19/2003`).
 * - `Type of Denial` is `Standard`, `Non-Standard` or empty, for the rows dpl.txt marked
 *   Standard_Order `Y`, `N` or empty (the same three Non-Standard parties in both files).
 * - dpl.txt's Standard_Order, Last_Update and Action columns are gone.
 *
 * Splitting the cell back: State, Country and Postal_Code never hold a comma (none in 665 rows of
 * dpl.txt, 2023), so they are the last three parts. Name, street and city may (52 names, 338
 * streets and 16 cities did), so which commas separate them is decided by `splitNameAndAddress`.
 */
import { SourceFormatError } from '../../core/errors.ts';
import { readDelimitedRows } from '../read/delimited-text.ts';
import type { ParseContext, SourceDocument } from '../types.ts';

/** The columns read, by their normalized header name (lower case, spaces and underscores as `_`). */
export const DPL_CSV_COLUMNS = {
  nameAndAddress: 'name_and_address',
  effectiveDate: 'effective_date',
  expirationDate: 'expiration_date',
  citations: 'appropriate_federal_register_citations',
  typeOfDenial: 'type_of_denial',
} as const;

export type DplCsvColumn = keyof typeof DPL_CSV_COLUMNS;

/** A header cell as compared: byte-order mark and outer spaces gone, lower case, `_` for spaces. */
export function normalizeHeaderName(cell: string): string {
  return cell
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '_');
}

/** The first header cell, quoted or not, with a space or an underscore between the words. */
const DPL_CSV_HEADER = /^\s*"?\s*name[ _]+and[ _]+address\s*"?\s*,/i;

/** True for the head of a bis.gov DPL export (the head comes without its byte-order mark). */
export function sniffDplCsv(head: string): boolean {
  return DPL_CSV_HEADER.test(head.replace(/^\uFEFF/, ''));
}

/** dpl.txt's six address cells, as the export joined them. */
export interface DplNameAndAddress {
  name: string;
  street: string;
  city: string;
  state: string;
  country: string;
  postalCode: string;
}

/**
 * Name-ending parts that follow a comma in dpl.txt's names (`THANE-COAT, INC`, `ABEL HERNANDEZ,
 * JR.`, `KOTO COMMERCIO IBERICA, S.L.`): legal forms and generational suffixes.
 */
const NAME_SUFFIX =
  /^(?:INC|CORP|CO|LTD|LLC|L\.L\.C|LLP|LP|L\.P|PLC|S\.A|S\.L|S\.R\.L|S\.P\.A|SPA|SA|SL|B\.V|N\.V|GMBH|AG|JSC|PTE\.? LTD|JR|SR|II|III|IV)\.?$/;

/**
 * Splits a `Name_and_Address` cell back into dpl.txt's six cells; undefined when it has fewer than
 * six parts. The rule, applied to the parts between ", " separators:
 * 1. the last three parts are State, Country and Postal_Code;
 * 2. the name is the first part, extended over each following part that is a legal form or
 *    generational suffix (INC, LTD., S.A., JR. …) or while a parenthesis is open in it, as long as
 *    two parts remain;
 * 3. when the part after the name is empty, the street is empty and the city is the rest
 *    (`ASMAT, , ROCHFORD, ESSEX, , GB, `);
 * 4. otherwise the city is the last part and the street is everything between.
 * A row's split depends on that row alone, so a record's id never changes because another row did.
 * Of the 451 rows of dpl.txt (November 2023) that reappear in the April 2026 export, this gives back
 * the name, street and city (and so the id) of 443; the other eight are a name written "SURNAME,
 * GIVEN NAME" (`JIN, ZHONGDA`) and seven cities with a region after a comma (`KING CITY, ONTARIO`,
 * `ROCHFORD, ESSEX`), which no rule short of a gazetteer tells from the end of a street.
 */
export function splitNameAndAddress(cell: string): DplNameAndAddress | undefined {
  const parts = cell.split(', ');
  if (parts.length < 6) return undefined;
  const [state, country, postalCode] = parts.slice(-3) as [string, string, string];
  const head = parts.slice(0, -3);
  let nameParts = 1;
  while (nameParts < head.length - 2) {
    const name = head.slice(0, nameParts).join(', ');
    const opens = (name.match(/\(/g) ?? []).length;
    const closes = (name.match(/\)/g) ?? []).length;
    if (!NAME_SUFFIX.test(head[nameParts]!.trim().toUpperCase()) && opens <= closes) break;
    nameParts += 1;
  }
  const name = head.slice(0, nameParts).join(', ');
  const rest = head.slice(nameParts);
  if (rest[0]!.trim() === '') return { name, street: '', city: rest.slice(1).join(', '), state, country, postalCode };
  return { name, street: rest.slice(0, -1).join(', '), city: rest.at(-1)!, state, country, postalCode };
}

/** One data row of the export, its cells by column. */
export interface DplCsvRow {
  /** 1 for the first row after the header. */
  rowNumber: number;
  cells: Record<DplCsvColumn, string>;
  /** The six cells of Name_and_Address; undefined when the cell cannot be split (see the caller). */
  parts: DplNameAndAddress | undefined;
}

function headerIndex(
  cells: readonly string[],
  context: ParseContext,
  fail: (reason: string) => SourceFormatError,
): Record<DplCsvColumn, number> {
  const names = cells.map(normalizeHeaderName);
  const index = {} as Record<DplCsvColumn, number>;
  const missing: string[] = [];
  for (const [column, name] of Object.entries(DPL_CSV_COLUMNS) as [DplCsvColumn, string][]) {
    const at = names.indexOf(name);
    if (at < 0) missing.push(name);
    else index[column] = at;
  }
  if (missing.length > 0)
    throw fail(`unknown layout: header lacks ${missing.join(', ')} (header: ${cells.map((c) => c.trim()).join(', ')})`);
  const known: readonly string[] = Object.values(DPL_CSV_COLUMNS);
  const unknown = cells.filter((_cell, i) => !known.includes(names[i]!)).map((c) => c.trim());
  if (unknown.length > 0) context.warn(`columns not read: ${unknown.join(', ')}`);
  return index;
}

/**
 * Streams the data rows of a bis.gov DPL export. A header without one of the five columns, a row
 * with another number of cells than the header, or a file cut short is a SourceFormatError.
 */
export async function* readDplCsv(document: SourceDocument, context: ParseContext): AsyncGenerator<DplCsvRow> {
  const fail = (reason: string): SourceFormatError =>
    new SourceFormatError(context.sourceId, `${document.name}: ${reason}`);
  let index: Record<DplCsvColumn, number> | undefined;
  let width = 0;
  let rowNumber = 0;
  for await (const cells of readDelimitedRows(document, {
    sourceId: context.sourceId,
    delimiter: ',',
    ending: 'line-end',
  })) {
    if (!index) {
      index = headerIndex(cells, context, fail);
      width = cells.length;
      continue;
    }
    rowNumber++;
    if (cells.length !== width)
      throw fail(`truncated or malformed: row ${rowNumber} has ${cells.length} cells, the header ${width}`);
    const row = {} as Record<DplCsvColumn, string>;
    for (const column of Object.keys(DPL_CSV_COLUMNS) as DplCsvColumn[]) row[column] = cells[index[column]] ?? '';
    yield { rowNumber, cells: row, parts: splitNameAndAddress(row.nameAndAddress) };
  }
  if (!index) throw fail('no header row');
}
