/**
 * `npx tsx bench/review-page.ts [--events N]` (also run by `npm run bench`): how fast the review
 * page answers over a long history. N change events (default 100,000), spread over the registered
 * sources and a year, are written to dynalite (in this process, in memory) as the pipeline stores
 * them; then the page's handler is asked, each five times (the median printed, with the DynamoDB
 * requests of one answer):
 *
 * - the first page of changes (no filter): the timeline index's newest entries, one small Query
 *   per source, whatever N is;
 * - the first page filtered on one source and a change type;
 * - a name search that matches nothing, which stops at the search budget (EXAMINE_AT_MOST entries)
 *   and offers to search on;
 * - a record's history, which reads its source's partition through (filtered by DynamoDB).
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { countRequests, dynamoClient, ensureTable } from '../functions/aws/clients.ts';
import { TradewatchStore } from '../functions/aws/source-store.ts';
import {
  S,
  TABLE_INDEXES,
  batchWriteAll,
  eventSk,
  eventTimeSk,
  jsonAttribute,
  sourcePk,
  timelinePk,
} from '../functions/aws/table.ts';
import { mapLimit } from '../functions/core/concurrency.ts';
import { buildChangeEvent } from '../functions/core/events.ts';
import type { RegisterRecord } from '../functions/core/records.ts';
import { parseConfig } from '../functions/config/config.ts';
import { startDynalite } from '../functions/local/services.ts';
import { createReviewPage } from '../functions/review/page.ts';
import { EXAMINE_AT_MOST } from '../functions/review/review-reads.ts';
import { SOURCES } from '../functions/sources/registry.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values } = parseArgs({ options: { events: { type: 'string', default: '100000' } } });
const EVENTS = Number(values.events);
const RUNS = 5;
const START = Date.parse('2025-01-01T00:00:00Z');
const YEAR_MS = 365 * 24 * 3600 * 1000;
const CHANGE_TYPES = ['added', 'removed', 'modified'] as const;

function syntheticRecord(sourceId: string, n: number): RegisterRecord {
  return {
    id: `R${n}`,
    source: sourceId,
    list: n % 2 ? 'SDN' : 'Entity List',
    kind: n % 3 ? 'organization' : 'person',
    name: `Synthetic Trading Company Number ${n} Limited`,
    aliases: [`STC ${n}`, `Synthetic Trading ${n}`],
    countries: [['RU', 'CN', 'IR', 'KP', 'BY'][n % 5]!],
    addresses: [`${n} Example Street, Example City`],
    programs: [['RUSSIA-EO14024', 'IRAN', 'DPRK3'][n % 3]!],
    listedOn: '2024-05-01',
    remarks: 'Synthetic record written by bench/review-page.ts.',
    links: ['https://example.org/list'],
    extra: {},
  };
}

/** The items putEvents writes, written in batches (the bench needs the items, not the conditional puts). */
async function fill(store: TradewatchStore): Promise<void> {
  const batches: number[][] = [];
  for (let start = 0; start < EVENTS; start += 500)
    batches.push(Array.from({ length: Math.min(500, EVENTS - start) }, (_, i) => start + i));
  await mapLimit(batches, 4, (batch) =>
    batchWriteAll(
      store,
      batch.map((n) => {
        const source = SOURCES[n % SOURCES.length]!;
        const type = CHANGE_TYPES[n % 3]!;
        const record = syntheticRecord(source.id, Math.floor(n / 7));
        const previous = { ...record, addresses: [`${n} Old Street`] };
        const time = new Date(START + Math.floor((n / EVENTS) * YEAR_MS)).toISOString();
        const change =
          type === 'modified'
            ? {
                type,
                id: record.id,
                name: record.name,
                list: record.list,
                before: previous,
                after: record,
                fields: [{ field: 'addresses', old: previous.addresses, new: record.addresses }],
              }
            : type === 'added'
              ? { type, id: record.id, name: record.name, list: record.list, after: record }
              : { type, id: record.id, name: record.name, list: record.list, before: record };
        const event = buildChangeEvent(source, change, `bench-${n}`, time);
        return {
          PutRequest: {
            Item: {
              pk: S(sourcePk(source.id)),
              sk: S(eventSk(event.id)),
              eventId: S(event.id),
              type: S(event.type),
              subject: S(event.subject),
              time: S(time),
              event: jsonAttribute(event),
              status: S('published'),
              [TABLE_INDEXES.timeline.partitionKey]: S(timelinePk(source.id)),
              [TABLE_INDEXES.timeline.sortKey]: S(eventTimeSk(time, event.id)),
            },
          },
        };
      }),
    ),
  );
}

const dynalite = await startDynalite();
const client = dynamoClient({ endpoint: dynalite.endpoint });
const requests = countRequests(client);
try {
  await ensureTable(client, 'bench-review');
  const store = new TradewatchStore(client, 'bench-review');
  const filled = performance.now();
  await fill(store);
  console.log(
    `${EVENTS.toLocaleString('en')} change events over ${SOURCES.length} sources stored in dynalite in ${((performance.now() - filled) / 1000).toFixed(1)} s`,
  );
  const page = createReviewPage({ table: store, config: parseConfig({}), csrfSecret: randomBytes(32) });
  const ask = (path: string, query = '') =>
    page({
      method: 'GET',
      path,
      query: new URLSearchParams(query),
      headers: { host: '127.0.0.1' },
      body: '',
      reviewer: { id: 'bench', subscribers: 'all' },
    });
  const cases: [string, string, string][] = [
    ['first page of changes (25, newest first, all sources)', '/', ''],
    ['first page, one source and one change type', '/', 'source=us-ofac-sdn&type=modified'],
    [`name search matching nothing (stops after ${EXAMINE_AT_MOST.toLocaleString('en')} entries)`, '/', 'q=zzzz'],
    // Event n = 7 × (number of sources) belongs to the first source and to record R<number of sources>.
    ["a record's history (its source's partition read through)", `/records/${SOURCES[0]!.id}/R${SOURCES.length}`, ''],
  ];
  for (const [label, path, query] of cases) {
    const times: number[] = [];
    let perAnswer = 0;
    for (let run = 0; run < RUNS; run++) {
      requests.clear();
      const started = performance.now();
      const response = await ask(path, query);
      times.push(performance.now() - started);
      if (response.status !== 200) throw new Error(`${label}: status ${response.status}`);
      perAnswer = [...requests.values()].reduce((a, b) => a + b, 0);
    }
    times.sort((a, b) => a - b);
    console.log(
      `${label.padEnd(72)} median ${times[Math.floor(RUNS / 2)]!.toFixed(0).padStart(6)} ms  DynamoDB requests ${perAnswer}`,
    );
  }
} finally {
  client.destroy();
  await dynalite.stop();
}
