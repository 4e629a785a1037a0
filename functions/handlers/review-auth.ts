/**
 * The review page's sign-in on AWS: OpenID Connect authorization code with PKCE against the user
 * pool's managed sign-in pages, and the session that follows.
 *
 * The session is the Cognito ID token itself in a `__Host-` cookie (Secure, HttpOnly,
 * SameSite=Lax, Path=/, no Domain, so no other site or subdomain can set or read it): verifying
 * its signature, issuer, audience and expiry on every request (aws-jwt-verify, against the pool's
 * published keys) is the whole session check, and nothing is stored server-side. The reviewer is
 * the token's email, which the pool keeps verified and immutable, looked up in the configuration's
 * reviewers: a signed-in address the configuration does not name sees nothing.
 *
 * The sign-in's state, nonce and PKCE verifier wait in a second, short-lived `__Host-` cookie: the
 * callback refuses a code whose state is not the one this browser was sent with (login CSRF), and
 * an ID token whose nonce is not the one asked for (a replayed token).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ReviewPageSignIn } from '../config/review-page-env.ts';
import type { Subscriber, TradewatchConfig } from '../config/config.ts';
import type { Reviewer } from '../review/page-request.ts';

export const SESSION_COOKIE = '__Host-tradewatch-session';
export const SIGN_IN_COOKIE = '__Host-tradewatch-sign-in';
/** The page's own routes for the sign-in; every other path is the page's. */
export const AUTH_PATHS = { callback: '/auth/callback', signOut: '/auth/sign-out', signedOut: '/auth/signed-out' };
/** How long a started sign-in may take before its state expires. */
const SIGN_IN_SECONDS = 600;
/** Only what the page needs: no `aws.cognito.signin.user.admin`, so a token cannot change its own email. */
export const SIGN_IN_SCOPES = 'openid email';

/** The claims of a verified ID token that the page reads. */
export interface IdTokenClaims {
  readonly exp: number;
  readonly [claim: string]: unknown;
}

/** Verifies an ID token of the pool and app client (aws-jwt-verify's CognitoJwtVerifier in production). */
export interface IdTokenVerifier {
  verify(token: string): Promise<IdTokenClaims>;
}

interface PendingSignIn {
  state: string;
  nonce: string;
  verifier: string;
  returnTo: string;
}

export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** `name=value; …` attributes for Set-Cookie: every cookie of the page is host-only, Secure, HttpOnly, Lax. */
export function cookie(name: string, value: string, maxAgeSeconds: number): string {
  return `${name}=${value}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`;
}

/** The cookies of a request (payload 2.0 `cookies`: one `name=value` each); the first of a name wins. */
export function readCookies(cookies: readonly string[] | undefined): Map<string, string> {
  const found = new Map<string, string>();
  for (const part of (cookies ?? []).flatMap((line) => line.split(';'))) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    const name = part.slice(0, at).trim();
    if (!found.has(name)) found.set(name, part.slice(at + 1).trim());
  }
  return found;
}

/** Where a sign-in may return: a path of this page only (never `//host` or a scheme), else the root. */
export function safeReturnPath(path: string): string {
  return /^\/(?![/\\])[^\s]*$/.test(path) && !path.startsWith(AUTH_PATHS.callback) ? path : '/';
}

/** Starts a sign-in: the managed sign-in page's URL and the cookie that remembers what was asked. */
export function startSignIn(settings: ReviewPageSignIn, returnTo: string): { location: string; setCookie: string } {
  const pending: PendingSignIn = {
    state: randomToken(),
    nonce: randomToken(),
    verifier: randomToken(),
    returnTo: safeReturnPath(returnTo),
  };
  const challenge = createHash('sha256').update(pending.verifier).digest('base64url');
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: settings.clientId,
    redirect_uri: callbackUrl(settings),
    scope: SIGN_IN_SCOPES,
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  return {
    location: `${settings.signInOrigin}/oauth2/authorize?${query}`,
    setCookie: cookie(SIGN_IN_COOKIE, Buffer.from(JSON.stringify(pending)).toString('base64url'), SIGN_IN_SECONDS),
  };
}

export function callbackUrl(settings: ReviewPageSignIn): string {
  return `${settings.pageOrigin}${AUTH_PATHS.callback}`;
}

/** Why a callback was refused: said to the person as is (it names no secret). */
export class SignInError extends Error {
  override name = 'SignInError';
}

/**
 * The callback: the code exchanged at the token endpoint (with the PKCE verifier), the ID token
 * verified and its nonce checked. Returns the token (the session) and where to go next.
 */
export async function completeSignIn(
  settings: ReviewPageSignIn,
  verifier: IdTokenVerifier,
  query: URLSearchParams,
  cookies: Map<string, string>,
  fetchImpl: typeof fetch = fetch,
): Promise<{ idToken: string; payload: IdTokenClaims; returnTo: string }> {
  const pending = readPending(cookies.get(SIGN_IN_COOKIE));
  if (!pending) throw new SignInError('the sign-in expired or was started in another browser; start again');
  const state = query.get('state') ?? '';
  if (!sameText(state, pending.state)) throw new SignInError('the sign-in does not match the one started here');
  if (query.has('error')) throw new SignInError('the sign-in was cancelled or refused');
  const code = query.get('code');
  if (!code) throw new SignInError('the sign-in returned no code');
  const response = await fetchImpl(`${settings.signInOrigin}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: settings.clientId,
      code,
      redirect_uri: callbackUrl(settings),
      code_verifier: pending.verifier,
    }).toString(),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new SignInError(`the sign-in's code was refused (HTTP ${response.status}); start again`);
  const tokens = (await response.json()) as { id_token?: unknown };
  if (typeof tokens.id_token !== 'string') throw new SignInError('the sign-in returned no ID token');
  const payload = await verifier.verify(tokens.id_token);
  if (typeof payload.nonce !== 'string' || !sameText(payload.nonce, pending.nonce))
    throw new SignInError('the ID token was not issued for this sign-in');
  return { idToken: tokens.id_token, payload, returnTo: pending.returnTo };
}

/** The session's ID token verified, or undefined when there is none or it is forged, altered or expired. */
export async function verifiedSession(
  verifier: IdTokenVerifier,
  cookies: Map<string, string>,
): Promise<IdTokenClaims | undefined> {
  const token = cookies.get(SESSION_COOKIE);
  if (!token) return undefined;
  try {
    return await verifier.verify(token);
  } catch {
    // Every way a token fails (signature, issuer, audience, expiry, malformed) means: not signed in.
    return undefined;
  }
}

/** Sign-out: the managed pages end their own session, then come back to AUTH_PATHS.signedOut. */
export function signOutUrl(settings: ReviewPageSignIn): string {
  const query = new URLSearchParams({
    client_id: settings.clientId,
    logout_uri: `${settings.pageOrigin}${AUTH_PATHS.signedOut}`,
  });
  return `${settings.signInOrigin}/logout?${query}`;
}

/**
 * The reviewer a verified token names: its email, verified, compared without case to the
 * configuration's reviewers. Undefined (the page answers 403) for anyone else.
 */
export function reviewerFor(
  payload: IdTokenClaims,
  reviewPage: TradewatchConfig['reviewPage'],
  subscribers: readonly Pick<Subscriber, 'id'>[],
): Reviewer | undefined {
  const email = payload.email;
  if (typeof email !== 'string' || payload.email_verified !== true) return undefined;
  const entry = reviewPage.reviewers.find((reviewer) => reviewer.email.toLowerCase() === email.toLowerCase());
  if (!entry) return undefined;
  // The configuration checked the ids; a subscriber removed since is simply not shown.
  const known = new Set(subscribers.map((subscriber) => subscriber.id));
  return {
    id: entry.email,
    email: entry.email,
    subscribers: entry.subscribers === 'all' ? 'all' : entry.subscribers.filter((id) => known.has(id)),
  };
}

function readPending(value: string | undefined): PendingSignIn | undefined {
  if (!value) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Partial<PendingSignIn>;
    const { state, nonce, verifier, returnTo } = parsed;
    if ([state, nonce, verifier, returnTo].every((part) => typeof part === 'string' && part !== ''))
      return { state, nonce, verifier, returnTo: safeReturnPath(returnTo!) } as PendingSignIn;
    return undefined;
  } catch {
    // A cookie that does not decode is a sign-in that was not started here.
    return undefined;
  }
}

/** Constant-time comparison of two strings (lengths are not secret). */
export function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
