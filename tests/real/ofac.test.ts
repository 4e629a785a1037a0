/**
 * The OFAC parsers on the published files under TRADEWATCH_FIXTURES (see SOURCES.md there for
 * provenance and the true counts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SourceFormatError } from '../../functions/core/errors.ts';
import { countryCode } from '../../functions/core/countries.ts';
import { contentHash, type RegisterRecord } from '../../functions/core/records.ts';
import { collectRecords, companionsBeside, fileDocument } from '../../functions/sources/read/document.ts';
import type { RegisterSource } from '../../functions/sources/types.ts';
import { usOfacConsolidated } from '../../functions/sources/us-ofac-consolidated.ts';
import { usOfacSdn } from '../../functions/sources/us-ofac-sdn.ts';
import { realFixture } from '../real-fixtures.ts';

interface Parsed {
  records: RegisterRecord[];
  byId: Map<string, RegisterRecord>;
  warnings: string[];
}

const cache = new Map<string, Promise<Parsed>>();

/** Parses a real fixture once per run (several tests read the same file). */
function load(source: RegisterSource, relativePath: string, companionNames: readonly string[] = []): Promise<Parsed> {
  const key = `${source.id}:${relativePath}:${companionNames.join(',')}`;
  let parsed = cache.get(key);
  if (!parsed) {
    parsed = (async () => {
      const path = realFixture(relativePath);
      const warnings: string[] = [];
      const companions = await companionsBeside(path, companionNames);
      const records = await collectRecords(
        source,
        { main: fileDocument(path), companions },
        { sourceId: source.id, warn: (m) => warnings.push(m) },
      );
      return { records, byId: new Map(records.map((r) => [r.id, r])), warnings };
    })();
    cache.set(key, parsed);
  }
  return parsed;
}

function delta(before: RegisterRecord[], after: RegisterRecord[]): string {
  const old = new Map(before.map((r) => [r.id, contentHash(r)]));
  const now = new Map(after.map((r) => [r.id, contentHash(r)]));
  const added = [...now.keys()].filter((id) => !old.has(id)).length;
  const removed = [...old.keys()].filter((id) => !now.has(id)).length;
  const modified = [...now.keys()].filter((id) => old.has(id) && old.get(id) !== now.get(id)).length;
  return `+${added} -${removed} ~${modified}`;
}

function countBy(records: RegisterRecord[], key: (r: RegisterRecord) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const record of records) counts[key(record)] = (counts[key(record)] ?? 0) + 1;
  return counts;
}

const sorted = (values: readonly string[] | string | undefined) =>
  [...(Array.isArray(values) ? values : values ? [values] : [])].sort();

const SDN_COMPANIONS = ['add.csv', 'alt.csv', 'sdn_comments.csv'];
const LEGACY_SET = 'ofac-sdn/legacy-csv-set.2021-07-07/sdn.csv';

describe('usOfacSdn on the published sdn.csv files', () => {
  it.each([
    ['sdn.2021-12-22.csv', 9158],
    ['sdn.2021-12-30.csv', 9008],
    ['sdn.2022-02-24.csv', 9123],
    ['sdn.2022-02-25.csv', 9214],
    ['sdn.2024-05-02.csv', 14973],
    ['sdn.2024-05-03.csv', 14965],
  ])('reads every entry of %s (%i)', async (file, count) => {
    const { records, warnings } = await load(usOfacSdn, `ofac-sdn/${file}`);

    expect(records).toHaveLength(count);
    expect(new Set(records.map((r) => r.id)).size).toBe(count);
    expect(warnings).toEqual([]);
  });

  it('reports the same changes between successive files as SOURCES.md, and no change that is not one', async () => {
    const file = (name: string) => load(usOfacSdn, `ofac-sdn/${name}`).then((p) => p.records);

    expect(delta(await file('sdn.2021-12-22.csv'), await file('sdn.2021-12-30.csv'))).toBe('+0 -150 ~0');
    expect(delta(await file('sdn.2022-02-24.csv'), await file('sdn.2022-02-25.csv'))).toBe('+91 -0 ~4');
    expect(delta(await file('sdn.2024-05-02.csv'), await file('sdn.2024-05-03.csv'))).toBe('+0 -8 ~0');
    expect(delta(await file('legacy-csv-set.2021-07-07/sdn.csv'), await file('sdn.2021-12-22.csv'))).toBe(
      '+422 -240 ~72',
    );
  });

  it('splits programs, reads types and vessel columns, and takes weak aliases from the remarks', async () => {
    const { byId } = await load(usOfacSdn, 'ofac-sdn/sdn.2024-05-02.csv');

    expect(byId.get('4243')).toMatchObject({
      kind: 'vessel',
      name: 'EBANO',
      aliases: ['ANA I', 'SAND SWAN'],
      programs: ['CUBA'],
      extra: {
        vesselType: 'General Cargo',
        tonnage: '2595',
        grossRegisteredTonnage: '1865',
        vesselFlag: 'Panama',
        formerlyKnownAs: ['ANA I', 'SAND SWAN'],
      },
    });
    expect(byId.get('15431')).toMatchObject({ kind: 'aircraft', name: 'EP-GOM', programs: ['SDGT'] });
    expect(byId.get('2674')).toMatchObject({
      kind: 'person',
      name: 'ABBAS, Abu',
      extra: { title: 'Director of PALESTINE LIBERATION FRONT - ABU ABBAS FACTION', datesOfBirth: ['10 Dec 1948'] },
    });
    expect(sorted(byId.get('12057')?.programs)).toEqual(['IFSR', 'IRAN-EO13876', 'IRAN-HR', 'IRGC', 'NPWMD', 'SDGT']);
    expect(byId.get('306')).toMatchObject({ kind: 'organization', name: 'BANCO NACIONAL DE CUBA', aliases: ['BNC'] });
  });

  it('refuses the empty download of 2024-05-04, naming the source', async () => {
    const path = realFixture('ofac-sdn/sdn.2024-05-04.csv');
    expect(readFileSync(path)).toHaveLength(0);

    const error = await collectRecords(
      usOfacSdn,
      { main: fileDocument(path), companions: new Map() },
      { sourceId: usOfacSdn.id, warn: () => undefined },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(SourceFormatError);
    expect((error as SourceFormatError).message).toBe(
      'us-ofac-sdn: parse: sdn.2024-05-04.csv is empty (0 bytes of content)',
    );
  });
});

describe('usOfacSdn on the legacy CSV set of 2021-07-07 (sdn.csv, add.csv, alt.csv, sdn_comments.csv)', () => {
  it('reads 8976 entries and joins 13837 address rows and 11910 alias rows', async () => {
    const { records, warnings } = await load(usOfacSdn, LEGACY_SET, SDN_COMPANIONS);
    const addressLines =
      readFileSync(realFixture('ofac-sdn/legacy-csv-set.2021-07-07/add.csv'), 'latin1').split('\r\n').length - 1;

    expect(warnings).toEqual([]);
    expect(records).toHaveLength(8976);
    expect(addressLines).toBe(13837);
    // Rows with every address cell null give no address; the rest, less duplicates within an entry, do.
    expect(records.reduce((n, r) => n + r.addresses.length, 0)).toBeGreaterThan(11_000);
    expect(records.reduce((n, r) => n + r.aliases.length - sorted(r.extra.weakAliases).length, 0)).toBeGreaterThan(
      11_800,
    );
  });

  it('joins aliases, addresses and countries of an individual', async () => {
    const { byId } = await load(usOfacSdn, LEGACY_SET, SDN_COMPANIONS);

    expect(byId.get('10689')).toMatchObject({
      name: 'SAEED, Muhammad',
      kind: 'person',
      countries: ['PK'],
      addresses: ['House No. 116 E, Mohalla Johar, Town: Lahore, Tehsil:, Lahore City, Lahore District, Pakistan'],
      programs: ['SDGT'],
      extra: {
        weakAliases: ['HAFIZ SAHIB', 'TATA JI'],
        datesOfBirth: ['05 Jun 1950'],
        placesOfBirth: ['Sargodha, Punjab, Pakistan'],
      },
    });
    expect(sorted(byId.get('10689')!.aliases)).toEqual([
      'HAFIZ SAHIB',
      'SAEED HAFIZ, Muhammad',
      'SAEED, Hafiz',
      'SAEED, Hafiz Mohammad',
      'SAEED, Hafiz Muhammad',
      'SAYED, Hafiz Mohammad',
      'SAYEED, Hafez Mohammad',
      'SAYID, Hafiz Mohammad',
      'SYEED, Hafiz Mohammad',
      'TATA JI',
    ]);
    expect(byId.get('306')).toMatchObject({
      aliases: ['BNC', 'NATIONAL BANK OF CUBA'],
      countries: ['CH', 'ES', 'JP', 'PA'],
    });
  });

  it('continues remarks cut at 1000 characters from sdn_comments.csv, weak alias included', async () => {
    const { byId } = await load(usOfacSdn, LEGACY_SET, SDN_COMPANIONS);

    expect(byId.get('12300')!.remarks).toMatch(
      /; Linked To: C\.I\. METALURGIA EXTRACTIVA DE COLOMBIA S\.A\.S\.; .*Linked To: R D I S\.A\.$/,
    );
    expect(byId.get('28263')!.remarks).toMatch(/a\.k\.a\. 'snowsjohn'; Linked To: LAZARUS GROUP\.$/);
    expect(byId.get('28263')!.aliases).toContain('snowsjohn');
  });

  it('gives the entries also in the 2020 SDN.XML the same name, aliases, countries, addresses and programs', async () => {
    const csv = await load(usOfacSdn, LEGACY_SET, SDN_COMPANIONS);
    const xml = await load(usOfacSdn, 'ofac-sdn/sdn.2020-04-22.trimmed-8-entries.xml');
    const core = (r: RegisterRecord) => ({
      kind: r.kind,
      name: r.name,
      aliases: sorted(r.aliases),
      countries: sorted(r.countries),
      addresses: sorted(r.addresses),
      programs: sorted(r.programs),
      title: r.extra.title,
    });

    const common = xml.records.filter((r) => csv.byId.has(r.id));
    expect(common.map((r) => r.id)).toEqual(['10689', '18619', '19187', '19188', '12057', '15496', '15497']);
    for (const record of common) expect(core(record)).toEqual(core(csv.byId.get(record.id)!));
  });
});

describe('usOfacSdn on SDN.XML (2020-04-22, trimmed upstream to 8 entries)', () => {
  it('reads the 8 entries and warns that the header still counts 8197', async () => {
    const { records, warnings } = await load(usOfacSdn, 'ofac-sdn/sdn.2020-04-22.trimmed-8-entries.xml');

    expect(records).toHaveLength(8);
    expect(warnings).toEqual([
      'sdn.2020-04-22.trimmed-8-entries.xml: header says Record_Count 8197, the file holds 8 sdnEntry',
    ]);
  });

  it('reads identifiers, title and birth data of an entry', async () => {
    const { byId } = await load(usOfacSdn, 'ofac-sdn/sdn.2020-04-22.trimmed-8-entries.xml');
    const naqdi = byId.get('12057')!;

    expect(naqdi.name).toBe('NAQDI, Mohammad Reza');
    expect(naqdi.remarks).toBe('Head of the Basij');
    expect(naqdi.countries).toEqual(['IR']);
    expect(naqdi.extra.datesOfBirth).toEqual(['1951 to 1953', '1960 to 1962', 'Apr 1961', '1953']);
    expect(naqdi.extra.ids).toEqual([
      'Additional Sanctions Information - Subject to Secondary Sanctions',
      'Gender Male',
    ]);
    expect(byId.get('10689')!.extra.ids).toContain(
      'Passport BE5978421 (Pakistan) issued 14 Nov 2007 expires 12 Nov 2012',
    );
  });
});

describe('usOfacConsolidated on the published consolidated files', () => {
  it('reads the 639 entries of consolidated.xml 2018-04-06, E.O. 13599 list included', async () => {
    const { records, warnings } = await load(usOfacConsolidated, 'ofac-cons/consolidated.2018-04-06.xml');

    expect(warnings).toEqual([]);
    expect(records).toHaveLength(639);
    expect(countBy(records, (r) => r.list)).toEqual({ SSI: 290, EO13599: 264, 'NS-PLC': 78, FSE: 6, CAPTA: 1 });
    expect(countBy(records, (r) => r.kind)).toEqual({ organization: 471, person: 94, vessel: 74 });
  });

  it('reads a vessel of the 2018 file with its flag, tonnage and former names', async () => {
    const { byId } = await load(usOfacConsolidated, 'ofac-cons/consolidated.2018-04-06.xml');

    expect(byId.get('15036')).toMatchObject({
      list: 'EO13599',
      kind: 'vessel',
      name: 'SHONA',
      aliases: ['ABADAN', 'ALPHA'],
      programs: ['IRAN'],
      extra: {
        callSign: 'T2EU4',
        vesselType: 'Crude/Oil Products Tanker',
        vesselFlag: 'Tanzania',
        tonnage: '99144',
        grossRegisteredTonnage: '56068',
      },
    });
  });

  it('reads the 375 entries of consolidated.xml 2020-03-17', async () => {
    const { records, warnings } = await load(usOfacConsolidated, 'ofac-cons/consolidated.2020-03-17.xml');

    expect(warnings).toEqual([]);
    expect(records).toHaveLength(375);
    expect(countBy(records, (r) => r.list)).toEqual({ SSI: 290, 'NS-PLC': 78, FSE: 6, CAPTA: 1 });
  });

  it('reads the 443 entities of CONS_ENHANCED.XML 2025-01-10 with the lists they are on', async () => {
    const { records, byId, warnings } = await load(usOfacConsolidated, 'ofac-cons/CONS_ENHANCED.2025-01-10.XML');

    expect(warnings).toEqual([]);
    expect(records).toHaveLength(443);
    expect(countBy(records, (r) => r.list)).toEqual({
      SSI: 286,
      'NS-PLC': 78,
      'NS-CMIC': 68,
      'NS-MBS': 9,
      CAPTA: 1,
      FSE: 1,
    });
    expect(records.filter((r) => sorted(r.extra.lists).includes('SDN'))).toHaveLength(77);
    expect(byId.get('17014')).toMatchObject({
      list: 'SSI',
      kind: 'organization',
      name: 'JOINT STOCK COMPANY RUSSIAN AGRICULTURAL BANK',
      countries: ['RU'],
      listedOn: '2014-07-29',
      extra: { lists: ['SSI', 'NS-MBS'], weakAliases: ['RUSAG'] },
    });
    expect(sorted(byId.get('17014')!.programs)).toEqual(['RUSSIA-EO14024', 'UKRAINE-EO13662']);
    expect(sorted(byId.get('17014')!.aliases)).toContain('ROSSELKHOZBANK');
    expect(byId.get('17013')!.extra.otherScriptNames).toEqual([
      'БАНК ВТБ ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО',
      'БАНК ВТБ ПАО',
    ]);
  });

  it('reads CONS_ENHANCED.ZIP into the same records as the XML it holds', async () => {
    const xml = await load(usOfacConsolidated, 'ofac-cons/CONS_ENHANCED.2025-01-10.XML');
    const zip = await load(usOfacConsolidated, 'ofac-cons/CONS_ENHANCED.2025-01-10.ZIP');

    expect(zip.records).toHaveLength(443);
    expect(zip.records).toEqual(xml.records);
  });

  it('keeps ids across layouts and years: 366 uids of 2020 are entity ids in 2025 (+77 -9)', async () => {
    const old = await load(usOfacConsolidated, 'ofac-cons/consolidated.2020-03-17.xml');
    const now = await load(usOfacConsolidated, 'ofac-cons/CONS_ENHANCED.2025-01-10.XML');

    const common = old.records.filter((r) => now.byId.has(r.id));
    expect(common).toHaveLength(366);
    expect(now.records.filter((r) => !old.byId.has(r.id))).toHaveLength(77);
    expect(old.records.filter((r) => !now.byId.has(r.id))).toHaveLength(9);
  });

  it('writes an unchanged individual the same way from the sdnList XML and from ENHANCED', async () => {
    const old = await load(usOfacConsolidated, 'ofac-cons/consolidated.2020-03-17.xml');
    const now = await load(usOfacConsolidated, 'ofac-cons/CONS_ENHANCED.2025-01-10.XML');
    const core = (r: RegisterRecord) => ({
      list: r.list,
      kind: r.kind,
      name: r.name,
      aliases: sorted(r.aliases),
      countries: sorted(r.countries),
      addresses: sorted(r.addresses),
      programs: sorted(r.programs),
      datesOfBirth: r.extra.datesOfBirth,
      placesOfBirth: r.extra.placesOfBirth,
    });

    for (const id of ['9639', '9640', '9641']) expect(core(now.byId.get(id)!)).toEqual(core(old.byId.get(id)!));
    expect(now.byId.get('9641')!.name).toBe('AL-SHANTI, Jamileh Abdullah');
    const people = old.records.filter((r) => r.kind === 'person' && now.byId.has(r.id));
    expect(people.filter((r) => now.byId.get(r.id)!.name === r.name)).toHaveLength(people.length);
  });

  it("maps every country of ENHANCED's reference table that has an ISO code to that code", () => {
    const xml = readFileSync(realFixture('ofac-cons/CONS_ENHANCED.2025-01-10.XML'), 'utf8');
    const table = [
      ...xml.matchAll(/<type>COUNTRY<\/type>\s*<value>([^<]+)<\/value>\s*<isoCode>([A-Z]{2})<\/isoCode>/g),
    ].map((m) => [m[1]!, m[2]!]);

    expect(table.length).toBeGreaterThan(150);
    expect(table.filter(([name, iso]) => countryCode(name) !== iso)).toEqual([]);
  });
});
