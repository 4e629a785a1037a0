/**
 * One structured log line per poll that is also a CloudWatch Embedded Metric Format record, so
 * metrics cost no API call. Custom metrics are billed per metric-month past CloudWatch's free ten,
 * and there is a source every few lines of config, so the default metrics carry no dimension:
 * `Polls` (1 per run), `FailedPolls` (1 when the run failed) and `Changes` (events of the run), over
 * all sources. Which source failed is in the log line, in the source-health event the pipeline sends
 * once per incident, and on the dashboard (from the logs). With `detailed` on, per-source
 * `Succeeded`, `Records` and `SourceChanges` are emitted too. Duration per source is Lambda's own
 * Duration metric of that source's function, which costs nothing.
 */
import { METRICS_NAMESPACE } from '../config/environment.ts';
import type { RunReport } from '../run/process-version.ts';

export interface RunMetricsOptions {
  /** Per-source Succeeded, Records and SourceChanges metrics (each a billed custom metric). @default false */
  detailed?: boolean;
  now?: Date;
}

type Directive = { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] };

const OVERALL: Directive = {
  Namespace: METRICS_NAMESPACE,
  Dimensions: [[]],
  Metrics: [
    { Name: 'Polls', Unit: 'Count' },
    { Name: 'FailedPolls', Unit: 'Count' },
    { Name: 'Changes', Unit: 'Count' },
  ],
};

const PER_SOURCE: Directive = {
  Namespace: METRICS_NAMESPACE,
  Dimensions: [['Source']],
  Metrics: [
    { Name: 'Succeeded', Unit: 'Count' },
    { Name: 'Records', Unit: 'Count' },
    { Name: 'SourceChanges', Unit: 'Count' },
  ],
};

/** The EMF log record of one run (unchanged, changed, failed); undefined for a skipped run. */
export function runMetricsRecord(
  report: RunReport,
  options: RunMetricsOptions = {},
): Record<string, unknown> | undefined {
  if (report.status === 'skipped') return undefined;
  const changes = report.added + report.removed + report.modified;
  const failed = report.status === 'failed' ? 1 : 0;
  const record: Record<string, unknown> = {
    level: failed ? 'ERROR' : 'INFO',
    message: 'poll finished',
    _aws: {
      Timestamp: (options.now ?? new Date()).getTime(),
      CloudWatchMetrics: options.detailed ? [OVERALL, PER_SOURCE] : [OVERALL],
    },
    Source: report.sourceId,
    status: report.status,
    Polls: 1,
    FailedPolls: failed,
    Changes: changes,
    added: report.added,
    removed: report.removed,
    modified: report.modified,
    published: report.published,
    durationMs: report.durationMs,
  };
  if (report.records !== undefined) record.records = report.records;
  if (options.detailed) {
    record.Succeeded = 1 - failed;
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
    _aws: {
      Timestamp: now.getTime(),
      CloudWatchMetrics: [{ ...OVERALL, Metrics: OVERALL.Metrics.filter((m) => m.Name !== 'Changes') }],
    },
    Source: sourceId,
    Polls: 1,
    FailedPolls: 1,
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  };
}
