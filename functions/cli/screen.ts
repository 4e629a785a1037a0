/**
 * `tradewatch screen`: one watchlist against the stored records, or against files; hits best first.
 *
 * It screens as the pipeline's initial screening does (screenRecords): a thousand records at a time
 * go into one blocking index that every watchlist name is looked up in once. Screening record by
 * record, as this command used to, rebuilt each watchlist name's retrieval keys for every record:
 * minutes instead of seconds for a large watchlist against the UN list (bench/screen.ts).
 */
import { loadConfig } from '../config/config.ts';
import { UsageError } from '../core/errors.ts';
import { isHitEvent, type WatchlistHit } from '../core/events.ts';
import type { RegisterRecord } from '../core/records.ts';
import { sourcesFor } from '../sources/registry.ts';
import type { RegisterSource } from '../sources/types.ts';
import { readWatchlistFile } from '../watchlist/file.ts';
import { WatchlistScreener, screenRecords, type ScreeningProgress } from '../watchlist/screening.ts';
import { requireSource, sourceById, thresholdFlag, type Flags } from './args.ts';
import { withRuntime } from './local-run.ts';
import { out, progress } from './output.ts';
import { readRecords } from './parse.ts';

export interface ScreenRow {
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
  const time = new Date().toISOString();
  const screenSource = async (
    source: RegisterSource,
    records: AsyncIterable<RegisterRecord> | Iterable<RegisterRecord>,
  ): Promise<void> => {
    const bar = screeningProgress(source.id);
    const result = await screenRecords(source, records, screener, time, bar.update).finally(bar.done);
    screened += result.counts.screened;
    for (const { event } of result.events) {
      if (!isHitEvent(event)) continue;
      const { recordId, name, list, record } = event.data;
      const countries = record?.countries ?? [];
      for (const hit of event.data.hits)
        rows.push({ sourceId: source.id, recordId, recordName: name, list, countries, hit });
    }
  };
  if (flags.file.length) {
    const source = requireSource(flags);
    const paths = flags.file;
    await screenSource(
      source,
      (async function* () {
        for (const path of paths) yield* await readRecords(source, path);
      })(),
    );
  } else {
    const config = loadConfig(flags.config);
    const sources = flags.source.length ? flags.source.map((id) => sourceById(id, config)) : sourcesFor(config);
    await withRuntime(flags, {}, async (runtime) => {
      for (const source of sources) await screenSource(source, runtime.store.scanRecords(source.id));
    });
    if (screened === 0)
      process.stderr.write(
        'tradewatch screen: no stored records here (run `tradewatch poll` or `replay` first, or give --file)\n',
      );
  }
  rows.sort(byScreenOrder);
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

/** The order hits are printed in: best score first, then by entry and record. */
export function byScreenOrder(a: ScreenRow, b: ScreenRow): number {
  return (
    b.hit.score - a.hit.score || a.hit.entryKey.localeCompare(b.hit.entryKey) || a.recordId.localeCompare(b.recordId)
  );
}

/** The score, the entry and the record; below, the two names that matched and why. */
function hitLines({ hit, recordName, sourceId, recordId, list, countries }: ScreenRow): string {
  const entry = hit.reference ? `${hit.entry.name} [${hit.reference}]` : hit.entry.name;
  const where = `${sourceId} ${recordId}, ${list}${countries.length ? `, ${countries.join(',')}` : ''}`;
  const why = `"${hit.entryName}" ~ "${hit.recordName}": ${hit.explanation.join('; ')}`;
  return `${hit.score.toFixed(3)}  ${entry}  ~  ${recordName}  (${where})\n       ${why}`;
}

/**
 * The progress line of one source's screening (on a terminal only): the thousand records being
 * screened, and how many watchlist names were looked up in them.
 */
function screeningProgress(sourceId: string): { update: (p: ScreeningProgress) => void; done: () => void } {
  let bar: ReturnType<typeof progress> | undefined;
  let first = 0;
  const count = (n: number) => n.toLocaleString('en-US');
  return {
    update: (p) => {
      if (p.firstRecord !== first) {
        bar?.done();
        first = p.firstRecord;
        const records = `records ${count(p.firstRecord)}–${count(p.lastRecord)}`;
        bar = progress(`screen: ${sourceId}, ${records}`, `of ${count(p.totalNames)} watchlist names`);
      }
      bar!.update(p.names);
    },
    done: () => bar?.done(),
  };
}
