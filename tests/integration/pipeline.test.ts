import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processVersion } from '../../functions/run/process-version.ts';
import { decodeDelivered } from '../../functions/delivery/sns-publisher.ts';
import { toyCsv, toySource, toyVersion } from '../helpers/toy-source.ts';
import { startTestStack, type TestStack } from '../helpers/local-stack.ts';

const V1 = toyCsv([
  ['1', 'ALPHA TRADING', 'CN', 'EL'],
  ['2', 'BETA SEMICONDUCTOR', 'HK', 'EL'],
  ['3', 'GAMMA LOGISTICS', 'RU', 'MEU'],
]);
const V2 = toyCsv([
  ['1', 'ALPHA TRADING', 'CN', 'EL'],
  ['3', 'GAMMA LOGISTICS', 'BY', 'MEU'],
  ['4', 'DELTA MICRO', 'CN', 'EL'],
]);

describe('processVersion against dynalite and fauxqs', () => {
  let stack: TestStack;
  beforeEach(async () => {
    stack = await startTestStack();
  });
  afterEach(async () => {
    await stack.stop();
  });

  it('stores a baseline without alerting, then alerts each change of the next version once', async () => {
    const baseline = await processVersion(toySource, toyVersion(V1), undefined, stack.deps);
    expect(baseline.status).toBe('baseline');
    expect(await stack.drainQueue()).toHaveLength(0);

    const report = await processVersion(
      toySource,
      toyVersion(V2),
      await stack.store.getMeta('toy-register'),
      stack.deps,
    );
    expect(report).toMatchObject({
      status: 'changed',
      added: 1,
      removed: 1,
      modified: 1,
      eventsStored: 3,
      published: 3,
    });
    const events = (await stack.drainQueue()).map((m) => decodeDelivered(m.Body!));
    expect(events.map((e) => [e.type, e.subject]).sort()).toEqual([
      ['tradewatch.record.added', '4'],
      ['tradewatch.record.modified', '3'],
      ['tradewatch.record.removed', '2'],
    ]);
    const modified = events.find((e) => e.subject === '3')!;
    expect(modified.data).toMatchObject({
      changeType: 'modified',
      fields: [{ field: 'countries', added: ['BY'], removed: ['RU'] }],
    });
  });
});
