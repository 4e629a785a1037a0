/**
 * One measurement in a fresh process, so peak memory (max RSS) belongs to that measurement alone.
 * Prints one JSON line: { mode, seconds, records, maxRssMb, ... }.
 *
 *   tokenize <file>               bare saxes tokenization: every token to a consumer that only counts
 *   parse <source> <file>         the source's streaming parser, records counted and dropped
 *   manifest <source> <file> <out> the stored state a run of <file> leaves (id → hash)
 *   diff <source> <manifest> <new> load that manifest, then parse + diff <new> against it
 *   pipeline <source> <dynamodb-endpoint> <file>...
 *                                 full pipeline (that DynamoDB + embedded fauxqs): the first file is
 *                                 the stored version, each later one a poll; DynamoDB requests counted
 *   zip-bomb <unit> <mib>         parse an SDN_ENHANCED.ZIP whose entry is <unit> repeated to <mib> MiB
 *                                 (built here, about 1 MB on disk); seconds until it is refused
 *   drip <deadline-ms>            fetch from a loopback publisher sending one byte every 100 ms, with
 *                                 that fetch deadline; seconds until the fetch fails
 */
import { createReadStream } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SaxesParser } from 'saxes';
import { countRequests } from '../functions/aws/clients.ts';
import { diffSnapshots } from '../functions/core/diff.ts';
import { startLocalRuntime } from '../functions/local/runtime.ts';
import { contentHash } from '../functions/core/records.ts';
import { pollSource, replayPaths } from '../functions/run/poll.ts';
import { openRecords } from '../functions/sources/read/document.ts';
import { findSource } from '../functions/sources/registry.ts';
import { fileDocument } from '../functions/sources/read/document.ts';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { fetchVersion } from '../functions/http/fetch.ts';
import { writeZipBomb } from '../tests/helpers/zip-bomb.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { snsPublisher } from '../functions/delivery/sns-publisher.ts';

const [mode, ...args] = process.argv.slice(2);
const maxRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const emit = (fields: Record<string, unknown>) =>
  console.log(JSON.stringify({ mode, ...fields, maxRssMb: maxRssMb() }));

function source(id: string | undefined) {
  const found = id ? findSource(id) : undefined;
  if (!found) throw new Error(`unknown source ${id}`);
  return found;
}

/**
 * The floor: saxes tokenizing the file and handing every token (open tag with attributes, text,
 * close tag) to a consumer that only counts them. No tree, no records.
 */
async function tokenize(file: string): Promise<void> {
  const started = performance.now();
  const parser = new SaxesParser();
  let tags = 0;
  let texts = 0;
  parser.on('opentag', () => {
    tags += 1;
  });
  parser.on('text', () => {
    texts += 1;
  });
  parser.on('closetag', () => undefined);
  const decoder = new TextDecoder();
  for await (const chunk of createReadStream(file)) parser.write(decoder.decode(chunk as Buffer, { stream: true }));
  parser.close();
  emit({ seconds: (performance.now() - started) / 1000, tags, texts });
}

async function parse(sourceId: string, file: string): Promise<void> {
  const s = source(sourceId);
  const started = performance.now();
  const { records } = await openRecords(
    s,
    { main: fileDocument(file), companions: new Map() },
    { sourceId, warn: () => undefined },
  );
  let count = 0;
  for await (const _record of records) count += 1;
  emit({ seconds: (performance.now() - started) / 1000, records: count });
}

/** Writes the stored state a previous run would leave (record id → content hash), one per line. */
async function manifest(sourceId: string, file: string, out: string): Promise<void> {
  const s = source(sourceId);
  const lines: string[] = [];
  const { records } = await openRecords(
    s,
    { main: fileDocument(file), companions: new Map() },
    { sourceId, warn: () => undefined },
  );
  for await (const record of records) lines.push(`${record.id}\t${contentHash(record)}`);
  await writeFile(out, lines.join('\n'));
  emit({ records: lines.length });
}

async function diff(sourceId: string, manifestFile: string, newFile: string): Promise<void> {
  const s = source(sourceId);
  const started = performance.now();
  // Loading the stored manifest is part of a real run (a few DynamoDB Query pages).
  const stored = new Map<string, string>();
  for (const line of (await readFile(manifestFile, 'utf8')).split('\n')) {
    const tab = line.indexOf('\t');
    if (tab > 0) stored.set(line.slice(0, tab), line.slice(tab + 1));
  }
  const { records } = await openRecords(
    s,
    { main: fileDocument(newFile), companions: new Map() },
    { sourceId, warn: () => undefined },
  );
  const result = await diffSnapshots(
    stored,
    records,
    async (ids) =>
      new Map(
        ids.map((id) => [
          id,
          {
            id,
            source: sourceId,
            list: '',
            kind: 'other' as const,
            name: '',
            aliases: [],
            countries: [],
            addresses: [],
            programs: [],
            links: [],
            extra: {},
          },
        ]),
      ),
  );
  const counts = { added: 0, removed: 0, modified: 0 };
  for (const change of result.changes) counts[change.type] += 1;
  emit({ seconds: (performance.now() - started) / 1000, records: result.total, ...counts });
}

async function pipeline(sourceId: string, dynamoEndpoint: string, files: string[]): Promise<void> {
  const s = source(sourceId);
  const home = await mkdtemp(join(tmpdir(), 'tradewatch-bench-'));
  const runtime = await startLocalRuntime({ home, persist: false, dynamoEndpoint });
  const counts = countRequests(runtime.dynamo);
  const runs: Record<string, unknown>[] = [];
  try {
    for (const file of files) {
      counts.clear();
      const started = performance.now();
      const [report] = await replayPaths(
        s,
        [file],
        { store: runtime.store, publisher: snsPublisher({ sns: runtime.sns, alertsTopicArn: runtime.alertsTopicArn }) },
        { acceptDrop: true },
      );
      const requests = Object.fromEntries([...counts].sort());
      runs.push({
        rssAfterMb: Math.round(process.memoryUsage().rss / 1048576),
        heapAfterMb: Math.round(process.memoryUsage().heapUsed / 1048576),
        file: file.split('/').pop(),
        status: report!.status,
        seconds: (performance.now() - started) / 1000,
        records: report!.records,
        added: report!.added,
        removed: report!.removed,
        modified: report!.modified,
        requests,
        totalRequests: [...counts.values()].reduce((a, b) => a + b, 0),
        error: report!.error?.message,
      });
    }
  } finally {
    await runtime.stop();
    await rm(home, { recursive: true, force: true });
  }
  emit({ runs });
}

/**
 * Live polls against a loopback publisher serving the file: the first stores the baseline, then
 * unchanged polls answered 304, then unchanged polls from a publisher without validators (the full
 * body is downloaded and hashed, and the sentinel stops the run).
 */
async function poll(sourceId: string, dynamoEndpoint: string, file: string): Promise<void> {
  const base = source(sourceId);
  let validators = true;
  const server = createServer((req, res) => {
    if (validators && req.headers['if-none-match'] === '"v1"') {
      res.writeHead(304).end();
      return;
    }
    res.writeHead(200, validators ? { etag: '"v1"' } : {});
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const live = {
    ...base,
    downloads: [{ ...base.downloads[0]!, url: `http://127.0.0.1:${port}/${file.split('/').pop()}` }],
  };
  const home = await mkdtemp(join(tmpdir(), 'tradewatch-bench-'));
  const runtime = await startLocalRuntime({ home, persist: false, dynamoEndpoint, tableName: `bench-poll-${port}` });
  const counts = countRequests(runtime.dynamo);
  const deps = {
    store: runtime.store,
    publisher: snsPublisher({ sns: runtime.sns, alertsTopicArn: runtime.alertsTopicArn }),
  };
  const fetchOptions = { allowPrivateHosts: true };
  const measure = async (label: string, times: number) => {
    const seconds: number[] = [];
    let status = '';
    for (let i = 0; i < times; i++) {
      counts.clear();
      const started = performance.now();
      const report = await pollSource(live, deps, fetchOptions, { enforceBounds: false });
      seconds.push((performance.now() - started) / 1000);
      status = report.status;
    }
    return {
      label,
      status,
      medianMs: Math.round(seconds.sort((a, b) => a - b)[Math.floor(seconds.length / 2)]! * 1000),
      dynamoRequests: Object.fromEntries(counts),
    };
  };
  try {
    const baseline = await measure('baseline', 1);
    const notModified = await measure('unchanged, 304', 7);
    validators = false;
    const fullDownload = await measure('unchanged, no validators', 3);
    emit({ runs: [baseline, notModified, fullDownload] });
  } finally {
    server.close();
    await runtime.stop();
    await rm(home, { recursive: true, force: true });
  }
}

/** A zip bomb as SDN_ENHANCED.ZIP through the source's parser: how long and how much memory until it is refused. */
async function zipBomb(unit: string, mib: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tradewatch-bench-bomb-'));
  try {
    const path = join(dir, 'SDN_ENHANCED.ZIP');
    const onDisk = await writeZipBomb(path, {
      entryName: 'SDN_ENHANCED.XML',
      head: '<?xml version="1.0" encoding="utf-8"?>\n<sanctionsData xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML">',
      unit,
      inflatedBytes: mib * 1024 * 1024,
      tail: '</sanctionsData>\n',
    });
    const rssBefore = maxRssMb();
    const started = performance.now();
    let error = '';
    let records = 0;
    try {
      const { records: stream } = await openRecords(
        source('us-ofac-sdn'),
        { main: fileDocument(path), companions: new Map() },
        { sourceId: 'us-ofac-sdn', warn: () => undefined },
      );
      for await (const _record of stream) records += 1;
    } catch (e) {
      error = (e as Error).message;
    }
    emit({
      seconds: (performance.now() - started) / 1000,
      onDiskBytes: onDisk,
      records,
      error,
      maxRssBeforeParseMb: rssBefore,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A publisher dripping one byte every 100 ms: how long the fetch lasts under the given deadline. */
async function drip(deadlineMs: number): Promise<void> {
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/csv' });
    const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write('x')), 100);
    timers.add(timer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const started = performance.now();
  let error = '';
  try {
    const outcome = await fetchVersion(
      'bench-drip',
      { name: 'list.csv', url: `http://127.0.0.1:${port}/list.csv` },
      {},
      { allowPrivateHosts: true, deadlineMs, backoffMs: 100 },
    );
    if (!outcome.notModified) await outcome.cleanup();
  } catch (e) {
    error = (e as Error).message;
  }
  const seconds = (performance.now() - started) / 1000;
  for (const timer of timers) clearInterval(timer);
  server.closeAllConnections();
  server.close();
  emit({ seconds, error });
}

switch (mode) {
  case 'zip-bomb':
    await zipBomb(args[0]!, Number(args[1]));
    break;
  case 'drip':
    await drip(Number(args[0]));
    break;
  case 'poll':
    await poll(args[0]!, args[1]!, args[2]!);
    break;
  case 'tokenize':
    await tokenize(args[0]!);
    break;
  case 'parse':
    await parse(args[0]!, args[1]!);
    break;
  case 'manifest':
    await manifest(args[0]!, args[1]!, args[2]!);
    break;
  case 'diff':
    await diff(args[0]!, args[1]!, args[2]!);
    break;
  case 'pipeline':
    await pipeline(args[0]!, args[1]!, args.slice(2));
    break;
  default:
    throw new Error(`unknown mode ${mode}`);
}
