/**
 * The webhook signing secret: fetched once (Secrets Manager or SSM Parameter Store) and cached for
 * the life of the container. When a receiver answers 401 or 403, the secret is fetched again (at
 * most once a refresh interval) and, if it changed (rotation), the delivery is retried at once with
 * the new value. The secret never appears in a log line.
 *
 * Why a cache of our own and not @middy/secrets-manager or Powertools Parameters: both refresh by
 * age alone. The middy middleware fetches only before the handler runs (and SSM needs another
 * middleware), so it cannot re-read a rotated secret in the middle of a batch; Powertools'
 * providers re-read on `forceFetch`, but neither rate-limits a receiver that keeps answering 401
 * nor lets the deliveries of one batch share one re-read.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { describeError } from '../core/errors.ts';
import type { Logger } from '../run/ports.ts';

/** Least time between two fetches of the signing secret after a 401/403. */
export const SECRET_REFRESH_INTERVAL_MS = 60_000;

/** The signing secret as the dispatcher uses it: cached, re-read after a rejection. */
export interface SigningSecret {
  current(): Promise<string>;
  /** After a 401/403 to a request signed with `rejected`: a different secret to retry with, if any. */
  afterRejection(rejected: string): Promise<string | undefined>;
}

export interface CachedSecretOptions {
  /** Where a failed re-read is reported. */
  log: Logger;
  /** @default SECRET_REFRESH_INTERVAL_MS */
  refreshIntervalMs?: number;
  /** @default Date.now */
  clock?: () => number;
}

/**
 * Caches what `getSecret` returns. The first `current()` fetches; a failed fetch is not cached (the
 * next call fetches again). `afterRejection` fetches again only when the cached value is older than
 * `refreshIntervalMs`, so a receiver that always answers 401 costs at most one fetch per interval;
 * calls while a fetch is under way share it.
 */
export function cachedSecret(getSecret: () => Promise<string>, options: CachedSecretOptions): SigningSecret {
  const refreshIntervalMs = options.refreshIntervalMs ?? SECRET_REFRESH_INTERVAL_MS;
  const clock = options.clock ?? Date.now;
  let value: string | undefined;
  let fetchedAt = 0;
  let fetching: Promise<string> | undefined;
  const fetchOnce = (): Promise<string> => {
    fetching ??= getSecret()
      .then((secret) => {
        if (!secret) throw new Error('config: the webhook signing secret is empty');
        value = secret;
        fetchedAt = clock();
        return secret;
      })
      .finally(() => {
        fetching = undefined;
      });
    return fetching;
  };
  return {
    current: () => (value !== undefined ? Promise.resolve(value) : fetchOnce()),
    async afterRejection(rejected) {
      if (value !== undefined && value !== rejected) return value;
      if (!fetching && clock() - fetchedAt < refreshIntervalMs) return undefined;
      try {
        const fresh = await fetchOnce();
        return fresh !== rejected ? fresh : undefined;
      } catch (error) {
        // The cached secret stays in use; this delivery is reported failed and redelivered later.
        options.log.warn('webhook signing secret could not be fetched again', { error: describeError(error) });
        return undefined;
      }
    },
  };
}

/** A secret known up front (local mode): nothing to re-read. */
export function fixedSecret(secret: string): SigningSecret {
  return { current: () => Promise.resolve(secret), afterRejection: () => Promise.resolve(undefined) };
}

/** The signing secret stored as the SecretString of a Secrets Manager secret (name or ARN). */
export async function secretFromSecretsManager(client: SecretsManagerClient, secretId: string): Promise<string> {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (!SecretString)
    throw new Error(
      `config: Secrets Manager secret ${secretId} has no SecretString (store the signing secret as text, whsec_<base64>)`,
    );
  return SecretString;
}

/** The signing secret stored as an SSM SecureString parameter (decrypted). */
export async function secretFromParameterStore(client: SSMClient, name: string): Promise<string> {
  const { Parameter } = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
  if (!Parameter?.Value) throw new Error(`config: SSM parameter ${name} has no value`);
  return Parameter.Value;
}
