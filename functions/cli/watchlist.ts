/**
 * `tradewatch watchlist import|sync|show|hits|dismiss|withdraw|audit`: a subscriber's watchlist in
 * the table, the hits reported against it, and the analysts' "not a match" decisions on them.
 */
import { LOCAL_ENV } from '../config/environment.ts';
import { resolve } from 'node:path';
import { loadConfig, watchlistSubscribers, type TradewatchConfig } from '../config/config.ts';
import { UsageError } from '../core/errors.ts';
import { WatchlistStore } from '../aws/watchlist-store.ts';
import { type LocalRuntime } from '../local/runtime.ts';
import { deliverQueued } from '../local/delivery.ts';
import { publishOutbox } from '../run/outbox.ts';
import { DEFAULT_LEASE_MS, withSourceLease } from '../run/poll.ts';
import type { PipelineDeps } from '../run/ports.ts';
import { screenNewWatchlists } from '../run/watchlist-step.ts';
import { sourcesFor } from '../sources/registry.ts';
import { streamWatchlistFile, type WatchlistEntry } from '../watchlist/file.ts';
import type { AuditEntry } from '../watchlist/ports.ts';
import { dismissHit, listHits, withdrawDecision, type HitRow } from '../review/hit-queue.ts';
import { requireFlag, requireSource, thresholdFlag, type Flags } from './args.ts';
import { pipelineDeps, syncConfigWatchlists, withRuntime } from './local-run.ts';
import { clearProgress, out, outJson, showAlert } from './output.ts';

const now = (): string => new Date().toISOString();

/** Who an import is recorded as: --by, else the user running the command. */
const importedBy = (flags: Flags): string => flags.by ?? process.env.USER ?? 'cli';

export async function commandWatchlist(flags: Flags, positionals: string[]): Promise<number> {
  const [action, ...rest] = positionals;
  const config = loadConfig(flags.config);
  switch (action) {
    case 'import':
      return importWatchlist(flags, config, rest);
    case 'sync':
      return syncWatchlists(flags, config);
    case 'show':
      return showWatchlist(flags);
    case 'dismiss':
    case 'withdraw':
      return decideHit(flags, config, action);
    case 'hits':
      return showHits(flags);
    case 'audit':
      return showAudit(flags);
    default: {
      const not = action ? ` (not "${action}")` : '';
      throw new UsageError(`watchlist takes import, sync, show, hits, dismiss, withdraw or audit${not}`);
    }
  }
}

/** `import`: stores the file as the subscriber's watchlist, and screens the stored records against it. */
async function importWatchlist(flags: Flags, config: TradewatchConfig, files: string[]): Promise<number> {
  const subscriberId = requireFlag(flags, 'subscriber');
  if (files.length !== 1)
    throw new UsageError(
      'watchlist import takes one file: tradewatch watchlist import --subscriber <id> <file.csv|file.json>',
    );
  const subscriber = config.subscribers.find((s) => s.id === subscriberId);
  if (subscriber && !subscriber.watchlist) {
    const unwatched = `subscriber "${subscriberId}" has no "watchlist" in the configuration`;
    process.stderr.write(`warning: ${unwatched}, so it receives no hits until one is added\n`);
  }
  if (!subscriber) {
    const unknown = `no subscriber "${subscriberId}" in the configuration`;
    process.stderr.write(`warning: ${unknown}: hits are stored and published, but nobody is subscribed to them\n`);
  }
  // Read as it is stored (a million rows are never held parsed); a bad row leaves nothing written.
  const entries = streamWatchlistFile(files[0]!);
  return withRuntime(flags, { config }, async (runtime) => {
    const { meta, changed } = await new WatchlistStore(runtime.store).importWatchlist(
      subscriberId,
      entries,
      resolve(files[0]!),
      importedBy(flags),
      now(),
    );
    const unchanged = changed ? '' : ' (unchanged: nothing to screen)';
    out(`watchlist ${subscriberId}: ${meta.entryCount} entries, version ${meta.version}${unchanged}`);
    if (changed)
      await screenStoredNow(runtime, config, subscriberId, subscriber?.watchlist?.threshold ?? thresholdFlag(flags));
    return 0;
  });
}

/** `sync`: imports every watchlist the configuration names, and screens the stored records against each. */
async function syncWatchlists(flags: Flags, config: TradewatchConfig): Promise<number> {
  return withRuntime(flags, { config }, async (runtime) => {
    await syncConfigWatchlists(runtime, config, importedBy(flags));
    for (const subscriber of watchlistSubscribers(config))
      await screenStoredNow(runtime, config, subscriber.id, subscriber.threshold);
    return 0;
  });
}

async function showWatchlist(flags: Flags): Promise<number> {
  const subscriberId = requireFlag(flags, 'subscriber');
  return withRuntime(flags, {}, async (runtime) => {
    const stored = await new WatchlistStore(runtime.store).load(subscriberId);
    if (!stored) {
      const hint = `tradewatch watchlist import --subscriber ${subscriberId} <file>`;
      throw new UsageError(`no watchlist stored for "${subscriberId}" (${hint})`);
    }
    if (flags.json) outJson(stored);
    else {
      const imported = `imported ${stored.importedAt} by ${stored.importedBy} from ${stored.origin}`;
      out(`watchlist ${subscriberId}: ${stored.entryCount} entries, version ${stored.version}, ${imported}`);
      for (const entry of stored.entries) out(entryLine(entry));
    }
    return 0;
  });
}

function entryLine(entry: WatchlistEntry): string {
  const aliases = entry.aliases.length ? ` (${entry.aliases.join('; ')})` : '';
  return `  ${entry.key}\t${entry.name}${aliases}\t${entry.countries.join(',')}\t${entry.kind ?? ''}`;
}

/** `dismiss` marks a hit "not a match" (until the record changes); `withdraw` takes that decision back. */
async function decideHit(flags: Flags, config: TradewatchConfig, action: 'dismiss' | 'withdraw'): Promise<number> {
  const subscriberId = requireFlag(flags, 'subscriber');
  const source = requireSource(flags, config);
  const [recordId, entryKey, by, reason] = [
    requireFlag(flags, 'record'),
    requireFlag(flags, 'entry'),
    requireFlag(flags, 'by'),
    requireFlag(flags, 'reason'),
  ];
  const hit = `${source.id} ${recordId} × ${entryKey}`;
  return withRuntime(flags, {}, async (runtime) => {
    const ref = { subscriberId, sourceId: source.id, recordId, entryKey };
    if (action === 'withdraw') {
      const withdrawn = await withdrawDecision(runtime.store, ref, { by, reason, at: now() });
      out(
        withdrawn
          ? `decision withdrawn: ${hit} alerts again from its next change or screening`
          : `no decision on ${hit}`,
      );
      return withdrawn ? 0 : 1;
    }
    const result = await dismissHit(runtime.store, ref, { by, reason, at: now() });
    if (!result.ok)
      throw new UsageError(
        result.problem === 'no-entry'
          ? `${result.message} (see the hit's entryKey, or tradewatch watchlist show)`
          : result.message,
      );
    const judged = `${result.record.name} (${source.id} ${recordId}) × ${entryKey}`;
    out(`not a match: ${judged}, by ${by}; not alerted again unless the record changes`);
    return 0;
  });
}

/** `hits`: the subscriber's hits reported so far, with the record as stored now and any decision that holds. */
async function showHits(flags: Flags): Promise<number> {
  const subscriberId = requireFlag(flags, 'subscriber');
  return withRuntime(flags, {}, async (runtime) => {
    const rows = await listHits(runtime.store, subscriberId);
    if (flags.json) outJson(rows);
    else {
      for (const row of rows) out(hitLine(row));
      process.stderr.write(`${rows.length} current hit(s) of ${subscriberId}\n`);
    }
    return 0;
  });
}

function hitLine(row: HitRow): string {
  const record = `${row.sourceId}  ${row.recordId}  ${row.recordName ?? '(no longer stored)'}  [${row.list ?? ''}]`;
  const entry = `${row.entryName ?? row.entryKey}${row.reference ? ` [${row.reference}]` : ''}`;
  const status = row.decision ? `not a match (${row.decision.by}, ${row.decision.at}: ${row.decision.reason})` : 'open';
  return `${record}  ×  ${entry}  —  ${status}`;
}

/** `audit`: imports and decisions, who, when and why. */
async function showAudit(flags: Flags): Promise<number> {
  const subscriberId = requireFlag(flags, 'subscriber');
  return withRuntime(flags, {}, async (runtime) => {
    const trail = await new WatchlistStore(runtime.store).audit(subscriberId);
    if (flags.json) outJson(trail);
    else for (const entry of trail) out(`${entry.at}  ${entry.by}  ${auditAction(entry)}`);
    return 0;
  });
}

function auditAction(entry: AuditEntry): string {
  if (entry.action === 'import') {
    const reason = entry.reason ? `, ${entry.reason}` : '';
    return `import ${entry.entryCount} entries from ${entry.origin} (version ${entry.version}${reason})`;
  }
  const record = entry.recordHash ? ` (record ${entry.recordHash})` : '';
  return `${entry.action} ${entry.sourceId} ${entry.recordId} × ${entry.entryKey}${record}: ${entry.reason ?? ''}`;
}

/**
 * The initial screening of one subscriber's new watchlist against every source with stored records,
 * published at once.
 */
async function screenStoredNow(
  runtime: LocalRuntime,
  config: TradewatchConfig,
  subscriberId: string,
  threshold: number,
): Promise<void> {
  // Against the deployed table, the deployed pollers screen (and publish to the stack's topic) on
  // their next poll; this process has no business publishing for them.
  if (process.env[LOCAL_ENV.dynamoEndpoint] === 'aws') {
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
    // The source's lease, as a poll takes it: the screening's events and a poll's never interleave.
    const result = await withSourceLease(deps, source.id, DEFAULT_LEASE_MS, {
      held: async (meta) => {
        const screening = await screenNewWatchlists(source, meta, deps);
        if (screening && (screening.stored || meta.outboxPending)) await publishOutbox(source.id, deps);
        return screening;
      },
      busy: () => {
        process.stderr.write(`${source.id}: a poll is running; its next poll screens the watchlist\n`);
        return undefined;
      },
    });
    if (!result) continue;
    screened += result.counts.screened;
    hits += result.counts.hitEvents;
  }
  clearProgress();
  await deliverQueued(runtime, showAlert);
  out(`initial screening of ${subscriberId}: ${screened} stored records screened, ${hits} hit(s)`);
}
