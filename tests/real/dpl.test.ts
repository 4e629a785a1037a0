import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { diffFiles } from '../../functions/cli/diff.ts';
import { cleanText, type RegisterRecord } from '../../functions/core/records.ts';
import { bufferDocument, collectRecords } from '../../functions/sources/read/document.ts';
import { usBisDpl } from '../../functions/sources/us-bis-dpl.ts';
import { cachedParser } from '../helpers/parse.ts';
import { realFixture } from '../real-fixtures.ts';

const path = (name: string): string => realFixture(`bis/${name}`);

const parse = cachedParser(usBisDpl, path);

async function only(name: string, predicate: (r: RegisterRecord) => boolean): Promise<RegisterRecord> {
  const found = (await parse(name)).records.filter(predicate);
  if (found.length !== 1) throw new Error(`${found.length} matching records in ${name}`);
  return found[0]!;
}

/**
 * The rows of dpl.txt read without the parser under test: split on LF and tab, outer quotes
 * dropped (no cell of these files holds a tab, a newline or a quote), whitespace collapsed.
 */
async function rawRows(name: string): Promise<string[][]> {
  const text = await readFile(path(name), 'latin1');
  return text
    .split('\n')
    .slice(1)
    .filter((line) => line.length > 0)
    .map((line) => line.split('\t').map((cell) => cleanText(cell.replace(/^"|"$/g, ''))));
}

const key3 = (row: string[]): string => row.slice(0, 3).join('|').toUpperCase();
const key4 = (row: string[]): string => [...row.slice(0, 3), row[6]].join('|').toUpperCase();

interface RawDiff {
  added: number;
  removed: number;
  modified: number;
  /** Common keys (name, street, city) whose effective date changed: renewed or corrected orders. */
  newEffectiveDate: number;
}

/** Added, removed and changed keys between two files, first occurrence of a key kept. */
async function rawDiff(before: string, after: string, key: (row: string[]) => string): Promise<RawDiff> {
  const index = (rows: string[][]): Map<string, string[]> => {
    const map = new Map<string, string[]>();
    for (const row of rows) if (!map.has(key(row))) map.set(key(row), row);
    return map;
  };
  const [a, b] = await Promise.all([rawRows(before).then(index), rawRows(after).then(index)]);
  const common = [...b.keys()].filter((k) => a.has(k));
  return {
    added: [...b.keys()].filter((k) => !a.has(k)).length,
    removed: [...a.keys()].filter((k) => !b.has(k)).length,
    modified: common.filter((k) => a.get(k)!.join('\t') !== b.get(k)!.join('\t')).length,
    newEffectiveDate: common.filter((k) => a.get(k)![6] !== b.get(k)![6]).length,
  };
}

function counts(changes: { type: string }[]): { added: number; removed: number; modified: number } {
  return {
    added: changes.filter((c) => c.type === 'added').length,
    removed: changes.filter((c) => c.type === 'removed').length,
    modified: changes.filter((c) => c.type === 'modified').length,
  };
}

const FILES: [string, number, number][] = [
  ['dpl.2019-06-12.txt', 546, 543],
  ['dpl.2022-09-02.txt', 581, 579],
  ['dpl.2023-11-28.txt', 665, 663],
];

describe('usBisDpl on the published files', () => {
  it.each(FILES)('reads all rows of %s (%i rows, %i distinct ids) without a warning', async (name, rows, distinct) => {
    const { records, warnings } = await parse(name);

    expect(records).toHaveLength(rows);
    expect(new Set(records.map((r) => r.id)).size).toBe(distinct);
    expect(warnings).toEqual([]);
    expect(records.length).toBeGreaterThanOrEqual(usBisDpl.expectedRecords.min);
    expect(records.length).toBeLessThanOrEqual(usBisDpl.expectedRecords.max);
  });

  it.each(FILES)(
    'derives exactly as many ids from %s as the raw file has keys, with or without the effective date',
    async (name, _rows, distinct) => {
      const rows = await rawRows(name);

      expect(new Set(rows.map(key3)).size).toBe(distinct);
      expect(new Set(rows.map(key4)).size).toBe(distinct);
    },
  );

  it('reports the rows the publisher repeats verbatim as non-conflicting duplicates', async () => {
    const dup = async (name: string): Promise<string[]> => {
      const diff = await diffFiles(usBisDpl, path(name), path(name), false);
      expect(diff.duplicates.every((d) => d.occurrences === 2 && !d.conflicting)).toBe(true);
      const records = (await parse(name)).records;
      return diff.duplicates.map((d) => records.find((r) => r.id === d.id)!.name).sort();
    };

    expect(await dup('dpl.2019-06-12.txt')).toEqual(['DAQING ZHOU', 'DAVOUD BANIAMERI', 'NEI-CHIEN CHU']);
    expect(await dup('dpl.2022-09-02.txt')).toEqual(['DAQING ZHOU', 'NEI-CHIEN CHU']);
    expect(await dup('dpl.2023-11-28.txt')).toEqual(['DAQING ZHOU', 'NEI-CHIEN CHU']);
  });

  it('writes only ISO country codes and plausible ISO listing dates', async () => {
    for (const [name] of FILES) {
      const { records } = await parse(name);
      expect(records.filter((r) => !r.countries.every((c) => /^[A-Z]{2}$/.test(c)))).toEqual([]);
      expect(records.every((r) => /^(19[5-9]\d|20\d\d)-\d{2}-\d{2}$/.test(r.listedOn ?? ''))).toBe(true);
    }
  });

  describe('known rows', () => {
    it('reads an incarcerated party with a 50-year order and a stray leading space in the name', async () => {
      const r = await only(
        'dpl.2023-11-28.txt',
        (x) => x.name === 'I. ASH' && x.addresses[0]!.startsWith('UPON THE DATE'),
      );

      expect(r).toMatchObject({
        kind: 'other',
        list: 'Denied Persons List',
        countries: ['US'],
        addresses: [
          'UPON THE DATE OF THE ORDER INCARCERATED AT USM NO: 26265-177, FCI SEAGOVILLE, 2113 NORTH HIGHWAY 175, SEAGOVILLE, TX, 75159, US',
        ],
        listedOn: '2003-06-19',
        extra: {
          effectiveDate: '06/19/2003',
          expirationDate: '06/29/2056',
          lastUpdate: '2007-01-31',
          standardOrder: 'Y',
        },
      });
    });

    it('splits the A/K/A and D/B/A names into name and alias', async () => {
      const sun = await only('dpl.2023-11-28.txt', (x) => x.name === 'FUYI SUN');
      const s7 = await only('dpl.2023-11-28.txt', (x) => x.name === 'SIBERIAN AIRLINES');

      expect(sun).toMatchObject({ aliases: ['FRANK SUN'], countries: ['US'], listedOn: '2018-06-13' });
      expect(s7).toMatchObject({
        aliases: ['S7 AIRLINES'],
        countries: [],
        addresses: ['633104, NOVOSIBIRSKAYA OBL., G. OB, PROSPEKT MOZZHERINA, D. 10 OFIS 201'],
      });
    });

    it('keeps the Last_Update years 3017 and 3033 as written and the effective date as listedOn', async () => {
      const zadeh = await only(
        'dpl.2019-06-12.txt',
        (x) => x.name === 'MANSOUR ZADEH' && x.extra.lastUpdate === '3017-08-22',
      );
      const garcia = await only('dpl.2023-11-28.txt', (x) => x.name === 'JOSE ERNESTO GARCIA');

      expect(zadeh).toMatchObject({
        listedOn: '2017-08-10',
        countries: [],
        addresses: ['STROVOLOU 77, STROVOLOS CENTER SUITE 202, STROVOLOS P.C. 2018, NICOSIA, CY'],
      });
      expect(garcia).toMatchObject({
        listedOn: '2022-09-26',
        countries: ['US'],
        extra: { lastUpdate: '3033-09-30', expirationDate: '02/03/2030' },
      });
    });
  });

  describe('versions compared record by record', () => {
    // SOURCES.md counts these transitions keyed by name, street, city and effective date:
    // 2019 → 2022 +224 / −188 / ~0, 2022 → 2023 +232 / −148 / ~16. The record id leaves the
    // effective date out, so an order whose effective date BIS rewrote (a renewed temporary denial
    // order, a corrected date) is one modified record instead of a removal plus an addition: 54 such
    // rows from 2019 to 2022 and 67 from 2022 to 2023, counted here from the raw files.
    it.each([
      ['dpl.2019-06-12.txt', 'dpl.2022-09-02.txt', { added: 224, removed: 188, modified: 0 }, 54],
      ['dpl.2022-09-02.txt', 'dpl.2023-11-28.txt', { added: 232, removed: 148, modified: 16 }, 67],
    ])('diffs %s → %s as the raw rows do, renewals as modifications', async (before, after, sources, renewed) => {
      const [bySourcesKey, byRecordKey, diff] = await Promise.all([
        rawDiff(before, after, key4),
        rawDiff(before, after, key3),
        diffFiles(usBisDpl, path(before), path(after), false),
      ]);

      expect({ added: bySourcesKey.added, removed: bySourcesKey.removed, modified: bySourcesKey.modified }).toEqual(
        sources,
      );
      expect(byRecordKey.newEffectiveDate).toBe(renewed);
      expect(counts(diff.changes)).toEqual({
        added: byRecordKey.added,
        removed: byRecordKey.removed,
        modified: byRecordKey.modified,
      });
      expect(counts(diff.changes)).toEqual({
        added: sources.added - renewed,
        removed: sources.removed - renewed,
        modified: sources.modified + renewed,
      });
    });

    it('shows the renewal of the AIR FREIGHT LTD temporary denial order as four modified records', async () => {
      const diff = await diffFiles(usBisDpl, path('dpl.2022-09-02.txt'), path('dpl.2023-11-28.txt'), false);
      const renewal = diff.changes.filter((c) => c.name === 'AIR FREIGHT LTD');

      expect(renewal.map((c) => c.type)).toEqual(['modified', 'modified', 'modified', 'modified']);
      for (const change of renewal)
        expect(change.fields?.find((f) => f.field === 'listedOn')).toMatchObject({
          old: '2022-05-13',
          new: '2023-10-31',
        });
    });

    it('shows Cyprus moved from State to Country as a change of countries and address, same id', async () => {
      const diff = await diffFiles(usBisDpl, path('dpl.2022-09-02.txt'), path('dpl.2023-11-28.txt'), false);
      const zadeh = diff.changes.filter((c) => c.name === 'MANSOUR ZADEH');

      expect(zadeh.length).toBeGreaterThan(0);
      for (const change of zadeh) {
        expect(change.type).toBe('modified');
        expect(change.fields?.find((f) => f.field === 'countries')).toMatchObject({ added: ['CY'], removed: [] });
      }
    });
  });

  describe('refused documents', () => {
    it('refuses the 2023 file cut in the middle', async () => {
      const whole = await readFile(path('dpl.2023-11-28.txt'));
      const cut = bufferDocument('dpl.txt', whole.subarray(0, Math.floor(whole.length / 2)));

      await expect(
        collectRecords(
          usBisDpl,
          { main: cut, companions: new Map() },
          { sourceId: usBisDpl.id, warn: () => undefined },
        ),
      ).rejects.toThrow(/^us-bis-dpl: parse: dpl\.txt: truncated/);
    });
  });

  describe('the same files in the layout of the bis.gov export (written from each dpl.txt as the test runs)', () => {
    /** dpl.txt's cells as written: split on tabs, outer quotes dropped, doubled quotes undone. */
    async function cellsOf(name: string): Promise<string[][]> {
      const text = await readFile(path(name), 'latin1');
      return text
        .split('\n')
        .slice(1)
        .filter((line) => line.length > 0)
        .map((line) => line.split('\t').map((cell) => cell.replace(/^"|"$/g, '').replace(/""/g, '"')));
    }

    /** The export's layout: the six address cells joined with ", ", dates without leading zeros. */
    function asExport(rows: readonly string[][]): string {
      const quote = (cell: string): string => (/[",]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
      const unpad = (date: string): string => date.replace(/^0?(\d+)\/0?(\d+)\//, '$1/$2/');
      const denial = (order: string): string =>
        /^y$/i.test(order) ? 'Standard' : /^n$/i.test(order) ? 'Non-Standard' : order;
      const lines = rows.map((r) =>
        [r.slice(0, 6).join(', '), unpad(r[6]!), r[7]!, r[11]!, denial(r[8]!)].map(quote).join(','),
      );
      return `\uFEFFName_and_Address,Effective_Date,Expiration_Date,Appropriate Federal Register Citations,Type of Denial\r\n${lines.join('\r\n')}\r\n`;
    }

    it.each([
      ['dpl.2019-06-12.txt', 8],
      ['dpl.2022-09-02.txt', 12],
      ['dpl.2023-11-28.txt', 15],
    ])(
      'gives the parties of %s their dpl.txt ids, but for %i with a comma the split cannot place',
      async (name, unplaced) => {
        const rows = await cellsOf(name);
        const [txt, csv] = await Promise.all([
          parse(name),
          collectRecords(
            usBisDpl,
            { main: bufferDocument('dpl_01012026.csv', asExport(rows)), companions: new Map() },
            { sourceId: usBisDpl.id, warn: () => undefined },
          ),
        ]);
        expect(csv).toHaveLength(rows.length);
        expect(txt.records).toHaveLength(rows.length);

        const differ = rows.filter((_row, i) => csv[i]!.id !== txt.records[i]!.id);
        expect(differ).toHaveLength(unplaced);
        // Each is a name written "SURNAME, GIVEN NAME" or a city with a region after a comma; rows
        // whose streets hold commas (338 in 2023) and names with a legal form after a comma all keep
        // their ids.
        for (const row of differ)
          expect(row[0] === 'JIN, ZHONGDA' || (row[2]!.includes(', ') && row[1] !== '')).toBe(true);
        expect(rows.filter((row) => row[1]!.includes(',')).length).toBeGreaterThan(200);

        // The same denial, read from either layout, for every party whose id holds.
        rows.forEach((_row, i) => {
          const [a, b] = [txt.records[i]!, csv[i]!];
          if (a.id !== b.id) return;
          expect([
            b.name,
            b.aliases,
            b.countries,
            b.listedOn,
            b.extra.effectiveDate,
            b.extra.expirationDate,
            b.extra.frCitation,
          ]).toEqual([
            a.name,
            a.aliases,
            a.countries,
            a.listedOn,
            a.extra.effectiveDate,
            a.extra.expirationDate,
            a.extra.frCitation,
          ]);
        });
      },
    );
  });
});
