/**
 * Supplement No. 4 to part 744 as the rule prints it: the table's rows read into draft entries
 * (destination, name, aliases, addresses, licence columns, citation); federal-register-entity-list.ts
 * says what is odd about this markup.
 */
import type { EntityListAmendment, EntityListRule } from './federal-register-entity-list-types.ts';
import { type RecordKind, cleanText } from '../../core/records.ts';
import { type XNode, descendantsNamed, elements, inlineText } from './federal-register-full-text.ts';
import { entityListCountryCode, normalizeEntityName } from './federal-register-entity-names.ts';
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
export function addressCountry(address: string): string | undefined {
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

export function readTable(table: XNode, context: TableContext, out: DraftEntry[]): void {
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
