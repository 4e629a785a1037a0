/**
 * One message per digest: every source's changes in the publication's layout, the period in the
 * subscriber's time, the sources checked (the evidence of monitoring), bounded in bytes, and clean
 * of whatever a register, a feed or an error message wrote.
 */
import { describe, expect, it } from 'vitest';
import {
  EVENT_TYPES,
  type ChangeEvent,
  type TradewatchEvent,
  type WatchlistHitEvent,
} from '../../functions/core/events.ts';
import type { RegisterRecord } from '../../functions/core/records.ts';
import { renderDigest, type DigestInput, type SourceCheck } from '../../functions/delivery/render-digest.ts';
import {
  PUBLICATION_MAX_BYTES,
  publicationBytes,
  renderPublication,
} from '../../functions/delivery/render-publication.ts';
import { changeEvent, healthEvent, registerRecord } from '../helpers/change-events.ts';

// eslint-disable-next-line no-control-regex
const TERMINAL_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;

const sdn = (id: string, name: string, fields: Partial<RegisterRecord> = {}): RegisterRecord =>
  registerRecord({ id, source: 'us-ofac-sdn', list: 'SDN', name, programs: ['RUSSIA-EO14024'], ...fields });
const uk = (id: string, name: string, fields: Partial<RegisterRecord> = {}): RegisterRecord =>
  registerRecord({ id, source: 'uk-sanctions-list', list: 'UK', name, programs: ['Russia'], ...fields });

const SOURCES: SourceCheck[] = [
  {
    sourceId: 'us-ofac-sdn',
    title: 'OFAC Specially Designated Nationals and Blocked Persons List (SDN)',
    status: 'healthy',
    lastSuccessAt: '2026-12-03T07:55:00.000Z',
    lastChangeAt: '2026-12-02T16:30:00.000Z',
  },
  {
    sourceId: 'uk-sanctions-list',
    title: 'UK Sanctions List',
    status: 'healthy',
    lastSuccessAt: '2026-12-03T07:50:00.000Z',
    lastChangeAt: '2026-12-02T11:00:00.000Z',
  },
  {
    sourceId: 'un-sc-consolidated',
    title: 'UN Security Council Consolidated List',
    status: 'unhealthy',
    healthSince: '2026-12-01T10:00:00.000Z',
    lastSuccessAt: '2026-12-01T09:55:00.000Z',
    lastChangeAt: '2026-11-20T09:00:00.000Z',
    lastError: 'parse: the download is an HTML page (text/html, 2,114 bytes)',
  },
];

const PERIOD = { from: '2026-12-02T08:00:00.000Z', to: '2026-12-03T08:00:00.000Z' };

function digest(events: TradewatchEvent[], overrides: Partial<DigestInput> = {}): DigestInput {
  return { every: 'daily', timeZone: 'Europe/London', period: PERIOD, events, sources: SOURCES, ...overrides };
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

/** A day of two registers and a feed: SDN additions and a change, a UK designation, an OFAC notice. */
function dayOfChanges(): TradewatchEvent[] {
  const before = sdn('300', 'SECHIN, Igor', { kind: 'person' });
  const modified = changeEvent('modified', before, { ...before, name: 'SECHIN, Igor Ivanovich' });
  const notice = changeEvent(
    'added',
    registerRecord({
      id: 'https://ofac.treasury.gov/recent-actions/20261202',
      source: 'us-ofac-recent-actions',
      list: 'OFAC Recent Actions',
      name: 'Russia-related Designations',
    }),
  );
  return [
    changeEvent('added', sdn('100', 'VTB BANK', { countries: ['RU'], aliases: ['BANK VTB PAO'] })),
    changeEvent('added', sdn('101', 'SOVCOMBANK', { countries: ['RU'] })),
    modified,
    changeEvent('added', uk('RUS0001', 'ACME TRADING LLC', { countries: ['RU'] })),
    notice,
  ];
}

const positions = (text: string, needles: string[]): number[] => needles.map((n) => text.indexOf(n));
const isIncreasing = (values: number[]): boolean => values.every((v, i) => v >= 0 && (i === 0 || v > values[i - 1]!));

describe('renderDigest', () => {
  it('says in the subject the day, how many changes and from how many sources', () => {
    const message = renderDigest(digest(dayOfChanges()));
    expect(message.subject).toBe('tradewatch daily digest, Thu 3 Dec: 5 changes in 3 sources');
    expect(message.changes).toEqual({ total: 5, inFull: 5, oneLine: 0, leftOut: 0 });
    const weekly = renderDigest(digest(dayOfChanges(), { every: 'weekly', timeZone: 'America/New_York' }));
    expect(weekly.subject).toBe('tradewatch weekly digest, Thu 3 Dec: 5 changes in 3 sources');
    // 08:00 UTC is still Wednesday evening in Tokyo's west: the day is the subscriber's.
    expect(renderDigest(digest(dayOfChanges(), { timeZone: 'Pacific/Honolulu' })).subject).toMatch(/, Wed 2 Dec:/);
  });

  it("writes the period in the subscriber's time and zone", () => {
    const { text } = renderDigest(digest(dayOfChanges()));
    expect(text.split('\n').slice(0, 2)).toEqual([
      'tradewatch daily digest: 5 changes in 3 sources.',
      'Period: from Wed 2 Dec 2026 08:00 GMT to Thu 3 Dec 2026 08:00 GMT (Europe/London).',
    ]);
    const first = renderDigest(
      digest(dayOfChanges(), { period: { from: null, to: PERIOD.to }, timeZone: 'Asia/Kolkata' }),
    );
    expect(first.text).toContain(
      'Period: since the subscription began (the first digest) to Thu 3 Dec 2026 13:30 GMT+5:30 (Asia/Kolkata).',
    );
  });

  it("lays out each source's changes as its publication does, one section per source", () => {
    const events = dayOfChanges();
    const { text } = renderDigest(digest(events));
    expect(
      isIncreasing(
        positions(text, [
          '== OFAC Recent Actions: 1 change (1 new) ==',
          'NEW (1)',
          'Russia-related Designations',
          '== OFAC Specially Designated Nationals and Blocked Persons List (SDN): 3 changes (2 added, 1 changed) ==',
          'ADDED (2)',
          '  SDN · RUSSIA-EO14024 (2)',
          'SOVCOMBANK (organization; RU) · record 101',
          'VTB BANK (organization; RU) · record 100',
          'CHANGED (1)',
          '    name: SECHIN, Igor → SECHIN, Igor Ivanovich',
          '== UK Sanctions List: 1 change (1 added) ==',
          'ACME TRADING LLC (organization; RU) · record RUS0001',
          'SOURCES CHECKED (3)',
        ]),
      ),
    ).toBe(true);
    // The very lines of the publication: one layout, not a copy.
    const sdnEvents = events.filter((e) => e.data.sourceId === 'us-ofac-sdn');
    const publication = renderPublication(sdnEvents).text.split('\n').slice(1, -1).join('\n');
    expect(text).toContain(publication);
  });

  it('puts the source with a watchlist hit first, with the hit beside its change', () => {
    const events = dayOfChanges();
    const acme = events[3] as ChangeEvent;
    const { text } = renderDigest(digest([...events, hitOn(acme, 'acme-corp', 'Acme Trading')]));
    expect(
      isIncreasing(
        positions(text, [
          '== UK Sanctions List: 1 change (1 added) ==',
          'ACME TRADING LLC (organization; RU) · record RUS0001',
          '    Watchlist hit for acme-corp: Acme Trading [C-1] — score 0.97',
          '== OFAC Recent Actions',
        ]),
      ),
    ).toBe(true);
  });

  it('keeps both changes of a record that changed twice in the period', () => {
    const first = changeEvent('added', sdn('100', 'VTB BANK'));
    const second = changeEvent('modified', sdn('100', 'VTB BANK'), sdn('100', 'VTB BANK PJSC'));
    second.time = '2026-12-02T20:00:00.000Z';
    const message = renderDigest(digest([first, second]));
    expect(message.changes.total).toBe(2);
    expect(message.text).toContain('ADDED (1)');
    expect(message.text).toContain('CHANGED (1)');
  });

  it('lists every source checked: health, last successful check, last change, and the failing one since when and why', () => {
    const { text } = renderDigest(digest(dayOfChanges()));
    const checked = text.slice(text.indexOf('SOURCES CHECKED (3)'));
    expect(checked.split('\n')).toEqual([
      'SOURCES CHECKED (3)',
      '  • OFAC Specially Designated Nationals and Blocked Persons List (SDN) (us-ofac-sdn): healthy',
      '    last successful check Thu 3 Dec 2026 07:55 GMT · last change Wed 2 Dec 2026 16:30 GMT · 3 changes in this digest',
      '  • UK Sanctions List (uk-sanctions-list): healthy',
      '    last successful check Thu 3 Dec 2026 07:50 GMT · last change Wed 2 Dec 2026 11:00 GMT · 1 change in this digest',
      '  • UN Security Council Consolidated List (un-sc-consolidated): UNHEALTHY since Tue 1 Dec 2026 10:00 GMT',
      '    last successful check Tue 1 Dec 2026 09:55 GMT · last change Fri 20 Nov 2026 09:00 GMT',
      '    last error: parse: the download is an HTML page (text/html, 2,114 bytes)',
    ]);
  });

  it('says plainly that nothing changed, and still shows the sources checked and the failing one', () => {
    const message = renderDigest(digest([healthEvent('un-sc-consolidated')]));
    expect(message.subject).toBe('tradewatch daily digest, Thu 3 Dec: no changes');
    expect(message.sms).toBe('tradewatch daily: no changes; 3 sources checked, 1 failing');
    expect(message.changes).toEqual({ total: 0, inFull: 0, oneLine: 0, leftOut: 0 });
    expect(message.text).toContain(
      'Nothing changed in this period: no change, item or watchlist hit in 3 sources checked.',
    );
    expect(message.text).not.toContain('==');
    expect(message.text).toContain('UNHEALTHY since Tue 1 Dec 2026 10:00 GMT');
    expect(message.text).toContain('    last error: parse: the download is an HTML page');
    const healthy = SOURCES.slice(0, 2);
    expect(renderDigest(digest([], { sources: healthy })).sms).toBe('tradewatch daily: no changes; 2 sources checked');
  });

  it('gives SMS one line naming the sources with most changes first, and what is failing', () => {
    const message = renderDigest(digest(dayOfChanges()));
    expect(message.sms).toBe(
      'tradewatch daily: 5 changes (OFAC SDN 3, OFAC Recent Actions 1, UK Sanctions List 1); 1 source failing',
    );
    const many = Array.from({ length: 91 }, (_, i) => changeEvent('added', sdn(String(1000 + i), `COMPANY ${i}`)));
    const un = Array.from({ length: 4 }, (_, i) =>
      changeEvent(
        'added',
        registerRecord({ id: `UN${i}`, source: 'un-sc-consolidated', list: 'UN 1267', name: `ENTITY ${i}` }),
      ),
    );
    expect(renderDigest(digest([...many, ...un], { sources: SOURCES.slice(0, 2) })).sms).toBe(
      'tradewatch daily: 95 changes (OFAC SDN 91, UN 4)',
    );
  });

  it('never lets markup pass as anything but text, nor a control character, escape or bidi override', () => {
    const trap = '<script>alert(1)</script>\u001b[31m ACME\u0007 \u202eOCLIM\r\nX';
    const hostile = changeEvent('added', sdn('4242', trap, { aliases: ['\u001b]0;owned\u0007ALIAS'] }));
    const sources: SourceCheck[] = [
      { ...SOURCES[0]!, title: `OFAC <b>SDN</b>\u001b[2J` },
      { ...SOURCES[2]!, lastError: 'fetch: \u001b[31mHTTP 503\u001b[0m <html>\u202eerror</html>\r\nstack line' },
    ];
    const message = renderDigest(digest([hostile, hitOn(hostile, 'acme\u202e', 'VTB\u001b[2J')], { sources }));
    for (const text of [message.subject, message.text, message.sms]) {
      expect(text).not.toMatch(TERMINAL_CONTROL);
      expect(text).not.toMatch(BIDI_CONTROL);
    }
    expect(message.sms).not.toContain('\n');
    // A plain-text email: the markup is shown as the register wrote it, never interpreted or dropped.
    expect(message.text).toContain('<script>alert(1)</script> ACME OCLIM X');
    expect(message.text).toContain('    last error: fetch: HTTP 503 <html>error</html> stack line');
  });

  it('stays within the byte budget on 5,000 changes, each later source keeping its heading and footer', () => {
    const remarks = 'r'.repeat(2000);
    const sdnEvents = Array.from({ length: 4800 }, (_, i) => {
      const record = sdn(String(10000 + i), `ENTITY ${i}`, { remarks, aliases: ['A', 'B', 'C', 'D'] });
      if (i % 2) return changeEvent('added', record);
      const event = changeEvent('modified', record, { ...record, name: `ENTITY ${i} NEW` });
      event.data.fields.push({ field: 'remarks', old: remarks, new: `${remarks}x` });
      return event;
    });
    const ukEvents = Array.from({ length: 200 }, (_, i) => changeEvent('added', uk(`RUS${i}`, `UK ENTITY ${i}`)));
    const message = renderDigest(digest([...ukEvents, ...sdnEvents]));
    const { total, inFull, oneLine, leftOut } = message.changes;
    expect(total).toBe(5000);
    expect(inFull).toBe(100);
    expect(inFull + oneLine + leftOut).toBe(5000);
    expect(leftOut).toBeGreaterThan(0);
    expect(publicationBytes(message)).toBeLessThanOrEqual(PUBLICATION_MAX_BYTES);
    expect(publicationBytes(message)).toBeGreaterThan(PUBLICATION_MAX_BYTES - 8192);
    expect(message.text.split('\n').filter((l) => l.startsWith('  • ')).length).toBe(inFull + oneLine + SOURCES.length);
    expect(message.text).toContain('See all of them: tradewatch events --source us-ofac-sdn');
    const ukSection = (text: string): string => text.slice(text.indexOf('== UK'), text.indexOf('SOURCES CHECKED'));
    expect(ukSection(message.text)).toMatch(
      /^== UK Sanctions List: 200 changes \(200 added\) ==\n[\s\S]* {2}• UK ENTITY 0 [\s\S]*\n\d+ more changes did not fit in this message \(\d+ added\)\.\nSee all of them: tradewatch events --source uk-sanctions-list, or your change feed \(tradewatch feeds prints its URL\)\n\n$/,
    );
    expect(message.text).toContain('SOURCES CHECKED (3)');
    expect(message.text.endsWith('    last error: parse: the download is an HTML page (text/html, 2,114 bytes)')).toBe(
      true,
    );

    const small = renderDigest(digest([...ukEvents, ...sdnEvents]), { maxBytes: 12_000, fullChanges: 5 });
    expect(publicationBytes(small)).toBeLessThanOrEqual(12_000);
    expect(small.changes.inFull).toBe(5);
    // The UK section comes second (by title) and still shows its first changes and what it left out.
    expect(ukSection(small.text)).toMatch(
      /^== UK Sanctions List: 200 changes \(200 added\) ==\n[\s\S]*All \d+ changes shown are in one line each\.\n\d+ more changes did not fit/,
    );
    expect(small.text).toContain('SOURCES CHECKED (3)');
  });

  it('gives the same digest for the same events in any order', () => {
    const events = dayOfChanges();
    events.push(hitOn(events[3] as ChangeEvent, 'acme', 'Acme'));
    const expected = renderDigest(digest(events));
    expect(renderDigest(digest([...events].reverse()))).toEqual(expected);
    expect(renderDigest(digest([events[2]!, ...events.slice(3), ...events.slice(0, 2)]))).toEqual(expected);
  });
});
