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

/** Most record ids kept as a version's tail (see tailOf). */
const MAX_TAIL = 5000;

/**
 * The ids a version's tail keeps: enough to cover any removal the drop bound lets through (a
 * bigger one is held by guardCounts already), plus the record before them.
 */
export function tailOf(source: RegisterSource, manifest: ReadonlyMap<string, string>): string[] {
  const { maxDropFraction = DEFAULT_MAX_DROP } = source.expectedRecords;
  const length = Math.min(MAX_TAIL, Math.max(50, Math.ceil(manifest.size * maxDropFraction) + 2));
  const ids = [...manifest.keys()];
  return ids.slice(Math.max(0, ids.length - length));
}

/**
 * A cut-off download that still parses (a CSV cut on a line boundary, a JSON array closed early by
 * a proxy) loses the records at its end. When the removals are exactly the stored version's last
 * records, in order, and the new version ends with the record that stood before them, the version
 * is held as a probable truncation: a source-health event, nothing stored or alerted. Removals
 * anywhere else, or a new version that goes on past the cut (new records appended), pass.
 */
export function guardTruncation(
  source: RegisterSource,
  removedIds: readonly string[],
  previousTail: readonly string[] | undefined,
  lastId: string | undefined,
  options: ProcessOptions,
  fileName: string,
): void {
  if (options.acceptDrop || source.kind === 'feed' || removedIds.length < 2 || !previousTail) return;
  const r = removedIds.length;
  if (r > previousTail.length) return;
  const removed = new Set(removedIds);
  const suffix = previousTail.slice(previousTail.length - r);
  if (!suffix.every((id) => removed.has(id))) return;
  const before = previousTail[previousTail.length - r - 1];
  if (before !== undefined && before !== lastId) return;
  throw new SourceHealthError(
    source.id,
    `${fileName} ends ${before === undefined ? 'early' : `at record ${before}`} and lacks the ${r} records that ` +
      'followed it in the stored version: a probable truncated download, held — re-run with --accept-drop ' +
      'after checking the publisher',
  );
}
