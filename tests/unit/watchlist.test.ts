import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../functions/core/errors.ts';
import {
  filterPolicyFor,
  loadConfig,
  parseConfig,
  watchlistSubscribersEnv,
  watchlistSubscribersFromEnv,
} from '../../functions/config/config.ts';
import { messageAttributes, type WatchlistHitEvent } from '../../functions/core/events.ts';
import type { RegisterRecord } from '../../functions/core/records.ts';
import { renderSms, renderSubject } from '../../functions/delivery/render.ts';
import {
  WatchlistFormatError,
  parseWatchlistCsv,
  parseWatchlistJson,
  readWatchlistFile,
  streamWatchlistFile,
  watchlistVersion,
  type WatchlistEntry,
} from '../../functions/watchlist/file.ts';
import { WatchlistScreener } from '../../functions/watchlist/screening.ts';
import { decisionKey } from '../../functions/aws/watchlist-store.ts';

function record(id: string, name: string, extra: Partial<RegisterRecord> = {}): RegisterRecord {
  return {
    id,
    source: 'us-trade-csl',
    list: 'Entity List',
    kind: 'organization',
    name,
    aliases: [],
    countries: ['CN'],
    addresses: [],
    programs: [],
    links: [],
    extra: {},
    ...extra,
  };
}

describe('watchlist files', () => {
  it('reads CSV with its columns in any order and case, aliases and countries split, other columns ignored', () => {
    const entries = parseWatchlistCsv(
      '\ufeffRef,Notes,NAME,Aliases,Country,Kind\nC-1,key account,Lumora Microsystems,Lumora MS; LMS Tech,China;HK,Company\nC-2,,"Velan, Oskar",,ru,person\n',
    );
    expect(entries).toEqual([
      {
        key: 'ref:C-1',
        reference: 'C-1',
        name: 'Lumora Microsystems',
        aliases: ['Lumora MS', 'LMS Tech'],
        countries: ['CN', 'HK'],
        kind: 'organization',
        hash: expect.any(String),
      },
      {
        key: 'ref:C-2',
        reference: 'C-2',
        name: 'Velan, Oskar',
        aliases: [],
        countries: ['RU'],
        kind: 'person',
        hash: expect.any(String),
      },
    ]);
  });

  it('gives an entry without reference a key from its name, kind and countries, stable across files', () => {
    const a = parseWatchlistCsv('name,country\nOrion Shipping,GR\n');
    const b = parseWatchlistJson('[{"name": "orion shipping", "countries": ["GR"]}]');
    expect(a[0]!.key).toMatch(/^name:/);
    expect(a[0]!.key).toBe(b[0]!.key);
    expect(a[0]!.hash).not.toBe(b[0]!.hash);
  });

  it('reads JSON as an array, an {entries} object, or plain names', () => {
    expect(
      parseWatchlistJson('{"entries": [{"name": "A Corp", "aliases": "A Co; A Company", "kind": "vessel"}]}')[0],
    ).toMatchObject({ name: 'A Corp', aliases: ['A Co', 'A Company'], kind: 'vessel' });
    expect(parseWatchlistJson('["A Corp", "B Corp"]').map((e) => e.name)).toEqual(['A Corp', 'B Corp']);
  });

  it('names every bad row: empty name, unknown country or kind, a reference used twice', () => {
    const csv =
      'reference,name,country,kind\nX,Good,CN,\nY,,CN,\nZ,Bad Country,Atlantis,\nX,Other,CN,\nW,Bad Kind,CN,spaceship\n';
    const error = (() => {
      try {
        parseWatchlistCsv(csv, 'list.csv');
      } catch (e) {
        return e as WatchlistFormatError;
      }
      throw new Error('no error');
    })();
    expect(error).toBeInstanceOf(WatchlistFormatError);
    expect(error.problems).toEqual([
      'row 3: name is empty',
      'row 4: unknown country "Atlantis" (use ISO 3166-1 alpha-2 codes such as CN, or English names)',
      'row 5: reference "X" is also on row 2',
      'row 6: unknown kind "spaceship" (person, organization, company, vessel, aircraft, or empty)',
    ]);
    expect(error.message).toMatch(/^watchlist list\.csv: row 3: name is empty/);
  });

  it('refuses a file without a name column, an empty file, an unknown extension, broken JSON', async () => {
    expect(() => parseWatchlistCsv('company,country\nA,CN\n', 'a.csv')).toThrow(
      /the header row must name a "name" column/,
    );
    expect(() => parseWatchlistCsv('name\n', 'a.csv')).toThrow(/holds no entries/);
    expect(() => parseWatchlistJson('{"names": []}', 'a.json')).toThrow(/must be a JSON array of entries/);
    expect(() => parseWatchlistJson('[{"name": "A"', 'a.json')).toThrow(/not valid JSON/);
    const dir = await mkdtemp(join(tmpdir(), 'tradewatch-watchlist-file-'));
    try {
      await writeFile(join(dir, 'list.xlsx'), 'x');
      await writeFile(join(dir, 'empty.csv'), '  \n');
      await expect(readWatchlistFile(join(dir, 'list.xlsx'))).rejects.toThrow(/unknown file type ".xlsx"/);
      await expect(readWatchlistFile(join(dir, 'empty.csv'))).rejects.toThrow(/is empty/);
      await expect(readWatchlistFile(join(dir, 'missing.csv'))).rejects.toThrow(/cannot be read \(ENOENT\)/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads a CSV file row by row as it reads it whole, and throws every bad row after the last entry', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tradewatch-watchlist-stream-'));
    const collect = async (path: string): Promise<{ entries: WatchlistEntry[]; error?: unknown }> => {
      const entries: WatchlistEntry[] = [];
      try {
        for await (const entry of streamWatchlistFile(path)) entries.push(entry);
      } catch (error) {
        return { entries, error };
      }
      return { entries };
    };
    try {
      const good = join(dir, 'good.csv');
      await writeFile(
        good,
        '\ufeffRef,Notes,NAME,Aliases,Country,Kind,dob,identifiers\n' +
          'C-1,key account,Lumora Microsystems,Lumora MS; LMS Tech,China;HK,Company,,lei:5493001KJTIIGC8Y1R12\n' +
          'C-2,,"Velan, ""Oskar""",,ru,person,1961-01-12,\n\n' +
          'C-1,key account,Lumora Microsystems,Lumora MS; LMS Tech,China;HK,Company,,lei:5493001KJTIIGC8Y1R12\n',
      );
      const streamed = await collect(good);
      expect(streamed.error).toBeUndefined();
      expect(streamed.entries).toEqual(await readWatchlistFile(good));
      expect(streamed.entries.map((e) => e.name)).toEqual(['Lumora Microsystems', 'Velan, "Oskar"']);
      const bad = join(dir, 'bad.csv');
      await writeFile(bad, 'reference,name,country\nX,Good,CN\nY,,CN\nX,Other,CN\nZ,Fine,DE\n');
      const partial = await collect(bad);
      expect(partial.entries.map((e) => e.name)).toEqual(['Good', 'Fine']);
      expect(partial.error).toBeInstanceOf(WatchlistFormatError);
      expect((partial.error as WatchlistFormatError).problems).toEqual([
        'row 3: name is empty',
        'row 4: reference "X" is also on row 2',
      ]);
      await writeFile(join(dir, 'noname.csv'), 'company,country\nA,CN\n');
      await writeFile(join(dir, 'empty.csv'), '  \n');
      await writeFile(join(dir, 'header.csv'), 'name\n');
      await writeFile(join(dir, 'broken.csv'), 'name,country\n"A Corp,CN\n');
      const failure = async (file: string): Promise<string> =>
        String(((await collect(join(dir, file))).error as Error | undefined)?.message);
      expect(await failure('noname.csv')).toMatch(
        /noname\.csv: the header row must name a "name" column \(found: company,country\)/,
      );
      expect(await failure('empty.csv')).toMatch(/empty\.csv: is empty/);
      expect(await failure('header.csv')).toMatch(/header\.csv: holds no entries/);
      expect(await failure('broken.csv')).toMatch(/broken\.csv: not a readable CSV file/);
      expect(await failure('missing.csv')).toMatch(/missing\.csv: cannot be read \(ENOENT\)/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('versions a watchlist by content, not by row order', () => {
    const a = parseWatchlistCsv('reference,name\n1,A Corp\n2,B Corp\n');
    const b = parseWatchlistCsv('reference,name\n2,B Corp\n1,A Corp\n');
    const c = parseWatchlistCsv('reference,name\n2,B Corp\n1,A Corporation\n');
    expect(watchlistVersion(a)).toBe(watchlistVersion(b));
    expect(watchlistVersion(a)).not.toBe(watchlistVersion(c));
  });
});

describe('WatchlistScreener', () => {
  const entries = parseWatchlistCsv(
    'reference,name,aliases,country,kind\nC-1,Lumora Microsystems,,CN,organization\nC-2,Oskar Velan,,RU,person\nC-3,Sea Lantern,,,vessel\n',
  );

  it('finds each matching entry once, by the best of the record’s names, at the subscriber’s threshold', () => {
    const screener = WatchlistScreener.fromEntries([{ subscriberId: 'acme', entries, threshold: 0.8 }]);
    const [result] = screener.screenRecord(
      record('EL:1', 'LUMORA MICRO-SYSTEMS CO., LTD.', { aliases: ['Lumora Microsystems'] }),
      'us-trade-csl',
      'h1',
    );
    expect(result!.hits).toHaveLength(1);
    expect(result!.hits[0]).toMatchObject({
      entryKey: 'ref:C-1',
      reference: 'C-1',
      recordName: 'Lumora Microsystems',
      score: 1,
    });
    expect(screener.screenRecord(record('EL:2', 'Harbor Logistics'), 'us-trade-csl', 'h2')).toEqual([]);
  });

  it('lists at most 25 entries in one hit, and counts the rest', () => {
    const many = parseWatchlistCsv(
      ['reference,name', ...Array.from({ length: 30 }, (_, i) => `R-${i},Orion Shipping`)].join('\n'),
    );
    const [result] = WatchlistScreener.fromEntries([{ subscriberId: 'acme', entries: many }]).screenRecord(
      record('X:1', 'ORION SHIPPING'),
      'x',
      'h',
    );
    expect(result!.hits).toHaveLength(25);
    expect(result!.moreHits).toBe(5);
  });

  it('never matches a person entry with a vessel of the same name', () => {
    const screener = WatchlistScreener.fromEntries([
      { subscriberId: 'acme', entries: parseWatchlistCsv('name,kind\nSea Lantern,person\n') },
    ]);
    expect(screener.screenRecord(record('SDN:3', 'SEA LANTERN', { kind: 'vessel' }), 'us-ofac-sdn', 'h')).toEqual([]);
  });

  it('applies each subscriber’s own threshold', () => {
    const screener = WatchlistScreener.fromEntries([
      { subscriberId: 'loose', entries, threshold: 0.8 },
      { subscriberId: 'strict', entries, threshold: 0.99 },
    ]);
    const results = screener.screenRecord(
      record('SDN:9', 'VELAN, Oskar Dmitrievich', { kind: 'person', countries: ['RU'] }),
      'us-ofac-sdn',
      'h',
    );
    expect(results.map((r) => r.subscriberId)).toEqual(['loose']);
  });

  it('leaves out a hit marked not a match while the record keeps its content hash', () => {
    const decisions = new Map([
      [
        decisionKey('us-trade-csl', 'EL:1', 'ref:C-1'),
        {
          sourceId: 'us-trade-csl',
          recordId: 'EL:1',
          entryKey: 'ref:C-1',
          decision: 'not-a-match' as const,
          recordHash: 'h1',
          by: 'jane',
          at: '2026-11-01T00:00:00Z',
          reason: 'other firm',
        },
      ],
    ]);
    const screener = WatchlistScreener.fromEntries([{ subscriberId: 'acme', entries, decisions }]);
    const lumora = record('EL:1', 'Lumora Microsystems Co., Ltd.');
    expect(screener.screenRecord(lumora, 'us-trade-csl', 'h1')).toEqual([
      { subscriberId: 'acme', threshold: 0.8, hits: [], suppressed: 1 },
    ]);
    expect(screener.screenRecord(lumora, 'us-trade-csl', 'h2')[0]!.hits).toHaveLength(1);
  });
});

describe('watchlist subscribers in the configuration', () => {
  it('subscribes a watchlist subscriber to its own hits, with its other filters', () => {
    const config = parseConfig({
      subscribers: [
        {
          id: 'acme',
          channel: { type: 'email', address: 'a@example.com' },
          filters: { sources: ['us-trade-csl'], changeTypes: ['added', 'removed'], includeHealth: true },
          watchlist: { threshold: 0.9 },
        },
      ],
    });
    expect(filterPolicyFor(config.subscribers[0]!)).toEqual({
      source: ['us-trade-csl'],
      $or: [
        { changeType: ['watchlist-added', 'watchlist-removed', 'watchlist-listed'], matchedWatchlists: ['acme'] },
        { changeType: ['health'] },
      ],
    });
    expect(watchlistSubscribersFromEnv(watchlistSubscribersEnv(config))).toEqual([{ id: 'acme', threshold: 0.9 }]);
  });

  it('refuses keywords beside a watchlist, both file and entries, and a threshold out of range', () => {
    const bad = () =>
      parseConfig({
        subscribers: [
          {
            id: 'a',
            channel: { type: 'email', address: 'a@example.com' },
            filters: { keywords: ['chips'] },
            watchlist: {},
          },
          {
            id: 'b',
            channel: { type: 'email', address: 'b@example.com' },
            watchlist: { file: 'a.csv', entries: [{ name: 'X' }] },
          },
          { id: 'c', channel: { type: 'email', address: 'c@example.com' }, watchlist: { threshold: 0.2 } },
        ],
      });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/subscribers\[0\]\.filters\.keywords: a subscriber with a watchlist receives its hits/);
    expect(bad).toThrow(/subscribers\[1\]\.watchlist: give file or entries, not both/);
    expect(bad).toThrow(/subscribers\[2\]\.watchlist\.threshold: must be at least 0\.5/);
  });

  it('reads a watchlist file relative to the configuration file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tradewatch-watchlist-config-'));
    try {
      await writeFile(
        join(dir, 'tradewatch.config.json'),
        JSON.stringify({
          subscribers: [
            { id: 'acme', channel: { type: 'email', address: 'a@example.com' }, watchlist: { file: 'lists/acme.csv' } },
          ],
        }),
      );
      expect(loadConfig(join(dir, 'tradewatch.config.json')).subscribers[0]!.watchlist!.file).toBe(
        join(dir, 'lists', 'acme.csv'),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('hit events', () => {
  const hit: WatchlistHitEvent = {
    specversion: '1.0',
    id: 'e1',
    source: 'tradewatch/us-trade-csl',
    type: 'tradewatch.watchlist.hit',
    subject: 'acme/EL:1',
    time: '2026-11-01T00:00:00.000Z',
    datacontenttype: 'application/json',
    data: {
      sourceId: 'us-trade-csl',
      sourceTitle: 'Consolidated Screening List',
      subscriberId: 'acme',
      hitType: 'removed',
      threshold: 0.8,
      recordId: 'EL:1',
      name: 'LUMORA MICROSYSTEMS CO., LTD.',
      list: 'Entity List',
      record: record('EL:1', 'LUMORA MICROSYSTEMS CO., LTD.', { programs: ['EAR'] }),
      previous: null,
      fields: [],
      sourceUrl: 'https://example.org',
      recordHash: 'h1',
      hits: [
        {
          entryKey: 'ref:C-1',
          reference: 'C-1',
          entry: { name: 'Lumora Microsystems', aliases: [], countries: ['CN'] },
          entryName: 'Lumora Microsystems',
          recordName: 'LUMORA MICROSYSTEMS CO., LTD.',
          score: 0.97,
          explanation: ['lumora ~ lumora: same 1.00'],
        },
      ],
    },
  };

  it('carry the subscriber in matchedWatchlists as a plain String and a changeType no ordinary policy asks for', () => {
    const attributes = messageAttributes(hit);
    expect(attributes.matchedWatchlists).toEqual({ DataType: 'String', StringValue: 'acme' });
    expect(attributes.changeType).toEqual({ DataType: 'String', StringValue: 'watchlist-removed' });
    expect(attributes).not.toHaveProperty('matchedKeywords');
    expect(Object.keys(attributes).length).toBeLessThanOrEqual(10);
  });

  it('render a subject and an SMS line that name the counterparty and what happened', () => {
    expect(renderSubject(hit)).toBe('[tradewatch] Hit C-1: LUMORA MICROSYSTEMS CO., LTD. DELISTED from Entity List');
    expect(renderSms(hit)).toBe(
      'tradewatch hit: Lumora Microsystems (C-1) ~ LUMORA MICROSYSTEMS CO., LTD. 0.97 DELISTED from Entity List',
    );
  });
});
