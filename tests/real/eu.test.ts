import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { diffFiles } from '../../functions/cli/diff.ts';
import type { RegisterRecord } from '../../functions/core/records.ts';
import { bufferDocument, collectRecords } from '../../functions/sources/read/document.ts';
import { euFsf } from '../../functions/sources/eu-fsf.ts';
import { cachedParser } from '../helpers/parse.ts';
import { realFixture } from '../real-fixtures.ts';

const path = (name: string): string => realFixture(`eu-fsf/${name}`);

const SAMPLE_EU = 'sample_eu.2020-04-15.trimmed-7-entities.xml';
const SAMPLE_EU_SANCTIONS = 'sample_eu_sanctions.2020-04-15.trimmed-7-entities.xml';
const GLOBAL_1_0 = 'global-1.0.2016-02-11.subset-595-entities.xml';

const parse = cachedParser(euFsf, path);

async function record(name: string, id: string): Promise<RegisterRecord> {
  const found = (await parse(name)).records.filter((r) => r.id === id);
  if (found.length === 0) throw new Error(`${id} not in ${name}`);
  return found[0]!;
}

/** Every `<tag …attribute="value"` of the raw file, read without the parser under test. */
async function rawAttributes(name: string, tag: string, attribute: string): Promise<string[]> {
  const text = await readFile(path(name), 'utf8');
  return [...text.matchAll(new RegExp(`<${tag}\\s[^>]*?\\b${attribute}="([^"]*)"`, 'g'))].map((m) => m[1]!);
}

/** Ids of the names of each entry in the raw file: 1.1 nameAlias logicalIds or 1.0 NAME Ids. */
async function rawNameIds(name: string, entry: RegExp, nameId: RegExp): Promise<Map<string, string[]>> {
  const text = await readFile(path(name), 'utf8');
  const out = new Map<string, string[]>();
  for (const m of text.matchAll(entry))
    out.set(
      m[1]!,
      [...m[2]!.matchAll(nameId)].map((n) => n[1]!),
    );
  return out;
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

describe('euFsf on the published files', () => {
  it.each([
    [SAMPLE_EU, 7, 6],
    [SAMPLE_EU_SANCTIONS, 7, 7],
    [GLOBAL_1_0, 595, 595],
  ])('reads every entry of %s (%i entries, %i distinct ids) without a warning', async (name, entries, distinct) => {
    const { records, warnings } = await parse(name);

    expect(records).toHaveLength(entries);
    expect(new Set(records.map((r) => r.id)).size).toBe(distinct);
    expect(warnings).toEqual([]);
    expect(records.every((r) => r.countries.every((c) => /^[A-Z]{2}$/.test(c)))).toBe(true);
    expect(records.every((r) => /^\d{4}-\d{2}-\d{2}$/.test(r.listedOn ?? ''))).toBe(true);
  });

  it('counts the 1.0 subset by kind and by programme as the raw file does', async () => {
    const { records } = await parse(GLOBAL_1_0);
    const types = countBy(await rawAttributes(GLOBAL_1_0, 'ENTITY', 'Type'), (t) => t);
    const programmes = countBy(await rawAttributes(GLOBAL_1_0, 'ENTITY', 'programme'), (p) => p);

    expect(types).toEqual({ P: 319, E: 276 });
    expect(countBy(records, (r) => r.kind)).toEqual({ person: types.P, organization: types.E });
    expect(Object.keys(programmes).sort()).toEqual(['AFG', 'COD', 'IRQ', 'TAQA', 'TERR', 'ZWE']);
    expect(countBy(records, (r) => r.programs.join('+'))).toEqual(programmes);
  });

  it('reports the logicalId the trimmed upstream sample repeats (5468, a test entry added upstream) as a conflicting duplicate', async () => {
    const diff = await diffFiles(euFsf, path(SAMPLE_EU), path(SAMPLE_EU), false);

    expect(diff.duplicates).toEqual([{ id: '5468', occurrences: 2, conflicting: true }]);
    expect((await parse(SAMPLE_EU)).records.filter((r) => r.id === '5468').map((r) => r.name)).toEqual([
      'Sok-hwa Hwang',
      'TestOneWord',
    ]);
  });

  describe('ids across the 1.1 and 1.0 layouts', () => {
    it('finds the same entry under the same id, with the same name ids, in both layouts', async () => {
      const current = new Map([
        ...(await rawNameIds(
          SAMPLE_EU,
          /<sanctionEntity [^>]*logicalId="(\d+)">([\s\S]*?)<\/sanctionEntity>/g,
          /<nameAlias [^>]*logicalId="(\d+)"/g,
        )),
        ...(await rawNameIds(
          SAMPLE_EU_SANCTIONS,
          /<sanctionEntity [^>]*logicalId="(\d+)">([\s\S]*?)<\/sanctionEntity>/g,
          /<nameAlias [^>]*logicalId="(\d+)"/g,
        )),
      ]);
      const legacy = await rawNameIds(GLOBAL_1_0, /<ENTITY Id="(\d+)"([\s\S]*?)<\/ENTITY>/g, /<NAME Id="(\d+)"/g);
      const common = [...current.keys()].filter((id) => legacy.has(id)).sort((a, b) => Number(a) - Number(b));

      expect(common).toEqual(['13', '20', '23', '25', '29', '33', '39', '191', '927']);
      for (const id of common) expect(legacy.get(id)).toEqual(expect.arrayContaining(current.get(id)!));
      for (const id of common) {
        const [a, b] = await Promise.all([
          record(id === '191' || id === '927' ? SAMPLE_EU : SAMPLE_EU_SANCTIONS, id),
          record(GLOBAL_1_0, id),
        ]);
        expect([b.name, ...b.aliases].map((n) => n.toLowerCase())).toContain(a.name.toLowerCase());
        expect(b.kind).toBe(a.kind);
        expect(b.countries).toEqual(a.countries);
      }
    });

    it('diffs the 2016 1.0 subset against the 2020 1.1 Iraq sample without one spurious addition', async () => {
      const diff = await diffFiles(euFsf, path(GLOBAL_1_0), path(SAMPLE_EU_SANCTIONS), false);
      const types = countBy(diff.changes, (c) => c.type);

      expect(types.added).toBeUndefined();
      expect(types.removed).toBe(588);
      expect(diff.total).toBe(7);
    });
  });

  describe('known entries', () => {
    it('reads Iraq entry 13 alike in the 2020 1.1 sample and the 2016 1.0 subset', async () => {
      const expected = {
        id: '13',
        kind: 'person',
        list: 'EU Consolidated',
        name: 'Saddam Hussein Al-Tikriti',
        aliases: ['Abu Ali', 'Abou Ali'],
        countries: ['IQ'],
        programs: ['IRQ'],
        listedOn: '2003-07-08',
        remarks: 'UNSC RESOLUTION 1483',
        links: ['http://eur-lex.europa.eu/LexUriServ/LexUriServ.do?uri=OJ:L:2003:169:0006:0023:EN:PDF'],
      };

      expect(await record(SAMPLE_EU_SANCTIONS, '13')).toMatchObject({
        ...expected,
        extra: { euReferenceNumber: 'EU.27.28', datesOfBirth: ['1937-04-28'] },
      });
      expect(await record(GLOBAL_1_0, '13')).toMatchObject({
        ...expected,
        extra: { datesOfBirth: ['1937-04-28'], citizenships: ['IRQ'] },
      });
    });

    it('names entry 191 after the person listed, not the first nameAlias of the file', async () => {
      const r = await record(SAMPLE_EU, '191');

      expect(r).toMatchObject({
        name: 'Khalid Shaikh MOHAMMED',
        programs: ['TERR'],
        countries: ['PK'],
        listedOn: '2005-11-30',
      });
      expect(r.aliases).toEqual([
        'Salem ALI',
        'Fahd Bin Adballah BIN KHALID',
        'Ashraf Refaat Nabith HENIN',
        'Khalid Adbul WADOOD',
      ]);
      expect(r.extra.documents).toEqual(['National passport: 488555']);
      expect((await record(GLOBAL_1_0, '191')).aliases).toContain('Chalid Szejk Mohammed');
    });

    it('keeps the designation date of a renamed entry and its later name as an alias (5295)', async () => {
      const r = await record(SAMPLE_EU, '5295');

      expect(r).toMatchObject({
        name: 'Amor Mohamed Ghedeir',
        programs: ['TAQA'],
        countries: ['DZ'],
        listedOn: '2008-07-03',
      });
      expect(r.aliases).toContain('Abid Hammadou');
      expect(r.extra.datesOfBirth).toEqual(['1965-12-12', 'circa 1958']);
      expect(r.extra.nameRemarks).toEqual([
        "Amor Mohamed Ghedeir: (a) Mother's name is Benarouba Bachira; (b) Father's name is Mabrouk. Other information: Reportedly deceased as of 24 February 2013.",
      ]);
    });

    it('reads entry 927’s address with its remark in both layouts (the same address id 1623)', async () => {
      expect((await record(SAMPLE_EU, '927')).addresses).toEqual([
        '23 50th Street, Zehrouni, Tunis, TUNISIA (Italian Fiscal Code: DAOMMD74T11Z352Z)',
      ]);
      expect((await record(GLOBAL_1_0, '927')).addresses).toEqual([
        '23 50th Street, Zehrouni, Tunis, TUN (Italian Fiscal Code: DAOMMD74T11Z352Z)',
      ]);
    });

    it('reads a Zimbabwe entry of 1.0 dated by its earliest act, with its remark unwrapped', async () => {
      const r = await record(GLOBAL_1_0, '1');

      expect(r).toMatchObject({
        name: 'Robert Gabriel Mugabe',
        kind: 'person',
        programs: ['ZWE'],
        listedOn: '2002-09-13',
        remarks:
          'Entity is sanctioned in regime 310/2002 (OJ L50) of programme ZWE, in regime 314/2004 (OJ L55) of programme ZWE',
      });
      expect(r.extra.documents).toEqual(['AD001095 (passport-National passport) ((passport))']);
      expect(r.extra.functions).toEqual(['President', 'president']);
    });
  });

  describe('refused documents', () => {
    it('refuses the 1.0 file cut in the middle', async () => {
      const whole = await readFile(path(GLOBAL_1_0));
      const cut = bufferDocument('eu.xml', whole.subarray(0, Math.floor(whole.length / 2)));

      await expect(
        collectRecords(euFsf, { main: cut, companions: new Map() }, { sourceId: euFsf.id, warn: () => undefined }),
      ).rejects.toThrow(/^eu-fsf: parse: eu\.xml: malformed XML/);
    });
  });
});
