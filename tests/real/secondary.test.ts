import { readFile } from 'node:fs/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { RegisterRecord } from '../../functions/core/records.ts';
import { recordSecondary } from '../../functions/match/secondary.ts';
import { inputFromPath } from '../../functions/run/poll.ts';
import { collectRecords } from '../../functions/sources/read/document.ts';
import { findSource } from '../../functions/sources/registry.ts';
import { realFixture } from '../real-fixtures.ts';

/**
 * Birth dates and IMO numbers derived at screening time (match/secondary.ts) from what each parser
 * keeps, counted per real file against a count taken from the raw file by other means (a regex, or
 * csv-parse), so that a parser that stops keeping them, or a derivation that stops reading them, shows.
 */
async function records(sourceId: string, path: string): Promise<RegisterRecord[]> {
  const source = findSource(sourceId)!;
  const { input } = await inputFromPath(source, realFixture(path));
  return collectRecords(source, input, { sourceId, warn: () => undefined });
}

function derived(list: readonly RegisterRecord[]): { personsWithBirthDate: number; vesselsWithImo: number } {
  let personsWithBirthDate = 0;
  let vesselsWithImo = 0;
  for (const record of list) {
    const secondary = recordSecondary(record);
    if (record.kind === 'person' && secondary.birthDates.length) personsWithBirthDate += 1;
    if (record.kind === 'vessel' && secondary.identifiers.some((id) => id.scheme === 'imo')) vesselsWithImo += 1;
  }
  return { personsWithBirthDate, vesselsWithImo };
}

const YEAR = /(?<!\d)(?:1[89]|20)\d\d(?!\d)/;

describe('secondary identifiers derived from the real lists', () => {
  it('UN: every individual with a birth date in a Gregorian year', async () => {
    const xml = await readFile(realFixture('un/consolidated.2022-09-15.xml'), 'utf8');
    const individuals = xml.match(/<INDIVIDUAL>[\s\S]*?<\/INDIVIDUAL>/g) ?? [];
    // A date holds a Gregorian year (in DATE, YEAR, FROM_YEAR, or a NOTE: `Nov. 1973`); the Hijri
    // `24/06/1402` and `30-35 years old` hold none.
    const expected = individuals.filter((block) =>
      (block.match(/<INDIVIDUAL_DATE_OF_BIRTH>[\s\S]*?<\/INDIVIDUAL_DATE_OF_BIRTH>/g) ?? []).some((date) =>
        YEAR.test(date),
      ),
    ).length;
    expect(expected).toBeGreaterThan(600);
    expect(derived(await records('un-sc-consolidated', 'un/consolidated.2022-09-15.xml')).personsWithBirthDate).toBe(
      expected,
    );
  });

  it('OFAC SDN (legacy CSV): individuals with a DOB remark, vessels with an IMO number', async () => {
    const rows = parseCsv(await readFile(realFixture('ofac-sdn/sdn.2024-05-03.csv'), 'latin1'), {
      relax_column_count: true,
      relax_quotes: true,
    }) as string[][];
    const ofType = (type: string) => rows.filter((row) => row[2]?.trim() === type);
    const persons = ofType('individual').filter((row) => /(?:^|; )(?:alt\. )?DOB [^;]*\d{4}/.test(row[11] ?? ''));
    const vessels = ofType('vessel').filter((row) =>
      /\b(?:IMO|Vessel Registration Identification)\s+\d{7}\b/.test(row[11] ?? ''),
    );
    expect(persons.length).toBeGreaterThan(6000);
    expect(vessels.length).toBeGreaterThan(800);
    expect(derived(await records('us-ofac-sdn', 'ofac-sdn/sdn.2024-05-03.csv'))).toEqual({
      personsWithBirthDate: persons.length,
      vesselsWithImo: vessels.length,
    });
  });

  it('CSL: individuals with a date of birth, vessels with an IMO number', async () => {
    const rows = parseCsv(await readFile(realFixture('csl/consolidated.2022-05-16.csv'), 'utf8'), {
      columns: true,
      relax_column_count: true,
    }) as Record<string, string>[];
    const persons = rows.filter((row) => row.type === 'Individual' && YEAR.test(row.dates_of_birth ?? ''));
    const vessels = rows.filter(
      (row) => row.type === 'Vessel' && /\b(?:IMO\s+)?\d{7}, Vessel Registration Identification/.test(row.ids ?? ''),
    );
    expect(persons.length).toBeGreaterThan(5000);
    expect(vessels.length).toBeGreaterThan(400);
    expect(derived(await records('us-trade-csl', 'csl/consolidated.2022-05-16.csv'))).toEqual({
      personsWithBirthDate: persons.length,
      vesselsWithImo: vessels.length,
    });
  });

  it('UK (OFSI CSV): individuals (by group) with a DOB', async () => {
    const rows = parseCsv(await readFile(realFixture('uk-sanctions/ConList.2020-04-27.csv'), 'latin1'), {
      from_line: 2,
      columns: true,
      relax_column_count: true,
    }) as Record<string, string>[];
    const groups = new Set(
      rows
        .filter((row) => row['Group Type'] === 'Individual' && YEAR.test(row.DOB ?? ''))
        .map((row) => row['Group ID']),
    );
    expect(groups.size).toBeGreaterThan(1000);
    expect(
      derived(await records('uk-sanctions-list', 'uk-sanctions/ConList.2020-04-27.csv')).personsWithBirthDate,
    ).toBe(groups.size);
  });

  it('UK (OFSI CSV): individuals (by group) with a nationality cell get a nationality, demonyms included', async () => {
    const rows = parseCsv(await readFile(realFixture('uk-sanctions/ConList.2020-04-27.csv'), 'latin1'), {
      from_line: 2,
      columns: true,
      relax_column_count: true,
    }) as Record<string, string>[];
    const groups = new Set(
      rows
        .filter((row) => row['Group Type'] === 'Individual' && (row.Nationality ?? '').trim())
        .map((row) => row['Group ID']),
    );
    const withNationality = (await records('uk-sanctions-list', 'uk-sanctions/ConList.2020-04-27.csv')).filter(
      (record) => record.kind === 'person' && recordSecondary(record).nationalities.length,
    ).length;
    expect(groups.size).toBeGreaterThan(500);
    // Every cell of this file names a country some way (`Afghan`, `DPRK`, `Kuwaiti citizenship withdrawn
    // in 2002`): a group may still end with fewer persons than groups where the parser merges rows.
    expect(withNationality / groups.size).toBeGreaterThan(0.97);
    expect(withNationality).toBeLessThanOrEqual(groups.size);
  });

  it('EU (FSF XML): persons with a BIRTH date', async () => {
    const xml = await readFile(realFixture('eu-fsf/global-1.0.2016-02-11.subset-595-entities.xml'), 'utf8');
    const persons = (xml.match(/<ENTITY [^>]*Type="P"[^>]*>[\s\S]*?<\/ENTITY>/g) ?? []).filter((entity) =>
      /<BIRTH [^>]*>[\s\S]*?<DATE>[^<]*\d{4}/.test(entity),
    );
    expect(persons.length).toBeGreaterThan(250);
    expect(
      derived(await records('eu-fsf', 'eu-fsf/global-1.0.2016-02-11.subset-595-entities.xml')).personsWithBirthDate,
    ).toBe(persons.length);
  });
});
