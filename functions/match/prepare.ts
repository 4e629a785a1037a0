/**
 * Analysis: a name normalized once (normalize.ts) and, per token, what comparing it needs (weight,
 * phonetic codes, consonant skeletons, stem, letters), and its runs of adjacent words joined.
 */
import { doubleMetaphone } from 'double-metaphone';
import type { RecordKind } from '../core/records.ts';
import { chineseReadings } from './chinese-romanization.ts';
import { commonWordMarks } from './common-words.ts';
import { normalizeName, type NormalizedName, type TokenKind } from './normalize.ts';

/** What each kind of token weighs in the score. */
export const TOKEN_WEIGHTS: Readonly<Record<TokenKind, number>> = {
  name: 1,
  number: 1,
  initial: 0.5,
  particle: 0.25,
  legal: 0.15,
};

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
  /**
   * A Latin name word without its Baltic or Slavic ending (`slavicBase`: `lavrovas`, `lavrovs` →
   * `lavrov`; `sergejs`, `sergey` → `sergei`); the word itself when it has none, '' for other tokens.
   */
  base: string;
  /** Its readings as a Chinese name in pinyin and Wade-Giles (chinese-romanization.ts); empty when it is none. */
  chinese: string[];
  /**
   * A word of two or three consonants in a person's (or unknown, without a legal form) name: initials
   * written as one (`JC`), compared with the initials of adjacent words (similarity.ts). In an
   * organization's name such a word is an acronym (`KB-Lutch`), not a person's initials.
   */
  initialsOfWords: boolean;
  /** Written in an abjad: its letters less those a spelling writes or not (`abjadLetters`); else ''. */
  abjadLetters: string;
  /** Which letters a-z (and digits, as one) the word holds, as bits: a quick bound on edit distances. */
  letters: number;
  /** A name word that is a country, a demonym or a generic word (common-words.ts). */
  common: boolean;
  /** The written word of a syllabic script it is a syllable of (normalize.ts's `syllableOf`), or -1. */
  syllableOf: number;
  /** Read from Han characters (normalize.ts's `han`): an exact pinyin syllable. */
  han: boolean;
}

/** Two or three adjacent joinable tokens of a name, joined: `hua wei` → `huawei`. */
export interface PreparedSpan {
  start: number;
  end: number;
  /** A word of it read from Han characters: joined, it must be spelled exactly. */
  han: boolean;
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
  /**
   * A particle between its first and last word (`bd al rhmn`, `nwr al dyn`): the compound a Latin
   * romanization writes as one word (`Abdulrahman`, `Nuruddin`), whatever its length.
   */
  particleInside: boolean;
  /** Every token in an abjad: the joined letters less those a spelling writes or not (`abjadLetters`); else ''. */
  abjadLetters: string;
  /** Latin: the joined words' readings as a Chinese name (`tse tung` as `tsetung`); else empty. */
  chinese: string[];
  /** The words' initials (`jean claude` → `jc`), in a person's name and when a word of initials can spell them (`WORD_OF_INITIALS`); else ''. */
  initials: string;
}

/** Two or three consonants: no name word is, so such a word is initials written as one (`JC`). */
export const WORD_OF_INITIALS = /^[b-df-hj-np-tv-xz]{2,3}$/;

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
  /**
   * Every name word is one syllable (`isSyllable`), as in Korean, Chinese and Vietnamese names: a
   * name from a small set, which a name-only match tells little about (score.ts's header, 6b).
   */
  syllabic: boolean;
  /**
   * Every name word is a syllable read from a syllabic script (Han, Hangul, kana): `方明` is `fang
   * ming`, two whole syllables, never an abbreviation of `Mingshan` (score.ts's header, 6b).
   */
  syllabicScript: boolean;
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
  return scanSkeleton(word, digraphs, undefined);
}

/**
 * The letters a word's skeleton leaves out, around its consonants: `gaps[k]` is what stands before
 * consonant k (`gaps[0]` before the first), the last entry what follows the last. `myra` → skeleton
 * `mr`, gaps `''`, `y`, `a`; `omar` → `o`, `a`, `''`. The long vowels an abjad writes between two
 * consonants (`y`, `w`, alif) tell `ميرا` (Mira) from `Omar` where the consonants cannot. `word`
 * may be a run of words with spaces (`myra al ly`): the gaps between two words hold the space.
 */
export interface SkeletonGaps {
  skeleton: string;
  gaps: string[];
}

export function skeletonGaps(word: string): SkeletonGaps {
  const gaps: string[] = [''];
  return { skeleton: scanSkeleton(word, true, gaps), gaps };
}

function scanSkeleton(word: string, digraphs: boolean, gaps: string[] | undefined): string {
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
      // A space (between the words of a run, `skeletonGaps`) is kept in the gap it falls in.
      symbol = char === ' ' ? '' : (LETTERS[char] ?? char);
      if (gaps && !symbol) gaps[gaps.length - 1] += char;
    }
    if (symbol && symbol !== last) {
      out += symbol;
      last = symbol;
      gaps?.push('');
    }
  }
  return out;
}

/**
 * An abjad word's letters without those a spelling may write or leave out: alif and the vowels
 * (a long `a`, a hamza seat: `ابراهيم` / `إبراهيم`; `ئ` is a `ي` with a hamza: `عائشة` / `عايشه`), a ta marbuta written as `ه` (`حمزة` / `حمزه`),
 * a letter doubled (shadda is not written: `داود` / `داوود`). `w` and `y` stay: they are long vowels
 * or consonants a name has or has not (`محمدی` Mohammadi, `محمودی` Mahmoudi, `محمد` Mohammad).
 */
export function abjadLetters(text: string): string {
  return text
    .replace(/([^sztdkgc])h$/, '$1')
    .replace(/([sztdkgc])eh/g, '$1h')
    .replace(/(?<=.)i/g, 'y')
    .replace(/[aeiu]/g, '')
    .replace(/(.)\1+/g, '$1');
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

/**
 * A name word without the endings that Baltic and Slavic spellings of one name differ by: the
 * Latvian and Lithuanian nominative (`Lavrovs`, `Lavrovas`, `Sergejus`, `Aleksandrs`: `-s`, `-as`,
 * `-is`, `-ys`, `-us`, `-jus`), then the romanizations of `-ий` / `-ей` (`-ij`, `-iy`, `-ii`, `-y`;
 * `-ej`, `-ey`), and, for a person's (or unknown) name, the female surname ending (`Ivanova` /
 * `Ivanov`, `Dostoevskaya` / `Dostoevsky`): a woman's surname is her family's, and registers and
 * customer files write either. A Baltic or female ending leaves 5 letters at least, so that
 * `Thomas`, `Boris` or `Nova` keep theirs.
 */
export function slavicBase(word: string, person: boolean): string {
  let base = word;
  const cut = (ending: RegExp, keep: number, least: number): boolean => {
    const match = ending.exec(base);
    if (!match || base.length - match[0].length + keep < least) return false;
    base = base.slice(0, base.length - match[0].length + keep);
    return true;
  };
  // `-jus` keeps its `j` (`sergejus` → `sergej`), a consonant before `-s` stays (`lavrovs`).
  if (!cut(/jus$/, 1, 5) && !cut(/(?:as|is|ys|us)$/, 0, 5)) cut(/[^aeiouys]s$/, 1, 5);
  if (person && /[szc]kaya$/.test(base) && base.length >= 8) base = `${base.slice(0, -3)}i`;
  else if (person) cut(/(?:ov|ev)a$/, 2, 5);
  // `Sergey`, `Sergej`, `Sergei` and `Dmitry`, `Dmitrij`, `Dmitrii` differ only there.
  if (cut(/(?:ij|iy|yi|ii|yj|y)$/, 0, 3)) base += 'i';
  else if (cut(/(?:ej|ey)$/, 0, 3)) base += 'ei';
  return base;
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

const JOINABLE = new Set<TokenKind>(['name', 'particle', 'initial']);

/**
 * Whether adjacent tokens may be joined as far as scripts go: syllables of a syllabic script only
 * with syllables of the same written word. `军 翟` (Jun Zhai, written given name first) is two words:
 * read `jun` `di` and joined, it would be the one-word name `JUNDI`; `华为` joined is `Huawei`.
 */
function oneWrittenWord(part: readonly PreparedToken[]): boolean {
  for (let k = 1; k < part.length; k++) {
    const [before, after] = [part[k - 1]!.syllableOf, part[k]!.syllableOf];
    if ((before >= 0 || after >= 0) && before !== after) return false;
  }
  return true;
}

function prepareSpans(tokens: readonly PreparedToken[], person: boolean): PreparedSpan[] {
  const spans: PreparedSpan[] = [];
  for (let start = 0; start < tokens.length; start++) {
    for (let end = start + 2; end <= Math.min(tokens.length, start + 3); end++) {
      const part = tokens.slice(start, end);
      if (!part.every((t) => JOINABLE.has(t.kind)) || !oneWrittenWord(part)) continue;
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
      const particleInside = part.some((t, k) => k > 0 && k < part.length - 1 && t.kind === 'particle');
      const initials = part.map((t) => t.text[0]).join('');
      spans.push({
        start,
        end,
        han: part.some((t) => t.han),
        text,
        words: part.map((t) => t.text).join(' '),
        weight: part.reduce((sum, t) => sum + t.weight, 0),
        abjad,
        skeleton,
        skeletonAlt: skeletonAlt === skeleton ? '' : skeletonAlt,
        particleEnd,
        particleInside,
        abjadLetters: abjad ? abjadLetters(text) : '',
        chinese:
          abjad === false && part.every((t) => t.chinese.length)
            ? chineseReadings(
                text,
                part.some((t) => t.syllableOf >= 0),
              )
            : [],
        initials: person && abjad === false && !particleEnd && WORD_OF_INITIALS.test(initials) ? initials : '',
      });
    }
  }
  return spans;
}

/** Latin letters of one syllable: one run of vowels (`y` one of them), six letters at most (`choe`, `zhuang`, `kyong`). */
const ONE_SYLLABLE = /^[^aeiouy]*[aeiouy]+[^aeiouy]*$/;

/** A name word of one syllable: read from a syllabic script (`syllableOf`), or a short Latin word of one vowel run. */
export function isSyllable(token: Pick<PreparedToken, 'text' | 'abjad' | 'syllableOf'>): boolean {
  return token.syllableOf >= 0 || (!token.abjad && token.text.length <= 6 && ONE_SYLLABLE.test(token.text));
}

export function prepareName(name: string, kind?: RecordKind, countries: readonly string[] = []): PreparedName {
  const normalized = normalizeName(name, kind);
  const person = (kind === undefined || kind === 'person') && !normalized.hasLegalForm;
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
      base: word && !abjad ? slavicBase(t.text, person) : '',
      chinese: word && !abjad ? chineseReadings(t.text, t.syllableOf !== undefined) : [],
      initialsOfWords: person && word && !abjad && WORD_OF_INITIALS.test(t.text),
      abjadLetters: abjad ? abjadLetters(t.text) : '',
      letters: letterMask(t.text),
      common: word && common[i]!,
      syllableOf: t.syllableOf ?? -1,
      han: t.han === true,
    };
  });
  const distinctive = tokens.some((t) => t.kind === 'name' && !t.common && t.text.length >= 4);
  const words = tokens.filter((t) => t.kind === 'name');
  const syllabic = words.length > 0 && words.every(isSyllable);
  const syllabicScript = words.length > 0 && words.every((t) => t.syllableOf >= 0);
  return {
    normalized,
    tokens,
    totalWeight: tokens.reduce((sum, t) => sum + t.weight, 0),
    kind,
    countries: countries.map((c) => c.toUpperCase()),
    spans: prepareSpans(tokens, person),
    distinctive,
    syllabic,
    syllabicScript,
  };
}
