/**
 * Lambda entry point: one webhook subscriber's dispatcher, fed by its SQS queue. The delivery, and
 * why it fails the way it does, is delivery/webhook-dispatch.ts; the signing secret's cache is
 * delivery/secrets.ts. Here, middy runs: the signing secret fetched before any delivery (so that a
 * missing secret or permission fails the whole batch loudly, once, instead of as one failed
 * delivery per message), then the batch, every record not delivered reported in
 * `batchItemFailures` (the event source mapping has ReportBatchItemFailures) so that SQS
 * redelivers it alone.
 */
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DISPATCHER_ENV } from '../config/environment.ts';
import type { Logger } from '../run/process-version.ts';
import { cachedSecret, secretFromParameterStore, secretFromSecretsManager } from '../delivery/secrets.ts';
import {
  DELIVERY_OUTCOMES,
  DISPATCH_DEFAULTS,
  deliveryOptions,
  dispatchMessages,
  queueUrlFromArn,
  queuedMessageFromRecord,
  type DispatchContext,
} from '../delivery/webhook-dispatch.ts';
import type { WebhookDeliveryOptions } from '../delivery/webhook.ts';
import { jsonLogger } from './json-logger.ts';

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
  /** @default jsonLogger */
  log?: Logger;
  /** For the secret's refresh interval. @default Date.now */
  clock?: () => number;
}

export function createDispatchHandler(config: DispatchHandlerConfig | (() => DispatchHandlerConfig)) {
  let resolved: { config: DispatchHandlerConfig; secret: ReturnType<typeof cachedSecret>; log: Logger } | undefined;
  const settle = () => {
    if (resolved) return resolved;
    const settled = typeof config === 'function' ? config() : config;
    const log = settled.log ?? jsonLogger;
    const secret = cachedSecret(settled.getSecret, {
      log,
      ...(settled.secretRefreshIntervalMs !== undefined ? { refreshIntervalMs: settled.secretRefreshIntervalMs } : {}),
      ...(settled.clock ? { clock: settled.clock } : {}),
    });
    return (resolved = { config: settled, secret, log });
  };
  return middy<SQSEvent, SQSBatchResponse>()
    .use({
      before: async () => {
        await settle().secret.current();
      },
    })
    .handler(async (event, lambdaContext: Context) => {
      const { config: settled, secret, log } = settle();
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
        log,
        ...(typeof lambdaContext?.getRemainingTimeInMillis === 'function'
          ? { remainingMs: () => lambdaContext.getRemainingTimeInMillis() }
          : {}),
      };
      const outcomes = await dispatchMessages(event.Records.map(queuedMessageFromRecord), context);
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
  const config: DispatchHandlerConfig = { sqs: clients.sqs ?? new SQSClient({}), url, subscriberId, getSecret };
  const queueUrl = env[DISPATCHER_ENV.queueUrl];
  if (queueUrl) config.queueUrl = queueUrl;
  return config;
}

/** The deployed function. */
export const handler = createDispatchHandler(() => dispatchConfigFromEnv());
