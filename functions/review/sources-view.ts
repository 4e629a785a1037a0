/**
 * The Sources view: each source's health as the pipeline records it on the source's META item
 * (last success, last change, record count, failing since, the last error and its step), and the
 * latest items of the news and notice feeds.
 */
import type { RegisterTopicInfo } from '../core/register-topics.ts';
import type { TableRef } from '../aws/table.ts';
import type { SourceMeta } from '../aws/source-store.ts';
import { html, stackTable, type SafeHtml } from './html.ts';
import { pageHref, pageShell, type ViewContext } from './layout.ts';
import type { PageResponse } from './page-request.ts';
import { changeHref } from './record-view.ts';
import { readLatestChanges, readSourceMetas } from './review-reads.ts';

export interface SourceInfo extends RegisterTopicInfo {
  id: string;
  title: string;
  kind: 'register' | 'feed';
  homepage: string;
}

const FEED_ITEMS_SHOWN = 3;

const when = (iso: string | undefined): SafeHtml =>
  iso
    ? html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`
    : html`<span class="muted">never</span>`;

function health(meta: SourceMeta | undefined): SafeHtml {
  if (!meta) return html`<span class="badge">not polled yet</span>`;
  return meta.healthStatus === 'unhealthy'
    ? html`<span class="badge unhealthy">failing</span>`
    : html`<span class="badge healthy">healthy</span>`;
}

export async function sourcesView(
  ctx: ViewContext,
  table: TableRef,
  sources: readonly SourceInfo[],
): Promise<PageResponse> {
  const feeds = sources.filter((source) => source.kind === 'feed');
  const [metas, latest] = await Promise.all([
    readSourceMetas(
      table,
      sources.map((source) => source.id),
    ),
    Promise.all(feeds.map(async (feed) => [feed, await readLatestChanges(table, feed.id, FEED_ITEMS_SHOWN)] as const)),
  ]);
  const rows = sources.map((source) => {
    const meta = metas.get(source.id);
    const failing = meta?.healthStatus === 'unhealthy';
    return html`<tr>
      <th scope="row" data-label="Source">
        <a href="${pageHref(ctx, '/', { source: source.id })}">${source.title}</a><br /><code class="muted"
          >${source.id}</code
        >
      </th>
      <td data-label="Health">${health(meta)}</td>
      <td data-label="Last success">${when(meta?.lastSuccessAt)}</td>
      <td data-label="Last change">${when(meta?.lastChangeAt)}</td>
      <td data-label="Records">${meta?.recordCount?.toLocaleString('en') ?? ''}</td>
      <td data-label="Failing since">
        ${failing ? when(meta?.healthSince) : ''}${failing && meta?.consecutiveFailures ? html` (${meta.consecutiveFailures} failures)` : ''}
      </td>
      <td data-label="Last error">
        ${meta?.lastError ? html`${meta.lastErrorStep ? html`<strong>${meta.lastErrorStep}</strong>: ` : ''}${meta.lastError} ${meta.lastErrorAt ? html`<span class="muted">(${when(meta.lastErrorAt)})</span>` : ''}` : ''}
      </td>
    </tr>`;
  });
  const feedSections = latest.map(
    ([feed, events]) =>
      html`<section class="card" aria-labelledby="feed-${feed.id}">
        <h3 id="feed-${feed.id}">${feed.title}</h3>
        ${
          events.length
            ? html`<ul class="plain">
                ${events.map((event) => html`<li><a href="${changeHref(ctx, event)}">${event.data.name}</a> <span class="muted">${when(event.time)}</span></li>`)}
              </ul>`
            : html`<p class="muted">No item stored yet.</p>`
        }
      </section>`,
  );
  return pageShell(ctx, {
    title: 'Sources',
    section: 'sources',
    main: html`<h1>Sources</h1>
      ${stackTable(
        ['Source', 'Health', 'Last success', 'Last change', 'Records', 'Failing since', 'Last error'],
        rows,
        { caption: "Each source's state as its last poll left it" },
      )}
      <h2>Latest feed items</h2>
      ${feedSections}`,
  });
}
