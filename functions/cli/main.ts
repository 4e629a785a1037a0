/**
 * cli/ — one file a command; calls run/ and delivery/ directly, never a Lambda handler.
 *
 * `tradewatch`: the command line. This file reads the command and hands it to its own file
 * (functions/cli/<command>.ts); every command runs the same run/ code as the Lambdas, and local runs
 * use embedded DynamoDB and SNS/SQS servers unless endpoints are configured.
 */
import { TradewatchError, UsageError, describeError } from '../core/errors.ts';
import { forDisplay } from '../core/text.ts';
import { parseCommandLine } from './args.ts';
import { commandConfig } from './config.ts';
import { commandDemo } from './demo.ts';
import { commandDiff } from './diff.ts';
import { commandDigest } from './digest.ts';
import { commandEvents } from './events.ts';
import { commandFeeds } from './feeds.ts';
import { commandMatchScore } from './match-score.ts';
import { out } from './output.ts';
import { commandParse } from './parse.ts';
import { commandPoll } from './poll.ts';
import { commandReplay } from './replay.ts';
import { commandScreen } from './screen.ts';
import { commandServe } from './serve.ts';
import { commandSources } from './sources.ts';
import { commandWatchlist } from './watchlist.ts';

const USAGE = `tradewatch — alerts on sanctions and export-control list changes

Usage: tradewatch <command> [options]

Commands:
  sources [--json]                          registered sources and their metadata
  parse --source <id> <file> [--json]       normalized records of one file
  diff --source <id> <old> <new> [--json] [--strict]
                                            compare two versions offline
  poll [--source <id>...] [--accept-drop]   fetch live, diff, store, publish, deliver
  replay --source <id> <file|dir>... [--strict] [--accept-drop] [--force]
                                            feed recorded versions through the full pipeline
  demo                                      replay the bundled example versions and show the alerts
  digest [--subscriber <id>] [--now <instant>]
                                            send the daily and weekly digests that are due (once
                                            per slot, however often it runs; --now sets the clock)
  events --source <id> [--limit <n>] [--json]
                                            the stored change events (audit trail), newest first
  serve [--port <n>] [--demo]               serve the review page (changes, records, sources,
                                            watchlist hits) and the change feeds of the local state
                                            on 127.0.0.1 (default port 8787); --demo: the state
                                            'tradewatch demo' left
  feeds [--base-url <url> --secret-arn <arn>] [--json]
                                            each change feed's URL: local, or the deployed ones
  config [--json]                           validate the configuration file; print the effective
                                            configuration and each subscriber's SNS filter policy
  match-score [--threshold <t>]             score name pairs: CSV name1,name2[,schema] on stdin,
                                            CSV name1,name2,score,match on stdout
  screen --watchlist <file> [--source <id>...] [--file <path>...] [--threshold <t>] [--json]
                                            screen a watchlist (CSV or JSON) against the stored
                                            records, or against files (--file, with one --source)
  watchlist import --subscriber <id> <file> [--by <who>]
                                            store a subscriber's watchlist in the table and screen
                                            the stored records against it at once
  watchlist sync [--by <who>]               import every watchlist the configuration names
  watchlist show --subscriber <id> [--json] the stored watchlist
  watchlist hits --subscriber <id> [--json] the hits reported so far and still listed, with decisions
  watchlist dismiss --subscriber <id> --source <id> --record <id> --entry <key> --by <who> --reason <why>
                                            mark a hit "not a match" (until the record changes)
  watchlist withdraw --subscriber <id> --source <id> --record <id> --entry <key> --by <who> --reason <why>
                                            withdraw that decision
  watchlist audit --subscriber <id> [--json]
                                            imports and decisions: who, when, why

Options:
  --config <file>  configuration file for sources, poll, replay, demo and config, and for
                   parse, diff and events on a custom source
                   (default tradewatch.config.json in the working directory, if present)
  --verbose        stack traces and debug output on errors
  --home <dir>     local state folder (default .tradewatch, or TRADEWATCH_HOME)
  -h, --help       this text
`;

export async function main(argv: string[]): Promise<number> {
  let verbose = argv.includes('--verbose');
  try {
    const { command, positionals, flags } = parseCommandLine(argv);
    verbose = flags.verbose;
    if (flags.help || !command) {
      out(USAGE);
      return command || flags.help ? 0 : 2;
    }
    switch (command) {
      case 'sources':
        return await commandSources(flags);
      case 'digest':
        return await commandDigest(flags);
      case 'parse':
        return await commandParse(flags, positionals);
      case 'diff':
        return await commandDiff(flags, positionals);
      case 'poll':
        return await commandPoll(flags);
      case 'replay':
        return await commandReplay(flags, positionals);
      case 'demo':
        return await commandDemo(flags);
      case 'events':
        return await commandEvents(flags);
      case 'serve':
        return await commandServe(flags);
      case 'feeds':
        return await commandFeeds(flags);
      case 'config':
        return commandConfig(flags);
      case 'match-score':
        return await commandMatchScore(flags);
      case 'screen':
        return await commandScreen(flags);
      case 'watchlist':
        return await commandWatchlist(flags, positionals);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`tradewatch: ${(error as Error).message}\n(run \`tradewatch --help\`)\n`);
      return 2;
    }
    const line = error instanceof TradewatchError ? error.message : describeFileError(error);
    process.stderr.write(`tradewatch: ${forDisplay(line)}\n`);
    if (verbose && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return 1;
  }
}

function describeFileError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `cannot read ${(error as NodeJS.ErrnoException).path}: no such file or folder`;
  if (code === 'EACCES') return `cannot read ${(error as NodeJS.ErrnoException).path}: permission denied`;
  return describeError(error);
}

if (process.argv[1] && /tradewatch(\.js)?$|cli\.ts$/.test(process.argv[1])) {
  process.exitCode = await main(process.argv.slice(2));
}
