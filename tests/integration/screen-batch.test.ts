/**
 * `tradewatch screen` screens in batches (the pipeline's screenRecords): the hits, their scores,
 * explanations and order must be exactly those of screening record by record (screenRecord, what the
 * command did before), against a file and against the stored records; and the progress line shows on
 * a terminal only.
 *
 * The list is made here, in the UN consolidated list's format: 1,300 invented parties, so the
 * screening crosses the 1,000 records of one index. The watchlist holds re-spellings of some of them
 * (typos, other word order, a dropped name, Cyrillic and Arabic script), 30 spellings of one party (more
 * than one hit event lists), and invented customers that are not listed.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSource } from '../../functions/sources/registry.ts';
import type { RegisterSource } from '../../functions/sources/types.ts';
import { MAX_HITS_PER_EVENT } from '../../functions/watchlist/screening.ts';
import type { ScreenRow } from '../../functions/cli/screen.ts';
import { PROJECT_ROOT, tradewatch } from '../helpers/cli.ts';
import { screenRecordByRecord } from '../helpers/screen-record-by-record.ts';

const RECORDS = 1300;
const SOURCE = 'un-sc-consolidated';
const SYLLABLES: readonly (readonly [latin: string, cyrillic: string, arabic: string])[] = [
  ['ka', 'ка', 'كا'],
  ['lo', 'ло', 'لو'],
  ['mi', 'ми', 'مي'],
  ['ren', 'рен', 'رن'],
  ['sto', 'сто', 'ستو'],
  ['vu', 'ву', 'فو'],
  ['zan', 'зан', 'زان'],
  ['pel', 'пел', 'بل'],
  ['dor', 'дор', 'دور'],
  ['ti', 'ти', 'تي'],
  ['bak', 'бак', 'باك'],
  ['tem', 'тем', 'تم'],
  ['nor', 'нор', 'نور'],
  ['fi', 'фи', 'في'],
  ['gal', 'гал', 'غال'],
];
const COUNTRIES = ['Germany', 'Russian Federation', 'Iraq', 'Syrian Arab Republic', 'Libya', 'Turkey'];
const CODES = ['DE', 'RU', 'IQ', 'SY', 'LY', 'TR'];

/** A word of two or three syllables in each script, from a number. */
function word(n: number): { latin: string; cyrillic: string; arabic: string } {
  const parts = [SYLLABLES[n % 15]!, SYLLABLES[Math.floor(n / 15) % 15]!];
  if (n % 4 === 0) parts.push(SYLLABLES[Math.floor(n / 225) % 15]!);
  return {
    latin: parts.map((p) => p[0]).join(''),
    cyrillic: parts.map((p) => p[1]).join(''),
    arabic: parts.map((p) => p[2]).join(''),
  };
}

const title = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

interface Party {
  id: number;
  person: boolean;
  words: ReturnType<typeof word>[];
  country: number;
}

/** The i-th listed party: two persons for each entity, names spread over the syllables. */
function party(i: number): Party {
  const person = i % 3 !== 2;
  const count = person ? 3 : 2;
  const words = Array.from({ length: count }, (_, k) => word((i * 7 + k * 131 + i * k * 17) % 3375));
  return { id: 9_800_000 + i, person, words, country: i % COUNTRIES.length };
}

function unXml(parties: readonly Party[]): string {
  const upper = (p: Party) => p.words.map((w) => w.latin.toUpperCase());
  const individuals = parties
    .filter((p) => p.person)
    .map((p) => {
      const [first, second, third] = upper(p);
      return `    <INDIVIDUAL>
      <DATAID>${p.id}</DATAID><VERSIONNUM>1</VERSIONNUM>
      <FIRST_NAME>${first}</FIRST_NAME><SECOND_NAME>${second}</SECOND_NAME><THIRD_NAME>${third}</THIRD_NAME>
      <UN_LIST_TYPE>DPRK</UN_LIST_TYPE><REFERENCE_NUMBER>KPi.${p.id}</REFERENCE_NUMBER><LISTED_ON>2020-01-02</LISTED_ON>
      <NAME_ORIGINAL_SCRIPT>${p.words.map((w) => title(w.cyrillic)).join(' ')}</NAME_ORIGINAL_SCRIPT>
      <COMMENTS1>Invented for tests.</COMMENTS1>
      <NATIONALITY><VALUE>${COUNTRIES[p.country]}</VALUE></NATIONALITY>
      <LIST_TYPE><VALUE>UN List</VALUE></LIST_TYPE>
      <INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>${title(p.words[0]!.latin)} ${title(p.words[2]!.latin)}</ALIAS_NAME></INDIVIDUAL_ALIAS>
      <INDIVIDUAL_ADDRESS/><SORT_KEY/><SORT_KEY_LAST_MOD/>
    </INDIVIDUAL>`;
    });
  const entities = parties
    .filter((p) => !p.person)
    .map(
      (p) => `    <ENTITY>
      <DATAID>${p.id}</DATAID><VERSIONNUM>1</VERSIONNUM>
      <FIRST_NAME>${upper(p).join(' ')} TRADING COMPANY</FIRST_NAME>
      <UN_LIST_TYPE>DPRK</UN_LIST_TYPE><REFERENCE_NUMBER>KPe.${p.id}</REFERENCE_NUMBER><LISTED_ON>2020-01-02</LISTED_ON>
      <COMMENTS1>Invented for tests.</COMMENTS1>
      <LIST_TYPE><VALUE>UN List</VALUE></LIST_TYPE>
      <ENTITY_ALIAS><QUALITY>a.k.a.</QUALITY><ALIAS_NAME>${upper(p).join('')} CO</ALIAS_NAME></ENTITY_ALIAS>
      <ENTITY_ADDRESS><CITY>Somewhere</CITY><COUNTRY>${COUNTRIES[p.country]}</COUNTRY></ENTITY_ADDRESS>
      <SORT_KEY/><SORT_KEY_LAST_MOD/>
    </ENTITY>`,
    );
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<CONSOLIDATED_LIST dateGenerated="2026-03-02T00:00:07.412Z">
  <INDIVIDUALS>
${individuals.join('\n')}
  </INDIVIDUALS>
  <ENTITIES>
${entities.join('\n')}
  </ENTITIES>
</CONSOLIDATED_LIST>
`;
}

/** A letter changed in the middle of a word (a typo). */
const typo = (s: string) => `${s.slice(0, 2)}${s[2] === 'e' ? 'a' : 'e'}${s.slice(3)}`;

function watchlistCsv(parties: readonly Party[]): string {
  const rows: string[] = [];
  const add = (name: string, kind: string, country = '', aliases = '') =>
    rows.push([`W-${rows.length}`, `"${name}"`, `"${aliases}"`, country, kind].join(','));
  for (let i = 0; i < parties.length; i += 9) {
    const p = parties[i]!;
    const latin = p.words.map((w) => title(w.latin));
    const code = CODES[p.country]!;
    if (!p.person) {
      add(`${latin.join(' ')} Trading Co`, 'organization', i % 2 ? code : '');
      continue;
    }
    switch ((i / 9) % 5) {
      case 0:
        add(`${latin[2]}, ${latin[0]} ${latin[1]}`, 'person', code);
        break;
      case 1:
        add(`${latin[0]} ${typo(latin[2]!)}`, 'person', '', `${latin[1]} ${latin[0]}`);
        break;
      case 2:
        add(p.words.map((w) => title(w.cyrillic)).join(' '), 'person', code);
        break;
      case 3:
        add(`${p.words[0]!.arabic} ${p.words[2]!.arabic}`, 'person');
        break;
      default:
        add(`${typo(latin[0]!)} ${latin[1]} ${latin[2]}`, '', code);
    }
  }
  const many = parties[1_201]!.words.map((w) => title(w.latin));
  for (let k = 0; k < MAX_HITS_PER_EVENT + 5; k++)
    add(k % 2 ? `${many[0]} ${many[1]} ${many[2]}` : `${many[2]} ${many[0]}`, 'person', CODES[k % CODES.length]);
  for (let k = 0; k < 150; k++) {
    const [a, b] = [word(k * 37 + 5), word(k * 53 + 11)];
    if (k % 3 === 0) add(`${a.arabic} ${b.arabic}`, 'person');
    else if (k % 3 === 1) add(`${title(a.cyrillic)} ${title(b.cyrillic)}`, 'person', 'RU');
    else add(`${title(a.latin)} ${title(b.latin)} GmbH`, 'organization', 'DE');
  }
  return `reference,name,aliases,country,kind\n${rows.join('\n')}\n`;
}

interface ScreenJson {
  entries: number;
  recordsScreened: number;
  threshold: number;
  hits: ScreenRow[];
}

/** The command on a pseudo-terminal (util-linux `script`): stdout and stderr both on it. */
function onTerminal(args: string[], env: Record<string, string>): Promise<string> {
  const command = [process.execPath, join(PROJECT_ROOT, 'bin', 'tradewatch.js'), ...args]
    .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
    .join(' ');
  return new Promise((resolve, reject) => {
    execFile(
      'script',
      ['--quiet', '--return', '--command', command, '/dev/null'],
      { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout) => (error ? reject(error) : resolve(stdout)),
    );
  });
}

describe('tradewatch screen in batches', () => {
  const source = findSource(SOURCE) as RegisterSource;
  let home: string;
  let list: string;
  let watchlist: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'tradewatch-screen-batch-'));
    list = join(home, 'consolidated.xml');
    watchlist = join(home, 'customers.csv');
    const parties = Array.from({ length: RECORDS }, (_, i) => party(i));
    await writeFile(list, unXml(parties));
    await writeFile(watchlist, watchlistCsv(parties));
    env = { TRADEWATCH_HOME: home };
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it.each([0.8, 0.7])('finds in a file what screening record by record finds, at threshold %s', async (threshold) => {
    const expected = await screenRecordByRecord(source, list, watchlist, threshold);
    // The cases are worth comparing: hits on both sides of the index's 1,000 records, and a
    // record matched by more entries than one hit event lists.
    const positions = new Set(expected.rows.map((r) => Number(r.recordId.replace(/\D/g, '')) - 9_800_000));
    expect([...positions].some((p) => p < 1000) && [...positions].some((p) => p >= 1000)).toBe(true);
    const perRecord = new Map<string, number>();
    for (const row of expected.rows) perRecord.set(row.recordId, (perRecord.get(row.recordId) ?? 0) + 1);
    expect(Math.max(...perRecord.values())).toBe(MAX_HITS_PER_EVENT);
    expect(expected.rows.length).toBeGreaterThan(100);

    const args = [
      'screen',
      '--watchlist',
      watchlist,
      '--source',
      SOURCE,
      '--file',
      list,
      '--threshold',
      `${threshold}`,
    ];
    const result = await tradewatch([...args, '--json']);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as ScreenJson;
    expect(parsed.entries).toBe(expected.entries);
    expect(parsed.recordsScreened).toBe(RECORDS);
    expect(parsed.hits).toEqual(expected.rows);
    // No progress line when stderr is not a terminal.
    expect(result.stderr).toBe('');
    const text = await tradewatch(args);
    expect(text.stdout.split('\n').filter((line) => /^\d\.\d{3} {2}/.test(line))).toHaveLength(expected.rows.length);
    expect(text.stderr).toBe(
      `${expected.rows.length} hit(s): ${expected.entries} watchlist entries against ${RECORDS} records at threshold ${threshold}\n`,
    );
  });

  it('finds in the stored records what screening the file record by record finds', async () => {
    const replayed = await tradewatch(['replay', '--source', SOURCE, list], env);
    expect(replayed.code).toBe(0);
    const expected = await screenRecordByRecord(source, list, watchlist, 0.8);
    const result = await tradewatch(['screen', '--watchlist', watchlist, '--source', SOURCE, '--json'], env);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as ScreenJson;
    expect(parsed.recordsScreened).toBe(RECORDS);
    expect(parsed.hits).toEqual(expected.rows);
  });

  it('shows which records it screens and how many watchlist names it looked up, on a terminal only', async () => {
    const shown = await onTerminal(
      ['screen', '--watchlist', watchlist, '--source', SOURCE, '--file', list, '--json'],
      {},
    );
    const names = /of ([\d,]+) watchlist names…/.exec(shown)?.[1];
    expect(names).toBeDefined();
    expect(shown).toContain(`\rscreen: ${SOURCE}, records 1–1,000: 0 of ${names} watchlist names…`);
    expect(shown).toContain(`\rscreen: ${SOURCE}, records 1–1,000: ${names} of ${names} watchlist names…`);
    expect(shown).toContain(`\rscreen: ${SOURCE}, records 1,001–1,300: 0 of ${names} watchlist names…`);
    expect(shown).toContain(`\rscreen: ${SOURCE}, records 1,001–1,300: ${names} of ${names} watchlist names…`);
    // The line is cleared before the results, which follow as they do in a pipe.
    const cleared = shown.lastIndexOf('\r\u001b[K');
    expect(cleared).toBeGreaterThan(shown.lastIndexOf('watchlist names…'));
    const json = JSON.parse(shown.slice(shown.indexOf('{')).replace(/\r\n/g, '\n')) as ScreenJson;
    expect(json.recordsScreened).toBe(RECORDS);
  });
});
