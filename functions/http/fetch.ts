/**
 * Downloads a publication politely and safely: conditional GET (ETag / Last-Modified), a size cap,
 * a time limit, retries with backoff on network errors, timeouts, 429 and 5xx (honouring
 * Retry-After), HTTPS only, and no private, loopback or link-local targets unless allowed. The body
 * is spooled to a temporary file while it is hashed, so a 100 MB list never sits in memory.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { SourceFetchError } from '../core/errors.ts';
import { sleep } from '../core/concurrency.ts';
import type { ParseInput, SourceDiscovery, SourceDocument } from '../sources/types.ts';

export interface FetchOptions {
  /** Abort one attempt after this long. @default 120000 */
  timeoutMs?: number;
  /** Refuse bodies larger than this. @default 256 MiB */
  maxBytes?: number;
  /** Attempts in all. @default 3 */
  attempts?: number;
  /** Allow http:// and private/loopback/link-local hosts (tests, explicitly trusted config). @default false */
  allowPrivateHosts?: boolean;
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
  maxBytes: 256 * 1024 * 1024,
  attempts: 3,
  backoffMs: 1000,
  userAgent: 'tradewatch (+https://github.com/tradewatch)',
};

/** True for loopback, private (RFC 1918, ULA), link-local, CGNAT, unspecified and metadata addresses. */
export function isPrivateAddress(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(v4) === 4) {
    const [a, b] = v4.split('.').map(Number) as [number, number];
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127) ||
      a >= 224
    );
  }
  const v6 = address.toLowerCase();
  return (
    v6 === '::' ||
    v6 === '::1' ||
    v6.startsWith('fe8') ||
    v6.startsWith('fe9') ||
    v6.startsWith('fea') ||
    v6.startsWith('feb') ||
    v6.startsWith('fc') ||
    v6.startsWith('fd') ||
    v6.startsWith('ff')
  );
}

/** Refuses URLs that are not https, or whose host resolves to a private address. */
export async function assertFetchableUrl(sourceId: string, url: string, allowPrivateHosts: boolean): Promise<URL> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new SourceFetchError(sourceId, `invalid URL ${JSON.stringify(url)}`, { cause: error });
  }
  if (allowPrivateHosts) {
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
      throw new SourceFetchError(sourceId, `refused ${parsed.protocol} URL ${url}`);
    return parsed;
  }
  if (parsed.protocol !== 'https:')
    throw new SourceFetchError(sourceId, `refused non-TLS URL ${url} (only https is fetched)`);
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host)
    ? [host]
    : (
        await lookup(host, { all: true }).catch((error: Error) => {
          throw new SourceFetchError(sourceId, `cannot resolve ${host}: ${error.message}`, { cause: error });
        })
      ).map((a) => a.address);
  const blocked = addresses.find(isPrivateAddress);
  if (blocked)
    throw new SourceFetchError(
      sourceId,
      `refused ${url}: ${host} resolves to a private, loopback or link-local address (${blocked})`,
    );
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

function retryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** One URL to a temporary file; returns undefined on 304. `finalUrl` is where redirects ended. */
/** Redirects one download follows, each to a URL checked like the first one. */
export const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

async function downloadOnce(
  sourceId: string,
  url: string,
  name: string,
  directory: string,
  validators: Validators,
  options: Required<Omit<FetchOptions, 'allowPrivateHosts'>> & Pick<FetchOptions, 'allowPrivateHosts'>,
): Promise<(DownloadedFile & Validators & { finalUrl: string }) | undefined> {
  const headers: Record<string, string> = { 'user-agent': options.userAgent, accept: '*/*' };
  if (validators.etag) headers['if-none-match'] = validators.etag;
  if (validators.lastModified) headers['if-modified-since'] = validators.lastModified;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  try {
    // Redirects are followed by hand: each Location is checked as the first URL was (https only,
    // no private, loopback or link-local address), so a publisher, or whoever answers for it,
    // cannot bounce the poller to 169.254.169.254 or an internal host.
    let response: Response;
    let current = url;
    for (let hop = 0; ; hop++) {
      try {
        response = await fetch(current, { headers, signal: controller.signal, redirect: 'manual' });
      } catch (error) {
        throw new RetryableError(
          controller.signal.aborted
            ? `timed out after ${options.timeoutMs} ms`
            : `network error: ${(error as Error).message}`,
        );
      }
      if (!REDIRECT_STATUSES.has(response.status)) break;
      await response.body?.cancel();
      const location = response.headers.get('location');
      if (!location)
        throw new SourceFetchError(sourceId, `HTTP ${response.status} redirect from ${current} without a Location`);
      if (hop >= MAX_REDIRECTS)
        throw new SourceFetchError(sourceId, `more than ${MAX_REDIRECTS} redirects from ${url}`);
      const next = new URL(location, current).href;
      await assertFetchableUrl(sourceId, next, options.allowPrivateHosts ?? false).catch((error: SourceFetchError) => {
        throw new SourceFetchError(sourceId, `redirect from ${current}: ${error.reason}`);
      });
      current = next;
    }
    if (response.status === 304) return undefined;
    if (response.status === 429 || response.status >= 500) {
      await response.body?.cancel();
      throw new RetryableError(`HTTP ${response.status} from ${url}`, retryAfter(response.headers.get('retry-after')));
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new SourceFetchError(sourceId, `HTTP ${response.status} ${response.statusText} from ${url}`);
    }
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (declared > options.maxBytes) {
      await response.body.cancel();
      throw new SourceFetchError(sourceId, `${url} is ${declared} bytes, over the ${options.maxBytes}-byte limit`);
    }
    const path = join(directory, name);
    let bytes = 0;
    const attemptHash = createHash('sha256');
    const counted = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>).on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > options.maxBytes)
        counted.destroy(new SourceFetchError(sourceId, `${url} exceeded the ${options.maxBytes}-byte limit`));
      attemptHash.update(chunk);
    });
    try {
      await pipeline(counted, createWriteStream(path));
    } catch (error) {
      if (error instanceof SourceFetchError) throw error;
      throw new RetryableError(
        controller.signal.aborted
          ? `timed out after ${options.timeoutMs} ms while reading the body`
          : `download broke off: ${(error as Error).message}`,
      );
    }
    const result: DownloadedFile & Validators & { finalUrl: string } = {
      name,
      path,
      bytes,
      sha256: attemptHash.digest('hex'),
      finalUrl: current,
    };
    const etag = response.headers.get('etag');
    const lastModified = response.headers.get('last-modified');
    if (etag) result.etag = etag;
    if (lastModified) result.lastModified = lastModified;
    return result;
  } finally {
    clearTimeout(timer);
  }
}

async function withRetries<T>(
  sourceId: string,
  url: string,
  options: Required<Omit<FetchOptions, 'allowPrivateHosts'>>,
  attempt: () => Promise<T>,
): Promise<T> {
  let last: RetryableError | undefined;
  for (let i = 0; i < options.attempts; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof RetryableError)) throw error;
      last = error;
      if (i + 1 < options.attempts)
        await sleep(Math.min(60_000, error.retryAfterMs ?? options.backoffMs * 2 ** i * (0.5 + Math.random() / 2)));
    }
  }
  throw new SourceFetchError(sourceId, `${last?.message ?? 'failed'} (after ${options.attempts} attempts)`);
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
  const options = { ...DEFAULTS, ...fetchOptions };
  await assertFetchableUrl(sourceId, request.url, options.allowPrivateHosts ?? false);
  for (const url of Object.values(request.companions ?? {}))
    await assertFetchableUrl(sourceId, url, options.allowPrivateHosts ?? false);
  const directory = await mkdtemp(join(tmpdir(), `tradewatch-${sourceId}-`));
  const cleanup = (): Promise<void> => rm(directory, { recursive: true, force: true });
  try {
    const main = await withRetries(sourceId, request.url, options, () =>
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
      const file = await withRetries(sourceId, url, options, () =>
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
 * Two-label public suffixes under which the registrable domain has three labels. Not the Public
 * Suffix List: enough for government publishers (gov.uk, gov.au …); any other host's registrable
 * domain is its last two labels.
 */
const TWO_LABEL_SUFFIXES: ReadonlySet<string> = new Set(
  'co.uk org.uk gov.uk ac.uk com.au gov.au org.au net.au co.nz govt.nz co.jp go.jp com.cn gov.cn com.br gov.br co.in gov.in com.sg gov.sg com.hk gov.hk co.za gov.za'.split(
    ' ',
  ),
);

/** The registrable domain of a host (`bis.gov` for `www.bis.gov`); an IP address is its own. */
export function registrableDomain(host: string): string {
  const name = host
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  if (isIP(name)) return name;
  const labels = name.split('.');
  const keep = labels.length >= 3 && TWO_LABEL_SUFFIXES.has(labels.slice(-2).join('.')) ? 3 : 2;
  return labels.slice(-keep).join('.');
}

/**
 * True when a link found on a page may be followed: same host as the page, or the page's
 * registrable domain or a subdomain of it (`media.bis.gov` from `www.bis.gov`). An IP-address page
 * only links to itself.
 */
export function isAllowedLinkHost(pageHost: string, linkHost: string): boolean {
  const page = pageHost.toLowerCase().replace(/\.$/, '');
  const link = linkHost.toLowerCase().replace(/\.$/, '');
  if (link === page) return true;
  if (isIP(page.replace(/^\[|\]$/g, ''))) return false;
  const domain = registrableDomain(page);
  return link === domain || link.endsWith(`.${domain}`);
}

const BASE_HREF = /<base\b[^>]*?\shref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i;
const ANCHOR_HREF = /<a\b[^>]*?\shref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/gi;

function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos|#39);/gi, (entity, code: string) => {
    const lower = code.toLowerCase();
    if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return String.fromCodePoint(Number(lower.slice(1)));
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[lower] ?? entity;
  });
}

/**
 * The absolute http(s) URLs of the page's `<a href>` links, in page order. Relative hrefs resolve
 * against the page's `<base href>` when it has one, else against the page's own URL.
 */
export function pageLinks(html: string, pageUrl: string): string[] {
  const baseMatch = BASE_HREF.exec(html);
  let base = pageUrl;
  if (baseMatch) {
    try {
      base = new URL(decodeEntities((baseMatch[1] ?? baseMatch[2] ?? baseMatch[3] ?? '').trim()), pageUrl).href;
    } catch {
      // an unreadable <base> is ignored
    }
  }
  const links: string[] = [];
  for (const match of html.matchAll(ANCHOR_HREF)) {
    const href = decodeEntities((match[1] ?? match[2] ?? match[3] ?? '').trim());
    if (!href) continue;
    try {
      const url = new URL(href, base);
      if (url.protocol === 'https:' || url.protocol === 'http:') links.push(url.href);
    } catch {
      // not a URL: skipped
    }
  }
  return links;
}

/** The date an eight-digit `date` group stands for (UTC ms), or undefined when it is none. */
function linkDate(digits: string | undefined, format: SourceDiscovery['dateFormat']): number | undefined {
  if (!digits || !format || !/^\d{8}$/.test(digits)) return undefined;
  const [year, month, day] =
    format === 'MMDDYYYY'
      ? [digits.slice(4), digits.slice(0, 2), digits.slice(2, 4)]
      : [digits.slice(0, 4), digits.slice(4, 6), digits.slice(6)];
  const [y, m, d] = [Number(year), Number(month), Number(day)];
  const time = Date.UTC(y, m - 1, d);
  const date = new Date(time);
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d ? time : undefined;
}

/**
 * Which of the page's links is the file: those matching `linkPattern` (case-insensitively); of
 * several, the one whose `date` group is the latest date (`dateFormat`), else the last on the page.
 * Undefined when none matches.
 */
export function chooseLink(
  links: readonly string[],
  discovery: Pick<SourceDiscovery, 'linkPattern' | 'dateFormat'>,
): string | undefined {
  const pattern = new RegExp(discovery.linkPattern, 'i');
  let chosen: { url: string; date: number | undefined } | undefined;
  for (const url of links) {
    const match = pattern.exec(url);
    if (!match) continue;
    const date = linkDate(match.groups?.date, discovery.dateFormat);
    // A dated link beats an undated one; the later date wins; on a tie, or among undated links, the
    // later one on the page does.
    const better =
      !chosen || (date === undefined ? chosen.date === undefined : chosen.date === undefined || date >= chosen.date);
    if (better) chosen = { url, date };
  }
  return chosen?.url;
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
  const options = { ...DEFAULTS, ...fetchOptions };
  const allowPrivate = options.allowPrivateHosts ?? false;
  const fail = (reason: string, cause?: unknown): SourceFetchError =>
    new SourceFetchError(sourceId, `discover: ${reason}`, cause === undefined ? undefined : { cause });
  let page: URL;
  try {
    page = await assertFetchableUrl(sourceId, discovery.page, allowPrivate);
  } catch (error) {
    throw error instanceof SourceFetchError ? fail(error.reason, error) : error;
  }
  const directory = await mkdtemp(join(tmpdir(), `tradewatch-${sourceId}-page-`));
  try {
    let fetched;
    try {
      fetched = await withRetries(sourceId, page.href, options, () =>
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
    return link;
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
