/**
 * `npx tsx bench/watchlist.ts` (also run by `npm run bench`): what a 10,000-entry watchlist costs the
 * pipeline, side by side with the same runs without it, on OFAC's real SDN list of 2022-02-24 and
 * 2022-02-25 (91 additions) under TRADEWATCH_FIXTURES.
 *
 * The watchlist: 9,950 invented company and person names (syllables, so that no real party is
 * meant) plus 50 names of parties on the list, re-spelled as a customer file holds them (title case,
 * legal form dropped, "Given Family"), 10 of them among the 91 additions. Nothing read from the real
 * files is written anywhere.
 *
 * Printed: the import; the baseline with the initial screening of the stored list; the next version
 * (screening its changes); an unchanged replay; each with time, DynamoDB requests and hit events,
 * beside the same run without watchlists.
 */
import { performance } from 'node:perf_hooks';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { countRequests, dynamoClient, ensureTable, snsClient } from '../functions/aws/clients.ts';
import { startDynalite, startMessaging } from '../functions/local/services.ts';
import { isHitEvent } from '../functions/core/events.ts';
import { snsPublisher } from '../functions/delivery/sns-publisher.ts';
import type { PipelineDeps } from '../functions/run/ports.ts';
import type { RunReport } from '../functions/run/run-report.ts';
import type { RegisterRecord } from '../functions/core/records.ts';
import { replayPaths } from '../functions/run/poll.ts';
import { collectRecords, fileDocument } from '../functions/sources/read/document.ts';
import { findSource } from '../functions/sources/registry.ts';
import { TradewatchStore } from '../functions/aws/source-store.ts';
import { watchlistEntries } from '../functions/watchlist/file.ts';
import { WatchlistStore } from '../functions/aws/watchlist-store.ts';
import { realFixture } from '../tests/real-fixtures.ts';

// The SDK's notice about Node.js 20 is for the operator of a deployment, not for a bench's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const sdn = findSource('us-ofac-sdn')!;
const BEFORE = realFixture('ofac-sdn/sdn.2022-02-24.csv');
const AFTER = realFixture('ofac-sdn/sdn.2022-02-25.csv');
const SIZE = 10_000;

const titleCase = (s: string) => s.toLowerCase().replace(/\b\p{L}/gu, (c) => c.toUpperCase());

function respell(record: RegisterRecord): { name: string; kind: string } {
  if (record.kind === 'person' && record.name.includes(',')) {
    const [family, given] = record.name.split(',').map((s) => s.trim());
    return { name: `${titleCase(given!)} ${titleCase(family!)}`, kind: 'person' };
  }
  return {
    name: titleCase(record.name)
      .replace(/\b((Public|Closed|Open) )?(Joint Stock Company|Pjsc|Jsc|Ao|Llc|Ooo|Ltd\.?|Limited)\b/giu, '')
      .replace(/\s+/g, ' ')
      .trim(),
    kind: record.kind === 'person' ? 'person' : 'organization',
  };
}

function invented(i: number): { name: string; kind: string; countries: string } {
  const syllables = [
    'ka',
    'lo',
    'mi',
    'ren',
    'sto',
    'vu',
    'zan',
    'pel',
    'dor',
    'qui',
    'bax',
    'tem',
    'nor',
    'fi',
    'gal',
  ];
  const word = (n: number) => {
    let text = '';
    do {
      text += syllables[n % syllables.length];
      n = Math.floor(n / syllables.length);
    } while (n > 0);
    return titleCase(text);
  };
  const countries = ['DE', 'FR', 'US', 'JP', 'BR', 'IN', 'NL', 'SE'];
  if (i % 3 === 0)
    return { name: `${word(i * 7 + 3)} ${word(i + 11)}`, kind: 'person', countries: countries[i % countries.length]! };
  return {
    name: `${word(i + 5)} ${['Trading', 'Industries', 'Logistics', 'Components', 'Systems'][i % 5]} GmbH`,
    kind: 'organization',
    countries: countries[i % countries.length]!,
  };
}

async function main(): Promise<void> {
  const context = { sourceId: sdn.id, warn: () => undefined };
  const before = await collectRecords(sdn, { main: fileDocument(BEFORE), companions: new Map() }, context);
  const after = await collectRecords(sdn, { main: fileDocument(AFTER), companions: new Map() }, context);
  const known = new Set(before.map((r) => r.id));
  const additions = after.filter((r) => !known.has(r.id) && r.kind !== 'vessel' && r.kind !== 'aircraft');
  const listed = before
    .filter((r) => r.kind === 'organization' || r.kind === 'person')
    .filter((_, i) => i % 97 === 0)
    .slice(0, 40);
  const real = [...listed, ...additions.slice(0, 10)].map((r, i) => ({ ...respell(r), reference: `LISTED-${i}` }));
  const rows = [
    ...real,
    ...Array.from({ length: SIZE - real.length }, (_, i) => ({ ...invented(i), reference: `CUST-${i}` })),
  ];
  const entries = watchlistEntries(rows, 'bench watchlist');

  const dynalite = await startDynalite();
  const messaging = await startMessaging();
  const dynamo = dynamoClient({ endpoint: dynalite.endpoint });
  const requests = countRequests(dynamo);
  const sns = snsClient({ endpoint: messaging.endpoint });
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'bench-watchlist' }))).TopicArn!;
  const total = () => [...requests.values()].reduce((a, b) => a + b, 0);

  const measure = async (
    label: string,
    work: () => Promise<RunReport[] | void>,
  ): Promise<{ label: string; ms: number; requests: number; hits: number }> => {
    const start = total();
    const started = performance.now();
    const reports = (await work()) ?? [];
    const hits = reports.reduce((sum, r) => sum + (r.screening?.hitEvents ?? 0), 0);
    return { label, ms: performance.now() - started, requests: total() - start, hits };
  };

  const results: { label: string; ms: number; requests: number; hits: number }[] = [];
  let quality = '';
  for (const withWatchlist of [false, true]) {
    const tableName = `bench-${withWatchlist ? 'with' : 'without'}`;
    await ensureTable(dynamo, tableName);
    const store = new TradewatchStore(dynamo, tableName);
    const deps: PipelineDeps = {
      store,
      publisher: snsPublisher({ sns, alertsTopicArn: topicArn }),
      ...(withWatchlist ? { watchlistSubscribers: [{ id: 'bench', threshold: 0.8 }] } : {}),
    };
    const suffix = withWatchlist ? `with a ${SIZE.toLocaleString('en-US')}-entry watchlist` : 'without watchlists';
    if (withWatchlist)
      results.push(
        await measure('import the watchlist (gzipped chunks)', () =>
          new WatchlistStore(store)
            .importWatchlist('bench', entries, 'bench', 'bench', new Date().toISOString())
            .then(() => undefined),
        ),
      );
    results.push(
      await measure(
        `baseline 2022-02-24 (${before.length.toLocaleString('en-US')} records)${withWatchlist ? ' + initial screening' : ''}, ${suffix}`,
        () => replayPaths(sdn, [BEFORE], deps),
      ),
    );
    results.push(await measure(`2022-02-25 (91 added) ${suffix}`, () => replayPaths(sdn, [AFTER], deps)));
    results.push(await measure(`the same file again (sentinel) ${suffix}`, () => replayPaths(sdn, [AFTER], deps)));
    if (withWatchlist) {
      const references = new Map<string, Set<string>>();
      for (const stored of await store.listEvents(sdn.id, 100_000)) {
        if (!isHitEvent(stored.event)) continue;
        const set = references.get(stored.event.data.hitType) ?? new Set<string>();
        for (const hit of stored.event.data.hits) set.add(hit.reference ?? '');
        references.set(stored.event.data.hitType, set);
      }
      const count = (type: string, prefix: string, range?: [number, number]) =>
        [...(references.get(type) ?? [])].filter(
          (r) =>
            r.startsWith(prefix) &&
            (!range || (Number(r.split('-')[1]) >= range[0] && Number(r.split('-')[1]) < range[1])),
        ).length;
      quality = `Found: ${count('listed', 'LISTED-', [0, 40])} of the 40 re-spelled listed names at the initial screening, ${count('added', 'LISTED-', [40, 50])} of the 10 re-spelled additions as added; invented names hit: ${count('listed', 'CUST-') + count('added', 'CUST-')} (false positives at the default threshold).`;
    }
  }
  console.log(
    `\nWatchlist screening in the pipeline (OFAC SDN 2022-02-24 → 2022-02-25, ${SIZE.toLocaleString('en-US')} entries: ${real.length} re-spelled listed names, ${(SIZE - real.length).toLocaleString('en-US')} invented)`,
  );
  console.log('| run | time | DynamoDB requests | hit events |');
  console.log('|---|---|---|---|');
  for (const r of results) console.log(`| ${r.label} | ${(r.ms / 1000).toFixed(2)} s | ${r.requests} | ${r.hits} |`);
  console.log(quality);
  dynamo.destroy();
  sns.destroy();
  await messaging.stop();
  await dynalite.stop();
}

await main();
