import { describe, expect, it } from 'vitest';
import type { ExtraFields } from '../../../functions/core/records.ts';
import {
  ISO_DATE,
  clean,
  headerColumns,
  joinParts,
  putExtra,
  uniqueNonEmpty,
  withNote,
} from '../../../functions/sources/helpers.ts';

describe('source helpers', () => {
  it('cleans text as cleanText does, and an absent or empty value to ""', () => {
    expect([clean('  Nordlicht \n  GmbH '), clean(''), clean(undefined)]).toEqual(['Nordlicht GmbH', '', '']);
  });

  it('joins the non-empty parts and puts a note in parentheses', () => {
    expect(joinParts(['Main St 1', '', 'Lisbon'])).toBe('Main St 1, Lisbon');
    expect(joinParts(['A', '', 'B'], ' ')).toBe('A B');
    expect([withNote('passport 1', 'expired'), withNote('', 'expired'), withNote('passport 1', '')]).toEqual([
      'passport 1 (expired)',
      'expired',
      'passport 1',
    ]);
  });

  it('puts only extra fields with a value, copying lists', () => {
    const extra: ExtraFields = {};
    const list = ['a'];
    putExtra(extra, 'empty', '');
    putExtra(extra, 'none', []);
    putExtra(extra, 'absent', undefined);
    putExtra(extra, 'text', 'x');
    putExtra(extra, 'list', list);
    list.push('b');

    expect(extra).toEqual({ text: 'x', list: ['a'] });
  });

  it('keeps each non-empty value once, in first-seen order', () => {
    expect(uniqueNonEmpty(['b', '', 'a', 'b'])).toEqual(['b', 'a']);
  });

  it('accepts yyyy-mm-dd only as an ISO date', () => {
    expect(['2024-05-02', '2024-5-2', '02/05/2024', '2024-05-02T00:00'].map((d) => ISO_DATE.test(d))).toEqual([
      true,
      false,
      false,
      false,
    ]);
  });

  it('indexes the header columns, refusing a missing one and warning of the unread ones', () => {
    const warnings: string[] = [];
    const fail = (reason: string): Error => new Error(reason);

    expect(headerColumns([' b', 'extra', 'a '], ['a', 'b'], (m) => warnings.push(m), fail)).toEqual([2, 0]);
    expect(warnings).toEqual(['columns not read: extra']);
    expect(() => headerColumns(['a'], ['a', 'b'], () => undefined, fail)).toThrow('unknown layout: header lacks b');
  });
});
