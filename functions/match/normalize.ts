/**
 * Name normalization for watchlist screening: any script to Latin, case and diacritics folded,
 * punctuation removed, legal forms recognised, titles dropped, the rest split into tokens.
 *
 * What is odd about the names we see: registers publish the same party in several scripts and
 * transliteration schemes (Cyrillic and Arabic names arrive romanized three ways), legal forms are
 * written in full, abbreviated, dotted or in the local language (`OOO` is a Russian LLC, `ZAO` a
 * closed joint-stock company), and persons carry honorifics (`Sheikh`, `Haji`, `General`) that are
 * not part of the name. Every step is a table below, so an analyst can read what the matcher
 * considers equal.
 *
 * Legal forms are kept (as low-weight tokens, in a canonical spelling) rather than dropped: `Acme
 * LLC` and `Acme OOO` are the same party, while `Acme` and `Acme Trading` are not, and a legal form is
 * the only hint in the name that a party is an organization. A person's name has none (`Ag` in a
 * Tuareg name is "son of", not an Aktiengesellschaft).
 *
 * Arabic script (Arabic, Persian, Urdu, Pashto) is romanized letter by letter the way romanizations
 * of names write it (romanize-arabic.ts: alif kept, ayn dropped, the article written apart), and its
 * words, like Hebrew ones, are marked `abjad`: short vowels are not written, so score.ts compares them
 * with Latin words by their consonants. `Abdul`, `Abdel` are written apart as `abd al`, like the
 * Arabic. An acronym in parentheses that only spells the name's initials (`VARNHOLT LOGISTICS BUREAU (VLB)`) is left
 * out: registers add it to some names and not to others.
 */
import anyAscii from 'any-ascii';
import type { RecordKind } from '../core/records.ts';

export { LEGAL_FORMS } from './legal-forms.ts';
import { GLUED_LEGAL_FORM, legalPhraseAt } from './legal-forms.ts';
import { numberWordsAt } from './number-words.ts';
import { ARABIC, romanizeArabic } from './romanize-arabic.ts';

/** What a token contributes to a match; see `TOKEN_WEIGHTS` in prepare.ts. */
export type TokenKind = 'name' | 'legal' | 'particle' | 'initial' | 'number';

export interface NameToken {
  text: string;
  kind: TokenKind;
  /**
   * Written in an abjad (Arabic, Persian, Urdu, Pashto or Hebrew script), where short vowels are not
   * written: `محمد` folds to `mhmd`. Such a word is compared with a Latin one by its consonants
   * (score.ts), never letter by letter.
   */
  abjad?: true;
  /**
   * A syllable of a script written without spaces between syllables (Han, Hangul, Kana), read alone
   * by the transliteration: the index of the written word it belongs to (a run of such characters
   * with no space or mark between them). A space or a mark written between them (`军 翟`, `阿不都·哈克`)
   * parts a given name from a family name, which no romanization writes as one word: prepare.ts joins
   * the syllables of one written word only.
   */
  syllableOf?: number;
  /** A syllable read from Han characters: its reading is exact pinyin (similarity.ts grades it so). */
  han?: true;
}

export interface NormalizedName {
  /** The input as given. */
  original: string;
  /** Tokens joined by single spaces: the folded form, for display and exact comparison. */
  text: string;
  tokens: NameToken[];
  /** Titles and honorifics removed from the front of the name, folded. */
  removedTitles: string[];
  /** True when a legal form was recognised: the name is an organization's. */
  hasLegalForm: boolean;
  /**
   * When the name is written `SURNAME, Given Names` (two comma-separated parts), the number of tokens
   * of the surname part, which opens `tokens`; 0 otherwise. The tokens in the order the name is said
   * are then `tokens.slice(surnameTokens)` followed by `tokens.slice(0, surnameTokens)`.
   */
  surnameTokens: number;
  /** An acronym in parentheses closing the name and spelling its initials (`... BUREAU (VLB)`), as written; left out of the tokens. */
  acronym?: string;
}

/**
 * Titles and honorifics removed from the front of a person's name or of a comma-separated part
 * of it (`SHALEESH, Dr. Assef`, `President Erdoğan`; folded, without dots), each a word or a phrase
 * of words (`prime minister`: `prime`, `vice` or `his` alone are not titles). Only leading ones are
 * removed, and never from a name with a legal form, so `General Dynamics Corp` keeps its first
 * word. Offices are titles as ranks are: a customer file or a news item writes `Minister Lavrov`,
 * registers `LAVROV, Sergey`. Words that are as often surnames (`King`, `Prince`, `Judge`,
 * `Mayor`) or given names (`Emir`, `Sultan`, `Sayyid`) are not in the list: a title opens the
 * surname part of `SURNAME, Given` too.
 */
export const TITLES: readonly string[] = [
  'mr',
  'mrs',
  'ms',
  'miss',
  'mx',
  'dr',
  'prof',
  'professor',
  'sir',
  'dame',
  'lord',
  'lady',
  'hon',
  'honorable',
  'rev',
  'reverend',
  'sheikh',
  'sheik',
  'shaikh',
  'shaykh',
  'cheikh',
  'haji',
  'hajji',
  'hadji',
  'hajj',
  'alhaj',
  'alhajji',
  'mullah',
  'mulla',
  'maulana',
  'mawlana',
  'mawlawi',
  'maulawi',
  'maulavi',
  'mawlavi',
  'maulvi',
  'moulvi',
  'moulavi',
  'qari',
  'imam',
  'ayatollah',
  'hojatoleslam',
  'eng',
  'engineer',
  'general',
  'gen',
  'lieutenant',
  'lt',
  'colonel',
  'col',
  'major',
  'maj',
  'captain',
  'capt',
  'commander',
  'cmdr',
  'admiral',
  'adm',
  'brigadier',
  'brig',
  'sergeant',
  'sgt',
  'president',
  'minister',
  'chairman',
  'senator',
  'governor',
  'ambassador',
  'excellency',
  'sheikha',
  'shaykha',
  'vice president',
  'prime minister',
  'deputy prime minister',
  'first deputy prime minister',
  'deputy minister',
  'foreign minister',
  'defence minister',
  'defense minister',
  'his excellency',
  'her excellency',
  'his highness',
  'her highness',
  'his royal highness',
  'her royal highness',
  'crown prince',
  'field marshal',
  'air marshal',
  'vice admiral',
  'rear admiral',
];

/**
 * Connecting words and name particles: kept (they tell `Bin Laden` from `Laden`), but weighed
 * low because they are frequent and often dropped or fused (`Abd al-Rahman` / `Abdulrahman`).
 */
export const PARTICLES: readonly string[] = [
  'the',
  'of',
  'and',
  'for',
  'de',
  'del',
  'della',
  'der',
  'den',
  'van',
  'von',
  'la',
  'le',
  'les',
  'el',
  'al',
  'da',
  'di',
  'du',
  'dos',
  'das',
  'bin',
  'ibn',
  'bint',
  'ben',
  'y',
  'e',
  'et',
  'und',
];

/** Title phrases as word lists, longest first. */
const TITLE_PHRASES = TITLES.map((title) => title.split(' ')).sort((a, b) => b.length - a.length);
const TITLE_FIRST_WORDS = new Set(TITLE_PHRASES.map((words) => words[0]!));

/** How many tokens from `start` on are a title (0 when none): the longest title phrase there. */
function titleLength(tokens: readonly NameToken[], start: number, isAbjadTitle: (text: string) => boolean): number {
  const first = tokens[start]!;
  if (first.abjad) return isAbjadTitle(first.text) ? 1 : 0;
  if (!TITLE_FIRST_WORDS.has(first.text)) return 0;
  const phrase = TITLE_PHRASES.find((words) =>
    words.every((word, k) => tokens[start + k]?.text === word && !tokens[start + k]!.abjad),
  );
  return phrase?.length ?? 0;
}

/** Romanizations of `Abd al-` (servant of the ...) written as one word: split into `abd` `al`. */
export const FUSED_ARTICLE: ReadonlySet<string> = new Set(['abdul', 'abdel', 'abdal', 'abdol', 'abdoul', 'abdool']);
/**
 * `Abd al-` written with the article assimilated to the sun letter that follows (`Abdur Rahman`,
 * `Abdus Salam`, `Abdun Nasir`: `ar-Rahman`, `as-Salam`), split as `FUSED_ARTICLE` when the next word
 * starts with that letter.
 */
function assimilatedArticle(word: string, next: string | undefined): boolean {
  const letter = /^abdu(sh|th|dh|[rsnztd])$/.exec(word)?.[1];
  return letter !== undefined && next !== undefined && next.startsWith(letter);
}
const PARTICLE_SET = new Set(PARTICLES);

/** Scripts written without spaces between words: transliterated syllable by syllable. */
const SYLLABIC = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/;

/** Arabic-script and Hebrew letters (and Arabic presentation forms). */
const ABJAD = /[\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]/;

/**
 * Digits (and `@`) written for the letters they look like (`Ig0r Sech1n`), inside a word: a letter
 * on both sides, so a number (`A320`, `Star 1`, `T-72`) is never read as letters. `1` is `l` between
 * two vowels (`A1exander`, `E1ena`), else `i` (`Sech1n`, `Vladim1r`).
 */
const LETTER_DIGITS = /(?<=[a-z])[013457@](?=[a-z])/g;
const DIGIT_LETTERS: Readonly<Record<string, string>> = { '0': 'o', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a' };
function letterOfDigit(digit: string, at: number, text: string): string {
  if (digit !== '1') return DIGIT_LETTERS[digit]!;
  const vowel = /[aeiou]/;
  return vowel.test(text[at - 1]!) && vowel.test(text[at + 1]!) ? 'l' : 'i';
}

/**
 * Folds any script to lower-case ASCII words separated by single spaces: transliteration
 * (any-ascii; Arabic script by `ARABIC_LETTERS`), diacritics and case folded, digits written for
 * letters read as the letters (`LETTER_DIGITS`), apostrophes dropped
 * inside words (`O'Brien` → `obrien`, `neft'` → `neft`), dotted abbreviations closed up (`S.A.` →
 * `sa`), other punctuation a space.
 */
export function foldText(value: string): string {
  let latin = '';
  const text = ARABIC.test(value) ? romanizeArabic(value) : value.normalize('NFC');
  for (const char of text) {
    latin += SYLLABIC.test(char) ? ` ${anyAscii(char)} ` : char;
  }
  latin = anyAscii(latin).toLowerCase().replace(LETTER_DIGITS, letterOfDigit);
  return latin
    .replace(/['`\u2018\u2019\u02bc\u02b9]/g, '')
    .replace(/\b(?:[a-z]\.){2,}/g, (dotted) => dotted.replace(/\./g, ''))
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

const HAN = /\p{Script=Han}/u;

/** Runs of syllabic characters, and runs of anything else. */
const SYLLABIC_RUNS = new RegExp(`${SYLLABIC.source}+|(?:(?!${SYLLABIC.source})[\\s\\S])+`, 'gu');

interface FoldedWords {
  words: string[];
  abjad: boolean[];
  /** Per word, the written word of syllabic script it is a syllable of (see `NameToken.syllableOf`), or -1. */
  syllableOf: number[];
  /** Per word, read from Han characters. */
  han: boolean[];
}

/** Folded words of a part of a name, each marked when it was written in an abjad or is a syllable. */
function foldWords(part: string, syllableWords: { next: number }): FoldedWords {
  if (SYLLABIC.test(part)) {
    const out: FoldedWords = { words: [], abjad: [], syllableOf: [], han: [] };
    for (const run of part.match(SYLLABIC_RUNS) ?? []) {
      const syllabic = SYLLABIC.test(run);
      const word = syllabic ? syllableWords.next++ : -1;
      const han = syllabic && HAN.test(run);
      for (const folded of foldText(run).split(' ')) {
        if (!folded) continue;
        out.words.push(folded);
        out.abjad.push(false);
        out.syllableOf.push(word);
        out.han.push(han);
      }
    }
    return out;
  }
  if (!ABJAD.test(part)) {
    const words = foldText(part).split(' ').filter(Boolean);
    return { words, abjad: words.map(() => false), syllableOf: words.map(() => -1), han: words.map(() => false) };
  }
  const words: string[] = [];
  const abjad: boolean[] = [];
  for (const raw of part.split(/\s+/)) {
    const written = ABJAD.test(raw);
    for (const word of foldText(raw).split(' ')) {
      if (!word) continue;
      words.push(word);
      abjad.push(written);
    }
  }
  return { words, abjad, syllableOf: words.map(() => -1), han: words.map(() => false) };
}

/** Roman numerals of two letters or more count as numbers (vessel `Star II`); `v`, `x` stay initials. */
const ROMAN_NUMERALS = new Set(['ii', 'iii', 'iv', 'vi', 'vii', 'viii', 'ix', 'xi', 'xii', 'xiii', 'xiv', 'xv']);

/**
 * Roman numerals that are also syllables of Chinese and Vietnamese names (`Xi Jinping`, `Vi`): numbers
 * only in a name known to be no person's (vessel `Star XI`). Written alike on both sides, they are
 * equal whatever their kind.
 */
const SYLLABLE_NUMERALS = new Set(['xi', 'vi']);

function tokenKind(word: string, kind: RecordKind | undefined): TokenKind {
  const numeral =
    ROMAN_NUMERALS.has(word) && !(SYLLABLE_NUMERALS.has(word) && (kind === undefined || kind === 'person'));
  if (/\d/.test(word) || numeral) return 'number';
  if (word.length === 1) return 'initial';
  if (PARTICLE_SET.has(word)) return 'particle';
  return 'name';
}

/**
 * Titles written in Arabic script (Qari, Sheikh, Haji, Mullah, Mawlawi, Maulana, Doctor, Engineer), as
 * `foldText` romanizes them.
 */
export const ABJAD_TITLES: readonly string[] = [
  '\u0642\u0627\u0631\u064a',
  '\u0634\u064a\u062e',
  '\u062d\u0627\u062c\u064a',
  '\u062d\u0627\u062c\u06cc',
  '\u062d\u0627\u062c',
  '\u0645\u0644\u0627',
  '\u0645\u0648\u0644\u0648\u064a',
  '\u0645\u0648\u0644\u0648\u06cc',
  '\u0645\u0648\u0644\u0627\u0646\u0627',
  '\u062f\u0643\u062a\u0648\u0631',
  '\u0645\u0647\u0646\u062f\u0633',
].map(foldText);
const ABJAD_TITLE_SET = new Set(ABJAD_TITLES);

/**
 * An acronym in parentheses at the end of a name that spells the initials of the words before it
 * (all of them, or all but particles): `VARNHOLT LOGISTICS BUREAU (VLB)`, `BANK OF THE NORTHERN
 * SEAS (BNS)`. Registers add it to some names and not to others; it says nothing the words do not.
 * The name without it is `rest` (the name as given, and `acronym` '', when there is none).
 */
function trailingAcronym(name: string): { rest: string; acronym: string } {
  // Also without the parentheses (`daedong credit bank dcb`), when it spells three words or more.
  const match = /^(.*\S)\s*\(([^()]+)\)\s*$/s.exec(name) ?? /^(.*\S\s+\S+\s+\S+)\s+([A-Za-z]{3,})\s*$/s.exec(name);
  if (!match) return { rest: name, acronym: '' };
  const acronym = foldText(match[2]!).replace(/ /g, '');
  if (acronym.length < 2) return { rest: name, acronym: '' };
  const words = foldText(match[1]!).split(' ').filter(Boolean);
  const initials = (list: string[]): string => list.map((w) => w[0]).join('');
  if (acronym === initials(words) || acronym === initials(words.filter((w) => !PARTICLE_SET.has(w))))
    return { rest: match[1]!, acronym: match[2]!.trim() };
  return { rest: name, acronym: '' };
}

/**
 * A name's tokens. `kind`, when known, decides whether leading titles are removed (persons and
 * unknown kinds only) and whether legal forms are looked for (not in a person's name: `AG` in
 * `Iyad Ag Ghali` is a Tuareg "son of", not an Aktiengesellschaft).
 */
export function normalizeName(name: string, kind?: RecordKind): NormalizedName {
  const acronym = trailingAcronym(kind === 'person' ? name : name.replace(GLUED_LEGAL_FORM, ' $1'));
  // Registers write persons `SURNAME, Title Given`: a title may open any comma-separated part.
  const syllableWords = { next: 0 };
  const folded = acronym.rest.split(',').map((part) => foldWords(part, syllableWords));
  const segments = folded.map((part) => part.words);
  const words = segments.flat();
  const abjad = folded.flatMap((part) => part.abjad);
  const syllableOf = folded.flatMap((part) => part.syllableOf);
  const han = folded.flatMap((part) => part.han);
  const segmentStarts = new Set<number>();
  segments.reduce((start, segment) => (segmentStarts.add(start), start + segment.length), 0);
  const surnameWords = segments.length === 2 && segments[0]!.length && segments[1]!.length ? segments[0]!.length : 0;
  const tokens: NameToken[] = [];
  const inSurname: boolean[] = [];
  const tokenStarts = new Set<number>();
  let hasLegalForm = false;
  for (let i = 0; i < words.length;) {
    const word = words[i]!;
    const phrase = kind !== 'person' && !abjad[i] ? legalPhraseAt(words, i) : undefined;
    // A name made only of a legal-form word (`Limited`, `Company`) is still a name.
    if (segmentStarts.has(i)) tokenStarts.add(tokens.length);
    inSurname.push(i < surnameWords);
    if (phrase && !(words.length === phrase.words.length)) {
      tokens.push({ text: phrase.canonical, kind: 'legal' });
      hasLegalForm = true;
      i += phrase.words.length;
      continue;
    }
    if (!abjad[i] && (FUSED_ARTICLE.has(word) || assimilatedArticle(word, words[i + 1]))) {
      // `Abdul` is `Abd al-`: written apart, as `Abd al-Rahman` and `عبد الرحمن` are.
      tokens.push({ text: 'abd', kind: 'name' }, { text: 'al', kind: 'particle' });
      inSurname.push(i < surnameWords);
      i += 1;
      continue;
    }
    const number = !abjad[i] && syllableOf[i]! < 0 ? numberWordsAt(words, i) : undefined;
    if (number) {
      // `Forty-Four` is `44`, `First` and `1st` are `1st` (number-words.ts): one number token.
      tokens.push({ text: number.text, kind: 'number' });
      i += number.length;
      continue;
    }
    const token: NameToken = { text: word, kind: tokenKind(word, kind) };
    if (abjad[i]) token.abjad = true;
    if (syllableOf[i]! >= 0) token.syllableOf = syllableOf[i]!;
    if (han[i]) token.han = true;
    tokens.push(token);
    i += 1;
  }
  const removedTitles: string[] = [];
  let kept = tokens;
  let surnameTokens = inSurname.filter(Boolean).length;
  if (!hasLegalForm && (kind === undefined || kind === 'person' || kind === 'other')) {
    kept = [];
    surnameTokens = 0;
    let leading = false;
    let titleLeft = 0;
    const isAbjadTitle = (text: string): boolean => ABJAD_TITLE_SET.has(text);
    tokens.forEach((token, i) => {
      if (tokenStarts.has(i)) leading = true;
      // An abjad's titles are its own words: `adm` or `mr` from Arabic script is `Adam` or `Umar`.
      // Its article goes with a title that follows it (`الشيخ`, `al shykh`).
      if (leading && titleLeft === 0) {
        const article = token.abjad && token.text === 'al' && tokens[i + 1]?.abjad === true;
        titleLeft = article ? (titleLength(tokens, i + 1, isAbjadTitle) ? 1 : 0) : titleLength(tokens, i, isAbjadTitle);
        // A whole title phrase goes, or none of it: the name keeps a word at least.
        if (titleLeft && tokens.length - removedTitles.length - titleLeft < 1) titleLeft = 0;
      }
      if (leading && titleLeft > 0) {
        titleLeft -= 1;
        removedTitles.push(token.text);
      } else {
        leading = false;
        kept.push(token);
        if (inSurname[i]) surnameTokens += 1;
      }
    });
  }
  if (surnameTokens === kept.length) surnameTokens = 0;
  const normalized: NormalizedName = {
    original: name,
    text: kept.map((t) => t.text).join(' '),
    tokens: kept,
    removedTitles,
    hasLegalForm,
    surnameTokens,
  };
  if (acronym.acronym) normalized.acronym = acronym.acronym;
  return normalized;
}
