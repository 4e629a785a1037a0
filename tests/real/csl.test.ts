import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { RegisterRecord } from '../../functions/core/records.ts';
import { bufferDocument, collectRecords } from '../../functions/sources/read/document.ts';
import { usTradeCsl } from '../../functions/sources/us-trade-csl.ts';
import { cachedParser } from '../helpers/parse.ts';
import { realFixture } from '../real-fixtures.ts';

const CSV = realFixture('csl/consolidated.2022-05-16.csv');

const parseFile = cachedParser(usTradeCsl, (path) => path);
const parse = () => parseFile(CSV);

async function record(id: string): Promise<RegisterRecord> {
  const found = (await parse()).records.filter((r) => r.id === id);
  if (found.length !== 1) throw new Error(`${id}: ${found.length} records`);
  return found[0]!;
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

describe('usTradeCsl on the published CSV of 2022-05-16', () => {
  it('reads all 14160 rows without a warning', async () => {
    const { records, warnings } = await parse();

    expect(records).toHaveLength(14_160);
    expect(warnings).toEqual([]);
    expect(records.length).toBeGreaterThanOrEqual(usTradeCsl.expectedRecords.min);
  });

  it('counts the rows of each list as SOURCES.md does', async () => {
    const { records } = await parse();

    expect(countBy(records, (r) => r.list)).toEqual({
      'Entity List': 2001,
      'Denied Persons List': 462,
      'Unverified List': 201,
      'Military End User List': 71,
      'Specially Designated Nationals': 10026,
      'ITAR Debarred': 727,
      'Sectoral Sanctions Identifications List': 290,
      'Nonproliferation Sanctions': 163,
      'Palestinian Legislative Council List': 78,
      'Non-SDN Chinese Military-Industrial Complex Companies List': 68,
      'CAPTA List': 53,
      'Non-SDN Menu-Based Sanctions List': 17,
      'Foreign Sanctions Evaders': 3,
    });
    expect(countBy(records, (r) => String(r.extra.listCode))).toMatchObject({
      EL: 2001,
      DPL: 462,
      UVL: 201,
      MEU: 71,
      SDN: 10026,
    });
  });

  it('makes ids unique by list: only the row the CSL itself repeats stays doubled', async () => {
    const { records } = await parse();
    const counts = countBy(records, (r) => r.id);

    expect(Object.entries(counts).filter(([, n]) => n > 1)).toEqual([['CAP:15268', 2]]);
    // The OFAC entity number 34616 is on both CAPTA and SDN: two records, not a duplicate.
    expect(records.filter((r) => r.extra.entityNumber === '34616').map((r) => r.id)).toEqual([
      'CAP:34616',
      'SDN:34616',
    ]);
  });

  it('maps the type of Treasury rows and decides blank types per list', async () => {
    const { records } = await parse();

    expect(countBy(records, (r) => `${r.extra.listCode}/${r.kind}`)).toMatchObject({
      'SDN/person': 5206,
      'SDN/organization': 4104,
      'SDN/vessel': 433,
      'SDN/aircraft': 283,
      'EL/other': 2001,
      'DPL/other': 462,
      'MEU/organization': 71,
      'UVL/organization': 201,
    });
  });

  it('writes only ISO country codes and ISO listing dates', async () => {
    const { records } = await parse();

    const badCountries = records.filter((r) => !r.countries.every((c) => /^[A-Z]{2}$/.test(c)));
    const badDates = records.filter((r) => r.listedOn !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(r.listedOn));
    expect(badCountries).toEqual([]);
    expect(badDates).toEqual([]);
    expect(records.filter((r) => r.countries.length > 0).length).toBeGreaterThan(10_000);
  });

  describe('known rows', () => {
    it('reads an SDN individual with title, birth date and nationality', async () => {
      expect(await record('SDN:21944')).toEqual({
        id: 'SDN:21944',
        source: 'us-trade-csl',
        list: 'Specially Designated Nationals',
        kind: 'person',
        name: "'ABBAS, Rim",
        aliases: [],
        countries: ['SY'],
        addresses: ['SY'],
        programs: ['SYRIA'],
        links: ['http://bit.ly/1I7ipyR', 'http://bit.ly/1MLgpye'],
        extra: {
          listCode: 'SDN',
          entityNumber: '21944',
          title: 'Scientific Studies and Research Center Employee',
          datesOfBirth: ['1973-03-25'],
          nationalities: ['SY'],
        },
      });
    });

    it('reads an Entity List row with "; and" aliases, license terms and Federal Register citation', async () => {
      expect(await record('EL:4398d33e9e93c7477af39f1e0bfffc13ddd47bcc')).toMatchObject({
        list: 'Entity List',
        kind: 'other',
        name: '140 Repair Plant JSC',
        aliases: ['Open Joint Stock Company 140 Repair Plant', 'JSC 140 Repair Plant'],
        countries: ['BY'],
        addresses: ['19 Luysi Chalovskoy St., Borisov, 222512, BY'],
        listedOn: '2022-04-07',
        links: ['http://bit.ly/1L47xrV'],
        extra: { federalRegisterNotice: '87 FR 20299', licensePolicy: 'Policy of denial.' },
      });
    });

    it('reads a Military End User row', async () => {
      expect(await record('MEU:a115de6b0d2f889dc57c7b1bf35ca970436819f8')).toMatchObject({
        kind: 'organization',
        name: 'AECC Aero Science & Technology Co. Ltd.',
        countries: ['CN'],
        listedOn: '2020-12-23',
        extra: { listCode: 'MEU', federalRegisterNotice: '85 FR 83799' },
      });
    });

    it('reads a Denied Persons row with its end date and standard order', async () => {
      expect(await record('DPL:deb7a1d5743a85c354ca1a2c7f2664e2104b32d7')).toMatchObject({
        name: 'I. ASH',
        countries: ['US'],
        listedOn: '2003-06-19',
        extra: { endDate: '2056-06-29', standardOrder: 'Y' },
      });
    });

    it('reads an SDN vessel with its flag as its country', async () => {
      expect(await record('SDN:23156')).toMatchObject({
        kind: 'vessel',
        name: '7-28',
        countries: ['KP'],
        programs: ['DPRK4'],
        extra: { vesselFlag: "Democratic People's Republic of Korea" },
      });
    });

    it('reads a CMIC company with its aliases and identifiers', async () => {
      const r = await record('CMIC:30902');

      expect(r.aliases).toEqual(['AERO ENGINE CORP OF CHINA', 'AECC', 'CHINA AVIATION ENGINE GROUP CO., LTD']);
      expect(r.programs).toEqual(['CMIC-EO13959']);
      expect(r.extra.ids).toContain('CN, 91110000MA005UCQ5P, Unified Social Credit Code (USCC)');
    });
  });

  describe('refused documents', () => {
    it('refuses the file cut in the middle', async () => {
      const whole = await readFile(CSV);
      const cut = bufferDocument('consolidated.csv', whole.subarray(0, Math.floor(whole.length / 2)));

      await expect(
        collectRecords(
          usTradeCsl,
          { main: cut, companions: new Map() },
          { sourceId: usTradeCsl.id, warn: () => undefined },
        ),
      ).rejects.toThrow(/^us-trade-csl: parse: consolidated\.csv: truncated/);
    });
  });
});
