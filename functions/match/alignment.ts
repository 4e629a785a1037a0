/**
 * Alignment: the candidate pairs of tokens (and of joined words) of two names, ordered for the
 * greedy alignment that score.ts makes of them.
 */
import type { PreparedName, PreparedSpan } from './prepare.ts';
import { joinedMatch, spanMatch, tokenSimilarity, type TokenMatch } from './similarity.ts';

export interface Candidate {
  a: number[];
  b: number[];
  sim: number;
  how: string;
  /** See TokenMatch.few. */
  few?: true;
  /** See TokenMatch.read. */
  read?: true;
  weight: number;
  /** Order class in the greedy alignment (see `alignmentCandidates`). */
  rank?: number;
}

function range(start: number, end: number): number[] {
  const out: number[] = [];
  for (let k = start; k < end; k++) out.push(k);
  return out;
}

/** Candidates of one name's words against joined words of the other (`swap`: the words are b's). */
function pushJoined(candidates: Candidate[], one: PreparedName, many: PreparedName, swap: boolean): void {
  for (const span of many.spans) {
    for (let i = 0; i < one.tokens.length; i++) {
      const token = one.tokens[i]!;
      if (token.kind !== 'name') continue;
      const match = joinedMatch(token, span);
      if (match.sim === 0) continue;
      const weight = token.weight + span.weight;
      candidates.push(
        swap
          ? {
              a: range(span.start, span.end),
              b: [i],
              sim: match.sim,
              how: match.how,
              few: match.few,
              read: match.read,
              weight,
            }
          : {
              a: [i],
              b: range(span.start, span.end),
              sim: match.sim,
              how: match.how,
              few: match.few,
              read: match.read,
              weight,
            },
      );
    }
  }
}

const spanPairKey = (aStart: number, aLength: number, bStart: number, bLength: number): number =>
  ((aStart * 4 + aLength) * 65536 + bStart) * 4 + bLength;

/**
 * Adjacent words against adjacent words, joined: `abd al-rahman` ~ `abdal rahman`, `عبد الله` ~
 * `abd allah`; only when the pair cannot be split into two pairs found as well (`mustafa abdallah`
 * ~ `mstfa bd al` is `mustafa` ~ `mstfa` and `abdallah` ~ `bd al`).
 */
function pushSpanPairs(candidates: Candidate[], a: PreparedName, b: PreparedName): void {
  let pairs: { x: PreparedSpan; y: PreparedSpan; match: TokenMatch }[] | undefined;
  for (const x of a.spans) {
    for (const y of b.spans) {
      const match = spanMatch(x, y);
      if (match.sim > 0) (pairs ??= []).push({ x, y, match });
    }
  }
  if (!pairs) return;
  const found = new Map<number, number>();
  for (const c of candidates) found.set(spanPairKey(c.a[0]!, c.a.length, c.b[0]!, c.b.length), c.sim);
  const has = (aStart: number, aEnd: number, bStart: number, bEnd: number, sim: number): boolean =>
    (found.get(spanPairKey(aStart, aEnd - aStart, bStart, bEnd - bStart)) ?? 0) >= sim;
  // Shorter pairs first, so that a longer one can be split into pairs of joined words too.
  pairs.sort((p, q) => p.x.end - p.x.start + p.y.end - p.y.start - (q.x.end - q.x.start + q.y.end - q.y.start));
  for (const { x, y, match } of pairs) {
    let splits = false;
    for (let i = x.start + 1; i < x.end && !splits; i++) {
      for (let j = y.start + 1; j < y.end && !splits; j++)
        splits = has(x.start, i, y.start, j, match.sim) && has(i, x.end, j, y.end, match.sim);
    }
    // Either way the pair is found: as a whole, or as the pairs it splits into.
    found.set(spanPairKey(x.start, x.end - x.start, y.start, y.end - y.start), match.sim);
    if (splits) continue;
    candidates.push({
      a: range(x.start, x.end),
      b: range(y.start, y.end),
      sim: match.sim,
      how: match.how,
      read: match.read,
      weight: x.weight + y.weight,
    });
  }
}

/** Order class in the greedy alignment: words against words 2, an initial against words 1, else 0. */
function rankOf(c: Candidate, a: PreparedName, b: PreparedName): number {
  let word = false;
  let initial = false;
  for (const i of c.a) {
    const kind = a.tokens[i]!.kind;
    word ||= kind === 'name' || kind === 'number';
    initial ||= kind === 'initial';
  }
  for (const j of c.b) {
    const kind = b.tokens[j]!.kind;
    word ||= kind === 'name' || kind === 'number';
    initial ||= kind === 'initial';
  }
  return word ? (initial ? 1 : 2) : 0;
}

function byRank(x: Candidate, y: Candidate): number {
  return y.rank! - x.rank! || y.sim - x.sim || y.weight - x.weight;
}

export function alignmentCandidates(a: PreparedName, b: PreparedName): Candidate[] {
  const candidates: Candidate[] = [];
  for (let i = 0; i < a.tokens.length; i++) {
    for (let j = 0; j < b.tokens.length; j++) {
      const match = tokenSimilarity(a.tokens[i]!, b.tokens[j]!);
      if (match.sim > 0)
        candidates.push({
          a: [i],
          b: [j],
          sim: match.sim,
          how: match.how,
          few: match.few,
          read: match.read,
          weight: a.tokens[i]!.weight + b.tokens[j]!.weight,
        });
    }
  }
  pushJoined(candidates, a, b, false);
  pushJoined(candidates, b, a, true);
  if (a.spans.length && b.spans.length) pushSpanPairs(candidates, a, b);
  // Greedy alignment, best first: words against words, then initials against words, then pairs of
  // particles or legal forms only. So the initial `a` does not take `aleksander` from `alexander`,
  // and the particle `al` of one name does not take the `al` a joined `abd al-karim` ~ `عبدالكريم` needs.
  for (const c of candidates) c.rank = rankOf(c, a, b);
  return candidates.sort(byRank);
}
