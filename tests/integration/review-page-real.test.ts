import { createSign, generateKeyPairSync } from 'node:crypto';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/config/config.ts';
import { REVIEW_PAGE_ORIGIN_HEADER } from '../../functions/config/environment.ts';
import { SESSION_COOKIE } from '../../functions/handlers/review-auth.ts';
import { createReviewPageHandler } from '../../functions/handlers/review-page.ts';
import { createReviewPage } from '../../functions/review/page.ts';
import { WatchlistStore } from '../../functions/aws/watchlist-store.ts';
import type { TestStack } from '../helpers/local-stack.ts';
import { SEED_SUBSCRIBER, seedReviewStack } from '../helpers/review-seed.ts';

const POOL = 'eu-west-1_TestPool1';
const CLIENT = 'testclient123';
const KID = 'k1';
const ORIGIN_SECRET = 'origin-secret';
const PAGE = 'https://d111.cloudfront.net';
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const config = parseConfig({
  subscribers: [
    {
      id: SEED_SUBSCRIBER,
      channel: { type: 'email', address: 's@example.com' },
      watchlist: { entries: [{ name: 'Example Trading' }] },
    },
  ],
  reviewPage: { enabled: true, reviewers: [{ email: 'analyst@example.com', subscribers: [SEED_SUBSCRIBER] }] },
});

function idToken(email: string): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const body = `${part({ alg: 'RS256', kid: KID })}.${part({ sub: 's', iss: `https://cognito-idp.eu-west-1.amazonaws.com/${POOL}`, aud: CLIENT, token_use: 'id', iat: now, auth_time: now, exp: now + 600, email, email_verified: true })}`;
  return `${body}.${createSign('RSA-SHA256').update(body).sign(keys.privateKey).toString('base64url')}`;
}

describe('the review page handler in front of the real page', () => {
  let stack: TestStack;
  let handler: ReturnType<typeof createReviewPageHandler>;
  const session = `${SESSION_COOKIE}=${idToken('analyst@example.com')}`;
  const call = async (path: string, method = 'GET', body?: string, origin = PAGE) =>
    (await handler(
      {
        rawPath: path,
        rawQueryString: '',
        headers: {
          host: 'abc.execute-api.eu-west-1.amazonaws.com',
          origin,
          'content-type': 'application/x-www-form-urlencoded',
          [REVIEW_PAGE_ORIGIN_HEADER]: ORIGIN_SECRET,
        },
        cookies: [session],
        ...(body ? { body } : {}),
        requestContext: { http: { method, path } },
      } as unknown as APIGatewayProxyEventV2,
      {} as Context,
    )) as { statusCode: number; body: string; headers: Record<string, string> };

  beforeAll(async () => {
    stack = await seedReviewStack();
    const verifier = CognitoJwtVerifier.create({ userPoolId: POOL, tokenUse: 'id', clientId: CLIENT });
    const { n, e } = keys.publicKey.export({ format: 'jwk' });
    verifier.cacheJwks({ keys: [{ kty: 'RSA', n: n!, e: e!, kid: KID, alg: 'RS256', use: 'sig' }] });
    handler = createReviewPageHandler({
      config,
      load: async () => ({
        signIn: { userPoolId: POOL, clientId: CLIENT, signInOrigin: 'https://auth.example', pageOrigin: PAGE },
        verifier,
        originSecret: ORIGIN_SECRET,
        page: createReviewPage({ table: stack.store as never, config, csrfSecret: Buffer.alloc(32, 7) }),
      }),
    });
  });
  afterAll(async () => stack?.stop());

  /** The values of a form's hidden fields of this name, in document order. */
  const fieldValues = (html: string, name: string): string[] =>
    [...html.matchAll(new RegExp(`name="${name}"\\s+value="([^"]*)"`, 'g'))].map((m) => m[1]!);

  it('passes the signed-in reviewer to the page, whose POSTs are checked for origin and CSRF', async () => {
    const hits = await call(`/hits/${SEED_SUBSCRIBER}`);
    const csrf = fieldValues(hits.body, 'csrf')[0]!;
    const hit = ['source', 'record', 'entry'].map((name) => fieldValues(hits.body, name)[0]!);
    const form = (token: string) =>
      new URLSearchParams({
        csrf: token,
        source: hit[0]!,
        record: hit[1]!,
        entry: hit[2]!,
        reason: 'not him',
      }).toString();

    const crossSite = await call(`/hits/${SEED_SUBSCRIBER}/dismiss`, 'POST', form(csrf), 'https://evil.example');
    const forged = await call(`/hits/${SEED_SUBSCRIBER}/dismiss`, 'POST', form('forged'));
    const good = await call(`/hits/${SEED_SUBSCRIBER}/dismiss`, 'POST', form(csrf));
    const trail = await new WatchlistStore(stack.store).audit(SEED_SUBSCRIBER);

    expect(hits.statusCode).toBe(200);
    expect(csrf).toBeTruthy();
    expect(crossSite.statusCode).toBe(403);
    expect(forged.statusCode).toBe(403);
    expect(good.statusCode).toBe(303);
    expect(trail.at(-1)).toMatchObject({
      action: 'not-a-match',
      by: 'analyst@example.com',
      reason: 'not him',
      recordId: hit[1],
    });
    expect(trail.filter((e) => e.action === 'not-a-match')).toHaveLength(1);
  });
});
