/**
 * The delivery settings the stack hands the pollers and the digest function, read back at cold
 * start. Kept apart from delivery.ts (which builds them from the zod schema) so that a handler
 * reading them bundles neither zod nor the source registry.
 */
import type { BundleSubscriber, DigestSubscriber } from '../core/bundles.ts';
import { ConfigError } from '../core/errors.ts';
import { isTimeZone } from '../core/digest-schedule.ts';
import { DIGEST_ENV, POLLER_ENV, parseEnvJson } from './environment.ts';

/** The stack's bundle subscribers, read back at cold start; a malformed value fails loudly. */
export function bundleSubscribersFromEnv(value: string | undefined): BundleSubscriber[] {
  if (!value) return [];
  const list = parseEnvJson(value, POLLER_ENV.bundleSubscribers);
  const valid =
    Array.isArray(list) &&
    list.every(
      (item: Partial<BundleSubscriber>) =>
        typeof item?.id === 'string' &&
        ['email', 'sms', 'webhook'].includes(item.channel ?? '') &&
        ['publication', 'daily', 'weekly'].includes(item.mode ?? '') &&
        typeof item.urgentHits === 'boolean' &&
        typeof item.policy === 'object' &&
        item.policy !== null,
    );
  if (!valid)
    throw new ConfigError(
      `environment variable ${POLLER_ENV.bundleSubscribers} must be a list of {id, channel, mode, urgentHits, policy}`,
    );
  return list as BundleSubscriber[];
}

/** The digest subscribers the stack passed, read back at cold start; a malformed value fails loudly. */
export function digestSubscribersFromEnv(value: string | undefined): DigestSubscriber[] {
  const variable = DIGEST_ENV.digestSubscribers;
  const list = parseEnvJson(value ?? '[]', variable);
  const valid =
    Array.isArray(list) &&
    list.every(
      (item: Partial<DigestSubscriber>) =>
        typeof item?.id === 'string' &&
        typeof item.sendEmpty === 'boolean' &&
        (item.schedule?.every === 'daily' || item.schedule?.every === 'weekly') &&
        /^\d{2}:\d{2}$/.test(item.schedule.at ?? '') &&
        isTimeZone(item.schedule.timeZone ?? ''),
    );
  if (!valid) throw new ConfigError(`environment variable ${variable} must be a list of {id, schedule, sendEmpty}`);
  return list as DigestSubscriber[];
}

/** The sources a digest lists as checked (DIGEST_ENV.digestSources): `[{"id", "title"}]`. */
export function digestSourcesFromEnv(value: string | undefined): { id: string; title: string }[] {
  const list = parseEnvJson(value ?? '[]', DIGEST_ENV.digestSources);
  if (!Array.isArray(list) || !list.every((s) => typeof s?.id === 'string' && typeof s?.title === 'string'))
    throw new ConfigError(`environment variable ${DIGEST_ENV.digestSources} must be a list of {id, title}`);
  return list as { id: string; title: string }[];
}
