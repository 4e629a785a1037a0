/**
 * Switzerland: SECO's sanctions list (every measure under the Embargo Act), one XML file of
 * `<swiss-sanctions-list>`: `sanctions-program` elements, then `target`s, then `place`s.
 *
 * What is odd about this publisher's data:
 * - Each target carries its own history: `<modification modification-type="listed|amended|
 *   de-listed" enactment-date publication-date effective-date>`. A de-listed target stays in the
 *   whole list with its history; it is no record here, so the diff reports its removal. The history
 *   of a listed target is kept in `extra.modifications` ("amended 2024-02-23", newest first, the
 *   publication date, else the effective, else the enactment date) and its newest date in
 *   `extra.lastModified`, so each change event carries the publisher's own date for it. Where the
 *   history and the diff disagree — a target the diff finds modified with no new entry in its
 *   history, one whose history gained an entry while nothing read here changed, one added without
 *   a `listed` entry — `reviewChange` says so; the run logs it as a warning and reports it in
 *   `notes` (the publisher is not wrong: an amendment may touch a field this parser does not read,
 *   or be recorded days later; a note is for a human, never a second alert). A removal cannot be
 *   checked: the de-listed target is not in the stored record.
 * - Ids are the target's `ssid`, SECO's own key, kept through amendments. `ssid`s of programs, names
 *   and identities are numbers from the same sequence and never copied into records.
 * - Programs come twice over: one `sanctions-program` element per sanctions set (two elements may
 *   share the program's ssid, as in SECO's own example), each with the program key and name and
 *   the set's title in four languages (eng, ger, fre, ita). A target points at its sets by
 *   `sanctions-set-id`; programs = the English program keys ("RUS", "PRK"), the set titles
 *   ("Financial measures, annex 2") and program names go to extra.
 * - Addresses point at `place` elements by `place-id`, and the places come after the targets: the
 *   targets are read as a stream but emitted at the end of the file, with their places resolved.
 * - The file declares what it is: `list-type="whole-list"` is read; `list-type="amendment"` (the
 *   changes of one day, which is what the only example file reachable here is) is refused when
 *   polled, because read as a whole list it would delist everyone else.
 * - Names are `name-part`s in `order`, with `spelling-variant`s; `name-type` is `primary-name`,
 *   `alias`, `formerly-known-as`; the primary name of the `main="true"` identity is the record's name.
 * - Dates of birth are `day-month-year` elements with any of the three attributes: kept partial
 *   ("1970", "1970-05") in `extra.datesOfBirth`.
 * The example file (ch-seco/ in the real fixtures) is SECO's format with test content ("Test A");
 * the fixtures in tests/fixtures/ch-seco are written for this project in the same layout.
 */
import type { RecordChange } from '../core/diff.ts';
import { countryCode } from '../core/countries.ts';
import { SourceFormatError } from '../core/errors.ts';
import { type ExtraFields, type RecordKind, type RegisterRecord } from '../core/records.ts';
import { clean, ISO_DATE, joinParts, uniqueNonEmpty } from './helpers.ts';
import { headText, readHead } from './read/document.ts';
import { xmlRootPattern } from './read/xml-records.ts';
import { childrenNamed, streamXmlElements, type XmlElement } from './read/xml-stream.ts';
import type { ParseContext, ParseInput, RegisterSource, SourceFormat } from './types.ts';

export const CH_SECO_ID = 'ch-seco';
export const CH_SECO_LIST = 'SECO sanctions';

const MODIFICATION_TYPES: ReadonlySet<string> = new Set(['listed', 'amended', 'de-listed']);

interface SanctionsSet {
  readonly programKey: string;
  readonly programName: string;
  readonly title: string;
  readonly origin: string;
}

interface Place {
  readonly text: string;
  readonly country: string | undefined;
}

interface PendingRecord {
  readonly record: RegisterRecord;
  /** place-ids of its addresses, in order; resolved once every place has been read. */
  readonly placeIds: { readonly address: string; readonly placeId: string }[];
  readonly countries: Set<string>;
}

/** The English text among the four languages (`lang="eng"`), else the first. */
function english(element: XmlElement, name: string): string {
  const all = childrenNamed(element, name);
  return clean((all.find((c) => c.attributes.lang === 'eng') ?? all[0])?.text);
}

function modificationDate(m: XmlElement): string {
  return m.attributes['publication-date'] ?? m.attributes['effective-date'] ?? m.attributes['enactment-date'] ?? '';
}

/** "type date" entries, newest first (undated entries last, in the file's order). */
export function modificationHistory(target: XmlElement): string[] {
  return childrenNamed(target, 'modification')
    .map((m, index) => ({ type: clean(m.attributes['modification-type']), date: clean(modificationDate(m)), index }))
    .sort((a, b) => (b.date || '0').localeCompare(a.date || '0') || a.index - b.index)
    .map((m) => joinParts([m.type, m.date], ' '));
}

function nameText(name: XmlElement): { name: string; variants: string[] } {
  const parts = childrenNamed(name, 'name-part').sort(
    (a, b) => Number(a.attributes.order ?? 0) - Number(b.attributes.order ?? 0),
  );
  const values = parts.map((p) => clean(childrenNamed(p, 'value')[0]?.text));
  const variants: string[] = [];
  parts.forEach((part, index) => {
    for (const variant of childrenNamed(part, 'spelling-variant')) {
      const spelled = [...values];
      spelled[index] = clean(variant.text);
      variants.push(joinParts(spelled, ' '));
    }
  });
  return { name: joinParts(values, ' '), variants };
}

function birthDate(element: XmlElement): string {
  const { year, month, day } = element.attributes;
  const pad = (v: string | undefined): string => (v ? v.padStart(2, '0') : '');
  if (!year) return joinParts([pad(month), pad(day)], '-');
  return joinParts([year, month ? pad(month) : '', month && day ? pad(day) : ''], '-');
}

function kindOf(subject: XmlElement): RecordKind {
  if (subject.name === 'individual') return 'person';
  if (subject.name === 'entity') return 'organization';
  const type = subject.attributes['object-type'];
  return type === 'vessel' ? 'vessel' : type === 'aircraft' ? 'aircraft' : 'other';
}

function pushExtra(extra: ExtraFields, key: string, value: string): void {
  if (!value) return;
  const list = extra[key];
  if (Array.isArray(list)) {
    if (!list.includes(value)) list.push(value);
  } else extra[key] = [value];
}

/** Target children read below; any other is warned about once. */
const READ_TARGET: ReadonlySet<string> = new Set([
  'sanctions-set-id',
  'individual',
  'entity',
  'object',
  'modification',
  'justification',
  'other-information',
  'relation',
  'foreign-identifier',
]);

interface SecoState {
  readonly sets: Map<string, SanctionsSet>;
  readonly places: Map<string, Place>;
  readonly pending: PendingRecord[];
  readonly unread: Set<string>;
  delisted: number;
}

function readProgram(element: XmlElement, state: SecoState): void {
  const programKey = english(element, 'program-key');
  const programName = english(element, 'program-name');
  const origin = english(element, 'origin');
  const title = english(element, 'sanctions-set');
  // One set per element, written in four languages under the same ssid.
  for (const ssid of uniqueNonEmpty(childrenNamed(element, 'sanctions-set').map((s) => s.attributes.ssid ?? '')))
    state.sets.set(ssid, { programKey, programName, title, origin });
}

function readPlace(element: XmlElement, state: SecoState): void {
  const ssid = element.attributes.ssid;
  if (!ssid) return;
  const country = childrenNamed(element, 'country')[0];
  const countryName = clean(country?.text);
  state.places.set(ssid, {
    text: joinParts([english(element, 'location'), english(element, 'area'), countryName]),
    country: country?.attributes['iso-code']?.toUpperCase() || countryCode(countryName),
  });
}

function readTarget(element: XmlElement, context: ParseContext, state: SecoState): void {
  const fail = (reason: string): never => {
    throw new SourceFormatError(context.sourceId, reason);
  };
  const id = clean(element.attributes.ssid);
  if (!id) fail('unknown layout: a <target> without ssid');
  for (const c of element.children)
    if (!READ_TARGET.has(c.name) && !state.unread.has(c.name)) {
      state.unread.add(c.name);
      context.warn(`<${c.name}> inside <target> is not read (a new element in the publisher's layout?)`);
    }
  // A categorical field: a type SECO adds one day must not be read as a listing.
  for (const m of childrenNamed(element, 'modification')) {
    const type = m.attributes['modification-type'] ?? '';
    if (!MODIFICATION_TYPES.has(type))
      fail(`unknown layout: target ${id} has a modification of type "${type}" (expected listed, amended or de-listed)`);
  }
  const history = modificationHistory(element);
  if (history.length === 0) fail(`unknown layout: target ${id} has no <modification>`);
  if (history[0]!.startsWith('de-listed')) {
    state.delisted += 1;
    return;
  }
  const subject = element.children.find((c) => ['individual', 'entity', 'object'].includes(c.name));
  if (!subject) return fail(`unknown layout: target ${id} has no <individual>, <entity> or <object>`);

  const extra: ExtraFields = {};
  const programs: string[] = [];
  for (const setId of childrenNamed(element, 'sanctions-set-id').map((s) => clean(s.text))) {
    const set = state.sets.get(setId);
    if (!set) {
      context.warn(`target ${id} points at sanctions set ${setId}, which no <sanctions-program> defines`);
      continue;
    }
    programs.push(set.programKey);
    pushExtra(extra, 'programNames', set.programName);
    pushExtra(extra, 'sanctionsSets', set.title);
    pushExtra(extra, 'origin', set.origin);
  }

  const identities = childrenNamed(subject, 'identity').sort(
    (a, b) => Number(b.attributes.main === 'true') - Number(a.attributes.main === 'true'),
  );
  let name = '';
  const aliases: string[] = [];
  const countries = new Set<string>();
  const addresses: string[] = [];
  const placeIds: PendingRecord['placeIds'] = [];
  for (const identity of identities) {
    for (const n of childrenNamed(identity, 'name')) {
      const { name: text, variants } = nameText(n);
      if (!name && identity === identities[0] && n.attributes['name-type'] === 'primary-name') name = text;
      else aliases.push(text);
      aliases.push(...variants);
      if (n.attributes['name-type'] === 'formerly-known-as') pushExtra(extra, 'formerNames', text);
    }
    for (const nationality of childrenNamed(identity, 'nationality')) {
      const country = childrenNamed(nationality, 'country')[0];
      const code = country?.attributes['iso-code']?.toUpperCase() || countryCode(clean(country?.text));
      if (code) countries.add(code);
      pushExtra(extra, 'nationalities', clean(country?.text));
    }
    for (const date of childrenNamed(identity, 'day-month-year')) pushExtra(extra, 'datesOfBirth', birthDate(date));
    for (const document of childrenNamed(identity, 'identification-document')) {
      const issuer = childrenNamed(document, 'issuer')[0];
      pushExtra(
        extra,
        'documents',
        joinParts(
          [
            document.attributes['document-type'] ?? '',
            clean(childrenNamed(document, 'number')[0]?.text),
            clean(issuer?.text) || clean(issuer?.attributes.code),
          ],
          ' ',
        ),
      );
    }
    for (const address of childrenNamed(identity, 'address')) {
      const text = joinParts(['c-o', 'address-details', 'p-o-box', 'zip-code'].map((n) => english(address, n)));
      const placeId = address.attributes['place-id'];
      if (placeId) placeIds.push({ address: text, placeId });
      else if (text) addresses.push(text);
    }
  }
  if (!name) {
    const fallback = aliases.shift();
    if (!fallback) {
      context.warn(`target ${id} has no name: skipped`);
      return;
    }
    context.warn(`target ${id} has no primary name in its main identity: "${fallback}" used`);
    name = fallback;
  }
  extra.modifications = history;
  const lastModified = history.map((h) => h.split(' ')[1] ?? '').find((d) => ISO_DATE.test(d));
  if (lastModified) extra.lastModified = lastModified;
  pushExtra(extra, 'justification', english(element, 'justification'));
  for (const info of childrenNamed(element, 'other-information'))
    pushExtra(extra, 'otherInformation', clean(info.text));

  const record: RegisterRecord = {
    id,
    source: CH_SECO_ID,
    list: CH_SECO_LIST,
    kind: kindOf(subject),
    name,
    aliases: uniqueNonEmpty(aliases).filter((a) => a !== name),
    countries: [],
    addresses,
    programs: uniqueNonEmpty(programs),
    links: [],
    extra,
  };
  const listed = history.find((h) => h.startsWith('listed '))?.slice('listed '.length);
  if (listed && ISO_DATE.test(listed)) record.listedOn = listed;
  state.pending.push({ record, placeIds, countries });
}

/** What the root element says: `list-type` and `date`, read from the head. */
async function listHeader(input: ParseInput, context: ParseContext): Promise<{ listType: string; date: string }> {
  const head = headText(await readHead(input.main, 4096));
  const root = /<swiss-sanctions-list\b([^>]*)>/.exec(head)?.[1] ?? '';
  const attribute = (name: string): string => new RegExp(`\\s${name}="([^"]*)"`).exec(root)?.[1] ?? '';
  const listType = attribute('list-type');
  if (!listType)
    throw new SourceFormatError(context.sourceId, `${input.main.name}: <swiss-sanctions-list> has no list-type`);
  return { listType, date: attribute('date') };
}

export interface SecoParseOptions {
  /** Read a `list-type="amendment"` file's targets (tests of the format example). @default false */
  readonly readAmendment?: boolean;
}

/** The list's records, emitted after the last element (the places they point at come last). */
export async function* parseSecoList(
  input: ParseInput,
  context: ParseContext,
  options: SecoParseOptions = {},
): AsyncGenerator<RegisterRecord> {
  const { listType } = await listHeader(input, context);
  if (listType !== 'whole-list' && !(listType === 'amendment' && options.readAmendment))
    throw new SourceFormatError(
      context.sourceId,
      `${input.main.name}: list-type "${listType}" is ${listType === 'amendment' ? 'the changes of one day' : 'unknown'}, not the whole list (list-type "whole-list")`,
    );
  const state: SecoState = { sets: new Map(), places: new Map(), pending: [], unread: new Set(), delisted: 0 };
  const events = streamXmlElements(input.main.open(), {
    sourceId: context.sourceId,
    fileName: input.main.name,
    recordElements: new Set(['sanctions-program', 'target', 'place']),
    rootElements: new Set(['swiss-sanctions-list']),
  });
  for await (const { element } of events) {
    if (element.name === 'sanctions-program') readProgram(element, state);
    else if (element.name === 'place') readPlace(element, state);
    else readTarget(element, context, state);
  }
  for (const { record, placeIds, countries } of state.pending) {
    for (const { address, placeId } of placeIds) {
      const place = state.places.get(placeId);
      if (!place) context.warn(`target ${record.id}: address points at place ${placeId}, which the file lacks`);
      const line = joinParts([address, place?.text ?? '']);
      if (line) record.addresses.push(line);
      if (place?.country) countries.add(place.country);
    }
    record.countries = [...countries];
    yield record;
  }
}

export const secoXmlFormat: SourceFormat = {
  id: 'ch-seco-xml',
  description: 'SECO swiss-sanctions-list XML (sanctions-program, target with its modification history, place)',
  sniff: (head) => xmlRootPattern('swiss-sanctions-list').test(head),
  parse: (input, context) => parseSecoList(input, context),
};

function historyOf(record: RegisterRecord | undefined): string[] {
  const history = record?.extra.modifications;
  return Array.isArray(history) ? history : [];
}

const HISTORY_FIELDS: ReadonlySet<string> = new Set(['extra.modifications', 'extra.lastModified']);

/**
 * Where SECO's own history of a target disagrees with the diff, in one line; undefined where they
 * agree (or where it cannot be told, as for a removal).
 */
export function reviewSecoChange(change: RecordChange): string | undefined {
  const where = `${change.id} (${change.name})`;
  if (change.type === 'added') {
    return historyOf(change.after).some((h) => h.startsWith('listed'))
      ? undefined
      : `${where} is new to the list, but SECO's history records no listing: ${historyOf(change.after).join('; ') || 'none'}`;
  }
  if (change.type !== 'modified') return undefined;
  const before = new Set(historyOf(change.before));
  const added = historyOf(change.after).filter((h) => !before.has(h));
  const fields = (change.fields ?? []).map((f) => f.field).filter((f) => !HISTORY_FIELDS.has(f));
  if (added.length === 0 && fields.length > 0)
    return `${where} changed (${fields.join(', ')}), but SECO's history records no modification since the last version (newest: ${historyOf(change.after)[0] ?? 'none'})`;
  if (added.length > 0 && fields.length === 0)
    return `${where}: SECO's history records ${added.join('; ')}, but no field read here changed`;
  return undefined;
}

export const chSeco: RegisterSource = {
  id: CH_SECO_ID,
  title: 'Swiss sanctions list (SECO)',
  publisher: 'State Secretariat for Economic Affairs SECO (Switzerland)',
  jurisdiction: 'CH',
  kind: 'register',
  topics: ['sanctions'],
  downloads: [
    {
      url: 'https://www.sesam.search.admin.ch/sesam-search-web/pages/downloadXmlGesamtliste.xhtml?lang=en&action=downloadXmlGesamtlisteAction',
      format: 'ch-seco-xml',
      serves:
        'the whole Swiss sanctions list (every program; persons, entities and objects, de-listed targets kept with their history), XML of about 40 MB in four languages',
    },
  ],
  formats: [secoXmlFormat],
  // Hourly, not every 5 minutes: the whole list is about 40 MB, served by a page action that no
  // one reports answering conditional GETs, so every poll downloads it whole (a sentinel hash then
  // stops an unchanged one). SECO follows EU and UN decisions, usually days later; an hour is
  // well inside that, and 720 downloads a month instead of 8,640 spares the publisher.
  schedule: 'rate(1 hour)',
  // Several thousand targets under about 30 programs. Below 1,000 is a broken download; 30,000
  // leaves years of growth. SECO follows EU delistings, a few dozen at a time.
  expectedRecords: { min: 1_000, max: 30_000, maxDropFraction: 0.1 },
  homepage:
    'https://www.seco.admin.ch/seco/en/home/Aussenwirtschaftspolitik_Wirtschaftliche_Zusammenarbeit/Wirtschaftsbeziehungen/exportkontrollen-und-sanktionen/sanktionen-embargos.html',
  reviewChange: reviewSecoChange,
};
