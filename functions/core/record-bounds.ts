/**
 * Bounds on a record's size. One register value can be anything a broken or hostile file holds (a
 * 20 MB CSV cell, a 50 MB XML text node); a record must still fit a DynamoDB item (400 KB) with its
 * previous version and its field changes inside one change event. So each text is cut at
 * MAX_TEXT_CHARS, each list at MAX_LIST_ITEMS, with a warning naming the record, and a record whose
 * JSON still exceeds MAX_RECORD_BYTES is refused (the version fails with a health event, once).
 */
import { SourceFormatError } from './errors.ts';
import type { RegisterRecord } from './records.ts';

/** Longest text kept in one field (the longest real remarks are a few thousand characters). */
export const MAX_TEXT_CHARS = 16_384;
/** Most items kept in one list (aliases, addresses ...). */
export const MAX_LIST_ITEMS = 1_000;
/** Largest record JSON stored: an event holding it twice, with its changes, still fits an item. */
export const MAX_RECORD_BYTES = 80 * 1024;

export class RecordTooLargeError extends Error {
  constructor(
    readonly recordId: string,
    readonly bytes: number,
  ) {
    super(`record ${recordId} takes ${Math.round(bytes / 1024)} KB once bounded, over ${MAX_RECORD_BYTES / 1024} KB`);
    this.name = 'RecordTooLargeError';
  }
}

/**
 * The record with every text and list within bounds, and a note per field that was cut. Throws
 * RecordTooLargeError when even the bounded record is too large to store.
 */
export function boundRecord(record: RegisterRecord): { record: RegisterRecord; cuts: string[] } {
  const cuts: string[] = [];
  const size = { chars: 0 };
  const bounded = boundValue(record, '', cuts, size) as RegisterRecord;
  // The text alone decides whether the exact size is worth measuring (a UTF-8 character takes at
  // most three bytes; JSON adds quotes and keys).
  if (size.chars * 3 > MAX_RECORD_BYTES / 2) {
    const bytes = Buffer.byteLength(JSON.stringify(bounded));
    if (bytes > MAX_RECORD_BYTES) throw new RecordTooLargeError(record.id, bytes);
  }
  return { record: cuts.length ? bounded : record, cuts };
}

function boundValue(value: unknown, path: string, cuts: string[], size: { chars: number }): unknown {
  if (typeof value === 'string') {
    size.chars += Math.min(value.length, MAX_TEXT_CHARS);
    if (value.length <= MAX_TEXT_CHARS) return value;
    cuts.push(`${path || 'value'}: ${value.length.toLocaleString('en-US')} characters cut to ${MAX_TEXT_CHARS}`);
    // Cut on a whole character: never between the halves of a surrogate pair.
    const end = /[\ud800-\udbff]/.test(value[MAX_TEXT_CHARS - 1]!) ? MAX_TEXT_CHARS - 1 : MAX_TEXT_CHARS;
    return value.slice(0, end);
  }
  if (Array.isArray(value)) {
    let items = value;
    if (items.length > MAX_LIST_ITEMS) {
      cuts.push(`${path}: ${items.length.toLocaleString('en-US')} items cut to ${MAX_LIST_ITEMS}`);
      items = items.slice(0, MAX_LIST_ITEMS);
    }
    let changed = items !== value;
    const out = items.map((item, i) => {
      const next = boundValue(item, `${path}[${i}]`, cuts, size);
      if (next !== item) changed = true;
      return next;
    });
    return changed ? out : value;
  }
  if (value && typeof value === 'object') {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const next = boundValue(item, path ? `${path}.${key}` : key, cuts, size);
      if (next !== item) changed = true;
      out[key] = next;
    }
    return changed ? out : value;
  }
  return value;
}

/**
 * The records of a stream, each within bounds; `warn` hears of every record that was cut, and a
 * record too large even then fails the version (SourceFormatError naming it).
 */
export async function* boundRecords(
  records: AsyncIterable<RegisterRecord>,
  sourceId: string,
  fileName: string,
  warn: (message: string) => void,
): AsyncGenerator<RegisterRecord> {
  for await (const record of records) {
    let bounded: RegisterRecord;
    let cuts: string[];
    try {
      ({ record: bounded, cuts } = boundRecord(record));
    } catch (error) {
      if (error instanceof RecordTooLargeError)
        throw new SourceFormatError(sourceId, `${fileName}: ${error.message}: it cannot be stored`, { cause: error });
      throw error;
    }
    if (cuts.length) warn(`record ${record.id} (${record.name.slice(0, 80)}): ${cuts.slice(0, 3).join('; ')}`);
    yield bounded;
  }
}
