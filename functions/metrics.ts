/**
 * One structured log line per poll that is also a CloudWatch Embedded Metric Format record, so
 * metrics cost no API call. Custom metrics are billed per metric-month, so the default set is small:
 * `Succeeded` per source (health: 1 on success, 0 on failure; missing = stale) and `Changes` over all
 * sources. Per-source `Records` and `Changes` come with `detailed` on. Duration per source is
 * Lambda's own Duration metric of that source's function, which costs nothing.
 */
import type { RunReport } from './pipeline.ts';

export const METRICS_NAMESPACE = 'Tradewatch';

export interface RunMetricsOptions {
  /** Per-source Records and Changes metrics (each one a billed custom metric). @default false */
  detailed?: boolean;
  now?: Date;
}

/** The EMF log record of one run (unchanged, changed, failed); undefined for a skipped run. */
export function runMetricsRecord(report: RunReport, options: RunMetricsOptions = {}): Record<string, unknown> | undefined {
  if (report.status === 'skipped') return undefined;
  const changes = report.added + report.removed + report.modified;
  const succeeded = report.status === 'failed' ? 0 : 1;
  const directives: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] = [
    { Namespace: METRICS_NAMESPACE, Dimensions: [['Source']], Metrics: [{ Name: 'Succeeded', Unit: 'Count' }] },
    { Namespace: METRICS_NAMESPACE, Dimensions: [[]], Metrics: [{ Name: 'Changes', Unit: 'Count' }] },
  ];
  if (options.detailed) {
    directives[0]!.Metrics.push({ Name: 'Records', Unit: 'Count' }, { Name: 'SourceChanges', Unit: 'Count' });
  }
  const record: Record<string, unknown> = {
    level: succeeded ? 'INFO' : 'ERROR',
    message: 'poll finished',
    _aws: { Timestamp: (options.now ?? new Date()).getTime(), CloudWatchMetrics: directives },
    Source: report.sourceId,
    status: report.status,
    Succeeded: succeeded,
    Changes: changes,
    added: report.added,
    removed: report.removed,
    modified: report.modified,
    published: report.published,
    durationMs: report.durationMs,
  };
  if (report.records !== undefined) record.records = report.records;
  if (options.detailed) {
    record.Records = report.records ?? 0;
    record.SourceChanges = changes;
  }
  if (report.error) {
    record.step = report.error.step;
    record.error = report.error.reason;
  }
  return record;
}

/** A run that crashed outside the pipeline's own error handling still counts as a failed poll. */
export function crashMetricsRecord(sourceId: string, error: unknown, now = new Date()): Record<string, unknown> {
  return {
    level: 'ERROR',
    message: 'poll crashed',
    _aws: { Timestamp: now.getTime(), CloudWatchMetrics: [{ Namespace: METRICS_NAMESPACE, Dimensions: [['Source']], Metrics: [{ Name: 'Succeeded', Unit: 'Count' }] }] },
    Source: sourceId,
    Succeeded: 0,
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  };
}
