/**
 * The blocking index: screening a watchlist against register records without comparing every pair.
 * (Its retrieval keys are in blocking-keys.ts, its score bound in score-bound.ts.)
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
import {
  KeyMap,
  other,
  script,
  skeletonKeys,
  spanInitialsKeys,
  spanTextKeys,
  wordEnds,
  wordKeys,
} from './blocking-keys.ts';
import { chineseLookups } from './chinese-romanization.ts';
import { givenNameGroups } from './given-names.ts';
import type { PreparedName, PreparedSpan, PreparedToken } from './prepare.ts';
import { DEFAULT_THRESHOLD, kindsConflict, organizationPair, scorePrepared, scoreValue } from './score.ts';
import {
  LAST_BIT,
  bit,
  commonSaving,
  mayRaise,
  maskWeight,
  nameBits,
  scoreBound,
  spanBits,
  type NameBits,
} from './score-bound.ts';
import { joinedMatch, spanMatch, tokenSimilarity } from './similarity.ts';

export interface NameIndexOptions {
  /**
   * @deprecated Ignored. Blocking used to skip keys held by more names than this; that lost hits
   * (`mohammed` in a query whose rarer words are misspelt), and the score bound now drops the names a
   * frequent word alone brings.
   */
  maxPostings?: number;
}

/** Below this threshold every indexed name is scored (see the module comment). */
export const LOSSLESS_ABOVE = 0.55;

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
          this.spanKeys.add(spanInitialsKeys(span), id);
          if (span.chinese.length) this.spanKeys.add([['c', span.chinese]], id);
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
        // A word of initials (`jc`) against the runs of words it spells.
        if (token.initialsOfWords) this.spanKeys.collect([['i', [token.text]]], spanCount, spans);
        // A word in one romanization of Chinese against joined syllables in the other (`zedong` ~ `tse tung`).
        if (token.chinese.length) this.spanKeys.collect([['c', chineseLookups(token.chinese)]], spanCount, spans);
        if (this.spanKeys.scripts[otherScript] && this.skeletons(otherScript))
          this.spanKeys.collect(skeletonKeys(token, otherScript), spanCount, spans);
      }
    } else {
      tokens = this.tokenKeys.collect(wordKeys(token, 'lookup'), tokenCount);
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
      if (span.initials) this.tokenKeys.collect([['w', [span.initials]]], tokenCount, tokens);
      if (span.chinese.length) this.tokenKeys.collect([['c', chineseLookups(span.chinese)]], tokenCount, tokens);
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
      // Particles and initials are counted as matched in the bound; they are not looked up, but for
      // a particle that is also a given name's short form (`ben`), which may match a name word.
      if (token.kind === 'initial' || (token.kind === 'particle' && !givenNameGroups(token.text).length)) continue;
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
