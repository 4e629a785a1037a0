/**
 * DFAT's Consolidated List as XLSX, in both layouts (au-dfat.ts says what is odd about the data):
 * 12 columns until 2025 (regulation8_consolidated.xlsx), 19 since (Australian_Sanctions_
 * Consolidated_List.xlsx). One row per name; a designation is every row whose Reference has the
 * same leading number.
 */
import nationalityNames from 'i18n-nationality/langs/en.json' with { type: 'json' };
import { countryCode } from '../../core/countries.ts';
import { SourceFormatError } from '../../core/errors.ts';
import type { RecordKind, RegisterRecord } from '../../core/records.ts';
import { clean, putExtra } from '../helpers.ts';
import type { ParseContext, ParseInput, SourceFormat } from '../types.ts';
import { looksLikeXlsx, readXlsxRows } from './xlsx-sheet.ts';

export const AU_DFAT_ID = 'au-dfat';
export const AU_DFAT_LIST = 'Australian Consolidated List';

const REQUIRED_COLUMNS = [
  'Reference',
  'Name of Individual or Entity',
  'Type',
  'Name Type',
  'Date of Birth',
  'Place of Birth',
  'Citizenship',
  'Address',
  'Additional Information',
  'Listing Information',
  'Committees',
  'Control Date',
] as const;
/** Columns of the 19-column layout (2025 on). */
const OPTIONAL_COLUMNS = [
  'Alias Strength',
  'IMO Number',
  'Instrument of Designation',
  'Targeted Financial Sanction',
  'Travel Ban',
  'Arms Embargo',
  'Maritime Restriction',
] as const;
type Column = (typeof REQUIRED_COLUMNS)[number] | (typeof OPTIONAL_COLUMNS)[number];
/** The 0/1 columns of the 19-column layout, each a measure the record lists when it is 1. */
const MEASURE_COLUMNS = ['Targeted Financial Sanction', 'Travel Ban', 'Arms Embargo', 'Maritime Restriction'] as const;

type NameRole = 'primary' | 'alias' | 'original script' | 'former';
/** Name Type, trimmed and lower-cased: the 2024 file writes it 17 ways ("Aka ", "primary Name", ...). */
const NAME_ROLES: Readonly<Record<string, NameRole>> = {
  'primary name': 'primary',
  aka: 'alias',
  alias: 'alias',
  'original script': 'original script',
  'formerly known as': 'former',
  'previously listed as': 'former',
};
const KINDS: Readonly<Record<string, RecordKind>> = {
  individual: 'person',
  entity: 'organization',
  vessel: 'vessel',
};
/** Placeholders DFAT writes for "none" in Address and Citizenship. */
const NONE = new Set(['na', 'n/a', '-', 'none', 'unknown']);
/**
 * Citizenship spellings that countryCode() and i18n-nationality's English demonyms do not know:
 * DFAT mixes country names with demonyms ("Iran", "Iranian", "North Korean") and truncated names
 * ("United Kingdom of Great Britain").
 */
const CITIZENSHIP_SPELLINGS: ReadonlyMap<string, string> = new Map([
  ...Object.entries(nationalityNames.nationalities).map(([code, name]) => [name.toLowerCase(), code] as const),
  ['united kingdom of great britain', 'GB'],
  ['democratic peoples republic of korea', 'KP'],
  ['dprk', 'KP'],
  ['north korean', 'KP'],
  ['congolese', 'CD'],
  ['saudi arabian', 'SA'],
  ['saudi', 'SA'],
  ['yemeni', 'YE'],
  ['palestine', 'PS'],
  ['palestinian', 'PS'],
  ['uzbekistani', 'UZ'],
  ['belarussian', 'BY'],
  ['slovak republic', 'SK'],
  ['guinea-bisau', 'GW'],
  ['swiss', 'CH'],
  ['serbian', 'RS'],
  ['croatian', 'HR'],
  ['montenegrin', 'ME'],
  ['trinidad and tobago', 'TT'],
  ['bosnia and herzegovina', 'BA'],
  ['uzbek', 'UZ'],
  ['afghani', 'AF'],
  ['slovak', 'SK'],
  ['democratic republic of congo', 'CD'],
  ['ukranian', 'UA'],
]);

function citizenshipCode(value: string): string | undefined {
  const text = clean(value)
    .replace(/^(?:[a-h]\)\s*)/, '')
    .replace(/[.]+$/, '');
  if (!text || NONE.has(text.toLowerCase())) return undefined;
  return countryCode(text) ?? CITIZENSHIP_SPELLINGS.get(text.toLowerCase().replace(/[’']/g, ''));
}

/** The country codes in a Citizenship cell: "Russia, Ukraine", "Somalia: Sweden", "a) Iraq b) Jordan". */
export function citizenshipCodes(cell: string): string[] {
  return cell
    .split(/[,;:/]|\s[a-h]\)\s|\band\b(?! (?:tobago|herzegovina)\b)/i)
    .map(citizenshipCode)
    .filter((code): code is string => code !== undefined);
}

const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

/**
 * An Excel serial date (days since 1899-12-30) as yyyy-mm-dd; other text as written. A number below
 * 3000 is a year typed as a number (DFAT has dates of birth "1955" stored as numbers; as a serial it
 * would be a day in 1905-1908, which no date of birth or control date on the list is).
 */
export function excelDate(value: string): string {
  const text = clean(value);
  if (!/^\d{1,6}$/.test(text)) return text;
  const serial = Number(text);
  if (serial < 3000) return text;
  return new Date(EXCEL_EPOCH + serial * 86_400_000).toISOString().slice(0, 10);
}

interface Designation {
  readonly base: string;
  readonly references: string[];
  /** Each name once, with its role, in sheet order. */
  readonly names: { name: string; role: NameRole; reference: string; weak: boolean }[];
  readonly types: Set<string>;
  readonly fields: Map<string, Set<string>>;
}

function add(designation: Designation, field: string, value: string): void {
  const text = clean(value);
  if (!text) return;
  let set = designation.fields.get(field);
  if (!set) designation.fields.set(field, (set = new Set()));
  set.add(text);
}

function values(designation: Designation, field: string): string[] {
  return [...(designation.fields.get(field) ?? [])];
}

function build(designation: Designation, context: ParseContext): RegisterRecord {
  const label = `Reference ${designation.base}`;
  const primaries = designation.names.filter((n) => n.role === 'primary');
  // The name on the row whose Reference is the base number itself ("2", not "2a") wins when there
  // are two primary names or none: that row is the designation's, and stays so when aliases move.
  const onBaseRow = designation.names.find((n) => n.reference === designation.base);
  let primary = primaries.length === 1 ? primaries[0] : undefined;
  if (!primary) {
    primary =
      (onBaseRow && primaries.includes(onBaseRow) ? onBaseRow : primaries[0]) ?? onBaseRow ?? designation.names[0]!;
    context.warn(
      primaries.length === 0
        ? `${label} has no Primary Name row: named "${primary.name}" from its first row`
        : `${label} has ${primaries.length} Primary Name rows: named "${primary.name}", the others read as aliases`,
    );
  }
  const types = [...designation.types];
  let kind: RecordKind = 'other';
  if (types.length === 1) kind = KINDS[types[0]!] ?? 'other';
  if (types.length !== 1 || kind === 'other')
    context.warn(`${label} has Type ${types.length ? types.map((t) => `"${t}"`).join(', ') : 'none'}: read as other`);

  const extra: RegisterRecord['extra'] = {};
  putExtra(extra, 'references', designation.references);
  putExtra(
    extra,
    'originalScriptNames',
    designation.names.filter((n) => n.role === 'original script').map((n) => n.name),
  );
  putExtra(
    extra,
    'formerNames',
    designation.names.filter((n) => n.role === 'former').map((n) => n.name),
  );
  putExtra(
    extra,
    'weakAliases',
    designation.names.filter((n) => n.weak).map((n) => n.name),
  );
  for (const [key, field] of [
    ['datesOfBirth', 'Date of Birth'],
    ['placesOfBirth', 'Place of Birth'],
    ['citizenship', 'Citizenship'],
    ['listingInformation', 'Listing Information'],
    ['imoNumbers', 'IMO Number'],
    ['instruments', 'Instrument of Designation'],
    ['measures', 'measures'],
  ] as const)
    putExtra(extra, key, values(designation, field));
  putExtra(extra, 'controlDate', values(designation, 'Control Date').sort().at(-1));

  const addresses = values(designation, 'Address');
  const countries = [...new Set(values(designation, 'Citizenship').flatMap(citizenshipCodes))];
  const name = primary.name;
  const aliases = designation.names.filter((n) => n !== primary && n.name !== name).map((n) => n.name);
  const programs = values(designation, 'Committees');
  return {
    id: designation.base,
    source: AU_DFAT_ID,
    list: AU_DFAT_LIST,
    kind,
    name,
    aliases,
    countries,
    addresses,
    programs,
    remarks: values(designation, 'Additional Information').join(' | '),
    links: [],
    extra,
  };
}

async function* parseDfatXlsx(input: ParseInput, context: ParseContext): AsyncGenerator<RegisterRecord> {
  const fileName = input.main.name;
  const fail = (reason: string): SourceFormatError => new SourceFormatError(context.sourceId, `${fileName}: ${reason}`);
  let at: Map<Column, number> | undefined;
  const designations = new Map<string, Designation>();
  const warnedRoles = new Set<string>();
  for await (const row of readXlsxRows(input.main, { sourceId: context.sourceId })) {
    if (!at) {
      const header = row.cells.map((c) => clean(c));
      const missing = REQUIRED_COLUMNS.filter((column) => !header.includes(column));
      if (missing.length > 0) throw fail(`unknown layout: the first row lacks ${missing.join(', ')}`);
      const known: readonly string[] = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS];
      const unknown = header.filter((h) => h && !known.includes(h));
      if (unknown.length > 0) context.warn(`columns not read: ${unknown.join(', ')}`);
      at = new Map(known.map((c) => [c as Column, header.indexOf(c)] as const).filter(([, i]) => i >= 0));
      continue;
    }
    const columns = at;
    const cell = (column: Column): string => {
      const index = columns.get(column);
      return index === undefined ? '' : (row.cells[index] ?? '');
    };
    if (row.cells.every((c) => clean(c) === '')) continue;
    const reference = clean(cell('Reference'));
    const base = /^\d+/.exec(reference)?.[0];
    if (!base) {
      context.warn(`row ${row.number} has no Reference beginning with a number ("${reference}"): skipped`);
      continue;
    }
    let designation = designations.get(base);
    if (!designation) {
      designation = { base, references: [], names: [], types: new Set(), fields: new Map() };
      designations.set(base, designation);
    }
    designation.references.push(reference);
    const name = clean(cell('Name of Individual or Entity'));
    const nameType = clean(cell('Name Type')).toLowerCase();
    let role = NAME_ROLES[nameType];
    if (!role) {
      role = 'alias';
      if (!warnedRoles.has(nameType)) {
        warnedRoles.add(nameType);
        context.warn(
          `unknown Name Type "${clean(cell('Name Type'))}" (row ${row.number}): the name is read as an alias`,
        );
      }
    }
    if (name && !designation.names.some((n) => n.name === name && n.role === role))
      designation.names.push({
        name,
        role,
        reference,
        weak: clean(cell('Alias Strength')).toLowerCase() === 'weak',
      });
    const type = clean(cell('Type')).toLowerCase();
    if (type) designation.types.add(type);
    add(designation, 'Date of Birth', excelDate(cell('Date of Birth')));
    add(designation, 'Control Date', excelDate(cell('Control Date')));
    for (const column of [
      'Place of Birth',
      'Citizenship',
      'Additional Information',
      'Listing Information',
      'Committees',
      'IMO Number',
      'Instrument of Designation',
    ] as const)
      add(designation, column, cell(column));
    const address = clean(cell('Address'));
    if (!NONE.has(address.toLowerCase())) add(designation, 'Address', address);
    for (const measure of MEASURE_COLUMNS) if (clean(cell(measure)) === '1') add(designation, 'measures', measure);
  }
  if (!at) throw fail('the sheet is empty');
  for (const designation of designations.values()) {
    if (designation.names.length === 0) {
      context.warn(`Reference ${designation.base} has no name: skipped`);
      continue;
    }
    yield build(designation, context);
  }
}

export const dfatXlsxFormat: SourceFormat = {
  id: 'au-dfat-xlsx',
  description:
    'DFAT Consolidated List, XLSX (one row per name, grouped by the number the Reference starts with; 12 columns until 2025, 19 since)',
  sniff: looksLikeXlsx,
  parse: parseDfatXlsx,
};
