/**
 * SECO's modification history against the diff, through the pipeline: the run reports where they
 * disagree in its notes, and the change events carry the publisher's dates.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../functions/core/events.ts';
import { decodeDelivered } from '../../functions/delivery/sns-publisher.ts';
import { processVersion } from '../../functions/run/process-version.ts';
import type { VersionInput } from '../../functions/run/ports.ts';
import { chSeco } from '../../functions/sources/ch-seco.ts';
import { bufferDocument } from '../../functions/sources/read/document.ts';
import type { RegisterSource } from '../../functions/sources/types.ts';
import { PROJECT_ROOT } from '../helpers/cli.ts';
import { startTestStack, type TestStack } from '../helpers/local-stack.ts';

// The fixtures hold a handful of targets; the live list's bounds would hold them as broken.
const source: RegisterSource = { ...chSeco, expectedRecords: { min: 1, max: 100, maxDropFraction: 0.5 } };

async function version(name: string): Promise<VersionInput> {
  const body = await readFile(join(PROJECT_ROOT, 'tests', 'fixtures', 'ch-seco', name));
  return {
    input: { main: bufferDocument('seco.xml', body), companions: new Map() },
    contentHash: createHash('sha256').update(body).digest('hex'),
  };
}

describe('ch-seco through the pipeline', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack.stop();
  });

  const run = async (name: string) => {
    const report = await processVersion(source, await version(name), await stack.store.getMeta(source.id), stack.deps);
    return { report, events: (await stack.drainQueue()).map((m) => decodeDelivered(m.Body!) as ChangeEvent) };
  };

  it('alerts changes dated by SECO’s history, and notes where the history and the diff disagree', async () => {
    await run('seco.v1.xml');

    const agreeing = await run('seco.v2.xml');
    expect(agreeing.report).toMatchObject({ status: 'changed', added: 1, removed: 1, modified: 1 });
    expect(agreeing.report.notes).toBeUndefined();
    const amended = agreeing.events.find((e) => e.data.recordId === '1001')!;
    expect(amended.data.record!.extra.lastModified).toBe('2024-02-23');

    const disagreeing = await run('seco.v3.xml');
    expect(disagreeing.report).toMatchObject({ status: 'changed', modified: 2 });
    expect(disagreeing.report.notes).toEqual([
      expect.stringMatching(/^1002 .* changed \(addresses\), but SECO's history records no modification/),
      expect.stringMatching(/^1005 .*: SECO's history records amended 2024-06-01, but no field read here changed$/),
    ]);
    expect(disagreeing.events.map((e) => e.data.recordId).sort()).toEqual(['1002', '1005']);
  });
});
