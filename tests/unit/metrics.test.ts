import { describe, expect, it } from 'vitest';
import { SourceFormatError } from '../../functions/errors.ts';
import { crashMetricsRecord, runMetricsRecord } from '../../functions/metrics.ts';
import type { RunReport } from '../../functions/pipeline.ts';

const base: RunReport = { sourceId: 'us-ofac-sdn', status: 'changed', records: 100, added: 2, removed: 1, modified: 3, duplicates: 0, eventsStored: 6, published: 6, durationMs: 1234 };

describe('runMetricsRecord', () => {
  it('emits Succeeded per source and Changes overall as Embedded Metric Format', () => {
    const record = runMetricsRecord(base, { now: new Date(1_800_000_000_000) })!;
    expect(record).toMatchObject({ Source: 'us-ofac-sdn', Succeeded: 1, Changes: 6, records: 100, durationMs: 1234 });
    expect(record._aws).toEqual({
      Timestamp: 1_800_000_000_000,
      CloudWatchMetrics: [
        { Namespace: 'Tradewatch', Dimensions: [['Source']], Metrics: [{ Name: 'Succeeded', Unit: 'Count' }] },
        { Namespace: 'Tradewatch', Dimensions: [[]], Metrics: [{ Name: 'Changes', Unit: 'Count' }] },
      ],
    });
    expect(record).not.toHaveProperty('Records');
  });

  it('reports a failed run as Succeeded 0 with the step and the cause', () => {
    const record = runMetricsRecord({ ...base, status: 'failed', added: 0, removed: 0, modified: 0, error: new SourceFormatError('us-ofac-sdn', 'sdn.csv is empty') })!;
    expect(record).toMatchObject({ level: 'ERROR', Succeeded: 0, Changes: 0, step: 'parse', error: 'sdn.csv is empty' });
  });

  it('adds per-source Records and SourceChanges only when detailed', () => {
    const record = runMetricsRecord(base, { detailed: true })!;
    expect(record).toMatchObject({ Records: 100, SourceChanges: 6 });
    const directives = (record._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] }).CloudWatchMetrics;
    expect(directives[0]!.Metrics.map((m) => m.Name)).toEqual(['Succeeded', 'Records', 'SourceChanges']);
  });

  it('emits nothing for a run skipped because another held the lease', () => {
    expect(runMetricsRecord({ ...base, status: 'skipped' })).toBeUndefined();
  });

  it('counts a crash as a failed poll', () => {
    expect(crashMetricsRecord('un-sc-consolidated', new Error('boom'))).toMatchObject({ Source: 'un-sc-consolidated', Succeeded: 0, error: 'Error: boom' });
  });
});
