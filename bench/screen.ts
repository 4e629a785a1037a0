/**
 * `npx tsx bench/screen.ts` (also run by `npm run bench`): `tradewatch screen` with a 50,000-entry
 * watchlist against the UN consolidated list of 2022-09-15 under TRADEWATCH_FIXTURES, screened in
 * batches as the command does now (the pipeline's screenRecords), beside screening record by record
 * (WatchlistScreener.screenRecord) as the command did before. Each runs as its own process under
 * `/usr/bin/time`, for its wall time and peak RSS; both must find exactly the same hits.
 *
 * The watchlist is invented (bench/synthetic-watchlist.ts: people and companies in Latin, Cyrillic,
 * Arabic, Chinese and Korean script), written to a temporary folder and removed after. Record by
 * record takes minutes at 50,000 entries; BENCH_SCREEN_ENTRIES sets another size.
 *
 * `npx tsx bench/screen.ts record-by-record <watchlist> <source> <file>` is the "before" process: it
 * prints what `tradewatch screen --json` prints, found record by record.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { WatchlistHit } from '../functions/core/events.ts';
import { DEFAULT_THRESHOLD } from '../functions/match/score.ts';
import { findSource } from '../functions/sources/registry.ts';
import type { RegisterSource } from '../functions/sources/types.ts';
import { realFixture } from '../tests/real-fixtures.ts';
import { screenRecordByRecord } from '../tests/helpers/screen-record-by-record.ts';
import { syntheticWatchlist, watchlistCsv } from './synthetic-watchlist.ts';

const run = promisify(execFile);
const SOURCE = 'un-sc-consolidated';
const ENTRIES = Number(process.env.BENCH_SCREEN_ENTRIES ?? 50_000);
/**
 * The side-by-side runs use the first BESIDE entries: record by record takes about 10 minutes at
 * 50,000 (575 s measured once), which would make `npm run bench` three times longer for one
 * figure; both ways at 5,000, then the batches alone at the 50,000.
 */
const BESIDE = Number(process.env.BENCH_SCREEN_BESIDE ?? 5_000);

interface ScreenOutput {
  entries: number;
  recordsScreened: number;
  hits: { recordId: string; hit: WatchlistHit }[];
}

/** The command's output, found as it was before batches: each record indexed alone. */
async function recordByRecord(watchlist: string, sourceId: string, file: string): Promise<void> {
  const threshold = DEFAULT_THRESHOLD;
  const found = await screenRecordByRecord(findSource(sourceId) as RegisterSource, file, watchlist, threshold);
  const output = { watchlist, entries: found.entries, recordsScreened: found.screened, threshold, hits: found.rows };
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
}

/** One process under /usr/bin/time: its output, wall seconds and peak RSS. */
async function timed(command: string[]): Promise<{ output: ScreenOutput; seconds: number; peakMb: number }> {
  const { stdout, stderr } = await run('/usr/bin/time', ['-f', 'BENCH_TIME %e %M', ...command], {
    maxBuffer: 512 * 1024 * 1024,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const [, seconds, kilobytes] = /BENCH_TIME (\S+) (\d+)/.exec(stderr) ?? [];
  if (!seconds) throw new Error(`bench/screen: no timing from /usr/bin/time in: ${stderr.slice(-500)}`);
  return { output: JSON.parse(stdout) as ScreenOutput, seconds: Number(seconds), peakMb: Number(kilobytes) / 1024 };
}

async function main(): Promise<void> {
  const list = realFixture('un/consolidated.2022-09-15.xml');
  const dir = await mkdtemp(join(tmpdir(), 'tradewatch-bench-screen-'));
  try {
    const watchlist = join(dir, 'customers.csv');
    const small = join(dir, 'customers-beside.csv');
    const invented = syntheticWatchlist(ENTRIES);
    await writeFile(watchlist, watchlistCsv(invented));
    await writeFile(small, watchlistCsv(invented.slice(0, BESIDE)));
    const screen = (file: string) =>
      timed([
        process.execPath,
        'bin/tradewatch.js',
        'screen',
        '--watchlist',
        file,
        '--source',
        SOURCE,
        '--file',
        list,
        '--json',
      ]);
    const full = await screen(watchlist);
    const batched = await screen(small);
    const before = await timed([
      process.execPath,
      '--import',
      'tsx',
      'bench/screen.ts',
      'record-by-record',
      small,
      SOURCE,
      list,
    ]);
    const { recordsScreened } = batched.output;
    const same = JSON.stringify(before.output.hits) === JSON.stringify(batched.output.hits);
    const entriesHit = new Set(full.output.hits.map((h) => h.hit.entryKey)).size;
    const count = (n: number) => n.toLocaleString('en-US');
    console.log(
      `\`tradewatch screen\`: invented watchlist entries (5 scripts) against the UN consolidated list ` +
        `of 2022-09-15 (${count(recordsScreened)} records), threshold ${DEFAULT_THRESHOLD}, each in its own process:`,
    );
    console.log('| screening | entries | wall time | peak RSS | hits |');
    console.log('|---|---|---|---|---|');
    const row = (label: string, r: typeof batched) =>
      console.log(
        `| ${label} | ${count(r.output.entries)} | ${r.seconds.toFixed(1)} s | ${Math.round(r.peakMb)} MB | ${r.output.hits.length} |`,
      );
    row('record by record (screenRecord; the command before)', before);
    row('in batches of 1,000 records (screenRecords; the command now)', batched);
    row("in batches, the issue's size", full);
    console.log(
      `at ${count(BESIDE)} entries ${(before.seconds / batched.seconds).toFixed(0)}x faster; the same hits, scores, explanations and order: ` +
        `${same ? 'yes' : 'NO'}; at ${count(full.output.entries)}, ${count(entriesHit)} entries hit (none of them is listed: false alarms).`,
    );
    if (!same) process.exitCode = 1;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'record-by-record') await recordByRecord(process.argv[3]!, process.argv[4]!, process.argv[5]!);
else await main();
