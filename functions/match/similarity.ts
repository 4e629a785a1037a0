/**
 * Distance and similarity: how alike two tokens, or a token and a run of joined words, are, as a
 * graded match (score.ts's header lists the grades).
 */
import { sameChineseName, wadeGilesKeys } from './chinese-romanization.ts';
import { sameGivenName } from './given-names.ts';
import { readsAs } from './romanize-arabic.ts';
import {
  isSyllable,
  skeletonGaps,
  withoutFinalH,
  type PreparedSpan,
  type PreparedToken,
  type SkeletonGaps,
} from './prepare.ts';

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

function bitCount(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** How alike two tokens (or joined tokens) are: 0 (no match) to 1, and the grade's name. */
export interface TokenMatch {
  sim: number;
  how: string;
  /**
   * Made across scripts on few consonants (an edit on a 3-consonant skeleton, a short join): evidence
   * score.ts (6c) does not count on its own.
   */
  few?: true;
  /**
   * Across scripts, the Latin word is a reading of the abjad one letter by letter, vowels and all
   * (romanize-arabic.ts's `readsAs`), not only the same consonants: score.ts (6c) takes it as a word
   * matched within one script.
   */
  read?: true;
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
const READ_AS_WRITTEN: TokenMatch = { sim: 0.9, how: 'read as written (abjad)', read: true };
const READ_ONE_CONSONANT: TokenMatch = { sim: 0.8, how: 'read as written, one consonant (abjad)', read: true };
const SAME_PARTICLE: TokenMatch = { sim: 1, how: 'same particle' };
/** The grade's name for two forms of one given name (`Bob` / `Robert`); score.ts weighs such a pair's other words. */
export const GIVEN_NAME_FORM_HOW = 'a form of the same given name';
const GIVEN_NAME_FORM: TokenMatch = { sim: 0.9, how: GIVEN_NAME_FORM_HOW };
const SLAVIC_ENDING: TokenMatch = { sim: 0.9, how: 'same but for a Baltic or Slavic ending' };
const INITIALS_OF_WORDS: TokenMatch = { sim: 0.9, how: 'initial' };
const CHINESE_ROMANIZATION: TokenMatch = { sim: 0.9, how: 'Wade-Giles / pinyin' };
const JOINED_CHINESE_ROMANIZATION: TokenMatch = { sim: 0.9, how: 'joined, Wade-Giles / pinyin' };

/** Spellings of one particle: `al`/`el`, `bin`/`ben`/`ibn`, `bint`/`bent`. */
const PARTICLE_CLASSES: ReadonlyMap<string, string> = new Map([
  ['el', 'al'],
  ['ben', 'bin'],
  ['ibn', 'bin'],
  ['bent', 'bint'],
]);
const particleClass = (text: string): string => PARTICLE_CLASSES.get(text) ?? text;
const CONSONANTS_ONE_EDIT: TokenMatch = { sim: 0.8, how: 'consonants, one edit (abjad)' };
const CONSONANTS_ONE_EDIT_FEW: TokenMatch = {
  sim: 0.8,
  how: 'consonants, one edit, on few consonants (abjad)',
  few: true,
};

function phoneticAlike(a: [string, string], b: [string, string]): boolean {
  if (a[0].length < 2 || b[0].length < 2) return false;
  return a[0] === b[0] || a[0] === b[1] || a[1] === b[0];
}

/**
 * The shortest skeletons a cross-script edit is allowed on (4), and a cross-script join builds (5,
 * unless the join is across a particle: `nwr al dyn` ~ `Nuruddin`). Short skeletons are shared by
 * hundreds of unrelated names (`hamwn`, Hamoun, is one edit from `Hassan`; `kafy zyz` joined is one
 * edit from `Gordo`): on 50,000 Arabic- and Persian-script names screened against the UN, SDN and CSL
 * lists (bench/screening-eval.ts), edits on three-consonant skeletons and joins without a particle
 * made most of their false alarms, while the UN's original-script names found their romanizations
 * by them in fewer than 1 case in 30.
 */
export const MIN_EDITED_SKELETON = 4;
const MIN_JOINED_SKELETON = 5;

/**
 * A word written in an abjad against a Latin one, by their consonants (`mhmd` ~ `Muhammad`): the
 * same skeleton 0.9 (0.8 for a skeleton of one letter: `ly` ~ `Ali`), one edit after the same first
 * consonant on skeletons of `MIN_EDITED_SKELETON`+ letters 0.8 (`bdlrhmn` ~ `Abderrahmane`).
 */
function skeletonSimilarity(a: string, b: string): TokenMatch {
  if (!a || !b) return NO_MATCH;
  if (a === b || ((a.endsWith('h') || b.endsWith('h')) && withoutFinalH(a) === withoutFinalH(b)))
    return Math.min(a.length, b.length) >= 2 ? SAME_CONSONANTS : SAME_CONSONANT;
  if (a.length >= 3 && b.length >= 3 && a.charCodeAt(0) === b.charCodeAt(0) && editDistance(a, b, 1) === 1)
    return Math.min(a.length, b.length) >= MIN_EDITED_SKELETON ? CONSONANTS_ONE_EDIT : CONSONANTS_ONE_EDIT_FEW;
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

type Readable = PreparedToken | PreparedSpan;
/** Each word's (or run's) skeleton gaps, computed once: a word is compared with many. */
const gapsCache = new WeakMap<Readable, SkeletonGaps>();
function gapsOf(item: Readable): SkeletonGaps {
  let gaps = gapsCache.get(item);
  if (!gaps) gapsCache.set(item, (gaps = skeletonGaps('words' in item ? item.words : item.text)));
  return gaps;
}

/** Latin letters that may write a long vowel an abjad writes between two consonants. */
const LONG_VOWEL_SPELLINGS: readonly [abjad: string, latin: RegExp][] = [
  ['y', /[iey]/],
  ['w', /[uowv]/],
];

/**
 * Whether the Latin word, where it writes a vowel between two consonants, writes one the abjad's
 * long vowel there may be (`ميرا`, `myra`, has `y` between `m` and `r`: `Mira`, `Meera`, not `Omar`;
 * a Latin without a vowel there is not contradicted: `الدبيسكي`, `Dabski`). Alif is not checked: the
 * article's, fused into a name (`عبدالله`, `Abdullah`), is read as the vowel before it. Checked when both have
 * the same consonants, read the usual way, and inside a word only: before a word's first consonant
 * and after its last, the abjad letter may be a hamza seat, a ta marbuta or the article's alif, read
 * in many ways (`عبد الله`, `Abdullah`), and nothing is required.
 */
function longVowelsAgree(abjadItem: Readable, latinItem: Readable): boolean {
  const abjad = gapsOf(abjadItem);
  const latin = gapsOf(latinItem);
  if (withoutFinalH(abjad.skeleton) !== withoutFinalH(latin.skeleton)) return true;
  const interior = Math.min(abjad.skeleton.length, latin.skeleton.length);
  for (let k = 1; k < interior; k++) {
    const [gap, written] = [abjad.gaps[k]!, latin.gaps[k]!];
    if (gap.includes(' ') || !written) continue;
    for (const [letter, spellings] of LONG_VOWEL_SPELLINGS)
      if (gap.includes(letter) && !spellings.test(written)) return false;
  }
  return true;
}

/**
 * A word (or joined words) written in an abjad against a Latin one, by their consonants, when the
 * Latin is not longer than the abjad can write (each abjad letter at most two Latin letters: a
 * consonant and the short vowel the abjad leaves out, or a digraph; plus a vowel before the first)
 * and writes a vowel where the abjad writes a long one (`longVowelsAgree`). A short skeleton says
 * little: `علي` is `ly`, as `Lavilla` is (its `v` read as the abjad's `w`); `ميرا آل علي` and
 * `Omar Lavilla` are both `mrl`.
 */
function crossScriptSimilarity(a: Readable, b: Readable): TokenMatch {
  const [abjad, latin] = a.abjad ? [a, b] : [b, a];
  if (latin.text.length > 2 * abjad.text.length + 1) return NO_MATCH;
  const match = readingsSimilarity(a, b);
  if (match.sim === 0 || !longVowelsAgree(abjad, latin)) return NO_MATCH;
  // A reading letter for letter is the grade of the same consonants, whatever the skeletons' folding
  // made of it (`fysl` ~ `Faycal`: `ç` written `c`, folded as `k`).
  if (readsAs('words' in abjad ? abjad.words : abjad.text, latin.text.replace(/ /g, '')))
    return match === SAME_CONSONANT ? READ_ONE_CONSONANT : READ_AS_WRITTEN;
  return match;
}

const SAME_LETTERS: TokenMatch = { sim: 0.9, how: 'same letters but alif, hamza or doubling (abjad)' };

/**
 * Two words both written in an abjad: the same letters 1, the same but for the letters a spelling
 * may write or not (`abjadLetters`) 0.9, else 0: never a letter edited. Where short vowels are not
 * written, every letter is a consonant or a long vowel, so one letter edited is another name
 * (`محمدی` Mohammadi, `احمدی` Ahmadi) more often than a typo.
 */
function abjadSimilarity(a: Readable, b: Readable): TokenMatch {
  if (a.text === b.text) return SAME;
  return a.abjadLetters.length >= 2 && a.abjadLetters === b.abjadLetters ? SAME_LETTERS : NO_MATCH;
}

/**
 * East Slavic women's patronymics (`Vladimirovna`, `Ivanivna`, `Ilinichna`): one edit from a woman's
 * surname (`Vladimirova`, `Petrova`), and another word, so such a patronymic only matches a word of
 * the same form. (Men's `-ovich` is left alone: `Milosevich` is also a surname's spelling.)
 */
const PATRONYMIC = /(?:ovna|evna|ivna|ichna)$/;
const isPatronymic = (text: string): boolean => text.length >= 7 && PATRONYMIC.test(text);

/** Graded similarity of two Latin name words (see the header for the grades). */
function wordSimilarity(a: PreparedToken, b: PreparedToken): TokenMatch {
  if (a.text === b.text) return SAME;
  if (isPatronymic(a.text) !== isPatronymic(b.text)) return NO_MATCH;
  if (a.base === b.base && a.base.length >= 4) return SLAVIC_ENDING;
  if (sameChineseName(a.chinese, b.chinese)) return CHINESE_ROMANIZATION;
  // A syllable read from Han characters is exact pinyin: one letter from another syllable (`pang` /
  // `gang`, `fang` / `wang`), it is another character, another name; nor is it an abbreviation.
  if ((a.han && isSyllable(b)) || (b.han && isSyllable(a))) {
    const [han, latin] = a.han ? [a, b] : [b, a];
    if (!latin.han && sameChineseName(han.chinese, wadeGilesKeys(latin.text))) return CHINESE_ROMANIZATION;
    return NO_MATCH;
  }
  const spelling = spellingSimilarity(a, b);
  // A short form only where no spelling grade holds: `Mohammed` / `Muhammad` sound alike, `Mohd` is a short form.
  return spelling.sim === 0 && sameGivenName(a.text, b.text) ? GIVEN_NAME_FORM : spelling;
}

/** Typos, abbreviations, plurals and spellings that sound alike (see the header for the grades). */
function spellingSimilarity(a: PreparedToken, b: PreparedToken): TokenMatch {
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
  // Across scripts, the same letters are a reading like any other (`abd`, `عبد`): the grade of the
  // same consonants, so that they do not take a word from a joined reading (`عبدالقدیر` ~ `Abdul Qadeer`).
  if (a.text === b.text && (a.abjad === b.abjad || a.kind !== 'name' || b.kind !== 'name')) return SAME;
  if (a.kind === 'legal' || b.kind === 'legal') return a.kind === b.kind ? OTHER_LEGAL_FORM : NO_MATCH;
  if (a.kind === 'number' || b.kind === 'number') return NO_MATCH;
  if (a.kind === 'initial' || b.kind === 'initial') {
    if (a.kind === b.kind) return NO_MATCH;
    const [initial, word] = a.kind === 'initial' ? [a, b] : [b, a];
    return word.kind === 'name' && word.text.startsWith(initial.text) ? INITIAL : NO_MATCH;
  }
  if (a.kind === 'particle' || b.kind === 'particle') {
    if (a.kind === b.kind) return particleClass(a.text) === particleClass(b.text) ? SAME_PARTICLE : NO_MATCH;
    // `Ben` is also Benjamin's short form.
    return !a.abjad && !b.abjad && sameGivenName(a.text, b.text) ? GIVEN_NAME_FORM : NO_MATCH;
  }
  if (a.abjad !== b.abjad) return crossScriptSimilarity(a, b);
  return a.abjad ? abjadSimilarity(a, b) : wordSimilarity(a, b);
}

/** One word against adjacent words of the other name, joined: the same, or one edit (6+ letters). */
export function joinedMatch(token: PreparedToken, span: PreparedSpan): TokenMatch {
  if (span.abjad === undefined) return NO_MATCH;
  // Initials written as one word (`JC`) against the adjacent words they spell (`Jean-Claude`).
  if (token.initialsOfWords && span.initials) return span.initials === token.text ? INITIALS_OF_WORDS : NO_MATCH;
  if (span.abjad !== token.abjad) {
    // A particle at either end belongs to the word beside it. Across a particle inside (`nwr al dyn`
    // ~ `Nuruddin`), any grade; otherwise the same consonants only, and on few of them, marked so.
    if (span.particleEnd || token.skeleton.length < 2) return NO_MATCH;
    const match = crossScriptSimilarity(token, span);
    if (span.particleInside) return match.sim > 0 ? { ...match, how: `joined, ${match.how}` } : NO_MATCH;
    if (match === READ_AS_WRITTEN) return { ...match, how: `joined, ${match.how}` };
    if (match !== SAME_CONSONANTS) return NO_MATCH;
    const few = Math.max(token.skeleton.length, span.skeleton.length) < MIN_JOINED_SKELETON;
    // On few consonants, only abjad words a romanization wrote as one (`ولی جان`, `Walijan`).
    if (few && token.abjad) return NO_MATCH;
    return few
      ? { sim: match.sim, how: `joined, ${match.how}, on few consonants`, few: true }
      : { sim: match.sim, how: `joined, ${match.how}` };
  }
  if (token.text === span.text) return { sim: 1, how: 'joined' };
  if (token.kind === 'name' && sameChineseName(token.chinese, span.chinese)) return JOINED_CHINESE_ROMANIZATION;
  if (token.abjad) {
    const match = abjadSimilarity(token, span);
    return match.sim > 0 ? { sim: match.sim, how: `joined, ${match.how}` } : NO_MATCH;
  }
  if (Math.abs(token.text.length - span.text.length) > 1 || token.han || span.han) return NO_MATCH;
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
  // Runs against runs on few consonants (`arwy nwn` ~ `Ri Won Ho`) are chance.
  if (!x.particleInside && !y.particleInside && Math.max(x.skeleton.length, y.skeleton.length) < MIN_JOINED_SKELETON)
    return NO_MATCH;
  const match = crossScriptSimilarity(x, y);
  return match === SAME_CONSONANTS || match === READ_AS_WRITTEN ? { ...match, how: `joined, ${match.how}` } : NO_MATCH;
}
