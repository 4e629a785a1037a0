/**
 * Signed webhook delivery (Standard Webhooks): headers `webhook-id`, `webhook-timestamp` and
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, with the secret given as
 * `whsec_<base64>`. Retries with backoff on timeouts, network errors, 429 and 5xx, honouring
 * Retry-After; any other 4xx is final.
 *
 * A change event is POSTed alone (CloudEvents' structured JSON mode); a bundle (core/bundles.ts) of
 * a webhook subscriber in `publication` mode as one POST holding its events (CloudEvents' JSON batch
 * format), its id as `webhook-id`, so a receiver drops a re-sent bundle as it drops a re-sent event.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Bundle } from '../core/bundles.ts';
import { sleep } from '../core/concurrency.ts';
import type { TradewatchEvent } from '../core/events.ts';
import { fetchableUrl } from '../http/fetch.ts';
import { RefusedRequestError, guardedRequest } from '../http/request.ts';
import { DeliveryError, SourceFetchError } from '../core/errors.ts';

/** The media types of CloudEvents' JSON event format: one event, and a batch (a JSON array). */
export const WEBHOOK_CONTENT_TYPES = {
  event: 'application/cloudevents+json',
  batch: 'application/cloudevents-batch+json; charset=utf-8',
} as const;

/** What one POST carries: the signature covers `body` exactly, and `id` is the `webhook-id`. */
export interface WebhookPayload {
  id: string;
  body: string;
  contentType: string;
}

/**
 * What is POSTed for a queued event or bundle. A bundle without events is an email-shaped bundle
 * that reached a webhook (a configuration mismatch, or the publisher left them out): sending its
 * subject instead would pass for a delivery, so it is refused.
 */
export function webhookPayload(payload: TradewatchEvent | Bundle): WebhookPayload {
  if (!('bundle' in payload))
    return { id: payload.id, body: JSON.stringify(payload), contentType: WEBHOOK_CONTENT_TYPES.event };
  if (!payload.events?.length)
    throw new DeliveryError(
      `webhook ${payload.subscriberId}`,
      payload.events
        ? `${payload.bundle} ${payload.id} holds an empty list of CloudEvents`
        : `${payload.bundle} ${payload.id} holds no CloudEvents (a bundle for email or SMS reached a webhook: check the subscriber's channel and delivery mode)`,
      { details: { subscriberId: payload.subscriberId, bundleId: payload.id, bundle: payload.bundle } },
    );
  return { id: payload.id, body: JSON.stringify(payload.events), contentType: WEBHOOK_CONTENT_TYPES.batch };
}

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

/** POSTs one CloudEvent's JSON `body` signed; `id` is the event id, the receiver's idempotency key. */
export function deliverWebhook(
  target: WebhookTarget,
  id: string,
  body: string,
  options: WebhookDeliveryOptions = {},
): Promise<WebhookResult> {
  return deliverPayload(target, { id, body, contentType: WEBHOOK_CONTENT_TYPES.event }, options);
}

/** POSTs `payload.body` signed, with `payload.id` as `webhook-id`, the receiver's idempotency key. */
export async function deliverPayload(
  target: WebhookTarget,
  payload: WebhookPayload,
  options: WebhookDeliveryOptions = {},
): Promise<WebhookResult> {
  const { id, body, contentType } = payload;
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
          'content-type': contentType,
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
