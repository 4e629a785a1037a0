/**
 * match/ — name matching, split by step (prepare, similarity, alignment, score, index, screen). Builds on core/ alone.
 *
 * Scoring: how alike two names are, a score in 0..1 and the reasons, in words an analyst can check.
 *
 * Algorithm: weighted token-set alignment. The steps live in files of their own: analysis
 * (normalize.ts, prepare.ts), token similarity (similarity.ts), alignment candidates (alignment.ts);
 * this file weighs the aligned pairs into the score. Screening many names: name-index.ts, screen.ts.
 *  1. Both names are normalized (normalize.ts): one script, folded, legal forms canonical, titles off.
 *     Recall classes read there (issue 12), each a rule: a legal form with one typo in a long word
 *     (5+ letters in a phrase, 7+ alone: `JOYNT STOCK COMPANY`, `Aktiengeselschaft`, `COMPAJY`; one
 *     typo a phrase), glued to the name at a change of case (`SiemensAG`) or written out (`Sociedad
 *     Anónima de Capital Variable` = `S.A. de C.V.`); numbers written as words read as digits
 *     (number-words.ts, from number-to-words: `Forty-Four` = `44`, `First` = `1st`; still matched
 *     only exactly, and an ordinal is not a cardinal); digits written for letters inside a word
 *     (`Ig0r Sech1n`; a letter on both sides, so `A320` stays a number); titles and offices as words
 *     or phrases (`President`, `Prime Minister`, `His Excellency`; not words as often surnames,
 *     `King`, `Prince`); an acronym closing the name without parentheses (`daedong credit bank
 *     dcb`); `Xi` and `Vi` as name syllables, not Roman numerals, in a person's name.
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
 *     one particle 1 (`bin` ~ `ben` ~ `ibn`, `al` ~ `el`); the same but for a Baltic or Slavic ending
 *     0.9 (prepare.ts's `slavicBase`: `Lavrovas`, `Lavrovs` ~ `Lavrov`, `Sergejs` ~ `Sergey`, `-ij` ~
 *     `-iy`, and a person's female surname `Ivanova` ~ `Ivanov`: her family's name, which registers
 *     write either way); one Chinese name in Wade-Giles and in pinyin 0.9 (chinese-romanization.ts:
 *     `Hsi` ~ `Xi`, `Tse-tung` ~ `Zedong`, a word that is not pinyin read as Wade-Giles, so two pinyin
 *     words never match this way; `Xi` ~ `Shi` ~ `Si`); two forms of one given name 0.9 where no
 *     spelling grade holds (given-names.ts, a table written here as none is on the npm registry:
 *     `Bob` ~ `Robert`, `Sasha` ~ `Aleksandr`, `Bibi`, `Ben` ~ `Benjamin`, Ukrainian `Serhiy` ~ `Sergey`); a word of two or three
 *     consonants against as many adjacent words it spells the initials of 0.9, counted as initials
 *     (`JC` ~ `Jean-Claude`); anything else 0. Initials and abbreviations alone never make a match. Plain edit ratios or Jaro-Winkler were rejected: they give `Melli` ~
 *     `Mellat` 0.88, and the hard non-matches of sanctions lists are exactly such pairs.
 *     A word written in an abjad (Arabic script: short vowels unwritten, `محمد` → `mhmd`) is compared
 *     with a Latin one by their consonants (`consonantSkeleton`): the same consonants 0.9 (0.8 for one
 *     consonant: `ly` ~ `Ali`), one consonant edited after the same first one 0.8; not when the Latin
 *     is longer than the abjad can write (2 letters per abjad letter, plus one) or writes another
 *     vowel where the abjad writes a long `y` or `w` (`ميرا آل علي`, Mira, is not `Omar Lavilla`,
 *     though both are `m r l`). Registers publish
 *     persons' names in their original script beside the romanization; without this, the two never
 *     matched (5 % of the UN's pairs, 98 % now: bench/match.ts). Beyond the consonants, a Latin word
 *     that reads the abjad one letter for letter (romanize-arabic.ts's `readsAs`: each letter by one
 *     of its romanizations, `ق` as `q k g c`; every long vowel the abjad writes written as a vowel,
 *     the closing one too; short vowels between letters only, one at a time; a Latin word starting
 *     with a vowel only for an abjad one starting with alif, a hamza seat or ayn; the article's `l`
 *     as the sun letter after it, `ud-Din`) is `read as written` 0.9, whatever the skeletons' folding
 *     made of it (`فيصل` ~ `Faycal`). `Arif` is not a reading of `رفيع` (Rafi'), `Mahmood` not one of
 *     `محمد`, `Samir` not one of `سمیرا`: the same consonants, another name. Two abjad words match when their
 *     letters are the same, or the same but for what a spelling writes or not (alif, a hamza seat, a
 *     ta marbuta as `ه`, a doubled letter) 0.9; never at one letter edited: every letter is a
 *     consonant or a long vowel, so `محمدی` (Mohammadi) and `احمدی` (Ahmadi) are two names.
 * 2b. A given name matched by another form of it is one doubt; when another word of the pair is not
 *     the same either (a typo, a second short form), the pair scores at most
 *     `GIVEN_NAME_FORM_DOUBT_CAP` (0.75): `Dick Boss` / `Richard Buss` is two people more often
 *     than one, `Bob Menendez` / `Robert Menendez` (0.95) one.
 *  3. Pairs are aligned greedily, each token used once, token order not counting: words against
 *     words first, then initials against words, then particles and legal forms, each best first.
 *  4. The score is a weighted Dice coefficient over both names: Σ sim·(w_a + w_b) / (Σw_A + Σw_B), with
 *     weights by token kind (`TOKEN_WEIGHTS`: legal forms 0.15, particles 0.25, initials 0.5, name
 *     words and numbers 1). An extra word therefore costs a lot (`Rosneft` vs `Rosneft Trading` 0.67)
 *     and an extra legal form little (`Rosneft` vs `Rosneft OAO` 0.93). Numbers match only exactly
 *     (vessel `Star 1` is not `Star 2`).
 * 4b. A surname with initials (`Ahmed, A`, `T. Wielgorski`: one whole word, the rest initials) is a
 *     weak name: an initial stands for a given name without saying which, and the match rests on
 *     the surname. Matched to given names by its initials, the pair is multiplied by
 *     `WEAK_NAME_FACTOR` (0.87, what the given name's half an initial does not vouch for):
 *     `Ahmed, A` / `Alf Ahmed` 0.96 → 0.83, just above the default threshold, so that a country
 *     that differs (×0.9) leaves it below, and one in common keeps it a hit. (Telling `Ahmed`, a
 *     name millions share, from `Wielgorski` needs how common a name is, which the matcher does not
 *     know.) In longer names an initial keeps its grade (`John F. Kennedy` / `John Fitzgerald Kennedy`).
 *  5. Persons often appear with and without middle names, patronymics, second surnames or nisbas:
 *     when the shorter name of a person is wholly found in the longer one (two whole words at least,
 *     not matched by initials), and the longer name's first word as said (`SURNAME, Given` says
 *     `Given` first) is among those found, the score is blended with that containment (half for
 *     persons, 0.3 when the kind is unknown and neither name has a legal form; never for
 *     organizations, where a longer name is usually another party). A longer name with another first
 *     word is another member of a family (`Rana Karim Haddad`, daughter of `Karim Haddad`).
 *     `Abd al-X` (`Abdul Karim`, `عبد الكريم`) is one given name, "servant of X": a name that is only
 *     that is not a shorter name found in `Basil bin Abdul Karim` (0.89 before, 0.78 now).
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
 *     look; so is `Gazprom` / `Gazprom Bank` written apart. name-index.ts bounds scores with this rule.
 *  6. Kind and country weigh in when both sides have them: a person never matches a vessel (score 0);
 *     shared countries add 0.03, disjoint ones multiply by 0.9.
 * 6b. Names of one-syllable words only (persons or unknown kinds: Korean, Chinese, Vietnamese names,
 *     `Choe Sok Min`, `Kim Yong Chol`; each word a syllable read from Hangul or Han, or a Latin word of
 *     one vowel run and six letters at most) come from a small set: a quarter of Koreans are Kims, and
 *     a given name is two syllables out of a few hundred. Two such names that are not spelled alike
 *     (a syllable one letter apart, `Yong` / `Song`, or read another way, `seog` / `sok`) are scored
 *     at most `SYLLABIC_NAME_ONLY_CAP` (0.75, below the default threshold) unless both sides name a
 *     country in common: a name-only match of `민석 최` and `Choe Sok Min` is as likely two people as
 *     one, and an analyst cannot tell them apart without a country, a birth date or an identifier;
 *     with the country it is a hit (0.98). Names spelled alike keep their score: the same name is the
 *     strongest a name can say, and screening reports it.
 *     A name read from a syllabic script (every word a syllable of Han, Hangul or kana: `方明`, `fang
 *     ming`) is held to the same rule against any name, syllabic or not: `Ming` is a whole syllable,
 *     not an abbreviation of `Mingshan`, and `fang` one letter from `wang` is another surname.
 *     More: a syllable read from Han characters is exact pinyin, so against a Latin syllable it
 *     matches the same, or its Wade-Giles spelling (`张` / `Chang`), never at a letter's distance or
 *     as an abbreviation, with or without a country (similarity.ts): `赵阳` is not `Zhao Gang`.
 * 6c. A name matched across scripts (abjad words against Latin ones) with no distinctive word (4+
 *     letters, not a common word) matched within one script, on fewer than
 *     `CROSS_SCRIPT_MIN_CONSONANTS` (6) consonants in all, scores at most `CROSS_SCRIPT_NAME_ONLY_CAP`
 *     (0.75) without a country in common: two short skeletons (`ashwr` ~ `Shri`, `aymn` ~ `Amin`) are
 *     shared by hundreds of unrelated names. Matches made on few consonants (similarity.ts: an edit on
 *     a skeleton of 3 consonants, `hamwn` ~ `Hassan`; abjad words joined into one Latin word on fewer
 *     than 5, `wly jan` ~ `Walijan`) count for nothing here, so alone they need the country too; runs
 *     of words against runs on so few are never matches (`arwy nwn` ~ `Ri Won Ho`).
 *     A country in common lifts the cap, except where the name rests on matches on few consonants
 *     with fewer than `CROSS_SCRIPT_FEW_LIFT` (4) other consonants beside them (`پیمان گنجی`, Peyman
 *     Ganji, ~ `Bahman Ghandi`, both Iranian): a whole country shares such names; a birth date or an
 *     identifier that agrees (match/secondary.ts) is what lifts it then.
 *     A name read letter for letter (every cross-script word of it `read as written`, similarity.ts),
 *     on 2 consonants or more, is held to none of this: a transliteration of that very name is what a
 *     register's romanization is, and a chance skeleton match is rarely one (`طارق عزيز` / `TARIQ
 *     AZIZ` 0.85 without a country; `سعيد رفيع` / `SAID ARIF`, same consonants, stays 0.75; `علي` /
 *     `Ali`, one consonant, too). The same name read in both scripts is a hit, as it is in one.
 *     Measured by bench/screening-eval.ts: Arabic- and Persian-script customers' false alarms against
 *     the UN, SDN and CSL by name alone fell from about 3,000 to about 100 per 10,000; the price is the
 *     short names of listed persons written in Arabic script without a country (`طارق عزيز` /
 *     `TARIQ AZIZ`): with the nationality given, they are hits.
 * 6d. A pair with no word matched the same or one typo apart (sounds-alike words, abbreviations and
 *     two-edit words only: `Reese Mertz` ~ `Morteza Rezaie`) scores at most `WEAK_WORDS_NAME_ONLY_CAP`
 *     (0.75) without a country in common.
 * 6e. Organizations without a country in common: when a single letter stood for a word (`Group A` /
 *     `Adams Group`: in a company name a letter is a letter), or the only word matched is short (under
 *     7 letters) and not the same (`Aras Inc` / `CRAS`, `Dare Inc` / `Dart LLC`), at most 0.75.
 * Corpus IDF weights were left out on purpose: the score of a pair must not depend on what else is
 * in the list, so the CLI, the index and the brute force agree on every pair.
 *
 * Over 500 lines because this header documents the whole algorithm (a third of the file); the code
 * itself is the weighing of aligned pairs and its rules, one function each.
 */
import type { RecordKind } from '../core/records.ts';
import { alignmentCandidates } from './alignment.ts';
import { prepareName, type PreparedName, type PreparedToken } from './prepare.ts';
import { GIVEN_NAME_FORM_HOW } from './similarity.ts';

/** Score at or above which two names are reported as a match (tuned on bench/match.ts). */
export const DEFAULT_THRESHOLD = 0.8;

/**
 * Factor for a surname with initials matched to given names by its initials (header, 4b): the
 * share of a surname-and-given-name match that a surname and half a given name are worth, (2 + 0.9)
 * / (2 + 0.9 · 1.5) ≈ 0.87 for one initial (each initial covers half of the given name it stands for).
 */
export const WEAK_NAME_FACTOR = 0.87;

/**
 * The most a pair of names made of one-syllable words only (Korean, Chinese, Vietnamese names) scores
 * when they are not spelled alike and no country is shared (header, 6b): below the default threshold.
 */
export const SYLLABIC_NAME_ONLY_CAP = 0.75;

/**
 * A name matched across scripts (an abjad against Latin) on fewer consonants than this, with no word
 * matched within one script and no country in common, scores at most `CROSS_SCRIPT_NAME_ONLY_CAP`
 * (header, 6c).
 */
export const CROSS_SCRIPT_MIN_CONSONANTS = 6;
export const CROSS_SCRIPT_NAME_ONLY_CAP = 0.75;
/**
 * Consonants matched across scripts, besides matches on few consonants, from which a country in
 * common lifts the 6c cap when such matches are part of the name.
 */
const CROSS_SCRIPT_FEW_LIFT = 4;
/** Consonants from which a name read letter for letter across scripts needs no country (6c). */
const READING_MIN_CONSONANTS = 2;

/**
 * The most a pair scores when no word matched the same or one typo apart (only sounds-alike words,
 * abbreviations, two edits) and no country is shared (header, 6d): below the default threshold.
 */
export const WEAK_WORDS_NAME_ONLY_CAP = 0.75;

/** Letters from which a one-typo match of an organization's only matched word is evidence (6e). */
const LONG_WORD = 7;

/** The length of the shortest name word on either side of a match. */
function shortestWord(
  tokensA: readonly PreparedToken[],
  positionsA: readonly number[],
  tokensB: readonly PreparedToken[],
  positionsB: readonly number[],
): number {
  let shortest = Infinity;
  for (const i of positionsA) if (isWord(tokensA[i]!)) shortest = Math.min(shortest, tokensA[i]!.text.length);
  for (const j of positionsB) if (isWord(tokensB[j]!)) shortest = Math.min(shortest, tokensB[j]!.text.length);
  return shortest;
}

/** Whether a match holds a name word of 4+ letters that is not a common word (`group`, `bank`, a country). */
function distinctiveMatch(tokens: readonly PreparedToken[], positions: readonly number[]): boolean {
  return positions.some((i) => {
    const token = tokens[i]!;
    return isWord(token) && !token.common && token.text.length >= 4;
  });
}

/** The consonants of a match's abjad words (their skeletons), particles left out. */
function abjadConsonants(tokens: readonly PreparedToken[], positions: readonly number[]): number {
  let count = 0;
  for (const i of positions) if (tokens[i]!.kind === 'name') count += tokens[i]!.skeleton.length;
  return count;
}

/**
 * The most a pair scores when a given name is matched by another form of it (`Dick` / `Richard`)
 * and another word is not the same either (`Buss` / `Boss`, or a second short form): two doubts,
 * below the default threshold (header, 2b).
 */
export const GIVEN_NAME_FORM_DOUBT_CAP = 0.75;

/** Factor per word (up to two) found in one organization's, vessel's or aircraft's name only. */
export const EXTRA_WORD_FACTOR = 0.85;

/**
 * What a common word (common-words.ts: a country, a demonym, `oil`, `bank`, ...) found in the longer
 * organization name only weighs, when the shorter name is wholly found in it (see the header, 5b):
 * as much as a legal form.
 */
export const COMMON_EXTRA_WEIGHT = 0.15;
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

const isWord = (t: PreparedToken): boolean => t.kind === 'name' || t.kind === 'number';
/** A person never matches a vessel: two kinds known and other than `other` must agree. */
export function kindsConflict(a: RecordKind | undefined, b: RecordKind | undefined): boolean {
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

/** A name of one whole word and initials (`Ahmed, A`, `T. Wielgorski`): a surname with initials. */
function surnameWithInitials(name: PreparedName): boolean {
  let words = 0;
  let initials = 0;
  for (const token of name.tokens) {
    if (isWord(token)) words += 1;
    else if (token.kind === 'initial') initials += 1;
  }
  return words === 1 && initials > 0;
}

/**
 * Matched words that are the `Abd` of an `Abd al-` name (`Abd al-Karim`, `عبد الكريم`): with the word
 * after the article they are one given name, "servant of the Generous", not two words. A name that is
 * only `Abdul Karim` is one given name, which the containment rule (5) does not take for a name found
 * inside a longer one (`Basil bin Abdul Karim`).
 */
function abdCompounds(tokens: readonly PreparedToken[], used: Uint8Array): number {
  let count = 0;
  for (let i = 0; i + 2 < tokens.length; i++)
    if (tokens[i]!.text === 'abd' && tokens[i + 1]!.kind === 'particle' && used[i] && used[i + 2]) count += 1;
  return count;
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
  let initialForWord = false;
  // A word matched the same or at one typo's grade (`STRONG_MATCH`), not by initial or abbreviation (6d).
  let strongWord = false;
  // A word matched the same, or fuzzily when the words are long (`LONG_WORD`): organizations (6e).
  let longWordMatch = false;
  // Whole words matched within one script, and the consonants of the abjad words matched to Latin ones (6c).
  let sameScriptWords = 0;
  let crossScriptConsonants = 0;
  let crossScriptFew = false;
  // A cross-script match that is not a reading of the abjad word letter for letter (similarity.ts's `read`).
  let crossScriptUnread = false;
  let givenNameForms = 0;
  let inexactWords = 0;
  for (const candidate of alignmentCandidates(a, b)) {
    if (anyUsed(candidate.a, usedA) || anyUsed(candidate.b, usedB)) continue;
    const sideA = take(candidate.a, a.tokens, usedA);
    const sideB = take(candidate.b, b.tokens, usedB);
    if (candidate.sim >= STRONG_MATCH && candidate.how !== 'initial' && candidate.how !== 'abbreviation') {
      if (candidate.a.some((i) => isWord(a.tokens[i]!))) strongWord = true;
      for (const i of candidate.a) strongA[i] = 1;
      for (const j of candidate.b) strongB[j] = 1;
    }
    coveredA += candidate.sim * sideA.weight;
    coveredB += candidate.sim * sideB.weight;
    if (candidate.how === 'initial') initialForWord = true;
    // Words matched by an initial or an abbreviation do not count as found (`John Doe` is not found
    // in `J. D. Smithers`).
    if (candidate.how === GIVEN_NAME_FORM_HOW) givenNameForms += 1;
    if (candidate.how !== 'initial' && candidate.how !== 'abbreviation' && sideA.words + sideB.words > 0) {
      if (candidate.sim < 1) inexactWords += 1;
      fullWordMatches += 1;
      if (candidate.sim === 1 || shortestWord(a.tokens, candidate.a, b.tokens, candidate.b) >= LONG_WORD)
        longWordMatch = true;
      matchedNameWordsA += sideA.words;
      matchedNameWordsB += sideB.words;
      const abjadA = candidate.a.some((i) => a.tokens[i]!.abjad);
      // An abjad word read letter for letter as the Latin one is written (`آغا`, `agha`) is as good as one
      // script; a common word (`group`) or a short one (`and`) says nothing of who the party is.
      if (candidate.sim === 1 || abjadA === candidate.b.some((j) => b.tokens[j]!.abjad)) {
        if (distinctiveMatch(a.tokens, candidate.a)) sameScriptWords += 1;
      } else {
        if (!candidate.read) crossScriptUnread = true;
        if (candidate.few) crossScriptFew = true;
        else crossScriptConsonants += abjadConsonants(abjadA ? a.tokens : b.tokens, abjadA ? candidate.a : candidate.b);
      }
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
  // Every token of both names matched at grade 1.
  const exact = coveredA === a.totalWeight && coveredB === b.totalWeight;
  explanation?.push(`weighted token overlap ${round(score)}`);
  if (fullWordMatches === 0) {
    score *= 0.5;
    explanation?.push(`no whole word in common (initials, abbreviations, particles, legal forms only): ×0.5`);
  }

  if (initialForWord && (surnameWithInitials(a) || surnameWithInitials(b))) {
    score *= WEAK_NAME_FACTOR;
    explanation?.push(`a surname with initials, matched to given names by its initials: ×${WEAK_NAME_FACTOR}`);
  }

  const person = a.kind === 'person' || b.kind === 'person';
  const unknownNoLegal = !a.kind && !b.kind && !a.normalized.hasLegalForm && !b.normalized.hasLegalForm;
  const blend = person ? 0.5 : unknownNoLegal ? 0.3 : 0;
  if (blend > 0) {
    const coverA = coveredA / a.totalWeight;
    const coverB = coveredB / b.totalWeight;
    const [cover, words, container, used] =
      coverA >= coverB
        ? [coverA, matchedNameWordsA - abdCompounds(a.tokens, usedA), b, usedB]
        : [coverB, matchedNameWordsB - abdCompounds(b.tokens, usedB), a, usedA];
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

  // Caps for evidence too thin for a hit on the names alone (header, 2b and 6b-6e): each lowers a
  // higher score to its limit and says why.
  const cap = (limit: number, why: string): void => {
    if (score <= limit) return;
    score = limit;
    explanation?.push(why);
  };
  if (givenNameForms > 0 && inexactWords > 1)
    cap(
      GIVEN_NAME_FORM_DOUBT_CAP,
      `a given name matched by another form of it, and another word not the same: at most ${GIVEN_NAME_FORM_DOUBT_CAP}`,
    );

  const countriesAgree = a.countries.some((c) => b.countries.includes(c));
  if (organizationLike && !countriesAgree) {
    const reason = initialForWord
      ? 'a letter of an organization name matched to a word'
      : fullWordMatches === 1 && !longWordMatch
        ? `one word matched, short and not the same`
        : '';
    if (reason)
      cap(WEAK_WORDS_NAME_ONLY_CAP, `${reason}, without a country in common: at most ${WEAK_WORDS_NAME_ONLY_CAP}`);
  }
  const syllabicPair = (a.syllabic && b.syllabic) || a.syllabicScript || b.syllabicScript;
  if (syllabicPair && !organizationLike && !exact && !countriesAgree)
    cap(
      SYLLABIC_NAME_ONLY_CAP,
      `names of one-syllable words only, not spelled alike, without a country in common: at most ${SYLLABIC_NAME_ONLY_CAP}`,
    );

  if (!strongWord && !countriesAgree)
    cap(
      WEAK_WORDS_NAME_ONLY_CAP,
      `no word the same or one typo apart (sounds alike, abbreviations, two edits only), without a country in common: at most ${WEAK_WORDS_NAME_ONLY_CAP}`,
    );

  // A name read letter for letter, every cross-script word of it, vouches for itself like a name
  // written in one script, from two consonants (`علي`, `Ali`, is one: a name millions share).
  const wholeReading = !crossScriptUnread && crossScriptConsonants >= READING_MIN_CONSONANTS;
  if (
    sameScriptWords === 0 &&
    !wholeReading &&
    (crossScriptConsonants > 0 || crossScriptFew) &&
    crossScriptConsonants < CROSS_SCRIPT_MIN_CONSONANTS
  ) {
    // A country in common vouches for a short name matched across scripts, not for one that rests on
    // matches made on few consonants: those need a birth date or an identifier (match/secondary.ts).
    if (crossScriptFew && crossScriptConsonants < CROSS_SCRIPT_FEW_LIFT)
      cap(
        CROSS_SCRIPT_NAME_ONLY_CAP,
        `matched across scripts on few consonants: at most ${CROSS_SCRIPT_NAME_ONLY_CAP}, a country in common or not`,
      );
    else if (!countriesAgree)
      cap(
        CROSS_SCRIPT_NAME_ONLY_CAP,
        `matched across scripts on ${crossScriptConsonants} consonant(s) only, without a country in common: at most ${CROSS_SCRIPT_NAME_ONLY_CAP}`,
      );
  }

  if (a.countries.length && b.countries.length) {
    if (countriesAgree) {
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
