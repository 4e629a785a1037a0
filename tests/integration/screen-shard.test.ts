/**
 * The sharded initial screening on the emulators (dynalite + fauxqs): a poller whose screening is
 * estimated over its budget sends one message per shard to the shard queue (and marks nothing),
 * then the worker handler screens each queued shard. Checked: every record screened once, the hit
 * events those of one whole screening, a shard delivered twice screened and counted once, a shard
 * of a replaced watchlist version dropped, and `screened:<subscriber>` set once, after the last shard.
 */
import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqsClient } from '../../functions/aws/clients.ts';
import { DynamoShardProgressStore } from '../../functions/aws/shard-progress-store.ts';
import { sqsShardDispatcher } from '../../functions/aws/shard-queue.ts';
import { WatchlistStore } from '../../functions/aws/watchlist-store.ts';
import { isHitEvent } from '../../functions/core/events.ts';
import { createScreenShardHandler } from '../../functions/handlers/screen-shard.ts';
import { startMessaging, type EmbeddedMessaging } from '../../functions/local/services.ts';
import { processVersion } from '../../functions/run/process-version.ts';
import type { PipelineDeps } from '../../functions/run/ports.ts';
import type { ShardOutcome } from '../../functions/run/watchlist-step.ts';
import { watchlistEntries } from '../../functions/watchlist/file.ts';
import { screenRecords, WatchlistLoader } from '../../functions/watchlist/screening.ts';
import { parseShardMessage, type ShardMessage } from '../../functions/watchlist/shard-plan.ts';
import { drainQueue, startTestStack, type TestStack } from '../helpers/local-stack.ts';
import { toyCsv, toySource, toyVersion } from '../helpers/toy-source.ts';

const NAMES = ['Lumora Microsystems', 'Orion Maritime Shipping', 'Nova Tech', 'Harbor Logistics', 'Vetrov Arkadi'];
const ROWS = Array.from(
  { length: 200 },
  (_, i) =>
    [
      String(1000 + i),
      i % 10 === 0 ? NAMES[(i / 10) % NAMES.length]!.toUpperCase() : `Unrelated Party ${i}`,
      'CN',
      'EAR',
    ] as const,
);
const LIST = toyCsv(ROWS);
const DESK = watchlistEntries(
  NAMES.map((name, i) => ({ name, reference: `C-${i}` })),
  'desk.csv',
);
const OTHER_V1 = watchlistEntries([{ name: 'Nova Tech', reference: 'O-1' }], 'other.csv');
const OTHER_V2 = watchlistEntries([{ name: 'Harbor Logistics', reference: 'O-2' }], 'other.csv');
const SUBSCRIBERS = [
  { id: 'desk', threshold: 0.8 },
  { id: 'other', threshold: 0.8 },
];
/** 200 records at 10 ms each and 500 ms a shard: four shards of 50 (a poller budget of 1 ms). */
const TINY = {
  inlineBudgetMs: 1,
  shardBudgetMs: 500,
  estimate: ({ records }: { records: number }) => ({ msPerRecord: 10, indexMs: 0, totalMs: records * 10 }),
};

describe('sharded initial screening through the shard queue and the worker', () => {
  let stack: TestStack;
  let messaging: EmbeddedMessaging;
  let sqs: SQSClient;
  let queueUrl: string;
  let deps: PipelineDeps;
  let watchlists: WatchlistStore;
  let progress: DynamoShardProgressStore;
  let expectedHitIds: string[];
  const outcomes: ShardOutcome[] = [];
  let queued: Message[] = [];
  let handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

  const screenedAs = async () => (await stack.store.getMeta(toySource.id))?.screened ?? {};
  const poll = async () => processVersion(toySource, toyVersion(LIST), await stack.store.getMeta(toySource.id), deps);
  const receive = () => drainQueue(sqs, queueUrl);
  const deliver = async (message: Message): Promise<{ failures: number; outcome: ShardOutcome }> => {
    const before = outcomes.length;
    const response = await handler({ Records: [sqsRecord(message)] }, lambdaContext());
    expect(outcomes.length).toBe(before + 1);
    return { failures: response.batchItemFailures.length, outcome: outcomes.at(-1)! };
  };

  beforeAll(async () => {
    stack = await startTestStack();
    messaging = await startMessaging();
    sqs = sqsClient({ endpoint: messaging.endpoint });
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `shards-${randomUUID().slice(0, 8)}` }))).QueueUrl!;
    watchlists = new WatchlistStore(stack.store);
    progress = new DynamoShardProgressStore(stack.store.client, stack.store.tableName);
    // The list is stored before any watchlist exists: nothing is screened yet.
    const baseline = await processVersion(toySource, toyVersion(LIST), undefined, stack.deps);
    expect(baseline.status).toBe('baseline');
    await watchlists.importWatchlist('desk', DESK, 'desk.csv', 'test', '2026-05-01T00:00:00.000Z');
    await watchlists.importWatchlist('other', OTHER_V1, 'other.csv', 'test', '2026-05-01T00:00:00.000Z');
    // What one process finds, before anything is stored or reported.
    const whole = await screenRecords(
      toySource,
      stack.store.scanRecords(toySource.id),
      await new WatchlistLoader(watchlists).screener([SUBSCRIBERS[0]!]),
      '2026-05-01T00:00:00.000Z',
    );
    expectedHitIds = whole.events.map((e) => e.eventId).sort();
    deps = {
      ...stack.deps,
      watchlistSubscribers: SUBSCRIBERS,
      initialScreening: { dispatcher: sqsShardDispatcher(sqs, queueUrl), progress, ...TINY },
    };
    handler = createScreenShardHandler({
      deps,
      findSource: (id) => (id === toySource.id ? toySource : undefined),
      leaseWaitMs: 1_000,
      onOutcome: (o) => outcomes.push(o),
    });
    await stack.drainQueue();
  }, 60_000);

  afterAll(async () => {
    sqs?.destroy();
    await messaging?.stop();
    await stack?.stop();
  });

  it('has the poller send one message per shard and mark nothing, once per version', async () => {
    expect(expectedHitIds.length).toBeGreaterThanOrEqual(20);
    const report = await poll();
    expect(report.status).toBe('unchanged');
    expect(await screenedAs()).toEqual({});
    expect(await stack.drainQueue()).toHaveLength(0);
    await poll(); // the next poll sees the fan-out sent and sends nothing again
    queued = await receive();
    const bodies = queued.map((m) => parseShardMessage(m.Body!));
    const desk = await watchlists.versions(['desk', 'other']);
    expect(
      bodies.map(({ subscriberId, shard, shards, version }) => `${subscriberId} ${shard}/${shards} ${version}`).sort(),
    ).toEqual(
      [0, 1, 2, 3]
        .flatMap((shard) => [
          `desk ${shard}/4 ${desk.get('desk')!.version}`,
          `other ${shard}/4 ${desk.get('other')!.version}`,
        ])
        .sort(),
    );
  });

  it('screens each shard once, drops a replaced version, and marks the source screened after the last shard', async () => {
    // The other subscriber edits its watchlist after the fan-out: its queued shards are obsolete.
    await watchlists.importWatchlist('other', OTHER_V2, 'other.csv', 'test', '2026-05-02T00:00:00.000Z');
    const messages = queued;
    const of = (m: Message): ShardMessage => parseShardMessage(m.Body!);
    const desk = messages.filter((m) => of(m).subscriberId === 'desk').sort((a, b) => of(a).shard - of(b).shard);
    const other = messages.filter((m) => of(m).subscriberId === 'other');
    expect(desk).toHaveLength(4);

    for (const message of other) {
      const { failures, outcome } = await deliver(message);
      expect([failures, outcome.status, outcome.stored]).toEqual([0, 'obsolete', 0]);
    }
    const results: ShardOutcome[] = [];
    for (const message of desk.slice(0, 3)) results.push((await deliver(message)).outcome);
    expect(await screenedAs()).toEqual({});
    const twice = await deliver(desk[0]!); // a message delivered again
    expect([twice.failures, twice.outcome.status, twice.outcome.counts.screened]).toEqual([0, 'duplicate', 0]);
    expect(await screenedAs()).toEqual({});
    results.push((await deliver(desk[3]!)).outcome);
    const version = (await watchlists.versions(['desk'])).get('desk')!.version;
    expect(await screenedAs()).toEqual({ desk: version });
    const late = await deliver(desk[3]!);
    expect([late.outcome.status, late.outcome.markedScreened]).toEqual(['duplicate', false]);

    expect(results.map((r) => [r.status, r.markedScreened])).toEqual([
      ['screened', false],
      ['screened', false],
      ['screened', false],
      ['screened', true],
    ]);
    expect(results.reduce((sum, r) => sum + r.counts.screened, 0)).toBe(ROWS.length);
    expect(results.every((r) => r.counts.screened > 0)).toBe(true);
    const stored = (await stack.store.listEvents(toySource.id)).filter((e) => isHitEvent(e.event));
    expect(stored.map((e) => e.eventId).sort()).toEqual(expectedHitIds);
    expect(results.reduce((sum, r) => sum + r.stored, 0)).toBe(expectedHitIds.length);
    expect(stored.every((e) => e.status === 'published')).toBe(true);
    const published = await stack.drainQueue();
    expect(published).toHaveLength(expectedHitIds.length);
  });

  it("fans out the replaced watchlist's new version on the next poll", async () => {
    await poll();
    const bodies = (await receive()).map((m) => parseShardMessage(m.Body!));
    const other = (await watchlists.versions(['other'])).get('other')!.version;
    expect(bodies.map((b) => `${b.subscriberId} ${b.version}`)).toEqual(Array(4).fill(`other ${other}`));
  });

  it('refuses a malformed message, naming what is wrong, and reports it failed for SQS to retry', async () => {
    expect(() =>
      parseShardMessage('{"sourceId":"toy-register","subscriberId":"desk","version":"v","shard":4,"shards":4}'),
    ).toThrow(/shard is not an integer from 0 to 3/);
    const response = await handler(
      { Records: [sqsRecord({ MessageId: 'bad', ReceiptHandle: 'r', Body: '{"sourceId":"toy-register"}' })] },
      lambdaContext(),
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'bad' }]);
  });
});

function sqsRecord(message: Message): SQSRecord {
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: '000000000000',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:shards',
    awsRegion: 'us-east-1',
  };
}

function lambdaContext(): Context {
  return {
    getRemainingTimeInMillis: () => 900_000,
    functionName: 'screen-shard',
    awsRequestId: randomUUID(),
  } as unknown as Context;
}
