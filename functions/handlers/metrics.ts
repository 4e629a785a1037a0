/**
 * One structured log line per poll that is also a CloudWatch Embedded Metric Format record
 * (Powertools Metrics), so metrics cost no API call. Custom metrics are billed per metric-month past
 * CloudWatch's free ten, and there is a source every few lines of config, so the default metrics
 * carry no dimension: `Polls` (1 per run), `FailedPolls` (1 when the run failed) and `Changes`
 * (events of the run), over all sources. Which source failed is in the log line, in the
 * source-health event the pipeline sends once per incident, and on the dashboard (from the logs).
 * With `detailed` on, per-source `Succeeded`, `Records` and `SourceChanges` are emitted too, in a
 * second record with the `Source` dimension. Duration per source is Lambda's own Duration metric of
 * that source's function, which costs nothing.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE } from '../config/environment.ts';
import type { RunReport } from '../run/run-report.ts';
import { powertoolsLogger } from './logger.ts';

export interface RunMetricsOptions {
  /** Per-source Succeeded, Records and SourceChanges metrics (each a billed custom metric). @default false */
  detailed?: boolean;
  now?: Date;
}

/**
 * An EMF record in our namespace with exactly the dimensions given. Powertools adds a `service`
 * dimension to every metric by default; the alarms and the dashboard read the metrics without it,
 * and each dimension value would be one more billed metric. No dimension at all is the empty
 * dimension set, `[[]]`: the metric over all sources.
 */
function emfRecord(now: Date, dimensions: Record<string, string> = {}): Metrics {
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, logger: powertoolsLogger });
  metrics.clearDefaultDimensions();
  metrics.addDimensions(dimensions);
  metrics.setTimestamp(now);
  return metrics;
}

/**
 * The EMF records of one run (unchanged, changed, failed), to publish with `publishStoredMetrics`;
 * none for a run skipped because another held the lease.
 */
export function runMetrics(report: RunReport, options: RunMetricsOptions = {}): Metrics[] {
  if (report.status === 'skipped') return [];
  const now = options.now ?? new Date();
  const changes = report.added + report.removed + report.modified;
  const failed = report.status === 'failed' ? 1 : 0;
  const overall = emfRecord(now)
    .addMetric('Polls', MetricUnit.Count, 1)
    .addMetric('FailedPolls', MetricUnit.Count, failed)
    .addMetric('Changes', MetricUnit.Count, changes);
  const fields: Record<string, unknown> = {
    level: failed ? 'ERROR' : 'INFO',
    message: 'poll finished',
    Source: report.sourceId,
    status: report.status,
    added: report.added,
    removed: report.removed,
    modified: report.modified,
    published: report.published,
    durationMs: report.durationMs,
  };
  if (report.records !== undefined) fields.records = report.records;
  if (report.error) {
    fields.step = report.error.step;
    fields.error = report.error.reason;
  }
  // Powertools types metadata as text, but writes any JSON value as it is: counts stay numbers, so
  // that Logs Insights can add them up.
  for (const [key, value] of Object.entries(fields)) overall.addMetadata(key, value as string);
  if (!options.detailed) return [overall];
  const perSource = emfRecord(now, { Source: report.sourceId })
    .addMetric('Succeeded', MetricUnit.Count, 1 - failed)
    .addMetric('Records', MetricUnit.Count, report.records ?? 0)
    .addMetric('SourceChanges', MetricUnit.Count, changes);
  return [overall, perSource];
}

/** A run that crashed outside the pipeline's own error handling still counts as a failed poll. */
export function crashMetrics(sourceId: string, error: unknown, now = new Date()): Metrics {
  const metrics = emfRecord(now).addMetric('Polls', MetricUnit.Count, 1).addMetric('FailedPolls', MetricUnit.Count, 1);
  metrics.addMetadata('level', 'ERROR');
  metrics.addMetadata('message', 'poll crashed');
  metrics.addMetadata('Source', sourceId);
  metrics.addMetadata('error', error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  return metrics;
}
