/** `tradewatch parse`: the normalized records of one file, and the reading every offline command shares. */
import { UsageError } from '../core/errors.ts';
import type { RegisterRecord } from '../core/records.ts';
import { inputFromPath } from '../run/poll.ts';
import { collectRecords } from '../sources/read/document.ts';
import type { RegisterSource } from '../sources/types.ts';
import { requireSource, type Flags } from './args.ts';
import { out, outJson, progress, warnLine } from './output.ts';

/**
 * The records of a version on disk (a file, or a folder with its companions). Records the parser
 * skipped or repaired are counted in one warning line on stderr.
 */
export async function readRecords(source: RegisterSource, path: string): Promise<RegisterRecord[]> {
  const { input } = await inputFromPath(source, path);
  const warnings: string[] = [];
  const bar = progress(`${source.id}: reading ${input.main.name}`);
  const records = await collectRecords(
    source,
    input,
    { sourceId: source.id, warn: (m) => warnings.push(m) },
    bar.update,
  ).finally(bar.done);
  if (warnings.length) {
    const skipped = `${warnings.length} record(s) skipped or repaired in ${path}`;
    warnLine(`${source.id}: parse: ${skipped} (first: ${warnings[0]})`);
  }
  return records;
}

export async function commandParse(flags: Flags, positionals: string[]): Promise<number> {
  const source = requireSource(flags);
  if (positionals.length !== 1) throw new UsageError('parse takes one file: tradewatch parse --source <id> <file>');
  const records = await readRecords(source, positionals[0]!);
  if (flags.json) {
    outJson(records);
    return 0;
  }
  for (const r of records)
    out(`${r.id}\t${r.kind}\t${r.list}\t${r.name}\t${r.countries.join(',')}\t${r.programs.join(',')}`);
  process.stderr.write(`${records.length} records\n`);
  return 0;
}
