/**
 * `tradewatch demo`: the bundled example versions (demo/<source-id>/<n>/) replayed through the full
 * pipeline on a throw-away local state, with the alerts they raise printed as they are delivered.
 */
import { LOCAL_ENV } from '../config/environment.ts';
import { readdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, parseConfig, watchlistSubscribers, type TradewatchConfig } from '../config/config.ts';
import { UsageError } from '../core/errors.ts';
import { WatchlistStore } from '../aws/watchlist-store.ts';
import { type DeliveredAlert } from '../local/runtime.ts';
import { deliverQueued } from '../local/delivery.ts';
import { DEFAULT_THRESHOLD } from '../match/score.ts';
import { replayPaths } from '../run/poll.ts';
import { findSource } from '../sources/registry.ts';
import type { RegisterSource } from '../sources/types.ts';
import { readWatchlistFile } from '../watchlist/file.ts';
import type { Flags } from './args.ts';
import { pipelineDeps, syncConfigWatchlists, withRuntime } from './local-run.ts';
import { out, reportLine, showAlert } from './output.ts';

const PROJECT_ROOT = resolve(fileURLToPath(import.meta.url), '..', '..', '..');
const DEMO_DIR = join(PROJECT_ROOT, 'demo');
const DEMO_WATCHLIST = join(DEMO_DIR, 'watchlist.csv');
/** The demo's example watchlist's subscriber (in no configuration): `serve --demo` offers its hits. */
export const DEMO_SUBSCRIBER = 'demo-watchlist';
const DEMO_DESK = { id: 'demo-desk', channel: { type: 'email', address: 'desk@example.com' } } as const;

/** Where `tradewatch demo` leaves its state: `<home>/demo`. */
export function demoHome(flags: Flags): string {
  return join(resolve(flags.home ?? process.env[LOCAL_ENV.home] ?? '.tradewatch'), 'demo');
}

interface DemoPlan {
  source: RegisterSource;
  /** The source's example versions, oldest first. */
  paths: string[];
}

/** Bundled example versions: demo/<source-id>/<n>/ for n = 1, 2, 3 ... */
async function demoVersions(config: TradewatchConfig): Promise<DemoPlan[]> {
  const plans: DemoPlan[] = [];
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

export async function commandDemo(flags: Flags): Promise<number> {
  const home = demoHome(flags);
  await rm(home, { recursive: true, force: true });
  const given = loadConfig(flags.config);
  const plans = await demoVersions(given);
  if (!plans.length) throw new UsageError(`no demo versions found under ${DEMO_DIR}`);
  // Without subscribers of its own, the demo shows every change as it is stored, and what an email
  // subscriber receives by default: one message per publication (subscriber "demo-desk").
  const implicitDesk = given.subscribers.length === 0;
  const config: TradewatchConfig = implicitDesk
    ? { ...given, subscribers: parseConfig({ subscribers: [DEMO_DESK] }).subscribers }
    : given;
  // Persisted (the folder is new each time), so that `tradewatch serve --demo` shows it afterwards.
  return withRuntime(flags, { home, config, showEveryAlert: implicitDesk }, async (runtime) => {
    out(`tradewatch demo: replaying bundled example versions through ${runtime.description}\n`);
    if (implicitDesk)
      out(
        `subscriber "${DEMO_DESK.id}" (email, the default delivery) gets one message per publication: shown as "email to ${DEMO_DESK.id}"\n`,
      );
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
      const counterparties = `${entries.length} example counterparties from ${DEMO_WATCHLIST}`;
      out(`watchlist: ${counterparties} are screened against every change (subscriber "${DEMO_SUBSCRIBER}")\n`);
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
    out('See the changes and the watchlist hits in a browser: npx tradewatch serve --demo');
    return 0;
  });
}
