/**
 * The Sanctions List Service's ENHANCED XML: SDN_ENHANCED.XML and CONS_ENHANCED.XML (root
 * `sanctionsData`, namespace https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML),
 * and the same files zipped (SDN_ENHANCED.ZIP, CONS_ENHANCED.ZIP: one entry, unzipped as it streams).
 *
 * Layout: `publicationInfo` (dataAsOf: the run date, never put in a record), `referenceValues`
 * and `featureTypes` (lookup tables; the values they define are also written inline, so they are
 * not needed), then `entities/entity id="..."`, the id being sdn.csv's ent_num and sdnList's uid.
 * Per entity: generalInfo (entityType, remarks), sanctionsLists (with the date the entity was
 * published on each list), sanctionsPrograms, sanctionsTypes, legalAuthorities, names
 * (the primary name and the aliases, each with translations: the Latin one is primary, others are
 * Cyrillic or Chinese renderings), addresses (country plus typed address parts), features (birth
 * date and place, nationality, vessel details, website, directive determinations...),
 * identityDocuments and relationships.
 *
 * Normalized like the legacy layouts: the name is the primary Latin translation's
 * formattedFullName, which OFAC writes `LAST, First` exactly as sdn.csv does; aliases are the
 * other names' Latin formattedFullName (isLowQuality marks OFAC's weak aliases); names in other
 * scripts go to extra.otherScriptNames rather than aliases, so the alias list matches the legacy
 * layouts. Features that are not birth, nationality, citizenship or vessel details become
 * extra.ids as `type value`, the way sdnList's idList writes them. Only this layout says which
 * lists an entry is on (extra.lists) and since when (listedOn: the date the entry was published
 * on the record's list).
 *
 * Not verified on a real SDN_ENHANCED file (only CONS_ENHANCED was at hand): where it puts an
 * individual's title (generalInfo/title and a `Title` feature are both read) and the names of the
 * vessel features (taken from OFAC's advanced-format feature names). sdnList remarks such as
 * "(Linked To: X)" are ENHANCED relationships (extra.relationships), so `remarks` differs between
 * the two layouts.
 */
import type { RegisterRecord } from '../../core/records.ts';
import { childText, streamXmlElements, type XmlElement } from '../read/xml-stream.ts';
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
  openMaybeZipped,
  tidy,
  type AddressParts,
  type OfacFormatOptions,
} from './ofac-common.ts';
import { ISO_DATE } from '../helpers.ts';

export const ENHANCED_NAMESPACE =
  'https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML';

/** Entry name inside SDN_ENHANCED.ZIP / CONS_ENHANCED.ZIP. */
const ZIP_ENTRY = /enhanced[^/]*\.xml$/i;

export function ofacEnhancedXmlFormat(options: OfacFormatOptions): SourceFormat {
  return ofacXmlFormat(
    {
      id: 'ofac-enhanced-xml',
      describe: (publication) =>
        `OFAC Sanctions List Service ENHANCED XML (${publication === 'sdn' ? 'SDN_ENHANCED' : 'CONS_ENHANCED'}.XML, or .ZIP)`,
      zipEntry: ZIP_ENTRY,
      root: 'sanctionsData',
      namespaces: [ENHANCED_NAMESPACE],
      parse: parseEnhanced,
    },
    options,
  );
}

async function* parseEnhanced(
  input: ParseInput,
  context: ParseContext,
  options: OfacFormatOptions,
): AsyncGenerator<RegisterRecord> {
  const where = input.main.name;
  const events = streamXmlElements(openMaybeZipped(input.main, context.sourceId, ZIP_ENTRY), {
    sourceId: context.sourceId,
    fileName: where,
    rootElements: new Set(['sanctionsData']),
    recordElements: new Set(['entity']),
  });
  const lists = new OfacListNamer(options.publication, context, where);
  for await (const { element } of events) {
    const record = entityRecord(element, context, lists, where);
    if (record) yield record;
  }
}

const ADDRESS_PARTS: Readonly<Record<string, keyof Omit<AddressParts, 'street' | 'country'> | 'street'>> = {
  ADDRESS1: 'street',
  ADDRESS2: 'street',
  ADDRESS3: 'street',
  CITY: 'city',
  'STATE/PROVINCE': 'state',
  'POSTAL CODE': 'postalCode',
  REGION: 'region',
};

/** Text of the child elements that matter, read in one pass over the children. */
function textsOf(element: XmlElement, names: readonly string[]): string[] {
  const texts = names.map(() => '');
  for (const item of element.children) {
    const index = names.indexOf(item.name);
    if (index !== -1 && texts[index] === '') texts[index] = item.text.trim();
  }
  return texts;
}

const TRANSLATION_FIELDS = ['isPrimary', 'formattedFullName'] as const;

/** The formattedFullName of the primary (Latin) translation, and those of the others (other scripts). */
function readTranslations(element: XmlElement): { primary: string; others: string[] } {
  let primary: string | undefined;
  let first: string | undefined;
  const others: string[] = [];
  for (const translations of element.children) {
    if (translations.name !== 'translations') continue;
    for (const translation of translations.children) {
      if (translation.name !== 'translation') continue;
      const [isPrimary, fullName] = textsOf(translation, TRANSLATION_FIELDS) as [string, string];
      first ??= fullName;
      if (isPrimary === 'true' && primary === undefined) primary = fullName;
      else others.push(fullName);
    }
  }
  if (primary === undefined) {
    primary = first ?? '';
    others.shift();
  }
  return { primary: tidy(primary), others };
}

const NAME_FIELDS = ['isPrimary', 'aliasType', 'isLowQuality'] as const;

interface EntityState {
  name: string;
  type: string;
  listDates: Map<string, string>;
}

function readName(element: XmlElement, draft: OfacRecordDraft, state: EntityState): void {
  const [isPrimary, aliasType, isLowQuality] = textsOf(element, NAME_FIELDS) as [string, string, string];
  const { primary, others } = readTranslations(element);
  for (const other of others) draft.addExtra('otherScriptNames', other);
  if (isPrimary === 'true' && !state.name) state.name = primary;
  else draft.addAlias(primary, aliasType || 'a.k.a.', isLowQuality === 'true');
}

function readList(
  element: XmlElement,
  draft: OfacRecordDraft,
  state: EntityState,
  lists: OfacListNamer,
  id: string,
): void {
  const listName = tidy(element.text);
  if (!listName || listName === CONSOLIDATED_UMBRELLA_LIST) return;
  let code = ENHANCED_LIST_CODES[listName];
  if (!code) {
    lists.unknownListName(id, listName);
    code = listName;
  }
  draft.addExtra('lists', code);
  const published = element.attributes.datePublished ?? '';
  const earlier = state.listDates.get(code);
  if (ISO_DATE.test(published) && (!earlier || published < earlier)) state.listDates.set(code, published);
  else if (earlier === undefined) state.listDates.set(code, '');
}

const DOCUMENT_FIELDS = ['type', 'documentNumber', 'issuingCountry', 'issueDate', 'expirationDate'] as const;

/** One pass over an entity's sections; each section read by its own small reader. */
function entityRecord(
  entity: XmlElement,
  context: ParseContext,
  lists: OfacListNamer,
  where: string,
): RegisterRecord | undefined {
  const id = entity.attributes.id ?? '';
  const draft = new OfacRecordDraft();
  const state: EntityState = { name: '', type: '', listDates: new Map() };
  for (const section of entity.children) {
    switch (section.name) {
      case 'generalInfo': {
        const [entityType, remarks, title] = textsOf(section, ['entityType', 'remarks', 'title']) as [
          string,
          string,
          string,
        ];
        state.type = entityType;
        draft.remarks = remarks;
        draft.setExtra('title', title);
        break;
      }
      case 'names':
        for (const item of section.children) if (item.name === 'name') readName(item, draft, state);
        break;
      case 'sanctionsLists':
        for (const item of section.children) if (item.name === 'sanctionsList') readList(item, draft, state, lists, id);
        break;
      case 'sanctionsPrograms':
        for (const item of section.children) if (item.name === 'sanctionsProgram') draft.addProgram(item.text);
        break;
      case 'sanctionsTypes':
        for (const item of section.children)
          if (item.name === 'sanctionsType') draft.addExtra('sanctionsTypes', item.text);
        break;
      case 'legalAuthorities':
        for (const item of section.children)
          if (item.name === 'legalAuthority') draft.addExtra('legalAuthorities', item.text);
        break;
      case 'addresses':
        for (const item of section.children) if (item.name === 'address') readAddress(item, draft);
        break;
      case 'features':
        for (const item of section.children) if (item.name === 'feature') readFeature(item, draft);
        break;
      case 'identityDocuments':
        for (const item of section.children) {
          if (item.name !== 'identityDocument') continue;
          const [type, number, country, issued, expires] = textsOf(item, DOCUMENT_FIELDS) as [
            string,
            string,
            string,
            string,
            string,
          ];
          draft.addExtra('ids', ofacIdentifier(type, number, country, issued, expires));
        }
        break;
      case 'relationships':
        for (const item of section.children) {
          if (item.name !== 'relationship') continue;
          const [type, related] = textsOf(item, ['type', 'relatedEntity']) as [string, string];
          if (related) draft.addExtra('relationships', `${type}: ${related}`);
        }
        break;
      default:
        break;
    }
  }
  const { name, type } = state;
  const kind = ofacKind(type);
  if (!acceptEntry(context, where, { id, name, kind, type })) return undefined;

  const list = lists.fromCodes(id, [...state.listDates.keys()]);
  const listedOn = state.listDates.get(list);
  if (listedOn) draft.listedOn = listedOn;
  return draft.build({ id, source: context.sourceId, list, kind: kind!, name });
}

const ADDRESS_PART_FIELDS = ['type', 'value'] as const;

function readAddress(address: XmlElement, draft: OfacRecordDraft): void {
  const street: string[] = [];
  const parts: { city?: string; state?: string; postalCode?: string; region?: string } = {};
  let country = '';
  let primary: XmlElement | undefined;
  let first: XmlElement | undefined;
  for (const section of address.children) {
    if (section.name === 'country') country = section.text;
    else if (section.name === 'translations') {
      for (const translation of section.children) {
        if (translation.name !== 'translation') continue;
        first ??= translation;
        if (!primary && childText(translation, 'isPrimary') === 'true') primary = translation;
      }
    }
  }
  primary ??= first;
  for (const section of primary?.children ?? []) {
    if (section.name !== 'addressParts') continue;
    for (const part of section.children) {
      if (part.name !== 'addressPart') continue;
      const [partType, value] = textsOf(part, ADDRESS_PART_FIELDS) as [string, string];
      const field = ADDRESS_PARTS[partType];
      // An address part type OFAC adds later is kept with the street rather than dropped.
      if (field === 'street' || field === undefined) street.push(value);
      else parts[field] = parts[field] ? `${parts[field]} ${value}` : value;
    }
  }
  draft.addAddress({ street, ...parts, country });
}

const FEATURE_FIELDS = ['type', 'value'] as const;

function readFeature(feature: XmlElement, draft: OfacRecordDraft): void {
  const [featureType, value] = textsOf(feature, FEATURE_FIELDS) as [string, string];
  switch (featureType) {
    case 'Birthdate':
      draft.addExtra('datesOfBirth', value);
      return;
    case 'Place of Birth':
      draft.addExtra('placesOfBirth', value);
      return;
    case 'Nationality Country':
    case 'Citizenship Country':
      draft.addCountry(value);
      return;
    case 'Title':
      draft.setExtra('title', value);
      return;
    default: {
      const vesselKey = OFAC_VESSEL_FEATURES[featureType];
      if (vesselKey) draft.setExtra(vesselKey, value);
      else draft.addExtra('ids', ofacIdentifier(featureType, value));
    }
  }
}
