/**
 * The early warning from the desk, polled live from a publisher on loopback: an Entity List rule is
 * filed for public inspection (its raw text followed and read), then printed (its full-text XML
 * followed and read). Each entity is alerted once, the day of the filing; printing brings the same
 * records under the same ids, so nothing is added again, and what printing changes (the citation's
 * page) is a modification. Reads the real full-text XML of FR Doc. 2023-03929 (real-data suite).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../functions/core/events.ts';
import { decodeDelivered } from '../../functions/delivery/sns-publisher.ts';
import { pollSource } from '../../functions/run/poll.ts';
import { createFederalRegisterSource } from '../../functions/sources/us-federal-register.ts';
import type { RegisterSource } from '../../functions/sources/types.ts';
import { PROJECT_ROOT } from '../helpers/cli.ts';
import { startHttpServer, type TestServer } from '../helpers/http-server.ts';
import { startTestStack, type TestStack } from '../helpers/local-stack.ts';
import { realFixture } from '../real-fixtures.ts';

const FIXTURES = join(PROJECT_ROOT, 'tests/fixtures/federal-register');
const RAW_TEXT_PATH = '/public-inspection/raw_text/202/303/929.txt';
const ENTITY_LIST = 'Entity List (Federal Register)';

describe('a live poll of the Federal Register that finds an Entity List rule on the desk, then printed', () => {
  let server: TestServer;
  let stack: TestStack;
  let live: RegisterSource;
  /** What the publisher serves now: the documents search of poll 1 or 2, and a desk. */
  let now: { documents: 1 | 2; desk: 'empty' | 1 | 2 };
  const options = { allowPrivateHosts: true, backoffMs: 5 };

  const documents = async (): Promise<string> =>
    (await readFile(join(FIXTURES, String(now.documents), 'documents.json'), 'utf8')).replaceAll(
      'https://www.federalregister.gov/documents/full_text/xml/',
      `${server.url}/documents/full_text/xml/`,
    );
  /** The desk fixture with the raw_text_url the API gives (the hand-written fixture predates the field). */
  const desk = async (): Promise<string> => {
    if (now.desk === 'empty') return '{"count":0,"results":[]}';
    const json = JSON.parse(await readFile(join(FIXTURES, String(now.desk), 'current.json'), 'utf8')) as {
      results: Record<string, unknown>[];
    };
    for (const result of json.results)
      if (result.document_number === '2023-03929') result.raw_text_url = `${server.url}${RAW_TEXT_PATH}`;
    return JSON.stringify(json);
  };
  const poll = async (): Promise<{ status: string; events: ChangeEvent[] }> => {
    const report = await pollSource(live, stack.deps, options);
    const events = (await stack.drainQueue()).map((m) => decodeDelivered(m.Body!) as ChangeEvent);
    return { status: report.status, events };
  };
  const requestsFor = (path: string): number => server.requests.filter((r) => r.url.startsWith(path)).length;

  beforeEach(async () => {
    server = await startHttpServer();
    stack = await startTestStack();
    server.handle((req, res) => {
      void (async () => {
        const url = req.url!;
        if (url.startsWith(RAW_TEXT_PATH))
          return res
            .writeHead(200, { 'content-type': 'text/plain; charset=utf-8' })
            .end(await readFile(join(FIXTURES, '2023-03929.public-inspection.2023-02-27.txt')));
        if (url.startsWith('/documents/full_text/xml/'))
          return res.writeHead(200).end(await readFile(realFixture('federal-register/2023-03929.full_text.xml')));
        if (url.startsWith('/desk')) return res.writeHead(200).end(await desk());
        return res.writeHead(200).end(await documents());
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

  it("alerts each entity from the filing's raw text, and not again when the printed rule brings the same entities", async () => {
    // Prepare: the feed as it stood before the filing.
    now = { documents: 1, desk: 'empty' };
    expect((await poll()).status).toBe('baseline');

    // Act 1: the rule goes on the desk.
    now = { documents: 1, desk: 1 };
    const filed = await poll();

    // Assess 1: the filing, and each of its 13 entries, are alerted; the raw text was read once.
    expect(filed.status).toBe('changed');
    expect(filed.events.find((e) => e.subject === '2023-03929')).toMatchObject({
      type: 'tradewatch.item.published',
      data: { record: { extra: { stage: 'public-inspection' } } },
    });
    const warnings = filed.events.filter((e) => e.data.list === ENTITY_LIST);
    expect(warnings).toHaveLength(13);
    expect(
      warnings.every(
        (e) => e.type === 'tradewatch.item.published' && e.data.record!.extra.documentNumber === '2023-03929',
      ),
    ).toBe(true);
    const countries: Record<string, number> = {};
    for (const e of warnings)
      countries[e.data.record!.countries[0]!] = (countries[e.data.record!.countries[0]!] ?? 0) + 1;
    expect(countries).toEqual({ CA: 2, CN: 5, FR: 1, LU: 1, NL: 1, RU: 3 });
    expect(warnings.find((e) => e.data.recordId === '2023-03929:CA:cpunto-inc')!.data.record).toMatchObject({
      aliases: ['CPUNTO'],
      extra: { licenseReviewPolicy: expect.stringMatching(/^Policy of denial/) },
    });
    expect(requestsFor(RAW_TEXT_PATH)).toBe(1);

    // Act 2: the rule is printed (the desk moves on; the search has it, with its full text).
    now = { documents: 2, desk: 2 };
    const printed = await poll();

    // Assess 2: the document is updated; no entity is alerted again: printing only fills in the
    // citation's page (the source's quiet fields), which is stored but is news to nobody.
    expect(printed.status).toBe('changed');
    expect(printed.events.find((e) => e.subject === '2023-03929')).toMatchObject({ type: 'tradewatch.item.updated' });
    expect(printed.events.filter((e) => e.data.list === ENTITY_LIST)).toEqual([]);
    const stored = await stack.store.loadRecords(
      live.id,
      warnings.map((e) => e.data.recordId),
    );
    expect(stored.size).toBe(13);
    expect(stored.get('2023-03929:CA:cpunto-inc')!.extra.frCitation).toBe('88 FR 12170, 2/27/2023');
    expect(warnings.find((e) => e.data.recordId === '2023-03929:CA:cpunto-inc')!.data.record!.extra.frCitation).toBe(
      '88 FR [INSERT FR PAGE NUMBER AND 2/27/2023]',
    );
    expect(requestsFor('/documents/full_text/xml/')).toBe(1);
    expect(requestsFor(RAW_TEXT_PATH)).toBe(1);
  });

  it.each([
    ['cannot be fetched (404), without failing the run', 404, 'not found'],
    [
      'cannot be read (an HTML page), with a logged warning',
      200,
      '<!DOCTYPE html><html><head><title>Request Access</title></head></html>',
    ],
  ])('alerts the filing as a document, with no entities, when its raw text %s', async (_case, status, body) => {
    now = { documents: 1, desk: 'empty' };
    await poll();
    server.handle((req, res) => {
      void (async () => {
        const url = req.url!;
        if (url.startsWith(RAW_TEXT_PATH)) return res.writeHead(status).end(body);
        if (url.startsWith('/desk')) return res.writeHead(200).end(await desk());
        return res.writeHead(200).end(await documents());
      })();
    });
    now = { documents: 1, desk: 1 };

    const filed = await poll();

    expect(filed.status).toBe('changed');
    expect(filed.events.find((e) => e.subject === '2023-03929')).toMatchObject({ type: 'tradewatch.item.published' });
    expect(filed.events.filter((e) => e.data.list === ENTITY_LIST)).toEqual([]);
    expect(requestsFor(RAW_TEXT_PATH)).toBe(1);
  });
});
