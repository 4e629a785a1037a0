import { describe, expect, it } from 'vitest';
import { countryCode } from '../../../functions/core/countries.ts';
import { COUNTRY_SPELLINGS, commonWordMarks, isCommonWord } from '../../../functions/match/common-words.ts';

describe('commonWordMarks', () => {
  it('marks countries, demonyms and generic words, whole runs for country names of several words', () => {
    expect(commonWordMarks(['bank', 'melli', 'iran'])).toEqual([true, false, true]);
    expect(commonWordMarks(['dalmora', 'united', 'arab', 'emirates'])).toEqual([false, true, true, true]);
    expect(commonWordMarks(['united', 'steel'])).toEqual([false, false]);
    expect(commonWordMarks(['chinese', 'qingmei', 'russian', 'federation'])).toEqual([true, false, true, true]);
  });

  it('leaves out words that usually name another party of a group', () => {
    for (const word of ['holding', 'trading', 'international', 'neft', 'leasing'])
      expect(isCommonWord(word)).toBe(false);
  });

  it('knows the spellings it adds as countries (countries.ts)', () => {
    for (const spelling of COUNTRY_SPELLINGS) expect(countryCode(spelling), spelling).toBeDefined();
  });
});
