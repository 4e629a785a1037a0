/** What one run of a source reports: its status, the counts of changes, events and alerts. */
import type { SourceError } from '../core/errors.ts';
import type { HealthEvent } from '../core/events.ts';
import type { ScreeningCounts } from '../watchlist/screening.ts';

/**
 * `skipped`: another run of the same source held its lease. `already-processed`: a replayed version
 * the source committed before (a replay re-run after a crash goes on where it stopped).
 */
export type RunStatus =
  'unchanged' | 'baseline' | 'changed' | 'no-record-change' | 'failed' | 'skipped' | 'already-processed';

export interface RunReport {
  sourceId: string;
  status: RunStatus;
  format?: string;
  records?: number;
  added: number;
  removed: number;
  modified: number;
  duplicates: number;
  eventsStored: number;
  published: number;
  /** Watchlist screening: records screened, hit events made, hits left out by decisions. */
  screening?: ScreeningCounts;
  healthEvent?: HealthEvent;
  /** Where the publisher's own history disagrees with the diff (RegisterSource.reviewChange). */
  notes?: string[];
  error?: SourceError;
  durationMs: number;
}

export function emptyReport(sourceId: string, status: RunStatus, started: number): RunReport {
  return {
    sourceId,
    status,
    added: 0,
    removed: 0,
    modified: 0,
    duplicates: 0,
    eventsStored: 0,
    published: 0,
    durationMs: Date.now() - started,
  };
}
