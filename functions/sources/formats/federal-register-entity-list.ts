/**
 * Entity List amendments read from the full text of a Federal Register rule (the GPO-based XML that
 * FederalRegister.gov serves at a document's `full_text_xml_url`), so that an addition, removal or
 * revision is known the morning the rule goes on public inspection, days before the Consolidated
 * Screening List carries it.
 *
 * What is odd about this XML:
 * - It is typesetting markup, not data. Supplement No. 4 to part 744 is a GPOTABLE of five columns
 *   (Country, Entity, License requirement, License review policy, Federal Register citation) whose
 *   headings sit either in BOXHD/CHED or, as in FR Doc. 2023-03929, in an ordinary ROW under blank
 *   CHEDs. Rows of `* * *` mark the parts of the list the rule leaves alone.
 * - A destination is a ROW of its own (`<ENT I="01">CHINA, PEOPLE'S REPUBLIC OF</ENT>`) or the
 *   first cell of the entity's row; entity rows leave the country cell blank (`<ENT I="22"> </ENT>`).
 * - The Entity cell is "Name, a.k.a., the following two aliases:" followed by LI lines, the aliases
 *   starting with an em dash and the address without one; an entry without aliases is
 *   "Name, address". A long entry continues in the next ROW, which holds only the entity cell (the
 *   address of "Electronic Network Inc." in 2023-03929).
 * - Several addresses are joined with "; and"; "(See alternate address under France and
 *   Netherlands)" notes are kept apart in `extra.addressNotes` (without the parentheses).
 * - The "and" between the last two items of a list is an `<E T="03">` element, sometimes with the
 *   opening quote of the next name inside it (`<E T="03">and “</E> Promtekhkomplekt JSC”`): text is
 *   always read in document order, never per element.
 * - In the License requirement column `<SU>3</SU>` is footnote 3 (Russia/Belarus military end
 *   user); in an address `<SU>rd</SU>` is an ordinal suffix ("3rd ring road"). Footnotes go to
 *   `extra.footnotes`, suffixes are glued to the number.
 * - The citation column of the filed rule reads "88 FR [INSERT FR PAGE NUMBER AND 2/27/2023]."
 *   and FederalRegister.gov's XML keeps the placeholder after publication. The page is the rule's
 *   first page: a document's XML holds the page breaks inside it (`<PRTPAGE P="12171"/>`) but not
 *   the one it starts on, so the first page is the first PRTPAGE minus one. `frCitation` is the
 *   citation with the placeholder filled in ("88 FR 12170, 2/27/2023"); the printed text stays in
 *   `frCitationAsPrinted` when it differs.
 * - Whether an entry is added, removed or revised is said only in the amendatory instructions
 *   (AMDPAR): "a. Under CANADA, by adding in alphabetical order, entries for “CPUNTO Inc.” and
 *   “Electronic Network Inc.”". A removed entry is not printed in the table at all: it is known
 *   only from its quoted name and destination there, and becomes a record with no aliases or
 *   addresses.
 *
 * Records: one per entry (an entity listed under three destinations is three entries, as on the
 * Entity List itself), id `<document number>:<country code>:<normalized name>`, list
 * "Entity List (Federal Register)".
 *
 * The public-inspection raw text of a filing (federal-register-public-inspection-text.ts) is read
 * into the same drafts and finished by the same code (`assembleEntityListRule` below,
 * `readEntityCellText` in federal-register-entity-list-table.ts), so that a filing and the rule it
 * becomes give the same records.
 *
 * The rule is read in four files: the XML captured as a small tree (federal-register-full-text.ts),
 * the table's rows (federal-register-entity-list-table.ts), names, destinations and the early-warning
 * match (federal-register-entity-names.ts), and here the amendatory instructions, the rule assembled
 * and its records.
 */
import type { Readable } from 'node:stream';
import { SourceFormatError } from '../../core/errors.ts';
import { cleanText, type ExtraFields, type RegisterRecord } from '../../core/records.ts';
import { StrictUtf8Decoder, decodeUtf8 } from '../read/strict-utf8.ts';
import type { ParseContext, ParseInput, SourceFormat } from '../types.ts';
import { putExtra } from '../helpers.ts';
import {
  SOURCE_ID,
  type CapturedDocument,
  FULL_TEXT_ROOTS,
  FullTextCapture,
  type XNode,
  descendantsNamed,
  elements,
  inlineText,
} from './federal-register-full-text.ts';
import {
  type DraftEntry,
  type TableContext,
  addressCountry,
  entityKind,
  readTable,
} from './federal-register-entity-list-table.ts';
import { entityListCountryCode, entityListMatchKey, normalizeEntityName } from './federal-register-entity-names.ts';

import { ENTITY_LIST_RULE_LIST } from './federal-register-entity-list-types.ts';
export { ENTITY_LIST_RULE_LIST };

export { ENTITY_LIST_ACTIONS } from './federal-register-entity-list-types.ts';
export type {
  EntityListAction,
  EntityListAmendment,
  EntityListEntry,
  EntityListRule,
} from './federal-register-entity-list-types.ts';
import type {
  EntityListAction,
  EntityListAmendment,
  EntityListEntry,
  EntityListRule,
} from './federal-register-entity-list-types.ts';

const VERBS: Readonly<Record<string, EntityListAction>> = {
  adding: 'add',
  removing: 'remove',
  revising: 'revise',
  amending: 'revise',
};
const VERB = /\b(adding|removing|revising|amending)\b/gi;
const UNDER =
  /\bunder\s+(?:the\s+destinations?\s+of\s+)?(.+?)(?=,?\s+by\s|,\s*in\s+alphabetical|,?\s+(?:the|an?)\s+entr|,?\s+entries\b|;|:|$)/i;
const QUOTED = /[“"]\s*([^”"]+?)\s*[”"]/g;
const SUPPLEMENT_4 = /supplement\s+no\.?\s*4\s+to\s+part\s+744/i;
const OTHER_SUPPLEMENT = /supplement\s+no\.?\s*(\d+)\s+to\s+part\s+(\d+)/gi;

/** "Supplement No. 4 to part 744" in any spelling (the Entity List). */
export const SUPPLEMENT_4_TO_PART_744 = SUPPLEMENT_4;

/** True when the text names another supplement (No. 7 to part 744, …) and not Supplement No. 4. */
export function mentionsOnlyOtherSupplements(text: string): boolean {
  let other = false;
  for (const m of text.matchAll(OTHER_SUPPLEMENT)) {
    if (m[1] === '4' && m[2] === '744') return false;
    other = true;
  }
  return other;
}

/** The amendments one AMDPAR makes to Supplement No. 4: one per quoted name, or per verb when none is quoted. */
export function amendmentsOf(text: string): EntityListAmendment[] {
  // Verbs inside a quoted name ("Amending Trading Co.") are not instructions.
  const masked = text.replace(QUOTED, (quoted) => ' '.repeat(quoted.length));
  const verbs = [...masked.matchAll(VERB)];
  if (verbs.length === 0) return [];
  const prefix = text.slice(0, verbs[0]!.index);
  let destination = cleanText(UNDER.exec(prefix)?.[1] ?? '');
  const out: EntityListAmendment[] = [];
  verbs.forEach((verb, i) => {
    const segment = text.slice(verb.index, verbs[i + 1]?.index ?? text.length);
    const action = VERBS[verb[1]!.toLowerCase()]!;
    const under = UNDER.exec(segment)?.[1];
    if (under) destination = cleanText(under);
    const code = destination ? entityListCountryCode(destination) : undefined;
    const names = [...segment.matchAll(QUOTED)]
      .map((m) => cleanText(m[1]).replace(/[,;]$/, ''))
      .filter((n) => n.length > 0);
    const base = { action, destination, ...(code ? { countryCode: code } : {}) };
    if (names.length === 0) out.push({ ...base, name: '' });
    for (const name of names) out.push({ ...base, name });
  });
  return out;
}

function resolveCitation(printed: string, startPage: number | undefined): string {
  const text = cleanText(printed).replace(/\.$/, '');
  if (startPage === undefined) return text;
  return cleanText(
    text.replace(
      /\[\s*INSERT[^\]]*\](?:,?\s*(\d{1,2}\/\d{1,2}\/\d{2,4}))?/gi,
      (placeholder: string, after: string | undefined) => {
        const date = /\d{1,2}\/\d{1,2}\/\d{2,4}/.exec(placeholder)?.[0] ?? after;
        return date ? `${startPage}, ${date}` : String(startPage);
      },
    ),
  );
}

const MONTHS: Readonly<Record<string, string>> = {
  january: '01',
  february: '02',
  march: '03',
  april: '04',
  may: '05',
  june: '06',
  july: '07',
  august: '08',
  september: '09',
  october: '10',
  november: '11',
  december: '12',
};

/** The first "Month D, YYYY" after "effective" as an ISO date. */
export function effectiveDateOf(text: string): string | undefined {
  const m = /\beffective\s+(?:on\s+|as\s+of\s+)?([A-Z][a-z]+)\.?\s+(\d{1,2}),\s+(\d{4})/.exec(text);
  const month = m ? MONTHS[m[1]!.toLowerCase()] : undefined;
  if (!m || !month) return undefined;
  return `${m[3]}-${month}-${m[2]!.padStart(2, '0')}`;
}

function preambleText(preamble: XNode | undefined, name: string): string {
  if (!preamble) return '';
  const node = descendantsNamed(preamble, name)[0];
  if (!node) return '';
  // Drop the "DATES:" / "ACTION:" heading of a preamble section.
  return cleanText(
    elements(node)
      .filter((c) => c.name !== 'HD')
      .map((c) => inlineText(c))
      .join(' ') || inlineText(node),
  );
}

export interface EntityListParseOptions {
  /** Named in errors. @default 'full_text.xml' */
  readonly fileName?: string;
  /** A problem with one entry (skipped or read with a guess). @default ignored */
  readonly warn?: (message: string) => void;
}

function interpret(captured: CapturedDocument, options: EntityListParseOptions): EntityListRule {
  const fileName = options.fileName ?? 'full_text.xml';
  const warn = options.warn ?? ((): void => undefined);
  const frdoc = captured.frdoc ? inlineText(captured.frdoc) : '';
  const documentNumber =
    /FR\s+Doc\.?\s+([A-Z0-9]+-[0-9]+(?:-[0-9]+)?)/i.exec(frdoc)?.[1] ?? /\b(\d{4}-\d{5})\b/.exec(fileName)?.[1];
  if (!documentNumber)
    throw new SourceFormatError(SOURCE_ID, `${fileName}: no FR Doc. number (no FRDOC line, and none in the file name)`);

  const preamble = captured.preamble;
  const rin = /RIN\s+(\S+)/.exec(preambleText(preamble, 'RIN'))?.[1];
  const docket = preambleText(preamble, 'DEPDOC').replace(/^\[|\]$/g, '');
  const effectiveDate = effectiveDateOf(preambleText(preamble, 'EFFDATE') || preambleText(preamble, 'DATES'));
  const startPage = captured.firstPrintedPage === undefined ? undefined : captured.firstPrintedPage - 1;
  const rule = { documentNumber, ...(startPage !== undefined ? { startPage } : {}) };

  // Instructions first: they name the entries and say what happens to them.
  const amendments: EntityListAmendment[] = [];
  const tables: XNode[] = [];
  for (const regtext of captured.regtexts) {
    let inSupplement4 = false;
    let heading = '';
    for (const child of elements(regtext)) {
      if (child.name === 'AMDPAR') {
        const text = inlineText(child);
        if (/^\d+\.\s/.test(text)) inSupplement4 = SUPPLEMENT_4.test(text);
        else if (SUPPLEMENT_4.test(text)) inSupplement4 = true;
        else if (mentionsOnlyOtherSupplements(text)) inSupplement4 = false;
        if (inSupplement4) amendments.push(...amendmentsOf(text));
      } else if (child.name === 'HD') {
        heading = inlineText(child);
      } else if (child.name === 'GPOTABLE') {
        const headed = SUPPLEMENT_4.test(heading);
        const otherHeading = heading !== '' && mentionsOnlyOtherSupplements(heading);
        if (headed || (inSupplement4 && !otherHeading)) tables.push(child);
      }
    }
  }

  const context: TableContext = { rule, warn, named: amendments };
  const drafts: DraftEntry[] = [];
  for (const table of tables) readTable(table, context, drafts);

  return assembleEntityListRule(
    {
      documentNumber,
      subject: preambleText(preamble, 'SUBJECT'),
      action: preambleText(preamble, 'ACT'),
      ...(effectiveDate ? { effectiveDate } : {}),
      ...(rin ? { rin } : {}),
      ...(docket ? { docket } : {}),
      ...(startPage !== undefined ? { startPage } : {}),
    },
    amendments,
    drafts,
    warn,
  );
}

/** What a rule says of itself, apart from its amendments and entries. */
export type EntityListRuleHead = Omit<EntityListRule, 'amendments' | 'entries'>;

/**
 * The rule from its head, the instructions' amendments and the table's rows: each row gets the
 * action the instructions give it, and each entry the instructions remove (not reprinted) becomes
 * an entry of its own.
 */
export function assembleEntityListRule(
  head: EntityListRuleHead,
  amendments: readonly EntityListAmendment[],
  drafts: readonly DraftEntry[],
  warn: (message: string) => void,
): EntityListRule {
  const { documentNumber, startPage } = head;
  const verbs = new Set(amendments.map((a) => a.action));
  const entries: EntityListEntry[] = [];
  const printed = new Set<string>();
  for (const draft of drafts) {
    const key = entityListMatchKey(draft.name, draft.countryCode ?? draft.destination);
    printed.add(key);
    const action = actionFor(draft, amendments, verbs);
    if (!action)
      warn(
        `FR Doc. ${documentNumber}: ${draft.name} (${draft.destination}): the instructions do not say whether it is added, removed or revised`,
      );
    const frCitation = resolveCitation(draft.frCitationAsPrinted, startPage);
    const asPrinted = cleanText(draft.frCitationAsPrinted).replace(/\.$/, '');
    entries.push({
      destination: draft.destination,
      ...(draft.countryCode ? { countryCode: draft.countryCode } : {}),
      name: draft.name,
      aliases: draft.aliases.filter((a) => a.length > 0),
      addresses: draft.addresses,
      addressCountries: [...new Set(draft.addresses.map(addressCountry).filter((c): c is string => c !== undefined))],
      addressNotes: draft.addressNotes,
      licenseRequirement: draft.licenseRequirement,
      licenseReviewPolicy: draft.licenseReviewPolicy,
      footnotes: draft.footnotes,
      frCitation,
      ...(asPrinted && asPrinted !== frCitation ? { frCitationAsPrinted: asPrinted } : {}),
      ...(action ? { action } : {}),
      inTable: true,
    });
  }
  // Entries named in the instructions but not printed: removals (a removed entry is not reprinted).
  for (const amendment of amendments) {
    if (!amendment.name) continue;
    const key = entityListMatchKey(amendment.name, amendment.countryCode ?? amendment.destination);
    if (printed.has(key)) continue;
    printed.add(key);
    if (amendment.action !== 'remove') {
      warn(
        `FR Doc. ${documentNumber}: "${amendment.name}" (${amendment.destination || 'no destination'}) is named for ${amendment.action} but its row was not found in the table`,
      );
    }
    entries.push({
      destination: amendment.destination,
      ...(amendment.countryCode ? { countryCode: amendment.countryCode } : {}),
      name: amendment.name,
      aliases: [],
      addresses: [],
      addressCountries: [],
      addressNotes: [],
      licenseRequirement: '',
      licenseReviewPolicy: '',
      footnotes: [],
      frCitation: '',
      action: amendment.action,
      inTable: false,
    });
  }
  return { ...head, amendments: [...amendments], entries };
}

/**
 * What happens to a printed entry: the instruction that quotes its name under its destination;
 * else one that quotes its name anywhere (when they agree); else the only verb used under its
 * destination; else the only verb of the whole rule; else undefined.
 */
function actionFor(
  draft: DraftEntry,
  amendments: readonly EntityListAmendment[],
  verbs: ReadonlySet<EntityListAction>,
): EntityListAction | undefined {
  const name = normalizeEntityName(draft.name);
  const sameCountry = (a: EntityListAmendment): boolean =>
    draft.countryCode && a.countryCode
      ? a.countryCode === draft.countryCode
      : normalizeEntityName(a.destination) === normalizeEntityName(draft.destination);
  const exact = amendments.filter((a) => a.name && normalizeEntityName(a.name) === name && sameCountry(a));
  const only = (list: readonly EntityListAmendment[]): EntityListAction | undefined => {
    const set = new Set(list.map((a) => a.action));
    return set.size === 1 ? [...set][0] : undefined;
  };
  return (
    only(exact) ??
    only(amendments.filter((a) => a.name && normalizeEntityName(a.name) === name)) ??
    only(amendments.filter((a) => (a.destination || a.countryCode) && sameCountry(a))) ??
    (verbs.size === 1 ? [...verbs][0] : undefined)
  );
}

/**
 * Reads the Entity List amendments of a rule's full-text XML: every entry of its Supplement No. 4
 * table(s) and every entry its instructions remove. Throws SourceFormatError for malformed XML or
 * a document without an FR Doc. number; a document that does not touch the Entity List gives no
 * entries.
 */
export function parseEntityListRule(xml: string | Buffer, options: EntityListParseOptions = {}): EntityListRule {
  const capture = new FullTextCapture(options.fileName ?? 'full_text.xml');
  capture.write(typeof xml === 'string' ? xml : decodeUtf8(xml, SOURCE_ID, options.fileName ?? 'full_text.xml'));
  return interpret(capture.close(), options);
}

/** The same, reading a stream (the pipeline's downloads are spooled files). */
export async function parseEntityListRuleStream(
  stream: Readable,
  options: EntityListParseOptions = {},
): Promise<EntityListRule> {
  const capture = new FullTextCapture(options.fileName ?? 'full_text.xml');
  const decoder = new StrictUtf8Decoder(SOURCE_ID, options.fileName ?? 'full_text.xml');
  try {
    for await (const chunk of stream)
      capture.write(typeof chunk === 'string' ? chunk : decoder.decode(chunk as Buffer));
    capture.write(decoder.end());
  } finally {
    stream.destroy();
  }
  return interpret(capture.close(), options);
}

// ---------------------------------------------------------------------------------------------
// Records

/** `2023-03929:CA:cpunto-inc`; a destination this code cannot name keeps its own words. */
export function entityListRecordId(
  documentNumber: string,
  entry: Pick<EntityListEntry, 'countryCode' | 'destination' | 'name'>,
): string {
  const where = entry.countryCode ?? (normalizeEntityName(entry.destination).replace(/ /g, '-') || 'no-destination');
  return `${documentNumber}:${where}:${normalizeEntityName(entry.name).replace(/ /g, '-')}`;
}

/** One record per entry. listedOn is the rule's effective date (the CSL's start_date for the same entry). */
export function entityListRecords(rule: EntityListRule, sourceId = SOURCE_ID): RegisterRecord[] {
  return rule.entries.map((entry) => {
    const extra: ExtraFields = {};
    putExtra(extra, 'documentNumber', rule.documentNumber);
    putExtra(extra, 'action', entry.action);
    putExtra(extra, 'destination', entry.destination);
    putExtra(extra, 'licenseRequirement', entry.licenseRequirement);
    putExtra(extra, 'licenseReviewPolicy', entry.licenseReviewPolicy);
    putExtra(extra, 'frCitation', entry.frCitation);
    putExtra(extra, 'frCitationAsPrinted', entry.frCitationAsPrinted);
    putExtra(extra, 'footnotes', entry.footnotes);
    putExtra(extra, 'addressNotes', entry.addressNotes);
    putExtra(extra, 'effectiveDate', rule.effectiveDate);
    putExtra(extra, 'rin', rule.rin);
    putExtra(extra, 'ruleSubject', rule.subject);
    if (!entry.inTable) extra.printedInTable = 'no';
    const countries = [...new Set([...(entry.countryCode ? [entry.countryCode] : []), ...entry.addressCountries])];
    const record: RegisterRecord = {
      id: entityListRecordId(rule.documentNumber, entry),
      source: sourceId,
      list: ENTITY_LIST_RULE_LIST,
      kind: entityKind(entry.name),
      name: entry.name,
      aliases: entry.aliases,
      countries,
      addresses: entry.addresses,
      programs: [],
      links: [`https://www.federalregister.gov/d/${rule.documentNumber}`],
      topics: ['entity-list'],
      extra,
    };
    if (rule.effectiveDate) record.listedOn = rule.effectiveDate;
    return record;
  });
}

// ---------------------------------------------------------------------------------------------
// The SourceFormat

// run/early-warnings.ts reads the matching key from here, beside the list name.
export { entityListMatchKey } from './federal-register-entity-names.ts';

const ROOT = new RegExp(
  `^[\\s\\ufeff]*(?:<\\?xml[^>]*\\?>\\s*)?(?:<!--[\\s\\S]*?-->\\s*)*<(?:${FULL_TEXT_ROOTS.join('|')})[\\s>]`,
);

async function* parseFullTextXml(input: ParseInput, context: ParseContext): AsyncGenerator<RegisterRecord> {
  const fileName = input.main.name;
  const rule = await parseEntityListRuleStream(input.main.open(), { fileName, warn: (m) => context.warn(m) });
  if (rule.entries.length === 0) {
    throw new SourceFormatError(
      context.sourceId,
      `${fileName}: FR Doc. ${rule.documentNumber} does not amend Supplement No. 4 to part 744 (no Entity List entry in it)`,
    );
  }
  yield* entityListRecords(rule, context.sourceId);
}

export const federalRegisterFullTextXmlFormat: SourceFormat = {
  id: 'federal-register-full-text-xml',
  description:
    'FederalRegister.gov full-text XML of one document (RULE/PREAMB/REGTEXT): the Entity List entries a rule adds, removes or revises',
  sniff: (head) => ROOT.test(head) && /<PREAMB[\s>]/.test(head),
  parse: parseFullTextXml,
};
