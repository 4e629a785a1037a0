/**
 * Cross-site request forgery: every form of the page carries a token that only the server could
 * have made for this reviewer, and every POST is refused without it. The token is
 * `<expiry>.<HMAC-SHA256(secret, reviewer id + expiry)>` in base64url, so it needs no storage (the
 * deployed page runs on stateless functions) and stops working at its expiry or when the secret
 * changes (a new local process). A POST whose Origin (or, without one, Referer) is another site's
 * is refused too, before the token is even looked at.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How long a rendered form stays usable. */
export const CSRF_TOKEN_LIFETIME_MS = 8 * 60 * 60 * 1000;

export const CSRF_FIELD = 'csrf';

function mac(secret: Uint8Array, reviewerId: string, expires: number): Buffer {
  return createHmac('sha256', secret).update(`${reviewerId}\u0000${expires}`).digest();
}

export function csrfToken(secret: Uint8Array, reviewerId: string, now: Date): string {
  const expires = now.getTime() + CSRF_TOKEN_LIFETIME_MS;
  return `${expires}.${mac(secret, reviewerId, expires).toString('base64url')}`;
}

export type CsrfVerdict = { ok: true } | { ok: false; reason: string };

export function verifyCsrfToken(
  secret: Uint8Array,
  reviewerId: string,
  token: string | null | undefined,
  now: Date,
): CsrfVerdict {
  if (!token) return { ok: false, reason: 'the form carries no token' };
  const match = /^(\d{1,16})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return { ok: false, reason: 'the token is malformed' };
  const expires = Number(match[1]);
  const given = Buffer.from(match[2]!, 'base64url');
  const expected = mac(secret, reviewerId, expires);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'the token was not issued to you by this server' };
  if (expires <= now.getTime()) return { ok: false, reason: 'the form has expired: reload the page' };
  return { ok: true };
}

/**
 * Whether a POST comes from the page's own origin: its Origin header (browsers send it on every
 * cross-origin POST and on same-origin form POSTs), else its Referer, must name the host the
 * request was sent to. A request with neither is let through to the token check: such a client is
 * not a browser following a foreign page.
 */
export function sameOrigin(headers: Readonly<Record<string, string | undefined>>): CsrfVerdict {
  const host = headers.host;
  const claimed = headers.origin ?? headers.referer;
  if (claimed === undefined) return { ok: true };
  if (claimed === 'null' || !URL.canParse(claimed)) return { ok: false, reason: 'the request has an opaque origin' };
  if (!host || new URL(claimed).host !== host.toLowerCase())
    return { ok: false, reason: 'the request comes from another site' };
  return { ok: true };
}
