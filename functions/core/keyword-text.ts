/**
 * The text side of keyword and topic matching, apart from events so that topics (which events use)
 * and keyword subscriptions (which read events) can both use it: case, diacritics and punctuation
 * ignored; a keyword starts a word, except in scripts written without spaces.
 */
/** Letters that do not decompose under NFKD but have a plain Latin spelling. */
const FOLDS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  ħ: 'h',
};
const FOLDABLE = new RegExp(`[${Object.keys(FOLDS).join('')}]`, 'g');
const UNSPACED_SCRIPT =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

/** Lower case, no diacritics, every run of non-letters and non-digits one space, trimmed. */
export function normalizeKeywordText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(FOLDABLE, (letter) => FOLDS[letter] ?? letter)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** True when the normalized keyword starts a word of the normalized text (anywhere, for unspaced scripts). */
export function startsWordIn(text: string, keyword: string): boolean {
  const anywhere = UNSPACED_SCRIPT.test(keyword[0]!);
  for (let at = text.indexOf(keyword); at !== -1; at = text.indexOf(keyword, at + 1)) {
    if (anywhere || at === 0 || text[at - 1] === ' ') return true;
  }
  return false;
}
