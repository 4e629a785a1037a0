/**
 * How alike two names are: a score in 0..1 and the reasons, in words an analyst can check.
 *
 * Algorithm: weighted token-set alignment.
 *  1. Both names are normalized (normalize.ts): one script, folded, legal forms canonical, titles off.
 *  2. Every token of one name is compared with every token of the other, every token with the
 *     concatenation of 2-3 adjacent tokens of the other (`gazpromneft` ~ `gazprom neft`, `hua wei` ~
 *     `huawei`), and adjacent tokens with adjacent tokens (`abd al rahman` ~ `abdal rahman`; only
 *     when the pair does not split into smaller pairs, and not with a particle at either end). Token
 *     similarity is graded, not a raw distance, so that a threshold means the same thing for short
 *     and long tokens: exact 1; one edit (Damerau: a typo or a swap) on tokens of 4+ letters 0.9; two
 *     edits on 7+ letters 0.85; same double-metaphone key and at most half the letters edited 0.85
 *     (`Muhammad` ~ `Mohammed`, `Qadhafi` ~ `Gaddafi`); an initial against a name with that first
 *     letter 0.9; the same word up to a plural ending 0.9 (`Industries` ~ `Industry`); a 4-5 letter
 *     (or a 3 letter, of an 8+ letter word) abbreviation 0.85 (`Tech` ~ `Technologies`); spellings of
 *     one particle 1 (`bin` ~ `ben` ~ `ibn`, `al` ~ `el`); anything else 0. Initials and abbreviations
 *     alone never make a match. Plain edit ratios or Jaro-Winkler were rejected: they give `Melli` ~
 *     `Mellat` 0.88, and the hard non-matches of sanctions lists are exactly such pairs.
 *     A word written in an abjad (Arabic script: short vowels unwritten, `محمد` → `mhmd`) is compared
 *     with a Latin one by their consonants (`consonantSkeleton`): the same consonants 0.9 (0.8 for one
 *     consonant: `ly` ~ `Ali`), one consonant edited after the same first one 0.8. Registers publish
 *     persons' names in their original script beside the romanization; without this, the two never
 *     matched (5 % of the UN's pairs, 98 % now: bench/match.ts).
 *  3. Pairs are aligned greedily, each token used once, token order not counting: words against
 *     words first, then initials against words, then particles and legal forms, each best first.
 *  4. The score is a weighted Dice coefficient over both names: Σ sim·(w_a + w_b) / (Σw_A + Σw_B), with
 *     weights by token kind (`TOKEN_WEIGHTS`: legal forms 0.15, particles 0.25, initials 0.5, name
 *     words and numbers 1). An extra word therefore costs a lot (`Rosneft` vs `Rosneft Trading` 0.67)
 *     and an extra legal form little (`Rosneft` vs `Rosneft OAO` 0.93). Numbers match only exactly
 *     (vessel `Star 1` is not `Star 2`).
 *  5. Persons often appear with and without middle names, patronymics, second surnames or nisbas:
 *     when the shorter name of a person is wholly found in the longer one (two whole words at least,
 *     not matched by initials), and the longer name's first word as said (`SURNAME, Given` says
 *     `Given` first) is among those found, the score is blended with that containment (half for
 *     persons, 0.3 when the kind is unknown and neither name has a legal form; never for
 *     organizations, where a longer name is usually another party). A longer name with another first
 *     word is another member of a family (`Rana Karim Haddad`, daughter of `Karim Haddad`).
 *     For organizations, vessels and aircraft each word (up to two) found in one name only multiplies
 *     the score by 0.85 (`EXTRA_WORD_FACTOR`): `Bank X` / `Bank X International` are two banks more
 *     often than one. A pair with no whole word in common (initials, particles, legal forms only:
 *     `El M` / `El Mellado`) is halved.
 * 5b. Common extra words, organizations only (a side of kind organization or with a legal form; no
 *     person, vessel or aircraft): listed names add the country, a demonym or the industry to the
 *     name a counterparty trades under. When every word of the shorter name is found in the longer
 *     (the same, or at one typo's grade: 0.9 and up, not by initials or abbreviations) and the
 *     shorter has a distinctive word (4+ letters, not a common word), each word found in the
 *     longer only that is a common word (common-words.ts: a country's English name, from
 *     i18n-iso-countries and countries.ts's spellings, whole runs for `United Arab Emirates`; a
 *     demonym, `Iranian`, `Russian`, `Chinese`; or one of `bank oil gas petroleum group company
 *     corporation branch`) weighs `COMMON_EXTRA_WEIGHT` (0.15, a legal form's weight) and is not
 *     an extra word for `EXTRA_WORD_FACTOR`; and when the longer name adds common words only (besides
 *     particles and legal forms), the pair is raised to `DEFAULT_THRESHOLD` (before the country
 *     step). `Bank Melli` / `BANK MELLI IRAN` 0.68 → 0.96, `Rosneft` / `ROSNEFT OIL COMPANY` 0.54 →
 *     0.87, `Rosneft` / `OPEN JOINT-STOCK COMPANY ROSNEFT OIL COMPANY` 0.52 → 0.82, `Sberbank` /
 *     `SBERBANK OF RUSSIA` 0.52 → 0.83, `Sberbnak` / `SBERBANK OF RUSSIA` 0.47 → 0.80 (raised). Other
 *     extra words keep their weight and factor: `Rosneft` / `ROSNEFT TRADING` 0.57, `Gazprom` /
 *     `GAZPROM NEFT` 0.57; parties that differ by a word stay apart (`Bank Melli` / `BANK MELLAT`
 *     0.36, `Gazprom` / `GAZPROMBANK` 0), and `Iran Air` / `IRAN AIR TOURS` stays 0.68 (no
 *     distinctive word). Words that usually name another party of a group (`holding`, `trading`,
 *     `international`, `neft`) are not common words. The price: a national subsidiary written
 *     with its country (`PRENSA LATINA` / `PRENSA LATINA CANADA LTD.`) is a hit, worth an analyst's
 *     look; so is `Gazprom` / `Gazprom Bank` written apart. index.ts bounds scores with this rule.
 *  6. Kind and country weigh in when both sides have them: a person never matches a vessel (score 0);
 *     shared countries add 0.03, disjoint ones multiply by 0.9.
 * Corpus IDF weights were left out on purpose: the score of a pair must not depend on what else is
 * in the list, so the CLI, the index and the brute force agree on every pair.
 */
import { doubleMetaphone } from 'double-metaphone';
import type { RecordKind } from '../core/records.ts';
import { commonWordMarks } from './common-words.ts';
import { normalizeName, type NormalizedName, type TokenKind } from './normalize.ts';

/** Score at or above which two names are reported as a match (tuned on bench/match.ts). */
export const DEFAULT_THRESHOLD = 0.8;

/** Factor per word (up to two) found in one organization's, vessel's or aircraft's name only. */
export const EXTRA_WORD_FACTOR = 0.85;

/**
 * What a common word (common-words.ts: a country, a demonym, `oil`, `bank`, ...) found in the longer
 * organization name only weighs, when the shorter name is wholly found in it (see the header, 5b):
 * as much as a legal form.
 */
export const COMMON_EXTRA_WEIGHT = 0.15;

/** What each kind of token weighs in the score. */
export const TOKEN_WEIGHTS: Readonly<Record<TokenKind, number>> = {
  name: 1,
  number: 1,
  initial: 0.5,
  particle: 0.25,
  legal: 0.15,
};

/** Schema names accepted for a side (FollowTheMoney's and tradewatch's), folded → record kind. */
const SCHEMA_KINDS: Readonly<Record<string, RecordKind | undefined>> = {
  person: 'person',
  company: 'organization',
  organization: 'organization',
  organisation: 'organization',
  publicbody: 'organization',
  vessel: 'vessel',
  aircraft: 'aircraft',
  airplane: 'aircraft',
  // A legal entity may be a person or a company: no constraint.
  legalentity: undefined,
  other: undefined,
  '': undefined,
};

export class UnknownSchemaError extends Error {
  constructor(readonly schema: string) {
    super(`match: unknown schema "${schema}" (known: Person, Company, Organization, LegalEntity, Vessel, Aircraft)`);
    this.name = 'UnknownSchemaError';
  }
}

/** The record kind of a schema name; undefined for LegalEntity or none. Throws on an unknown one. */
export function schemaKind(schema: string | undefined): RecordKind | undefined {
  if (schema === undefined) return undefined;
  const key = schema.trim().toLowerCase();
  if (!(key in SCHEMA_KINDS)) throw new UnknownSchemaError(schema);
  return SCHEMA_KINDS[key];
}

export interface PreparedToken {
  text: string;
  kind: TokenKind;
  weight: number;
  phonetic: [string, string];
  /** Written in an abjad (normalize.ts): compared with Latin words by `skeleton`. */
  abjad: boolean;
  /** The word's consonants (see `consonantSkeleton`); '' for legal forms and numbers. */
  skeleton: string;
  /**
   * Another reading of the consonants, '' when there is none: a Latin word letter by letter, without
   * digraphs (`Ishaq` is `is-haq`, `Azhar` is `az-har`); an abjad word with `ث` read `s`, as in
   * Persian and Urdu (`ثاقب` ~ `Saqib`).
   */
  skeletonAlt: string;
  /** The word up to an English plural ending (`industries` → `industry`). */
  stem: string;
  /** Which letters a-z (and digits, as one) the word holds, as bits: a quick bound on edit distances. */
  letters: number;
  /** A name word that is a country, a demonym or a generic word (common-words.ts). */
  common: boolean;
}

/** Two or three adjacent joinable tokens of a name, joined: `hua wei` → `huawei`. */
export interface PreparedSpan {
  start: number;
  end: number;
  /** The tokens joined: `huawei`. */
  text: string;
  /** The tokens with spaces: `hua wei`. */
  words: string;
  weight: number;
  /** Every token of the span written in an abjad, or none: the span's script. */
  abjad: boolean | undefined;
  /** The tokens' skeletons joined ('' when one token's skeleton alone says as much), and the other reading. */
  skeleton: string;
  skeletonAlt: string;
  /** The span opens or closes with a particle (`al haddad`). */
  particleEnd: boolean;
}

/** A name normalized once, with what scoring needs per token: screen many pairs without redoing it. */
export interface PreparedName {
  normalized: NormalizedName;
  tokens: PreparedToken[];
  totalWeight: number;
  kind: RecordKind | undefined;
  countries: string[];
  /** Spans of 2-3 adjacent joinable tokens, joined (for `hua wei` ~ `huawei`). */
  spans: PreparedSpan[];
  /** Has a name word of 4+ letters that is not a common word: the name can be found in a longer one (header, 5b). */
  distinctive: boolean;
}

/** Two-letter spellings of one sound, folded to one symbol: `kh` x, `sh`/`ch` $, `gh` k, `th` t, `dh` d, `dj`/`zh` j, `ph` f. */
const DIGRAPHS: Readonly<Record<string, string>> = {
  dj: 'j',
  kh: 'x',
  sh: '$',
  ch: '$',
  th: 't',
  zh: 'j',
  dh: 'd',
  ph: 'f',
  gh: 'k',
};
/** Single letters folded: `q`, `k`, `c`, `g` k; `z` d; `p` b; vowels, the semivowels `w`, `y`, and `v` (a `w`) dropped (''). */
const LETTERS: Readonly<Record<string, string>> = {
  q: 'k',
  c: 'k',
  g: 'k',
  z: 'd',
  v: '',
  p: 'b',
  a: '',
  e: '',
  i: '',
  o: '',
  u: '',
  y: '',
  w: '',
};

/**
 * The consonants of a word, as an abjad writes them: vowels and the semivowels `w` and `y` (which
 * abjads write for long vowels, and which a dropped ayn leaves at the start: `عيسى` → `ysa`) dropped,
 * doubled letters once (also across a dropped vowel: `mamun` → `mn`), and letters that romanizations
 * of one Arabic letter alternate between folded to one (`q`, `k`, `g`, `gh`; `d`, `dh`, `z`, as ض is
 * `d` in Arabic and `z` in Persian and Urdu names; `sh`, `ch`; `th`, `t`; `dj`, `zh`, `j`; `v`, `w`).
 * `Abd al-Razzaq` and `عبد الرزاق` give, word by word, `bd`, `l`, `rdk` both. With `digraphs` false,
 * the letters are read one by one (`Ishaq` as `is-haq`).
 */
export function consonantSkeleton(word: string, digraphs = true): string {
  let out = '';
  let last = '';
  for (let i = 0; i < word.length; i++) {
    let symbol: string | undefined;
    if (digraphs && i + 1 < word.length) {
      symbol = DIGRAPHS[word.slice(i, i + 2)];
      if (symbol !== undefined) i += 1;
    }
    if (symbol === undefined) {
      const char = word[i]!;
      symbol = LETTERS[char] ?? char;
    }
    if (symbol && symbol !== last) {
      out += symbol;
      last = symbol;
    }
  }
  return out;
}

/** A skeleton without a closing `h`, which romanizations add or drop (`Hamzah`, `Abdulla`). */
export const withoutFinalH = (skeleton: string): string =>
  skeleton.length > 1 && skeleton.endsWith('h') ? skeleton.slice(0, -1) : skeleton;

/** The other reading of a word's consonants (see `PreparedToken.skeletonAlt`), '' when the same. */
function alternativeSkeleton(word: string, abjad: boolean, skeleton: string): string {
  const alt = abjad
    ? word.includes('th')
      ? consonantSkeleton(word.replace(/th/g, 's'))
      : ''
    : /[sztdkgc]h/.test(word)
      ? consonantSkeleton(word, false)
      : '';
  return alt === skeleton ? '' : alt;
}

/** English plural and similar endings, folded: `industries` → `industry`, `guards` → `guard`. */
function stem(word: string): string {
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith('es') && /(ss|sh|ch|x)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss') && word.length > 3) return word.slice(0, -1);
  return word;
}

const NO_PHONETIC: [string, string] = ['', ''];

function letterMask(word: string): number {
  let mask = 0;
  for (let i = 0; i < word.length; i++) {
    const code = word.charCodeAt(i) - 97;
    mask |= code >= 0 && code < 26 ? 1 << code : 1 << 26;
  }
  return mask;
}

function bitCount(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
const JOINABLE = new Set<TokenKind>(['name', 'particle', 'initial']);

function prepareSpans(tokens: readonly PreparedToken[]): PreparedSpan[] {
  const spans: PreparedSpan[] = [];
  for (let start = 0; start < tokens.length; start++) {
    for (let end = start + 2; end <= Math.min(tokens.length, start + 3); end++) {
      const part = tokens.slice(start, end);
      if (!part.every((t) => JOINABLE.has(t.kind))) continue;
      const text = part.map((t) => t.text).join('');
      const abjad = part.every((t) => t.abjad) ? true : part.every((t) => !t.abjad) ? false : undefined;
      // The words' own skeletons joined (`hy` keeps its `h` in `bd al hy`). A span whose consonants
      // are those of one of its words (`ayyub bashir` → `b$r`, as `bashir`) says nothing more than
      // that word: it gets no skeleton.
      const joinSkeletons = (alt: boolean): string => {
        const skeleton = part
          .map((t) => (alt && t.skeletonAlt) || t.skeleton)
          .join('')
          .replace(/(.)\1+/g, '$1');
        return part.every((t) => ((alt && t.skeletonAlt) || t.skeleton).length < skeleton.length) ? skeleton : '';
      };
      const skeleton = joinSkeletons(false);
      const skeletonAlt = part.some((t) => t.skeletonAlt) ? joinSkeletons(true) : '';
      const particleEnd = part[0]!.kind === 'particle' || part[part.length - 1]!.kind === 'particle';
      spans.push({
        start,
        end,
        text,
        words: part.map((t) => t.text).join(' '),
        weight: part.reduce((sum, t) => sum + t.weight, 0),
        abjad,
        skeleton,
        skeletonAlt: skeletonAlt === skeleton ? '' : skeletonAlt,
        particleEnd,
      });
    }
  }
  return spans;
}

export function prepareName(name: string, kind?: RecordKind, countries: readonly string[] = []): PreparedName {
  const normalized = normalizeName(name, kind);
  const common = commonWordMarks(normalized.tokens.map((t) => t.text));
  const tokens: PreparedToken[] = normalized.tokens.map((t, i) => {
    const word = t.kind === 'name';
    const abjad = t.abjad === true;
    const skeleton = JOINABLE.has(t.kind) ? consonantSkeleton(t.text) : '';
    return {
      text: t.text,
      kind: t.kind,
      weight: TOKEN_WEIGHTS[t.kind],
      phonetic: word && !abjad ? doubleMetaphone(t.text) : NO_PHONETIC,
      abjad,
      skeleton,
      skeletonAlt: skeleton ? alternativeSkeleton(t.text, abjad, skeleton) : '',
      stem: word ? stem(t.text) : t.text,
      letters: letterMask(t.text),
      common: word && common[i]!,
    };
  });
  const distinctive = tokens.some((t) => t.kind === 'name' && !t.common && t.text.length >= 4);
  return {
    normalized,
    tokens,
    totalWeight: tokens.reduce((sum, t) => sum + t.weight, 0),
    kind,
    countries: countries.map((c) => c.toUpperCase()),
    spans: prepareSpans(tokens),
    distinctive,
  };
}

export interface ScoreOptions {
  /** Schema of name a: Person, Company, Organization, LegalEntity, Vessel, Aircraft (or a record kind). */
  schemaA?: string;
  schemaB?: string;
  /** ISO 3166-1 alpha-2 code(s) of side a. */
  countryA?: string | readonly string[];
  countryB?: string | readonly string[];
}

export interface NameScore {
  /** 0..1 */
  score: number;
  explanation: string[];
}

let rowsBuffer = new Int32Array(0);

/** Optimal string alignment distance (Levenshtein with adjacent swaps), bounded: returns max+1 beyond `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const width = b.length + 1;
  if (rowsBuffer.length < 3 * width) rowsBuffer = new Int32Array(3 * width * 2);
  const rows = rowsBuffer;
  // Three rows in one buffer, rotated by offset: two rows back (swaps), the previous one, this one.
  let prev2 = 0;
  let prev = width;
  let cur = 2 * width;
  for (let j = 0; j <= b.length; j++) rows[prev + j] = j;
  for (let i = 1; i <= a.length; i++) {
    rows[cur] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const bj = b.charCodeAt(j - 1);
      const cost = ai === bj ? 0 : 1;
      let value = Math.min(rows[prev + j]! + 1, rows[cur + j - 1]! + 1, rows[prev + j - 1]! + cost);
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj)
        value = Math.min(value, rows[prev2 + j - 2]! + 1);
      rows[cur + j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return max + 1;
    const oldest = prev2;
    prev2 = prev;
    prev = cur;
    cur = oldest;
  }
  return rows[prev + b.length]!;
}

/** How alike two tokens (or joined tokens) are: 0 (no match) to 1, and the grade's name. */
export interface TokenMatch {
  sim: number;
  how: string;
}

const NO_MATCH: TokenMatch = { sim: 0, how: '' };
const SAME: TokenMatch = { sim: 1, how: 'same' };
const ABBREVIATION: TokenMatch = { sim: 0.85, how: 'abbreviation' };
const SAME_STEM: TokenMatch = { sim: 0.9, how: 'same stem' };
const ONE_EDIT: TokenMatch = { sim: 0.9, how: 'one edit' };
const TWO_EDITS: TokenMatch = { sim: 0.85, how: 'two edits' };
const SOUNDS_ALIKE: TokenMatch = { sim: 0.85, how: 'sounds alike' };
const OTHER_LEGAL_FORM: TokenMatch = { sim: 0.5, how: 'other legal form' };
const INITIAL: TokenMatch = { sim: 0.9, how: 'initial' };
const SAME_CONSONANTS: TokenMatch = { sim: 0.9, how: 'same consonants (abjad)' };
const SAME_CONSONANT: TokenMatch = { sim: 0.8, how: 'same consonant (abjad)' };
const SAME_PARTICLE: TokenMatch = { sim: 1, how: 'same particle' };

/** Spellings of one particle: `al`/`el`, `bin`/`ben`/`ibn`, `bint`/`bent`. */
const PARTICLE_CLASSES: ReadonlyMap<string, string> = new Map([
  ['el', 'al'],
  ['ben', 'bin'],
  ['ibn', 'bin'],
  ['bent', 'bint'],
]);
const particleClass = (text: string): string => PARTICLE_CLASSES.get(text) ?? text;
const CONSONANTS_ONE_EDIT: TokenMatch = { sim: 0.8, how: 'consonants, one edit (abjad)' };

function phoneticAlike(a: [string, string], b: [string, string]): boolean {
  if (a[0].length < 2 || b[0].length < 2) return false;
  return a[0] === b[0] || a[0] === b[1] || a[1] === b[0];
}

/**
 * A word written in an abjad against a Latin one, by their consonants (`mhmd` ~ `Muhammad`): the
 * same skeleton 0.9 (0.8 for a skeleton of one letter: `ly` ~ `Ali`), one edit after the same first
 * consonant on skeletons of 3+ letters 0.8 (`$hdr` ~ `Chaudhry`, `bdlrhmn` ~ `Abderrahmane`).
 */
function skeletonSimilarity(a: string, b: string): TokenMatch {
  if (!a || !b) return NO_MATCH;
  if (a === b || ((a.endsWith('h') || b.endsWith('h')) && withoutFinalH(a) === withoutFinalH(b)))
    return Math.min(a.length, b.length) >= 2 ? SAME_CONSONANTS : SAME_CONSONANT;
  if (a.length >= 3 && b.length >= 3 && a.charCodeAt(0) === b.charCodeAt(0) && editDistance(a, b, 1) === 1)
    return CONSONANTS_ONE_EDIT;
  return NO_MATCH;
}

/** The best of the readings of two skeletons (`skeleton`, `skeletonAlt`). */
function readingsSimilarity(
  a: { skeleton: string; skeletonAlt: string },
  b: { skeleton: string; skeletonAlt: string },
): TokenMatch {
  let best = skeletonSimilarity(a.skeleton, b.skeleton);
  if (best === SAME_CONSONANTS || !(a.skeletonAlt || b.skeletonAlt)) return best;
  for (const x of [a.skeleton, a.skeletonAlt]) {
    for (const y of [b.skeleton, b.skeletonAlt]) {
      const match = skeletonSimilarity(x, y);
      if (match.sim > best.sim) best = match;
    }
  }
  return best;
}

/** Graded similarity of two Latin name words (see the header for the grades). */
function wordSimilarity(a: PreparedToken, b: PreparedToken): TokenMatch {
  if (a.text === b.text) return SAME;
  const [short, long] = a.text.length <= b.text.length ? [a, b] : [b, a];
  const shortLength = short.text.length;
  const longLength = long.text.length;
  const abbreviates =
    (shortLength >= 4 && shortLength <= 5 && longLength >= shortLength + 3) || (shortLength === 3 && longLength >= 8);
  if (abbreviates && long.text.startsWith(short.text)) return ABBREVIATION;
  if (shortLength >= 4 && short.stem === long.stem) return SAME_STEM;
  const limit = Math.floor(longLength / 2);
  const alike = a.text.charCodeAt(0) === b.text.charCodeAt(0) && phoneticAlike(a.phonetic, b.phonetic);
  const alikeCode = a.phonetic[0] === b.phonetic[0] && a.phonetic[0].length >= 3;
  // The largest distance any grade below accepts: one edit (4+ letters), two (7+), half (alike).
  const needed = alike || alikeCode ? limit : shortLength >= 7 ? 2 : shortLength >= 4 ? 1 : -1;
  if (needed < 1 || longLength - shortLength > needed) return NO_MATCH;
  // Each edit adds or removes at most two letters from the set of letters a word holds.
  if (bitCount(a.letters ^ b.letters) > 2 * needed) return NO_MATCH;
  const distance = editDistance(a.text, b.text, needed);
  if (distance === 1 && shortLength >= 4) return ONE_EDIT;
  if (distance === 2 && shortLength >= 7) return TWO_EDITS;
  if (distance <= limit && (alike || alikeCode)) return SOUNDS_ALIKE;
  return NO_MATCH;
}

/** Graded similarity of two tokens (see the header); exported for the blocking index. */
export function tokenSimilarity(a: PreparedToken, b: PreparedToken): TokenMatch {
  if (a.text === b.text) return SAME;
  if (a.kind === 'legal' || b.kind === 'legal') return a.kind === b.kind ? OTHER_LEGAL_FORM : NO_MATCH;
  if (a.kind === 'number' || b.kind === 'number') return NO_MATCH;
  if (a.kind === 'initial' || b.kind === 'initial') {
    if (a.kind === b.kind) return NO_MATCH;
    const [initial, word] = a.kind === 'initial' ? [a, b] : [b, a];
    return word.kind === 'name' && word.text.startsWith(initial.text) ? INITIAL : NO_MATCH;
  }
  if (a.kind === 'particle' || b.kind === 'particle')
    return a.kind === b.kind && particleClass(a.text) === particleClass(b.text) ? SAME_PARTICLE : NO_MATCH;
  if (a.abjad !== b.abjad) return readingsSimilarity(a, b);
  return wordSimilarity(a, b);
}

const isWord = (t: PreparedToken): boolean => t.kind === 'name' || t.kind === 'number';

interface Candidate {
  a: number[];
  b: number[];
  sim: number;
  how: string;
  weight: number;
  /** Order class in the greedy alignment (see `alignmentCandidates`). */
  rank?: number;
}

function range(start: number, end: number): number[] {
  const out: number[] = [];
  for (let k = start; k < end; k++) out.push(k);
  return out;
}

/** One word against adjacent words of the other name, joined: the same, or one edit (6+ letters). */
export function joinedMatch(token: PreparedToken, span: PreparedSpan): TokenMatch {
  if (span.abjad === undefined) return NO_MATCH;
  if (span.abjad !== token.abjad) {
    const match = readingsSimilarity(token, span);
    return match.sim > 0 && token.skeleton.length >= 2 ? { sim: match.sim, how: `joined, ${match.how}` } : NO_MATCH;
  }
  if (Math.abs(token.text.length - span.text.length) > 1) return NO_MATCH;
  if (token.text === span.text) return { sim: 1, how: 'joined' };
  if (span.text.length < 6 || editDistance(token.text, span.text, 1) > 1) return NO_MATCH;
  return { sim: 0.9, how: 'joined, one edit' };
}

/** Adjacent words against adjacent words, joined (`abd al-rahman` ~ `abdal rahman`); exported for the blocking index. */
export function spanMatch(x: PreparedSpan, y: PreparedSpan): TokenMatch {
  // A particle at either end belongs to the word beside it, not to the joined words.
  if (x.abjad === undefined || y.abjad === undefined || x.particleEnd || y.particleEnd) return NO_MATCH;
  // The same words on both sides are matched one by one, not joined.
  if (x.abjad === y.abjad)
    return x.text === y.text && x.end - x.start !== y.end - y.start ? { sim: 1, how: 'joined' } : NO_MATCH;
  const match = readingsSimilarity(x, y);
  return match === SAME_CONSONANTS ? { sim: match.sim, how: `joined, ${match.how}` } : NO_MATCH;
}

/** Candidates of one name's words against joined words of the other (`swap`: the words are b's). */
function pushJoined(candidates: Candidate[], one: PreparedName, many: PreparedName, swap: boolean): void {
  for (const span of many.spans) {
    for (let i = 0; i < one.tokens.length; i++) {
      const token = one.tokens[i]!;
      if (token.kind !== 'name') continue;
      const match = joinedMatch(token, span);
      if (match.sim === 0) continue;
      const weight = token.weight + span.weight;
      candidates.push(
        swap
          ? { a: range(span.start, span.end), b: [i], sim: match.sim, how: match.how, weight }
          : { a: [i], b: range(span.start, span.end), sim: match.sim, how: match.how, weight },
      );
    }
  }
}

const spanPairKey = (aStart: number, aLength: number, bStart: number, bLength: number): number =>
  ((aStart * 4 + aLength) * 65536 + bStart) * 4 + bLength;

/**
 * Adjacent words against adjacent words, joined: `abd al-rahman` ~ `abdal rahman`, `عبد الله` ~
 * `abd allah`; only when the pair cannot be split into two pairs found as well (`mustafa abdallah`
 * ~ `mstfa bd al` is `mustafa` ~ `mstfa` and `abdallah` ~ `bd al`).
 */
function pushSpanPairs(candidates: Candidate[], a: PreparedName, b: PreparedName): void {
  let pairs: { x: PreparedSpan; y: PreparedSpan; match: TokenMatch }[] | undefined;
  for (const x of a.spans) {
    for (const y of b.spans) {
      const match = spanMatch(x, y);
      if (match.sim > 0) (pairs ??= []).push({ x, y, match });
    }
  }
  if (!pairs) return;
  const found = new Map<number, number>();
  for (const c of candidates) found.set(spanPairKey(c.a[0]!, c.a.length, c.b[0]!, c.b.length), c.sim);
  const has = (aStart: number, aEnd: number, bStart: number, bEnd: number, sim: number): boolean =>
    (found.get(spanPairKey(aStart, aEnd - aStart, bStart, bEnd - bStart)) ?? 0) >= sim;
  // Shorter pairs first, so that a longer one can be split into pairs of joined words too.
  pairs.sort((p, q) => p.x.end - p.x.start + p.y.end - p.y.start - (q.x.end - q.x.start + q.y.end - q.y.start));
  for (const { x, y, match } of pairs) {
    let splits = false;
    for (let i = x.start + 1; i < x.end && !splits; i++) {
      for (let j = y.start + 1; j < y.end && !splits; j++)
        splits = has(x.start, i, y.start, j, match.sim) && has(i, x.end, j, y.end, match.sim);
    }
    // Either way the pair is found: as a whole, or as the pairs it splits into.
    found.set(spanPairKey(x.start, x.end - x.start, y.start, y.end - y.start), match.sim);
    if (splits) continue;
    candidates.push({
      a: range(x.start, x.end),
      b: range(y.start, y.end),
      sim: match.sim,
      how: match.how,
      weight: x.weight + y.weight,
    });
  }
}

/** Order class in the greedy alignment: words against words 2, an initial against words 1, else 0. */
function rankOf(c: Candidate, a: PreparedName, b: PreparedName): number {
  let word = false;
  let initial = false;
  for (const i of c.a) {
    const kind = a.tokens[i]!.kind;
    word ||= kind === 'name' || kind === 'number';
    initial ||= kind === 'initial';
  }
  for (const j of c.b) {
    const kind = b.tokens[j]!.kind;
    word ||= kind === 'name' || kind === 'number';
    initial ||= kind === 'initial';
  }
  return word ? (initial ? 1 : 2) : 0;
}

function byRank(x: Candidate, y: Candidate): number {
  return y.rank! - x.rank! || y.sim - x.sim || y.weight - x.weight;
}

function alignmentCandidates(a: PreparedName, b: PreparedName): Candidate[] {
  const candidates: Candidate[] = [];
  for (let i = 0; i < a.tokens.length; i++) {
    for (let j = 0; j < b.tokens.length; j++) {
      const match = tokenSimilarity(a.tokens[i]!, b.tokens[j]!);
      if (match.sim > 0)
        candidates.push({
          a: [i],
          b: [j],
          sim: match.sim,
          how: match.how,
          weight: a.tokens[i]!.weight + b.tokens[j]!.weight,
        });
    }
  }
  pushJoined(candidates, a, b, false);
  pushJoined(candidates, b, a, true);
  if (a.spans.length && b.spans.length) pushSpanPairs(candidates, a, b);
  // Greedy alignment, best first: words against words, then initials against words, then pairs of
  // particles or legal forms only. So the initial `a` does not take `aleksander` from `alexander`,
  // and the particle `al` of one name does not take the `al` a joined `abd al-karim` ~ `عبدالكريم` needs.
  for (const c of candidates) c.rank = rankOf(c, a, b);
  return candidates.sort(byRank);
}

function kindsConflict(a: RecordKind | undefined, b: RecordKind | undefined): boolean {
  if (!a || !b || a === 'other' || b === 'other') return false;
  return a !== b;
}

function toList(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  return (typeof value === 'string' ? [value] : [...value]).map((c) => c.trim().toUpperCase()).filter(Boolean);
}

const round = (value: number): string => value.toFixed(2);

/**
 * Whether the first word of a name, in the order it is said (`SURNAME, Given` is `Given SURNAME`), is
 * left unmatched. A shorter name found inside a longer one is the same person when the longer adds
 * middle names, a patronymic, a second surname or a nisba (`HADDAD, Karim` ~ `AL-HALABI, Karim Saleh
 * Haddad`), not when it adds a first name: `Rana Karim Haddad` is Karim Haddad's daughter.
 */
function firstWordMissing(name: PreparedName, used: Uint8Array): boolean {
  const n = name.tokens.length;
  const split = name.normalized.surnameTokens;
  for (let k = 0; k < n; k++) {
    const i = (k + split) % n;
    const kind = name.tokens[i]!.kind;
    if (kind === 'name' || kind === 'initial') return !used[i];
  }
  return false;
}

function anyUsed(positions: readonly number[], used: Uint8Array): boolean {
  for (const i of positions) if (used[i]) return true;
  return false;
}

/** Marks a candidate's tokens used; their weight and how many are words. */
function take(
  positions: readonly number[],
  tokens: readonly PreparedToken[],
  used: Uint8Array,
): { weight: number; words: number } {
  let weight = 0;
  let words = 0;
  for (const i of positions) {
    used[i] = 1;
    const token = tokens[i]!;
    weight += token.weight;
    if (isWord(token)) words += 1;
  }
  return { weight, words };
}

function unusedWords(tokens: readonly PreparedToken[], used: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < tokens.length; i++) if (!used[i] && isWord(tokens[i]!)) count += 1;
  return count;
}

/** Grade at or above which a word counts as found for the common-extra-words rule: the same, or one typo (0.9). */
const STRONG_MATCH = 0.9;

/**
 * Whether the common-extra-words rule (header, 5b) may apply to a pair: organizations (or names
 * with a legal form) on both sides, no person, vessel or aircraft. Exported for the blocking bound.
 */
export function organizationPair(a: PreparedName, b: PreparedName): boolean {
  for (const kind of [a.kind, b.kind]) if (kind === 'person' || kind === 'vessel' || kind === 'aircraft') return false;
  return (
    a.kind === 'organization' || b.kind === 'organization' || a.normalized.hasLegalForm || b.normalized.hasLegalForm
  );
}

interface CommonExtras {
  /** The shorter name, wholly found. */
  shorter: string;
  /** The common words found in the longer name only. */
  words: string[];
  /** What their weight drops by (to `COMMON_EXTRA_WEIGHT` each). */
  weightSaved: number;
}

/**
 * The common words (country, demonym, generic word) that the longer name only has, when every word
 * of the shorter one is found in it at one typo's grade or better and the shorter one has a
 * distinctive word (header, 5b); undefined when the rule does not apply or there are none.
 */
function commonExtras(
  a: PreparedName,
  strongA: Uint8Array,
  usedA: Uint8Array,
  b: PreparedName,
  strongB: Uint8Array,
  usedB: Uint8Array,
): CommonExtras | undefined {
  for (const [shorter, strong, longer, used] of [
    [a, strongA, b, usedB],
    [b, strongB, a, usedA],
  ] as const) {
    if (!shorter.distinctive || shorter.tokens.some((t, i) => isWord(t) && !strong[i])) continue;
    const words: string[] = [];
    let weightSaved = 0;
    longer.tokens.forEach((t, j) => {
      if (used[j] || !t.common) return;
      words.push(t.text);
      weightSaved += t.weight - COMMON_EXTRA_WEIGHT;
    });
    return words.length ? { shorter: shorter.normalized.text, words, weightSaved } : undefined;
  }
  return undefined;
}

/** The score, with the explanation written into `explanation` when one is given. */
function evaluate(a: PreparedName, b: PreparedName, explanation: string[] | undefined): number {
  if (explanation) {
    explanation.push(`"${a.normalized.text}" vs "${b.normalized.text}"`);
    for (const [side, name] of [
      ['a', a],
      ['b', b],
    ] as const) {
      if (name.normalized.removedTitles.length)
        explanation.push(`title(s) removed from ${side}: ${name.normalized.removedTitles.join(', ')}`);
    }
  }
  if (kindsConflict(a.kind, b.kind)) {
    explanation?.push(`kinds differ: ${a.kind} vs ${b.kind}: never a match`);
    return 0;
  }
  if (!a.tokens.length || !b.tokens.length) {
    explanation?.push('a name is empty after normalization');
    return 0;
  }
  const usedA = new Uint8Array(a.tokens.length);
  const usedB = new Uint8Array(b.tokens.length);
  let coveredA = 0;
  let coveredB = 0;
  let matchedNameWordsA = 0;
  let matchedNameWordsB = 0;
  let fullWordMatches = 0;
  // Tokens matched whole at the grade of one typo or better (header, 5b).
  const strongA = new Uint8Array(a.tokens.length);
  const strongB = new Uint8Array(b.tokens.length);
  for (const candidate of alignmentCandidates(a, b)) {
    if (anyUsed(candidate.a, usedA) || anyUsed(candidate.b, usedB)) continue;
    const sideA = take(candidate.a, a.tokens, usedA);
    const sideB = take(candidate.b, b.tokens, usedB);
    if (candidate.sim >= STRONG_MATCH && candidate.how !== 'initial' && candidate.how !== 'abbreviation') {
      for (const i of candidate.a) strongA[i] = 1;
      for (const j of candidate.b) strongB[j] = 1;
    }
    coveredA += candidate.sim * sideA.weight;
    coveredB += candidate.sim * sideB.weight;
    // Words matched by an initial or an abbreviation do not count as found (`John Doe` is not found
    // in `J. D. Smithers`).
    if (candidate.how !== 'initial' && candidate.how !== 'abbreviation' && sideA.words + sideB.words > 0) {
      fullWordMatches += 1;
      matchedNameWordsA += sideA.words;
      matchedNameWordsB += sideB.words;
    }
    if (explanation)
      explanation.push(
        `${candidate.a.map((i) => a.tokens[i]!.text).join(' ')} ~ ${candidate.b.map((j) => b.tokens[j]!.text).join(' ')}: ${candidate.how} ${round(candidate.sim)}`,
      );
  }
  if (explanation) {
    const unmatchedA = a.tokens.filter((_, i) => !usedA[i]).map((t) => t.text);
    const unmatchedB = b.tokens.filter((_, j) => !usedB[j]).map((t) => t.text);
    if (unmatchedA.length) explanation.push(`only in a: ${unmatchedA.join(' ')}`);
    if (unmatchedB.length) explanation.push(`only in b: ${unmatchedB.join(' ')}`);
  }

  const common = organizationPair(a, b) ? commonExtras(a, strongA, usedA, b, strongB, usedB) : undefined;
  if (common && explanation)
    explanation.push(
      `"${common.shorter}" wholly found in the longer name; common word(s) only there weigh ${COMMON_EXTRA_WEIGHT}: ${common.words.join(' ')}`,
    );
  let score = (coveredA + coveredB) / (a.totalWeight + b.totalWeight - (common?.weightSaved ?? 0));
  explanation?.push(`weighted token overlap ${round(score)}`);
  if (fullWordMatches === 0) {
    score *= 0.5;
    explanation?.push(`no whole word in common (initials, abbreviations, particles, legal forms only): ×0.5`);
  }

  const person = a.kind === 'person' || b.kind === 'person';
  const unknownNoLegal = !a.kind && !b.kind && !a.normalized.hasLegalForm && !b.normalized.hasLegalForm;
  const blend = person ? 0.5 : unknownNoLegal ? 0.3 : 0;
  if (blend > 0) {
    const coverA = coveredA / a.totalWeight;
    const coverB = coveredB / b.totalWeight;
    const [cover, words, container, used] =
      coverA >= coverB ? [coverA, matchedNameWordsA, b, usedB] : [coverB, matchedNameWordsB, a, usedA];
    if (cover >= 0.85 && words >= 2 && cover > score && !firstWordMissing(container, used)) {
      score = (1 - blend) * score + blend * cover;
      explanation?.push(
        `shorter name contained in the longer (${round(cover)}), as with a middle name: ${round(score)}`,
      );
    }
  }

  // Organizations, vessels and aircraft: an extra word usually names another party (`X` / `X Trading`).
  const organizationLike =
    (a.kind && a.kind !== 'person' && a.kind !== 'other') ||
    (b.kind && b.kind !== 'person' && b.kind !== 'other') ||
    (!person && (a.normalized.hasLegalForm || b.normalized.hasLegalForm));
  if (organizationLike && score < 1) {
    const extraWords = unusedWords(a.tokens, usedA) + unusedWords(b.tokens, usedB) - (common?.words.length ?? 0);
    if (extraWords > 0) {
      score *= EXTRA_WORD_FACTOR ** Math.min(2, extraWords);
      explanation?.push(
        `${extraWords} word(s) in one name only, for an organization/vessel: ×${EXTRA_WORD_FACTOR}^${Math.min(2, extraWords)}`,
      );
    } else if (common && score < DEFAULT_THRESHOLD) {
      score = DEFAULT_THRESHOLD;
      explanation?.push(`the longer name adds common words only: raised to the threshold ${DEFAULT_THRESHOLD}`);
    }
  }

  if (a.countries.length && b.countries.length) {
    if (a.countries.some((c) => b.countries.includes(c))) {
      score = Math.min(1, score + 0.03);
      explanation?.push(`country agrees (${a.countries.filter((c) => b.countries.includes(c)).join(', ')}): +0.03`);
    } else {
      score *= 0.9;
      explanation?.push(`countries differ (${a.countries.join(', ')} vs ${b.countries.join(', ')}): ×0.9`);
    }
  }
  explanation?.push(`score ${round(score)}`);
  return Math.min(1, Math.max(0, score));
}

/** Scores two prepared names; kinds and countries come from the prepared names. */
export function scorePrepared(a: PreparedName, b: PreparedName): NameScore {
  const explanation: string[] = [];
  const score = evaluate(a, b, explanation);
  return { score, explanation };
}

/** The score of `scorePrepared` alone, without writing the explanation: for screening many pairs. */
export function scoreValue(a: PreparedName, b: PreparedName): number {
  return evaluate(a, b, undefined);
}

/** How alike two names are, 0..1, with the reasons. */
export function scoreNames(a: string, b: string, options: ScoreOptions = {}): NameScore {
  return scorePrepared(
    prepareName(a, schemaKind(options.schemaA), toList(options.countryA)),
    prepareName(b, schemaKind(options.schemaB), toList(options.countryB)),
  );
}
