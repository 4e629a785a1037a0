/**
 * A source's quiet fields: a modification touching only them is stored (the state stays exact) but
 * not alerted; one that also touches another field is alerted with all its fields.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../functions/core/events.ts';
import { processVersion } from '../../functions/run/process-version.ts';
import { decodeDelivered } from '../../functions/delivery/sns-publisher.ts';
import type { RegisterSource } from '../../functions/sources/types.ts';
import { startTestStack, type TestStack } from '../helpers/local-stack.ts';
import { toyCsv, toySource, toyVersion } from '../helpers/toy-source.ts';

const source: RegisterSource = { ...toySource, quietFields: ['programs'] };

describe('quiet fields', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack.stop();
  });

  const run = async (body: string) => {
    const report = await processVersion(source, toyVersion(body), await stack.store.getMeta(source.id), stack.deps);
    return { report, events: (await stack.drainQueue()).map((m) => decodeDelivered(m.Body!) as ChangeEvent) };
  };

  it('stores a change of quiet fields alone without alerting it, and alerts a change that touches more', async () => {
    await run(
      toyCsv([
        ['1', 'Lumora', 'CN', 'EAR'],
        ['2', 'Orion', 'GR', 'IRAN'],
      ]),
    );

    const quiet = await run(
      toyCsv([
        ['1', 'Lumora', 'CN', 'EAR-2'],
        ['2', 'Orion', 'GR', 'IRAN'],
      ]),
    );
    expect(quiet.report).toMatchObject({ status: 'no-record-change', modified: 0 });
    expect(quiet.events).toEqual([]);
    expect((await stack.store.loadRecords(source.id, ['1'])).get('1')!.programs).toEqual(['EAR-2']);

    const loud = await run(
      toyCsv([
        ['1', 'Lumora', 'HK', 'EAR-3'],
        ['2', 'Orion', 'GR', 'IRAN'],
      ]),
    );
    expect(loud.report).toMatchObject({ status: 'changed', modified: 1 });
    expect(loud.events.map((e) => e.data.fields.map((f) => f.field).sort())).toEqual([['countries', 'programs']]);
  });
});
