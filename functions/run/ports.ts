/**
 * What a run asks of the world, as small interfaces: a store for the source's state and its change
 * events, a store of early warnings, a publisher, a logger. aws/ implements the stores on DynamoDB,
 * delivery/ the publisher on SNS; run/ names neither, so it never spells a table key or an SNS call.
 */
import type { Bundle } from '../core/bundles.ts';
import type { EarlyWarning, StoredEvent, TradewatchEvent } from '../core/events.ts';
import type { RegisterRecord } from '../core/records.ts';
import type { ParseContext, ParseInput } from '../sources/types.ts';
import type { WatchlistRepository } from '../watchlist/ports.ts';
import type { InitialScreeningSharding } from '../watchlist/shard-plan.ts';
import type { WatchlistSubscriber } from '../watchlist/screening.ts';

export type HealthStatus = 'healthy' | 'unhealthy';

/** A source's stored state: the version the next diff runs against, its health, its outbox flag. */
export interface SourceMeta {
  sourceId: string;
  /** SHA-256 of the last stored download's bytes: the version id. */
  contentHash?: string;
  etag?: string;
  lastModified?: string;
  recordCount?: number;
  manifestBuckets?: number;
  /** When the stored version was committed. */
  updatedAt?: string;
  lastChangeAt?: string;
  /** Events were stored that the outbox has not finished publishing. */
  outboxPending?: boolean;
  healthStatus?: HealthStatus;
  healthSince?: string;
  lastError?: string;
  lastErrorStep?: string;
  lastErrorAt?: string;
  consecutiveFailures?: number;
  lastSuccessAt?: string;
  /** Hash of the stored tail (the version's last record ids), so an unchanged tail is not rewritten. */
  tailHash?: string;
  /** Watchlist version each subscriber's watchlist was last screened against the stored records with. */
  screened?: Record<string, string>;
}

export type { StoredEvent } from '../core/events.ts';

/** The sentinel a new version commits. */
export type VersionCommit = Required<
  Pick<SourceMeta, 'sourceId' | 'contentHash' | 'recordCount' | 'manifestBuckets' | 'updatedAt'>
> &
  Pick<SourceMeta, 'etag' | 'lastModified' | 'lastChangeAt' | 'tailHash'> & { outboxPending: boolean };

/** The events waiting to be published, and their marking once published. */
export interface OutboxStore {
  pendingEvents(sourceId: string): Promise<StoredEvent[]>;
  markPublished(sourceId: string, eventId: string, messageId: string, now: string): Promise<void>;
  setOutboxPending(sourceId: string, pending: boolean): Promise<void>;
  /** Conditional puts: a publication already stored (same id) is kept as it was first written. */
  putPublications(sourceId: string, bundles: readonly Bundle[]): Promise<void>;
  /** The source's publications written and not yet sent, oldest first. */
  pendingPublications(sourceId: string): Promise<Bundle[]>;
  markPublicationSent(sourceId: string, bundle: Bundle, messageId: string, now: string): Promise<void>;
  /** Conditional puts into each digest subscriber's accumulation (one per subscriber and event). */
  putDigestEntries(entries: readonly DigestEntry[]): Promise<void>;
}

/** One change waiting in a digest subscriber's accumulation until its next digest. */
export interface DigestEntry {
  subscriberId: string;
  eventId: string;
  /** The event's time (its version's): which digest period it falls in. */
  time: string;
  event: TradewatchEvent;
}

/** What the pending events of a source make for the grouped subscribers (delivery/bundler.ts). */
export interface BundlePlan {
  publications: Bundle[];
  digestEntries: DigestEntry[];
}

/** Decides, for the subscribers that take bundles, which pending events go where. */
export interface Bundler {
  plan(sourceId: string, events: readonly StoredEvent[]): BundlePlan;
}

/** A source's state, in the order a run writes it (see process-version.ts for why that order). */
export interface SourceStore extends OutboxStore {
  getMeta(sourceId: string): Promise<SourceMeta | undefined>;
  /** Takes the source's lease (undefined while another run holds it) and returns the stored META. */
  acquireLease(sourceId: string, owner: string, now: Date, ttlMs: number): Promise<{ meta: SourceMeta } | undefined>;
  releaseLease(sourceId: string, owner: string): Promise<void>;
  /** Record id → content hash of the stored version. */
  loadManifest(sourceId: string): Promise<Map<string, string>>;
  loadRecords(sourceId: string, ids: readonly string[]): Promise<Map<string, RegisterRecord>>;
  /** Conditional puts: an event already stored is not written again. Returns how many were new. */
  putEvents(events: readonly StoredEvent[]): Promise<number>;
  writeRecords(
    sourceId: string,
    upserts: readonly RegisterRecord[],
    removedIds: readonly string[],
    hashes: ReadonlyMap<string, string>,
    now: string,
  ): Promise<void>;
  /** Writes the manifest buckets holding a changed id; returns the bucket count. */
  writeManifest(
    sourceId: string,
    manifest: ReadonlyMap<string, string>,
    changedIds: readonly string[],
    previousBuckets: number | undefined,
  ): Promise<number>;
  commitVersion(commit: VersionCommit): Promise<void>;
  /**
   * The ids of the last records of the stored version, in document order (undefined: not kept), so
   * a version whose removals are exactly that tail is recognised as a cut-off download.
   */
  loadTail(sourceId: string): Promise<string[] | undefined>;
  writeTail(sourceId: string, ids: readonly string[]): Promise<void>;
  /** Whether a version with this content hash was committed before (any time, not only the last). */
  hasCommitted(sourceId: string, contentHash: string): Promise<boolean>;
  /** Adds a committed version to the source's history (after its sentinel). */
  noteCommitted(sourceId: string, contentHash: string): Promise<void>;
  recordFailure(
    sourceId: string,
    step: string,
    reason: string,
    now: string,
  ): Promise<{ becameUnhealthy: boolean; since: string; consecutiveFailures: number }>;
  recordRecovery(sourceId: string, now: string): Promise<{ since: string; consecutiveFailures: number } | undefined>;
  /** Every stored record of a source (screening a new watchlist), not used by the diff. */
  scanRecords(sourceId: string): AsyncGenerator<RegisterRecord>;
  /** The early warnings kept beside the sources' state. */
  readonly earlyWarnings: EarlyWarningStore;
  /** The subscribers' watchlists, decisions and reported hits. */
  readonly watchlists: WatchlistRepository;
}

export type { EarlyWarning } from '../core/events.ts';

export interface EarlyWarningStore {
  put(warnings: readonly { matchKey: string; warning: EarlyWarning }[]): Promise<void>;
  /** The warnings stored under one match key. */
  find(matchKey: string): Promise<EarlyWarning[]>;
}

/** Where events go: the change events of a source's outbox, and source-health events at once. */
export interface EventPublisher {
  /**
   * Publishes the source's pending events (as the outbox read them) in time order, marking each
   * published; returns the count.
   */
  publishPending(
    sourceId: string,
    pending: readonly StoredEvent[],
    outbox: OutboxStore,
    clock: () => Date,
  ): Promise<number>;
  /** Publishes a source-health event at once, outside the outbox (to the operations topic). */
  publishHealth(event: TradewatchEvent): Promise<void>;
  /** Publishes one bundle (a publication or a digest) to its subscriber; returns the message id. */
  publishBundle(bundle: Bundle): Promise<string>;
}

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** What one run of a source is given: its stores, its publisher, its clock and logger. */
export interface PipelineDeps {
  store: SourceStore;
  /** Where change events and source-health events go (delivery/sns-publisher.ts's snsPublisher). */
  publisher: EventPublisher;
  /** @default the system clock */
  clock?: () => Date;
  /** @default silentLogger */
  log?: Logger;
  /** Progress while parsing (records seen so far). */
  onProgress?: (recordsSeen: number) => void;
  /**
   * Subscribers with a watchlist (stored in the table, see functions/watchlist/): every change is
   * screened against their watchlists, and stored records against a newly imported one.
   */
  watchlistSubscribers?: readonly WatchlistSubscriber[];
  /**
   * Deployed: an initial screening too long for the poller is sent to workers in shards
   * (watchlist/shard-plan.ts). @default none: screened in the run, however long (local mode)
   */
  initialScreening?: InitialScreeningSharding;
  /**
   * The subscribers that take publications or digests (delivery/bundler.ts): their bundles are
   * written to the outbox before the per-change events go out. @default none
   */
  bundler?: Bundler;
}

export interface VersionInput {
  input: ParseInput;
  /** SHA-256 of the version's bytes. */
  contentHash: string;
  etag?: string;
  lastModified?: string;
  /** Fetches further documents of the version (live polls): handed to the parser (ParseContext). */
  fetchDocument?: ParseContext['fetchDocument'];
}

export interface ProcessOptions {
  /** Check the source's expected record-count bounds (live polls). @default true */
  enforceBounds?: boolean;
  /** Accept a drop larger than the source's maxDropFraction (a human has checked it). @default false */
  acceptDrop?: boolean;
  /** Replay: process a version even when it was committed before. @default false */
  force?: boolean;
}
