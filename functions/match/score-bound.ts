/**
 * The score bound of the blocking index: from which words of two names have a counterpart (as bit
 * masks), the most score.ts can give the pair, so that a name that cannot reach the threshold is
 * never scored.
 */
import type { PreparedName, PreparedSpan } from './prepare.ts';
import { COMMON_EXTRA_WEIGHT } from './score.ts';

/** Token positions from here on share the last bit of a name's mask (names of 31+ tokens). */
export const LAST_BIT = 30;
export const bit = (position: number): number => 1 << Math.min(position, LAST_BIT);
export const spanBits = (span: PreparedSpan): number => {
  let mask = 0;
  for (let i = span.start; i < span.end; i++) mask |= bit(i);
  return mask;
};

/** Mask of the bits 0..LAST_BIT. */
export const ALL_BITS = 2 ** (LAST_BIT + 1) - 1;

/** A name's bits (see `bit`) for score.ts's common-extra-words rule. */
export interface NameBits {
  /** Bits of its name words and numbers. */
  words: number;
  /** Bits of its name words and numbers that are not common words (common-words.ts). */
  uncommon: number;
  /** Per bit, the weight a common word there may shed (its weight less COMMON_EXTRA_WEIGHT). */
  saving: Float64Array;
}

export function nameBits(name: PreparedName): NameBits {
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
export function commonSaving(bits: NameBits, hits: number): number {
  return maskWeight(bits.saving, ~hits & ALL_BITS);
}

/**
 * Whether score.ts may raise the pair to DEFAULT_THRESHOLD: `shorter` has a distinctive word and
 * every word with a counterpart, and every word of the other name without one is a common word.
 */
export function mayRaise(
  shorter: PreparedName,
  shorterBits: NameBits,
  shorterHits: number,
  longerBits: NameBits,
  longerHits: number,
): boolean {
  return shorter.distinctive && (shorterBits.words & ~shorterHits) === 0 && (longerBits.uncommon & ~longerHits) === 0;
}

export function maskWeight(weights: Float64Array, mask: number): number {
  let sum = 0;
  for (let m = mask, i = 0; m !== 0; m >>>= 1, i++) if (m & 1) sum += weights[i]!;
  return sum;
}

/**
 * The most score.ts can give a pair whose matched words weigh at most `hitA` of `totalA` and `hitB`
 * of `totalB`: the weighted Dice share, lifted halfway to the better coverage (the middle-name rule
 * blends at most half), plus the country bonus.
 */
export function scoreBound(hitA: number, totalA: number, hitB: number, totalB: number, countries: boolean): number {
  if (totalA <= 0 || totalB <= 0) return 0;
  const dice = (hitA + hitB) / (totalA + totalB);
  const cover = Math.max(hitA / totalA, hitB / totalB);
  return Math.max(dice, (dice + cover) / 2) + (countries ? 0.03 : 0) + 1e-9;
}
