/**
 * Secondary identifiers: birth dates, nationalities and identifiers (IMO numbers, passports,
 * registration numbers, LEIs) beside a name, and how they move a name's score. Pure; builds on core/.
 *
 * A listed record's are derived here, at screening time, from what the parsers already keep, so
 * that no stored record changes (a new field would rewrite every record's content hash and alert
 * "modified" for the whole list after an upgrade). What the publishers write:
 *  - birth dates (`extra.datesOfBirth`): ISO `1964-07-17` (UN, CSL, EU), `12 Jan 1958`, `Sep 1938`,
 *    `1951 to 1953`, `01 Jan 1961 to 31 Dec 1962`, `circa 1951`, `circal/1951` (OFAC), `17/08/1958`,
 *    `00/00/1971`, `dd/mm/1945` (UK: zeros or letters for an unknown day or month), `approximately
 *    1966`, `between 1957 and 1962 (Approximately)`, `1958 (Sep.)` (UN), `1957 (approximative)`,
 *    `1958 - 1963 (approximative)` (EU). The UN's `30-35 years old` and a Hijri date say nothing
 *    comparable and are skipped.
 *  - nationalities: `extra.nationalities` / `extra.citizenships` (ISO codes, names, or the UK's
 *    demonyms, `Afghan`, read with i18n-nationality's English names; several in one cell), the OFAC
 *    legacy CSV's `nationality X` remarks.
 *  - identifiers: `extra.ids` (OFAC `Passport A5250088 (Pakistan) issued …`, `Vessel Registration
 *    Identification IMO 9187629`; CSL `QA, 28940000602, National ID No.`), `extra.documents` (UN
 *    `Passport: D 000933; issuing country …`, EU `27082171 (passport-National passport) …`), the
 *    UK's `passports`, `nationalIds`, `imoNumbers`, `registrationNumbers`, and the OFAC legacy CSV's
 *    remarks (`Passport 1084010 (Egypt); … IMO 7406784`). Free text, so a value is the first run of
 *    letters and digits with a digit after the label; a one- or two-letter prefix written apart
 *    (`D 000933`, `OA 454044`) is tried both joined and left off.
 *
 * Comparison (see `adjustScore`): a birth date contradicts a record when it contradicts every listed
 * date: its year is outside it (a year's tolerance when the publisher says circa or gives a range), or
 * the year is the same and the month, given on both sides, differs (not when day and month are only
 * swapped, `03/04`, nor when either side is approximate). Another day of the same month is a doubt (a
 * typo in a day is common): no effect. It agrees when it falls in one and no month or day given on
 * both sides differs. Identifiers compare by value (case,
 * spaces, dashes, dots and slashes dropped; `IMO` off an IMO number), and by scheme when both sides
 * name one.
 *
 * Over 500 lines: the publishers' date formats, the identifier schemes with their check digits, the
 * nationality readings and the score adjustment live together because each publisher's quirk is
 * tested against the adjustment it feeds; date parsing is the part to move out first.
 */
import nationalityNames from 'i18n-nationality/langs/en.json' with { type: 'json' };
import { countryCode } from '../core/countries.ts';
import type { RegisterRecord } from '../core/records.ts';
import { DEFAULT_THRESHOLD } from './score.ts';
import type { PreparedName } from './prepare.ts';

/** What a contradicting birth year multiplies a person's score by (see `adjustScore`). */
export const BIRTH_DATE_CONTRADICTION_FACTOR = 0.75;
/** What a matching birth date adds to a person's score (capped at 1). */
export const BIRTH_DATE_BONUS = 0.05;
/** The name score at or above which an equal identifier makes a hit. */
export const IDENTIFIER_NAME_FLOOR = 0.5;
/** The score an equal identifier raises a pair to (at least; the subscriber's threshold if higher). */
export const IDENTIFIER_SCORE = 0.95;
/** The most a weak alias alone scores: just below the default threshold. */
export const WEAK_ALIAS_CAP = Math.round((DEFAULT_THRESHOLD - 0.01) * 100) / 100;

/** A birth date as a comparable span: years `from`..`to`, and month and day when the date gives them. */
export interface BirthDate {
  from: number;
  to: number;
  month?: number;
  day?: number;
  /** Circa, approximately, or a range: a year's tolerance before contradicting. */
  approximate: boolean;
  /** As written. */
  text: string;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_NAME = /\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?/g;
const YEAR = /(?<!\d)(1[89]\d\d|20\d\d)(?!\d)/g;

const validDay = (month: number | undefined, day: number | undefined): boolean =>
  month !== undefined && day !== undefined && month >= 1 && month <= 12 && day >= 1 && day <= 31;

/** A publisher's birth date (module comment), or undefined when it says nothing comparable. */
export function parseListedBirthDate(text: string): BirthDate | undefined {
  const lower = text.toLowerCase().replace(/\s+/g, ' ').trim();
  if (!lower || /hijri|years old/.test(lower)) return undefined;
  const years = [...lower.matchAll(YEAR)].map((m) => Number(m[1]));
  if (!years.length) return undefined;
  const from = Math.min(...years);
  const to = Math.max(...years);
  const approximate = from !== to || /circa|circal|approx|about|around|\bca\b|\bc\./.test(lower);
  const date: BirthDate = { from, to, approximate, text: text.trim() };
  if (years.length > 1) return date;
  let month: number | undefined;
  let day: number | undefined;
  const iso = /(?<!\d)(\d{4})-(\d{2})(?:-(\d{2}))?(?!\d)/.exec(lower);
  const slashed = /(?<![\d/])(\d{1,2}|dd)\/(\d{1,2}|mm)\/\d{4}/.exec(lower);
  const named = [...lower.matchAll(MONTH_NAME)];
  if (iso) {
    month = Number(iso[2]);
    day = iso[3] === undefined ? undefined : Number(iso[3]);
  } else if (slashed) {
    month = Number(slashed[2]);
    day = Number(slashed[1]);
  } else if (named.length === 1) {
    month = MONTHS.indexOf(named[0]![1]!) + 1;
    const dayBefore = /(?<!\d)(\d{1,2}) [a-z]{3}/.exec(lower);
    day = dayBefore ? Number(dayBefore[1]) : undefined;
  }
  if (month !== undefined && month >= 1 && month <= 12 && !Number.isNaN(month)) {
    date.month = month;
    if (validDay(month, day)) date.day = day;
  }
  return date;
}

/** A watchlist's birth date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; undefined when it is not one. */
export function parseBirthDateColumn(text: string): BirthDate | undefined {
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(text.trim());
  if (!match) return undefined;
  const year = Number(match[1]);
  if (year < 1800 || year > new Date().getUTCFullYear()) return undefined;
  const date: BirthDate = { from: year, to: year, approximate: false, text: text.trim() };
  if (match[2] !== undefined) {
    const month = Number(match[2]);
    if (month < 1 || month > 12) return undefined;
    date.month = month;
    if (match[3] !== undefined) {
      const day = Number(match[3]);
      if (day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
      date.day = day;
    }
  }
  return date;
}

export type BirthDateComparison = 'agrees' | 'contradicts' | 'neutral';

/** A watchlist birth date against one listed date (module comment). */
export function compareBirthDate(given: BirthDate, listed: BirthDate): BirthDateComparison {
  const tolerance = listed.approximate ? 1 : 0;
  if (given.to < listed.from - tolerance || given.from > listed.to + tolerance) return 'contradicts';
  if (given.from < listed.from || given.to > listed.to) return 'neutral';
  if (given.month !== undefined && listed.month !== undefined && given.month !== listed.month) {
    // Day and month read the other way round (`03/04` as 3 April or 4 March) is a doubt, not a contradiction.
    const swapped =
      given.day !== undefined && listed.day !== undefined && given.day === listed.month && given.month === listed.day;
    return swapped || listed.approximate || given.approximate ? 'neutral' : 'contradicts';
  }
  // The same month, another day: a typo in a day is common (`13` / `17`), so a doubt.
  if (given.day !== undefined && listed.day !== undefined && given.day !== listed.day) return 'neutral';
  return 'agrees';
}

/** An identifier: its value folded (`normalizeIdentifierValue`) and its scheme when known. */
export interface Identifier {
  scheme?: IdentifierScheme;
  value: string;
  /** As written. */
  text: string;
}

export type IdentifierScheme = 'imo' | 'lei' | 'passport' | 'national-id' | 'registration' | 'tax-id' | 'swift';

/** Scheme prefixes a watchlist may write (`imo:`, `passport:` ...), folded → scheme. */
const SCHEME_NAMES: Readonly<Record<string, IdentifierScheme>> = {
  imo: 'imo',
  lei: 'lei',
  passport: 'passport',
  'national-id': 'national-id',
  nationalid: 'national-id',
  national_id: 'national-id',
  nid: 'national-id',
  id: 'national-id',
  registration: 'registration',
  reg: 'registration',
  'company-number': 'registration',
  'tax-id': 'tax-id',
  taxid: 'tax-id',
  tax: 'tax-id',
  vat: 'tax-id',
  swift: 'swift',
  bic: 'swift',
};

/** The scheme a publisher's label names (`Passport Booklet`, `Vessel Registration Identification`). */
function schemeOfLabel(label: string): IdentifierScheme | undefined {
  const text = label.toLowerCase();
  if (/\bimo\b|vessel registration/.test(text)) return 'imo';
  if (/\blei\b|legal entity (?:number|identifier)/.test(text)) return 'lei';
  if (/passport/.test(text)) return 'passport';
  if (/\btax\b|\bvat\b|\binn\b|\bnit\b|\bruc\b|\brfc\b|fiscal/.test(text)) return 'tax-id';
  if (/swift|\bbic\b/.test(text)) return 'swift';
  if (/registration|registry|company number|\bogrn\b|business number|\bregist/.test(text)) return 'registration';
  if (/national|identi|\bid\b|cedula|c[eé]dula|tazkira|\bcurp\b/.test(text)) return 'national-id';
  return undefined;
}

/** Labels of `extra.ids` items and remarks that hold an identifier. */
const IDENTIFIER_LABEL =
  /passport|identi|\bid\b|\bno\.|number|#|registration|regist|tax|\bvat\b|\binn\b|\bogrn\b|\bkpp\b|\bokpo\b|\bnit\b|\bruc\b|\brfc\b|\bcurp\b|cedula|c[eé]dula|\blei\b|\bimo\b|\bbik\b|d-u-n-s|fiscal|tazkira|licen[cs]e/i;
/** Labels that name contact details and sanctions information, not an identity. */
const NOT_AN_IDENTIFIER =
  /old reference|phone|fax|e-?mail|website|gender|executive order|sanction|directive|transactions prohibited|tonnage|call sign|established date|target type|effective date|listing date|place of|\bflag\b|aircraft (?:model|manufacture|operator)|construction number/i;

/** Case, spaces, dashes, dots and slashes dropped: `BE0403.170.701` → `BE0403170701`. */
export function normalizeIdentifierValue(value: string): string {
  return value.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** Whether seven digits are an IMO number: the last is Σ digit × (7..2) mod 10. */
export function imoChecksumValid(digits: string): boolean {
  if (!/^\d{7}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 6; i++) sum += Number(digits[i]) * (7 - i);
  return sum % 10 === Number(digits[6]);
}

/** Whether 20 characters are an LEI: ISO 7064 mod 97-10 over the letters read as 10..35. */
export function leiChecksumValid(value: string): boolean {
  if (!/^[A-Z0-9]{18}\d{2}$/.test(value)) return false;
  let remainder = 0;
  for (const char of value) {
    const digits = /\d/.test(char) ? char : String(char.charCodeAt(0) - 55);
    for (const digit of digits) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

/** Fewest characters an identifier value must have to identify anything (with one digit at least). */
const MIN_IDENTIFIER_LENGTH = 5;

const isDateLike = (value: string): boolean =>
  /^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$/.test(value) || /^\d{4}-\d{2}-\d{2}$/.test(value) || /^\d{4}$/.test(value);

function identifier(value: string, scheme: IdentifierScheme | undefined, text: string): Identifier | undefined {
  let folded = normalizeIdentifierValue(value);
  // `Vessel Registration Identification` is an IMO number mostly, a national register's number
  // sometimes (`RS 150443`): an IMO number is the one whose check digit holds.
  if (scheme === 'imo' || (!scheme && /^IMO\d{7}$/.test(folded))) {
    folded = folded.replace(/^IMO/, '');
    scheme = imoChecksumValid(folded) ? 'imo' : undefined;
  }
  if (folded.length < MIN_IDENTIFIER_LENGTH || !/\d/.test(folded)) return undefined;
  return scheme ? { scheme, value: folded, text } : { value: folded, text };
}

export class IdentifierColumnError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IdentifierColumnError';
  }
}

/**
 * One identifier of a watchlist's `identifiers` column: `[scheme:]value`. Throws IdentifierColumnError
 * with the cause (an unknown scheme, too short, an IMO number or LEI whose check digits are wrong).
 */
export function parseIdentifierColumn(text: string): Identifier {
  const trimmed = text.trim();
  const prefixed = /^([A-Za-z][A-Za-z_-]*)\s*:\s*(.+)$/.exec(trimmed);
  let scheme: IdentifierScheme | undefined;
  let value = trimmed;
  if (prefixed) {
    scheme = SCHEME_NAMES[prefixed[1]!.toLowerCase()];
    if (!scheme)
      throw new IdentifierColumnError(
        `identifier "${trimmed}": unknown scheme "${prefixed[1]}" (known: ${[...new Set(Object.values(SCHEME_NAMES))].join(', ')}; or none)`,
      );
    value = prefixed[2]!;
  }
  const folded = normalizeIdentifierValue(value);
  if (scheme === 'imo' || (!scheme && /^IMO\d+$/.test(folded))) {
    const digits = folded.replace(/^IMO/, '');
    if (!imoChecksumValid(digits))
      throw new IdentifierColumnError(`identifier "${trimmed}": not an IMO number (7 digits, the last a check digit)`);
    return { scheme: 'imo', value: digits, text: trimmed };
  }
  if (scheme === 'lei' && !leiChecksumValid(folded))
    throw new IdentifierColumnError(`identifier "${trimmed}": not an LEI (20 characters, the last two check digits)`);
  const found = identifier(value, scheme, trimmed);
  if (!found)
    throw new IdentifierColumnError(
      `identifier "${trimmed}" is too short to identify anyone (${MIN_IDENTIFIER_LENGTH} letters and digits at least, one a digit)`,
    );
  return found;
}

/** The form a parsed identifier is stored in a watchlist entry: `scheme:VALUE` or `VALUE`. */
export const identifierKey = (id: Pick<Identifier, 'scheme' | 'value'>): string =>
  id.scheme ? `${id.scheme}:${id.value}` : id.value;

/** Whether two identifiers are the same: equal values, and equal schemes when both name one. */
export function sameIdentifier(a: Identifier, b: Identifier): boolean {
  return a.value === b.value && (!a.scheme || !b.scheme || a.scheme === b.scheme);
}

/** Values found in a publisher's text: the first run with a digit after the label (module comment). */
function valuesIn(text: string): string[] {
  const cut = text
    .replace(/\([^)]*\)/g, ' ')
    .split(/;|,? issued|,? expires|\. (?=[A-Z])/i)[0]!
    .replace(/^\s*alt\.\s*/i, '');
  const colon = cut.lastIndexOf(':');
  const afterColon = colon >= 0 ? cut.slice(colon + 1) : cut;
  const words = afterColon.split(/\s+/).filter(Boolean);
  // `Label: 1 63 08 4 01 001 005E` (UN): the value is all that follows the colon, spaces and all.
  const whole = colon >= 0 && words.length > 1 && words.every((w) => /^[A-Z0-9./-]+$/i.test(w)) ? [words.join('')] : [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!.replace(/^no\.?(?=\d)/i, '').replace(/[.,]+$/, '');
    if (!/\d/.test(word) || isDateLike(word)) continue;
    const values = [word];
    const before = words[i - 1];
    if (before && /^[A-Z]{1,2}$/.test(before) && !/^(ID|NO)$/.test(before)) values.unshift(before + word);
    return [...whole, ...values];
  }
  return whole;
}

/** The identifiers of one text item, its scheme read from its label (or given by the field it is in). */
function identifiersIn(text: string, fieldScheme?: IdentifierScheme): Identifier[] {
  if (NOT_AN_IDENTIFIER.test(text) && !fieldScheme) return [];
  // CSL: `[country, ][issued, expires, ]number, type`.
  const csl = text.includes('(') ? null : /^(?:[A-Z]{2}, )?(?:\d{4}-\d{2}-\d{2}, ){0,2}([^,]+), ([^,]+)$/.exec(text);
  if (csl && !fieldScheme) {
    const [, value, label] = csl;
    if (!IDENTIFIER_LABEL.test(label!) || NOT_AN_IDENTIFIER.test(label!)) return [];
    const found = identifier(value!, schemeOfLabel(label!) ?? schemeOfLabel(value!), text);
    return found ? [found] : [];
  }
  const scheme = fieldScheme ?? schemeOfLabel(text);
  return valuesIn(text)
    .map((value) => identifier(value, scheme, text))
    .filter((id): id is Identifier => id !== undefined);
}

/** What a listed record says beside its names, derived from what its parser keeps (module comment). */
export interface RecordSecondary {
  birthDates: BirthDate[];
  /** ISO 3166-1 alpha-2 codes. */
  nationalities: string[];
  identifiers: Identifier[];
  /** The aliases the publisher marks weak (UN and UK `Low` quality, OFAC and EU weak a.k.a.). */
  weakAliases: Set<string>;
}

function extraList(record: RegisterRecord, key: string): string[] {
  const value = (record.extra as Record<string, unknown> | undefined)?.[key];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' && value ? [value] : [];
}

/** The UK lists and the OFAC legacy CSV give the fields these keys hold. */
const FIELD_SCHEMES: ReadonlyArray<[string, IdentifierScheme | undefined]> = [
  ['passports', 'passport'],
  ['passportNumbers', 'passport'],
  ['nationalIds', 'national-id'],
  ['imoNumbers', 'imo'],
  ['registrationNumbers', 'registration'],
];

/** English demonyms (i18n-nationality) and the spellings registers use beside them, folded → ISO code. */
const DEMONYM_CODES: ReadonlyMap<string, string> = (() => {
  const map = new Map<string, string>();
  for (const [code, name] of Object.entries(nationalityNames.nationalities)) map.set(name.toLowerCase(), code);
  // Written so by the UK lists, not by i18n-nationality.
  for (const [name, code] of [
    ['yemeni', 'YE'],
    ['saudi', 'SA'],
    ['saudi arabian', 'SA'],
    ['congolese', 'CD'],
    ['palestinian', 'PS'],
    ['afgan', 'AF'],
    ['argentine', 'AR'],
    ['emirati', 'AE'],
    ['dprk', 'KP'],
    ['drc', 'CD'],
    ['qatarian', 'QA'],
    ['uzbek', 'UZ'],
    ['kazakh', 'KZ'],
    ['turkmen', 'TM'],
    ['bosnian', 'BA'],
  ] as const)
    map.set(name, code);
  return map;
})();

/**
 * The countries a nationality cell names: an ISO code, a country's name or a demonym (`Afghan`), one
 * or several (`a) Afghan b) Pakistani`, `1) Uzbek 2) Afghan`, `Bahrain (citizenship revoked …)`).
 */
export function nationalityCodes(value: string): string[] {
  const whole = countryCode(value) ?? DEMONYM_CODES.get(value.trim().toLowerCase());
  if (whole) return [whole];
  const codes: string[] = [];
  // Notes around the countries (`Kuwaiti citizenship withdrawn in 2002`, `Possibly Ethiopian`) go.
  const cleaned = value
    .replace(/[\u2019\u0092]/g, "'")
    .replace(
      /\b(?:possibly|also believed to hold|citizenship|nationality|nationalities|national|citizen|by birth|withdrawn|revoked)\b/gi,
      ',',
    );
  for (const part of cleaned.split(/\b[a-z0-9]\)|[,;()./]|\band\b|\bin \d{4}\b/i)) {
    const text = part.trim();
    if (!text) continue;
    const code = countryCode(text) ?? DEMONYM_CODES.get(text.toLowerCase());
    if (code && !codes.includes(code)) codes.push(code);
  }
  return codes;
}

export function recordSecondary(record: RegisterRecord): RecordSecondary {
  const birthDates = extraList(record, 'datesOfBirth')
    .map(parseListedBirthDate)
    .filter((d): d is BirthDate => d !== undefined);
  const nationalities = new Set<string>();
  for (const value of [...extraList(record, 'nationalities'), ...extraList(record, 'citizenships')])
    for (const code of nationalityCodes(value)) nationalities.add(code);
  const remarks = (record.remarks ?? '').split(/;\s*/).filter(Boolean);
  for (const remark of remarks) {
    const nationality = /^(?:alt\. )?(?:nationality|citizen) (.+?)\.?$/.exec(remark.trim());
    const code = nationality && countryCode(nationality[1]);
    if (code) nationalities.add(code);
  }
  const identifiers: Identifier[] = [];
  const seen = new Set<string>();
  const add = (ids: Identifier[]) => {
    for (const id of ids) {
      const key = identifierKey(id);
      if (!seen.has(key)) {
        seen.add(key);
        identifiers.push(id);
      }
    }
  };
  for (const text of [...extraList(record, 'ids'), ...extraList(record, 'documents')]) {
    if (IDENTIFIER_LABEL.test(text) || /^\S*\d/.test(text)) add(identifiersIn(text));
  }
  for (const [key, scheme] of FIELD_SCHEMES)
    for (const text of extraList(record, key)) add(identifiersIn(text, scheme));
  for (const remark of remarks) if (IDENTIFIER_LABEL.test(remark)) add(identifiersIn(remark.trim()));
  return {
    birthDates,
    nationalities: [...nationalities],
    identifiers,
    weakAliases: new Set([...extraList(record, 'lowQualityAliases'), ...extraList(record, 'weakAliases')]),
  };
}

/** Why a record's name is a weak alias (`adjustScore`), or undefined; a primary name never is. */
export function weakAliasReason(
  name: string,
  prepared: PreparedName,
  record: Pick<RegisterRecord, 'name'>,
  secondary: Pick<RecordSecondary, 'weakAliases'>,
): string | undefined {
  if (name === record.name) return undefined;
  if (secondary.weakAliases.has(name)) return 'marked weak by the publisher';
  const words = prepared.tokens.filter((t) => t.kind === 'name' || t.kind === 'number').length;
  const initials = prepared.tokens.some((t) => t.kind === 'initial');
  if (words === 1 && initials) return 'a surname with initials';
  if (words <= 1) return 'one word';
  return undefined;
}

/** A watchlist entry's secondary identifiers, parsed once. */
export interface EntrySecondary {
  birthDate?: BirthDate;
  nationalities: readonly string[];
  identifiers: readonly Identifier[];
}

/** The record's identifiers equal to one of the entry's (for an identifier look-up first). */
export function equalIdentifiers(entry: EntrySecondary, record: Pick<RecordSecondary, 'identifiers'>): Identifier[] {
  return record.identifiers.filter((listed) => entry.identifiers.some((given) => sameIdentifier(given, listed)));
}

const listedDates = (dates: readonly BirthDate[]): string => dates.map((d) => d.text).join(', ');

/**
 * A name score adjusted by what else the two sides say, with the reasons:
 *  - a weak alias (`weakAliasReason`: marked weak, one word, a surname with initials) matched on the
 *    name alone is capped at WEAK_ALIAS_CAP, just below the default threshold; a birth date,
 *    identifier or nationality that agrees lifts the cap (one word is a name thousands share, and
 *    publishers mark the aliases that bring false hits);
 *  - a birth date that contradicts every listed one multiplies by 0.75: an identical name then scores
 *    0.75, below the default threshold, a typo's 0.9 drops to 0.68, yet a subscriber screening at 0.7
 *    still sees the identical name (publishers' dates are sometimes wrong, which is why they list
 *    several); one that agrees adds 0.05 (a date within a range, or a year-only date, agrees too);
 *  - an equal identifier, with a name score of 0.5 or more, raises the pair to 0.95 (or `threshold`
 *    if higher): an IMO number or a passport number names one ship or person, and the floor guards
 *    against a number that collides across schemes or countries;
 *  - a nationality is one of the countries (score.ts step 6, already in the name score); here it
 *    only says that it agrees, which lifts a weak alias's cap.
 * Missing on either side: no effect.
 */
export function adjustScore(
  nameScore: number,
  entry: EntrySecondary,
  record: RecordSecondary,
  weakAlias: string | undefined,
  recordName: string,
  threshold = DEFAULT_THRESHOLD,
): { score: number; explanation: string[] } {
  const explanation: string[] = [];
  let score = nameScore;
  const dates = entry.birthDate ? record.birthDates.map((d) => compareBirthDate(entry.birthDate!, d)) : [];
  const dateAgrees = dates.includes('agrees');
  const dateContradicts = dates.length > 0 && dates.every((c) => c === 'contradicts');
  const equal = equalIdentifiers(entry, record);
  const nationalities = entry.nationalities.filter((n) => record.nationalities.includes(n));
  if (nationalities.length) explanation.push(`nationality agrees (${nationalities.join(', ')})`);
  if (weakAlias) {
    const agreeing = [
      ...(dateAgrees ? ['birth date'] : []),
      ...(equal.length && nameScore >= IDENTIFIER_NAME_FLOOR ? ['identifier'] : []),
      ...(nationalities.length ? ['nationality'] : []),
    ];
    if (agreeing.length)
      explanation.push(`"${recordName}" is a weak alias (${weakAlias}); the ${agreeing.join(' and ')} agree(s)`);
    else if (score > WEAK_ALIAS_CAP) {
      score = WEAK_ALIAS_CAP;
      explanation.push(
        `"${recordName}" is a weak alias (${weakAlias}), and no birth date, identifier or nationality agrees: at most ${WEAK_ALIAS_CAP}`,
      );
    }
  }
  if (dateAgrees) {
    score = Math.min(1, score + BIRTH_DATE_BONUS);
    explanation.push(
      `birth date ${entry.birthDate!.text} matches the listed ${listedDates(record.birthDates.filter((_, i) => dates[i] === 'agrees'))}: +${BIRTH_DATE_BONUS}`,
    );
  } else if (dateContradicts) {
    score *= BIRTH_DATE_CONTRADICTION_FACTOR;
    explanation.push(
      `birth date ${entry.birthDate!.text} differs from the listed ${listedDates(record.birthDates)}: ×${BIRTH_DATE_CONTRADICTION_FACTOR}`,
    );
  } else if (dates.length) {
    explanation.push(
      `birth date ${entry.birthDate!.text} is near the listed ${listedDates(record.birthDates)} without matching it: no effect`,
    );
  }
  if (equal.length && nameScore >= IDENTIFIER_NAME_FLOOR) {
    const raised = Math.max(score, IDENTIFIER_SCORE, threshold);
    const given = entry.identifiers.find((id) => sameIdentifier(id, equal[0]!))!;
    explanation.push(
      `identifier ${given.text} is the listed "${equal[0]!.text}"${raised > score ? `: raised to ${raised.toFixed(2)}` : ''}`,
    );
    score = raised;
  }
  if (explanation.length && score !== nameScore) explanation.push(`final score ${score.toFixed(2)}`);
  return { score, explanation };
}
