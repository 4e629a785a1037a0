/**
 * The review page's contract with whatever serves it: a request as plain data (method, path,
 * query, headers, body, and the signed-in reviewer the server vouches for), a response as plain
 * data. `tradewatch serve` (cli/serve.ts) adapts node:http to it on loopback; the deployed page
 * adapts a Lambda event behind sign-in. The page itself never sees a socket or a Lambda event, so
 * both run the same code and the tests drive it without either.
 */
import type { TableRef } from '../aws/table.ts';
import type { TradewatchConfig } from '../config/config.ts';

/** The person deciding: who is written as `by` in the audit trail, and which subscribers they may see. */
export interface Reviewer {
  /** Written as `by` on every decision (an email address on AWS, the OS user locally). */
  id: string;
  email?: string;
  /** Subscriber ids this person may see and decide; `'all'` locally. */
  subscribers: readonly string[] | 'all';
}

export interface PageRequest {
  /** `GET`, `POST`, `HEAD` … (upper case). */
  method: string;
  /**
   * The path below the page's base path, starting with `/`, percent-encoded as the browser sent it
   * (`/records/us-ofac-sdn/36%2F2`): the page splits it on `/` and decodes each segment.
   */
  path: string;
  query: URLSearchParams;
  /**
   * Lower-case header names. `host` must be the host the browser addressed, and `origin`/`referer`
   * passed as received: a POST is refused when they name another site.
   */
  headers: Readonly<Record<string, string | undefined>>;
  /** The raw body (`application/x-www-form-urlencoded` for the page's forms); '' for none. */
  body: string;
  /** Authenticated by the server before the page is called: the page trusts it. */
  reviewer: Reviewer;
}

export interface PageResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
}

export type PageHandler = (request: PageRequest) => Promise<PageResponse>;

/** The part of the configuration the page reads (a whole TradewatchConfig will do). */
export type ReviewPageConfig = Pick<TradewatchConfig, 'subscribers' | 'customSources' | 'topics' | 'federalRegister'>;

export interface ReviewPageDeps {
  /** The pipeline's table (read, plus the decisions and audit items). */
  table: TableRef;
  /** Which sources exist (registered and custom) and which subscribers have watchlists. */
  config: ReviewPageConfig;
  /** Key of the CSRF tokens (HMAC-SHA256): random per process locally, a secret on AWS. At least 32 bytes. */
  csrfSecret: Uint8Array;
  /** @default the system clock */
  now?: () => Date;
  /**
   * Where the page is mounted, without a trailing slash: links and form actions start with it.
   * @default '' (the root)
   */
  basePath?: string;
  /**
   * Subscribers whose hits the page offers besides the configuration's subscribers with a
   * watchlist (the demo's example watchlist, which is in no configuration). @default none
   */
  subscriberIds?: readonly string[];
}

export type { TableRef } from '../aws/table.ts';
export type { TradewatchConfig } from '../config/config.ts';
