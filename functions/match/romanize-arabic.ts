/**
 * Arabic-script names (Arabic, Persian, Urdu, Pashto) romanized letter by letter, the way
 * romanizations of names write them (normalize.ts folds the result with the other scripts).
 */

/** Arabic-script letters (and Arabic presentation forms). */
export const ARABIC = /[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc]/;

/**
 * Arabic-script letters as romanizations write them (Arabic, Persian, Urdu and Pashto letters). Unlike
 * any-ascii, alif is kept as `a` (`امان` → `aman`, not `mn`), ta marbuta and alif maqsura end a word
 * in `a` (`حمزة` → `hmza`, `مصطفى` → `mstfa`), and ayn and hamza are dropped, as most romanizations
 * of names drop them. Vowel marks, rare in names, become the vowel they write.
 */
const ARABIC_LETTERS: Readonly<Record<string, string>> = {
  '\u0621': '',
  '\u0622': 'a',
  '\u0623': 'a',
  '\u0624': 'u',
  '\u0625': 'i',
  '\u0626': 'i',
  '\u0627': 'a',
  '\u0671': 'a',
  '\u0628': 'b',
  '\u0629': 'a',
  '\u062a': 't',
  '\u062b': 'th',
  '\u062c': 'j',
  '\u062d': 'h',
  '\u062e': 'kh',
  '\u062f': 'd',
  '\u0630': 'dh',
  '\u0631': 'r',
  '\u0632': 'z',
  '\u0633': 's',
  '\u0634': 'sh',
  '\u0635': 's',
  '\u0636': 'd',
  '\u0637': 't',
  '\u0638': 'z',
  '\u0639': '',
  '\u063a': 'gh',
  '\u0641': 'f',
  '\u0642': 'q',
  '\u0643': 'k',
  '\u0644': 'l',
  '\u0645': 'm',
  '\u0646': 'n',
  '\u0647': 'h',
  '\u0648': 'w',
  '\u0649': 'a',
  '\u064a': 'y',
  '\u067e': 'p',
  '\u0686': 'ch',
  '\u0698': 'zh',
  '\u06a9': 'k',
  '\u06af': 'g',
  '\u06cc': 'y',
  '\u06c0': 'a',
  '\u06c1': 'h',
  '\u06be': 'h',
  '\u06d2': 'y',
  '\u06ba': 'n',
  '\u0679': 't',
  '\u0688': 'd',
  '\u0691': 'r',
  '\u067c': 't',
  '\u0689': 'd',
  '\u0693': 'r',
  '\u0681': 'dz',
  '\u0685': 'ts',
  '\u069a': 'sh',
  '\u0696': 'zh',
  '\u06ab': 'g',
  '\u06bc': 'n',
  '\u06d0': 'y',
  '\u06cd': 'y',
  '\u06d5': 'a',
  '\u064e': 'a',
  '\u064f': 'u',
  '\u0650': 'i',
  '\u0640': '',
};

/** Whole Arabic words with a fixed romanization: the particles of names. */
const ARABIC_WORDS: Readonly<Record<string, string>> = {
  '\u0628\u0646': 'bin',
  '\u0627\u0628\u0646': 'ibn',
  '\u0628\u0646\u062a': 'bint',
  '\u0627\u0644': 'al',
};

function romanizeArabicWord(word: string): string {
  const fixed = ARABIC_WORDS[word];
  if (fixed !== undefined) return fixed;
  // The article written onto the word (`الحداد`), as romanizations write it apart (`al-Haddad`).
  const article = /^[\u0627\u0671]\u0644./u.test(word) && word.length >= 4;
  let out = article ? 'al ' : '';
  for (const char of article ? word.slice(2) : word) {
    let letter = ARABIC_LETTERS[char] ?? (/[\u064b-\u065f\u0670]/.test(char) ? '' : char);
    // `ز` `ه` is `zeh`, not the digraph `zh` (`الزهراني` → `al zehrany`, as `al-Zahrani`).
    if (letter.startsWith('h') && /[sztdkgc]$/.test(out)) letter = `e${letter}`;
    out += letter;
  }
  return out;
}

/** Arabic-script words romanized (see `ARABIC_LETTERS`); anything else left as it is. */
export function romanizeArabic(value: string): string {
  return value.normalize('NFKC').replace(/[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]+/g, romanizeArabicWord);
}
