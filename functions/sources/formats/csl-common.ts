/**
 * The Consolidated Screening List's current layout, shared by its CSV and JSON downloads: the 29
 * columns, the lists and their keys, and one row mapped to a record (us-trade-csl.ts says what is odd
 * about the data).
 */
import { countryCode } from '../../core/countries.ts';
import { SourceFormatError } from '../../core/errors.ts';
import { cleanText, type ExtraFields, type RecordKind, type RegisterRecord } from '../../core/records.ts';
import { ISO_DATE, clean, uniqueNonEmpty } from '../helpers.ts';
import type { ParseContext } from '../types.ts';

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

export interface CslList {
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

export const KINDS: Readonly<Record<string, RecordKind>> = {
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

export interface CslParseState {
  readonly lists: Map<string, { list: CslList; code: string }>;
}

export function newState(): CslParseState {
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

export function splitList(cell: string): string[] {
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
