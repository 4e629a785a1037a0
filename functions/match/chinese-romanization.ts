/**
 * Chinese names romanized two ways: Wade-Giles (`Hsi Chin-p'ing`, `Mao Tse-tung`, `Teng Hsiao-p'ing`,
 * Taiwan's and older registers' spelling) and pinyin (`Xi Jinping`, `Mao Zedong`, `Deng Xiaoping`).
 *
 * A word is read as pinyin syllables and as Wade-Giles ones (apostrophes are gone once folded, so
 * `ch'en` is `chen`); its pinyin reading is written the Wade-Giles way (`zedong` → `tsetung`). Two
 * words match when one's pinyin, so written, is the other's Wade-Giles: never two pinyin words
 * with each other, so `jin` and `qin`, `zhang` and `zang` (another name each, both `chin` or
 * `tsang` in Wade-Giles without its apostrophes) stay apart. `Xi`, `Shi`, `Si` (and `Hsi`, `Shih`,
 * `Ssu`) are also taken as one syllable, spelled in either system: registers spell `习` all three
 * ways. The syllables are generated from pinyin's initials and finals (a few more than the language
 * uses: only words that read as Chinese in full are compared this way).
 */

const FINALS_BY_INITIALS: readonly [initials: string, finals: string][] = [
  ['b p m', 'a o ai ei ao an en ang eng i ie iao ian in ing u'],
  ['m', 'e ou iu'],
  ['p', 'ou'],
  ['f', 'a o ei ou an en ang eng u'],
  ['d t', 'a e ai ei ao ou an en ang eng ong i ie iao iu ian ing u uo ui uan un'],
  ['n l', 'a e ai ei ao ou an en ang eng ong i ia ie iao iu ian in iang ing u uo uan un ue'],
  ['g k h', 'a e ai ei ao ou an en ang eng ong u ua uo uai ui uan un uang'],
  ['zh ch sh r', 'a e ai ei ao ou an en ang eng ong i u ua uo uai ui uan un uang'],
  ['z c s', 'a e ai ei ao ou an en ang eng ong i u uo ui uan un'],
  ['j q x', 'i ia ie iao iu ian in iang ing iong u ue uan un'],
];
const BARE = 'a o e ai ei ao ou an en ang eng er';
const Y_W: Readonly<Record<string, string>> = {
  yi: 'i',
  ya: 'ya',
  ye: 'yeh',
  yao: 'yao',
  you: 'yu',
  yan: 'yen',
  yin: 'yin',
  yang: 'yang',
  ying: 'ying',
  yong: 'yung',
  yu: 'yu',
  yue: 'yueh',
  yuan: 'yuan',
  yun: 'yun',
  wu: 'wu',
  wa: 'wa',
  wo: 'wo',
  wai: 'wai',
  wei: 'wei',
  wan: 'wan',
  wen: 'wen',
  wang: 'wang',
  weng: 'weng',
};
const WG_INITIAL: Readonly<Record<string, string>> = {
  b: 'p',
  d: 't',
  g: 'k',
  j: 'ch',
  q: 'ch',
  x: 'hs',
  zh: 'ch',
  z: 'ts',
  c: 'ts',
  r: 'j',
};

/** A pinyin syllable written the Wade-Giles way, without its apostrophes (`zhang` → `chang`, `ze` → `tse`). */
function wadeGiles(initial: string, final: string): string {
  if (final === 'i' && /^(?:zh|ch|sh|r)$/.test(initial)) return `${WG_INITIAL[initial] ?? initial}ih`;
  if (final === 'i' && (initial === 'z' || initial === 'c')) return 'tzu';
  if (final === 'i' && initial === 's') return 'ssu';
  const to = WG_INITIAL[initial] ?? initial;
  let wg = final;
  if (final === 'ong') wg = 'ung';
  else if (final === 'iong') wg = 'iung';
  else if (final === 'ie') wg = 'ieh';
  else if (final === 'ue') wg = 'ueh';
  else if (final === 'ian') wg = 'ien';
  else if (final === 'e' && /^[gkh]$/.test(initial)) wg = 'o';
  else if (final === 'ui' && /^[gk]$/.test(initial)) wg = 'uei';
  else if (final === 'uo' && !/^(?:g|k|h|sh)$/.test(initial)) wg = 'o';
  return to + wg;
}

/** Pinyin syllable → its Wade-Giles spelling. */
const PINYIN = new Map<string, string>();
for (const [initials, finals] of FINALS_BY_INITIALS)
  for (const initial of initials.split(' '))
    for (const final of finals.split(' ')) PINYIN.set(initial + final, wadeGiles(initial, final));
for (const final of BARE.split(' ')) PINYIN.set(final, final === 'er' ? 'erh' : final);
for (const [pinyin, wg] of Object.entries(Y_W)) PINYIN.set(pinyin, wg);
/** Wade-Giles syllables, as folded (`szu` is another spelling of `ssu`). */
const WADE_GILES = new Set([...PINYIN.values(), 'szu']);
/** `Xi`, `Shi`, `Si` in either system: one syllable for the `S` reading. */
const SI = new Set(['xi', 'shi', 'si', 'hsi', 'shih', 'ssu', 'szu']);

/** The ways to cut a word into syllables of a set (at most two, longest syllables first). */
function segment(word: string, syllables: ReadonlySet<string> | ReadonlyMap<string, string>): string[][] {
  const out: string[][] = [];
  // Positions from which the rest cannot be cut: each tried once.
  const dead = new Set<number>();
  const walk = (at: number, taken: string[]): void => {
    if (out.length >= 2 || dead.has(at)) return;
    if (at === word.length) {
      out.push([...taken]);
      return;
    }
    const before = out.length;
    for (let end = Math.min(word.length, at + 6); end > at; end--) {
      const syllable = word.slice(at, end);
      if (syllables.has(syllable)) walk(end, [...taken, syllable]);
    }
    if (out.length === before) dead.add(at);
  };
  walk(0, []);
  return out;
}

/**
 * The readings of a Latin word (or joined words) as a Chinese name, as keys: `P` its pinyin written
 * the Wade-Giles way, `W` its Wade-Giles as written (a word that is not pinyin only), `S` either with
 * `Xi`/`Shi`/`Si` folded to one (not for a syllable read from Han: `fromScript`). Empty when the
 * word is not Chinese syllables throughout, or is too long to be a name's word.
 */
export function chineseReadings(word: string, fromScript = false): string[] {
  if (word.length > 12 || !/^[a-z]+$/.test(word)) return [];
  const keys = new Set<string>();
  const pinyin = segment(word, PINYIN);
  for (const syllables of pinyin) {
    keys.add(`P${syllables.map((s) => PINYIN.get(s)).join('')}`);
    if (!fromScript && syllables.some((s) => SI.has(s)))
      keys.add(`S${syllables.map((s) => (SI.has(s) ? 'si' : s)).join('')}`);
  }
  // A word that reads as pinyin is taken as pinyin: `chi`, `teng`, `chang` are pinyin syllables too,
  // and were they also read as Wade-Giles, `ji` and `chi`, `quan` and `chuan` would be one name.
  // (`Teng` / `Deng`, `Chang` / `Zhang` are one letter apart, which is a typo's grade anyway.) A
  // syllable read from Han characters is pinyin as the transliteration wrote it.
  if (fromScript || pinyin.length) return [...keys];
  for (const syllables of segment(word, WADE_GILES)) {
    keys.add(`W${syllables.map((s) => (s === 'szu' ? 'ssu' : s)).join('')}`);
    if (syllables.some((s) => SI.has(s))) keys.add(`S${syllables.map((s) => (SI.has(s) ? 'si' : s)).join('')}`);
  }
  return [...keys];
}

const wadeGilesCache = new Map<string, string[]>();

/**
 * A Latin word's Wade-Giles readings as keys (`W`), whether or not it also reads as pinyin: against a
 * syllable read from Han characters, which is pinyin for certain, `Chang` may be Wade-Giles `张` (Zhang).
 */
export function wadeGilesKeys(word: string): string[] {
  let keys = wadeGilesCache.get(word);
  if (!keys) {
    keys =
      word.length > 12 || !/^[a-z]+$/.test(word)
        ? []
        : segment(word, WADE_GILES).map((syllables) => `W${syllables.map((s) => (s === 'szu' ? 'ssu' : s)).join('')}`);
    if (wadeGilesCache.size > 50_000) wadeGilesCache.clear();
    wadeGilesCache.set(word, keys);
  }
  return keys;
}

/** The keys a word's readings meet under another word's (`P` against `W`, `S` against `S`): for the blocking index. */
export function chineseLookups(readings: readonly string[]): string[] {
  return readings.map((key) => (key[0] === 'P' ? `W${key.slice(1)}` : key[0] === 'W' ? `P${key.slice(1)}` : key));
}

/** Whether two different words are one Chinese name in Wade-Giles and pinyin, or `Xi`/`Shi`/`Si`. */
export function sameChineseName(a: readonly string[], b: readonly string[]): boolean {
  if (!a.length || !b.length) return false;
  for (const key of chineseLookups(a)) if (b.includes(key)) return true;
  return false;
}
