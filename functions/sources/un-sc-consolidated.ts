/**
 * UN Security Council Consolidated List (every UN sanctions regime in one XML file).
 *
 * What is odd about this publisher's data:
 * - The live URL (scsanctions.un.org/resources/xml/en/consolidated.xml) answers 302 to a short-lived
 *   signed Azure Blob URL (unsolprodfiles.blob.core.windows.net/.../consolidatedLegacyByPRN.xml?sv=…,
 *   seen in a 2026 crawl log). Azure Blob Storage sends ETag and Last-Modified and answers
 *   If-None-Match with 304 (its standard behaviour; not observed from here), so an unchanged poll
 *   costs a 302 and a 304.
 * - `dateGenerated` is the time the file was generated, not of the last change, and the file is
 *   regenerated regularly. It is never copied into a record, so a regeneration is not a change.
 * - Two layouts carry the same data: up to 2022 one INDIVIDUAL per line with every empty element
 *   written out (`<THIRD_NAME/>`, `<SORT_KEY/>`), and in the 2026 file `standalone="yes"`, one element
 *   per line, a UTC timestamp, and most empty elements left out. A record is built only from text
 *   content, with whitespace collapsed and empty values dropped, so both layouts give the same record.
 * - Some dates are xs:date with a zone (`<LISTED_ON>2015-04-14-04:00</LISTED_ON>`): the zone is dropped.
 * - Between 2022 and 2026 the UN rewrote "web link: https://…" as "web link:https://…" in the
 *   INTERPOL notice of 250 entries. A deleted space is a text change that whitespace collapsing does
 *   not undo, so those entries show as modified once.
 * - Names are split over FIRST_NAME … FOURTH_NAME in the order the UN writes them (not given/family).
 *   Entities use FIRST_NAME only.
 * - QUALITY on an alias is `Good`, `Low` (weak aliases, many false positives) for individuals, and
 *   `a.k.a.` / `f.k.a.` for entities; the UN leaves it empty on some.
 * - Country fields are free text ("Democratic People's Republic of Korea", "Afghan", "Possibly
 *   Ethiopian", "Sudan/South Sudan"). Only values that name one country unambiguously become ISO codes;
 *   the raw nationality values stay in `extra.nationalities`.
 * - Always empty or constant in every file seen (2018–2026), and left out of records: SORT_KEY,
 *   SORT_KEY_LAST_MOD (an internal timestamp), VERSIONNUM (always 1), LIST_TYPE (always "UN List").
 *
 * Normalization choices:
 * - id = DATAID, the UN's own key, kept when an entry is amended.
 * - list = "UN " + the regime (UN_LIST_TYPE) spelled out: "UN Al-Qaida", "UN DPRK", "UN Guinea-Bissau".
 *   programs = [UN_LIST_TYPE] as the UN writes it ("Al-Qaida", "SouthSudan"): the code subscribers
 *   filter on. The permanent reference number (QDi.430: regime QD, i = individual) is in extra.
 * - countries = nationalities, address countries and place-of-birth countries. Document issuing
 *   countries are left out: the UN often notes that a document is false or was issued by a third
 *   state; they stay readable in `extra.documents`.
 * - links = none: the UN publishes no stable per-entry page that can be derived from the XML.
 */
import { countryCode } from '../core/countries.ts';
import { cleanText, type ExtraFields, type RecordKind, type RegisterRecord } from '../core/records.ts';
import { xmlRecordFormat } from './read/xml-records.ts';
import type { XmlElement } from './read/xml-stream.ts';
import type { ParseContext, RegisterSource, SourceFormat } from './types.ts';
import { clean, joinParts, putExtra, withNote } from './helpers.ts';

export const UN_SC_CONSOLIDATED_ID = 'un-sc-consolidated';

/** UN_LIST_TYPE → the list name in records. An unknown regime is named from its code, with a warning. */
export const UN_LIST_NAMES: Readonly<Record<string, string>> = {
  'Al-Qaida': 'UN Al-Qaida',
  Taliban: 'UN Taliban',
  DPRK: 'UN DPRK',
  Iran: 'UN Iran',
  Iraq: 'UN Iraq',
  Libya: 'UN Libya',
  Somalia: 'UN Somalia',
  Sudan: 'UN Sudan',
  SouthSudan: 'UN South Sudan',
  Yemen: 'UN Yemen',
  Mali: 'UN Mali',
  Haiti: 'UN Haiti',
  CAR: 'UN Central African Republic',
  DRC: 'UN DR Congo',
  GB: 'UN Guinea-Bissau',
  Lebanon: 'UN Lebanon',
};

/**
 * UN spellings that countryCode() does not know: demonyms and formal names seen in the list.
 * Qualified values ("Possibly Ethiopian", "Sudan/South Sudan", "USSR (until 1991)") are left out on
 * purpose: they do not name one current country.
 */
const UN_COUNTRY_SPELLINGS: Readonly<Record<string, string>> = {
  afghan: 'AF',
  algerian: 'DZ',
  'saudi arabian': 'SA',
  somali: 'SO',
  yemeni: 'YE',
  'libyan arab jamahiriya': 'LY',
  'union of the comoros': 'KM',
  'sultanate of oman': 'OM',
  'british virgin islands': 'VG',
  'hong kong special administrative region': 'HK',
  'china, hong kong special administrative region': 'HK',
};

function unCountryCode(value: string): string | undefined {
  return countryCode(value) ?? UN_COUNTRY_SPELLINGS[value.toLowerCase()];
}

/** xs:date as the UN writes it: `2015-04-14`, sometimes with a zone (`2015-04-14-04:00`). */
const XS_DATE = /^(\d{4}-\d{2}-\d{2})(?:Z|[+-]\d{2}:\d{2})?$/;

/** The calendar date of an xs:date, zone dropped; any other text unchanged. */
function dateText(value: string): string {
  return XS_DATE.exec(value)?.[1] ?? value;
}

/** Children grouped by name, built once per record so each field lookup is one Map get. */
type ChildIndex = Map<string, XmlElement[]>;

function indexChildren(element: XmlElement): ChildIndex {
  const index: ChildIndex = new Map();
  for (const c of element.children) {
    const list = index.get(c.name);
    if (list) list.push(c);
    else index.set(c.name, [c]);
  }
  return index;
}

function text(index: ChildIndex, name: string): string {
  const first = index.get(name)?.[0];
  return first ? clean(first.text) : '';
}

/** Cleaned text of the first child with that name ('' when absent). A sub-element has a handful of children, so a scan beats an index. */
function field(element: XmlElement, name: string): string {
  for (const c of element.children) if (c.name === name) return clean(c.text);
  return '';
}

function all(index: ChildIndex, name: string): XmlElement[] {
  return index.get(name) ?? [];
}

/** VALUE texts under every `name` child (NATIONALITY, DESIGNATION, TITLE, LAST_DAY_UPDATED ...). */
function values(index: ChildIndex, name: string): string[] {
  const out: string[] = [];
  for (const holder of all(index, name)) {
    for (const v of holder.children) {
      if (v.name !== 'VALUE') continue;
      const t = cleanText(v.text);
      if (t) out.push(t);
    }
  }
  return out;
}

/** The element's own text, or its VALUE children when it has some (SUBMITTED_BY is seen both ways). */
function textOrValues(index: ChildIndex, name: string): string[] {
  const out: string[] = [];
  for (const holder of all(index, name)) {
    const own = cleanText(holder.text);
    if (own) out.push(own);
    for (const v of holder.children) {
      const t = v.name === 'VALUE' ? cleanText(v.text) : '';
      if (t) out.push(t);
    }
  }
  return out;
}

/** One readable line per address: street, city, state, zip, country (note). */
function formatAddress(f: XmlElement): { line: string; country: string } {
  const country = field(f, 'COUNTRY');
  const line = withNote(
    joinParts([field(f, 'STREET'), field(f, 'CITY'), field(f, 'STATE_PROVINCE'), field(f, 'ZIP_CODE'), country]),
    field(f, 'NOTE'),
  );
  return { line, country };
}

function formatDateOfBirth(f: XmlElement): string {
  const type = field(f, 'TYPE_OF_DATE').toUpperCase();
  const point = dateText(field(f, 'DATE')) || field(f, 'YEAR');
  const from = field(f, 'FROM_YEAR');
  const to = field(f, 'TO_YEAR');
  let main: string;
  if (from || to) main = `between ${from || '?'} and ${to || '?'}`;
  else if (type === 'APPROXIMATELY' && point) main = `approximately ${point}`;
  else main = point;
  return withNote(main, field(f, 'NOTE'));
}

function formatPlaceOfBirth(f: XmlElement): { line: string; country: string } {
  const country = field(f, 'COUNTRY');
  const line = withNote(
    joinParts([field(f, 'STREET'), field(f, 'CITY'), field(f, 'STATE_PROVINCE'), country]),
    field(f, 'NOTE'),
  );
  return { line, country };
}

function formatDocument(f: XmlElement): string {
  const type = joinParts([field(f, 'TYPE_OF_DOCUMENT'), field(f, 'TYPE_OF_DOCUMENT2')], ' / ');
  const head = joinParts([type, field(f, 'NUMBER')], ': ');
  const issuingCountry = field(f, 'ISSUING_COUNTRY');
  const issuedAt = joinParts([field(f, 'CITY_OF_ISSUE'), field(f, 'COUNTRY_OF_ISSUE')]);
  const issuedOn = dateText(field(f, 'DATE_OF_ISSUE'));
  return joinParts(
    [
      head,
      issuingCountry ? `issuing country ${issuingCountry}` : '',
      issuedOn || issuedAt ? `issued ${joinParts([issuedOn, issuedAt ? `in ${issuedAt}` : ''], ' ')}` : '',
      field(f, 'NOTE'),
    ],
    '; ',
  );
}

interface ParseState {
  readonly warnedLists: Set<string>;
}

function listName(code: string, context: ParseContext, state: ParseState): string {
  const known = UN_LIST_NAMES[code];
  if (known) return known;
  if (!state.warnedLists.has(code)) {
    state.warnedLists.add(code);
    context.warn(`unknown UN_LIST_TYPE "${code}": list named "UN ${code}" (add it to UN_LIST_NAMES)`);
  }
  return `UN ${code}`;
}

/** Maps one INDIVIDUAL or ENTITY element; undefined (with a warning) when it has no id or no name. */
export function unRecordFromElement(
  element: XmlElement,
  context: ParseContext,
  state: ParseState = { warnedLists: new Set() },
): RegisterRecord | undefined {
  const f = indexChildren(element);
  const isPerson = element.name === 'INDIVIDUAL';
  const kind: RecordKind = isPerson ? 'person' : 'organization';
  const id = text(f, 'DATAID');
  const name = isPerson
    ? joinParts([text(f, 'FIRST_NAME'), text(f, 'SECOND_NAME'), text(f, 'THIRD_NAME'), text(f, 'FOURTH_NAME')], ' ')
    : text(f, 'FIRST_NAME');
  const reference = text(f, 'REFERENCE_NUMBER');
  if (!id) {
    context.warn(`${element.name} without DATAID skipped (reference "${reference}", name "${name}")`);
    return undefined;
  }
  if (!name) {
    context.warn(`${element.name} ${id} has no name: skipped`);
    return undefined;
  }
  const code = text(f, 'UN_LIST_TYPE');
  if (!code) {
    context.warn(`${element.name} ${id} has no UN_LIST_TYPE: skipped`);
    return undefined;
  }

  const countries = new Set<string>();
  const addCountry = (value: string): void => {
    const code = value ? unCountryCode(value) : undefined;
    if (code) countries.add(code);
  };

  const aliases: string[] = [];
  const lowQualityAliases: string[] = [];
  const formerNames: string[] = [];
  const aliasDetails: string[] = [];
  for (const a of all(f, isPerson ? 'INDIVIDUAL_ALIAS' : 'ENTITY_ALIAS')) {
    const aliasName = field(a, 'ALIAS_NAME');
    if (!aliasName) continue;
    aliases.push(aliasName);
    const quality = field(a, 'QUALITY').toLowerCase();
    if (quality === 'low') lowQualityAliases.push(aliasName);
    else if (quality === 'f.k.a.') formerNames.push(aliasName);
    const birth = joinParts(
      [dateText(field(a, 'DATE_OF_BIRTH')), joinParts([field(a, 'CITY_OF_BIRTH'), field(a, 'COUNTRY_OF_BIRTH')])],
      ' in ',
    );
    const details = joinParts([birth ? `born ${birth}` : '', field(a, 'NOTE')], '; ');
    if (details) aliasDetails.push(`${aliasName}: ${details}`);
  }
  const originalScript = text(f, 'NAME_ORIGINAL_SCRIPT');
  if (originalScript) aliases.push(originalScript);

  const nationalities = values(f, 'NATIONALITY');
  for (const nationality of nationalities) addCountry(nationality);

  const addresses: string[] = [];
  for (const address of all(f, isPerson ? 'INDIVIDUAL_ADDRESS' : 'ENTITY_ADDRESS')) {
    const { line, country } = formatAddress(address);
    if (line) addresses.push(line);
    addCountry(country);
  }

  const placesOfBirth: string[] = [];
  for (const pob of all(f, 'INDIVIDUAL_PLACE_OF_BIRTH')) {
    const { line, country } = formatPlaceOfBirth(pob);
    if (line) placesOfBirth.push(line);
    addCountry(country);
  }
  const datesOfBirth = all(f, 'INDIVIDUAL_DATE_OF_BIRTH')
    .map(formatDateOfBirth)
    .filter((d) => d.length > 0);
  const documents = all(f, 'INDIVIDUAL_DOCUMENT')
    .map(formatDocument)
    .filter((d) => d.length > 0);

  const listedOnRaw = dateText(text(f, 'LISTED_ON'));
  const extra: ExtraFields = {};
  putExtra(extra, 'referenceNumber', reference);
  putExtra(extra, 'designations', values(f, 'DESIGNATION'));
  putExtra(extra, 'titles', values(f, 'TITLE'));
  putExtra(extra, 'gender', capitalize(text(f, 'GENDER')));
  putExtra(extra, 'nameOriginalScript', originalScript);
  putExtra(extra, 'nationalities', nationalities);
  putExtra(extra, 'datesOfBirth', datesOfBirth);
  putExtra(extra, 'placesOfBirth', placesOfBirth);
  putExtra(extra, 'documents', documents);
  putExtra(extra, 'lowQualityAliases', lowQualityAliases);
  putExtra(extra, 'formerNames', formerNames);
  putExtra(extra, 'aliasDetails', aliasDetails);
  putExtra(extra, 'lastUpdated', values(f, 'LAST_DAY_UPDATED').map(dateText));
  putExtra(extra, 'submittedBy', textOrValues(f, 'SUBMITTED_BY'));
  putExtra(extra, 'submittedOn', dateText(text(f, 'SUBMITTED_ON')));
  let listedOn: string | undefined;
  if (XS_DATE.test(listedOnRaw)) listedOn = listedOnRaw;
  else if (listedOnRaw) {
    context.warn(`${element.name} ${id}: LISTED_ON "${listedOnRaw}" is not an ISO date; kept in extra.listedOnText`);
    extra.listedOnText = listedOnRaw;
  }

  const record: RegisterRecord = {
    id,
    source: UN_SC_CONSOLIDATED_ID,
    list: listName(code, context, state),
    kind,
    name,
    aliases,
    countries: [...countries],
    addresses,
    programs: [code],
    links: [],
    extra,
  };
  if (listedOn) record.listedOn = listedOn;
  const remarks = text(f, 'COMMENTS1');
  if (remarks) record.remarks = remarks;
  return record;
}

/** "MALE" (2018 files) and "Male" are the same value. */
function capitalize(value: string): string {
  return value ? value.charAt(0).toUpperCase() + value.slice(1).toLowerCase() : '';
}

export const unConsolidatedXmlFormat: SourceFormat = xmlRecordFormat<ParseState>({
  id: 'un-consolidated-xml',
  description:
    'UN SC Consolidated List XML (CONSOLIDATED_LIST / INDIVIDUALS / ENTITIES), both the 2018–2022 and the 2025+ layouts',
  root: 'CONSOLIDATED_LIST',
  recordElements: ['INDIVIDUAL', 'ENTITY'],
  newState: () => ({ warnedLists: new Set() }),
  toRecord: unRecordFromElement,
});

export const unScConsolidated: RegisterSource = {
  id: UN_SC_CONSOLIDATED_ID,
  title: 'UN Security Council Consolidated List',
  publisher: 'United Nations Security Council',
  jurisdiction: 'UN',
  kind: 'register',
  topics: ['sanctions'],
  downloads: [
    {
      url: 'https://scsanctions.un.org/resources/xml/en/consolidated.xml',
      format: 'un-consolidated-xml',
      serves:
        'the whole consolidated list (all UN regimes, individuals and entities), English XML, about 2 MB; redirects to a signed Azure Blob URL that sends ETag and Last-Modified',
    },
  ],
  formats: [unConsolidatedXmlFormat],
  // UN listings take effect "without delay"; a poll is a 302 plus a 304 from the blob while nothing
  // changed, so five minutes costs little.
  schedule: 'rate(5 minutes)',
  // 1098 entries in 2018, 952 in 2022, about 1010 in 2026. A broken download falls far below 600;
  // more than 2500 would mean the file now holds something else. A single publication has never
  // removed more than a few dozen entries; 15 % lets a small regime end (Iran, 121 entries, is 12 %)
  // and holds anything larger for a human to confirm.
  expectedRecords: { min: 600, max: 2500, maxDropFraction: 0.15 },
  homepage: 'https://main.un.org/securitycouncil/en/content/un-sc-consolidated-list',
};
