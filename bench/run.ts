/**
 * `npm run bench`: throughput and peak memory of parse + diff + store on a full-size list, side by
 * side with a bare streaming tokenization of the same file in the same run, and the DynamoDB
 * requests of a no-change and a k-change run. Each figure comes from its own process (max RSS).
 *
 * The full-size list is built here from the real OFAC ENHANCED XML under TRADEWATCH_FIXTURES
 * (default ../shared/fixtures): its entities repeated with new ids to >= 50 MB. Nothing of it is
 * written into the repository.
 *
 * Then publications and digests beside one message per change (bench/bundles.ts, its own process),
 * whose figures feed the cost table.
 *
 * Last, the name matcher's section (bench/match.ts, in its own process): precision, recall and F1 on
 * the evaluation set built from the real lists, and indexed screening beside the brute force; then
 * a 10,000-entry watchlist in the pipeline beside the same runs without one (bench/watchlist.ts);
 * `tradewatch screen` with 50,000 entries against the UN list, in batches beside record by record
 * (bench/screen.ts); a million-entry watchlist imported, stored and screened through its compact
 * index (bench/million.ts, alone: `npx tsx bench/million.ts --entries N`); the review page's first
 * page of changes, a filtered page, a search and a record's history over 100,000 stored events
 * (bench/review-page.ts).
 *
 * Bounds (also alone: `npm run bench -- bounds`, no fixtures needed): time and peak memory until a
 * 1 GiB zip bomb posing as SDN_ENHANCED.ZIP is refused, and until a publisher dripping one byte
 * every 100 ms is given up at a short fetch deadline.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REAL_FIXTURES_DIR, realFixture, realFixturesPresent } from '../tests/real-fixtures.ts';
import { SOURCES } from '../functions/sources/registry.ts';
import { scheduleMinutes } from '../functions/core/schedule.ts';
import { buildEnhancedList } from './build.ts';
import { POLLER_MEMORY_MB } from '../infra/tradewatch-stack.ts';
import { digestSubscriberCost, monthlyCost, type CostInputs } from './cost.ts';
import { FETCH_DEADLINE_MS } from '../functions/http/fetch.ts';

const run = promisify(execFile);
const TARGET_BYTES = Number(process.env.BENCH_MB ?? 52) * 1024 * 1024;
const SOURCE = 'us-ofac-consolidated';
const HEAP_CAP_MB = 192;

/** dynalite in a child process (in memory), answering on a loopback port. */
async function startDynalite(): Promise<{ endpoint: string; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', DYNALITE_SCRIPT], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once('exit', (code) => reject(new Error(`dynalite exited with ${code}`)));
  });
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

const DYNALITE_SCRIPT = `
import { startDynalite } from './functions/local/services.ts';
const server = await startDynalite();
console.log(new URL(server.endpoint).port);
`;

async function worker(...args: string[]): Promise<Record<string, unknown>> {
  return workerWith([], ...args);
}

async function workerWith(nodeOptions: string[], ...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, [...nodeOptions, '--import', 'tsx', 'bench/worker.ts', ...args], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = stdout.trim().split('\n').pop()!;
  return JSON.parse(line) as Record<string, unknown>;
}

const mb = (bytes: number) => bytes / 1024 / 1024;
const fixed = (n: unknown, digits = 1) => (typeof n === 'number' ? n.toFixed(digits) : String(n));

/** Zip bombs and a dripping publisher, each in its own process: what the bounds cost. */
async function boundsSection(): Promise<void> {
  console.log('\nBounds, each in its own process (peak RSS includes the ~125 MB of node + tsx):');
  for (const [label, unit] of [
    ['1 GiB of whitespace', ' '],
    ['1 GiB of empty elements', '<x/>'],
  ] as const) {
    const r = await worker('zip-bomb', unit, '1024');
    console.log(
      `zip bomb, ${label.padEnd(24)} ${fixed(mb(r.onDiskBytes as number), 2)} MB on disk  refused after ${fixed(r.seconds, 2).padStart(5)} s  ${String(r.maxRssMb).padStart(4)} MB peak (${r.maxRssBeforeParseMb} MB before the parse)  (${r.error})`,
    );
  }
  const deadlineMs = 2000;
  const r = await worker('drip', String(deadlineMs));
  console.log(
    `publisher dripping 1 byte / 100 ms, ${deadlineMs} ms deadline: failed after ${fixed(r.seconds, 2)} s  ${String(r.maxRssMb).padStart(4)} MB peak  (${r.error})`,
  );
  console.log(
    `defaults: ${FETCH_DEADLINE_MS / 1000} s for all the downloads of a poll (was 3 attempts × 120 s + backoff ≈ 365 s, past the 300 s Lambda timeout)`,
  );
}

if (process.argv[2] === 'bounds') {
  await boundsSection();
  process.exit(0);
}

if (!realFixturesPresent()) {
  console.error(`bench: no fixtures at ${REAL_FIXTURES_DIR} (set TRADEWATCH_FIXTURES)`);
  process.exit(1);
}

const dir = await mkdtemp(join(tmpdir(), 'tradewatch-bench-'));
try {
  const fixture = realFixture('ofac-cons/CONS_ENHANCED.2025-01-10.XML');
  console.log(`building full-size lists from ${fixture} …`);
  const base = await buildEnhancedList(fixture, join(dir, 'v1.xml'), TARGET_BYTES);
  const k10 = await buildEnhancedList(fixture, join(dir, 'v2-k10.xml'), TARGET_BYTES, 10);
  const k100 = await buildEnhancedList(fixture, join(dir, 'v3-k100.xml'), TARGET_BYTES, 100);
  console.log(`v1: ${fixed(mb(base.bytes))} MB, ${base.entities} entities; v2: 10 changes; v3: 100 changes\n`);

  await worker('manifest', SOURCE, base.path, join(dir, 'v1.manifest'));
  // Interleaved, three rounds, the median of each: a busy neighbour hits all three alike.
  const rounds: Record<string, Record<string, unknown>[]> = { tokenize: [], parse: [], diff: [] };
  for (let round = 0; round < 3; round++) {
    rounds.tokenize!.push(await worker('tokenize', base.path));
    rounds.parse!.push(await worker('parse', SOURCE, base.path));
    rounds.diff!.push(await worker('diff', SOURCE, join(dir, 'v1.manifest'), k100.path));
  }
  const median = (runs: Record<string, unknown>[]) =>
    [...runs].sort((a, b) => (a.seconds as number) - (b.seconds as number))[1]!;
  const tokenize = median(rounds.tokenize!);
  const parse = median(rounds.parse!);
  const diff = median(rounds.diff!);

  const size = mb(base.bytes);
  const row = (label: string, r: Record<string, unknown>) =>
    console.log(
      `${label.padEnd(44)} ${fixed(r.seconds, 2).padStart(7)} s ${fixed(size / (r.seconds as number)).padStart(7)} MB/s ${String(r.maxRssMb).padStart(6)} MB peak`,
    );
  console.log(`Throughput on ${fixed(size)} MB (${base.entities} entities), each in its own process, median of 3:`);
  row('bare saxes tokenization (tokens counted)', tokenize);
  row('parse (normalized records)', parse);
  row('parse + diff against the stored manifest', diff);
  console.log(
    `parse + diff / bare tokenization: ${fixed((diff.seconds as number) / (tokenize.seconds as number), 2)}x the time (goal: within 2x); diff found +${diff.added} -${diff.removed} ~${diff.modified}\n`,
  );

  // DynamoDB runs in its own process, as it does on AWS, so the pipeline's peak memory is its own.
  const dynamo = await startDynalite();
  console.log(
    `Full pipeline: DynamoDB API (dynalite) in a separate process at ${dynamo.endpoint}, SNS/SQS (fauxqs) embedded:`,
  );
  let pipeline: Record<string, unknown>;
  try {
    // V8 grows its heap lazily when memory is plentiful; a cap shows what the runs actually need.
    pipeline = await workerWith(
      [`--max-old-space-size=${HEAP_CAP_MB}`],
      'pipeline',
      SOURCE,
      dynamo.endpoint,
      base.path,
      base.path,
      k10.path,
      k100.path,
    );
  } finally {
    dynamo.stop();
  }
  const labels = ['v1 (baseline store)', 'v1 again (no change)', 'v2 (10 changes from v1)', 'v3 (vs stored v2)'];
  for (const [i, r] of (pipeline.runs as Record<string, unknown>[]).entries()) {
    console.log(
      `${labels[i]!.padEnd(26)} ${fixed(r.seconds, 2).padStart(6)} s  RSS after ${String(r.rssAfterMb).padStart(4)} MB  status ${String(r.status).padEnd(10)} +${r.added} -${r.removed} ~${r.modified}  DynamoDB requests: ${r.totalRequests} ${JSON.stringify(r.requests)}${r.error ? `  error: ${r.error}` : ''}`,
    );
  }
  console.log(
    `pipeline process peak RSS (V8 heap capped at ${HEAP_CAP_MB} MB; the SNS/SQS emulator runs inside it): ${pipeline.maxRssMb} MB`,
  );

  console.log('\nLive polls of the same list from a loopback publisher (DynamoDB in its own process):');
  let polls: Record<string, unknown>;
  const dynamo2 = await startDynalite();
  try {
    polls = await worker('poll', SOURCE, dynamo2.endpoint, base.path);
  } finally {
    dynamo2.stop();
  }
  const pollRuns = polls.runs as {
    label: string;
    status: string;
    medianMs: number;
    dynamoRequests: Record<string, number>;
  }[];
  for (const r of pollRuns)
    console.log(
      `${r.label.padEnd(28)} median ${String(r.medianMs).padStart(5)} ms  status ${r.status.padEnd(10)} DynamoDB requests: ${JSON.stringify(r.dynamoRequests)}`,
    );

  console.log('\nPublications and digests beside one message per change (bench/bundles.ts):');
  const { stdout: bundleOut } = await run(process.execPath, ['--import', 'tsx', 'bench/bundles.ts', '--json'], {
    maxBuffer: 16 * 1024 * 1024,
  });
  const bundleLines = bundleOut.trimEnd().split('\n');
  const bundleFigures = JSON.parse(bundleLines.pop()!.replace(/^BENCH_JSON /, '')) as {
    publicationWrites: number;
    digestRunMs: number;
    digestRunWrites: number;
    writesPerDigestChange: number;
  };
  console.log(bundleLines.join('\n'));

  const notModified = pollRuns.find((r) => r.label.includes('304'))!;
  const changed = (pipeline.runs as Record<string, unknown>[])[2]!;
  const changedRequests = changed.requests as Record<string, number>;
  const writeOps = ['PutItem', 'UpdateItem', 'BatchWriteItem', 'DeleteItem'];
  const inputs: CostInputs = {
    pollsPerMonth: Object.fromEntries(SOURCES.map((s) => [s.id, (30 * 24 * 60) / (scheduleMinutes(s.schedule) ?? 60)])),
    memoryMb: Object.fromEntries(SOURCES.map((s) => [s.id, POLLER_MEMORY_MB[s.kind]])),
    unchangedPollMs: notModified.medianMs,
    networkAllowanceMs: 300,
    unchangedPollWrites: Object.values(notModified.dynamoRequests).reduce((a, b) => a + b, 0),
    changedRunsPerMonth: 60,
    eventsPerChangedRun: 10,
    changedRunMs: Math.round((changed.seconds as number) * 1000),
    changedRunWrites: Object.entries(changedRequests)
      .filter(([op]) => writeOps.includes(op))
      .reduce((a, [op, n]) => a + (op === 'BatchWriteItem' ? n * 25 : n), 0),
    changedRunReads: Object.entries(changedRequests)
      .filter(([op]) => !writeOps.includes(op))
      .reduce((a, [, n]) => a + n * 8, 0),
    emailSubscribers: 2,
    publicationWrites: bundleFigures.publicationWrites,
    logBytesPerPoll: 1200,
    // Polls, FailedPolls, Changes (no dimension); alarms: polls failing, polls stalled, poller DLQ.
    customMetrics: 3,
    alarms: 3,
  };
  const lines = monthlyCost(inputs);
  console.log(
    `\nMonthly cost of the default deployment (${SOURCES.length} sources, schedules ${[...new Set(SOURCES.map((s) => s.schedule))].join(', ')}), no free tier subtracted:`,
  );
  console.log(
    'Measured: unchanged poll ' +
      inputs.unchangedPollMs +
      ' ms and ' +
      inputs.unchangedPollWrites +
      ' DynamoDB writes; 10-change run ' +
      inputs.changedRunMs +
      ' ms. Assumed: +' +
      inputs.networkAllowanceMs +
      ' ms network per poll, 60 changed runs a month of 10 events, 2 email subscribers.',
  );
  for (const line of lines) console.log(`| ${line.item} | ${line.quantity} | $${line.usd.toFixed(3)} |`);
  console.log(`| **total** | | **$${lines.reduce((a, l) => a + l.usd, 0).toFixed(2)}** |`);
  const digest = digestSubscriberCost({
    digestRunMs: bundleFigures.digestRunMs,
    digestRunWrites: bundleFigures.digestRunWrites,
    writesPerDigestChange: bundleFigures.writesPerDigestChange,
    changesPerMonth: inputs.changedRunsPerMonth * inputs.eventsPerChangedRun,
    networkAllowanceMs: inputs.networkAllowanceMs,
  });
  console.log(`| ${digest.item} | ${digest.quantity} | $${digest.usd.toFixed(3)} |`);
} finally {
  await rm(dir, { recursive: true, force: true });
}

/** Runs another bench script in its own process, its output straight to this one's. */
function section(title: string, script: string): Promise<void> {
  console.log(`\n${title} (${script}):\n`);
  return new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${script} exited with ${code}`))));
  });
}

await section('Name matching', 'bench/match.ts');
await section('Watchlists in the pipeline', 'bench/watchlist.ts');
await section('The screen command', 'bench/screen.ts');
await section('The review page over 100,000 stored events', 'bench/review-page.ts');
await section('Screening a customer base at scale', 'bench/screening-eval.ts');
await section('A million-entry watchlist', 'bench/million.ts');
await boundsSection();
