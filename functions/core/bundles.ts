/**
 * Bundles: one message holding many changes for one subscriber, so a big day reads as one message.
 *
 * - a **publication** holds every change of one source version that passed the subscriber's
 *   filters (and, for a digest subscriber, its urgent watchlist hits);
 * - a **digest** holds everything a daily or weekly subscriber was sent since its previous digest.
 *
 * Each has a deterministic id (subscriber + source + version time; subscriber + digest slot), so a
 * re-run after a crash finds the one it wrote before and no one receives it twice: the id is the
 * SNS message's, the local receipts', and the webhook's `webhook-id`.
 *
 * A bundle goes to the alerts topic with the `deliverTo` attribute = the subscriber id; a grouped
 * subscriber's filter policy selects only that attribute (config/delivery.ts), so it never also
 * receives the per-change messages, and no one else receives its bundles.
 */
import { createHash } from 'node:crypto';
import type { TradewatchEvent } from './events.ts';
import type { FilterPolicy } from './filter-policy.ts';
import type { DigestSchedule } from './digest-schedule.ts';

/** The message attribute a bundle carries and a grouped subscriber's filter policy selects. */
export const DELIVER_TO_ATTRIBUTE = 'deliverTo';

export type BundleKind = 'publication' | 'digest';

export const BUNDLE_EVENT_TYPES = {
  publication: 'tradewatch.publication',
  digest: 'tradewatch.digest',
} as const;

export interface BundleCounts {
  /** Changes (and hits) the bundle holds. */
  total: number;
  inFull: number;
  oneLine: number;
  /** Not in the text (past its size budget): see `events`, the feed or the CLI's `events`. */
  leftOut: number;
}

/** What reaches the subscriber: the readable texts and, for a webhook, the CloudEvents. */
export interface Bundle {
  /** Discriminates a bundle from a CloudEvent in a queue's message body. */
  bundle: BundleKind;
  id: string;
  subscriberId: string;
  /** Publications: the source and the version's time (the time its events carry). */
  sourceId?: string;
  version?: string;
  /** Digests: the previous digest's slot (null: the first digest) and this one's. */
  period?: { from: string | null; to: string };
  subject: string;
  /**
   * The email text and the SMS line. In a queue message's `default` (what SQS and webhooks get)
   * they are left out, since the SNS message already carries them under `email` and `sms` and
   * twice the text would not fit SNS's 256 KB; read them from there.
   */
  text?: string;
  sms?: string;
  counts: BundleCounts;
  /** The ids of the events it holds, in the order the text gives them. */
  eventIds: string[];
  /**
   * The CloudEvents themselves, for a webhook subscriber (one signed POST holding them, in
   * CloudEvents' JSON batch format). Left out for email and SMS, whose messages carry the texts.
   */
  events?: TradewatchEvent[];
  /** A webhook publication too large for one message is sent in parts: this one's place. */
  part?: { index: number; of: number };
}

function shortHash(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

/** The publication id: one per subscriber and source version (its events' shared time). */
export function publicationId(subscriberId: string, sourceId: string, version: string): string {
  return shortHash(['publication', subscriberId, sourceId, version]);
}

/** The digest id: one per subscriber and slot (the instant the digest is due, ISO 8601 UTC). */
export function digestId(subscriberId: string, slot: string): string {
  return shortHash(['digest', subscriberId, slot]);
}

/** A bundle read back from a queue or a file: checked enough to be delivered, or refused. */
export function isBundle(value: unknown): value is Bundle {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Bundle>;
  return (
    (candidate.bundle === 'publication' || candidate.bundle === 'digest') &&
    typeof candidate.id === 'string' &&
    typeof candidate.subscriberId === 'string' &&
    typeof candidate.subject === 'string' &&
    (candidate.text === undefined || typeof candidate.text === 'string') &&
    (candidate.sms === undefined || typeof candidate.sms === 'string')
  );
}

/** A subscriber that takes bundles, as the poller needs it (config/delivery.ts builds it). */
export interface BundleSubscriber {
  id: string;
  channel: 'email' | 'sms' | 'webhook';
  mode: 'publication' | 'daily' | 'weekly';
  /** Digest subscribers: watchlist hits go out at once, as publications. */
  urgentHits: boolean;
  /** The per-change filter policy (config's filterPolicyFor) its bundles' changes must pass. */
  policy: FilterPolicy;
  keywords?: readonly string[];
}

/** A subscriber that takes scheduled digests, as the digest function needs it. */
export interface DigestSubscriber {
  id: string;
  schedule: DigestSchedule;
  /** Send a digest on a quiet day too, saying so and listing the sources checked. */
  sendEmpty: boolean;
}
