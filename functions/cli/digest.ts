/**
 * `tradewatch digest [--subscriber <id>] [--now <ISO instant>]`: sends the daily and weekly digests
 * that are due, as the deployed digest function does at each subscriber's time. Locally nothing
 * runs on a schedule: run it from cron (or after `poll`); a digest is sent once per slot however
 * often it runs. `--now` sets the clock (to see a digest that is not due yet, or to test).
 */
import { loadConfig, scheduledSources } from '../config/config.ts';
import { digestSubscribers } from '../config/delivery.ts';
import { UsageError } from '../core/errors.ts';
import { formatLocal } from '../core/digest-schedule.ts';
import { createDigestRenderer } from '../delivery/digest-renderer.ts';
import { localPublisher } from '../local/delivery.ts';
import { runDigests, sourceChecks, type DigestOutcome } from '../run/digest.ts';
import { sourcesFor } from '../sources/registry.ts';
import type { Flags } from './args.ts';
import { withRuntime } from './local-run.ts';
import { out, showAlert } from './output.ts';

export async function commandDigest(flags: Flags): Promise<number> {
  const config = loadConfig(flags.config);
  const all = digestSubscribers(config.subscribers);
  const chosen = flags.subscriber ? all.filter((subscriber) => subscriber.id === flags.subscriber) : all;
  if (chosen.length === 0) {
    const known = all.map((subscriber) => subscriber.id);
    throw new UsageError(
      flags.subscriber
        ? `no digest subscriber "${flags.subscriber}" (${known.length ? `digest subscribers: ${known.join(', ')}` : 'none takes digests'})`
        : 'no subscriber takes daily or weekly digests: set "delivery": { "mode": "daily" } on one in the configuration',
    );
  }
  const now = flags.now === undefined ? new Date() : parseInstant(flags.now);
  const enabled = new Set(scheduledSources(config).map((source) => source.id));
  const sources = sourcesFor(config)
    .filter((source) => enabled.has(source.id))
    .map((source) => ({ id: source.id, title: source.title }));
  return withRuntime(flags, { config }, async (runtime) => {
    const outcomes = await runDigests(chosen, {
      store: runtime.store.bundles,
      publisher: localPublisher(runtime, showAlert),
      render: createDigestRenderer(() => sourceChecks(runtime.store, sources)),
      clock: () => now,
    });
    const zones = new Map(chosen.map((subscriber) => [subscriber.id, subscriber.schedule.timeZone]));
    for (const outcome of outcomes) out(outcomeLine(outcome, zones.get(outcome.subscriberId) ?? 'UTC'));
    return 0;
  });
}

function parseInstant(value: string): Date {
  const instant = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(instant.getTime()))
    throw new UsageError(`--now takes an ISO 8601 instant such as 2026-12-03T08:00:00Z (got "${value}")`);
  return instant;
}

function outcomeLine(outcome: DigestOutcome, timeZone: string): string {
  const earlier = outcome.finishedEarlier
    ? ` (finished the digest of ${formatLocal(new Date(outcome.finishedEarlier), timeZone)} first)`
    : '';
  switch (outcome.status) {
    case 'sent':
      return `digest ${outcome.subscriberId}: sent the digest of ${formatLocal(new Date(outcome.slot), timeZone)} with ${outcome.changes} change(s)${earlier}`;
    case 'quiet':
      return `digest ${outcome.subscriberId}: nothing changed up to ${formatLocal(new Date(outcome.slot), timeZone)}; no digest (sendEmpty is off)${earlier}`;
    case 'not-due':
      return `digest ${outcome.subscriberId}: not due; next at ${formatLocal(new Date(outcome.next), timeZone)}${earlier}`;
  }
}
