/**
 * The small text and date helpers every source and layout uses, written once (as zavod's helpers),
 * so that "clean" means the same thing in every source.
 */
import { cleanText, type ExtraFields } from '../core/records.ts';

/** yyyy-mm-dd, the only date form a record's `listedOn` takes. */
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** cleanText, without its regex for the empty cells and attributes that make up most of a register. */
export function clean(value: string | undefined): string {
  return value === undefined || value.length === 0 ? '' : cleanText(value);
}

/** The non-empty parts, joined ("street, city, country" with the missing parts left out). */
export function joinParts(parts: readonly string[], separator = ', '): string {
  return parts.filter((p) => p.length > 0).join(separator);
}

/** "main (note)", or whichever of the two is not empty. */
export function withNote(main: string, note: string): string {
  if (!note) return main;
  return main ? `${main} (${note})` : note;
}

/** Sets an extra field only when it has a value, so a record shows only what the entry has. */
export function putExtra(extra: ExtraFields, key: string, value: string | readonly string[] | undefined): void {
  if (value === undefined) return;
  if (typeof value === 'string') {
    if (value) extra[key] = value;
  } else if (value.length > 0) extra[key] = [...value];
}

/** The non-empty values, each once, in first-seen order (links of a record, say). */
export function uniqueNonEmpty(values: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const value of values) if (value.length > 0) out.add(value);
  return [...out];
}

/** Trims the header cells, refuses a header without one of `columns`, warns of the ones not read. */
export function headerColumns(
  cells: readonly string[],
  columns: readonly string[],
  warn: (message: string) => void,
  fail: (reason: string) => Error,
): number[] {
  const header = cells.map((c) => c.trim());
  const missing = columns.filter((column) => !header.includes(column));
  if (missing.length > 0) throw fail(`unknown layout: header lacks ${missing.join(', ')}`);
  const unknown = header.filter((h) => !columns.includes(h));
  if (unknown.length > 0) warn(`columns not read: ${unknown.join(', ')}`);
  return columns.map((column) => header.indexOf(column));
}
