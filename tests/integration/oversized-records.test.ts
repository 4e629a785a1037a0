/**
 * A register value of any size never blocks a source: one 20 MB field is cut to bounds (with a
 * warning) and the record stored; a record too large even then fails the version once, with a
 * health event, nothing stored, and the source recovers with the next good version.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeDelivered } from '../../functions/delivery/sns-publisher.ts';
import { MAX_TEXT_CHARS } from '../../functions/core/record-bounds.ts';
import type { RegisterRecord } from '../../functions/core/records.ts';
import { processVersion } from '../../functions/run/process-version.ts';
import { bufferDocument } from '../../functions/sources/read/document.ts';
import type { RegisterSource } from '../../functions/sources/types.ts';
import { startTestStack, type TestStack } from '../helpers/local-stack.ts';

/** A JSON register whose records are read as they are written: the test decides their sizes. */
const jsonSource: RegisterSource = {
  id: 'json-register',
  title: 'JSON register',
  publisher: 'tradewatch tests',
  jurisdiction: 'US',
  kind: 'register',
  homepage: 'https://example.org/',
  downloads: [{ url: 'https://example.org/list.json', format: 'records-json', serves: 'records' }],
  schedule: 'rate(5 minutes)',
  expectedRecords: { min: 1, max: 100, maxDropFraction: 0.5 },
  formats: [
    {
      id: 'records-json',
      description: 'a JSON array of records',
      sniff: (head) => head.startsWith('['),
      async *parse(input): AsyncGenerator<RegisterRecord> {
        const chunks: Buffer[] = [];
        for await (const chunk of input.main.open()) chunks.push(Buffer.from(chunk as Buffer));
        yield* JSON.parse(Buffer.concat(chunks).toString('utf8')) as RegisterRecord[];
      },
    },
  ],
};

function record(id: string, name: string, more: Partial<RegisterRecord> = {}): RegisterRecord {
  const base = { source: 'json-register', list: 'L', kind: 'organization' as const, aliases: [], countries: [] };
  return { id, name, ...base, addresses: [], programs: [], links: [], extra: {}, ...more };
}

function version(records: RegisterRecord[], tag: string) {
  const bytes = Buffer.from(JSON.stringify(records));
  return { input: { main: bufferDocument(`list-${tag}.json`, bytes), companions: new Map() }, contentHash: tag };
}

describe('oversized records', () => {
  let stack: TestStack;
  beforeEach(async () => {
    stack = await startTestStack();
  });
  afterEach(async () => {
    await stack.stop();
  });

  it('cuts a 20 MB field to bounds, stores the record and alerts it', async () => {
    const deps = stack.deps;
    await processVersion(jsonSource, version([record('1', 'Alpha')], 'v1'), undefined, deps);
    const huge = record('2', 'Beta Holdings', { remarks: 'x'.repeat(20 * 1024 * 1024) });
    const meta = await stack.store.getMeta(jsonSource.id);
    const report = await processVersion(jsonSource, version([record('1', 'Alpha'), huge], 'v2'), meta, deps);
    expect(report).toMatchObject({ status: 'changed', added: 1 });
    const stored = await stack.store.loadRecords(jsonSource.id, ['2']);
    expect(stored.get('2')!.remarks).toHaveLength(MAX_TEXT_CHARS);
    expect((await stack.drainQueue()).length).toBe(1);
  });

  it('fails a version whose record is too large even when bounded, once, and recovers', async () => {
    const deps = stack.deps;
    await processVersion(jsonSource, version([record('1', 'Alpha')], 'v1'), undefined, deps);
    await stack.drainQueue();
    const aliases = Array.from({ length: 1000 }, (_, i) => `${i} ${'y'.repeat(200)}`);
    const tooLarge = [record('1', 'Alpha'), record('2', 'Gamma', { aliases })];
    const first = await processVersion(
      jsonSource,
      version(tooLarge, 'v2'),
      await stack.store.getMeta(jsonSource.id),
      deps,
    );
    expect(first.status).toBe('failed');
    expect(first.error?.message).toMatch(
      /json-register: parse: list-v2\.json: record 2 takes \d+ KB .*cannot be stored/,
    );
    expect(first.healthEvent?.data.status).toBe('unhealthy');
    const second = await processVersion(
      jsonSource,
      version(tooLarge, 'v2'),
      await stack.store.getMeta(jsonSource.id),
      deps,
    );
    expect(second.status).toBe('failed');
    expect(second.healthEvent).toBeUndefined();
    expect(await stack.store.loadRecords(jsonSource.id, ['2'])).toEqual(new Map());
    const fixed = [record('1', 'Alpha'), record('2', 'Gamma', { aliases: aliases.slice(0, 5) })];
    const back = await processVersion(jsonSource, version(fixed, 'v3'), await stack.store.getMeta(jsonSource.id), deps);
    expect(back).toMatchObject({ status: 'changed', added: 1 });
    expect(back.healthEvent?.data.status).toBe('recovered');
    const types = (await stack.drainQueue()).map((m) => decodeDelivered(m.Body!).type);
    expect(types.filter((t) => t === 'tradewatch.record.added')).toHaveLength(1);
  });
});
