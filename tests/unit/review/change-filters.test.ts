import { describe, expect, it } from 'vitest';
import { buildChangeEvent } from '../../../functions/core/events.ts';
import type { RegisterRecord } from '../../../functions/core/records.ts';
import { changeMatches, readFilters } from '../../../functions/review/changes-view.ts';

const record: RegisterRecord = {
  id: '1',
  source: 'us-ofac-sdn',
  list: 'SDN',
  kind: 'person',
  name: 'Jürgen MÜLLER',
  aliases: ['Juergen Mueller'],
  countries: ['DE'],
  addresses: [],
  programs: ['RUSSIA-EO14024'],
  topics: ['sanctions'],
  links: [],
  extra: {},
};
const event = buildChangeEvent(
  { id: 'us-ofac-sdn', title: 'SDN', homepage: 'https://ofac.treasury.gov' },
  { type: 'added', id: '1', name: record.name, list: 'SDN', after: record, newHash: 'h' },
  'base',
  '2026-06-01T00:00:00.000Z',
);
const sources = [{ id: 'us-ofac-sdn', title: 'SDN' }];
const matches = (query: string) => changeMatches(readFilters(new URLSearchParams(query), sources).filters)(event);

describe('change filters', () => {
  it('finds a name or alias without regard to case or accents', () => {
    expect(matches('q=muller')).toBe(true);
    expect(matches('q=juergen')).toBe(true);
    expect(matches('q=schmidt')).toBe(false);
  });

  it('selects by list, change type, country, program and topic', () => {
    expect(matches('list=sdn&type=added&country=de&program=russia-eo14024&topic=sanctions')).toBe(true);
    expect(matches('type=removed')).toBe(false);
    expect(matches('country=FR')).toBe(false);
    expect(matches('program=IRAN')).toBe(false);
    expect(matches('topic=export-control')).toBe(false);
    expect(matches('list=Entity List')).toBe(false);
  });

  it('names what is wrong with a filter', () => {
    const { problems } = readFilters(new URLSearchParams('source=nope&type=gone&from=2026-13-45'), sources);

    expect(problems).toEqual([
      'There is no source "nope".',
      'The change type is added, removed or modified.',
      'The start date is a date (YYYY-MM-DD).',
    ]);
  });
});
