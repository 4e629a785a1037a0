/**
 * Step 4, the guard: a version that parsed is still refused when its record count is implausible,
 * so a broken download never reads as a mass delisting.
 */
import type { SnapshotDiff } from '../core/diff.ts';
import { SourceFormatError, SourceHealthError } from '../core/errors.ts';
import type { RegisterSource } from '../sources/types.ts';
import type { ProcessOptions, SourceMeta } from './ports.ts';

/** Share of the stored records one version may remove before it is held. @default 10 % */
export const DEFAULT_MAX_DROP = 0.1;

/** The count guard: never let a broken download read as mass delisting. */
export function guardCounts(
  source: RegisterSource,
  diff: SnapshotDiff,
  meta: SourceMeta | undefined,
  previousCount: number,
  options: ProcessOptions,
  fileName: string,
): void {
  if (diff.total === 0) throw new SourceFormatError(source.id, `${fileName} holds no records`);
  const { min, max, maxDropFraction = DEFAULT_MAX_DROP } = source.expectedRecords;
  if ((options.enforceBounds ?? true) && (diff.total < min || diff.total > max)) {
    throw new SourceHealthError(source.id, `${fileName} has ${diff.total} records, outside the expected ${min}-${max}`);
  }
  if (options.acceptDrop || !meta?.contentHash || previousCount === 0 || source.kind === 'feed') return;
  const removed = diff.changes.filter((c) => c.type === 'removed').length;
  if (removed > Math.max(1, previousCount * maxDropFraction)) {
    throw new SourceHealthError(
      source.id,
      `${fileName} would remove ${removed} of ${previousCount} stored records (over ${Math.round(maxDropFraction * 100)}%); held as a broken download — re-run with --accept-drop after checking the publisher`,
    );
  }
}
