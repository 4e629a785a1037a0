/**
 * One page of the change feed, newest first across every source, from the `timeline` index
 * (tpk = EVTS#<source>, tsk = <time>#<eventId>; table.ts).
 *
 * The index is partitioned by source, so a page merges one newest-first Query per source: each
 * source's partition is read from just below the cursor (`tsk < before`) in small pages, and the
 * merge always takes the newest head. A filter (a subscriber's) may drop entries, so reading goes
 * on until the page is full or every partition is exhausted; one more accepted entry is looked for
 * after the page is full, so the last page never announces a next one that would be empty.
 *
 * Cost: a page reads about `limit` items per source at most once per query page, plus whatever a
 * narrow filter skips; the cursor keeps each later page from re-reading the newer ones.
 */
import type { TradewatchEvent } from '../core/events.ts';
import { S, TABLE_INDEXES, readJson, str, timelinePk, type Item, type TableRef } from './table.ts';
import { QueryCommand } from '@aws-sdk/client-dynamodb';

export interface EventFeedRequest {
  /** Every source whose events may be in the feed (registered and custom). */
  sourceIds: readonly string[];
  /** Entries on the page. */
  limit: number;
  /** Only entries whose `<time>#<eventId>` sorts before this cursor (the previous page's last). */
  before?: string;
  /** Which events the feed holds. @default every event */
  include?: (event: TradewatchEvent) => boolean;
}

export interface EventFeedPage {
  /** Newest first. */
  events: TradewatchEvent[];
  /** The cursor of the next (older) page: the last entry's `<time>#<eventId>`; none on the last page. */
  next?: string;
}

/** Items read per Query at most: a page of 50 entries from one busy source takes one or two. */
const QUERY_PAGE = 50;

interface Entry {
  tsk: string;
  event: TradewatchEvent;
}

/** One source's partition, read newest first, a Query page at a time, as the merge asks. */
class PartitionCursor {
  private buffer: Entry[] = [];
  private startKey: Item | undefined;
  private done = false;

  constructor(
    private readonly table: TableRef,
    private readonly sourceId: string,
    private readonly before: string | undefined,
    private readonly pageLimit: number,
  ) {}

  /** The newest entry not yet taken, reading the next Query page when the buffer is empty. */
  async head(): Promise<Entry | undefined> {
    while (this.buffer.length === 0 && !this.done) await this.readPage();
    return this.buffer[0];
  }

  take(): void {
    this.buffer.shift();
  }

  private async readPage(): Promise<void> {
    const { partitionKey, sortKey, name } = TABLE_INDEXES.timeline;
    const page = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.tableName,
        IndexName: name,
        KeyConditionExpression: this.before ? '#pk = :pk AND #sk < :before' : '#pk = :pk',
        ExpressionAttributeNames: { '#pk': partitionKey, ...(this.before ? { '#sk': sortKey } : {}) },
        ExpressionAttributeValues: {
          ':pk': S(timelinePk(this.sourceId)),
          ...(this.before ? { ':before': S(this.before) } : {}),
        },
        ScanIndexForward: false,
        Limit: this.pageLimit,
        ...(this.startKey ? { ExclusiveStartKey: this.startKey } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      const event = readJson<TradewatchEvent>(item, 'event');
      const tsk = str(item, sortKey);
      if (event && tsk) this.buffer.push({ tsk, event });
    }
    this.startKey = page.LastEvaluatedKey;
    this.done = this.startKey === undefined;
  }
}

/** One page of the feed: `limit` events that pass `include`, newest first, and the next cursor. */
export async function readEventFeedPage(table: TableRef, request: EventFeedRequest): Promise<EventFeedPage> {
  const include = request.include ?? (() => true);
  const cursors = [...new Set(request.sourceIds)].map(
    // No source gives more than limit + 1 entries to a page unless the filter drops some.
    (sourceId) => new PartitionCursor(table, sourceId, request.before, Math.min(QUERY_PAGE, request.limit + 1)),
  );
  const events: TradewatchEvent[] = [];
  let last: string | undefined;
  for (;;) {
    const newest = await newestHead(cursors);
    if (!newest) return { events };
    newest.cursor.take();
    if (!include(newest.entry.event)) continue;
    if (events.length === request.limit) return { events, ...(last ? { next: last } : {}) };
    events.push(newest.entry.event);
    last = newest.entry.tsk;
  }
}

async function newestHead(
  cursors: readonly PartitionCursor[],
): Promise<{ cursor: PartitionCursor; entry: Entry } | undefined> {
  const heads = await Promise.all(cursors.map(async (cursor) => ({ cursor, entry: await cursor.head() })));
  let newest: { cursor: PartitionCursor; entry: Entry } | undefined;
  for (const { cursor, entry } of heads) {
    if (entry && (!newest || entry.tsk > newest.entry.tsk)) newest = { cursor, entry };
  }
  return newest;
}
