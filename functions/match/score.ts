/**
 * How alike two names are: a score in 0..1 and the reasons, in words an analyst can check.
 *
 * Algorithm: weighted token-set alignment.
 *  1. Both names are normalized (normalize.ts): one script, folded, legal forms canonical, titles off.
 *  2. Every token of one name is compared with every token of the other, and every token with the
 *     concatenation of 2-3 adjacent tokens of the other (`gazpromneft` ~ `gazprom neft`, `hua wei` ~
 *     `huawei`). Token similarity is graded, not a raw distance, so that a threshold means the same
 *     thing for short and long tokens: exact 1; one edit (Damerau: a typo or a swap) on tokens of 4+
 *     letters 0.9; two edits on 7+ letters 0.85; same double-metaphone key and at most half the
 *     letters edited 0.85 (`Muhammad` ~ `Mohammed`, `Qadhafi` ~ `Gaddafi`); an initial against a name
 *     with that first letter 0.9; the same word up to a plural ending 0.9 (`Industries` ~
 *     `Industry`); a 4-5 letter (or a 3 letter, of an 8+ letter word) abbreviation 0.85 (`Tech` ~
 *     `Technologies`); anything else 0. Initials and abbreviations alone never make a match. Plain edit ratios or Jaro-Winkler were rejected: they give
 *     `Melli` ~ `Mellat` 0.88, and the hard non-matches of sanctions lists are exactly such pairs.
 *  3. Pairs are aligned greedily, best first, each token used once; token order does not count.
 *  4. The score is a weighted Dice coefficient over both names: Σ sim·(w_a + w_b) / (Σw_A + Σw_B), with
 *     weights by token kind (`TOKEN_WEIGHTS`: legal forms 0.15, particles 0.25, initials 0.5, name
 *     words and numbers 1). An extra word therefore costs a lot (`Rosneft` vs `Rosneft Trading` 0.67)
 *     and an extra legal form little (`Rosneft` vs `Rosneft OAO` 0.93). Numbers match only exactly
 *     (vessel `Star 1` is not `Star 2`).
 *  5. Persons often appear with and without middle names or patronymics: when the shorter name of a
 *     person is wholly found in the longer one (two name words at least), the score is blended with
 *     that containment (half for persons, 0.3 when the kind is unknown and neither name has a legal
 *     form; never for organizations, where a longer name is usually another party).
 *     For organizations, vessels and aircraft each word (up to two) found in one name only multiplies
 *     the score by 0.85 (`EXTRA_WORD_FACTOR`): `Bank X` / `Bank X International` are two banks more
 *     often than one. A pair with no whole word in common (initials, particles, legal forms only:
 *     `El M` / `El Mellado`) is halved.
 *  6. Kind and country weigh in when both sides have them: a person never matches a vessel (score 0);
 *     shared countries add 0.03, disjoint ones multiply by 0.9.
 * Corpus IDF weights were left out on purpose: the score of a pair must not depend on what else is
 * in the list, so the CLI, the index and the brute force agree on every pair.
 */
import { doubleMetaphone } from 'double-metaphone';
import type { RecordKind } from '../records.ts';
import { normalizeName, type NormalizedName, type TokenKind } from './normalize.ts';

/** Score at or above which two names are reported as a match (tuned on bench/match.ts). */
export const DEFAULT_THRESHOLD = 0.8;

/** Factor per word (up to two) found in one organization's, vessel's or aircraft's name only. */
export const EXTRA_WORD_FACTOR = 0.85;

/** What each kind of token weighs in the score. */
export const TOKEN_WEIGHTS: Readonly<Record<TokenKind, number>> = { name: 1, number: 1, initial: 0.5, particle: 0.25, legal: 0.15 };

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
}

/** A name normalized once, with what scoring needs per token: screen many pairs without redoing it. */
export interface PreparedName {
  normalized: NormalizedName;
  tokens: PreparedToken[];
  totalWeight: number;
  kind: RecordKind | undefined;
  countries: string[];
}

export function prepareName(name: string, kind?: RecordKind, countries: readonly string[] = []): PreparedName {
  const normalized = normalizeName(name, kind);
  const tokens = normalized.tokens.map((t) => ({ text: t.text, kind: t.kind, weight: TOKEN_WEIGHTS[t.kind], phonetic: t.kind === 'name' ? doubleMetaphone(t.text) : (['', ''] as [string, string]) }));
  return { normalized, tokens, totalWeight: tokens.reduce((sum, t) => sum + t.weight, 0), kind, countries: countries.map((c) => c.toUpperCase()) };
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

/** Optimal string alignment distance (Levenshtein with adjacent swaps), bounded: returns max+1 beyond `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows = [new Array<number>(b.length + 1).fill(0), new Array<number>(b.length + 1).fill(0), new Array<number>(b.length + 1).fill(0)];
  for (let j = 0; j <= b.length; j++) rows[1]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    const [prev2, prev, cur] = [rows[0]!, rows[1]!, rows[2]!];
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let value = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, prev2[j - 2]! + 1);
      cur[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return max + 1;
    rows[0] = prev;
    rows[1] = cur;
    rows[2] = prev2;
  }
  return rows[1]![b.length]!;
}

interface TokenMatch {
  sim: number;
  how: string;
}

const NO_MATCH: TokenMatch = { sim: 0, how: '' };

function phoneticAlike(a: [string, string], b: [string, string]): boolean {
  if (a[0].length < 2 || b[0].length < 2) return false;
  return a[0] === b[0] || a[0] === b[1] || a[1] === b[0];
}

/** English plural and similar endings, folded: `industries` → `industry`, `guards` → `guard`. */
function stem(word: string): string {
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith('es') && /(ss|sh|ch|x)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss') && word.length > 3) return word.slice(0, -1);
  return word;
}

/** Graded similarity of two words of the same kind of text (see the header for the grades). */
function wordSimilarity(a: string, b: string, phoneticA?: [string, string], phoneticB?: [string, string]): TokenMatch {
  if (a === b) return { sim: 1, how: 'same' };
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  const abbreviates = (short.length >= 4 && short.length <= 5 && long.length >= short.length + 3) || (short.length === 3 && long.length >= 8);
  if (abbreviates && long.startsWith(short)) return { sim: 0.85, how: 'abbreviation' };
  if (short.length >= 4 && stem(short) === stem(long)) return { sim: 0.9, how: 'same stem' };
  const maxLength = long.length;
  const limit = Math.floor(maxLength / 2);
  const distance = editDistance(a, b, limit);
  if (distance === 1 && short.length >= 4) return { sim: 0.9, how: 'one edit' };
  if (distance === 2 && short.length >= 7) return { sim: 0.85, how: 'two edits' };
  if (distance <= limit && phoneticA && phoneticB && a[0] === b[0] && phoneticAlike(phoneticA, phoneticB)) return { sim: 0.85, how: 'sounds alike' };
  if (distance <= limit && phoneticA && phoneticB && phoneticA[0] === phoneticB[0] && phoneticA[0].length >= 3) return { sim: 0.85, how: 'sounds alike' };
  return NO_MATCH;
}

function tokenSimilarity(a: PreparedToken, b: PreparedToken): TokenMatch {
  if (a.text === b.text) return { sim: 1, how: 'same' };
  if (a.kind === 'legal' || b.kind === 'legal') return a.kind === b.kind ? { sim: 0.5, how: 'other legal form' } : NO_MATCH;
  if (a.kind === 'number' || b.kind === 'number') return NO_MATCH;
  if (a.kind === 'initial' || b.kind === 'initial') {
    if (a.kind === b.kind) return NO_MATCH;
    const [initial, word] = a.kind === 'initial' ? [a, b] : [b, a];
    return word.kind === 'name' && word.text.startsWith(initial.text) ? { sim: 0.9, how: 'initial' } : NO_MATCH;
  }
  if (a.kind === 'particle' || b.kind === 'particle') return NO_MATCH;
  return wordSimilarity(a.text, b.text, a.phonetic, b.phonetic);
}

interface Candidate {
  a: number[];
  b: number[];
  sim: number;
  how: string;
  weight: number;
}

const JOINABLE = new Set<TokenKind>(['name', 'particle', 'initial']);

/** Spans of 2-3 adjacent joinable tokens: [start, end) index pairs. */
function spans(tokens: readonly PreparedToken[]): [number, number][] {
  const out: [number, number][] = [];
  for (let start = 0; start < tokens.length; start++) {
    for (let end = start + 2; end <= Math.min(tokens.length, start + 3); end++) {
      if (tokens.slice(start, end).every((t) => JOINABLE.has(t.kind))) out.push([start, end]);
    }
  }
  return out;
}

function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, k) => start + k);
}

function alignmentCandidates(a: PreparedName, b: PreparedName): Candidate[] {
  const candidates: Candidate[] = [];
  for (let i = 0; i < a.tokens.length; i++) {
    for (let j = 0; j < b.tokens.length; j++) {
      const match = tokenSimilarity(a.tokens[i]!, b.tokens[j]!);
      if (match.sim > 0) candidates.push({ a: [i], b: [j], sim: match.sim, how: match.how, weight: a.tokens[i]!.weight + b.tokens[j]!.weight });
    }
  }
  // One word against adjacent words of the other name, joined: only exact or one edit.
  const joined = (one: PreparedName, many: PreparedName, swap: boolean): void => {
    for (const [start, end] of spans(many.tokens)) {
      const text = many.tokens.slice(start, end).map((t) => t.text).join('');
      for (let i = 0; i < one.tokens.length; i++) {
        const token = one.tokens[i]!;
        if (token.kind !== 'name' || Math.abs(token.text.length - text.length) > 1) continue;
        const distance = token.text === text ? 0 : editDistance(token.text, text, 1);
        if (distance > 1 || (distance === 1 && text.length < 6)) continue;
        const weight = token.weight + many.tokens.slice(start, end).reduce((sum, t) => sum + t.weight, 0);
        const sim = distance === 0 ? 1 : 0.9;
        const how = distance === 0 ? 'joined' : 'joined, one edit';
        candidates.push(swap ? { a: range(start, end), b: [i], sim, how, weight } : { a: [i], b: range(start, end), sim, how, weight });
      }
    }
  };
  joined(a, b, false);
  joined(b, a, true);
  return candidates.sort((x, y) => y.sim - x.sim || y.weight - x.weight);
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

/** Scores two prepared names; kinds and countries come from the prepared names. */
export function scorePrepared(a: PreparedName, b: PreparedName): NameScore {
  const explanation: string[] = [`"${a.normalized.text}" vs "${b.normalized.text}"`];
  for (const [side, name] of [['a', a], ['b', b]] as const) {
    if (name.normalized.removedTitles.length) explanation.push(`title(s) removed from ${side}: ${name.normalized.removedTitles.join(', ')}`);
  }
  if (kindsConflict(a.kind, b.kind)) {
    explanation.push(`kinds differ: ${a.kind} vs ${b.kind}: never a match`);
    return { score: 0, explanation };
  }
  if (!a.tokens.length || !b.tokens.length) {
    explanation.push('a name is empty after normalization');
    return { score: 0, explanation };
  }
  const usedA = new Set<number>();
  const usedB = new Set<number>();
  let coveredA = 0;
  let coveredB = 0;
  let matchedNameWordsA = 0;
  let matchedNameWordsB = 0;
  let fullWordMatches = 0;
  for (const candidate of alignmentCandidates(a, b)) {
    if (candidate.a.some((i) => usedA.has(i)) || candidate.b.some((j) => usedB.has(j))) continue;
    candidate.a.forEach((i) => usedA.add(i));
    candidate.b.forEach((j) => usedB.add(j));
    const wordsA = candidate.a.map((i) => a.tokens[i]!);
    const wordsB = candidate.b.map((j) => b.tokens[j]!);
    coveredA += candidate.sim * wordsA.reduce((sum, t) => sum + t.weight, 0);
    coveredB += candidate.sim * wordsB.reduce((sum, t) => sum + t.weight, 0);
    if (candidate.how !== 'initial' && candidate.how !== 'abbreviation' && [...wordsA, ...wordsB].some((t) => t.kind === 'name' || t.kind === 'number')) fullWordMatches += 1;
    matchedNameWordsA += wordsA.filter((t) => t.kind === 'name' || t.kind === 'number').length;
    matchedNameWordsB += wordsB.filter((t) => t.kind === 'name' || t.kind === 'number').length;
    explanation.push(`${wordsA.map((t) => t.text).join(' ')} ~ ${wordsB.map((t) => t.text).join(' ')}: ${candidate.how} ${round(candidate.sim)}`);
  }
  const unmatchedA = a.tokens.filter((_, i) => !usedA.has(i)).map((t) => t.text);
  const unmatchedB = b.tokens.filter((_, j) => !usedB.has(j)).map((t) => t.text);
  if (unmatchedA.length) explanation.push(`only in a: ${unmatchedA.join(' ')}`);
  if (unmatchedB.length) explanation.push(`only in b: ${unmatchedB.join(' ')}`);

  let score = (coveredA + coveredB) / (a.totalWeight + b.totalWeight);
  explanation.push(`weighted token overlap ${round(score)}`);
  if (fullWordMatches === 0) {
    score *= 0.5;
    explanation.push(`no whole word in common (initials, abbreviations, particles, legal forms only): ×0.5`);
  }

  const person = a.kind === 'person' || b.kind === 'person';
  const unknownNoLegal = !a.kind && !b.kind && !a.normalized.hasLegalForm && !b.normalized.hasLegalForm;
  const blend = person ? 0.5 : unknownNoLegal ? 0.3 : 0;
  if (blend > 0) {
    const coverA = coveredA / a.totalWeight;
    const coverB = coveredB / b.totalWeight;
    const [cover, words] = coverA >= coverB ? [coverA, matchedNameWordsA] : [coverB, matchedNameWordsB];
    if (cover >= 0.85 && words >= 2 && cover > score) {
      score = (1 - blend) * score + blend * cover;
      explanation.push(`shorter name contained in the longer (${round(cover)}), as with a middle name: ${round(score)}`);
    }
  }

  // Organizations, vessels and aircraft: an extra word usually names another party (`X` / `X Trading`).
  const organizationLike = (a.kind && a.kind !== 'person' && a.kind !== 'other') || (b.kind && b.kind !== 'person' && b.kind !== 'other') || (!person && (a.normalized.hasLegalForm || b.normalized.hasLegalForm));
  const extraWords = [...a.tokens.filter((_, i) => !usedA.has(i)), ...b.tokens.filter((_, j) => !usedB.has(j))].filter((t) => t.kind === 'name' || t.kind === 'number').length;
  if (organizationLike && extraWords > 0 && score < 1) {
    score *= EXTRA_WORD_FACTOR ** Math.min(2, extraWords);
    explanation.push(`${extraWords} word(s) in one name only, for an organization/vessel: ×${EXTRA_WORD_FACTOR}^${Math.min(2, extraWords)}`);
  }

  if (a.countries.length && b.countries.length) {
    if (a.countries.some((c) => b.countries.includes(c))) {
      score = Math.min(1, score + 0.03);
      explanation.push(`country agrees (${a.countries.filter((c) => b.countries.includes(c)).join(', ')}): +0.03`);
    } else {
      score *= 0.9;
      explanation.push(`countries differ (${a.countries.join(', ')} vs ${b.countries.join(', ')}): ×0.9`);
    }
  }
  explanation.push(`score ${round(score)}`);
  return { score: Math.min(1, Math.max(0, score)), explanation };
}

/** How alike two names are, 0..1, with the reasons. */
export function scoreNames(a: string, b: string, options: ScoreOptions = {}): NameScore {
  return scorePrepared(prepareName(a, schemaKind(options.schemaA), toList(options.countryA)), prepareName(b, schemaKind(options.schemaB), toList(options.countryB)));
}
