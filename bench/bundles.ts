/**
 * `npx tsx bench/bundles.ts` (also run by `npm run bench`): what publications and digests cost, side
 * by side with one message per change, on OFAC's real SDN list of 2022-02-24 → 2022-02-25 (91
 * additions, 4 changes) under TRADEWATCH_FIXTURES. DynamoDB is dynalite and SNS fauxqs, both on
 * loopback; the requests are counted on the client.
 *
 * Printed, for two email subscribers taking `each`, then `publication`, then a `daily` digest:
 * the run of the big day (time, DynamoDB requests by operation, SNS messages), then the digest run
 * that sends it, a digest run that is not due, and a quiet one. The last lines are the inputs of the
 * README's cost table for the digest function and the publications.
 */
import { performance } from 'node:perf_hooks';
import { CreateTopicCommand, type SNSClient } from '@aws-sdk/client-sns';
import { countRequests, dynamoClient, ensureTable, snsClient } from '../functions/aws/clients.ts';
import { BundleStore } from '../functions/aws/bundle-store.ts';
import { TradewatchStore } from '../functions/aws/source-store.ts';
import { parseConfig } from '../functions/config/config.ts';
import { bundleSubscribers, digestSubscribers } from '../functions/config/delivery.ts';
import { createBundler } from '../functions/delivery/bundler.ts';
import { createDigestRenderer } from '../functions/delivery/digest-renderer.ts';
import { snsPublisher } from '../functions/delivery/sns-publisher.ts';
import { startDynalite, startMessaging } from '../functions/local/services.ts';
import { runDigests, sourceChecks } from '../functions/run/digest.ts';
import { replayPaths } from '../functions/run/poll.ts';
import type { PipelineDeps } from '../functions/run/ports.ts';
import { findSource } from '../functions/sources/registry.ts';
import { realFixture } from '../tests/real-fixtures.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const sdn = findSource('us-ofac-sdn')!;
const BEFORE = realFixture('ofac-sdn/sdn.2022-02-24.csv');
const AFTER = realFixture('ofac-sdn/sdn.2022-02-25.csv');
const MODES = ['each', 'publication', 'daily'] as const;

/** Counts the SNS messages a run publishes (PublishBatch entries and single Publishes). */
function countMessages(sns: SNSClient): { total: () => number } {
  let messages = 0;
  sns.middlewareStack.add(
    (next, context) => async (args) => {
      const name = (context as { commandName?: string }).commandName;
      const input = (args as { input: { PublishBatchRequestEntries?: unknown[] } }).input;
      if (name === 'PublishBatchCommand') messages += input.PublishBatchRequestEntries?.length ?? 0;
      if (name === 'PublishCommand') messages += 1;
      return next(args);
    },
    { step: 'initialize', name: 'benchMessageCounter' },
  );
  return { total: () => messages };
}

const dynalite = await startDynalite();
const messaging = await startMessaging();
const dynamo = dynamoClient({ endpoint: dynalite.endpoint });
const requests = countRequests(dynamo);
const sns = snsClient({ endpoint: messaging.endpoint });
const messages = countMessages(sns);
const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'bench-bundles' }))).TopicArn!;

interface Measured {
  label: string;
  ms: number;
  requests: Record<string, number>;
  messages: number;
}
const snapshot = () => Object.fromEntries(requests);
async function measure(label: string, work: () => Promise<unknown>): Promise<Measured> {
  const before = snapshot();
  const sent = messages.total();
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  const after = snapshot();
  const delta = Object.fromEntries(
    Object.entries(after)
      .map(([op, n]) => [op, n - (before[op] ?? 0)] as const)
      .filter(([, n]) => n > 0),
  );
  return { label, ms, requests: delta, messages: messages.total() - sent };
}

const results: Measured[] = [];
try {
  for (const mode of MODES) {
    const config = parseConfig({
      subscribers: ['desk', 'legal'].map((id) => ({
        id,
        channel: { type: 'email', address: `${id}@example.com` },
        delivery: mode === 'daily' ? { mode, at: '08:00', timeZone: 'Europe/London' } : { mode },
      })),
    });
    const tableName = `bench-${mode}`;
    await ensureTable(dynamo, tableName);
    const store = new TradewatchStore(dynamo, tableName);
    const bundled = bundleSubscribers(config.subscribers);
    const deps: PipelineDeps = {
      store,
      publisher: snsPublisher({ sns, alertsTopicArn: topicArn }),
      ...(bundled.length ? { bundler: createBundler(bundled) } : {}),
      clock: () => new Date('2022-02-25T16:30:00.000Z'),
    };
    await replayPaths(sdn, [BEFORE], { ...deps, clock: () => new Date('2022-02-24T16:30:00.000Z') });
    results.push(await measure(`2022-02-25, 2 subscribers, ${mode}`, () => replayPaths(sdn, [AFTER], deps)));
    if (mode !== 'daily') continue;
    const digests = digestSubscribers(config.subscribers);
    const digestDeps = (at: string) => ({
      store: new BundleStore(store),
      publisher: snsPublisher({ sns, alertsTopicArn: topicArn }),
      render: createDigestRenderer(() => sourceChecks(store, [{ id: sdn.id, title: sdn.title }])),
      clock: () => new Date(at),
    });
    results.push(
      await measure('digest run: 2 digests of 95 changes', () =>
        runDigests(digests, digestDeps('2022-02-26T08:00:05.000Z')),
      ),
    );
    results.push(
      await measure('digest run: not due (a repeated invocation)', () =>
        runDigests(digests, digestDeps('2022-02-26T09:00:00.000Z')),
      ),
    );
    results.push(
      await measure('digest run: a quiet day (no sendEmpty)', () =>
        runDigests(digests, digestDeps('2022-02-27T08:00:05.000Z')),
      ),
    );
  }
} finally {
  dynamo.destroy();
  sns.destroy();
  dynalite.stop();
  await messaging.stop();
}

for (const r of results) {
  const total = Object.values(r.requests).reduce((a, b) => a + b, 0);
  console.log(
    `${r.label.padEnd(46)} ${r.ms.toFixed(0).padStart(6)} ms  SNS messages ${String(r.messages).padStart(4)}  DynamoDB requests ${String(total).padStart(4)} ${JSON.stringify(r.requests)}`,
  );
}
const [each, publication, daily, digest] = results;
const writes = (r: Measured) =>
  (r.requests.PutItem ?? 0) +
  (r.requests.UpdateItem ?? 0) +
  (r.requests.DeleteItem ?? 0) +
  (r.requests.BatchWriteItem ?? 0) * 25;
console.log(
  `\nThe big day for 2 email subscribers: ${each!.messages} SNS messages one per change, ${publication!.messages} with publications (${daily!.messages} with daily digests, then ${digest!.messages} digests); extra DynamoDB writes at most ${writes(publication!) - writes(each!)} (publications) and ${writes(daily!) - writes(each!)} + ${writes(digest!)} (digests).`,
);
console.log(
  `digest function: ${digest!.ms.toFixed(0)} ms for 2 digests of 95 changes; ${results[4]!.ms.toFixed(0)} ms when not due.`,
);

// For bench/run.ts's cost table: the figures as one JSON line.
if (process.argv.includes('--json')) {
  const figures = {
    publicationWrites: (writes(publication!) - writes(each!)) / 2,
    digestRunMs: Math.round(digest!.ms / 2),
    digestRunWrites: Math.round(((digest!.requests.PutItem ?? 0) + (digest!.requests.UpdateItem ?? 0)) / 2),
    writesPerDigestChange: 2,
  };
  console.log(`BENCH_JSON ${JSON.stringify(figures)}`);
}
