/**
 * A subscriber's watchlist hits and the analysts' decisions on them, as both the CLI
 * (`watchlist hits|dismiss|withdraw|audit`) and the page read and write them: one code path, so a
 * decision taken on the page and one taken in a terminal are the same items in the same audit
 * trail (aws/watchlist-store.ts).
 */
import { TradewatchStore } from '../aws/source-store.ts';
import type { TableRef } from '../aws/table.ts';
import { WatchlistStore, parseDecisionKey, type HitDecision } from '../aws/watchlist-store.ts';
import { contentHash, type RegisterRecord } from '../core/records.ts';
import { decisionHolds } from '../watchlist/screening.ts';

export interface HitRow {
  sourceId: string;
  recordId: string;
  recordName: string | null;
  list: string | null;
  entryKey: string;
  entryName: string | null;
  reference: string | null;
  recordChangedSinceReported: boolean | null;
  /** The "not a match" decision that holds on the record as stored now; null: the hit is open. */
  decision: { by: string; at: string; reason: string } | null;
}

function sourceStore(table: TableRef): TradewatchStore {
  return table instanceof TradewatchStore ? table : new TradewatchStore(table.client, table.tableName);
}

/** The subscriber's hits reported so far, with the record as stored now and any decision that holds; sorted by source, record, entry. */
export async function listHits(table: TableRef, subscriberId: string): Promise<HitRow[]> {
  const watchlists = new WatchlistStore(table);
  const [reported, decisions, stored] = await Promise.all([
    watchlists.reported(subscriberId),
    watchlists.decisions(subscriberId),
    watchlists.load(subscriberId),
  ]);
  const entries = new Map((stored?.entries ?? []).map((entry) => [entry.key, entry]));
  const hits = [...reported].map(([key, recordHash]) => ({ ...parseDecisionKey(key), key, recordHash }));
  const records = await loadRecordsBySource(table, hits);
  const rows = hits.map(({ sourceId, recordId, entryKey, key, recordHash }): HitRow => {
    const record = records.get(sourceId)?.get(recordId);
    const decision = decisions.get(key);
    return {
      sourceId,
      recordId,
      recordName: record?.name ?? null,
      list: record?.list ?? null,
      entryKey,
      entryName: entries.get(entryKey)?.name ?? null,
      reference: entries.get(entryKey)?.reference ?? null,
      recordChangedSinceReported: record ? contentHash(record) !== recordHash : null,
      // A record no longer stored is judged as it was when reported.
      decision: decisionHolds(decision, record ? contentHash(record) : recordHash)
        ? { by: decision.by, at: decision.at, reason: decision.reason }
        : null,
    };
  });
  return rows.sort(
    (a, b) =>
      a.sourceId.localeCompare(b.sourceId) ||
      a.recordId.localeCompare(b.recordId) ||
      a.entryKey.localeCompare(b.entryKey),
  );
}

/** The stored records of these hits, one batch read per source. */
async function loadRecordsBySource(
  table: TableRef,
  hits: readonly { sourceId: string; recordId: string }[],
): Promise<Map<string, Map<string, RegisterRecord>>> {
  const bySource = new Map<string, string[]>();
  for (const { sourceId, recordId } of hits) bySource.set(sourceId, [...(bySource.get(sourceId) ?? []), recordId]);
  const store = sourceStore(table);
  const loaded = await Promise.all(
    [...bySource].map(async ([sourceId, ids]) => [sourceId, await store.loadRecords(sourceId, ids)] as const),
  );
  return new Map(loaded);
}

export interface HitRef {
  subscriberId: string;
  sourceId: string;
  recordId: string;
  entryKey: string;
}

export type DismissResult =
  | { ok: true; decision: HitDecision; record: RegisterRecord }
  | { ok: false; problem: 'no-record' | 'no-entry'; message: string };

/**
 * Marks a hit "not a match" (until the listed record changes), with the record's content hash now,
 * and appends the audit line. Refused when the record is not stored or the entry is not on the
 * subscriber's current watchlist.
 */
export async function dismissHit(
  table: TableRef,
  hit: HitRef,
  judgement: { by: string; reason: string; at: string },
): Promise<DismissResult> {
  const record = (await sourceStore(table).loadRecords(hit.sourceId, [hit.recordId])).get(hit.recordId);
  if (!record)
    return { ok: false, problem: 'no-record', message: `no stored record "${hit.recordId}" in ${hit.sourceId}` };
  const watchlists = new WatchlistStore(table);
  const list = await watchlists.load(hit.subscriberId);
  if (!list?.entries.some((entry) => entry.key === hit.entryKey))
    return {
      ok: false,
      problem: 'no-entry',
      message: `no entry "${hit.entryKey}" in the watchlist of "${hit.subscriberId}"`,
    };
  const decision: HitDecision = {
    sourceId: hit.sourceId,
    recordId: hit.recordId,
    entryKey: hit.entryKey,
    decision: 'not-a-match',
    recordHash: contentHash(record),
    by: judgement.by,
    at: judgement.at,
    reason: judgement.reason,
  };
  await watchlists.decide(hit.subscriberId, decision);
  return { ok: true, decision, record };
}

/** Withdraws the decision on a hit (it alerts again from its next change or screening); false when there was none. */
export function withdrawDecision(
  table: TableRef,
  hit: HitRef,
  judgement: { by: string; reason: string; at: string },
): Promise<boolean> {
  return new WatchlistStore(table).withdraw(
    hit.subscriberId,
    hit.sourceId,
    hit.recordId,
    hit.entryKey,
    judgement.by,
    judgement.reason,
    judgement.at,
  );
}
