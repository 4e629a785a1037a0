/**
 * Entity List amendments read from the raw text of a public-inspection filing, so that the entries
 * of a BIS rule are alerted the day it goes on the desk, a business day before the rule is printed
 * and its full-text XML exists (federal-register-entity-list.ts reads that XML).
 *
 * Where the text comes from: the desk's `raw_text_url` field
 * (`https://www.federalregister.gov/public-inspection/raw_text/202/303/929.txt` for 2023-03929: the
 * number without its first hyphen, in groups of three). FederalRegister.gov makes it when it imports
 * the filed PDF (usnationalarchives/federalregister-api-core, PublicInspectionDocumentFileImporter):
 * `pdftotext -enc UTF-8 file.pdf -` (poppler's default reading-order mode, not -layout), then runs
 * of three or more `-`, four or more `.`, two or more `_`, `\16\`-style codes and every `|` are
 * deleted, and a line holding only a number between a line break and a blank line (a page number)
 * is dropped. What is odd about it, for the filings BIS makes:
 * - It is the agency's typed manuscript, not the typeset Federal Register: "BILLING CODE 3510-33-P"
 *   first, lines wrapped at the manuscript's width, paragraphs not separated by blank lines, a form
 *   feed at each page break, and placeholders such as "[INSERT DATE OF PUBLICATION IN THE FEDERAL
 *   REGISTER]" where the printed rule will have a date.
 * - The Supplement No. 4 table comes out cell by cell: each cell's lines together, wrapped at the
 *   cell's width, but the cells of a row need not follow one another (pdftotext may print the
 *   License requirement, License review policy and citation cells of a row before its Entity cell,
 *   or two rows' cells in turn). Top to bottom order holds within a column. Destination headings
 *   ("CHINA,\nPEOPLE'S\nREPUBLIC OF") wrap in the narrow Country column; rows of stars lose their
 *   spaces ("*******"). A word too long for its cell is broken anywhere ("2/27\n/2023].").
 * - Word's typographic apostrophe (’) stands where the typeset XML has "'"; it is read as "'".
 * - Superscripts sit on the line: footnote 3 of the License requirement is "734.9(g),3 744.21(b)",
 *   an ordinal is "3rd".
 *
 * How it is read, without relying on the order of the cells: the amendatory instructions (prose, so
 * in order) quote every entry added or revised with its destination; an Entity cell is a run of
 * lines that starts with one of those names; License requirement, review policy and citation cells
 * are runs that start with "For all items…", "Policy of denial…"/"Presumption…"/"Case-by-case…",
 * and "88 FR…". The n-th Entity cell of a name is the entry under the n-th destination the
 * instructions give that name (the table is in the instructions' destination order); the n-th cell
 * of each other column belongs to the n-th entry. When a column does not have one cell per entry,
 * it is used only when every cell says the same, and otherwise left empty with a warning.
 *
 * From there the rows are finished by the XML reader's own code (`readEntityCellText`,
 * `assembleEntityListRule`), so the records have the same ids, and the same content, as the ones
 * the published rule's XML gives. Two things differ by nature: the citation keeps its placeholder
 * (the page is not known before printing; the XML reader fills it in, which is a modification of
 * each entry when the rule is printed), and a date left as a placeholder is read as the scheduled
 * publication date only when the file name or the FR Doc. line gives it.
 *
 * Strict where a guess would mislead: a text that is empty, an HTML page, not a Federal Register
 * filing, without instructions amending Supplement No. 4, or whose table does not hold every entry
 * the instructions add or revise (truncated, or laid out otherwise than assumed) is refused with a
 * SourceFormatError naming the file and the cause. The format (used as the follow-up of a desk
 * filing) turns that refusal into a warning and no entries: the filing is still alerted as a
 * document, and its entries come with the published rule's XML, read strictly.
 *
 * ASSUMED, not observed: no raw text of a BIS Entity List filing beyond its first page was found
 * in stored public material, so the layout of the table is the one pdftotext gives for a ruled
 * 5-column table of a Letter-size, Times 12 pt manuscript (tests/fixtures/federal-register/README.md).
 *
 * Why this file stays long (about 680 lines): it is one reader of pdftotext output, line by line
 * (preamble, instructions, the table's cells, the rule), each step reading where the one before it
 * stopped; split, the steps would share their state through exported internals.
 */
import type { Readable } from 'node:stream';
import { SourceFormatError } from '../../core/errors.ts';
import { cleanText, type RegisterRecord } from '../../core/records.ts';
import { decodeUtf8 } from '../read/strict-utf8.ts';
import type { ParseContext, ParseInput, SourceFormat } from '../types.ts';
import {
  amendmentsOf,
  assembleEntityListRule,
  effectiveDateOf,
  entityListRecords,
  mentionsOnlyOtherSupplements,
  SUPPLEMENT_4_TO_PART_744,
  type EntityListAmendment,
  type EntityListRule,
  type EntityListRuleHead,
} from './federal-register-entity-list.ts';
import {
  readEntityCellText,
  type DraftEntry,
  type EntityCellText,
  type TableContext,
} from './federal-register-entity-list-table.ts';
import { entityListCountryCode, normalizeEntityName } from './federal-register-entity-names.ts';

/** The source whose errors these are (the Federal Register source reads this format). */
const SOURCE_ID = 'us-federal-register';

export const PUBLIC_INSPECTION_TEXT_FORMAT_ID = 'federal-register-public-inspection-text';

/**
 * The file name a filing's raw text is read under: `2023-03929.public-inspection.2023-02-27.txt`
 * (the scheduled publication date, when known, fills in "[INSERT DATE OF PUBLICATION …]").
 */
export function publicInspectionTextName(documentNumber: string, publicationDate?: string): string {
  return `${documentNumber}.public-inspection${publicationDate ? `.${publicationDate}` : ''}.txt`;
}

export interface RawTextParseOptions {
  /** Named in errors; its document number and date are read when the text lacks them. @default 'public-inspection.txt' */
  readonly fileName?: string;
  /** ISO date the filing is to be printed on. @default from the file name, else from the FR Doc. line */
  readonly publicationDate?: string;
  /** A problem with one entry (skipped or read with a guess). @default ignored */
  readonly warn?: (message: string) => void;
}

// ---------------------------------------------------------------------------------------------
// Lines

const PAGE_BREAK = '\f';
const BANNER = /This document is scheduled to be published in the\s+Federal Register on[\s\S]{0,300}?govinfo\.gov/g;

/** Lines trimmed, a page break a line of its own, page numbers beside a page break dropped. */
function linesOf(text: string): string[] {
  const raw = text
    .replace(/^\ufeff/, '')
    .replace(BANNER, '')
    .replace(/\r\n?/g, '\n')
    .replace(/\f/g, `\n${PAGE_BREAK}\n`)
    .split('\n')
    .map((line) => line.replace(/^[\s\u00a0]+|[\s\u00a0]+$/g, '') || (line.includes(PAGE_BREAK) ? PAGE_BREAK : ''));
  const nearBreak = (i: number, step: number): boolean => {
    for (let j = i + step; j >= 0 && j < raw.length; j += step) {
      if (raw[j] === PAGE_BREAK) return true;
      if (raw[j] !== '') return false;
    }
    return step > 0;
  };
  return raw.filter((line, i) => !(/^\d{1,3}$/.test(line) && (nearBreak(i, 1) || nearBreak(i, -1))));
}

const blank = (line: string): boolean => line === '' || line === PAGE_BREAK;

/** Lines of one cell or paragraph joined: "Ti-" + "Tech" and "2/27" + "/2023" without a space. */
function joinLines(lines: readonly string[]): string {
  let out = '';
  for (const line of lines) {
    if (blank(line)) continue;
    if (!out) out = line;
    else if (/[\p{L}\p{N}][-/]$/u.test(out) || line.startsWith('/')) out += line;
    else out += ` ${line}`;
  }
  return out;
}

const straightApostrophes = (text: string): string => text.replace(/[’‘]/g, "'");

/** Whitespace collapsed, no space before punctuation: the XML reader's inline text. */
function tidy(text: string): string {
  return cleanText(straightApostrophes(text)).replace(/\s+([,;.)])/g, '$1');
}

// ---------------------------------------------------------------------------------------------
// The preamble

const SECTION_LABEL =
  /^(AGENCY|ACTION|SUMMARY|DATES|EFFECTIVE DATE|ADDRESSES|FOR FURTHER INFORMATION CONTACT|SUPPLEMENTARY INFORMATION):\s*/;

/** The text of a preamble section ("DATES: …"), up to the next section label. */
function section(lines: readonly string[], labels: readonly string[]): string {
  const start = lines.findIndex((line) => labels.some((label) => line.startsWith(`${label}:`)));
  if (start === -1) return '';
  const body: string[] = [lines[start]!.replace(SECTION_LABEL, '')];
  for (let i = start + 1; i < lines.length && !SECTION_LABEL.test(lines[i]!); i++) body.push(lines[i]!);
  return tidy(joinLines(body));
}

const US_DATE = /(\d{1,2})\/(\d{1,2})\/(\d{4})/;
const isoOf = (m: RegExpExecArray): string => `${m[3]}-${m[1]!.padStart(2, '0')}-${m[2]!.padStart(2, '0')}`;

function headOf(
  lines: readonly string[],
  text: string,
  fileName: string,
  publicationDate: string | undefined,
): EntityListRuleHead {
  // The filing stamp closes the text; an earlier "FR Doc." may cite another document.
  const frDoc = [...text.matchAll(/\[?FR\s+Doc\.?\s+([A-Z0-9]+-[0-9]+(?:-[0-9]+)?)\b([^\]\n]*)/gi)].at(-1);
  const fromName = /(?:^|[^\dA-Z])((?:[A-Z]\d-)?\d{4}-\d{5})(?![\d])/i.exec(fileName)?.[1];
  if (frDoc && fromName && frDoc[1]!.toUpperCase() !== fromName.toUpperCase()) {
    throw new SourceFormatError(SOURCE_ID, `${fileName}: the text is FR Doc. ${frDoc[1]}, not ${fromName}`);
  }
  const documentNumber = frDoc?.[1] ?? fromName;
  if (!documentNumber)
    throw new SourceFormatError(
      SOURCE_ID,
      `${fileName}: no FR Doc. number (no "FR Doc." line, and none in the file name)`,
    );
  const printedOn = /Publication Date:\s*(\d{1,2}\/\d{1,2}\/\d{4})/i.exec(frDoc?.[2] ?? '');
  const published =
    publicationDate ??
    /\.(\d{4}-\d{2}-\d{2})\.[^.]*$/.exec(fileName)?.[1] ??
    (printedOn ? isoOf(US_DATE.exec(printedOn[1]!)!) : undefined);

  const rinAt = lines.findIndex((line) => /^RIN\s+\d{4}-[A-Z0-9]{4}\b/.test(line));
  const docketAt = lines.findIndex((line) => /^\[Docket No\./i.test(line));
  const agencyAt = lines.findIndex((line) => line.startsWith('AGENCY:'));
  const subjectFrom = (rinAt !== -1 ? rinAt : docketAt) + 1;
  const subject = subjectFrom > 0 && agencyAt > subjectFrom ? tidy(joinLines(lines.slice(subjectFrom, agencyAt))) : '';
  const dates = section(lines, ['DATES', 'EFFECTIVE DATE']);
  let effectiveDate = effectiveDateOf(dates);
  if (!effectiveDate && published && /\beffective\s+(?:on\s+)?\[INSERT DATE OF PUBLICATION/i.test(dates))
    effectiveDate = published;
  const rin = rinAt === -1 ? undefined : /^RIN\s+(\S+)/.exec(lines[rinAt]!)?.[1];
  const docket = docketAt === -1 ? '' : tidy(lines[docketAt]!).replace(/^\[|\]$/g, '');
  return {
    documentNumber,
    subject,
    action: section(lines, ['ACTION']),
    ...(effectiveDate ? { effectiveDate } : {}),
    ...(rin ? { rin } : {}),
    ...(docket ? { docket } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Regulatory text: instructions and the Supplement No. 4 table

/** "2. ", "a. ", "iv. ": an amendatory instruction starts. */
const LABEL = /^(?:\d{1,2}|[a-z]{1,2}|[ivx]{1,4})\.\s+\S/;
const NUMBERED = /^\d{1,2}\.\s/;
const TABLE_HEADING = /^supplement\s+no\.?\s*4\s+to\s+part\s+744\s*[—–-]+\s*entity\s+list\.?$/i;
const REGULATORY_TEXT = /^PART\s+\d{1,3}\s*[—–-]|\bamended as follows:\s*$/;
const STARS = /^\*(?:\s*\*){2,}$/;
const HEADER_WORD =
  /^(?:country|entity|license|requirement|review policy|license requirement|license review policy|federal|register|federal register|citation|register citation|federal register citation)$/i;

interface Regulatory {
  readonly instructions: string[];
  readonly tables: string[][];
}

/** A numbered instruction that starts after a table (which then ends there). */
function startsInstruction(lines: readonly string[], i: number): boolean {
  if (!NUMBERED.test(lines[i]!)) return false;
  const text = joinLines(lines.slice(i, i + 3));
  return /\b(?:is|are)\s+(?:amended|revised|removed|added)\b|\bby\s+(?:adding|removing|revising)\b/i.test(text);
}

/** The instructions (one string each) and the lines of each Supplement No. 4 table. */
function regulatoryText(lines: readonly string[], fileName: string): Regulatory {
  const supplementary = lines.findIndex((line) => line.startsWith('SUPPLEMENTARY INFORMATION:'));
  const start = lines.findIndex((line, i) => i > supplementary && REGULATORY_TEXT.test(line));
  if (start === -1)
    throw new SourceFormatError(
      SOURCE_ID,
      `${fileName}: no regulatory text (no "PART …" heading and no "amended as follows:" after the preamble)`,
    );
  const instructions: string[] = [];
  const tables: string[][] = [];
  let paragraph: string[] | undefined;
  const finish = (): void => {
    if (paragraph) instructions.push(tidy(joinLines(paragraph)));
    paragraph = undefined;
  };
  for (let i = start; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\[?FR\s+Doc\./i.test(line)) break;
    if (TABLE_HEADING.test(line)) {
      finish();
      const table: string[] = [];
      for (
        i += 1;
        i < lines.length &&
        !startsInstruction(lines, i) &&
        !/^\[?FR\s+Doc\./i.test(lines[i]!) &&
        !/^PART\s+\d{1,3}\b/.test(lines[i]!);
        i++
      )
        table.push(lines[i]!);
      tables.push(table);
      i -= 1;
      continue;
    }
    if (LABEL.test(line)) {
      finish();
      paragraph = [line];
    } else if (/^PART\s+\d/.test(line) || /^§\s*\d/.test(line) || /^Authority:/.test(line) || STARS.test(line)) {
      finish();
    } else if (paragraph && !blank(line)) {
      paragraph.push(line);
    }
  }
  finish();
  return { instructions, tables };
}

/** The amendments to Supplement No. 4, read as the XML reader reads its AMDPARs. */
function supplement4Amendments(instructions: readonly string[]): EntityListAmendment[] {
  const amendments: EntityListAmendment[] = [];
  let inSupplement4 = false;
  for (const text of instructions) {
    if (NUMBERED.test(text)) inSupplement4 = SUPPLEMENT_4_TO_PART_744.test(text);
    else if (SUPPLEMENT_4_TO_PART_744.test(text)) inSupplement4 = true;
    else if (mentionsOnlyOtherSupplements(text)) inSupplement4 = false;
    if (inSupplement4) amendments.push(...amendmentsOf(text));
  }
  return amendments;
}

// ---------------------------------------------------------------------------------------------
// The table's cells

type Column = 'entity' | 'licenseRequirement' | 'licenseReviewPolicy' | 'frCitation';

interface Cell {
  readonly column: Column | 'unknown';
  readonly lines: string[];
  /** For an Entity cell: the quoted name it starts with. */
  readonly name?: string;
}

/** First words of the other columns' cells, capitalized (a wrapped line inside a cell is not). */
const LICENSE_REQUIREMENT = /^(?:For\s+all\s+items|All\s+items|For\s+items|For\s+the\s+items)\b/;
const REVIEW_POLICY =
  /^(?:Policy\s+of\s+denial|Presumption\s+of\s+(?:denial|approval)|Case[-\s]by[-\s]case|Approval\b)/;
const SEE_SECTION = /^See\s+§/;
const CITATION = /^\d{1,3}\s+FR\b/;
const ALIAS_START = /^[—–]|^-(?!\d)/;
const ALL_CAPS = /^[A-Z][A-Z'’.,()\s-]*$/;

const comparable = (text: string): string => straightApostrophes(text).replace(/\s+/g, ' ').toLowerCase();

/** The quoted name an Entity cell starting at line i begins with (the longest one), if any. */
function nameAt(lines: readonly string[], i: number, names: readonly string[]): string | undefined {
  if (ALIAS_START.test(lines[i]!)) return undefined;
  const window: string[] = [];
  for (let j = i; j < lines.length && j < i + 8 && !blank(lines[j]!); j++) window.push(lines[j]!);
  const text = comparable(joinLines(window));
  let best: string | undefined;
  for (const name of names) {
    const wanted = comparable(name);
    if (!text.startsWith(wanted)) continue;
    const next = text.charAt(wanted.length);
    if ((next === '' || /[\s,;(]/.test(next)) && (!best || name.length > best.length)) best = name;
  }
  return best;
}

interface Heading {
  readonly text: string;
  readonly code: string;
  readonly length: number;
}

/**
 * A destination heading starting at line i: up to five capitalized lines (the Country column is
 * narrow) naming a destination of the instructions. A line ending with a period is an address.
 */
function headingAt(lines: readonly string[], i: number, codes: ReadonlySet<string>): Heading | undefined {
  const run: string[] = [];
  for (let j = i; j < lines.length && run.length < 5 && ALL_CAPS.test(lines[j]!) && /[A-Z]{2}/.test(lines[j]!); j++)
    run.push(lines[j]!);
  for (let n = run.length; n >= 1; n--) {
    if (run[n - 1]!.endsWith('.')) continue;
    for (const joined of [run.slice(0, n).join(' '), run.slice(0, n).join('')]) {
      const text = tidy(joined);
      const code = entityListCountryCode(text);
      if (code && codes.has(code)) return { text, code, length: n };
    }
  }
  return undefined;
}

interface TableCells {
  readonly cells: Cell[];
  /** Destination headings as printed, by country code. */
  readonly headings: Map<string, string>;
  /** Text that belongs to no cell (not counting what follows the table's last row). */
  readonly stray: string[];
}

/**
 * Splits the table's lines into cells. A cell ends at a blank line, a page break, a row of stars, a
 * heading, or the first line of another cell; a run of lines after a blank line or a page break
 * that starts no cell continues the cell before it (a cell broken across pages).
 */
function cellsOf(lines: readonly string[], names: readonly string[], codes: ReadonlySet<string>): TableCells {
  const cells: Cell[] = [];
  const headings = new Map<string, string>();
  const stray: string[] = [];
  let current: Cell | undefined;
  let last: Cell | undefined;
  let separation: 'none' | 'soft' | 'hard' = 'hard';
  const open = (cell: Cell): void => {
    cells.push(cell);
    current = cell;
    last = cell;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (blank(line)) {
      current = undefined;
      if (separation === 'none') separation = 'soft';
      continue;
    }
    if (STARS.test(line) || HEADER_WORD.test(line)) {
      current = undefined;
      separation = 'hard';
      continue;
    }
    const heading =
      separation !== 'none' || /[.);]$/.test(lines[i - 1] ?? '') || !current ? headingAt(lines, i, codes) : undefined;
    if (heading) {
      if (!headings.has(heading.code)) headings.set(heading.code, heading.text);
      current = undefined;
      separation = 'hard';
      i += heading.length - 1;
      continue;
    }
    // pdftotext prints each cell as a block of its own, after a blank line, but may run cells of
    // one column together: a cell of another column starts only after a break, one of the same
    // column (or an Entity cell, known by its name) anywhere.
    const name = nameAt(lines, i, names);
    const start = joinLines(lines.slice(i, i + 3).filter((_, j, all) => !all.slice(0, j + 1).some(blank)));
    const column: Column | undefined = name
      ? 'entity'
      : LICENSE_REQUIREMENT.test(start)
        ? 'licenseRequirement'
        : REVIEW_POLICY.test(start) || (separation !== 'none' && SEE_SECTION.test(start))
          ? 'licenseReviewPolicy'
          : CITATION.test(start)
            ? 'frCitation'
            : undefined;
    const startsCell =
      column !== undefined && (column === 'entity' || !current || separation !== 'none' || current.column === column);
    if (startsCell) open({ column, lines: [line], ...(name ? { name } : {}) });
    else if (current) current.lines.push(line);
    else if (separation === 'soft' && last) {
      current = last;
      last.lines.push(line);
    } else open({ column: 'unknown', lines: [line] });
    separation = 'none';
  }
  // Text in no cell before the last cell is stray; after it, it is what follows the table (a signature).
  let lastKnown = -1;
  cells.forEach((cell, index) => {
    if (cell.column !== 'unknown') lastKnown = index;
  });
  cells.forEach((cell, index) => {
    if (cell.column === 'unknown' && index < lastKnown) stray.push(cell.lines.join(' '));
  });
  return { cells: cells.filter((c) => c.column !== 'unknown'), headings, stray };
}

/** An Entity cell's lines as the XML's cell: the text up to the alias list, then one line per alias and one for the addresses. */
function entityCellText(lines: readonly string[]): EntityCellText {
  const lead: string[] = [];
  const logical: string[][] = [];
  let leadDone = false;
  for (const line of lines) {
    const current = logical[logical.length - 1];
    if (ALIAS_START.test(line)) {
      logical.push([line]);
      leadDone = true;
    } else if (!leadDone) {
      lead.push(line);
      if (/:$/.test(line)) leadDone = true;
    } else if (current && ALIAS_START.test(current[0]!) && !aliasEnded(current, line)) {
      current.push(line);
    } else if (current && !ALIAS_START.test(current[0]!)) {
      current.push(line);
    } else {
      logical.push([line]);
    }
  }
  return { lead: tidy(joinLines(lead)), lines: logical.map((l) => tidy(joinLines(l))) };
}

/**
 * An alias ends with ";", "; and" (a line ending with a bare "and" is inside a name: "Space Science
 * and"), or, the last one, "." (unless the next line goes on with a legal form: "Co." "Ltd.").
 */
function aliasEnded(alias: readonly string[], next: string): boolean {
  const text = alias[alias.length - 1]!;
  if (/^and$/i.test(next)) return false;
  if (/;$|[;,]\s*and$/.test(text)) return true;
  if (!text.endsWith('.')) return false;
  return !/^(?:[a-z]|(?:Ltd|Limited|Co|Inc|LLC|JSC|GmbH|Corp|S\.A)\b)/.test(next);
}

/** The License requirement text, its footnote marks ("734.9(g),3 744.21(b)") taken out. */
function licenseRequirementOf(text: string, footnotes: string[]): string {
  return tidy(
    text
      .replace(/\),(\d{1,2})(?=\s|$)/g, (_match, mark: string) => {
        footnotes.push(mark);
        return '),';
      })
      .replace(/\)(\d{1,2})(?=,)/g, (_match, mark: string) => {
        footnotes.push(mark);
        return ')';
      }),
  );
}

/** The n-th cell of a column for the n-th entry; or one text for all when the column says one thing. */
function columnTexts(
  cells: readonly Cell[],
  column: Column,
  entries: number,
  documentNumber: string,
  warn: (message: string) => void,
  label: string,
): (string | undefined)[] {
  const found = cells.filter((c) => c.column === column).map((c) => joinLines(c.lines));
  if (found.length === entries) return found;
  const distinct = new Set(found.map((t) => tidy(t)));
  if (found.length > 0 && distinct.size === 1) return Array.from({ length: entries }, () => found[0]!);
  warn(
    `FR Doc. ${documentNumber}: the ${label} column has ${found.length} cells for ${entries} entries, saying different things; left empty (the published rule's full text will fill it in)`,
  );
  return Array.from({ length: entries }, () => undefined);
}

// ---------------------------------------------------------------------------------------------
// The rule

/**
 * Reads the Entity List amendments of a filing's raw text: every entry its Supplement No. 4 table
 * prints, and every entry its instructions remove. Throws SourceFormatError when the text cannot be
 * read with confidence (see the header).
 */
export function parseEntityListRawText(text: string, options: RawTextParseOptions = {}): EntityListRule {
  const fileName = options.fileName ?? 'public-inspection.txt';
  const warn = options.warn ?? ((): void => undefined);
  const refuse = (cause: string): never => {
    throw new SourceFormatError(SOURCE_ID, `${fileName}: ${cause}`);
  };
  if (!text.trim()) refuse('empty (no text: the filed PDF may be a scan without a text layer)');
  if (/^[\s\ufeff]*<(?:!doctype\s+html|html|head|body)[\s>]/i.test(text))
    refuse('is an HTML page, not the raw text of a filing');
  if (text.slice(0, 4096).includes('\u0000')) refuse('is binary, not the raw text of a filing');
  const lines = linesOf(text);
  const head = headOf(lines, text, fileName, options.publicationDate);
  if (!lines.some((line) => /^(?:BILLING CODE\s|DEPARTMENT OF\s)/.test(line)))
    refuse(
      `FR Doc. ${head.documentNumber}: no "BILLING CODE" or "DEPARTMENT OF" line: not the text of a Federal Register filing`,
    );

  const { instructions, tables } = regulatoryText(lines, fileName);
  const amendments = supplement4Amendments(instructions);
  if (amendments.length === 0)
    refuse(
      `FR Doc. ${head.documentNumber} does not amend Supplement No. 4 to part 744 (no instruction to add, remove or revise an Entity List entry)`,
    );
  const printed = amendments.filter((a) => a.action !== 'remove');
  const unnamed = printed.filter((a) => !a.name);
  if (unnamed.length)
    refuse(
      `FR Doc. ${head.documentNumber}: ${unnamed.length} instruction(s) ${unnamed.map((a) => `"${a.action} under ${a.destination || 'no destination'}"`).join(', ')} name no entry, and an unnamed row cannot be told apart in the raw text`,
    );
  if (printed.length && tables.length === 0)
    refuse(
      `FR Doc. ${head.documentNumber}: no Supplement No. 4 table after the instructions (truncated text, or a heading other than "Supplement No. 4 to Part 744—Entity List")`,
    );

  // Destinations of each name, in the instructions' (the table's) order.
  const destinations = new Map<string, EntityListAmendment[]>();
  for (const amendment of printed) {
    const key = normalizeEntityName(amendment.name);
    destinations.set(key, [...(destinations.get(key) ?? []), amendment]);
  }
  const names = [...new Set(printed.map((a) => straightApostrophes(a.name)))];
  const codes = new Set(amendments.map((a) => a.countryCode).filter((c): c is string => c !== undefined));
  const cells: Cell[] = [];
  const headings = new Map<string, string>();
  for (const table of tables) {
    const read = cellsOf(table, names, codes);
    cells.push(...read.cells);
    for (const [code, heading] of read.headings) if (!headings.has(code)) headings.set(code, heading);
    for (const text of read.stray)
      warn(
        `FR Doc. ${head.documentNumber}: text in the table that belongs to no cell, not read: "${text.slice(0, 80)}"`,
      );
  }

  const entityCells = cells.filter((c) => c.column === 'entity');
  const seen = new Map<string, number>();
  const placed: { cell: Cell; amendment: EntityListAmendment }[] = [];
  for (const cell of entityCells) {
    const key = normalizeEntityName(cell.name!);
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    const amendment = destinations.get(key)?.[n];
    if (!amendment)
      refuse(
        `FR Doc. ${head.documentNumber}: "${cell.name}" starts ${n + 1} rows of the table, but the instructions name it under ${n} destination(s)`,
      );
    placed.push({ cell, amendment: amendment! });
  }
  const missing = [...destinations.entries()].flatMap(([key, list]) => list.slice(seen.get(key) ?? 0));
  if (missing.length) {
    refuse(
      `FR Doc. ${head.documentNumber}: ${missing.length} of the ${printed.length} entries the instructions add or revise were not found in the table (${missing.map((a) => `"${a.name}" under ${a.destination}`).join('; ')}): the text is truncated, or laid out otherwise than this reader assumes`,
    );
  }

  const documentNumber = head.documentNumber;
  const requirements = columnTexts(
    cells,
    'licenseRequirement',
    placed.length,
    documentNumber,
    warn,
    'License requirement',
  );
  const policies = columnTexts(
    cells,
    'licenseReviewPolicy',
    placed.length,
    documentNumber,
    warn,
    'License review policy',
  );
  const citations = columnTexts(cells, 'frCitation', placed.length, documentNumber, warn, 'Federal Register citation');
  const context: TableContext = { rule: { documentNumber }, warn, named: amendments };
  const drafts: DraftEntry[] = [];
  placed.forEach(({ cell, amendment }, i) => {
    const code = amendment.countryCode;
    const footnotes: string[] = [];
    const entry: DraftEntry = {
      destination: (code && headings.get(code)) || tidy(amendment.destination),
      ...(code ? { countryCode: code } : {}),
      name: '',
      aliases: [],
      addresses: [],
      addressNotes: [],
      licenseRequirement: requirements[i] === undefined ? '' : licenseRequirementOf(requirements[i]!, footnotes),
      licenseReviewPolicy: policies[i] === undefined ? '' : tidy(policies[i]!),
      footnotes,
      frCitationAsPrinted: citations[i] === undefined ? '' : tidy(citations[i]!),
    };
    readEntityCellText(entityCellText(cell.lines), entry, context);
    if (!entry.name) {
      warn(`FR Doc. ${documentNumber}: an entry under ${entry.destination} has no name; skipped`);
      return;
    }
    drafts.push(entry);
  });
  return assembleEntityListRule(head, amendments, drafts, warn);
}

async function readText(stream: Readable, sourceId: string, fileName: string): Promise<string> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  } finally {
    stream.destroy();
  }
  return decodeUtf8(Buffer.concat(chunks), sourceId, fileName);
}

/**
 * A filing's entries; a text the reader refuses gives none, with a warning that names the cause
 * (the filing stays a document-level alert, and the published rule's XML brings its entries).
 */
async function* parsePublicInspectionText(input: ParseInput, context: ParseContext): AsyncGenerator<RegisterRecord> {
  const fileName = input.main.name;
  const text = await readText(input.main.open(), context.sourceId, fileName);
  let rule: EntityListRule;
  try {
    rule = parseEntityListRawText(text, { fileName, warn: (m) => context.warn(m) });
  } catch (error) {
    if (!(error instanceof SourceFormatError)) throw error;
    context.warn(
      `${error.message}; the filing is alerted as a document only, and its Entity List entries will be read from the published rule's full text`,
    );
    return;
  }
  yield* entityListRecords(rule, context.sourceId);
}

export const federalRegisterPublicInspectionTextFormat: SourceFormat = {
  id: PUBLIC_INSPECTION_TEXT_FORMAT_ID,
  description:
    'FederalRegister.gov raw text of a public-inspection filing (raw_text_url: pdftotext of the filed PDF): the Entity List entries it adds, removes or revises; a text it cannot read is left to document-level alerting',
  sniff: (head, name) =>
    !/^[\s\ufeff]*[<{]/.test(head) &&
    (/^[\s\ufeff\f]*BILLING CODE\s+\d{4}-/.test(head) ||
      /\.public-inspection(?:\.\d{4}-\d{2}-\d{2})?\.txt$/i.test(name ?? '')),
  parse: parsePublicInspectionText,
};
