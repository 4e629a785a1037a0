/**
 * The name index against the brute force (every pair scored): the same hits with the same scores,
 * and at least `moreThan` of them, so that an empty result cannot pass.
 */
import { expect } from 'vitest';
import type { RegisterRecord } from '../../functions/core/records.ts';
import { screen, screenAllPairs, type NameToScreen } from '../../functions/match/screen.ts';

export function expectIndexAgreesWithBruteForce(
  watchlist: readonly (string | NameToScreen)[],
  records: readonly RegisterRecord[],
  threshold: number,
  moreThan: number,
): void {
  const indexed = screen(watchlist, records, threshold);
  const brute = screenAllPairs(watchlist, records, threshold);
  expect(brute.length).toBeGreaterThan(moreThan);
  expect(indexed.map((h) => [h.recordId, h.watchlistIndex, h.score])).toEqual(
    brute.map((h) => [h.recordId, h.watchlistIndex, h.score]),
  );
}
