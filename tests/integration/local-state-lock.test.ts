/**
 * One process at a time on a local state folder: a second `tradewatch` stops with one line naming
 * the first one's pid; a lock or a source lease left by a process that was killed is taken over at
 * once instead of blocking the next run.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLocalRuntime } from '../../functions/local/runtime.ts';
import { tradewatch } from '../helpers/cli.ts';

/** The pid of a process that has ended. */
function deadPid(): number {
  return Number(
    execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }),
  );
}

describe('the local state folder', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'tradewatch-lock-'));
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('refuses a second process with one line naming the first', async () => {
    const runtime = await startLocalRuntime({ home });
    try {
      const second = await tradewatch(['sources'], { TRADEWATCH_HOME: home });
      expect(second.code).not.toBe(0);
      expect(second.stderr.trim()).toBe(
        `tradewatch: another tradewatch process (pid ${process.pid}) is using ${home}; wait for it to finish`,
      );
    } finally {
      await runtime.stop();
    }
    const after = await tradewatch(['sources'], { TRADEWATCH_HOME: home });
    expect(after.code).toBe(0);
  });

  it("takes over a dead process's lock at once", async () => {
    await writeFile(join(home, 'lock'), `${deadPid()}\n`);
    const runtime = await startLocalRuntime({ home });
    await runtime.stop();
  });

  it('releases a lease a killed run left behind, so the next poll is not skipped', async () => {
    const first = await startLocalRuntime({ home });
    // A run that was killed holding its lease: acquired for 15 minutes, never released.
    expect(await first.store.acquireLease('us-ofac-sdn', 'killed-run', new Date(), 15 * 60_000)).toBeDefined();
    await first.stop();
    const next = await startLocalRuntime({ home });
    try {
      expect(await next.store.acquireLease('us-ofac-sdn', 'next-run', new Date(), 15 * 60_000)).toBeDefined();
    } finally {
      await next.stop();
    }
  });
});
