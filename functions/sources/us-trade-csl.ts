/**
 * trade.gov Consolidated Screening List (CSL): thirteen US export-control and sanctions lists in
 * one file — Commerce/BIS (Entity List, Denied Persons, Unverified, Military End User), State (ITAR
 * Debarred, Nonproliferation Sanctions) and Treasury (SDN and the non-SDN lists).
 *
 * What is odd about this publisher's data:
 * - `_id` is not unique in the file. Treasury rows use the OFAC entity number, and an entity on
 *   several Treasury lists appears once per list with the same number (2022-05-16: 71 numbers on
 *   183 rows, e.g. SDN + SSI + CAPTA). The record id is therefore `<list key>:<_id>` ("SDN:21944",
 *   "SSI:21944"), which is unique except where the CSL itself repeats a row (one CAPTA row twice).
 * - For the BIS and State lists `_id` is a hash of identifying cells, not a key kept by the agency.
 *   In 2022-05-16 it is the SHA-1 of name + Federal Register citation (all DPL rows), of the name
 *   alone (all UVL rows), of name + citation + start date as m/d/yyyy (all MEU rows, 1780 of 2001
 *   EL rows) or of name + date + citation (all ISN rows). An address or alias change keeps the id;
 *   a corrected name or a new citation gives a new id, which the diff sees as a removal plus an
 *   addition. The recipe has changed at least once (56-hex ids in 2026 samples against 40-hex in
 *   2022): such a switch renews every BIS and State id at once (3,625 of 14,160 rows in 2022),
 *   which the drop guard holds for a human to confirm.
 * - `type` is blank on every BIS and State row. MEU and UVL name only companies and institutions, so
 *   those become `organization`; the Entity List, DPL, ITAR Debarred and Nonproliferation lists mix
 *   people and companies without saying which, so those become `other` rather than a guess.
 * - Multi-valued cells are joined with "; " (alt_names, addresses, programs, ids, dates). Entity List
 *   alt names follow the Federal Register wording "X; and Y": the "and " is dropped.
 * - Addresses are "street, city, state, postal code, country" with empty parts left out and the
 *   country as an ISO code when known; some end with a country name or a postal code instead. Only
 *   the last comma part is read as a country (code or name); an address without one gives none.
 * - Dates are ISO (start_date, end_date). DPL end dates decades ahead (2056) are the order's term
 *   and are kept as written in `extra.endDate`.
 * - The JSON download carries the same records as objects (addresses and ids as objects, lists as
 *   arrays, `id` for `_id`). It is flattened into the CSV's cells and read by the same code, so both
 *   downloads give identical records. A JSON-only `country` field seen on some State rows is ignored
 *   for that reason.
 * - Archived files of 2015 use an older layout (`Source List,Entity Number,SDN Type,…`, format
 *   `csl-legacy-csv`) with one row per entity × address × alternate name and no id: its rows are
 *   grouped into records with ids `<list key>:legacy:<hash>` that never equal a later `_id` (see
 *   CSL_LEGACY_COLUMNS).
 * - The files are rebuilt from the agencies' lists daily (trade.gov says 05:00 ET; the search API
 *   reports hourly imports) and are served with a strong ETag and Last-Modified.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { parse as parseCsv, CsvError } from 'csv-parse';
import { countryCode } from '../core/countries.ts';
import { SourceFormatError } from '../core/errors.ts';
import { cleanText, type ExtraFields, type RecordKind, type RegisterRecord } from '../core/records.ts';
import { readDelimitedRows } from './read/delimited-text.ts';
import { streamJsonArrayObjects } from './read/json-stream.ts';
import type { ParseContext, ParseInput, RegisterSource, SourceFormat } from './types.ts';
import { ISO_DATE, clean, headerColumns, uniqueNonEmpty } from './helpers.ts';

export const US_TRADE_CSL_ID = 'us-trade-csl';

/** The 29 columns of consolidated.csv, in the publisher's order. */
export const CSL_COLUMNS = [
  '_id',
  'source',
  'entity_number',
  'type',
  'programs',
  'name',
  'title',
  'addresses',
  'federal_register_notice',
  'start_date',
  'end_date',
  'standard_order',
  'license_requirement',
  'license_policy',
  'call_sign',
  'vessel_type',
  'gross_tonnage',
  'gross_registered_tonnage',
  'vessel_flag',
  'vessel_owner',
  'remarks',
  'source_list_url',
  'alt_names',
  'citizenships',
  'dates_of_birth',
  'nationalities',
  'places_of_birth',
  'source_information_url',
  'ids',
] as const;

export type CslColumn = (typeof CSL_COLUMNS)[number];
/** One CSL row as the CSV has it (every cell a string, '' when empty). */
export type CslRow = Record<CslColumn, string>;

interface CslList {
  /** Stable key used in record ids; survives a relabelling of the list in the file. */
  readonly key: string;
  readonly name: string;
  /** Kind when `type` is blank (BIS and State lists leave it blank). */
  readonly blankKind: RecordKind;
}

const ENTITY_LIST: CslList = { key: 'EL', name: 'Entity List', blankKind: 'other' };
const DENIED_PERSONS: CslList = { key: 'DPL', name: 'Denied Persons List', blankKind: 'other' };
const UNVERIFIED: CslList = { key: 'UVL', name: 'Unverified List', blankKind: 'organization' };
const MILITARY_END_USER: CslList = { key: 'MEU', name: 'Military End User List', blankKind: 'organization' };
const ITAR_DEBARRED: CslList = { key: 'DTC', name: 'ITAR Debarred', blankKind: 'other' };
const NONPROLIFERATION: CslList = { key: 'ISN', name: 'Nonproliferation Sanctions', blankKind: 'other' };
const SDN: CslList = { key: 'SDN', name: 'Specially Designated Nationals', blankKind: 'other' };
const SSI: CslList = { key: 'SSI', name: 'Sectoral Sanctions Identifications List', blankKind: 'other' };
const FSE: CslList = { key: 'FSE', name: 'Foreign Sanctions Evaders', blankKind: 'other' };
const PLC: CslList = { key: 'PLC', name: 'Palestinian Legislative Council List', blankKind: 'other' };
const CAPTA: CslList = { key: 'CAP', name: 'CAPTA List', blankKind: 'other' };
const MENU_BASED: CslList = { key: 'NS-MBS', name: 'Non-SDN Menu-Based Sanctions List', blankKind: 'other' };
const CMIC: CslList = {
  key: 'CMIC',
  name: 'Non-SDN Chinese Military-Industrial Complex Companies List',
  blankKind: 'other',
};

/**
 * The abbreviation in the `source` label ("Entity List (EL) - Bureau of Industry and Security") →
 * list. Abbreviations the publisher has used for the same list over time map to the same key.
 */
export const CSL_LISTS: Readonly<Record<string, CslList>> = {
  EL: ENTITY_LIST,
  DPL: DENIED_PERSONS,
  UVL: UNVERIFIED,
  MEU: MILITARY_END_USER,
  DTC: ITAR_DEBARRED,
  ISN: NONPROLIFERATION,
  ACN: NONPROLIFERATION,
  SDN,
  SSI,
  FSE,
  PLC,
  'NS-PLC': PLC,
  CAP: CAPTA,
  'NS-MBS': MENU_BASED,
  MBS: MENU_BASED,
  CMIC,
  'NS-CMIC': CMIC,
};

const KINDS: Readonly<Record<string, RecordKind>> = {
  Individual: 'person',
  Entity: 'organization',
  Vessel: 'vessel',
  Aircraft: 'aircraft',
};

/** Single-valued cells copied to `extra` under these keys when not empty. */
const EXTRA_CELLS: readonly (readonly [string, CslColumn])[] = [
  ['entityNumber', 'entity_number'],
  ['federalRegisterNotice', 'federal_register_notice'],
  ['licenseRequirement', 'license_requirement'],
  ['licensePolicy', 'license_policy'],
  ['endDate', 'end_date'],
  ['standardOrder', 'standard_order'],
  ['title', 'title'],
  ['callSign', 'call_sign'],
  ['vesselType', 'vessel_type'],
  ['grossTonnage', 'gross_tonnage'],
  ['grossRegisteredTonnage', 'gross_registered_tonnage'],
  ['vesselFlag', 'vessel_flag'],
  ['vesselOwner', 'vessel_owner'],
];

interface CslParseState {
  readonly lists: Map<string, { list: CslList; code: string }>;
}

function newState(): CslParseState {
  return { lists: new Map() };
}

/** Resolves a `source` label once per distinct label. */
function resolveList(label: string, context: ParseContext, state: CslParseState): { list: CslList; code: string } {
  const cached = state.lists.get(label);
  if (cached) return cached;
  const code = /\(([^)]+)\)/
    .exec(label)?.[1]
    ?.replace(/\s+List$/i, '')
    .trim();
  if (!code) {
    throw new SourceFormatError(
      context.sourceId,
      `unknown list "${label}": no abbreviation in parentheses, so it cannot be named`,
    );
  }
  let list = CSL_LISTS[code];
  if (!list) {
    const name = cleanText(label.replace(/\s+-\s+[^-]*$/, '').replace(/\s*\([^)]*\)/, ''));
    list = { key: code, name: name || code, blankKind: 'other' };
    context.warn(`unknown CSL list "${label}": named "${list.name}", key ${code} (add it to CSL_LISTS)`);
  }
  const resolved = { list, code };
  state.lists.set(label, resolved);
  return resolved;
}

function splitList(cell: string): string[] {
  if (!cell) return [];
  const out: string[] = [];
  for (const part of cell.split(';')) {
    const text = cleanText(part);
    if (text) out.push(text);
  }
  return out;
}

/** Entity List alt names copy the Federal Register's "X; and Y". */
function splitAliases(cell: string): string[] {
  return splitList(cell)
    .map((alias, i) => (i > 0 ? alias.replace(/^and\s+/i, '') : alias))
    .filter((a) => a.length > 0);
}

/** The country in the last comma-separated part ("…, Borisov, 222512, BY" → BY; "…, Turkey" → TR). */
function trailingCountry(text: string): string | undefined {
  const comma = text.lastIndexOf(',');
  return countryCode(comma === -1 ? text : text.slice(comma + 1));
}

/**
 * Maps one row. Undefined (with a warning) when the row has no id, name or list; SourceFormatError
 * for a `type` this code does not know (the kind would be a guess).
 */
export function cslRecordFromRow(
  row: CslRow,
  context: ParseContext,
  state: CslParseState = newState(),
  where = '',
): RegisterRecord | undefined {
  const rawId = clean(row._id);
  const name = cleanText(row.name);
  const label = cleanText(row.source);
  if (!rawId || !name || !label) {
    const missing = [!rawId && '_id', !name && 'name', !label && 'source'].filter(Boolean).join(', ');
    context.warn(`row ${where}without ${missing} skipped (_id "${rawId}", name "${name}")`);
    return undefined;
  }
  const { list, code } = resolveList(label, context, state);
  const type = clean(row.type);
  let kind: RecordKind;
  if (!type) kind = list.blankKind;
  else {
    const mapped = KINDS[type];
    if (!mapped) throw new SourceFormatError(context.sourceId, `row ${where}(${rawId}): unknown type "${type}"`);
    kind = mapped;
  }

  const addresses = splitList(row.addresses);
  const nationalities = splitList(row.nationalities);
  const citizenships = splitList(row.citizenships);
  const placesOfBirth = splitList(row.places_of_birth);
  const vesselFlag = clean(row.vessel_flag);
  const countries = new Set<string>();
  const add = (code: string | undefined): void => {
    if (code) countries.add(code);
  };
  for (const address of addresses) add(trailingCountry(address));
  for (const value of nationalities) add(countryCode(value));
  for (const value of citizenships) add(countryCode(value));
  for (const place of placesOfBirth) add(trailingCountry(place));
  if (vesselFlag) add(countryCode(vesselFlag));

  const extra: ExtraFields = { listCode: code };
  for (const [key, column] of EXTRA_CELLS) {
    const value = clean(row[column]);
    if (value) extra[key] = value;
  }
  const ids = splitList(row.ids);
  const datesOfBirth = splitList(row.dates_of_birth);
  if (ids.length) extra.ids = ids;
  if (datesOfBirth.length) extra.datesOfBirth = datesOfBirth;
  if (placesOfBirth.length) extra.placesOfBirth = placesOfBirth;
  if (nationalities.length) extra.nationalities = nationalities;
  if (citizenships.length) extra.citizenships = citizenships;
  const startDate = clean(row.start_date);
  let listedOn: string | undefined;
  if (ISO_DATE.test(startDate)) listedOn = startDate;
  else if (startDate) extra.startDate = startDate;

  const record: RegisterRecord = {
    id: `${list.key}:${rawId}`,
    source: US_TRADE_CSL_ID,
    list: list.name,
    kind,
    name,
    aliases: splitAliases(row.alt_names),
    countries: [...countries],
    addresses,
    programs: splitList(row.programs),
    links: uniqueNonEmpty([clean(row.source_list_url), clean(row.source_information_url)]),
    extra,
  };
  if (listedOn) record.listedOn = listedOn;
  const remarks = clean(row.remarks);
  if (remarks) record.remarks = remarks;
  return record;
}

// ---------------------------------------------------------------------------------------------
// CSV

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

// ---------------------------------------------------------------------------------------------
// JSON

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

// ---------------------------------------------------------------------------------------------
// Legacy CSV (2015)

/**
 * The named columns of the CSL / Entity List CSV layout of 2015 (GovWizely's el.csv of 2015-09-19),
 * in the publisher's order. The real header carries five more, unnamed and empty, columns after
 * `Web Link`; the rows stop after `Web Link`.
 *
 * The layout writes one row per entity × address × alternate name and has no id column. Rows are
 * grouped into one record by (Source List, Name, Federal Register Notice, Effective Date), each
 * cell trimmed with runs of white space collapsed and case kept: in the real file the rows of one
 * entity repeat exactly these cells (and the list-wide ones), while one name listed by two notices
 * or on two dates is two entries (Qazi Abdallah: 76 FR 71867 of 11/21/2011, 76 FR 10001 of
 * 11/21/2011 and 76 FR 71867 of 11/22/2011 are three records). Rows of a group need not be
 * adjacent; the first row fixes the record's place in the output.
 *
 * The record id is `<list key>:legacy:<first 16 hex of SHA-256 of the normalized key>`. The later
 * CSV's ids are `<list key>:<_id>` with `_id` a 40- or 56-hex hash or an OFAC entity number, none
 * of which contains a colon, so a legacy id can never equal one of them: a file in this layout
 * followed by a current one reads as the removal of every legacy record and the addition of every
 * current one, never as a silent match of unrelated entries.
 */
export const CSL_LEGACY_COLUMNS = [
  'Source List',
  'Entity Number',
  'SDN Type',
  'Programs',
  'Name',
  'Title',
  'Address',
  'City',
  'State/Province',
  'Postal Code',
  'Country',
  'Federal Register Notice',
  'Effective Date',
  'Date Lifted/Waived/Expired',
  'Standard Order',
  'License Requirement',
  'License Policy',
  'Call Sign',
  'Vessel Type',
  'Gross Tonnage',
  'Gross Register Tonnage',
  'Vessel Flag',
  'Vessel Owner',
  'Remarks/Notes',
  'Address Number',
  'Address Remarks',
  'Alternate Number',
  'Alternate Type',
  'Alternate Name',
  'Alternate Remarks',
  'Web Link',
] as const;

type CslLegacyColumn = (typeof CSL_LEGACY_COLUMNS)[number];
type CslLegacyRow = Record<CslLegacyColumn, string>;

const LEGACY_HEADER_START = 'Source List,Entity Number,SDN Type,Programs,Name,Title,Address,City,';

/** The cells that identify one entry of the legacy layout, in key order. */
const LEGACY_KEY_COLUMNS: readonly CslLegacyColumn[] = [
  'Source List',
  'Name',
  'Federal Register Notice',
  'Effective Date',
];

/** Single-valued cells of the legacy layout copied to `extra` (same keys as the current CSV). */
const LEGACY_EXTRA_CELLS: readonly (readonly [string, CslLegacyColumn])[] = [
  ['entityNumber', 'Entity Number'],
  ['federalRegisterNotice', 'Federal Register Notice'],
  ['licenseRequirement', 'License Requirement'],
  ['licensePolicy', 'License Policy'],
  ['standardOrder', 'Standard Order'],
  ['title', 'Title'],
  ['callSign', 'Call Sign'],
  ['vesselType', 'Vessel Type'],
  ['grossTonnage', 'Gross Tonnage'],
  ['grossRegisteredTonnage', 'Gross Register Tonnage'],
  ['vesselFlag', 'Vessel Flag'],
  ['vesselOwner', 'Vessel Owner'],
];

/** The normalized grouping key of a legacy row (see CSL_LEGACY_COLUMNS). */
export function cslLegacyKey(row: Readonly<Record<string, string>>): string {
  return LEGACY_KEY_COLUMNS.map((column) => cleanText(row[column] ?? '')).join('\u001f');
}

/** The record id of a legacy entry: `<list key>:legacy:<16 hex of SHA-256 of the key>`. */
export function cslLegacyId(listKey: string, key: string): string {
  return `${listKey}:legacy:${createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 16)}`;
}

/** m/d/yyyy (the legacy layout's dates) → yyyy-mm-dd, or undefined when it is not such a date. */
function isoFromUsDate(text: string): string | undefined {
  const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  if (!match) return ISO_DATE.test(text) ? text : undefined;
  const [, m, d, y] = match;
  const month = Number(m);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  return `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
}

/** The list of a legacy `Source List` cell: a bare code ("EL") or a label with one in parentheses. */
function resolveLegacyList(cell: string, context: ParseContext, state: CslParseState): { list: CslList; code: string } {
  const cached = state.lists.get(cell);
  if (cached) return cached;
  const code = (/\(([^)]+)\)/.exec(cell)?.[1] ?? cell).replace(/\s+List$/i, '').trim();
  let list = CSL_LISTS[code];
  if (!list) {
    list = { key: code, name: code, blankKind: 'other' };
    context.warn(`unknown CSL list "${cell}": named and keyed "${code}" (add it to CSL_LISTS)`);
  }
  const resolved = { list, code };
  state.lists.set(cell, resolved);
  return resolved;
}

interface LegacyGroup {
  readonly key: string;
  readonly where: string;
  readonly rows: CslLegacyRow[];
}

function distinct(values: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const value of values) {
    const text = clean(value);
    if (text) out.add(text);
  }
  return [...out];
}

/** "street, city, state, postal code, country" with empty parts left out, as the current CSV writes it. */
function legacyAddress(row: CslLegacyRow): string {
  return [row.Address, row.City, row['State/Province'], row['Postal Code'], row.Country]
    .map(clean)
    .filter((part) => part.length > 0)
    .join(', ');
}

/** Merges the rows of one legacy entry into a record. */
function cslRecordFromLegacyGroup(group: LegacyGroup, context: ParseContext, state: CslParseState): RegisterRecord {
  const first = group.rows[0]!;
  const name = cleanText(first.Name);
  const { list, code } = resolveLegacyList(cleanText(first['Source List']), context, state);
  const single = (column: CslLegacyColumn): string => {
    const values = distinct(group.rows.map((row) => row[column]));
    if (values.length > 1)
      context.warn(
        `${list.key} "${name}" (${group.where}): ${column} differs between its rows (${values.join(' | ')}); the first is kept`,
      );
    return values[0] ?? '';
  };

  const type = single('SDN Type');
  let kind: RecordKind;
  if (!type) kind = list.blankKind;
  else {
    const mapped = KINDS[type];
    if (!mapped) throw new SourceFormatError(context.sourceId, `${group.where}: unknown SDN Type "${type}"`);
    kind = mapped;
  }

  const addresses = distinct(group.rows.map(legacyAddress));
  const countries = new Set<string>();
  for (const row of group.rows) {
    const country = clean(row.Country);
    const resolved = country ? countryCode(country) : undefined;
    if (resolved) countries.add(resolved);
  }
  const vesselFlag = single('Vessel Flag');
  const flag = vesselFlag ? countryCode(vesselFlag) : undefined;
  if (flag) countries.add(flag);

  const extra: ExtraFields = { listCode: code };
  for (const [key, column] of LEGACY_EXTRA_CELLS) {
    const value = single(column);
    if (value) extra[key] = value;
  }
  const effective = cleanText(first['Effective Date']);
  const listedOn = effective ? isoFromUsDate(effective) : undefined;
  if (effective && !listedOn) extra.startDate = effective;
  const lifted = single('Date Lifted/Waived/Expired');
  if (lifted) extra.endDate = isoFromUsDate(lifted) ?? lifted;
  const addressRemarks = distinct(group.rows.map((row) => row['Address Remarks']));
  const alternateRemarks = distinct(group.rows.map((row) => row['Alternate Remarks']));
  if (addressRemarks.length) extra.addressRemarks = addressRemarks;
  if (alternateRemarks.length) extra.alternateRemarks = alternateRemarks;

  const record: RegisterRecord = {
    id: cslLegacyId(list.key, group.key),
    source: US_TRADE_CSL_ID,
    list: list.name,
    kind,
    name,
    aliases: distinct(group.rows.map((row) => row['Alternate Name'])).filter((alias) => alias !== name),
    countries: [...countries],
    addresses,
    programs: distinct(group.rows.flatMap((row) => row.Programs.split(';'))),
    links: distinct(group.rows.map((row) => row['Web Link'])),
    extra,
  };
  if (listedOn) record.listedOn = listedOn;
  const remarks = distinct(group.rows.map((row) => row['Remarks/Notes']));
  if (remarks.length) record.remarks = remarks.join('; ');
  return record;
}

function legacyRowFromCells(cells: readonly string[], at: readonly number[]): CslLegacyRow {
  const row = {} as CslLegacyRow;
  CSL_LEGACY_COLUMNS.forEach((column, i) => {
    row[column] = cells[at[i]!] ?? '';
  });
  return row;
}

async function* parseCslLegacyCsv(input: ParseInput, context: ParseContext): AsyncGenerator<RegisterRecord> {
  const fileName = input.main.name;
  const fail = (reason: string): SourceFormatError => new SourceFormatError(context.sourceId, `${fileName}: ${reason}`);
  let columnIndex: number[] | undefined;
  let headerWidth = 0;
  let namedWidth = 0;
  let rowNumber = 0;
  // The rows of one entry need not be adjacent, so the whole file is grouped before any record is
  // made (the Entity List of 2015 was a few MB).
  const groups = new Map<string, LegacyGroup>();
  for await (const cells of readDelimitedRows(input.main, {
    sourceId: context.sourceId,
    delimiter: ',',
    ending: 'line-end',
  })) {
    if (!columnIndex) {
      const header = cells.map((c) => c.trim());
      const missing = CSL_LEGACY_COLUMNS.filter((column) => !header.includes(column));
      if (missing.length > 0) throw fail(`unknown layout: header lacks ${missing.join(', ')}`);
      const unknown = header.filter((h) => h && !(CSL_LEGACY_COLUMNS as readonly string[]).includes(h));
      if (unknown.length > 0) context.warn(`columns not read: ${unknown.join(', ')}`);
      columnIndex = CSL_LEGACY_COLUMNS.map((column) => header.indexOf(column));
      headerWidth = header.length;
      // Rows stop after the last named column; the header's unnamed trailing columns may be absent.
      namedWidth = header.reduce((last, h, i) => (h ? i + 1 : last), 0);
      continue;
    }
    rowNumber++;
    if (cells.length < namedWidth || cells.length > headerWidth) {
      throw fail(
        `truncated or malformed: row ${rowNumber} has ${cells.length} cells, the header ${namedWidth} named (${headerWidth} in all)`,
      );
    }
    if (cells.slice(namedWidth).some((cell) => cell.trim() !== ''))
      throw fail(`malformed: row ${rowNumber} has text under an unnamed column`);
    const row = legacyRowFromCells(cells, columnIndex);
    if (!cleanText(row.Name) || !cleanText(row['Source List'])) {
      const missing = [!cleanText(row.Name) && 'Name', !cleanText(row['Source List']) && 'Source List']
        .filter(Boolean)
        .join(', ');
      context.warn(`row ${rowNumber} without ${missing} skipped`);
      continue;
    }
    const key = cslLegacyKey(row);
    const group = groups.get(key);
    if (group) group.rows.push(row);
    else groups.set(key, { key, where: `row ${rowNumber}`, rows: [row] });
  }
  if (!columnIndex) throw fail('no header row');
  const state = newState();
  for (const group of groups.values()) yield cslRecordFromLegacyGroup(group, context, state);
}

export const cslLegacyCsvFormat: SourceFormat = {
  id: 'csl-legacy-csv',
  description:
    'Consolidated Screening List / Entity List CSV of 2015 (header "Source List,Entity Number,SDN Type,…"; one row per entity, address and alternate name, no id)',
  sniff: (head) =>
    (head.split(/\r?\n/, 1)[0] ?? '')
      .replace(/"/g, '')
      .replace(/^\ufeff|^\u00ef\u00bb\u00bf/, '')
      .startsWith(LEGACY_HEADER_START),
  parse: parseCslLegacyCsv,
};

export const usTradeCsl: RegisterSource = {
  id: US_TRADE_CSL_ID,
  title: 'Consolidated Screening List',
  publisher: 'International Trade Administration (US Department of Commerce)',
  jurisdiction: 'US',
  kind: 'register',
  downloads: [
    {
      url: 'https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv',
      format: 'csl-csv',
      serves: 'every list of the CSL as one CSV (about 16 MB in 2026, no API key); strong ETag and Last-Modified',
    },
    {
      url: 'https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.json',
      format: 'csl-json',
      serves:
        'the same records as JSON objects under "results" (about 34 MB in 2026, no API key); strong ETag and Last-Modified',
    },
  ],
  formats: [cslCsvFormat, cslJsonFormat, cslLegacyCsvFormat],
  // Rebuilt daily (trade.gov) with hourly imports from the agencies. The CSL is where Entity List
  // additions show up in a machine-readable list, so it is polled like the others: an unchanged
  // file costs one conditional GET answered 304.
  schedule: 'rate(5 minutes)',
  // 14,160 rows in May 2022 and about 25,800 in mid-2026, growing with every Russia and China package.
  // A broken download falls far below 10,000; more than 80,000 would mean the file holds something
  // else. The largest real removal seen is a few hundred rows (DPL expiries); 10 % is ~2,500 rows.
  expectedRecords: { min: 10_000, max: 80_000, maxDropFraction: 0.1 },
  homepage: 'https://www.trade.gov/consolidated-screening-list',
};
