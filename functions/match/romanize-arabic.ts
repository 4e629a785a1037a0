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
 * of names drop them, but for an ayn starting a word, read as the vowel it carries (`علي` → `aly`). Vowel marks, rare in names, become the vowel they write.
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
    // Ayn starting a word is read as the vowel it carries (`عمر` Omar, `علي` Ali, `عبد` Abd): a Latin
    // name starting with a vowel reads an Arabic one starting with alif, a hamza seat or ayn (`readsAs`).
    if (char === '\u0639' && (out === '' || out.endsWith(' '))) letter = 'a';
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

/**
 * The Latin spellings of each letter `romanizeArabic` writes, as romanizations of names write the
 * Arabic-script letter it stands for: `q` (ق) is `q`, `k`, `g`, `c`; `d` (د, ض) is `d`, `dh`, `z` (ض
 * in Persian and Urdu); `w` and `y` are consonants or long vowels (`u`, `o`, `ou`; `i`, `e`, `ee`).
 * Short vowels, which the abjad does not write, are read between letters (`readsAs`).
 */
const SPELLINGS: Readonly<Record<string, readonly string[]>> = {
  b: ['b'],
  p: ['p', 'b'],
  t: ['t', 'th'],
  th: ['th', 's', 't'],
  j: ['j', 'dj', 'g', 'dz', 'zh'],
  h: ['h', ''],
  kh: ['kh', 'h', 'k', 'x', 'ch'],
  d: ['d', 'dh', 'z'],
  dh: ['dh', 'z', 'd', 'th', 'dz'],
  r: ['r'],
  z: ['z', 's', 'dh', 'th'],
  s: ['s', 'c', 'ss', 'th'],
  sh: ['sh', 'ch', 'sch', 's', 'x'],
  gh: ['gh', 'g', 'q', 'r'],
  f: ['f', 'ph', 'v'],
  q: ['q', 'k', 'g', 'c', 'ck', 'qu', 'gh', 'kh'],
  k: ['k', 'c', 'ck', 'ch', 'q', 'kh'],
  g: ['g', 'gu', 'gh', 'k'],
  l: ['l'],
  m: ['m'],
  n: ['n'],
  ch: ['ch', 'tch', 'tsh', 'c', 'sh'],
  zh: ['zh', 'j', 'z'],
  dz: ['dz', 'z', 'j'],
  ts: ['ts', 's', 'tz'],
  w: ['w', 'v', 'u', 'o', 'ou', 'oo', 'uu', 'ow', 'aw', 'au', 'ao', 'ew'],
  y: ['y', 'i', 'e', 'ee', 'ie', 'ei', 'ai', 'ay', 'ey', 'iy', 'ii', 'j'],
};
/**
 * The Latin spellings of the vowel letters `romanizeArabic` writes: alif (`a`; the article's, fused
 * into a name, any vowel: `عبدالله`, `Abdullah`, `Abdel`), a hamza seat (`i`, `u`), the `e` of `zeh`
 * (none or one vowel). At the start of a word (alif, a hamza seat, ayn) a vowel; at its end
 * (alif, ta marbuta, alif maqsura) a vowel, with ta marbuta's `-ah`, `-eh`, `-at`, and `i` for an
 * alif maqsura that Maghrebi, Egyptian and Persian spellings write for a closing yeh (`باهاجى`,
 * Bahaji): a long vowel the abjad writes is written (`ميرا`, Mira, is not `Samir`).
 */
const VOWEL_SPELLINGS: Readonly<Record<string, readonly string[]>> = {
  a: ['a', 'e', 'i', 'o', 'u', 'aa', 'ou', 'ae'],
  i: ['i', 'e', 'ee', 'ie', 'ei', 'y'],
  u: ['u', 'o', 'ou', 'oo'],
  e: ['', 'a', 'e', 'i', 'o', 'u'],
};
const INITIAL_VOWEL_SPELLINGS = ['a', 'e', 'i', 'o', 'u', 'aa', 'ou', 'ai', 'ei'];
const FINAL_VOWEL_SPELLINGS = ['a', 'e', 'aa', 'ae', 'ah', 'eh', 'at', 'et', 'i'];
/** Letters `romanizeArabic` writes for a vowel (alif, a hamza seat, ta marbuta, alif maqsura, the `e` of `zeh`). */
const VOWEL_UNIT = /^[aiue]$/;
const LATIN_VOWEL = /^[aeiou]$/;
/** The two-letter units `romanizeArabic` writes for one letter (`kh` is always خ: `ک` `ه` is `keh`). */
const DIGRAPH_UNITS = new Set(['th', 'kh', 'dh', 'sh', 'gh', 'ch', 'zh', 'dz', 'ts']);

/** The letter of the article `al` (`ARTICLE_L`), read as the sun letter after it or as `l`. */
const ARTICLE_L = 'L';
/** Sun letters, as `romanizeArabic` writes them: the article's `l` before them is read as them (`ad-Din`, `ud-Din`). */
const SUN_LETTERS = new Set(['t', 'th', 'd', 'dh', 'r', 'z', 's', 'sh', 'n', 'l']);

/** The letters of a romanized word or run of words; the article's `l` marked `ARTICLE_L`. */
function units(romanized: string): string[] {
  const out: string[] = [];
  for (const word of romanized.split(' ')) {
    const letters = word.replace(/[^a-z]/g, '');
    if (letters === 'al' && out.length) {
      out.push('a', ARTICLE_L);
      continue;
    }
    for (let i = 0; i < letters.length; i++) {
      const pair = letters.slice(i, i + 2);
      if (DIGRAPH_UNITS.has(pair)) {
        out.push(pair);
        i += 1;
      } else out.push(letters[i]!);
    }
  }
  return out;
}

/**
 * Whether a Latin word is a reading of an Arabic-script word (as `romanizeArabic` wrote it): every
 * letter read by one of its spellings (`SPELLINGS`, a consonant written double or not), every long
 * vowel the abjad writes (alif inside a word, `w`, `y`) written as a vowel, short vowels read between
 * letters only. A Latin word starting with a vowel reads a word starting with alif, a hamza seat or
 * ayn (`عمر`, `Omar`), never one starting with a consonant: `Arif` is not `رفيع` (Rafi'), whose
 * consonants it shares. A consonant skeleton in common is chance for short names (hundreds of names
 * share `r f`); a reading is what a transliteration of that very word writes.
 */
export function readsAs(romanized: string, latin: string): boolean {
  // Screening compares the same words with many names: each pair is read once.
  const key = `${romanized}|${latin}`;
  let known = readings.get(key);
  if (known === undefined) {
    if (readings.size >= MAX_READINGS) readings.clear();
    readings.set(key, (known = read(romanized, latin)));
  }
  return known;
}
const readings = new Map<string, boolean>();
const MAX_READINGS = 200_000;
let buffer = new Uint8Array(0);

function read(romanized: string, latin: string): boolean {
  // A Latin word starting with a vowel reads an abjad one starting with one (below), never another.
  if (LATIN_VOWEL.test(latin[0] ?? '') && !VOWEL_UNIT.test(romanized[0] ?? '') && !/^[wy]/.test(romanized))
    return false;
  const abjad = units(romanized);
  const word = latin;
  if (!abjad.length || !word.length || !/^[a-z]+$/.test(word)) return false;
  // State (i, j, v): the first i letters of the abjad read as the first j Latin letters, v short
  // vowels read since the last letter (one, or `aa`, `ae`, `ai` where an ayn is unwritten, `Saad`;
  // `oo`, `ee`, `ou` write long vowels, which the abjad would write: `Mahmood` is not `محمد`), or
  // v = 3 after a letter read as a vowel (`ي` as `i`), which takes no short vowel after it.
  const width = word.length + 1;
  const size = (abjad.length + 1) * width * 4;
  if (buffer.length < size) buffer = new Uint8Array(size * 2);
  const reachable = buffer.subarray(0, size);
  reachable.fill(0);
  const at = (i: number, j: number, v: number) => (i * width + j) * 4 + v;
  reachable[at(0, 0, 0)] = 1;
  for (let i = 0; i <= abjad.length; i++) {
    for (let j = 0; j <= word.length; j++) {
      for (let v = 0; v < 4; v++) {
        if (!reachable[at(i, j, v)]) continue;
        // A short vowel the abjad does not write: between letters, not before the first.
        // After the last letter, `a` or `e` only: a closing `i`, `o` or `u` is a long vowel the abjad
        // would write (`Amiri` is not `عمر`, `Karimi` not `كريم`).
        if (i > 0 && j < word.length && LATIN_VOWEL.test(word[j]!) && (i < abjad.length || /[ae]/.test(word[j]!))) {
          if (v === 0) reachable[at(i, j + 1, 1)] = 1;
          else if (v === 1 && word[j - 1] === 'a' && /[aei]/.test(word[j]!)) reachable[at(i, j + 1, 2)] = 1;
        }
        if (i === abjad.length) continue;
        const unit = abjad[i]!;
        // A long vowel is written where the abjad writes it, not after a short one (`teoboon` is not `تابان`).
        if ((v === 1 || v === 2) && VOWEL_UNIT.test(unit)) continue;
        const spellings = VOWEL_UNIT.test(unit)
          ? i === 0
            ? // Before a long vowel, the letter that carries it may go unwritten (`عيسى`, `Isa`).
              /^[wy]$/.test(abjad[1] ?? '')
              ? ['', ...INITIAL_VOWEL_SPELLINGS]
              : INITIAL_VOWEL_SPELLINGS
            : i === abjad.length - 1
              ? FINAL_VOWEL_SPELLINGS
              : (VOWEL_SPELLINGS[unit] ?? [])
          : unit === ARTICLE_L
            ? SUN_LETTERS.has(abjad[i + 1] ?? '')
              ? ['l', '']
              : ['l']
            : (SPELLINGS[unit] ?? [unit]);
        for (const spelling of spellings) {
          if (!word.startsWith(spelling, j)) continue;
          const end = j + spelling.length;
          // A letter read as a vowel (`ي` as `ee`) takes no short vowel after it (`Mahmood` is not `محمد` by `oo`).
          reachable[at(i + 1, end, /[aeiou]$/.test(spelling) ? 3 : 0)] = 1;
          // Doubled (shadda is not written): `mm`, `dd`, `ss`.
          if (spelling.length === 1 && !VOWEL_UNIT.test(unit) && word[end] === spelling)
            reachable[at(i + 1, end + 1, 0)] = 1;
        }
      }
    }
  }
  return reachable.subarray(at(abjad.length, word.length, 0), at(abjad.length, word.length, 0) + 4).some(Boolean);
}
