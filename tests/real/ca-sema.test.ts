/**
 * Canada's consolidated list on the published files (ca-sema/ in the real fixtures): three whole
 * versions and a slice of the 2026 file. Counts and changes are checked against what the raw text
 * shows, read here with regular expressions and not with the parser under test.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { diffFiles } from '../../functions/cli/diff.ts';
import { SourceFormatError } from '../../functions/core/errors.ts';
import { CA_SEMA_LAYOUTS, caSema } from '../../functions/sources/ca-sema.ts';
import { bufferDocument } from '../../functions/sources/read/document.ts';
import { cachedParser, parseWith } from '../helpers/parse.ts';
import { realFixture } from '../real-fixtures.ts';

const path = (name: string): string => realFixture(`ca-sema/${name}`);
const parse = cachedParser(caSema, path);

const V2020 = 'sema-lmes.2020-04-15.xml';
const V2025_05 = 'sema-lmes.2025-05-25.xml';
const V2025_09 = 'sema-lmes.2025-09-22.xml';
const SLICE = 'sema-lmes-slice.2026-08-06.trimmed-12-records.xml';

interface RawRecord {
  fields: Map<string, string>;
}

/** The records as the raw text writes them: each `<record>` block's elements, whitespace collapsed. */
async function rawRecords(name: string): Promise<RawRecord[]> {
  const text = await readFile(path(name), 'utf8');
  return [...text.matchAll(/<record>([\s\S]*?)<\/record>/g)].map((block) => ({
    fields: new Map(
      [...block[1]!.matchAll(/<([\w-]+)>([^<]*)<\/\1>/g)].map((m) => [
        m[1]!,
        m[2]!.replace(/[\s\u00a0]+/g, ' ').trim(),
      ]),
    ),
  }));
}

const imoNumbers = (records: RawRecord[]): Set<string> =>
  new Set(records.map((r) => r.fields.get('ShipIMONumber') ?? '').filter(Boolean));

describe('caSema on the published files', () => {
  it.each([
    [V2020, 1369, 0],
    [V2025_05, 4759, 109],
    [V2025_09, 5090, 310],
    [SLICE, 12, 2],
  ])('reads every record element of %s (%i) under its own id, without a warning', async (name, count, ships) => {
    const [{ records, warnings }, raw, text] = await Promise.all([
      parse(name),
      rawRecords(name),
      readFile(path(name), 'utf8'),
    ]);

    expect(text.match(/<record>/g)).toHaveLength(count);
    expect(raw).toHaveLength(count);
    expect(records).toHaveLength(count);
    expect(new Set(records.map((r) => r.id)).size).toBe(count);
    expect(warnings).toEqual([]);
    expect(imoNumbers(raw).size).toBe(ships);
    expect(new Set(records.filter((r) => r.kind === 'vessel').map((r) => r.extra.imoNumber))).toEqual(imoNumbers(raw));
  });

  it('gives each record the kind its elements show, and its listing date from 2025 on', async () => {
    for (const name of [V2020, V2025_09]) {
      const [{ records }, raw] = await Promise.all([parse(name), rawRecords(name)]);
      const kinds = raw.map((r) =>
        r.fields.get('ShipIMONumber')
          ? 'vessel'
          : r.fields.get('Entity') || r.fields.get('EntityOrShip')
            ? 'organization'
            : 'person',
      );

      expect(records.map((r) => r.kind)).toEqual(kinds);
      expect(records.map((r) => r.listedOn)).toEqual(raw.map((r) => r.fields.get('DateOfListing')));
    }
  });

  it('names every regime of the September 2025 file as a program, and its country where it is one', async () => {
    const { records } = await parse(V2025_09);
    const programs = new Map(records.map((r) => [r.programs[0], r.countries.join()]));

    expect(programs.get('Russia')).toBe('RU');
    expect(programs.get('China')).toBe('CN');
    expect(programs.get('Myanmar (Burma)')).toBe('MM');
    expect(programs.get('Moldova')).toBe('MD');
    expect(programs.get('Hamas Terrorist Attacks')).toBe('');
    expect(programs.size).toBe(19);
  });

  describe('the bilingual element names of 25 August 2026', () => {
    const bilingualNames = Object.fromEntries(
      Object.entries(CA_SEMA_LAYOUTS['2025']!).map(([name, field]) => [
        name,
        Object.keys(CA_SEMA_LAYOUTS['2026']!).find((n) => CA_SEMA_LAYOUTS['2026']![n] === field)!,
      ]),
    );
    const toBilingual = (text: string): string =>
      text.replace(/<(\/?)(\w+)>/g, (whole, slash: string, name: string) =>
        bilingualNames[name] ? `<${slash}${bilingualNames[name]}>` : whole,
      );

    it('reads the 2026 slice renamed into the bilingual names as the same twelve records', async () => {
      const text = toBilingual(await readFile(path(SLICE), 'utf8'));
      const [original, renamed] = await Promise.all([
        parse(SLICE),
        parseWith(caSema, bufferDocument('sema-lmes.xml', text)),
      ]);

      expect(text).toContain('<Country-Pays>Belarus / Bélarus</Country-Pays>');
      expect(text).not.toContain('<Country>');
      expect(renamed.records).toEqual(original.records);
    });

    it('refuses the bilingual slice with one element renamed, instead of reading its records as empty', async () => {
      const text = toBilingual(await readFile(path(SLICE), 'utf8')).replaceAll(
        'EntityOrShip-EntiteOuNavire>',
        'EntityOrShip-EntiteOuNavireOuAeronef>',
      );

      const parsed = parseWith(caSema, bufferDocument('sema-lmes.xml', text));
      await expect(parsed).rejects.toThrow(SourceFormatError);
      await expect(parseWith(caSema, bufferDocument('sema-lmes.xml', text))).rejects.toThrow(
        /record 2 holds <EntityOrShip-EntiteOuNavireOuAeronef>, which is no field of the 2026 layout/,
      );
    });

    it('refuses the slice whose old names a reader would look up: every field renamed', async () => {
      const text = (await readFile(path(SLICE), 'utf8')).replace(
        /<(\/?)(\w+)>/g,
        (whole, slash: string, name: string) => (name === 'record' ? whole : `<${slash}${name}-X>`),
      );

      await expect(parseWith(caSema, bufferDocument('sema-lmes.xml', text))).rejects.toThrow(
        /unknown layout: record 1/,
      );
    });
  });

  describe('May 2025 → September 2025', () => {
    let diff: ReturnType<typeof diffFiles> | undefined;
    const diffed = (): ReturnType<typeof diffFiles> =>
      (diff ??= diffFiles(caSema, path(V2025_05), path(V2025_09), true));

    it('reports 335 listings, 4 delistings and 112 modifications, 108 of them only a renumbered item', async () => {
      const { changes } = await diffed();
      const count = (type: string): number => changes.filter((c) => c.type === type).length;
      const itemOnly = changes.filter((c) => c.type === 'modified' && c.fields!.every((f) => f.field === 'extra.item'));

      expect([count('added'), count('removed'), count('modified')]).toEqual([335, 4, 112]);
      expect(itemOnly).toHaveLength(108);
      expect(itemOnly.every((c) => c.id.includes(':imo-'))).toBe(true);
    });

    it('reports no ship in both versions as delisted or relisted, and each renumbered ship as its item alone', async () => {
      const [{ changes }, before, after] = await Promise.all([diffed(), rawRecords(V2025_05), rawRecords(V2025_09)]);
      const itemOf = (records: RawRecord[]): Map<string, string> =>
        new Map(
          records
            .filter((r) => r.fields.get('ShipIMONumber'))
            .map((r) => [r.fields.get('ShipIMONumber')!, r.fields.get('Item')!]),
        );
      const [oldItems, newItems] = [itemOf(before), itemOf(after)];
      const inBoth = [...oldItems.keys()].filter((imo) => newItems.has(imo));
      const renumbered = inBoth.filter((imo) => oldItems.get(imo) !== newItems.get(imo));
      const byImo = new Map(changes.map((c) => [c.id.replace(/^ru:imo-/, ''), c]));

      expect(inBoth).toHaveLength(109);
      expect(renumbered).toHaveLength(108);
      expect(inBoth.filter((imo) => ['added', 'removed'].includes(byImo.get(imo)?.type ?? ''))).toEqual([]);
      for (const imo of renumbered)
        expect(byImo.get(imo)?.fields?.map((f) => [f.field, f.old, f.new])).toEqual([
          ['extra.item', oldItems.get(imo), newItems.get(imo)],
        ]);
      expect(changes.filter((c) => c.type === 'added' && c.id.includes(':imo-'))).toHaveLength(
        [...newItems.keys()].filter((imo) => !oldItems.has(imo)).length,
      );
    });

    it('delists exactly the names of May that September no longer writes', async () => {
      const [{ changes }, before, after] = await Promise.all([diffed(), rawRecords(V2025_05), rawRecords(V2025_09)]);
      const names = (records: RawRecord[]): Set<string> =>
        new Set(
          records.map((r) =>
            (r.fields.get('EntityOrShip') || `${r.fields.get('GivenName') ?? ''} ${r.fields.get('LastName') ?? ''}`)
              .trim()
              .toLowerCase(),
          ),
        );
      const [oldNames, newNames] = [names(before), names(after)];

      expect(
        changes
          .filter((c) => c.type === 'removed')
          .map((c) => c.name.toLowerCase())
          .sort(),
      ).toEqual([...oldNames].filter((n) => !newNames.has(n)).sort());
      expect(changes.filter((c) => c.type === 'removed').map((c) => c.id)).toEqual(
        expect.arrayContaining(['ru:olga-ayziman', 'ru:sergey-alexandrovich-maltsev']),
      );
    });

    it('reports the one move between schedules (Surgutneftegas, Schedule 3 → Schedule 1 Part 2) as news', async () => {
      const { changes } = await diffed();
      const moved = changes.filter((c) => c.fields?.some((f) => f.field === 'extra.schedule'));

      expect(moved.map((c) => [c.name, c.fields!.find((f) => f.field === 'extra.schedule')!.new])).toEqual([
        ['OJSC Surgutneftegas', '1, Part 2'],
      ]);
    });
  });

  it('diffs 2020 → May 2025 by name: the renamed Burma regime keeps its ids, and the schedules rewritten "1" → "1, Part 1" are modifications', async () => {
    const { changes } = await diffFiles(caSema, path(V2020), path(V2025_05), true);
    const count = (type: string): number => changes.filter((c) => c.type === type).length;
    const burma = changes.filter((c) => c.id.startsWith('mm:'));

    expect([count('added'), count('removed'), count('modified')]).toEqual([3504, 114, 1255]);
    // The 2020 file's 89 Burma records, all still listed, each modified by the regime's new name.
    expect(burma.filter((c) => c.fields?.some((f) => f.field === 'programs'))).toHaveLength(89);
    expect(burma.filter((c) => c.type === 'removed')).toHaveLength(0);
  });
});
