/**
 * The diff on real successive versions, against counts computed here straight from the raw files
 * by code that shares nothing with the parsers: ids and whitespace-normalized raw rows/blocks.
 */
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffFiles } from '../../functions/cli/diff.ts';
import { findSource } from '../../functions/sources/registry.ts';
import { tradewatch } from '../helpers/cli.ts';
import { realFixture } from '../real-fixtures.ts';

interface RawCounts {
  added: number;
  removed: number;
  modified: number;
}

function compareKeyed(oldMap: Map<string, string>, newMap: Map<string, string>): RawCounts {
  let added = 0;
  let modified = 0;
  for (const [key, value] of newMap) {
    const old = oldMap.get(key);
    if (old === undefined) added += 1;
    else if (old !== value) modified += 1;
  }
  let removed = 0;
  for (const key of oldMap.keys()) if (!newMap.has(key)) removed += 1;
  return { added, removed, modified };
}

/** sdn.csv rows keyed by ent_num (the text before the first comma), whitespace collapsed. */
async function rawSdnRows(path: string): Promise<Map<string, string>> {
  const text = (await readFile(path, 'latin1')).split(String.fromCharCode(0x1a)).join('');
  const rows = new Map<string, string>();
  // A row starts at a line beginning with digits and a comma; quoted fields never hold newlines here
  // except in remarks, which we re-join by treating non-matching lines as continuations.
  let key = '';
  for (const line of text.split(/\r?\n/)) {
    const match = /^(\d+),/.exec(line);
    if (match) {
      key = match[1]!;
      rows.set(key, line.replace(/\s+/g, ' ').trim());
    } else if (key && line.trim()) rows.set(key, `${rows.get(key)} ${line.replace(/\s+/g, ' ').trim()}`);
  }
  return rows;
}

/** UN INDIVIDUAL/ENTITY blocks keyed by DATAID, whitespace between tags removed and runs collapsed. */
async function rawUnBlocks(path: string): Promise<Map<string, string>> {
  const text = await readFile(path, 'utf8');
  const blocks = new Map<string, string>();
  for (const match of text.matchAll(/<(INDIVIDUAL|ENTITY)>([\s\S]*?)<\/\1>/g)) {
    const id = /<DATAID>\s*(\d+)\s*<\/DATAID>/.exec(match[2]!)![1]!;
    blocks.set(id, match[2]!.replace(/>\s+</g, '><').replace(/>\s+/g, '>').replace(/\s+</g, '<').replace(/\s+/g, ' '));
  }
  return blocks;
}

async function ourCounts(sourceId: string, oldPath: string, newPath: string): Promise<RawCounts> {
  const diff = await diffFiles(findSource(sourceId)!, oldPath, newPath, false);
  const counts = { added: 0, removed: 0, modified: 0 };
  for (const change of diff.changes) counts[change.type] += 1;
  return counts;
}

describe('diff of real successive OFAC SDN CSV versions', () => {
  const pairs: [string, string, RawCounts][] = [
    ['2021-12-22', '2021-12-30', { added: 0, removed: 150, modified: 0 }],
    ['2022-02-24', '2022-02-25', { added: 91, removed: 0, modified: 4 }],
    ['2024-05-02', '2024-05-03', { added: 0, removed: 8, modified: 0 }],
  ];
  for (const [from, to, published] of pairs) {
    it(`${from} → ${to} matches the independent count from the raw rows`, async () => {
      const oldPath = realFixture(`ofac-sdn/sdn.${from}.csv`);
      const newPath = realFixture(`ofac-sdn/sdn.${to}.csv`);
      const independent = compareKeyed(await rawSdnRows(oldPath), await rawSdnRows(newPath));
      expect(independent).toEqual(published); // the independent count agrees with SOURCES.md
      expect(await ourCounts('us-ofac-sdn', oldPath, newPath)).toEqual(independent);
    });
  }

  it('refuses the empty 2024-05-04 download with a SourceFormatError naming the source', async () => {
    await expect(
      ourCounts('us-ofac-sdn', realFixture('ofac-sdn/sdn.2024-05-03.csv'), realFixture('ofac-sdn/sdn.2024-05-04.csv')),
    ).rejects.toThrow(/^us-ofac-sdn: parse: sdn\.2024-05-04\.csv is empty/);
  });
});

describe('diff of real successive UN consolidated list versions', () => {
  const pairs: [string, string][] = [
    ['2018-06-07', '2018-06-21'],
    ['2018-06-21', '2018-08-24'],
    ['2018-08-24', '2018-10-29'],
  ];
  for (const [from, to] of pairs) {
    it(`${from} → ${to} matches the independent count from the raw XML blocks`, async () => {
      const oldPath = realFixture(`un/consolidated.${from}.xml`);
      const newPath = realFixture(`un/consolidated.${to}.xml`);
      const independent = compareKeyed(await rawUnBlocks(oldPath), await rawUnBlocks(newPath));
      expect(await ourCounts('un-sc-consolidated', oldPath, newPath)).toEqual(independent);
    });
  }
});

describe('diff of the real CSL against an edited copy', () => {
  let dir: string;
  let editedPath: string;
  const original = realFixture('csl/consolidated.2022-05-16.csv');
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tradewatch-csl-'));
    editedPath = join(dir, 'consolidated.csv');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds exactly the rows deleted, the rows added and the addresses changed, whatever the quoting', async () => {
    const rows = parseCsv(await readFile(original, 'utf8'), { relax_column_count: false }) as string[][];
    const [header, ...body] = rows;
    const column = (name: string) => header!.indexOf(name);
    const entityList = body.filter((row) => row[column('source')]!.includes('Entity List'));
    expect(entityList.length).toBeGreaterThan(20);
    const deleted = new Set(entityList.slice(0, 3));
    const readdressed = new Set(entityList.slice(3, 5));
    const edited = body
      .filter((row) => !deleted.has(row))
      .map((row) =>
        readdressed.has(row)
          ? row.map((cell, i) => (i === column('addresses') ? 'Changed Street 1, Shenzhen, CN' : cell))
          : row,
      );
    for (const [i, row] of entityList.slice(5, 7).entries())
      edited.push(
        row.map((cell, c) =>
          c === column('_id') ? `tradewatch-test-new-${i}` : c === column('name') ? `${cell} NEW ${i}` : cell,
        ),
      );
    // Every cell quoted, unlike the original: quoting is layout, never content.
    const quote = (cell: string) => `"${cell.replace(/"/g, '""')}"`;
    await writeFile(editedPath, [header!, ...edited].map((row) => row.map(quote).join(',')).join('\n') + '\n');

    expect(await ourCounts('us-trade-csl', original, editedPath)).toEqual({ added: 2, removed: 3, modified: 2 });
  });
});

describe('npx tradewatch diff --json on the real files', () => {
  it('reports the true added and removed counts of a real pair', async () => {
    const result = await tradewatch([
      'diff',
      '--source',
      'us-ofac-sdn',
      realFixture('ofac-sdn/sdn.2022-02-24.csv'),
      realFixture('ofac-sdn/sdn.2022-02-25.csv'),
      '--json',
    ]);
    expect(result.code).toBe(0);
    const diff = JSON.parse(result.stdout) as {
      source: string;
      added: number;
      removed: number;
      modified: number;
      changes: { type: string; id: string; name: string; fields?: unknown[] }[];
    };
    expect(diff).toMatchObject({ source: 'us-ofac-sdn', added: 91, removed: 0, modified: 4 });
    expect(diff.changes).toHaveLength(95);
    expect(
      diff.changes.filter((c) => c.type === 'modified').every((c) => Array.isArray(c.fields) && c.fields.length > 0),
    ).toBe(true);
  });

  it('fails on the empty SDN download with one clear line and a non-zero exit', async () => {
    const result = await tradewatch([
      'diff',
      '--source',
      'us-ofac-sdn',
      realFixture('ofac-sdn/sdn.2024-05-03.csv'),
      realFixture('ofac-sdn/sdn.2024-05-04.csv'),
      '--json',
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim()).toBe(
      'tradewatch: us-ofac-sdn: parse: sdn.2024-05-04.csv is empty (0 bytes of content)',
    );
  });

  it('applies the live bounds with --strict', async () => {
    const result = await tradewatch([
      'diff',
      '--strict',
      '--source',
      'us-ofac-sdn',
      realFixture('ofac-sdn/sdn.2020-04-22.trimmed-8-entries.xml'),
      realFixture('ofac-sdn/sdn.2021-12-22.csv'),
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/us-ofac-sdn: guard: .*has 8 records, outside the expected 10000-60000/);
  });
});
