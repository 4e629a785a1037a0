/**
 * The watchlist commands as a user runs them: `screen` against files and against stored records,
 * `watchlist import` (with its initial screening), `dismiss`, `audit`, and a config-named watchlist
 * synced by `replay`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, tradewatch } from '../helpers/cli.ts';

const demo = (source: string, version: number) => join(PROJECT_ROOT, 'demo', source, String(version));

const WATCHLIST = [
  'reference,name,aliases,country,kind',
  'C-1,Lumora Micro Systems,,CN,organization',
  'C-2,"Velan, Oskar",,RU,person',
  'C-3,Brightmere Components Trading Ltd,,HK,organization',
  'C-4,Acme Widgets GmbH,,DE,organization',
].join('\n');

interface ScreenJson {
  entries: number;
  recordsScreened: number;
  threshold: number;
  hits: {
    sourceId: string;
    recordId: string;
    recordName: string;
    hit: { reference: string; score: number; explanation: string[]; entryKey: string };
  }[];
}

describe('tradewatch screen and watchlist', () => {
  let home: string;
  let watchlist: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'tradewatch-watchlist-cli-'));
    watchlist = join(home, 'counterparties.csv');
    await writeFile(watchlist, WATCHLIST);
    env = { TRADEWATCH_HOME: home };
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('screens a watchlist against files, best hits first, with the reasons', async () => {
    const result = await tradewatch([
      'screen',
      '--watchlist',
      watchlist,
      '--source',
      'us-trade-csl',
      '--file',
      demo('us-trade-csl', 2),
      '--json',
    ]);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as ScreenJson;
    expect(parsed.entries).toBe(4);
    expect(parsed.recordsScreened).toBe(12);
    const found = parsed.hits.map((h) => `${h.hit.reference} ${h.recordName}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'C-1 Lumora Microsystems Co., Ltd.',
        'C-2 VELAN, Oskar Dmitrievich',
        'C-3 Brightmere Components Trading Limited',
      ]),
    );
    expect(found.some((f) => f.startsWith('C-4'))).toBe(false);
    const scores = parsed.hits.map((h) => h.hit.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(parsed.hits.every((h) => h.hit.explanation.length > 0)).toBe(true);
    const text = await tradewatch([
      'screen',
      '--watchlist',
      watchlist,
      '--source',
      'us-trade-csl',
      '--file',
      demo('us-trade-csl', 2),
    ]);
    expect(text.stdout).toMatch(/Lumora Micro Systems \[C-1\]\s+~\s+Lumora Microsystems Co\., Ltd\./);
    expect(text.stderr).toMatch(/hit\(s\): 4 watchlist entries against 12 records at threshold 0\.8/);
  });

  it('takes a stricter threshold', async () => {
    const strict = JSON.parse(
      (
        await tradewatch([
          'screen',
          '--watchlist',
          watchlist,
          '--source',
          'us-trade-csl',
          '--file',
          demo('us-trade-csl', 2),
          '--threshold',
          '0.99',
          '--json',
        ])
      ).stdout,
    ) as ScreenJson;
    const loose = JSON.parse(
      (
        await tradewatch([
          'screen',
          '--watchlist',
          watchlist,
          '--source',
          'us-trade-csl',
          '--file',
          demo('us-trade-csl', 2),
          '--json',
        ])
      ).stdout,
    ) as ScreenJson;
    expect(strict.hits.length).toBeLessThan(loose.hits.length);
    expect(strict.hits.every((h) => h.hit.score >= 0.99)).toBe(true);
  });

  it('refuses a bad watchlist naming the file, the row and the cause', async () => {
    const bad = join(home, 'bad.csv');
    await writeFile(bad, 'name,country\nGood Name,CN\n,DE\nOther,Atlantis\n');
    const result = await tradewatch([
      'screen',
      '--watchlist',
      bad,
      '--source',
      'us-trade-csl',
      '--file',
      demo('us-trade-csl', 2),
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`watchlist ${bad}: row 3: name is empty; row 4: unknown country "Atlantis"`);
  });

  it('imports a watchlist, screens the stored records at once, and keeps decisions with an audit trail', async () => {
    expect((await tradewatch(['replay', '--source', 'us-trade-csl', demo('us-trade-csl', 2)], env)).code).toBe(0);
    const imported = await tradewatch(
      ['watchlist', 'import', '--subscriber', 'acme', watchlist, '--by', 'jane@acme.example'],
      env,
    );
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/watchlist acme: 4 entries, version \S+/);
    expect(imported.stdout).toMatch(/WATCHLIST HIT \(listed\) · acme · us-trade-csl/);
    expect(imported.stdout).toMatch(/initial screening of acme: 12 stored records screened, 3 hit\(s\)/);

    const again = await tradewatch(
      ['watchlist', 'import', '--subscriber', 'acme', watchlist, '--by', 'jane@acme.example'],
      env,
    );
    expect(again.stdout).toMatch(/unchanged: nothing to screen/);
    expect(again.stdout).not.toMatch(/WATCHLIST HIT/);

    const stored = JSON.parse(
      (await tradewatch(['screen', '--watchlist', watchlist, '--source', 'us-trade-csl', '--json'], env)).stdout,
    ) as ScreenJson;
    expect(stored.recordsScreened).toBe(12);
    const brightmere = stored.hits.find((h) => h.hit.reference === 'C-3')!;

    const dismissed = await tradewatch(
      [
        'watchlist',
        'dismiss',
        '--subscriber',
        'acme',
        '--source',
        'us-trade-csl',
        '--record',
        brightmere.recordId,
        '--entry',
        brightmere.hit.entryKey,
        '--by',
        'jane@acme.example',
        '--reason',
        'different company, other registry number',
      ],
      env,
    );
    expect(dismissed.code).toBe(0);
    expect(dismissed.stdout).toMatch(/not a match: Brightmere Components Trading Limited/);

    const unknown = await tradewatch(
      [
        'watchlist',
        'dismiss',
        '--subscriber',
        'acme',
        '--source',
        'us-trade-csl',
        '--record',
        'nope',
        '--entry',
        'ref:C-3',
        '--by',
        'x',
        '--reason',
        'y',
      ],
      env,
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no stored record "nope"/);

    const current = JSON.parse(
      (await tradewatch(['watchlist', 'hits', '--subscriber', 'acme', '--json'], env)).stdout,
    ) as { recordId: string; reference: string; recordName: string; decision: { by: string } | null }[];
    expect(current.map((h) => `${h.reference} ${h.recordName}`).sort()).toEqual([
      'C-1 Lumora Microsystems Co., Ltd.',
      'C-2 VELAN, Oskar Dmitrievich',
      'C-3 Brightmere Components Trading Limited',
    ]);
    expect(current.find((h) => h.reference === 'C-3')!.decision).toMatchObject({ by: 'jane@acme.example' });
    expect(current.find((h) => h.reference === 'C-1')!.decision).toBeNull();

    const audit = JSON.parse(
      (await tradewatch(['watchlist', 'audit', '--subscriber', 'acme', '--json'], env)).stdout,
    ) as { action: string; by: string; reason?: string }[];
    expect(audit.map((a) => a.action)).toEqual(['import', 'import', 'not-a-match']);
    expect(audit[2]).toMatchObject({ by: 'jane@acme.example', reason: 'different company, other registry number' });

    const shown = await tradewatch(['watchlist', 'show', '--subscriber', 'acme'], env);
    expect(shown.stdout).toMatch(/ref:C-2\tVelan, Oskar\tRU\tperson/);
  });

  it('syncs a watchlist the configuration names, and alerts its subscriber on the next version', async () => {
    const configHome = await mkdtemp(join(tmpdir(), 'tradewatch-watchlist-config-'));
    try {
      await writeFile(join(configHome, 'counterparties.csv'), WATCHLIST);
      const config = join(configHome, 'tradewatch.config.json');
      await writeFile(
        config,
        JSON.stringify({
          subscribers: [
            {
              id: 'acme',
              channel: { type: 'email', address: 'compliance@acme.example' },
              watchlist: { file: 'counterparties.csv', threshold: 0.85 },
            },
          ],
        }),
      );
      const local = { TRADEWATCH_HOME: configHome };
      const first = await tradewatch(
        ['replay', '--config', config, '--source', 'us-trade-csl', demo('us-trade-csl', 1)],
        local,
      );
      expect(first.code).toBe(0);
      expect(first.stderr).toMatch(/watchlist acme: 4 entries imported from .*counterparties\.csv/);
      const second = await tradewatch(
        ['replay', '--config', config, '--source', 'us-trade-csl', demo('us-trade-csl', 2)],
        local,
      );
      expect(second.code).toBe(0);
      const { readFile } = await import('node:fs/promises');
      const email = await readFile(join(configHome, 'outbox', 'acme.email.txt'), 'utf8');
      // v1's baseline: Velan and Brightmere are listed; v2 adds Lumora.
      // One email per publication (the email default): the baseline's screening, then v2's addition.
      expect(email.match(/^Bundle-Id: /gm)).toHaveLength(2);
      expect(email).toMatch(/2 on your watchlist[^]*Watchlist hit for acme: Velan, Oskar \[C-2\]/);
      expect(email).toMatch(
        /Lumora Microsystems Co\., Ltd\.[^]*\n +Watchlist hit for acme: Lumora Micro Systems \[C-1\]/,
      );
      expect(email).not.toMatch(/JONAS T\. FERRICK/);
    } finally {
      await rm(configHome, { recursive: true, force: true });
    }
  });
});
