import { expectIndexAgreesWithBruteForce } from '../../helpers/index-agreement.ts';
import { describe, expect, it } from 'vitest';
import type { RecordKind, RegisterRecord } from '../../../functions/core/records.ts';
import { NameIndex } from '../../../functions/match/name-index.ts';
import { prepareName } from '../../../functions/match/prepare.ts';
import { screen, screenAllPairs } from '../../../functions/match/screen.ts';

function record(
  id: string,
  kind: RecordKind,
  name: string,
  aliases: string[] = [],
  countries: string[] = [],
): RegisterRecord {
  return {
    id,
    source: 'test',
    list: 'test',
    kind,
    name,
    aliases,
    countries,
    addresses: [],
    programs: [],
    links: [],
    extra: {},
  };
}

// Invented names, with the variations screening has to survive.
const RECORDS: RegisterRecord[] = [
  record('1', 'organization', 'Zelmora Trading LLC', ['OOO Zelmora Trading']),
  record('2', 'organization', 'Velgorodneft', ['Velgorod Neft PJSC']),
  record('3', 'organization', 'Bank Sepehr Arvand'),
  record('4', 'organization', 'Bank Sepahan'),
  record('5', 'person', 'WIELGORSKI, Tomasz Andrzej', [], ['PL']),
  record('6', 'person', 'Анатолий Брежвин'),
  record('7', 'vessel', 'Silver Kestrel'),
  record('8', 'organization', 'Karamay Nexus Technologies Co., Ltd.'),
  record('9', 'person', 'Muhammad Qasim Rehmatullah', ['Abu Qasim']),
  record('10', 'organization', 'Nightjar Aviation FZE'),
];

const WATCHLIST = [
  'Zelmora Trading',
  'ZELMORA TRADNIG L.L.C.',
  'Velgorod Neft',
  'Sepehr Arvand Bank',
  'T. Wielgorski',
  'Tomasz Wielgorsky',
  'Anatoliy Brezhvin',
  { name: 'Silver Kestrel', schema: 'Person' },
  { name: 'Silver Kestrel', schema: 'Vessel' },
  'KaramayNexus Tech',
  'Mohammed Qassim Rehmatullah',
  'Nightjar Aviation Free Zone Establishment',
  'Hua Wei',
  'Unrelated Holdings',
];

describe('screen', () => {
  it('finds the same hits as the brute force on a test set', () => {
    const indexed = screen(WATCHLIST, RECORDS, 0.7);
    const brute = screenAllPairs(WATCHLIST, RECORDS, 0.7);
    expect(indexed.length).toBeGreaterThanOrEqual(10);
    expect(indexed.map((h) => [h.recordId, h.watchlistIndex, h.score])).toEqual(
      brute.map((h) => [h.recordId, h.watchlistIndex, h.score]),
    );
  });

  it('reports the matching names, the score and the explanation', () => {
    const hits = screen(WATCHLIST, RECORDS);
    const velgorod = hits.find((h) => h.watchlistName === 'Velgorod Neft');
    expect(velgorod).toMatchObject({ recordId: '2' });
    expect(velgorod!.score).toBeGreaterThanOrEqual(0.9);
    expect(velgorod!.explanation.join('\n')).toMatch(/joined/);
    expect(hits.some((h) => h.recordId === '4')).toBe(false);
  });

  it('does not match a watchlisted person to a vessel of the same name', () => {
    const hits = screen(WATCHLIST, RECORDS).filter((h) => h.recordId === '7');
    expect(hits.map((h) => h.watchlistIndex)).toEqual([8]);
  });
});

describe('NameIndex', () => {
  it('scores a query against candidates only, not against every indexed name', () => {
    const index = new NameIndex();
    for (let i = 0; i < 500; i++) index.add(prepareName(`Filler Company Number${i} Zeta${i}`));
    index.add(prepareName('Zelmora Trading LLC'));
    const candidates = index.candidates(prepareName('Zelmora Tradnig'));
    expect(candidates).toEqual([500]);
  });

  it('finds joined, abbreviated and misspelt names through their keys', () => {
    const index = new NameIndex();
    const names = ['Velgorodneft', 'Karamay Nexus Technologies', 'Baltrex Shipping', 'Muhammad Rehmatullah'];
    for (const name of names) index.add(prepareName(name));
    expect(index.search(prepareName('Velgorod Neft')).map((m) => m.index)).toEqual([0]);
    expect(index.search(prepareName('KaramayNexus Tech')).map((m) => m.index)).toEqual([1]);
    expect(index.search(prepareName('Batlrex Shipping')).map((m) => m.index)).toEqual([2]);
    expect(index.search(prepareName('Mohammed Rehmatulla')).map((m) => m.index)).toEqual([3]);
  });

  it('does not bring the names a frequent word alone shares with a longer query, but does for that word alone', () => {
    const index = new NameIndex();
    for (let i = 0; i < 20; i++) index.add(prepareName(`Trading Name${String.fromCharCode(97 + i)}q`));
    index.add(prepareName('Zelmora Trading'));
    // `Zelmora Trading` against `Trading Nameaq`: at most half the words match, below any useful threshold.
    expect(index.candidates(prepareName('Zelmora Trading'))).toEqual([20]);
    expect(index.candidates(prepareName('Trading')).length).toBe(21);
  });

  it('finds a name written in Arabic script for its romanization, and the other way round', () => {
    const index = new NameIndex();
    index.add(prepareName('عبد الرحمن محمود الحداد', 'person'));
    index.add(prepareName('Abdul Rahman Mahmoud al-Haddad', 'person'));
    index.add(prepareName('Samir Salim al-Haddad', 'person'));
    expect(index.search(prepareName('Abd al-Rahman Mahmud Haddad', 'person')).map((m) => m.index)).toEqual([1, 0]);
    expect(index.search(prepareName('عبدالرحمن محمود الحداد', 'person')).map((m) => m.index)).toContain(1);
  });

  it('scores every name below the threshold where blocking is exact (0.55)', () => {
    const index = new NameIndex();
    index.add(prepareName('Zelmora Trading'));
    index.add(prepareName('Kestrovo Logistics'));
    index.add(prepareName('Silver Kestrel', 'vessel'));
    expect(index.candidates(prepareName('Unrelated', 'organization'), 0.5)).toEqual([0, 1]);
  });
});

describe('screen against screenAllPairs', () => {
  // Invented names with what blocking has to keep: two typos in a long word, joined and split words,
  // abbreviations, initials, plurals, transliterations, Arabic script, acronyms, reordered words.
  const records: RegisterRecord[] = [
    record('a', 'organization', 'Velgorodneftegaz Holding', ['Velgorod Neftegaz']),
    record('b', 'person', 'HADDAD, Karim Saleh', ['كريم صالح الحداد']),
    record('c', 'person', 'Abd al-Rahman Yusuf al-Kurdi'),
    record('d', 'organization', 'Karamay Nexus Technologies Co., Ltd.'),
    record('e', 'organization', 'Varnholt Logistics Bureau (VLB)'),
    record('f', 'person', 'Tomasz Andrzej Wielgorski', [], ['PL']),
    record('g', 'organization', 'Arkhona Petrochem Industries'),
    record('h', 'vessel', 'Ocean Varanus 7'),
    record('i', 'person', 'Mohammed Qassim Rehmatullah'),
    record('j', 'organization', 'Baltrex International Shipping'),
    record('k', 'person', 'عائشة إبراهيم داود', ['عبد الرحمن يوسف الكردي']),
  ];
  const watchlist = [
    'Velgorodneftegas Holding',
    'Velgorod Neftegaz Holdings',
    'Karim Haddad',
    'Kareem Saleh al-Haddad',
    'عبد الرحمن يوسف الكردي',
    'Abdulrahman Yusuf Kurdi',
    'KaramayNexus Tech',
    'Varnholt Logistics Bureau',
    'T. A. Wielgorski',
    { name: 'Wielgorski Tomasz', countries: ['PL'] },
    'Arkhona Petrochem Industry',
    { name: 'Ocean Varanus 7', schema: 'Vessel' },
    'Muhammad Qasim Rehmatulla',
    'Baltrex Intl Shipping',
    'Intermational Shipping Baltrex',
    'عايشه ابراهيم داوود',
    'عبدالرحمان يوسف الكردي',
    'Unrelated Holdings',
  ];

  it.each([0.6, 0.7, 0.8, 0.9])('finds the same hits with the same scores at threshold %s', (threshold) => {
    expectIndexAgreesWithBruteForce(watchlist, records, threshold, 5);
  });
});

describe('screen against screenAllPairs with common extra words', () => {
  // score.ts lets a country, demonym or generic word of the longer name cost little and raises a
  // pair whose longer name adds only such words to the threshold: the index's bound must follow.
  const records: RegisterRecord[] = [
    record('m', 'organization', 'BANK MELLI IRAN'),
    record('n', 'organization', 'BANK MELLAT'),
    record('r', 'organization', 'OPEN JOINT-STOCK COMPANY ROSNEFT OIL COMPANY', ['ROSNEFT OIL COMPANY'], ['RU']),
    record('s', 'organization', 'PUBLIC JOINT STOCK COMPANY SBERBANK OF RUSSIA', ['SBERBANK OF RUSSIA'], ['RU']),
    record('t', 'organization', 'Tavrenko Russian Oil and Gas Group Company'),
    record('u', 'organization', 'Dalmora'),
    record('g', 'organization', 'GAZPROMBANK', ['GAZPROM NEFT']),
  ];
  const watchlist = [
    'Bank Melli',
    'Bank Meli',
    'Rosneft',
    { name: 'Rosneft', schema: 'Company', countries: ['RU'] },
    'Sberbnak',
    { name: 'Sberbank', schema: 'Company', countries: ['CY'] },
    'Tavrenko',
    'Tavrenko Oil',
    { name: 'Dalmora Bank of the United Arab Emirates', schema: 'Company' },
    'Gazprom',
    'Bank Mellat Iran',
  ];

  it.each([0.6, 0.7, 0.75, 0.8, 0.85])('finds the same hits with the same scores at threshold %s', (threshold) => {
    expectIndexAgreesWithBruteForce(watchlist, records, threshold, 3);
  });

  it('keeps a name whose longer counterpart adds many common words (raised to the threshold)', () => {
    const hits = screen(watchlist, records).map((h) => `${h.recordId}:${h.watchlistName}`);
    expect(hits).toEqual(
      expect.arrayContaining([
        'm:Bank Melli',
        'm:Bank Meli',
        'r:Rosneft',
        's:Sberbnak',
        't:Tavrenko',
        'u:Dalmora Bank of the United Arab Emirates',
      ]),
    );
    // `Bank Mellat Iran` is Bank Mellat with its country: a hit on `n`, never on Bank Melli.
    expect(hits).toContain('n:Bank Mellat Iran');
    expect(
      hits.filter((h) => h.startsWith('g:') || ['n:Bank Melli', 'n:Bank Meli', 'm:Bank Mellat Iran'].includes(h)),
    ).toEqual([]);
  });
});
