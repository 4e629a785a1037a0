/**
 * Lambda entry point: one webhook subscriber's dispatcher, fed by its SQS queue. Each record holds
 * one CloudEvent or, for a subscriber in `publication` mode, one bundle of them, sent as one signed
 * POST (delivery/decode.ts reads it, delivery/webhook.ts's webhookPayload says what is POSTed).
 * The delivery, and why it fails the way it does, is delivery/webhook-dispatch.ts; the signing
 * secret's cache is delivery/secrets.ts. Here, middy runs: the signing secret fetched before any
 * delivery (so that a missing secret or permission fails the whole batch loudly, once, instead of
 * as one failed delivery per message), then Powertools' batch processor, which reports every
 * record not delivered in `batchItemFailures` (the event source mapping has
 * ReportBatchItemFailures) so that SQS redelivers it alone.
 */
import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DeliveryError } from '../core/errors.ts';
import { DISPATCHER_ENV } from '../config/environment.ts';
import type { Logger } from '../run/ports.ts';
import { cachedSecret, secretFromParameterStore, secretFromSecretsManager } from '../delivery/secrets.ts';
import {
  DELIVERY_OUTCOMES,
  DISPATCH_DEFAULTS,
  batchDispatcher,
  deliveryOptions,
  queueUrlFromArn,
  queuedMessageFromRecord,
  type DeliveryOutcome,
} from '../delivery/webhook-dispatch.ts';
import type { WebhookDeliveryOptions } from '../delivery/webhook.ts';
import { log as defaultLog, powertoolsLogger } from './logger.ts';

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
  /** @default SECRET_REFRESH_INTERVAL_MS */
  secretRefreshIntervalMs?: number;
  /** Allow http:// and private hosts (tests, local mode only). @default false */
  allowPrivateHosts?: boolean;
  /** @default Powertools Logger (logger.ts) */
  log?: Logger;
  /** For the secret's refresh interval. @default Date.now */
  clock?: () => number;
}

/** A record the dispatcher did not deliver: the processor reports it in batchItemFailures. */
class UndeliveredRecord extends DeliveryError {
  constructor(subscriberId: string, outcome: DeliveryOutcome) {
    super(`webhook ${subscriberId}`, outcome.error ?? outcome.outcome, { details: { ...outcome } });
    this.name = 'UndeliveredRecord';
  }
}

export function createDispatchHandler(config: DispatchHandlerConfig | (() => DispatchHandlerConfig)) {
  let resolved: { config: DispatchHandlerConfig; secret: ReturnType<typeof cachedSecret>; log: Logger } | undefined;
  const settle = () => {
    if (resolved) return resolved;
    const settled = typeof config === 'function' ? config() : config;
    const log = settled.log ?? defaultLog;
    const secret = cachedSecret(settled.getSecret, {
      log,
      ...(settled.secretRefreshIntervalMs !== undefined ? { refreshIntervalMs: settled.secretRefreshIntervalMs } : {}),
      ...(settled.clock ? { clock: settled.clock } : {}),
    });
    return (resolved = { config: settled, secret, log });
  };
  const processor = new BatchProcessor(EventType.SQS);
  return middy<SQSEvent, SQSBatchResponse>()
    .use(injectLambdaContext(powertoolsLogger))
    .use({
      before: async () => {
        await settle().secret.current();
      },
    })
    .handler(async (event, lambdaContext: Context) => {
      const { config: settled, secret, log } = settle();
      const arnByMessage = new Map(event.Records.map((record) => [record.messageId, record.eventSourceARN]));
      const batch = batchDispatcher({
        sqs: settled.sqs,
        queueUrl: (message) => settled.queueUrl ?? queueUrlFromArn(arnByMessage.get(message.messageId) ?? ''),
        subscriberId: settled.subscriberId,
        url: settled.url,
        allowPrivateHosts: settled.allowPrivateHosts ?? false,
        secret,
        delivery: deliveryOptions(settled.delivery),
        concurrency: settled.concurrency ?? DISPATCH_DEFAULTS.concurrency,
        log,
        ...(typeof lambdaContext?.getRemainingTimeInMillis === 'function'
          ? { remainingMs: () => lambdaContext.getRemainingTimeInMillis() }
          : {}),
      });
      const response = await processPartialResponse(
        event,
        async (record: SQSRecord) => {
          const outcome = await batch.dispatch(queuedMessageFromRecord(record));
          if (outcome.outcome !== DELIVERY_OUTCOMES.delivered)
            throw new UndeliveredRecord(settled.subscriberId, outcome);
        },
        processor,
        // A batch where nothing was delivered is still a partial response: SQS keeps every record.
        { context: lambdaContext, throwOnFullBatchFailure: false },
      );
      batch.finish();
      // A fault of the dispatcher itself, not an undelivered message, fails the whole batch.
      const fault = processor.errors.find((error) => !(error instanceof UndeliveredRecord));
      if (fault) throw fault;
      return response;
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
  const config: DispatchHandlerConfig = { sqs: clients.sqs ?? new SQSClient({}), url, subscriberId, getSecret };
  const queueUrl = env[DISPATCHER_ENV.queueUrl];
  if (queueUrl) config.queueUrl = queueUrl;
  return config;
}

/** The deployed function. */
export const handler = createDispatchHandler(() => dispatchConfigFromEnv());
