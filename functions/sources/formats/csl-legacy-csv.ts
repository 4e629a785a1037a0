/** The Consolidated Screening List / Entity List CSV of 2015: one row per entity × address × alias, no id. */
import { createHash } from 'node:crypto';
import { countryCode } from '../../core/countries.ts';
import { SourceFormatError } from '../../core/errors.ts';
import { cleanText, type ExtraFields, type RecordKind, type RegisterRecord } from '../../core/records.ts';
import { ISO_DATE, clean } from '../helpers.ts';
import { readDelimitedRows } from '../read/delimited-text.ts';
import type { ParseContext, ParseInput, SourceFormat } from '../types.ts';
import { CSL_LISTS, KINDS, US_TRADE_CSL_ID, newState, type CslList, type CslParseState } from './csl-common.ts';

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
