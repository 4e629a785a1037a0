/**
 * A record's history (`/records/<source>/<record id>`): every change of the record, newest first,
 * each with its diff, the record as it stands (or stood, when delisted), the publisher's source
 * documents, and the Federal Register early warning that announced it when there was one.
 */
import type { TableRef } from '../aws/table.ts';
import { TradewatchStore } from '../aws/source-store.ts';
import { changeTopics, type RegisterTopicInfo } from '../core/register-topics.ts';
import { html } from './html.ts';
import { errorPage, pageShell, type ViewContext } from './layout.ts';
import type { PageResponse } from './page-request.ts';
import { changeCard, earlyWarningNote, recordFacts, sourceLinks } from './record-view.ts';
import { readRecordHistory } from './review-reads.ts';

export async function recordHistoryView(
  ctx: ViewContext,
  table: TableRef,
  source: { id: string; title: string; homepage: string; kind?: 'register' | 'feed' } & RegisterTopicInfo,
  recordId: string,
): Promise<PageResponse> {
  const store = table instanceof TradewatchStore ? table : new TradewatchStore(table.client, table.tableName);
  const [events, stored] = await Promise.all([
    readRecordHistory(table, source.id, recordId),
    store.loadRecords(source.id, [recordId]),
  ]);
  const current = stored.get(recordId);
  if (!events.length && !current)
    return errorPage(ctx, 404, 'No such record', `No record ${recordId} is stored or has changed in ${source.title}.`);
  const latest = current ?? events[0]?.data.record ?? events[0]?.data.previous ?? undefined;
  const name = latest?.name ?? recordId;
  const warnings = [
    ...new Map(
      events.flatMap((event) => (event.data.earlyWarning ? [event.data.earlyWarning] : [])).map((w) => [w.eventId, w]),
    ).values(),
  ];
  const documents = [
    ...(latest?.links ?? []),
    ...events.flatMap((event) => [...(event.data.record?.links ?? []), event.data.sourceUrl]),
  ];
  const status = current
    ? html`<p>Listed on ${current.list} (${source.title}).</p>`
    : html`<p class="notice">No longer listed: the record was removed from ${source.title}.</p>`;
  return pageShell(ctx, {
    title: `${name} · history`,
    section: 'changes',
    main: html`<h1>${name}</h1>
      <p class="muted">${source.title} · record <code>${recordId}</code></p>
      ${status} ${warnings.map((warning) => earlyWarningNote(ctx, warning))}
      <section aria-labelledby="h-record">
        <h2 id="h-record">${current ? 'The record now' : 'The record as it was'}</h2>
        ${latest ? recordFacts(latest, changeTopics(source, latest, null)) : html`<p>Not stored.</p>`}
      </section>
      <section aria-labelledby="h-documents">
        <h2 id="h-documents">Source documents</h2>
        ${sourceLinks(documents.length ? documents : [source.homepage])}
      </section>
      <section aria-labelledby="h-history">
        <h2 id="h-history">Every change (${events.length})</h2>
        ${
          events.length
            ? html`<ol class="changes">
                ${events.map((event) => html`<li>${changeCard(ctx, event, { heading: 'h3' })}</li>`)}
              </ol>`
            : html`<p>No change recorded since the first version was stored.</p>`
        }
      </section>`,
  });
}
