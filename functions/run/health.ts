/**
 * Source health: a failing source raises one `tradewatch.source.unhealthy` event when it turns
 * unhealthy (not one per failed poll), and one `recovered` event on its first good run after.
 */
import type { SourceError } from '../core/errors.ts';
import { buildHealthEvent, type HealthEvent } from '../core/events.ts';
import type { RegisterSource } from '../sources/types.ts';
import { silentLogger, type PipelineDeps, type SourceMeta } from './ports.ts';
import { emptyReport, type RunReport } from './run-report.ts';

/**
 * A source problem (fetch, format, count guard): nothing is stored but health, and one health
 * event goes out when the source turns unhealthy.
 */
export async function reportSourceFailure(
  source: RegisterSource,
  error: SourceError,
  deps: PipelineDeps,
  started = Date.now(),
): Promise<RunReport> {
  const report = emptyReport(source.id, 'failed', started);
  report.error = error;
  report.healthEvent = await recordSourceFailure(source, error, deps);
  (deps.log ?? silentLogger).error('source unhealthy: nothing stored, nothing alerted', {
    source: source.id,
    step: error.step,
    reason: error.reason,
  });
  report.durationMs = Date.now() - started;
  return report;
}

async function recordSourceFailure(
  source: RegisterSource,
  error: SourceError,
  deps: PipelineDeps,
): Promise<HealthEvent | undefined> {
  const now = (deps.clock ?? (() => new Date()))().toISOString();
  const state = await deps.store.recordFailure(source.id, error.step, error.reason, now);
  if (!state.becameUnhealthy) return undefined;
  const health = {
    status: 'unhealthy' as const,
    step: error.step,
    reason: error.reason,
    since: state.since,
    consecutiveFailures: state.consecutiveFailures,
  };
  const event = buildHealthEvent(source, health, now);
  await deps.publisher.publishHealth(event);
  return event;
}

/** After a good run of an unhealthy source: records the recovery and sends the `recovered` event. */
export async function recoverIfUnhealthy(
  source: RegisterSource,
  meta: SourceMeta | undefined,
  deps: PipelineDeps,
  report: RunReport,
): Promise<void> {
  if (meta?.healthStatus !== 'unhealthy') return;
  const now = (deps.clock ?? (() => new Date()))().toISOString();
  const spell = await deps.store.recordRecovery(source.id, now);
  if (!spell) return;
  const health = {
    status: 'recovered' as const,
    step: 'poll',
    reason: 'polls succeed again',
    since: spell.since,
    consecutiveFailures: spell.consecutiveFailures,
  };
  const event = buildHealthEvent(source, health, now);
  await deps.publisher.publishHealth(event);
  report.healthEvent = event;
}
