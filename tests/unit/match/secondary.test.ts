import { describe, expect, it } from 'vitest';
import type { RegisterRecord } from '../../../functions/core/records.ts';
import {
  IdentifierColumnError,
  WEAK_ALIAS_CAP,
  adjustScore,
  compareBirthDate,
  imoChecksumValid,
  leiChecksumValid,
  nationalityCodes,
  parseBirthDateColumn,
  parseIdentifierColumn,
  parseListedBirthDate,
  recordSecondary,
  sameIdentifier,
} from '../../../functions/match/secondary.ts';
import { WatchlistScreener } from '../../../functions/watchlist/screening.ts';
import { watchlistEntries } from '../../../functions/watchlist/file.ts';

function record(overrides: Partial<RegisterRecord> & Pick<RegisterRecord, 'id' | 'name'>): RegisterRecord {
  return {
    source: 'test',
    list: 'SDN',
    kind: 'person',
    aliases: [],
    countries: [],
    addresses: [],
    programs: [],
    links: [],
    ...overrides,
  } as RegisterRecord;
}

describe('parseListedBirthDate', () => {
  it.each([
    // OFAC
    ['12 Jan 1958', { from: 1958, to: 1958, month: 1, day: 12, approximate: false }],
    ['Sep 1938', { from: 1938, to: 1938, month: 9, approximate: false }],
    ['1951 to 1953', { from: 1951, to: 1953, approximate: true }],
    ['01 Jan 1961 to 31 Dec 1962', { from: 1961, to: 1962, approximate: true }],
    ['circa 1951', { from: 1951, to: 1951, approximate: true }],
    ['circal/1951', { from: 1951, to: 1951, approximate: true }],
    ['circa 1979-1982', { from: 1979, to: 1982, approximate: true }],
    // UK
    ['17/08/1958', { from: 1958, to: 1958, month: 8, day: 17, approximate: false }],
    ['00/00/1980', { from: 1980, to: 1980, approximate: false }],
    ['dd/mm/1945', { from: 1945, to: 1945, approximate: false }],
    ['00/05/1971', { from: 1971, to: 1971, month: 5, approximate: false }],
    // UN, CSL, EU
    ['1964-07-17', { from: 1964, to: 1964, month: 7, day: 17, approximate: false }],
    ['approximately 1966', { from: 1966, to: 1966, approximate: true }],
    ['Approximately 1955', { from: 1955, to: 1955, approximate: true }],
    ['between 1955 and 1958 (Approximately)', { from: 1955, to: 1958, approximate: true }],
    ['1958 (Sep.)', { from: 1958, to: 1958, month: 9, approximate: false }],
    ['Between Aug. and Sep. 1977', { from: 1977, to: 1977, approximate: false }],
    ['1957 (approximative)', { from: 1957, to: 1957, approximate: true }],
    ['1958 - 1963 (approximative)', { from: 1958, to: 1963, approximate: true }],
    ['1979-03-03 (from false passport)', { from: 1979, to: 1979, month: 3, day: 3, approximate: false }],
  ])('reads %s', (text, expected) => {
    expect(parseListedBirthDate(text)).toEqual({ ...expected, text });
  });

  it.each(['30-35 years old', '24/06/1402 (Hijri Calendar)', '', 'unknown'])('skips %j', (text) => {
    expect(parseListedBirthDate(text)).toBeUndefined();
  });
});

describe('parseBirthDateColumn', () => {
  it('reads YYYY, YYYY-MM and YYYY-MM-DD', () => {
    expect(parseBirthDateColumn('1958')).toMatchObject({ from: 1958, to: 1958 });
    expect(parseBirthDateColumn('1958-01')).toMatchObject({ from: 1958, month: 1 });
    expect(parseBirthDateColumn('1958-01-12')).toMatchObject({ from: 1958, month: 1, day: 12 });
  });

  it.each(['12/01/1958', '1958-13', '1958-02-30', '58', '2999', '12 Jan 1958'])('refuses %s', (text) => {
    expect(parseBirthDateColumn(text)).toBeUndefined();
  });
});

describe('compareBirthDate', () => {
  const given = (text: string) => parseBirthDateColumn(text)!;
  const listed = (text: string) => parseListedBirthDate(text)!;

  it('contradicts on another year, agrees on the same date, compares year-only dates by year', () => {
    expect(compareBirthDate(given('1958'), listed('12 Jan 1961'))).toBe('contradicts');
    expect(compareBirthDate(given('1961-01-12'), listed('12 Jan 1961'))).toBe('agrees');
    expect(compareBirthDate(given('1961'), listed('12 Jan 1961'))).toBe('agrees');
    expect(compareBirthDate(given('1961-05-02'), listed('1961'))).toBe('agrees');
  });

  it('gives circa dates and ranges a year of tolerance before contradicting', () => {
    expect(compareBirthDate(given('1952'), listed('circa 1951'))).toBe('neutral');
    expect(compareBirthDate(given('1953'), listed('circa 1951'))).toBe('contradicts');
    expect(compareBirthDate(given('1954'), listed('1951 to 1953'))).toBe('neutral');
    expect(compareBirthDate(given('1952'), listed('1951 to 1953'))).toBe('agrees');
    expect(compareBirthDate(given('1952'), listed('1952'))).toBe('agrees');
    expect(compareBirthDate(given('1953'), listed('1952'))).toBe('contradicts');
  });

  it('contradicts another month of the same year, and doubts another day or day and month swapped', () => {
    expect(compareBirthDate(given('1961-02-12'), listed('12 Jan 1961'))).toBe('contradicts');
    expect(compareBirthDate(given('1977-01-26'), listed('1977-10-20'))).toBe('contradicts');
    expect(compareBirthDate(given('1961-01-13'), listed('17/01/1961'))).toBe('neutral');
    expect(compareBirthDate(given('1961-04-03'), listed('04/03/1961'))).toBe('neutral');
    expect(compareBirthDate(given('1961-02-12'), listed('circa Jan 1961'))).toBe('neutral');
  });
});

describe('identifiers', () => {
  it('checks IMO and LEI check digits', () => {
    expect(imoChecksumValid('9187629')).toBe(true);
    expect(imoChecksumValid('9187628')).toBe(false);
    expect(leiChecksumValid('5493001KJTIIGC8Y1R12')).toBe(true);
    expect(leiChecksumValid('5493001KJTIIGC8Y1R13')).toBe(false);
  });

  it('reads the watchlist column: scheme optional, value folded', () => {
    expect(parseIdentifierColumn('imo:9187629')).toMatchObject({ scheme: 'imo', value: '9187629' });
    expect(parseIdentifierColumn('IMO 9187629')).toMatchObject({ scheme: 'imo', value: '9187629' });
    expect(parseIdentifierColumn('lei:5493001KJTIIGC8Y1R12')).toMatchObject({ scheme: 'lei' });
    expect(parseIdentifierColumn('passport: a-123 456.7')).toMatchObject({ scheme: 'passport', value: 'A1234567' });
    expect(parseIdentifierColumn('BE0403.170.701')).toEqual({ value: 'BE0403170701', text: 'BE0403.170.701' });
  });

  it.each([
    ['imo:9187628', /not an IMO number/],
    ['lei:5493001KJTIIGC8Y1R13', /not an LEI/],
    ['ssn:12345678', /unknown scheme "ssn"/],
    ['A12', /too short/],
  ])('refuses %s', (text, message) => {
    expect(() => parseIdentifierColumn(text)).toThrow(IdentifierColumnError);
    expect(() => parseIdentifierColumn(text)).toThrow(message);
  });

  it('compares values, and schemes only when both sides name one', () => {
    const listed = { scheme: 'passport' as const, value: 'A1234567', text: 'Passport A1234567' };
    expect(sameIdentifier(parseIdentifierColumn('A1234567'), listed)).toBe(true);
    expect(sameIdentifier(parseIdentifierColumn('passport:A1234567'), listed)).toBe(true);
    expect(sameIdentifier(parseIdentifierColumn('national-id:A1234567'), listed)).toBe(false);
  });
});

describe('nationalityCodes', () => {
  it('reads codes, country names and the demonyms the UK lists write, one or several in a cell', () => {
    expect(nationalityCodes('Afghan')).toEqual(['AF']);
    expect(nationalityCodes('IR')).toEqual(['IR']);
    expect(nationalityCodes('Iraq')).toEqual(['IQ']);
    expect(nationalityCodes('Yemeni')).toEqual(['YE']);
    expect(nationalityCodes('1) Uzbek 2) Afghan')).toEqual(['UZ', 'AF']);
    expect(nationalityCodes('a) Afghan b) Pakistani')).toEqual(['AF', 'PK']);
    expect(nationalityCodes('Bahrain (citizenship revoked in January 2015)')).toEqual(['BH']);
    expect(nationalityCodes('1) Saudi Arabia 2) Qatar')).toEqual(['SA', 'QA']);
    expect(nationalityCodes('DPRK')).toEqual(['KP']);
    expect(nationalityCodes('DRC and Belgian nationalities')).toEqual(['CD', 'BE']);
    expect(nationalityCodes('Kuwaiti citizenship withdrawn in 2002')).toEqual(['KW']);
    expect(nationalityCodes('United States of America. Also believed to hold Syrian nationality')).toEqual([
      'US',
      'SY',
    ]);
    expect(nationalityCodes('unknown')).toEqual([]);
  });

  it(`takes a UK record's demonym as its nationality`, () => {
    const found = recordSecondary(record({ id: '1', name: 'X', extra: { nationalities: ['Tunisian'] } }));
    expect(found.nationalities).toEqual(['TN']);
  });
});

describe('recordSecondary', () => {
  const ids = (r: RegisterRecord) => recordSecondary(r).identifiers.map((id) => `${id.scheme ?? '-'}:${id.value}`);

  it('reads OFAC remarks (legacy CSV): identifiers, IMO numbers, nationality', () => {
    const found = recordSecondary(
      record({
        id: '1',
        name: 'X',
        remarks:
          'DOB 05 Jun 1950; nationality Pakistan; Passport BE5978421 (Pakistan) issued 14 Nov 2007 expires 12 Nov 2012; National ID No. 3520025509842-7 (Pakistan); Website www.example.com; Phone Number 12345678.',
      }),
    );
    expect(found.nationalities).toEqual(['PK']);
    expect(found.identifiers.map((id) => `${id.scheme}:${id.value}`)).toEqual([
      'passport:BE5978421',
      'national-id:35200255098427',
    ]);
    expect(
      ids(
        record({
          id: '2',
          name: 'V',
          kind: 'vessel',
          remarks: "Vessel Registration Identification IMO 7406784; f.k.a. 'ANA I'.",
        }),
      ),
    ).toEqual(['imo:7406784']);
  });

  it('reads OFAC XML ids, CSL ids, UN and EU documents, UK fields', () => {
    expect(
      ids(
        record({
          id: '3',
          name: 'X',
          extra: {
            ids: [
              'Passport Booklet A5250088 (Pakistan)',
              'RUC # 991715-1-534344 (Panama)',
              'Executive Order 13662 Directive Determination - Subject to Directive 1',
              'Email Address postman@example.com',
            ],
          },
        }),
      ),
    ).toEqual(['passport:A5250088', 'tax-id:9917151534344']);
    expect(
      ids(
        record({
          id: '4',
          name: 'V',
          kind: 'vessel',
          extra: {
            ids: [
              'IMO 8898831, Vessel Registration Identification',
              'JO, 2014-08-30, 2009-08-31, K475336, Passport',
              'Male, Gender',
            ],
          },
        }),
      ),
    ).toEqual(['imo:8898831', 'passport:K475336']);
    expect(
      ids(
        record({
          id: '5',
          name: 'X',
          extra: {
            documents: [
              'Passport / Passport: D 000933; issuing country Afghanistan; issued 1998-09-13 in KABUL',
              'National Identification Number / National identification no:: 1 63 08 4 01 001 005E; issuing country Mali',
              '27082171 (passport-National passport) ((usa passport (issued 21.6.1992 in amman, jordan)))',
            ],
          },
        }),
      ),
    ).toEqual(['passport:D000933', 'passport:000933', 'national-id:16308401001005E', 'passport:27082171']);
    expect(
      ids(
        record({
          id: '6',
          name: 'X',
          extra: { passports: ['P04581926; Afghanistan passport number P04581926'], imoNumbers: ['IMO9562233'] },
        }),
      ),
    ).toEqual(['passport:P04581926', 'imo:9562233']);
  });

  it('keeps the aliases the publisher marks weak', () => {
    const found = recordSecondary(
      record({ id: '7', name: 'X', extra: { lowQualityAliases: ['Abu Ali'], weakAliases: ['JUNDI'] } }),
    );
    expect([...found.weakAliases]).toEqual(['Abu Ali', 'JUNDI']);
  });
});

describe('adjustScore', () => {
  const entry = (text: { birthDate?: string; nationalities?: string[]; identifiers?: string[] }) => ({
    ...(text.birthDate ? { birthDate: parseBirthDateColumn(text.birthDate)! } : {}),
    nationalities: text.nationalities ?? [],
    identifiers: (text.identifiers ?? []).map(parseIdentifierColumn),
  });
  const listed = recordSecondary(
    record({
      id: '8',
      name: 'X',
      countries: ['IR'],
      extra: { datesOfBirth: ['12 Jan 1961'], nationalities: ['Iran'], ids: ['Passport A1234567 (Iran)'] },
    }),
  );

  it('pulls a contradicting birth date well below the threshold, and says why', () => {
    const { score, explanation } = adjustScore(1, entry({ birthDate: '1958' }), listed, undefined, 'X');
    expect(score).toBeLessThan(0.8);
    expect(explanation).toContain('birth date 1958 differs from the listed 12 Jan 1961: ×0.75');
  });

  it('raises a matching birth date and an equal identifier', () => {
    expect(adjustScore(0.78, entry({ birthDate: '1961-01-12' }), listed, undefined, 'X').score).toBeCloseTo(0.83);
    const byId = adjustScore(0.6, entry({ identifiers: ['passport:A1234567'] }), listed, undefined, 'X');
    expect(byId.score).toBe(0.95);
    expect(byId.explanation[0]).toBe(
      'identifier passport:A1234567 is the listed "Passport A1234567 (Iran)": raised to 0.95',
    );
    expect(adjustScore(0.45, entry({ identifiers: ['passport:A1234567'] }), listed, undefined, 'X').score).toBe(0.45);
  });

  it('caps a weak alias on the name alone, and lets an agreeing birth date or nationality lift the cap', () => {
    const alone = adjustScore(1, entry({}), listed, 'one word', 'JUNDI');
    expect(alone.score).toBe(WEAK_ALIAS_CAP);
    expect(alone.explanation[0]).toMatch(/"JUNDI" is a weak alias \(one word\), and no birth date/);
    expect(adjustScore(1, entry({ birthDate: '1961' }), listed, 'one word', 'JUNDI').score).toBe(1);
    expect(adjustScore(0.9, entry({ nationalities: ['IR'] }), listed, 'one word', 'JUNDI').score).toBe(0.9);
    expect(adjustScore(0.9, entry({ nationalities: ['FR'] }), listed, 'one word', 'JUNDI').score).toBe(WEAK_ALIAS_CAP);
  });

  it('leaves the score alone when either side says nothing', () => {
    expect(
      adjustScore(0.9, entry({ birthDate: '1958' }), recordSecondary(record({ id: '9', name: 'X' })), undefined, 'X'),
    ).toEqual({
      score: 0.9,
      explanation: [],
    });
    expect(adjustScore(0.9, entry({}), listed, undefined, 'X')).toEqual({ score: 0.9, explanation: [] });
  });
});

describe('screening with secondary identifiers', () => {
  const listedPerson = record({
    id: '100',
    name: 'Ali Reza HOSSEINI',
    aliases: ['HOSSEINI', 'Ali HOSEINI'],
    countries: ['IR'],
    extra: { datesOfBirth: ['12 Jan 1961'], nationalities: ['Iran'], weakAliases: ['Ali HOSEINI'] },
  });
  const vessel = record({
    id: '200',
    name: 'OCEAN GLORY',
    kind: 'vessel',
    remarks: 'Vessel Registration Identification IMO 9187629.',
  });
  const screen = (rows: Record<string, string>[], target = listedPerson) =>
    WatchlistScreener.fromEntries([{ subscriberId: 's', entries: watchlistEntries(rows, 'test') }]).screenRecord(
      target,
      'us-ofac-sdn',
      'h',
    )[0]?.hits ?? [];

  it('drops an identical name whose birth date contradicts the listed one', () => {
    expect(screen([{ name: 'Ali Reza Hosseini', kind: 'person' }])[0]!.score).toBe(1);
    expect(screen([{ name: 'Ali Reza Hosseini', kind: 'person', birthDate: '1975-03-02' }])).toEqual([]);
  });

  it('raises a name just under the threshold when the birth date matches, and says so', () => {
    const hits = screen([{ name: 'Reza Hosseyni', kind: 'person', birthDate: '1961-01-12' }]);
    const without = screen([{ name: 'Reza Hosseyni', kind: 'person' }]);
    expect(without).toEqual([]);
    expect(hits).toHaveLength(1);
    expect(hits[0]!.explanation).toContain('birth date 1961-01-12 matches the listed 12 Jan 1961: +0.05');
  });

  it('caps a one-word alias on the name alone; a matching birth date makes it a hit', () => {
    expect(screen([{ name: 'Hosseini', kind: 'person' }])).toEqual([]);
    const hits = screen([{ name: 'Hosseini', kind: 'person', birthDate: '1961' }]);
    expect(hits[0]).toMatchObject({ recordName: 'HOSSEINI', score: 1 });
    expect(hits[0]!.explanation).toContain('"HOSSEINI" is a weak alias (one word); the birth date agree(s)');
  });

  it('caps an alias the publisher marks weak', () => {
    expect(screen([{ name: 'Ali Hoseini', kind: 'person' }]).map((h) => h.recordName)).not.toContain('Ali HOSEINI');
  });

  it('makes an equal IMO number a hit on a name the index alone would not report', () => {
    expect(screen([{ name: 'Ocean Glory Star', kind: 'vessel' }], vessel)).toEqual([]);
    const hits = screen([{ name: 'Ocean Glory Star', kind: 'vessel', identifiers: 'imo:9187629' }], vessel);
    expect(hits[0]!.score).toBe(0.95);
    expect(hits[0]!.explanation).toContain(
      'identifier imo:9187629 is the listed "Vessel Registration Identification IMO 9187629.": raised to 0.95',
    );
  });
});
