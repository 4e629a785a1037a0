/**
 * The Federal Register, read through FederalRegister.gov's API v1, for the agencies that move US
 * export controls and sanctions: BIS (Entity List, EAR), OFAC (sanctions regulations and
 * designation notices) and State (DDTC's ITAR, ISN's nonproliferation measures). A feed: each
 * document is an item, new and edited items are alerted, items that leave the window are not.
 *
 * What is odd about this publisher's data:
 * - The search API returns only the fields asked for with `fields[]`, and its default set lacks the
 *   action, CFR parts, dates and RINs. The list asked for is fixed here (DOCUMENT_FIELDS), and
 *   never includes `page_views`, `excerpts` or the `*_updated_at` stamps, which change without the
 *   document changing.
 * - `type` in a result is the display name ("Rule", "Proposed Rule", "Notice", "Presidential
 *   Document", rarely "Correction", "Uncategorized Document", "Sunshine Act Document"), while a
 *   query takes the codes RULE, PRORULE, NOTICE, PRESDOCU. Some third-party write-ups show codes
 *   in results: both are read, as the display name.
 * - A search that matches nothing has no `results` key at all (`{"count":0,"description":…}`),
 *   and is refused like any document without records (the agencies queried here publish weekly).
 * - The public-inspection desk (`public-inspection-documents/current.json`) ignores `conditions`:
 *   it is the whole desk of the next issue, every agency (a few hundred documents). It is filtered
 *   here to the agencies (and document types) of the query. An empty desk is
 *   `{"count":0,"results":[]}`. The desk also carries `special_filings_updated_at` /
 *   `regular_filings_updated_at`, which are not read.
 * - `citation` ("88 FR 12170") is null until the document is printed; `effective_on` and the RINs
 *   are filled in or corrected after publication now and then: such edits are item updates.
 * - Responses are sent with `Cache-Control: public, max-age=86400` (`cache_for 1.day` in the API's
 *   controllers, usnationalarchives/federalregister-api-core) and, from Rails' default middleware
 *   (Rack::ETag, Rack::ConditionalGet), a body-hash ETag honoured with 304. Not observed from here.
 * - Document numbers are "2023-03929"; corrections and republications add a prefix ("C1-2023-…",
 *   "R1-2023-…"). Numbers were reused before 2016, which a newest-first window never reaches.
 * - The API caps a search at 2,000 results; the window polled here is one page (`per_page`, 100
 *   by default, at most 1,000).
 *
 * Public inspection and publication (the id and stage design):
 * - A document is filed for public inspection a business day or more before it is printed, under
 *   the document number it keeps. The item id is that number in both stages, and `extra.stage`
 *   says which: `public-inspection`, then `published`. A subscriber first gets
 *   `tradewatch.item.published` for the filing ("on public inspection", with `publicInspectionAt`
 *   = filed_at and the scheduled publication date as listedOn), then `tradewatch.item.updated` when
 *   it is printed (stage, links, abstract, CFR parts and action change).
 * - One version must hold both stages, or a document on the desk and already published (they
 *   overlap for hours) would flip between them on every poll. So the desk is read as a companion
 *   of the documents search (`current.json` beside `documents.json`): a desk item whose number is
 *   in the search results is left out, the published record wins, and nothing of the desk is
 *   copied into a published record (a field that disappeared with the desk would be a false edit).
 * - A filing withdrawn from the desk before publication leaves the window and is, like any item
 *   that leaves a feed's window, not alerted.
 *
 * Topics (extra filter values for subscribers; rules applied to title, action and abstract, the
 * CFR references and the agencies; every rule that holds adds its topic):
 *
 * | topic          | when                                                                                   |
 * |----------------|----------------------------------------------------------------------------------------|
 * | entity-list    | "Entity List" in the title or action; or "Supplement No. 4 to part 744" in any text      |
 * | export-licence | a reference to 15 CFR parts 730–774 (the EAR); "export/reexport licen[cs]e", "license   |
 * |                | exception/requirement/application/review policy" in any text; every entity-list item    |
 * |                | (an Entity List entry is a licence requirement)                                         |
 * | sanctions      | a reference to 31 CFR parts 500–599 (chapter V, OFAC); an OFAC agency; "sanction(s)" or |
 * |                | "nonproliferation measures" (State's ISN) in the title                                  |
 * | itar           | a reference to 22 CFR parts 120–130; "International Traffic in Arms", "ITAR" or         |
 * |                | "Munitions List" in any text                                                            |
 * | semiconductors | "semiconductor", "integrated circuit", "advanced computing" or "supercomput…" in any text |
 *
 * The full text of a rule (its `full_text_xml_url`) is a third format: the Entity List entries a
 * rule adds, removes or revises (functions/sources/formats/federal-register-entity-list.ts).
 *
 * Entity List entries from the desk (the early warning's early warning): a filing has no XML, only
 * its PDF and the text FederalRegister.gov extracts from it with pdftotext, served at the desk's
 * `raw_text_url` (`/public-inspection/raw_text/202/303/929.txt`). A filing whose topics include
 * entity-list is followed to that text, and its entries are read from it
 * (functions/sources/formats/federal-register-public-inspection-text.ts) into the records, with the
 * same ids, that the published rule's XML gives a business day later: an entry is alerted once,
 * from the desk, and what printing changes in it (the citation's page) is a modification. A text
 * that reader cannot read with confidence gives no entries and a warning (the filing is still
 * alerted as a document); a text that cannot be fetched fails the run like the XML (run.ts), and
 * the next poll tries again. A filing is recognised from its title alone (the desk has no action
 * or abstract): a rule that adds entities under another title is read when it is published.
 *
 * Why this file stays long (about 700 lines, 80 of them this note): the query, the topic rules and
 * the two JSON layouts are one design, the two stages of one document held in one version; the
 * search and the desk share the item mapping, and the Entity List text and XML already live in
 * formats/.
 */
import { SourceFormatError } from '../core/errors.ts';
import { cleanText, type ExtraFields, type RegisterRecord } from '../core/records.ts';
import { assertNotErrorPage, headText, readHead } from './read/document.ts';
import { streamJsonArrayObjects } from './read/json-stream.ts';
import { ISO_DATE, putExtra, uniqueNonEmpty } from './helpers.ts';
import { federalRegisterFullTextXmlFormat } from './formats/federal-register-entity-list.ts';
import {
  federalRegisterPublicInspectionTextFormat,
  publicInspectionTextName,
} from './formats/federal-register-public-inspection-text.ts';
import type { ParseContext, ParseInput, RegisterSource, SourceDocument, SourceFormat } from './types.ts';

export { entityListRecords, parseEntityListRule, type EntityListRule } from './formats/federal-register-entity-list.ts';
export {
  entityListMatchKey,
  indexEntityListRecords,
  matchEntityListRecords,
  normalizeEntityName,
  type EntityListIndex,
  type EntityListMatch,
} from './formats/federal-register-entity-names.ts';
export { parseEntityListRawText, publicInspectionTextName } from './formats/federal-register-public-inspection-text.ts';

export const US_FEDERAL_REGISTER_ID = 'us-federal-register';
export const FEDERAL_REGISTER_LIST = 'Federal Register';
export const FEDERAL_REGISTER_API = 'https://www.federalregister.gov/api/v1';

/**
 * Agency slugs of the default query. DDTC and ISN publish as the State Department: FederalRegister.gov
 * has no agency of their own, so State's other notices (exhibitions, visas) come too, without topics.
 */
export const FEDERAL_REGISTER_AGENCIES = [
  'industry-and-security-bureau',
  'foreign-assets-control-office',
  'state-department',
] as const;

/** Query codes → the display names results carry. */
export const FEDERAL_REGISTER_TYPES: Readonly<Record<string, string>> = {
  RULE: 'Rule',
  PRORULE: 'Proposed Rule',
  NOTICE: 'Notice',
  PRESDOCU: 'Presidential Document',
  CORRECT: 'Correction',
  UNKNOWN: 'Uncategorized Document',
  SUNSHINE: 'Sunshine Act Document',
};
/** The codes a search can filter on. */
const SEARCHABLE_TYPES = ['RULE', 'PRORULE', 'NOTICE', 'PRESDOCU'] as const;

/** The fields asked of the documents search (each read below; none that changes on its own). */
export const DOCUMENT_FIELDS = [
  'abstract',
  'action',
  'agencies',
  'cfr_references',
  'citation',
  'comments_close_on',
  'correction_of',
  'dates',
  'docket_ids',
  'document_number',
  'effective_on',
  'full_text_xml_url',
  'html_url',
  'pdf_url',
  'public_inspection_pdf_url',
  'publication_date',
  'regulation_id_numbers',
  'subtype',
  'title',
  'type',
] as const;

/** The fields asked of the public-inspection desk. */
export const PUBLIC_INSPECTION_FIELDS = [
  'agencies',
  'docket_numbers',
  'document_number',
  'editorial_note',
  'filed_at',
  'filing_type',
  'html_url',
  'num_pages',
  'pdf_url',
  'publication_date',
  'raw_text_url',
  'title',
  'type',
] as const;

/** The desk, read beside the documents search (see the header). */
export const PUBLIC_INSPECTION_COMPANION = 'current.json';

export interface FederalRegisterQueryOptions {
  /** Agency slugs (`conditions[agencies][]`). @default FEDERAL_REGISTER_AGENCIES */
  readonly agencies?: readonly string[];
  /** Document types, as codes (RULE, PRORULE, NOTICE, PRESDOCU) or names ("Proposed Rule"). @default every type */
  readonly types?: readonly string[];
  /** Full-text search (`conditions[term]`), e.g. `"entity list"`. Not applied to the desk. @default none */
  readonly terms?: string;
  /** Documents per poll, newest first (1–1000). @default 100 */
  readonly perPage?: number;
}

interface ResolvedQuery {
  readonly agencies: readonly string[];
  readonly types: readonly string[];
  readonly terms: string;
  readonly perPage: number;
}

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Checks the options once, with one message naming every bad one. */
function resolveQuery(options: FederalRegisterQueryOptions): ResolvedQuery {
  const problems: string[] = [];
  const agencies = options.agencies ?? FEDERAL_REGISTER_AGENCIES;
  if (agencies.length === 0)
    problems.push('agencies: give at least one agency slug (an empty list would poll every agency)');
  for (const agency of agencies)
    if (!SLUG.test(agency))
      problems.push(`agencies: "${agency}" is not an agency slug (e.g. industry-and-security-bureau)`);
  const types: string[] = [];
  for (const type of options.types ?? []) {
    const upper = type.trim().toUpperCase();
    const code = (SEARCHABLE_TYPES as readonly string[]).includes(upper)
      ? upper
      : SEARCHABLE_TYPES.find((c) => FEDERAL_REGISTER_TYPES[c]!.toUpperCase() === upper);
    if (code) types.push(code);
    else problems.push(`types: "${type}" is not one of ${SEARCHABLE_TYPES.join(', ')}`);
  }
  const terms = cleanText(options.terms ?? '');
  const perPage = options.perPage ?? 100;
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 1000)
    problems.push(`perPage: ${perPage} is not a whole number from 1 to 1000`);
  if (problems.length) throw new RangeError(`${US_FEDERAL_REGISTER_ID}: query: ${problems.join('; ')}`);
  return { agencies: [...new Set(agencies)], types: [...new Set(types)], terms, perPage };
}

/**
 * The documents search URL: the agencies' documents, newest first, with DOCUMENT_FIELDS.
 * `federalRegisterQueryUrl()` is the source's live URL.
 */
export function federalRegisterQueryUrl(options: FederalRegisterQueryOptions = {}): string {
  const query = resolveQuery(options);
  const params = new URLSearchParams();
  for (const agency of query.agencies) params.append('conditions[agencies][]', agency);
  for (const type of query.types) params.append('conditions[type][]', type);
  if (query.terms) params.append('conditions[term]', query.terms);
  for (const field of DOCUMENT_FIELDS) params.append('fields[]', field);
  params.append('order', 'newest');
  params.append('per_page', String(query.perPage));
  return `${FEDERAL_REGISTER_API}/documents.json?${params.toString()}`;
}

/** The public-inspection desk of the next issue, with PUBLIC_INSPECTION_FIELDS. */
export function federalRegisterPublicInspectionUrl(): string {
  const params = new URLSearchParams();
  for (const field of PUBLIC_INSPECTION_FIELDS) params.append('fields[]', field);
  return `${FEDERAL_REGISTER_API}/public-inspection-documents/current.json?${params.toString()}`;
}

// ---------------------------------------------------------------------------------------------
// Topics

export interface TopicInput {
  readonly title: string;
  readonly action?: string;
  readonly abstract?: string;
  readonly cfrReferences?: readonly { readonly title: number; readonly part?: number }[];
  readonly agencySlugs?: readonly string[];
}

interface FederalRegisterTopicRule {
  readonly topic: string;
  readonly test: (input: TopicInput, text: string) => boolean;
}

const cfrIn = (input: TopicInput, title: number, from: number, to: number): boolean =>
  (input.cfrReferences ?? []).some((r) => r.title === title && r.part !== undefined && r.part >= from && r.part <= to);
const titleOrAction = (input: TopicInput): string => `${input.title} ${input.action ?? ''}`;

const ENTITY_LIST = /\bentity list\b/i;
const SUPPLEMENT_4 = /supplement\s+no\.?\s*4\s+to\s+part\s+744/i;

/** The table in the header, as code. */
export const FEDERAL_REGISTER_TOPIC_RULES: readonly FederalRegisterTopicRule[] = [
  { topic: 'entity-list', test: (input, text) => ENTITY_LIST.test(titleOrAction(input)) || SUPPLEMENT_4.test(text) },
  {
    topic: 'export-licence',
    test: (input, text) =>
      cfrIn(input, 15, 730, 774) ||
      /\b(?:export|re-?export)s?\s+licen[cs]es?\b|\blicen[cs]e\s+(?:exceptions?|requirements?|applications?|review polic(?:y|ies))\b/i.test(
        text,
      ) ||
      ENTITY_LIST.test(titleOrAction(input)) ||
      SUPPLEMENT_4.test(text),
  },
  {
    topic: 'sanctions',
    test: (input) =>
      cfrIn(input, 31, 500, 599) ||
      (input.agencySlugs ?? []).includes('foreign-assets-control-office') ||
      /\bsanctions?\b|nonproliferation measures/i.test(input.title),
  },
  {
    topic: 'itar',
    test: (input, text) =>
      cfrIn(input, 22, 120, 130) || /international traffic in arms|\bITAR\b|munitions list/i.test(text),
  },
  {
    topic: 'semiconductors',
    test: (_input, text) => /semiconductor|integrated circuit|advanced computing|supercomput/i.test(text),
  },
];

/** Topics of an item, in FEDERAL_REGISTER_TOPIC_RULES order. */
export function federalRegisterTopics(input: TopicInput): string[] {
  const text = [input.title, input.action ?? '', input.abstract ?? ''].join(' ');
  return FEDERAL_REGISTER_TOPIC_RULES.filter((rule) => rule.test(input, text)).map((rule) => rule.topic);
}

// ---------------------------------------------------------------------------------------------
// Reading results

/** A field of the wrong JSON type: the layout is not the documented one. */
class ShapeError extends Error {}

function text(value: unknown, field: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return cleanText(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new ShapeError(`${field} is ${Array.isArray(value) ? 'an array' : 'an object'}, expected text`);
}

function list(value: unknown, field: string): unknown[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw new ShapeError(`${field} is not an array`);
  return value;
}

function object(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ShapeError(`${field} is not an object`);
  return value as Record<string, unknown>;
}

function texts(value: unknown, field: string): string[] {
  return list(value, field)
    .map((item, i) => text(item, `${field}[${i}]`))
    .filter((t) => t.length > 0);
}

interface Agencies {
  readonly slugs: string[];
  readonly names: string[];
}

/** `agencies: [{ name, slug, raw_name, id, … }]`; an agency FederalRegister.gov could not match has only raw_name. */
function agenciesOf(value: unknown): Agencies {
  const slugs: string[] = [];
  const names: string[] = [];
  list(value, 'agencies').forEach((item, i) => {
    const agency = object(item, `agencies[${i}]`);
    const slug = text(agency.slug, `agencies[${i}].slug`);
    const name = text(agency.name, `agencies[${i}].name`) || text(agency.raw_name, `agencies[${i}].raw_name`);
    if (slug) slugs.push(slug);
    if (name) names.push(name);
  });
  return { slugs: [...new Set(slugs)], names: [...new Set(names)] };
}

interface CfrReference {
  readonly title: number;
  readonly part?: number;
}

/** `cfr_references: [{ title: 15, part: 744, chapter: "VII", citation_url }]` (part may be null). */
function cfrReferencesOf(value: unknown): CfrReference[] {
  return list(value, 'cfr_references').map((item, i) => {
    const reference = object(item, `cfr_references[${i}]`);
    const title = Number(text(reference.title, `cfr_references[${i}].title`));
    const partText = text(reference.part, `cfr_references[${i}].part`);
    if (!Number.isInteger(title) || title <= 0)
      throw new ShapeError(`cfr_references[${i}].title is not a CFR title number`);
    const part = partText ? Number(partText) : undefined;
    return part !== undefined && Number.isInteger(part) ? { title, part } : { title };
  });
}

/** "2023-03929", "E8-12345", "C1-2023-03929": letters and digits in hyphenated groups. */
const DOCUMENT_NUMBER = /^[A-Z0-9]+(?:-[A-Z0-9]+)+$/i;

/** "RULE" and "Rule" both read as "Rule"; an unknown value is kept as written. */
function documentTypeName(value: string): string {
  return FEDERAL_REGISTER_TYPES[value.toUpperCase()] ?? value;
}

/** The number and title every item needs; undefined (with a warning) when either is missing or odd. */
function identity(
  result: Record<string, unknown>,
  context: ParseContext,
  where: string,
): { id: string; title: string } | undefined {
  const id = text(result.document_number, 'document_number');
  const title = text(result.title, 'title');
  if (!id || !title) {
    context.warn(`${where}: no ${!id ? 'document_number' : 'title'}; skipped (document_number "${id}")`);
    return undefined;
  }
  if (!DOCUMENT_NUMBER.test(id)) {
    context.warn(`${where}: document_number "${id}" is not a Federal Register document number; skipped`);
    return undefined;
  }
  return { id, title };
}

function publicationDate(value: unknown, extra: ExtraFields, context: ParseContext, where: string): string | undefined {
  const date = text(value, 'publication_date');
  if (!date) return undefined;
  if (ISO_DATE.test(date)) return date;
  context.warn(`${where}: publication_date "${date}" is not an ISO date; kept in extra.publicationDateText`);
  extra.publicationDateText = date;
  return undefined;
}

/** One published document of the search results. */
export function federalRegisterDocumentRecord(
  result: Record<string, unknown>,
  context: ParseContext,
  where = 'result',
): RegisterRecord | undefined {
  const found = identity(result, context, where);
  if (!found) return undefined;
  const agencies = agenciesOf(result.agencies);
  const cfr = cfrReferencesOf(result.cfr_references);
  const action = text(result.action, 'action');
  const abstract = text(result.abstract, 'abstract');
  const extra: ExtraFields = { stage: 'published' };
  putExtra(extra, 'documentType', documentTypeName(text(result.type, 'type')));
  putExtra(extra, 'subtype', text(result.subtype, 'subtype'));
  putExtra(extra, 'action', action);
  putExtra(extra, 'citation', text(result.citation, 'citation'));
  putExtra(extra, 'effectiveOn', text(result.effective_on, 'effective_on'));
  putExtra(extra, 'commentsCloseOn', text(result.comments_close_on, 'comments_close_on'));
  putExtra(extra, 'dates', text(result.dates, 'dates'));
  putExtra(
    extra,
    'cfrParts',
    cfr.map((r) => (r.part === undefined ? `${r.title} CFR` : `${r.title} CFR ${r.part}`)),
  );
  putExtra(extra, 'regulationIds', texts(result.regulation_id_numbers, 'regulation_id_numbers'));
  putExtra(extra, 'docketIds', texts(result.docket_ids, 'docket_ids'));
  putExtra(extra, 'agencies', agencies.names);
  putExtra(extra, 'correctionOf', text(result.correction_of, 'correction_of'));
  const listedOn = publicationDate(result.publication_date, extra, context, where);
  const record = documentItem(found, context, agencies.slugs, extra, listedOn, {
    links: uniqueNonEmpty([
      text(result.html_url, 'html_url'),
      text(result.pdf_url, 'pdf_url'),
      text(result.full_text_xml_url, 'full_text_xml_url'),
      text(result.public_inspection_pdf_url, 'public_inspection_pdf_url'),
    ]),
    topics: federalRegisterTopics({
      title: found.title,
      action,
      abstract,
      cfrReferences: cfr,
      agencySlugs: agencies.slugs,
    }),
  });
  if (abstract) record.remarks = abstract;
  return record;
}

/** The record of a document in either stage: what both stages fill alike. */
function documentItem(
  found: { id: string; title: string },
  context: ParseContext,
  agencySlugs: string[],
  extra: ExtraFields,
  listedOn: string | undefined,
  parts: { links: string[]; topics: string[] },
): RegisterRecord {
  const record: RegisterRecord = {
    id: found.id,
    source: context.sourceId,
    list: FEDERAL_REGISTER_LIST,
    kind: 'other',
    name: found.title,
    aliases: [],
    countries: [],
    addresses: [],
    programs: agencySlugs,
    links: parts.links,
    topics: parts.topics,
    extra,
  };
  if (listedOn) record.listedOn = listedOn;
  return record;
}

/** One filing on the public-inspection desk. */
export function federalRegisterPublicInspectionRecord(
  result: Record<string, unknown>,
  context: ParseContext,
  where = 'result',
): RegisterRecord | undefined {
  const found = identity(result, context, where);
  if (!found) return undefined;
  const agencies = agenciesOf(result.agencies);
  const extra: ExtraFields = { stage: 'public-inspection' };
  putExtra(extra, 'documentType', documentTypeName(text(result.type, 'type')));
  putExtra(extra, 'publicInspectionAt', text(result.filed_at, 'filed_at'));
  putExtra(extra, 'filingType', text(result.filing_type, 'filing_type'));
  putExtra(extra, 'numPages', text(result.num_pages, 'num_pages'));
  putExtra(extra, 'editorialNote', text(result.editorial_note, 'editorial_note'));
  putExtra(extra, 'docketIds', texts(result.docket_numbers, 'docket_numbers'));
  putExtra(extra, 'agencies', agencies.names);
  const listedOn = publicationDate(result.publication_date, extra, context, where);
  return documentItem(found, context, agencies.slugs, extra, listedOn, {
    links: uniqueNonEmpty([
      text(result.html_url, 'html_url'),
      text(result.pdf_url, 'pdf_url'),
      text(result.raw_text_url, 'raw_text_url'),
    ]),
    topics: federalRegisterTopics({ title: found.title, agencySlugs: agencies.slugs }),
  });
}

/** Turns a ShapeError into the source's format error, naming the file and the result. */
function mapped<T>(read: () => T, context: ParseContext, fileName: string, where: string): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ShapeError)
      throw new SourceFormatError(context.sourceId, `${fileName}: ${where}: ${error.message}`, { cause: error });
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Formats

const JSON_OBJECT = /^[\s\ufeff]*\{/;
const HAS_DOCUMENT_NUMBER = /"document_number"\s*:/;
const DESK_FIELDS = /"(?:filed_at|filing_type|special_filings_updated_at|regular_filings_updated_at)"\s*:/;
const EMPTY_DESK = /^[\s\ufeff]*\{\s*"count"\s*:\s*0\s*,\s*"results"\s*:\s*\[\s*\]\s*\}\s*$/;

/** A search that matched nothing: `{"count":0,"description":"…"}` (refused later: it has no results). */
const NO_MATCH = /^[\s\ufeff]*\{\s*"count"\s*:\s*0\s*,\s*"description"\s*:/;

/** Search results: documents with numbers and none of the desk's fields, or the search that matched nothing. */
function sniffDocuments(head: string): boolean {
  return JSON_OBJECT.test(head) && ((HAS_DOCUMENT_NUMBER.test(head) && !DESK_FIELDS.test(head)) || NO_MATCH.test(head));
}

/** The desk: filings with filed_at / filing_type, or the empty desk. */
function sniffPublicInspection(head: string): boolean {
  return (
    JSON_OBJECT.test(head) && ((HAS_DOCUMENT_NUMBER.test(head) && DESK_FIELDS.test(head)) || EMPTY_DESK.test(head))
  );
}

/** Which desk filings belong to the query: one of its agencies and, when it names types, one of them. */
export interface DeskFilter {
  readonly agencies: ReadonlySet<string>;
  /** Display names ("Rule"); empty: every type. */
  readonly types: ReadonlySet<string>;
}

function onDesk(record: RegisterRecord, filter: DeskFilter): boolean {
  if (!record.programs.some((slug) => filter.agencies.has(slug))) return false;
  const type = record.extra.documentType;
  return filter.types.size === 0 || (typeof type === 'string' && filter.types.has(type));
}

async function* readDesk(
  document: SourceDocument,
  context: ParseContext,
  filter: DeskFilter,
): AsyncGenerator<RegisterRecord> {
  let index = 0;
  for await (const result of streamJsonArrayObjects(document.open(), {
    sourceId: context.sourceId,
    fileName: document.name,
    arrayKey: 'results',
  })) {
    const where = `results[${index++}]`;
    const record = mapped(
      () => federalRegisterPublicInspectionRecord(result, context, where),
      context,
      document.name,
      where,
    );
    if (record && onDesk(record, filter)) yield record;
  }
}

function publicInspectionFormat(filter: DeskFilter): SourceFormat {
  return {
    id: 'federal-register-public-inspection-json',
    description:
      "FederalRegister.gov public-inspection desk (public-inspection-documents/current.json), filtered to the query's agencies",
    sniff: sniffPublicInspection,
    parse: (input, context) => readDesk(input.main, context, filter),
  };
}

function documentsFormat(filter: DeskFilter): SourceFormat {
  async function* parse(input: ParseInput, context: ParseContext): AsyncGenerator<RegisterRecord> {
    const fileName = input.main.name;
    const published = new Set<string>();
    let index = 0;
    for await (const result of streamJsonArrayObjects(input.main.open(), {
      sourceId: context.sourceId,
      fileName,
      arrayKey: 'results',
    })) {
      const where = `results[${index++}]`;
      const record = mapped(() => federalRegisterDocumentRecord(result, context, where), context, fileName, where);
      if (!record) continue;
      published.add(record.id);
      yield record;
    }
    const desk = input.companions.get(PUBLIC_INSPECTION_COMPANION);
    if (!desk) return;
    const head = headText(await readHead(desk));
    assertNotErrorPage(context.sourceId, desk, head);
    if (!sniffPublicInspection(head))
      throw new SourceFormatError(
        context.sourceId,
        `${desk.name} (beside ${fileName}) is not a public-inspection desk`,
      );
    for await (const record of readDesk(desk, context, filter)) if (!published.has(record.id)) yield record;
  }
  return {
    id: 'federal-register-documents-json',
    description:
      'FederalRegister.gov documents search (documents.json: {"count","description","results":[…]}), with the public-inspection desk (current.json) beside it when present',
    sniff: sniffDocuments,
    parse,
  };
}

/**
 * The source for a query. `usFederalRegister` is the default query; another one (say, BIS rules
 * only) gets the same formats with its desk filter.
 */
export function createFederalRegisterSource(options: FederalRegisterQueryOptions = {}): RegisterSource {
  const query = resolveQuery(options);
  const filter: DeskFilter = {
    agencies: new Set(query.agencies),
    types: new Set(query.types.map((code) => FEDERAL_REGISTER_TYPES[code]!)),
  };
  const desk = federalRegisterPublicInspectionUrl();
  return {
    id: US_FEDERAL_REGISTER_ID,
    title: 'Federal Register: export-control and sanctions documents (BIS, OFAC, State)',
    publisher:
      'Office of the Federal Register (National Archives) and the Government Publishing Office, via FederalRegister.gov',
    jurisdiction: 'US',
    kind: 'feed',
    // An entity read from the filing has no page in its citation yet; printing adds it, and nothing else.
    quietFields: ['extra.frCitation', 'extra.frCitationAsPrinted'],
    // An Entity List rule: its entities, each alerted as an early warning before the Consolidated
    // Screening List carries it. From the desk, the filing's raw text; once printed, the full text.
    followUps: (record) => {
      if (!record.topics?.includes('entity-list')) return [];
      if (record.extra.stage === 'published') {
        return record.links
          .filter((link) => /\/full_text\/xml\//.test(link))
          .map((url) => ({ url, name: `${record.id}.full_text.xml`, format: federalRegisterFullTextXmlFormat.id }));
      }
      if (record.extra.stage === 'public-inspection') {
        const name = publicInspectionTextName(record.id, record.listedOn);
        // Optional: the printed rule's XML brings the same entities a day later if the text cannot be had.
        return record.links
          .filter((link) => /\/public-inspection\/raw_text\//.test(link))
          .map((url) => ({ url, name, format: federalRegisterPublicInspectionTextFormat.id, optional: true }));
      }
      return [];
    },
    // The poller fetches downloads[0] with its companion, so one version holds both stages. A
    // download with companions is fetched whole on every poll (a 304 on the search would say
    // nothing of the desk); the content hash of both files stops an unchanged poll. downloads[1]
    // is the desk alone (for `parse`).
    downloads: [
      {
        url: federalRegisterQueryUrl(options),
        format: 'federal-register-documents-json',
        serves: `the ${query.perPage} newest documents of ${query.agencies.join(', ')} (JSON, no API key), read with the public-inspection desk of the next issue`,
        companions: { [PUBLIC_INSPECTION_COMPANION]: desk },
      },
      {
        url: desk,
        format: 'federal-register-public-inspection-json',
        serves:
          "the public-inspection desk of the next issue, every agency (JSON, no API key; filtered here to the query's agencies)",
      },
    ],
    formats: [
      documentsFormat(filter),
      publicInspectionFormat(filter),
      federalRegisterFullTextXmlFormat,
      federalRegisterPublicInspectionTextFormat,
    ],
    // Documents go on the desk at 08:45 ET (special filings through the day) and are printed at
    // 06:00 ET the next business day. Entity List rules often take effect on filing.
    schedule: 'rate(5 minutes)',
    // A feed window: one page of the search plus this query's share of the desk (tens at most).
    expectedRecords: { min: 1, max: Math.max(1000, query.perPage + 500) },
    homepage: 'https://www.federalregister.gov/',
    companionNames: [PUBLIC_INSPECTION_COMPANION],
  };
}

export const usFederalRegister: RegisterSource = createFederalRegisterSource();
