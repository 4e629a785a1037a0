/**
 * Pairs of names as CSV in, scores as CSV out: the `match-score` command's core, kept apart from
 * the command line so tests and the bench read the same format.
 *
 * Input: a header `name1,name2` and optionally `schema` (Person, Company, Organization, LegalEntity,
 * Vessel, Aircraft; applied to both names) and any other columns, which are ignored (`match`, the
 * label in the evaluation files, among them). Output: `name1,name2,score,match`.
 */
import { UsageError } from '../core/errors.ts';
import { parse } from 'csv-parse/sync';
import { DEFAULT_THRESHOLD, scoreNames } from '../match/score.ts';

export class NamePairsFormatError extends UsageError {
  constructor(message: string, options?: ErrorOptions) {
    super(`match-score: ${message}`, options);
    this.name = 'NamePairsFormatError';
  }
}

export interface NamePair {
  name1: string;
  name2: string;
  schema?: string;
  /** The label, when the file has a `match` column (evaluation files). */
  match?: boolean;
}

/** Reads name pairs; the header must name `name1` and `name2`. */
export function parseNamePairs(csv: string): NamePair[] {
  let rows: Record<string, string>[];
  try {
    rows = parse(csv, {
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      bom: true,
      relax_column_count: true,
    });
  } catch (error) {
    throw new NamePairsFormatError(`input is not valid CSV: ${(error as Error).message}`, { cause: error });
  }
  if (rows.length && !('name1' in rows[0]! && 'name2' in rows[0]!))
    throw new NamePairsFormatError('the header must have columns name1 and name2 (and optionally schema)');
  return rows.map((row, i) => {
    const pair: NamePair = { name1: row.name1 ?? '', name2: row.name2 ?? '' };
    if (row.schema) pair.schema = row.schema;
    if (row.match !== undefined && row.match !== '') {
      const label = row.match.toLowerCase();
      if (label !== 'true' && label !== 'false')
        throw new NamePairsFormatError(`line ${i + 2}: match must be true or false, not "${row.match}"`);
      pair.match = label === 'true';
    }
    return pair;
  });
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Scores every pair: CSV `name1,name2,score,match` (score with 4 decimals, match at `threshold`). */
export function scoreNamePairsCsv(csv: string, threshold = DEFAULT_THRESHOLD): string {
  const lines = ['name1,name2,score,match'];
  for (const pair of parseNamePairs(csv)) {
    const options = pair.schema ? { schemaA: pair.schema, schemaB: pair.schema } : {};
    const { score } = scoreNames(pair.name1, pair.name2, options);
    lines.push([csvField(pair.name1), csvField(pair.name2), score.toFixed(4), String(score >= threshold)].join(','));
  }
  return `${lines.join('\n')}\n`;
}
