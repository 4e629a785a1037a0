/**
 * A subscriber's watchlist audit trail (`/audit/<subscriber>`): every import, decision and
 * withdrawal, newest first, filterable by action, person, record and date, and the same rows as
 * CSV (`/audit/<subscriber>.csv` with the same query) for a compliance file.
 *
 * The CSV is read by spreadsheets, where a cell starting with `=`, `+`, `-`, `@`, a tab or a
 * carriage return is a formula: reasons and record ids are untrusted text, so such a cell is
 * written with a leading apostrophe (the common defence against formula injection).
 */
import type { TableRef } from '../aws/table.ts';
import { WatchlistStore, type AuditEntry } from '../aws/watchlist-store.ts';
import { foldText } from './changes-view.ts';
import { html, stackTable } from './html.ts';
import { pageHref, pageShell, segment, type ViewContext } from './layout.ts';
import type { PageResponse } from './page-request.ts';
import { SECURITY_HEADERS } from './layout.ts';

const ACTIONS = ['import', 'not-a-match', 'withdraw'] as const;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface AuditFilters {
  action: string;
  by: string;
  record: string;
  from: string;
  to: string;
}

export function readAuditFilters(query: URLSearchParams): AuditFilters {
  const get = (key: string) => (query.get(key) ?? '').trim().slice(0, 200);
  const date = (key: string) => (DATE.test(get(key)) ? get(key) : '');
  return {
    action: (ACTIONS as readonly string[]).includes(get('action')) ? get('action') : '',
    by: get('by'),
    record: get('record'),
    from: date('from'),
    to: date('to'),
  };
}

export function auditMatches(filters: AuditFilters): (entry: AuditEntry) => boolean {
  const by = foldText(filters.by);
  const record = foldText(filters.record);
  return (entry) =>
    (!filters.action || entry.action === filters.action) &&
    (!by || foldText(entry.by).includes(by)) &&
    (!record || [entry.recordId, entry.sourceId, entry.entryKey].some((v) => v && foldText(v).includes(record))) &&
    (!filters.from || entry.at.slice(0, 10) >= filters.from) &&
    (!filters.to || entry.at.slice(0, 10) <= filters.to);
}

async function filteredTrail(table: TableRef, subscriberId: string, filters: AuditFilters): Promise<AuditEntry[]> {
  const trail = await new WatchlistStore(table).audit(subscriberId);
  return trail.filter(auditMatches(filters)).reverse();
}

const COLUMNS = [
  'at',
  'action',
  'by',
  'reason',
  'sourceId',
  'recordId',
  'entryKey',
  'recordHash',
  'version',
  'origin',
  'entryCount',
] as const;

/** One CSV cell (RFC 4180 quoting), defused for spreadsheets. */
export function csvCell(value: string | number | undefined): string {
  let text = value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n']/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function auditCsv(entries: readonly AuditEntry[]): string {
  const lines = [
    COLUMNS.join(','),
    ...entries.map((entry) => COLUMNS.map((column) => csvCell(entry[column])).join(',')),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

export async function auditCsvResponse(
  table: TableRef,
  subscriberId: string,
  query: URLSearchParams,
): Promise<PageResponse> {
  const entries = await filteredTrail(table, subscriberId, readAuditFilters(query));
  const file = `audit-${subscriberId.replace(/[^A-Za-z0-9_-]/g, '_')}.csv`;
  return {
    status: 200,
    headers: {
      ...SECURITY_HEADERS,
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${file}"`,
    },
    body: auditCsv(entries),
  };
}

function describe(entry: AuditEntry): string {
  if (entry.action === 'import')
    return `import of ${entry.entryCount ?? '?'} entries from ${entry.origin ?? '?'} (version ${entry.version ?? '?'})`;
  const what = entry.action === 'withdraw' ? 'decision withdrawn' : 'not a match';
  return `${what}: ${entry.sourceId ?? ''} ${entry.recordId ?? ''} × ${entry.entryKey ?? ''}`;
}

export async function auditView(
  ctx: ViewContext,
  table: TableRef,
  subscriberId: string,
  query: URLSearchParams,
): Promise<PageResponse> {
  const filters = readAuditFilters(query);
  const entries = await filteredTrail(table, subscriberId, filters);
  const path = `/audit/${segment(subscriberId)}`;
  const input = (name: keyof AuditFilters, label: string, type = 'text') =>
    html`<div>
      <label for="a-${name}">${label}</label
      ><input id="a-${name}" name="${name}" type="${type}" value="${filters[name]}" />
    </div>`;
  const rows = entries.map(
    (entry) =>
      html`<tr>
        <td data-label="When"><time datetime="${entry.at}">${entry.at.slice(0, 19).replace('T', ' ')}</time></td>
        <td data-label="Who">${entry.by}</td>
        <td data-label="What">${describe(entry)}</td>
        <td data-label="Reason">${entry.reason ?? ''}</td>
      </tr>`,
  );
  return pageShell(ctx, {
    title: `Audit trail of ${subscriberId}`,
    section: 'audit',
    main: html`<h1>Audit trail of ${subscriberId}</h1>
      <p><a href="${pageHref(ctx, `/hits/${segment(subscriberId)}`)}">Hits of ${subscriberId}</a></p>
      <form class="filters" method="get" action="${pageHref(ctx, path)}" aria-label="Filter the audit trail">
        <div>
          <label for="a-action">Action</label
          ><select id="a-action" name="action">
            ${[{ value: '', label: 'Any' }, ...ACTIONS.map((a) => ({ value: a, label: a }))].map(
              (o) =>
                html`<option value="${o.value}" ${o.value === filters.action ? html` selected` : ''}>
                  ${o.label}
                </option>`,
            )}
          </select>
        </div>
        ${input('by', 'By')}${input('record', 'Source, record or entry')}${input('from', 'From (date)', 'date')}${input('to', 'To (date)', 'date')}
        <div class="actions"><button type="submit">Filter</button><a href="${pageHref(ctx, path)}">Clear</a></div>
      </form>
      <p class="actions">
        <span role="status">${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}, newest first.</span
        ><a href="${pageHref(ctx, `${path}.csv`, { ...filters })}" download>Export as CSV</a>
      </p>
      ${stackTable(['When (UTC)', 'Who', 'What', 'Reason'], rows)}`,
  });
}
