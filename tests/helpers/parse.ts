/** Parses a document the way the CLI and the pipeline do (sniffing, then the format's parser). */
import type { RegisterRecord } from '../../functions/core/records.ts';
import { collectRecords, fileDocument } from '../../functions/sources/read/document.ts';
import type { RegisterSource, SourceDocument } from '../../functions/sources/types.ts';

export interface Parsed {
  records: RegisterRecord[];
  warnings: string[];
}

export async function parseWith(
  source: RegisterSource,
  main: SourceDocument,
  companions: ReadonlyMap<string, SourceDocument> = new Map(),
): Promise<Parsed> {
  const warnings: string[] = [];
  const records = await collectRecords(
    source,
    { main, companions },
    { sourceId: source.id, warn: (message) => warnings.push(message) },
  );
  return { records, warnings };
}

export function byId(records: readonly RegisterRecord[]): Map<string, RegisterRecord> {
  return new Map(records.map((record) => [record.id, record]));
}

/** A parse-once reader of one source's files (real fixtures are parsed by many tests). */
export function cachedParser(
  source: RegisterSource,
  pathOf: (name: string) => string,
): (name: string) => Promise<Parsed> {
  const cache = new Map<string, Promise<Parsed>>();
  return (name) => {
    let parsed = cache.get(name);
    if (!parsed) {
      parsed = parseWith(source, fileDocument(pathOf(name)));
      cache.set(name, parsed);
    }
    return parsed;
  };
}
