/**
 * The blocking index's retrieval keys: under which keys a vocabulary word (or run of joined words)
 * is stored, and which keys a query word looks up, so that every pair score.ts grades above 0 meets.
 */
import { chineseLookups } from './chinese-romanization.ts';
import { givenNameGroups } from './given-names.ts';
import { abjadLetters, withoutFinalH, type PreparedName, type PreparedSpan, type PreparedToken } from './prepare.ts';

/** Deletion neighbourhood: the word with up to `depth` (1 or 2) letters deleted, the word itself included. */
export function deletions(word: string, depth: number): string[] {
  const out = [word];
  const n = word.length;
  for (let i = 0; i < n; i++) {
    // Deleting one of a run of equal letters gives the same word: delete the run's first only.
    if (i > 0 && word[i] === word[i - 1]) continue;
    const one = word.slice(0, i) + word.slice(i + 1);
    out.push(one);
    if (depth < 2) continue;
    for (let j = i; j < n - 1; j++) {
      if (j > i && one[j] === one[j - 1]) continue;
      out.push(one.slice(0, j) + one.slice(j + 1));
    }
  }
  return out;
}

/** A skeleton's keys for one edit after the same first consonant: itself, and with one later letter deleted. */
function skeletonEditKeys(skeleton: string): string[] {
  const keys = [skeleton];
  for (let i = 1; i < skeleton.length; i++) keys.push(skeleton.slice(0, i) + skeleton.slice(i + 1));
  return keys;
}

function readings(item: { skeleton: string; skeletonAlt: string }): string[] {
  return item.skeletonAlt ? [item.skeleton, item.skeletonAlt] : item.skeleton ? [item.skeleton] : [];
}

export const script = (abjad: boolean | undefined): 'A' | 'L' => (abjad ? 'A' : 'L');
export const other = (abjad: boolean | undefined): 'A' | 'L' => (abjad ? 'L' : 'A');

/**
 * Retrieval keys, by key type: a type names a map of its own (so no key string is built twice), and
 * the script (`L` Latin, `A` abjad) is part of the type.
 */
export type KeyGroup = [type: string, keys: string[]];

/** Keys under which a vocabulary word is stored (`store`), or those a query word looks up. */
export function wordKeys(token: PreparedToken, role: 'store' | 'lookup'): KeyGroup[] {
  const groups: KeyGroup[] = [['w', [token.text]]];
  // Forms of one given name (`bob`, `robert`; `ben` as a particle too) meet by the names they stand for.
  const forms = token.abjad ? [] : givenNameGroups(token.text);
  if (forms.length) groups.push(['n', forms.map(String)]);
  if (token.kind !== 'name') return groups;
  const text = token.text;
  const s = script(token.abjad);
  // A Baltic or Slavic ending (`lavrovas`, `sergejs`): words meet by what is left (`slavicBase`).
  if (token.base !== text) {
    groups.push([`${s}b`, [token.base]]);
    if (role === 'lookup') groups[0]![1].push(token.base);
  } else if (role === 'lookup') groups.push([`${s}b`, [text]]);
  // Wade-Giles and pinyin (`hsi` ~ `xi`): a reading in one system meets the other's.
  if (token.chinese.length) groups.push(['c', role === 'store' ? token.chinese : chineseLookups(token.chinese)]);
  // Two abjad words meet by their letters less those a spelling may leave out (similarity.ts's only
  // grade for them); against Latin words, by their skeletons (`skeletonKeys`).
  if (token.abjad) return [...groups, ['Ag', [token.abjadLetters]]];
  if (text.length >= 4) {
    // One edit (4+ letters) meets in the one-deletion neighbourhoods, two edits (7+ letters, both
    // words) in the two-deletion ones, kept apart so that a short word is not fetched for a long one.
    // (A query word of 8+ letters finds the words one edit away among those of 7+, in the second.)
    if (role === 'store' || text.length < 8) groups.push([`${s}d`, deletions(text, 1)]);
    if (text.length >= 7) groups.push([`${s}D`, deletions(text, 2)]);
    groups.push([`${s}s`, [token.stem]]);
  }
  // Abbreviations: a 4-5 letter word is the prefix of a word 3+ letters longer; a 3 letter one of an 8+ letter word.
  const short = text.length >= 3 && text.length <= 5;
  const prefixes: string[] = [];
  if (text.length >= 8) prefixes.push(text.slice(0, 3));
  if (text.length >= 7) prefixes.push(text.slice(0, 4));
  if (text.length >= 8) prefixes.push(text.slice(0, 5));
  const [shortType, longType] = role === 'store' ? [`${s}as`, `${s}al`] : [`${s}al`, `${s}as`];
  if (short) groups.push([shortType, [text]]);
  if (prefixes.length) groups.push([longType, prefixes]);
  const [code0, code1] = token.phonetic;
  const codes: string[] = [];
  if (code0.length >= 2) codes.push(text[0] + code0);
  if (code1.length >= 2 && code1 !== code0) codes.push(text[0] + code1);
  if (codes.length) groups.push([`${s}p`, codes]);
  if (code0.length >= 3) groups.push([`${s}q`, [code0]]);
  return groups;
}

/** Keys for the consonant skeletons (cross-script grades), under the script `of` given. */
export function skeletonKeys(item: { skeleton: string; skeletonAlt: string }, of: 'A' | 'L'): KeyGroup[] {
  const same: string[] = [];
  const edits: string[] = [];
  for (const reading of readings(item)) {
    same.push(withoutFinalH(reading));
    if (reading.length >= 3) edits.push(...skeletonEditKeys(reading));
  }
  return [
    [`${of}k`, same],
    [`${of}e`, edits],
  ];
}

/** A word's first three letters, last three, and first two with last two (see `NameIndex.mayJoin`). */
export function wordEnds(text: string): string[] {
  return [`<${text.slice(0, 3)}`, `>${text.slice(-3)}`, `=${text.slice(0, 2)}${text.slice(-2)}`];
}

/** Keys of a joined run of words (or of a word, against joined runs): its text, and its one-edit neighbourhood. */
export function spanTextKeys(text: string, abjad: boolean | undefined, neighbourhood = text.length >= 5): KeyGroup[] {
  const groups: KeyGroup[] = [['w', [text]]];
  if (abjad) groups.push(['Ag', [abjadLetters(text)]]);
  else if (neighbourhood) groups.push([`${script(abjad)}d`, deletions(text, 1)]);
  return groups;
}

/**
 * Keys of a run of words for a word of initials written as one (`jc` ~ `jean claude`): its
 * initials, when they can be such a word; none otherwise.
 */
export function spanInitialsKeys(span: PreparedSpan): KeyGroup[] {
  return span.initials ? [['i', [span.initials]]] : [];
}

/** The retrieval keys of a prepared name's words and runs of words (what `NameIndex` stores them under), as `type:key`. */
export function blockingKeys(name: PreparedName): Set<string> {
  const keys = new Set<string>();
  const add = (groups: KeyGroup[]): void => {
    for (const [type, list] of groups) for (const key of list) keys.add(`${type}:${key}`);
  };
  for (const token of name.tokens) {
    add(wordKeys(token, 'store'));
    if (token.kind === 'name') add(skeletonKeys(token, script(token.abjad)));
  }
  for (const span of name.spans) {
    add(spanTextKeys(span.text, span.abjad));
    add(spanInitialsKeys(span));
    if (span.chinese.length) add([['c', span.chinese]]);
    if (span.abjad !== undefined) add(skeletonKeys(span, script(span.abjad)));
  }
  return keys;
}

/** Retrieval keys → vocabulary entry ids, one map per key type; `collect` gathers ids, each once. */
export class KeyMap {
  private readonly maps = new Map<string, Map<string, number[]>>();
  private seen = new Int32Array(64);
  private round = 0;
  /** Entries stored per script (`A` abjad, `L` Latin): a lookup in a script without entries is skipped. */
  readonly scripts = { A: 0, L: 0 };

  add(groups: readonly KeyGroup[], id: number): void {
    for (const [type, keys] of groups) {
      let map = this.maps.get(type);
      if (!map) this.maps.set(type, (map = new Map()));
      for (const key of keys) {
        const list = map.get(key);
        if (!list) map.set(key, [id]);
        else if (list[list.length - 1] !== id) list.push(id);
      }
    }
  }

  collect(groups: readonly KeyGroup[], size: number, into: number[] = []): number[] {
    if (this.seen.length < size) this.seen = new Int32Array(Math.max(size, this.seen.length * 2));
    const round = ++this.round;
    const seen = this.seen;
    for (const id of into) seen[id] = round;
    for (const [type, keys] of groups) {
      const map = this.maps.get(type);
      if (!map) continue;
      for (const key of keys) {
        const list = map.get(key);
        if (!list) continue;
        for (const id of list) {
          if (seen[id] === round) continue;
          seen[id] = round;
          into.push(id);
        }
      }
    }
    return into;
  }
}
