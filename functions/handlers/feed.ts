/**
 * The change feeds behind a Lambda Function URL: GET or HEAD `/feeds/<token>/<name>.atom|json`.
 * The token is the credential (feed readers cannot sign requests), so the URL has no other auth;
 * every wrong path, token or name gets the same 404, never a hint at which part was wrong. The
 * secret the tokens derive from is read from Secrets Manager once per cold start (a failed read is
 * retried by the next request, not cached).
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { dynamoClient } from '../aws/clients.ts';
import { readEventFeedPage } from '../aws/event-feed.ts';
import type { TableRef } from '../aws/table.ts';
import { FEED_ENV, requireEnv, unpackEnvironment } from '../config/environment.ts';
import { feedSourceIdsFromEnv, feedSubscribersFromEnv, type FeedSubscriber } from '../config/feed-env.ts';
import { ConfigError, describeError } from '../core/errors.ts';
import {
  answerFeedRequest,
  feedDefinitions,
  plainResponse,
  withBefore,
  type FeedDefinition,
  type FeedResponse,
} from '../delivery/feed-request.ts';
import { resolveFeedPath } from '../delivery/feed-tokens.ts';
import { log, powertoolsLogger } from './logger.ts';

export interface FeedHandlerConfig {
  table: TableRef;
  /** The tokens' secret (called once per container while it succeeds). */
  getSecret: () => Promise<string>;
  subscribers: FeedSubscriber[];
  sourceIds: string[];
  pageSize: number;
  /** @default the system clock */
  clock?: () => Date;
}

const NOT_FOUND = 'not found';

export function createFeedHandler(config: FeedHandlerConfig | (() => FeedHandlerConfig)) {
  let resolved: FeedHandlerConfig | undefined;
  let secret: Promise<string> | undefined;
  let feeds: Map<string, FeedDefinition> | undefined;
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(powertoolsLogger))
    .handler(async (event) => {
      resolved ??= typeof config === 'function' ? config() : config;
      const settled = resolved;
      feeds ??= new Map(feedDefinitions(settled.subscribers).map((feed) => [feed.name, feed]));
      secret ??= settled.getSecret().catch((error: unknown) => {
        secret = undefined;
        throw error;
      });
      const path = event.rawPath;
      const keys = settled.subscribers.map(({ id, feedRotation }) => ({ name: id, feedRotation }));
      const file = resolveFeedPath(path, await secret, keys);
      const feed = file && feeds.get(file.name);
      if (!file || !feed) return toResult(plainResponse(404, NOT_FOUND));
      const base = `https://${event.requestContext.domainName}${path}`;
      try {
        return toResult(
          await answerFeedRequest({
            feed,
            format: file.format,
            method: event.requestContext.http.method,
            before: event.queryStringParameters?.before,
            ifNoneMatch: event.headers?.['if-none-match'],
            pageSize: settled.pageSize,
            readPage: (page) => readEventFeedPage(settled.table, { sourceIds: settled.sourceIds, ...page }),
            pageUrl: (before) => withBefore(base, before),
            now: settled.clock ?? (() => new Date()),
          }),
        );
      } catch (error) {
        // The log names the feed (never the token, which is in the path); the reader gets a 500.
        log.error('feed: read: the page could not be read', { feed: feed.name, cause: describeError(error) });
        return toResult(plainResponse(500, 'the feed could not be read; try again later'));
      }
    });
}

function toResult(response: FeedResponse): APIGatewayProxyStructuredResultV2 {
  return { statusCode: response.status, headers: response.headers, body: response.body };
}

/** The deployed function: configuration from the environment the stack sets (FEED_ENV). */
export function feedConfigFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): FeedHandlerConfig {
  const secretArn = requireEnv(FEED_ENV.secretArn, env);
  const pageSize = Number(requireEnv(FEED_ENV.pageSize, env));
  if (!Number.isInteger(pageSize) || pageSize < 1)
    throw new ConfigError(`environment variable ${FEED_ENV.pageSize} must be a whole number above 0`);
  const secrets = new SecretsManagerClient({});
  return {
    table: { client: dynamoClient(), tableName: requireEnv(FEED_ENV.tableName, env) },
    getSecret: async () => {
      const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
      if (!SecretString) throw new ConfigError(`feed: secret ${secretArn} holds no string`);
      return SecretString;
    },
    subscribers: feedSubscribersFromEnv(env[FEED_ENV.subscribers]),
    sourceIds: feedSourceIdsFromEnv(env[FEED_ENV.sourceIds]),
    pageSize,
  };
}

export const handler = createFeedHandler(() => {
  unpackEnvironment();
  return feedConfigFromEnv();
});
