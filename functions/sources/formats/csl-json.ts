/** The Consolidated Screening List JSON (consolidated.json): each result flattened into the CSV's cells. */
import { SourceFormatError } from '../../core/errors.ts';
import { cleanText, type RegisterRecord } from '../../core/records.ts';
import { streamJsonArrayObjects } from '../read/json-stream.ts';
import type { ParseContext, ParseInput, SourceFormat } from '../types.ts';
import { CSL_COLUMNS, cslRecordFromRow, newState, type CslColumn, type CslRow } from './csl-common.ts';

const LIST_COLUMNS: readonly CslColumn[] = [
  'programs',
  'alt_names',
  'citizenships',
  'dates_of_birth',
  'nationalities',
  'places_of_birth',
];
/** Columns that are plain text in the JSON: all but the id, the lists and the two object lists. */
const SCALAR_COLUMNS: readonly CslColumn[] = CSL_COLUMNS.filter(
  (c) => c !== '_id' && c !== 'addresses' && c !== 'ids' && !LIST_COLUMNS.includes(c),
);

class JsonShapeError extends Error {}

function scalarCell(value: unknown, field: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new JsonShapeError(`${field} is ${Array.isArray(value) ? 'an array' : 'an object'}, expected text`);
}

function listCell(value: unknown, field: string, item: (entry: unknown, field: string) => string): string {
  if (value === null || value === undefined) return '';
  if (!Array.isArray(value)) return scalarCell(value, field);
  const parts: string[] = [];
  for (const entry of value) {
    const text = item(entry, field);
    if (text) parts.push(text);
  }
  return parts.join('; ');
}

/** The CSV writes an object cell as its non-empty parts joined with ", ", in this order. */
function objectCell(keys: readonly (readonly string[])[]) {
  return (entry: unknown, field: string): string => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return scalarCell(entry, field);
    const object = entry as Record<string, unknown>;
    const parts: string[] = [];
    for (const names of keys) {
      const value = names.map((n) => object[n]).find((v) => v !== undefined && v !== null);
      const text = cleanText(scalarCell(value, `${field}.${names[0]}`));
      if (text) parts.push(text);
    }
    return parts.join(', ');
  };
}

const ADDRESS_CELL = objectCell([['address'], ['city'], ['state', 'state_or_province'], ['postal_code'], ['country']]);
const ID_CELL = objectCell([['country'], ['expiration_date'], ['issue_date'], ['number'], ['type']]);

/** A JSON result flattened into the cells the CSV would hold for it. */
export function cslRowFromJson(result: Record<string, unknown>): CslRow {
  const row = {} as CslRow;
  row._id = scalarCell(result.id ?? result._id, 'id');
  for (const column of SCALAR_COLUMNS) row[column] = scalarCell(result[column], column);
  for (const column of LIST_COLUMNS) row[column] = listCell(result[column], column, scalarCell);
  row.addresses = listCell(result.addresses, 'addresses', ADDRESS_CELL);
  row.ids = listCell(result.ids, 'ids', ID_CELL);
  return row;
}

async function* parseCslJson(input: ParseInput, context: ParseContext): AsyncGenerator<RegisterRecord> {
  const state = newState();
  let index = 0;
  const results = streamJsonArrayObjects(input.main.open(), {
    sourceId: context.sourceId,
    fileName: input.main.name,
    arrayKey: 'results',
    // Treasury rows carry the OFAC entity number: a number here would lose digits past 2^53.
    exactNumberKeys: ['id', '_id'],
  });
  for await (const result of results) {
    let row: CslRow;
    try {
      row = cslRowFromJson(result);
    } catch (error) {
      if (error instanceof JsonShapeError)
        throw new SourceFormatError(context.sourceId, `${input.main.name}: results[${index}]: ${error.message}`);
      throw error;
    }
    const record = cslRecordFromRow(row, context, state, `results[${index}] `);
    index++;
    if (record) yield record;
  }
}

export const cslJsonFormat: SourceFormat = {
  id: 'csl-json',
  description: 'trade.gov Consolidated Screening List JSON (consolidated.json: {"results": [...]})',
  sniff: (head) => /^[\s\ufeff]*\{/.test(head) && head.includes('"results"'),
  parse: parseCslJson,
};
