/**
 * The command line as every command reads it: one set of flags for all commands (node:util
 * parseArgs), and the checks that turn a missing or bad flag into a UsageError (exit code 2).
 */
import { parseArgs } from 'node:util';
import { loadConfig, type TradewatchConfig } from '../config/config.ts';
import { UsageError } from '../core/errors.ts';
import { DEFAULT_THRESHOLD } from '../match/score.ts';
import { findSource, sourcesFor } from '../sources/registry.ts';
import type { RegisterSource } from '../sources/types.ts';

export type Flags = {
  json: boolean;
  strict: boolean;
  verbose: boolean;
  help: boolean;
  'accept-drop': boolean;
  force: boolean;
  demo: boolean;
  source: string[];
  home?: string;
  limit?: string;
  config?: string;
  threshold?: string;
  watchlist?: string;
  file: string[];
  subscriber?: string;
  record?: string;
  entry?: string;
  by?: string;
  reason?: string;
  port?: string;
  'base-url'?: string;
  'secret-arn'?: string;
  now?: string;
};

export interface CommandLine {
  command: string | undefined;
  positionals: string[];
  flags: Flags;
}

export function parseCommandLine(argv: string[]): CommandLine {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      strict: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      'accept-drop': { type: 'boolean', default: false },
      force: { type: 'boolean', default: false },
      demo: { type: 'boolean', default: false },
      source: { type: 'string', short: 's', multiple: true, default: [] },
      home: { type: 'string' },
      limit: { type: 'string' },
      config: { type: 'string' },
      threshold: { type: 'string' },
      watchlist: { type: 'string' },
      file: { type: 'string', multiple: true, default: [] },
      subscriber: { type: 'string' },
      record: { type: 'string' },
      entry: { type: 'string' },
      by: { type: 'string' },
      reason: { type: 'string' },
      port: { type: 'string' },
      'base-url': { type: 'string' },
      'secret-arn': { type: 'string' },
      now: { type: 'string' },
    },
  });
  const [command, ...rest] = positionals;
  return { command, positionals: rest, flags: values as Flags };
}

/**
 * The source named by --source. Commands that read the configuration pass it, so custom sources
 * and configured topic rules apply; the others read the configuration only for an id that is not
 * registered (a custom source's), so a registered source never depends on the file.
 */
export function requireSource(flags: Flags, config?: TradewatchConfig): RegisterSource {
  const [id, ...more] = flags.source;
  if (!id) throw new UsageError('--source <id> is required (see `tradewatch sources`)');
  if (more.length) throw new UsageError('give one --source for this command');
  const sourcesConfig = config ?? (findSource(id) ? undefined : loadConfig(flags.config));
  const source = findSource(id, sourcesConfig);
  if (!source) {
    const known = sourcesFor(sourcesConfig).map((s) => s.id);
    throw new UsageError(`unknown source "${id}"; known: ${known.join(', ')}`);
  }
  return source;
}

/** One of the sources named by --source (poll and screen take several): registered or configured. */
export function sourceById(id: string, config: TradewatchConfig): RegisterSource {
  const source = findSource(id, config);
  if (!source) throw new UsageError(`unknown source "${id}"`);
  return source;
}

export function requireFlag(flags: Flags, name: 'subscriber' | 'record' | 'entry' | 'by' | 'reason'): string {
  const value = flags[name];
  if (!value?.trim()) throw new UsageError(`--${name} is required`);
  return value.trim();
}

/** --threshold: a match score from 0 to 1. */
export function thresholdFlag(flags: Flags, fallback = DEFAULT_THRESHOLD): number {
  if (flags.threshold === undefined) return fallback;
  const threshold = Number(flags.threshold);
  if (flags.threshold.trim() === '' || !Number.isFinite(threshold) || threshold < 0 || threshold > 1)
    throw new UsageError('--threshold takes a number from 0 to 1');
  return threshold;
}
