/**
 * UK Sanctions List (FCDO): every designation under the Sanctions and Anti-Money Laundering Act
 * 2018 — persons, entities and ships, with the measures that apply (asset freeze, travel ban, trade,
 * transport, director disqualification). Since 28 January 2026 it is the only official UK list:
 * OFSI's Consolidated List of Asset Freeze Targets (ConList.csv) was closed that day.
 *
 * What is odd about this publisher's data:
 * - Two publications, two keys. The FCDO XML has one `Designation` per designation, keyed by
 *   `UniqueID` ("RUS0001": a regime prefix and a number), and carries OFSI's `OFSIGroupID` where
 *   OFSI had the target. OFSI's CSV has one row per name (and per date of birth, per address ...),
 *   grouped by `Group ID`, with no UniqueID column; files of the UK Sanctions List era (2021 on)
 *   write the UniqueID only inside Other Information ("(UK Sanctions List Ref):RUS0296 ..."), and
 *   older ones (2018, 2020) not at all. The ids cannot be made the same: one OFSI group can be
 *   several designations (a person under two regimes has one Group ID and two UniqueIDs, "GHR0050
 *   and BEL0045"), many designations have no Group ID (ships, trade- or immigration-only
 *   designations, and presumably those made after OFSI's list closed), and old groups have no
 *   UniqueID. (In the trimmed 2026 sample, another project's test file, AQD0195 carries OFSIGroupID
 *   6899, which is another person's group in the 2020 CSV: edited upstream or not, the link is no
 *   join key to rely on.) So the XML record id is the UniqueID and the CSV record id is the Group
 *   ID (numeric: the two id spaces never collide); each record keeps the other key in extra
 *   (`ofsiGroupId`; `ukSanctionsListRefs`). A diff from a CSV version to an XML version therefore
 *   replaces every record, which the drop guard holds for a human.
 * - The CSV repeats a group's rows across the file (821 of 2,106 groups in 2018 are not
 *   contiguous), so a group is complete only at the end of the file: the CSV is read as a stream
 *   but its records are emitted after the last row, in Group ID order. The XML is streamed record
 *   by record.
 * - The CSV is windows-1252 (curly quotes 0x91-0x94), with CRLF (2020) or LF (2018, re-saved
 *   upstream), a "Last Updated,dd/mm/yyyy" line above the header (padded with commas in 2018),
 *   and names with stray leading spaces. The bytes are read as UTF-8 when valid, windows-1252
 *   otherwise. The publication date on the first line is never copied into a record.
 * - Names are split over Name 1 … Name 5 (given names) and Name 6 (surname or the whole entity
 *   name); the record name is Name 1 … Name 5 then Name 6. The XML marks each name `Primary Name`,
 *   `Primary Name Variation` or `Alias` (with `AliasStrength` "Good/Low quality a.k.a"); the CSV's
 *   Alias Type is `Prime Alias` (2018-2020) or `Primary name` (2022 layout), `AKA`, `FKA`,
 *   `Primary name variation`. A group or designation without a primary name, or with two, is kept
 *   (with a warning) under the alphabetically first candidate, so that no real designation is
 *   dropped as if delisted.
 * - Multi-valued CSV cells are numbered in prose: "(1) Saudi Arabian (2) Yemeni", "1) Uzbek 2)
 *   Afghan", "a) … b) …"; nationalities are demonyms ("Afghan", "Tunisian"). The cells are kept as
 *   written in extra; countries are read from the split items (names, demonyms, ISO codes).
 * - Dates are dd/mm/yyyy; dates of birth may be partial ("00/00/1980" in the CSV, "dd/mm/1945" in
 *   the XML) and are kept as written. `listedOn` is DateDesignated (XML) or the earliest Listed On of
 *   the group (CSV). `DateGenerated` (XML) is never copied into a record.
 * - `SanctionsImposedIndicators` repeats `SanctionsImposed` as booleans and is not read.
 * - programs = the regime as each publication names it: "The Russia (Sanctions) (EU Exit)
 *   Regulations 2019" (XML RegimeName) or "Russia" (CSV Regime).
 */
import { countryCode } from '../core/countries.ts';
import { SourceFormatError } from '../core/errors.ts';
import { cleanText, type ExtraFields, type RecordKind, type RegisterRecord } from '../core/records.ts';
import { readDelimitedRows } from './read/delimited-text.ts';
import { xmlRecordFormat } from './read/xml-records.ts';
import type { XmlElement } from './read/xml-stream.ts';
import type { ParseContext, ParseInput, RegisterSource, SourceFormat } from './types.ts';
import { clean, joinParts } from './helpers.ts';

export const UK_SANCTIONS_LIST_ID = 'uk-sanctions-list';
export const UK_SANCTIONS_LIST_NAME = 'UK Sanctions List';
/** The list name of records read from OFSI's consolidated CSV (history before 28 January 2026). */
export const OFSI_CONSOLIDATED_LIST_NAME = 'OFSI Consolidated List';

const KINDS: Readonly<Record<string, RecordKind>> = { individual: 'person', entity: 'organization', ship: 'vessel' };
const UK_DATE = /^(\d{2})\/(\d{2})\/(\d{4})$/;

/**
 * Demonyms and UK spellings that countryCode() does not know, as OFSI and the FCDO write them.
 * Qualified values ("Possibly Ethiopian", "Bahrain (citizenship revoked in January 2015)") are left
 * out on purpose: they do not state one current nationality.
 */
const UK_COUNTRY_SPELLINGS: Readonly<Record<string, string>> = {
  afghan: 'AF',
  algerian: 'DZ',
  american: 'US',
  australian: 'AU',
  bahraini: 'BH',
  bangladeshi: 'BD',
  belarusian: 'BY',
  belgian: 'BE',
  'bosnia and herzegovinan': 'BA',
  british: 'GB',
  burmese: 'MM',
  burundian: 'BI',
  canadian: 'CA',
  'central african': 'CF',
  chadian: 'TD',
  chinese: 'CN',
  congolese: 'CD',
  danish: 'DK',
  dutch: 'NL',
  egyptian: 'EG',
  emirati: 'AE',
  eritrean: 'ER',
  ethiopian: 'ET',
  filipino: 'PH',
  french: 'FR',
  german: 'DE',
  guinean: 'GN',
  'bissau-guinean': 'GW',
  indian: 'IN',
  indonesian: 'ID',
  iranian: 'IR',
  iraqi: 'IQ',
  irish: 'IE',
  israeli: 'IL',
  italian: 'IT',
  jordanian: 'JO',
  kenyan: 'KE',
  kosovan: 'XK',
  kuwaiti: 'KW',
  lebanese: 'LB',
  libyan: 'LY',
  malaysian: 'MY',
  malian: 'ML',
  mauritanian: 'MR',
  moroccan: 'MA',
  nigerian: 'NG',
  nigerien: 'NE',
  'north korean': 'KP',
  omani: 'OM',
  pakistani: 'PK',
  palestinian: 'PS',
  philippine: 'PH',
  qatari: 'QA',
  russian: 'RU',
  rwandan: 'RW',
  saudi: 'SA',
  'saudi arabian': 'SA',
  senegalese: 'SN',
  serbian: 'RS',
  somali: 'SO',
  'south sudanese': 'SS',
  spanish: 'ES',
  sudanese: 'SD',
  swedish: 'SE',
  swiss: 'CH',
  syrian: 'SY',
  tanzanian: 'TZ',
  trinidadian: 'TT',
  tunisian: 'TN',
  turkish: 'TR',
  ugandan: 'UG',
  ukrainian: 'UA',
  uzbek: 'UZ',
  venezuelan: 'VE',
  yemeni: 'YE',
  zimbabwean: 'ZW',
  dprk: 'KP',
  drc: 'CD',
  rdc: 'CD',
  'democratic peoples republic of korea': 'KP',
  'libyan arab jamahiriya': 'LY',
  'sultanate of oman': 'OM',
  'union of the comoros': 'KM',
  'british virgin islands': 'VG',
  'democratic people’s republic of korea': 'KP',
  georgian: 'GE',
  norwegian: 'NO',
  'congo (democratic republic)': 'CD',
  'democratic republic of the congo': 'CD',
  'myanmar (burma)': 'MM',
  'occupied palestinian territories': 'PS',
  'st kitts and nevis': 'KN',
  'st lucia': 'LC',
  'st vincent': 'VC',
  'the gambia': 'GM',
};

export function ukCountryCode(value: string): string | undefined {
  const text = cleanText(value).replace(/[.,;]+$/, '');
  if (!text) return undefined;
  return countryCode(text) ?? UK_COUNTRY_SPELLINGS[text.toLowerCase()];
}

/** "(1) Saudi Arabian (2) Yemeni", "1) Uzbek 2) Afghan", "a) x b) y" → the items. */
export function splitNumbered(cell: string): string[] {
  return cell
    .split(/\s*\(?\b(?:\d{1,2}|[a-h])\)\s*/)
    .map((part) =>
      cleanText(part)
        .replace(/^[-,;.]+|[,;]+$/g, '')
        .trim(),
    )
    .filter((part) => part.length > 0);
}

/** dd/mm/yyyy → yyyy-mm-dd when it is a full calendar date; '' otherwise. */
function isoDate(value: string): string {
  const match = UK_DATE.exec(value);
  if (!match) return '';
  const [day, month, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return '';
  return `${match[3]}-${match[2]}-${match[1]}`;
}

/** Name 1 … Name 5, then Name 6. */
function composeName(parts: readonly string[]): string {
  return joinParts([...parts.slice(1, 6), parts[0] ?? ''].map(clean), ' ');
}

function kindOf(value: string, context: ParseContext, where: string): RecordKind {
  const kind = KINDS[value.toLowerCase()];
  if (!kind)
    throw new SourceFormatError(
      context.sourceId,
      `${where}: unknown type "${value}" (expected Individual, Entity or Ship)`,
    );
  return kind;
}

/** Collects one designation or group; both publications fill it and `build` makes the record. */
class DesignationDraft {
  readonly primaryNames = new Set<string>();
  readonly otherNames = new Set<string>();
  readonly countries = new Set<string>();
  readonly addresses: string[] = [];
  readonly programs = new Set<string>();
  readonly listedOn: string[] = [];
  readonly extra: ExtraFields = {};
  readonly remarks: string[] = [];

  /**
   * Countries named in a cell. `place`: an address or birth country, where a trailing note in
   * parentheses ("Afghanistan (previous address)", "Kuwait (at time of listing)") still names the
   * country; a nationality keeps its note ("Bahrain (citizenship revoked in January 2015)").
   */
  addCountries(value: string, place = false): void {
    for (const item of splitNumbered(value)) {
      const code = ukCountryCode(place ? item.replace(/\s*\([^()]*\)\.?$/, '') : item);
      if (code) this.countries.add(code);
    }
  }

  addExtra(key: string, value: string): void {
    const text = clean(value);
    if (!text) return;
    const list = this.extra[key];
    if (Array.isArray(list)) {
      if (!list.includes(text)) list.push(text);
    } else this.extra[key] = [text];
  }

  setExtra(key: string, value: string): void {
    const text = clean(value);
    if (text) this.extra[key] = text;
  }

  addAddress(parts: readonly string[]): void {
    const line = joinParts(parts.map(clean));
    if (line && !this.addresses.includes(line)) this.addresses.push(line);
  }

  addRemark(value: string): void {
    const text = clean(value);
    if (text && !this.remarks.includes(text)) this.remarks.push(text);
  }

  build(id: string, list: string, kind: RecordKind, context: ParseContext, where: string): RegisterRecord | undefined {
    const primaries = [...this.primaryNames].sort();
    let name = primaries[0];
    if (primaries.length > 1)
      context.warn(
        `${where} has ${primaries.length} primary names (${primaries.join(' | ')}): "${name}" used, the others kept as aliases`,
      );
    if (!name) {
      name = [...this.otherNames].sort()[0];
      if (!name) {
        context.warn(`${where} has no name: skipped`);
        return undefined;
      }
      context.warn(`${where} has no primary name: "${name}" used`);
    }
    const aliases = [...new Set([...primaries, ...this.otherNames])].filter((n) => n !== name);
    const record: RegisterRecord = {
      id,
      source: UK_SANCTIONS_LIST_ID,
      list,
      kind,
      name,
      aliases,
      countries: [...this.countries],
      addresses: this.addresses,
      programs: [...this.programs],
      links: [],
      extra: this.extra,
    };
    const listedOn = [...this.listedOn].sort()[0];
    if (listedOn) record.listedOn = listedOn;
    // Sorted: the CSV repeats Other Information on every row of a group, in no meaningful order.
    const remarks = [...this.remarks].sort().join(' ');
    if (remarks) record.remarks = remarks;
    return record;
  }
}

// ---------------------------------------------------------------------------------------------
// FCDO XML

/** Trimmed text of the first child with that name ('' when absent). */
function childText(element: XmlElement, name: string): string {
  for (const c of element.children) if (c.name === name) return clean(c.text);
  return '';
}

/** Texts of the leaves under a container: `<Titles><Title>a</Title><Title>b</Title></Titles>` → [a, b]. */
function leafTexts(element: XmlElement | undefined): string[] {
  if (!element) return [];
  const out: string[] = [];
  for (const c of element.children) {
    const text = clean(c.text);
    if (text) out.push(text);
  }
  return out;
}

/** One line from the leaves of a compound item (a passport: number and additional information). */
function compoundText(element: XmlElement, separator: string): string {
  return joinParts(
    element.children.map((c) => clean(c.text)),
    separator,
  );
}

/**
 * Detail containers under Individual, Entity and Ship: container → extra key. Each holds leaves
 * (`<DOBs><DOB>`) or compound items (`<PassportDetails><Passport><PassportNumber>…`).
 * A container not named here is still read, under its own name in lower camel case.
 */
const DETAIL_KEYS: Readonly<Record<string, string>> = {
  DOBs: 'datesOfBirth',
  Nationalities: 'nationalities',
  Genders: 'genders',
  Positions: 'positions',
  PassportDetails: 'passports',
  NationalIdentifierDetails: 'nationalIds',
  BirthDetails: 'placesOfBirth',
  TypeOfEntities: 'entityTypes',
  BusinessRegistrationNumbers: 'registrationNumbers',
  ParentCompanies: 'parentCompanies',
  Subsidiaries: 'subsidiaries',
  IMONumbers: 'imoNumbers',
  CurrentOwnerOperators: 'ownerOperators',
  CurrentBelievedFlagOfShips: 'flags',
  PreviousFlags: 'previousFlags',
  TypeOfShipDetails: 'shipTypes',
  TonnageOfShipDetails: 'tonnage',
  LengthOfShipDetails: 'length',
};

/** Containers whose items name a country. */
const COUNTRY_CONTAINERS: ReadonlySet<string> = new Set(['Nationalities', 'CurrentBelievedFlagOfShips']);

function lowerCamel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function readDetails(holder: XmlElement | undefined, draft: DesignationDraft): void {
  // <IndividualDetails><Individual>…</Individual></IndividualDetails>, the same for Entity and Ship.
  for (const item of holder?.children ?? []) {
    for (const container of item.children) {
      const key = DETAIL_KEYS[container.name] ?? lowerCamel(container.name);
      for (const entry of container.children) {
        if (entry.children.length === 0) {
          draft.addExtra(key, entry.text);
          if (COUNTRY_CONTAINERS.has(container.name)) draft.addCountries(clean(entry.text));
        } else {
          draft.addExtra(key, compoundText(entry, container.name === 'BirthDetails' ? ', ' : '; '));
          if (container.name === 'BirthDetails') draft.addCountries(childText(entry, 'CountryOfBirth'), true);
        }
      }
    }
  }
}

/** Top-level Designation elements read below; anything else is warned about once. */
const READ_XML: ReadonlySet<string> = new Set([
  'LastUpdated',
  'DateDesignated',
  'UniqueID',
  'OFSIGroupID',
  'UNReferenceNumber',
  'Names',
  'NonLatinNames',
  'Titles',
  'RegimeName',
  'IndividualEntityShip',
  'DesignationSource',
  'SanctionsImposed',
  'SanctionsImposedIndicators',
  'OtherInformation',
  'UKStatementofReasons',
  'Addresses',
  'PhoneNumbers',
  'EmailAddresses',
  'Websites',
  'IndividualDetails',
  'EntityDetails',
  'ShipDetails',
]);

interface XmlParseState {
  readonly unread: Set<string>;
}

/** Maps one `Designation`; undefined (with a warning) when it has no UniqueID, type or name. */
export function ukRecordFromDesignation(
  element: XmlElement,
  context: ParseContext,
  state: XmlParseState = { unread: new Set() },
): RegisterRecord | undefined {
  const id = childText(element, 'UniqueID');
  if (!id) {
    context.warn(`Designation without UniqueID skipped (OFSIGroupID "${childText(element, 'OFSIGroupID')}")`);
    return undefined;
  }
  const type = childText(element, 'IndividualEntityShip');
  if (!type) {
    context.warn(`Designation ${id} has no IndividualEntityShip: skipped`);
    return undefined;
  }
  const kind = kindOf(type, context, `Designation ${id}`);
  const draft = new DesignationDraft();
  const byName = new Map<string, XmlElement>();
  for (const c of element.children) {
    if (!byName.has(c.name)) byName.set(c.name, c);
    if (!READ_XML.has(c.name) && !state.unread.has(c.name)) {
      state.unread.add(c.name);
      context.warn(`<${c.name}> inside <Designation> is not read (a new element in the publisher's layout?)`);
    }
  }

  for (const nameElement of byName.get('Names')?.children ?? []) {
    const parts = ['Name6', 'Name1', 'Name2', 'Name3', 'Name4', 'Name5'].map((n) => childText(nameElement, n));
    const name = composeName(parts);
    if (!name) continue;
    const nameType = childText(nameElement, 'NameType').toLowerCase();
    if (nameType === 'primary name') draft.primaryNames.add(name);
    else {
      draft.otherNames.add(name);
      if (nameType === 'primary name variation') draft.addExtra('nameVariations', name);
    }
    if (/^low quality/i.test(childText(nameElement, 'AliasStrength'))) draft.addExtra('lowQualityAliases', name);
  }
  for (const nonLatin of byName.get('NonLatinNames')?.children ?? []) {
    const name = childText(nonLatin, 'NameNonLatinScript');
    if (!name) continue;
    draft.otherNames.add(name);
    draft.addExtra('nonLatinNames', joinParts([name, childText(nonLatin, 'NonLatinScriptLanguage')], ' — '));
  }

  const regime = childText(element, 'RegimeName');
  if (regime) draft.programs.add(regime);
  const designated = isoDate(childText(element, 'DateDesignated'));
  if (designated) draft.listedOn.push(designated);
  else draft.setExtra('dateDesignated', childText(element, 'DateDesignated'));
  const lastUpdated = childText(element, 'LastUpdated');
  draft.setExtra('lastUpdated', isoDate(lastUpdated) || lastUpdated);
  draft.setExtra('ofsiGroupId', childText(element, 'OFSIGroupID'));
  draft.setExtra('unReference', childText(element, 'UNReferenceNumber'));
  draft.setExtra('designationSource', childText(element, 'DesignationSource'));
  for (const measure of childText(element, 'SanctionsImposed').split('|')) draft.addExtra('sanctionsImposed', measure);
  draft.setExtra('statementOfReasons', childText(element, 'UKStatementofReasons'));
  draft.addRemark(childText(element, 'OtherInformation'));
  for (const title of leafTexts(byName.get('Titles'))) draft.addExtra('titles', title);
  for (const phone of leafTexts(byName.get('PhoneNumbers'))) draft.addExtra('phoneNumbers', phone);
  for (const email of leafTexts(byName.get('EmailAddresses'))) draft.addExtra('emailAddresses', email);
  for (const website of leafTexts(byName.get('Websites'))) draft.addExtra('websites', website);

  for (const address of byName.get('Addresses')?.children ?? []) {
    const country = childText(address, 'AddressCountry');
    draft.addAddress([
      ...['AddressLine1', 'AddressLine2', 'AddressLine3', 'AddressLine4', 'AddressLine5', 'AddressLine6'].map((n) =>
        childText(address, n),
      ),
      childText(address, 'AddressPostalCode'),
      country,
    ]);
    draft.addCountries(country, true);
  }
  readDetails(byName.get('IndividualDetails'), draft);
  readDetails(byName.get('EntityDetails'), draft);
  readDetails(byName.get('ShipDetails'), draft);

  return draft.build(id, UK_SANCTIONS_LIST_NAME, kind, context, `Designation ${id}`);
}

export const fcdoXmlFormat: SourceFormat = xmlRecordFormat<XmlParseState>({
  id: 'uk-sanctions-list-xml',
  description: 'FCDO UK Sanctions List XML (Designations / Designation, keyed by UniqueID)',
  root: 'Designations',
  recordElements: ['Designation'],
  newState: () => ({ unread: new Set() }),
  toRecord: ukRecordFromDesignation,
});

// ---------------------------------------------------------------------------------------------
// OFSI consolidated CSV (ConList.csv)

/** Columns every layout of ConList.csv has (2018-2020: 29 columns; 2022 layout: 36). */
const REQUIRED_COLUMNS = [
  'Name 6',
  'Name 1',
  'Name 2',
  'Name 3',
  'Name 4',
  'Name 5',
  'Group Type',
  'Alias Type',
  'Regime',
  'Listed On',
  'Group ID',
] as const;
/** Columns read when present. */
const OPTIONAL_COLUMNS = [
  'Title',
  'DOB',
  'Town of Birth',
  'Country of Birth',
  'Nationality',
  'Passport Details',
  'Passport Number',
  'NI Number',
  'National Identification Number',
  'National Identification Details',
  'Position',
  'Address 1',
  'Address 2',
  'Address 3',
  'Address 4',
  'Address 5',
  'Address 6',
  'Post/Zip Code',
  'Country',
  'Other Information',
  'Last Updated',
  'Alias Quality',
  'Name Non-Latin Script',
  'Non-Latin Script Type',
  'Non-Latin Script Language',
  'UK Sanctions List Date Designated',
] as const;
type OfsiColumn = (typeof REQUIRED_COLUMNS)[number] | (typeof OPTIONAL_COLUMNS)[number];

const PRIMARY_ALIAS_TYPES: ReadonlySet<string> = new Set(['prime alias', 'primary name']);
const KNOWN_ALIAS_TYPES: ReadonlySet<string> = new Set(['aka', 'fka', 'primary name variation']);
const UK_REFS = /\(UK Sanctions List Ref\):\s*([A-Z]{3}\d{4}(?:\s*(?:,|and)\s*[A-Z]{3}\d{4})*)/g;

/** Single cells copied to extra (each distinct value of the group). */
const CSV_EXTRA: readonly (readonly [string, OfsiColumn])[] = [
  ['titles', 'Title'],
  ['datesOfBirth', 'DOB'],
  ['nationalities', 'Nationality'],
  ['passports', 'Passport Details'],
  ['passportNumbers', 'Passport Number'],
  ['nationalIds', 'NI Number'],
  ['nationalIdNumbers', 'National Identification Number'],
  ['nationalIdDetails', 'National Identification Details'],
  ['positions', 'Position'],
];

interface Group {
  readonly draft: DesignationDraft;
  readonly types: Set<string>;
  readonly lastUpdated: string[];
}

interface Header {
  readonly at: ReadonlyMap<OfsiColumn, number>;
  readonly width: number;
}

function readHeader(
  cells: readonly string[],
  context: ParseContext,
  fail: (reason: string) => SourceFormatError,
): Header {
  const header = cells.map((c) => c.trim());
  const missing = REQUIRED_COLUMNS.filter((column) => !header.includes(column));
  if (missing.length > 0) throw fail(`unknown layout: header lacks ${missing.join(', ')}`);
  const known = new Set<string>([...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS]);
  const unknown = header.filter((h) => h && !known.has(h));
  if (unknown.length > 0) context.warn(`columns not read: ${unknown.join(', ')}`);
  const at = new Map<OfsiColumn, number>();
  for (const column of [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS]) {
    const index = header.indexOf(column);
    if (index !== -1) at.set(column, index);
  }
  return { at, width: cells.length };
}

function addRow(
  group: Group,
  cell: (column: OfsiColumn) => string,
  context: ParseContext,
  warnedAliasTypes: Set<string>,
): void {
  const { draft } = group;
  const name = composeName(
    ['Name 6', 'Name 1', 'Name 2', 'Name 3', 'Name 4', 'Name 5'].map((c) => cell(c as OfsiColumn)),
  );
  const aliasType = clean(cell('Alias Type')).toLowerCase();
  if (name) {
    if (PRIMARY_ALIAS_TYPES.has(aliasType)) draft.primaryNames.add(name);
    else {
      draft.otherNames.add(name);
      if (aliasType === 'fka') draft.addExtra('formerNames', name);
      else if (aliasType === 'primary name variation') draft.addExtra('nameVariations', name);
      else if (!KNOWN_ALIAS_TYPES.has(aliasType) && !warnedAliasTypes.has(aliasType)) {
        warnedAliasTypes.add(aliasType);
        context.warn(`unknown Alias Type "${cell('Alias Type')}": the name is read as an alias`);
      }
    }
    if (/^low/i.test(clean(cell('Alias Quality')))) draft.addExtra('lowQualityAliases', name);
  }
  const nonLatin = clean(cell('Name Non-Latin Script'));
  if (nonLatin) {
    draft.otherNames.add(nonLatin);
    draft.addExtra('nonLatinNames', joinParts([nonLatin, clean(cell('Non-Latin Script Language'))], ' — '));
  }
  group.types.add(clean(cell('Group Type')));
  const regime = clean(cell('Regime'));
  if (regime) draft.programs.add(regime);
  const listed = isoDate(clean(cell('Listed On')));
  if (listed) draft.listedOn.push(listed);
  const updated = isoDate(clean(cell('Last Updated')));
  if (updated) group.lastUpdated.push(updated);
  draft.addExtra('ukSanctionsListDatesDesignated', isoDate(clean(cell('UK Sanctions List Date Designated'))));
  for (const [key, column] of CSV_EXTRA) draft.addExtra(key, cell(column));
  draft.addCountries(cell('Nationality'));
  draft.addCountries(cell('Country of Birth'), true);
  draft.addCountries(cell('Country'), true);
  const birthPlace = joinParts([clean(cell('Town of Birth')), clean(cell('Country of Birth'))]);
  draft.addExtra('placesOfBirth', birthPlace);
  draft.addAddress([
    ...(
      [
        'Address 1',
        'Address 2',
        'Address 3',
        'Address 4',
        'Address 5',
        'Address 6',
        'Post/Zip Code',
        'Country',
      ] as const
    ).map((c) => cell(c)),
  ]);
  const other = clean(cell('Other Information'));
  draft.addRemark(other);
  for (const match of other.matchAll(UK_REFS))
    for (const ref of match[1]!.split(/\s*(?:,|and)\s*/)) draft.addExtra('ukSanctionsListRefs', ref);
}

async function* parseOfsiCsv(input: ParseInput, context: ParseContext): AsyncGenerator<RegisterRecord> {
  const fileName = input.main.name;
  const fail = (reason: string): SourceFormatError => new SourceFormatError(context.sourceId, `${fileName}: ${reason}`);
  const groups = new Map<string, Group>();
  const warnedAliasTypes = new Set<string>();
  let sawDateLine = false;
  let header: Header | undefined;
  let rowNumber = 0;
  for await (const cells of readDelimitedRows(input.main, {
    sourceId: context.sourceId,
    delimiter: ',',
    ending: 'line-end',
  })) {
    if (!sawDateLine) {
      if (clean(cells[0]) !== 'Last Updated')
        throw fail('unknown layout: the first line is not "Last Updated,dd/mm/yyyy"');
      sawDateLine = true;
      continue;
    }
    if (!header) {
      header = readHeader(cells, context, fail);
      continue;
    }
    rowNumber++;
    if (cells.length !== header.width)
      throw fail(`truncated or malformed: row ${rowNumber} has ${cells.length} cells, the header ${header.width}`);
    const at = header.at;
    const cell = (column: OfsiColumn): string => {
      const index = at.get(column);
      return index === undefined ? '' : (cells[index] ?? '');
    };
    const groupId = clean(cell('Group ID'));
    if (!/^\d+$/.test(groupId)) {
      context.warn(`row ${rowNumber} has no numeric Group ID ("${groupId}"): skipped`);
      continue;
    }
    let group = groups.get(groupId);
    if (!group) {
      group = { draft: new DesignationDraft(), types: new Set(), lastUpdated: [] };
      groups.set(groupId, group);
    }
    addRow(group, cell, context, warnedAliasTypes);
  }
  if (!header) throw fail(sawDateLine ? 'no header row' : 'no rows');

  for (const groupId of [...groups.keys()].sort((a, b) => Number(a) - Number(b))) {
    const group = groups.get(groupId)!;
    const types = [...group.types].filter((t) => t.length > 0);
    if (types.length !== 1) {
      context.warn(
        `Group ID ${groupId} has ${types.length === 0 ? 'no Group Type' : `several Group Types (${types.join(', ')})`}: skipped`,
      );
      continue;
    }
    const kind = kindOf(types[0]!, context, `Group ID ${groupId}`);
    const lastUpdated = group.lastUpdated.sort().at(-1);
    if (lastUpdated) group.draft.setExtra('lastUpdated', lastUpdated);
    const record = group.draft.build(groupId, OFSI_CONSOLIDATED_LIST_NAME, kind, context, `Group ID ${groupId}`);
    if (record) yield record;
  }
}

/** "Last Updated,dd/mm/yyyy" (possibly quoted, possibly padded with commas), then the header. */
const CONLIST_HEAD = /^"?Last Updated"?,[^\r\n]*\r?\n"?Name 6"?,/;

export const ofsiCsvFormat: SourceFormat = {
  id: 'ofsi-conlist-csv',
  description:
    'OFSI Consolidated List CSV (ConList.csv: a Last Updated line, a header, one row per name grouped by Group ID; closed 28 January 2026)',
  sniff: (head) => CONLIST_HEAD.test(head),
  parse: parseOfsiCsv,
};

export const ukSanctionsList: RegisterSource = {
  id: UK_SANCTIONS_LIST_ID,
  title: 'UK Sanctions List',
  publisher: 'Foreign, Commonwealth & Development Office (UK)',
  jurisdiction: 'GB',
  kind: 'register',
  downloads: [
    {
      // A fixed address on the FCDO's own host, which is what the gov.uk publication page
      // (homepage below) links to since 2025. The files attached to that page before
      // (assets.publishing.service.gov.uk/media/<upload id>/UK_Sanctions_List.xml, also .csv,
      // .json, .ods) change address with every upload and cannot be polled without scraping the
      // page first.
      url: 'https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml',
      format: 'uk-sanctions-list-xml',
      serves:
        'the whole UK Sanctions List (every regime; persons, entities and ships; about 6,400 designations in 2026), XML with one Designation per UniqueID; a static object reported to carry an ETag',
    },
  ],
  formats: [fcdoXmlFormat, ofsiCsvFormat],
  // UK designations take effect on publication and are often announced at any hour; the XML is a
  // static object with an ETag (reported by third parties; not observed from here), so an unchanged
  // poll is one conditional GET.
  schedule: 'rate(5 minutes)',
  // OFSI's list had about 2,100 groups in 2018-2020; the FCDO list about 5,000 designations in
  // 2025 and 6,400 in 2026. Below 2,000 is a broken or partial download; 25,000 leaves years of
  // growth. The largest real removal is a few dozen designations; 10 % is several hundred.
  expectedRecords: { min: 2_000, max: 25_000, maxDropFraction: 0.1 },
  homepage: 'https://www.gov.uk/government/publications/the-uk-sanctions-list',
};
