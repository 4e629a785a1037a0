/**
 * Local mode loses nothing and repeats nothing: the `tradewatch replay` of a real SDN version pair
 * is killed with SIGKILL at 24 moments spread over its run (at least 20 of them before it ends) (parsing, diffing, storing, publishing,
 * delivering), then run again to the end. After each re-run, every alert the uninterrupted run
 * delivers is in alerts.jsonl exactly once, and every event is stored exactly once.
 */
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/cli.ts';
import { realFixture } from '../real-fixtures.ts';

const BIN = join(PROJECT_ROOT, 'bin', 'tradewatch.js');
const V1 = realFixture('ofac-sdn/sdn.2022-02-24.csv');
const V2 = realFixture('ofac-sdn/sdn.2022-02-25.csv');
/** Kill moments tried; at least KILLED_AT_LEAST of them must land before the run ends. */
const MOMENTS = 24;
const KILLED_AT_LEAST = 20;

interface Outcome {
  code: number | null;
  killed: boolean;
  ms: number;
  /** The last lines the command wrote to stderr (for a failure's message). */
  stderr: string;
}

/** Runs `tradewatch args` on `home`; with `killAfterMs`, kills it with SIGKILL then if still running. */
function run(home: string, args: string[], killAfterMs?: number): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, TRADEWATCH_HOME: home },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
    let killed = false;
    const timer =
      killAfterMs === undefined
        ? undefined
        : setTimeout(() => {
            killed = child.kill('SIGKILL');
          }, killAfterMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, killed: killed && code === null, ms: Date.now() - started, stderr });
    });
  });
}

async function alertIds(home: string): Promise<string[]> {
  const text = await readFile(join(home, 'alerts.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { id: string }).id);
}

async function storedEventIds(home: string): Promise<string[]> {
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'events', '--source', 'us-ofac-sdn', '--json', '--limit', '100000'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, TRADEWATCH_HOME: home },
    });
    let text = '';
    child.stdout.on('data', (chunk) => (text += chunk));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`events exited ${code}`))));
  });
  return (JSON.parse(output) as { eventId: string }[]).map((e) => e.eventId);
}

describe('tradewatch replay killed with SIGKILL, then run again', () => {
  let root: string;
  let template: string;
  let expectedAlerts: string[];
  let expectedEvents: string[];
  let fullRunMs: number;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'tradewatch-crash-'));
    // The baseline (2022-02-24) is stored once; each trial starts from a copy of it.
    template = join(root, 'template');
    expect((await run(template, ['replay', '--source', 'us-ofac-sdn', V1])).code).toBe(0);
    const reference = join(root, 'reference');
    await cp(template, reference, { recursive: true });
    const full = await run(reference, ['replay', '--source', 'us-ofac-sdn', V1, V2]);
    expect(full.code).toBe(0);
    // The kill moments are spread over a warm run (the first one also pays for cold caches).
    const warm = join(root, 'warm');
    await cp(template, warm, { recursive: true });
    const again = await run(warm, ['replay', '--source', 'us-ofac-sdn', V1, V2]);
    expect(again.code).toBe(0);
    fullRunMs = Math.min(full.ms, again.ms);
    expectedAlerts = await alertIds(reference);
    expectedEvents = await storedEventIds(reference);
  }, 300_000);

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('the uninterrupted run alerts each change once', () => {
    expect(expectedAlerts.length).toBeGreaterThan(90);
    expect(new Set(expectedAlerts).size).toBe(expectedAlerts.length);
    expect(new Set(expectedEvents).size).toBe(expectedEvents.length);
    expect(new Set(expectedAlerts)).toEqual(new Set(expectedEvents));
  });

  it('delivers every alert exactly once and stores every event once, wherever it was killed', async () => {
    let killedMidRun = 0;
    for (let i = 0; i < MOMENTS; i++) {
      const home = join(root, `trial-${i}`);
      await cp(template, home, { recursive: true });
      const at = Math.round((fullRunMs * 0.95 * (i + 0.5)) / MOMENTS);
      const first = await run(home, ['replay', '--source', 'us-ofac-sdn', V1, V2], at);
      if (first.killed) killedMidRun += 1;
      // A run that ended before its kill was faster than measured: later moments spread over it.
      else fullRunMs = Math.min(fullRunMs, first.ms);
      const again = await run(home, ['replay', '--source', 'us-ofac-sdn', V1, V2]);
      expect(again.code, `re-run after a kill at ${at} ms: ${again.stderr}`).toBe(0);
      const alerts = await alertIds(home);
      expect(alerts.length, `alerts after a kill at ${at} ms`).toBe(expectedAlerts.length);
      expect(new Set(alerts), `alerts after a kill at ${at} ms`).toEqual(new Set(expectedAlerts));
      const events = await storedEventIds(home);
      expect(events.length, `events after a kill at ${at} ms`).toBe(expectedEvents.length);
      expect(new Set(events)).toEqual(new Set(expectedEvents));
      await rm(home, { recursive: true, force: true });
    }
    expect(killedMidRun).toBeGreaterThanOrEqual(KILLED_AT_LEAST);
  }, 900_000);
});
