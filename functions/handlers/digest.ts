/**
 * The digest function: invoked by each digest subscriber's schedule (EventBridge Scheduler, in the
 * subscriber's time zone) with `{ "subscriberId" }`, or with no subscriber to run every digest that
 * is due. Which slot is due, and what an earlier failed run left unfinished, is decided by
 * run/digest.ts from the clock, so a late or repeated invocation sends nothing twice.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { dynamoClient, snsClient } from '../aws/clients.ts';
import { BundleStore } from '../aws/bundle-store.ts';
import { getSourceMeta } from '../aws/source-meta.ts';
import { digestSourcesFromEnv, digestSubscribersFromEnv } from '../config/delivery-env.ts';
import { DIGEST_ENV, requireEnv, unpackEnvironment } from '../config/environment.ts';
import { ConfigError } from '../core/errors.ts';
import { createDigestRenderer } from '../delivery/digest-renderer.ts';
import { snsPublisher } from '../delivery/sns-publisher.ts';
import { runDigests, sourceChecks, type DigestDeps, type DigestOutcome, type DigestSubscriber } from '../run/digest.ts';
import { log, powertoolsLogger } from './logger.ts';

export interface DigestEvent {
  subscriberId?: string;
}

export interface DigestHandlerConfig {
  deps: DigestDeps;
  subscribers: readonly DigestSubscriber[];
}

export function createDigestHandler(configure: () => DigestHandlerConfig) {
  let config: DigestHandlerConfig | undefined;
  return middy<DigestEvent, DigestOutcome[]>()
    .use(injectLambdaContext(powertoolsLogger))
    .handler(async (event) => {
      config ??= configure();
      const chosen = event?.subscriberId
        ? config.subscribers.filter((subscriber) => subscriber.id === event.subscriberId)
        : config.subscribers;
      if (event?.subscriberId && chosen.length === 0)
        throw new ConfigError(`no digest subscriber "${event.subscriberId}" in ${DIGEST_ENV.digestSubscribers}`);
      const outcomes = await runDigests(chosen, config.deps);
      for (const outcome of outcomes) log.info('digest', { ...outcome });
      return outcomes;
    });
}

export const handler = createDigestHandler(() => {
  unpackEnvironment();
  const table = { client: dynamoClient(), tableName: requireEnv(DIGEST_ENV.tableName) };
  const sources = digestSourcesFromEnv(process.env[DIGEST_ENV.digestSources]);
  return {
    subscribers: digestSubscribersFromEnv(process.env[DIGEST_ENV.digestSubscribers]),
    deps: {
      store: new BundleStore(table),
      publisher: snsPublisher({ sns: snsClient(), alertsTopicArn: requireEnv(DIGEST_ENV.alertsTopicArn) }),
      render: createDigestRenderer(() => sourceChecks({ getMeta: (id) => getSourceMeta(table, id) }, sources)),
      log,
    },
  };
});
