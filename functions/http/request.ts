/**
 * One HTTP exchange through the address guard (address-guard.ts): the URL is judged before
 * anything is sent, and the socket resolves host names through `guardedLookup`, so the address
 * actually connected to is the one judged. Every outgoing request of tradewatch (downloads, each
 * redirect hop, webhooks) goes through `guardedRequest`.
 *
 * node:http(s) rather than fetch: fetch takes no `lookup` without an undici dispatcher of its own,
 * and node's clients let the decoded body be counted as it streams (a gzip bomb stops at the size
 * limit, on disk, never in memory).
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { BlockedAddressError, NOT_TLS, guardedLookup, urlProblem, type AllAddressesLookup } from './address-guard.ts';

export interface GuardedRequestOptions {
  /** @default 'GET' */
  method?: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  /** Allow http and private, loopback or link-local hosts. @default false */
  allowPrivateHosts?: boolean;
  /**
   * Origins (`http://127.0.0.1:8080`) allowed as `allowPrivateHosts` would, and no other: narrower,
   * for a trusted publisher on a private network and for loopback test publishers. @default none
   */
  allowedOrigins?: readonly string[];
  /** Resolves host names for the connection (every answer is judged). @default node's dns.lookup */
  resolve?: AllAddressesLookup;
}

/** The URL or the address the guard refused; nothing was sent. */
export class RefusedRequestError extends Error {
  readonly reason: string;
  constructor(reason: string, options?: ErrorOptions) {
    super(`refused: ${reason}`, options);
    this.name = 'RefusedRequestError';
    this.reason = reason;
  }
}

/** True when the request to `url` may skip the guard (allowPrivateHosts, or one of allowedOrigins). */
export function isPrivateAllowed(
  url: URL,
  options: Pick<GuardedRequestOptions, 'allowPrivateHosts' | 'allowedOrigins'>,
) {
  return options.allowPrivateHosts === true || (options.allowedOrigins ?? []).includes(url.origin);
}

/** Why the guard refuses `url` before any connection, or undefined. */
export function requestUrlProblem(
  url: URL,
  options: Pick<GuardedRequestOptions, 'allowPrivateHosts' | 'allowedOrigins'>,
): string | undefined {
  const problem = urlProblem(url, isPrivateAllowed(url, options));
  if (problem === NOT_TLS) return `non-TLS URL ${url.href} (only https is fetched)`;
  return problem && `${url.href}: ${problem}`;
}

/**
 * Sends one request and resolves with the response head once it arrives (the body unread). Rejects
 * with RefusedRequestError when the guard refuses the URL or any address its host resolves to, and
 * with the socket's own error otherwise. Redirects are not followed: the caller judges each hop.
 */
export function guardedRequest(url: URL, options: GuardedRequestOptions): Promise<IncomingMessage> {
  const problem = requestUrlProblem(url, options);
  if (problem) return Promise.reject(new RefusedRequestError(problem));
  const guarded = !isPrivateAllowed(url, options);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<IncomingMessage>((resolve, reject) => {
    const request = send(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        ...(url.port ? { port: Number(url.port) } : {}),
        path: `${url.pathname}${url.search}`,
        method: options.method ?? 'GET',
        headers: options.headers,
        signal: options.signal,
        // A connection of its own: a pooled socket would skip the lookup this request is judged by.
        agent: false,
        ...(guarded
          ? { lookup: guardedLookup(options.resolve) }
          : options.resolve
            ? { lookup: anyLookup(options.resolve) }
            : {}),
      },
      resolve,
    );
    request.on('error', (error) => {
      const blocked = blockedCause(error);
      reject(blocked ? new RefusedRequestError(`${url.href}: ${blocked.message}`, { cause: blocked }) : error);
    });
    request.end(options.body);
  });
}

/** The resolver as a socket lookup, unguarded (private hosts allowed). */
function anyLookup(resolve: AllAddressesLookup): LookupFunction {
  return (hostname, options, callback) =>
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error || addresses.length === 0) return callback(error ?? new Error(`${hostname} has no address`), '', 0);
      if (options.all) return (callback as unknown as (e: null, a: typeof addresses) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
}

/** The guard's refusal inside a socket error (Happy Eyeballs wraps the errors of each attempt). */
function blockedCause(error: unknown): BlockedAddressError | undefined {
  if (error instanceof BlockedAddressError) return error;
  if (error instanceof AggregateError) return error.errors.map(blockedCause).find((e) => e !== undefined);
  return undefined;
}

/** Content codings a download may arrive in (we ask for them: lists compress tenfold). */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

/**
 * The response body decoded from its Content-Encoding, as a stream (the caller counts and bounds
 * the decoded bytes). Undefined for a coding we did not ask for.
 */
export function decodedBody(response: IncomingMessage): Readable | undefined {
  const coding = (response.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (coding === 'identity' || coding === '') return response;
  const decoder =
    coding === 'gzip' || coding === 'x-gzip'
      ? createGunzip()
      : coding === 'deflate'
        ? createInflate()
        : coding === 'br'
          ? createBrotliDecompress()
          : undefined;
  if (!decoder) return undefined;
  response.on('error', (error) => decoder.destroy(error));
  return response.pipe(decoder);
}
