/**
 * Lambda entry point: the webhook dispatcher. One deployed function per webhook subscriber, fed by
 * that subscriber's SQS queue (SNS topic ─▶ filter policy ─▶ SQS ─▶ this function). Each message
 * holds one CloudEvent; it is signed (Standard Webhooks) and POSTed with the event id as
 * `webhook-id`, the receiver's idempotency key.
 *
 * Why it fails the way it does: a delivery gets a few quick attempts inside the invocation; what
 * still fails is reported in `batchItemFailures` (the event source mapping must have
 * ReportBatchItemFailures) and SQS redelivers it after the queue's visibility timeout, or after the
 * receiver's Retry-After for a 429/503, which is set on the message with ChangeMessageVisibility.
 * Permanent failures (another 4xx, a refused URL) and messages that are not tradewatch CloudEvents
 * are reported failed too: nothing is ever deleted undelivered, the queue's redrive policy moves it
 * to the dead-letter queue after maxReceiveCount receives, where it can be inspected and redriven.
 *
 * The signing secret is fetched once (Secrets Manager or SSM Parameter Store) and cached for the
 * life of the container. When a receiver answers 401 or 403, the secret is fetched again (at most
 * once a minute) and, if it changed (rotation), that delivery is retried once at once with the new
 * value. It never appears in a log line, and neither does a message body.
 *
 * `dispatchQueue` runs the same delivery for local mode, receiving from a queue itself.
 */
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { chunk, mapLimit } from '../core/concurrency.ts';
import { SourceFetchError } from '../core/errors.ts';
import type { TradewatchEvent } from '../core/events.ts';
import { DISPATCHER_ENV } from '../config/environment.ts';
import { jsonLogger } from './json-logger.ts';
import type { Logger } from '../run/process-version.ts';
import { decodeDelivered } from '../delivery/sns-publisher.ts';
import {
  deliverWebhook,
  type WebhookDeliveryOptions,
  type WebhookResult,
  type WebhookTarget,
} from '../delivery/webhook.ts';

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
  /** Least time between two fetches of the signing secret after a 401/403. */
  secretRefreshIntervalMs: 60_000,
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
  /** Not a tradewatch CloudEvent: never sent; it ends in the dead-letter queue. */
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
  eventType?: string;
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

/** The signing secret as the dispatcher uses it: cached, re-read after a rejection. */
export interface SigningSecret {
  current(): Promise<string>;
  /** After a 401/403 to a request signed with `rejected`: a different secret to retry with, if any. */
  afterRejection(rejected: string): Promise<string | undefined>;
}

export interface CachedSecretOptions {
  /** @default DISPATCH_DEFAULTS.secretRefreshIntervalMs */
  refreshIntervalMs?: number;
  /** @default Date.now */
  clock?: () => number;
  /** @default jsonLogger */
  log?: Logger;
}

/**
 * Caches what `getSecret` returns. The first `current()` fetches; a failed fetch is not cached (the
 * next call fetches again). `afterRejection` fetches again only when the cached value is older than
 * `refreshIntervalMs`, so a receiver that always answers 401 costs at most one fetch per interval.
 */
export function cachedSecret(getSecret: () => Promise<string>, options: CachedSecretOptions = {}): SigningSecret {
  const refreshIntervalMs = options.refreshIntervalMs ?? DISPATCH_DEFAULTS.secretRefreshIntervalMs;
  const clock = options.clock ?? Date.now;
  const log = options.log ?? jsonLogger;
  let value: string | undefined;
  let fetchedAt = 0;
  let fetching: Promise<string> | undefined;
  const fetchOnce = (): Promise<string> => {
    fetching ??= getSecret()
      .then((secret) => {
        if (!secret) throw new Error('config: the webhook signing secret is empty');
        value = secret;
        fetchedAt = clock();
        return secret;
      })
      .finally(() => {
        fetching = undefined;
      });
    return fetching;
  };
  return {
    current: () => (value !== undefined ? Promise.resolve(value) : fetchOnce()),
    async afterRejection(rejected) {
      if (value !== undefined && value !== rejected) return value;
      if (!fetching && clock() - fetchedAt < refreshIntervalMs) return undefined;
      try {
        const fresh = await fetchOnce();
        return fresh !== rejected ? fresh : undefined;
      } catch (error) {
        // The cached secret stays in use; this delivery is reported failed and redelivered later.
        log.warn('webhook signing secret could not be fetched again', { error: describe(error) });
        return undefined;
      }
    },
  };
}

/** A secret known up front (local mode): nothing to re-read. */
export function fixedSecret(secret: string): SigningSecret {
  return { current: () => Promise.resolve(secret), afterRejection: () => Promise.resolve(undefined) };
}

/** The signing secret stored as the SecretString of a Secrets Manager secret (name or ARN). */
export async function secretFromSecretsManager(client: SecretsManagerClient, secretId: string): Promise<string> {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (!SecretString)
    throw new Error(
      `config: Secrets Manager secret ${secretId} has no SecretString (store the signing secret as text, whsec_<base64>)`,
    );
  return SecretString;
}

/** The signing secret stored as an SSM SecureString parameter (decrypted). */
export async function secretFromParameterStore(client: SSMClient, name: string): Promise<string> {
  const { Parameter } = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
  if (!Parameter?.Value) throw new Error(`config: SSM parameter ${name} has no value`);
  return Parameter.Value;
}

/** `arn:aws:sqs:eu-west-1:123456789012:hooks` → `https://sqs.eu-west-1.amazonaws.com/123456789012/hooks`. */
export function queueUrlFromArn(arn: string): string {
  const match = /^arn:(aws[a-z-]*):sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_.-]+)$/.exec(arn);
  if (!match) throw new Error(`not an SQS queue ARN: ${JSON.stringify(arn)}`);
  const [, partition, region, account, name] = match;
  return `https://sqs.${region}.${partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com'}/${account}/${name}`;
}

/** One message as both a Lambda SQS record and a ReceiveMessage result can give it. */
interface QueuedMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  receiveCount?: number;
}

interface DispatchContext {
  sqs: SQSClient;
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

function deliveryOptions(options: WebhookDeliveryOptions | undefined): DispatchContext['delivery'] {
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

async function dispatchMessages(
  messages: readonly QueuedMessage[],
  context: DispatchContext,
): Promise<DeliveryOutcome[]> {
  const budgetMs = deliveryBudgetMs(context.delivery);
  let started = 0;
  const outcomes = await mapLimit(messages, context.concurrency, async (message) => {
    const remainingMs = context.remainingMs?.();
    let outcome: DeliveryOutcome;
    if (remainingMs !== undefined && remainingMs < budgetMs) {
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
  });
  if (started === 0 && outcomes.length > 0 && outcomes.every((o) => o.outcome === DELIVERY_OUTCOMES.deferred)) {
    context.log.error('no webhook delivery could start: the function timeout is shorter than one delivery may take', {
      subscriber: context.subscriberId,
      budgetMs,
    });
  }
  return outcomes;
}

function logOutcome(context: DispatchContext, outcome: DeliveryOutcome): void {
  const fields = { subscriber: context.subscriberId, ...outcome };
  if (outcome.outcome === DELIVERY_OUTCOMES.delivered) context.log.info('webhook delivery', fields);
  else if (outcome.outcome === DELIVERY_OUTCOMES.retryable || outcome.outcome === DELIVERY_OUTCOMES.deferred)
    context.log.warn('webhook delivery', fields);
  else context.log.error('webhook delivery', fields);
}

/** The CloudEvent in a message body, or why it is not one (never quoting the body). */
function dispatchableEvent(body: string): TradewatchEvent | string {
  let event: TradewatchEvent;
  try {
    event = decodeDelivered(body);
  } catch (error) {
    if (error instanceof SyntaxError) return 'body is not JSON';
    return 'body is not a tradewatch CloudEvent';
  }
  const { id, type, source } = event as Partial<Record<'id' | 'type' | 'source', unknown>>;
  if (typeof id !== 'string' || !/^[\x21-\x7e]{1,256}$/.test(id)) return 'the CloudEvent has no usable id';
  if (
    typeof type !== 'string' ||
    !type.startsWith('tradewatch.') ||
    typeof source !== 'string' ||
    !source.startsWith('tradewatch/')
  )
    return 'the CloudEvent is not from tradewatch';
  return event;
}

function classify(result: WebhookResult): DeliveryOutcomeKind {
  if (result.delivered) return DELIVERY_OUTCOMES.delivered;
  const status = result.status;
  if (status === undefined || status === 408 || status === 429 || status >= 500) return DELIVERY_OUTCOMES.retryable;
  return DELIVERY_OUTCOMES.permanent;
}

async function dispatchOne(message: QueuedMessage, context: DispatchContext): Promise<DeliveryOutcome> {
  const startedAt = Date.now();
  const event = dispatchableEvent(message.body);
  if (typeof event === 'string')
    return {
      messageId: message.messageId,
      outcome: DELIVERY_OUTCOMES.invalid,
      attempts: 0,
      durationMs: 0,
      error: event,
    };
  const body = JSON.stringify(event);
  const options: WebhookDeliveryOptions = { ...context.delivery, retryAfterLimitMs: context.delivery.maxBackoffMs };
  const send = (secret: string) =>
    deliverWebhook({ url: context.url, secret, allowPrivateHosts: context.allowPrivateHosts }, event.id, body, options);
  const base = { messageId: message.messageId, eventId: event.id, eventType: event.type };
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
    if (!(error instanceof SourceFetchError)) throw error;
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
      error: describe(error),
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

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export interface DispatchHandlerConfig {
  sqs: SQSClient;
  /** The subscriber's endpoint. */
  url: string;
  /** Names the subscriber in every log line. */
  subscriberId: string;
  /** Fetches the signing secret (`whsec_<base64>`, or any text used as raw key bytes). */
  getSecret: () => Promise<string>;
  /** The queue's URL, for ChangeMessageVisibility. @default derived from each record's eventSourceARN */
  queueUrl?: string;
  /** In-invocation attempts and timings. @default DISPATCH_DEFAULTS */
  delivery?: WebhookDeliveryOptions;
  /** @default DISPATCH_DEFAULTS.concurrency */
  concurrency?: number;
  /** @default DISPATCH_DEFAULTS.secretRefreshIntervalMs */
  secretRefreshIntervalMs?: number;
  /** Allow http:// and private hosts (tests, local mode only). @default false */
  allowPrivateHosts?: boolean;
  /** @default jsonLogger */
  log?: Logger;
  /** For the secret's refresh interval. @default Date.now */
  clock?: () => number;
}

/**
 * The SQS-triggered handler. Returns the records that were not delivered as `batchItemFailures`;
 * throws (failing the whole batch, which SQS then redelivers) only when the config or the signing
 * secret cannot be had.
 */
export function createDispatchHandler(config: DispatchHandlerConfig | (() => DispatchHandlerConfig)) {
  let resolved: { config: DispatchHandlerConfig; secret: SigningSecret } | undefined;
  return middy<SQSEvent, SQSBatchResponse>().handler(async (event, lambdaContext: Context) => {
    if (!resolved) {
      const settled = typeof config === 'function' ? config() : config;
      const secretOptions: CachedSecretOptions = {};
      if (settled.secretRefreshIntervalMs !== undefined)
        secretOptions.refreshIntervalMs = settled.secretRefreshIntervalMs;
      if (settled.clock) secretOptions.clock = settled.clock;
      if (settled.log) secretOptions.log = settled.log;
      resolved = { config: settled, secret: cachedSecret(settled.getSecret, secretOptions) };
    }
    const { config: settled, secret } = resolved;
    // Cold start: the secret is fetched before anything is sent, so that a missing secret or
    // permission fails loudly, once, instead of as one failed delivery per message.
    await secret.current();
    const arnByMessage = new Map(event.Records.map((record) => [record.messageId, record.eventSourceARN]));
    const context: DispatchContext = {
      sqs: settled.sqs,
      queueUrl: (message) => settled.queueUrl ?? queueUrlFromArn(arnByMessage.get(message.messageId) ?? ''),
      subscriberId: settled.subscriberId,
      url: settled.url,
      allowPrivateHosts: settled.allowPrivateHosts ?? false,
      secret,
      delivery: deliveryOptions(settled.delivery),
      concurrency: settled.concurrency ?? DISPATCH_DEFAULTS.concurrency,
      log: settled.log ?? jsonLogger,
    };
    if (typeof lambdaContext?.getRemainingTimeInMillis === 'function')
      context.remainingMs = () => lambdaContext.getRemainingTimeInMillis();
    const messages = event.Records.map((record): QueuedMessage => {
      const message: QueuedMessage = {
        messageId: record.messageId,
        receiptHandle: record.receiptHandle,
        body: record.body,
      };
      const receiveCount = Number(record.attributes?.ApproximateReceiveCount);
      if (Number.isInteger(receiveCount) && receiveCount > 0) message.receiveCount = receiveCount;
      return message;
    });
    const outcomes = await dispatchMessages(messages, context);
    return {
      batchItemFailures: outcomes
        .filter((o) => o.outcome !== DELIVERY_OUTCOMES.delivered)
        .map((o) => ({ itemIdentifier: o.messageId })),
    };
  });
}

export interface DispatchEnvironmentClients {
  sqs?: SQSClient;
  secretsManager?: SecretsManagerClient;
  ssm?: SSMClient;
}

/**
 * The deployed function's config, from the environment the stack sets (DISPATCHER_ENV): the
 * webhook URL, the subscriber id, exactly one of the Secrets Manager secret or the SSM parameter,
 * and optionally the queue URL. Every problem is named in one error.
 */
export function dispatchConfigFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  clients: DispatchEnvironmentClients = {},
): DispatchHandlerConfig {
  const problems: string[] = [];
  const {
    webhookUrl,
    subscriberId: subscriberIdName,
    secretArn: arnName,
    secretParameter: parameterName,
  } = DISPATCHER_ENV;
  const url = env[webhookUrl];
  const subscriberId = env[subscriberIdName];
  const secretArn = env[arnName];
  const secretParameter = env[parameterName];
  if (!url) problems.push(`${webhookUrl} is not set`);
  else if (!URL.canParse(url) || new URL(url).protocol !== 'https:')
    problems.push(`${webhookUrl} is not an https:// URL`);
  if (!subscriberId) problems.push(`${subscriberIdName} is not set`);
  if (secretArn && secretParameter) problems.push(`both ${arnName} and ${parameterName} are set (set one)`);
  if (!secretArn && !secretParameter) problems.push(`neither ${arnName} nor ${parameterName} is set`);
  if (problems.length || !url || !subscriberId) throw new Error(`config: webhook dispatcher: ${problems.join('; ')}`);
  const getSecret = secretArn
    ? () => secretFromSecretsManager(clients.secretsManager ?? new SecretsManagerClient({}), secretArn)
    : () => secretFromParameterStore(clients.ssm ?? new SSMClient({}), secretParameter!);
  const config: DispatchHandlerConfig = {
    sqs: clients.sqs ?? new SQSClient({}),
    url,
    subscriberId,
    getSecret,
    log: jsonLogger,
  };
  const queueUrl = env[DISPATCHER_ENV.queueUrl];
  if (queueUrl) config.queueUrl = queueUrl;
  return config;
}

/** The deployed function. */
export const handler = createDispatchHandler(() => dispatchConfigFromEnv());

export interface DispatchQueueOptions {
  sqs: SQSClient;
  queueUrl: string;
  target: WebhookTarget;
  /** Names the subscriber in log lines. @default 'local' */
  subscriberId?: string;
  /** Messages received at most in this call. @default DISPATCH_DEFAULTS.maxMessages */
  maxMessages?: number;
  /** @default DISPATCH_DEFAULTS */
  delivery?: WebhookDeliveryOptions;
  /** @default DISPATCH_DEFAULTS.concurrency */
  concurrency?: number;
  /** @default jsonLogger */
  log?: Logger;
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
  const log = options.log ?? jsonLogger;
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
      const receiveCount = Number(m.Attributes?.ApproximateReceiveCount);
      if (Number.isInteger(receiveCount) && receiveCount > 0) message.receiveCount = receiveCount;
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
