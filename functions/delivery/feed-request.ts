/**
 * One feed request answered: the page read through the caller's reader (aws/event-feed.ts on the
 * table), rendered, with the headers a feed reader uses. Shared by the Lambda behind the Function
 * URL (handlers/feed.ts) and `tradewatch serve` (cli/serve.ts), so both answer alike.
 */
import { createHash } from 'node:crypto';
import type { TradewatchEvent } from '../core/events.ts';
import {
  ALL_FEED,
  FEED_FORMATS,
  changeFilterFor,
  isFeedCursor,
  renderFeed,
  type ChangeFilterSubscriber,
  type FeedFormat,
} from './feeds.ts';

export interface FeedDefinition {
  /** `all` or a subscriber id. */
  name: string;
  title: string;
  include: (event: TradewatchEvent) => boolean;
}

/** The feed of every change, then one per subscriber, each holding what SNS would send it. */
export function feedDefinitions(subscribers: readonly ChangeFilterSubscriber[]): FeedDefinition[] {
  return [
    { name: ALL_FEED, title: 'tradewatch: all changes', include: changeFilterFor() },
    ...subscribers.map((subscriber) => ({
      name: subscriber.id,
      title: `tradewatch: changes for ${subscriber.id}`,
      include: changeFilterFor(subscriber),
    })),
  ];
}

export type FeedPageReader = (request: {
  limit: number;
  before?: string;
  include: (event: TradewatchEvent) => boolean;
}) => Promise<{ events: TradewatchEvent[]; next?: string }>;

export interface FeedRequest {
  feed: FeedDefinition;
  format: FeedFormat;
  method: string;
  /** The `before` query parameter, if any. */
  before?: string | undefined;
  /** The request's If-None-Match header, if any. */
  ifNoneMatch?: string | undefined;
  pageSize: number;
  readPage: FeedPageReader;
  /** This feed's URL in this format, with `?before=` when given. */
  pageUrl: (before?: string) => string;
  now: () => Date;
}

export interface FeedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Feeds change at most once a poll (every 5 minutes by default); readers may keep a page that
 * long. `private`: the URL is a credential, a shared cache has no business keeping it.
 */
export const FEED_CACHE_CONTROL = 'private, max-age=300';

export function plainResponse(status: number, text: string): FeedResponse {
  return {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
    body: `${text}\n`,
  };
}

export async function answerFeedRequest(request: FeedRequest): Promise<FeedResponse> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    const response = plainResponse(405, 'method not allowed: a feed is read with GET or HEAD');
    response.headers.allow = 'GET, HEAD';
    return response;
  }
  if (request.before !== undefined && !isFeedCursor(request.before))
    return plainResponse(400, 'before must be a cursor from a next link: <time>#<eventId>');
  const page = await request.readPage({
    limit: request.pageSize,
    include: request.feed.include,
    ...(request.before ? { before: request.before } : {}),
  });
  const body = renderFeed(request.format, {
    name: request.feed.name,
    title: request.feed.title,
    selfUrl: request.pageUrl(request.before),
    ...(page.next ? { nextUrl: request.pageUrl(page.next) } : {}),
    events: page.events,
    now: request.now().toISOString(),
  });
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  const headers = {
    'content-type': FEED_FORMATS[request.format].contentType,
    'cache-control': FEED_CACHE_CONTROL,
    etag,
    'x-content-type-options': 'nosniff',
  };
  if (request.ifNoneMatch?.split(',').some((tag) => tag.trim() === etag)) return { status: 304, headers, body: '' };
  return { status: 200, headers, body: request.method === 'HEAD' ? '' : body };
}

/** `?before=` with the cursor encoded (its `#` would otherwise end the URL's path and query). */
export function withBefore(url: string, before?: string): string {
  return before ? `${url}?before=${encodeURIComponent(before)}` : url;
}
