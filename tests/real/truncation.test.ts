/**
 * Cut-off downloads on real files: a register cut short must never read as delistings. OFAC's
 * legacy CSV carries an end-of-file byte (0x1A), so any cut of it is a format error; the CSL CSV
 * carries no trailer, so a cut on a record boundary parses and is caught because its removals are
 * exactly the stored version's last records, in order.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { SourceFormatError } from '../../functions/core/errors.ts';
import { replayPaths } from '../../functions/run/poll.ts';
import { collectRecords, fileDocument } from '../../functions/sources/read/document.ts';
import { findSource } from '../../functions/sources/registry.ts';
import { startTestStack, type TestStack } from '../helpers/local-stack.ts';
import { realFixture } from '../real-fixtures.ts';

const sdn = findSource('us-ofac-sdn')!;
const csl = findSource('us-trade-csl')!;
let dir: string;

const parse = (path: string) =>
  collectRecords(sdn, { main: fileDocument(path), companions: new Map() }, { sourceId: sdn.id, warn: () => undefined });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tradewatch-truncation-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Offsets of the line starts in `bytes` for which `startsRecord` holds, at the given fractions of the file. */
function lineCuts(bytes: Buffer, fractions: readonly number[], startsRecord: (line: string) => boolean): number[] {
  return fractions
    .map((fraction) => {
      let at = bytes.indexOf(0x0a, Math.floor(bytes.length * fraction));
      while (at !== -1 && !startsRecord(bytes.subarray(at + 1, at + 60).toString('latin1')))
        at = bytes.indexOf(0x0a, at + 1);
      return at + 1;
    })
    .filter((cut) => cut > 0);
}

describe('a real OFAC sdn.csv cut short', () => {
  const FRACTIONS = [0.05, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.9999];

  it('is refused as truncated when cut on a line boundary, at every point', async () => {
    const bytes = await readFile(realFixture('ofac-sdn/sdn.2022-02-24.csv'));
    const cuts = lineCuts(bytes, FRACTIONS, (line) => /^\d+,/.test(line));
    // The file without its last byte: every record whole, only the 0x1A gone.
    cuts.push(bytes.length - 1);
    for (const cut of cuts) {
      const path = join(dir, `sdn.cut-${cut}.csv`);
      await writeFile(path, bytes.subarray(0, cut));
      await expect(parse(path), `cut at ${cut} of ${bytes.length}`).rejects.toThrow(SourceFormatError);
      await expect(parse(path)).rejects.toThrow(/truncated|end-of-file/);
    }
  });

  it('is refused when cut inside a line, at every point', async () => {
    const bytes = await readFile(realFixture('ofac-sdn/sdn.2022-02-24.csv'));
    for (const fraction of FRACTIONS) {
      const cut = Math.floor(bytes.length * fraction) + 7;
      const path = join(dir, `sdn.mid-${cut}.csv`);
      await writeFile(path, bytes.subarray(0, cut));
      await expect(parse(path), `cut at ${cut}`).rejects.toThrow(SourceFormatError);
    }
  });

  it('still reads the whole file', async () => {
    const records = await parse(realFixture('ofac-sdn/sdn.2022-02-24.csv'));
    expect(records).toHaveLength(9123);
  });
});

describe('a real CSL CSV cut on a record boundary, in the pipeline', () => {
  let stack: TestStack;
  beforeEach(async () => {
    stack = await startTestStack();
  });
  afterEach(async () => {
    await stack.stop();
  });

  const full = realFixture('csl/consolidated.2022-05-16.csv');
  const startsCslRecord = (line: string) => /^[0-9a-f]{40},/.test(line);

  it('holds every cut whose removals are the stored tail, stores nothing, and takes the full file back silently', async () => {
    const bytes = await readFile(full);
    const [baseline] = await replayPaths(csl, [full], stack.deps);
    expect(baseline!.status).toBe('baseline');
    await stack.drainQueue();
    const before = await stack.store.getMeta(csl.id);

    for (const cut of lineCuts(bytes, [0.93, 0.97, 0.995], startsCslRecord)) {
      const path = join(dir, `consolidated.cut-${cut}.csv`);
      await writeFile(path, bytes.subarray(0, cut));
      const [report] = await replayPaths(csl, [path], stack.deps);
      expect(report!.status, `cut at ${cut}`).toBe('failed');
      expect(report!.error?.step).toBe('guard');
      expect(report!.error?.reason).toMatch(/probable truncated download/);
      expect(report!.eventsStored).toBe(0);
    }
    expect(await stack.store.getMeta(csl.id)).toMatchObject({ contentHash: before!.contentHash });
    const [back] = await replayPaths(csl, [full], stack.deps);
    expect(back).toMatchObject({ status: 'unchanged', published: 0 });
    const messages = await stack.drainQueue();
    // Only the health event (one per incident) and its recovery reach the topic: no change alert.
    expect(messages.every((m) => !/tradewatch\.record\./.test(m.Body ?? ''))).toBe(true);
  });

  it('lets through real delistings that are not the tail, and a cut the operator accepts', async () => {
    const text = await readFile(full, 'latin1');
    const starts = [...text.matchAll(/\n(?=[0-9a-f]{40},)/g)].map((m) => m.index! + 1);
    // Three records taken out of the middle of the file: delistings, not a cut.
    const [a, b] = [starts[2000]!, starts[2003]!];
    const middle = join(dir, 'consolidated.middle.csv');
    await writeFile(middle, text.slice(0, a) + text.slice(b), 'latin1');
    await replayPaths(csl, [full], stack.deps);
    const [report] = await replayPaths(csl, [middle], stack.deps);
    expect(report).toMatchObject({ status: 'changed', removed: 3 });

    const cut = join(dir, 'consolidated.accepted-cut.csv');
    await writeFile(cut, text.slice(0, starts[starts.length - 5]!), 'latin1');
    const [accepted] = await replayPaths(csl, [cut], stack.deps, { acceptDrop: true });
    expect(accepted!.status).toBe('changed');
    expect(accepted!.removed).toBeGreaterThanOrEqual(4);
  });
});
