/**
 * Canada: Consolidated Canadian Autonomous Sanctions List (the regulations made under the Special
 * Economic Measures Act and the Justice for Victims of Corrupt Foreign Officials Act), one XML file.
 *
 * What is odd about this publisher's data:
 * - Three layouts under the same `<data-set><record>` frame. 2020: `Country`, `LastName`,
 *   `GivenName`, `Entity`, `Aliases`, `DateOfBirth`, `Title`, `Schedule`, `Item`. 2025: `Entity`
 *   became `EntityOrShip`, `Title` `TitleOrShip`, `DateOfBirth` `DateOfBirthOrShipBuildDate`, and
 *   `ShipIMONumber` and `DateOfListing` were added. From 25 August 2026 every element carries its
 *   French name too (`Country-Pays`, `LastName-NomDeFamille`, `TitleOrShipType-TitreOuTypeDeNavire`
 *   ...): a reader that looks up the old names finds every record and reads every field as empty.
 *   So each element of a record must be one of the layout's known names (the layout is fixed by the
 *   file's first field), and a record must give a regime and a name: an unknown or renamed element,
 *   a file that mixes layouts, or a record whose known fields are empty is a SourceFormatError,
 *   never a record without a name. A field Canada adds one day fails the run (one health event)
 *   until it is read here: a renamed field read as empty would alert every record as modified.
 * - `Country` is the sanctions regime, bilingual ("Russia / Russie"), not a nationality; some
 *   regimes are no country ("Justice for Victims of Corrupt Foreign Officials Regulations (JVCFOR)",
 *   "Hamas Terrorist Attacks / ..."), Burma became "Myanmar (Burma) / Myanmar (Birmanie)", and
 *   values carry trailing spaces and no-break spaces. The regime is the record's program, and the
 *   country it names (when it names one) is the record's only country: a subscriber filtering on
 *   `countries=RU` wants the Russia regulations.
 * - The (Country, Schedule, Item) triple is no id: `Item` restarts in every schedule part, the
 *   Schedule is written "1" in 2020 and "1, Part 1" in 2025 (and is missing for whole regimes), a
 *   record can move from Schedule 3 to Schedule 1 Part 2, and between May and September 2025 the
 *   Russia Schedule 1.1 ships were renumbered (item 17 was the tanker "Nurkez" in May and is "SV
 *   KONSTANTIN" in September). So the id is the regime (its ISO code, else a slug of its English
 *   name) and, for a ship, its IMO number (`ru:imo-9123456`: ships are renamed, their IMO number
 *   stays), else the name folded to lower case without accents or punctuation
 *   (`ru:sergey-ivanovich-menyailo`). The name is given names then surname, so a name that moves
 *   between the fields (Myanmar item 66: LastName "Hsaing" + GivenName "Sai Lone" became GivenName
 *   "Sai Lone Hsaing") keeps its id, and a case-only correction is a modification. A corrected
 *   spelling reads as one removal and one addition, which is what the list shows. The same name
 *   twice in one regime (Sergey Ivanovich MENYAILO under Part 1 and Part 1.1, listed 2014 and 2021)
 *   is told apart by its listing date (`…@2021-03-21`, else the schedule) on the later record.
 * - Schedule and item stay in `extra` (they point into the regulations), and a change of the item
 *   alone is a quiet field: stored, not alerted, so a renumbering alerts nobody.
 * - Aliases are one comma-separated string with script labels ("Belarusian: ...", "Russian: ...")
 *   and " or " between variants; the Belarusian names use Latin i/I inside Cyrillic words (kept as
 *   written). The cell is split on commas, semicolons and " or ", a legal-form fragment ("Ltd.",
 *   "Inc.") is joined back to the name before it, and the labels are dropped.
 * - Dates of birth (and ship build years) are `yyyy-mm-dd`, `yyyy`, `yyyy-mm`, "yyyy-yyyy" or "a or
 *   b": kept as written in `extra`. `DateOfListing` (2025 on) is the record's `listedOn`.
 */
import { countryCode } from '../core/countries.ts';
import { SourceFormatError } from '../core/errors.ts';
import { cleanText, type ExtraFields, type RecordKind, type RegisterRecord } from '../core/records.ts';
import { clean, ISO_DATE, putExtra } from './helpers.ts';
import { xmlRecordFormat } from './read/xml-records.ts';
import type { XmlElement } from './read/xml-stream.ts';
import type { ParseContext, RegisterSource } from './types.ts';

export const CA_SEMA_ID = 'ca-sema';
export const CA_SEMA_LIST = 'Canadian autonomous sanctions';

type Field =
  | 'country'
  | 'lastName'
  | 'givenName'
  | 'entity'
  | 'title'
  | 'imo'
  | 'aliases'
  | 'birthDate'
  | 'schedule'
  | 'item'
  | 'listedOn';

/** Each layout's element names → the field they hold. */
export const CA_SEMA_LAYOUTS: Readonly<Record<string, Readonly<Record<string, Field>>>> = {
  '2020': {
    Country: 'country',
    LastName: 'lastName',
    GivenName: 'givenName',
    Entity: 'entity',
    Title: 'title',
    Aliases: 'aliases',
    DateOfBirth: 'birthDate',
    Schedule: 'schedule',
    Item: 'item',
  },
  '2025': {
    Country: 'country',
    LastName: 'lastName',
    GivenName: 'givenName',
    EntityOrShip: 'entity',
    TitleOrShip: 'title',
    ShipIMONumber: 'imo',
    Aliases: 'aliases',
    DateOfBirthOrShipBuildDate: 'birthDate',
    Schedule: 'schedule',
    Item: 'item',
    DateOfListing: 'listedOn',
  },
  '2026': {
    'Country-Pays': 'country',
    'LastName-NomDeFamille': 'lastName',
    'GivenName-Prenom': 'givenName',
    'EntityOrShip-EntiteOuNavire': 'entity',
    'TitleOrShipType-TitreOuTypeDeNavire': 'title',
    'ShipIMONumber-NumeroOMIDuNavire': 'imo',
    'Aliases-Alias': 'aliases',
    'DateOfBirthOrShipBuildDate-DateDeNaissanceOuDateDeConstructionDuNavire': 'birthDate',
    'Schedule-Annexe': 'schedule',
    'Item-NumeroDarticle': 'item',
    'DateOfListing-DateDinscription': 'listedOn',
  },
};

/** Regimes whose English name countryCode() does not read. */
const REGIME_COUNTRIES: Readonly<Record<string, string>> = {
  'myanmar (burma)': 'MM',
};

/** Lower case, accents and punctuation gone, words joined by `-`: the name part of an id. */
export function nameKey(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
}

export interface Regime {
  /** The English half of the bilingual value. */
  readonly english: string;
  /** ISO code of the country the regime names, if it names one. */
  readonly country: string | undefined;
  /** The regime part of record ids: the lower-case ISO code, else the acronym or a slug. */
  readonly key: string;
}

export function readRegime(value: string): Regime {
  const english = cleanText(value.split(' / ')[0]);
  const country = REGIME_COUNTRIES[english.toLowerCase()] ?? countryCode(english);
  const acronym = /\(([A-Z]{3,})\)$/.exec(english)?.[1];
  return { english, country, key: country?.toLowerCase() ?? nameKey(acronym ?? english) };
}

const LEGAL_FORM = /^(?:ltd|limited|inc|llc|llp|plc|co|corp|gmbh|s\.?a|ag|jsc|ojsc|pjsc|cjsc|fze|pte)\.?$/i;

/** "A, B Ltd., Belarusian: C or D" → [A, B Ltd., C, D]. */
export function splitAliases(cell: string): string[] {
  const out: string[] = [];
  for (const piece of cell.split(/\s*[,;]\s*|\s+or\s+/)) {
    const text = cleanText(piece.replace(/^\s*[A-Z][a-z]+(?: [A-Z][a-z]+)?:\s*/, ''));
    if (!text) continue;
    if (LEGAL_FORM.test(text) && out.length > 0) out[out.length - 1] = `${out[out.length - 1]}, ${text}`;
    else out.push(text);
  }
  return out;
}

interface CaSemaState {
  /** The layouts every record so far fits: 2020 and 2025 share most names, so it may take a while to tell. */
  candidates: string[];
  readonly seen: Set<string>;
  records: number;
}

function formatError(context: ParseContext, reason: string): SourceFormatError {
  return new SourceFormatError(context.sourceId, reason);
}

/** The record's fields by their layout-free names; refuses unknown elements and mixed layouts. */
function readFields(element: XmlElement, context: ParseContext, state: CaSemaState): Map<Field, string> {
  const where = `record ${state.records}`;
  const names = element.children.map((c) => c.name);
  const fitting = state.candidates.filter((l) => names.every((n) => n in CA_SEMA_LAYOUTS[l]!));
  if (fitting.length === 0) {
    const stranger = names.find((n) => !state.candidates.some((l) => n in CA_SEMA_LAYOUTS[l]!))!;
    const other = Object.keys(CA_SEMA_LAYOUTS).find((l) => stranger in CA_SEMA_LAYOUTS[l]!);
    const began =
      state.candidates.length === Object.keys(CA_SEMA_LAYOUTS).length
        ? 'any known'
        : `the ${state.candidates.join(' or ')}`;
    throw formatError(
      context,
      other
        ? `${where}: <${stranger}> belongs to the ${other} layout, but the records before it are in ${began} layout`
        : `unknown layout: ${where} holds <${stranger}>, which is no field of ${began} layout (renamed by the publisher?)`,
    );
  }
  state.candidates = fitting;
  const layout = CA_SEMA_LAYOUTS[fitting[0]!]!;
  const fields = new Map<Field, string>();
  for (const child of element.children) {
    if (child.children.length > 0)
      throw formatError(context, `unknown layout: ${where}: <${child.name}> holds elements, not text`);
    const text = clean(child.text);
    if (text) fields.set(layout[child.name]!, text);
  }
  return fields;
}

function toRecord(element: XmlElement, context: ParseContext, state: CaSemaState): RegisterRecord {
  state.records += 1;
  const fields = readFields(element, context, state);
  const get = (field: Field): string => fields.get(field) ?? '';
  const regimeText = get('country');
  const person = cleanText(`${get('givenName')} ${get('lastName')}`);
  const entity = get('entity');
  if (!regimeText || (!person && !entity))
    throw formatError(
      context,
      `unknown layout: record ${state.records} has no ${regimeText ? 'name' : 'regime (Country)'}; its elements: ${element.children.map((c) => `<${c.name}>`).join(' ') || 'none'}`,
    );
  if (person && entity)
    context.warn(
      `record ${state.records} names both a person ("${person}") and an entity ("${entity}"): the entity kept`,
    );
  const regime = readRegime(regimeText);
  const imo = get('imo').replace(/^IMO\s*/i, '');
  const kind: RecordKind = imo ? 'vessel' : entity ? 'organization' : 'person';
  const name = entity || person;
  let id = `${regime.key}:${imo ? `imo-${nameKey(imo)}` : nameKey(name)}`;
  if (state.seen.has(id)) id = `${id}@${get('listedOn') || nameKey(get('schedule')) || state.records}`;
  state.seen.add(id);

  const extra: ExtraFields = {};
  putExtra(extra, 'regime', regimeText);
  putExtra(extra, 'schedule', get('schedule'));
  putExtra(extra, 'item', get('item'));
  putExtra(extra, 'imoNumber', imo);
  putExtra(extra, kind === 'vessel' ? 'shipType' : 'title', get('title'));
  putExtra(extra, kind === 'vessel' ? 'buildDate' : 'dateOfBirth', get('birthDate'));
  putExtra(extra, 'aliasesAsWritten', get('aliases'));
  const listedOn = get('listedOn');
  if (listedOn && !ISO_DATE.test(listedOn)) {
    context.warn(`${id}: DateOfListing "${listedOn}" is no yyyy-mm-dd date; kept in extra.dateOfListing`);
    putExtra(extra, 'dateOfListing', listedOn);
  }
  const record: RegisterRecord = {
    id,
    source: CA_SEMA_ID,
    list: CA_SEMA_LIST,
    kind,
    name,
    aliases: splitAliases(get('aliases')).filter((a) => a !== name),
    countries: regime.country ? [regime.country] : [],
    addresses: [],
    programs: [regime.english],
    links: [],
    extra,
  };
  if (ISO_DATE.test(listedOn)) record.listedOn = listedOn;
  return record;
}

export const caSemaXmlFormat = xmlRecordFormat<CaSemaState>({
  id: 'ca-sema-xml',
  description:
    'Consolidated Canadian Autonomous Sanctions List XML (data-set / record), the 2020, 2025 and bilingual 2026 element names',
  root: 'data-set',
  // Only the frame: the parser names the element it does not know.
  sniffAlso: (head) => /<record[\s>]/.test(head),
  recordElements: ['record'],
  newState: () => ({ candidates: Object.keys(CA_SEMA_LAYOUTS), seen: new Set(), records: 0 }),
  toRecord,
});

export const caSema: RegisterSource = {
  id: CA_SEMA_ID,
  title: 'Consolidated Canadian Autonomous Sanctions List',
  publisher: 'Global Affairs Canada',
  jurisdiction: 'CA',
  kind: 'register',
  topics: ['sanctions'],
  downloads: [
    {
      url: 'https://www.international.gc.ca/world-monde/assets/office_docs/international_relations-relations_internationales/sanctions/sema-lmes.xml',
      format: 'ca-sema-xml',
      serves:
        'the whole consolidated list (every SEMA and JVCFOA regulation; persons, entities and ships), XML with one record per listing, bilingual element names since 25 August 2026',
    },
  ],
  formats: [caSemaXmlFormat],
  // Canada lists in batches announced with the regulations; 5 minutes costs one conditional GET.
  schedule: 'rate(5 minutes)',
  // 1,369 records in 2020, 4,759 in May 2025, 5,090 in September 2025. Below 1,000 is a broken
  // download; 20,000 leaves years of growth. The largest real removal seen is a few dozen.
  expectedRecords: { min: 1_000, max: 20_000, maxDropFraction: 0.1 },
  homepage:
    'https://www.international.gc.ca/world-monde/international_relations-relations_internationales/sanctions/consolidated-consolide.aspx?lang=eng',
  // Items are renumbered inside a schedule part without anything else changing.
  quietFields: ['extra.item'],
};
