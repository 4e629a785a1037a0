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
 * into the same drafts and finished by the same code below (`assembleEntityListRule`,
 * `readEntityCellText`), so that a filing and the rule it becomes give the same records.
 */
import type { Readable } from 'node:stream';
import { SaxesParser } from 'saxes';
import { countryCode } from '../../core/countries.ts';
import { SourceFormatError } from '../../core/errors.ts';
import { cleanText, type ExtraFields, type RecordKind, type RegisterRecord } from '../../core/records.ts';
import { StrictUtf8Decoder, decodeUtf8 } from '../read/strict-utf8.ts';
import type { ParseContext, ParseInput, SourceFormat } from '../types.ts';
import { putExtra } from '../helpers.ts';

/** The source whose errors these are (the Federal Register source reads this format). */
const SOURCE_ID = 'us-federal-register';

export const ENTITY_LIST_RULE_LIST = 'Entity List (Federal Register)';

export const ENTITY_LIST_ACTIONS = ['add', 'remove', 'revise'] as const;
export type EntityListAction = (typeof ENTITY_LIST_ACTIONS)[number];

// ---------------------------------------------------------------------------------------------
// A small mixed-content tree of the parts of the document that are read

interface XNode {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: (XNode | string)[];
}

/** Elements kept whole (everything else is skipped while streaming, e.g. the long SUPLINF prose). */
const CAPTURED: ReadonlySet<string> = new Set(['PREAMB', 'REGTEXT', 'FRDOC']);
/** Root elements of FederalRegister.gov full-text XML, one per document type. */
export const FULL_TEXT_ROOTS: readonly string[] = ['RULE', 'PRORULE', 'NOTICE', 'PRESDOCU', 'CORRECT'];

interface CapturedDocument {
  root: string;
  preamble?: XNode;
  regtexts: XNode[];
  frdoc?: XNode;
  /** P attribute of the first PRTPAGE in document order. */
  firstPrintedPage?: number;
}

/**
 * Streams the XML through saxes (no DTD is read, no external entity resolved) and keeps only the
 * PREAMB, REGTEXT and FRDOC subtrees, text and elements in document order.
 */
class FullTextCapture {
  readonly document: CapturedDocument = { root: '', regtexts: [] };
  private readonly parser = new SaxesParser({ xmlns: false, position: true });
  private readonly stack: XNode[] = [];
  private failure: SourceFormatError | undefined;

  constructor(private readonly fileName: string) {
    this.parser.on('opentag', (tag) => {
      const name = localName(tag.name);
      if (!this.document.root) {
        this.document.root = name;
        if (!FULL_TEXT_ROOTS.includes(name)) {
          this.failure ??= new SourceFormatError(
            SOURCE_ID,
            `${fileName}: unknown layout: root element <${tag.name}>, expected one of ${FULL_TEXT_ROOTS.map((r) => `<${r}>`).join(', ')}`,
          );
        }
      }
      if (name === 'PRTPAGE' && this.document.firstPrintedPage === undefined) {
        const page = Number((tag.attributes as Record<string, string>).P);
        if (Number.isInteger(page) && page > 0) this.document.firstPrintedPage = page;
      }
      const parent = this.stack[this.stack.length - 1];
      if (parent || CAPTURED.has(name)) {
        const node: XNode = { name, attributes: tag.attributes as Record<string, string>, children: [] };
        parent?.children.push(node);
        this.stack.push(node);
      }
    });
    const onText = (text: string): void => {
      const parent = this.stack[this.stack.length - 1];
      if (parent) parent.children.push(text);
    };
    this.parser.on('text', onText);
    this.parser.on('cdata', onText);
    this.parser.on('closetag', () => {
      const node = this.stack.pop();
      if (!node || this.stack.length > 0) return;
      if (node.name === 'PREAMB') this.document.preamble ??= node;
      else if (node.name === 'REGTEXT') this.document.regtexts.push(node);
      else if (node.name === 'FRDOC') this.document.frdoc ??= node;
    });
    this.parser.on('error', (error) => {
      this.failure ??= new SourceFormatError(SOURCE_ID, `${fileName}: malformed XML: ${error.message}`, {
        cause: error,
      });
    });
  }

  write(text: string): void {
    try {
      this.parser.write(text);
    } catch (error) {
      this.failure ??= new SourceFormatError(
        SOURCE_ID,
        `${this.fileName}: malformed XML: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (this.failure) throw this.failure;
  }

  close(): CapturedDocument {
    try {
      this.parser.close();
    } catch (error) {
      this.failure ??= new SourceFormatError(
        SOURCE_ID,
        `${this.fileName}: truncated or malformed XML: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (this.failure) throw this.failure;
    if (!this.document.root) throw new SourceFormatError(SOURCE_ID, `${this.fileName}: no XML element found`);
    return this.document;
  }
}

function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon === -1 ? qualified : qualified.slice(colon + 1);
}

function elements(node: XNode, name?: string): XNode[] {
  const out: XNode[] = [];
  for (const c of node.children) if (typeof c !== 'string' && (name === undefined || c.name === name)) out.push(c);
  return out;
}

function descendantsNamed(node: XNode, name: string, out: XNode[] = []): XNode[] {
  for (const c of node.children) {
    if (typeof c === 'string') continue;
    if (c.name === name) out.push(c);
    descendantsNamed(c, name, out);
  }
  return out;
}

interface InlineOptions {
  /** `<SU>` is a footnote reference (collected here and left out of the text), not a suffix. */
  readonly footnotes?: string[];
  /** Leave LI children out (the Entity cell's lines are read one by one). */
  readonly skipLines?: boolean;
}

/**
 * The text of a node in document order, whitespace collapsed. PRTPAGE (a page break) and FTREF
 * vanish; SU is glued to the text before it ("3" + "rd"), or collected as a footnote.
 */
function inlineText(node: XNode, options: InlineOptions = {}): string {
  let text = '';
  const walk = (n: XNode): void => {
    for (const c of n.children) {
      if (typeof c === 'string') {
        text += c;
        continue;
      }
      if (c.name === 'PRTPAGE' || c.name === 'FTREF') continue;
      if (c.name === 'LI' && options.skipLines) continue;
      if (c.name === 'SU') {
        const mark = cleanText(inlineText(c));
        if (options.footnotes) {
          if (mark) options.footnotes.push(mark);
          text += ' ';
        } else {
          text = text.replace(/\s+$/, '') + mark;
        }
        continue;
      }
      if (c.name === 'LI') {
        text += ' ';
        walk(c);
        text += ' ';
        continue;
      }
      walk(c);
    }
  };
  walk(node);
  // A footnote mark left a space before the punctuation it stood against: "734.9(g), 3 744.21(b)".
  return cleanText(text).replace(/\s+([,;.)])/g, '$1');
}

// ---------------------------------------------------------------------------------------------
// Countries, names and the matching key

/** Entity List destination headings that countryCode() does not read. */
const DESTINATION_SPELLINGS: Readonly<Record<string, string>> = {
  "china, people's republic of": 'CN',
  "people's republic of china": 'CN',
  'p.r. china': 'CN',
  prc: 'CN',
  'crimea region of ukraine': 'UA',
  "korea, democratic people's republic of": 'KP',
};

/** ISO alpha-2 for a destination as the Entity List writes it ("CHINA, PEOPLE'S REPUBLIC OF"). */
export function entityListCountryCode(destination: string): string | undefined {
  const text = cleanText(destination).replace(/[’‘`]/g, "'").replace(/\.$/, '');
  if (!text) return undefined;
  return countryCode(text) ?? DESTINATION_SPELLINGS[text.toLowerCase()];
}

/**
 * The name key used for ids and for matching Federal Register entities to the CSL's Entity List
 * records. Transparent on purpose, so a reader can predict what matches:
 *   1. Unicode NFKD, combining accents dropped ("Société" → "societe"), lower case;
 *   2. apostrophes dropped ("Electronic's" → "electronics"), "&" read as "and";
 *   3. every run of anything but letters and digits becomes one space, ends trimmed.
 * Nothing else: legal forms stay ("co ltd" ≠ "co"), word order stays, no fuzzy matching, so a
 * match is always the same name written with different punctuation, case or accents.
 */
export function normalizeEntityName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’‘`´]/g, '')
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Country codes that the Entity List and the CSL use for one another: since 2020 BIS lists Hong
 * Kong and Macau entries under China, while the CSL gives the address country (HK, MO).
 */
const MATCH_COUNTRY: Readonly<Record<string, string>> = { HK: 'CN', MO: 'CN' };

/** The matching key of a name under a country: `CN|spacety co ltd`. */
export function entityListMatchKey(name: string, country: string): string {
  const code = country.toUpperCase();
  return `${MATCH_COUNTRY[code] ?? code}|${normalizeEntityName(name)}`;
}

// ---------------------------------------------------------------------------------------------
// Amendatory instructions

export interface EntityListAmendment {
  readonly action: EntityListAction;
  /** Destination as the instruction writes it ("CHINA, PEOPLE'S REPUBLIC OF"), '' when not said. */
  readonly destination: string;
  readonly countryCode?: string;
  /** The quoted entry name, '' when the instruction names none ("adding ... one entity"). */
  readonly name: string;
}

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

// ---------------------------------------------------------------------------------------------
// The table

export interface EntityListEntry {
  /** Destination as printed ("CHINA, PEOPLE'S REPUBLIC OF"). */
  readonly destination: string;
  readonly countryCode?: string;
  readonly name: string;
  readonly aliases: string[];
  readonly addresses: string[];
  /** Countries read from the end of each address ("…, Moscow, Russia" → RU). */
  readonly addressCountries: string[];
  /** "(See alternate address under China)" and the like. */
  readonly addressNotes: string[];
  readonly licenseRequirement: string;
  readonly licenseReviewPolicy: string;
  /** Footnote marks in the License requirement column ("3": Russia/Belarus military end user). */
  readonly footnotes: string[];
  /** The citation with a filing placeholder filled in from the document. */
  readonly frCitation: string;
  /** The citation column as printed, when it differs from `frCitation`. */
  readonly frCitationAsPrinted?: string;
  /** From the amendatory instructions; undefined when they do not say (a warning is given). */
  readonly action?: EntityListAction;
  /** False for an entry known only from the instructions (a removal: not reprinted). */
  readonly inTable: boolean;
}

export interface EntityListRule {
  /** "2023-03929", from the FRDOC line (or the file name when the line is missing). */
  readonly documentNumber: string;
  readonly subject: string;
  readonly action: string;
  /** ISO date from the DATES/EFFDATE paragraph ("This rule is effective February 24, 2023."). */
  readonly effectiveDate?: string;
  readonly rin?: string;
  readonly docket?: string;
  /** The first printed page (the first PRTPAGE minus one). */
  readonly startPage?: number;
  readonly amendments: readonly EntityListAmendment[];
  readonly entries: readonly EntityListEntry[];
}

type Column = 'country' | 'entity' | 'licenseRequirement' | 'licenseReviewPolicy' | 'frCitation';
const DEFAULT_COLUMNS: readonly Column[] = [
  'country',
  'entity',
  'licenseRequirement',
  'licenseReviewPolicy',
  'frCitation',
];

function columnOf(heading: string): Column | undefined {
  const h = heading.toLowerCase();
  if (/^country$/.test(h)) return 'country';
  if (/^entity$/.test(h)) return 'entity';
  if (/license requirement/.test(h)) return 'licenseRequirement';
  if (/license review policy/.test(h)) return 'licenseReviewPolicy';
  if (/federal register citation/.test(h)) return 'frCitation';
  return undefined;
}

/** Columns from the headings, when at least Country and Entity are recognized. */
function headingColumns(headings: readonly string[]): Column[] | undefined {
  const columns = headings.map(columnOf);
  if (!columns.includes('country') || !columns.includes('entity')) return undefined;
  return columns.map((c, i) => c ?? DEFAULT_COLUMNS[i] ?? 'frCitation');
}

const STARS = /^[*\s]+$/;
const ALIAS_LINE = /^[—–-]\s*/;
const AKA = /,?\s*\ba\.\s*k\.\s*a\.?(?=[\s,:]|$),?/i;
const ADDRESS_NOTE = /\(\s*see\s+(?:also\s+)?alternate\s+address(?:es)?\s+under[^)]*\)\.?/gi;
/** Abbreviations whose final period is part of the name ("Co. Ltd.", "S.A."). */
const KEEPS_PERIOD =
  /(?:\b(?:Ltd|Inc|Co|Corp|Bros|Jr|Sr|Pte|Pvt|Bhd|Sdn|Mfg|Intl|Ind|Est)|(?:\b[A-Za-z]\.){1,}[A-Za-z])\.$/;

function cleanAlias(line: string): string {
  let text = cleanText(line.replace(ALIAS_LINE, ''));
  text = text.replace(/[;,]?\s+and$/i, '').replace(/[;,]$/, '');
  if (text.endsWith('.') && !KEEPS_PERIOD.test(text)) text = text.slice(0, -1);
  return text.trim();
}

function splitAddresses(text: string, notes: string[]): string[] {
  const withoutNotes = text.replace(ADDRESS_NOTE, (note) => {
    notes.push(
      cleanText(note)
        .replace(/\.$/, '')
        .replace(/^\(\s*|\s*\)$/g, ''),
    );
    return ' ';
  });
  return withoutNotes
    .split(/;\s*(?:and\s+)?/i)
    .map((part) =>
      cleanText(part)
        .replace(/^and\s+/i, '')
        .replace(/[.,;]+$/, '')
        .trim(),
    )
    .filter((part) => part.length > 0);
}

/** The country an address ends with: its last comma part, or its last one to three words. */
function addressCountry(address: string): string | undefined {
  const comma = address.lastIndexOf(',');
  const last = (comma === -1 ? address : address.slice(comma + 1)).trim();
  const direct = entityListCountryCode(last);
  if (direct) return direct;
  const words = last.split(/\s+/);
  for (let n = Math.min(3, words.length); n >= 1; n--) {
    const code = entityListCountryCode(words.slice(-n).join(' '));
    if (code) return code;
  }
  return undefined;
}

const NUMBER_WORDS: Readonly<Record<string, number>> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
};

/** Legal forms that continue a name past a comma ("Spacety Co., Ltd."). */
const NAME_CONTINUES =
  /^(?:ltd|limited|inc|incorporated|llc|l\.l\.c|co|corp|corporation|company|plc|gmbh|ag|s\.?a|s\.?a\.?s|s\.?r\.?l|b\.?v|n\.?v|jsc|ojsc|pjsc|cjsc|ooo|pte|pvt|bhd|sdn|fze|fzco|fzc|llp|lp)\b\.?$/i;

/** An Entity cell: the text before its first line break, then each line (aliases, addresses). */
export interface EntityCellText {
  readonly lead: string;
  readonly lines: readonly string[];
}

function cellText(cell: XNode): EntityCellText {
  return { lead: inlineText(cell, { skipLines: true }), lines: elements(cell, 'LI').map((li) => inlineText(li)) };
}

/** Words that mark a name as an organization's; without one the kind is left `other` (a person or unsure). */
const ORGANIZATION_WORDS =
  /\b(?:co|corp|corporation|company|companies|inc|incorporated|llc|ltd|limited|plc|gmbh|jsc|ojsc|pjsc|cjsc|ooo|oao|zao|ao|pte|pvt|bhd|fze|fzco|llp|sarl|srl|spa|group|holding|holdings|industry|industries|industrial|technology|technologies|tech|institute|university|academy|laboratory|laboratories|center|centre|bureau|enterprise|enterprises|factory|plant|trading|trade|electronics|electronic|systems|aerospace|aviation|services|solutions|international|research|design|bank|ministry|agency|organization|association|network|products|firm|works|shipyard|logistics|import|export|development|science|engineering|manufacturing)\b/i;

export function entityKind(name: string): RecordKind {
  return ORGANIZATION_WORDS.test(normalizeEntityName(name)) ? 'organization' : 'other';
}

export interface TableContext {
  readonly rule: Pick<EntityListRule, 'documentNumber' | 'startPage'>;
  readonly warn: (message: string) => void;
  /** Quoted names of the instructions, by match key and by normalized name. */
  readonly named: readonly EntityListAmendment[];
}

/** One row of the table as read, before the instructions say what happens to it. */
export interface DraftEntry {
  destination: string;
  countryCode?: string;
  name: string;
  aliases: string[];
  addresses: string[];
  addressNotes: string[];
  licenseRequirement: string;
  licenseReviewPolicy: string;
  footnotes: string[];
  frCitationAsPrinted: string;
}

function splitNameFromLead(
  lead: string,
  destinationCode: string | undefined,
  context: TableContext,
): { name: string; rest: string } {
  const text = lead.replace(/[’‘]/g, "'");
  const lower = text.toLowerCase();
  // 1. A name quoted in the instructions that the cell starts with (the longest, for "X" and "X Co.").
  let best = '';
  for (const amendment of context.named) {
    if (!amendment.name) continue;
    if (destinationCode && amendment.countryCode && amendment.countryCode !== destinationCode) continue;
    const quoted = amendment.name.replace(/[’‘]/g, "'");
    if (quoted.length > best.length && lower.startsWith(quoted.toLowerCase())) {
      const next = text.charAt(quoted.length);
      if (next === '' || /[\s,;(]/.test(next)) best = quoted;
    }
  }
  if (best) return { name: lead.slice(0, best.length).trim(), rest: lead.slice(best.length) };
  // 2. Everything before "a.k.a.".
  const aka = AKA.exec(text);
  if (aka && aka.index > 0) return { name: lead.slice(0, aka.index).trim(), rest: lead.slice(aka.index) };
  // 3. Up to the first comma that does not go on with a legal form.
  const parts = lead.split(/,\s*/);
  let name = parts[0] ?? '';
  let used = 1;
  while (used < parts.length && NAME_CONTINUES.test(parts[used]!.trim())) name += `, ${parts[used++]!.trim()}`;
  const rest = parts.slice(used).join(', ');
  if (rest)
    context.warn(
      `FR Doc. ${context.rule.documentNumber}: "${cleanText(lead).slice(0, 80)}…": no quoted name in the instructions matches; name taken as "${name}" (up to the first comma)`,
    );
  return { name: name.trim(), rest: rest ? `, ${rest}` : '' };
}

function readEntityCell(cell: XNode, entry: DraftEntry, context: TableContext): void {
  readEntityCellText(cellText(cell), entry, context);
}

/** Name, aliases and addresses of an Entity cell (lines starting with a dash are aliases). */
export function readEntityCellText(cell: EntityCellText, entry: DraftEntry, context: TableContext): void {
  const { lead, lines } = cell;
  const { name, rest } = splitNameFromLead(lead, entry.countryCode, context);
  entry.name = name.replace(/,$/, '').trim();
  let remainder = rest.replace(/^[\s,;]+/, '');
  let announced: number | undefined;
  if (AKA.test(remainder) && remainder.search(AKA) <= 1) {
    remainder = remainder.replace(AKA, '').trim();
    const following = /^(?:,\s*)?the\s+following(?:\s+(\w+))?\s+alias(?:es)?\s*:?/i.exec(remainder);
    if (following) {
      const count = following[1]?.toLowerCase();
      announced = count === undefined ? 1 : (NUMBER_WORDS[count] ?? (Number(count) || undefined));
      remainder = remainder.slice(following[0].length).trim();
    } else if (!lines.some((l) => ALIAS_LINE.test(l))) {
      // "Name, a.k.a. Other Name, address": the aliases run up to the address, which cannot be told apart.
      const inline = remainder
        .split(/;\s*/)
        .map(cleanAlias)
        .filter((a) => a.length > 0);
      entry.aliases.push(...inline);
      remainder = '';
      context.warn(
        `FR Doc. ${context.rule.documentNumber}: ${entry.name}: aliases written inline, read as "${inline.join('; ')}" (an address may be mixed in)`,
      );
    }
  }
  if (remainder) entry.addresses.push(...splitAddresses(remainder, entry.addressNotes));
  for (const line of lines) {
    if (ALIAS_LINE.test(line)) {
      const alias = cleanAlias(line);
      if (alias) entry.aliases.push(alias);
    } else entry.addresses.push(...splitAddresses(line, entry.addressNotes));
  }
  if (announced !== undefined && announced !== entry.aliases.length) {
    context.warn(
      `FR Doc. ${context.rule.documentNumber}: ${entry.name}: the entry announces ${announced} aliases, ${entry.aliases.length} were read`,
    );
  }
}

function readTable(table: XNode, context: TableContext, out: DraftEntry[]): void {
  const cheds = descendantsNamed(table, 'CHED').map((c) => inlineText(c));
  let columns = headingColumns(cheds);
  let destination = '';
  let last: DraftEntry | undefined;
  for (const row of descendantsNamed(table, 'ROW')) {
    const cells = elements(row, 'ENT');
    const texts = cells.map((c) => inlineText(c));
    if (texts.every((t) => t === '' || STARS.test(t))) {
      if (texts.some((t) => STARS.test(t) && t !== '')) last = undefined;
      continue;
    }
    const heading = headingColumns(texts);
    if (heading) {
      columns = heading;
      continue;
    }
    const cols = columns ?? DEFAULT_COLUMNS;
    const at = (column: Column): XNode | undefined => cells[cols.indexOf(column)];
    const text = (column: Column): string => {
      const i = cols.indexOf(column);
      return i === -1 ? '' : (texts[i] ?? '');
    };
    const country = text('country');
    if (country && !STARS.test(country)) {
      destination = country;
      last = undefined;
    }
    const entityCell = at('entity');
    const entityText = text('entity');
    if (!entityCell || !entityText || STARS.test(entityText)) continue;
    const hasColumns = ['licenseRequirement', 'licenseReviewPolicy', 'frCitation'].some(
      (c) => text(c as Column) !== '',
    );
    if (!hasColumns) {
      // The rest of the entry above, carried over to a row of its own (an address, most often).
      if (!last) {
        context.warn(
          `FR Doc. ${context.rule.documentNumber}: a row holding only "${entityText.slice(0, 60)}…" follows no entry; skipped`,
        );
        continue;
      }
      const { lead, lines } = cellText(entityCell);
      for (const part of [lead, ...lines]) {
        if (ALIAS_LINE.test(part)) last.aliases.push(cleanAlias(part));
        else if (part) last.addresses.push(...splitAddresses(part, last.addressNotes));
      }
      continue;
    }
    if (!destination)
      context.warn(
        `FR Doc. ${context.rule.documentNumber}: entry "${entityText.slice(0, 60)}" has no destination above it`,
      );
    const code = destination ? entityListCountryCode(destination) : undefined;
    if (destination && !code)
      context.warn(
        `FR Doc. ${context.rule.documentNumber}: destination "${destination}" is not a country this code knows; kept as written`,
      );
    const requirementCell = at('licenseRequirement');
    const footnotes: string[] = [];
    const entry: DraftEntry = {
      destination,
      ...(code ? { countryCode: code } : {}),
      name: '',
      aliases: [],
      addresses: [],
      addressNotes: [],
      licenseRequirement: requirementCell ? inlineText(requirementCell, { footnotes }) : '',
      licenseReviewPolicy: text('licenseReviewPolicy'),
      footnotes,
      frCitationAsPrinted: text('frCitation'),
    };
    readEntityCell(entityCell, entry, context);
    if (!entry.name) {
      context.warn(`FR Doc. ${context.rule.documentNumber}: an entry under ${destination} has no name; skipped`);
      continue;
    }
    out.push(entry);
    last = entry;
  }
}

/**
 * "88 FR [INSERT FR PAGE NUMBER AND 2/27/2023]." → "88 FR 12170, 2/27/2023"; also the form with
 * the date after the bracket ("88 FR [INSERT FR PAGE NUMBER] 5/10/2023").
 */
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
// Matching early warnings to the CSL's Entity List

export interface EntityListMatch {
  /** The entity read from the Federal Register rule. */
  readonly entity: RegisterRecord;
  /** The CSL Entity List record it matches. */
  readonly record: RegisterRecord;
  /** `name`: the two names are the same; `alias`: an alias of one is the name or an alias of the other. */
  readonly on: 'name' | 'alias';
  /** The matching key that met: `CA|cpunto inc`. */
  readonly key: string;
}

interface IndexedName {
  readonly record: RegisterRecord;
  readonly isName: boolean;
}

/** CSL Entity List records by matching key (every name and alias under every country of the record). */
export interface EntityListIndex {
  readonly byKey: ReadonlyMap<string, readonly IndexedName[]>;
  readonly size: number;
}

/** Country of a record without any, in the index: such records match on the name alone. */
const ANY_COUNTRY = '*';

/**
 * Indexes the records of a list (by default the CSL's "Entity List") for matchEntityListRecords.
 * Pass the records of the us-trade-csl source; records of other lists are skipped.
 */
export function indexEntityListRecords(
  records: Iterable<RegisterRecord>,
  options: { list?: string } = {},
): EntityListIndex {
  const list = options.list ?? 'Entity List';
  const byKey = new Map<string, IndexedName[]>();
  let size = 0;
  for (const record of records) {
    if (record.list !== list) continue;
    size++;
    const countries = record.countries.length ? record.countries : [ANY_COUNTRY];
    const names = [record.name, ...record.aliases];
    names.forEach((name, i) => {
      if (!normalizeEntityName(name)) return;
      for (const country of countries) {
        const key = entityListMatchKey(name, country);
        const bucket = byKey.get(key);
        const item = { record, isName: i === 0 };
        if (bucket) bucket.push(item);
        else byKey.set(key, [item]);
      }
    });
  }
  return { byKey, size };
}

/**
 * The CSL Entity List records each Federal Register entity matches: same normalized name (or
 * alias, either side) under a shared country (HK and MO count as CN; a CSL record without a
 * country matches on the name alone). One match per pair, the name-to-name one when there are
 * both. An addition that matches nothing is not on the CSL yet; a removal that matches nothing was
 * never there under that name.
 */
export function matchEntityListRecords(entities: Iterable<RegisterRecord>, index: EntityListIndex): EntityListMatch[] {
  const matches: EntityListMatch[] = [];
  for (const entity of entities) {
    const found = new Map<string, EntityListMatch>();
    const names = [entity.name, ...entity.aliases];
    const countries = [...entity.countries, ANY_COUNTRY];
    names.forEach((name, i) => {
      for (const country of countries) {
        const key = entityListMatchKey(name, country);
        for (const hit of index.byKey.get(key) ?? []) {
          const on = i === 0 && hit.isName ? 'name' : 'alias';
          const previous = found.get(hit.record.id);
          if (!previous || (previous.on === 'alias' && on === 'name'))
            found.set(hit.record.id, { entity, record: hit.record, on, key });
        }
      }
    });
    matches.push(...found.values());
  }
  return matches;
}

// ---------------------------------------------------------------------------------------------
// The SourceFormat

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
