/**
 * The environment contract between the stack and the Lambda handlers: every variable that infra/
 * sets on a function and a handler reads back is named here, once, so that a rename cannot leave
 * one side behind. Handlers read their variables once, at cold start, through `requireEnv` (or
 * the `…FromEnv` readers in config.ts for the JSON-valued ones), and a missing one fails loudly,
 * naming the variable.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { ConfigError } from '../core/errors.ts';

/** Set on every source poller (infra/constructs/source-poller.ts, infra/stack-props.ts). */
export const POLLER_ENV = {
  /** The state table's name. */
  tableName: 'TABLE_NAME',
  /** Change events and watchlist hits go here. */
  alertsTopicArn: 'ALERTS_TOPIC_ARN',
  /** Source-health events go here. */
  operationsTopicArn: 'OPERATIONS_TOPIC_ARN',
  /** `true` for the per-source Succeeded, Records and SourceChanges metrics. */
  detailedMetrics: 'DETAILED_METRICS',
  /** The keyword subscribers as JSON: `[{"id", "keywords": [...]}]`. */
  keywordSubscribers: 'KEYWORD_SUBSCRIBERS',
  /** The subscribers taking publications or digests as JSON (config/delivery.ts bundleSubscribersEnv). */
  bundleSubscribers: 'BUNDLE_SUBSCRIBERS',
  /** The watchlist subscribers as JSON: `[{"id", "threshold"}]`. */
  watchlistSubscribers: 'WATCHLIST_SUBSCRIBERS',
  /** The configuration's custom sources and topic rules as JSON (the config file is not in the bundle). */
  sourcesConfig: 'TRADEWATCH_SOURCES_CONFIG',
} as const;

/**
 * Set on every poller when a watchlist subscriber exists (infra/constructs/shard-screening.ts): an
 * initial screening too long for the poller goes there in shards. The screening worker itself gets
 * the pollers' variables (POLLER_ENV): it screens, stores and publishes as a poller does.
 */
export const SHARD_ENV = {
  /** The queue of shard messages (functions/watchlist/shard-plan.ts ShardMessage). */
  queueUrl: 'SCREEN_SHARD_QUEUE_URL',
} as const;

/** Set on each webhook subscriber's dispatcher (infra/constructs/subscribers.ts). */
export const DISPATCHER_ENV = {
  /** The subscriber's https:// endpoint. */
  webhookUrl: 'WEBHOOK_URL',
  /** Names the subscriber in every log line. */
  subscriberId: 'WEBHOOK_SUBSCRIBER_ID',
  /** The signing secret's Secrets Manager name or ARN; exactly one of this and `secretParameter`. */
  secretArn: 'WEBHOOK_SECRET_ARN',
  /** The signing secret's SSM SecureString parameter name. */
  secretParameter: 'WEBHOOK_SECRET_PARAMETER',
  /** The subscriber's queue, for ChangeMessageVisibility (optional: derived from the event source ARN). */
  queueUrl: 'QUEUE_URL',
} as const;

/** Set on the change-feed function (infra/constructs/feeds.ts). */
export const FEED_ENV = {
  /** The state table's name (read only). */
  tableName: 'TABLE_NAME',
  /** The Secrets Manager secret the feed URLs' tokens are derived from. */
  secretArn: 'FEED_SECRET_ARN',
  /** The subscribers' feeds as JSON (config/feed-subscribers.ts feedSubscribersEnv). */
  subscribers: 'FEED_SUBSCRIBERS',
  /** Every source id whose events a feed may hold, as a JSON array (registered and custom). */
  sourceIds: 'FEED_SOURCE_IDS',
  /** Entries per page. */
  pageSize: 'FEED_PAGE_SIZE',
} as const;

/** Set on the review page's function (infra/constructs/review-page.ts). */
export const REVIEW_PAGE_ENV = {
  /** The state table's name (read; writes only to the decisions and their audit trail). */
  tableName: 'TABLE_NAME',
  /** The configuration the page reads, as JSON (config/review-page-env.ts reviewPageConfigEnv). */
  config: 'REVIEW_PAGE_CONFIG',
  /** The Secrets Manager secret keying the page's CSRF tokens. */
  csrfSecretArn: 'REVIEW_PAGE_CSRF_SECRET_ARN',
  /** The Secrets Manager secret CloudFront sends in REVIEW_PAGE_ORIGIN_HEADER: a request without it did not come through CloudFront. */
  originSecretArn: 'REVIEW_PAGE_ORIGIN_SECRET_ARN',
  /**
   * The SSM parameter holding the sign-in settings as JSON (user pool, app client, Cognito domain,
   * the page's own origin): they name the distribution, which names the function, so they cannot be
   * in its environment without a cycle.
   */
  signInParameter: 'REVIEW_PAGE_SIGN_IN_PARAMETER',
} as const;

/** The header CloudFront adds to every request it forwards to the review page's API. */
export const REVIEW_PAGE_ORIGIN_HEADER = 'x-tradewatch-origin-verify';

/** Set on the digest function (infra/constructs/digests.ts). */
export const DIGEST_ENV = {
  tableName: 'TABLE_NAME',
  /** Digests go here, addressed to their subscriber (`deliverTo`). */
  alertsTopicArn: 'ALERTS_TOPIC_ARN',
  /** The digest subscribers as JSON (config/delivery.ts digestSubscribersEnv). */
  digestSubscribers: 'DIGEST_SUBSCRIBERS',
  /** The sources a digest lists as checked, as JSON `[{"id", "title"}]`. */
  digestSources: 'DIGEST_SOURCES',
} as const;

/** Set on the alarm forwarder (infra/constructs/operations.ts). */
export const ALARM_FORWARDER_ENV = {
  /** Where alarms are published. */
  operationsTopicArn: 'OPERATIONS_TOPIC_ARN',
} as const;

/** The CloudWatch namespace of the pollers' metrics, and of the alarms and dashboard that read them. */
export const METRICS_NAMESPACE = 'Tradewatch';

/** The value of a variable the stack always sets; its absence is a deployment error, named. */
export function requireEnv(name: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const value = env[name];
  if (!value) throw new ConfigError(`environment variable ${name} is not set`);
  return value;
}

/** A JSON-valued variable the stack set, parsed; malformed JSON fails the cold start, naming the variable. */
export function parseEnvJson(value: string, variable: string): unknown {
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new ConfigError(`environment variable ${variable} is not valid JSON: ${(error as Error).message}`, [], {
      cause: error,
    });
  }
}

/** Read by local mode and the CLI (README, "Local mode"): the user's own settings, never the stack's. */
export const LOCAL_ENV = {
  /** The state folder. @default .tradewatch */
  home: 'TRADEWATCH_HOME',
  /** A DynamoDB endpoint instead of embedded dynalite, or `aws`. */
  dynamoEndpoint: 'TRADEWATCH_DYNAMODB_ENDPOINT',
  snsEndpoint: 'TRADEWATCH_SNS_ENDPOINT',
  sqsEndpoint: 'TRADEWATCH_SQS_ENDPOINT',
  /** @default tradewatch */
  table: 'TRADEWATCH_TABLE',
  /** A webhook every local alert is POSTed to, and its signing secret (from the environment only). */
  webhookUrl: 'TRADEWATCH_WEBHOOK_URL',
  webhookSecret: 'TRADEWATCH_WEBHOOK_SECRET',
} as const;

/**
 * Lambda allows 4 KB of environment per function, and the configuration reaches the functions
 * through it (subscribers' filters, keywords, custom sources). A value too large is stored packed:
 * this prefix, then its gzip in base64; the JSON of many subscribers' filter policies shrinks to a
 * fraction. The stack packs (the largest values first) only when the plain ones do not fit, and
 * every handler unpacks at cold start (unpackEnvironment), before anything reads a variable.
 */
export const PACKED_PREFIX = 'gzip+base64:';
/** What the configuration may take of a function's 4 KB: the function's own variables take the rest. */
export const ENVIRONMENT_BUDGET = 4096 - 512;

export function packValue(value: string): string {
  return `${PACKED_PREFIX}${gzipSync(value, { level: 9 }).toString('base64')}`;
}

/** Replaces every packed value of the environment by its text, in place. */
export function unpackEnvironment(env: Record<string, string | undefined> = process.env): void {
  for (const [name, value] of Object.entries(env)) {
    if (!value?.startsWith(PACKED_PREFIX)) continue;
    try {
      env[name] = gunzipSync(Buffer.from(value.slice(PACKED_PREFIX.length), 'base64')).toString('utf8');
    } catch (error) {
      throw new ConfigError(
        `environment variable ${name} is packed but does not unpack: ${(error as Error).message}`,
        [],
        {
          cause: error,
        },
      );
    }
  }
}

/**
 * The variables as they fit the budget: unchanged when they do, else packed one at a time, the
 * largest first, until they do. Throws, naming what takes the room, when even packed they do not.
 */
export function fitEnvironment(
  variables: Readonly<Record<string, string>>,
  what: string,
  budget = ENVIRONMENT_BUDGET,
): Record<string, string> {
  const size = (env: Record<string, string>) =>
    Object.entries(env).reduce((sum, [name, value]) => sum + Buffer.byteLength(name + value), 0);
  const fitted = { ...variables };
  const largestFirst = Object.keys(fitted).sort(
    (a, b) => Buffer.byteLength(fitted[b]!) - Buffer.byteLength(fitted[a]!),
  );
  for (const name of largestFirst) {
    if (size(fitted) <= budget) break;
    const packed = packValue(fitted[name]!);
    if (packed.length < fitted[name]!.length) fitted[name] = packed;
  }
  const total = size(fitted);
  if (total <= budget) return fitted;
  const parts = Object.entries(fitted)
    .map(([name, value]) => [name, Buffer.byteLength(name + value)] as const)
    .filter(([, bytes]) => bytes > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([name, bytes]) => `${name} ${bytes} B`)
    .join(', ');
  throw new ConfigError(
    `the configuration takes ${total} bytes of ${what}'s environment even packed, where Lambda leaves ${budget} (${parts}): fewer subscribers, filters, keywords or custom sources`,
  );
}
