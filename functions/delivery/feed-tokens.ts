/**
 * The secret URLs of the deployed change feeds: `<base>/feeds/<token>/<name>.atom|json`, where the
 * token is base64url(HMAC-SHA256(secret, `<subscriberId>:<feedRotation>`)). The token is the only
 * credential (a feed reader, Outlook or Slack cannot sign a request), so it is derived, never
 * stored: raising a subscriber's `feedRotation` and redeploying gives its feed a new URL and makes
 * the old one answer 404. The feed of every change has the fixed token input `all:0` (no subscriber
 * may be called `all`, config/schema.ts); rotating it means replacing the secret, which rotates
 * every URL.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ALL_FEED, parseFeedFileName, type FeedFormat } from './feeds.ts';

/** What the all-changes feed's token is derived from. */
export const ALL_FEED_TOKEN_INPUT = `${ALL_FEED}:0`;

/** A feed's name (`all` or a subscriber id) and its rotation. */
export interface FeedKey {
  name: string;
  feedRotation: number;
}

export function feedToken(secret: string, key: FeedKey): string {
  const input = key.name === ALL_FEED ? ALL_FEED_TOKEN_INPUT : `${key.name}:${key.feedRotation}`;
  return createHmac('sha256', secret).update(input).digest('base64url');
}

/**
 * Constant-time comparison. Both sides are hashed first, so the comparison neither fails early on a
 * length difference nor tells how long the expected token is.
 */
export function tokensEqual(given: string, expected: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** `<base>/feeds/<token>/<name>.<format>` */
export function feedUrl(baseUrl: string, token: string, name: string, format: FeedFormat): string {
  return `${baseUrl.replace(/\/+$/, '')}/feeds/${token}/${name}.${format}`;
}

/**
 * The feed a request path names, when its token is right; undefined for any wrong path, token or
 * name alike (the caller answers all of them with the same 404). A name that is no feed is compared
 * against a token all the same, so an unknown name takes as long as a wrong token.
 */
export function resolveFeedPath(
  path: string,
  secret: string,
  feeds: readonly FeedKey[],
): { name: string; format: FeedFormat } | undefined {
  const match = /^\/feeds\/([A-Za-z0-9_-]{1,100})\/([^/]+)$/.exec(path);
  if (!match) return undefined;
  const file = parseFeedFileName(match[2]!);
  const key =
    file && (file.name === ALL_FEED ? { name: ALL_FEED, feedRotation: 0 } : feeds.find((f) => f.name === file.name));
  const expected = feedToken(secret, key ?? { name: `\u0000unknown`, feedRotation: 0 });
  const equal = tokensEqual(match[1]!, expected);
  return equal && key && file ? file : undefined;
}
