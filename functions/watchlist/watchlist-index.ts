/**
 * The compact watchlist index: which entries of a large watchlist a few changed records can match,
 * without preparing the watchlist's names (23 MB per 10,000; a million would take 2.3 GB).
 *
 * Screening (./screening.ts) indexes the records in a NameIndex and looks every watchlist name up
 * in it. A watchlist name E can reach a record name r only if one of the keys E's words and runs
 * of words *look up* (blocking-keys.ts: `wordKeys(…, 'lookup')`, the other script's skeletons,
 * `spanTextKeys`) is one that r's words and runs are *stored* under (`wordKeys(…, 'store')`, their
 * skeletons, their runs' text keys): NameIndex touches no other name, and scores only touched ones.
 * So the index holds, once at import, the lookup keys of every entry name, as 32-bit hashes; a
 * screening computes the records' stored keys, finds the entries that share one, and screens only
 * those, through the very same NameIndex and score. The candidates are a superset of the entries
 * the full screening would find (a hash collision only adds a candidate; NameIndex's word grading
 * and score bound drop it as they would have), and they are screened in their watchlist order, so
 * the hits, their order, decisions and suppression are exactly those of the full screening
 * (tests/integration/watchlist-index.test.ts compares the two). Below NameIndex's LOSSLESS_ABOVE
 * threshold every name is scored, so there every entry is a candidate.
 *
 * Keys are namespaced by what they are looked up in: `T` a word's keys (NameIndex's tokenKeys),
 * `P` a run's (its spanKeys), as the two key maps are apart.
 *
 * The binary form (little-endian Uint32 arrays after a JSON header, gzipped, stored in chunks by
 * aws/watchlist-store.ts under the watchlist's version, so a reader never mixes versions):
 *  - `hashes` / `units`: the (key hash, unit) pairs sorted by hash; a unit is a distinct entry word
 *    (kind, script, text: NameIndex's own vocabulary identity) or run of words;
 *  - `unitStarts` / `unitEntries`: each unit's entry positions, ascending;
 *  - `blockStarts`: the first entry position of each stored block of entries, so that only the
 *    blocks holding candidates are read.
 * A synthetic million-entry watchlist takes some 16 keys per unit (bench/million.ts prints the
 * sizes); a real one, whose joined runs are mostly distinct, more.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { other, script, skeletonKeys, spanTextKeys, wordKeys, type KeyGroup } from '../match/blocking-keys.ts';
import { LOSSLESS_ABOVE } from '../match/name-index.ts';
import { prepareName, type PreparedName } from '../match/prepare.ts';
import type { RegisterRecord } from '../core/records.ts';
import type { WatchlistEntry } from './file.ts';

const FORMAT = 1;

interface IndexHeader {
  format: number;
  version: string;
  entryCount: number;
  keys: number;
  units: number;
  postings: number;
  blocks: number;
}

/** The index of one watchlist version, in memory (typed arrays: some bytes per key, no objects). */
export class WatchlistIndex {
  private constructor(
    readonly version: string,
    readonly entryCount: number,
    private readonly hashes: Uint32Array,
    private readonly units: Uint32Array,
    private readonly unitStarts: Uint32Array,
    private readonly unitEntries: Uint32Array,
    /** First entry position of each stored block of entries. */
    readonly blockStarts: Uint32Array,
  ) {}

  /** Builds the index of `entries` (stored in blocks starting at `blockStarts`). */
  static build(version: string, entries: readonly WatchlistEntry[], blockStarts: readonly number[]): WatchlistIndex {
    const unitIds = new Map<string, number>();
    let pairs = new BigUint64Array(1 << 16);
    let pairCount = 0;
    const unitEntries: number[][] = [];
    const addUnit = (identity: string, keys: () => KeyGroup[][], entry: number): void => {
      let unit = unitIds.get(identity);
      if (unit === undefined) {
        unit = unitEntries.push([]) - 1;
        unitIds.set(identity, unit);
        for (const hash of hashGroups(keys())) {
          if (pairCount === pairs.length) {
            const grown = new BigUint64Array(pairs.length * 2);
            grown.set(pairs);
            pairs = grown;
          }
          pairs[pairCount++] = (BigInt(hash) << 32n) | BigInt(unit);
        }
      }
      const list = unitEntries[unit]!;
      if (list[list.length - 1] !== entry) list.push(entry);
    };
    entries.forEach((entry, position) => {
      for (const name of [entry.name, ...entry.aliases])
        forEachLookupUnit(prepareName(name, entry.kind, entry.countries), (identity, keys) =>
          addUnit(identity, keys, position),
        );
    });
    const sorted = pairs.subarray(0, pairCount).sort();
    const hashes = new Uint32Array(pairCount);
    const units = new Uint32Array(pairCount);
    let kept = 0;
    for (let i = 0; i < pairCount; i++) {
      if (i > 0 && sorted[i] === sorted[i - 1]) continue;
      hashes[kept] = Number(sorted[i]! >> 32n);
      units[kept] = Number(sorted[i]! & 0xffffffffn);
      kept += 1;
    }
    const unitStarts = new Uint32Array(unitEntries.length + 1);
    let total = 0;
    unitEntries.forEach((list, unit) => {
      unitStarts[unit] = total;
      total += list.length;
    });
    unitStarts[unitEntries.length] = total;
    const flat = new Uint32Array(total);
    unitEntries.forEach((list, unit) => flat.set(list, unitStarts[unit]));
    return new WatchlistIndex(
      version,
      entries.length,
      hashes.slice(0, kept),
      units.slice(0, kept),
      unitStarts,
      flat,
      Uint32Array.from(blockStarts),
    );
  }

  /** The gzipped binary form (see the module comment). */
  serialize(): Buffer {
    const header: IndexHeader = {
      format: FORMAT,
      version: this.version,
      entryCount: this.entryCount,
      keys: this.hashes.length,
      units: this.unitStarts.length - 1,
      postings: this.unitEntries.length,
      blocks: this.blockStarts.length,
    };
    const json = Buffer.from(JSON.stringify(header), 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(json.length);
    const arrays = [this.hashes, this.units, this.unitStarts, this.unitEntries, this.blockStarts];
    return gzipSync(
      Buffer.concat([length, json, ...arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))]),
    );
  }

  /** Reads the binary form back; `version` is the one the reader asked for (a mismatch is refused). */
  static deserialize(data: Uint8Array, version: string): WatchlistIndex {
    const raw = gunzipSync(data);
    const jsonLength = raw.readUInt32LE(0);
    const header = JSON.parse(raw.subarray(4, 4 + jsonLength).toString('utf8')) as IndexHeader;
    if (header.format !== FORMAT)
      throw new Error(`watchlist index: format ${header.format} unknown (this build reads ${FORMAT})`);
    if (header.version !== version)
      throw new Error(`watchlist index: holds version ${header.version}, version ${version} was asked for`);
    // Copied out of the gunzipped buffer: a typed array needs 4-byte alignment.
    let offset = 4 + jsonLength;
    const take = (count: number): Uint32Array => {
      const array = new Uint32Array(count);
      Buffer.from(array.buffer).set(raw.subarray(offset, offset + count * 4));
      offset += count * 4;
      return array;
    };
    const hashes = take(header.keys);
    const units = take(header.keys);
    const unitStarts = take(header.units + 1);
    const unitEntries = take(header.postings);
    const blockStarts = take(header.blocks);
    return new WatchlistIndex(header.version, header.entryCount, hashes, units, unitStarts, unitEntries, blockStarts);
  }

  /** Bytes the arrays take in memory. */
  get byteLength(): number {
    return [this.hashes, this.units, this.unitStarts, this.unitEntries, this.blockStarts].reduce(
      (sum, array) => sum + array.byteLength,
      0,
    );
  }

  /** Distinct entry words and runs, and (key, unit) pairs. */
  get size(): { units: number; keys: number; postings: number } {
    return { units: this.unitStarts.length - 1, keys: this.hashes.length, postings: this.unitEntries.length };
  }

  /**
   * Positions (ascending) of the entries whose names may match a name of these records at
   * `threshold`: every entry at or below LOSSLESS_ABOVE, as NameIndex then scores every name.
   */
  candidates(
    records: Iterable<Pick<RegisterRecord, 'name' | 'aliases' | 'kind' | 'countries'>>,
    threshold: number,
  ): number[] {
    if (threshold <= LOSSLESS_ABOVE) return Array.from({ length: this.entryCount }, (_, i) => i);
    const unitSeen = new Uint8Array(this.unitStarts.length - 1);
    const entrySeen = new Uint8Array(this.entryCount);
    const found: number[] = [];
    for (const record of records)
      for (const name of [record.name, ...record.aliases]) {
        if (!name) continue;
        for (const hash of hashGroups(storedKeys(prepareName(name, record.kind, record.countries)))) {
          for (let k = lowerBound(this.hashes, hash); k < this.hashes.length && this.hashes[k] === hash; k++) {
            const unit = this.units[k]!;
            if (unitSeen[unit]) continue;
            unitSeen[unit] = 1;
            for (let e = this.unitStarts[unit]!; e < this.unitStarts[unit + 1]!; e++) {
              const entry = this.unitEntries[e]!;
              if (entrySeen[entry]) continue;
              entrySeen[entry] = 1;
              found.push(entry);
            }
          }
        }
      }
    return found.sort((a, b) => a - b);
  }

  /** The stored block holding an entry position. */
  blockOf(position: number): number {
    return upperBound(this.blockStarts, position) - 1;
  }
}

/**
 * The units of a watchlist name, as NameIndex's `candidates` looks them up when the name is the
 * query: each word but particles and initials (never looked up), with the keys `matchToken`
 * collects; each run of words in one script, with those `matchSpan` collects (its one-edit
 * neighbourhood whenever it could apply: `mayJoin` only narrows it).
 */
function forEachLookupUnit(name: PreparedName, add: (identity: string, keys: () => KeyGroup[][]) => void): void {
  for (const token of name.tokens) {
    if (token.kind === 'particle' || token.kind === 'initial') continue;
    const identity = `${token.kind}|${token.abjad ? 1 : 0}|${token.text}`;
    if (token.kind !== 'name') {
      add(identity, () => [prefixed('T', [['w', [token.text]]])]);
      continue;
    }
    const otherScript = other(token.abjad);
    add(identity, () => [
      prefixed('T', wordKeys(token, 'lookup')),
      prefixed('T', skeletonKeys(token, otherScript)),
      prefixed('P', spanTextKeys(token.text, token.abjad)),
      prefixed('P', skeletonKeys(token, otherScript)),
    ]);
  }
  for (const span of name.spans) {
    if (span.abjad === undefined) continue;
    const otherScript = other(span.abjad);
    add(`S|${span.abjad ? 1 : 0}|${span.words}`, () => [
      prefixed('T', spanTextKeys(span.text, span.abjad, span.text.length >= 6)),
      prefixed('T', skeletonKeys(span, otherScript)),
      prefixed('P', [['w', [span.text]]]),
      prefixed('P', skeletonKeys(span, otherScript)),
    ]);
  }
}

/** The keys NameIndex stores a record name's words and runs under (its `add`, skeletons included). */
function storedKeys(name: PreparedName): KeyGroup[][] {
  const groups: KeyGroup[][] = [];
  for (const token of name.tokens) {
    groups.push(prefixed('T', wordKeys(token, 'store')));
    if (token.kind === 'name') groups.push(prefixed('T', skeletonKeys(token, script(token.abjad))));
  }
  for (const span of name.spans) {
    if (span.abjad === undefined) continue;
    groups.push(prefixed('P', spanTextKeys(span.text, span.abjad, span.text.length >= 6)));
    groups.push(prefixed('P', skeletonKeys(span, script(span.abjad))));
  }
  return groups;
}

function prefixed(map: 'T' | 'P', groups: KeyGroup[]): KeyGroup[] {
  return groups.map(([type, keys]) => [`${map}${type}`, keys]);
}

/** The distinct 32-bit hashes of `type:key` for every key. */
function hashGroups(groupLists: KeyGroup[][]): Set<number> {
  const hashes = new Set<number>();
  for (const groups of groupLists)
    for (const [type, keys] of groups) for (const key of keys) hashes.add(fnv1a(type, key));
  return hashes;
}

/** FNV-1a over `type`, a separator and `key` (UTF-16 code units): fast, and a collision only adds a candidate. */
function fnv1a(type: string, key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < type.length; i++) hash = Math.imul(hash ^ type.charCodeAt(i), 0x01000193);
  hash = Math.imul(hash ^ 0x3a, 0x01000193);
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

function lowerBound(sorted: Uint32Array, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

function upperBound(sorted: Uint32Array, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}
