/**
 * Legal forms: the spellings normalize.ts reads as one canonical legal form, and how it finds them in
 * a name's folded words, as written, with one typo in a long word (`JOYNT STOCK COMPANY`), or glued
 * to the name at a change of case (`SiemensAG`). Kept apart from normalize.ts for its length.
 */

/**
 * Legal forms, canonical spelling → the spellings recognised (folded, each a word or a phrase of
 * words). Equivalent forms across languages share one canonical spelling (OOO, TOV and TOO are
 * limited liability companies: `llc`), so they compare equal. Longer phrases are matched first.
 */
export const LEGAL_FORMS: Readonly<Record<string, readonly string[]>> = {
  llc: [
    'llc',
    'l l c',
    'ooo',
    'tov',
    'too',
    'limited liability company',
    'limited liability co',
    'ltd liability company',
    'obshchestvo s ogranichennoy otvetstvennostyu',
    'obshchestvo s ogranichennoi otvetstvennostiu',
    'obshchestvo s ogranichennoi otvetstvennostyu',
    'fzllc',
    'fz llc',
  ],
  llp: ['llp', 'limited liability partnership', 'ltd liability partnership'],
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
  sa: [
    'sa',
    's a',
    'societe anonyme',
    'sociedad anonima',
    'sociedade anonima',
    'sa de cv',
    's a de c v',
    'sociedad anonima de capital variable',
  ],
  sarl: ['sarl', 'societe a responsabilite limitee'],
  sas: ['sas'],
  srl: [
    'srl',
    'sociedad de responsabilidad limitada',
    's de rl de cv',
    'sociedad de responsabilidad limitada de capital variable',
  ],
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

/** Legal-form phrases as word lists, longest first, each with its canonical spelling. */
const LEGAL_PHRASES: { words: string[]; canonical: string }[] = Object.entries(LEGAL_FORMS)
  .flatMap(([canonical, spellings]) => spellings.map((spelling) => ({ words: spelling.split(' '), canonical })))
  .sort((a, b) => b.words.length - a.words.length);
const LEGAL_FIRST_WORDS = new Set(LEGAL_PHRASES.map((p) => p.words[0]!));

/** Whether two words are at most one edit apart (a letter added, dropped, changed, or two swapped). */
function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/**
 * Legal-form words long enough that one typo in them is still read as the word (`compajy`,
 * `aktiengeselschaft`, `joynt`): 5+ letters inside a phrase, 7+ letters alone (`company`,
 * `limited`). Shorter ones (`ltd`, `gmbh`, `ooo`) are abbreviations, and one letter changed in
 * them is another word. Keyed by the word and its one-deletions, so a typo is found without
 * comparing every legal-form word.
 */
const LEGAL_TYPO_KEYS = new Map<string, Set<string>>();
for (const phrase of LEGAL_PHRASES) {
  for (const word of phrase.words) {
    if (word.length < (phrase.words.length > 1 ? 5 : 7)) continue;
    for (let k = -1; k < word.length; k++) {
      const key = k < 0 ? word : word.slice(0, k) + word.slice(k + 1);
      const words = LEGAL_TYPO_KEYS.get(key) ?? new Set<string>();
      LEGAL_TYPO_KEYS.set(key, words.add(word));
    }
  }
}

/** The legal-form words one typo away from `word` (see `LEGAL_TYPO_KEYS`). */
function legalWordsNear(word: string): Set<string> {
  const near = new Set<string>();
  if (word.length < 4) return near;
  for (let k = -1; k < word.length; k++) {
    const key = k < 0 ? word : word.slice(0, k) + word.slice(k + 1);
    for (const legal of LEGAL_TYPO_KEYS.get(key) ?? []) if (withinOneEdit(word, legal)) near.add(legal);
  }
  return near;
}

/**
 * The legal-form phrase starting at `words[start]`: written as listed, or with one typo in one of its
 * long words (`JOYNT STOCK COMPANY`, `LLIMITED LIABILITY COMPANY`, `COMPAJY`). A phrase of single
 * letters (`s a`) is read only where it closes the name: elsewhere it is a person's initials.
 */
export function legalPhraseAt(
  words: readonly string[],
  start: number,
): { words: string[]; canonical: string } | undefined {
  const near = new Map<number, Set<string>>();
  const nearAt = (i: number): Set<string> => {
    let found = near.get(i);
    if (!found) near.set(i, (found = legalWordsNear(words[i]!)));
    return found;
  };
  if (!LEGAL_FIRST_WORDS.has(words[start]!) && !nearAt(start).size) return undefined;
  return LEGAL_PHRASES.find((p) => {
    if (start + p.words.length > words.length) return false;
    if (p.words.every((w) => w.length === 1) && start + p.words.length !== words.length) return false;
    let typos = 0;
    for (let k = 0; k < p.words.length; k++) {
      const word = words[start + k]!;
      if (word === p.words[k]) continue;
      if (++typos > 1 || !nearAt(start + k).has(p.words[k]!)) return false;
    }
    return true;
  });
}

/**
 * Legal forms glued to the name in mixed case (`SiemensAG`, `AcmeGmbH`): the case change says where
 * the name ends. Capitals only, after a lower-case letter, closing the word.
 */
export const GLUED_LEGAL_FORM =
  /(?<=\p{Ll})(AG|GmbH|KG|LLC|LLP|Ltd|LTD|Inc|INC|Corp|CORP|PLC|Plc|SA|SpA|SARL|SRL|SAS|BV|NV|JSC|OJSC|PJSC|CJSC|OOO|ZAO|OAO|PAO|FZE|FZCO)(?![\p{L}\p{N}])/gu;
