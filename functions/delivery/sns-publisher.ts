/**
 * delivery/ — what reaches people and systems: renderings, this SNS publisher (run/'s EventPublisher), signed webhooks.
 *
 * The outbox: every stored event not yet published goes to SNS with its filter attributes, then is
 * marked published. A crash or an SNS error leaves the rest pending for the next run.
 *
 * Messages use `MessageStructure: json`: email gets the readable text, SMS one short line, SQS (and
 * so webhooks) the CloudEvents JSON.
 */
import {
  PublishBatchCommand,
  PublishCommand,
  type PublishBatchRequestEntry,
  type SNSClient,
} from '@aws-sdk/client-sns';
import { chunkBySize } from '../core/concurrency.ts';
import { BUNDLE_EVENT_TYPES, DELIVER_TO_ATTRIBUTE, type Bundle } from '../core/bundles.ts';
import { DeliveryError, SourceError } from '../core/errors.ts';
import { decodeQueued } from './decode.ts';
import { messageAttributes, type TradewatchEvent } from '../core/events.ts';
import { createKeywordMatcher, type KeywordSubscriber } from '../core/keywords.ts';
import { renderSms, renderSubject, renderText } from './render.ts';
import type { EventPublisher, OutboxStore, StoredEvent } from '../run/ports.ts';

/** SNS PublishBatch: 10 entries and 256 KiB in all. */
const BATCH_ENTRIES = 10;
const BATCH_BYTES = 240 * 1024;

export interface SnsMessage {
  Message: string;
  MessageStructure: 'json';
  Subject: string;
  MessageAttributes: PublishBatchRequestEntry['MessageAttributes'];
}

/**
 * The SNS message of one event. `matchedKeywords`: ids of the subscribers whose keywords the event
 * matches (see createKeywordMatcher), sent as the `matchedKeywords` attribute.
 */
export function snsMessage(event: TradewatchEvent, matchedKeywords: readonly string[] = []): SnsMessage {
  const json = JSON.stringify(event);
  return {
    // Protocols without a key of their own (sqs, lambda, http/s, email-json) get `default`.
    Message: JSON.stringify({ default: json, email: renderText(event), sms: renderSms(event) }),
    MessageStructure: 'json',
    Subject: renderSubject(event),
    MessageAttributes: messageAttributes(event, matchedKeywords),
  };
}

/**
 * The SNS message of a bundle, addressed to its subscriber by the `deliverTo` attribute: email gets
 * the text, SMS the line, SQS (a webhook, local mode) the bundle without them (`default`), since
 * the text twice would not fit SNS's 256 KB.
 */
export function bundleMessage(bundle: Bundle): SnsMessage {
  const { text, sms, ...rest } = bundle;
  return {
    Message: JSON.stringify({
      default: JSON.stringify(rest),
      email: text ?? bundle.subject,
      sms: sms ?? bundle.subject,
    }),
    MessageStructure: 'json',
    Subject: bundle.subject,
    MessageAttributes: {
      [DELIVER_TO_ATTRIBUTE]: { DataType: 'String', StringValue: bundle.subscriberId },
      eventType: { DataType: 'String', StringValue: BUNDLE_EVENT_TYPES[bundle.bundle] },
    },
  };
}

/** The CloudEvent a queue received (decode.ts's decodeQueued), refusing a bundle where an event is expected. */
export function decodeDelivered(body: string): TradewatchEvent {
  const payload = decodeQueued(body);
  if ('bundle' in payload) throw new Error(`message is the ${payload.bundle} ${payload.id}, not one CloudEvent`);
  return payload;
}

export interface PublishResult {
  published: number;
  failed: number;
}

export interface PublishPendingDeps {
  store: OutboxStore;
  sns: SNSClient;
  topicArn: string;
  clock: () => Date;
  /**
   * The configured subscribers (or just those with keywords): each event is matched against their
   * keywords and carries the ids that matched in `matchedKeywords`, which keyword subscribers'
   * filter policies select on. @default [] (no keyword subscriber receives anything)
   */
  subscribers?: readonly KeywordSubscriber[];
  /**
   * Called after SNS accepted a batch and before its events are marked published: local mode
   * delivers the batch there, so an event is marked published only once it was delivered.
   */
  afterPublish?: () => Promise<void>;
  /** The pending events, when the caller read them already. @default read from the store */
  pending?: readonly StoredEvent[];
}

/** Publishes the source's pending events in time order; marks each published. */
export async function publishPending(sourceId: string, deps: PublishPendingDeps): Promise<PublishResult> {
  const pending = deps.pending ?? (await deps.store.pendingEvents(sourceId));
  let published = 0;
  const failures: string[] = [];
  const matchKeywords = createKeywordMatcher(deps.subscribers ?? []);
  for (const batch of batchesOf(
    pending.map((stored) => ({ stored, message: snsMessage(stored.event, matchKeywords(stored.event)) })),
  )) {
    const entries = batch.map(({ message }, index) => ({ Id: String(index), ...message }));
    let result;
    try {
      result = await deps.sns.send(
        new PublishBatchCommand({ TopicArn: deps.topicArn, PublishBatchRequestEntries: entries }),
      );
    } catch (error) {
      throw new SourceError(
        sourceId,
        'publish',
        `SNS PublishBatch failed: ${(error as Error).message}; ${pending.length - published} event(s) stay in the outbox`,
        { cause: error },
      );
    }
    if (result.Successful?.length) await deps.afterPublish?.();
    for (const ok of result.Successful ?? []) {
      const { stored } = batch[Number(ok.Id)]!;
      await deps.store.markPublished(sourceId, stored.eventId, ok.MessageId ?? '', deps.clock().toISOString());
      published += 1;
    }
    for (const failed of result.Failed ?? [])
      failures.push(`${batch[Number(failed.Id)]?.stored.eventId}: ${failed.Code} ${failed.Message ?? ''}`.trim());
  }
  if (failures.length) {
    throw new SourceError(
      sourceId,
      'publish',
      `${failures.length} event(s) refused by SNS and kept in the outbox (${failures.slice(0, 3).join('; ')})`,
    );
  }
  return { published, failed: 0 };
}

/** Publishes one event at once, outside the outbox (source-health events). */
export async function publishNow(
  event: TradewatchEvent,
  deps: Pick<PublishPendingDeps, 'sns' | 'topicArn'>,
): Promise<string | undefined> {
  const result = await deps.sns.send(new PublishCommand({ TopicArn: deps.topicArn, ...snsMessage(event) }));
  return result.MessageId;
}

interface Outgoing {
  stored: StoredEvent;
  message: SnsMessage;
}

function batchesOf(events: readonly Outgoing[]): Outgoing[][] {
  return chunkBySize(
    events,
    (outgoing) => Buffer.byteLength(outgoing.message.Message) + 2048,
    BATCH_BYTES,
    BATCH_ENTRIES,
  );
}

export interface SnsPublisherOptions {
  sns: SNSClient;
  /** Where change events and watchlist hits go. */
  alertsTopicArn: string;
  /** Where source-health events go. @default alertsTopicArn */
  operationsTopicArn?: string;
  /** Keyword subscribers, for the `matchedKeywords` attribute. @default none */
  subscribers?: readonly KeywordSubscriber[];
  /** See PublishPendingDeps.afterPublish; also called after a health event. @default none */
  afterPublish?: () => Promise<void>;
}

/** The run's publisher on SNS: the outbox to the alerts topic, health events to the operations topic. */
export function snsPublisher(options: SnsPublisherOptions): EventPublisher {
  return {
    async publishPending(sourceId, pending, outbox, clock) {
      const deps: PublishPendingDeps = {
        store: outbox,
        sns: options.sns,
        topicArn: options.alertsTopicArn,
        clock,
        pending,
      };
      if (options.subscribers) deps.subscribers = options.subscribers;
      if (options.afterPublish) deps.afterPublish = options.afterPublish;
      return (await publishPending(sourceId, deps)).published;
    },
    async publishBundle(bundle) {
      let result;
      try {
        result = await options.sns.send(
          new PublishCommand({ TopicArn: options.alertsTopicArn, ...bundleMessage(bundle) }),
        );
      } catch (error) {
        throw new DeliveryError(
          `subscriber ${bundle.subscriberId}`,
          `SNS Publish of ${bundle.bundle} ${bundle.id} failed: ${(error as Error).message}; it stays pending`,
          { cause: error },
        );
      }
      await options.afterPublish?.();
      return result.MessageId ?? '';
    },
    async publishHealth(event) {
      await publishNow(event, { sns: options.sns, topicArn: options.operationsTopicArn ?? options.alertsTopicArn });
      await options.afterPublish?.();
    },
  };
}
