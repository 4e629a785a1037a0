/**
 * What `tradewatch screen` found before it screened in batches: each record screened alone
 * (WatchlistScreener.screenRecord), in the command's order. The reference the batch path is
 * compared with, by tests/integration/screen-batch.test.ts and bench/screen.ts.
 */
import { byScreenOrder, type ScreenRow } from '../../functions/cli/screen.ts';
import { readRecords } from '../../functions/cli/parse.ts';
import type { RegisterSource } from '../../functions/sources/types.ts';
import { readWatchlistFile } from '../../functions/watchlist/file.ts';
import { WatchlistScreener, isScreenable } from '../../functions/watchlist/screening.ts';

export async function screenRecordByRecord(
  source: RegisterSource,
  file: string,
  watchlist: string,
  threshold: number,
): Promise<{ entries: number; screened: number; rows: ScreenRow[] }> {
  const entries = await readWatchlistFile(watchlist);
  const screener = WatchlistScreener.fromEntries([{ subscriberId: 'screen', entries, threshold }]);
  const rows: ScreenRow[] = [];
  let screened = 0;
  for (const record of await readRecords(source, file)) {
    if (!isScreenable(source, record)) continue;
    screened += 1;
    for (const result of screener.screenRecord(record, source.id, ''))
      for (const hit of result.hits)
        rows.push({
          sourceId: source.id,
          recordId: record.id,
          recordName: record.name,
          list: record.list,
          countries: record.countries,
          hit,
        });
  }
  return { entries: entries.length, screened, rows: rows.sort(byScreenOrder) };
}
