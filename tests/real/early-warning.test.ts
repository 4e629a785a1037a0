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
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../functions/core/events.ts';
import type { RegisterRecord } from '../../functions/core/records.ts';
import { decodeDelivered } from '../../functions/delivery/sns-publisher.ts';
import { renderSms, renderText } from '../../functions/delivery/render.ts';
import { pollSource, replayPaths } from '../../functions/run/poll.ts';
import { collectRecords, fileDocument } from '../../functions/sources/read/document.ts';
import { findSource } from '../../functions/sources/registry.ts';
import type { RegisterSource } from '../../functions/sources/types.ts';
import { createFederalRegisterSource } from '../../functions/sources/us-federal-register.ts';
import { PROJECT_ROOT } from '../helpers/cli.ts';
import { startHttpServer, type TestServer } from '../helpers/http-server.ts';
import { startTestStack, type TestStack } from '../helpers/local-stack.ts';
import { realFixture } from '../real-fixtures.ts';

const fr = findSource('us-federal-register')!;
const csl = findSource('us-trade-csl')!;
const RULE = realFixture('federal-register/2023-03929.full_text.xml');

/** The 2022 CSL plus one Entity List row per entity of the rule, written as the CSL writes them; returns its path. */
async function writeCslWithEntities(
  dir: string,
  entities: readonly RegisterRecord[],
  idPrefix: string,
): Promise<string> {
  const rows = parseCsv(await readFile(realFixture('csl/consolidated.2022-05-16.csv'), 'utf8')) as string[][];
  const header = rows[0]!;
  const col = (name: string) => header.indexOf(name);
  const template = rows.find((row) => row[col('source')]!.startsWith('Entity List'))!;
  const added = entities.map((entity, i) => {
    const row = [...template];
    row[col('_id')] = `${idPrefix}-${i}`;
    row[col('name')] = entity.name;
    row[col('alt_names')] = entity.aliases.join('; ');
    row[col('addresses')] = `${entity.addresses[0] ?? ''}, ${entity.countries[0]}`;
    row[col('federal_register_notice')] = '88 FR 12170';
    row[col('start_date')] = '2023-02-24';
    return row;
  });
  const quote = (cell: string) => `"${cell.replace(/"/g, '""')}"`;
  const path = join(dir, 'consolidated.csv');
  await writeFile(path, [...rows, ...added].map((row) => row.map(quote).join(',')).join('\n') + '\n');
  return path;
}

describe('an Entity List rule, then the CSL that carries its entities', () => {
  let stack: TestStack;
  let dir: string;
  let cslWithEntities: string;
  let entities: Awaited<ReturnType<typeof collectRecords>>;
  beforeAll(async () => {
    stack = await startTestStack();
    dir = await mkdtemp(join(tmpdir(), 'tradewatch-early-'));
    entities = await collectRecords(
      fr,
      { main: fileDocument(RULE), companions: new Map() },
      { sourceId: fr.id, warn: () => undefined },
    );
    cslWithEntities = await writeCslWithEntities(dir, entities, 'early-warning-test');
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
    expect(
      warnings.every((e) => e.type === 'tradewatch.item.published' && e.data.list === 'Entity List (Federal Register)'),
    ).toBe(true);
    const spacety = warnings.find((e) => /AOOK Technology/i.test(e.data.name))!;
    expect(spacety.data.record!.countries).toContain('CN');

    const [list] = await replayPaths(csl, [cslWithEntities], stack.deps);
    expect(list).toMatchObject({ status: 'changed', added: 13, removed: 0, modified: 0 });
    const additions = (await stack.drainQueue()).map((m) => ({
      event: decodeDelivered(m.Body!) as ChangeEvent,
      attributes: m.MessageAttributes!,
    }));
    expect(additions).toHaveLength(13);
    // The same company can be listed under several destinations (China HEAD: CN, FR, NL): match on both.
    const byNameAndCountry = new Map(warnings.map((w) => [`${w.data.name}|${w.data.record!.countries[0]}`, w]));
    for (const { event, attributes } of additions) {
      expect(event.type).toBe('tradewatch.record.added');
      expect(event.data.list).toBe('Entity List');
      const warning = byNameAndCountry.get(`${event.data.name}|${event.data.record!.countries[0]}`)!;
      expect(event.data.earlyWarning).toMatchObject({
        eventId: warning.id,
        documentNumber: '2023-03929',
        action: 'add',
        sourceId: 'us-federal-register',
      });
      expect(attributes.announced!.StringValue).toBe('yes');
      expect(renderText(event)).toContain(
        `Announced earlier: Federal Register 2023-03929 (add); early warning ${warning.id}`,
      );
      expect(renderSms(event)).toContain('(announced FR 2023-03929)');
    }
  });
});

describe('an Entity List rule on public inspection (its raw text), then the CSL that carries its entities', () => {
  it('warns from the filing a day before publication, and names that warning on each CSL addition', async () => {
    const stack = await startTestStack();
    const dir = await mkdtemp(join(tmpdir(), 'tradewatch-early-pi-'));
    try {
      const entities = await collectRecords(
        fr,
        { main: fileDocument(RULE), companions: new Map() },
        { sourceId: fr.id, warn: () => undefined },
      );
      const withEntities = await writeCslWithEntities(dir, entities, 'early-warning-pi');

      await replayPaths(fr, [join(PROJECT_ROOT, 'tests/fixtures/federal-register/1')], stack.deps);
      await replayPaths(csl, [realFixture('csl/consolidated.2022-05-16.csv')], stack.deps);
      await stack.drainQueue();
      // The filing's raw text (the project's fixture, laid out as the desk's pdftotext gives it).
      const [filing] = await replayPaths(
        fr,
        [join(PROJECT_ROOT, 'tests/fixtures/federal-register/2023-03929.public-inspection.2023-02-27.txt')],
        stack.deps,
      );
      expect(filing).toMatchObject({ status: 'changed', added: 13 });
      const warnings = (await stack.drainQueue()).map((m) => decodeDelivered(m.Body!) as ChangeEvent);
      expect(warnings.map((w) => w.data.record!.extra.frCitation)).toEqual(
        Array(13).fill('88 FR [INSERT FR PAGE NUMBER AND 2/27/2023]'),
      );

      const [list] = await replayPaths(csl, [withEntities], stack.deps);
      expect(list).toMatchObject({ status: 'changed', added: 13 });
      const additions = (await stack.drainQueue()).map((m) => decodeDelivered(m.Body!) as ChangeEvent);
      const warningIds = new Set(warnings.map((w) => w.id));
      expect(additions).toHaveLength(13);
      for (const event of additions) {
        expect(event.data.earlyWarning).toMatchObject({ documentNumber: '2023-03929', action: 'add' });
        expect(warningIds.has(event.data.earlyWarning!.eventId)).toBe(true);
      }
    } finally {
      await stack.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a live poll of the Federal Register that finds a published Entity List rule', () => {
  let server: TestServer;
  let stack: TestStack;
  let live: RegisterSource;
  /** Which documents search and desk the publisher serves, and whether it serves the rule's full text. */
  let version: 1 | 2;
  let fullTextStatus: 200 | 404;
  const options = { allowPrivateHosts: true, backoffMs: 5 };

  beforeEach(async () => {
    server = await startHttpServer();
    stack = await startTestStack();
    version = 1;
    const fixture = async (file: string) =>
      (await readFile(join(PROJECT_ROOT, 'tests/fixtures/federal-register', String(version), file), 'utf8')).replaceAll(
        'https://www.federalregister.gov/documents/full_text/xml/',
        `${server.url}/documents/full_text/xml/`,
      );
    server.handle((req, res) => {
      void (async () => {
        if (req.url!.startsWith('/documents/full_text/xml/'))
          return fullTextStatus === 200
            ? res.writeHead(200).end(await readFile(RULE))
            : res.writeHead(fullTextStatus).end();
        if (req.url!.startsWith('/desk')) return res.writeHead(200).end(await fixture('current.json'));
        return res.writeHead(200).end(await fixture('documents.json'));
      })();
    });
    const base = createFederalRegisterSource();
    live = {
      ...base,
      downloads: [
        {
          ...base.downloads[0]!,
          url: `${server.url}/documents.json`,
          companions: { 'current.json': `${server.url}/desk/current.json` },
        },
      ],
    };
  });
  afterEach(async () => {
    await server.close();
    await stack.stop();
  });

  it("fetches the rule's full text and alerts each of its entities with the document", async () => {
    fullTextStatus = 200;
    expect((await pollSource(live, stack.deps, options)).status).toBe('baseline');
    version = 2;
    const report = await pollSource(live, stack.deps, options);
    expect(report.status).toBe('changed');
    const events = (await stack.drainQueue()).map((m) => decodeDelivered(m.Body!) as ChangeEvent);
    const entities = events.filter((e) => e.data.list === 'Entity List (Federal Register)');
    expect(entities).toHaveLength(13);
    expect(
      entities.every(
        (e) => e.type === 'tradewatch.item.published' && e.data.record!.extra.documentNumber === '2023-03929',
      ),
    ).toBe(true);
    expect(events.find((e) => e.subject === '2023-03929')).toMatchObject({ type: 'tradewatch.item.updated' });
    expect(server.requests.filter((r) => r.url.includes('/full_text/xml/'))).toHaveLength(1);
  });

  it('fails the run, storing nothing, when the full text cannot be fetched, so the next poll tries again', async () => {
    fullTextStatus = 404;
    await pollSource(live, stack.deps, options);
    const before = await stack.store.getMeta('us-federal-register');
    version = 2;
    const report = await pollSource(live, stack.deps, options);
    expect(report.status).toBe('failed');
    expect(report.error!.message).toMatch(/^us-federal-register: fetch: HTTP 404/);
    expect((await stack.store.getMeta('us-federal-register'))!.contentHash).toBe(before!.contentHash);
    expect(await stack.store.listEvents('us-federal-register')).toEqual([]);
  });
});
