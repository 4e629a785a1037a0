/**
 * The full pipeline on the publishers' own formats (the project's demo versions, written in each
 * publisher's exact layout), against dynalite and fauxqs on loopback.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeDelivered } from '../../functions/delivery/sns-publisher.ts';
import { replayPaths } from '../../functions/run/poll.ts';
import { findSource } from '../../functions/sources/registry.ts';
import { PROJECT_ROOT } from '../helpers/cli.ts';
import { startTestStack, type TestStack } from '../helpers/local-stack.ts';

const demo = (...parts: string[]) => join(PROJECT_ROOT, 'demo', ...parts);

describe('replaying OFAC legacy CSV sets (sdn.csv + add.csv + alt.csv + sdn_comments.csv)', () => {
  let stack: TestStack;
  const sdn = findSource('us-ofac-sdn')!;
  beforeEach(async () => {
    stack = await startTestStack();
  });
  afterEach(async () => {
    await stack.stop();
  });

  it('stores v1, then alerts exactly the changes of v2 with the record and the changed fields', async () => {
    const [baseline] = await replayPaths(sdn, [demo('us-ofac-sdn', '1')], stack.deps);
    expect(baseline).toMatchObject({ status: 'baseline', records: 5 });
    const [v2] = await replayPaths(sdn, [demo('us-ofac-sdn', '2')], stack.deps);
    expect(v2).toMatchObject({ status: 'changed', added: 1, removed: 1, modified: 1, eventsStored: 3, published: 3 });

    const stored = await stack.store.listEvents('us-ofac-sdn');
    expect(stored.map((e) => [e.event.type, e.event.subject]).sort()).toEqual([
      ['tradewatch.record.added', '10006'],
      ['tradewatch.record.modified', '10001'],
      ['tradewatch.record.removed', '10004'],
    ]);
    const messages = await stack.drainQueue();
    const delivered = messages.map((m) => decodeDelivered(m.Body!));
    expect(delivered.map((e) => e.id).sort()).toEqual(stored.map((e) => e.eventId).sort());
    const modified = delivered.find((e) => e.subject === '10001')!;
    expect(modified.data).toMatchObject({
      sourceId: 'us-ofac-sdn',
      changeType: 'modified',
      name: 'EXAMPLE TRADING LLC',
      list: 'SDN',
      fields: [{ field: 'aliases', added: ['EXAMPLE GENERAL TRADING FZE'], removed: ['EXAMPLE GENERAL TRADING'] }],
    });
    // Filter attributes travel with each message.
    const added = messages.find((m) => decodeDelivered(m.Body!).subject === '10006')!;
    expect(added.MessageAttributes).toMatchObject({
      source: { StringValue: 'us-ofac-sdn' },
      changeType: { StringValue: 'added' },
      list: { StringValue: 'SDN' },
    });
    expect(JSON.parse(added.MessageAttributes!.programs!.StringValue!)).toEqual(
      expect.arrayContaining([expect.any(String)]),
    );

    const [again] = await replayPaths(sdn, [demo('us-ofac-sdn', '2')], stack.deps);
    expect(again!.status).toBe('unchanged');
    expect(await stack.drainQueue()).toEqual([]);
    expect(await stack.store.listEvents('us-ofac-sdn')).toHaveLength(3);
  });
});

describe('replaying UN consolidated list XML', () => {
  let stack: TestStack;
  let dir: string;
  const un = findSource('un-sc-consolidated')!;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tradewatch-un-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    stack = await startTestStack();
  });
  afterEach(async () => {
    await stack.stop();
  });

  it('turns a truncated XML download into a source-health event, with no stored change and no change message', async () => {
    await replayPaths(un, [demo('un-sc-consolidated', '1', 'consolidated.xml')], stack.deps);
    const before = await stack.store.getMeta('un-sc-consolidated');
    const full = await readFile(demo('un-sc-consolidated', '2', 'consolidated.xml'), 'utf8');
    const truncated = join(dir, 'consolidated.xml');
    // Cut after the last complete record, so every record parsed so far is well-formed.
    await writeFile(truncated, full.slice(0, full.lastIndexOf('</ENTITY>') + '</ENTITY>'.length));

    const [report] = await replayPaths(un, [truncated], stack.deps);
    expect(report!.status).toBe('failed');
    expect(report!.error!.message).toMatch(/^un-sc-consolidated: parse: consolidated\.xml: /);
    const delivered = (await stack.drainQueue()).map((m) => decodeDelivered(m.Body!));
    expect(delivered.map((e) => e.type)).toEqual(['tradewatch.source.unhealthy']);
    expect(await stack.store.listEvents('un-sc-consolidated')).toEqual([]);
    expect((await stack.store.getMeta('un-sc-consolidated'))!.contentHash).toBe(before!.contentHash);

    // The good version afterwards is diffed against v1, as if the broken one never happened.
    const [v2] = await replayPaths(un, [demo('un-sc-consolidated', '2', 'consolidated.xml')], stack.deps);
    expect(v2).toMatchObject({ status: 'changed', added: 1, modified: 1, removed: 0 });
    const after = (await stack.drainQueue()).map((m) => decodeDelivered(m.Body!).type).sort();
    expect(after).toEqual(['tradewatch.record.added', 'tradewatch.record.modified', 'tradewatch.source.recovered']);
  });
});
