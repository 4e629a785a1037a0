/**
 * The review page on AWS: an HTTP API (payload 2.0) behind CloudFront, in front of the same page
 * `tradewatch serve` serves locally (review/page.ts). This adapter does what the page trusts the
 * server to have done: only requests that came through CloudFront (its secret origin header) and
 * carry a valid sign-in of a configured reviewer reach the page, with that reviewer's subscribers;
 * everything else gets a redirect to sign-in (GET, HEAD), a 401 (any other method), or a 403
 * (signed in but not a reviewer), and never a byte of the table.
 *
 * The CSRF key, the origin header's value and the sign-in settings are read once per cold start
 * (a failed read is retried by the next request, not cached) and never logged.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { dynamoClient } from '../aws/clients.ts';
import type { TradewatchConfig } from '../config/config.ts';
import { REVIEW_PAGE_ENV, REVIEW_PAGE_ORIGIN_HEADER, requireEnv, unpackEnvironment } from '../config/environment.ts';
import { reviewPageConfigFromEnv, reviewPageSignInFromJson, type ReviewPageSignIn } from '../config/review-page-env.ts';
import { ConfigError, describeError } from '../core/errors.ts';
import { createReviewPage } from '../review/page.ts';
import type { PageHandler, PageResponse } from '../review/page-request.ts';
import {
  AUTH_PATHS,
  SESSION_COOKIE,
  SIGN_IN_COOKIE,
  SignInError,
  completeSignIn,
  cookie,
  readCookies,
  reviewerFor,
  sameText,
  signOutUrl,
  startSignIn,
  verifiedSession,
  type IdTokenVerifier,
} from './review-auth.ts';
import { log, powertoolsLogger } from './logger.ts';

/** What a container reads once: the secrets, the sign-in settings, and the page built on them. */
export interface ReviewPageRuntime {
  signIn: ReviewPageSignIn;
  verifier: IdTokenVerifier;
  /** The value CloudFront sends in REVIEW_PAGE_ORIGIN_HEADER. */
  originSecret: string;
  page: PageHandler;
}

export interface ReviewPageHandlerConfig {
  /** The reviewers and subscribers (the page itself gets the configuration through `load`). */
  config: Pick<TradewatchConfig, 'reviewPage' | 'subscribers'>;
  /** Called once per container while it succeeds. */
  load: () => Promise<ReviewPageRuntime>;
  /** The token endpoint's client. @default the global fetch */
  fetch?: typeof fetch;
  /** @default the system clock */
  now?: () => Date;
}

type Result = APIGatewayProxyStructuredResultV2 & { cookies?: string[] };

/** Request headers the page never sees: the session, and the secret proving the request came through CloudFront. */
const WITHHELD_HEADERS = new Set(['cookie', 'authorization', REVIEW_PAGE_ORIGIN_HEADER]);

export function createReviewPageHandler(config: ReviewPageHandlerConfig | (() => ReviewPageHandlerConfig)) {
  let resolved: ReviewPageHandlerConfig | undefined;
  let runtime: Promise<ReviewPageRuntime> | undefined;
  return middy<APIGatewayProxyEventV2, Result>()
    .use(injectLambdaContext(powertoolsLogger))
    .handler(async (event) => {
      resolved ??= typeof config === 'function' ? config() : config;
      const settled = resolved;
      runtime ??= settled.load().catch((error: unknown) => {
        runtime = undefined;
        throw error;
      });
      const { signIn, verifier, originSecret, page } = await runtime;
      if (!sameText(event.headers?.[REVIEW_PAGE_ORIGIN_HEADER] ?? '', originSecret)) return text(403, 'forbidden');

      const method = event.requestContext.http.method.toUpperCase();
      const path = event.rawPath || '/';
      const query = new URLSearchParams(event.rawQueryString ?? '');
      const cookies = readCookies(event.cookies);
      const now = settled.now ?? (() => new Date());

      if (path === AUTH_PATHS.callback) {
        try {
          const { idToken, payload, returnTo } = await completeSignIn(
            signIn,
            verifier,
            query,
            cookies,
            settled.fetch ?? fetch,
          );
          return {
            ...redirect(returnTo),
            cookies: [
              cookie(SESSION_COOKIE, idToken, payload.exp - now().getTime() / 1000),
              cookie(SIGN_IN_COOKIE, '', 0),
            ],
          };
        } catch (error) {
          if (error instanceof SignInError)
            return { ...text(400, `sign-in: ${error.message}`), cookies: [cookie(SIGN_IN_COOKIE, '', 0)] };
          log.error('review page: sign-in: the code could not be exchanged', { cause: describeError(error) });
          return text(502, 'sign-in: the sign-in service did not answer; try again');
        }
      }
      if (path === AUTH_PATHS.signOut)
        return { ...redirect(signOutUrl(signIn)), cookies: [cookie(SESSION_COOKIE, '', 0)] };
      if (path === AUTH_PATHS.signedOut) return signedOutPage();

      const claims = await verifiedSession(verifier, cookies);
      if (!claims) {
        const stale = cookies.has(SESSION_COOKIE) ? [cookie(SESSION_COOKIE, '', 0)] : [];
        if (method !== 'GET' && method !== 'HEAD')
          return { ...text(401, 'sign in first: your session has ended'), cookies: stale };
        const started = startSignIn(signIn, event.rawQueryString ? `${path}?${event.rawQueryString}` : path);
        return { ...redirect(started.location), cookies: [...stale, started.setCookie] };
      }
      const reviewer = reviewerFor(claims, settled.config.reviewPage, settled.config.subscribers);
      if (!reviewer) {
        // The subject, not the address: the log says who tried without holding their email.
        log.warn('review page: a signed-in person who is not a reviewer was refused', { subject: String(claims.sub) });
        return text(403, 'this address is not a reviewer of this page: ask whoever deploys tradewatch to add it');
      }
      try {
        return toResult(
          await page({
            method,
            path,
            query,
            headers: pageHeaders(event.headers ?? {}, new URL(signIn.pageOrigin).host),
            body: event.body
              ? event.isBase64Encoded
                ? Buffer.from(event.body, 'base64').toString('utf8')
                : event.body
              : '',
            reviewer,
          }),
        );
      } catch (error) {
        log.error('review page: the page failed', { path, cause: describeError(error) });
        return text(500, 'the page could not be shown; try again later');
      }
    });
}

/**
 * The headers as the page expects them: lower-case, without the withheld ones, and `host` the
 * distribution's (CloudFront reaches the API under the API's own host name), so that the page's
 * same-origin check compares a form's Origin with the address the browser used.
 */
function pageHeaders(
  headers: Readonly<Record<string, string | undefined>>,
  host: string,
): Record<string, string | undefined> {
  return {
    ...Object.fromEntries(
      Object.entries(headers)
        .map(([name, value]) => [name.toLowerCase(), value] as const)
        .filter(([name]) => !WITHHELD_HEADERS.has(name)),
    ),
    host,
  };
}

function toResult(response: PageResponse): Result {
  // Personal data: no browser or shared cache keeps a page unless the page says otherwise.
  return {
    statusCode: response.status,
    headers: { 'cache-control': 'no-store', ...response.headers },
    body: response.body,
  };
}

function text(status: number, message: string): Result {
  return {
    statusCode: status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
    body: `${message}\n`,
  };
}

function redirect(location: string): Result {
  return { statusCode: 302, headers: { location, 'cache-control': 'no-store' }, body: '' };
}

function signedOutPage(): Result {
  return {
    statusCode: 200,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
    body: '<!doctype html><html lang="en"><meta charset="utf-8"><title>Signed out · tradewatch</title><main><h1>You are signed out</h1><p><a href="/">Sign in again</a></p></main></html>\n',
  };
}

/** The deployed function: the environment the stack sets (REVIEW_PAGE_ENV), the secrets and settings read at cold start. */
export function reviewPageConfigFromEnvironment(
  env: Readonly<Record<string, string | undefined>> = process.env,
): ReviewPageHandlerConfig {
  const config = reviewPageConfigFromEnv(env[REVIEW_PAGE_ENV.config]);
  const tableName = requireEnv(REVIEW_PAGE_ENV.tableName, env);
  const csrfSecretArn = requireEnv(REVIEW_PAGE_ENV.csrfSecretArn, env);
  const originSecretArn = requireEnv(REVIEW_PAGE_ENV.originSecretArn, env);
  const signInParameter = requireEnv(REVIEW_PAGE_ENV.signInParameter, env);
  return {
    config,
    load: async () => {
      const secrets = new SecretsManagerClient({});
      const readSecret = async (secretId: string) => {
        const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
        if (!SecretString) throw new ConfigError(`review page: secret ${secretId} holds no string`);
        return SecretString;
      };
      const [csrfSecret, originSecret, parameter] = await Promise.all([
        readSecret(csrfSecretArn),
        readSecret(originSecretArn),
        new SSMClient({}).send(new GetParameterCommand({ Name: signInParameter })),
      ]);
      const signIn = reviewPageSignInFromJson(parameter.Parameter?.Value ?? '', signInParameter);
      return {
        signIn,
        verifier: CognitoJwtVerifier.create({
          userPoolId: signIn.userPoolId,
          tokenUse: 'id',
          clientId: signIn.clientId,
        }),
        originSecret,
        page: createReviewPage({
          table: { client: dynamoClient(), tableName },
          config,
          csrfSecret: Buffer.from(csrfSecret, 'utf8'),
        }),
      };
    },
  };
}

export const handler = createReviewPageHandler(() => {
  unpackEnvironment();
  return reviewPageConfigFromEnvironment();
});
