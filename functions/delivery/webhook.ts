/**
 * Signed webhook delivery (Standard Webhooks): headers `webhook-id`, `webhook-timestamp` and
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, with the secret given as
 * `whsec_<base64>`. Retries with backoff on timeouts, network errors, 429 and 5xx, honouring
 * Retry-After; any other 4xx is final.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { sleep } from '../core/concurrency.ts';
import { fetchableUrl } from '../http/fetch.ts';
import { RefusedRequestError, guardedRequest } from '../http/request.ts';
import { DeliveryError, SourceFetchError } from '../core/errors.ts';

export interface WebhookTarget {
  url: string;
  /** `whsec_` + base64 key (the Standard Webhooks form), or any string used as raw key bytes. */
  secret: string;
  /** Allow http:// and private hosts (local testing only). @default false */
  allowPrivateHosts?: boolean;
}

export interface WebhookDeliveryOptions {
  attempts?: number;
  timeoutMs?: number;
  backoffMs?: number;
  /** Longest wait between attempts, also caps Retry-After. @default 30000 */
  maxBackoffMs?: number;
  /**
   * A Retry-After longer than this ends the call at once, with `retryAfterMs` in the result, so
   * that the caller can reschedule the delivery (e.g. through an SQS visibility timeout) instead of
   * retrying before the receiver asked.
   * @default unlimited: the wait is min(maxBackoffMs, Retry-After) and the attempts go on
   */
  retryAfterLimitMs?: number;
}

export interface WebhookResult {
  delivered: boolean;
  attempts: number;
  status?: number;
  error?: string;
  /** The Retry-After of the last response, in milliseconds, when it carried one. */
  retryAfterMs?: number;
}

function secretKey(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
}

export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac('sha256', secretKey(secret)).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** Verifies a Standard Webhooks signature header (space-separated `v1,<sig>` list) within a tolerance. */
export function verifyWebhook(
  secret: string,
  headers: { id: string; timestamp: string; signature: string },
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
  toleranceSeconds = 300,
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, headers.id, timestamp, body).slice(3), 'base64');
  return headers.signature.split(' ').some((candidate) => {
    const [version, value] = candidate.split(',', 2);
    if (version !== 'v1' || !value) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

function retryAfterMs(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** POSTs `body` signed; `id` is the event id, the receiver's idempotency key. */
export async function deliverWebhook(
  target: WebhookTarget,
  id: string,
  body: string,
  options: WebhookDeliveryOptions = {},
): Promise<WebhookResult> {
  const attempts = options.attempts ?? 5;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const backoffMs = options.backoffMs ?? 1000;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  // Refused before any attempt (a DeliveryError the dispatcher takes as permanent): the URL
  // here, a host name's addresses when the socket resolves it (below).
  let url: ReturnType<typeof fetchableUrl>;
  try {
    url = fetchableUrl('webhook', target.url, { allowPrivateHosts: target.allowPrivateHosts ?? false });
  } catch (error) {
    if (error instanceof SourceFetchError) throw new DeliveryError('webhook', error.reason, { cause: error });
    throw error;
  }
  let last: WebhookResult = { delivered: false, attempts: 0 };
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const timestamp = Math.floor(Date.now() / 1000);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let wait: number | undefined;
    try {
      const response = await guardedRequest(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/cloudevents+json',
          'content-length': String(Buffer.byteLength(body)),
          'webhook-id': id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signWebhook(target.secret, id, timestamp, body),
        },
        body,
        signal: controller.signal,
        allowPrivateHosts: target.allowPrivateHosts ?? false,
      });
      response.resume();
      const status = response.statusCode ?? 0;
      const ok = status >= 200 && status <= 299;
      if (ok) return { delivered: true, attempts: attempt, status };
      last = { delivered: false, attempts: attempt, status, error: `HTTP ${status}` };
      if (status !== 429 && status < 500) return last;
      wait = retryAfterMs(response.headers['retry-after']);
      if (wait !== undefined) {
        last.retryAfterMs = wait;
        if (options.retryAfterLimitMs !== undefined && wait > options.retryAfterLimitMs) return last;
      }
    } catch (error) {
      // A host name that resolves to a private address: permanent, like a refused URL.
      if (error instanceof RefusedRequestError)
        throw new DeliveryError('webhook', `refused ${error.reason}`, { cause: error });
      last = {
        delivered: false,
        attempts: attempt,
        error: controller.signal.aborted ? `timed out after ${timeoutMs} ms` : (error as Error).message,
      };
    } finally {
      clearTimeout(timer);
    }
    if (attempt < attempts) await sleep(Math.min(maxBackoffMs, wait ?? backoffMs * 2 ** (attempt - 1)));
  }
  return last;
}
