/**
 * The analyst page: changes, record history, sources and the watchlist hit queue, rendered on the
 * server from the pipeline's table.
 */
import type { PageHandler, ReviewPageDeps } from './page-request.ts';

export type { PageHandler, PageRequest, PageResponse, Reviewer, ReviewPageDeps } from './page-request.ts';

export function createReviewPage(deps: ReviewPageDeps): PageHandler {
  void deps;
  return async () => ({
    status: 503,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    body: 'the review page is being built',
  });
}
