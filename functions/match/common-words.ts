/**
 * Words that say little about which organization a name is: country names, demonyms and a few
 * generic words of the kind a listed name adds to a trading name (`BANK MELLI IRAN` for `Bank
 * Melli`, `ROSNEFT OIL COMPANY` for `Rosneft`, `SBERBANK OF RUSSIA` for `Sberbank`). score.ts lets
 * such a word, found in the longer name only, cost little (see its "common extra words" rule);
 * anywhere else it is an ordinary word.
 *
 * - Countries: every English name i18n-iso-countries knows (official and short: `Russian
 *   Federation`, `Russia`, `Iran`, `United Arab Emirates`, `UAE`), plus the spellings registers use
 *   that it lacks (`COUNTRY_SPELLINGS`, each checked against countries.ts by the unit tests), as
 *   whole runs of words. One- and two-letter codes (`US`, `UK` as written alone) are not taken: they
 *   are initials and words of too many names.
 * - Demonyms (`DEMONYMS`): the adjectives of the countries whose parties sanctions lists name most,
 *   and of the large economies (`Iranian`, `Russian`, `Chinese`, ...).
 * - Generic words (`GENERIC_WORDS`): a short list of industry and company words a full name adds to
 *   the short one (`oil`, `gas`, `bank`, `group`, ...). Words that usually name another party of a
 *   group are left out on purpose: `holding`, `trading`, `international`, `leasing`, `capital`,
 *   `shipping`, `neft` (`Gazprom Neft` is not `Gazprom`), `industries`.
 * Particles (`of`, `the`) and legal forms are low-weight tokens already (normalize.ts, score.ts).
 */
import countries from 'i18n-iso-countries/index.js';
import '../core/countries.ts';
import { foldText } from './normalize.ts';

/** Country spellings registers use that i18n-iso-countries lacks (as in countries.ts). */
export const COUNTRY_SPELLINGS: readonly string[] = [
  'syria',
  'burma',
  'north korea',
  'south korea',
  'laos',
  'vietnam',
  'viet nam',
  'ivory coast',
  'czech republic',
  'macedonia',
  'moldova',
  'tanzania',
  'bolivia',
  'venezuela',
  'kosovo',
  'crimea',
  'palestine',
  'taiwan',
  'macau',
  'turkiye',
  'brunei',
  'cape verde',
  'swaziland',
  'east timor',
];

/** Demonyms, folded. */
export const DEMONYMS: readonly string[] = [
  'afghan',
  'algerian',
  'american',
  'angolan',
  'argentine',
  'armenian',
  'australian',
  'austrian',
  'azerbaijani',
  'bahraini',
  'bangladeshi',
  'belarusian',
  'belarussian',
  'belgian',
  'bosnian',
  'brazilian',
  'british',
  'bulgarian',
  'burmese',
  'cambodian',
  'canadian',
  'chinese',
  'colombian',
  'congolese',
  'croatian',
  'cuban',
  'cypriot',
  'czech',
  'danish',
  'dutch',
  'egyptian',
  'emirati',
  'eritrean',
  'estonian',
  'ethiopian',
  'finnish',
  'french',
  'georgian',
  'german',
  'greek',
  'hungarian',
  'indian',
  'indonesian',
  'iranian',
  'iraqi',
  'irish',
  'israeli',
  'italian',
  'japanese',
  'jordanian',
  'kazakh',
  'kazakhstani',
  'kenyan',
  'korean',
  'kuwaiti',
  'kyrgyz',
  'latvian',
  'lebanese',
  'libyan',
  'lithuanian',
  'malaysian',
  'malian',
  'maltese',
  'mexican',
  'moldovan',
  'mongolian',
  'moroccan',
  'nicaraguan',
  'nigerian',
  'norwegian',
  'omani',
  'pakistani',
  'palestinian',
  'panamanian',
  'philippine',
  'polish',
  'portuguese',
  'qatari',
  'romanian',
  'russian',
  'saudi',
  'serbian',
  'singaporean',
  'slovak',
  'slovenian',
  'somali',
  'spanish',
  'sudanese',
  'swedish',
  'swiss',
  'syrian',
  'tajik',
  'thai',
  'tunisian',
  'turkish',
  'turkmen',
  'ugandan',
  'ukrainian',
  'uzbek',
  'venezuelan',
  'vietnamese',
  'yemeni',
  'zimbabwean',
];

/** Generic industry and company words (see the module comment for what is left out, and why). */
export const GENERIC_WORDS: readonly string[] = [
  'bank',
  'oil',
  'gas',
  'petroleum',
  'group',
  'company',
  'corporation',
  'branch',
];

const SINGLE_WORDS = new Set<string>([...DEMONYMS, ...GENERIC_WORDS]);
/** Country names of two words or more, as word lists, by first word. */
let phrases: Map<string, string[][]> | undefined;

function countryPhrases(): Map<string, string[][]> {
  if (phrases) return phrases;
  phrases = new Map();
  const names = Object.values(countries.getNames('en', { select: 'all' })).flat();
  for (const name of [...names, ...COUNTRY_SPELLINGS]) {
    const words = foldText(name).split(' ').filter(Boolean);
    if (!words.length) continue;
    if (words.length === 1) {
      if (words[0]!.length >= 3) SINGLE_WORDS.add(words[0]!);
      continue;
    }
    // `U.S.A.` folds to `usa`; `U.S.` to `us`: handled above. Other runs of initials are not countries here.
    if (words.every((w) => w.length === 1)) continue;
    const list = phrases.get(words[0]!);
    if (list) list.push(words);
    else phrases.set(words[0]!, [words]);
  }
  return phrases;
}

/**
 * Per word of a name (folded, as normalize.ts writes its tokens), whether it is a common word: a
 * country's name (or a word of a run that spells one), a demonym, or a generic word.
 */
export function commonWordMarks(words: readonly string[]): boolean[] {
  const byFirst = countryPhrases();
  const marks = words.map((w) => SINGLE_WORDS.has(w));
  for (let i = 0; i < words.length; i++) {
    for (const phrase of byFirst.get(words[i]!) ?? []) {
      if (phrase.every((w, k) => words[i + k] === w)) for (let k = 0; k < phrase.length; k++) marks[i + k] = true;
    }
  }
  return marks;
}

/** Whether one word alone is a common word (a one-word country name, a demonym, a generic word). */
export function isCommonWord(word: string): boolean {
  countryPhrases();
  return SINGLE_WORDS.has(word);
}
