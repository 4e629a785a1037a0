import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../functions/config/config.ts';
import { REVIEW_PAGE_ORIGIN_HEADER } from '../../../functions/config/environment.ts';
import type { ReviewPageSignIn } from '../../../functions/config/review-page-env.ts';
import { SESSION_COOKIE, SIGN_IN_COOKIE } from '../../../functions/handlers/review-auth.ts';
import { createReviewPageHandler } from '../../../functions/handlers/review-page.ts';
import type { PageRequest } from '../../../functions/review/page-request.ts';
import { startHttpServer, type TestServer } from '../../helpers/http-server.ts';

const POOL = 'eu-west-1_TestPool1';
const CLIENT = 'testclient123';
const ISSUER = `https://cognito-idp.eu-west-1.amazonaws.com/${POOL}`;
const ORIGIN_SECRET = 'origin-secret-of-the-tests';
const KID = 'test-key-1';

const config = parseConfig({
  subscribers: [
    { id: 'cn-desk', channel: { type: 'email', address: 'cn@example.com' } },
    { id: 'ru-desk', channel: { type: 'email', address: 'ru@example.com' } },
  ],
  reviewPage: {
    enabled: true,
    reviewers: [
      { email: 'Analyst@Example.com', subscribers: ['cn-desk'] },
      { email: 'lead@example.com', subscribers: 'all' },
    ],
  },
});

function keyPair() {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}
const signing = keyPair();
const forger = keyPair();

function jwt(claims: Record<string, unknown>, key: KeyObject = signing.privateKey): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const body = `${part({ alg: 'RS256', kid: KID, typ: 'JWT' })}.${part(claims)}`;
  return `${body}.${createSign('RSA-SHA256').update(body).sign(key).toString('base64url')}`;
}

function idToken(email: string, overrides: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  return jwt({
    sub: `sub-of-${email}`,
    iss: ISSUER,
    aud: CLIENT,
    token_use: 'id',
    auth_time: now,
    iat: now,
    exp: now + 3600,
    email,
    email_verified: true,
    ...overrides,
  });
}

function event(
  path: string,
  options: { method?: string; cookies?: string[]; query?: string; body?: string; origin?: string | null } = {},
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    host: 'abc123.execute-api.eu-west-1.amazonaws.com',
    origin: 'https://d111.cloudfront.net',
  };
  if (options.origin !== null) headers[REVIEW_PAGE_ORIGIN_HEADER] = options.origin ?? ORIGIN_SECRET;
  if (options.cookies) headers.cookie = options.cookies.join('; ');
  return {
    rawPath: path,
    rawQueryString: options.query ?? '',
    headers,
    ...(options.cookies ? { cookies: options.cookies } : {}),
    ...(options.body !== undefined ? { body: options.body, isBase64Encoded: false } : {}),
    requestContext: { domainName: 'api', http: { method: options.method ?? 'GET', path } },
  } as unknown as APIGatewayProxyEventV2;
}

const context = { functionName: 'tradewatch-review-page', awsRequestId: 'request-1' } as unknown as Context;

/** Set-Cookie values of a result, by cookie name. */
function setCookies(result: { cookies?: string[] }): Map<string, string> {
  return new Map((result.cookies ?? []).map((line) => [line.slice(0, line.indexOf('=')), line]));
}

describe('the review page handler (sign-in in front of the page)', () => {
  let tokenEndpoint: TestServer;
  const pageCalls: PageRequest[] = [];
  let handler: ReturnType<typeof createReviewPageHandler>;
  let signIn: ReviewPageSignIn;
  let loads = 0;
  const call = async (e: APIGatewayProxyEventV2) =>
    (await handler(e, context)) as {
      statusCode: number;
      headers: Record<string, string>;
      body: string;
      cookies?: string[];
    };

  beforeAll(async () => {
    tokenEndpoint = await startHttpServer();
    signIn = {
      userPoolId: POOL,
      clientId: CLIENT,
      signInOrigin: tokenEndpoint.url,
      pageOrigin: 'https://d111.cloudfront.net',
    };
    const verifier = CognitoJwtVerifier.create({ userPoolId: POOL, tokenUse: 'id', clientId: CLIENT });
    // The pool's keys given directly: the verifier never reaches the network.
    const { n, e } = signing.publicKey.export({ format: 'jwk' });
    verifier.cacheJwks({ keys: [{ kty: 'RSA', n: n!, e: e!, kid: KID, alg: 'RS256', use: 'sig' }] });
    handler = createReviewPageHandler({
      config,
      load: async () => {
        loads += 1;
        return {
          signIn,
          verifier,
          originSecret: ORIGIN_SECRET,
          // A stand-in for the page: it answers with what it was given, so the test sees what reached it.
          page: async (request) => {
            pageCalls.push(request);
            return {
              status: 200,
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ reviewer: request.reviewer, method: request.method, path: request.path }),
            };
          },
        };
      },
    });
  });
  afterAll(async () => {
    await tokenEndpoint?.close();
  });

  it('refuses a request that did not come through CloudFront, before anything else', async () => {
    const calls = pageCalls.length;

    const missing = await call(
      event('/changes', { origin: null, cookies: [`${SESSION_COOKIE}=${idToken('lead@example.com')}`] }),
    );
    const wrong = await call(
      event('/changes', { origin: 'guess', cookies: [`${SESSION_COOKIE}=${idToken('lead@example.com')}`] }),
    );

    expect([missing.statusCode, wrong.statusCode]).toEqual([403, 403]);
    expect(pageCalls.length).toBe(calls);
  });

  it('sends a GET without a session to the sign-in page with PKCE, state and nonce, and shows no data', async () => {
    const calls = pageCalls.length;

    const result = await call(event('/changes', { query: 'source=us-ofac-sdn' }));

    expect(result.statusCode).toBe(302);
    const location = new URL(result.headers.location!);
    expect(`${location.origin}${location.pathname}`).toBe(`${tokenEndpoint.url}/oauth2/authorize`);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: CLIENT,
      redirect_uri: 'https://d111.cloudfront.net/auth/callback',
      code_challenge_method: 'S256',
      scope: 'openid email',
    });
    expect(location.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(location.searchParams.get('state')).toMatch(/^[\w-]{43}$/);
    expect(result.body).toBe('');
    const pending = setCookies(result).get(SIGN_IN_COOKIE)!;
    expect(pending).toMatch(/; Path=\/; Secure; HttpOnly; SameSite=Lax; Max-Age=600$/);
    expect(pageCalls.length).toBe(calls);
  });

  it('answers a POST without a session 401, without calling the page', async () => {
    const calls = pageCalls.length;

    const result = await call(event('/hits/cn-desk/dismiss', { method: 'POST', body: 'reason=not+him' }));

    expect(result.statusCode).toBe(401);
    expect(pageCalls.length).toBe(calls);
  });

  it('refuses a forged, an altered, an expired and a foreign token as no session', async () => {
    const now = Math.floor(Date.now() / 1000);
    const genuine = idToken('lead@example.com');
    const [header, , signature] = genuine.split('.');
    const claims = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(genuine.split('.')[1]!, 'base64url').toString()),
        email: 'someone@else.com',
      }),
    ).toString('base64url');
    const tokens = {
      forged: jwt(JSON.parse(Buffer.from(genuine.split('.')[1]!, 'base64url').toString()), forger.privateKey),
      altered: `${header}.${claims}.${signature}`,
      expired: idToken('lead@example.com', { exp: now - 60, iat: now - 3700, auth_time: now - 3700 }),
      otherClient: idToken('lead@example.com', { aud: 'another-client' }),
      otherPool: idToken('lead@example.com', { iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other' }),
      accessToken: idToken('lead@example.com', { token_use: 'access' }),
    };
    const calls = pageCalls.length;

    for (const [kind, token] of Object.entries(tokens)) {
      const get = await call(event('/changes', { cookies: [`${SESSION_COOKIE}=${token}`] }));
      const post = await call(
        event('/hits/cn-desk/dismiss', { method: 'POST', cookies: [`${SESSION_COOKIE}=${token}`] }),
      );
      expect([kind, get.statusCode, post.statusCode]).toEqual([kind, 302, 401]);
      // The bad session is cleared along the way.
      expect(setCookies(get).get(SESSION_COOKIE)).toMatch(/Max-Age=0$/);
    }
    expect(pageCalls.length).toBe(calls);
  });

  it('answers 403, with no data, to a valid sign-in of an address that is not a reviewer', async () => {
    const calls = pageCalls.length;

    const result = await call(event('/changes', { cookies: [`${SESSION_COOKIE}=${idToken('stranger@example.com')}`] }));
    const unverified = await call(
      event('/changes', { cookies: [`${SESSION_COOKIE}=${idToken('lead@example.com', { email_verified: false })}`] }),
    );

    expect([result.statusCode, unverified.statusCode]).toEqual([403, 403]);
    expect(result.body).not.toContain('cn-desk');
    expect(pageCalls.length).toBe(calls);
  });

  it("lets a reviewer through with the configuration's subscribers, matched without case", async () => {
    const analyst = await call(event('/changes', { cookies: [`${SESSION_COOKIE}=${idToken('analyst@example.com')}`] }));
    const lead = await call(event('/sources', { cookies: [`${SESSION_COOKIE}=${idToken('lead@example.com')}`] }));

    expect(analyst.statusCode).toBe(200);
    expect(JSON.parse(analyst.body)).toEqual({
      reviewer: { id: 'Analyst@Example.com', email: 'Analyst@Example.com', subscribers: ['cn-desk'] },
      method: 'GET',
      path: '/changes',
    });
    expect(analyst.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(lead.body).reviewer.subscribers).toBe('all');
  });

  it('passes a signed-in POST to the page with its body and reviewer, and never the session or the origin secret', async () => {
    const session = idToken('analyst@example.com');

    const result = await call(
      event('/hits/cn-desk/dismiss', {
        method: 'POST',
        body: 'csrf=t0ken&reason=other+person',
        cookies: [`${SESSION_COOKIE}=${session}`],
      }),
    );

    expect(result.statusCode).toBe(200);
    const request = pageCalls.at(-1)!;
    expect(request.method).toBe('POST');
    expect(new URLSearchParams(request.body).get('reason')).toBe('other person');
    expect(request.reviewer.subscribers).toEqual(['cn-desk']);
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    // The host the browser addressed (the distribution), not the API's, for the page's same-origin check.
    expect(request.headers.host).toBe('d111.cloudfront.net');
    expect(request.headers.origin).toBe('https://d111.cloudfront.net');
    expect(JSON.stringify(request.headers)).not.toContain(session);
    expect(JSON.stringify(request.headers)).not.toContain(ORIGIN_SECRET);
  });

  it('completes a sign-in: exchanges the code with the PKCE verifier, checks state and nonce, and sets the session', async () => {
    const started = await call(event('/records/us-ofac-sdn/123', { query: 'tab=history' }));
    const authorize = new URL(started.headers.location!).searchParams;
    const pending = setCookies(started).get(SIGN_IN_COOKIE)!.split(';')[0]!;
    const issued = idToken('analyst@example.com', { nonce: authorize.get('nonce') });
    tokenEndpoint.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id_token: issued, access_token: 'unused', token_type: 'Bearer', expires_in: 3600 }));
    });

    const result = await call(
      event('/auth/callback', { query: `code=the-code&state=${authorize.get('state')}`, cookies: [pending] }),
    );

    expect(result.statusCode).toBe(302);
    expect(result.headers.location).toBe('/records/us-ofac-sdn/123?tab=history');
    const exchange = tokenEndpoint.requests.at(-1)!;
    expect(exchange.url).toBe('/oauth2/token');
    const form = new URLSearchParams(exchange.body);
    expect(Object.fromEntries(form)).toMatchObject({
      grant_type: 'authorization_code',
      client_id: CLIENT,
      code: 'the-code',
      redirect_uri: 'https://d111.cloudfront.net/auth/callback',
    });
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(form.get('code_verifier')!).digest('base64url')).toBe(
      authorize.get('code_challenge'),
    );
    const session = setCookies(result).get(SESSION_COOKIE)!;
    expect(session).toMatch(
      new RegExp(
        `^${SESSION_COOKIE}=${issued.replace(/\./g, '\\.')}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=(359\\d|3600)$`,
      ),
    );
    expect(setCookies(result).get(SIGN_IN_COOKIE)).toMatch(/Max-Age=0$/);

    const next = await call(event('/records/us-ofac-sdn/123', { cookies: [session.split(';')[0]!] }));
    expect(JSON.parse(next.body).reviewer.email).toBe('Analyst@Example.com');
  });

  it('refuses a callback whose state is not the one started in this browser, or whose token has another nonce', async () => {
    const started = await call(event('/changes'));
    const authorize = new URL(started.headers.location!).searchParams;
    const pending = setCookies(started).get(SIGN_IN_COOKIE)!.split(';')[0]!;
    tokenEndpoint.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id_token: idToken('analyst@example.com', { nonce: 'not-the-nonce' }) }));
    });
    const exchanges = tokenEndpoint.requests.length;

    const otherState = await call(
      event('/auth/callback', { query: 'code=c&state=attacker-state', cookies: [pending] }),
    );
    const noCookie = await call(event('/auth/callback', { query: `code=c&state=${authorize.get('state')}` }));
    expect(tokenEndpoint.requests.length).toBe(exchanges);
    const otherNonce = await call(
      event('/auth/callback', { query: `code=c&state=${authorize.get('state')}`, cookies: [pending] }),
    );

    expect([otherState.statusCode, noCookie.statusCode, otherNonce.statusCode]).toEqual([400, 400, 400]);
    for (const result of [otherState, noCookie, otherNonce]) expect(setCookies(result).has(SESSION_COOKIE)).toBe(false);
  });

  it('never returns a sign-in to another site', async () => {
    const started = await call(event('//evil.example/x'));
    const pending = JSON.parse(
      Buffer.from(setCookies(started).get(SIGN_IN_COOKIE)!.split(';')[0]!.split('=')[1]!, 'base64url').toString(),
    );

    expect(pending.returnTo).toBe('/');
  });

  it('signs out: clears the session and ends the managed sign-in session', async () => {
    const result = await call(
      event('/auth/sign-out', { cookies: [`${SESSION_COOKIE}=${idToken('lead@example.com')}`] }),
    );

    expect(result.statusCode).toBe(302);
    const location = new URL(result.headers.location!);
    expect(location.pathname).toBe('/logout');
    expect(location.searchParams.get('logout_uri')).toBe('https://d111.cloudfront.net/auth/signed-out');
    expect(setCookies(result).get(SESSION_COOKIE)).toMatch(/Max-Age=0$/);
  });

  it('read the secrets and settings once for every request of the container', () => {
    expect(loads).toBe(1);
  });
});
