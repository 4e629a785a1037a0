/**
 * EU consolidated list of persons, groups and entities subject to EU financial sanctions, as the
 * Commission's Financial Sanctions Files (FSF) publish it.
 *
 * What is odd about this publisher's data:
 * - The download URL carries a "token" (`content?token=dG9rZW4tMjAxNw`). The FSF site shows its
 *   download links to logged-in users, but the links work without a login, and this one is the same
 *   for everyone: the token is base64 for "token-2017", and the same URL has been used in public
 *   crawlers and scripts for years (OpenSanctions' eu_fsf dataset among them). It is a fixed public
 *   link parameter, not a credential; if the Commission ever changes it, the old URL stops
 *   answering with the list and the run fails as a fetch or format error, never as delistings.
 * - Two XML layouts: FSF 1.1 (`export` / `sanctionEntity`, namespace
 *   http://eu.europa.ec/fpi/fsd/export, nearly everything in attributes) and the legacy FSF 1.0
 *   (`WHOLE` / `ENTITY`, mostly in child elements, countries as ISO alpha-3). Both are read.
 * - Ids coincide across the layouts: a 1.1 `logicalId` is the 1.0 `Id`, for the entry and for each
 *   of its parts (names, addresses, births, documents, citizenships): entity 13 of a 2020 1.1 file
 *   is ENTITY 13 of the 2016 1.0 file, with names 17, 19 and 380 in both. The record id is that
 *   number. (`euReferenceNumber`, "EU.27.28", exists in 1.1 only and is kept in extra.)
 * - There is no primary name. An entry carries one `nameAlias` per spelling, many of them in other
 *   EU languages (`nameLanguage` FR, EL, PL ...), in no meaningful order (the 1.1 file puts
 *   "Fahd Bin Adballah BIN KHALID" before "Khalid Shaikh MOHAMMED", who is the person listed). The
 *   record's name is the name with no language (or EN), strong if any is, with the lowest id —
 *   the spelling the entry was first listed under, whatever order the file uses. An entry renamed
 *   later keeps its first name as `name` and has the new one among its aliases. All other
 *   spellings are aliases; weak ones (`strong="false"`) are also in `extra.weakAliases`.
 * - The `regulation` of an entry is its latest legal act (often an amendment), not the act that
 *   listed it; `designationDate` is given for some entries only. `listedOn` is the designation date
 *   when given, otherwise the earliest publication date of any act the file cites for the entry
 *   (1.1: `regulation` and every `regulationSummary`; 1.0: the `reg_date` of its parts, which are
 *   publication dates, or the entry's own `reg_date`, an entry-into-force date, when it has none).
 * - Country codes: `00` with the description "UNKNOWN" means none; a code that is no current ISO
 *   code falls back to the description ("TUNISIA"). 1.0 writes alpha-3 codes ("IRQ").
 *   Document-issuing countries are left out of `countries` (as for the UN list); they stay readable
 *   in `extra.documents`.
 * - 1.0 wraps remarks in parentheses ("(UNSC RESOLUTION 1483)") where 1.1 does not: one outer pair
 *   is dropped, so the same remark reads the same in both layouts.
 * - The file is regenerated regularly with a new `generationDate`; it is never copied into a record.
 *   Upstream test files repeat a logicalId (5468 twice in a trimmed 2020 sample): the diff reports
 *   such a duplicate and keeps the first.
 *
 * Normalization choices:
 * - list = "EU Consolidated"; programs = the EU programme codes of the entry's regulations ("TAQA",
 *   "RUS", "SYR", "TERR"); links = their publication URLs (EUR-Lex), or 1.0's `pdf_link`.
 * - kind: subjectType `person` (1.0 `P`) → person, `enterprise` (1.0 `E`) → organization; any other
 *   value stops the parse rather than guess.
 *
 * Why this file stays long (about 540 lines): its two layouts (FSF 1.1 and the legacy 1.0) build
 * one record draft (EntryDraft) with the same country and date rules; the 1.0 reader is 130 lines.
 */
import { countryCode } from '../core/countries.ts';
import { SourceFormatError } from '../core/errors.ts';
import type { ExtraFields, RecordKind, RegisterRecord } from '../core/records.ts';
import { xmlRecordFormat } from './read/xml-records.ts';
import type { XmlElement } from './read/xml-stream.ts';
import type { ParseContext, RegisterSource, SourceFormat } from './types.ts';
import { ISO_DATE, clean, joinParts, withNote } from './helpers.ts';

export const EU_FSF_ID = 'eu-fsf';
export const EU_FSF_LIST = 'EU Consolidated';
export const EU_FSF_NAMESPACE = 'http://eu.europa.ec/fpi/fsd/export';

/** Drops one pair of parentheses around the whole text, as 1.0 writes remarks. */
function unwrapParentheses(text: string): string {
  if (!text.startsWith('(') || !text.endsWith(')')) return text;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    // The opening parenthesis closes before the end: "(a) x (b) y" is not wrapped.
    if (depth === 0 && i < text.length - 1) return text;
  }
  return text.slice(1, -1).trim();
}

/** An ISO alpha-2 code from an FSF code and description ("00"/"UNKNOWN" is none). */
function fsfCountry(code: string, description = ''): string | undefined {
  if (code && code !== '00') {
    const fromCode = countryCode(code);
    if (fromCode) return fromCode;
  }
  return description && description.toUpperCase() !== 'UNKNOWN' ? countryCode(description) : undefined;
}

function describedCountry(description: string): string {
  return description.toUpperCase() === 'UNKNOWN' ? '' : description;
}

const GENDERS: Readonly<Record<string, string>> = { M: 'Male', F: 'Female' };

/** One spelling of an entry's name, from either layout. */
interface NameEntry {
  readonly id: number;
  readonly name: string;
  readonly language: string;
  readonly strong: boolean;
  readonly function: string;
  readonly title: string;
  readonly gender: string;
  readonly remark: string;
}

/** Collects the parts of one entry; both layouts fill it and `build` makes the record. */
class EntryDraft {
  readonly names: NameEntry[] = [];
  readonly countries = new Set<string>();
  readonly addresses: string[] = [];
  readonly programs = new Set<string>();
  readonly links = new Set<string>();
  readonly publicationDates: string[] = [];
  readonly extra: ExtraFields = {};
  remarks: string[] = [];
  designationDate = '';

  addCountry(code: string | undefined): void {
    if (code) this.countries.add(code);
  }

  addExtra(key: string, value: string): void {
    if (!value) return;
    const list = this.extra[key];
    if (Array.isArray(list)) {
      if (!list.includes(value)) list.push(value);
    } else this.extra[key] = [value];
  }

  setExtra(key: string, value: string): void {
    if (value) this.extra[key] = value;
  }

  addPublicationDate(value: string): void {
    if (ISO_DATE.test(value)) this.publicationDates.push(value);
  }

  /** The listed name: no language (or EN), strong if any is, lowest id. */
  private mainName(): NameEntry | undefined {
    const usable = this.names.filter((n) => n.name.length > 0);
    const plain = usable.filter((n) => !n.language || n.language.toUpperCase() === 'EN');
    const pool = plain.length > 0 ? plain : usable;
    const strong = pool.filter((n) => n.strong);
    return (strong.length > 0 ? strong : pool).reduce<NameEntry | undefined>(
      (best, n) => (!best || n.id < best.id ? n : best),
      undefined,
    );
  }

  build(id: string, kind: RecordKind, fallbackListedOn = ''): RegisterRecord | 'no-name' {
    const main = this.mainName();
    if (!main) return 'no-name';
    const aliases: string[] = [];
    for (const entry of [...this.names].sort((a, b) => a.id - b.id)) {
      if (entry.name && entry.name !== main.name && !aliases.includes(entry.name)) aliases.push(entry.name);
      if (entry.name && !entry.strong) this.addExtra('weakAliases', entry.name);
      for (const part of entry.function.split(/\s*\([a-z]\)\s*/))
        this.addExtra('functions', clean(part).replace(/[,;]\s*$/, ''));
      this.addExtra('titles', entry.title);
      this.addExtra('genders', GENDERS[entry.gender.toUpperCase()] ?? entry.gender);
      if (entry.remark) this.addExtra('nameRemarks', `${entry.name}: ${entry.remark}`);
    }
    const earliest = [...this.publicationDates].sort()[0];
    const listedOn = ISO_DATE.test(this.designationDate)
      ? this.designationDate
      : (earliest ?? (ISO_DATE.test(fallbackListedOn) ? fallbackListedOn : ''));
    const record: RegisterRecord = {
      id,
      source: EU_FSF_ID,
      list: EU_FSF_LIST,
      kind,
      name: main.name,
      aliases,
      countries: [...this.countries],
      addresses: this.addresses,
      programs: [...this.programs],
      links: [...this.links],
      extra: this.extra,
    };
    if (listedOn) record.listedOn = listedOn;
    const remarks = this.remarks.filter((r) => r.length > 0).join(' ');
    if (remarks) record.remarks = remarks;
    return record;
  }
}

/** Warns once per element name that the parser does not read. */
class UnreadElements {
  private readonly seen = new Set<string>();
  constructor(private readonly context: ParseContext) {}

  note(parent: string, name: string): void {
    const key = `${parent}/${name}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.context.warn(`<${name}> inside <${parent}> is not read (a new element in the publisher's layout?)`);
  }
}

function finish(
  draft: EntryDraft,
  id: string,
  kind: RecordKind,
  element: string,
  context: ParseContext,
  fallbackListedOn = '',
): RegisterRecord | undefined {
  const record = draft.build(id, kind, fallbackListedOn);
  if (record === 'no-name') {
    context.warn(`${element} ${id} has no name: skipped`);
    return undefined;
  }
  return record;
}

// ---------------------------------------------------------------------------------------------
// FSF 1.1

const KINDS_1_1: Readonly<Record<string, RecordKind>> = { person: 'person', enterprise: 'organization' };

function attr(element: XmlElement, name: string): string {
  return clean(element.attributes[name]);
}

function childTextOf(element: XmlElement, name: string): string[] {
  const out: string[] = [];
  for (const c of element.children) if (c.name === name) out.push(clean(c.text));
  return out.filter((t) => t.length > 0);
}

/** Every `regulationSummary` publication date inside a part of the entry. */
function summaryDates(element: XmlElement, draft: EntryDraft): void {
  for (const c of element.children)
    if (c.name === 'regulationSummary') draft.addPublicationDate(attr(c, 'publicationDate'));
}

function birthDate11(element: XmlElement): string {
  const full = attr(element, 'birthdate');
  const year = attr(element, 'year');
  const month = attr(element, 'monthOfYear');
  const day = attr(element, 'dayOfMonth');
  let date = full;
  if (!date && year) date = month ? `${year}-${month.padStart(2, '0')}${day ? `-${day.padStart(2, '0')}` : ''}` : year;
  if (!date) return '';
  return attr(element, 'circa') === 'true' ? `circa ${date}` : date;
}

function place11(element: XmlElement): string {
  const city = attr(element, 'city');
  return joinParts([
    city === '-' ? '' : city,
    attr(element, 'place'),
    attr(element, 'region'),
    describedCountry(attr(element, 'countryDescription')),
  ]);
}

function address11(element: XmlElement): string {
  const poBox = attr(element, 'poBox');
  const line = joinParts([
    attr(element, 'street'),
    poBox ? `PO Box ${poBox}` : '',
    attr(element, 'city'),
    attr(element, 'zipCode'),
    attr(element, 'place'),
    attr(element, 'region'),
    describedCountry(attr(element, 'countryDescription')),
  ]);
  return withNote(line, childTextOf(element, 'remark').join(' '));
}

function document11(element: XmlElement): string {
  const type = attr(element, 'identificationTypeDescription') || attr(element, 'identificationTypeCode');
  const number = attr(element, 'number');
  const latin = attr(element, 'latinNumber');
  const flags = ['knownFalse', 'knownExpired', 'reportedLost', 'revokedByIssuer', 'diplomatic'].filter(
    (f) => attr(element, f) === 'true',
  );
  return joinParts(
    [
      joinParts([type, joinParts([number, latin && latin !== number ? `(${latin})` : ''], ' ')], ': '),
      describedCountry(attr(element, 'countryDescription')),
      attr(element, 'issuedBy') ? `issued by ${attr(element, 'issuedBy')}` : '',
      attr(element, 'issueDate') ? `issued ${attr(element, 'issueDate')}` : '',
      attr(element, 'nameOnDocument') ? `name on document ${attr(element, 'nameOnDocument')}` : '',
      flags.join(', '),
      childTextOf(element, 'remark').join(' '),
    ],
    '; ',
  );
}

const READ_1_1: ReadonlySet<string> = new Set([
  'regulation',
  'subjectType',
  'nameAlias',
  'citizenship',
  'birthdate',
  'address',
  'identification',
  'remark',
]);

/** Maps one `sanctionEntity`; undefined (with a warning) when it has no id, no subject type or no name. */
export function euRecordFromSanctionEntity(
  element: XmlElement,
  context: ParseContext,
  unread = new UnreadElements(context),
): RegisterRecord | undefined {
  const id = attr(element, 'logicalId');
  const reference = attr(element, 'euReferenceNumber');
  if (!id) {
    context.warn(`sanctionEntity without logicalId skipped (euReferenceNumber "${reference}")`);
    return undefined;
  }
  const subject = element.children.find((c) => c.name === 'subjectType');
  const code = subject ? attr(subject, 'code') : '';
  if (!code) {
    context.warn(`sanctionEntity ${id} has no subjectType: skipped`);
    return undefined;
  }
  const kind = KINDS_1_1[code];
  if (!kind) throw new SourceFormatError(context.sourceId, `sanctionEntity ${id}: unknown subjectType "${code}"`);

  const draft = new EntryDraft();
  draft.designationDate = attr(element, 'designationDate');
  draft.setExtra('euReferenceNumber', reference);
  draft.setExtra('unReference', attr(element, 'unitedNationId'));
  draft.setExtra('designationDetails', attr(element, 'designationDetails'));
  for (const c of element.children) {
    switch (c.name) {
      case 'remark':
        draft.remarks.push(clean(c.text));
        break;
      case 'regulation': {
        const programme = attr(c, 'programme');
        if (programme) draft.programs.add(programme);
        for (const url of childTextOf(c, 'publicationUrl')) draft.links.add(url);
        draft.addPublicationDate(attr(c, 'publicationDate'));
        const published = attr(c, 'publicationDate');
        draft.addExtra(
          'regulations',
          joinParts(
            [attr(c, 'numberTitle'), attr(c, 'regulationType'), published ? `published ${published}` : ''],
            ', ',
          ),
        );
        break;
      }
      case 'nameAlias': {
        const whole =
          attr(c, 'wholeName') || joinParts([attr(c, 'firstName'), attr(c, 'middleName'), attr(c, 'lastName')], ' ');
        draft.names.push({
          id: Number(attr(c, 'logicalId')) || Number.MAX_SAFE_INTEGER,
          name: whole,
          language: attr(c, 'nameLanguage'),
          strong: attr(c, 'strong') !== 'false',
          function: attr(c, 'function'),
          title: attr(c, 'title'),
          gender: attr(c, 'gender'),
          remark: childTextOf(c, 'remark').join(' '),
        });
        summaryDates(c, draft);
        break;
      }
      case 'citizenship': {
        draft.addCountry(fsfCountry(attr(c, 'countryIso2Code'), attr(c, 'countryDescription')));
        draft.addExtra('citizenships', joinParts([describedCountry(attr(c, 'countryDescription')), attr(c, 'region')]));
        summaryDates(c, draft);
        break;
      }
      case 'birthdate': {
        draft.addCountry(fsfCountry(attr(c, 'countryIso2Code'), attr(c, 'countryDescription')));
        draft.addExtra('datesOfBirth', birthDate11(c));
        draft.addExtra('placesOfBirth', place11(c));
        summaryDates(c, draft);
        break;
      }
      case 'address': {
        draft.addCountry(fsfCountry(attr(c, 'countryIso2Code'), attr(c, 'countryDescription')));
        const line = address11(c);
        if (line && !draft.addresses.includes(line)) draft.addresses.push(line);
        for (const contact of c.children) {
          if (contact.name === 'contactInfo')
            draft.addExtra('contactInfo', joinParts([attr(contact, 'key'), attr(contact, 'value')], ': '));
        }
        summaryDates(c, draft);
        break;
      }
      case 'identification':
        draft.addExtra('documents', document11(c));
        summaryDates(c, draft);
        break;
      default:
        if (!READ_1_1.has(c.name)) unread.note('sanctionEntity', c.name);
    }
  }
  return finish(draft, id, kind, 'sanctionEntity', context);
}

export const fsf11XmlFormat: SourceFormat = xmlRecordFormat({
  id: 'eu-fsf-1.1-xml',
  description:
    'EU Financial Sanctions Files XML 1.1 (export / sanctionEntity, namespace http://eu.europa.ec/fpi/fsd/export)',
  // The root (under any prefix) and the FSF namespace on it.
  root: 'export',
  anyPrefix: true,
  sniffAlso: (head) => head.includes(EU_FSF_NAMESPACE),
  recordElements: ['sanctionEntity'],
  newState: (context) => new UnreadElements(context),
  toRecord: euRecordFromSanctionEntity,
});

// ---------------------------------------------------------------------------------------------
// FSF 1.0 (legacy)

const KINDS_1_0: Readonly<Record<string, RecordKind>> = { P: 'person', E: 'organization' };

function text10(element: XmlElement, name: string): string {
  for (const c of element.children) if (c.name === name) return clean(c.text);
  return '';
}

const READ_1_0: ReadonlySet<string> = new Set(['NAME', 'ADDRESS', 'BIRTH', 'PASSPORT', 'CITIZEN']);

/** Maps one 1.0 `ENTITY`; undefined (with a warning) when it has no id, no type or no name. */
export function euRecordFromLegacyEntity(
  element: XmlElement,
  context: ParseContext,
  unread = new UnreadElements(context),
): RegisterRecord | undefined {
  const id = attr(element, 'Id');
  if (!id) {
    context.warn('ENTITY without Id skipped');
    return undefined;
  }
  const type = attr(element, 'Type');
  if (!type) {
    context.warn(`ENTITY ${id} has no Type: skipped`);
    return undefined;
  }
  const kind = KINDS_1_0[type];
  if (!kind) throw new SourceFormatError(context.sourceId, `ENTITY ${id}: unknown Type "${type}"`);

  const draft = new EntryDraft();
  const programme = attr(element, 'programme');
  if (programme) draft.programs.add(programme);
  const link = attr(element, 'pdf_link');
  if (link) draft.links.add(link);
  draft.addExtra('regulations', attr(element, 'legal_basis'));
  draft.remarks.push(unwrapParentheses(attr(element, 'remark')));
  for (const c of element.children) {
    if (READ_1_0.has(c.name)) draft.addPublicationDate(attr(c, 'reg_date'));
    switch (c.name) {
      case 'NAME':
        draft.names.push({
          id: Number(attr(c, 'Id')) || Number.MAX_SAFE_INTEGER,
          name:
            text10(c, 'WHOLENAME') ||
            joinParts([text10(c, 'FIRSTNAME'), text10(c, 'MIDDLENAME'), text10(c, 'LASTNAME')], ' '),
          language: text10(c, 'LANGUAGE'),
          strong: true,
          function: text10(c, 'FUNCTION'),
          title: text10(c, 'TITLE'),
          gender: text10(c, 'GENDER'),
          remark: '',
        });
        break;
      case 'ADDRESS': {
        const country = text10(c, 'COUNTRY');
        draft.addCountry(countryCode(country));
        const line = withNote(
          joinParts([
            joinParts([text10(c, 'NUMBER'), text10(c, 'STREET')], ' '),
            text10(c, 'CITY'),
            text10(c, 'ZIPCODE'),
            country,
          ]),
          unwrapParentheses(text10(c, 'OTHER')),
        );
        if (line && !draft.addresses.includes(line)) draft.addresses.push(line);
        break;
      }
      case 'BIRTH': {
        const country = text10(c, 'COUNTRY');
        draft.addCountry(countryCode(country));
        draft.addExtra('datesOfBirth', text10(c, 'DATE'));
        const place = text10(c, 'PLACE');
        draft.addExtra('placesOfBirth', joinParts([place === '-' ? '' : place, country]));
        break;
      }
      case 'PASSPORT':
        draft.addExtra('documents', joinParts([text10(c, 'NUMBER'), text10(c, 'COUNTRY')], '; '));
        break;
      case 'CITIZEN': {
        const country = text10(c, 'COUNTRY');
        draft.addCountry(countryCode(country));
        draft.addExtra('citizenships', country);
        break;
      }
      default:
        unread.note('ENTITY', c.name);
    }
  }
  return finish(draft, id, kind, 'ENTITY', context, attr(element, 'reg_date'));
}

export const fsf10XmlFormat: SourceFormat = xmlRecordFormat({
  id: 'eu-fsf-1.0-xml',
  description:
    'EU Financial Sanctions Files legacy XML 1.0 (WHOLE / ENTITY with NAME, ADDRESS, BIRTH, PASSPORT, CITIZEN)',
  root: 'WHOLE',
  recordElements: ['ENTITY'],
  newState: (context) => new UnreadElements(context),
  toRecord: euRecordFromLegacyEntity,
});

export const euFsf: RegisterSource = {
  id: EU_FSF_ID,
  title: 'EU Consolidated Financial Sanctions List',
  publisher: 'European Commission, Financial Sanctions Files (FSF)',
  jurisdiction: 'EU',
  kind: 'register',
  topics: ['sanctions'],
  downloads: [
    {
      url: 'https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=dG9rZW4tMjAxNw',
      format: 'eu-fsf-1.1-xml',
      serves:
        'the whole consolidated list (every EU regime, persons and entities, all name spellings), FSF XML 1.1, about 20-30 MB; the token is a fixed public link parameter (base64 "token-2017"), not a credential',
    },
  ],
  formats: [fsf11XmlFormat, fsf10XmlFormat],
  // EU listings apply from publication in the Official Journal, often the same day, and the file
  // follows within hours. Whether webgate answers a conditional GET with 304 could not be checked
  // from here; the content-hash sentinel stops an unchanged file before parsing either way (a file
  // regenerated with only a new generationDate is parsed, and alerts nothing).
  schedule: 'rate(5 minutes)',
  // Roughly 2,000 entries before 2022 and 5,000+ in 2025-2026 after the Russia packages. Below
  // 1,500 is a broken or partial download; 20,000 leaves years of growth. Real delistings come a
  // few dozen at a time (a regime lifted: Syria 2025); 10 % is about 500 entries.
  expectedRecords: { min: 1_500, max: 20_000, maxDropFraction: 0.1 },
  homepage:
    'https://data.europa.eu/data/datasets/consolidated-list-of-persons-groups-and-entities-subject-to-eu-financial-sanctions',
};
