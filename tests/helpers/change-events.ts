/** Small RegisterRecords and the CloudEvents buildChangeEvent makes of them, for filter tests. */
import { buildChangeEvent, buildHealthEvent, type ChangeEvent, type HealthEvent } from '../../functions/core/events.ts';
import { contentHash, type RegisterRecord } from '../../functions/core/records.ts';
import { findSource } from '../../functions/sources/registry.ts';

export function registerRecord(
  fields: Partial<RegisterRecord> & Pick<RegisterRecord, 'id' | 'source' | 'list' | 'name'>,
): RegisterRecord {
  return {
    kind: 'organization',
    aliases: [],
    countries: [],
    addresses: [],
    programs: [],
    links: [],
    extra: {},
    ...fields,
  };
}

const TIME = '2026-03-05T12:00:00.000Z';

/** A change event of a registered source: `added` and `removed` take one record, `modified` the old and the new. */
export function changeEvent(
  type: 'added' | 'removed' | 'modified',
  record: RegisterRecord,
  after?: RegisterRecord,
): ChangeEvent {
  const source = findSource(record.source);
  if (!source) throw new Error(`unknown source ${record.source}`);
  const change =
    type === 'added'
      ? { type, id: record.id, name: record.name, list: record.list, newHash: contentHash(record), after: record }
      : type === 'removed'
        ? { type, id: record.id, name: record.name, list: record.list, oldHash: contentHash(record), before: record }
        : {
            type,
            id: record.id,
            name: after!.name,
            list: after!.list,
            oldHash: contentHash(record),
            newHash: contentHash(after!),
            before: record,
            after: after!,
            fields: [{ field: 'name', old: record.name, new: after!.name }],
          };
  return buildChangeEvent(source, change, 'base@test', TIME);
}

export function healthEvent(sourceId: string, status: 'unhealthy' | 'recovered' = 'unhealthy'): HealthEvent {
  const source = findSource(sourceId)!;
  return buildHealthEvent(
    source,
    { status, step: 'parse', reason: 'the download is an HTML page', since: TIME, consecutiveFailures: 1 },
    TIME,
  );
}
