/**
 * http/ — every outgoing request: limits, retries, redirects, deadlines, the address guard. Builds on core/ alone.
 *
 * Downloads a publication politely and safely: conditional GET (ETag / Last-Modified), a size cap,
 * retries with backoff on network errors, timeouts, 429 and 5xx (honouring Retry-After), HTTPS
 * only, and every request (each redirect hop too) through the address guard (address-guard.ts,
 * request.ts) unless private hosts are allowed. The body is spooled to a temporary file while it is
 * hashed, so a 100 MB list never sits in memory.
 *
 * Time is bounded three ways: an attempt ends after `timeoutMs`, or after `idleTimeoutMs` without a
 * byte; and all the downloads of one poll (discovery page, main file, companions, follow-ups, every
 * attempt and redirect) end by one deadline (`deadlineMs` from the first, shared through
 * `withFetchDeadline`), which stays well inside the poller's Lambda timeout, so a publisher that
 * drips one byte a second fails the poll cleanly instead of the Lambda being killed mid-run.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { SourceFetchError } from '../core/errors.ts';
import { sleep } from '../core/concurrency.ts';
import { ACCEPT_ENCODING, RefusedRequestError, decodedBody, guardedRequest, requestUrlProblem } from './request.ts';
import { chooseLink, isAllowedLinkHost, pageLinks, registrableDomain } from './links.ts';
import type { AllAddressesLookup } from './address-guard.ts';
import type { ParseInput, SourceDiscovery, SourceDocument } from './types.ts';

export { isPrivateAddress } from './address-guard.ts';
export { chooseLink, isAllowedLinkHost, pageLinks, registrableDomain } from './links.ts';

/**
 * How long all the downloads of one poll may take. The poller's Lambda timeout is 5 minutes
 * (infra/constructs/source-poller.ts); the rest is left to parse, store and publish.
 */
export const FETCH_DEADLINE_MS = 180_000;

export interface FetchOptions {
  /** Abort one attempt after this long. @default 120000 */
  timeoutMs?: number;
  /** Abort one attempt when no byte has come for this long (headers or body). @default 30000 */
  idleTimeoutMs?: number;
  /** All downloads sharing these options end within this long of the first. @default FETCH_DEADLINE_MS */
  deadlineMs?: number;
  /**
   * When that deadline falls (epoch ms): set once per poll by `withFetchDeadline`, so discovery,
   * main file, companions and follow-ups share it. @default each call starts its own
   */
  deadlineAt?: number;
  /** Refuse bodies larger than this (decoded). @default 256 MiB */
  maxBytes?: number;
  /** Attempts in all. @default 3 */
  attempts?: number;
  /** Allow http:// and private/loopback/link-local hosts (tests, explicitly trusted config). @default false */
  allowPrivateHosts?: boolean;
  /** Origins (`http://127.0.0.1:8080`) allowed as allowPrivateHosts would, and no other. @default none */
  allowedOrigins?: readonly string[];
  /** Resolves host names for each connection (every answer is judged). @default node's dns.lookup */
  resolve?: AllAddressesLookup;
  /** Base backoff between attempts. @default 1000 */
  backoffMs?: number;
  userAgent?: string;
}

export interface Validators {
  etag?: string;
  lastModified?: string;
}

export interface DownloadedFile {
  name: string;
  path: string;
  bytes: number;
  /** SHA-256 of the file's bytes, hex. */
  sha256: string;
}

export interface FetchedVersion {
  notModified: false;
  input: ParseInput;
  /** SHA-256 over every file's bytes, in a fixed order: the version id. */
  contentHash: string;
  etag?: string;
  lastModified?: string;
  bytes: number;
  cleanup(): Promise<void>;
}

export type FetchOutcome = { notModified: true } | FetchedVersion;

const DEFAULTS = {
  timeoutMs: 120_000,
  idleTimeoutMs: 30_000,
  deadlineMs: FETCH_DEADLINE_MS,
  maxBytes: 256 * 1024 * 1024,
  attempts: 3,
  backoffMs: 1000,
  userAgent: 'tradewatch (+https://github.com/tradewatch)',
};

type ResolvedOptions = typeof DEFAULTS & FetchOptions & { deadlineAt: number };

/** The options with the deadline fixed now (unless already fixed): what one poll passes to every download. */
export function withFetchDeadline(options: FetchOptions, now = Date.now()): FetchOptions {
  return options.deadlineAt === undefined
    ? { ...options, deadlineAt: now + (options.deadlineMs ?? DEFAULTS.deadlineMs) }
    : options;
}

function resolveOptions(options: FetchOptions): ResolvedOptions {
  const resolved = { ...DEFAULTS, ...options };
  return { ...resolved, deadlineAt: options.deadlineAt ?? Date.now() + resolved.deadlineMs };
}

/**
 * The URL, parsed, when the guard lets it be requested (scheme, credentials, literal host; a host
 * name is judged when it is resolved for the connection). A SourceFetchError otherwise.
 */
export function fetchableUrl(
  sourceId: string,
  url: string,
  options: Pick<FetchOptions, 'allowPrivateHosts' | 'allowedOrigins'> = {},
): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new SourceFetchError(sourceId, `invalid URL ${JSON.stringify(url)}`, { cause: error });
  }
  const problem = requestUrlProblem(parsed, options);
  if (problem) throw new SourceFetchError(sourceId, `refused ${problem}`);
  return parsed;
}

class RetryableError extends Error {
  readonly retryAfterMs: number | undefined;
  constructor(message: string, retryAfterMs?: number) {
    super(message);
    this.name = 'RetryableError';
    this.retryAfterMs = retryAfterMs;
  }
}

function retryAfter(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Redirects one download follows, each hop through the guard like the first URL. */
export const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Why an attempt was cut short, and the abort that cuts it. */
class AttemptClock {
  readonly controller = new AbortController();
  reason: string | undefined;
  private readonly timer: NodeJS.Timeout;
  private idle: NodeJS.Timeout | undefined;

  constructor(private readonly options: ResolvedOptions) {
    const remaining = options.deadlineAt - Date.now();
    this.timer =
      remaining < options.timeoutMs
        ? setTimeout(() => this.abort(deadlineReason(options)), Math.max(0, remaining))
        : setTimeout(() => this.abort(`timed out after ${options.timeoutMs} ms`), options.timeoutMs);
    this.touch();
  }

  /** A byte came: the idle bound starts again. */
  touch(): void {
    clearTimeout(this.idle);
    this.idle = setTimeout(
      () => this.abort(`no data for ${this.options.idleTimeoutMs} ms (idle timeout)`),
      this.options.idleTimeoutMs,
    );
  }

  abort(reason: string): void {
    this.reason ??= reason;
    this.controller.abort();
  }

  stop(): void {
    clearTimeout(this.timer);
    clearTimeout(this.idle);
  }
}

function deadlineReason(options: ResolvedOptions): string {
  return `the fetch deadline passed (${options.deadlineMs} ms for all the downloads of a poll)`;
}

/** Drains and frees a response whose body is not wanted. */
function discard(response: IncomingMessage): void {
  response.resume();
  response.destroy();
}

/**
 * One URL to a temporary file; undefined on 304 to a request that sent validators.
 * `finalUrl` is where redirects ended.
 */
async function downloadOnce(
  sourceId: string,
  url: string,
  name: string,
  directory: string,
  validators: Validators,
  options: ResolvedOptions,
): Promise<(DownloadedFile & Validators & { finalUrl: string }) | undefined> {
  const headers: Record<string, string> = {
    'user-agent': options.userAgent,
    accept: '*/*',
    'accept-encoding': ACCEPT_ENCODING,
  };
  if (validators.etag) headers['if-none-match'] = validators.etag;
  if (validators.lastModified) headers['if-modified-since'] = validators.lastModified;
  const conditional = Object.keys(headers).some((header) => header.startsWith('if-'));
  const clock = new AttemptClock(options);
  try {
    // Redirects are followed by hand: each Location goes through the guard as the first URL did
    // (https only, no private, loopback or link-local address, literal or resolved), so a
    // publisher, or whoever answers for it, cannot bounce the poller to 169.254.169.254.
    let response: IncomingMessage;
    let current = new URL(url);
    for (let hop = 0; ; hop++) {
      try {
        response = await guardedRequest(current, {
          headers,
          signal: clock.controller.signal,
          ...guardOptions(options),
        });
      } catch (error) {
        if (error instanceof RefusedRequestError) {
          const refused = `refused ${error.reason}`;
          throw new SourceFetchError(sourceId, hop === 0 ? refused : `redirect to ${current.href}: ${refused}`);
        }
        throw new RetryableError(clock.reason ?? `network error: ${(error as Error).message}`);
      }
      clock.touch();
      if (!REDIRECT_STATUSES.has(response.statusCode ?? 0)) break;
      discard(response);
      const location = response.headers.location;
      if (!location)
        throw new SourceFetchError(
          sourceId,
          `HTTP ${response.statusCode} redirect from ${current.href} without a Location`,
        );
      if (hop >= MAX_REDIRECTS)
        throw new SourceFetchError(sourceId, `more than ${MAX_REDIRECTS} redirects from ${url}`);
      const next = new URL(location, current);
      const problem = requestUrlProblem(next, options);
      if (problem) throw new SourceFetchError(sourceId, `redirect from ${current.href}: refused ${problem}`);
      current = next;
    }
    const status = response.statusCode ?? 0;
    if (status === 304) {
      discard(response);
      // Only an answer to our validators means "unchanged": a cache answering 304 to a plain GET
      // would otherwise make a source with nothing stored look unchanged forever.
      if (conditional) return undefined;
      throw new SourceFetchError(sourceId, `${url} answered 304 Not Modified to a request without validators`);
    }
    if (status === 429 || status >= 500) {
      discard(response);
      throw new RetryableError(`HTTP ${status} from ${url}`, retryAfter(response.headers['retry-after']));
    }
    if (status < 200 || status > 299) {
      discard(response);
      throw new SourceFetchError(sourceId, `HTTP ${status} ${response.statusMessage ?? ''} from ${url}`.trimEnd());
    }
    const declared = Number(response.headers['content-length'] ?? NaN);
    if (declared > options.maxBytes) {
      discard(response);
      throw new SourceFetchError(sourceId, `${url} is ${declared} bytes, over the ${options.maxBytes}-byte limit`);
    }
    const body = decodedBody(response);
    if (!body) {
      discard(response);
      throw new SourceFetchError(
        sourceId,
        `${url} came in an unknown Content-Encoding ${JSON.stringify(response.headers['content-encoding'])}`,
      );
    }
    const path = join(directory, name);
    // The bytes as sent (before any decoding), held against the declared Content-Length: a body
    // that ends early is a truncated download even when the connection closed cleanly.
    let received = 0;
    response.on('data', (chunk: Buffer) => (received += chunk.length));
    let bytes = 0;
    const attemptHash = createHash('sha256');
    try {
      await pipeline(
        body,
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            clock.touch();
            bytes += chunk.length;
            // Counted after decoding: a gzip bomb stops here, on disk, at the limit.
            if (bytes > options.maxBytes)
              throw new SourceFetchError(sourceId, `${url} exceeded the ${options.maxBytes}-byte limit`);
            attemptHash.update(chunk);
            yield chunk;
          }
        },
        createWriteStream(path),
      );
    } catch (error) {
      if (error instanceof SourceFetchError) throw error;
      throw new RetryableError(
        clock.reason ? `${clock.reason} while reading the body` : `download broke off: ${(error as Error).message}`,
      );
    }
    if (Number.isFinite(declared) && received !== declared)
      throw new RetryableError(`${url} ended after ${received} of the ${declared} bytes its Content-Length declares`);
    const result: DownloadedFile & Validators & { finalUrl: string } = {
      name,
      path,
      bytes,
      sha256: attemptHash.digest('hex'),
      finalUrl: current.href,
    };
    const etag = response.headers.etag;
    const lastModified = response.headers['last-modified'];
    if (etag) result.etag = etag;
    if (lastModified) result.lastModified = lastModified;
    return result;
  } finally {
    clock.stop();
  }
}

function guardOptions(options: FetchOptions): Pick<FetchOptions, 'allowPrivateHosts' | 'allowedOrigins' | 'resolve'> {
  return {
    ...(options.resolve ? { resolve: options.resolve } : {}),
    ...(options.allowPrivateHosts ? { allowPrivateHosts: true } : {}),
    ...(options.allowedOrigins ? { allowedOrigins: options.allowedOrigins } : {}),
  };
}

async function withRetries<T>(sourceId: string, options: ResolvedOptions, attempt: () => Promise<T>): Promise<T> {
  let last: RetryableError | undefined;
  let made = 0;
  while (made < options.attempts) {
    if (Date.now() >= options.deadlineAt) break;
    made += 1;
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof RetryableError)) throw error;
      last = error;
      if (made >= options.attempts) break;
      const wait = Math.min(
        60_000,
        error.retryAfterMs ?? options.backoffMs * 2 ** (made - 1) * (0.5 + Math.random() / 2),
      );
      // A wait that would end past the deadline is not waited: the poll fails now, cleanly.
      if (Date.now() + wait >= options.deadlineAt) break;
      await sleep(wait);
    }
  }
  const cause = last?.message ?? deadlineReason(options);
  const deadline = Date.now() >= options.deadlineAt || made < options.attempts ? `; ${deadlineReason(options)}` : '';
  throw new SourceFetchError(
    sourceId,
    `${cause} (after ${made} attempt${made === 1 ? '' : 's'})${cause.startsWith('the fetch deadline') ? '' : deadline}`,
  );
}

export interface DownloadRequest {
  /** Name the parser sees for the main file, e.g. `sdn.csv`. */
  name: string;
  url: string;
  /** Companion files by name → URL. */
  companions?: Readonly<Record<string, string>>;
}

/**
 * Fetches a publication (main file and companions). With validators from the last stored version,
 * a 304 on the main file ends the fetch: nothing is downloaded.
 */
export async function fetchVersion(
  sourceId: string,
  request: DownloadRequest,
  validators: Validators,
  fetchOptions: FetchOptions = {},
): Promise<FetchOutcome> {
  const options = resolveOptions(fetchOptions);
  fetchableUrl(sourceId, request.url, options);
  for (const url of Object.values(request.companions ?? {})) fetchableUrl(sourceId, url, options);
  const directory = await mkdtemp(join(tmpdir(), `tradewatch-${sourceId}-`));
  const cleanup = (): Promise<void> => rm(directory, { recursive: true, force: true });
  try {
    const main = await withRetries(sourceId, options, () =>
      downloadOnce(sourceId, request.url, request.name, directory, validators, options),
    );
    if (!main) {
      await cleanup();
      return { notModified: true };
    }
    const companions = new Map<string, SourceDocument>();
    const digests = [main.sha256];
    let bytes = main.bytes;
    for (const [name, url] of Object.entries(request.companions ?? {})) {
      const file = await withRetries(sourceId, options, () =>
        downloadOnce(sourceId, url, name, directory, {}, options),
      );
      if (!file) throw new SourceFetchError(sourceId, `${url} answered 304 to an unconditional GET`);
      bytes += file.bytes;
      digests.push(file.sha256);
      companions.set(name.toLowerCase(), fileDocumentAt(file));
    }
    const version: FetchedVersion = {
      notModified: false,
      input: { main: fileDocumentAt(main), companions },
      contentHash: versionHash(digests),
      bytes,
      cleanup,
    };
    if (main.etag) version.etag = main.etag;
    if (main.lastModified) version.lastModified = main.lastModified;
    return version;
  } catch (error) {
    await cleanup();
    throw error;
  }
}

function fileDocumentAt(file: DownloadedFile): SourceDocument {
  return { name: file.name, open: () => createReadStream(file.path) };
}

/**
 * The version id of a publication from its files' SHA-256 digests, main file first: the digest
 * itself for one file, a digest of the digests for several.
 */
export function versionHash(digests: readonly string[]): string {
  return digests.length === 1 ? digests[0]! : createHash('sha256').update(digests.join('\n')).digest('hex');
}

/** The version id of files on disk (replay), the same as a poll of the same bytes gets. */
export async function hashFiles(paths: readonly string[]): Promise<string> {
  const digests: string[] = [];
  for (const path of paths) {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    digests.push(hash.digest('hex'));
  }
  return versionHash(digests);
}

/**
 * Finds the current file of a download whose name changes with every update: fetches the page
 * (same limits, retries, TLS rule and private-address guard as any download, no validators), picks
 * the link (`chooseLink`) and refuses one to another site. Every failure is a SourceFetchError whose
 * reason starts with `discover:`, so nothing is stored and the run raises one source-health event.
 */
export async function discoverLink(
  sourceId: string,
  discovery: SourceDiscovery,
  fetchOptions: FetchOptions = {},
): Promise<string> {
  const options = resolveOptions(fetchOptions);
  const fail = (reason: string, cause?: unknown): SourceFetchError =>
    new SourceFetchError(sourceId, `discover: ${reason}`, cause === undefined ? undefined : { cause });
  let page: URL;
  try {
    page = fetchableUrl(sourceId, discovery.page, options);
  } catch (error) {
    throw error instanceof SourceFetchError ? fail(error.reason, error) : error;
  }
  const directory = await mkdtemp(join(tmpdir(), `tradewatch-${sourceId}-page-`));
  try {
    let fetched;
    try {
      fetched = await withRetries(sourceId, options, () =>
        downloadOnce(sourceId, page.href, 'page.html', directory, {}, options),
      );
    } catch (error) {
      throw error instanceof SourceFetchError ? fail(error.reason, error) : error;
    }
    if (!fetched) throw fail(`${page.href} answered 304 to an unconditional GET`);
    const html = await readFile(fetched.path, 'utf8');
    const link = chooseLink(pageLinks(html, fetched.finalUrl), discovery);
    if (!link) throw fail(`no link matching /${discovery.linkPattern}/ on ${page.href}`);
    const linkHost = new URL(link).hostname;
    if (!isAllowedLinkHost(page.hostname, linkHost)) {
      throw fail(
        `refused ${link} found on ${page.href}: ${linkHost} is neither ${page.hostname} nor within ${registrableDomain(page.hostname)}`,
      );
    }
    // The same guard as any request, named here: the file is fetched next, from this link.
    const problem = requestUrlProblem(new URL(link), options);
    if (problem) throw fail(`refused ${problem} found on ${page.href}`);
    return link;
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
