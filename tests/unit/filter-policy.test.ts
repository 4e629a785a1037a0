import { describe, expect, it } from 'vitest';
import { matchesFilterPolicy, policyComplexity, type FilterPolicy } from '../../functions/core/filter-policy.ts';
import { emulatorFilterPolicy } from '../../functions/local/subscriptions.ts';

const text = (value: string) => ({ DataType: 'String', StringValue: value });
const array = (...values: string[]) => ({ DataType: 'String.Array', StringValue: JSON.stringify(values) });

describe('matchesFilterPolicy (SNS semantics)', () => {
  it('matches a String.Array attribute when any element is an accepted value', () => {
    const policy = { countries: ['CN'] };
    expect(matchesFilterPolicy(policy, { countries: array('RU', 'CN') })).toBe(true);
    expect(matchesFilterPolicy(policy, { countries: array('RU', 'HK') })).toBe(false);
  });

  it('compares a String attribute whole, and case-sensitively', () => {
    expect(matchesFilterPolicy({ list: ['Entity List'] }, { list: text('Entity List') })).toBe(true);
    expect(matchesFilterPolicy({ list: ['Entity List'] }, { list: text('entity list') })).toBe(false);
    expect(matchesFilterPolicy({ list: ['Entity'] }, { list: text('Entity List') })).toBe(false);
  });

  it('requires every key, and never matches a missing attribute', () => {
    const policy = { changeType: ['added'], countries: ['CN'] };
    expect(matchesFilterPolicy(policy, { changeType: text('added'), countries: array('CN') })).toBe(true);
    expect(matchesFilterPolicy(policy, { changeType: text('removed'), countries: array('CN') })).toBe(false);
    expect(matchesFilterPolicy(policy, { changeType: text('added') })).toBe(false);
  });

  it('matches when any $or branch does, with the keys beside $or still required', () => {
    const policy: FilterPolicy = {
      source: ['us-trade-csl'],
      $or: [{ changeType: ['added'], list: ['Entity List'] }, { changeType: ['health'] }],
    };
    expect(matchesFilterPolicy(policy, { source: text('us-trade-csl'), changeType: text('health') })).toBe(true);
    expect(
      matchesFilterPolicy(policy, {
        source: text('us-trade-csl'),
        changeType: text('added'),
        list: text('Entity List'),
      }),
    ).toBe(true);
    expect(
      matchesFilterPolicy(policy, { source: text('us-trade-csl'), changeType: text('added'), list: text('SDN') }),
    ).toBe(false);
    expect(matchesFilterPolicy(policy, { source: text('us-ofac-sdn'), changeType: text('health') })).toBe(false);
  });

  it('does not match a String.Array attribute that is not a JSON array', () => {
    expect(
      matchesFilterPolicy({ countries: ['CN'] }, { countries: { DataType: 'String.Array', StringValue: 'CN' } }),
    ).toBe(false);
  });
});

describe('policyComplexity', () => {
  it('multiplies the value counts, sums $or branches, and counts each attribute name once', () => {
    expect(policyComplexity({ changeType: ['added', 'removed'], countries: ['CN', 'HK', 'RU'] })).toEqual({
      attributeNames: ['changeType', 'countries'],
      combinations: 6,
    });
    expect(
      policyComplexity({
        source: ['a', 'b'],
        $or: [{ changeType: ['added'], list: ['x', 'y', 'z'] }, { changeType: ['health'] }],
      }),
    ).toEqual({ attributeNames: ['source', 'changeType', 'list'], combinations: 8 });
  });
});

describe('emulatorFilterPolicy', () => {
  it('keeps the single-valued keys fauxqs matches as SNS does, in every $or branch', () => {
    expect(
      emulatorFilterPolicy({ source: ['s'], changeType: ['added'], countries: ['CN'], matchedKeywords: ['k'] }),
    ).toEqual({ source: ['s'], changeType: ['added'] });
    expect(
      emulatorFilterPolicy({
        $or: [{ changeType: ['added'], list: ['SDN'], programs: ['P'] }, { changeType: ['health'] }],
      }),
    ).toEqual({ $or: [{ changeType: ['added'], list: ['SDN'] }, { changeType: ['health'] }] });
  });

  it('drops an $or whose branch would be left empty, since that branch accepts everything', () => {
    expect(emulatorFilterPolicy({ source: ['s'], $or: [{ countries: ['CN'] }, { changeType: ['health'] }] })).toEqual({
      source: ['s'],
    });
    expect(emulatorFilterPolicy({ countries: ['CN'] })).toBeUndefined();
  });
});
