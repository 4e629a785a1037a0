/**
 * What the page reads from the table, through the keys of aws/table.ts. Every view answers from
 * Queries on one partition or index partition, or from GetItem and BatchGetItem; none scans.
 *
 * - Changes: the `timeline` index, one partition per source merged newest first
 *   (aws/event-feed.ts), a page at a time; date bounds are key conditions; the other filters are
 *   applied to what the merge reads, and a narrow search stops after EXAMINE_AT_MOST entries with a
 *   cursor to search on (so a page answers in bounded time whatever the history's size).
 * - A record's history: the source's `timeline` partition filtered on the event's `subject` (the
 *   record id) by DynamoDB, so only the record's events cross the wire; the partition is still read
 *   through (its read units are the source's event count). Events stored before `subject` was
 *   written are matched on their body.
 * - Hits: the subscriber's reported hits and decisions (one partition each), the records (BatchGetItem)
 *   and the hit events of the sources concerned (filtered on `type` and `subject` likewise).
 */
import { GetItemCommand, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { readEventFeedPage, type EventFeedPage } from '../aws/event-feed.ts';
import { decodeMeta } from '../aws/source-meta.ts';
import {
  META_SK,
  S,
  TABLE_INDEXES,
  batchGetAll,
  eventSk,
  queryAll,
  readJson,
  sourcePk,
  str,
  timelinePk,
  type TableRef,
} from '../aws/table.ts';
import {
  EVENT_TYPES,
  isChangeEvent,
  isHitEvent,
  type ChangeEvent,
  type TradewatchEvent,
  type WatchlistHitEvent,
} from '../core/events.ts';
import type { SourceMeta } from '../aws/source-store.ts';

/** Entries a filtered page looks at before it answers with what it found and a cursor to go on. */
export const EXAMINE_AT_MOST = 5000;

export interface ChangesQuery {
  sourceIds: readonly string[];
  limit: number;
  before?: string;
  /** Inclusive lower bound on `<time>#<eventId>` (a date). */
  from?: string;
  /** Exclusive upper bound (the day after the range's last date), combined with `before`. */
  until?: string;
  include: (event: ChangeEvent) => boolean;
}

export async function readChanges(table: TableRef, query: ChangesQuery): Promise<EventFeedPage> {
  const before = query.before && query.until ? minString(query.before, query.until) : (query.before ?? query.until);
  return readEventFeedPage(table, {
    sourceIds: query.sourceIds,
    limit: query.limit,
    ...(before ? { before } : {}),
    ...(query.from ? { from: query.from } : {}),
    examineAtMost: EXAMINE_AT_MOST,
    include: (event) => isChangeEvent(event) && query.include(event),
  });
}

function minString(a: string, b: string): string {
  return a < b ? a : b;
}

/** One stored event by its key, or undefined. */
export async function readEvent(
  table: TableRef,
  sourceId: string,
  eventId: string,
): Promise<TradewatchEvent | undefined> {
  const { Item } = await table.client.send(
    new GetItemCommand({
      TableName: table.tableName,
      Key: { pk: S(sourcePk(sourceId)), sk: S(eventSk(eventId)) },
      ProjectionExpression: '#e',
      ExpressionAttributeNames: { '#e': 'event' },
    }),
  );
  return readJson<TradewatchEvent>(Item, 'event');
}

/** The events of one source's timeline whose item passes the filter, newest first. */
async function timelineEvents(
  table: TableRef,
  sourceId: string,
  filter: Pick<QueryCommandInput, 'FilterExpression' | 'ExpressionAttributeValues' | 'ExpressionAttributeNames'>,
): Promise<TradewatchEvent[]> {
  const { partitionKey, name } = TABLE_INDEXES.timeline;
  const events: TradewatchEvent[] = [];
  for await (const item of queryAll(table, {
    IndexName: name,
    KeyConditionExpression: '#pk = :pk',
    FilterExpression: filter.FilterExpression,
    ExpressionAttributeNames: { '#pk': partitionKey, ...filter.ExpressionAttributeNames },
    ExpressionAttributeValues: { ':pk': S(timelinePk(sourceId)), ...filter.ExpressionAttributeValues },
    ProjectionExpression: '#e',
    ScanIndexForward: false,
  })) {
    const event = readJson<TradewatchEvent>(item, 'event');
    if (event) events.push(event);
  }
  return events;
}

/** Every change event of one record, newest first. */
export async function readRecordHistory(table: TableRef, sourceId: string, recordId: string): Promise<ChangeEvent[]> {
  const events = await timelineEvents(table, sourceId, {
    FilterExpression: '#s = :id OR attribute_not_exists(#s)',
    ExpressionAttributeNames: { '#s': 'subject', '#e': 'event' },
    ExpressionAttributeValues: { ':id': S(recordId) },
  });
  return events.filter((event): event is ChangeEvent => isChangeEvent(event) && event.subject === recordId);
}

/** The watchlist hit events of one subscriber in these sources, newest first. */
export async function readHitEvents(
  table: TableRef,
  sourceIds: readonly string[],
  subscriberId: string,
): Promise<WatchlistHitEvent[]> {
  const perSource = await Promise.all(
    [...new Set(sourceIds)].map((sourceId) =>
      timelineEvents(table, sourceId, {
        FilterExpression: '#t = :hit AND (begins_with(#s, :subscriber) OR attribute_not_exists(#s))',
        ExpressionAttributeNames: { '#t': 'type', '#s': 'subject', '#e': 'event' },
        ExpressionAttributeValues: { ':hit': S(EVENT_TYPES.watchlistHit), ':subscriber': S(`${subscriberId}/`) },
      }),
    ),
  );
  return perSource
    .flat()
    .filter((event): event is WatchlistHitEvent => isHitEvent(event) && event.data.subscriberId === subscriberId)
    .sort((a, b) => b.time.localeCompare(a.time));
}

/** The META item of each source that has one (one BatchGetItem per 100 sources). */
export async function readSourceMetas(table: TableRef, sourceIds: readonly string[]): Promise<Map<string, SourceMeta>> {
  const items = await batchGetAll(
    table,
    sourceIds.map((id) => ({ pk: S(sourcePk(id)), sk: S(META_SK) })),
  );
  const metas = new Map<string, SourceMeta>();
  for (const item of items) {
    const sourceId = str(item, 'pk')!.slice(sourcePk('').length);
    metas.set(sourceId, decodeMeta(sourceId, item));
  }
  return metas;
}

/** The latest change events of one source (a feed's latest items). */
export async function readLatestChanges(table: TableRef, sourceId: string, limit: number): Promise<ChangeEvent[]> {
  const page = await readEventFeedPage(table, {
    sourceIds: [sourceId],
    limit,
    include: isChangeEvent,
    examineAtMost: EXAMINE_AT_MOST,
  });
  return page.events.filter(isChangeEvent);
}
