import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOURCES } from '../../functions/sources/registry.ts';
import { PROJECT_ROOT, tradewatch } from '../helpers/cli.ts';

const demo = (source: string, version: number, file: string) =>
  join(PROJECT_ROOT, 'demo', source, String(version), file);

describe('tradewatch CLI', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'tradewatch-cli-'));
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('lists every registered source with its metadata as JSON', async () => {
    const result = await tradewatch(['sources', '--json']);
    expect(result.code).toBe(0);
    const sources = JSON.parse(result.stdout) as {
      id: string;
      title: string;
      publisher: string;
      schedule: string;
      expectedRecords: { min: number; max: number };
      downloads: { url: string }[];
      formats: { id: string }[];
    }[];
    expect(sources.map((s) => s.id)).toEqual(SOURCES.map((s) => s.id));
    for (const source of sources) {
      expect(source.title && source.publisher && source.schedule).toBeTruthy();
      expect(source.downloads[0]!.url).toMatch(/^https:\/\//);
      expect(source.expectedRecords.min).toBeLessThan(source.expectedRecords.max);
      expect(source.formats.length).toBeGreaterThan(0);
    }
  });

  it('lists the files a source fetches beside its main download', async () => {
    const result = await tradewatch(['sources']);
    expect(result.stdout).toContain(
      [
        '  live: https://www.mofcom.gov.cn/zwgk/zcfb/index.html',
        '  beside: https://www.mofcom.gov.cn/syxwfb/index.html',
        '  beside: https://www.mfa.gov.cn/web/wjb_673085/zfxxgk_674865/gknrlb/fzcqdcs/',
      ].join('\n'),
    );
  });

  it('parses a file into a JSON array of normalized records', async () => {
    const result = await tradewatch([
      'parse',
      '--source',
      'us-trade-csl',
      demo('us-trade-csl', 1, 'consolidated.csv'),
      '--json',
    ]);
    expect(result.code).toBe(0);
    const records = JSON.parse(result.stdout) as { id: string; source: string; list: string; name: string }[];
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((r) => r.source === 'us-trade-csl' && r.id && r.name && r.list)).toBe(true);
  });

  it('diffs two versions offline as one JSON object', async () => {
    const result = await tradewatch([
      'diff',
      '--source',
      'un-sc-consolidated',
      demo('un-sc-consolidated', 2, 'consolidated.xml'),
      demo('un-sc-consolidated', 3, 'consolidated.xml'),
      '--json',
    ]);
    expect(result.code).toBe(0);
    const diff = JSON.parse(result.stdout) as {
      source: string;
      added: number;
      removed: number;
      modified: number;
      changes: { type: string; id: string; name: string; fields?: { field: string }[] }[];
    };
    expect(diff).toMatchObject({ source: 'un-sc-consolidated', added: 0, removed: 1, modified: 1 });
    expect(diff.changes.map((c) => c.type).sort()).toEqual(['modified', 'removed']);
    expect(diff.changes.find((c) => c.type === 'modified')!.fields!.map((f) => f.field)).toContain('addresses');
    expect(diff.changes.every((c) => c.id && c.name)).toBe(true);
  });

  it('reads an OFAC legacy CSV folder with its companion files', async () => {
    const result = await tradewatch([
      'diff',
      '--source',
      'us-ofac-sdn',
      join(PROJECT_ROOT, 'demo/us-ofac-sdn/1'),
      join(PROJECT_ROOT, 'demo/us-ofac-sdn/2'),
      '--json',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const diff = JSON.parse(result.stdout) as { added: number; removed: number; modified: number };
    expect(diff.added + diff.removed + diff.modified).toBeGreaterThan(0);
  });

  it('fails on an empty file with one line naming the source, the step and the cause', async () => {
    const empty = join(home, 'consolidated.xml');
    await writeFile(empty, '');
    const result = await tradewatch([
      'diff',
      '--source',
      'un-sc-consolidated',
      demo('un-sc-consolidated', 1, 'consolidated.xml'),
      empty,
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual([
      `tradewatch: un-sc-consolidated: parse: consolidated.xml is empty (0 bytes of content)`,
    ]);
  });

  it('fails on a truncated XML file without a stack trace, and shows one with --verbose', async () => {
    const truncated = join(home, 'truncated.xml');
    const { readFile } = await import('node:fs/promises');
    const full = await readFile(demo('un-sc-consolidated', 1, 'consolidated.xml'), 'utf8');
    await writeFile(truncated, full.slice(0, Math.floor(full.length / 2)));
    const result = await tradewatch(['parse', '--source', 'un-sc-consolidated', truncated]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^tradewatch: un-sc-consolidated: parse: truncated\.xml: /);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const verbose = await tradewatch(['parse', '--source', 'un-sc-consolidated', truncated, '--verbose']);
    expect(verbose.stderr).toMatch(/\n\s+at /);
  });

  it('answers a usage error with exit code 2', async () => {
    expect((await tradewatch(['nope'])).code).toBe(2);
    expect((await tradewatch(['parse', '--source', 'no-such-source', 'x'])).stderr).toMatch(
      /unknown source "no-such-source"/,
    );
  });

  it('runs the demo end to end through the embedded servers and shows real alerts', async () => {
    const result = await tradewatch(['demo'], { TRADEWATCH_HOME: home });
    expect(result.stderr).not.toMatch(/tradewatch: /);
    expect(result.code).toBe(0);
    for (const source of ['us-ofac-sdn', 'un-sc-consolidated', 'us-trade-csl', 'au-dfat']) {
      expect(result.stdout).toMatch(new RegExp(`ADDED · ${source}`));
      expect(result.stdout).toMatch(new RegExp(`REMOVED · ${source}`));
      expect(result.stdout).toMatch(new RegExp(`MODIFIED · ${source}`));
      expect(result.stdout).toMatch(new RegExp(`${source} v1: baseline stored`));
    }
    // Canada: a listing, a delisting and an alias alert; the two ships whose items swapped do not.
    expect(result.stdout).toMatch(/ADDED · ca-sema/);
    expect(result.stdout).toMatch(/REMOVED · ca-sema/);
    expect(result.stdout.match(/MODIFIED · ca-sema/g)).toHaveLength(1);
    const alerts = (await import('node:fs/promises')).readFile(join(home, 'demo', 'alerts.jsonl'), 'utf8');
    const all = (await alerts)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { specversion: string; type: string; data: { hitType?: string; name: string } });
    const lines = all.filter((l) => l.type !== 'tradewatch.watchlist.hit');
    expect(lines.length).toBeGreaterThanOrEqual(9);
    expect(
      lines.every(
        (l) =>
          l.specversion === '1.0' && (l.type.startsWith('tradewatch.record.') || l.type.startsWith('tradewatch.item.')),
      ),
    ).toBe(true);
    // The bundled example watchlist: its counterparties found on the baselines, added, changed and delisted.
    const hits = all
      .filter((l) => l.type === 'tradewatch.watchlist.hit')
      .map((l) => `${l.data.hitType} ${l.data.name}`);
    expect(hits).toEqual(
      expect.arrayContaining([
        'listed Arkady Pavlovich VETROV',
        'added Lumora Microsystems Co., Ltd.',
        'removed ZARVAN COMPOSITE MATERIALS INDUSTRIES',
        'removed NIGHTJAR INFORMATION SECURITY LLC',
        'modified Arkady Pavlovich VETROV',
      ]),
    );
    expect(hits.some((h) => /acme/i.test(h))).toBe(false);
    expect(result.stdout).toMatch(/WATCHLIST HIT \(added\) · demo-watchlist · us-trade-csl/);
    // Each bundled feed: one new item and one edited item; the re-fetched item and the one that
    // left the window alert nothing.
    for (const feed of [
      'us-ofac-recent-actions',
      'us-bis-press',
      'uk-ecju-notices',
      'eu-sanctions-news',
      'nl-export-control-news',
    ]) {
      const events = lines
        .filter((l) => (l as { source?: string }).source === `tradewatch/${feed}`)
        .map((l) => l.type)
        .sort();
      expect(events, feed).toEqual(['tradewatch.item.published', 'tradewatch.item.updated']);
    }
  });
});

describe('tradewatch demo with a configuration file', () => {
  it('routes alerts to each subscriber by its filters, keywords included', async () => {
    const home = await mkdtemp(join(tmpdir(), 'tradewatch-cli-config-'));
    try {
      const config = join(home, 'tradewatch.config.json');
      await writeFile(
        config,
        JSON.stringify({
          subscribers: [
            {
              id: 'chips',
              channel: { type: 'email', address: 'chips@example.com' },
              filters: { keywords: ['microsystems'] },
            },
            {
              id: 'un-removals',
              channel: { type: 'sms', phoneNumber: '+14155550100' },
              filters: { sources: ['un-sc-consolidated'], changeTypes: ['removed'] },
            },
          ],
        }),
      );
      const result = await tradewatch(['demo', '--config', config], { TRADEWATCH_HOME: home });
      expect(result.code).toBe(0);
      const { readFile } = await import('node:fs/promises');
      const chips = await readFile(join(home, 'demo', 'outbox', 'chips.email.txt'), 'utf8');
      expect(chips).toMatch(/LUMORA MICROSYSTEMS/i);
      // One email per publication: the CSL version that added it, and nothing else.
      expect(chips.match(/^Bundle-Id: /gm)).toHaveLength(1);
      expect(chips).toMatch(/^Subject: Consolidated Screening List \d{4}-\d{2}-\d{2}: 1 added$/m);
      expect(chips).not.toMatch(/KORVIN DASSO/);
      const sms = (await readFile(join(home, 'demo', 'outbox', 'un-removals.sms.txt'), 'utf8')).trim().split('\n');
      // One line per publication (the default for SMS): the removal named in it.
      expect(sms).toHaveLength(1);
      expect(sms[0]).toMatch(/^UN Security Council Consolidated List: 1 removed \(ZARVAN COMPOSITE/);
      expect(sms[0]!.length).toBeLessThan(160);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});

describe('tradewatch sources with local state', () => {
  it("shows each source's health, record count and last error from the stored state", async () => {
    const home = await mkdtemp(join(tmpdir(), 'tradewatch-cli-state-'));
    try {
      const env = { TRADEWATCH_HOME: home };
      expect((await tradewatch(['sources', '--json'], env)).stdout).toContain('"health": "never polled"');
      await tradewatch(
        ['replay', '--source', 'un-sc-consolidated', demo('un-sc-consolidated', 1, 'consolidated.xml')],
        env,
      );
      const empty = join(home, 'consolidated.xml');
      await writeFile(empty, '');
      expect((await tradewatch(['replay', '--source', 'un-sc-consolidated', empty], env)).code).toBe(1);
      const sources = JSON.parse((await tradewatch(['sources', '--json'], env)).stdout) as {
        id: string;
        state: Record<string, unknown>;
      }[];
      const un = sources.find((s) => s.id === 'un-sc-consolidated')!;
      expect(un.state).toMatchObject({
        health: 'unhealthy',
        records: 5,
        consecutiveFailures: 1,
        lastError: 'parse: consolidated.xml is empty (0 bytes of content)',
      });
      expect(un.state.lastSuccessAt).toEqual(expect.any(String));
      expect(sources.find((s) => s.id === 'us-ofac-sdn')!.state).toEqual({ health: 'never polled' });
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
