/**
 * One digest for a day on which both big real changes landed: OFAC's first Russia package (SDN
 * 2022-02-24 → 2022-02-25, 95 changes) and four years of the UN list (2018-10-29 → 2022-09-15,
 * 857 changes), one email and one SMS within SNS's limit.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { diffFiles } from '../../functions/cli/diff.ts';
import { buildChangeEvent, type ChangeEvent } from '../../functions/core/events.ts';
import { renderDigest, type SourceCheck } from '../../functions/delivery/render-digest.ts';
import {
  PUBLICATION_MAX_BYTES,
  publicationBytes,
  type PublicationMessage,
} from '../../functions/delivery/render-publication.ts';
import { findSource } from '../../functions/sources/registry.ts';
import type { RegisterSource } from '../../functions/sources/types.ts';
import { realFixture } from '../real-fixtures.ts';

async function changeEvents(
  source: RegisterSource,
  before: string,
  after: string,
  time: string,
): Promise<ChangeEvent[]> {
  const diff = await diffFiles(source, realFixture(before), realFixture(after), false);
  return diff.changes.map((change) => buildChangeEvent(source, change, 'base@real', time));
}

describe('the daily digest of the real SDN 2022-02-25 and UN 2022-09-15 changes together', () => {
  let events: ChangeEvent[];
  let message: PublicationMessage;
  const sdn = findSource('us-ofac-sdn')!;
  const un = findSource('un-sc-consolidated')!;
  const sources: SourceCheck[] = [
    {
      sourceId: sdn.id,
      title: sdn.title,
      status: 'healthy',
      lastSuccessAt: '2022-02-26T07:55:00Z',
      lastChangeAt: '2022-02-25T16:30:00Z',
    },
    {
      sourceId: un.id,
      title: un.title,
      status: 'healthy',
      lastSuccessAt: '2022-02-26T07:50:00Z',
      lastChangeAt: '2022-02-25T10:00:00Z',
    },
  ];
  beforeAll(async () => {
    events = [
      ...(await changeEvents(
        sdn as RegisterSource,
        'ofac-sdn/sdn.2022-02-24.csv',
        'ofac-sdn/sdn.2022-02-25.csv',
        '2022-02-25T16:30:00.000Z',
      )),
      ...(await changeEvents(
        un as RegisterSource,
        'un/consolidated.2018-10-29.xml',
        'un/consolidated.2022-09-15.xml',
        '2022-02-25T10:00:00.000Z',
      )),
    ];
    message = renderDigest({
      every: 'daily',
      timeZone: 'Europe/London',
      period: { from: '2022-02-25T08:00:00.000Z', to: '2022-02-26T08:00:00.000Z' },
      events,
      sources,
    });
  });

  it('holds the 952 changes of both sources in one message within the budget, saying how many', () => {
    expect(events).toHaveLength(952);
    expect(message.subject).toBe('tradewatch daily digest, Sat 26 Feb: 952 changes in 2 sources');
    expect(message.sms).toBe('tradewatch daily: 952 changes (UN 857, OFAC SDN 95)');
    const { total, inFull, oneLine, leftOut } = message.changes;
    expect(total).toBe(952);
    expect(inFull).toBe(100);
    expect(inFull + oneLine + leftOut).toBe(952);
    expect(publicationBytes(message)).toBeLessThanOrEqual(PUBLICATION_MAX_BYTES);
    expect(message.text.split('\n').filter((line) => line.startsWith('  • ')).length).toBe(inFull + oneLine + 2);
  });

  it('writes each source in its own section, the changes shown in full first, both sections listing changes', () => {
    const text = message.text;
    const sdnAt = text.indexOf(
      '== OFAC Specially Designated Nationals and Blocked Persons List (SDN): 95 changes (91 added, 4 changed) ==',
    );
    const unAt = text.indexOf(
      '== UN Security Council Consolidated List: 857 changes (45 added, 186 removed, 626 changed) ==',
    );
    expect(sdnAt).toBeGreaterThan(0);
    expect(unAt).toBeGreaterThan(sdnAt);
    expect(text).toContain('VTB BANK PUBLIC JOINT STOCK COMPANY (organization) · record 17013');
    expect(text).toContain('    name: SECHIN, Igor → SECHIN, Igor Ivanovich');
    // The SDN's 95 are in full; the UN's first 5 too, then one line each.
    expect(text.slice(unAt)).toContain('The first 5 changes are shown in full, the other');
    expect(text).toContain('See all of them: tradewatch events --source un-sc-consolidated');
    expect(text).toContain('Period: from Fri 25 Feb 2022 08:00 GMT to Sat 26 Feb 2022 08:00 GMT (Europe/London).');
    expect(text).toMatch(
      /SOURCES CHECKED \(2\)\n[\s\S]*· 95 changes in this digest\n[\s\S]*· 857 changes in this digest$/,
    );
  });

  it('is the same digest whatever order the events come in', () => {
    expect(
      renderDigest({
        every: 'daily',
        timeZone: 'Europe/London',
        period: { from: '2022-02-25T08:00:00.000Z', to: '2022-02-26T08:00:00.000Z' },
        events: [...events].reverse(),
        sources: [...sources].reverse(),
      }),
    ).toEqual(message);
  });
});
