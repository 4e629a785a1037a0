/**
 * watchlist/ — watchlist files and screening; asks for storage through watchlist/ports.ts.
 *
 * Screening: every record a version adds, modifies or removes, and every entity a Federal Register
 * rule announces, is matched against every subscriber's watchlist (functions/match/). The records,
 * a thousand at a time, go into a blocking index that every watchlist name is looked up in: a
 * version's changes are few, so the index is small, and memory stays bounded by the watchlists'
 * prepared names (23 MB for 10,000), never by an index over them.
 * A record that matches entries at or above the subscriber's threshold becomes one hit event for
 * that subscriber, carrying the scores, the names that matched and why.
 *
 *  - added / modified: the record as it is now is screened;
 *  - removed: the record as it was is screened, so a former hit is told it was delisted;
 *  - listed: when a watchlist is imported or edited, each source screens its stored records against
 *    it once (`screenStoredRecords`, run on the source's next poll), so day one is covered.
 *
 * A hit an analyst marked "not a match" (see ./ports.ts) is left out while the listed
 * record keeps the content hash it had when the decision was taken; once the record changes, the
 * hit is alerted again. Event ids are deterministic (the change event, or the record's and entries'
 * content), so a re-run, or a re-import of an unchanged watchlist, alerts nothing twice.
 *
 * Over 500 lines since the secondary identifiers (birth dates, identifiers, weak aliases) joined the
 * batched screening: the loaded watchlist, the batch and the hit events share its types; the
 * watchlist loading (WatchlistLoader, indexWatchlist) is the part to move out if it grows further.
 */
import { createHash } from 'node:crypto';
import type { ChangeEvent, HitType, StoredEvent, WatchlistHit, WatchlistHitEvent } from '../core/events.ts';
import { EVENT_TYPES } from '../core/events.ts';
import { NameIndex } from '../match/name-index.ts';
import { prepareName, type PreparedName } from '../match/prepare.ts';
import { DEFAULT_THRESHOLD, scorePrepared, scoreValue } from '../match/score.ts';
import {
  adjustScore,
  BIRTH_DATE_BONUS,
  equalIdentifiers,
  parseBirthDateColumn,
  parseIdentifierColumn,
  recordSecondary,
  weakAliasReason,
  type EntrySecondary,
  type RecordSecondary,
} from '../match/secondary.ts';
import { contentHash, type RegisterRecord } from '../core/records.ts';
import { changeTopics } from '../core/register-topics.ts';
import type { RegisterSource } from '../sources/types.ts';
import type { WatchlistEntry } from './file.ts';
import { decisionKey, type HitDecision, type StoredWatchlist, type WatchlistRepository } from './ports.ts';

/** A subscriber with a watchlist, as the configuration (or the stack's environment) gives it. */
export interface WatchlistSubscriber {
  id: string;
  /** @default DEFAULT_THRESHOLD */
  threshold?: number;
}

/** A watchlist prepared for screening: all its entries, or those a batch of records may match. */
export interface LoadedWatchlist {
  subscriberId: string;
  threshold: number;
  version: string;
  entries: WatchlistEntry[];
  /** Every name and alias of the entries, prepared once (prepareName). */
  names: PreparedName[];
  /** Name position → entry position. */
  owners: number[];
  /** Per entry: its birth date, nationalities and identifiers, parsed once. */
  secondary: EntrySecondary[];
  /**
   * Per name: the score its index search asks for. Lower than the threshold by BIRTH_DATE_BONUS for
   * an entry with a birth date, which an agreeing listed date may lift over it (the index prunes by
   * an upper bound of the name score: match/score-bound.ts).
   */
  searchThresholds: number[];
  /** Entries with identifiers: looked up by identifier as well as by name. */
  identified: number[];
  /** Entry position → its first name's position in `names` (one more item: the end). */
  firstName: number[];
  decisions: Map<string, HitDecision>;
  /** Hits already reported (decisionKey → record hash then). */
  reported: Map<string, string>;
}

/**
 * A watchlist too large to prepare whole (./indexed-watchlist.ts): narrowed, for each batch of
 * records, to the entries they may match, which screen as the whole list would.
 */
export interface NarrowableWatchlist {
  readonly subscriberId: string;
  readonly version: string;
  narrow(records: readonly RegisterRecord[]): Promise<LoadedWatchlist>;
}

/** Opens a subscriber's watchlist as a NarrowableWatchlist, or undefined to load it whole. */
export type OpenNarrowable = (
  store: WatchlistRepository,
  subscriber: WatchlistSubscriber,
) => Promise<NarrowableWatchlist | undefined>;

/** One record to screen, with the content hash decisions are checked against. */
export interface ScreeningItem {
  record: RegisterRecord;
  sourceId: string;
  recordHash: string;
}

/**
 * Records indexed at once: the index is built over the records (a version's changes are few) and
 * searched with every watchlist name, so memory stays bounded whatever the watchlist's size (an
 * index over 10,000 watchlist names takes some 300 MB; one over 1,000 records' names about 20 MB,
 * and the 10,000 prepared names 23 MB).
 */
export const RECORDS_PER_INDEX = 1000;

/** What screening one record against one watchlist found, after decisions. */
export interface RecordHits {
  subscriberId: string;
  threshold: number;
  hits: WatchlistHit[];
  /** Hits left out because an analyst marked them not a match (for the run's report). */
  suppressed: number;
  /** Entries that also match, beyond the MAX_HITS_PER_EVENT best. */
  moreHits?: number;
}

/** Most entries one hit event lists (a record matching more is a too-loose threshold or a too-short name). */
export const MAX_HITS_PER_EVENT = 25;

export interface ScreeningCounts {
  screened: number;
  hitEvents: number;
  suppressed: number;
}

/**
 * How far a screening is, for a progress line: the records being screened (numbered from 1 in the
 * order given) and how many of the watchlists' names were looked up in their index so far. A chunk
 * of records is screened all at once, so within one, only the names tell how far it is.
 */
export interface ScreeningProgress {
  firstRecord: number;
  lastRecord: number;
  names: number;
  totalNames: number;
}

/** Names looked up between two progress reports: often enough for a terminal, rare enough to cost nothing. */
const NAMES_PER_PROGRESS = 500;

/**
 * Loads each subscriber's watchlist (entries, decisions, reported hits) at most once, however many
 * screenings of a run ask for it.
 */
export class WatchlistLoader {
  private readonly loaded = new Map<string, Promise<LoadedWatchlist | NarrowableWatchlist | undefined>>();

  /** `openNarrowable`: how a large watchlist is opened without loading it (none: every list is loaded whole). */
  constructor(
    private readonly store: WatchlistRepository,
    private readonly openNarrowable?: OpenNarrowable,
  ) {}

  /** A screener over these subscribers' watchlists; a subscriber without one is skipped. */
  async screener(subscribers: readonly WatchlistSubscriber[]): Promise<WatchlistScreener> {
    const lists = await Promise.all(
      subscribers.map((subscriber) => {
        let list = this.loaded.get(subscriber.id);
        if (!list) {
          list = this.loadOne(subscriber);
          this.loaded.set(subscriber.id, list);
        }
        return list;
      }),
    );
    return new WatchlistScreener(lists.filter((list) => list !== undefined));
  }

  private async loadOne(subscriber: WatchlistSubscriber): Promise<LoadedWatchlist | NarrowableWatchlist | undefined> {
    const narrowable = await this.openNarrowable?.(this.store, subscriber);
    if (narrowable) return narrowable;
    const [stored, decisions, reported] = await Promise.all([
      this.store.load(subscriber.id),
      this.store.decisions(subscriber.id),
      this.store.reported(subscriber.id),
    ]);
    return stored ? indexWatchlist(stored, subscriber.threshold ?? DEFAULT_THRESHOLD, decisions, reported) : undefined;
  }
}

/** The watchlists of some subscribers, prepared once for a run (WatchlistLoader, or fromEntries). */
export class WatchlistScreener {
  constructor(private readonly lists: (LoadedWatchlist | NarrowableWatchlist)[]) {}

  /** This screener with each large watchlist narrowed to what `records` may match (screenBatch needs it). */
  async narrowed(records: readonly RegisterRecord[]): Promise<WatchlistScreener> {
    if (this.lists.every((list) => !('narrow' in list))) return this;
    return new WatchlistScreener(
      await Promise.all(this.lists.map((list) => ('narrow' in list ? list.narrow(records) : list))),
    );
  }

  private prepared(): LoadedWatchlist[] {
    return this.lists.map((list) => {
      if ('narrow' in list)
        throw new Error(`watchlist ${list.subscriberId}: screened before being narrowed to the records (narrowed())`);
      return list;
    });
  }

  /** A screener over watchlists held in memory (the `screen` command, tests). */
  static fromEntries(
    watchlists: readonly {
      subscriberId: string;
      entries: WatchlistEntry[];
      threshold?: number;
      decisions?: Map<string, HitDecision>;
    }[],
  ): WatchlistScreener {
    return new WatchlistScreener(
      watchlists.map((list) =>
        indexWatchlist(
          {
            subscriberId: list.subscriberId,
            version: '',
            entryCount: list.entries.length,
            chunks: 0,
            importedAt: '',
            importedBy: '',
            origin: '',
            entries: list.entries,
          },
          list.threshold ?? DEFAULT_THRESHOLD,
          list.decisions ?? new Map(),
          new Map(),
        ),
      ),
    );
  }

  versionOf(subscriberId: string): string | undefined {
    return this.lists.find((list) => list.subscriberId === subscriberId)?.version;
  }

  /**
   * The hits of one record, per watchlist that has any (decisions on `recordHash` applied). With
   * `onlyNew`, hits already reported against the same record content are left out too.
   */
  screenRecord(record: RegisterRecord, sourceId: string, recordHash: string, onlyNew = false): RecordHits[] {
    return this.screenBatch([{ record, sourceId, recordHash }], onlyNew)[0]!;
  }

  /**
   * The hits of each record (same order), as screenRecord gives them. The records are indexed, in
   * chunks of RECORDS_PER_INDEX, and every watchlist name is looked up in the chunk's index (the
   * score is symmetric, so this finds what indexing the watchlist would).
   */
  screenBatch(
    items: readonly ScreeningItem[],
    onlyNew = false,
    onProgress?: (progress: ScreeningProgress) => void,
  ): RecordHits[][] {
    const lists = this.prepared();
    const results: RecordHits[][] = items.map(() => []);
    const totalNames = lists.reduce((sum, list) => sum + list.names.length, 0);
    for (let start = 0; start < items.length; start += RECORDS_PER_INDEX) {
      const chunk = items.slice(start, start + RECORDS_PER_INDEX);
      const where = { firstRecord: start + 1, lastRecord: start + chunk.length };
      let names = 0;
      const index = new NameIndex();
      const owners: number[] = [];
      // Record position → its first name's position in the index (names are added record by record).
      const firstName: number[] = [];
      chunk.forEach(({ record }, position) => {
        firstName.push(owners.length);
        for (const name of [record.name, ...record.aliases]) {
          if (!name) continue;
          index.add(prepareName(name, record.kind, record.countries));
          owners.push(position);
        }
      });
      firstName.push(owners.length);
      // What the records say beside their names, derived when first needed (match/secondary.ts).
      const details: (RecordSecondary | undefined)[] = [];
      const detailsOf = (recordPosition: number): RecordSecondary =>
        (details[recordPosition] ??= recordSecondary(chunk[recordPosition]!.record));
      const byIdentifier = lists.some((list) => list.identified.length)
        ? identifierIndex(chunk.map((_, position) => detailsOf(position)))
        : undefined;
      for (const list of lists) {
        // Best hit per (record, entry).
        const best = new Map<number, Map<number, WatchlistHit>>();
        const consider = (namePosition: number, recordName: number, nameScore: number, explain: () => string[]) => {
          const recordPosition = owners[recordName]!;
          const entryPosition = list.owners[namePosition]!;
          const entry = list.entries[entryPosition]!;
          const entryDetails = list.secondary[entryPosition]!;
          const indexed = index.names[recordName]!;
          const name = indexed.normalized.original;
          const record = chunk[recordPosition]!.record;
          let score = nameScore;
          let adjustment: string[] = [];
          const weak = record.name !== name;
          if (weak || entryDetails.birthDate || entryDetails.identifiers.length || entryDetails.nationalities.length) {
            const recordDetails = detailsOf(recordPosition);
            const adjusted = adjustScore(
              nameScore,
              entryDetails,
              recordDetails,
              weak ? weakAliasReason(name, indexed, record, recordDetails) : undefined,
              name,
              list.threshold,
            );
            score = adjusted.score;
            adjustment = adjusted.explanation;
          }
          if (score < list.threshold) return;
          const forRecord = best.get(recordPosition) ?? new Map<number, WatchlistHit>();
          const current = forRecord.get(entryPosition);
          if (current && current.score >= Math.round(score * 1000) / 1000) return;
          const hit: WatchlistHit = {
            entryKey: entry.key,
            entry: {
              name: entry.name,
              aliases: entry.aliases,
              countries: entry.countries,
              ...(entry.kind ? { kind: entry.kind } : {}),
            },
            entryName: list.names[namePosition]!.normalized.original,
            recordName: name,
            score: Math.round(score * 1000) / 1000,
            explanation: [...explain(), ...adjustment],
          };
          if (entry.reference) hit.reference = entry.reference;
          forRecord.set(entryPosition, hit);
          best.set(recordPosition, forRecord);
        };
        list.names.forEach((entryName, namePosition) => {
          if (onProgress && names % NAMES_PER_PROGRESS === 0) onProgress({ ...where, names, totalNames });
          names += 1;
          for (const match of index.search(entryName, list.searchThresholds[namePosition]))
            consider(namePosition, match.index, match.score, () => match.explanation);
        });
        // An equal identifier makes a hit on a name the index may not find (match/secondary.ts): the
        // records holding one are scored name by name.
        if (byIdentifier)
          for (const entryPosition of list.identified)
            for (const recordPosition of recordsSharingIdentifier(list.secondary[entryPosition]!, byIdentifier)) {
              if (!equalIdentifiers(list.secondary[entryPosition]!, detailsOf(recordPosition)).length) continue;
              // Every name of the entry against every name of the record.
              for (let n = list.firstName[entryPosition]!; n < list.firstName[entryPosition + 1]!; n++)
                for (let r = firstName[recordPosition]!; r < firstName[recordPosition + 1]!; r++) {
                  const [entryName, recordName] = [list.names[n]!, index.names[r]!];
                  consider(
                    n,
                    r,
                    scoreValue(entryName, recordName),
                    () => scorePrepared(entryName, recordName).explanation,
                  );
                }
            }
        for (const [recordPosition, hitsByEntry] of best) {
          const { record, sourceId, recordHash } = chunk[recordPosition]!;
          results[start + recordPosition]!.push(
            this.withDecisions(list, [...hitsByEntry.values()], record.id, sourceId, recordHash, onlyNew),
          );
        }
      }
      onProgress?.({ ...where, names: totalNames, totalNames });
    }
    return results;
  }

  /** Decisions and already-reported hits applied; best first, capped at MAX_HITS_PER_EVENT. */
  private withDecisions(
    list: LoadedWatchlist,
    found: WatchlistHit[],
    recordId: string,
    sourceId: string,
    recordHash: string,
    onlyNew: boolean,
  ): RecordHits {
    let suppressed = 0;
    const hits = found.filter((hit) => {
      const key = decisionKey(sourceId, recordId, hit.entryKey);
      if (decisionHolds(list.decisions.get(key), recordHash)) {
        suppressed += 1;
        return false;
      }
      return !(onlyNew && list.reported.get(key) === recordHash);
    });
    hits.sort((a, b) => b.score - a.score || a.entryKey.localeCompare(b.entryKey));
    // One event stays well under SNS's 256 KB: the best MAX_HITS_PER_EVENT entries, and how many more.
    const result: RecordHits = {
      subscriberId: list.subscriberId,
      threshold: list.threshold,
      hits: hits.slice(0, MAX_HITS_PER_EVENT),
      suppressed,
    };
    if (hits.length > MAX_HITS_PER_EVENT) result.moreHits = hits.length - MAX_HITS_PER_EVENT;
    return result;
  }
}

/** A stored watchlist (or a part of one) with its names prepared for screenBatch. */
export function indexWatchlist(
  stored: StoredWatchlist,
  threshold: number,
  decisions: Map<string, HitDecision>,
  reported: Map<string, string>,
): LoadedWatchlist {
  const names: PreparedName[] = [];
  const owners: number[] = [];
  const secondary: EntrySecondary[] = [];
  const searchThresholds: number[] = [];
  const identified: number[] = [];
  const firstName: number[] = [];
  stored.entries.forEach((entry, position) => {
    firstName.push(names.length);
    const details = entrySecondary(entry);
    secondary.push(details);
    if (details.identifiers.length) identified.push(position);
    // A nationality weighs as a country does (score.ts, step 6): one more country of the entry.
    const countries = details.nationalities.length
      ? [...new Set([...entry.countries, ...details.nationalities])]
      : entry.countries;
    for (const name of [entry.name, ...entry.aliases]) {
      names.push(prepareName(name, entry.kind, countries));
      owners.push(position);
      searchThresholds.push(details.birthDate ? threshold - BIRTH_DATE_BONUS : threshold);
    }
  });
  firstName.push(names.length);
  return {
    subscriberId: stored.subscriberId,
    threshold,
    version: stored.version,
    entries: stored.entries,
    names,
    owners,
    secondary,
    searchThresholds,
    identified,
    firstName,
    decisions,
    reported,
  };
}

/** An entry's birth date, nationalities and identifiers, as stored (file.ts checked them at import). */
function entrySecondary(entry: WatchlistEntry): EntrySecondary {
  const birthDate = entry.birthDate ? parseBirthDateColumn(entry.birthDate) : undefined;
  return {
    ...(birthDate ? { birthDate } : {}),
    nationalities: entry.nationalities ?? [],
    identifiers: (entry.identifiers ?? []).map((text) => parseIdentifierColumn(text)),
  };
}

/** The positions of the records holding one of the entry's identifier values. */
function recordsSharingIdentifier(entry: EntrySecondary, byIdentifier: Map<string, number[]>): Set<number> {
  const positions = new Set<number>();
  for (const id of entry.identifiers) for (const position of byIdentifier.get(id.value) ?? []) positions.add(position);
  return positions;
}

/** Identifier value → positions of the records holding it. */
function identifierIndex(records: readonly RecordSecondary[]): Map<string, number[]> {
  const index = new Map<string, number[]>();
  records.forEach((record, position) => {
    for (const { value } of record.identifiers) {
      const positions = index.get(value) ?? [];
      if (positions[positions.length - 1] !== position) positions.push(position);
      index.set(value, positions);
    }
  });
  return index;
}

function hitEventId(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

/**
 * Whether an analyst's "not a match" still stands: only while the listed record keeps the content
 * hash it had when the decision was taken. Once the record changes, the hit counts again.
 */
export function decisionHolds(decision: HitDecision | undefined, recordHash: string): decision is HitDecision {
  return decision !== undefined && decision.recordHash === recordHash;
}

/** Which records of a source are screened: a feed's documents and press items are not counterparties. */
export function isScreenable(source: Pick<RegisterSource, 'kind'>, record: RegisterRecord): boolean {
  return source.kind !== 'feed' || record.kind !== 'other';
}

function hitEvent(
  source: Pick<RegisterSource, 'id' | 'title' | 'homepage'>,
  result: RecordHits,
  hitType: HitType,
  id: string,
  time: string,
  details: Omit<
    WatchlistHitEvent['data'],
    'sourceId' | 'sourceTitle' | 'subscriberId' | 'hitType' | 'threshold' | 'hits'
  >,
): WatchlistHitEvent {
  return {
    specversion: '1.0',
    id,
    source: `tradewatch/${source.id}`,
    type: EVENT_TYPES.watchlistHit,
    subject: `${result.subscriberId}/${details.recordId}`,
    time,
    datacontenttype: 'application/json',
    data: {
      sourceId: source.id,
      sourceTitle: source.title,
      subscriberId: result.subscriberId,
      hitType,
      threshold: result.threshold,
      ...details,
      hits: result.hits,
      ...(result.moreHits ? { moreHits: result.moreHits } : {}),
    },
  };
}

function topicsOf(topics: string[]): { topics?: string[] } {
  return topics.length ? { topics } : {};
}

function entriesPart(result: RecordHits): string {
  return result.hits.map((hit) => hit.entryKey).join(',');
}

/**
 * What the hit events say was reported, per subscriber, for WatchlistStore.noteReported: the
 * record's hash per (source, record, entry); undefined for a delisting (forgotten).
 */
export function reportedHits(
  events: readonly StoredEvent[],
): Map<string, { key: string; recordHash: string | undefined }[]> {
  const bySubscriber = new Map<string, { key: string; recordHash: string | undefined }[]>();
  for (const { event } of events) {
    if (event.type !== EVENT_TYPES.watchlistHit) continue;
    const data = (event as WatchlistHitEvent).data;
    const list = bySubscriber.get(data.subscriberId) ?? [];
    for (const hit of data.hits)
      list.push({
        key: decisionKey(data.sourceId, data.recordId, hit.entryKey),
        recordHash: data.hitType === 'removed' ? undefined : data.recordHash,
      });
    bySubscriber.set(data.subscriberId, list);
  }
  return bySubscriber;
}

/** Hit events for the change events of one version (one per subscriber with hits per change). */
export function screenChangeEvents(
  source: RegisterSource,
  events: readonly ChangeEvent[],
  screener: WatchlistScreener,
  hashes: ReadonlyMap<string, { oldHash?: string | undefined; newHash?: string | undefined }>,
  time: string,
): { events: StoredEvent[]; counts: ScreeningCounts } {
  const counts: ScreeningCounts = { screened: 0, hitEvents: 0, suppressed: 0 };
  const stored: StoredEvent[] = [];
  const screened: { change: ChangeEvent; item: ScreeningItem }[] = [];
  for (const change of events) {
    const { data } = change;
    const record = data.changeType === 'removed' ? (data.previous ?? data.record) : data.record;
    if (!record || !isScreenable(source, record)) continue;
    const hashOf = hashes.get(change.id);
    const recordHash = (data.changeType === 'removed' ? hashOf?.oldHash : hashOf?.newHash) ?? contentHash(record);
    screened.push({ change, item: { record, sourceId: source.id, recordHash } });
  }
  counts.screened = screened.length;
  const results = screener.screenBatch(screened.map((s) => s.item));
  screened.forEach(({ change, item }, position) => {
    const { data } = change;
    for (const result of results[position]!) {
      counts.suppressed += result.suppressed;
      if (!result.hits.length) continue;
      const event = hitEvent(
        source,
        result,
        data.changeType,
        hitEventId([change.id, result.subscriberId, entriesPart(result)]),
        time,
        {
          recordId: data.recordId,
          name: data.name,
          list: data.list,
          record: data.record,
          previous: data.previous,
          fields: data.fields,
          sourceUrl: data.sourceUrl,
          recordHash: item.recordHash,
          changeEventId: change.id,
          ...(data.topics ? { topics: data.topics } : {}),
          ...(data.earlyWarning ? { earlyWarning: data.earlyWarning } : {}),
        },
      );
      stored.push({ eventId: event.id, sourceId: source.id, time, event, status: 'pending' });
      counts.hitEvents += 1;
    }
  });
  return { events: stored, counts };
}

/**
 * `listed` hit events for the source's stored records against the watchlists of `screener` (the
 * initial screening of new or edited watchlists), read and screened RECORDS_PER_INDEX at a time. A
 * hit already reported against the same record content (by a change or an earlier screening) is
 * left out, so an edited watchlist tells only what its new entries, or entries that match
 * differently now, find. `tradewatch screen` runs it too, with a progress line (`onProgress`, the
 * records numbered across the whole screening).
 */
export async function screenRecords(
  source: RegisterSource,
  records: AsyncIterable<RegisterRecord> | Iterable<RegisterRecord>,
  screener: WatchlistScreener,
  time: string,
  onProgress?: (progress: ScreeningProgress) => void,
): Promise<{ events: StoredEvent[]; counts: ScreeningCounts }> {
  const counts: ScreeningCounts = { screened: 0, hitEvents: 0, suppressed: 0 };
  const stored: StoredEvent[] = [];
  let batch: ScreeningItem[] = [];
  const flush = async (): Promise<void> => {
    const before = counts.screened - batch.length;
    const narrowed = await screener.narrowed(batch.map((item) => item.record));
    const results = narrowed.screenBatch(
      batch,
      true,
      onProgress &&
        ((p) => onProgress({ ...p, firstRecord: before + p.firstRecord, lastRecord: before + p.lastRecord })),
    );
    batch.forEach(({ record, recordHash }, position) => {
      for (const result of results[position]!) {
        counts.suppressed += result.suppressed;
        if (!result.hits.length) continue;
        const event = hitEvent(
          source,
          result,
          'listed',
          hitEventId(['listed', result.subscriberId, source.id, record.id, recordHash, entriesPart(result)]),
          time,
          {
            recordId: record.id,
            name: record.name,
            list: record.list,
            record,
            previous: null,
            fields: [],
            sourceUrl: record.links[0] ?? source.homepage,
            recordHash,
            ...topicsOf(changeTopics(source, record, null)),
          },
        );
        stored.push({ eventId: event.id, sourceId: source.id, time, event, status: 'pending' });
        counts.hitEvents += 1;
      }
    });
    batch = [];
  };
  for await (const record of records) {
    if (!isScreenable(source, record)) continue;
    counts.screened += 1;
    batch.push({ record, sourceId: source.id, recordHash: contentHash(record) });
    if (batch.length === RECORDS_PER_INDEX) await flush();
  }
  if (batch.length) await flush();
  return { events: stored, counts };
}
