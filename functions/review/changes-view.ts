/**
 * The Changes view: every register change, newest first across sources, a page at a time from the
 * `timeline` index, with filters that are all in the URL (so a filtered list is a link to paste),
 * and one change alone at `/changes/<source>/<event id>`.
 *
 * Source and date range narrow the Query itself (fewer partitions, key conditions); list, change
 * type, country, program, topic and the name search are applied to what the merge reads, within
 * the search budget of review-reads.ts.
 */
import type { ChangeEvent } from '../core/events.ts';
import { eventTopics, isChangeEvent } from '../core/events.ts';
import { isFeedCursor } from '../delivery/feeds.ts';
import { html, type SafeHtml } from './html.ts';
import { errorPage, pageHref, pageShell, type ViewContext } from './layout.ts';
import type { PageResponse } from './page-request.ts';
import { changeCard, recordFacts, sourceLinks } from './record-view.ts';
import { readChanges, readEvent, type ChangesQuery } from './review-reads.ts';
import type { TableRef } from '../aws/table.ts';

export const CHANGES_PAGE_SIZE = 25;

const CHANGE_TYPES = ['added', 'removed', 'modified'] as const;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface ChangeFilters {
  source: string;
  list: string;
  type: string;
  country: string;
  program: string;
  topic: string;
  from: string;
  to: string;
  q: string;
}

const FILTER_KEYS = ['source', 'list', 'type', 'country', 'program', 'topic', 'from', 'to', 'q'] as const;

export interface SourceOption {
  id: string;
  title: string;
}

/** The filters as the query gives them (trimmed, bounded), and what is wrong with any. */
export function readFilters(
  query: URLSearchParams,
  sources: readonly SourceOption[],
): { filters: ChangeFilters; problems: string[] } {
  const filters = Object.fromEntries(
    FILTER_KEYS.map((key) => [key, (query.get(key) ?? '').trim().slice(0, 200)]),
  ) as unknown as ChangeFilters;
  const problems: string[] = [];
  if (filters.source && !sources.some((source) => source.id === filters.source))
    problems.push(`There is no source "${filters.source}".`);
  if (filters.type && !(CHANGE_TYPES as readonly string[]).includes(filters.type))
    problems.push('The change type is added, removed or modified.');
  for (const key of ['from', 'to'] as const)
    if (filters[key] && (!DATE.test(filters[key]) || Number.isNaN(Date.parse(filters[key]))))
      problems.push(`The ${key === 'from' ? 'start' : 'end'} date is a date (YYYY-MM-DD).`);
  return { filters, problems };
}

/** Lower case, without accents: "Müller" finds "MULLER" and "müller". */
export function foldText(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Whether a change passes the filters that are not key conditions. */
export function changeMatches(filters: ChangeFilters): (event: ChangeEvent) => boolean {
  const same = (a: string, b: string) => foldText(a) === foldText(b);
  const q = foldText(filters.q);
  return (event) => {
    const { data } = event;
    const records = [data.record, data.previous].filter((record) => record !== null);
    if (filters.type && data.changeType !== filters.type) return false;
    if (filters.list && !same(data.list, filters.list)) return false;
    if (filters.country && !records.some((r) => r.countries.some((c) => same(c, filters.country)))) return false;
    if (filters.program && !records.some((r) => r.programs.some((p) => same(p, filters.program)))) return false;
    if (filters.topic && !eventTopics(data).some((t) => same(t, filters.topic))) return false;
    if (q) {
      const names = [data.name, ...records.flatMap((r) => [r.name, ...r.aliases])];
      if (!names.some((name) => foldText(name).includes(q))) return false;
    }
    return true;
  };
}

/** The day after a date, as the exclusive end of a range on `<time>#<id>`. */
function dayAfter(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

export async function changesView(
  ctx: ViewContext,
  table: TableRef,
  sources: readonly SourceOption[],
  query: URLSearchParams,
): Promise<PageResponse> {
  const { filters, problems } = readFilters(query, sources);
  const before = query.get('before') ?? '';
  if (before && !isFeedCursor(before)) problems.push('The page cursor is not one this page wrote.');
  const form = filterForm(ctx, filters, sources);
  if (problems.length)
    return pageShell(ctx, {
      title: 'Changes',
      section: 'changes',
      status: 400,
      main: html`<h1>Changes</h1>
        ${form}
        <div class="error" role="alert">${problems.map((p) => html`<p>${p}</p>`)}</div>`,
    });
  const request: ChangesQuery = {
    sourceIds: filters.source ? [filters.source] : sources.map((source) => source.id),
    limit: CHANGES_PAGE_SIZE,
    include: changeMatches(filters),
    ...(before ? { before } : {}),
    ...(filters.from ? { from: filters.from } : {}),
    ...(filters.to ? { until: dayAfter(filters.to) } : {}),
  };
  const page = await readChanges(table, request);
  const events = page.events.filter(isChangeEvent);
  const filtered = FILTER_KEYS.some((key) => filters[key] !== '');
  const summary = page.searched
    ? html`<p class="notice" role="status">
        Searched ${page.searched.toLocaleString('en')} changes and found ${events.length} so far:
        <a href="${pageHref(ctx, '/', { ...filters, before: page.next })}">search older changes</a>.
      </p>`
    : html`<p class="muted" role="status">
        ${events.length ? `${events.length} change${events.length === 1 ? '' : 's'} on this page, newest first.` : filtered ? 'No change matches these filters.' : 'No change is stored yet.'}
      </p>`;
  const pager = html`<nav class="pager" aria-label="Pages">
    ${before ? html`<a href="${pageHref(ctx, '/', { ...filters })}">Newest</a>` : ''}${page.next && !page.searched ? html`<a href="${pageHref(ctx, '/', { ...filters, before: page.next })}" rel="next">Older changes</a>` : ''}
  </nav>`;
  return pageShell(ctx, {
    title: 'Changes',
    section: 'changes',
    main: html`<h1>Changes</h1>
      ${form}${summary}
      <ol class="changes">
        ${events.map((event) => html`<li>${changeCard(ctx, event)}</li>`)}
      </ol>
      ${pager}`,
  });
}

function filterForm(ctx: ViewContext, filters: ChangeFilters, sources: readonly SourceOption[]): SafeHtml {
  const text = (name: keyof ChangeFilters, label: string, extra: SafeHtml = html``) =>
    html`<div>
      <label for="f-${name}">${label}</label><input id="f-${name}" name="${name}" value="${filters[name]}" ${extra} />
    </div>`;
  const options = (values: readonly { value: string; label: string }[], current: string) =>
    values.map(
      (option) =>
        html`<option value="${option.value}" ${option.value === current ? html` selected` : ''}>
          ${option.label}
        </option>`,
    );
  return html`<form
    class="filters"
    method="get"
    action="${pageHref(ctx, '/')}"
    role="search"
    aria-label="Filter changes"
  >
    <div class="wide">
      <label for="f-q">Name or alias</label
      ><input id="f-q" name="q" type="search" value="${filters.q}" autocomplete="off" />
    </div>
    <div>
      <label for="f-source">Source</label
      ><select id="f-source" name="source">
        ${options([{ value: '', label: 'All sources' }, ...sources.map((s) => ({ value: s.id, label: s.title }))], filters.source)}
      </select>
    </div>
    <div>
      <label for="f-type">Change</label
      ><select id="f-type" name="type">
        ${options([{ value: '', label: 'Any change' }, ...CHANGE_TYPES.map((t) => ({ value: t, label: t }))], filters.type)}
      </select>
    </div>
    ${text('list', 'List')} ${text('country', 'Country (ISO code)', html` maxlength="2" autocapitalize="characters"`)}
    ${text('program', 'Program')} ${text('topic', 'Topic')} ${text('from', 'From (date)', html` type="date"`)}
    ${text('to', 'To (date)', html` type="date"`)}
    <div class="actions"><button type="submit">Filter</button><a href="${pageHref(ctx, '/')}">Clear</a></div>
  </form>`;
}

/** One change alone: the stable URL to paste into a ticket. */
export async function changeView(
  ctx: ViewContext,
  table: TableRef,
  sourceId: string,
  eventId: string,
): Promise<PageResponse> {
  const event = /^[A-Za-z0-9_-]{1,128}$/.test(eventId) ? await readEvent(table, sourceId, eventId) : undefined;
  if (!event || !isChangeEvent(event))
    return errorPage(ctx, 404, 'No such change', `No change ${eventId} is stored for source ${sourceId}.`);
  const record = event.data.record ?? event.data.previous;
  return pageShell(ctx, {
    title: `${event.data.name} · change`,
    section: 'changes',
    main: html`<h1>Change to ${event.data.name}</h1>
      ${changeCard(ctx, event, { heading: 'h2' })}
      ${
        record
          ? html`<h2>${event.data.changeType === 'removed' ? 'The record as it was' : 'The record'}</h2>
              ${recordFacts(record, eventTopics(event.data))}
              <h2>Source documents</h2>
              ${sourceLinks([...record.links, event.data.sourceUrl])}`
          : ''
      }
      <p class="muted">Event id <code>${event.id}</code></p>`,
  });
}
