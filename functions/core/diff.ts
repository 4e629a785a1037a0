/**
 * Record-by-record, field-by-field comparison of a new version against the stored one.
 *
 * The previous version is only a manifest (record id → content hash), so a diff streams the new
 * document once and keeps in memory the ids it saw and the records that differ: memory grows with
 * the changes, not with the list. The previous records of modified and removed entries are fetched
 * afterwards, by id, through `loadPrevious`.
 */
import { canonicalHash, canonicalRecord, type ControlCharactersRemoved, type RegisterRecord } from './records.ts';

export type ChangeType = 'added' | 'removed' | 'modified';

export interface FieldChange {
  /** `name`, `aliases`, `extra.vesselFlag`, ... */
  field: string;
  old: unknown;
  new: unknown;
  /** For list fields: the items only in the new version. */
  added?: string[];
  /** For list fields: the items only in the old version. */
  removed?: string[];
}

export interface RecordChange {
  type: ChangeType;
  id: string;
  name: string;
  list: string;
  oldHash?: string;
  newHash?: string;
  /** The record as it was (removed, modified). */
  before?: RegisterRecord;
  /** The record as it is (added, modified). */
  after?: RegisterRecord;
  /** Modified only: what changed. */
  fields?: FieldChange[];
}

export interface DuplicateId {
  id: string;
  /** How many times the id occurs in the document. */
  occurrences: number;
  /** True when the occurrences differ in content (only the first is kept). */
  conflicting: boolean;
}

export interface SnapshotDiff {
  /** Records in the new version. */
  total: number;
  unchanged: number;
  changes: RecordChange[];
  duplicates: DuplicateId[];
  /** The new manifest: record id → content hash. */
  manifest: Map<string, string>;
}

/** Previous records by id, for modified and removed entries. Missing ids may be left out. */
export type LoadPrevious = (ids: readonly string[]) => Promise<Map<string, RegisterRecord>>;

export interface DiffSnapshotsOptions {
  /**
   * Told of each record that held control characters or escape sequences (removed from its canonical
   * form): the parse context's warn, so the run reports them. @default ignored
   */
  warn?: (message: string) => void;
  /** Called every `progressEvery` records with the count so far. */
  onProgress?: (recordsSeen: number) => void;
  progressEvery?: number;
}

/**
 * Diffs a stream of records against the previous manifest.
 * Duplicate ids are reported in `duplicates`; the first occurrence is the one compared and stored.
 */
export async function diffSnapshots(
  previous: ReadonlyMap<string, string>,
  records: AsyncIterable<RegisterRecord> | Iterable<RegisterRecord>,
  loadPrevious: LoadPrevious,
  options: DiffSnapshotsOptions = {},
): Promise<SnapshotDiff> {
  const manifest = new Map<string, string>();
  const duplicateCounts = new Map<string, DuplicateId>();
  const pending: { record: RegisterRecord; hash: string; oldHash: string | undefined }[] = [];
  const progressEvery = options.progressEvery ?? 5000;
  let total = 0;
  let unchanged = 0;
  let seen = 0;
  const { warn } = options;
  const onControlCharacters: ControlCharactersRemoved | undefined = warn
    ? (fields, record) =>
        warn(`record ${record.id} ("${record.name}"): control characters removed from ${fields.join(', ')}`)
    : undefined;

  for await (const raw of records) {
    seen += 1;
    if (options.onProgress && seen % progressEvery === 0) options.onProgress(seen);
    const record = canonicalRecord(raw, onControlCharacters);
    const hash = canonicalHash(record);
    const firstHash = manifest.get(record.id);
    if (firstHash !== undefined) {
      const duplicate = duplicateCounts.get(record.id) ?? { id: record.id, occurrences: 1, conflicting: false };
      duplicate.occurrences += 1;
      duplicate.conflicting ||= firstHash !== hash;
      duplicateCounts.set(record.id, duplicate);
      continue;
    }
    manifest.set(record.id, hash);
    total += 1;
    const oldHash = previous.get(record.id);
    if (oldHash === hash) unchanged += 1;
    else pending.push({ record, hash, oldHash });
  }

  const removedIds: string[] = [];
  for (const id of previous.keys()) if (!manifest.has(id)) removedIds.push(id);
  const modifiedIds = pending.filter((p) => p.oldHash !== undefined).map((p) => p.record.id);
  const before =
    modifiedIds.length + removedIds.length > 0
      ? await loadPrevious([...modifiedIds, ...removedIds])
      : new Map<string, RegisterRecord>();

  const changes: RecordChange[] = [];
  for (const { record, hash, oldHash } of pending) {
    if (oldHash === undefined) {
      changes.push({
        type: 'added',
        id: record.id,
        name: record.name,
        list: record.list,
        newHash: hash,
        after: record,
      });
      continue;
    }
    const old = before.get(record.id);
    const change: RecordChange = {
      type: 'modified',
      id: record.id,
      name: record.name,
      list: record.list,
      oldHash,
      newHash: hash,
      after: record,
      fields: old ? diffFields(old, record) : [],
    };
    if (old) change.before = canonicalRecord(old);
    changes.push(change);
  }
  for (const id of removedIds) {
    const old = before.get(id);
    const change: RecordChange = {
      type: 'removed',
      id,
      name: old?.name ?? '',
      list: old?.list ?? '',
      oldHash: previous.get(id)!,
    };
    if (old) change.before = canonicalRecord(old);
    changes.push(change);
  }
  changes.sort(compareChanges);
  return { total, unchanged, changes, duplicates: [...duplicateCounts.values()], manifest };
}

const TYPE_ORDER: Record<ChangeType, number> = { added: 0, modified: 1, removed: 2 };

function compareChanges(a: RecordChange, b: RecordChange): number {
  return TYPE_ORDER[a.type] - TYPE_ORDER[b.type] || compareIds(a.id, b.id);
}

/** Numeric ids in numeric order, others lexically. */
export function compareIds(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isFinite(na) && Number.isFinite(nb) && na !== nb) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

const TOP_FIELDS = [
  'list',
  'kind',
  'name',
  'aliases',
  'countries',
  'addresses',
  'programs',
  'listedOn',
  'remarks',
  'links',
] as const;

/** Field-level differences between two versions of a record, on their canonical forms. */
export function diffFields(oldRecord: RegisterRecord, newRecord: RegisterRecord): FieldChange[] {
  const a = canonicalRecord(oldRecord);
  const b = canonicalRecord(newRecord);
  const fields: FieldChange[] = [];
  for (const field of TOP_FIELDS) pushFieldChange(fields, field, a[field], b[field]);
  const extraKeys = new Set([...Object.keys(a.extra), ...Object.keys(b.extra)]);
  for (const key of [...extraKeys].sort()) pushFieldChange(fields, `extra.${key}`, a.extra[key], b.extra[key]);
  return fields;
}

function pushFieldChange(fields: FieldChange[], field: string, oldValue: unknown, newValue: unknown): void {
  if (Array.isArray(oldValue) || Array.isArray(newValue)) {
    const oldList = toList(oldValue);
    const newList = toList(newValue);
    const oldSet = new Set(oldList);
    const newSet = new Set(newList);
    const added = newList.filter((v) => !oldSet.has(v));
    const removed = oldList.filter((v) => !newSet.has(v));
    if (added.length || removed.length)
      fields.push({ field, old: oldValue ?? [], new: newValue ?? [], added, removed });
    return;
  }
  if ((oldValue ?? '') !== (newValue ?? '')) fields.push({ field, old: oldValue ?? null, new: newValue ?? null });
}

function toList(value: unknown): string[] {
  if (Array.isArray(value)) return value as string[];
  if (typeof value === 'string' && value) return [value];
  return [];
}
