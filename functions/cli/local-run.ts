/**
 * What the commands that touch the table share: the local runtime (embedded DynamoDB and SNS/SQS,
 * or the endpoints configured), the pipeline's deps built on it the way the poll handler builds
 * them on AWS, and the import of the watchlists the configuration names.
 */
import { watchlistSubscribers, type TradewatchConfig } from '../config/config.ts';
import { startLocalRuntime, type LocalRuntime } from '../local/runtime.ts';
import { localPublisher } from '../local/delivery.ts';
import { bundleSubscribers } from '../config/delivery.ts';
import { createBundler } from '../delivery/bundler.ts';
import { WatchlistStore } from '../aws/watchlist-store.ts';
import type { PipelineDeps } from '../run/ports.ts';
import { readWatchlistFile, watchlistEntries } from '../watchlist/file.ts';
import type { Flags } from './args.ts';
import { progress, showAlert } from './output.ts';

export interface RuntimeOptions {
  /** @default the runtime's default (persisted under the home folder) */
  persist?: boolean;
  /** @default --home, else the runtime's default */
  home?: string;
  /** The configuration whose subscribers get queues and alerts. @default none */
  config?: TradewatchConfig;
  /** See LocalRuntimeOptions.showEveryAlert. @default false */
  showEveryAlert?: boolean;
}

/** Runs `work` on a started local runtime, and stops the runtime whatever happens. */
export async function withRuntime<T>(
  flags: Flags,
  options: RuntimeOptions,
  work: (runtime: LocalRuntime) => Promise<T>,
): Promise<T> {
  const home = options.home ?? flags.home;
  const runtime = await startLocalRuntime({
    ...(home ? { home } : {}),
    ...(options.persist === undefined ? {} : { persist: options.persist }),
    ...(options.config ? { config: options.config } : {}),
    ...(options.showEveryAlert ? { showEveryAlert: true } : {}),
  });
  try {
    return await work(runtime);
  } finally {
    await runtime.stop();
  }
}

/**
 * The store, the local publisher (both topics, the keyword subscribers, delivery before marking) and the watchlist subscribers
 * of the runtime's configuration: what the poll handler gives pollSource on AWS. `label` names the
 * terminal progress line.
 */
export function pipelineDeps(runtime: LocalRuntime, label: string, show = showAlert): PipelineDeps {
  const bar = progress(label);
  const bundled = runtime.config ? bundleSubscribers(runtime.config.subscribers) : [];
  return {
    store: runtime.store,
    // Each batch is delivered before it counts as published: nothing is lost if the process dies.
    publisher: localPublisher(runtime, show),
    onProgress: bar.update,
    ...(runtime.config ? { watchlistSubscribers: watchlistSubscribers(runtime.config) } : {}),
    ...(bundled.length ? { bundler: createBundler(bundled) } : {}),
  };
}

/** Imports the watchlists the configuration writes inline or names by file (unchanged ones write nothing). */
export async function syncConfigWatchlists(runtime: LocalRuntime, config: TradewatchConfig, by: string): Promise<void> {
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
