/**
 * `npx tsx bench/million.ts [--entries N] [--no-initial] [--records N]` (also run by `npm run
 * bench`, with the default of 1,000,000): a million-entry watchlist, imported, stored and screened
 * through its compact index (functions/watchlist/watchlist-index.ts) in an in-process dynalite.
 *
 * Each step runs in its own process, so that its peak RSS is its own: a CSV file is generated
 * (bench/synthetic-watchlist.ts's `customerWatchlist`: people and organizations by @faker-js/faker
 * in twelve locales, people with a birth date); the import reads it as `tradewatch watchlist import`
 * does (streamed: parsed, checked, indexed and cut in blocks row by row, then stored); the change
 * screening of 100 changed records of OFAC's SDN list of 2024-05-03 (under TRADEWATCH_FIXTURES), as
 * a run does it: read the index, narrow, read the candidate blocks, screen; the initial screening
 * of the whole SDN list (`--records N`: its first N records), locally in one process; then the
 * sharded plan on AWS (functions/watchlist/shard-plan.ts) with its cost by AWS's published prices
 * (`--no-initial` stops after the change screening). Each step reports its wall time, its CPU time
 * (less swayed by other work on a shared machine) and its memory: peak RSS, and the peaks of the
 * heap and of the memory outside it sampled every 50 ms. Figures are printed, never asserted.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { dynamoClient, ensureTable } from '../functions/aws/clients.ts';
import { watchlistPk } from '../functions/aws/table.ts';
import { WatchlistStore } from '../functions/aws/watchlist-store.ts';
import { startDynalite } from '../functions/local/services.ts';
import type { RegisterRecord } from '../functions/core/records.ts';
import { collectRecords, fileDocument } from '../functions/sources/read/document.ts';
import { findSource } from '../functions/sources/registry.ts';
import { streamWatchlistFile } from '../functions/watchlist/file.ts';
import { openIndexedWatchlist, type IndexedWatchlist } from '../functions/watchlist/indexed-watchlist.ts';
import { screenRecords, WatchlistScreener } from '../functions/watchlist/screening.ts';
import { planShards, shardCost } from '../functions/watchlist/shard-plan.ts';
import { realFixture } from '../tests/real-fixtures.ts';
import { customerWatchlist } from './synthetic-watchlist.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const run = promisify(execFile);
const sdn = findSource('us-ofac-sdn')!;
const SDN = realFixture('ofac-sdn/sdn.2024-05-03.csv');
const TABLE = 'bench-million';
const SUBSCRIBER = { id: 'million', threshold: 0.8 };
const TIME = '2026-05-01T00:00:00.000Z';

const flag = (name: string): string | undefined => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
};
const peakMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

/** Peaks of the heap and of the memory outside it (typed arrays, buffers), sampled every 50 ms. */
const peaks = { heapMb: 0, outsideMb: 0 };
const sample = (): void => {
  const usage = process.memoryUsage();
  peaks.heapMb = Math.max(peaks.heapMb, Math.round(usage.heapUsed / 2 ** 20));
  peaks.outsideMb = Math.max(peaks.outsideMb, Math.round(usage.external / 2 ** 20));
};
const memory = (): typeof peaks => {
  sample();
  return { ...peaks };
};
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

async function sdnRecords(): Promise<RegisterRecord[]> {
  return collectRecords(
    sdn,
    { main: fileDocument(SDN), companions: new Map() },
    { sourceId: sdn.id, warn: () => undefined },
  );
}

async function openList(endpoint: string): Promise<{ list: IndexedWatchlist; ms: number }> {
  const store = new WatchlistStore({ client: dynamoClient({ endpoint }), tableName: TABLE });
  const started = performance.now();
  const list = (await openIndexedWatchlist(store, SUBSCRIBER, { indexedFrom: 0 }))!;
  return { list, ms: performance.now() - started };
}

/** One step, in this process: prints one JSON line for the parent. */
async function step(name: string, endpoint: string, entries: number): Promise<Record<string, unknown>> {
  const client = dynamoClient({ endpoint });
  if (name === 'generate') {
    // The file an import reads, written in its own process so that the import's peak is its own.
    const quote = (value: string | undefined): string => `"${(value ?? '').replace(/"/g, '""')}"`;
    const lines = ['reference,name,country,kind,birthDate'];
    for (const e of customerWatchlist(entries))
      lines.push([e.reference, e.name, e.country, e.kind, e.birthDate].map(quote).join(','));
    await writeFile(flag('file')!, `${lines.join('\n')}\n`);
    return { bytes: (await stat(flag('file')!)).size };
  }
  if (name === 'import') {
    await ensureTable(client, TABLE);
    const started = performance.now();
    const store = new WatchlistStore({ client, tableName: TABLE });
    // As `tradewatch watchlist import` does: the file read, parsed, indexed and stored as it comes.
    const { meta } = await store.importWatchlist(
      SUBSCRIBER.id,
      streamWatchlistFile(flag('file')!),
      'million.csv',
      'bench',
      TIME,
    );
    const importMs = performance.now() - started;
    let items = 0;
    let bytes = { entries: 0, index: 0 };
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: watchlistPk(SUBSCRIBER.id) } },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        items += 1;
        const size = item.data?.B?.length ?? 0;
        if (item.sk!.S!.startsWith('IDX#')) bytes = { ...bytes, index: bytes.index + size };
        else bytes = { ...bytes, entries: bytes.entries + size };
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return {
      importMs,
      items,
      bytes,
      blocks: meta.chunks,
      indexChunks: meta.indexChunks,
      peakMb: peakMb(),
      ...memory(),
    };
  }
  // --records N: the initial screening of the first N records only (an estimate where the whole
  // list would take too long on a shared machine).
  const records = (await sdnRecords()).filter((r) => r.kind !== 'other').slice(0, Number(flag('records') ?? Infinity));
  const { list, ms: indexMs } = await openList(endpoint);
  if (name === 'change') {
    // 100 records spread over the list, as a busy day's changes.
    const changed = records.filter((_, i) => i % Math.floor(records.length / 100) === 0).slice(0, 100);
    const started = performance.now();
    const screener = await new WatchlistScreener([list]).narrowed(changed);
    const hits = screener
      .screenBatch(changed.map((record) => ({ record, sourceId: sdn.id, recordHash: 'h' })))
      .flat()
      .reduce((sum, r) => sum + r.hits.length, 0);
    return {
      indexMs,
      screenMs: performance.now() - started,
      index: { ...list.index.size, bytes: list.index.byteLength },
      candidates: list.stats.candidates,
      hitEntries: list.stats.hitEntries,
      blocksRead: list.stats.blocksRead,
      candidatesMs: list.stats.candidatesMs,
      probeMs: list.stats.probeMs,
      hits,
      peakMb: peakMb(),
      ...memory(),
    };
  }
  const started = performance.now();
  const cpu = process.cpuUsage();
  const batches: number[] = [];
  let last = started;
  const result = await screenRecords(sdn, records, new WatchlistScreener([list]), TIME, (p) => {
    if (p.names === p.totalNames) {
      const now = performance.now();
      batches.push(now - last);
      last = now;
    }
  });
  const used = process.cpuUsage(cpu);
  return {
    indexMs,
    screenMs: performance.now() - started,
    screenCpuMs: (used.user + used.system) / 1000,
    records: result.counts.screened,
    hitEvents: result.counts.hitEvents,
    candidates: list.stats.candidates,
    blocksRead: list.stats.blocksRead,
    slowestBatchMs: Math.max(...batches),
    peakMb: peakMb(),
    ...memory(),
  };
}

const peaksText = (result: Record<string, unknown>): string =>
  `CPU ${seconds(result.cpuMs as number)} for the whole step; heap at most ${result.heapMb as number} MB, typed arrays and buffers ${result.outsideMb as number} MB`;

async function child(name: string, endpoint: string, entries: number, file = ''): Promise<Record<string, unknown>> {
  const { stdout } = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      'bench/million.ts',
      '--step',
      name,
      '--endpoint',
      endpoint,
      '--entries',
      String(entries),
      '--file',
      file,
    ],
    { maxBuffer: 1 << 20, env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=3072' } },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

async function main(): Promise<void> {
  const entries = Number(flag('entries') ?? 1_000_000);
  const stepName = flag('step');
  if (stepName) {
    const sampler = setInterval(sample, 50);
    const cpu = process.cpuUsage();
    const result = await step(stepName, flag('endpoint')!, entries);
    const used = process.cpuUsage(cpu);
    console.log(JSON.stringify({ ...result, cpuMs: (used.user + used.system) / 1000 }));
    clearInterval(sampler);
    return;
  }
  const dynalite = await startDynalite();
  const folder = await mkdtemp(join(tmpdir(), 'tradewatch-million-'));
  const file = join(folder, 'million.csv');
  try {
    const n = entries.toLocaleString('en-US');
    console.log(`A ${n}-entry synthetic customer base (bench/synthetic-watchlist.ts, faker), dynalite in process`);
    const generated = await child('generate', dynalite.endpoint, entries, file);
    const imported = await child('import', dynalite.endpoint, entries, file);
    const bytes = imported.bytes as { entries: number; index: number };
    console.log(
      `  import:   a ${((generated.bytes as number) / 1e6).toFixed(1)} MB CSV file read, parsed, indexed and stored in ${seconds(imported.importMs as number)}; ` +
        `${imported.items as number} items (${imported.blocks as number} blocks of entries, ${imported.indexChunks as number} of index), ` +
        `${(bytes.entries / 1e6).toFixed(1)} MB entries + ${(bytes.index / 1e6).toFixed(1)} MB index gzipped; ` +
        `peak RSS ${imported.peakMb as number} MB (${peaksText(imported)})`,
    );
    const change = await child('change', dynalite.endpoint, entries);
    const index = change.index as { units: number; keys: number; bases: number; postings: number; bytes: number };
    console.log(
      `  changes:  100 changed SDN records in ${seconds((change.indexMs as number) + (change.screenMs as number))} ` +
        `(index read ${seconds(change.indexMs as number)}: ${index.units.toLocaleString('en-US')} words and runs, ` +
        `${index.keys.toLocaleString('en-US')} keys + ${index.bases.toLocaleString('en-US')} neighbourhood bases, ` +
        `${(index.bytes / 1e6).toFixed(0)} MB in memory; ` +
        `${(change.candidates as number).toLocaleString('en-US')} candidates, ${change.hitEntries as number} of them hit, ` +
        `in ${change.blocksRead as number} blocks; candidates found in ${seconds(change.candidatesMs as number)}, ` +
        `screened from the index in ${seconds(change.probeMs as number)}; ` +
        `${change.hits as number} hits); peak RSS ${change.peakMb as number} MB (${peaksText(change)})`,
    );
    if (process.argv.includes('--no-initial')) return;
    const initial = await child('initial', dynalite.endpoint, entries);
    console.log(
      `  initial:  ${(initial.records as number).toLocaleString('en-US')} SDN records in ${seconds(initial.screenMs as number)} locally, one process, CPU ${seconds(initial.screenCpuMs as number)} ` +
        `(${(initial.candidates as number).toLocaleString('en-US')} candidates over the batches, slowest batch of 1,000 ` +
        `${seconds(initial.slowestBatchMs as number)}; ${initial.hitEvents as number} hit events); peak RSS ${initial.peakMb as number} MB (${peaksText(initial)})`,
    );
    // From the screening's CPU time: its wall time on a shared machine counts the others' work too.
    const plan = planShards({
      records: initial.records as number,
      msPerRecord: (initial.screenCpuMs as number) / (initial.records as number),
      indexMs: change.indexMs as number,
    });
    const cost = shardCost(plan, {
      memoryMb: plan.memoryMb,
      indexBytes: bytes.index,
      blocksPerShard: Math.ceil((initial.blocksRead as number) / plan.shards),
      records: initial.records as number,
    });
    console.log(
      `  on AWS:   ${plan.shards} shard(s) of ${plan.recordsPerShard.toLocaleString('en-US')} records, ~${seconds(plan.msPerShard)} each ` +
        `in ${plan.memoryMb} MB; cost per initial screening: ${cost.lines.join(' + ')} = $${cost.total.toFixed(4)}`,
    );
  } finally {
    await rm(folder, { recursive: true, force: true });
    await dynalite.stop();
  }
}

await main();
