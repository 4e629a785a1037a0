/**
 * One message per publication on the real big days: OFAC's first Russia package (SDN 2022-02-24 →
 * 2022-02-25) and four years of the UN list (2018-10-29 → 2022-09-15), each one email and one SMS.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { diffFiles } from '../../functions/cli/diff.ts';
import { buildChangeEvent, type ChangeEvent } from '../../functions/core/events.ts';
import {
  PUBLICATION_MAX_BYTES,
  publicationBytes,
  renderPublication,
  type PublicationMessage,
} from '../../functions/delivery/render-publication.ts';
import { findSource } from '../../functions/sources/registry.ts';
import type { RegisterSource } from '../../functions/sources/types.ts';
import { realFixture } from '../real-fixtures.ts';

async function publicationEvents(
  source: RegisterSource,
  before: string,
  after: string,
  time: string,
): Promise<ChangeEvent[]> {
  const diff = await diffFiles(source, realFixture(before), realFixture(after), false);
  return diff.changes.map((change) => buildChangeEvent(source, change, 'base@real', time));
}

describe('the publication message of OFAC SDN 2022-02-25', () => {
  let events: ChangeEvent[];
  let message: PublicationMessage;
  beforeAll(async () => {
    const sdn = findSource('us-ofac-sdn')!;
    events = await publicationEvents(
      sdn,
      'ofac-sdn/sdn.2022-02-24.csv',
      'ofac-sdn/sdn.2022-02-25.csv',
      '2022-02-25T16:30:00.000Z',
    );
    message = renderPublication(events);
  });

  it('holds the 95 changes of the day in one message, every one in full', () => {
    const counts = { added: 0, removed: 0, modified: 0 };
    for (const event of events) counts[event.data.changeType] += 1;
    expect(counts).toEqual({ added: 91, removed: 0, modified: 4 });
    expect(message.subject).toBe('OFAC SDN 2022-02-25: 91 added, 4 changed');
    expect(message.changes).toEqual({ total: 95, inFull: 95, oneLine: 0, leftOut: 0 });
    for (const event of events) expect(message.text).toContain(`${event.data.name} (`);
  });

  it('names the banks of the day and the changed designations with their fields', () => {
    expect(message.text).toContain('VTB BANK PUBLIC JOINT STOCK COMPANY (organization) · record 17013');
    expect(message.text).toContain('  SDN · RUSSIA-EO14024, UKRAINE-EO13662 (');
    expect(message.text).toContain('    name: SECHIN, Igor → SECHIN, Igor Ivanovich');
    expect(message.text.indexOf('ADDED (91)')).toBeLessThan(message.text.indexOf('CHANGED (4)'));
  });

  it('gives SMS one line under 160 characters and stays far under the byte budget', () => {
    expect(message.sms).toMatch(/^OFAC SDN: 91 added \([^)]+, \+89\), 4 changed/);
    // The two banks most of the day's designations are "Linked To" are named, not their subsidiaries.
    expect(message.sms).toMatch(
      /^OFAC SDN: 91 added \((SOVCOMBANK|VTB BANK) (OPEN|PUBLIC) JOINT STOCK COMPANY, (SOVCOMBANK|VTB BANK) (OPEN|PUBLIC) JOINT STOCK COMPANY, \+89\)/,
    );
    expect(message.sms).not.toContain('\n');
    expect(message.sms.length).toBeLessThan(160);
    expect(publicationBytes(message)).toBeLessThan(PUBLICATION_MAX_BYTES);
  });

  it('is the same message whatever order the events come in', () => {
    expect(renderPublication([...events].reverse())).toEqual(message);
  });
});

describe('the publication message of the UN list 2018-10-29 → 2022-09-15', () => {
  it('holds the 857 changes in one message within the budget, saying how many it holds', async () => {
    const un = findSource('un-sc-consolidated')!;
    const events = await publicationEvents(
      un,
      'un/consolidated.2018-10-29.xml',
      'un/consolidated.2022-09-15.xml',
      '2022-09-15T10:00:00.000Z',
    );
    const message = renderPublication(events);
    expect(message.subject).toBe(
      'UN Security Council Consolidated List 2022-09-15: 45 added, 186 removed, 626 changed',
    );
    expect(message.text).toMatch(/^UN Security Council Consolidated List, version of 2022-09-15: 857 changes \(/);
    expect(message.changes).toEqual({ total: 857, inFull: 100, oneLine: 757, leftOut: 0 });
    expect(message.text).toContain('The first 100 changes are shown in full, the other 757 in one line each.');
    expect(message.text).toContain('See all of them: tradewatch events --source un-sc-consolidated');
    expect(message.text.split('\n').filter((line) => line.startsWith('  • '))).toHaveLength(857);
    expect(publicationBytes(message)).toBeLessThan(PUBLICATION_MAX_BYTES);
    expect(message.sms.length).toBeLessThan(160);
    // The removal the most other changes point to is named: it fits where the first in sort order did not.
    expect(message.sms).toMatch(
      /^UN Security Council Consolidated List: 45 added \(.*\), 186 removed \(.*, \+185\), 626 changed$/,
    );
  });
});
