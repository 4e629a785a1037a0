/**
 * The compact watchlist index holds each entry as the matcher reads it, so that a run screens the
 * candidates before reading any stored block (functions/watchlist/indexed-watchlist.ts): what it
 * gives back must be every field the score reads, through the binary form.
 */
import { describe, expect, it } from 'vitest';
import { watchlistEntries } from '../../functions/watchlist/file.ts';
import { WatchlistIndex } from '../../functions/watchlist/watchlist-index.ts';

describe('the entries held by the watchlist index', () => {
  const entries = watchlistEntries(
    [
      {
        name: 'Anna Maria Kowalska',
        aliases: 'Anna Kowalski; Ania Kowalska',
        countries: 'PL',
        kind: 'person',
        birthDate: '1961-01-12',
        nationality: 'PL;DE',
        reference: 'C-1',
      },
      { name: 'Nordwind Shipping GmbH', kind: 'organization', identifiers: 'imo:9074729', reference: 'C-2' },
      { name: 'Ли Вэй' },
      { name: 'Ocean Star', kind: 'vessel', countries: 'PA', identifiers: 'imo:9176187;passport:X1234567' },
    ],
    'customers.csv',
  );

  it('gives back each entry as the matcher reads it, through the binary form', () => {
    const built = WatchlistIndex.build('v1', entries, [0, 2]);
    const index = WatchlistIndex.deserialize(built.serialize(), 'v1');
    entries.forEach((entry, position) => {
      const { key: _key, reference: _reference, hash: _hash, ...matched } = entry;
      expect(index.entryForMatching(position)).toEqual({ ...matched, key: `#${position}`, hash: '' });
    });
    expect(index.entryForMatching(0).birthDate).toBe('1961-01-12');
    expect(index.entryForMatching(0).nationalities).toEqual(['DE', 'PL']);
    expect(index.entryForMatching(3).identifiers).toHaveLength(2);
  });
});
