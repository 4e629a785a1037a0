import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processVersion } from '../../functions/run/process-version.ts';
import { decodeDelivered } from '../../functions/delivery/sns-publisher.ts';
import { startTestStack, type TestStack } from '../helpers/local-stack.ts';
import { batchWriteTouches, crashBefore } from '../helpers/faults.ts';
import { toyCsv, toySource, toyVersion } from '../helpers/toy-source.ts';

const V1 = toyCsv([
  ['1', 'ALPHA TRADING', 'CN', 'EL'],
  ['2', 'BETA SEMICONDUCTOR', 'HK', 'EL'],
  ['3', 'GAMMA LOGISTICS', 'RU', 'MEU'],
  ['5', 'EPSILON OPTICS', 'IR', 'SDN'],
]);
const V2 = toyCsv([
  ['1', 'ALPHA TRADING', 'CN', 'EL'],
  ['3', 'GAMMA LOGISTICS', 'BY', 'MEU'],
  ['4', 'DELTA MICRO', 'CN', 'EL'],
  ['5', 'EPSILON OPTICS LTD', 'IR', 'SDN'],
]);
const EXPECTED = [
  ['tradewatch.record.added', '4'],
  ['tradewatch.record.modified', '3'],
  ['tradewatch.record.modified', '5'],
  ['tradewatch.record.removed', '2'],
];

describe('a crash at any step of a run, then a re-run', () => {
  let stack: TestStack;
  beforeEach(async () => {
    stack = await startTestStack();
    await processVersion(toySource, toyVersion(V1), undefined, stack.deps);
  });
  afterEach(async () => {
    await stack.stop();
  });

  const crashPoints: { step: string; arm: (s: TestStack) => () => void; mayRepeatMessages?: boolean }[] = [
    {
      step: 'the first event write',
      arm: (s) =>
        crashBefore(
          s.store.client,
          'events',
          (c, i) => c === 'PutItemCommand' && String((i.Item as { sk: { S: string } }).sk.S).startsWith('EVT#'),
        ),
    },
    {
      step: 'the record state (after events)',
      arm: (s) => crashBefore(s.store.client, 'records', batchWriteTouches('REC#')),
    },
    {
      step: 'the manifest (after records)',
      arm: (s) => crashBefore(s.store.client, 'manifest', batchWriteTouches('MAN#')),
    },
    {
      step: 'the sentinel (after manifest)',
      arm: (s) =>
        crashBefore(
          s.store.client,
          'sentinel',
          (c, i) => c === 'UpdateItemCommand' && String(i.UpdateExpression).includes('contentHash'),
        ),
    },
    {
      step: 'publishing (after the sentinel)',
      arm: (s) => crashBefore(s.sns, 'publish', (c) => c === 'PublishBatchCommand'),
    },
    {
      step: 'marking the first published event (after SNS accepted it)',
      arm: (s) =>
        crashBefore(
          s.store.client,
          'mark-published',
          (c, i) => c === 'UpdateItemCommand' && String(i.UpdateExpression).includes(':published'),
        ),
      mayRepeatMessages: true,
    },
    {
      step: 'clearing the outbox flag (after everything was published)',
      arm: (s) =>
        crashBefore(
          s.store.client,
          'outbox-flag',
          (c, i) => c === 'UpdateItemCommand' && String(i.UpdateExpression) === 'SET outboxPending = :o',
        ),
    },
  ];

  for (const point of crashPoints) {
    it(`yields each change exactly once when the process dies before ${point.step}`, async () => {
      const disarm = point.arm(stack);
      await expect(
        processVersion(toySource, toyVersion(V2), await stack.store.getMeta('toy-register'), stack.deps),
      ).rejects.toThrow(/injected crash/);
      disarm();
      const firstMessages = await stack.drainQueue();

      const rerun = await processVersion(
        toySource,
        toyVersion(V2),
        await stack.store.getMeta('toy-register'),
        stack.deps,
      );
      expect(rerun.status === 'changed' || rerun.status === 'unchanged' || rerun.status === 'no-record-change').toBe(
        true,
      );
      const messages = [...firstMessages, ...(await stack.drainQueue())];

      const stored = await stack.store.listEvents('toy-register');
      expect(stored.map((e) => [e.event.type, e.event.subject]).sort()).toEqual(EXPECTED);
      expect(stored.every((e) => e.status === 'published')).toBe(true);
      const delivered = messages.map((m) => decodeDelivered(m.Body!));
      expect([...new Set(delivered.map((e) => e.id))].sort()).toEqual(stored.map((e) => e.eventId).sort());
      // SNS accepted the batch before the crash, so one repeat carries the same event id (the
      // consumers' idempotency key); everywhere else nothing is published twice.
      if (point.mayRepeatMessages) expect(delivered.length).toBeLessThanOrEqual(EXPECTED.length * 2);
      else expect(delivered).toHaveLength(EXPECTED.length);
      expect(await stack.store.pendingEvents('toy-register')).toEqual([]);

      const third = await processVersion(
        toySource,
        toyVersion(V2),
        await stack.store.getMeta('toy-register'),
        stack.deps,
      );
      expect(third.status).toBe('unchanged');
      expect(await stack.drainQueue()).toHaveLength(0);
    });
  }
});
