/** `tradewatch diff`: two versions of one source compared offline, nothing stored or published. */
import { diffSnapshots, type FieldChange, type RecordChange, type SnapshotDiff } from '../core/diff.ts';
import { SourceHealthError, UsageError } from '../core/errors.ts';
import { contentHash, type RegisterRecord } from '../core/records.ts';
import type { RegisterSource } from '../sources/types.ts';
import { requireSource, type Flags } from './args.ts';
import { out } from './output.ts';
import { readRecords } from './parse.ts';

/**
 * The diff of two versions on disk, as the pipeline would compute it. `strict` holds both to the
 * source's expected record counts, as a live poll does.
 */
export async function diffFiles(
  source: RegisterSource,
  oldPath: string,
  newPath: string,
  strict: boolean,
): Promise<SnapshotDiff> {
  const oldRecords = await readRecords(source, oldPath);
  const previous = new Map<string, string>();
  const byId = new Map<string, RegisterRecord>();
  for (const record of oldRecords) {
    if (previous.has(record.id)) continue;
    previous.set(record.id, contentHash(record));
    byId.set(record.id, record);
  }
  const newRecords = await readRecords(source, newPath);
  if (strict) {
    const { min, max } = source.expectedRecords;
    for (const [path, count] of [
      [oldPath, previous.size],
      [newPath, new Set(newRecords.map((r) => r.id)).size],
    ] as const) {
      if (count < min || count > max)
        throw new SourceHealthError(source.id, `${path} has ${count} records, outside the expected ${min}-${max}`);
    }
  }
  return diffSnapshots(
    previous,
    newRecords,
    async (ids) => new Map(ids.filter((id) => byId.has(id)).map((id) => [id, byId.get(id)!])),
  );
}

export async function commandDiff(flags: Flags, positionals: string[]): Promise<number> {
  const source = requireSource(flags);
  if (positionals.length !== 2) throw new UsageError('diff takes two files: tradewatch diff --source <id> <old> <new>');
  const diff = await diffFiles(source, positionals[0]!, positionals[1]!, flags.strict);
  const counts = { added: 0, removed: 0, modified: 0 };
  for (const change of diff.changes) counts[change.type] += 1;
  if (flags.json) {
    out(
      JSON.stringify(
        {
          source: source.id,
          ...counts,
          unchanged: diff.unchanged,
          records: diff.total,
          duplicates: diff.duplicates,
          changes: diff.changes.map(changeJson),
        },
        null,
        2,
      ),
    );
    return 0;
  }
  for (const change of diff.changes) out(changeLine(change));
  const changed = `${counts.added} added, ${counts.removed} removed, ${counts.modified} modified`;
  out(`${source.id}: ${changed}, ${diff.unchanged} unchanged (${diff.total} records in the new version)`);
  if (diff.duplicates.length) {
    const first = diff.duplicates.slice(0, 10).map((d) => `${d.id}×${d.occurrences}`);
    out(`warning: ${diff.duplicates.length} duplicate id(s) in the new version: ${first.join(', ')}`);
  }
  return 0;
}

function changeJson(change: RecordChange): Record<string, unknown> {
  const base: Record<string, unknown> = { type: change.type, id: change.id, name: change.name, list: change.list };
  if (change.type === 'modified') base.fields = change.fields ?? [];
  if (change.type === 'added') base.record = change.after;
  if (change.type === 'removed') base.record = change.before;
  return base;
}

const CHANGE_MARKS = { added: '+', removed: '-', modified: '~' } as const;

/** `+ id  name  [list]`, and for a modification one indented line per changed field. */
function changeLine(change: RecordChange): string {
  const head = `${CHANGE_MARKS[change.type]} ${change.id}  ${change.name}  [${change.list}]`;
  if (change.type !== 'modified') return head;
  return [head, ...(change.fields ?? []).map(fieldLine)].join('\n');
}

/** A list field as the items added and removed; any other field as its old and new value. */
function fieldLine(f: FieldChange): string {
  if (!(f.added || f.removed)) return `    ${f.field}: ${JSON.stringify(f.old)} → ${JSON.stringify(f.new)}`;
  const items = [...(f.added ?? []).map((v) => `+ ${v}`), ...(f.removed ?? []).map((v) => `- ${v}`)];
  return `    ${f.field}: ${items.join(' | ')}`;
}
