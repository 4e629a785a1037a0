import { describe, expect, it } from 'vitest';
import { SourceFormatError } from '../../functions/core/errors.ts';
import { crashMetricsRecord, runMetricsRecord } from '../../functions/handlers/metrics.ts';
import type { RunReport } from '../../functions/run/process-version.ts';

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

describe('runMetricsRecord', () => {
  it('emits Polls, FailedPolls and Changes over all sources as Embedded Metric Format', () => {
    const record = runMetricsRecord(base, { now: new Date(1_800_000_000_000) })!;
    expect(record).toMatchObject({
      Source: 'us-ofac-sdn',
      Polls: 1,
      FailedPolls: 0,
      Changes: 6,
      records: 100,
      durationMs: 1234,
    });
    expect(record._aws).toEqual({
      Timestamp: 1_800_000_000_000,
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
    const record = runMetricsRecord({
      ...base,
      status: 'failed',
      added: 0,
      removed: 0,
      modified: 0,
      error: new SourceFormatError('us-ofac-sdn', 'sdn.csv is empty'),
    })!;
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
    const record = runMetricsRecord(base, { detailed: true })!;
    expect(record).toMatchObject({ Succeeded: 1, Records: 100, SourceChanges: 6 });
    const directives = (record._aws as { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] })
      .CloudWatchMetrics;
    expect(directives[1]).toMatchObject({ Dimensions: [['Source']] });
    expect(directives[1]!.Metrics.map((m) => m.Name)).toEqual(['Succeeded', 'Records', 'SourceChanges']);
  });

  it('emits nothing for a run skipped because another held the lease', () => {
    expect(runMetricsRecord({ ...base, status: 'skipped' })).toBeUndefined();
  });

  it('counts a crash as a failed poll', () => {
    expect(crashMetricsRecord('un-sc-consolidated', new Error('boom'))).toMatchObject({
      Source: 'un-sc-consolidated',
      Polls: 1,
      FailedPolls: 1,
      error: 'Error: boom',
    });
  });
});
