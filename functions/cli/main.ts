/**
 * `tradewatch` — the command line. Every command runs the same core code as the Lambdas; local
 * runs use embedded DynamoDB and SNS/SQS servers unless endpoints are configured.
 */
import { randomUUID } from 'node:crypto';
import { readdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  configFilePath,
  filterPolicyFor,
  loadConfig,
  scheduledSources,
  watchlistSubscribers,
  type TradewatchConfig,
} from '../config/config.ts';
import { diffSnapshots, type RecordChange, type SnapshotDiff } from '../core/diff.ts';
import { SourceHealthError, TradewatchError, describeError } from '../core/errors.ts';
import { isChangeEvent, isHitEvent } from '../core/events.ts';
import { readSourceStates, type SourceState } from '../local/state.ts';
import {
  deliverQueued,
  localPublisher,
  describeDelivery,
  startLocalRuntime,
  type DeliveredAlert,
  type LocalRuntime,
} from '../local/runtime.ts';
import { publishOutbox, screenNewWatchlists, type PipelineDeps, type RunReport } from '../run/process-version.ts';
import type { WatchlistHit } from '../core/events.ts';
import { WatchlistFormatError, readWatchlistFile, watchlistEntries } from '../watchlist/file.ts';
import { WatchlistScreener, isScreenable } from '../watchlist/screening.ts';
import { WatchlistStore, parseDecisionKey } from '../aws/watchlist-store.ts';
import { contentHash, type RegisterRecord } from '../core/records.ts';
import { renderText } from '../delivery/render.ts';
import { allowsPrivateHosts } from '../sources/custom.ts';
import { inputFromPath, pollSource, replayPaths } from '../run/poll.ts';
import { collectRecords } from '../sources/read/document.ts';
import { findSource, sourcesFor } from '../sources/registry.ts';
import type { RegisterSource } from '../sources/types.ts';
import { DEFAULT_THRESHOLD, UnknownSchemaError } from '../match/score.ts';
import { NamePairsFormatError, scoreNamePairsCsv } from './score-csv.ts';

const PROJECT_ROOT = resolve(fileURLToPath(import.meta.url), '..', '..', '..');
const DEMO_DIR = join(PROJECT_ROOT, 'demo');
const DEMO_WATCHLIST = join(DEMO_DIR, 'watchlist.csv');
const DEMO_SUBSCRIBER = 'demo-watchlist';

const USAGE = `tradewatch — alerts on sanctions and export-control list changes

Usage: tradewatch <command> [options]

Commands:
  sources [--json]                          registered sources and their metadata
  parse --source <id> <file> [--json]       normalized records of one file
  diff --source <id> <old> <new> [--json] [--strict]
                                            compare two versions offline
  poll [--source <id>...] [--accept-drop]   fetch live, diff, store, publish, deliver
  replay --source <id> <file|dir>... [--strict] [--accept-drop]
                                            feed recorded versions through the full pipeline
  demo                                      replay the bundled example versions and show the alerts
  events --source <id> [--limit <n>] [--json]
                                            the stored change events (audit trail), newest first
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

class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Flags = {
  json: boolean;
  strict: boolean;
  verbose: boolean;
  help: boolean;
  'accept-drop': boolean;
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
};

function parseCommandLine(argv: string[]): { command: string | undefined; positionals: string[]; flags: Flags } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      strict: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      'accept-drop': { type: 'boolean', default: false },
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
function requireSource(flags: Flags, config?: TradewatchConfig): RegisterSource {
  const [id, ...more] = flags.source;
  if (!id) throw new UsageError('--source <id> is required (see `tradewatch sources`)');
  if (more.length) throw new UsageError('give one --source for this command');
  const sourcesConfig = config ?? (findSource(id) ? undefined : loadConfig(flags.config));
  const source = findSource(id, sourcesConfig);
  if (!source)
    throw new UsageError(
      `unknown source "${id}"; known: ${sourcesFor(sourcesConfig)
        .map((s) => s.id)
        .join(', ')}`,
    );
  return source;
}

const out = (text: string): void => {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
};

/** Progress on a terminal only: a single line rewritten in place on stderr. */
function progress(label: string): { update: (n: number) => void; done: () => void } {
  if (!process.stderr.isTTY) return { update: () => undefined, done: () => undefined };
  return {
    update: (n) => process.stderr.write(`\r${label}: ${n.toLocaleString('en-US')} records…`),
    done: () => process.stderr.write('\r\u001b[K'),
  };
}

async function commandSources(flags: Flags): Promise<number> {
  const rows = sourcesFor(loadConfig(flags.config)).map((s) => ({
    id: s.id,
    title: s.title,
    publisher: s.publisher,
    jurisdiction: s.jurisdiction,
    kind: s.kind,
    homepage: s.homepage,
    schedule: s.schedule,
    expectedRecords: s.expectedRecords,
    formats: s.formats.map((f) => ({ id: f.id, description: f.description })),
    downloads: s.downloads,
  }));
  const states = await readSourceStates(
    rows.map((r) => r.id),
    flags.home,
  );
  if (flags.json) {
    out(
      JSON.stringify(
        rows.map((r) => ({ ...r, state: states?.get(r.id) ?? { health: 'never polled' } })),
        null,
        2,
      ),
    );
    return 0;
  }
  for (const s of rows) {
    out(
      `${s.id}\n  ${s.title} — ${s.publisher}\n  schedule ${s.schedule}; expected ${s.expectedRecords.min}-${s.expectedRecords.max} records\n  formats: ${s.formats.map((f) => f.id).join(', ')}\n  live: ${s.downloads[0]?.url ?? '(none)'}\n  ${stateLine(states?.get(s.id))}\n`,
    );
  }
  return 0;
}

function stateLine(state: SourceState | undefined): string {
  if (!state || state.health === 'never polled') return 'state: never polled here';
  const parts = [`state: ${state.health.toUpperCase()}`];
  if (state.records !== undefined) parts.push(`${state.records} records`);
  if (state.lastSuccessAt) parts.push(`last success ${state.lastSuccessAt}`);
  if (state.lastChangeAt) parts.push(`last change ${state.lastChangeAt}`);
  if (state.lastError)
    parts.push(`failing since ${state.unhealthySince} (${state.consecutiveFailures} polls): ${state.lastError}`);
  return parts.join('; ');
}

async function readRecords(source: RegisterSource, path: string): Promise<RegisterRecord[]> {
  const { input } = await inputFromPath(source, path);
  const warnings: string[] = [];
  const bar = progress(`${source.id}: reading ${input.main.name}`);
  const records = await collectRecords(
    source,
    input,
    { sourceId: source.id, warn: (m) => warnings.push(m) },
    bar.update,
  ).finally(bar.done);
  if (warnings.length)
    process.stderr.write(
      `${source.id}: parse: ${warnings.length} record(s) skipped or repaired in ${path} (first: ${warnings[0]})\n`,
    );
  return records;
}

async function commandParse(flags: Flags, positionals: string[]): Promise<number> {
  const source = requireSource(flags);
  if (positionals.length !== 1) throw new UsageError('parse takes one file: tradewatch parse --source <id> <file>');
  const records = await readRecords(source, positionals[0]!);
  if (flags.json) {
    out(JSON.stringify(records, null, 2));
    return 0;
  }
  for (const r of records)
    out(`${r.id}\t${r.kind}\t${r.list}\t${r.name}\t${r.countries.join(',')}\t${r.programs.join(',')}`);
  process.stderr.write(`${records.length} records\n`);
  return 0;
}

export async function diffFiles(
  source: RegisterSource,
  oldPath: string,
  newPath: string,
  strict: boolean,
): Promise<SnapshotDiff> {
  const oldRecords = await readRecords(source, oldPath);
  const previous = new Map<string, string>();
  const byId = new Map<string, RegisterRecord>();
  for (const record of oldRecords) {
    if (previous.has(record.id)) continue;
    previous.set(record.id, contentHash(record));
    byId.set(record.id, record);
  }
  const newRecords = await readRecords(source, newPath);
  if (strict) {
    const { min, max } = source.expectedRecords;
    for (const [path, count] of [
      [oldPath, previous.size],
      [newPath, new Set(newRecords.map((r) => r.id)).size],
    ] as const) {
      if (count < min || count > max)
        throw new SourceHealthError(source.id, `${path} has ${count} records, outside the expected ${min}-${max}`);
    }
  }
  return diffSnapshots(
    previous,
    newRecords,
    async (ids) => new Map(ids.filter((id) => byId.has(id)).map((id) => [id, byId.get(id)!])),
  );
}

function changeJson(change: RecordChange): Record<string, unknown> {
  const base: Record<string, unknown> = { type: change.type, id: change.id, name: change.name, list: change.list };
  if (change.type === 'modified') base.fields = change.fields ?? [];
  if (change.type === 'added') base.record = change.after;
  if (change.type === 'removed') base.record = change.before;
  return base;
}

function changeLine(change: RecordChange): string {
  const head = `${change.type === 'added' ? '+' : change.type === 'removed' ? '-' : '~'} ${change.id}  ${change.name}  [${change.list}]`;
  if (change.type !== 'modified') return head;
  const fields = (change.fields ?? []).map((f) =>
    f.added || f.removed
      ? `    ${f.field}: ${[...(f.added ?? []).map((v) => `+ ${v}`), ...(f.removed ?? []).map((v) => `- ${v}`)].join(' | ')}`
      : `    ${f.field}: ${JSON.stringify(f.old)} → ${JSON.stringify(f.new)}`,
  );
  return [head, ...fields].join('\n');
}

async function commandDiff(flags: Flags, positionals: string[]): Promise<number> {
  const source = requireSource(flags);
  if (positionals.length !== 2) throw new UsageError('diff takes two files: tradewatch diff --source <id> <old> <new>');
  const diff = await diffFiles(source, positionals[0]!, positionals[1]!, flags.strict);
  const counts = { added: 0, removed: 0, modified: 0 };
  for (const change of diff.changes) counts[change.type] += 1;
  if (flags.json) {
    out(
      JSON.stringify(
        {
          source: source.id,
          ...counts,
          unchanged: diff.unchanged,
          records: diff.total,
          duplicates: diff.duplicates,
          changes: diff.changes.map(changeJson),
        },
        null,
        2,
      ),
    );
    return 0;
  }
  for (const change of diff.changes) out(changeLine(change));
  out(
    `${source.id}: ${counts.added} added, ${counts.removed} removed, ${counts.modified} modified, ${diff.unchanged} unchanged (${diff.total} records in the new version)`,
  );
  if (diff.duplicates.length)
    out(
      `warning: ${diff.duplicates.length} duplicate id(s) in the new version: ${diff.duplicates
        .slice(0, 10)
        .map((d) => `${d.id}×${d.occurrences}`)
        .join(', ')}`,
    );
  return 0;
}

function showAlert(alert: DeliveredAlert): void {
  if (alert.delivery) return out(describeDelivery(alert));
  const event = alert.event;
  const rule = '─'.repeat(72);
  const title = isChangeEvent(event)
    ? `${event.type.replace('tradewatch.record.', '').toUpperCase()} · ${event.data.sourceId}`
    : isHitEvent(event)
      ? `WATCHLIST HIT (${event.data.hitType}) · ${event.data.subscriberId} · ${event.data.sourceId}`
      : `SOURCE ${event.data.status.toUpperCase()} · ${event.data.sourceId}`;
  out(`${rule}\n${title}\n${renderText(event)}`);
  if (alert.webhook)
    out(
      `  webhook: ${alert.webhook.delivered ? `delivered (${alert.webhook.attempts} attempt(s))` : `FAILED: ${alert.webhook.error}`}`,
    );
}

function reportLine(report: RunReport, label: string): string {
  switch (report.status) {
    case 'failed':
      return `${label}: FAILED — ${report.error?.message ?? 'unknown error'}${report.healthEvent ? ' (health event sent)' : ' (already reported unhealthy)'}`;
    case 'skipped':
      return `${label}: skipped — another run of this source is in progress`;
    case 'unchanged':
      return `${label}: unchanged (${report.records ?? 0} records)${report.published ? `, ${report.published} pending alert(s) published` : ''}`;
    case 'baseline':
      return `${label}: baseline stored (${report.records} records, format ${report.format}); changes from now on are alerted`;
    default:
      return `${label}: ${report.added} added, ${report.removed} removed, ${report.modified} modified (${report.records} records); ${report.published} alert(s) published${report.duplicates ? `; ${report.duplicates} duplicate id(s) reported` : ''}`;
  }
}

function pipelineDeps(runtime: LocalRuntime, label: string, show = showAlert): PipelineDeps {
  const bar = progress(label);
  return {
    store: runtime.store,
    // Each batch is delivered before it counts as published: nothing is lost if the process dies.
    publisher: localPublisher(runtime, show),
    onProgress: bar.update,
    ...(runtime.config ? { watchlistSubscribers: watchlistSubscribers(runtime.config) } : {}),
  };
}

/** Imports the watchlists the configuration writes inline or names by file (unchanged ones write nothing). */
async function syncConfigWatchlists(runtime: LocalRuntime, config: TradewatchConfig, by: string): Promise<void> {
  for (const subscriber of config.subscribers) {
    const list = subscriber.watchlist;
    if (!list?.file && !list?.entries) continue;
    const entries = list.file
      ? await readWatchlistFile(list.file)
      : watchlistEntries(list.entries!, `subscribers.${subscriber.id}.watchlist.entries`);
    const origin = list.file ?? 'configuration (inline entries)';
    const { meta, changed } = await new WatchlistStore(runtime.store).importWatchlist(
      subscriber.id,
      entries,
      origin,
      by,
      new Date().toISOString(),
    );
    if (changed)
      process.stderr.write(
        `watchlist ${subscriber.id}: ${meta.entryCount} entries imported from ${origin} (version ${meta.version})\n`,
      );
  }
}

async function withRuntime<T>(
  flags: Flags,
  options: { persist?: boolean; home?: string; config?: TradewatchConfig },
  work: (runtime: LocalRuntime) => Promise<T>,
): Promise<T> {
  const home = options.home ?? flags.home;
  const runtime = await startLocalRuntime({
    ...(home ? { home } : {}),
    ...(options.persist === undefined ? {} : { persist: options.persist }),
    ...(options.config ? { config: options.config } : {}),
  });
  try {
    return await work(runtime);
  } finally {
    await runtime.stop();
  }
}

async function commandPoll(flags: Flags): Promise<number> {
  const config = loadConfig(flags.config);
  const enabled = new Set(scheduledSources(config).map((s) => s.id));
  const sources = flags.source.length
    ? flags.source.map((id) => findSource(id, config) ?? fail(`unknown source "${id}"`))
    : sourcesFor(config).filter((s) => enabled.has(s.id));
  return withRuntime(flags, { config }, async (runtime) => {
    process.stderr.write(`tradewatch poll: ${runtime.description}\n`);
    await syncConfigWatchlists(runtime, config, flags.by ?? 'configuration');
    let failed = 0;
    for (const source of sources) {
      // The same run the Lambda handler calls, with the configuration's custom sources.
      const report = await pollSource(
        source,
        pipelineDeps(runtime, source.id),
        allowsPrivateHosts(source) ? { allowPrivateHosts: true } : {},
        flags['accept-drop'] ? { acceptDrop: true } : {},
      );
      progress('').done();
      await deliverQueued(runtime, showAlert);
      out(reportLine(report, source.id));
      if (report.status === 'failed') failed += 1;
    }
    out(`alerts also written to ${runtime.alertsFile}`);
    return failed ? 1 : 0;
  });
}

function fail(message: string): never {
  throw new UsageError(message);
}

async function commandReplay(flags: Flags, positionals: string[]): Promise<number> {
  const config = loadConfig(flags.config);
  const source = requireSource(flags, config);
  if (positionals.length === 0) throw new UsageError('replay takes one or more files or folders, oldest first');
  return withRuntime(flags, { config }, async (runtime) => {
    process.stderr.write(`tradewatch replay: ${runtime.description}\n`);
    await syncConfigWatchlists(runtime, config, flags.by ?? 'configuration');
    let failed = 0;
    for (const path of positionals) {
      const [report] = await replayPaths(source, [path], pipelineDeps(runtime, path), {
        enforceBounds: flags.strict,
        acceptDrop: flags['accept-drop'],
      });
      progress('').done();
      await deliverQueued(runtime, showAlert);
      out(reportLine(report!, `${source.id} ← ${path}`));
      if (report!.status === 'failed') failed += 1;
    }
    out(`alerts also written to ${runtime.alertsFile}`);
    return failed ? 1 : 0;
  });
}

/** Bundled example versions: demo/<source-id>/<n>/ for n = 1, 2, 3 ... */
async function demoVersions(config: TradewatchConfig): Promise<{ source: RegisterSource; paths: string[] }[]> {
  const plans: { source: RegisterSource; paths: string[] }[] = [];
  for (const id of (await readdir(DEMO_DIR)).sort()) {
    const source = findSource(id, config);
    if (!source || !(await stat(join(DEMO_DIR, id))).isDirectory()) continue;
    const versions = (await readdir(join(DEMO_DIR, id)))
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(a) - Number(b));
    plans.push({ source, paths: versions.map((v) => join(DEMO_DIR, id, v)) });
  }
  return plans;
}

async function commandDemo(flags: Flags): Promise<number> {
  const home = join(resolve(flags.home ?? process.env.TRADEWATCH_HOME ?? '.tradewatch'), 'demo');
  await rm(home, { recursive: true, force: true });
  const config = loadConfig(flags.config);
  const plans = await demoVersions(config);
  if (!plans.length) throw new UsageError(`no demo versions found under ${DEMO_DIR}`);
  return withRuntime(flags, { persist: false, home, config }, async (runtime) => {
    out(`tradewatch demo: replaying bundled example versions through ${runtime.description}\n`);
    await syncConfigWatchlists(runtime, config, 'configuration');
    // Without a watchlist in the configuration, the bundled example watchlist shows screening.
    let screening = watchlistSubscribers(config);
    if (!screening.length) {
      const entries = await readWatchlistFile(DEMO_WATCHLIST);
      await new WatchlistStore(runtime.store).importWatchlist(
        DEMO_SUBSCRIBER,
        entries,
        DEMO_WATCHLIST,
        'demo',
        new Date().toISOString(),
      );
      screening = [{ id: DEMO_SUBSCRIBER, threshold: DEFAULT_THRESHOLD }];
      out(
        `watchlist: ${entries.length} example counterparties from ${DEMO_WATCHLIST} are screened against every change (subscriber "${DEMO_SUBSCRIBER}")\n`,
      );
    }
    let alerts = 0;
    const countAndShow = (alert: DeliveredAlert) => {
      alerts += 1;
      showAlert(alert);
    };
    for (const { source, paths } of plans) {
      for (const path of paths) {
        const [report] = await replayPaths(source, [path], {
          ...pipelineDeps(runtime, source.id, countAndShow),
          watchlistSubscribers: screening,
        });
        await deliverQueued(runtime, countAndShow);
        out(reportLine(report!, `${source.id} v${path.split('/').pop()}`));
      }
    }
    out(`\n${alerts} alert(s) delivered; CloudEvents JSON lines in ${runtime.alertsFile}`);
    return 0;
  });
}

async function commandEvents(flags: Flags): Promise<number> {
  const source = requireSource(flags);
  const limit = flags.limit ? Number(flags.limit) : 50;
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit takes a whole number');
  return withRuntime(flags, {}, async (runtime) => {
    const events = await runtime.store.listEvents(source.id, limit);
    if (flags.json) out(JSON.stringify(events, null, 2));
    else
      for (const e of events)
        out(
          `${e.time}  ${e.status.padEnd(9)}  ${e.event.type.padEnd(27)}  ${e.event.subject}  ${isChangeEvent(e.event) || isHitEvent(e.event) ? e.event.data.name : ''}`,
        );
    return 0;
  });
}

/** Validates the configuration and prints it with defaults applied, and each subscriber's filter policy. */
function commandConfig(flags: Flags): number {
  const file = configFilePath(flags.config);
  const config = loadConfig(flags.config);
  const subscribers = config.subscribers.map((subscriber) => ({
    ...subscriber,
    filterPolicy: filterPolicyFor(subscriber),
  }));
  if (flags.json) {
    out(
      JSON.stringify(
        {
          file: file ?? null,
          sources: config.sources,
          customSources: config.customSources,
          topics: config.topics,
          subscribers,
          operations: config.operations ?? {},
        },
        null,
        2,
      ),
    );
    return 0;
  }
  out(file ? `${file}: valid` : 'no tradewatch.config.json here: the defaults apply');
  out('\nsources:');
  const custom = new Map(config.customSources.map((definition) => [definition.id, definition]));
  for (const [id, settings] of Object.entries(config.sources)) {
    const definition = custom.get(id);
    out(
      `  ${id.padEnd(22)} ${settings.enabled ? 'enabled ' : 'disabled'}  ${settings.schedule}${definition ? `  custom ${definition.kind}, ${definition.format}: ${definition.url}` : ''}`,
    );
  }
  if (config.topics.length) {
    out('\ntopics (added to the default rules):');
    for (const rule of config.topics) out(`  ${rule.topic}: ${rule.keywords.join(', ')}`);
  }
  out(`\nsubscribers:${subscribers.length ? '' : ' none'}`);
  for (const { id, channel, filterPolicy, watchlist } of subscribers) {
    const to = channel.type === 'email' ? channel.address : channel.type === 'sms' ? channel.phoneNumber : channel.url;
    out(`  ${id}  ${channel.type} ${to}\n    filter policy: ${JSON.stringify(filterPolicy)}`);
    if (watchlist) {
      const from =
        watchlist.file ??
        (watchlist.entries ? `${watchlist.entries.length} inline entries` : 'the table (tradewatch watchlist import)');
      out(`    watchlist: ${from}, threshold ${watchlist.threshold}`);
    }
  }
  const operations = [
    config.operations?.email && `email ${config.operations.email}`,
    config.operations?.sms && `sms ${config.operations.sms}`,
  ].filter(Boolean);
  out(`\noperations: ${operations.length ? operations.join(', ') : 'none'}`);
  return 0;
}

/** Scores the name pairs of the CSV on stdin (see functions/cli/score-csv.ts for the format). */
async function commandMatchScore(flags: Flags): Promise<number> {
  const threshold = flags.threshold === undefined ? DEFAULT_THRESHOLD : Number(flags.threshold);
  if (
    flags.threshold !== undefined &&
    (flags.threshold.trim() === '' || !Number.isFinite(threshold) || threshold < 0 || threshold > 1)
  )
    throw new UsageError('--threshold takes a number from 0 to 1');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  try {
    process.stdout.write(scoreNamePairsCsv(Buffer.concat(chunks).toString('utf8'), threshold));
    return 0;
  } catch (error) {
    if (!(error instanceof NamePairsFormatError || error instanceof UnknownSchemaError)) throw error;
    process.stderr.write(`tradewatch: ${error.message}\n`);
    return 1;
  }
}

function thresholdFlag(flags: Flags, fallback = DEFAULT_THRESHOLD): number {
  if (flags.threshold === undefined) return fallback;
  const threshold = Number(flags.threshold);
  if (flags.threshold.trim() === '' || !Number.isFinite(threshold) || threshold < 0 || threshold > 1)
    throw new UsageError('--threshold takes a number from 0 to 1');
  return threshold;
}

interface ScreenRow {
  sourceId: string;
  recordId: string;
  recordName: string;
  list: string;
  countries: string[];
  hit: WatchlistHit;
}

/** `screen`: one watchlist against stored records or files, hits best first. */
async function commandScreen(flags: Flags): Promise<number> {
  if (!flags.watchlist)
    throw new UsageError('--watchlist <file> is required (CSV or JSON: name, aliases, country, kind, reference)');
  const threshold = thresholdFlag(flags);
  const entries = await readWatchlistFile(flags.watchlist);
  const screener = WatchlistScreener.fromEntries([{ subscriberId: 'screen', entries, threshold }]);
  const rows: ScreenRow[] = [];
  let screened = 0;
  const screenOne = (source: RegisterSource, record: RegisterRecord): void => {
    if (!isScreenable(source, record)) return;
    screened += 1;
    for (const result of screener.screenRecord(record, source.id, '')) {
      for (const hit of result.hits)
        rows.push({
          sourceId: source.id,
          recordId: record.id,
          recordName: record.name,
          list: record.list,
          countries: record.countries,
          hit,
        });
    }
  };
  if (flags.file.length) {
    const source = requireSource(flags);
    for (const path of flags.file) for (const record of await readRecords(source, path)) screenOne(source, record);
  } else {
    const config = loadConfig(flags.config);
    const sources = flags.source.length
      ? flags.source.map((id) => findSource(id, config) ?? fail(`unknown source "${id}"`))
      : sourcesFor(config);
    await withRuntime(flags, {}, async (runtime) => {
      for (const source of sources)
        for await (const record of runtime.store.scanRecords(source.id)) screenOne(source, record);
    });
    if (screened === 0)
      process.stderr.write(
        'tradewatch screen: no stored records here (run `tradewatch poll` or `replay` first, or give --file)\n',
      );
  }
  rows.sort(
    (a, b) =>
      b.hit.score - a.hit.score || a.hit.entryKey.localeCompare(b.hit.entryKey) || a.recordId.localeCompare(b.recordId),
  );
  if (flags.json) {
    out(
      JSON.stringify(
        { watchlist: flags.watchlist, entries: entries.length, recordsScreened: screened, threshold, hits: rows },
        null,
        2,
      ),
    );
    return 0;
  }
  for (const row of rows) {
    const entry = row.hit.reference ? `${row.hit.entry.name} [${row.hit.reference}]` : row.hit.entry.name;
    out(
      `${row.hit.score.toFixed(3)}  ${entry}  ~  ${row.recordName}  (${row.sourceId} ${row.recordId}, ${row.list}${row.countries.length ? `, ${row.countries.join(',')}` : ''})`,
    );
    out(`       "${row.hit.entryName}" ~ "${row.hit.recordName}": ${row.hit.explanation.join('; ')}`);
  }
  process.stderr.write(
    `${rows.length} hit(s): ${entries.length} watchlist entries against ${screened} records at threshold ${threshold}\n`,
  );
  return 0;
}

function requireFlag(flags: Flags, name: 'subscriber' | 'record' | 'entry' | 'by' | 'reason'): string {
  const value = flags[name];
  if (!value?.trim()) throw new UsageError(`--${name} is required`);
  return value.trim();
}

/** `watchlist import|sync|show|hits|dismiss|withdraw|audit`. */
async function commandWatchlist(flags: Flags, positionals: string[]): Promise<number> {
  const [action, ...rest] = positionals;
  const config = loadConfig(flags.config);
  const now = () => new Date().toISOString();
  switch (action) {
    case 'import': {
      const subscriberId = requireFlag(flags, 'subscriber');
      if (rest.length !== 1)
        throw new UsageError(
          'watchlist import takes one file: tradewatch watchlist import --subscriber <id> <file.csv|file.json>',
        );
      const subscriber = config.subscribers.find((s) => s.id === subscriberId);
      if (subscriber && !subscriber.watchlist)
        process.stderr.write(
          `warning: subscriber "${subscriberId}" has no "watchlist" in the configuration, so it receives no hits until one is added\n`,
        );
      if (!subscriber)
        process.stderr.write(
          `warning: no subscriber "${subscriberId}" in the configuration: hits are stored and published, but nobody is subscribed to them\n`,
        );
      const entries = await readWatchlistFile(rest[0]!);
      return withRuntime(flags, { config }, async (runtime) => {
        const { meta, changed } = await new WatchlistStore(runtime.store).importWatchlist(
          subscriberId,
          entries,
          resolve(rest[0]!),
          flags.by ?? process.env.USER ?? 'cli',
          now(),
        );
        out(
          `watchlist ${subscriberId}: ${meta.entryCount} entries, version ${meta.version}${changed ? '' : ' (unchanged: nothing to screen)'}`,
        );
        if (changed)
          await screenStoredNow(
            runtime,
            config,
            subscriberId,
            subscriber?.watchlist?.threshold ?? thresholdFlag(flags),
          );
        return 0;
      });
    }
    case 'sync':
      return withRuntime(flags, { config }, async (runtime) => {
        await syncConfigWatchlists(runtime, config, flags.by ?? process.env.USER ?? 'cli');
        for (const subscriber of watchlistSubscribers(config))
          await screenStoredNow(runtime, config, subscriber.id, subscriber.threshold);
        return 0;
      });
    case 'show': {
      const subscriberId = requireFlag(flags, 'subscriber');
      return withRuntime(flags, {}, async (runtime) => {
        const stored = await new WatchlistStore(runtime.store).load(subscriberId);
        if (!stored)
          throw new UsageError(
            `no watchlist stored for "${subscriberId}" (tradewatch watchlist import --subscriber ${subscriberId} <file>)`,
          );
        if (flags.json) out(JSON.stringify(stored, null, 2));
        else {
          out(
            `watchlist ${subscriberId}: ${stored.entryCount} entries, version ${stored.version}, imported ${stored.importedAt} by ${stored.importedBy} from ${stored.origin}`,
          );
          for (const entry of stored.entries)
            out(
              `  ${entry.key}\t${entry.name}${entry.aliases.length ? ` (${entry.aliases.join('; ')})` : ''}\t${entry.countries.join(',')}\t${entry.kind ?? ''}`,
            );
        }
        return 0;
      });
    }
    case 'dismiss':
    case 'withdraw': {
      const subscriberId = requireFlag(flags, 'subscriber');
      const source = requireSource(flags, config);
      const [recordId, entryKey, by, reason] = [
        requireFlag(flags, 'record'),
        requireFlag(flags, 'entry'),
        requireFlag(flags, 'by'),
        requireFlag(flags, 'reason'),
      ];
      return withRuntime(flags, {}, async (runtime) => {
        const watchlists = new WatchlistStore(runtime.store);
        if (action === 'withdraw') {
          const withdrawn = await watchlists.withdraw(subscriberId, source.id, recordId, entryKey, by, reason, now());
          out(
            withdrawn
              ? `decision withdrawn: ${source.id} ${recordId} × ${entryKey} alerts again from its next change or screening`
              : `no decision on ${source.id} ${recordId} × ${entryKey}`,
          );
          return withdrawn ? 0 : 1;
        }
        const stored = (await runtime.store.loadRecords(source.id, [recordId])).get(recordId);
        if (!stored) throw new UsageError(`no stored record "${recordId}" in ${source.id}`);
        const list = await watchlists.load(subscriberId);
        if (!list?.entries.some((entry) => entry.key === entryKey))
          throw new UsageError(
            `no entry "${entryKey}" in the watchlist of "${subscriberId}" (see the hit's entryKey, or tradewatch watchlist show)`,
          );
        const decision = {
          sourceId: source.id,
          recordId,
          entryKey,
          decision: 'not-a-match' as const,
          recordHash: contentHash(stored),
          by,
          at: now(),
          reason,
        };
        await watchlists.decide(subscriberId, decision);
        out(
          `not a match: ${stored.name} (${source.id} ${recordId}) × ${entryKey}, by ${by}; not alerted again unless the record changes`,
        );
        return 0;
      });
    }
    case 'hits': {
      const subscriberId = requireFlag(flags, 'subscriber');
      return withRuntime(flags, {}, async (runtime) => {
        const watchlists = new WatchlistStore(runtime.store);
        const [reported, decisions, stored] = await Promise.all([
          watchlists.reported(subscriberId),
          watchlists.decisions(subscriberId),
          watchlists.load(subscriberId),
        ]);
        const entries = new Map((stored?.entries ?? []).map((entry) => [entry.key, entry]));
        const rows = [];
        for (const [key, recordHash] of reported) {
          const { sourceId, recordId, entryKey } = parseDecisionKey(key);
          const record = (await runtime.store.loadRecords(sourceId, [recordId])).get(recordId);
          const decision = decisions.get(key);
          rows.push({
            sourceId,
            recordId,
            recordName: record?.name ?? null,
            list: record?.list ?? null,
            entryKey,
            entryName: entries.get(entryKey)?.name ?? null,
            reference: entries.get(entryKey)?.reference ?? null,
            recordChangedSinceReported: record ? contentHash(record) !== recordHash : null,
            decision:
              decision && decision.recordHash === (record ? contentHash(record) : recordHash)
                ? { by: decision.by, at: decision.at, reason: decision.reason }
                : null,
          });
        }
        rows.sort(
          (a, b) =>
            a.sourceId.localeCompare(b.sourceId) ||
            a.recordId.localeCompare(b.recordId) ||
            a.entryKey.localeCompare(b.entryKey),
        );
        if (flags.json) out(JSON.stringify(rows, null, 2));
        else {
          for (const row of rows) {
            const status = row.decision
              ? `not a match (${row.decision.by}, ${row.decision.at}: ${row.decision.reason})`
              : 'open';
            out(
              `${row.sourceId}  ${row.recordId}  ${row.recordName ?? '(no longer stored)'}  [${row.list ?? ''}]  ×  ${row.entryName ?? row.entryKey}${row.reference ? ` [${row.reference}]` : ''}  —  ${status}`,
            );
          }
          process.stderr.write(`${rows.length} current hit(s) of ${subscriberId}\n`);
        }
        return 0;
      });
    }
    case 'audit': {
      const subscriberId = requireFlag(flags, 'subscriber');
      return withRuntime(flags, {}, async (runtime) => {
        const trail = await new WatchlistStore(runtime.store).audit(subscriberId);
        if (flags.json) out(JSON.stringify(trail, null, 2));
        else
          for (const entry of trail) {
            const what =
              entry.action === 'import'
                ? `import ${entry.entryCount} entries from ${entry.origin} (version ${entry.version}${entry.reason ? `, ${entry.reason}` : ''})`
                : `${entry.action} ${entry.sourceId} ${entry.recordId} × ${entry.entryKey}${entry.recordHash ? ` (record ${entry.recordHash})` : ''}: ${entry.reason ?? ''}`;
            out(`${entry.at}  ${entry.by}  ${what}`);
          }
        return 0;
      });
    }
    default:
      throw new UsageError(
        `watchlist takes import, sync, show, hits, dismiss, withdraw or audit${action ? ` (not "${action}")` : ''}`,
      );
  }
}

/** The initial screening of one subscriber's new watchlist against every source with stored records, published at once. */
async function screenStoredNow(
  runtime: LocalRuntime,
  config: TradewatchConfig,
  subscriberId: string,
  threshold: number,
): Promise<void> {
  // Against the deployed table, the deployed pollers screen (and publish to the stack's topic) on
  // their next poll; this process has no business publishing for them.
  if (process.env.TRADEWATCH_DYNAMODB_ENDPOINT === 'aws') {
    out(`initial screening of ${subscriberId}: each deployed poller screens its stored records on its next poll`);
    return;
  }
  const deps: PipelineDeps = {
    ...pipelineDeps(runtime, 'screening'),
    watchlistSubscribers: [{ id: subscriberId, threshold }],
  };
  let hits = 0;
  let screened = 0;
  for (const source of sourcesFor(config)) {
    const owner = randomUUID();
    const lease = await runtime.store.acquireLease(source.id, owner, new Date(), 15 * 60_000);
    if (!lease) {
      process.stderr.write(`${source.id}: a poll is running; its next poll screens the watchlist\n`);
      continue;
    }
    try {
      const result = await screenNewWatchlists(source, lease.meta, deps);
      if (!result) continue;
      screened += result.counts.screened;
      hits += result.counts.hitEvents;
      if (result.stored || lease.meta.outboxPending) await publishOutbox(source.id, deps);
    } finally {
      await runtime.store.releaseLease(source.id, owner);
    }
  }
  progress('').done();
  await deliverQueued(runtime, showAlert);
  out(`initial screening of ${subscriberId}: ${screened} stored records screened, ${hits} hit(s)`);
}

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
    const line =
      error instanceof TradewatchError || error instanceof WatchlistFormatError
        ? error.message
        : describeFileError(error);
    process.stderr.write(`tradewatch: ${line}\n`);
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
