/** `tradewatch poll`: fetch each source live, then diff, store, publish and deliver, as the deployed poller does. */
import { loadConfig, scheduledSources } from '../config/config.ts';
import { deliverQueued } from '../local/delivery.ts';
import { pollSource } from '../run/poll.ts';
import { allowsPrivateHosts } from '../sources/custom.ts';
import { sourcesFor } from '../sources/registry.ts';
import { sourceById, type Flags } from './args.ts';
import { pipelineDeps, syncConfigWatchlists, withRuntime } from './local-run.ts';
import { clearProgress, out, reportLine, showAlert } from './output.ts';

/** Polls the sources named by --source, or else every source the configuration schedules. */
export async function commandPoll(flags: Flags): Promise<number> {
  const config = loadConfig(flags.config);
  const enabled = new Set(scheduledSources(config).map((s) => s.id));
  const sources = flags.source.length
    ? flags.source.map((id) => sourceById(id, config))
    : sourcesFor(config).filter((s) => enabled.has(s.id));
  return withRuntime(flags, { config }, async (runtime) => {
    process.stderr.write(`tradewatch poll: ${runtime.description}\n`);
    await syncConfigWatchlists(runtime, config, flags.by ?? 'configuration');
    let failed = 0;
    for (const source of sources) {
      // The run the poll handler makes on AWS, with the deps it builds there: custom sources may
      // name a private host, and --accept-drop is the operator's re-run after checking a drop.
      const report = await pollSource(
        source,
        pipelineDeps(runtime, source.id),
        allowsPrivateHosts(source) ? { allowPrivateHosts: true } : {},
        flags['accept-drop'] ? { acceptDrop: true } : {},
      );
      clearProgress();
      await deliverQueued(runtime, showAlert);
      out(reportLine(report, source.id));
      if (report.status === 'failed') failed += 1;
    }
    out(`alerts also written to ${runtime.alertsFile}`);
    return failed ? 1 : 0;
  });
}
