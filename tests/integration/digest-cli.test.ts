/**
 * `tradewatch digest` as a user runs it from cron: the changes of two replayed versions go into the
 * daily digest subscriber's accumulation, the digest due at `--now` is sent once, and a repeated
 * run sends nothing; a configuration without digest subscribers is a usage error.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, tradewatch } from '../helpers/cli.ts';

const demo = (id: string, version: number) => join(PROJECT_ROOT, 'demo', id, String(version));

describe('tradewatch digest', () => {
  let home: string;
  let config: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'tradewatch-digest-cli-'));
    config = join(home, 'tradewatch.config.json');
    await writeFile(
      config,
      JSON.stringify({
        subscribers: [
          {
            id: 'morning',
            channel: { type: 'email', address: 'desk@example.com' },
            delivery: { mode: 'daily', at: '08:00', timeZone: 'America/New_York' },
          },
        ],
      }),
    );
    const replayed = await tradewatch(
      ['replay', '--config', config, '--source', 'us-trade-csl', demo('us-trade-csl', 1), demo('us-trade-csl', 2)],
      { TRADEWATCH_HOME: home },
    );
    expect(replayed.code).toBe(0);
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  const outbox = () => readFile(join(home, 'outbox', 'morning.email.txt'), 'utf8').catch(() => '');

  it('sends nothing at replay time: the changes wait for the digest', async () => {
    expect(await outbox()).toBe('');
  });

  it('sends the digest due at --now once, in the subscriber’s time zone, and nothing on a repeated run', async () => {
    const now = new Date(Date.now() + 2 * 86_400_000);
    now.setUTCHours(13, 0, 30, 0); // 08:00 or 09:00 in New York, after the day's slot either way
    const first = await tradewatch(['digest', '--config', config, '--now', now.toISOString()], {
      TRADEWATCH_HOME: home,
    });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /^digest morning: sent the digest of \w{3} \d+ \w{3} \d{4} 08:00 E[SD]T with 1 change\(s\)$/m,
    );
    const email = await outbox();
    expect(email.match(/^Bundle-Id: /gm)).toHaveLength(1);
    expect(email).toMatch(/^Subject: tradewatch daily digest, .*: 1 change in 1 source$/m);
    expect(email).toContain('Lumora Microsystems Co., Ltd.');
    expect(email).toContain('SOURCES CHECKED');

    const again = await tradewatch(['digest', '--config', config, '--now', now.toISOString()], {
      TRADEWATCH_HOME: home,
    });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^digest morning: not due; next at /m);
    expect((await outbox()).match(/^Bundle-Id: /gm)).toHaveLength(1);
  });

  it('refuses a bad --now and a configuration without digest subscribers, saying what to do', async () => {
    const bad = await tradewatch(['digest', '--config', config, '--now', 'tomorrow'], { TRADEWATCH_HOME: home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--now takes an ISO 8601 instant/);
    const none = join(home, 'none.json');
    await writeFile(none, JSON.stringify({ subscribers: [] }));
    const result = await tradewatch(['digest', '--config', none], { TRADEWATCH_HOME: home });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no subscriber takes daily or weekly digests/);
  });
});
