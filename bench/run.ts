/**
 * `npm run bench`: throughput and peak memory of parse + diff + store on a full-size list, side by
 * side with a bare streaming tokenization of the same file in the same run, and the DynamoDB
 * requests of a no-change and a k-change run. Each figure comes from its own process (max RSS).
 *
 * The full-size list is built here from the real OFAC ENHANCED XML under TRADEWATCH_FIXTURES
 * (default ../shared/fixtures): its entities repeated with new ids to >= 50 MB. Nothing of it is
 * written into the repository.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REAL_FIXTURES_DIR, realFixture, realFixturesPresent } from '../tests/real-fixtures.ts';
import { buildEnhancedList } from './build.ts';

const run = promisify(execFile);
const TARGET_BYTES = Number(process.env.BENCH_MB ?? 52) * 1024 * 1024;
const SOURCE = 'us-ofac-consolidated';
const HEAP_CAP_MB = 192;

/** dynalite in a child process (in memory), answering on a loopback port. */
async function startDynalite(): Promise<{ endpoint: string; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', DYNALITE_SCRIPT], { stdio: ['ignore', 'pipe', 'inherit'] });
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
  const { stdout } = await run(process.execPath, [...nodeOptions, '--import', 'tsx', 'bench/worker.ts', ...args], { maxBuffer: 64 * 1024 * 1024 });
  const line = stdout.trim().split('\n').pop()!;
  return JSON.parse(line) as Record<string, unknown>;
}

const mb = (bytes: number) => bytes / 1024 / 1024;
const fixed = (n: unknown, digits = 1) => (typeof n === 'number' ? n.toFixed(digits) : String(n));

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

  const tokenize = await worker('tokenize', base.path);
  const parse = await worker('parse', SOURCE, base.path);
  await worker('manifest', SOURCE, base.path, join(dir, 'v1.manifest'));
  const diff = await worker('diff', SOURCE, join(dir, 'v1.manifest'), k100.path);

  const size = mb(base.bytes);
  const row = (label: string, r: Record<string, unknown>) =>
    console.log(`${label.padEnd(44)} ${fixed(r.seconds, 2).padStart(7)} s ${fixed(size / (r.seconds as number)).padStart(7)} MB/s ${String(r.maxRssMb).padStart(6)} MB peak`);
  console.log(`Throughput on ${fixed(size)} MB (${base.entities} entities), each in its own process:`);
  row('bare saxes tokenization (tokens counted)', tokenize);
  row('parse (normalized records)', parse);
  row('parse + diff against the stored manifest', diff);
  console.log(`parse + diff / bare tokenization: ${fixed((diff.seconds as number) / (tokenize.seconds as number), 2)}x the time (goal: within 2x); diff found +${diff.added} -${diff.removed} ~${diff.modified}\n`);

  // DynamoDB runs in its own process, as it does on AWS, so the pipeline's peak memory is its own.
  const dynamo = await startDynalite();
  console.log(`Full pipeline: DynamoDB API (dynalite) in a separate process at ${dynamo.endpoint}, SNS/SQS (fauxqs) embedded:`);
  let pipeline: Record<string, unknown>;
  try {
    // V8 grows its heap lazily when memory is plentiful; a cap shows what the runs actually need.
    pipeline = await workerWith([`--max-old-space-size=${HEAP_CAP_MB}`], 'pipeline', SOURCE, dynamo.endpoint, base.path, base.path, k10.path, k100.path);
  } finally {
    dynamo.stop();
  }
  const labels = ['v1 (baseline store)', 'v1 again (no change)', 'v2 (10 changes from v1)', 'v3 (vs stored v2)'];
  for (const [i, r] of (pipeline.runs as Record<string, unknown>[]).entries()) {
    console.log(`${labels[i]!.padEnd(26)} ${fixed(r.seconds, 2).padStart(6)} s  RSS after ${String(r.rssAfterMb).padStart(4)} MB  status ${String(r.status).padEnd(10)} +${r.added} -${r.removed} ~${r.modified}  DynamoDB requests: ${r.totalRequests} ${JSON.stringify(r.requests)}${r.error ? `  error: ${r.error}` : ''}`);
  }
  console.log(`pipeline process peak RSS (V8 heap capped at ${HEAP_CAP_MB} MB; the SNS/SQS emulator runs inside it): ${pipeline.maxRssMb} MB`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
