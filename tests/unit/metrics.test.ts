import { describe, expect, it, vi } from 'vitest';
import { SourceFormatError } from '../../functions/core/errors.ts';
import { crashMetrics, runMetrics, type RunMetricsOptions } from '../../functions/handlers/metrics.ts';
import type { RunReport } from '../../functions/run/run-report.ts';

const base: RunReport = {
  sourceId: 'us-ofac-sdn',
  status: 'changed',
  records: 100,
  added: 2,
  removed: 1,
  modified: 3,
  duplicates: 0,
  eventsStored: 6,
  published: 6,
  durationMs: 1234,
};

/** The EMF records of a run as Powertools would write them, one line each. */
function runRecords(report: RunReport, options?: RunMetricsOptions): Record<string, unknown>[] {
  return runMetrics(report, options).map((metrics) => ({ ...metrics.serializeMetrics() }));
}

describe('runMetrics', () => {
  it('emits Polls, FailedPolls and Changes over all sources as Embedded Metric Format', () => {
    // Within CloudWatch's window (14 days back, 2 hours ahead), or Powertools warns.
    const now = new Date(Date.now() - 60_000);
    const [record, ...others] = runRecords(base, { now });
    expect(others).toEqual([]);
    expect(record).toMatchObject({
      Source: 'us-ofac-sdn',
      Polls: 1,
      FailedPolls: 0,
      Changes: 6,
      records: 100,
      durationMs: 1234,
    });
    expect(record!._aws).toEqual({
      Timestamp: now.getTime(),
      CloudWatchMetrics: [
        {
          Namespace: 'Tradewatch',
          Dimensions: [[]],
          Metrics: [
            { Name: 'Polls', Unit: 'Count' },
            { Name: 'FailedPolls', Unit: 'Count' },
            { Name: 'Changes', Unit: 'Count' },
          ],
        },
      ],
    });
    expect(record).not.toHaveProperty('Succeeded');
  });

  it('reports a failed run as a failed poll with the step and the cause', () => {
    const [record] = runRecords({
      ...base,
      status: 'failed',
      added: 0,
      removed: 0,
      modified: 0,
      error: new SourceFormatError('us-ofac-sdn', 'sdn.csv is empty'),
    });
    expect(record).toMatchObject({
      level: 'ERROR',
      Polls: 1,
      FailedPolls: 1,
      Changes: 0,
      step: 'parse',
      error: 'sdn.csv is empty',
    });
  });

  it('adds per-source Succeeded, Records and SourceChanges only when detailed', () => {
    const [overall, perSource] = runRecords(base, { detailed: true });
    expect(overall).not.toHaveProperty('Succeeded');
    expect(perSource).toMatchObject({ Source: 'us-ofac-sdn', Succeeded: 1, Records: 100, SourceChanges: 6 });
    const directives = (
      perSource!._aws as {
        CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
      }
    ).CloudWatchMetrics;
    expect(directives).toHaveLength(1);
    expect(directives[0]).toMatchObject({ Namespace: 'Tradewatch', Dimensions: [['Source']] });
    expect(directives[0]!.Metrics).toEqual([
      { Name: 'Succeeded', Unit: 'Count' },
      { Name: 'Records', Unit: 'Count' },
      { Name: 'SourceChanges', Unit: 'Count' },
    ]);
  });

  it('emits nothing for a run skipped because another held the lease', () => {
    expect(runMetrics({ ...base, status: 'skipped' })).toEqual([]);
  });

  it('counts a crash as a failed poll', () => {
    const record = crashMetrics('un-sc-consolidated', new Error('boom')).serializeMetrics();
    expect(record).toMatchObject({
      Source: 'un-sc-consolidated',
      Polls: 1,
      FailedPolls: 1,
      error: 'Error: boom',
    });
    expect(record).not.toHaveProperty('Changes');
  });

  it('publishes one run as one JSON line on stdout, which is both the log line and the metrics', () => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      for (const metrics of runMetrics(base)) metrics.publishStoredMetrics();
    } finally {
      spy.mockRestore();
    }
    expect(written).toHaveLength(1);
    expect(written[0]!.endsWith('\n')).toBe(true);
    expect(JSON.parse(written[0]!)).toMatchObject({ message: 'poll finished', Source: 'us-ofac-sdn', Polls: 1 });
  });
});
