/**
 * The compact watchlist index: which entries of a large watchlist a few changed records can match,
 * without preparing the watchlist's names (23 MB per 10,000; a million would take 2.3 GB).
 *
 * Screening (./screening.ts) indexes the records in a NameIndex and looks every watchlist name up
 * in it. A watchlist name E reaches a record name r only if one of the keys E's words and runs of
 * words *look up* (blocking-keys.ts: `wordKeys(…, 'lookup')`, the other script's skeletons, the
 * runs' text, initials and Chinese keys) is one that r's words and runs are *stored* under: NameIndex
 * touches no other name. It then keeps the word pairs its grading keeps (`matchToken`, `matchSpan`:
 * similarity.ts above 0) and scores a touched name only if the score bound of score-bound.ts, from
 * which words of both names have a counterpart, reaches the name's search threshold (the
 * subscriber's, 0.05 lower for an entry with a birth date).
 *
 * This index does the same from the other side, once at import: each distinct entry word or run (a
 * unit) with its lookup keys as 32-bit hashes, and per entry name where each unit stands in it (a
 * bit mask) and what the bound needs (per word its weight and whether it is a name word, a common
 * word or an initial; the name's total weight, kind, legal form, distinctiveness, whether it has a
 * country or nationality and a birth date). A screening computes each record name's stored keys,
 * finds the units sharing one, grades them as NameIndex does (each unit prepared again from its
 * entry name's text, which the index keeps), collects per entry name the words with a counterpart
 * on both sides, and keeps the entries whose bound, computed exactly as NameIndex computes it,
 * reaches the threshold; and those holding an identifier a record holds (an equal identifier makes
 * a hit on a name score of 0.5: match/secondary.ts). A hash collision only adds a candidate, so the
 * candidates are a superset of the entries the full screening scores; screened in their watchlist
 * order, they give exactly its hits, their order, decisions and suppression
 * (tests/real/watchlist-index.test.ts compares the two). At or below NameIndex's LOSSLESS_ABOVE
 * threshold every name is scored, so there every entry is a candidate.
 *
 * Keys are namespaced by the map they are looked up in: `T` the record words' (NameIndex's
 * tokenKeys), `P` the runs' (its spanKeys).
 *
 * It is built in one pass over the entries into growing typed arrays (the distinct units' identities
 * are the only strings kept), and its binary form is a JSON header then the arrays, each 8-byte
 * aligned, gzipped part by part (a reader gunzips the stored pieces as they come, copying each
 * array into its own typed array):
 *  - `hashes` / `units`: the (key hash, unit) pairs sorted by hash; `unitNames` / `unitItems`: where
 *    each unit was first seen (an entry name; its token or span position, times two, plus one for a
 *    span), to prepare it again;
 *  - `unitStarts` / `postingNames` / `postingMasks`: per unit, the entry names holding it, ascending,
 *    with its bits in each;
 *  - per entry name: `nameOwners` (entry position), `nameFlags`, `nameTotals`, `nameTokens` (first
 *    token), `nameText` (first byte of its text in `text`); per token `tokenWeights`, `tokenFlags`;
 *  - `idHashes` / `idEntries`: the entries' identifiers (value hash → entry position), by hash;
 *  - `blockStarts`: the first entry position of each stored block of entries, so that only the
 *    blocks holding candidates are read;
 *  - `nearFilter`: a Bloom filter of the keys the neighbourhoods stored by their bases hold besides
 *    the bases, so that a record key in none is not probed letter by letter (NearFilterBuilder);
 *  - `text`: the entry names, UTF-8;
 *  - `entryDetails` / `details`: per entry, what its score reads beside its names (countries,
 *    nationalities, birth date, identifiers) as UTF-8 JSON, empty when it has none; with the names'
 *    text this is the entry as the matcher sees it (`entryForMatching`), so a run screens the
 *    candidates first and reads only the stored blocks of those that hit.
 * bench/million.ts prints the sizes for a million entries.
 *
 * Over 500 lines on purpose: the builder, the stored format and the lookup read one layout (the
 * typed arrays and their order), and split across files each half would have to restate it; the
 * first thing to move out, if it grows, is the neighbourhood probing (its own hash and bit filter).
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, gunzipSync, gzipSync } from 'node:zlib';
import {
  other,
  script,
  skeletonKeys,
  spanInitialsKeys,
  spanTextKeys,
  wordKeys,
  type KeyGroup,
} from '../match/blocking-keys.ts';
import { chineseLookups } from '../match/chinese-romanization.ts';
import { givenNameGroups } from '../match/given-names.ts';
import { LOSSLESS_ABOVE } from '../match/name-index.ts';
import { prepareName, type PreparedName, type PreparedSpan, type PreparedToken } from '../match/prepare.ts';
import { COMMON_EXTRA_WEIGHT, DEFAULT_THRESHOLD, kindsConflict, organizationPair } from '../match/score.ts';
import {
  LAST_BIT,
  bit,
  commonSaving,
  maskWeight,
  mayRaise,
  nameBits,
  scoreBound,
  spanBits,
  type NameBits,
} from '../match/score-bound.ts';
import { BIRTH_DATE_BONUS, parseIdentifierColumn, recordSecondary } from '../match/secondary.ts';
import { joinedMatch, spanMatch, tokenSimilarity } from '../match/similarity.ts';
import { RECORD_KINDS, type RecordKind, type RegisterRecord } from '../core/records.ts';
import type { WatchlistEntry } from './file.ts';

const FORMAT = 7;

// nameFlags: the kind (its position in RECORD_KINDS plus one; 0 none) in the low 3 bits, then:
const HAS_COUNTRIES = 1 << 3;
const HAS_BIRTH_DATE = 1 << 4;
const HAS_LEGAL_FORM = 1 << 5;
const DISTINCTIVE = 1 << 6;
// tokenFlags:
const WORD = 1; // a name word or number: a bit of the mask
const COMMON = 2;
const INITIAL = 4;

/** The arrays of the binary form, in their order (module comment). */
const ARRAYS = [
  ['nameTotals', Float64Array],
  ['tokenWeights', Float64Array],
  ['hashes', Uint32Array],
  ['units', Uint32Array],
  ['baseHashes', Uint32Array],
  ['baseUnits', Uint32Array],
  ['unitNames', Uint32Array],
  ['unitItems', Uint32Array],
  ['unitStarts', Uint32Array],
  ['postingNames', Uint32Array],
  ['postingMasks', Uint32Array],
  ['nameOwners', Uint32Array],
  ['nameFlags', Uint32Array],
  ['nameTokens', Uint32Array],
  ['nameText', Uint32Array],
  ['idHashes', Uint32Array],
  ['idEntries', Uint32Array],
  ['blockStarts', Uint32Array],
  ['entryDetails', Uint32Array],
  ['nearFilter', Uint32Array],
  ['tokenFlags', Uint8Array],
  ['text', Uint8Array],
  ['details', Uint8Array],
] as const;

type ArrayName = (typeof ARRAYS)[number][0];
type Arrays = { [K in (typeof ARRAYS)[number] as K[0]]: InstanceType<K[1]> };

interface IndexHeader {
  format: number;
  version: string;
  entryCount: number;
  lengths: Record<ArrayName, number>;
  /** Per neighbourhood key type, the UTF-16 code units its bases are written in (module comment). */
  alphabets: Record<string, string>;
}

/** What the bound needs of one name, as NameIndex keeps it per indexed name. */
interface BoundSide {
  name: Pick<PreparedName, 'kind' | 'distinctive' | 'totalWeight'> & { normalized: { hasLegalForm: boolean } };
  weights: Float64Array;
  fixed: number;
  initials: number;
  bits: NameBits;
  countries: boolean;
}

/**
 * Entry names kept prepared between the units graded (a prepared name is some kilobytes of objects:
 * 10,000 are a few tens of MB of a run's heap).
 */
const MAX_PREPARED = 10_000;

/** The index of one watchlist version, in memory (typed arrays: some bytes per key, no objects). */
export class WatchlistIndex {
  private readonly parsed = new Map<number, PreparedName>();
  private readonly decoder = new TextDecoder();

  /** A bit per 2^(32 - FILTER_BITS) base hashes: most insertions probed find none, and skip the search. */
  private readonly baseFilter: Uint32Array;
  private readonly alphabetCodes: Map<string, Uint16Array>;

  private constructor(
    readonly version: string,
    readonly entryCount: number,
    private readonly a: Arrays,
    private readonly alphabets: Record<string, string>,
  ) {
    this.baseFilter = new Uint32Array(1 << (FILTER_BITS - 5));
    for (const hash of a.baseHashes)
      this.baseFilter[hash >>> (32 - FILTER_BITS + 5)]! |= 1 << ((hash >>> (32 - FILTER_BITS)) & 31);
    this.alphabetCodes = new Map(
      Object.entries(alphabets).map(([type, chars]) => [type, Uint16Array.from(chars, (c) => c.charCodeAt(0))]),
    );
  }

  /** Builds the index of `entries` (stored in blocks starting at `blockStarts`). */
  static build(version: string, entries: Iterable<WatchlistEntry>, blockStarts: readonly number[]): WatchlistIndex {
    const builder = new IndexBuilder();
    for (const entry of entries) builder.add(entry);
    return builder.finish(version, blockStarts);
  }

  static fromArrays(
    version: string,
    entryCount: number,
    arrays: Arrays,
    alphabets: Record<string, string>,
  ): WatchlistIndex {
    return new WatchlistIndex(version, entryCount, arrays, alphabets);
  }

  /** The binary form (see the module comment): gzip members, one per array. */
  serialize(): Buffer {
    return Buffer.concat(this.serializeParts());
  }

  /** The binary form's gzip members, in order (a writer cuts them in pieces without joining them). */
  serializeParts(): Buffer[] {
    const header: IndexHeader = {
      format: FORMAT,
      version: this.version,
      entryCount: this.entryCount,
      lengths: Object.fromEntries(ARRAYS.map(([name]) => [name, this.a[name].length])) as Record<ArrayName, number>,
      alphabets: this.alphabets,
    };
    const json = Buffer.from(JSON.stringify(header), 'utf8');
    const head = Buffer.alloc(align(4 + json.length));
    head.writeUInt32LE(json.length);
    json.copy(head, 4);
    const parts = [gzipSync(head)];
    for (const [name] of ARRAYS) {
      const array = this.a[name];
      const bytes = Buffer.from(array.buffer, array.byteOffset, array.byteLength);
      const padding = align(bytes.length) - bytes.length;
      parts.push(gzipSync(padding ? Buffer.concat([bytes, Buffer.alloc(padding)]) : bytes));
    }
    return parts;
  }

  /** Reads the binary form back; `version` is the one the reader asked for (a mismatch is refused). */
  static deserialize(data: Uint8Array, version: string): WatchlistIndex {
    const reader = new IndexReader(version);
    reader.write(gunzipSync(data));
    return reader.finish();
  }

  /**
   * Reads the binary form from its stored pieces, in order, gunzipped as they come: each array is
   * copied into its own typed array, so that neither the gzipped pieces nor the whole gunzipped
   * form is ever held (at a million entries, 106 MB and 241 MB more than the arrays themselves).
   */
  static async read(pieces: AsyncIterable<Uint8Array>, version: string): Promise<WatchlistIndex> {
    const reader = new IndexReader(version);
    // The first error of the pieces or of the reader is the one thrown (the pipeline's would be
    // the abort it causes in the other stages).
    let failure: unknown;
    async function* watched(): AsyncGenerator<Uint8Array> {
      try {
        yield* pieces;
      } catch (error) {
        failure ??= error;
        throw error;
      }
    }
    try {
      await pipeline(Readable.from(watched()), createGunzip(), async (source: AsyncIterable<Buffer>) => {
        try {
          for await (const chunk of source) reader.write(chunk);
        } catch (error) {
          failure ??= error;
          throw error;
        }
      });
    } catch (error) {
      throw failure ?? error;
    }
    return reader.finish();
  }

  /** Bytes the arrays take in memory. */
  get byteLength(): number {
    return ARRAYS.reduce((sum, [name]) => sum + this.a[name].byteLength, 0);
  }

  /** Distinct entry words and runs, (key, unit) pairs, and (unit, entry name) postings. */
  get size(): { units: number; keys: number; bases: number; postings: number; names: number } {
    return {
      units: this.a.unitNames.length,
      keys: this.a.hashes.length,
      bases: this.a.baseHashes.length,
      postings: this.a.postingNames.length,
      names: this.a.nameOwners.length,
    };
  }

  get blockStarts(): Uint32Array {
    return this.a.blockStarts;
  }

  /** The stored block holding an entry position. */
  blockOf(position: number): number {
    return upperBound(this.a.blockStarts, position) - 1;
  }

  /**
   * The entry at `position` as the matcher reads it (names, kind, countries, birth date,
   * nationalities, identifiers), from the index alone; its key is `#<position>`, its reference and
   * hash are left out (they are in its stored block).
   */
  entryForMatching(position: number): WatchlistEntry {
    const { nameOwners, nameText, nameFlags, text, entryDetails, details } = this.a;
    const first = lowerBound(nameOwners, position);
    let end = first;
    while (end < nameOwners.length && nameOwners[end] === position) end += 1;
    const names = [];
    for (let name = first; name < end; name++)
      names.push(this.decoder.decode(text.subarray(nameText[name]!, nameText[name + 1]!)));
    const kind = kindOf(nameFlags[first]!);
    const entry: WatchlistEntry = {
      key: `#${position}`,
      name: names[0]!,
      aliases: names.slice(1),
      countries: [],
      hash: '',
      ...(kind && kind !== 'other' ? { kind } : {}),
    };
    const from = entryDetails[position]!;
    const to = entryDetails[position + 1]!;
    if (to > from) {
      const [countries, nationalities, birthDate, identifiers] = JSON.parse(
        this.decoder.decode(details.subarray(from, to)),
      ) as StoredDetails;
      entry.countries = countries;
      if (nationalities) entry.nationalities = nationalities;
      if (birthDate) entry.birthDate = birthDate;
      if (identifiers) entry.identifiers = identifiers;
    }
    return entry;
  }

  /** An entry name, prepared (remembered for the grading of later units). */
  private preparedName(name: number): PreparedName {
    let prepared = this.parsed.get(name);
    if (!prepared) {
      const { text, nameText, nameFlags } = this.a;
      const source = this.decoder.decode(text.subarray(nameText[name]!, nameText[name + 1]!));
      prepared = prepareName(source, kindOf(nameFlags[name]!));
      if (this.parsed.size >= MAX_PREPARED) this.parsed.clear();
      this.parsed.set(name, prepared);
    }
    return prepared;
  }

  private unit(unit: number): { t: PreparedToken } | { s: PreparedSpan } {
    const item = this.a.unitItems[unit]!;
    const name = this.preparedName(this.a.unitNames[unit]!);
    return item & 1 ? { s: name.spans[item >>> 1]! } : { t: name.tokens[item >>> 1]! };
  }

  /** What the bound needs of an entry name (module comment). */
  private side(name: number): BoundSide {
    const { nameFlags, nameTotals, nameTokens, tokenWeights, tokenFlags } = this.a;
    const flags = nameFlags[name]!;
    const weights = new Float64Array(LAST_BIT + 1);
    const saving = new Float64Array(LAST_BIT + 1);
    let fixed = 0;
    let initials = 0;
    let words = 0;
    let uncommon = 0;
    for (let t = nameTokens[name]!, i = 0; t < nameTokens[name + 1]!; t++, i++) {
      const weight = tokenWeights[t]!;
      const tf = tokenFlags[t]!;
      if (tf & INITIAL) initials += 1;
      if (!(tf & WORD)) {
        fixed += weight;
        continue;
      }
      const at = Math.min(i, LAST_BIT);
      weights[at]! += weight;
      words |= bit(i);
      if (tf & COMMON) saving[at]! += weight - COMMON_EXTRA_WEIGHT;
      else uncommon |= bit(i);
    }
    return {
      name: {
        kind: kindOf(flags),
        distinctive: (flags & DISTINCTIVE) !== 0,
        totalWeight: nameTotals[name]!,
        normalized: { hasLegalForm: (flags & HAS_LEGAL_FORM) !== 0 },
      },
      weights,
      fixed,
      initials,
      bits: { words, uncommon, saving },
      countries: (flags & HAS_COUNTRIES) !== 0,
    };
  }

  /**
   * The units holding a neighbourhood (a `d` or `e` key group) that contains `key`: those whose base
   * is `key`, or `key` with one code unit of the type's alphabet inserted at `from` or after it (the
   * neighbourhood of a base is the base and the base less one code unit from `from` on). Remembered
   * per call of `candidates`, where records repeat their keys.
   */
  private baseUnitsNear(type: string, key: string, from: number): number[] {
    const memo = `${type}:${key}`;
    const known = this.nearMemo?.get(memo);
    if (known) return known;
    const { baseHashes, baseUnits } = this.a;
    const found: number[] = [];
    const probe = (hash: number): void => {
      if (!(this.baseFilter[hash >>> (32 - FILTER_BITS + 5)]! & (1 << ((hash >>> (32 - FILTER_BITS)) & 31)))) return;
      for (let k = lowerBound(baseHashes, hash); k < baseHashes.length && baseHashes[k] === hash; k++)
        found.push(baseUnits[k]!);
    };
    // The polynomial hash of `key` with a code unit inserted at `at` is, from the prefix's state and
    // the suffix's sum, ((prefix·P + code)·P^(n - at) + suffix): one probe costs a few multiplications.
    const n = key.length;
    const suffix = new Int32Array(n + 1);
    const power = new Int32Array(n + 2);
    power[0] = 1;
    for (let i = 1; i <= n + 1; i++) power[i] = Math.imul(power[i - 1]!, POLY);
    for (let i = n - 1; i >= 0; i--) suffix[i] = (Math.imul(key.charCodeAt(i), power[n - 1 - i]!) + suffix[i + 1]!) | 0;
    let state = polyPrefix(type);
    const whole = (Math.imul(state, power[n]!) + suffix[0]!) | 0;
    probe(polyFinish(whole));
    const alphabet = this.alphabetCodes.get(type);
    if (alphabet && mayHold(this.a.nearFilter, whole))
      for (let at = 0; at <= n; at++) {
        if (at >= from) {
          const shifted = Math.imul(state, POLY);
          for (const code of alphabet)
            probe(polyFinish((Math.imul((shifted + code) | 0, power[n - at]!) + suffix[at]!) | 0));
        }
        if (at < n) state = (Math.imul(state, POLY) + key.charCodeAt(at)) | 0;
      }
    this.nearMemo?.set(memo, found);
    return found;
  }

  private nearMemo: Map<string, number[]> | undefined;

  /**
   * Positions (ascending) of the entries whose names may match a name of these records at
   * `threshold` (module comment): every entry at or below LOSSLESS_ABOVE, as NameIndex then scores
   * every name.
   */
  candidates(records: Iterable<RegisterRecord>, threshold: number): number[] {
    if (threshold <= LOSSLESS_ABOVE) return Array.from({ length: this.entryCount }, (_, i) => i);
    this.nearMemo = new Map();
    try {
      return this.candidatesAbove(records, threshold);
    } finally {
      this.nearMemo = undefined;
    }
  }

  private candidatesAbove(records: Iterable<RegisterRecord>, threshold: number): number[] {
    const a = this.a;
    const nameCount = a.nameOwners.length;
    const entrySeen = new Uint8Array(this.entryCount);
    const found: number[] = [];
    const take = (entry: number): void => {
      if (entrySeen[entry]) return;
      entrySeen[entry] = 1;
      found.push(entry);
    };
    const lowered = threshold - BIRTH_DATE_BONUS;
    const stamp = new Int32Array(nameCount);
    const entryHits = new Int32Array(nameCount);
    const recordHits = new Int32Array(nameCount);
    let generation = 0;
    // NameIndex's grading per (entry unit, record word or run), remembered: records repeat words.
    const graded = new Map<string, boolean>();
    const sides = new Map<number, BoundSide>();
    for (const record of records) {
      for (const { value } of recordSecondary(record).identifiers) {
        const hash = fnv1a('id', value);
        for (let k = lowerBound(a.idHashes, hash); k < a.idHashes.length && a.idHashes[k] === hash; k++)
          take(a.idEntries[k]!);
      }
      for (const recordName of [record.name, ...record.aliases]) {
        if (!recordName) continue;
        const prepared = prepareName(recordName, record.kind, record.countries);
        generation += 1;
        const touched: number[] = [];
        const visit = (unit: number, recordMask: number): void => {
          for (let p = a.unitStarts[unit]!; p < a.unitStarts[unit + 1]!; p++) {
            const name = a.postingNames[p]!;
            if (stamp[name] !== generation) {
              stamp[name] = generation;
              entryHits[name] = a.postingMasks[p]!;
              recordHits[name] = recordMask;
              touched.push(name);
            } else {
              entryHits[name]! |= a.postingMasks[p]!;
              recordHits[name]! |= recordMask;
            }
          }
        };
        const gradeAll = (item: string, keys: KeyGroup[][], mask: number, grade: (unit: number) => boolean): void => {
          const seen = new Set<number>();
          const consider = (unit: number): void => {
            if (seen.has(unit)) return;
            seen.add(unit);
            const memo = `${unit}|${item}`;
            let keep = graded.get(memo);
            if (keep === undefined) graded.set(memo, (keep = grade(unit)));
            if (keep) visit(unit, mask);
          };
          for (const hash of hashGroups(keys))
            for (let k = lowerBound(a.hashes, hash); k < a.hashes.length && a.hashes[k] === hash; k++)
              consider(a.units[k]!);
          for (const groups of keys)
            for (const [type, list] of groups) {
              const from = neighbourhoodFrom(type);
              if (from < 0) continue;
              for (const key of list) for (const unit of this.baseUnitsNear(type, key, from)) consider(unit);
            }
        };
        prepared.tokens.forEach((token, j) =>
          gradeAll(`${token.kind}|${token.abjad ? 1 : 0}|${token.text}`, storedTokenKeys(token), bit(j), (id) => {
            const unit = this.unit(id);
            return 't' in unit
              ? !(unit.t.kind === 'legal' && token.kind === 'legal') && tokenSimilarity(unit.t, token).sim > 0
              : token.kind === 'name' && joinedMatch(token, unit.s).sim > 0;
          }),
        );
        for (const span of prepared.spans) {
          if (span.abjad === undefined) continue;
          gradeAll(`S|${span.abjad ? 1 : 0}|${span.words}`, storedSpanKeys(span), spanBits(span), (id) => {
            const unit = this.unit(id);
            return 't' in unit ? joinedMatch(unit.t, span).sim > 0 : spanMatch(unit.s, span).sim > 0;
          });
        }
        if (!touched.length) continue;
        const recordSide = sideOf(prepared);
        for (const name of touched) {
          const entry = a.nameOwners[name]!;
          if (entrySeen[entry]) continue;
          let side = sides.get(name);
          if (!side) {
            // A word shared by many entries touches hundreds of thousands of names at a
            // million: their sides (some 900 bytes each) are remembered up to MAX_PREPARED × 2.
            if (sides.size >= MAX_PREPARED * 2) sides.clear();
            sides.set(name, (side = this.side(name)));
          }
          const needed = a.nameFlags[name]! & HAS_BIRTH_DATE ? lowered : threshold;
          if (bound(side, entryHits[name]!, recordSide, recordHits[name]!) >= needed) take(entry);
        }
      }
    }
    return found.sort((x, y) => x - y);
  }
}

/** An index stored in another format than this build's: it is built again from the entries. */
export class IndexFormatError extends Error {
  constructor(readonly format: number) {
    super(`watchlist index: format ${format} unknown (this build reads ${FORMAT})`);
    this.name = 'IndexFormatError';
  }
}

/** The binary form, gunzipped, written piece by piece into the arrays (WatchlistIndex.read). */
class IndexReader {
  private pending = Buffer.alloc(0);
  private header: IndexHeader | undefined;
  private readonly arrays = {} as Record<ArrayName, InstanceType<(typeof ARRAYS)[number][1]>>;
  /** The array being filled (its position in ARRAYS), its bytes, how many are written, the padding after it. */
  private current = -1;
  private bytes: Uint8Array = new Uint8Array(0);
  private filled = 0;
  private skip = 0;

  constructor(private readonly version: string) {}

  write(chunk: Uint8Array): void {
    let data = chunk;
    if (!this.header) {
      this.pending = Buffer.concat([this.pending, data]);
      if (this.pending.length < 4) return;
      const jsonLength = this.pending.readUInt32LE(0);
      if (this.pending.length < 4 + jsonLength) return;
      const header = JSON.parse(this.pending.subarray(4, 4 + jsonLength).toString('utf8')) as IndexHeader;
      if (header.format !== FORMAT) throw new IndexFormatError(header.format);
      if (header.version !== this.version)
        throw new Error(`watchlist index: holds version ${header.version}, version ${this.version} was asked for`);
      this.header = header;
      this.skip = align(4 + jsonLength) - 4 - jsonLength;
      data = this.pending.subarray(4 + jsonLength);
      this.pending = Buffer.alloc(0);
      this.next();
    }
    while (data.length) {
      if (this.skip) {
        const skipped = Math.min(this.skip, data.length);
        this.skip -= skipped;
        data = data.subarray(skipped);
        continue;
      }
      if (this.current >= ARRAYS.length) throw new Error('watchlist index: more bytes than its header names');
      const taken = Math.min(this.bytes.length - this.filled, data.length);
      this.bytes.set(data.subarray(0, taken), this.filled);
      this.filled += taken;
      data = data.subarray(taken);
      if (this.filled === this.bytes.length) {
        this.skip = align(this.bytes.length) - this.bytes.length;
        this.next();
      }
    }
  }

  /** Opens the next array; empty ones are done at once. */
  private next(): void {
    for (;;) {
      this.current += 1;
      if (this.current >= ARRAYS.length) return;
      const [name, Type] = ARRAYS[this.current]!;
      const array = new Type(this.header!.lengths[name]);
      this.arrays[name] = array;
      this.bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
      this.filled = 0;
      if (this.bytes.length) return;
    }
  }

  finish(): WatchlistIndex {
    if (!this.header || this.current < ARRAYS.length)
      throw new Error('watchlist index: truncated (fewer bytes than its header names)');
    return WatchlistIndex.fromArrays(
      this.header.version,
      this.header.entryCount,
      this.arrays as Arrays,
      this.header.alphabets,
    );
  }
}

function sideOf(name: PreparedName): BoundSide {
  const weights = new Float64Array(LAST_BIT + 1);
  let fixed = 0;
  let initials = 0;
  name.tokens.forEach((token, i) => {
    if (token.kind === 'name' || token.kind === 'number') weights[Math.min(i, LAST_BIT)]! += token.weight;
    else fixed += token.weight;
    if (token.kind === 'initial') initials += 1;
  });
  return { name, weights, fixed, initials, bits: nameBits(name), countries: name.countries.length > 0 };
}

/**
 * NameIndex's bound (its `candidates`), the entry name being its query and the record name the
 * indexed one: the same sums in the same order, so the same number.
 */
function bound(query: BoundSide, queryHits: number, indexed: BoundSide, nameHits: number): number {
  if (kindsConflict(query.name.kind, indexed.name.kind)) return 0;
  const hitQuery = Math.min(
    query.name.totalWeight,
    query.fixed + maskWeight(query.weights, queryHits) + indexed.initials,
  );
  const hitName = Math.min(
    indexed.name.totalWeight,
    indexed.fixed + maskWeight(indexed.weights, nameHits) + query.initials,
  );
  const countries = query.countries && indexed.countries;
  let totalQuery = query.name.totalWeight;
  let totalName = indexed.name.totalWeight;
  let floor = 0;
  // organizationPair and mayRaise read a name's kind, legal form and distinctiveness only.
  const q = query.name as PreparedName;
  const n = indexed.name as PreparedName;
  if (organizationPair(q, n)) {
    totalQuery -= commonSaving(query.bits, queryHits);
    totalName -= commonSaving(indexed.bits, nameHits);
    if (
      mayRaise(q, query.bits, queryHits, indexed.bits, nameHits) ||
      mayRaise(n, indexed.bits, nameHits, query.bits, queryHits)
    )
      floor = DEFAULT_THRESHOLD + (countries ? 0.03 : 0) + 1e-9;
  }
  return Math.max(floor, scoreBound(hitQuery, totalQuery, hitName, totalName, countries));
}

type StoredDetails = [
  countries: string[],
  nationalities: string[] | 0,
  birthDate: string | 0,
  identifiers: string[] | 0,
];

/** What an entry's score reads beside its names and kind, as stored in `details` (empty: nothing). */
function matchingDetails(entry: WatchlistEntry): string | undefined {
  if (!entry.countries.length && !entry.nationalities && !entry.birthDate && !entry.identifiers) return undefined;
  const stored: StoredDetails = [
    entry.countries,
    entry.nationalities ?? 0,
    entry.birthDate ?? 0,
    entry.identifiers ?? 0,
  ];
  return JSON.stringify(stored);
}

const kindOf = (flags: number): RecordKind | undefined => RECORD_KINDS[(flags & 7) - 1];

/** Builds the index in one pass over the entries, in growing typed arrays (module comment). */
export class IndexBuilder {
  private entryCount = 0;
  private readonly unitIds = new Map<string, number>();
  private readonly unitNames = new Growing(Uint32Array);
  private readonly unitItems = new Growing(Uint32Array);
  private pairs = new PairBuffer();
  private basePairs = new PairBuffer();
  private readonly alphabets = new Map<string, Set<string>>();
  private readonly near = new NearFilterBuilder();
  private suffix = new Int32Array(64);
  private powers = new Int32Array(0);
  // (unit, entry name, mask) triples, ordered by unit at the end.
  private readonly postUnits = new Growing(Uint32Array);
  private readonly postNames = new Growing(Uint32Array);
  private readonly postMasks = new Growing(Uint32Array);
  private readonly nameOwners = new Growing(Uint32Array);
  private readonly nameFlags = new Growing(Uint32Array);
  private readonly nameTotals = new Growing(Float64Array);
  private readonly nameTokens = new Growing(Uint32Array);
  private readonly nameText = new Growing(Uint32Array);
  private readonly tokenWeights = new Growing(Float64Array);
  private readonly tokenFlags = new Growing(Uint8Array);
  private readonly text = new Growing(Uint8Array);
  private readonly entryDetails = new Growing(Uint32Array);
  private readonly details = new Growing(Uint8Array);
  // (identifier hash, entry) pairs: 8 bytes each, where an array of tuples costs several times that.
  private ids = new PairBuffer();
  private readonly encoder = new TextEncoder();

  add(entry: WatchlistEntry): void {
    const position = this.entryCount++;
    this.entryDetails.push(this.details.length);
    const details = matchingDetails(entry);
    if (details) this.details.pushAll(this.encoder.encode(details));
    for (const text of entry.identifiers ?? []) this.ids.push(fnv1a('id', parseIdentifierColumn(text).value), position);
    const countries = entry.countries.length > 0 || (entry.nationalities?.length ?? 0) > 0;
    for (const source of [entry.name, ...entry.aliases]) {
      const name = this.nameOwners.length;
      const prepared = prepareName(source, entry.kind);
      this.nameOwners.push(position);
      this.nameFlags.push(
        (entry.kind ? RECORD_KINDS.indexOf(entry.kind) + 1 : 0) |
          (countries ? HAS_COUNTRIES : 0) |
          (entry.birthDate ? HAS_BIRTH_DATE : 0) |
          (prepared.normalized.hasLegalForm ? HAS_LEGAL_FORM : 0) |
          (prepared.distinctive ? DISTINCTIVE : 0),
      );
      this.nameTotals.push(prepared.totalWeight);
      this.nameTokens.push(this.tokenWeights.length);
      this.nameText.push(this.text.length);
      this.text.pushAll(this.encoder.encode(source));
      for (const token of prepared.tokens) {
        this.tokenWeights.push(token.weight);
        this.tokenFlags.push(
          (token.kind === 'name' || token.kind === 'number' ? WORD : 0) |
            (token.common ? COMMON : 0) |
            (token.kind === 'initial' ? INITIAL : 0),
        );
      }
      const masks = new Map<number, number>();
      forEachLookupUnit(prepared, (identity, item, mask, keys) => {
        let unit = this.unitIds.get(identity);
        if (unit === undefined) {
          unit = this.unitNames.length;
          this.unitIds.set(identity, unit);
          this.unitNames.push(name);
          this.unitItems.push(item);
          const groups = keys();
          const plain: KeyGroup[][] = [];
          const bases = new Set<number>();
          for (const list of groups) {
            const kept: KeyGroup[] = [];
            for (const group of list) {
              const from = neighbourhoodFrom(group[0]);
              if (from < 0) kept.push(group);
              else for (const base of neighbourhoodBases(group)) bases.add(this.base(group[0], base, from));
            }
            plain.push(kept);
          }
          for (const hash of hashGroups(plain)) this.pairs.push(hash, unit);
          for (const hash of bases) this.basePairs.push(hash, unit);
        }
        masks.set(unit, (masks.get(unit) ?? 0) | mask);
      });
      for (const [unit, mask] of masks) {
        this.postUnits.push(unit);
        this.postNames.push(name);
        this.postMasks.push(mask);
      }
    }
  }

  /**
   * A base's hash, its code units added to its type's alphabet, and the keys its neighbourhood
   * holds besides itself (the base less one code unit from `from` on) added to the near filter.
   */
  private base(type: string, base: string, from: number): number {
    let alphabet = this.alphabets.get(type);
    if (!alphabet) this.alphabets.set(type, (alphabet = new Set()));
    for (const char of base.split('')) alphabet.add(char);
    // The state of the base less its code unit i is (state after i code units)·P^(n-1-i) plus the
    // polynomial sum of the code units after i (see baseUnitsNear): all of them in two passes.
    const n = base.length;
    if (this.suffix.length <= n) this.suffix = new Int32Array(2 * n + 2);
    if (this.powers.length < n) {
      this.powers = new Int32Array(2 * n);
      this.powers[0] = 1;
      for (let i = 1; i < this.powers.length; i++) this.powers[i] = Math.imul(this.powers[i - 1]!, POLY);
    }
    const { suffix, powers } = this;
    suffix[n] = 0;
    for (let i = n - 1; i >= 0; i--)
      suffix[i] = (Math.imul(base.charCodeAt(i), powers[n - 1 - i]!) + suffix[i + 1]!) | 0;
    let state = polyPrefix(type);
    for (let i = 0; i < n; i++) {
      if (i >= from) this.near.add((Math.imul(state, powers[n - 1 - i]!) + suffix[i + 1]!) | 0);
      state = (Math.imul(state, POLY) + base.charCodeAt(i)) | 0;
    }
    return polyFinish(state);
  }

  finish(version: string, blockStarts: readonly number[]): WatchlistIndex {
    this.unitIds.clear();
    const [hashes, units] = this.pairs.sorted();
    const [baseHashes, baseUnits] = this.basePairs.sorted();
    this.pairs = this.basePairs = new PairBuffer();
    // The postings ordered by unit (a counting sort: names stay ascending within a unit).
    const unitCount = this.unitNames.length;
    const unitStarts = new Uint32Array(unitCount + 1);
    const postUnits = this.postUnits.done();
    for (const unit of postUnits) unitStarts[unit + 1]! += 1;
    for (let u = 0; u < unitCount; u++) unitStarts[u + 1]! += unitStarts[u]!;
    const postingNames = new Uint32Array(postUnits.length);
    const postingMasks = new Uint32Array(postUnits.length);
    const next = unitStarts.slice(0, unitCount);
    const postNames = this.postNames.done();
    const postMasks = this.postMasks.done();
    for (let p = 0; p < postUnits.length; p++) {
      const at = next[postUnits[p]!]!++;
      postingNames[at] = postNames[p]!;
      postingMasks[at] = postMasks[p]!;
    }
    const [idHashes, idEntries] = this.ids.sorted(false);
    this.ids = new PairBuffer();
    this.nameTokens.push(this.tokenWeights.length);
    this.nameText.push(this.text.length);
    this.entryDetails.push(this.details.length);
    return WatchlistIndex.fromArrays(
      version,
      this.entryCount,
      {
        nameTotals: this.nameTotals.done(),
        tokenWeights: this.tokenWeights.done(),
        hashes,
        units,
        baseHashes,
        baseUnits,
        unitNames: this.unitNames.done(),
        unitItems: this.unitItems.done(),
        unitStarts,
        postingNames,
        postingMasks,
        nameOwners: this.nameOwners.done(),
        nameFlags: this.nameFlags.done(),
        nameTokens: this.nameTokens.done(),
        nameText: this.nameText.done(),
        idHashes,
        idEntries,
        blockStarts: Uint32Array.from(blockStarts),
        entryDetails: this.entryDetails.done(),
        nearFilter: this.near.done(),
        tokenFlags: this.tokenFlags.done(),
        text: this.text.done(),
        details: this.details.done(),
      },
      Object.fromEntries([...this.alphabets].map(([type, chars]) => [type, [...chars].sort().join('')])),
    );
  }
}

/** (32-bit hash, unit) pairs as 64-bit numbers, growing by half; sorted and deduplicated at the end. */
class PairBuffer {
  private pairs = new BigUint64Array(1 << 16);
  private count = 0;
  push(hash: number, unit: number): void {
    if (this.count === this.pairs.length) {
      const grown = new BigUint64Array(Math.ceil(this.pairs.length * 1.5));
      grown.set(this.pairs);
      this.pairs = grown;
    }
    this.pairs[this.count++] = (BigInt(hash) << 32n) | BigInt(unit);
  }
  /** The pairs by hash then unit, as two arrays; repeats dropped unless `distinct` is false. */
  sorted(distinct = true): [hashes: Uint32Array<ArrayBuffer>, units: Uint32Array<ArrayBuffer>] {
    const sorted = this.pairs.subarray(0, this.count).sort();
    const repeat = (i: number): boolean => distinct && i > 0 && sorted[i] === sorted[i - 1];
    let kept = 0;
    for (let i = 0; i < this.count; i++) if (!repeat(i)) kept += 1;
    const hashes = new Uint32Array(kept);
    const units = new Uint32Array(kept);
    kept = 0;
    for (let i = 0; i < this.count; i++) {
      if (repeat(i)) continue;
      hashes[kept] = Number(sorted[i]! >> 32n);
      units[kept] = Number(sorted[i]! & 0xffffffffn);
      kept += 1;
    }
    return [hashes, units];
  }
}

type TypedArray = Uint32Array | Float64Array | Uint8Array;
type TypedArrayType<T extends TypedArray> = { new (length: number): T };

/** A typed array that grows by half when full. */
class Growing<T extends TypedArray> {
  private array: T;
  length = 0;
  constructor(private readonly Type: TypedArrayType<T>) {
    this.array = new Type(1024);
  }
  private reserve(count: number): void {
    if (this.length + count <= this.array.length) return;
    const grown = new this.Type(Math.max(this.length + count, Math.ceil(this.array.length * 1.5)));
    grown.set(this.array as never);
    this.array = grown;
  }
  push(value: number): void {
    this.reserve(1);
    this.array[this.length++] = value;
  }
  pushAll(values: ArrayLike<number>): void {
    this.reserve(values.length);
    this.array.set(values as never, this.length);
    this.length += values.length;
  }
  /** The values, trimmed (a copy: the grown buffer is let go). */
  done(): T {
    return this.array.slice(0, this.length) as T;
  }
}

/**
 * The units of a watchlist name, as NameIndex's `candidates` looks them up when the name is the
 * query (`matchToken`, `matchSpan`): each word but initials and particles (a particle that is a
 * given name's short form, `ben`, is), each run of words in one script, with its bits in the name
 * and its lookup keys (a run's one-edit neighbourhood whenever it could apply: `mayJoin` only
 * narrows it). `item` is the word's or run's position, times two, plus one for a run.
 */
function forEachLookupUnit(
  name: PreparedName,
  add: (identity: string, item: number, mask: number, keys: () => KeyGroup[][]) => void,
): void {
  name.tokens.forEach((token, i) => {
    if (token.kind === 'initial' || (token.kind === 'particle' && !givenNameGroups(token.text).length)) return;
    // What a word's grading reads beside its text depends on the name around it (a person's or not,
    // Chinese or not), so all of it is the unit's identity.
    const identity = [
      token.kind,
      token.abjad ? 1 : 0,
      token.text,
      token.base,
      token.initialsOfWords ? 1 : 0,
      token.common ? 1 : 0,
      token.syllableOf,
      token.chinese.join(','),
    ].join('|');
    if (token.kind !== 'name') {
      add(identity, i * 2, bit(i), () => [prefixed('T', wordKeys(token, 'lookup'))]);
      return;
    }
    const otherScript = other(token.abjad);
    add(identity, i * 2, bit(i), () => {
      const spans: KeyGroup[] = [...spanTextKeys(token.text, token.abjad), ...skeletonKeys(token, otherScript)];
      if (token.initialsOfWords) spans.push(['i', [token.text]]);
      if (token.chinese.length) spans.push(['c', chineseLookups(token.chinese)]);
      return [prefixed('T', [...wordKeys(token, 'lookup'), ...skeletonKeys(token, otherScript)]), prefixed('P', spans)];
    });
  });
  name.spans.forEach((span, i) => {
    if (span.abjad === undefined) return;
    const otherScript = other(span.abjad);
    const identity = [
      'S',
      span.abjad ? 1 : 0,
      span.words,
      span.initials,
      span.chinese.join(','),
      span.particleInside,
      span.particleEnd,
    ].join('|');
    add(identity, i * 2 + 1, spanBits(span), () => {
      const tokens: KeyGroup[] = [
        ...spanTextKeys(span.text, span.abjad, span.text.length >= 6),
        ...skeletonKeys(span, otherScript),
      ];
      if (span.initials) tokens.push(['w', [span.initials]]);
      if (span.chinese.length) tokens.push(['c', chineseLookups(span.chinese)]);
      return [prefixed('T', tokens), prefixed('P', [['w', [span.text]], ...skeletonKeys(span, otherScript)])];
    });
  });
}

/** The keys NameIndex stores a record's word under (its `add`, skeletons included). */
function storedTokenKeys(token: PreparedToken): KeyGroup[][] {
  const groups = [prefixed('T', wordKeys(token, 'store'))];
  if (token.kind === 'name') groups.push(prefixed('T', skeletonKeys(token, script(token.abjad))));
  return groups;
}

/** The keys NameIndex stores a record's run of words in one script under. */
function storedSpanKeys(span: PreparedSpan): KeyGroup[][] {
  const groups: KeyGroup[] = [
    ...spanTextKeys(span.text, span.abjad, span.text.length >= 6),
    ...spanInitialsKeys(span),
    ...skeletonKeys(span, script(span.abjad)),
  ];
  if (span.chinese.length) groups.push(['c', span.chinese]);
  return [prefixed('P', groups)];
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

const POLY = 0x01000193;

/** A polynomial hash's state after `type` and a separator (the bases' hash). */
function polyPrefix(type: string): number {
  let hash = 0x811c9dc5 | 0;
  for (let i = 0; i < type.length; i++) hash = (Math.imul(hash, POLY) + type.charCodeAt(i)) | 0;
  return (Math.imul(hash, POLY) + 0x3a) | 0;
}

/** Murmur3's finalizer: the filter reads the top bits, which a polynomial hash alone mixes poorly. */
function polyFinish(hash: number): number {
  let h = hash;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Neighbourhood key groups, stored by their bases (module comment): a one-deletion neighbourhood
 * (`…d`, blocking-keys.ts `deletions(text, 1)`: the text, then the text less each code unit) from
 * position 0, a skeleton's edits (`…e`, `skeletonEditKeys`: the skeleton, then less each code unit
 * but the first) from 1; -1 for any other group.
 */
function neighbourhoodFrom(type: string): number {
  if (type.length !== 3) return -1;
  const kind = type[2];
  return kind === 'd' ? 0 : kind === 'e' ? 1 : -1;
}

/**
 * The bases of a neighbourhood group: a `d` group is one text's neighbourhood, whose first key is
 * the text; an `e` group holds one skeleton's edits per reading (one or two), each the skeleton then
 * its length less one deletions.
 */
function neighbourhoodBases([type, keys]: KeyGroup): string[] {
  if (type[2] === 'd') return keys.length ? [keys[0]!] : [];
  const bases: string[] = [];
  for (let i = 0; i < keys.length; i += keys[i]!.length) bases.push(keys[i]!);
  return bases;
}

/**
 * The near filter: a Bloom filter (two bits a key) of the keys the stored neighbourhoods hold
 * besides their bases, by their polynomial state. A record key it does not hold is in no base's
 * neighbourhood but as the base itself, so its (n + 1) × alphabet insertions are not probed: most
 * record keys, since few customer words are one letter from a listed one. It has no false
 * negatives, so it only saves probes that would find nothing.
 *
 * Built at the largest size, then folded (a bit's position is the hash's low bits, so halving ORs
 * the halves) down to NEAR_BITS_PER_KEY bits per key added, at least 2^10 bits.
 */
const NEAR_MAX_BITS = 1 << 28;
const NEAR_BITS_PER_KEY = 16;

class NearFilterBuilder {
  private bits: Uint32Array | undefined;
  private added = 0;
  add(state: number): void {
    this.bits ??= new Uint32Array(NEAR_MAX_BITS >>> 5);
    const [first, second] = nearPositions(state, NEAR_MAX_BITS - 1);
    this.bits[first >>> 5]! |= 1 << (first & 31);
    this.bits[second >>> 5]! |= 1 << (second & 31);
    this.added += 1;
  }
  done(): Uint32Array<ArrayBuffer> {
    let size = 1 << 10;
    while (size < NEAR_MAX_BITS && size < this.added * NEAR_BITS_PER_KEY) size *= 2;
    const bits = this.bits;
    this.bits = undefined;
    if (!bits) return new Uint32Array(size >>> 5);
    let words = bits.length;
    while (words > size >>> 5) {
      words >>>= 1;
      for (let w = 0; w < words; w++) bits[w]! |= bits[w + words]!;
    }
    return bits.slice(0, words);
  }
}

function nearPositions(state: number, mask: number): [number, number] {
  return [polyFinish(state) & mask, polyFinish(state ^ 0x5bd1e995) & mask];
}

/** Whether the near filter may hold a key of this polynomial state (false: surely not). */
function mayHold(filter: Uint32Array, state: number): boolean {
  const [first, second] = nearPositions(state, filter.length * 32 - 1);
  return ((filter[first >>> 5]! >>> (first & 31)) & (filter[second >>> 5]! >>> (second & 31)) & 1) === 1;
}

/** Bits of a base hash that pick its bit in WatchlistIndex's filter (2^26 bits: 8 MB). */
const FILTER_BITS = 26;

const align = (bytes: number): number => Math.ceil(bytes / 8) * 8;

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
