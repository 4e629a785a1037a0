import { describe, expect, it } from 'vitest';
import { chunkBySize } from '../../functions/core/concurrency.ts';

describe('chunkBySize', () => {
  it('keeps the order and cuts before the group would pass the byte budget or the count', () => {
    expect(chunkBySize([3, 3, 3, 5, 1], (n) => n, 6)).toEqual([[3, 3], [3], [5, 1]]);
    expect(chunkBySize([1, 1, 1, 1, 1], (n) => n, 100, 2)).toEqual([[1, 1], [1, 1], [1]]);
  });

  it('gives an item larger than the budget a group of its own, and nothing for nothing', () => {
    expect(chunkBySize([2, 9, 2], (n) => n, 4)).toEqual([[2], [9], [2]]);
    expect(chunkBySize([], (n: number) => n, 4)).toEqual([]);
  });
});
