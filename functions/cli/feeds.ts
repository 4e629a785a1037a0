/**
 * `tradewatch feeds`: the URL of each change feed. Locally the `tradewatch serve` URLs; with
 * `--base-url <function URL> --secret-arn <ARN>` the deployed ones, whose tokens are derived from
 * the secret (read with the user's own AWS credentials; it is never printed).
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadConfig } from '../config/config.ts';
import { feedSubscribers } from '../config/feed-subscribers.ts';
import { UsageError } from '../core/errors.ts';
import { feedToken, feedUrl, type FeedKey } from '../delivery/feed-tokens.ts';
import { ALL_FEED, FEED_FORMATS, type FeedFormat } from '../delivery/feeds.ts';
import type { Flags } from './args.ts';
import { out, outJson } from './output.ts';
import { DEFAULT_SERVE_PORT } from './serve.ts';

export async function commandFeeds(flags: Flags): Promise<number> {
  const config = loadConfig(flags.config);
  const keys: FeedKey[] = [
    { name: ALL_FEED, feedRotation: 0 },
    ...feedSubscribers(config).map(({ id, feedRotation }) => ({ name: id, feedRotation })),
  ];
  const urlOf = await urlBuilder(flags);
  const formats = Object.keys(FEED_FORMATS) as FeedFormat[];
  const feeds = keys.map((key) => ({
    name: key.name,
    ...Object.fromEntries(formats.map((format) => [format, urlOf(key, format)])),
  })) as ({ name: string } & Record<FeedFormat, string>)[];
  if (flags.json) outJson(feeds);
  else for (const feed of feeds) out(`${feed.name.padEnd(24)}  ${feed.atom}\n${''.padEnd(24)}  ${feed.json}`);
  return 0;
}

async function urlBuilder(flags: Flags): Promise<(key: FeedKey, format: FeedFormat) => string> {
  const baseUrl = flags['base-url'];
  const secretArn = flags['secret-arn'];
  if (!baseUrl && !secretArn) {
    const port = flags.port ?? String(DEFAULT_SERVE_PORT);
    return (key, format) => `http://127.0.0.1:${port}/feeds/${key.name}.${format}`;
  }
  if (!baseUrl || !secretArn)
    throw new UsageError('--base-url and --secret-arn go together (the stack prints both as outputs)');
  if (!URL.canParse(baseUrl) || new URL(baseUrl).protocol !== 'https:')
    throw new UsageError('--base-url must be the feed function URL (https://…)');
  const secret = await readSecret(secretArn);
  return (key, format) => feedUrl(baseUrl, feedToken(secret, key), key.name, format);
}

async function readSecret(secretArn: string): Promise<string> {
  const client = new SecretsManagerClient({});
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    if (!SecretString) throw new UsageError(`feeds: the secret ${secretArn} holds no string`);
    return SecretString;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`feeds: cannot read the secret ${secretArn}: ${(error as Error).message}`, { cause: error });
  } finally {
    client.destroy();
  }
}
