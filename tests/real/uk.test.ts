import { readFile } from 'node:fs/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { diffFiles } from '../../functions/cli/diff.ts';
import { cleanText, type RegisterRecord } from '../../functions/core/records.ts';
import { bufferDocument, collectRecords } from '../../functions/sources/read/document.ts';
import { ukSanctionsList } from '../../functions/sources/uk-sanctions-list.ts';
import { cachedParser } from '../helpers/parse.ts';
import { realFixture } from '../real-fixtures.ts';

const path = (name: string): string => realFixture(`uk-sanctions/${name}`);

const CSV_2018 = 'sanctionsconlist.2018-04-13.csv';
const CSV_2020 = 'ConList.2020-04-27.csv';
const XML_2026 = 'UK_Sanctions_List.2026-09-10.trimmed-5-designations.xml';

const parse = cachedParser(ukSanctionsList, path);

async function record(name: string, id: string): Promise<RegisterRecord> {
  const found = (await parse(name)).records.find((r) => r.id === id);
  if (!found) throw new Error(`${id} not in ${name}`);
  return found;
}

interface RawGroups {
  header: string[];
  rows: number;
  groups: Map<string, string[][]>;
}

/** The raw rows of an OFSI CSV (decoded as windows-1252), grouped by Group ID, without the parser under test. */
async function rawGroups(name: string): Promise<RawGroups> {
  const text = new TextDecoder('windows-1252').decode(await readFile(path(name)));
  const lines: string[][] = parseCsv(text, { relax_column_count: true });
  const header = lines[1]!;
  const at = header.indexOf('Group ID');
  const groups = new Map<string, string[][]>();
  for (const row of lines.slice(2)) {
    const list = groups.get(row[at]!);
    if (list) list.push(row);
    else groups.set(row[at]!, [row]);
  }
  return { header, rows: lines.length - 2, groups };
}

/** Groups of both files whose rows differ, compared as `form` makes them. */
function changedGroups(a: RawGroups, b: RawGroups, form: (rows: string[][]) => string): number {
  let changed = 0;
  for (const [id, rows] of b.groups) if (a.groups.has(id) && form(a.groups.get(id)!) !== form(rows)) changed++;
  return changed;
}

/** The rows as published: a multiset of exact rows. */
const exactRows = (rows: string[][]): string =>
  rows
    .map((r) => JSON.stringify(r))
    .sort()
    .join('\n');
/** The rows with every cell trimmed and spaces collapsed, as a set (the same row twice is one). */
const cleanRows = (rows: string[][]): string =>
  [...new Set(rows.map((r) => JSON.stringify(r.map((c) => cleanText(c)))))].sort().join('\n');

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

let diff2018To2020: ReturnType<typeof diffFiles> | undefined;
const diffOfCsvs = (): ReturnType<typeof diffFiles> =>
  (diff2018To2020 ??= diffFiles(ukSanctionsList, path(CSV_2018), path(CSV_2020), false));

describe('ukSanctionsList on the published files', () => {
  it.each([
    [CSV_2018, 9487, 2106],
    [CSV_2020, 9492, 2114],
  ])('reads %s (%i name rows) as %i records, one per Group ID, without a warning', async (name, rows, groups) => {
    const [{ records, warnings }, raw] = await Promise.all([parse(name), rawGroups(name)]);

    expect(raw.rows).toBe(rows);
    expect(raw.groups.size).toBe(groups);
    expect(records.map((r) => r.id)).toEqual([...raw.groups.keys()].sort((a, b) => Number(a) - Number(b)));
    expect(warnings).toEqual([]);
    expect(records.every((r) => r.list === 'OFSI Consolidated List')).toBe(true);
  });

  it.each([CSV_2018, CSV_2020])('gives every group of %s the kind of its Group Type', async (name) => {
    const [{ records }, raw] = await Promise.all([parse(name), rawGroups(name)]);
    const at = raw.header.indexOf('Group Type');
    const rawKinds = countBy([...raw.groups.values()], (rows) => rows[0]![at]!);

    expect(countBy(records, (r) => r.kind)).toEqual({ person: rawKinds.Individual, organization: rawKinds.Entity });
  });

  it('reads the five designations of the 2026 FCDO XML without a warning', async () => {
    const { records, warnings } = await parse(XML_2026);

    expect(records.map((r) => [r.id, r.kind])).toEqual([
      ['AFG0001', 'organization'],
      ['AFG0006', 'person'],
      ['BEL0107', 'organization'],
      ['DPR0075', 'vessel'],
      ['AQD0195', 'person'],
    ]);
    expect(warnings).toEqual([]);
  });

  it('writes only ISO country codes and ISO listing dates', async () => {
    for (const name of [CSV_2018, CSV_2020, XML_2026]) {
      const { records } = await parse(name);
      expect(records.filter((r) => !r.countries.every((c) => /^[A-Z]{2}$/.test(c)))).toEqual([]);
      expect(records.every((r) => /^\d{4}-\d{2}-\d{2}$/.test(r.listedOn ?? ''))).toBe(true);
    }
  });

  describe('known entries', () => {
    it('reads an OFSI group whose primary name rows are spread over the file with its aliases, demonyms and numbered nationalities', async () => {
      const r = await record(CSV_2020, '13349');

      expect(r).toMatchObject({
        kind: 'person',
        name: 'Nayef Salam Muhammad Ujaym AL-HABABI',
        // Nationality "1) Saudi Arabia 2) Qatar" and the address country "Afghanistan (since 2009)".
        countries: ['SA', 'QA', 'AF'],
        programs: ["The ISIL (Da'esh) and Al-Qaida organisations"],
        listedOn: '2016-04-01',
        extra: { datesOfBirth: ['00/00/1980', '00/00/1981'], nationalities: ['1) Saudi Arabia 2) Qatar'] },
      });
      expect(r.aliases).toEqual(
        expect.arrayContaining(['Sheikh Farooq AL-QAHTANI', 'Imran Farouk SHAYKH', 'Faruq AL-QATARI']),
      );
      expect(r.remarks).toMatch(/^UN Ref QDe\.004\. Emir for the eastern zone of Afghanistan\./);
    });

    it('decodes windows-1252 quotes and trims the 2018 names’ leading spaces', async () => {
      const prizrak = await record(CSV_2020, '13222');
      const qahtani = await record(CSV_2018, '13349');

      expect(prizrak).toMatchObject({
        kind: 'organization',
        name: 'PRIZRAK BRIGADE',
        aliases: ['14TH MOTORIZED RIFLE BATTALION'],
        programs: ['Ukraine (Sovereignty)'],
      });
      expect(prizrak.remarks).toContain('the so-called ’2nd Army Corps’ of the ‘Lugansk People´s Republic’');
      // 2018 writes " AL-QAHTANI" (leading space) in Name 6.
      expect(qahtani.aliases).toContain('Sheikh Farooq AL-QAHTANI');
      expect((await record(CSV_2018, '13222')).remarks).toContain('‘Lugansk People´s Republic’');
    });

    it('reads an FCDO individual with variations, non-Latin name, measures, documents and birth place', async () => {
      expect(await record(XML_2026, 'AFG0006')).toEqual({
        id: 'AFG0006',
        source: 'uk-sanctions-list',
        list: 'UK Sanctions List',
        kind: 'person',
        name: 'MOHAMMAD HASSAN AKHUND',
        aliases: ['Mohammad Akhwand', 'محمد حسن آخوند'],
        countries: ['AF'],
        addresses: ['Kabul, Afghanistan'],
        programs: ['The Afghanistan (Sanctions) (EU Exit) Regulations 2020'],
        links: [],
        extra: {
          nameVariations: ['Mohammad Akhwand'],
          nonLatinNames: ['محمد حسن آخوند'],
          lastUpdated: '2026-04-14',
          ofsiGroupId: '7172',
          unReference: 'TAi.002',
          designationSource: 'UK|UN',
          sanctionsImposed: ['Asset freeze', 'Travel Ban'],
          titles: ['Mullah', 'Haji'],
          datesOfBirth: ['12/05/1958', 'dd/mm/1945', '1946'],
          nationalities: ['Afghanistan'],
          genders: ['Male'],
          positions: ['Deputy Minister of Agriculture under the Taliban regime'],
          passports: ['P04581926; Afghanistan passport number P04581926, issued in Kandahar (expires 7 August 2034)'],
          nationalIds: ['2132370; Afghan national identification card (tazkira) number'],
          placesOfBirth: ['Pashmul village, Panjwai District, Afghanistan'],
        },
        listedOn: '2001-01-25',
        remarks:
          'A close associate of Mullah Mohammed Omar (TAi.004). Belongs to Baabar tribe. Review pursuant to Security Council resolution 1822 (2008) was concluded on 21 Jul. 2010. INTERPOL-UN Security Council Special Notice web link: https://www.interpol.int/en/How-we-work/ Notices/View-UN-Notices-Individuals click here',
      });
    });

    it('reads an entity with a low-quality alias and company details, and a ship with its flag as country', async () => {
      expect(await record(XML_2026, 'BEL0107')).toMatchObject({
        name: 'BNK (UK) Ltd',
        aliases: ['BNK UK Limited', 'BNK'],
        countries: ['GB'],
        addresses: ['Salatin House, 19 Cedar Road, Sutton, Surrey, SM2 5DA, United Kingdom'],
        extra: {
          lowQualityAliases: ['BNK'],
          parentCompanies: ['CJSC Belarusian Oil Company', 'Belneftekhim'],
          sanctionsImposed: ['Asset freeze', 'Director Disqualification Sanction'],
        },
      });
      expect(await record(XML_2026, 'DPR0075')).toMatchObject({
        kind: 'vessel',
        name: 'Petrel 8',
        aliases: ['Tian Tai 36'],
        countries: ['KM'],
        extra: { imoNumbers: ['IMO9562233'], flags: ['Comoros'] },
      });
    });

    it('links FCDO designations to OFSI groups only through OFSIGroupID, which is not a shared id', async () => {
      const xml = (await parse(XML_2026)).records;
      const groupIds = xml.map((r) => r.extra.ofsiGroupId);

      expect(groupIds).toEqual(['12703', '7172', '14124', undefined, '6899']);
      // The same target under both keys: same person, different ids.
      expect((await record(CSV_2020, '7172')).name).toBe('Mohammad Hassan AKHUND');
      expect((await record(CSV_2020, '12703')).aliases).toContain('HAJI KHAIRULLAH MONEY EXCHANGE');
      // BEL0107 was designated in 2021: its group is not in the 2020 CSV. The ship has no group at all.
      expect((await parse(CSV_2020)).records.some((r) => r.id === '14124')).toBe(false);
    });
  });

  describe('versions compared record by record', () => {
    // SOURCES.md counts 2018-04-13 → 2020-04-27 by Group ID comparing the raw rows: +165 / −157 /
    // ~741. Records trim every cell and collapse spaces, and a group's rows are a set (their order
    // and repetition carry no meaning), so 250 of those 741 groups — changed only by leading or
    // trailing spaces in a cell (a name's stray leading space, "UN Ref IRi.043  ") — are no change;
    // the other 491 are, and the diff finds exactly those.
    it('finds +165 / −157 / ~491: the groups whose rows changed in substance', async () => {
      const [a, b, diff] = await Promise.all([rawGroups(CSV_2018), rawGroups(CSV_2020), diffOfCsvs()]);
      const added = [...b.groups.keys()].filter((id) => !a.groups.has(id)).length;
      const removed = [...a.groups.keys()].filter((id) => !b.groups.has(id)).length;

      expect([added, removed, changedGroups(a, b, exactRows)]).toEqual([165, 157, 741]);
      expect(changedGroups(a, b, cleanRows)).toBe(491);
      expect(countBy(diff.changes, (c) => c.type)).toEqual({
        added,
        removed,
        modified: changedGroups(a, b, cleanRows),
      });
      expect(diff.duplicates).toEqual([]);
    });

    it('never reports a group as modified when only the spacing of its cells changed', async () => {
      const [a, b, diff] = await Promise.all([rawGroups(CSV_2018), rawGroups(CSV_2020), diffOfCsvs()]);
      const modified = new Set(diff.changes.filter((c) => c.type === 'modified').map((c) => c.id));
      const spacingOnly = [...b.groups.keys()].filter(
        (id) =>
          a.groups.has(id) &&
          exactRows(a.groups.get(id)!) !== exactRows(b.groups.get(id)!) &&
          cleanRows(a.groups.get(id)!) === cleanRows(b.groups.get(id)!),
      );

      expect(spacingOnly).toHaveLength(250);
      expect(spacingOnly.filter((id) => modified.has(id))).toEqual([]);
    });
  });

  describe('refused documents', () => {
    it('refuses the 2020 CSV cut in the middle', async () => {
      const whole = await readFile(path(CSV_2020));
      const cut = bufferDocument('ConList.csv', whole.subarray(0, Math.floor(whole.length / 2)));

      await expect(
        collectRecords(
          ukSanctionsList,
          { main: cut, companions: new Map() },
          { sourceId: ukSanctionsList.id, warn: () => undefined },
        ),
      ).rejects.toThrow(/^uk-sanctions-list: parse: ConList\.csv: truncated/);
    });
  });
});
