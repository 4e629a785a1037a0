import { describe, expect, it } from 'vitest';
import { SourceHealthError } from '../../functions/core/errors.ts';
import { guardTruncation, tailOf } from '../../functions/run/guard.ts';
import type { RegisterSource } from '../../functions/sources/types.ts';

const register = {
  id: 'toy-register',
  kind: 'register',
  expectedRecords: { min: 1, max: 1000, maxDropFraction: 0.1 },
} as unknown as RegisterSource;
const tail = ['r91', 'r92', 'r93', 'r94', 'r95', 'r96', 'r97', 'r98', 'r99', 'r100'];

describe('guardTruncation', () => {
  it('holds a version whose removals are the stored tail and which ends where the tail began', () => {
    expect(() => guardTruncation(register, ['r99', 'r100', 'r98'], tail, 'r97', {}, 'list.csv')).toThrow(
      SourceHealthError,
    );
  });

  it('passes removals that are not the tail', () => {
    expect(() => guardTruncation(register, ['r50', 'r100'], tail, 'r99', {}, 'list.csv')).not.toThrow();
  });

  it('passes a tail removed while new records were appended after it', () => {
    expect(() => guardTruncation(register, ['r99', 'r100'], tail, 'r101', {}, 'list.csv')).not.toThrow();
  });

  it('passes one removal, an accepted drop, a feed, and a source without a stored tail', () => {
    expect(() => guardTruncation(register, ['r100'], tail, 'r99', {}, 'f')).not.toThrow();
    expect(() => guardTruncation(register, ['r99', 'r100'], tail, 'r98', { acceptDrop: true }, 'f')).not.toThrow();
    expect(() =>
      guardTruncation({ ...register, kind: 'feed' } as RegisterSource, ['r99', 'r100'], tail, 'r98', {}, 'f'),
    ).not.toThrow();
    expect(() => guardTruncation(register, ['r99', 'r100'], undefined, 'r98', {}, 'f')).not.toThrow();
  });
});

describe('tailOf', () => {
  it('keeps the last records in document order, enough to cover the drop bound', () => {
    const manifest = new Map(Array.from({ length: 2000 }, (_, i) => [`r${i}`, 'h'] as [string, string]));
    const kept = tailOf(register, manifest);
    expect(kept).toHaveLength(202);
    expect(kept.at(-1)).toBe('r1999');
    expect(kept[0]).toBe('r1798');
  });
});
