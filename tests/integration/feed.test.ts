import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processVersion } from '../../functions/run/process-version.ts';
import { decodeDelivered } from '../../functions/delivery/sns-publisher.ts';
import type { RegisterSource } from '../../functions/sources/types.ts';
import { startTestStack, type TestStack } from '../helpers/local-stack.ts';
import { toyCsv, toySource, toyVersion } from '../helpers/toy-source.ts';

/** The toy format read as a feed: each row an item. */
const toyFeed: RegisterSource = { ...toySource, id: 'toy-register', kind: 'feed' };

describe('a feed source', () => {
  let stack: TestStack;
  beforeEach(async () => {
    stack = await startTestStack();
    await processVersion(
      toyFeed,
      toyVersion(
        toyCsv([
          ['1', 'First notice', '', ''],
          ['2', 'Second notice', '', ''],
        ]),
      ),
      undefined,
      stack.deps,
    );
  });
  afterEach(async () => {
    await stack.stop();
  });

  const next = async (rows: [string, string, string, string][]) =>
    processVersion(toyFeed, toyVersion(toyCsv(rows)), await stack.store.getMeta('toy-register'), stack.deps);

  it('alerts a new item as published and an edited one as updated', async () => {
    const report = await next([
      ['1', 'First notice (corrected)', '', ''],
      ['2', 'Second notice', '', ''],
      ['3', 'Third notice', '', ''],
    ]);
    expect(report).toMatchObject({ status: 'changed', added: 1, modified: 1, removed: 0 });
    const types = (await stack.drainQueue())
      .map((m) => [decodeDelivered(m.Body!).type, decodeDelivered(m.Body!).subject])
      .sort();
    expect(types).toEqual([
      ['tradewatch.item.published', '3'],
      ['tradewatch.item.updated', '1'],
    ]);
  });

  it('does not alert an item that drops out of the window, nor its return', async () => {
    const dropped = await next([
      ['2', 'Second notice', '', ''],
      ['3', 'Third notice', '', ''],
    ]);
    expect(dropped).toMatchObject({ added: 1, removed: 0 });
    const back = await next([
      ['1', 'First notice', '', ''],
      ['2', 'Second notice', '', ''],
      ['3', 'Third notice', '', ''],
    ]);
    expect(back).toMatchObject({ added: 0, removed: 0, modified: 0 });
    expect((await stack.drainQueue()).map((m) => decodeDelivered(m.Body!).subject)).toEqual(['3']);
  });

  it('never holds a shrinking window as a broken download', async () => {
    const report = await next([['2', 'Second notice', '', '']]);
    expect(report.status).not.toBe('failed');
  });
});
