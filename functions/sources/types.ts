/**
 * What a source is: its metadata beside the parsers of the formats its publisher serves.
 * One file per source under functions/sources/, registered in registry.ts.
 */
import type { RecordChange } from '../core/diff.ts';
import type { RegisterRecord } from '../core/records.ts';
import type { TopicRule } from '../core/topics.ts';
import type { ParseInput, SourceDiscovery } from '../http/types.ts';

// What a download yields lives with http/, which produces it; sources name it from here.
export type { ParseInput, SourceDiscovery, SourceDocument } from '../http/types.ts';

export interface ParseContext {
  readonly sourceId: string;
  /** A record-level problem that does not make the output ambiguous: logged, the record skipped or kept as is. */
  warn(message: string): void;
  /**
   * The records of the stored version, for a source whose next version is built on the last one
   * (announcements read once, cn-mofcom-lists). Absent on a baseline and where a file is parsed alone.
   */
  readonly storedRecords?: () => AsyncIterable<RegisterRecord>;
  /**
   * Fetches one more document of this version, whole, with the run's limits and deadline (`maxBytes`
   * lowers the size limit). Live polls only; a failure is the run's SourceFetchError.
   */
  readonly fetchDocument?: (url: string, name: string, limits?: { maxBytes?: number }) => Promise<Buffer>;
}

/** One layout a publisher serves (a source may read several: legacy CSV, XML, ENHANCED XML). */
export interface SourceFormat {
  /** Short id, e.g. `ofac-legacy-csv`, `ofac-sdnlist-xml`. */
  readonly id: string;
  readonly description: string;
  /**
   * True when the first bytes of the file (decoded as latin1, at most 64 KiB) and its name show this
   * layout. Must be specific enough that no other format of the same source also claims the file.
   */
  sniff(head: string, fileName: string): boolean;
  /**
   * The layout is an HTML page (a ministry's index of announcements): a document this format sniffs
   * is not refused as an HTML error page up front, the format tells a page from an error page itself.
   * @default false
   */
  readonly readsHtml?: boolean;
  /** Streams the normalized records. Throws SourceFormatError for a malformed or truncated file. */
  parse(input: ParseInput, context: ParseContext): AsyncIterable<RegisterRecord>;
}

export interface SourceDownload {
  /** The publisher's live URL. */
  readonly url: string;
  /** Which SourceFormat id the URL serves. */
  readonly format: string;
  /** What the URL serves, in a sentence (e.g. "full SDN list, legacy CSV, no aliases"). */
  readonly serves: string;
  /** Companion files fetched beside the main one, keyed by the name the parser expects. */
  readonly companions?: Readonly<Record<string, string>>;
  /**
   * The file's address changes with every update and is found on a page: a live poll fetches
   * `discover.page` and then the file its matching link points to (see `discoverLink` in
   * functions/http/fetch.ts). `url` then names the same page. @default none: `url` is the file
   */
  readonly discover?: SourceDiscovery;
}

export interface RecordCountBounds {
  readonly min: number;
  readonly max: number;
  /**
   * Largest fraction of the stored records a single new version may drop before the run is held
   * as a broken download rather than a real delisting. @default 0.1
   */
  readonly maxDropFraction?: number;
}

export interface RegisterSource {
  /** Kebab-case id, e.g. `us-ofac-sdn`. */
  readonly id: string;
  readonly title: string;
  readonly publisher: string;
  /** ISO 3166-1 alpha-2 or `UN`/`EU`. */
  readonly jurisdiction: string;
  /**
   * `register`: a list of parties; every addition, removal and change is alerted.
   * `feed`: a stream of items (press releases, notices, Federal Register documents); new and
   * edited items are alerted, items that drop out of the feed's window are not removals.
   */
  readonly kind: 'register' | 'feed';
  /** Live downloads, preferred first. The poller uses the first. */
  readonly downloads: readonly SourceDownload[];
  readonly formats: readonly SourceFormat[];
  /** EventBridge schedule expression, e.g. `rate(5 minutes)`. */
  readonly schedule: string;
  readonly expectedRecords: RecordCountBounds;
  /** Where a human reads about the list. */
  readonly homepage: string;
  /**
   * Documents a record points at whose records belong to the same version (an Entity List rule's
   * full text for a Federal Register item). Live polls fetch and parse them after the main file; a
   * follow-up that cannot be fetched fails the run, so the next poll tries again (unless it is
   * `optional`). @default none
   */
  readonly followUps?: (record: RegisterRecord) => readonly FollowUp[];
  /**
   * Fields (as FieldChange names them: `extra.frCitation`) whose change alone is news to nobody: a
   * modification touching only these is stored, so the state stays exact, but not alerted. An
   * Entity List entity read from the public-inspection filing gets its Federal Register page only
   * once the rule is printed. @default none
   */
  readonly quietFields?: readonly string[];
  /**
   * Where the publisher's own record of a change (a modification history inside the file)
   * disagrees with the diff, one line for a human; undefined where they agree. The run logs the
   * lines as a warning and returns them in its report's `notes`; they never alert. @default none
   */
  readonly reviewChange?: (change: RecordChange) => string | undefined;
  /**
   * Lower-case names of files read beside the main one when present (`add.csv`, `alt.csv` ...).
   * @default []
   */
  readonly companionNames?: readonly string[];
  /**
   * A register's own topics, which every change to its records carries in its `topics` attribute
   * (`['sanctions']`, `['entity-list', 'export-controls']`), beside the country and keyword topics
   * computed when the event is built (functions/core/register-topics.ts); never stored in a record.
   * Feeds get theirs from their items' text. @default none
   */
  readonly topics?: readonly string[];
  /**
   * Topics of the records on one list, by the record's list name or one of its programs, for a
   * source that publishes several lists. @default none
   */
  readonly listTopics?: Readonly<Record<string, readonly string[]>>;
  /**
   * The keyword rules in force for a register's records: the defaults plus the configuration's
   * (set by registry.ts's `sourcesFor(config)`). @default DEFAULT_TOPIC_RULES
   */
  readonly topicRules?: readonly TopicRule[];
}

export interface FollowUp {
  readonly url: string;
  /** File name the parser sees. */
  readonly name: string;
  /** Id of one of the source's formats. */
  readonly format: string;
  /**
   * A follow-up whose fetch fails is skipped with a warning instead of failing the run (what it
   * would add also comes later by another way). @default false
   */
  readonly optional?: boolean;
}

export type Source = RegisterSource;
