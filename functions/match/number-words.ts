/**
 * Numbers written as words (`Forty-Four`, `Third`, `First`) read as the digits a register or a
 * customer file writes as often (`44`, `3rd`, `1st`), so that both compare as the same number token.
 * Numbers still match only exactly: `Star One` is `Star 1`, never `Star 2`.
 *
 * The words come from number-to-words (English cardinals and ordinals, 0..999), read backwards
 * rather than typed here; other languages' number words are left out on purpose: `dos`, `elf`,
 * `once` and `sept` are name words or particles more often than numbers in the names screened.
 */
import numberToWords from 'number-to-words';

/** Folded phrase (`forty four`, `twenty first`) → the number token it reads as (`44`, `21st`). */
const NUMBER_PHRASES = new Map<string, string>();
for (let n = 0; n < 1000; n++) {
  const fold = (words: string): string => words.replace(/[^a-z]+/g, ' ').trim();
  NUMBER_PHRASES.set(fold(numberToWords.toWords(n)), String(n));
  NUMBER_PHRASES.set(fold(numberToWords.toWordsOrdinal(n)), numberToWords.toOrdinal(n));
}
/** The longest phrase, in words (`nine hundred ninety ninth`). */
const LONGEST = Math.max(...[...NUMBER_PHRASES.keys()].map((phrase) => phrase.split(' ').length));
const FIRST_WORDS = new Set([...NUMBER_PHRASES.keys()].map((phrase) => phrase.split(' ')[0]!));

/** An ordinal written with digits, in any suffix case or spelling (`1st`, `44TH` folded): the canonical suffix. */
const DIGIT_ORDINAL = /^(\d+)(?:st|nd|rd|th)$/;

/**
 * The number words starting at `words[start]`: the number token they read as and how many words
 * they take (the longest reading), or undefined when none starts there.
 */
export function numberWordsAt(words: readonly string[], start: number): { text: string; length: number } | undefined {
  const first = words[start]!;
  const ordinal = DIGIT_ORDINAL.exec(first);
  if (ordinal) return { text: numberToWords.toOrdinal(Number(ordinal[1])), length: 1 };
  if (!FIRST_WORDS.has(first)) return undefined;
  for (let length = Math.min(LONGEST, words.length - start); length >= 1; length--) {
    const text = NUMBER_PHRASES.get(words.slice(start, start + length).join(' '));
    if (text !== undefined) return { text, length };
  }
  return undefined;
}
