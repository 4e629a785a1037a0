/**
 * Change events as subscribers receive them: CloudEvents 1.0 envelopes with a deterministic id,
 * and the SNS message attributes that filter policies select on.
 */
import { createHash } from 'node:crypto';
import type { FieldChange, RecordChange } from './diff.ts';
import type { RegisterRecord } from './records.ts';
import { changeTopics, type RegisterTopicInfo } from './register-topics.ts';

export const EVENT_TYPES = {
  added: 'tradewatch.record.added',
  removed: 'tradewatch.record.removed',
  modified: 'tradewatch.record.modified',
  itemPublished: 'tradewatch.item.published',
  itemUpdated: 'tradewatch.item.updated',
  unhealthy: 'tradewatch.source.unhealthy',
  recovered: 'tradewatch.source.recovered',
  watchlistHit: 'tradewatch.watchlist.hit',
} as const;

export type ChangeEventType = (typeof EVENT_TYPES)[keyof typeof EVENT_TYPES];

/** A listed record in an event: what it is, where, as it is now and as it was. */
export interface ListedRecordData {
  sourceId: string;
  sourceTitle: string;
  recordId: string;
  name: string;
  list: string;
  /** The record as it is now; for a removal, as it was. */
  record: RegisterRecord | null;
  /** The record before the change (modified, removed). */
  previous: RegisterRecord | null;
  fields: FieldChange[];
  /** Where the publisher lists it. */
  sourceUrl: string;
  /**
   * The change's topics (the `topics` message attribute): a register record's computed when the
   * event is built (functions/core/register-topics.ts), a feed item's its own. Absent in events
   * stored before topics were computed; readers then fall back to the records' `topics`.
   */
  topics?: string[];
  /**
   * For an Entity List addition or removal that a Federal Register rule announced earlier: that
   * announcement (see functions/run/early-warnings.ts). The subscriber already had the news.
   */
  earlyWarning?: EarlyWarning;
}

/** An entity a Federal Register rule announced, kept under its match keys until a list carries it. */
export interface EarlyWarning {
  /** The announcing record (`2023-03929:CN:spacety-co-ltd`) and its source. */
  recordId: string;
  sourceId: string;
  /** The early-warning alert's event id. */
  eventId: string;
  documentNumber: string;
  /** add, remove or revise. */
  action: string;
  /** When the early warning was stored. */
  announcedAt: string;
  name: string;
}

export interface RecordChangeData extends ListedRecordData {
  changeType: 'added' | 'removed' | 'modified';
}

export interface SourceHealthData {
  sourceId: string;
  sourceTitle: string;
  status: 'unhealthy' | 'recovered';
  step: string;
  reason: string;
  since: string;
  consecutiveFailures: number;
}

/**
 * What brought a watchlist hit: a record added, modified or removed (delisted) by this version, or
 * the screening of a newly imported or edited watchlist against the stored records (`listed`).
 */
export type HitType = 'added' | 'modified' | 'removed' | 'listed';

/** The `changeType` attribute of a hit event: never one of an ordinary change's values. */
export const hitChangeType = (hitType: HitType): string => `watchlist-${hitType}`;

/** One watchlist entry a record matched. */
export interface WatchlistHit {
  /** The entry's key (`ref:<reference>` or `name:<hash>`): what a decision names. */
  entryKey: string;
  reference?: string;
  /** The entry as the subscriber gave it. */
  entry: { name: string; aliases: string[]; countries: string[]; kind?: string };
  /** The entry's name (or alias) and the record's name (or alias) that matched best. */
  entryName: string;
  recordName: string;
  score: number;
  explanation: string[];
}

/**
 * A watchlist hit, published to the one subscriber whose watchlist it is (`matchedWatchlists`
 * attribute = the subscriber id), never to the others: their counterparties stay theirs.
 */
export interface WatchlistHitData extends ListedRecordData {
  subscriberId: string;
  hitType: HitType;
  /** The subscriber's threshold the scores passed. */
  threshold: number;
  /** Content hash of `record`: a decision on this hit holds while the record keeps it. */
  recordHash: string;
  /** The change event this hit comes from (none for `listed`). */
  changeEventId?: string;
  /** Best first, at most MAX_HITS_PER_EVENT (functions/watchlist/screening.ts). */
  hits: WatchlistHit[];
  /** How many more entries matched than `hits` lists. */
  moreHits?: number;
}

export interface CloudEvent<T> {
  specversion: '1.0';
  id: string;
  source: string;
  type: ChangeEventType;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: T;
}

export type ChangeEvent = CloudEvent<RecordChangeData>;
export type HealthEvent = CloudEvent<SourceHealthData>;
export type WatchlistHitEvent = CloudEvent<WatchlistHitData>;
export type TradewatchEvent = ChangeEvent | HealthEvent | WatchlistHitEvent;

/**
 * Deterministic event id: the same transition of the same record always gets the same id, so a
 * re-run's conditional put finds it and consumers can use it as an idempotency key. `baseVersion`
 * (the stored version the diff ran against: its content hash and commit time) keeps a record that
 * is delisted and relisted, or that flips A→B→A→B, from colliding with its earlier transitions.
 */
export function changeEventId(
  sourceId: string,
  recordId: string,
  oldHash: string | undefined,
  newHash: string | undefined,
  baseVersion: string,
): string {
  return createHash('sha256')
    .update([sourceId, recordId, oldHash ?? '-', newHash ?? '-', baseVersion].join('\u0000'))
    .digest('hex')
    .slice(0, 32);
}

export interface EventSourceInfo extends RegisterTopicInfo {
  id: string;
  title: string;
  homepage: string;
  /** @default 'register' */
  kind?: 'register' | 'feed';
}

function eventType(source: EventSourceInfo, change: RecordChange): ChangeEventType {
  if (source.kind !== 'feed') return EVENT_TYPES[change.type];
  return change.type === 'modified' ? EVENT_TYPES.itemUpdated : EVENT_TYPES.itemPublished;
}

export function buildChangeEvent(
  source: EventSourceInfo,
  change: RecordChange,
  baseVersion: string,
  time: string,
): ChangeEvent {
  const record = change.after ?? change.before ?? null;
  const previous = change.type === 'added' ? null : (change.before ?? null);
  const topics = changeTopics(source, record, previous === record ? null : previous);
  return {
    specversion: '1.0',
    id: changeEventId(source.id, change.id, change.oldHash, change.newHash, baseVersion),
    source: `tradewatch/${source.id}`,
    type: eventType(source, change),
    subject: change.id,
    time,
    datacontenttype: 'application/json',
    data: {
      sourceId: source.id,
      sourceTitle: source.title,
      changeType: change.type,
      recordId: change.id,
      name: change.name || record?.name || '',
      list: change.list || record?.list || '',
      record,
      previous,
      fields: change.fields ?? [],
      sourceUrl: record?.links[0] ?? source.homepage,
      ...(topics.length ? { topics } : {}),
    },
  };
}

export function buildHealthEvent(
  source: EventSourceInfo,
  data: Omit<SourceHealthData, 'sourceId' | 'sourceTitle'>,
  time: string,
): HealthEvent {
  return {
    specversion: '1.0',
    id: createHash('sha256').update([source.id, data.status, data.since].join('\u0000')).digest('hex').slice(0, 32),
    source: `tradewatch/${source.id}`,
    type: data.status === 'unhealthy' ? EVENT_TYPES.unhealthy : EVENT_TYPES.recovered,
    subject: source.id,
    time,
    datacontenttype: 'application/json',
    data: { sourceId: source.id, sourceTitle: source.title, ...data },
  };
}

export function isChangeEvent(event: TradewatchEvent): event is ChangeEvent {
  return event.type.startsWith('tradewatch.record.') || event.type.startsWith('tradewatch.item.');
}

export function isHitEvent(event: TradewatchEvent): event is WatchlistHitEvent {
  return event.type === EVENT_TYPES.watchlistHit;
}

/** SNS message attributes (at most 10) for filter policies. Empty lists are left out. */
export interface MessageAttributeValue {
  DataType: 'String' | 'String.Array';
  StringValue: string;
}

/** SNS caps an attribute value's size; long arrays are cut to stay well under it. */
const MAX_ARRAY_ITEMS = 50;

/**
 * `matchedKeywords` holds the ids of the subscribers whose keywords the event matches
 * (functions/core/keywords.ts); it is never cut, since a missing id would silently drop that
 * subscriber's alert. A watchlist hit (one subscriber's) carries `matchedWatchlists` = that
 * subscriber's id instead, and no keywords. At most 9 attributes are set: SNS allows 10.
 */
export function messageAttributes(
  event: TradewatchEvent,
  matchedKeywords: readonly string[] = [],
): Record<string, MessageAttributeValue> {
  const attributes: Record<string, MessageAttributeValue> = {
    source: { DataType: 'String', StringValue: event.data.sourceId },
    eventType: { DataType: 'String', StringValue: event.type },
  };
  const array = (name: string, values: readonly string[], limit = MAX_ARRAY_ITEMS): void => {
    const unique = [...new Set(values.filter(Boolean))].slice(0, limit);
    if (unique.length) attributes[name] = { DataType: 'String.Array', StringValue: JSON.stringify(unique) };
  };
  if (isChangeEvent(event)) {
    const record = event.data.record;
    attributes.changeType = { DataType: 'String', StringValue: event.data.changeType };
    // Lets a filter policy leave out list changes already announced by an early warning.
    attributes.announced = { DataType: 'String', StringValue: event.data.earlyWarning ? 'yes' : 'no' };
    if (event.data.list) attributes.list = { DataType: 'String', StringValue: event.data.list };
    const previous = event.data.previous;
    array('countries', [...(record?.countries ?? []), ...(previous?.countries ?? [])]);
    array('programs', [...(record?.programs ?? []), ...(previous?.programs ?? [])]);
    array('topics', eventTopics(event.data));
  } else if (isHitEvent(event)) {
    const { record, previous } = event.data;
    attributes.changeType = { DataType: 'String', StringValue: hitChangeType(event.data.hitType) };
    attributes.announced = { DataType: 'String', StringValue: event.data.earlyWarning ? 'yes' : 'no' };
    if (event.data.list) attributes.list = { DataType: 'String', StringValue: event.data.list };
    array('countries', [...(record?.countries ?? []), ...(previous?.countries ?? [])]);
    array('programs', [...(record?.programs ?? []), ...(previous?.programs ?? [])]);
    array('topics', eventTopics(event.data));
    // One subscriber per hit event: a plain String, which every SNS implementation matches exactly.
    attributes.matchedWatchlists = { DataType: 'String', StringValue: event.data.subscriberId };
    return attributes;
  } else {
    attributes.changeType = { DataType: 'String', StringValue: 'health' };
  }
  array('matchedKeywords', matchedKeywords, Infinity);
  return attributes;
}

/** The topics of a change or hit event; an event stored without them has its records'. */
export function eventTopics(data: ListedRecordData): string[] {
  if (data.topics) return data.topics;
  return [...new Set([...(data.record?.topics ?? []), ...(data.previous?.topics ?? [])])];
}

/** A change event as stored: the audit trail and the outbox. */
export interface StoredEvent {
  eventId: string;
  sourceId: string;
  time: string;
  event: TradewatchEvent;
  status: 'pending' | 'published';
  messageId?: string;
  publishedAt?: string;
}
