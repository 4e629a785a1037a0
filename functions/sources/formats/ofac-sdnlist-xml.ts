/**
 * OFAC's `sdnList` XML: SDN.XML and CONSOLIDATED.XML (also zipped as SDN_XML.ZIP).
 *
 * `<sdnList>` holds a `publshInformation` header (sic: Publish_Date, Record_Count) and one
 * `sdnEntry` per entry: uid, firstName, lastName, title, sdnType (Individual / Entity / Vessel /
 * Aircraft), remarks, programList, idList, akaList (type a.k.a./f.k.a./n.k.a., category
 * strong/weak), addressList, nationalityList, citizenshipList, dateOfBirthList, placeOfBirthList,
 * vesselInfo. The uid is sdn.csv's ent_num and ENHANCED's entity id.
 *
 * The namespace was http://tempuri.org/sdnList.xsd until May 2024; since the move to the
 * Sanctions List Service it is https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML.
 * Both are read. Unlike sdn.csv, remarks hold only what has no element of its own (DOB, ids and
 * weak aliases have theirs), so `remarks` differs between the two layouts while the other fields
 * agree. idList mixes identity documents with other facts (Gender, Website, "Additional Sanctions
 * Information -"); all go to extra.ids as `type number (country)`. Record_Count is compared with
 * the entries read, as a warning only (trimmed copies of the file keep the original count).
 */
import type { RegisterRecord } from '../../core/records.ts';
import { child, childText, streamXmlElements, type XmlElement } from '../read/xml-stream.ts';
import type { ParseContext, ParseInput, SourceFormat } from '../types.ts';
import {
  OfacListNamer,
  OfacRecordDraft,
  acceptEntry,
  ofacXmlFormat,
  listItems,
  ofacIdentifier,
  ofacKind,
  ofacName,
  openMaybeZipped,
  tidy,
  type OfacFormatOptions,
} from './ofac-common.ts';

export const SDNLIST_NAMESPACES = [
  'http://tempuri.org/sdnList.xsd',
  'https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML',
] as const;

/** Entry name inside SDN_XML.ZIP / CONS_XML.ZIP. */
const ZIP_ENTRY = /^(?:sdn|consolidated|cons)\.xml$/i;

export function ofacSdnListXmlFormat(options: OfacFormatOptions): SourceFormat {
  return ofacXmlFormat(
    {
      id: 'ofac-sdnlist-xml',
      describe: (publication) =>
        `OFAC sdnList XML (${publication === 'sdn' ? 'SDN.XML' : 'CONSOLIDATED.XML'}, or zipped)`,
      zipEntry: ZIP_ENTRY,
      root: 'sdnList',
      namespaces: SDNLIST_NAMESPACES,
      parse: parseSdnList,
    },
    options,
  );
}

async function* parseSdnList(
  input: ParseInput,
  context: ParseContext,
  options: OfacFormatOptions,
): AsyncGenerator<RegisterRecord> {
  const where = input.main.name;
  const events = streamXmlElements(openMaybeZipped(input.main, context.sourceId, ZIP_ENTRY), {
    sourceId: context.sourceId,
    fileName: where,
    rootElements: new Set(['sdnList']),
    recordElements: new Set(['sdnEntry']),
    headerElements: new Set(['publshInformation']),
  });
  const lists = new OfacListNamer(options.publication, context, where);
  let declaredCount: number | undefined;
  let entries = 0;
  for await (const { element } of events) {
    if (element.name === 'publshInformation') {
      const count = Number.parseInt(childText(element, 'Record_Count'), 10);
      if (Number.isFinite(count)) declaredCount = count;
      continue;
    }
    entries += 1;
    const record = sdnEntryRecord(element, context, lists, where);
    if (record) yield record;
  }
  if (declaredCount !== undefined && declaredCount !== entries) {
    context.warn(`${where}: header says Record_Count ${declaredCount}, the file holds ${entries} sdnEntry`);
  }
}

function sdnEntryRecord(
  entry: XmlElement,
  context: ParseContext,
  lists: OfacListNamer,
  where: string,
): RegisterRecord | undefined {
  const id = childText(entry, 'uid');
  const type = childText(entry, 'sdnType');
  const kind = ofacKind(type);
  const name = ofacName(childText(entry, 'lastName'), childText(entry, 'firstName'));
  if (!acceptEntry(context, where, { id, name, kind, type })) return undefined;

  const draft = new OfacRecordDraft();
  draft.remarks = childText(entry, 'remarks');
  draft.setExtra('title', childText(entry, 'title'));
  for (const program of listItems(entry, 'programList', 'program')) draft.addProgram(program.text);

  for (const aka of listItems(entry, 'akaList', 'aka')) {
    draft.addAlias(
      ofacName(childText(aka, 'lastName'), childText(aka, 'firstName')),
      childText(aka, 'type'),
      childText(aka, 'category') === 'weak',
    );
  }
  for (const address of listItems(entry, 'addressList', 'address')) {
    draft.addAddress({
      street: [childText(address, 'address1'), childText(address, 'address2'), childText(address, 'address3')],
      city: childText(address, 'city'),
      state: childText(address, 'stateOrProvince'),
      postalCode: childText(address, 'postalCode'),
      region: childText(address, 'region'),
      country: childText(address, 'country'),
    });
  }
  for (const nationality of listItems(entry, 'nationalityList', 'nationality'))
    draft.addCountry(childText(nationality, 'country'));
  for (const citizenship of listItems(entry, 'citizenshipList', 'citizenship'))
    draft.addCountry(childText(citizenship, 'country'));
  for (const item of listItems(entry, 'dateOfBirthList', 'dateOfBirthItem'))
    draft.addExtra('datesOfBirth', childText(item, 'dateOfBirth'));
  for (const item of listItems(entry, 'placeOfBirthList', 'placeOfBirthItem'))
    draft.addExtra('placesOfBirth', childText(item, 'placeOfBirth'));
  for (const id of listItems(entry, 'idList', 'id')) {
    draft.addExtra(
      'ids',
      ofacIdentifier(
        childText(id, 'idType'),
        childText(id, 'idNumber'),
        childText(id, 'idCountry'),
        childText(id, 'issueDate'),
        childText(id, 'expirationDate'),
      ),
    );
  }
  const vessel = child(entry, 'vesselInfo');
  if (vessel) readVesselInfo(vessel, draft);

  return draft.build({
    id,
    source: context.sourceId,
    list: lists.fromPrograms(id, [...draft.programs]),
    kind: kind!,
    name,
  });
}

const VESSEL_FIELDS: ReadonlyArray<[string, string]> = [
  ['callSign', 'callSign'],
  ['vesselType', 'vesselType'],
  ['vesselFlag', 'vesselFlag'],
  ['vesselOwner', 'vesselOwner'],
  ['tonnage', 'tonnage'],
  ['grossRegisteredTonnage', 'grossRegisteredTonnage'],
];

function readVesselInfo(vessel: XmlElement, draft: OfacRecordDraft): void {
  for (const [element, key] of VESSEL_FIELDS) {
    draft.setExtra(key, tidy(child(vessel, element)?.text));
  }
}
