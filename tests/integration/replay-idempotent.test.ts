/**
 * A replay is idempotent: re-running a whole multi-version replay (after a crash, or by mistake)
 * skips the versions the source already committed instead of diffing the stored version back to
 * them, which would alert the way back and forth again as changes.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { replayPaths } from '../../functions/run/poll.ts';
import { startTestStack, type TestStack } from '../helpers/local-stack.ts';
import { toyCsv, toySource } from '../helpers/toy-source.ts';

describe('replayPaths', () => {
  let stack: TestStack;
  let dir: string;
  let versions: string[];

  beforeEach(async () => {
    stack = await startTestStack();
    dir = await mkdtemp(join(tmpdir(), 'tradewatch-replay-'));
    const rows = [
      toyCsv([['1', 'Alpha Trading', 'RU', 'RUSSIA-EO14024']]),
      toyCsv([
        ['1', 'Alpha Trading', 'RU', 'RUSSIA-EO14024'],
        ['2', 'Beta Microelectronics', 'CN', 'ENTITY'],
      ]),
      toyCsv([
        ['2', 'Beta Microelectronics', 'CN', 'ENTITY'],
        ['3', 'Gamma Shipping', 'IR', 'IRAN'],
      ]),
    ];
    versions = [];
    for (const [i, text] of rows.entries()) {
      const path = join(dir, `toy.v${i + 1}.csv`);
      await writeFile(path, text);
      versions.push(path);
    }
  });

  afterEach(async () => {
    await stack.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('skips the versions a re-run finds already committed, and alerts nothing again', async () => {
    const first = await replayPaths(toySource, versions, stack.deps);
    expect(first.map((r) => r.status)).toEqual(['baseline', 'changed', 'changed']);
    const alerted = (await stack.drainQueue()).length;
    expect(alerted).toBe(3);

    const again = await replayPaths(toySource, versions, stack.deps);
    expect(again.map((r) => r.status)).toEqual(['already-processed', 'already-processed', 'unchanged']);
    expect(again.reduce((n, r) => n + r.eventsStored + r.published, 0)).toBe(0);
    expect(await stack.drainQueue()).toEqual([]);
  });

  it('goes on where a replay stopped', async () => {
    await replayPaths(toySource, versions.slice(0, 2), stack.deps);
    await stack.drainQueue();
    const resumed = await replayPaths(toySource, versions, stack.deps);
    expect(resumed.map((r) => r.status)).toEqual(['already-processed', 'unchanged', 'changed']);
    expect((await stack.drainQueue()).length).toBe(2);
  });

  it('replays a committed version again with force', async () => {
    await replayPaths(toySource, versions, stack.deps);
    await stack.drainQueue();
    const [forced] = await replayPaths(toySource, [versions[1]!], stack.deps, { force: true });
    expect(forced).toMatchObject({ status: 'changed', added: 1, removed: 1 });
  });
});
