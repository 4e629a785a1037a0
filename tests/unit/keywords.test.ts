import { describe, expect, it } from 'vitest';
import { messageAttributes } from '../../functions/core/events.ts';
import { normalizeKeywordText } from '../../functions/core/keyword-text.ts';
import { createKeywordMatcher, keywordMatches } from '../../functions/core/keywords.ts';
import { snsMessage } from '../../functions/delivery/sns-publisher.ts';
import type { RegisterRecord } from '../../functions/core/records.ts';
import { changeEvent, healthEvent, registerRecord } from '../helpers/change-events.ts';

const csl = (id: string, name: string, more: Partial<RegisterRecord> = {}) =>
  registerRecord({ id, source: 'us-trade-csl', list: 'Entity List', name, ...more });

describe('normalizeKeywordText', () => {
  it('drops case, diacritics and punctuation', () => {
    expect(normalizeKeywordText('  Société Générale S.A.  ')).toBe('societe generale s a');
    expect(normalizeKeywordText('ŞİRKET Straße, Øresund-Łódź')).toBe('sirket strasse oresund lodz');
  });
});

describe('keywordMatches', () => {
  const subscribers = [
    { id: 'semis', filters: { keywords: ['Semiconductor'] } },
    { id: 'banks', filters: { keywords: ['societe generale', 'bank melli'] } },
    { id: 'arms', filters: { keywords: ['arms'] } },
    { id: 'no-keywords', filters: {} },
  ];

  it('finds a keyword in an alias, ignoring case', () => {
    const event = changeEvent(
      'added',
      csl('EL:1', 'Lumora Microsystems Co., Ltd.', { aliases: ['Lumora SEMICONDUCTOR'] }),
    );
    expect(keywordMatches(event, subscribers)).toEqual(['semis']);
  });

  it('ignores diacritics and punctuation on both sides', () => {
    const event = changeEvent(
      'added',
      registerRecord({ id: '9', source: 'us-ofac-sdn', list: 'SDN', name: 'SOCIÉTÉ-GÉNÉRALE D’IMPORT' }),
    );
    expect(keywordMatches(event, subscribers)).toEqual(['banks']);
  });

  it('looks at remarks and programs, and at the record before a removal or a change', () => {
    expect(
      keywordMatches(
        changeEvent('added', csl('EL:2', 'Quenvale Photonics', { remarks: 'Also supplies semiconductor fabs.' })),
        subscribers,
      ),
    ).toEqual(['semis']);
    expect(
      keywordMatches(
        changeEvent(
          'removed',
          registerRecord({ id: '7', source: 'us-ofac-sdn', list: 'SDN', name: 'X', programs: ['BANK MELLI-EO'] }),
        ),
        subscribers,
      ),
    ).toEqual(['banks']);
    const before = csl('EL:3', 'Delta Semiconductor Ltd');
    expect(
      keywordMatches(changeEvent('modified', before, { ...before, name: 'Delta Micro Ltd' }), subscribers),
    ).toEqual(['semis']);
  });

  it('matches a keyword at the start of a word only', () => {
    expect(keywordMatches(changeEvent('added', csl('EL:4', 'Armstrong Precision')), subscribers)).toEqual(['arms']);
    expect(keywordMatches(changeEvent('added', csl('EL:5', 'Northern Farms Cooperative')), subscribers)).toEqual([]);
  });

  it('matches inside a word in scripts written without spaces', () => {
    const event = changeEvent('added', csl('EL:6', 'Lumora', { aliases: ['上海半导体有限公司'] }));
    expect(keywordMatches(event, [{ id: 'zh', filters: { keywords: ['半导体'] } }])).toEqual(['zh']);
  });

  it('lists every subscriber that matched, in the subscribers order, and none for a health event', () => {
    const event = changeEvent('added', csl('EL:7', 'Arms Semiconductor Trading'));
    expect(createKeywordMatcher(subscribers)(event)).toEqual(['semis', 'arms']);
    expect(keywordMatches(healthEvent('us-trade-csl'), subscribers)).toEqual([]);
  });
});

describe('messageAttributes and snsMessage with matched keywords', () => {
  it('send the matched subscriber ids as the String.Array attribute matchedKeywords', () => {
    const event = changeEvent('added', csl('EL:8', 'Lumora', { countries: ['CN', 'HK'], programs: ['EAR'] }));
    const message = snsMessage(event, ['semis', 'arms']);
    expect(message.MessageAttributes!.matchedKeywords).toEqual({
      DataType: 'String.Array',
      StringValue: '["semis","arms"]',
    });
    expect(message.MessageAttributes!.countries).toEqual({ DataType: 'String.Array', StringValue: '["CN","HK"]' });
  });

  it('leave matchedKeywords out when no keyword matched, and stay within the 10 attributes SNS allows', () => {
    const event = changeEvent('added', csl('EL:9', 'Lumora', { countries: ['CN'], programs: ['EAR'] }));
    expect(messageAttributes(event)).not.toHaveProperty('matchedKeywords');
    const full = messageAttributes(event, ['semis']);
    expect(Object.keys(full).sort()).toEqual([
      'announced',
      'changeType',
      'countries',
      'eventType',
      'list',
      'matchedKeywords',
      'programs',
      'source',
      'topics',
    ]);
    expect(Object.keys(full).length).toBeLessThanOrEqual(10);
  });

  it('never cut the matched ids, since a missing id would drop that subscriber’s alert', () => {
    const ids = Array.from({ length: 120 }, (_, i) => `subscriber-${i}`);
    const attribute = messageAttributes(changeEvent('added', csl('EL:10', 'Lumora')), ids).matchedKeywords!;
    expect(JSON.parse(attribute.StringValue)).toEqual(ids);
  });
});
