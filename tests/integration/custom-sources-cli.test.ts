/**
 * Custom sources from the configuration file through the real `tradewatch` command: listed by
 * `sources` and `config`, read by `parse`, and polled live from a loopback server that only a
 * definition with `allowPrivateHosts` may reach.
 */
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, tradewatch } from '../helpers/cli.ts';
import { startHttpServer, type TestServer } from '../helpers/http-server.ts';

const FEEDS = join(PROJECT_ROOT, 'tests', 'fixtures', 'feeds', 'us-ofac-recent-actions');

describe('tradewatch with custom sources in the configuration', () => {
  let home: string;
  let server: TestServer;
  let body = '';
  const config = (allowPrivateHosts: boolean) => ({
    topics: [{ topic: 'vessels', keywords: ['vessel'] }],
    customSources: [
      {
        id: 'loopback-notices',
        title: 'Loopback notices',
        kind: 'feed',
        url: `${server.url}/feed.rss`,
        format: 'rss',
        allowPrivateHosts,
      },
      {
        id: 'example-parties',
        title: 'Example parties',
        kind: 'register',
        url: 'https://example.org/parties.csv',
        format: 'csv',
        idField: 'party_id',
        fields: {
          name: 'party_name',
          aliases: 'other_names',
          countries: 'country',
          listedOn: 'listed_on',
          remarks: 'remarks',
        },
      },
    ],
  });

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'tradewatch-custom-cli-'));
    server = await startHttpServer();
    server.handle((_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body));
    await writeFile(join(home, 'allowed.json'), JSON.stringify(config(true)));
    await writeFile(join(home, 'refused.json'), JSON.stringify(config(false)));
  });
  afterAll(async () => {
    await server.close();
    await rm(home, { recursive: true, force: true });
  });

  it('refuses a configuration whose custom source is on plain http at a loopback address without allowPrivateHosts', async () => {
    const result = await tradewatch(['config', '--config', join(home, 'refused.json')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('tradewatch: config: customSources[0].url: must use https\n');
  });

  it('lists the custom sources after the registered ones, in `sources` and in `config`', async () => {
    const sources = JSON.parse(
      (await tradewatch(['sources', '--json', '--config', join(home, 'allowed.json')], { TRADEWATCH_HOME: home }))
        .stdout,
    ) as { id: string; kind: string }[];
    expect(sources.slice(-2).map((s) => [s.id, s.kind])).toEqual([
      ['loopback-notices', 'feed'],
      ['example-parties', 'register'],
    ]);
    const printed = JSON.parse(
      (await tradewatch(['config', '--json', '--config', join(home, 'allowed.json')])).stdout,
    ) as { sources: Record<string, unknown>; customSources: { id: string }[]; topics: unknown[] };
    expect(printed.sources['example-parties']).toEqual({ enabled: true, schedule: 'rate(15 minutes)' });
    expect(printed.customSources.map((s) => s.id)).toEqual(['loopback-notices', 'example-parties']);
    expect(printed.topics).toEqual([{ topic: 'vessels', keywords: ['vessel'] }]);
  });

  it('parses a file of a custom source named by --source', async () => {
    const result = await tradewatch([
      'parse',
      '--source',
      'example-parties',
      join(PROJECT_ROOT, 'tests', 'fixtures', 'custom', 'parties.csv'),
      '--json',
      '--config',
      join(home, 'allowed.json'),
    ]);
    expect(result.code).toBe(0);
    expect(
      (JSON.parse(result.stdout) as { id: string; countries: string[] }[]).map((r) => [r.id, r.countries]),
    ).toEqual([
      ['P-1', ['CN']],
      ['P-2', ['SO']],
    ]);
  });

  it('polls a custom feed on a loopback server it is allowed to reach: a baseline, then the new and the edited item', async () => {
    const env = { TRADEWATCH_HOME: home };
    const args = ['poll', '--source', 'loopback-notices', '--config', join(home, 'allowed.json')];
    body = await readFile(join(FEEDS, 'feed.v1.rss'), 'utf8');
    const first = await tradewatch(args, env);
    expect(first.stderr).not.toMatch(/tradewatch: /);
    expect(first.stdout).toMatch(/loopback-notices: baseline stored \(3 records, format feed-xml\)/);
    body = await readFile(join(FEEDS, 'feed.v2.rss'), 'utf8');
    const second = await tradewatch(args, env);
    expect(second.stdout).toMatch(/loopback-notices: 1 added, 0 removed, 1 modified \(3 records\)/);
    const alerts = (await readFile(join(home, 'alerts.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; source: string });
    const mine = alerts.filter((alert) => alert.source === 'tradewatch/loopback-notices');
    expect(mine.map((alert) => alert.type).sort()).toEqual(['tradewatch.item.published', 'tradewatch.item.updated']);
    expect(server.requests.every((request) => request.url === '/feed.rss')).toBe(true);
  });
});
