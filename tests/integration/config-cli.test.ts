import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOURCES } from '../../functions/sources/registry.ts';
import { PROJECT_ROOT, tradewatch } from '../helpers/cli.ts';

describe('tradewatch config and --config', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'tradewatch-config-cli-'));
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('prints the effective configuration and each subscriber’s filter policy as JSON', async () => {
    const result = await tradewatch(['config', '--config', 'tradewatch.config.example.json', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as {
      file: string;
      sources: Record<string, { enabled: boolean; schedule: string }>;
      subscribers: { id: string; filterPolicy: unknown }[];
    };
    expect(printed.file).toBe(join(PROJECT_ROOT, 'tradewatch.config.example.json'));
    expect(Object.keys(printed.sources)).toEqual(SOURCES.map((s) => s.id));
    expect(Object.fromEntries(printed.subscribers.map((s) => [s.id, s.filterPolicy]))).toEqual({
      'entity-list-china': {
        source: ['us-trade-csl'],
        changeType: ['added'],
        list: ['Entity List'],
        countries: ['CN', 'HK'],
      },
      'sdn-additions': { source: ['us-ofac-sdn'], changeType: ['added'], list: ['SDN'] },
      'screening-system': { changeType: ['added', 'removed', 'modified', 'health'] },
      counterparties: {
        changeType: ['watchlist-added', 'watchlist-removed', 'watchlist-modified', 'watchlist-listed'],
        matchedWatchlists: ['counterparties'],
      },
      'semiconductor-watch': { changeType: ['added', 'removed', 'modified'], matchedKeywords: ['semiconductor-watch'] },
    });
  });

  it('fails on a bad configuration with one line naming every bad key', async () => {
    const file = join(home, 'bad.json');
    await writeFile(
      file,
      JSON.stringify({
        subscribers: [
          {
            id: 'hook',
            channel: { type: 'webhook', url: 'http://hooks.example.com/in', secret: { secretsManagerSecret: 'x' } },
          },
          { id: 'sms', channel: { type: 'sms', phoneNumber: '555-0100' } },
        ],
      }),
    );
    const result = await tradewatch(['config', '--config', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual([
      'tradewatch: config: subscribers[0].channel.url: must use https; subscribers[1].channel.phoneNumber: must be an E.164 phone number such as +14155550100 (a "+", the country code, then the number, no spaces)',
    ]);
  });

  it('runs the demo with --config, writing each subscriber’s alerts to its outbox file', async () => {
    const file = join(home, 'demo.json');
    await writeFile(
      file,
      JSON.stringify({
        subscribers: [
          {
            id: 'entity-list-cn',
            channel: { type: 'email', address: 'compliance@example.com' },
            filters: { lists: ['Entity List'], countries: ['CN'] },
          },
          {
            id: 'sdn-removals',
            channel: { type: 'sms', phoneNumber: '+14155550100' },
            filters: { sources: ['us-ofac-sdn'], changeTypes: ['removed'] },
          },
        ],
      }),
    );
    const result = await tradewatch(['demo', '--config', file, '--home', home]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'email to entity-list-cn <compliance@example.com>\nTo: compliance@example.com\nSubject: Consolidated Screening List ',
    );
    expect(result.stdout).toMatch(/Lumora Microsystems Co\., Ltd\. \(other; CN, HK\)/);
    expect(result.stdout).toContain('3 alert(s) delivered');
    expect((await readFile(join(home, 'demo', 'outbox', 'sdn-removals.sms.txt'), 'utf8')).trim().split('\n')).toEqual([
      // One line per publication (SMS default): the two SDN versions that each removed one record.
      'OFAC SDN: 1 removed (EP-TST)',
      'OFAC SDN: 1 removed (OCEAN SAMPLE)',
    ]);
    expect(
      (await readFile(join(home, 'demo', 'outbox', 'entity-list-cn.email.txt'), 'utf8')).match(/^Bundle-Id: /gm),
    ).toHaveLength(1);
  });
});
