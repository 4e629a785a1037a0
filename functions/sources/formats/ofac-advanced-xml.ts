/**
 * OFAC's ADVANCED XML: SDN_ADVANCED.XML and CONS_ADVANCED.XML (schema sdn_advanced.xsd, root
 * `Sanctions`, namespace http://www.un.org/sanctions/1.0), and the same files zipped.
 *
 * Layout, in the order the schema fixes: `DateOfIssue`; `ReferenceValueSets` (lookup tables: alias
 * types, party types and subtypes, countries, feature types, ID document types, lists, programs,
 * sanctions types...); `Locations` (addresses, each a country plus typed parts);
 * `IDRegDocuments` (identity documents, pointing at the Identity of a profile); `DistinctParties`
 * (one `DistinctParty FixedRef="uid"` per entry: its Profile with PartySubTypeID, its Identity
 * with the Aliases, each a DocumentedName made of typed name parts, and its Features: birth date
 * and place, citizenship, addresses, website, directive determinations..., pointing at Locations
 * or reference values by id); `ProfileRelationships` (From-ProfileID is linked to To-ProfileID);
 * `SanctionsEntries` (one per profile and list: ListID, the EntryEvent date it was put on that
 * list, and SanctionsMeasures, those of type "Program" naming a program in their Comment).
 *
 * Everything is referenced by numeric id, and what a record needs sits in different parts of the
 * file: names and features of an entry come before its programs and lists, which come last. How it
 * is read, and what that costs in memory: one streaming pass. The reference tables, Locations and
 * IDRegDocuments (small: a few thousand rows in a consolidated file, tens of thousands in the SDN
 * one) are kept as compact lookup maps. Each DistinctParty subtree is turned into a record draft
 * (a handful of strings: the fields the record will hold) as soon as it is read, and the XML subtree
 * dropped; the drafts wait until the SanctionsEntries have been read, then records are built and
 * yielded. Memory is thus proportional to the records (about the size of the output, a few tens of
 * MB for the ~18,000 SDN entries), not to the file (over 100 MB for SDN_ADVANCED.XML). The
 * alternative, two passes (document.open() twice: the first keeping reference tables, locations,
 * documents, relationships and the per-profile sanctions data, the second yielding each record as
 * its DistinctParty streams by), holds only the lookup tables but reads and downloads-or-unzips the
 * file twice, and still needs every party's name for "Linked To"; one pass was preferred.
 *
 * Normalized like the `sdnList` layout of the same publication: name and aliases `LAST, First`
 * from the typed name parts; kind from the party subtype (Vessel, Aircraft) or party type
 * (Individual, Entity); countries from address, citizenship and nationality features; addresses
 * joined as sdnList's are; identity documents and other features in extra.ids as sdnList's idList
 * writes them (`Passport X (Country) issued 01 Jan 2000`, `Gender Male`); remarks are the party's
 * Comment followed by `(Linked To: NAME)` for each relationship, as sdnList writes them. Like
 * ENHANCED, this layout also says which lists an entry is on (extra.lists) and since when
 * (listedOn: the date of the EntryEvent of the record's list). Dates are periods here; they are
 * written as sdnList writes them (`1962` for a whole year, `05 Jun 1950` for a day, `1951 to 1953`,
 * `circa 1960` when approximate).
 *
 * Checked on the real CONS_ADVANCED of 2020-03-17 against consolidated.xml of the same day: all 375
 * records equal sdnList's once listedOn and extra.lists are set aside. Not verified on a real
 * SDN_ADVANCED file: the vessel and aircraft feature names (taken to be those ENHANCED uses) and
 * name part types other than Last, First and Entity Name (Middle Name, Vessel Name... are written
 * after the first name, vessel and aircraft names upper-cased).
 *
 * Why this file stays long (about 560 lines): the ADVANCED layout keeps its values in reference
 * tables and spreads an entry over locations, documents, profiles and sanctions entries; reading it
 * is one join of those parts, and every function here serves that one join.
 */
import type { RegisterRecord } from '../../core/records.ts';
import { child, childText, streamXmlElements, type XmlElement } from '../read/xml-stream.ts';
import type { ParseContext, ParseInput, SourceFormat } from '../types.ts';
import {
  ENHANCED_LIST_CODES,
  OfacListNamer,
  OfacRecordDraft,
  CONSOLIDATED_UMBRELLA_LIST,
  OFAC_VESSEL_FEATURES,
  acceptEntry,
  ofacXmlFormat,
  ofacIdentifier,
  ofacKind,
  ofacName,
  openMaybeZipped,
  tidy,
  type AddressParts,
  type OfacFormatOptions,
} from './ofac-common.ts';

export const ADVANCED_NAMESPACE = 'http://www.un.org/sanctions/1.0';

/** Entry name inside SDN_ADVANCED.ZIP / CONS_ADVANCED.ZIP. */
const ZIP_ENTRY = /advanced[^/]*\.xml$/i;

export function ofacAdvancedXmlFormat(options: OfacFormatOptions): SourceFormat {
  return ofacXmlFormat(
    {
      id: 'ofac-advanced-xml',
      describe: (publication) =>
        `OFAC ADVANCED XML (${publication === 'sdn' ? 'SDN_ADVANCED' : 'CONS_ADVANCED'}.XML, or .ZIP)`,
      zipEntry: ZIP_ENTRY,
      root: 'Sanctions',
      namespaces: [ADVANCED_NAMESPACE],
      parse: parseAdvanced,
    },
    options,
  );
}

/** The lookup tables of ReferenceValueSets: id → text, per table. */
interface References {
  readonly aliasTypes: Map<string, string>;
  readonly partyTypes: Map<string, string>;
  /** Subtype id → [subtype text, party type id]. */
  readonly partySubTypes: Map<string, [string, string]>;
  readonly countries: Map<string, string>;
  readonly featureTypes: Map<string, string>;
  readonly detailReferences: Map<string, string>;
  readonly documentTypes: Map<string, string>;
  readonly documentDateTypes: Map<string, string>;
  readonly lists: Map<string, string>;
  readonly sanctionsTypes: Map<string, string>;
  readonly namePartTypes: Map<string, string>;
  readonly scripts: Map<string, string>;
  readonly locationPartTypes: Map<string, string>;
  readonly relationTypes: Map<string, string>;
}

const REFERENCE_TABLES: Readonly<Record<string, keyof References>> = {
  AliasTypeValues: 'aliasTypes',
  PartyTypeValues: 'partyTypes',
  CountryValues: 'countries',
  FeatureTypeValues: 'featureTypes',
  DetailReferenceValues: 'detailReferences',
  IDRegDocTypeValues: 'documentTypes',
  IDRegDocDateTypeValues: 'documentDateTypes',
  ListValues: 'lists',
  SanctionsTypeValues: 'sanctionsTypes',
  NamePartTypeValues: 'namePartTypes',
  ScriptValues: 'scripts',
  LocPartTypeValues: 'locationPartTypes',
  RelationTypeValues: 'relationTypes',
};

function emptyReferences(): References {
  return {
    aliasTypes: new Map(),
    partyTypes: new Map(),
    partySubTypes: new Map(),
    countries: new Map(),
    featureTypes: new Map(),
    detailReferences: new Map(),
    documentTypes: new Map(),
    documentDateTypes: new Map(),
    lists: new Map(),
    sanctionsTypes: new Map(),
    namePartTypes: new Map(),
    scripts: new Map(),
    locationPartTypes: new Map(),
    relationTypes: new Map(),
  };
}

function readReferences(element: XmlElement, references: References): void {
  for (const table of element.children) {
    if (table.name === 'PartySubTypeValues') {
      for (const value of table.children) {
        const id = value.attributes.ID;
        if (id) references.partySubTypes.set(id, [tidy(value.text), value.attributes.PartyTypeID ?? '']);
      }
      continue;
    }
    const key = REFERENCE_TABLES[table.name];
    if (!key) continue;
    const map = references[key] as Map<string, string>;
    for (const value of table.children) {
      const id = value.attributes.ID;
      if (id) map.set(id, tidy(value.text));
    }
  }
}

/** What a record needs of one Location: address parts and the country's name. */
interface LocationData {
  readonly parts: AddressParts;
  readonly country: string;
}

/** The sanctions data of one profile, from its SanctionsEntries. */
interface ProfileSanctions {
  readonly programs: Set<string>;
  /** List code → earliest date the entry was put on it ('' when the entry has no date). */
  readonly lists: Map<string, string>;
}

/** A DistinctParty reduced to what its record needs; programs and lists are added at the end. */
interface PartyDraft {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  readonly comment: string;
  readonly draft: OfacRecordDraft;
}

async function* parseAdvanced(
  input: ParseInput,
  context: ParseContext,
  options: OfacFormatOptions,
): AsyncGenerator<RegisterRecord> {
  const where = input.main.name;
  const events = streamXmlElements(openMaybeZipped(input.main, context.sourceId, ZIP_ENTRY), {
    sourceId: context.sourceId,
    fileName: where,
    rootElements: new Set(['Sanctions']),
    recordElements: new Set(['Location', 'IDRegDocument', 'DistinctParty', 'ProfileRelationship', 'SanctionsEntry']),
    headerElements: new Set(['ReferenceValueSets']),
  });
  const lists = new OfacListNamer(options.publication, context, where);
  const references = emptyReferences();
  const locations = new Map<string, LocationData>();
  /** Identity id → its documents, written as sdnList's idList. */
  const documents = new Map<string, string[]>();
  const parties: PartyDraft[] = [];
  /** From-profile id → [relation type, to-profile id]. */
  const relationships = new Map<string, Array<[string, string]>>();
  const sanctions = new Map<string, ProfileSanctions>();

  for await (const { element } of events) {
    switch (element.name) {
      case 'ReferenceValueSets':
        readReferences(element, references);
        break;
      case 'Location':
        if (element.attributes.ID) locations.set(element.attributes.ID, readLocation(element, references));
        break;
      case 'IDRegDocument': {
        const identity = element.attributes.IdentityID ?? '';
        const text = readDocument(element, references);
        if (identity && text) {
          const known = documents.get(identity);
          if (known) known.push(text);
          else documents.set(identity, [text]);
        }
        break;
      }
      case 'DistinctParty':
        parties.push(readParty(element, references, locations, documents));
        break;
      case 'ProfileRelationship': {
        const from = element.attributes['From-ProfileID'] ?? '';
        const to = element.attributes['To-ProfileID'] ?? '';
        if (!from || !to) break;
        const relation: [string, string] = [
          references.relationTypes.get(element.attributes.RelationTypeID ?? '') ?? '',
          to,
        ];
        const known = relationships.get(from);
        if (known) known.push(relation);
        else relationships.set(from, [relation]);
        break;
      }
      case 'SanctionsEntry':
        readSanctionsEntry(element, references, sanctions, lists);
        break;
      default:
        break;
    }
  }

  const names = new Map(parties.map((party) => [party.id, party.name]));
  for (const party of parties) {
    const { id, name, type, draft } = party;
    const kind = ofacKind(type);
    if (!acceptEntry(context, where, { id, name, kind, type })) continue;
    const profile = sanctions.get(id);
    for (const program of profile?.programs ?? []) draft.addProgram(program);
    const codes = [...(profile?.lists.keys() ?? [])];
    for (const code of codes) draft.addExtra('lists', code);
    const linked = (relationships.get(id) ?? []).map(([, to]) => `(Linked To: ${names.get(to) ?? to})`);
    draft.remarks = [party.comment, ...linked].filter((part) => part.length > 0).join('; ');
    const list = lists.fromCodes(id, codes);
    const listedOn = profile?.lists.get(list);
    if (listedOn) draft.listedOn = listedOn;
    yield draft.build({ id, source: context.sourceId, list, kind: kind!, name });
  }
}

function readSanctionsEntry(
  entry: XmlElement,
  references: References,
  sanctions: Map<string, ProfileSanctions>,
  lists: OfacListNamer,
): void {
  const profileId = entry.attributes.ProfileID ?? '';
  if (!profileId) return;
  let profile = sanctions.get(profileId);
  if (!profile) {
    profile = { programs: new Set(), lists: new Map() };
    sanctions.set(profileId, profile);
  }
  for (const item of entry.children) {
    if (item.name !== 'SanctionsMeasure') continue;
    if (references.sanctionsTypes.get(item.attributes.SanctionsTypeID ?? '') !== 'Program') continue;
    const program = tidy(child(item, 'Comment')?.text);
    if (program) profile.programs.add(program);
  }
  const listName = references.lists.get(entry.attributes.ListID ?? '') ?? '';
  if (!listName || listName === CONSOLIDATED_UMBRELLA_LIST) return;
  let code = ENHANCED_LIST_CODES[listName];
  if (!code) {
    lists.unknownListName(profileId, listName);
    code = listName;
  }
  let date = '';
  for (const item of entry.children) {
    if (item.name !== 'EntryEvent') continue;
    const when = child(item, 'Date');
    const iso = when ? isoDate(when) : '';
    if (iso && (!date || iso < date)) date = iso;
  }
  const earlier = profile.lists.get(code);
  if (earlier === undefined || (date && (!earlier || date < earlier))) profile.lists.set(code, date);
}

const LOCATION_PARTS: Readonly<Record<string, keyof Omit<AddressParts, 'street'> | 'street'>> = {
  ADDRESS1: 'street',
  ADDRESS2: 'street',
  ADDRESS3: 'street',
  CITY: 'city',
  'STATE/PROVINCE': 'state',
  'POSTAL CODE': 'postalCode',
  REGION: 'region',
};

function readLocation(location: XmlElement, references: References): LocationData {
  const street: string[] = [];
  const parts: { city?: string; state?: string; postalCode?: string; region?: string } = {};
  let country = '';
  for (const item of location.children) {
    if (item.name === 'LocationCountry') {
      country ||= references.countries.get(item.attributes.CountryID ?? '') ?? '';
    } else if (item.name === 'LocationPart') {
      const values = item.children.filter((value) => value.name === 'LocationPartValue');
      const value = values.find((candidate) => candidate.attributes.Primary === 'true') ?? values[0];
      const text = value ? childText(value, 'Value') : '';
      if (!text) continue;
      const field = LOCATION_PARTS[references.locationPartTypes.get(item.attributes.LocPartTypeID ?? '') ?? ''];
      // A part type OFAC adds later is kept with the street rather than dropped.
      if (field === 'street' || field === undefined) street.push(text);
      else if (field !== 'country') parts[field] = parts[field] ? `${parts[field]} ${text}` : text;
    }
  }
  // With no country, the legacy layouts write the region as the country: `Region: Gaza`,
  // `Region: Northern Mali` (which countryCode knows), and no region.
  if (!country && parts.region) {
    country = `Region: ${parts.region}`;
    delete parts.region;
  }
  return { parts: { street, ...parts, country }, country };
}

function readDocument(document: XmlElement, references: References): string {
  const type = references.documentTypes.get(document.attributes.IDRegDocTypeID ?? '') ?? '';
  const country = references.countries.get(document.attributes['IssuedBy-CountryID'] ?? '') ?? '';
  let issued = '';
  let expires = '';
  for (const item of document.children) {
    if (item.name !== 'DocumentDate') continue;
    const period = child(item, 'DatePeriod');
    const text = period ? periodText(period) : '';
    const dateType = references.documentDateTypes.get(item.attributes.IDRegDocDateTypeID ?? '') ?? '';
    if (/expir/i.test(dateType)) expires ||= text;
    else issued ||= text;
  }
  return ofacIdentifier(type, childText(document, 'IDRegistrationNo'), country, issued, expires);
}

function readParty(
  party: XmlElement,
  references: References,
  locations: Map<string, LocationData>,
  documents: Map<string, string[]>,
): PartyDraft {
  const id = party.attributes.FixedRef ?? '';
  const draft = new OfacRecordDraft();
  const comment = tidy(child(party, 'Comment')?.text);
  let name = '';
  let type = '';
  for (const profile of party.children) {
    if (profile.name !== 'Profile') continue;
    const [subType, partyTypeId] = references.partySubTypes.get(profile.attributes.PartySubTypeID ?? '') ?? ['', ''];
    // Subtypes Vessel and Aircraft say the kind; the others are "Unknown" under their party type.
    type ||= ofacKind(subType) ? subType : (references.partyTypes.get(partyTypeId) ?? '');
    for (const item of profile.children) {
      if (item.name === 'Identity') {
        const primary = readIdentity(item, references, draft);
        if (!name) name = primary;
        for (const text of documents.get(item.attributes.ID ?? '') ?? []) draft.addExtra('ids', text);
      } else if (item.name === 'Feature') {
        readFeature(item, references, locations, draft);
      }
    }
  }
  return { id, type, name, comment, draft };
}

/** Reads the aliases of an Identity into the draft; returns the primary name. */
function readIdentity(identity: XmlElement, references: References, draft: OfacRecordDraft): string {
  const partTypes = new Map<string, string>();
  for (const groups of identity.children) {
    if (groups.name !== 'NamePartGroups') continue;
    for (const master of groups.children) {
      for (const group of master.children) {
        if (group.name === 'NamePartGroup' && group.attributes.ID)
          partTypes.set(group.attributes.ID, references.namePartTypes.get(group.attributes.NamePartTypeID ?? '') ?? '');
      }
    }
  }
  let primary = '';
  for (const alias of identity.children) {
    if (alias.name !== 'Alias') continue;
    let latin: string | undefined;
    const others: string[] = [];
    for (const documented of alias.children) {
      if (documented.name !== 'DocumentedName') continue;
      const { text, script } = documentedName(documented, partTypes, references);
      if (latin === undefined && (script === '' || script === 'Latin')) latin = text;
      else others.push(text);
    }
    if (latin === undefined) latin = others.shift() ?? '';
    for (const other of others) draft.addExtra('otherScriptNames', other);
    if (alias.attributes.Primary === 'true' && !primary) primary = latin;
    else
      draft.addAlias(
        latin,
        references.aliasTypes.get(alias.attributes.AliasTypeID ?? '') ?? 'a.k.a.',
        alias.attributes.LowQuality === 'true',
      );
  }
  return primary;
}

/**
 * Name parts the legacy layouts write in upper case (sdnList's lastName, which also holds entity,
 * vessel and aircraft names), while ADVANCED keeps OFAC's own case ("Russian Agricultural Bank",
 * "Hamad"): upper-cased so that a name reads the same from both.
 */
const UPPER_CASE_PARTS = new Set(['Last Name', 'Entity Name', 'Vessel Name', 'Aircraft Name']);

/** `LAST, First` from the typed parts of a DocumentedName, and the script it is written in. */
function documentedName(
  documented: XmlElement,
  partTypes: Map<string, string>,
  references: References,
): { text: string; script: string } {
  const parts: Array<[type: string, text: string]> = [];
  let script = '';
  for (const part of documented.children) {
    if (part.name !== 'DocumentedNamePart') continue;
    const value = child(part, 'NamePartValue');
    if (!value) continue;
    const text = tidy(value.text);
    if (!text) continue;
    script ||= references.scripts.get(value.attributes.ScriptID ?? '') ?? '';
    parts.push([partTypes.get(value.attributes.NamePartGroupID ?? '') ?? '', text]);
  }
  // Names in other scripts are kept as OFAC writes them.
  const latin = script === '' || script === 'Latin';
  const last: string[] = [];
  const rest: string[] = [];
  for (const [partType, text] of parts) {
    const cased = latin && UPPER_CASE_PARTS.has(partType) ? text.toUpperCase() : text;
    if (partType === 'Last Name') last.push(cased);
    else rest.push(cased);
  }
  return { text: ofacName(last.join(' '), rest.join(' ')), script };
}

function readFeature(
  feature: XmlElement,
  references: References,
  locations: Map<string, LocationData>,
  draft: OfacRecordDraft,
): void {
  const featureType = references.featureTypes.get(feature.attributes.FeatureTypeID ?? '') ?? '';
  for (const version of feature.children) {
    if (version.name !== 'FeatureVersion') continue;
    let text = '';
    let date = '';
    let location: LocationData | undefined;
    for (const item of version.children) {
      if (item.name === 'VersionDetail') {
        text ||= tidy(item.text) || (references.detailReferences.get(item.attributes.DetailReferenceID ?? '') ?? '');
      } else if (item.name === 'DatePeriod') {
        date ||= periodText(item);
      } else if (item.name === 'VersionLocation') {
        location ??= locations.get(item.attributes.LocationID ?? '');
      }
    }
    switch (featureType) {
      case 'Location':
        if (location) draft.addAddress(location.parts);
        break;
      case 'Birthdate':
        draft.addExtra('datesOfBirth', date || text);
        break;
      case 'Place of Birth':
        draft.addExtra('placesOfBirth', text || (location ? locationText(location) : ''));
        break;
      case 'Nationality Country':
      case 'Citizenship Country':
        // Citizenship locations hold the country's name as an untyped part, not as a LocationCountry.
        draft.addCountry(location ? locationText(location) : text);
        break;
      case 'Title':
        draft.setExtra('title', text);
        break;
      default: {
        const value = text || date || (location ? locationText(location) : '');
        const vesselKey = OFAC_VESSEL_FEATURES[featureType];
        if (vesselKey) draft.setExtra(vesselKey, value);
        else draft.addExtra('ids', ofacIdentifier(featureType, value));
      }
    }
  }
}

function locationText(location: LocationData): string {
  const { street, city, state, postalCode, region } = location.parts;
  if (street.length === 0 && !city && !state && !postalCode && !region) return location.country;
  return [...street, city, state, postalCode, region, location.country]
    .map((part) => tidy(part))
    .filter(Boolean)
    .join(', ');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

interface Ymd {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

function ymd(element: XmlElement | undefined): Ymd | undefined {
  if (!element) return undefined;
  const year = Number.parseInt(childText(element, 'Year'), 10);
  if (!Number.isFinite(year)) return undefined;
  const month = Number.parseInt(childText(element, 'Month'), 10);
  const day = Number.parseInt(childText(element, 'Day'), 10);
  return { year, month: Number.isFinite(month) ? month : 0, day: Number.isFinite(day) ? day : 0 };
}

function isoDate(element: XmlElement): string {
  const date = ymd(element);
  if (!date || !date.month || !date.day) return '';
  return `${String(date.year).padStart(4, '0')}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

const lastDay = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();
const dayText = (date: Ymd): string =>
  `${String(date.day).padStart(2, '0')} ${MONTHS[date.month - 1] ?? ''} ${date.year}`;
const sameDay = (a: Ymd, b: Ymd): boolean => a.year === b.year && a.month === b.month && a.day === b.day;

/**
 * A DatePeriod as sdnList writes dates: `05 Jun 1950` for a day, `Apr 1961` for a whole month,
 * `1962` for a whole year, `1951 to 1953` for whole years, `circa ` before an approximate one.
 */
function periodText(period: XmlElement): string {
  const start = child(period, 'Start');
  const end = child(period, 'End');
  const from = ymd(child(start ?? period, 'From')) ?? ymd(start);
  const to = ymd(child(end ?? period, 'To')) ?? ymd(end) ?? from;
  if (!from || !to) return '';
  const circa = start?.attributes.Approximate === 'true' || end?.attributes.Approximate === 'true' ? 'circa ' : '';
  if (!from.month || !from.day || !to.month || !to.day)
    return `${circa}${from.year === to.year ? from.year : `${from.year} to ${to.year}`}`;
  if (sameDay(from, to)) return `${circa}${dayText(from)}`;
  const wholeYears = from.month === 1 && from.day === 1 && to.month === 12 && to.day === 31;
  if (wholeYears) return `${circa}${from.year === to.year ? from.year : `${from.year} to ${to.year}`}`;
  if (from.year === to.year && from.month === to.month && from.day === 1 && to.day === lastDay(to.year, to.month)) {
    return `${circa}${MONTHS[from.month - 1]} ${from.year}`;
  }
  return `${circa}${dayText(from)} to ${dayText(to)}`;
}
