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
 * the only hint in the name that a party is an organization.
 */
import anyAscii from 'any-ascii';
import type { RecordKind } from '../records.ts';

/** What a token contributes to a match; see `TOKEN_WEIGHTS` in score.ts. */
export type TokenKind = 'name' | 'legal' | 'particle' | 'initial' | 'number';

export interface NameToken {
  text: string;
  kind: TokenKind;
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
}

/**
 * Legal forms, canonical spelling → the spellings recognised (folded, each a word or a phrase of
 * words). Equivalent forms across languages share one canonical spelling (OOO, TOV and TOO are
 * limited liability companies: `llc`), so they compare equal. Longer phrases are matched first.
 */
export const LEGAL_FORMS: Readonly<Record<string, readonly string[]>> = {
  llc: ['llc', 'l l c', 'ooo', 'tov', 'too', 'limited liability company', 'limited liability co', 'obshchestvo s ogranichennoy otvetstvennostyu', 'obshchestvo s ogranichennoi otvetstvennostiu', 'obshchestvo s ogranichennoi otvetstvennostyu', 'fzllc', 'fz llc'],
  llp: ['llp', 'limited liability partnership'],
  ltd: ['ltd', 'limited', 'you xian gong si', 'youxiangongsi'],
  jsc: ['jsc', 'ao', 'joint stock company', 'joint stock co', 'aktsionernoe obshchestvo', 'aktsionernoye obshchestvo'],
  ojsc: ['ojsc', 'oao', 'open joint stock company', 'otkrytoe aktsionernoe obshchestvo'],
  cjsc: ['cjsc', 'zao', 'closed joint stock company', 'zakrytoe aktsionernoe obshchestvo'],
  pjsc: ['pjsc', 'pao', 'public joint stock company', 'publichnoe aktsionernoe obshchestvo'],
  plc: ['plc', 'public limited company'],
  co: ['co', 'company', 'gong si', 'gongsi'],
  corp: ['corp', 'corporation'],
  inc: ['inc', 'incorporated'],
  gmbh: ['gmbh', 'gesellschaft mit beschrankter haftung'],
  ag: ['ag', 'aktiengesellschaft'],
  kg: ['kg', 'kommanditgesellschaft'],
  sa: ['sa', 'societe anonyme', 'sociedad anonima', 'sociedade anonima', 'sa de cv'],
  sarl: ['sarl', 'societe a responsabilite limitee'],
  sas: ['sas'],
  srl: ['srl', 'sociedad de responsabilidad limitada'],
  spa: ['spa', 'societa per azioni'],
  sl: ['sl', 'sociedad limitada'],
  bv: ['bv', 'besloten vennootschap'],
  nv: ['nv', 'naamloze vennootschap'],
  lp: ['lp', 'limited partnership'],
  pte: ['pte'],
  pty: ['pty', 'proprietary'],
  pvt: ['pvt', 'private limited'],
  sdnbhd: ['sdn bhd', 'sdnbhd', 'sendirian berhad'],
  bhd: ['bhd', 'berhad'],
  fze: ['fze', 'free zone establishment'],
  fzco: ['fzco', 'fzc', 'free zone company'],
  est: ['est', 'establishment'],
  sro: ['sro'],
  kft: ['kft'],
  doo: ['doo'],
  ab: ['ab', 'aktiebolag'],
  oy: ['oy', 'oyj'],
  sti: ['sti', 'ltd sti', 'sirketi'],
};

/**
 * Titles and honorifics removed from the front of a person's name or of a comma-separated part
 * of it (`SHALEESH, Dr. Assef`; folded, without dots). Only leading ones are removed, and never from a name with a legal form, so `General Dynamics Corp`
 * keeps its first word.
 */
export const TITLES: readonly string[] = [
  'mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'professor', 'sir', 'dame', 'lord', 'lady', 'hon', 'honorable', 'rev', 'reverend',
  'sheikh', 'sheik', 'shaikh', 'shaykh', 'cheikh', 'haji', 'hajji', 'hadji', 'hajj', 'alhaj', 'alhajji',
  'mullah', 'mulla', 'maulana', 'mawlana', 'mawlawi', 'maulvi', 'moulavi', 'qari', 'imam', 'ayatollah', 'hojatoleslam', 'eng', 'engineer',
  'general', 'gen', 'lieutenant', 'lt', 'colonel', 'col', 'major', 'maj', 'captain', 'capt', 'commander', 'cmdr', 'admiral', 'adm', 'brigadier', 'brig', 'sergeant', 'sgt',
];

/**
 * Connecting words and name particles: kept (they tell `Bin Laden` from `Laden`), but weighed
 * low because they are frequent and often dropped or fused (`Abd al-Rahman` / `Abdulrahman`).
 */
export const PARTICLES: readonly string[] = [
  'the', 'of', 'and', 'for', 'de', 'del', 'della', 'der', 'den', 'van', 'von', 'la', 'le', 'les', 'el', 'al', 'da', 'di', 'du', 'dos', 'das', 'bin', 'ibn', 'bint', 'ben', 'y', 'e', 'et', 'und',
];

const TITLE_SET = new Set(TITLES);
const PARTICLE_SET = new Set(PARTICLES);

/** Legal-form phrases as word lists, longest first, each with its canonical spelling. */
const LEGAL_PHRASES: { words: string[]; canonical: string }[] = Object.entries(LEGAL_FORMS)
  .flatMap(([canonical, spellings]) => spellings.map((spelling) => ({ words: spelling.split(' '), canonical })))
  .sort((a, b) => b.words.length - a.words.length);
const LEGAL_FIRST_WORDS = new Set(LEGAL_PHRASES.map((p) => p.words[0]!));

/** Scripts written without spaces between words: transliterated syllable by syllable. */
const SYLLABIC = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/;

/**
 * Folds any script to lower-case ASCII words separated by single spaces: transliteration
 * (any-ascii), diacritics and case folded, apostrophes dropped inside words (`O'Brien` → `obrien`,
 * `neft'` → `neft`), dotted abbreviations closed up (`S.A.` → `sa`), other punctuation a space.
 */
export function foldText(value: string): string {
  let latin = '';
  for (const char of value.normalize('NFC')) {
    latin += SYLLABIC.test(char) ? ` ${anyAscii(char)} ` : char;
  }
  latin = anyAscii(latin).toLowerCase();
  return latin
    .replace(/['`\u2018\u2019\u02bc\u02b9]/g, '')
    .replace(/\b(?:[a-z]\.){2,}/g, (dotted) => dotted.replace(/\./g, ''))
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Roman numerals of two letters or more count as numbers (vessel `Star II`); `v`, `x` stay initials. */
const ROMAN_NUMERALS = new Set(['ii', 'iii', 'iv', 'vi', 'vii', 'viii', 'ix', 'xi', 'xii', 'xiii', 'xiv', 'xv']);

function tokenKind(word: string): TokenKind {
  if (/\d/.test(word) || ROMAN_NUMERALS.has(word)) return 'number';
  if (word.length === 1) return 'initial';
  if (PARTICLE_SET.has(word)) return 'particle';
  return 'name';
}

/**
 * A name's tokens. `kind`, when known, decides whether leading titles are removed (persons and
 * unknown kinds only).
 */
export function normalizeName(name: string, kind?: RecordKind): NormalizedName {
  // Registers write persons `SURNAME, Title Given`: a title may open any comma-separated part.
  const segments = name.split(',').map((part) => foldText(part).split(' ').filter(Boolean));
  const words = segments.flat();
  const segmentStarts = new Set<number>();
  segments.reduce((start, segment) => (segmentStarts.add(start), start + segment.length), 0);
  const tokens: NameToken[] = [];
  const tokenStarts = new Set<number>();
  let hasLegalForm = false;
  for (let i = 0; i < words.length; ) {
    const word = words[i]!;
    let phrase: { words: string[]; canonical: string } | undefined;
    if (LEGAL_FIRST_WORDS.has(word)) {
      phrase = LEGAL_PHRASES.find((p) => p.words.every((w, k) => words[i + k] === w));
    }
    // A name made only of a legal-form word (`Limited`, `Company`) is still a name.
    if (segmentStarts.has(i)) tokenStarts.add(tokens.length);
    if (phrase && !(words.length === phrase.words.length)) {
      tokens.push({ text: phrase.canonical, kind: 'legal' });
      hasLegalForm = true;
      i += phrase.words.length;
      continue;
    }
    tokens.push({ text: word, kind: tokenKind(word) });
    i += 1;
  }
  const removedTitles: string[] = [];
  let kept = tokens;
  if (!hasLegalForm && (kind === undefined || kind === 'person' || kind === 'other')) {
    kept = [];
    let leading = false;
    tokens.forEach((token, i) => {
      if (tokenStarts.has(i)) leading = true;
      if (leading && TITLE_SET.has(token.text) && tokens.length - removedTitles.length > 1) removedTitles.push(token.text);
      else {
        leading = false;
        kept.push(token);
      }
    });
  }
  return { original: name, text: kept.map((t) => t.text).join(' '), tokens: kept, removedTitles, hasLegalForm };
}
