/** `tradewatch replay`: recorded versions of one source fed through the full pipeline, oldest first. */
import { loadConfig } from '../config/config.ts';
import { UsageError } from '../core/errors.ts';
import { deliverQueued } from '../local/delivery.ts';
import { replayPaths } from '../run/poll.ts';
import { requireSource, type Flags } from './args.ts';
import { pipelineDeps, syncConfigWatchlists, withRuntime } from './local-run.ts';
import { clearProgress, out, reportLine, showAlert } from './output.ts';

export async function commandReplay(flags: Flags, positionals: string[]): Promise<number> {
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
        force: flags.force,
      });
      clearProgress();
      await deliverQueued(runtime, showAlert);
      out(reportLine(report!, `${source.id} ← ${path}`));
      if (report!.status === 'failed') failed += 1;
    }
    out(`alerts also written to ${runtime.alertsFile}`);
    return failed ? 1 : 0;
  });
}
