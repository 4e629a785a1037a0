import { describe, expect, it } from 'vitest';
import { auditCsv, auditMatches, csvCell, readAuditFilters } from '../../../functions/review/audit-view.ts';
import type { AuditEntry } from '../../../functions/aws/watchlist-store.ts';

const decision: AuditEntry = {
  at: '2026-06-02T10:00:00.000Z',
  action: 'not-a-match',
  by: 'ana@example.com',
  reason: 'born 1950, "other" person',
  sourceId: 'us-ofac-sdn',
  recordId: '36',
  entryKey: 'ref:C-1',
  recordHash: 'abc',
};

describe('audit CSV', () => {
  it('quotes cells holding commas, quotes and line breaks', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "no"')).toBe('"say ""no"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(undefined)).toBe('');
  });

  it('defuses a cell a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+1')).toBe(`"'+1"`);
    expect(csvCell('@SUM(A1)')).toBe(`"'@SUM(A1)"`);
  });

  it('writes a header and one row per entry', () => {
    expect(auditCsv([decision]).split('\r\n')).toEqual([
      'at,action,by,reason,sourceId,recordId,entryKey,recordHash,version,origin,entryCount',
      '2026-06-02T10:00:00.000Z,not-a-match,ana@example.com,"born 1950, ""other"" person",us-ofac-sdn,36,ref:C-1,abc,,,',
      '',
    ]);
  });
});

describe('audit filters', () => {
  it('selects by action, person, record and dates', () => {
    const match = (query: string) => auditMatches(readAuditFilters(new URLSearchParams(query)))(decision);

    expect(match('action=not-a-match&by=ANA&record=36&from=2026-06-02&to=2026-06-02')).toBe(true);
    expect(match('action=withdraw')).toBe(false);
    expect(match('by=bob')).toBe(false);
    expect(match('from=2026-06-03')).toBe(false);
    expect(match('to=2026-06-01')).toBe(false);
  });
});
