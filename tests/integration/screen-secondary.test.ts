/**
 * `tradewatch screen --file` with a watchlist carrying birth dates, nationalities and identifiers:
 * the listed records' own (derived from the OFAC legacy CSV's remarks at screening time) move the
 * scores, and the output says how, in words an analyst checks.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tradewatch } from '../helpers/cli.ts';

let dir: string;
let list: string;
let watchlist: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tradewatch-screen-secondary-'));
  list = join(dir, 'sdn.csv');
  watchlist = join(dir, 'watchlist.csv');
  // The OFAC legacy CSV: ent_num, name, type, program, title, call sign, vessel type, tonnage, GRT,
  // flag, owner, remarks; `-0- ` for none; CRLF; a 0x1A at the end.
  await writeFile(
    list,
    [
      '36001,"HOSSEINI, Ali Reza","individual","IRAN",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 12 Jan 1961; nationality Iran; Passport A1234567 (Iran)."',
      '36002,"OCEAN GLORY","vessel","IRAN",-0- ,-0- ,"Crude Oil Tanker",-0- ,-0- ,"Iran",-0- ,"Vessel Registration Identification IMO 9187629."',
      '\u001a',
    ].join('\r\n'),
    'latin1',
  );
  await writeFile(
    watchlist,
    [
      'reference,name,kind,birthDate,nationality,identifiers',
      'C-1,Ali Reza Hosseini,person,1975-03-02,,',
      'C-2,Reza Hosseyni,person,1961-01-12,IR,',
      'C-3,Ocean Glory Star,vessel,,,imo:9187629',
      'C-4,Reza Hosseyni,person,,,',
    ].join('\n'),
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const screen = (threshold: string) =>
  tradewatch(['screen', '--watchlist', watchlist, '--source', 'us-ofac-sdn', '--file', list, '--threshold', threshold]);

describe('tradewatch screen with birth dates, nationalities and identifiers', () => {
  it('reports the equal IMO number and the matching birth date, and not the contradicting one', async () => {
    const result = await screen('0.8');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines.filter((line) => /^\d\.\d{3} {2}/.test(line))).toEqual([
      '0.950  Ocean Glory Star [C-3]  ~  OCEAN GLORY  (us-ofac-sdn 36002, SDN)',
      '0.840  Reza Hosseyni [C-2]  ~  HOSSEINI, Ali Reza  (us-ofac-sdn 36001, SDN, IR)',
    ]);
    expect(result.stdout).toContain(
      'score 0.68; identifier imo:9187629 is the listed "Vessel Registration Identification IMO 9187629.": raised to 0.95; final score 0.95',
    );
    expect(result.stdout).toContain(
      'country agrees (IR): +0.03; score 0.79; nationality agrees (IR); birth date 1961-01-12 matches the listed 12 Jan 1961: +0.05; final score 0.84',
    );
    expect(result.stderr).toBe('2 hit(s): 4 watchlist entries against 2 records at threshold 0.8\n');
  });

  it('shows at a looser threshold why the identical name with another birth year scored below 0.8', async () => {
    const result = await screen('0.7');
    expect(result.stdout).toContain('0.750  Ali Reza Hosseini [C-1]  ~  HOSSEINI, Ali Reza');
    expect(result.stdout).toContain(
      'score 1.00; birth date 1975-03-02 differs from the listed 12 Jan 1961: ×0.75; final score 0.75',
    );
    // The same name as C-2 without a birth date or nationality: the name alone, not raised.
    expect(result.stdout).toMatch(/0\.7\d\d {2}Reza Hosseyni \[C-4\]/);
  });
});
