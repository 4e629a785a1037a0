import { describe, expect, it } from 'vitest';
import {
  WatchlistFormatError,
  parseWatchlistCsv,
  parseWatchlistJson,
  watchlistEntries,
} from '../../functions/watchlist/file.ts';

describe('watchlist birth date, nationality and identifier columns', () => {
  it('keeps the key and hash an entry without them had before they existed', () => {
    // Prepare: the values the reader gave these entries before the columns existed (commit 63d194e).
    const entries = watchlistEntries(
      [
        { name: 'Arkadi Vetrov', aliases: 'A. Vetrov', countries: 'RU', kind: 'person' },
        { reference: 'SUP-1', name: 'Lumora Micro Systems', countries: 'CN;HK', kind: 'organization' },
      ],
      'x',
    );
    // Assess
    expect(entries.map((e) => [e.key, e.hash])).toEqual([
      ['name:HWtmef9lVjbdMuuR', 'fjUSpGoPDBq-Tasi'],
      ['ref:SUP-1', 'e4fVrHqpxFvTm3PC'],
    ]);
    expect(entries[0]).not.toHaveProperty('birthDate');
    expect(entries[0]).not.toHaveProperty('nationalities');
    expect(entries[0]).not.toHaveProperty('identifiers');
  });

  it('reads the columns from CSV under any of their header names, and they change the hash', () => {
    const [plain, withDob, withAll] = parseWatchlistCsv(
      [
        'ref,name,dob,Nationality,identifiers',
        'C-1,Arkadi Vetrov,,,',
        'C-2,Arkadi Vetrov,1961-01,,',
        'C-3,Arkadi Vetrov,1961-01-12,Russia;BY,imo:9187629;lei:5493001KJTIIGC8Y1R12;passport:A 123-4567;BE0403.170.701',
      ].join('\n'),
    );
    expect(withDob!.birthDate).toBe('1961-01');
    expect(withAll).toMatchObject({
      birthDate: '1961-01-12',
      nationalities: ['BY', 'RU'],
      identifiers: ['BE0403170701', 'imo:9187629', 'lei:5493001KJTIIGC8Y1R12', 'passport:A1234567'],
    });
    expect(new Set([plain!.hash, withDob!.hash, withAll!.hash]).size).toBe(3);
    for (const header of ['birthDate', 'dateOfBirth', 'birth_date', 'DOB'])
      expect(parseWatchlistCsv(`name,${header}\nA B,1958`)[0]!.birthDate).toBe('1958');
  });

  it('tells two entries of one name apart by their birth dates', () => {
    const entries = parseWatchlistCsv('name,birthDate\nJohn Smith,1958\nJohn Smith,1971');
    expect(entries).toHaveLength(2);
    expect(entries[0]!.key).not.toBe(entries[1]!.key);
  });

  it('reads JSON arrays and strings', () => {
    const [entry] = parseWatchlistJson(
      JSON.stringify([
        { name: 'Ocean Glory', nationality: ['Iran'], identifiers: ['IMO 9187629'], dateOfBirth: '1990' },
      ]),
    );
    expect(entry).toMatchObject({ nationalities: ['IR'], identifiers: ['imo:9187629'], birthDate: '1990' });
  });

  it('names each bad row and why', () => {
    const problem = (() => {
      try {
        parseWatchlistCsv(
          'name,birthDate,nationality,identifiers\nA B,12/01/1958,,\nC D,,Atlantis,\nE F,,,imo:9187628;ssn:12345\nG H,,,A1',
          'list.csv',
        );
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(problem).toBeInstanceOf(WatchlistFormatError);
    const message = (problem as Error).message;
    expect(message).toContain('row 2: birth date "12/01/1958" is not a date YYYY, YYYY-MM or YYYY-MM-DD');
    expect(message).toContain('row 3: unknown nationality "Atlantis"');
    expect(message).toContain('row 4: identifier "imo:9187628": not an IMO number');
    expect(message).toContain('row 4: identifier "ssn:12345": unknown scheme "ssn"');
    expect(message).toContain('row 5: identifier "A1" is too short');
  });
});
