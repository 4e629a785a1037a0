/**
 * Watchlist hits per subscriber (`/hits/<subscriber>`): the open hits (the listed record, the
 * watchlist entry, the score and the explanation of why they matched) with a "not a match" form
 * each, and the decided ones with a "withdraw decision" form. Both forms POST to the page, which
 * writes through review/hit-queue.ts: the same decisions and append-only audit trail as
 * `tradewatch watchlist dismiss|withdraw`, with the signed-in reviewer as `by`.
 */
import type { TableRef } from '../aws/table.ts';
import type { WatchlistHit, WatchlistHitEvent } from '../core/events.ts';
import { decisionKey } from '../watchlist/ports.ts';
import { CSRF_FIELD } from './csrf.ts';
import { listHits, type HitRow } from './hit-queue.ts';
import { html, type SafeHtml } from './html.ts';
import { pageHref, pageShell, segment, type ViewContext } from './layout.ts';
import type { PageResponse } from './page-request.ts';
import { recordHref } from './record-view.ts';
import { readHitEvents } from './review-reads.ts';

/** Reasons are kept in the audit trail for good: long enough for a sentence or two, not a document. */
export const REASON_MAX = 1000;

export function subscriberList(
  ctx: ViewContext,
  subscriberIds: readonly string[],
  path: string,
  title: string,
): PageResponse {
  return pageShell(ctx, {
    title,
    section: path === '/hits' ? 'hits' : 'audit',
    main: html`<h1>${title}</h1>
      ${
        subscriberIds.length
          ? html`<ul>
              ${subscriberIds.map((id) => html`<li><a href="${pageHref(ctx, `${path}/${segment(id)}`)}">${id}</a></li>`)}
            </ul>`
          : html`<p>No subscriber with a watchlist is assigned to you.</p>`
      }`,
  });
}

const DONE_MESSAGES: Record<string, string> = {
  dismissed: 'Recorded as not a match. The hit alerts again only if the listed record changes.',
  withdrawn: 'Decision withdrawn: the hit is open again and alerts from its next change or screening.',
};

export async function hitsView(
  ctx: ViewContext,
  table: TableRef,
  subscriberId: string,
  query: URLSearchParams,
): Promise<PageResponse> {
  const rows = await listHits(table, subscriberId);
  const events = rows.length
    ? await readHitEvents(
        table,
        rows.map((row) => row.sourceId),
        subscriberId,
      )
    : [];
  const details = latestHitDetails(events);
  const open = rows.filter((row) => !row.decision);
  const decided = rows.filter((row) => row.decision);
  const done = DONE_MESSAGES[query.get('done') ?? ''];
  return pageShell(ctx, {
    title: `Hits of ${subscriberId}`,
    section: 'hits',
    main: html`<h1>Watchlist hits of ${subscriberId}</h1>
      ${done ? html`<p class="notice" role="status">${done}</p>` : ''}
      <p><a href="${pageHref(ctx, `/audit/${segment(subscriberId)}`)}">Audit trail of ${subscriberId}</a></p>
      <section aria-labelledby="h-open">
        <h2 id="h-open">Open (${open.length})</h2>
        ${
          open.length
            ? html`<ol class="changes">
                ${open.map((row) => html`<li>${hitCard(ctx, subscriberId, row, details)}</li>`)}
              </ol>`
            : html`<p>No open hit.</p>`
        }
      </section>
      <section aria-labelledby="h-decided">
        <h2 id="h-decided">Decided: not a match (${decided.length})</h2>
        ${
          decided.length
            ? html`<ol class="changes">
                ${decided.map((row) => html`<li>${hitCard(ctx, subscriberId, row, details)}</li>`)}
              </ol>`
            : html`<p>No decision holds.</p>`
        }
      </section>`,
  });
}

/** The latest reported detail (score, explanation, entry) of each hit, by decision key. */
function latestHitDetails(events: readonly WatchlistHitEvent[]): Map<string, { hit: WatchlistHit; time: string }> {
  const details = new Map<string, { hit: WatchlistHit; time: string }>();
  // Newest first: the first seen is the latest.
  for (const event of events)
    for (const hit of event.data.hits) {
      const key = decisionKey(event.data.sourceId, event.data.recordId, hit.entryKey);
      if (!details.has(key)) details.set(key, { hit, time: event.time });
    }
  return details;
}

function hitCard(
  ctx: ViewContext,
  subscriberId: string,
  row: HitRow,
  details: Map<string, { hit: WatchlistHit; time: string }>,
): SafeHtml {
  const detail = details.get(decisionKey(row.sourceId, row.recordId, row.entryKey));
  const entry = detail?.hit.entry;
  const label = `${row.recordName ?? row.recordId} × ${row.entryName ?? row.entryKey}`;
  const hidden = html`<input type="hidden" name="${CSRF_FIELD}" value="${ctx.csrf}" /><input
      type="hidden"
      name="source"
      value="${row.sourceId}"
    /><input type="hidden" name="record" value="${row.recordId}" /><input
      type="hidden"
      name="entry"
      value="${row.entryKey}"
    />`;
  const id = `hit-${Buffer.from(decisionKey(row.sourceId, row.recordId, row.entryKey)).toString('base64url')}`;
  const form = row.decision
    ? html`<details class="decide">
        <summary>Withdraw decision</summary>
        <form method="post" action="${pageHref(ctx, `/hits/${segment(subscriberId)}/withdraw`)}">
          ${hidden}<label for="${id}-reason">Why withdraw it</label
          ><textarea id="${id}-reason" name="reason" required maxlength="${REASON_MAX}" rows="2"></textarea>
          <div><button type="submit" class="secondary">Withdraw decision</button></div>
        </form>
      </details>`
    : html`<details class="decide">
        <summary>Not a match…</summary>
        <form method="post" action="${pageHref(ctx, `/hits/${segment(subscriberId)}/dismiss`)}">
          ${hidden}<label for="${id}-reason">Why this is not a match</label
          ><textarea id="${id}-reason" name="reason" required maxlength="${REASON_MAX}" rows="2"></textarea>
          <div><button type="submit">Record "not a match"</button></div>
        </form>
      </details>`;
  return html`<article class="hit" id="${id}" aria-label="${label}">
    <div class="change-head">
      <h3>
        <a href="${recordHref(ctx, row.sourceId, row.recordId)}"
          >${row.recordName ?? html`${row.recordId} <span class="muted">(no longer stored)</span>`}</a
        >
      </h3>
      <span class="muted">${row.list ?? ''} · ${row.sourceId}</span
      >${row.recordChangedSinceReported ? html`<span class="badge modified">changed since reported</span>` : ''}
    </div>
    <dl class="facts">
      <dt>Watchlist entry</dt>
      <dd>
        ${row.entryName ?? entry?.name ?? row.entryKey}${row.reference ? html` <span class="muted">[${row.reference}]</span>` : ''}
      </dd>
      ${
        entry?.aliases.length
          ? html`<dt>Entry aliases</dt>
              <dd>${entry.aliases.join('; ')}</dd>`
          : ''
      }
      ${
        entry?.countries.length
          ? html`<dt>Entry countries</dt>
              <dd>${entry.countries.join(', ')}</dd>`
          : ''
      }
      ${
        detail
          ? html`<dt>Score</dt>
              <dd>
                ${detail.hit.score.toFixed(2)}
                <span class="muted"
                  >(${detail.hit.entryName} ~ ${detail.hit.recordName}, reported ${detail.time.slice(0, 10)})</span
                >
              </dd>
              <dt>Why</dt>
              <dd>
                <ul class="plain">
                  ${detail.hit.explanation.map((line) => html`<li>${line}</li>`)}
                </ul>
              </dd>`
          : ''
      }
      ${
        row.decision
          ? html`<dt>Decision</dt>
              <dd>
                Not a match, by ${row.decision.by} on ${row.decision.at.slice(0, 16).replace('T', ' ')} UTC:
                ${row.decision.reason}
              </dd>`
          : ''
      }
    </dl>
    ${form}
  </article>`;
}
