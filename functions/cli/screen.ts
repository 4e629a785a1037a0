/** `tradewatch screen`: one watchlist against the stored records, or against files; hits best first. */
import { loadConfig } from '../config/config.ts';
import { UsageError } from '../core/errors.ts';
import type { WatchlistHit } from '../core/events.ts';
import type { RegisterRecord } from '../core/records.ts';
import { sourcesFor } from '../sources/registry.ts';
import type { RegisterSource } from '../sources/types.ts';
import { readWatchlistFile } from '../watchlist/file.ts';
import { WatchlistScreener, isScreenable } from '../watchlist/screening.ts';
import { requireSource, sourceById, thresholdFlag, type Flags } from './args.ts';
import { withRuntime } from './local-run.ts';
import { out } from './output.ts';
import { readRecords } from './parse.ts';

interface ScreenRow {
  sourceId: string;
  recordId: string;
  recordName: string;
  list: string;
  countries: string[];
  hit: WatchlistHit;
}

export async function commandScreen(flags: Flags): Promise<number> {
  if (!flags.watchlist)
    throw new UsageError('--watchlist <file> is required (CSV or JSON: name, aliases, country, kind, reference)');
  const threshold = thresholdFlag(flags);
  const entries = await readWatchlistFile(flags.watchlist);
  const screener = WatchlistScreener.fromEntries([{ subscriberId: 'screen', entries, threshold }]);
  const rows: ScreenRow[] = [];
  let screened = 0;
  const screenOne = (source: RegisterSource, record: RegisterRecord): void => {
    if (!isScreenable(source, record)) return;
    screened += 1;
    for (const result of screener.screenRecord(record, source.id, '')) {
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
  };
  if (flags.file.length) {
    const source = requireSource(flags);
    for (const path of flags.file) for (const record of await readRecords(source, path)) screenOne(source, record);
  } else {
    const config = loadConfig(flags.config);
    const sources = flags.source.length ? flags.source.map((id) => sourceById(id, config)) : sourcesFor(config);
    await withRuntime(flags, {}, async (runtime) => {
      for (const source of sources)
        for await (const record of runtime.store.scanRecords(source.id)) screenOne(source, record);
    });
    if (screened === 0)
      process.stderr.write(
        'tradewatch screen: no stored records here (run `tradewatch poll` or `replay` first, or give --file)\n',
      );
  }
  rows.sort(
    (a, b) =>
      b.hit.score - a.hit.score || a.hit.entryKey.localeCompare(b.hit.entryKey) || a.recordId.localeCompare(b.recordId),
  );
  if (flags.json) {
    out(
      JSON.stringify(
        { watchlist: flags.watchlist, entries: entries.length, recordsScreened: screened, threshold, hits: rows },
        null,
        2,
      ),
    );
    return 0;
  }
  for (const row of rows) out(hitLines(row));
  const screenedCount = `${entries.length} watchlist entries against ${screened} records`;
  process.stderr.write(`${rows.length} hit(s): ${screenedCount} at threshold ${threshold}\n`);
  return 0;
}

/** The score, the entry and the record; below, the two names that matched and why. */
function hitLines({ hit, recordName, sourceId, recordId, list, countries }: ScreenRow): string {
  const entry = hit.reference ? `${hit.entry.name} [${hit.reference}]` : hit.entry.name;
  const where = `${sourceId} ${recordId}, ${list}${countries.length ? `, ${countries.join(',')}` : ''}`;
  const why = `"${hit.entryName}" ~ "${hit.recordName}": ${hit.explanation.join('; ')}`;
  return `${hit.score.toFixed(3)}  ${entry}  ~  ${recordName}  (${where})\n       ${why}`;
}
