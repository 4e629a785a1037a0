/**
 * What the stack hands the review page's function: the configuration (the page needs the sources,
 * the subscribers and the reviewers; the config file is not in the bundle) and, through an SSM
 * parameter, the sign-in settings. Both are read back at cold start and a malformed value fails it,
 * naming the variable.
 */
import { ConfigError } from '../core/errors.ts';
import { parseConfig, type TradewatchConfig } from './config.ts';
import { REVIEW_PAGE_ENV, parseEnvJson } from './environment.ts';

/**
 * The configuration as a document parseConfig takes again: the registered sources' settings (the
 * effective `sources` also lists the custom ones, which the file names under `customSources`),
 * then what the page reads. Channels and filters are kept because the page shows them; secrets
 * are never in the configuration, only references to them.
 */
export function reviewPageConfigEnv(config: TradewatchConfig): string {
  const custom = new Set(config.customSources.map((source) => source.id));
  return JSON.stringify({
    sources: Object.fromEntries(Object.entries(config.sources).filter(([id]) => !custom.has(id))),
    subscribers: config.subscribers,
    topics: config.topics,
    ...(config.federalRegister ? { federalRegister: config.federalRegister } : {}),
    customSources: config.customSources,
    reviewPage: config.reviewPage,
  });
}

/** REVIEW_PAGE_ENV.config read back and validated as the file was. */
export function reviewPageConfigFromEnv(value: string | undefined): TradewatchConfig {
  if (!value) throw new ConfigError(`environment variable ${REVIEW_PAGE_ENV.config} is not set`);
  try {
    return parseConfig(parseEnvJson(value, REVIEW_PAGE_ENV.config));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(`environment variable ${REVIEW_PAGE_ENV.config}: ${error.message}`, [], { cause: error });
  }
}

/** Where the page's sign-in happens: the SSM parameter REVIEW_PAGE_ENV.signInParameter names, as JSON. */
export interface ReviewPageSignIn {
  /** e.g. `eu-west-1_AbCdEf123`; its region is the part before `_`. */
  userPoolId: string;
  /** The app client (public: authorization code with PKCE, no client secret). */
  clientId: string;
  /** The Cognito domain of the managed sign-in pages, `https://<prefix>.auth.<region>.amazoncognito.com`. */
  signInOrigin: string;
  /** The page's own origin, `https://<distribution>.cloudfront.net`: the callback and sign-out URLs start with it. */
  pageOrigin: string;
}

const SIGN_IN_KEYS = ['userPoolId', 'clientId', 'signInOrigin', 'pageOrigin'] as const;

/** The parameter's value read back; anything but the four strings fails the cold start, by name. */
export function reviewPageSignInFromJson(value: string, parameter: string): ReviewPageSignIn {
  const parsed = parseEnvJson(value, `SSM parameter ${parameter}`);
  const fields: Partial<Record<string, unknown>> = typeof parsed === 'object' && parsed !== null ? parsed : {};
  const missing = SIGN_IN_KEYS.filter((key) => typeof fields[key] !== 'string' || fields[key] === '');
  if (missing.length)
    throw new ConfigError(`SSM parameter ${parameter} must be a JSON object with the strings ${missing.join(', ')}`);
  return Object.fromEntries(SIGN_IN_KEYS.map((key) => [key, fields[key]])) as unknown as ReviewPageSignIn;
}
