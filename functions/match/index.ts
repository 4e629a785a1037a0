/**
 * Screening a watchlist against register records without comparing every pair.
 *
 * `NameIndex` holds the watchlist's names and finds, for a query name (a record's name or alias),
 * the indexed names that can reach the threshold, then scores only those with score.ts. It works on
 * two levels:
 *  1. Words. The index keeps a vocabulary: each distinct word of the indexed names, and each run of
 *     2-3 adjacent words joined (`hua wei` → `huawei`), with the names holding it. For a query word,
 *     retrieval keys find every vocabulary entry that score.ts could grade above 0: the word itself;
 *     its deletion neighbourhood, one letter deleted (and two for words of 7+ letters), as in SymSpell,
 *     for one and two edits, swaps included; its stem; its 3-5 letter prefixes for abbreviations; its
 *     double-metaphone codes for spellings that sound alike; its consonant skeletons for a word
 *     written in an abjad against a Latin one. Every entry found is then graded with score.ts's own
 *     token similarity, so a word pair is taken exactly when scoring would match it. A query word's
 *     matches are kept (words repeat: `mohammed` is looked up once per index).
 *  2. Names. The postings of the matched entries say, per indexed name, which of its words and which
 *     of the query's words have a counterpart on the other side. Score.ts's score is a weighted share
 *     of matched words, so this gives an upper bound: the weights of the words with a counterpart
 *     (particles, initials and legal forms always counted), as a weighted Dice coefficient, lifted by
 *     the most the middle-name rule can add, plus the country bonus. For organizations, score.ts's
 *     common-extra-words rule (its header, 5b) is bounded too: a common word (a country, a
 *     demonym, a generic word) without a counterpart is counted at its reduced weight, and a pair
 *     where one name has a distinctive word and all its words with a counterpart, and the other
 *     only common words without one, is bounded by at least DEFAULT_THRESHOLD (the score it may
 *     be raised to). A name whose bound is below the threshold cannot reach it and is not scored.
 * Nothing is skipped for being frequent: `mohammed` alone brings many names, and the bound drops
 * those that share nothing else. Blocking therefore loses no hit against the brute force
 * (`screenAllPairs`) at thresholds above 0.55: a pair with no word, number or joined words in
 * common scores at most 0.5 (halved, and no middle-name lift) + 0.03. At 0.55 or below every name is
 * scored. bench/match.ts measures both on real lists.
 */
import type { RecordKind, RegisterRecord } from '../core/records.ts';
import {
  COMMON_EXTRA_WEIGHT,
  DEFAULT_THRESHOLD,
  joinedMatch,
  organizationPair,
  prepareName,
  schemaKind,
  scorePrepared,
  scoreValue,
  spanMatch,
  tokenSimilarity,
  withoutFinalH,
  type PreparedName,
  type PreparedSpan,
  type PreparedToken,
} from './score.ts';

export interface WatchlistEntry {
  name: string;
  /** Person, Company, Organization, LegalEntity, Vessel, Aircraft; none: no kind constraint. */
  schema?: string;
  /** ISO 3166-1 alpha-2 codes. */
  countries?: string[];
}

export interface ScreeningHit {
  recordId: string;
  /** The record's name or alias that matched best. */
  recordName: string;
  watchlistIndex: number;
  watchlistName: string;
  score: number;
  explanation: string[];
}

export interface NameIndexOptions {
  /**
   * @deprecated Ignored. Blocking used to skip keys held by more names than this; that lost hits
   * (`mohammed` in a query whose rarer words are misspelt), and the score bound now drops the names a
   * frequent word alone brings.
   */
  maxPostings?: number;
}

/** Below this threshold every indexed name is scored (see the module comment). */
const LOSSLESS_ABOVE = 0.55;

/** Token positions from here on share the last bit of a name's mask (names of 31+ tokens). */
const LAST_BIT = 30;
const bit = (position: number): number => 1 << Math.min(position, LAST_BIT);
const spanBits = (span: PreparedSpan): number => {
  let mask = 0;
  for (let i = span.start; i < span.end; i++) mask |= bit(i);
  return mask;
};

/** Deletion neighbourhood: the word with up to `depth` (1 or 2) letters deleted, the word itself included. */
function deletions(word: string, depth: number): string[] {
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

const script = (abjad: boolean | undefined): 'A' | 'L' => (abjad ? 'A' : 'L');
const other = (abjad: boolean | undefined): 'A' | 'L' => (abjad ? 'L' : 'A');

/**
 * Retrieval keys, by key type: a type names a map of its own (so no key string is built twice), and
 * the script (`L` Latin, `A` abjad) is part of the type.
 */
type KeyGroup = [type: string, keys: string[]];

/** Keys under which a vocabulary word is stored (`store`), or those a query word looks up. */
function wordKeys(token: PreparedToken, role: 'store' | 'lookup'): KeyGroup[] {
  const groups: KeyGroup[] = [['w', [token.text]]];
  if (token.kind !== 'name') return groups;
  const text = token.text;
  const s = script(token.abjad);
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
function skeletonKeys(item: { skeleton: string; skeletonAlt: string }, of: 'A' | 'L'): KeyGroup[] {
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
function wordEnds(text: string): string[] {
  return [`<${text.slice(0, 3)}`, `>${text.slice(-3)}`, `=${text.slice(0, 2)}${text.slice(-2)}`];
}

/** Keys of a joined run of words (or of a word, against joined runs): its text, and its one-edit neighbourhood. */
function spanTextKeys(text: string, abjad: boolean | undefined, neighbourhood = text.length >= 5): KeyGroup[] {
  return neighbourhood
    ? [
        ['w', [text]],
        [`${script(abjad)}d`, deletions(text, 1)],
      ]
    : [['w', [text]]];
}

interface Entry<T> {
  item: T;
  names: number[];
  masks: number[];
}

/** What a query word or run of words matched in the vocabulary: token and span entry ids. */
interface Matched {
  tokens: number[];
  spans: number[];
}

export interface IndexMatch {
  index: number;
  score: number;
  explanation: string[];
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
    if (span.abjad !== undefined) add(skeletonKeys(span, script(span.abjad)));
  }
  return keys;
}

/** Retrieval keys → vocabulary entry ids, one map per key type; `collect` gathers ids, each once. */
class KeyMap {
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

export class NameIndex {
  readonly names: PreparedName[] = [];
  /** Per name: the weight of each mask bit (name words, numbers), of the tokens always counted, and its initials. */
  private readonly bitWeights: Float64Array[] = [];
  private readonly fixedWeights: number[] = [];
  private readonly initials: number[] = [];
  /** Per name: the bits of its name words and numbers, of those that are not common words, and the weight of its common words per bit (see `NameBits`). */
  private readonly bits: NameBits[] = [];
  private readonly tokenEntries: Entry<PreparedToken>[] = [];
  private readonly spanEntries: Entry<PreparedSpan>[] = [];
  private readonly tokenIds = new Map<string, number>();
  private readonly spanIds = new Map<string, number>();
  private readonly tokenKeys = new KeyMap();
  private readonly spanKeys = new KeyMap();
  private readonly memo = new Map<string, Matched>();
  /** Script, length and ends (`wordEnds`) of the vocabulary's words of 5+ letters (see `mayJoin`). */
  private readonly ends = new Set<string>();
  /**
   * Whether the skeleton keys of a script's entries are stored. They serve queries in the other
   * script only (Arabic against Latin), so they are built on the first such query.
   */
  private readonly skeletonsBuilt = { A: false, L: false };
  // Per-name accumulators for one query, reset through `stamp`.
  private stamp = new Int32Array(0);
  private queryHits = new Int32Array(0);
  private nameHits = new Int32Array(0);
  private generation = 0;

  /** `options` is accepted for compatibility; see `NameIndexOptions`. */
  constructor(_options: NameIndexOptions = {}) {}

  /** Adds a name; returns its position (the index passed back in matches). */
  add(name: PreparedName): number {
    const position = this.names.push(name) - 1;
    const weights = new Float64Array(LAST_BIT + 1);
    let fixed = 0;
    name.tokens.forEach((token, i) => {
      if (token.kind === 'name' || token.kind === 'number') weights[Math.min(i, LAST_BIT)]! += token.weight;
      else fixed += token.weight;
      const key = `${token.kind}|${token.abjad ? 1 : 0}|${token.text}`;
      let id = this.tokenIds.get(key);
      if (id === undefined) {
        id = this.tokenEntries.push({ item: token, names: [], masks: [] }) - 1;
        this.tokenIds.set(key, id);
        this.tokenKeys.add(wordKeys(token, 'store'), id);
        if (token.kind === 'name' && this.skeletonsBuilt[script(token.abjad)])
          this.tokenKeys.add(skeletonKeys(token, script(token.abjad)), id);
        this.tokenKeys.scripts[script(token.abjad)] += 1;
        if (token.kind === 'name' && token.text.length >= 5)
          for (const key of wordEnds(token.text)) this.ends.add(`${script(token.abjad)}${token.text.length}${key}`);
      }
      const entry = this.tokenEntries[id]!;
      if (entry.names[entry.names.length - 1] === position) entry.masks[entry.masks.length - 1]! |= bit(i);
      else {
        entry.names.push(position);
        entry.masks.push(bit(i));
      }
    });
    for (const span of name.spans) {
      const key = `${span.abjad === undefined ? 'M' : span.abjad ? 1 : 0}|${span.words}`;
      let id = this.spanIds.get(key);
      if (id === undefined) {
        id = this.spanEntries.push({ item: span, names: [], masks: [] }) - 1;
        this.spanIds.set(key, id);
        if (span.abjad !== undefined) {
          this.spanKeys.add(spanTextKeys(span.text, span.abjad, span.text.length >= 6), id);
          if (this.skeletonsBuilt[script(span.abjad)]) this.spanKeys.add(skeletonKeys(span, script(span.abjad)), id);
          this.spanKeys.scripts[script(span.abjad)] += 1;
        }
      }
      const entry = this.spanEntries[id]!;
      entry.names.push(position);
      entry.masks.push(spanBits(span));
    }
    this.bits.push(nameBits(name));
    this.bitWeights.push(weights);
    this.fixedWeights.push(fixed);
    this.initials.push(name.tokens.filter((t) => t.kind === 'initial').length);
    this.memo.clear();
    return position;
  }

  /**
   * Whether a word one edit from the joined run may be in the vocabulary (runs of 6+ letters, words
   * of 5+). One edit leaves the first three letters as they were, or the last three, or (an edit in
   * the middle of a short word) the first two and the last two; the run's neighbourhood is looked up
   * only if a word of a near length shares one of them.
   */
  private mayJoin(span: PreparedSpan): boolean {
    const { text } = span;
    if (text.length < 6) return false;
    const s = script(span.abjad);
    for (let length = text.length - 1; length <= text.length + 1; length++) {
      for (const key of wordEnds(text)) if (this.ends.has(`${s}${length}${key}`)) return true;
    }
    return false;
  }

  /** Stores the skeleton keys of a script's entries, if not done yet; whether the script has entries. */
  private skeletons(of: 'A' | 'L'): boolean {
    if (!this.skeletonsBuilt[of]) {
      this.skeletonsBuilt[of] = true;
      this.tokenEntries.forEach((entry, id) => {
        if (entry.item.kind === 'name' && script(entry.item.abjad) === of)
          this.tokenKeys.add(skeletonKeys(entry.item, of), id);
      });
      this.spanEntries.forEach((entry, id) => {
        if (entry.item.abjad !== undefined && script(entry.item.abjad) === of)
          this.spanKeys.add(skeletonKeys(entry.item, of), id);
      });
    }
    return this.tokenKeys.scripts[of] + this.spanKeys.scripts[of] > 0;
  }

  /** The vocabulary entries a query word matches (graded by score.ts), remembered per word. */
  private matchToken(token: PreparedToken): Matched {
    const key = `${token.kind}|${token.abjad ? 1 : 0}|${token.text}`;
    let matched = this.memo.get(key);
    if (matched) return matched;
    const tokenCount = this.tokenEntries.length;
    const spanCount = this.spanEntries.length;
    let tokens: number[];
    let spans: number[] = [];
    if (token.kind === 'name') {
      const otherScript = other(token.abjad);
      tokens = this.tokenKeys.collect(wordKeys(token, 'lookup'), tokenCount);
      if (this.tokenKeys.scripts[otherScript] && this.skeletons(otherScript))
        this.tokenKeys.collect(skeletonKeys(token, otherScript), tokenCount, tokens);
      if (spanCount) {
        spans = this.spanKeys.collect(spanTextKeys(token.text, token.abjad), spanCount);
        if (this.spanKeys.scripts[otherScript] && this.skeletons(otherScript))
          this.spanKeys.collect(skeletonKeys(token, otherScript), spanCount, spans);
      }
    } else {
      tokens = this.tokenKeys.collect([['w', [token.text]]], tokenCount);
    }
    matched = {
      // Legal forms against legal forms are counted as matched in the bound; not looked up.
      tokens: tokens.filter((id) => {
        const entry = this.tokenEntries[id]!.item;
        return !(token.kind === 'legal' && entry.kind === 'legal') && tokenSimilarity(token, entry).sim > 0;
      }),
      spans: spans.filter((id) => joinedMatch(token, this.spanEntries[id]!.item).sim > 0),
    };
    this.memo.set(key, matched);
    return matched;
  }

  /** The vocabulary entries a query's run of words matches: words joined to it, and runs joined alike. */
  private matchSpan(span: PreparedSpan): Matched {
    const key = `S|${span.abjad === undefined ? 'M' : span.abjad ? 1 : 0}|${span.words}`;
    let matched = this.memo.get(key);
    if (matched) return matched;
    let tokens: number[] = [];
    let spans: number[] = [];
    if (span.abjad !== undefined) {
      const otherScript = other(span.abjad);
      const [tokenCount, spanCount] = [this.tokenEntries.length, this.spanEntries.length];
      tokens = this.tokenKeys.collect(spanTextKeys(span.text, span.abjad, this.mayJoin(span)), tokenCount);
      if (this.tokenKeys.scripts[otherScript] && this.skeletons(otherScript))
        this.tokenKeys.collect(skeletonKeys(span, otherScript), tokenCount, tokens);
      if (spanCount) {
        spans = this.spanKeys.collect([['w', [span.text]]], spanCount);
        if (this.spanKeys.scripts[otherScript] && this.skeletons(otherScript))
          this.spanKeys.collect(skeletonKeys(span, otherScript), spanCount, spans);
      }
    }
    matched = {
      tokens: tokens.filter((id) => {
        const token = this.tokenEntries[id]!.item;
        return token.kind === 'name' && joinedMatch(token, span).sim > 0;
      }),
      spans: spans.filter((id) => spanMatch(span, this.spanEntries[id]!.item).sim > 0),
    };
    this.memo.set(key, matched);
    return matched;
  }

  /** Positions of the indexed names that may score `threshold` or more against `name`. */
  candidates(name: PreparedName, threshold = DEFAULT_THRESHOLD): number[] {
    const count = this.names.length;
    if (threshold <= LOSSLESS_ABOVE)
      return this.names.map((_, i) => i).filter((i) => !kindsConflict(name.kind, this.names[i]!.kind));
    if (this.stamp.length < count) {
      this.stamp = new Int32Array(Math.max(count, this.stamp.length * 2));
      this.queryHits = new Int32Array(this.stamp.length);
      this.nameHits = new Int32Array(this.stamp.length);
      this.generation = 0;
    }
    const visiting: Visit = {
      generation: ++this.generation,
      stamp: this.stamp,
      queryHits: this.queryHits,
      nameHits: this.nameHits,
      touched: [],
    };
    const { touched } = visiting;
    const tokens = name.tokens;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      // Particles and initials are counted as matched in the bound; they are not looked up.
      if (token.kind === 'particle' || token.kind === 'initial') continue;
      const matched = this.matchToken(token);
      for (const id of matched.tokens) visit(visiting, this.tokenEntries[id]!, bit(i));
      for (const id of matched.spans) visit(visiting, this.spanEntries[id]!, bit(i));
    }
    for (const span of name.spans) {
      const matched = this.matchSpan(span);
      if (!matched.tokens.length && !matched.spans.length) continue;
      const mask = spanBits(span);
      for (const id of matched.tokens) visit(visiting, this.tokenEntries[id]!, mask);
      for (const id of matched.spans) visit(visiting, this.spanEntries[id]!, mask);
    }
    const queryWeights = new Float64Array(LAST_BIT + 1);
    let queryFixed = 0;
    let queryInitials = 0;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      if (token.kind === 'name' || token.kind === 'number') queryWeights[Math.min(i, LAST_BIT)]! += token.weight;
      else queryFixed += token.weight;
      if (token.kind === 'initial') queryInitials += 1;
    }
    const queryBits = nameBits(name);
    const out: number[] = [];
    for (const position of touched) {
      const indexed = this.names[position]!;
      if (kindsConflict(name.kind, indexed.kind)) continue;
      // An initial, not looked up, may stand for one word of the other name (a name word weighs 1).
      const queryHits = this.queryHits[position]!;
      const nameHits = this.nameHits[position]!;
      const hitQuery = Math.min(
        name.totalWeight,
        queryFixed + maskWeight(queryWeights, queryHits) + this.initials[position]!,
      );
      const hitName = Math.min(
        indexed.totalWeight,
        this.fixedWeights[position]! + maskWeight(this.bitWeights[position]!, nameHits) + queryInitials,
      );
      const countries = name.countries.length > 0 && indexed.countries.length > 0;
      let totalQuery = name.totalWeight;
      let totalName = indexed.totalWeight;
      let floor = 0;
      if (organizationPair(name, indexed)) {
        // Score.ts's common-extra-words rule: a common word of either name without a counterpart may
        // weigh COMMON_EXTRA_WEIGHT only, and a pair whose shorter name is wholly found and whose
        // longer adds common words only is raised to DEFAULT_THRESHOLD (module comment).
        const indexedBits = this.bits[position]!;
        totalQuery -= commonSaving(queryBits, queryHits);
        totalName -= commonSaving(indexedBits, nameHits);
        if (
          mayRaise(name, queryBits, queryHits, indexedBits, nameHits) ||
          mayRaise(indexed, indexedBits, nameHits, queryBits, queryHits)
        )
          floor = DEFAULT_THRESHOLD + (countries ? 0.03 : 0) + 1e-9;
      }
      if (Math.max(floor, scoreBound(hitQuery, totalQuery, hitName, totalName, countries)) >= threshold)
        out.push(position);
    }
    return out.sort((x, y) => x - y);
  }

  /** Indexed names scoring at least `threshold` against `name`, best first. The explanation is written when first read. */
  search(name: PreparedName, threshold = DEFAULT_THRESHOLD): IndexMatch[] {
    const matches: IndexMatch[] = [];
    for (const position of this.candidates(name, threshold)) {
      const indexed = this.names[position]!;
      const score = scoreValue(name, indexed);
      if (score < threshold) continue;
      let explanation: string[] | undefined;
      matches.push({
        index: position,
        score,
        get explanation(): string[] {
          return (explanation ??= scorePrepared(name, indexed).explanation);
        },
      });
    }
    return matches.sort((x, y) => y.score - x.score || x.index - y.index);
  }
}

/** One query's accumulators: per indexed name, the query's and the name's words with a counterpart. */
interface Visit {
  generation: number;
  stamp: Int32Array;
  queryHits: Int32Array;
  nameHits: Int32Array;
  touched: number[];
}

function visit(state: Visit, entry: Entry<PreparedToken | PreparedSpan>, queryMask: number): void {
  const { names, masks } = entry;
  const { generation, stamp, queryHits, nameHits, touched } = state;
  for (let k = 0; k < names.length; k++) {
    const position = names[k]!;
    if (stamp[position] !== generation) {
      stamp[position] = generation;
      queryHits[position] = queryMask;
      nameHits[position] = masks[k]!;
      touched.push(position);
    } else {
      queryHits[position]! |= queryMask;
      nameHits[position]! |= masks[k]!;
    }
  }
}

/** Mask of the bits 0..LAST_BIT. */
const ALL_BITS = 2 ** (LAST_BIT + 1) - 1;

/** A name's bits (see `bit`) for score.ts's common-extra-words rule. */
interface NameBits {
  /** Bits of its name words and numbers. */
  words: number;
  /** Bits of its name words and numbers that are not common words (common-words.ts). */
  uncommon: number;
  /** Per bit, the weight a common word there may shed (its weight less COMMON_EXTRA_WEIGHT). */
  saving: Float64Array;
}

function nameBits(name: PreparedName): NameBits {
  let words = 0;
  let uncommon = 0;
  const saving = new Float64Array(LAST_BIT + 1);
  name.tokens.forEach((token, i) => {
    if (token.kind !== 'name' && token.kind !== 'number') return;
    words |= bit(i);
    if (token.common) saving[Math.min(i, LAST_BIT)]! += token.weight - COMMON_EXTRA_WEIGHT;
    else uncommon |= bit(i);
  });
  return { words, uncommon, saving };
}

/**
 * The most a name's total weight can drop by under the common-extra-words rule: its common words
 * without a counterpart. (A common word with one is counted at its full weight, matched: that bound
 * is the larger, as the score's numerator never exceeds its denominator.)
 */
function commonSaving(bits: NameBits, hits: number): number {
  return maskWeight(bits.saving, ~hits & ALL_BITS);
}

/**
 * Whether score.ts may raise the pair to DEFAULT_THRESHOLD: `shorter` has a distinctive word and
 * every word with a counterpart, and every word of the other name without one is a common word.
 */
function mayRaise(
  shorter: PreparedName,
  shorterBits: NameBits,
  shorterHits: number,
  longerBits: NameBits,
  longerHits: number,
): boolean {
  return shorter.distinctive && (shorterBits.words & ~shorterHits) === 0 && (longerBits.uncommon & ~longerHits) === 0;
}

function maskWeight(weights: Float64Array, mask: number): number {
  let sum = 0;
  for (let m = mask, i = 0; m !== 0; m >>>= 1, i++) if (m & 1) sum += weights[i]!;
  return sum;
}

/**
 * The most score.ts can give a pair whose matched words weigh at most `hitA` of `totalA` and `hitB`
 * of `totalB`: the weighted Dice share, lifted halfway to the better coverage (the middle-name rule
 * blends at most half), plus the country bonus.
 */
function scoreBound(hitA: number, totalA: number, hitB: number, totalB: number, countries: boolean): number {
  if (totalA <= 0 || totalB <= 0) return 0;
  const dice = (hitA + hitB) / (totalA + totalB);
  const cover = Math.max(hitA / totalA, hitB / totalB);
  return Math.max(dice, (dice + cover) / 2) + (countries ? 0.03 : 0) + 1e-9;
}

function kindsConflict(a: RecordKind | undefined, b: RecordKind | undefined): boolean {
  if (!a || !b || a === 'other' || b === 'other') return false;
  return a !== b;
}

function watchlistEntry(entry: string | WatchlistEntry): WatchlistEntry {
  return typeof entry === 'string' ? { name: entry } : entry;
}

function prepareWatchlist(watchlist: readonly (string | WatchlistEntry)[]): PreparedName[] {
  return watchlist.map((item) => {
    const entry = watchlistEntry(item);
    return prepareName(entry.name, schemaKind(entry.schema), entry.countries ?? []);
  });
}

function recordNames(record: RegisterRecord): PreparedName[] {
  const kind: RecordKind = record.kind;
  return [record.name, ...record.aliases].filter(Boolean).map((name) => prepareName(name, kind, record.countries));
}

/** Keeps the best hit per (record, watchlist entry). */
class HitCollector {
  private readonly best = new Map<string, ScreeningHit>();

  offer(
    record: RegisterRecord,
    recordName: PreparedName,
    watchlistIndex: number,
    watchlistName: PreparedName,
    score: number,
    explanation: () => string[],
  ): void {
    const key = `${record.id}\u0000${watchlistIndex}`;
    const current = this.best.get(key);
    if (current && current.score >= score) return;
    this.best.set(key, {
      recordId: record.id,
      recordName: recordName.normalized.original,
      watchlistIndex,
      watchlistName: watchlistName.normalized.original,
      score,
      explanation: explanation(),
    });
  }

  hits(): ScreeningHit[] {
    return [...this.best.values()].sort(
      (x, y) => y.score - x.score || x.recordId.localeCompare(y.recordId) || x.watchlistIndex - y.watchlistIndex,
    );
  }
}

/**
 * Every (record, watchlist entry) pair where one of the record's names (primary or alias) scores at
 * least `threshold` against the entry, with the best-scoring names; found through a `NameIndex`.
 */
export function screen(
  watchlist: readonly (string | WatchlistEntry)[],
  records: readonly RegisterRecord[],
  threshold = DEFAULT_THRESHOLD,
  options: NameIndexOptions = {},
): ScreeningHit[] {
  const index = new NameIndex(options);
  for (const name of prepareWatchlist(watchlist)) index.add(name);
  const collector = new HitCollector();
  for (const record of records) {
    for (const name of recordNames(record)) {
      for (const match of index.search(name, threshold))
        collector.offer(record, name, match.index, index.names[match.index]!, match.score, () => match.explanation);
    }
  }
  return collector.hits();
}

/** The same result as `screen`, by scoring every pair: the reference the index is measured against. */
export function screenAllPairs(
  watchlist: readonly (string | WatchlistEntry)[],
  records: readonly RegisterRecord[],
  threshold = DEFAULT_THRESHOLD,
): ScreeningHit[] {
  const prepared = prepareWatchlist(watchlist);
  const collector = new HitCollector();
  for (const record of records) {
    for (const name of recordNames(record)) {
      prepared.forEach((entry, position) => {
        const score = scoreValue(name, entry);
        if (score >= threshold)
          collector.offer(record, name, position, entry, score, () => scorePrepared(name, entry).explanation);
      });
    }
  }
  return collector.hits();
}
