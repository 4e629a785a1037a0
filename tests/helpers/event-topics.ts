import { buildChangeEvent, messageAttributes } from '../../functions/core/events.ts';
import { contentHash, type RegisterRecord } from '../../functions/core/records.ts';
import type { RegisterSource } from '../../functions/sources/types.ts';

/**
 * The `topics` message attribute of the event that announces `record` as added to `source`: what a
 * subscriber's filter policy sees (a register record stores no topics of its own).
 */
export function addedEventTopics(source: RegisterSource, record: RegisterRecord): string[] {
  const event = buildChangeEvent(
    source,
    { type: 'added', id: record.id, name: record.name, list: record.list, newHash: contentHash(record), after: record },
    'baseline',
    '2026-12-03T00:00:00.000Z',
  );
  const attribute = messageAttributes(event).topics;
  return attribute ? (JSON.parse(attribute.StringValue) as string[]) : [];
}
