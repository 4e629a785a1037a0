/**
 * One message per publication: the changes of one version grouped for a person to read, the same
 * whatever order the events come in, bounded in bytes, and clean of whatever a register wrote.
 */
import { describe, expect, it } from 'vitest';
import { DeliveryError } from '../../functions/core/errors.ts';
import {
  EVENT_TYPES,
  type ChangeEvent,
  type TradewatchEvent,
  type WatchlistHitEvent,
} from '../../functions/core/events.ts';
import type { RegisterRecord } from '../../functions/core/records.ts';
import {
  PUBLICATION_MAX_BYTES,
  publicationBytes,
  renderPublication,
} from '../../functions/delivery/render-publication.ts';
import { changeEvent, healthEvent, registerRecord } from '../helpers/change-events.ts';

// eslint-disable-next-line no-control-regex
const TERMINAL_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const sdn = (id: string, name: string, fields: Partial<RegisterRecord> = {}): RegisterRecord =>
  registerRecord({ id, source: 'us-ofac-sdn', list: 'SDN', name, programs: ['RUSSIA-EO14024'], ...fields });

/** A day of SDN changes: two lists, two programs, every change type. */
function dayOfChanges(): ChangeEvent[] {
  const before = sdn('300', 'SECHIN, Igor', { kind: 'person', programs: ['UKRAINE-EO13661'] });
  const after = sdn('300', 'SECHIN, Igor Ivanovich', {
    kind: 'person',
    programs: ['RUSSIA-EO14024', 'UKRAINE-EO13661'],
  });
  const modified = changeEvent('modified', before, after);
  modified.data.fields = [
    { field: 'name', old: 'SECHIN, Igor', new: 'SECHIN, Igor Ivanovich' },
    { field: 'programs', old: ['UKRAINE-EO13661'], new: after.programs, added: ['RUSSIA-EO14024'], removed: [] },
  ];
  return [
    changeEvent('added', sdn('100', 'VTB BANK', { countries: ['RU'], aliases: ['BANK VTB PAO'] })),
    changeEvent('added', sdn('101', 'SOVCOMBANK', { countries: ['RU'] })),
    changeEvent('added', sdn('102', 'BELINVESTBANK', { countries: ['BY'], programs: ['BELARUS-EO14038'] })),
    changeEvent('added', sdn('103', 'ABC SHIPPING', { list: 'Non-SDN', kind: 'vessel' })),
    changeEvent('removed', sdn('200', 'OLD TRADING LLC', { countries: ['AE'] })),
    modified,
  ];
}

function hitOn(event: ChangeEvent, subscriberId: string, entryName: string): WatchlistHitEvent {
  return {
    ...event,
    id: `hit-${event.id}`,
    type: EVENT_TYPES.watchlistHit,
    data: {
      ...event.data,
      subscriberId,
      hitType: event.data.changeType,
      threshold: 0.9,
      recordHash: 'h',
      changeEventId: event.id,
      hits: [
        {
          entryKey: 'ref:C-1',
          reference: 'C-1',
          entry: { name: entryName, aliases: [], countries: ['RU'] },
          entryName,
          recordName: event.data.name,
          score: 0.97,
          explanation: [],
        },
      ],
    },
  };
}

/** The position of each needle in the text, to assert order. */
const positions = (text: string, needles: string[]): number[] => needles.map((n) => text.indexOf(n));
const isIncreasing = (values: number[]): boolean => values.every((v, i) => v >= 0 && (i === 0 || v > values[i - 1]!));

describe('renderPublication', () => {
  it('says what happened in the subject: the source, the date and the counts by change type', () => {
    const message = renderPublication(dayOfChanges());
    expect(message.subject).toBe('OFAC SDN 2026-03-05: 4 added, 1 removed, 1 changed');
    expect(renderPublication(dayOfChanges(), { date: '2022-02-25', sourceName: 'SDN' }).subject).toBe(
      'SDN 2022-02-25: 4 added, 1 removed, 1 changed',
    );
    const addedOnly = renderPublication(dayOfChanges().filter((e) => e.data.changeType === 'added'));
    expect(addedOnly.subject).toBe('OFAC SDN 2026-03-05: 4 added');
  });

  it('groups the changes by type, then list, then program, each record with its kind, countries and id', () => {
    const { text, changes } = renderPublication(dayOfChanges());
    expect(changes).toEqual({ total: 6, inFull: 6, oneLine: 0, leftOut: 0 });
    expect(
      isIncreasing(
        positions(text, [
          'ADDED (4)',
          '  Non-SDN · RUSSIA-EO14024 (1)',
          'ABC SHIPPING (vessel) · record 103',
          '  SDN · BELARUS-EO14038 (1)',
          'BELINVESTBANK (organization; BY) · record 102',
          '  SDN · RUSSIA-EO14024 (2)',
          'SOVCOMBANK (organization; RU) · record 101',
          'VTB BANK (organization; RU) · record 100',
          '    a.k.a. BANK VTB PAO',
          'REMOVED (1)',
          'OLD TRADING LLC (organization; AE) · record 200',
          'CHANGED (1)',
          '  SDN · RUSSIA-EO14024, UKRAINE-EO13661 (1)',
          'SECHIN, Igor Ivanovich (person) · record 300',
          '    name: SECHIN, Igor → SECHIN, Igor Ivanovich',
          '    programs: + RUSSIA-EO14024',
        ]),
      ),
    ).toBe(true);
    expect(text).not.toContain('did not fit');
  });

  it('gives the same message for the same events in any order', () => {
    const events: TradewatchEvent[] = dayOfChanges();
    events.push(hitOn(events[0] as ChangeEvent, 'acme', 'VTB'));
    const expected = renderPublication(events);
    for (let seed = 1; seed <= 20; seed++) {
      const shuffled = [...events].sort((a, b) => hash(a.id, seed) - hash(b.id, seed));
      expect(renderPublication(shuffled)).toEqual(expected);
    }
  });

  it('keeps the early warning and the watchlist hit with the change they concern', () => {
    const events = dayOfChanges();
    const vtb = events[0]!;
    vtb.data.earlyWarning = {
      recordId: '100',
      sourceId: 'us-federal-register',
      eventId: 'ew1',
      documentNumber: '2022-04300',
      action: 'add',
      announcedAt: '2022-02-24T20:00:00.000Z',
      name: 'VTB BANK',
    };
    const { text } = renderPublication([...events, hitOn(vtb, 'acme', 'VTB Bank PJSC')]);
    expect(
      isIncreasing(
        positions(text, [
          'VTB BANK (organization; RU) · record 100',
          '    Announced earlier: Federal Register 2022-04300 (add), 2022-02-24T20:00:00.000Z',
          '    Watchlist hit for acme: VTB Bank PJSC [C-1] — score 0.97',
          'REMOVED (1)',
        ]),
      ),
    ).toBe(true);
    // The hit is context of its change, not a change of its own.
    expect(renderPublication([...events, hitOn(vtb, 'acme', 'VTB')]).changes.total).toBe(6);
  });

  it('shows a hit whose change the filters left out as a change of its own, a screening hit apart', () => {
    const [vtb, sovcom] = dayOfChanges();
    const screening = hitOn(sovcom!, 'acme', 'Sovcombank');
    screening.data.hitType = 'listed';
    const message = renderPublication([hitOn(vtb!, 'acme', 'VTB'), screening]);
    expect(message.subject).toBe('OFAC SDN 2026-03-05: 1 added, 1 on your watchlist');
    expect(
      isIncreasing(
        positions(message.text, [
          'ADDED (1)',
          'VTB BANK (organization; RU) · record 100',
          '    Watchlist hit for acme: VTB [C-1] — score 0.97',
          'ON YOUR WATCHLIST (1)',
          'SOVCOMBANK (organization; RU) · record 101',
          '    Watchlist hit for acme: Sovcombank [C-1] — score 0.97',
        ]),
      ),
    ).toBe(true);
  });

  it('leaves out health events and refuses the events of two sources in one message', () => {
    const events = dayOfChanges();
    expect(renderPublication([...events, healthEvent('us-ofac-sdn')])).toEqual(renderPublication(events));
    const uk = changeEvent('added', registerRecord({ id: 'UK1', source: 'uk-sanctions-list', list: 'UK', name: 'X' }));
    expect(() => renderPublication([...events, uk])).toThrow(DeliveryError);
    expect(() => renderPublication([healthEvent('us-ofac-sdn')])).toThrow(/no change event/);
  });

  it('gives SMS one line under 160 characters, naming organizations first, the one with more aliases before the rest', () => {
    const { sms } = renderPublication(dayOfChanges());
    expect(sms).toBe(
      'OFAC SDN: 4 added (VTB BANK, BELINVESTBANK, +2), 1 removed (OLD TRADING LLC), 1 changed (SECHIN, Igor Ivanovich)',
    );
    const many = Array.from({ length: 91 }, (_, i) =>
      changeEvent('added', sdn(String(1000 + i), `COMPANY NUMBER ${i} OF A LONG NAME`)),
    );
    const line = renderPublication(many).sms;
    expect(line).not.toContain('\n');
    expect(line.length).toBeLessThan(160);
    expect(line).toMatch(
      /^OFAC SDN: 91 added \(COMPANY NUMBER 0 OF A LONG NAME, COMPANY NUMBER 1 OF A LONG NAME, \+89\)$/,
    );
  });

  describe('the names an SMS gives', () => {
    /** What the SMS's first parentheses hold: the added records it names, and how many more. */
    const named = (events: TradewatchEvent[]): string => /\(([^)]*)\)/.exec(renderPublication(events).sms)![1]!;
    const linkedTo = (id: string, name: string, parent: string, fields: Partial<RegisterRecord> = {}) =>
      changeEvent('added', sdn(id, name, { remarks: `Tax ID No. ${id}; Linked To: ${parent}.`, ...fields }));

    it('names first the records the other changes of the day point to, even a person', () => {
      const events = [
        changeEvent('added', sdn('1', 'ALPHA TRADING', { aliases: ['A1', 'A2', 'A3'], programs: ['P1', 'P2'] })),
        changeEvent('added', sdn('2', 'PETROV, Ivan Ivanovich', { kind: 'person' })),
        changeEvent('added', sdn('3', 'ZETA BANK PJSC')),
        linkedTo('4', 'BETA LLC', 'PETROV, Ivan Ivanovich'),
        linkedTo('5', 'GAMMA LLC', 'petrov, ivan  ivanovich'),
        linkedTo('6', 'DELTA LLC', 'PETROV, Ivan Ivanovich'),
        linkedTo('7', 'EPSILON LLC', 'ZETA BANK PJSC'),
      ];
      expect(named(events)).toBe('PETROV, Ivan Ivanovich, ZETA BANK PJSC, +5');
    });

    it('counts whole names only: not a name inside a longer word, not a name too short to be specific', () => {
      const events = [
        changeEvent('added', sdn('1', 'ALPHA TRADING', { aliases: ['A1'] })),
        changeEvent('added', sdn('2', 'ROSNEFT')),
        changeEvent('added', sdn('3', 'OMEGA')),
        linkedTo('4', 'BETA LLC', 'ROSNEFTEGAZ'),
        linkedTo('5', 'GAMMA LLC', 'OMEGA'),
        linkedTo('6', 'DELTA LLC', 'OMEGA'),
      ];
      // Neither ROSNEFT nor OMEGA counts as referenced: the alias decides, then the message's order.
      expect(named(events)).toBe('ALPHA TRADING, BETA LLC, +4');
    });

    it('names organizations before vessels and people, then the one under more programs, then with more aliases', () => {
      const events = [
        changeEvent('added', sdn('1', 'AARON, Abel', { kind: 'person', aliases: ['X', 'Y', 'Z'] })),
        changeEvent('added', sdn('2', 'ABLE SHIP', { kind: 'vessel', programs: ['P1', 'P2', 'P3'] })),
        changeEvent('added', sdn('3', 'BRAVO CO', { aliases: ['B'] })),
        changeEvent('added', sdn('4', 'CHARLIE CO', { programs: ['P1', 'P2'] })),
        changeEvent('added', sdn('5', 'DELTA CO', { aliases: ['D1', 'D2'] })),
      ];
      expect(named(events)).toBe('CHARLIE CO, DELTA CO, +3');
      expect(named(events.filter((e) => e.data.record!.kind !== 'organization'))).toBe('ABLE SHIP, AARON, Abel');
    });

    it("names the subscriber's watchlist hit before anything else", () => {
      const events: TradewatchEvent[] = [
        changeEvent('added', sdn('1', 'PARENT HOLDING')),
        linkedTo('2', 'CHILD ONE LLC', 'PARENT HOLDING'),
        linkedTo('3', 'CHILD TWO LLC', 'PARENT HOLDING'),
        changeEvent('added', sdn('4', 'QUIET, Person', { kind: 'person' })),
      ];
      events.push(hitOn(events[3] as ChangeEvent, 'acme', 'Quiet P'));
      expect(named(events)).toBe('QUIET, Person, PARENT HOLDING, +2');
    });
  });

  it('cuts the SMS between whole characters', () => {
    const flags = '🇷🇺'.repeat(100);
    const { sms, subject } = renderPublication(dayOfChanges(), { sourceName: flags });
    // 39 flags of 4 code units and the ellipsis: a 40th flag would take the line past 159.
    expect(sms).toBe(`${'🇷🇺'.repeat(39)}…`);
    expect(subject).toBe(`${'🇷🇺'.repeat(24)}…`);
    expect(sms).not.toMatch(LONE_SURROGATE);
  });

  it('stays within its byte budget on a version of thousands of changes, saying what it left out', () => {
    const remarks = 'r'.repeat(2000);
    const events = Array.from({ length: 5000 }, (_, i) => {
      const old = sdn(String(10000 + i), `ENTITY ${i}`, { remarks, aliases: ['A', 'B', 'C', 'D'] });
      if (i % 3 === 0) return changeEvent('added', old);
      if (i % 3 === 1) return changeEvent('removed', old);
      const event = changeEvent('modified', old, { ...old, name: `ENTITY ${i} NEW` });
      event.data.fields.push({ field: 'remarks', old: remarks, new: `${remarks}x` });
      return event;
    });
    const message = renderPublication(events);
    const { inFull, oneLine, leftOut, total } = message.changes;
    expect(total).toBe(5000);
    expect(inFull).toBe(100);
    expect(oneLine).toBeGreaterThan(0);
    expect(leftOut).toBeGreaterThan(0);
    expect(inFull + oneLine + leftOut).toBe(5000);
    expect(publicationBytes(message)).toBeLessThanOrEqual(PUBLICATION_MAX_BYTES);
    expect(publicationBytes(message)).toBeGreaterThan(PUBLICATION_MAX_BYTES - 4096);
    expect(message.text.split('\n').filter((l) => l.startsWith('  • '))).toHaveLength(inFull + oneLine);
    expect(message.text).toContain(`The first 100 changes are shown in full, the other ${oneLine} in one line each.`);
    expect(message.text).toMatch(
      new RegExp(`\\n${leftOut} more changes did not fit in this message \\(\\d+ (added|removed|changed)`),
    );
    expect(message.text).toContain('See all of them: tradewatch events --source us-ofac-sdn');
    // A long value is cut, not carried whole.
    expect(message.text).not.toContain(remarks);

    const small = renderPublication(events, { maxBytes: 8000, fullChanges: 5 });
    expect(publicationBytes(small)).toBeLessThanOrEqual(8000);
    expect(small.changes.inFull).toBe(5);
    expect(small.changes.leftOut).toBeGreaterThan(4800);
  });

  it('never lets an escape sequence, a control character or a bidi override through', () => {
    const trap = 'ACME\u001b[31m TRADING\u001b[0m\u0007 \u202eOCLIM\r\nX';
    const hostile = sdn('4242', trap, {
      list: 'SDN\u001b]0;owned\u0007',
      programs: ['RUSSIA\u202e-EO14024'],
      aliases: ['\u001b]0;owned\u0007ALIAS'],
      countries: ['RU'],
    });
    const modified = changeEvent('modified', sdn('4243', 'B'), sdn('4243', trap));
    modified.data.fields.push({
      field: 'addresses\u001b[2K',
      old: null,
      new: null,
      added: ['1 Main St\r\u001b[2KFAKE'],
    });
    const added = changeEvent('added', hostile);
    const events = [added, modified, hitOn(added, 'acme\u202e', `VTB\u001b[2J`)];
    for (const options of [{}, { fullChanges: 0 }]) {
      const message = renderPublication(events, options);
      for (const text of [message.subject, message.text, message.sms]) {
        expect(text).not.toMatch(TERMINAL_CONTROL);
        expect(text).not.toMatch(BIDI_CONTROL);
        expect(text).not.toContain('\u001b');
      }
      expect(message.text).toContain('ACME TRADING OCLIM X');
      expect(message.sms).not.toContain('\n');
    }
  });
});

/** A seeded order for the shuffles: deterministic, so a failure can be replayed. */
function hash(text: string, seed: number): number {
  let h = seed;
  for (const c of text) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0;
  return h;
}
