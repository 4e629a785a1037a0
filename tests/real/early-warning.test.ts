/**
 * The early warning end to end: the real Entity List rule FR Doc. 2023-03929 is replayed through the
 * Federal Register source (each listed entity alerted the day the rule appears), then a CSL version
 * that carries those entities: the list additions are alerted once more, but each says it was
 * announced and names the early warning, so nobody reads it as news twice without being told.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../functions/events.ts';
import { decodeDelivered } from '../../functions/publish.ts';
import { renderSms, renderText } from '../../functions/render.ts';
import { replayPaths } from '../../functions/run.ts';
import { collectRecords, fileDocument } from '../../functions/sources/document.ts';
import { findSource } from '../../functions/sources/registry.ts';
import { PROJECT_ROOT } from '../helpers/cli.ts';
import { startTestStack, type TestStack } from '../helpers/local-stack.ts';
import { realFixture } from '../real-fixtures.ts';

const fr = findSource('us-federal-register')!;
const csl = findSource('us-trade-csl')!;
const RULE = realFixture('federal-register/2023-03929.full_text.xml');

describe('an Entity List rule, then the CSL that carries its entities', () => {
  let stack: TestStack;
  let dir: string;
  let cslWithEntities: string;
  let entities: Awaited<ReturnType<typeof collectRecords>>;
  beforeAll(async () => {
    stack = await startTestStack();
    dir = await mkdtemp(join(tmpdir(), 'tradewatch-early-'));
    entities = await collectRecords(fr, { main: fileDocument(RULE), companions: new Map() }, { sourceId: fr.id, warn: () => undefined });
    // The 2022 CSL plus one Entity List row per entity of the rule, written as the CSL writes them.
    const rows = parseCsv(await readFile(realFixture('csl/consolidated.2022-05-16.csv'), 'utf8')) as string[][];
    const header = rows[0]!;
    const col = (name: string) => header.indexOf(name);
    const template = rows.find((row) => row[col('source')]!.startsWith('Entity List'))!;
    const added = entities.map((entity, i) => {
      const row = [...template];
      row[col('_id')] = `early-warning-test-${i}`;
      row[col('name')] = entity.name;
      row[col('alt_names')] = entity.aliases.join('; ');
      row[col('addresses')] = `${entity.addresses[0] ?? ''}, ${entity.countries[0]}`;
      row[col('federal_register_notice')] = '88 FR 12170';
      row[col('start_date')] = '2023-02-24';
      return row;
    });
    const quote = (cell: string) => `"${cell.replace(/"/g, '""')}"`;
    cslWithEntities = join(dir, 'consolidated.csv');
    await writeFile(cslWithEntities, [...rows, ...added].map((row) => row.map(quote).join(',')).join('\n') + '\n');
  });
  afterAll(async () => {
    await stack.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('alerts each entity of the rule first, then the CSL additions as announced, naming the warning', async () => {
    expect(entities).toHaveLength(13);
    // Baselines: the Federal Register feed as it stood, and the CSL before the rule.
    await replayPaths(fr, [join(PROJECT_ROOT, 'tests/fixtures/federal-register/1')], stack.deps);
    await replayPaths(csl, [realFixture('csl/consolidated.2022-05-16.csv')], stack.deps);
    expect(await stack.drainQueue()).toEqual([]);

    const [rule] = await replayPaths(fr, [RULE], stack.deps);
    expect(rule).toMatchObject({ status: 'changed', added: 13, removed: 0 });
    const warnings = (await stack.drainQueue()).map((m) => decodeDelivered(m.Body!) as ChangeEvent);
    expect(warnings).toHaveLength(13);
    expect(warnings.every((e) => e.type === 'tradewatch.item.published' && e.data.list === 'Entity List (Federal Register)')).toBe(true);
    const spacety = warnings.find((e) => /AOOK Technology/i.test(e.data.name))!;
    expect(spacety.data.record!.countries).toContain('CN');

    const [list] = await replayPaths(csl, [cslWithEntities], stack.deps);
    expect(list).toMatchObject({ status: 'changed', added: 13, removed: 0, modified: 0 });
    const additions = (await stack.drainQueue()).map((m) => ({ event: decodeDelivered(m.Body!) as ChangeEvent, attributes: m.MessageAttributes! }));
    expect(additions).toHaveLength(13);
    // The same company can be listed under several destinations (China HEAD: CN, FR, NL): match on both.
    const byNameAndCountry = new Map(warnings.map((w) => [`${w.data.name}|${w.data.record!.countries[0]}`, w]));
    for (const { event, attributes } of additions) {
      expect(event.type).toBe('tradewatch.record.added');
      expect(event.data.list).toBe('Entity List');
      const warning = byNameAndCountry.get(`${event.data.name}|${event.data.record!.countries[0]}`)!;
      expect(event.data.earlyWarning).toMatchObject({ eventId: warning.id, documentNumber: '2023-03929', action: 'add', sourceId: 'us-federal-register' });
      expect(attributes.announced!.StringValue).toBe('yes');
      expect(renderText(event)).toContain(`Announced earlier: Federal Register 2023-03929 (add); early warning ${warning.id}`);
      expect(renderSms(event)).toContain('(announced FR 2023-03929)');
    }
  });
});
