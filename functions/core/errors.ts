/**
 * Every error a run can meet names the source, the pipeline step and the cause, so a CLI user and
 * an operator reading logs see one clear line: `us-ofac-sdn: parse: the download is an HTML page`.
 */
export const PIPELINE_STEPS = [
  'config',
  'fetch',
  'sentinel',
  'parse',
  'guard',
  'diff',
  'store',
  'publish',
  'deliver',
] as const;
export type PipelineStep = (typeof PIPELINE_STEPS)[number];

export interface TradewatchErrorOptions extends ErrorOptions {
  /** Extra context for logs (never secrets). */
  details?: Record<string, unknown>;
}

/** The kinds of failure, each with its own class below. */
export type ErrorKind = 'source' | 'config' | 'watchlist' | 'delivery' | 'usage';

/**
 * Every error the project raises on purpose. Its message is the one line a person reads (the CLI
 * prints it as it is, without a stack trace); `reason` is the cause alone.
 */
export abstract class TradewatchError extends Error {
  abstract readonly kind: ErrorKind;
  readonly reason: string;
  readonly details: Record<string, unknown>;

  protected constructor(message: string, reason: string, options?: TradewatchErrorOptions) {
    super(message, options);
    this.reason = reason;
    this.details = options?.details ?? {};
  }
}

/** A failure in one source's run: names the source, the pipeline step and the cause. */
export class SourceError extends TradewatchError {
  readonly kind = 'source' as const;
  readonly sourceId: string;
  readonly step: PipelineStep;

  constructor(sourceId: string, step: PipelineStep, reason: string, options?: TradewatchErrorOptions) {
    super(`${sourceId}: ${step}: ${reason}`, reason, options);
    this.name = 'SourceError';
    this.sourceId = sourceId;
    this.step = step;
  }
}

/** The download could not be had: network, HTTP status, timeout, size limit. */
export class SourceFetchError extends SourceError {
  constructor(sourceId: string, reason: string, options?: TradewatchErrorOptions) {
    super(sourceId, 'fetch', reason, options);
    this.name = 'SourceFetchError';
  }
}

/** The document is not what the source publishes: empty, HTML, truncated, malformed, unknown layout. */
export class SourceFormatError extends SourceError {
  constructor(sourceId: string, reason: string, options?: TradewatchErrorOptions) {
    super(sourceId, 'parse', reason, options);
    this.name = 'SourceFormatError';
  }
}

/** The document parsed, but its record count is implausible (outside bounds, or a collapse). */
export class SourceHealthError extends SourceError {
  constructor(sourceId: string, reason: string, options?: TradewatchErrorOptions) {
    super(sourceId, 'guard', reason, options);
    this.name = 'SourceHealthError';
  }
}

/** Errors whose cause lies in the publisher's data or availability: these raise a source-health event. */
export function isSourceProblem(error: unknown): error is SourceError {
  return error instanceof SourceFetchError || error instanceof SourceFormatError || error instanceof SourceHealthError;
}

/** One line for a CLI user: the TradewatchError message, or `step: cause` for anything else. */
export function describeError(error: unknown): string {
  if (error instanceof TradewatchError) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** One problem in the configuration file: where (a key path such as `subscribers[2].channel.url`) and what. */
export interface ConfigIssue {
  path: string;
  message: string;
}

/**
 * The configuration file is missing, unreadable or invalid. The message is one line naming every bad
 * key: `config: subscribers[2].channel.url: must use https; sources.eu-fsf: unknown source ...`.
 */
export class ConfigError extends TradewatchError {
  readonly kind = 'config' as const;
  readonly issues: readonly ConfigIssue[];

  constructor(reason: string, issues: readonly ConfigIssue[] = [], options?: TradewatchErrorOptions) {
    super(`config: ${reason}`, reason, options);
    this.name = 'ConfigError';
    this.issues = issues;
  }

  /** One error for every problem found, each as `path: message`, joined with "; ". */
  static fromIssues(issues: readonly ConfigIssue[], options?: TradewatchErrorOptions): ConfigError {
    return new ConfigError(
      issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; '),
      issues,
      options,
    );
  }
}

/** A watchlist file or a watchlist command is wrong: names the watchlist (file or subscriber) and the cause. */
export class WatchlistError extends TradewatchError {
  readonly kind = 'watchlist' as const;

  constructor(subject: string, reason: string, options?: TradewatchErrorOptions) {
    super(`watchlist ${subject}: ${reason}`, reason, options);
    this.name = 'WatchlistError';
  }
}

/** A delivery channel refused or failed: names the channel (never its secret) and the cause. */
export class DeliveryError extends TradewatchError {
  readonly kind = 'delivery' as const;
  readonly channel: string;

  constructor(channel: string, reason: string, options?: TradewatchErrorOptions) {
    super(`${channel}: deliver: ${reason}`, reason, options);
    this.name = 'DeliveryError';
    this.channel = channel;
  }
}

/** The command line is wrong: the message says how to call the command. */
export class UsageError extends TradewatchError {
  readonly kind = 'usage' as const;

  constructor(reason: string, options?: TradewatchErrorOptions) {
    super(reason, reason, options);
    this.name = 'UsageError';
  }
}
