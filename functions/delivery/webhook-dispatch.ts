/**
 * Webhook dispatch from a subscriber's SQS queue (SNS topic ─▶ filter policy ─▶ SQS ─▶ here). Each
 * message holds one CloudEvent, or, for a subscriber in `publication` mode, one bundle of them
 * (core/bundles.ts); either is signed (Standard Webhooks) and POSTed once, with the event's or the
 * bundle's id as `webhook-id`, the receiver's idempotency key (webhook.ts's webhookPayload says
 * what is POSTed). The Lambda handler (handlers/dispatch-webhook.ts) and local mode's
 * `dispatchQueue` run the very same delivery.
 *
 * Why it fails the way it does: a delivery gets a few quick attempts; what still fails stays in
 * the queue, and SQS redelivers it after the queue's visibility timeout, or after the receiver's
 * Retry-After for a 429/503, which is set on the message with ChangeMessageVisibility. Permanent
 * failures (another 4xx, a refused URL) and messages that are not tradewatch CloudEvents, or are
 * bundles without any (an email-shaped bundle in a webhook's queue), stay too:
 * nothing is ever deleted undelivered, the queue's redrive policy moves it to the dead-letter queue
 * after maxReceiveCount receives, where it can be inspected and redriven. Neither the signing
 * secret nor a message body ever appears in a log line, and a webhook URL only by its origin.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { chunk } from '../core/concurrency.ts';
import { BUNDLE_EVENT_TYPES, type Bundle } from '../core/bundles.ts';
import { DeliveryError, describeError } from '../core/errors.ts';
import type { TradewatchEvent } from '../core/events.ts';
import type { Logger } from '../run/ports.ts';
import { UndecodableMessageError, decodeQueued } from './decode.ts';
import { fixedSecret, type SigningSecret } from './secrets.ts';
import {
  deliverPayload,
  webhookPayload,
  type WebhookDeliveryOptions,
  type WebhookPayload,
  type WebhookResult,
  type WebhookTarget,
} from './webhook.ts';

/** Defaults in one place. A delivery is short inside an invocation: SQS redelivers what fails. */
export const DISPATCH_DEFAULTS = {
  /** Attempts per delivery inside one invocation. */
  attempts: 3,
  /** Per request. */
  timeoutMs: 5_000,
  backoffMs: 500,
  /** Longest wait between attempts; a longer Retry-After is left to the queue's visibility timeout. */
  maxBackoffMs: 2_000,
  /** Deliveries in flight at once within one invocation. */
  concurrency: 5,
  /** Messages one `dispatchQueue` call handles at most. */
  maxMessages: 100,
} as const;

/** SQS refuses a longer visibility timeout (12 hours). */
const MAX_VISIBILITY_SECONDS = 43_200;

export const DELIVERY_OUTCOMES = {
  /** The receiver answered 2xx: the message is done. */
  delivered: 'delivered',
  /** Timeout, network error, 408, 429 or 5xx: SQS redelivers it. */
  retryable: 'retryable',
  /** Another 3xx/4xx, or a URL the SSRF guard refuses: redelivered until the redrive policy parks it. */
  permanent: 'permanent',
  /** Not a tradewatch CloudEvent, or a bundle without any: never sent; it ends in the dead-letter queue. */
  invalid: 'invalid',
  /** Not started: the invocation had less time left than one delivery may take. */
  deferred: 'deferred',
} as const;
export type DeliveryOutcomeKind = (typeof DELIVERY_OUTCOMES)[keyof typeof DELIVERY_OUTCOMES];

/** What happened to one queue message; also the fields of its log line. */
export interface DeliveryOutcome {
  messageId: string;
  outcome: DeliveryOutcomeKind;
  /** The CloudEvent id (`webhook-id`), once the body decoded. */
  eventId?: string;
  /** The CloudEvent's type; for a bundle, `tradewatch.publication` or `tradewatch.digest`. */
  eventType?: string;
  /** The bundle id (`webhook-id`), when the message holds a bundle. */
  bundleId?: string;
  /** The CloudEvents the bundle holds (one POST for them all). */
  eventCount?: number;
  /** The bundle's place when it was split in parts. */
  part?: { index: number; of: number };
  /** The receiver's last HTTP status, if it answered. */
  httpStatus?: number;
  /** HTTP requests made for this message in this invocation. */
  attempts: number;
  durationMs: number;
  error?: string;
  /** The visibility timeout set on the message from the receiver's Retry-After, in seconds. */
  retryAfterSeconds?: number;
  /** SQS ApproximateReceiveCount, when known. */
  receiveCount?: number;
}

/** One message as both a Lambda SQS record and a ReceiveMessage result can give it. */
export interface QueuedMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  receiveCount?: number;
}

/** What a dispatch needs: the subscriber, its endpoint and secret, the queue, the time left. */
export interface DispatchContext {
  sqs: SQSClient;
  /** The queue a message came from, for ChangeMessageVisibility. */
  queueUrl: (message: QueuedMessage) => string;
  subscriberId: string;
  url: string;
  allowPrivateHosts: boolean;
  secret: SigningSecret;
  delivery: Required<Pick<WebhookDeliveryOptions, 'attempts' | 'timeoutMs' | 'backoffMs' | 'maxBackoffMs'>>;
  concurrency: number;
  /** Time left in the invocation; without it nothing is deferred. */
  remainingMs?: () => number;
  log: Logger;
}

/** `options` with DISPATCH_DEFAULTS for what it leaves out. */
export function deliveryOptions(options: WebhookDeliveryOptions | undefined): DispatchContext['delivery'] {
  return {
    attempts: options?.attempts ?? DISPATCH_DEFAULTS.attempts,
    timeoutMs: options?.timeoutMs ?? DISPATCH_DEFAULTS.timeoutMs,
    backoffMs: options?.backoffMs ?? DISPATCH_DEFAULTS.backoffMs,
    maxBackoffMs: options?.maxBackoffMs ?? DISPATCH_DEFAULTS.maxBackoffMs,
  };
}

/**
 * The longest one delivery may take: every attempt timing out, the longest wait between them, and
 * the one retry after a rotated secret. A delivery is only started with this much time left, so
 * that the invocation never times out mid-batch (which would redeliver the whole batch).
 */
export function deliveryBudgetMs(options?: WebhookDeliveryOptions): number {
  const { attempts, timeoutMs, maxBackoffMs } = deliveryOptions(options);
  return attempts * timeoutMs + (attempts - 1) * maxBackoffMs + timeoutMs + 1_000;
}

/** `arn:aws:sqs:eu-west-1:123456789012:hooks` → `https://sqs.eu-west-1.amazonaws.com/123456789012/hooks`. */
export function queueUrlFromArn(arn: string): string {
  const match = /^arn:(aws[a-z-]*):sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_.-]+)$/.exec(arn);
  if (!match) throw new Error(`not an SQS queue ARN: ${JSON.stringify(arn)}`);
  const [, partition, region, account, name] = match;
  return `https://sqs.${region}.${partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com'}/${account}/${name}`;
}

/** SQS's ApproximateReceiveCount, when it is a count. */
function receiveCountOf(value: string | undefined): number | undefined {
  const count = Number(value);
  return Number.isInteger(count) && count > 0 ? count : undefined;
}

/** A record of a Lambda SQS event. */
export function queuedMessageFromRecord(record: SQSRecord): QueuedMessage {
  const message: QueuedMessage = {
    messageId: record.messageId,
    receiptHandle: record.receiptHandle,
    body: record.body,
  };
  const receiveCount = receiveCountOf(record.attributes?.ApproximateReceiveCount);
  if (receiveCount !== undefined) message.receiveCount = receiveCount;
  return message;
}

/** The deliveries of one batch, sharing its concurrency limit and its time budget. */
export interface BatchDispatcher {
  /** Delivers one message, or defers it when the invocation has too little time left; logs the outcome. */
  dispatch(message: QueuedMessage): Promise<DeliveryOutcome>;
  /** After the batch: says so, loudly, when not one delivery could start. */
  finish(): void;
}

export function batchDispatcher(context: DispatchContext): BatchDispatcher {
  const budgetMs = deliveryBudgetMs(context.delivery);
  const slot = concurrencyLimit(context.concurrency);
  let started = 0;
  let deferred = 0;
  return {
    dispatch: (message) =>
      slot(async () => {
        const remainingMs = context.remainingMs?.();
        let outcome: DeliveryOutcome;
        if (remainingMs !== undefined && remainingMs < budgetMs) {
          deferred += 1;
          outcome = {
            messageId: message.messageId,
            outcome: DELIVERY_OUTCOMES.deferred,
            attempts: 0,
            durationMs: 0,
            error: `${remainingMs} ms left in the invocation, one delivery may take ${budgetMs} ms`,
          };
        } else {
          started += 1;
          outcome = await dispatchOne(message, context);
        }
        if (message.receiveCount !== undefined) outcome.receiveCount = message.receiveCount;
        logOutcome(context, outcome);
        return outcome;
      }),
    finish() {
      if (started === 0 && deferred > 0)
        context.log.error(
          'no webhook delivery could start: the function timeout is shorter than one delivery may take',
          { subscriber: context.subscriberId, budgetMs },
        );
    },
  };
}

/** Delivers `messages`, at most `context.concurrency` at once; outcomes in input order. */
export async function dispatchMessages(
  messages: readonly QueuedMessage[],
  context: DispatchContext,
): Promise<DeliveryOutcome[]> {
  const batch = batchDispatcher(context);
  const outcomes = await Promise.all(messages.map((message) => batch.dispatch(message)));
  batch.finish();
  return outcomes;
}

/**
 * Runs at most `limit` tasks at once, the others waiting in call order. A finished task hands its
 * slot straight to the next waiting one, so that no new caller can slip in between.
 */
function concurrencyLimit(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running < limit) running += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  };
}

function logOutcome(context: DispatchContext, outcome: DeliveryOutcome): void {
  const fields = { subscriber: context.subscriberId, ...outcome };
  if (outcome.outcome === DELIVERY_OUTCOMES.delivered) context.log.info('webhook delivery', fields);
  else if (outcome.outcome === DELIVERY_OUTCOMES.retryable || outcome.outcome === DELIVERY_OUTCOMES.deferred)
    context.log.warn('webhook delivery', fields);
  else context.log.error('webhook delivery', fields);
}

/** A usable `webhook-id`: printable ASCII, as HTTP headers and receivers' keys take it. */
const WEBHOOK_ID = /^[\x21-\x7e]{1,256}$/;

/** Why `event` is not a tradewatch CloudEvent a receiver can key on, or undefined. */
function eventProblem(event: unknown): string | undefined {
  const { id, type, source } = (event ?? {}) as Partial<Record<'id' | 'type' | 'source', unknown>>;
  if (typeof id !== 'string' || !WEBHOOK_ID.test(id)) return 'the CloudEvent has no usable id';
  if (
    typeof type !== 'string' ||
    !type.startsWith('tradewatch.') ||
    typeof source !== 'string' ||
    !source.startsWith('tradewatch/')
  )
    return 'the CloudEvent is not from tradewatch';
  return undefined;
}

/** What a message's log line says of its payload, before and whatever the delivery. */
type PayloadFields = Pick<DeliveryOutcome, 'eventId' | 'eventType' | 'bundleId' | 'eventCount' | 'part'>;

function payloadFields(payload: TradewatchEvent | Bundle): PayloadFields {
  if (!('bundle' in payload)) return { eventId: payload.id, eventType: payload.type };
  const fields: PayloadFields = {
    bundleId: payload.id,
    eventType: BUNDLE_EVENT_TYPES[payload.bundle],
    eventCount: Array.isArray(payload.events) ? payload.events.length : 0,
  };
  if (payload.part) fields.part = { index: payload.part.index, of: payload.part.of };
  return fields;
}

/**
 * What to POST for a message body, or why nothing may be (never quoting the body): one CloudEvent,
 * or a bundle's CloudEvents, each from tradewatch and keyed by a usable id.
 */
function dispatchablePayload(
  body: string,
): { payload: WebhookPayload; fields: PayloadFields } | { error: string; fields: PayloadFields } {
  let decoded: TradewatchEvent | Bundle;
  try {
    decoded = decodeQueued(body);
  } catch (error) {
    if (error instanceof UndecodableMessageError) return { error: error.reason, fields: {} };
    throw error;
  }
  const fields = payloadFields(decoded);
  if (!('bundle' in decoded)) {
    const problem = eventProblem(decoded);
    return problem ? { error: problem, fields: {} } : { payload: webhookPayload(decoded), fields };
  }
  if (!WEBHOOK_ID.test(decoded.id)) return { error: `the ${decoded.bundle} has no usable id`, fields: {} };
  const problem = decoded.events?.map(eventProblem).find((p) => p !== undefined);
  if (problem) return { error: `${decoded.bundle} ${decoded.id}: ${problem}`, fields };
  try {
    return { payload: webhookPayload(decoded), fields };
  } catch (error) {
    if (error instanceof DeliveryError) return { error: error.message, fields };
    throw error;
  }
}

function classify(result: WebhookResult): DeliveryOutcomeKind {
  if (result.delivered) return DELIVERY_OUTCOMES.delivered;
  const status = result.status;
  if (status === undefined || status === 408 || status === 429 || status >= 500) return DELIVERY_OUTCOMES.retryable;
  return DELIVERY_OUTCOMES.permanent;
}

async function dispatchOne(message: QueuedMessage, context: DispatchContext): Promise<DeliveryOutcome> {
  const startedAt = Date.now();
  const dispatchable = dispatchablePayload(message.body);
  const base = { messageId: message.messageId, ...dispatchable.fields };
  if ('error' in dispatchable)
    return { ...base, outcome: DELIVERY_OUTCOMES.invalid, attempts: 0, durationMs: 0, error: dispatchable.error };
  const options: WebhookDeliveryOptions = { ...context.delivery, retryAfterLimitMs: context.delivery.maxBackoffMs };
  const send = (secret: string) =>
    deliverPayload(
      { url: context.url, secret, allowPrivateHosts: context.allowPrivateHosts },
      dispatchable.payload,
      options,
    );
  let result: WebhookResult;
  try {
    const secret = await context.secret.current();
    result = await send(secret);
    if (result.status === 401 || result.status === 403) {
      const rotated = await context.secret.afterRejection(secret);
      if (rotated !== undefined) {
        const again = await send(rotated);
        result = { ...again, attempts: result.attempts + again.attempts };
      }
    }
  } catch (error) {
    // The SSRF guard refused the URL (private address, not https): no request was sent.
    if (!(error instanceof DeliveryError)) throw error;
    return {
      ...base,
      outcome: DELIVERY_OUTCOMES.permanent,
      attempts: 0,
      durationMs: Date.now() - startedAt,
      error: redactUrl(error.reason, context.url),
    };
  }
  const outcome: DeliveryOutcome = {
    ...base,
    outcome: classify(result),
    attempts: result.attempts,
    durationMs: Date.now() - startedAt,
  };
  if (result.status !== undefined) outcome.httpStatus = result.status;
  if (result.error) outcome.error = redactUrl(result.error, context.url);
  if ((result.status === 429 || result.status === 503) && result.retryAfterMs !== undefined) {
    const seconds = Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.ceil(result.retryAfterMs / 1000)));
    if (await deferUntilRetryAfter(message, seconds, context)) outcome.retryAfterSeconds = seconds;
  }
  return outcome;
}

/** Makes the message reappear when the receiver asked; false when SQS refused (the queue's own timeout applies). */
async function deferUntilRetryAfter(
  message: QueuedMessage,
  seconds: number,
  context: DispatchContext,
): Promise<boolean> {
  try {
    await context.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: context.queueUrl(message),
        ReceiptHandle: message.receiptHandle,
        VisibilityTimeout: seconds,
      }),
    );
    return true;
  } catch (error) {
    // Whatever the cause (no queue URL, receipt expired, throttled), the message is still reported
    // failed and comes back after the queue's visibility timeout: only the delay is lost.
    context.log.warn('could not set the visibility timeout from Retry-After', {
      subscriber: context.subscriberId,
      messageId: message.messageId,
      seconds,
      error: describeError(error),
    });
    return false;
  }
}

/** A webhook URL may carry a token in its path or query: logs show its origin only. */
function redactUrl(text: string, url: string): string {
  let origin = '<webhook URL>';
  try {
    origin = `${new URL(url).origin}/…`;
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
  }
  return text.split(url).join(origin);
}

export interface DispatchQueueOptions {
  sqs: SQSClient;
  queueUrl: string;
  target: WebhookTarget;
  log: Logger;
  /** Names the subscriber in log lines. @default 'local' */
  subscriberId?: string;
  /** Messages received at most in this call. @default DISPATCH_DEFAULTS.maxMessages */
  maxMessages?: number;
  /** @default DISPATCH_DEFAULTS */
  delivery?: WebhookDeliveryOptions;
  /** @default DISPATCH_DEFAULTS.concurrency */
  concurrency?: number;
}

export interface DispatchQueueResult {
  received: number;
  delivered: number;
  failed: number;
  outcomes: DeliveryOutcome[];
}

/**
 * Local mode's dispatcher: what the event source mapping and the handler do together on AWS.
 * Receives from the queue until it is empty (or `maxMessages`), delivers each message, deletes the
 * delivered ones and leaves every other one to the queue (it comes back after the visibility
 * timeout, or Retry-After, until the redrive policy parks it). A message seen once in this call is
 * not delivered twice in it.
 */
export async function dispatchQueue(options: DispatchQueueOptions): Promise<DispatchQueueResult> {
  const log = options.log;
  const maxMessages = options.maxMessages ?? DISPATCH_DEFAULTS.maxMessages;
  const context: DispatchContext = {
    sqs: options.sqs,
    queueUrl: () => options.queueUrl,
    subscriberId: options.subscriberId ?? 'local',
    url: options.target.url,
    allowPrivateHosts: options.target.allowPrivateHosts ?? false,
    secret: fixedSecret(options.target.secret),
    delivery: deliveryOptions(options.delivery),
    concurrency: options.concurrency ?? DISPATCH_DEFAULTS.concurrency,
    log,
  };
  const seen = new Set<string>();
  const outcomes: DeliveryOutcome[] = [];
  let received = 0;
  while (received < maxMessages) {
    const { Messages = [] } = await options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: Math.min(10, maxMessages - received),
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    received += Messages.length;
    const fresh: QueuedMessage[] = [];
    for (const m of Messages) {
      if (!m.MessageId || !m.ReceiptHandle || seen.has(m.MessageId)) continue;
      seen.add(m.MessageId);
      const message: QueuedMessage = { messageId: m.MessageId, receiptHandle: m.ReceiptHandle, body: m.Body ?? '' };
      const receiveCount = receiveCountOf(m.Attributes?.ApproximateReceiveCount);
      if (receiveCount !== undefined) message.receiveCount = receiveCount;
      fresh.push(message);
    }
    if (fresh.length === 0) break;
    const batch = await dispatchMessages(fresh, context);
    outcomes.push(...batch);
    const receipts = new Map(fresh.map((m) => [m.messageId, m.receiptHandle]));
    const done = batch.filter((o) => o.outcome === DELIVERY_OUTCOMES.delivered);
    for (const entries of chunk(done, 10)) {
      const result = await options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: entries.map((o, i) => ({ Id: String(i), ReceiptHandle: receipts.get(o.messageId)! })),
        }),
      );
      // A message not deleted comes back and is delivered again with the same webhook-id, which
      // the receiver drops as a repeat: worth a warning, not a failure.
      for (const failed of result.Failed ?? [])
        log.warn('delivered message could not be deleted from the queue', {
          subscriber: context.subscriberId,
          messageId: entries[Number(failed.Id)]?.messageId,
          error: `${failed.Code} ${failed.Message ?? ''}`.trim(),
        });
    }
  }
  const delivered = outcomes.filter((o) => o.outcome === DELIVERY_OUTCOMES.delivered).length;
  return { received: outcomes.length, delivered, failed: outcomes.length - delivered, outcomes };
}
