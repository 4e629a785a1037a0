/**
 * The analyst page: changes, record history, sources and the watchlist hit queue, rendered on the
 * server from the pipeline's table, as plain HTML forms and links.
 *
 * Why server-rendered HTML and no client application: every view is one request that answers with
 * the finished page (fast on a phone, nothing to download first, no build chain to keep), every
 * state is a URL (a filtered list, a change, a record: links to paste into a ticket), and the page
 * runs without any script, so its Content-Security-Policy forbids script altogether and a register
 * value that smuggles markup has nothing to run.
 *
 * Routes (below the base path):
 *   GET  /                              changes, filtered by the query
 *   GET  /changes/<source>/<event id>   one change
 *   GET  /records/<source>/<record id>  a record's history
 *   GET  /sources                       source health and the feeds' latest items
 *   GET  /hits, /hits/<subscriber>      watchlist hits
 *   POST /hits/<subscriber>/dismiss     "not a match" (reason required)
 *   POST /hits/<subscriber>/withdraw    withdraw the decision (reason required)
 *   GET  /audit, /audit/<subscriber>    the audit trail; /audit/<subscriber>.csv as CSV
 *   GET  /assets/review.css             the stylesheet
 */
import { watchlistSubscribers } from '../config/config.ts';
import { sourcesFor } from '../sources/registry.ts';
import { auditCsvResponse, auditView } from './audit-view.ts';
import { changesView, changeView } from './changes-view.ts';
import { CSRF_FIELD, csrfToken, sameOrigin, verifyCsrfToken } from './csrf.ts';
import { dismissHit, withdrawDecision } from './hit-queue.ts';
import { hitsView, REASON_MAX, subscriberList } from './hits-view.ts';
import { recordHistoryView } from './history-view.ts';
import { errorPage, pageHref, SECURITY_HEADERS, seeOther, segment, STYLESHEET_PATH, textResponse } from './layout.ts';
import type { ViewContext } from './layout.ts';
import type { PageHandler, PageRequest, PageResponse, ReviewPageDeps, Reviewer } from './page-request.ts';
import { sourcesView, type SourceInfo } from './sources-view.ts';
import { REVIEW_CSS } from './style.ts';

export type { PageHandler, PageRequest, PageResponse, Reviewer, ReviewPageDeps } from './page-request.ts';

/** Form bodies larger than this are refused unread: a decision is a few hundred bytes. */
const MAX_FORM_BYTES = 16 * 1024;

/** The subscribers a reviewer may see, among those with watchlists. */
export function visibleSubscribers(reviewer: Reviewer, subscriberIds: readonly string[]): string[] {
  const all = [...new Set(subscriberIds)].sort();
  return reviewer.subscribers === 'all' ? all : all.filter((id) => reviewer.subscribers.includes(id));
}

export function createReviewPage(deps: ReviewPageDeps): PageHandler {
  if (deps.csrfSecret.length < 32) throw new Error('review page: the CSRF secret must be at least 32 bytes');
  const now = deps.now ?? (() => new Date());
  const base = deps.basePath ?? '';
  const sources: SourceInfo[] = sourcesFor(deps.config).map((source) => ({
    id: source.id,
    title: source.title,
    kind: source.kind,
    homepage: source.homepage,
    // What a record page needs to show a register record's topics (never stored in it).
    ...(source.topics ? { topics: source.topics } : {}),
    ...(source.listTopics ? { listTopics: source.listTopics } : {}),
    ...(source.topicRules ? { topicRules: source.topicRules } : {}),
  }));
  const subscriberIds = [
    ...watchlistSubscribers(deps.config).map((subscriber) => subscriber.id),
    ...(deps.subscriberIds ?? []),
  ];

  return async (request) => {
    const at = now();
    const ctx: ViewContext = {
      base,
      reviewer: request.reviewer,
      csrf: csrfToken(deps.csrfSecret, request.reviewer.id, at),
      now: at,
    };
    const parts = request.path.split('/').slice(1);
    let segments: string[];
    try {
      segments = parts.map((part) => decodeURIComponent(part));
    } catch {
      return errorPage(ctx, 400, 'Bad address', 'The address is not valid.');
    }
    if (request.method === 'POST') return answerPost(ctx, request, segments);
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return textResponse(405, 'method not allowed', { allow: 'GET, HEAD, POST' });
    const [first = '', second, third, ...rest] = segments;
    const mayView = (subscriberId: string) =>
      visibleSubscribers(request.reviewer, subscriberIds).includes(subscriberId);
    if (rest.length) return notFound(ctx);
    switch (first) {
      case '':
      case 'changes':
        if (first === 'changes' && second !== undefined && third !== undefined)
          return sourceKnown(second) ? changeView(ctx, deps.table, second, third) : notFound(ctx);
        if (second !== undefined) return notFound(ctx);
        return changesView(ctx, deps.table, sources, request.query);
      case 'records': {
        const source = sources.find((candidate) => candidate.id === second);
        return source && third ? recordHistoryView(ctx, deps.table, source, third) : notFound(ctx);
      }
      case 'sources':
        return second === undefined ? sourcesView(ctx, deps.table, sources) : notFound(ctx);
      case 'hits':
        if (second === undefined)
          return subscriberList(ctx, visibleSubscribers(request.reviewer, subscriberIds), '/hits', 'Watchlist hits');
        if (third !== undefined) return notFound(ctx);
        return mayView(second) ? hitsView(ctx, deps.table, second, request.query) : forbidden(ctx, second);
      case 'audit': {
        if (second === undefined)
          return subscriberList(ctx, visibleSubscribers(request.reviewer, subscriberIds), '/audit', 'Audit trails');
        if (third !== undefined) return notFound(ctx);
        const csv = second.endsWith('.csv') ? second.slice(0, -'.csv'.length) : undefined;
        const subscriberId = csv ?? second;
        if (!mayView(subscriberId)) return forbidden(ctx, subscriberId);
        return csv !== undefined
          ? auditCsvResponse(deps.table, subscriberId, request.query)
          : auditView(ctx, deps.table, subscriberId, request.query);
      }
      case 'assets':
        return `/${segments.join('/')}` === STYLESHEET_PATH
          ? {
              status: 200,
              headers: {
                ...SECURITY_HEADERS,
                'content-type': 'text/css; charset=utf-8',
                'cache-control': 'private, max-age=3600',
              },
              body: REVIEW_CSS,
            }
          : notFound(ctx);
      case 'favicon.ico':
        // Browsers ask for it on their own; the page has none.
        return { status: 204, headers: { ...SECURITY_HEADERS }, body: '' };
      default:
        return notFound(ctx);
    }
  };

  function sourceKnown(id: string): boolean {
    return sources.some((source) => source.id === id);
  }

  async function answerPost(ctx: ViewContext, request: PageRequest, segments: string[]): Promise<PageResponse> {
    const [first, subscriberId, action, ...rest] = segments;
    if (first !== 'hits' || !subscriberId || (action !== 'dismiss' && action !== 'withdraw') || rest.length)
      return textResponse(405, 'method not allowed', { allow: 'GET, HEAD' });
    const origin = sameOrigin(request.headers);
    if (!origin.ok) return errorPage(ctx, 403, 'Refused', `This form was not sent from this page: ${origin.reason}.`);
    if (request.body.length > MAX_FORM_BYTES) return errorPage(ctx, 413, 'Too large', 'The form is too large.');
    const type = request.headers['content-type'] ?? '';
    if (!type.startsWith('application/x-www-form-urlencoded'))
      return errorPage(ctx, 415, 'Refused', 'The page accepts its own forms only.');
    const form = new URLSearchParams(request.body);
    const token = verifyCsrfToken(deps.csrfSecret, request.reviewer.id, form.get(CSRF_FIELD), ctx.now);
    if (!token.ok) return errorPage(ctx, 403, 'Refused', `This form cannot be accepted: ${token.reason}.`);
    if (!visibleSubscribers(request.reviewer, subscriberIds).includes(subscriberId))
      return forbidden(ctx, subscriberId);
    const [sourceId, recordId, entryKey] = [
      form.get('source') ?? '',
      form.get('record') ?? '',
      form.get('entry') ?? '',
    ];
    const reason = (form.get('reason') ?? '').trim();
    if (!sourceKnown(sourceId) || !recordId || !entryKey)
      return errorPage(ctx, 400, 'Incomplete form', 'The form does not name a hit (source, record and entry).');
    if (!reason || reason.length > REASON_MAX)
      return errorPage(
        ctx,
        400,
        'A reason is needed',
        `Say why, in at most ${REASON_MAX} characters: the reason is kept in the audit trail.`,
      );
    const hit = { subscriberId, sourceId, recordId, entryKey };
    const judgement = { by: request.reviewer.id, reason, at: ctx.now.toISOString() };
    const back = (done: string) => seeOther(pageHref(ctx, `/hits/${segment(subscriberId)}`, { done }));
    if (action === 'withdraw') {
      const withdrawn = await withdrawDecision(deps.table, hit, judgement);
      return withdrawn
        ? back('withdrawn')
        : errorPage(ctx, 409, 'No decision', 'There is no decision on this hit to withdraw.');
    }
    const result = await dismissHit(deps.table, hit, judgement);
    return result.ok ? back('dismissed') : errorPage(ctx, 409, 'Not recorded', `${result.message}.`);
  }
}

function notFound(ctx: ViewContext): PageResponse {
  return errorPage(ctx, 404, 'Not found', 'There is nothing at this address.');
}

function forbidden(ctx: ViewContext, subscriberId: string): PageResponse {
  return errorPage(ctx, 403, 'Not yours', `You are not assigned to the watchlist of ${subscriberId}.`);
}
