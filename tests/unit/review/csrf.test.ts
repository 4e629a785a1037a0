import { describe, expect, it } from 'vitest';
import { CSRF_TOKEN_LIFETIME_MS, csrfToken, sameOrigin, verifyCsrfToken } from '../../../functions/review/csrf.ts';

const secret = new Uint8Array(32).fill(7);
const now = new Date('2026-07-01T00:00:00Z');

describe('csrf tokens', () => {
  it("accepts the server's own token for the same reviewer", () => {
    expect(verifyCsrfToken(secret, 'ana', csrfToken(secret, 'ana', now), now)).toEqual({ ok: true });
  });

  it("refuses another reviewer's token, another secret's, a missing and a malformed one", () => {
    const token = csrfToken(secret, 'ana', now);

    expect(verifyCsrfToken(secret, 'bob', token, now).ok).toBe(false);
    expect(verifyCsrfToken(new Uint8Array(32).fill(8), 'ana', token, now).ok).toBe(false);
    expect(verifyCsrfToken(secret, 'ana', null, now).ok).toBe(false);
    expect(verifyCsrfToken(secret, 'ana', 'x.y', now).ok).toBe(false);
  });

  it('refuses a token past its expiry, and one whose expiry was moved', () => {
    const token = csrfToken(secret, 'ana', now);
    const later = new Date(now.getTime() + CSRF_TOKEN_LIFETIME_MS + 1);
    const [expires, mac] = token.split('.');

    expect(verifyCsrfToken(secret, 'ana', token, later)).toEqual({
      ok: false,
      reason: 'the form has expired: reload the page',
    });
    expect(verifyCsrfToken(secret, 'ana', `${Number(expires) + 1000}.${mac}`, now).ok).toBe(false);
  });
});

describe('sameOrigin', () => {
  it('accepts the Origin or Referer of the host addressed, and a request without either', () => {
    expect(sameOrigin({ host: '127.0.0.1:8787', origin: 'http://127.0.0.1:8787' }).ok).toBe(true);
    expect(sameOrigin({ host: '127.0.0.1:8787', referer: 'http://127.0.0.1:8787/hits/x' }).ok).toBe(true);
    expect(sameOrigin({ host: '127.0.0.1:8787' }).ok).toBe(true);
  });

  it('refuses another site, an opaque origin and a missing host', () => {
    expect(sameOrigin({ host: '127.0.0.1:8787', origin: 'https://evil.example' }).ok).toBe(false);
    expect(sameOrigin({ host: '127.0.0.1:8787', origin: 'null' }).ok).toBe(false);
    expect(sameOrigin({ origin: 'http://127.0.0.1:8787' }).ok).toBe(false);
  });
});
