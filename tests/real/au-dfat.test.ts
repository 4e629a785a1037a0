import { readFile } from 'node:fs/promises';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { diffFiles } from '../../functions/cli/diff.ts';
import { auDfat } from '../../functions/sources/au-dfat.ts';
import { cachedParser } from '../helpers/parse.ts';
import { realFixture } from '../real-fixtures.ts';

const path = (name: string): string => realFixture(`au-dfat/${name}`);
const OLD = 'regulation8_consolidated.2024-11-11.xlsx';
const NEW = 'Australian_Sanctions_Consolidated_List.2026-02-24.xlsx';
const parse = cachedParser(auDfat, path);

/**
 * The distinct base references of a workbook, counted without the reader under test: column A of
 * the sheet XML by regular expression, shared strings looked up in sharedStrings.xml likewise.
 */
async function baseReferences(name: string): Promise<{ rows: number; bases: Set<string> }> {
  const parts = unzipSync(new Uint8Array(await readFile(path(name))), {
    filter: (file) => file.name === 'xl/worksheets/sheet1.xml' || file.name === 'xl/sharedStrings.xml',
  });
  const shared = [...strFromU8(parts['xl/sharedStrings.xml']!).matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) =>
    [...m[1]!.matchAll(/<t[^>]*>([^<]*)<\/t>/g)].map((t) => t[1]).join(''),
  );
  const bases = new Set<string>();
  let rows = 0;
  for (const cell of strFromU8(parts['xl/worksheets/sheet1.xml']!).matchAll(
    /<c r="A(\d+)"([^>]*?)(?:\/>|>(?:<f>[^<]*<\/f>)?<v>([^<]*)<\/v><\/c>)/g,
  )) {
    if (cell[1] === '1' || cell[3] === undefined) continue;
    const text = / t="s"/.test(cell[2]!) ? shared[Number(cell[3])]! : cell[3];
    const base = /^\s*(\d+)/.exec(text)?.[1];
    if (base) {
      rows++;
      bases.add(base);
    }
  }
  return { rows, bases };
}

describe('auDfat on the published files', () => {
  it.each([
    [OLD, 9553, 3062],
    [NEW, 10976, 3811],
  ])('reads %s (%i name rows) as %i records, one per base reference', async (name, rows, designations) => {
    const [{ records }, raw] = await Promise.all([parse(name), baseReferences(name)]);

    expect(raw.rows).toBe(rows);
    expect(raw.bases.size).toBe(designations);
    expect(records).toHaveLength(designations);
    expect(new Set(records.map((r) => r.id))).toEqual(raw.bases);
  });

  it('warns of the three 2026 designations without exactly one Primary Name row, and keeps them', async () => {
    const { records, warnings } = await parse(NEW);

    expect(warnings).toEqual([
      'Reference 8495 has no Primary Name row: named "Yahya Husseini Panjaki" from its first row',
      'Reference 8686 has 2 Primary Name rows: named "Rubicon Center for Advanced Unmanned Technologies", the others read as aliases',
      'Reference 8720 has no Primary Name row: named "Joint Stock Company Exi Bank" from its first row',
    ]);
    expect(records.find((r) => r.id === '8686')!.aliases).toEqual(['Rubicon Unit']);
    expect((await parse(OLD)).warnings).toEqual([]);
  });

  it('reads the trailing-space references with their designation and every Name Type spelling', async () => {
    const records = new Map((await parse(OLD)).records.map((r) => [r.id, r]));

    for (const reference of ['1140g', '2672c4', '7293a', '7566b'])
      expect(records.get(/^\d+/.exec(reference)![0])!.extra.references).toContain(reference);
  });

  it('reads vessels with their IMO number and the Maritime Restriction measure (2026)', async () => {
    const { records } = await parse(NEW);

    const vessels = records.filter((r) => r.kind === 'vessel');
    expect(vessels).toHaveLength(262);
    // One vessel "designation" is a class of ships, without an IMO number.
    const withoutImo = vessels.filter((v) => v.extra.imoNumbers === undefined);
    expect(withoutImo.map((v) => v.name)).toEqual(['DPRK Vessel Class']);
    expect(vessels.filter((v) => /^\d{7}$/.test(String(v.extra.imoNumbers)))).toHaveLength(261);
    expect(records.find((r) => r.id === '8227')).toMatchObject({
      name: 'ANDAMAN SKIES',
      programs: ['Autonomous (Vessels)'],
      extra: { imoNumbers: ['9288693'], measures: ['Maritime Restriction'], controlDate: '2025-06-18' },
    });
  });

  it('diffs 2024-11-11 to 2026-02-24 by base reference: +788 / -39, case-only renames as modifications', async () => {
    const diff = await diffFiles(auDfat, path(OLD), path(NEW), true);
    const of = (type: string) => diff.changes.filter((c) => c.type === type);

    expect(of('added')).toHaveLength(788);
    expect(of('removed')).toHaveLength(39);
    expect(
      of('removed')
        .map((c) => [c.id, c.name])
        .slice(0, 2),
    ).toEqual([
      ['273', 'Basque Fatherland and Liberty'],
      ['299', 'First of October Antifascist Resistance Group'],
    ]);
    expect(of('added').find((c) => c.id === '7995')?.name).toBe('Terrorgram');
    const renamed = of('modified').filter((c) => c.fields!.some((f) => f.field === 'name'));
    expect(renamed).toHaveLength(147);
    const caseOnly = renamed.filter((c) => c.before!.name.toLowerCase() === c.after!.name.toLowerCase());
    expect(caseOnly).toHaveLength(122);
    expect(renamed.find((c) => c.id === '156')).toMatchObject({
      before: { name: 'Abu Sayyaf Group' },
      after: { name: 'ABU SAYYAF GROUP' },
    });
    // The 19-column layout adds measures and instruments to every designation: almost every kept
    // designation is modified once, by the layout change.
    expect(of('modified').length).toBe(3062 - 39);
  }, 60_000);
});
