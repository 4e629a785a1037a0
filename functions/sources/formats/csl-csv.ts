/** The Consolidated Screening List CSV (consolidated.csv): streamed, every row's cell count checked. */
import type { Readable } from 'node:stream';
import { parse as parseCsv, CsvError } from 'csv-parse';
import { SourceFormatError } from '../../core/errors.ts';
import type { RegisterRecord } from '../../core/records.ts';
import { headerColumns } from '../helpers.ts';
import type { ParseContext, ParseInput, SourceFormat } from '../types.ts';
import { CSL_COLUMNS, cslRecordFromRow, newState, type CslRow } from './csl-common.ts';

const CSV_HEADER_START = '_id,source,entity_number,type,programs,name,';

function describeCsvError(error: unknown): string {
  if (error instanceof CsvError) {
    const line = (error as CsvError & { lines?: number }).lines;
    if (error.code === 'CSV_QUOTE_NOT_CLOSED')
      return `truncated or malformed: a quoted cell is never closed${line ? ` (from line ${line})` : ''}`;
    return `malformed CSV: ${error.message}`;
  }
  return `unreadable: ${(error as Error).message}`;
}

async function* parseCslCsv(input: ParseInput, context: ParseContext): AsyncGenerator<RegisterRecord> {
  const fileName = input.main.name;
  const fail = (reason: string, cause?: unknown): SourceFormatError =>
    new SourceFormatError(context.sourceId, `${fileName}: ${reason}`, cause === undefined ? undefined : { cause });
  const source: Readable = input.main.open();
  let lastByte = -1;
  source.on('data', (chunk: Buffer | string) => {
    if (chunk.length > 0)
      lastByte = typeof chunk === 'string' ? chunk.charCodeAt(chunk.length - 1) : chunk[chunk.length - 1]!;
  });
  // Column counts are checked here rather than by csv-parse, so the header is judged first.
  const parser = parseCsv({ bom: true, skip_empty_lines: true, relax_column_count: true });
  source.on('error', (error) => parser.destroy(error));
  source.pipe(parser);

  const state = newState();
  let columnIndex: number[] | undefined;
  let width = 0;
  let rowNumber = 0;
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      if (!columnIndex) {
        columnIndex = headerColumns(cells, CSL_COLUMNS, context.warn, fail);
        width = cells.length;
        continue;
      }
      rowNumber++;
      if (cells.length !== width)
        throw fail(`truncated or malformed: row ${rowNumber} has ${cells.length} cells, the header ${width}`);
      const record = cslRecordFromRow(rowFromCells(cells, columnIndex), context, state, `${rowNumber} `);
      if (record) yield record;
    }
  } catch (error) {
    if (error instanceof SourceFormatError) throw error;
    throw fail(describeCsvError(error), error);
  } finally {
    source.destroy();
  }
  if (!columnIndex) throw fail('no header row');
  // A cut inside the last cell keeps the column count right; the missing line end gives it away.
  if (lastByte !== 0x0a && lastByte !== 0x0d) throw fail('truncated: the last line has no line end');
}

/** One literal with every column, so each row object has the same shape (the hot path of a parse). */
function rowFromCells(cells: readonly string[], at: readonly number[]): CslRow {
  return {
    _id: cells[at[0]!] ?? '',
    source: cells[at[1]!] ?? '',
    entity_number: cells[at[2]!] ?? '',
    type: cells[at[3]!] ?? '',
    programs: cells[at[4]!] ?? '',
    name: cells[at[5]!] ?? '',
    title: cells[at[6]!] ?? '',
    addresses: cells[at[7]!] ?? '',
    federal_register_notice: cells[at[8]!] ?? '',
    start_date: cells[at[9]!] ?? '',
    end_date: cells[at[10]!] ?? '',
    standard_order: cells[at[11]!] ?? '',
    license_requirement: cells[at[12]!] ?? '',
    license_policy: cells[at[13]!] ?? '',
    call_sign: cells[at[14]!] ?? '',
    vessel_type: cells[at[15]!] ?? '',
    gross_tonnage: cells[at[16]!] ?? '',
    gross_registered_tonnage: cells[at[17]!] ?? '',
    vessel_flag: cells[at[18]!] ?? '',
    vessel_owner: cells[at[19]!] ?? '',
    remarks: cells[at[20]!] ?? '',
    source_list_url: cells[at[21]!] ?? '',
    alt_names: cells[at[22]!] ?? '',
    citizenships: cells[at[23]!] ?? '',
    dates_of_birth: cells[at[24]!] ?? '',
    nationalities: cells[at[25]!] ?? '',
    places_of_birth: cells[at[26]!] ?? '',
    source_information_url: cells[at[27]!] ?? '',
    ids: cells[at[28]!] ?? '',
  };
}

export const cslCsvFormat: SourceFormat = {
  id: 'csl-csv',
  description: 'trade.gov Consolidated Screening List CSV (consolidated.csv, 29 columns starting with _id)',
  // The header may come quoted (a re-export by a spreadsheet); the parser checks every column.
  sniff: (head) => (head.split(/\r?\n/, 1)[0] ?? '').replace(/"/g, '').startsWith(CSV_HEADER_START),
  parse: parseCslCsv,
};
