/** The FCDO UK Sanctions List XML (Designations / Designation, keyed by UniqueID). */
import type { RegisterRecord } from '../../core/records.ts';
import { xmlRecordFormat } from '../read/xml-records.ts';
import type { XmlElement } from '../read/xml-stream.ts';
import type { ParseContext, SourceFormat } from '../types.ts';
import { clean, joinParts } from '../helpers.ts';
import { DesignationDraft, UK_SANCTIONS_LIST_NAME, composeName, isoDate, kindOf } from './uk-common.ts';

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
