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
  /** Only entries whose `<time>#<eventId>` sorts at or after this bound (a date range's start, `2026-01-31`). */
  from?: string;
  /**
   * Stop after looking at this many entries even when the page is not full, so that a narrow
   * filter over a long history answers in bounded time; the page then says `searched` and its
   * `next` cursor continues the search where it stopped. @default no limit
   */
  examineAtMost?: number;
  /** Which events the feed holds. @default every event */
  include?: (event: TradewatchEvent) => boolean;
}

export interface EventFeedPage {
  /** Newest first. */
  events: TradewatchEvent[];
  /** The cursor of the next (older) page: the last entry's `<time>#<eventId>`; none on the last page. */
  next?: string;
  /** Set when examineAtMost stopped the page before it was full: how many entries were looked at. */
  searched?: number;
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
    private readonly from: string | undefined,
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
    const { before, from } = this;
    const range = sortKeyRange(before, from);
    const page = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.tableName,
        IndexName: name,
        KeyConditionExpression: `#pk = :pk${range}`,
        ExpressionAttributeNames: { '#pk': partitionKey, ...(range ? { '#sk': sortKey } : {}) },
        ExpressionAttributeValues: {
          ':pk': S(timelinePk(this.sourceId)),
          ...(before ? { ':before': S(before) } : {}),
          ...(from ? { ':from': S(from) } : {}),
        },
        ScanIndexForward: false,
        Limit: this.pageLimit,
        ...(this.startKey ? { ExclusiveStartKey: this.startKey } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      const event = readJson<TradewatchEvent>(item, 'event');
      const tsk = str(item, sortKey);
      if (event && tsk && tsk !== before) this.buffer.push({ tsk, event });
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
    (sourceId) =>
      new PartitionCursor(table, sourceId, request.before, request.from, Math.min(QUERY_PAGE, request.limit + 1)),
  );
  const events: TradewatchEvent[] = [];
  let last: string | undefined;
  let examined = 0;
  for (;;) {
    const newest = await newestHead(cursors);
    if (!newest) return { events };
    newest.cursor.take();
    examined++;
    if (!include(newest.entry.event)) {
      if (request.examineAtMost !== undefined && examined >= request.examineAtMost && events.length < request.limit)
        return { events, next: newest.entry.tsk, searched: examined };
      continue;
    }
    if (events.length === request.limit) return { events, ...(last ? { next: last } : {}) };
    events.push(newest.entry.event);
    last = newest.entry.tsk;
  }
}

/**
 * The key condition on the sort key: one at most, so a range with both ends is BETWEEN (inclusive),
 * and the cursor's own entry is dropped when read.
 */
function sortKeyRange(before: string | undefined, from: string | undefined): string {
  if (before && from) return ' AND #sk BETWEEN :from AND :before';
  if (before) return ' AND #sk < :before';
  return from ? ' AND #sk >= :from' : '';
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
