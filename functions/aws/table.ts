/**
 * The single-table layout, shared by the CDK stack and the local runner so both create the same table.
 *
 * | pk            | sk              | holds                                                     |
 * |---------------|-----------------|-----------------------------------------------------------|
 * | SRC#<source>  | META            | sentinel (validators, content hash), record count, health |
 * | SRC#<source>  | MAN#<nn>        | manifest bucket: record id → content hash, for the diff  |
 * | SRC#<source>  | REC#<recordId>  | content hash and normalized record                        |
 * | SRC#<source>  | EVT#<eventId>   | change event (audit trail) and its outbox status          |
 * | DLV#<channel> | <eventId>       | delivery receipt: a consumer's idempotency record         |
 *
 * GSI `outbox` (opk = OUTBOX#<source>, osk = <time>#<eventId>) is sparse: only events not yet
 * published carry its keys. GSI `timeline` (tpk = EVTS#<source>, tsk = <time>#<eventId>) orders the
 * audit trail by time.
 */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

export const TABLE_INDEXES = {
  outbox: { name: 'outbox', partitionKey: 'opk', sortKey: 'osk' },
  timeline: { name: 'timeline', partitionKey: 'tpk', sortKey: 'tsk' },
} as const;

/** TTL attribute (epoch seconds) for items that may expire, e.g. delivery receipts. */
export const TTL_ATTRIBUTE = 'expiresAt';

export const sourcePk = (sourceId: string): string => `SRC#${sourceId}`;
export const META_SK = 'META';
export const manifestSk = (bucket: number): string => `MAN#${String(bucket).padStart(3, '0')}`;
export const recordSk = (recordId: string): string => `REC#${recordId}`;
export const eventSk = (eventId: string): string => `EVT#${eventId}`;
export const outboxPk = (sourceId: string): string => `OUTBOX#${sourceId}`;
export const timelinePk = (sourceId: string): string => `EVTS#${sourceId}`;
/** On a source's META item: `screened:<subscriber>` = the watchlist version its records were screened against. */
export const SCREENED_PREFIX = 'screened:';
