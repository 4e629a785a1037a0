/**
 * The compact watchlist index: which entries of a large watchlist a few changed records can match,
 * without preparing the watchlist's names (23 MB per 10,000; a million would take 2.3 GB).
 *
 * Screening (./screening.ts) indexes the records in a NameIndex and looks every watchlist name up
 * in it. A watchlist name E can reach a record name r only if one of the keys E's words and runs
 * of words *look up* (blocking-keys.ts: `wordKeys(…, 'lookup')`, the other script's skeletons,
 * `spanTextKeys`) is one that r's words and runs are *stored* under (`wordKeys(…, 'store')`, their
 * skeletons, their runs' text keys): NameIndex touches no other name, and scores only touched ones.
 * So the index holds, once at import, the lookup keys of every entry name, as 32-bit hashes, and
 * each distinct entry word or run (a unit) as prepared; a screening computes the records' stored
 * keys, finds the units that share one, keeps those NameIndex's own word grading keeps
 * (`matchToken`, `matchSpan`: similarity.ts above 0), and screens only the entries holding them,
 * through the very same NameIndex and score. The candidates are a superset of the entries the full
 * screening touches (a hash collision only adds a candidate; the score bound drops what it would
 * have), and they are screened in their watchlist order, so
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
 *    blocks holding candidates are read;
 *  - then each unit's prepared word or run as JSON (one a line), parsed when first graded.
 * A synthetic million-entry watchlist takes some 16 keys per unit (bench/million.ts prints the
 * sizes); a real one, whose joined runs are mostly distinct, more.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { other, script, skeletonKeys, spanTextKeys, wordKeys, type KeyGroup } from '../match/blocking-keys.ts';
import { LOSSLESS_ABOVE } from '../match/name-index.ts';
import { prepareName, type PreparedName, type PreparedSpan, type PreparedToken } from '../match/prepare.ts';
import { joinedMatch, spanMatch, tokenSimilarity } from '../match/similarity.ts';
import type { RegisterRecord } from '../core/records.ts';
import type { WatchlistEntry } from './file.ts';

const FORMAT = 2;

/** A unit as graded: an entry word (`t`) or run of words (`s`). */
type Unit = { t: PreparedToken } | { s: PreparedSpan };

interface IndexHeader {
  format: number;
  version: string;
  entryCount: number;
  keys: number;
  units: number;
  postings: number;
  blocks: number;
  unitBytes: number;
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
    /** Each unit's JSON, one a line. */
    private readonly unitText: string,
  ) {
    this.unitLines = new Uint32Array(this.unitStarts.length);
    let line = 0;
    for (let at = 0; line < this.unitLines.length - 1; at = unitText.indexOf('\n', at) + 1) this.unitLines[line++] = at;
    this.unitLines[line] = unitText.length + 1;
  }

  /** Where each unit's line starts in unitText (and, last, where one more would). */
  private readonly unitLines: Uint32Array;
  private readonly parsed = new Map<number, Unit>();

  private unit(id: number): Unit {
    let unit = this.parsed.get(id);
    if (!unit) {
      unit = JSON.parse(this.unitText.slice(this.unitLines[id]!, this.unitLines[id + 1]! - 1)) as Unit;
      this.parsed.set(id, unit);
    }
    return unit;
  }

  /** Builds the index of `entries` (stored in blocks starting at `blockStarts`). */
  static build(version: string, entries: readonly WatchlistEntry[], blockStarts: readonly number[]): WatchlistIndex {
    const unitIds = new Map<string, number>();
    let pairs = new BigUint64Array(1 << 16);
    let pairCount = 0;
    const unitEntries: number[][] = [];
    const unitJson: string[] = [];
    const addUnit = (identity: string, item: Unit, keys: () => KeyGroup[][], entry: number): void => {
      let unit = unitIds.get(identity);
      if (unit === undefined) {
        unit = unitEntries.push([]) - 1;
        unitIds.set(identity, unit);
        unitJson.push(JSON.stringify(item));
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
        forEachLookupUnit(prepareName(name, entry.kind, entry.countries), (identity, item, keys) =>
          addUnit(identity, item, keys, position),
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
      unitJson.join('\n'),
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
      unitBytes: 0,
    };
    const units = Buffer.from(this.unitText, 'utf8');
    header.unitBytes = units.length;
    const json = Buffer.from(JSON.stringify(header), 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(json.length);
    const arrays = [this.hashes, this.units, this.unitStarts, this.unitEntries, this.blockStarts];
    const binary = arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength));
    return gzipSync(Buffer.concat([length, json, ...binary, units]));
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
    const unitText = raw.subarray(offset, offset + header.unitBytes).toString('utf8');
    return new WatchlistIndex(
      header.version,
      header.entryCount,
      hashes,
      units,
      unitStarts,
      unitEntries,
      blockStarts,
      unitText,
    );
  }

  /** Bytes the arrays take in memory. */
  get byteLength(): number {
    const arrays = [this.hashes, this.units, this.unitStarts, this.unitEntries, this.blockStarts, this.unitLines];
    return arrays.reduce((sum, array) => sum + array.byteLength, this.unitText.length * 2);
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
    const entrySeen = new Uint8Array(this.entryCount);
    const found: number[] = [];
    const take = (unit: number): void => {
      for (let e = this.unitStarts[unit]!; e < this.unitStarts[unit + 1]!; e++) {
        const entry = this.unitEntries[e]!;
        if (entrySeen[entry]) continue;
        entrySeen[entry] = 1;
        found.push(entry);
      }
    };
    // NameIndex's grading per (entry unit, record word or run), remembered: records repeat words.
    const graded = new Map<string, boolean>();
    const gradeAll = (item: string, keys: KeyGroup[][], grade: (unit: Unit) => boolean): void => {
      const seen = new Set<number>();
      for (const hash of hashGroups(keys))
        for (let k = lowerBound(this.hashes, hash); k < this.hashes.length && this.hashes[k] === hash; k++) {
          const unit = this.units[k]!;
          if (seen.has(unit)) continue;
          seen.add(unit);
          const memo = `${unit}|${item}`;
          let keep = graded.get(memo);
          if (keep === undefined) graded.set(memo, (keep = grade(this.unit(unit))));
          if (keep) take(unit);
        }
    };
    for (const record of records)
      for (const name of [record.name, ...record.aliases]) {
        if (!name) continue;
        const prepared = prepareName(name, record.kind, record.countries);
        for (const token of prepared.tokens)
          gradeAll(`${token.kind}|${token.abjad ? 1 : 0}|${token.text}`, storedTokenKeys(token), (unit) =>
            't' in unit
              ? !(unit.t.kind === 'legal' && token.kind === 'legal') && tokenSimilarity(unit.t, token).sim > 0
              : token.kind === 'name' && joinedMatch(token, unit.s).sim > 0,
          );
        for (const span of prepared.spans) {
          if (span.abjad === undefined) continue;
          gradeAll(`S|${span.abjad ? 1 : 0}|${span.words}`, storedSpanKeys(span), (unit) =>
            't' in unit ? joinedMatch(unit.t, span).sim > 0 : spanMatch(unit.s, span).sim > 0,
          );
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
function forEachLookupUnit(
  name: PreparedName,
  add: (identity: string, item: Unit, keys: () => KeyGroup[][]) => void,
): void {
  for (const token of name.tokens) {
    if (token.kind === 'particle' || token.kind === 'initial') continue;
    const identity = `${token.kind}|${token.abjad ? 1 : 0}|${token.text}`;
    if (token.kind !== 'name') {
      add(identity, { t: token }, () => [prefixed('T', [['w', [token.text]]])]);
      continue;
    }
    const otherScript = other(token.abjad);
    add(identity, { t: token }, () => [
      prefixed('T', wordKeys(token, 'lookup')),
      prefixed('T', skeletonKeys(token, otherScript)),
      prefixed('P', spanTextKeys(token.text, token.abjad)),
      prefixed('P', skeletonKeys(token, otherScript)),
    ]);
  }
  for (const span of name.spans) {
    if (span.abjad === undefined) continue;
    const otherScript = other(span.abjad);
    add(`S|${span.abjad ? 1 : 0}|${span.words}`, { s: span }, () => [
      prefixed('T', spanTextKeys(span.text, span.abjad, span.text.length >= 6)),
      prefixed('T', skeletonKeys(span, otherScript)),
      prefixed('P', [['w', [span.text]]]),
      prefixed('P', skeletonKeys(span, otherScript)),
    ]);
  }
}

/** The keys NameIndex stores a record's word under (its `add`, skeletons included). */
function storedTokenKeys(token: PreparedToken): KeyGroup[][] {
  const groups = [prefixed('T', wordKeys(token, 'store'))];
  if (token.kind === 'name') groups.push(prefixed('T', skeletonKeys(token, script(token.abjad))));
  return groups;
}

/** The keys NameIndex stores a record's run of words in one script under. */
function storedSpanKeys(span: PreparedSpan): KeyGroup[][] {
  return [
    prefixed('P', spanTextKeys(span.text, span.abjad, span.text.length >= 6)),
    prefixed('P', skeletonKeys(span, script(span.abjad))),
  ];
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
