/**
 * `tradewatch serve [--port 8787] [--demo]`: the review page (review/page.ts) at `/` and the change
 * feeds at `/feeds/`, over the local state, for a browser and a feed reader on the same machine. It
 * binds 127.0.0.1 only and asks for no sign-in: whoever can reach loopback can read the state
 * folder anyway. The reviewer is the user running the command (written as `by` on decisions, as the
 * CLI does), and the page's forms are signed with a key made for this process.
 *
 * A page on loopback is still reachable from a browser's other tabs: a hostile site could POST to
 * it (the page's CSRF token and Origin check refuse that) or rebind its own host name to 127.0.0.1
 * to read it, which is why the page answers only requests whose Host is the loopback address or
 * `localhost`. The deployed feeds (handlers/feed.ts) sit behind secret URLs instead.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { userInfo } from 'node:os';
import { createReviewPage, type Reviewer } from '../review/page.ts';
import type { ReviewPageConfig } from '../review/page-request.ts';
import { DEMO_SUBSCRIBER, demoHome } from './demo.ts';
import { readEventFeedPage } from '../aws/event-feed.ts';
import type { TableRef } from '../aws/table.ts';
import { loadConfig, type TradewatchConfig } from '../config/config.ts';
import { feedSourceIds, feedSubscribers } from '../config/feed-subscribers.ts';
import { UsageError } from '../core/errors.ts';
import {
  answerFeedRequest,
  feedDefinitions,
  plainResponse,
  withBefore,
  type FeedDefinition,
  type FeedResponse,
} from '../delivery/feed-request.ts';
import { FEED_FORMATS, parseFeedFileName } from '../delivery/feeds.ts';
import type { Flags } from './args.ts';
import { withRuntime } from './local-run.ts';
import { out } from './output.ts';

export const DEFAULT_SERVE_PORT = 8787;
const LOOPBACK = '127.0.0.1';

export interface FeedServerOptions {
  config: Pick<TradewatchConfig, 'feeds'> & ReviewPageConfig;
  /** 0: any free port. @default DEFAULT_SERVE_PORT */
  port?: number;
  /** The sources whose events the feeds hold. @default feedSourceIds(config): registered and custom */
  sourceIds?: readonly string[];
  /** @default the system clock */
  clock?: () => Date;
  /** Who decides on the page. @default localReviewer(): the OS user, every subscriber */
  reviewer?: Reviewer;
  /** Subscribers the page offers besides the configuration's watchlist subscribers. @default none */
  subscriberIds?: readonly string[];
}

/** The person running `serve`: the OS user (as the CLI's --by defaults to), allowed every subscriber. */
export function localReviewer(): Reviewer {
  let id = process.env.USER ?? 'local';
  try {
    id = userInfo().username || id;
  } catch {
    // userInfo() throws for a uid without a passwd entry (some containers): $USER stands in.
  }
  return { id, subscribers: 'all' };
}

/** A decision form is a few hundred bytes: anything over this is refused unread. */
const MAX_BODY_BYTES = 64 * 1024;

class BodyTooLargeError extends Error {}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLargeError());
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

export interface FeedServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * Serves the review page at `/`, and `/feeds/` (the feeds' index), `/feeds/<name>.atom` and
 * `/feeds/<name>.json`, from the table, on loopback only.
 */
export async function startFeedServer(table: TableRef, options: FeedServerOptions): Promise<FeedServer> {
  const feeds = feedDefinitions(feedSubscribers(options.config));
  const sourceIds = options.sourceIds ?? feedSourceIds(options.config);
  const clock = options.clock ?? (() => new Date());
  const reviewer = options.reviewer ?? localReviewer();
  const page = createReviewPage({
    table,
    config: options.config,
    csrfSecret: randomBytes(32),
    now: clock,
    ...(options.subscriberIds ? { subscriberIds: options.subscriberIds } : {}),
  });
  let url = '';
  let port = 0;
  const answerPage = async (request: IncomingMessage, target: URL): Promise<FeedResponse> => {
    const host = request.headers.host ?? '';
    if (host !== `${LOOPBACK}:${port}` && host !== `localhost:${port}`)
      return plainResponse(421, `this server answers ${url}/ only`);
    let body = '';
    try {
      body = request.method === 'POST' ? await readBody(request) : '';
    } catch (error) {
      if (error instanceof BodyTooLargeError) return plainResponse(413, 'request body too large');
      throw error;
    }
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(request.headers))
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    const rawPath = (request.url ?? '/').split('?')[0]!;
    return page({
      method: request.method ?? 'GET',
      path: rawPath.startsWith('/') ? rawPath : '/',
      query: target.searchParams,
      headers,
      body,
      reviewer,
    });
  };
  const answer = async (request: IncomingMessage): Promise<FeedResponse> => {
    const target = new URL(request.url ?? '/', url);
    if (target.pathname === '/feeds' || target.pathname === '/feeds/') return indexPage(url, feeds);
    if (!target.pathname.startsWith('/feeds/')) return answerPage(request, target);
    const match = /^\/feeds\/([^/]+)$/.exec(target.pathname);
    const file = match ? parseFeedFileName(match[1]!) : undefined;
    const feed = file && feeds.find((candidate) => candidate.name === file.name);
    if (!file || !feed) return plainResponse(404, 'not found: see / for the feeds');
    return answerFeedRequest({
      feed,
      format: file.format,
      method: request.method ?? 'GET',
      before: target.searchParams.get('before') ?? undefined,
      ifNoneMatch: request.headers['if-none-match'],
      pageSize: options.config.feeds.pageSize,
      readPage: (page) => readEventFeedPage(table, { sourceIds, ...page }),
      pageUrl: (before) => withBefore(`${url}/feeds/${feed.name}.${file.format}`, before),
      now: clock,
    });
  };
  const server = createServer((request, response) => {
    answer(request).then(
      (result) => send(response, result),
      (error: unknown) => {
        process.stderr.write(`tradewatch serve: ${request.url}: ${(error as Error).message}\n`);
        send(response, plainResponse(500, 'the feed could not be read: see the terminal running tradewatch serve'));
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_SERVE_PORT, LOOPBACK, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  url = `http://${LOOPBACK}:${port}`;
  return {
    url,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function send(response: ServerResponse, result: FeedResponse): void {
  response.writeHead(result.status, result.headers);
  // HEAD: the headers a GET would send, no body.
  response.end(response.req.method === 'HEAD' ? undefined : result.body);
}

function indexPage(url: string, feeds: readonly FeedDefinition[]): FeedResponse {
  const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const rows = feeds.map((feed) => {
    const links = Object.values(FEED_FORMATS)
      .map(({ extension }) => {
        const href = `${url}/feeds/${feed.name}.${extension}`;
        return `<a href="${escape(href)}">${escape(href)}</a>`;
      })
      .join(' · ');
    return `<li>${escape(feed.title)}: ${links}</li>`;
  });
  const alternates = feeds
    .slice(0, 1)
    .map(
      (feed) =>
        `<link rel="alternate" type="application/atom+xml" title="${escape(feed.title)}" href="${escape(`${url}/feeds/${feed.name}.atom`)}">`,
    );
  const body = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><title>tradewatch feeds</title>',
    ...alternates,
    '</head><body>',
    '<h1>tradewatch change feeds</h1>',
    `<ul>\n${rows.join('\n')}\n</ul>`,
    '<p>Subscribe to a URL in a feed reader; each page links to the next, older one.</p>',
    '</body></html>',
    '',
  ].join('\n');
  return {
    status: 200,
    headers: { 'content-type': 'text/html; charset=utf-8', 'x-content-type-options': 'nosniff' },
    body,
  };
}

function portFlag(flags: Flags): number {
  if (flags.port === undefined) return DEFAULT_SERVE_PORT;
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError('--port takes a port number (1-65535)');
  return port;
}

export async function commandServe(flags: Flags): Promise<number> {
  const port = portFlag(flags);
  const config = loadConfig(flags.config);
  const demo = flags.demo ? { home: demoHome(flags) } : {};
  return withRuntime(flags, demo, async (runtime) => {
    const served = await startFeedServer(runtime.store, {
      config,
      port,
      ...(flags.demo ? { subscriberIds: [DEMO_SUBSCRIBER] } : {}),
    });
    out(`Serving the review page of ${runtime.home} at ${served.url}/ (Ctrl-C stops)`);
    out(`Change feeds (${served.url}/feeds/):`);
    for (const feed of feedDefinitions(feedSubscribers(config))) out(`  ${served.url}/feeds/${feed.name}.atom`);
    // The runtime (and its state-folder lock) is held until a signal asks the server to stop.
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await served.close();
    out(`Stopped (${signal}).`);
    return 0;
  });
}
