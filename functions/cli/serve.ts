/**
 * `tradewatch serve [--port 8787]`: the change feeds of the local state over HTTP, for a feed reader
 * on the same machine. It binds 127.0.0.1 only and asks for no token: whoever can reach loopback can
 * read the state folder anyway. The deployed feeds (handlers/feed.ts) sit behind secret URLs instead.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
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
  config: Pick<TradewatchConfig, 'subscribers' | 'customSources' | 'feeds'>;
  /** 0: any free port. @default DEFAULT_SERVE_PORT */
  port?: number;
  /** The sources whose events the feeds hold. @default feedSourceIds(config): registered and custom */
  sourceIds?: readonly string[];
  /** @default the system clock */
  clock?: () => Date;
}

export interface FeedServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Serves `/`, `/feeds/<name>.atom` and `/feeds/<name>.json` from the table, on loopback only. */
export async function startFeedServer(table: TableRef, options: FeedServerOptions): Promise<FeedServer> {
  const feeds = feedDefinitions(feedSubscribers(options.config));
  const sourceIds = options.sourceIds ?? feedSourceIds(options.config);
  const clock = options.clock ?? (() => new Date());
  let url = '';
  const answer = async (request: IncomingMessage): Promise<FeedResponse> => {
    const target = new URL(request.url ?? '/', url);
    if (target.pathname === '/') return indexPage(url, feeds);
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
  url = `http://${LOOPBACK}:${(server.address() as AddressInfo).port}`;
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
  response.end(result.body);
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
  return withRuntime(flags, {}, async (runtime) => {
    const served = await startFeedServer(runtime.store, { config, port });
    out(`Serving the change feeds of ${runtime.home} at ${served.url}/ (Ctrl-C stops)`);
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
