/**
 * Subscriber queues in local mode: one SQS queue per subscriber, subscribed to the topics with the
 * subscriber's filter policy, as the stack subscribes them on AWS.
 *
 * fauxqs 1.9.2 compares a `String.Array` attribute as one string, so a policy on `countries`,
 * `programs`, `topics` or `matchedKeywords` would never match there. The subscription therefore
 * carries the part of the policy fauxqs evaluates as SNS does (the single-valued attributes:
 * source, eventType, changeType, list, matchedWatchlists, announced, deliverTo), and the consumer applies the whole policy to the attributes
 * the queue hands over (raw delivery keeps them), with SNS's semantics (functions/core/filter-policy.ts).
 * What a subscriber receives is then what SNS would deliver to it.
 */
import { SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { DELIVER_TO_ATTRIBUTE, type Bundle } from '../core/bundles.ts';
import type { TradewatchEvent } from '../core/events.ts';
import { matchesFilterPolicy, type FilterAttribute, type FilterPolicy } from '../core/filter-policy.ts';
import { decodeQueuedStructure } from '../delivery/decode.ts';

/** What a local queue hands over: one change event, or a bundle with its texts. */
export type QueuedPayload = { event: TradewatchEvent; bundle?: undefined } | { bundle: Bundle; event?: undefined };

/**
 * Reads a local queue's message. fauxqs hands SQS the whole `MessageStructure: json` structure
 * (`default`, `email`, `sms`), so a bundle's texts are taken from there.
 */
export function decodeLocal(body: string): QueuedPayload {
  const { payload, structure } = decodeQueuedStructure(body);
  if (!('bundle' in payload)) return { event: payload };
  const bundle: Bundle = { ...payload };
  if (bundle.text === undefined && typeof structure?.email === 'string') bundle.text = structure.email;
  if (bundle.sms === undefined && typeof structure?.sms === 'string') bundle.sms = structure.sms;
  return { bundle };
}

/** Attributes functions/core/events.ts sends as `String`: the ones fauxqs matches correctly. */
const SINGLE_VALUED_ATTRIBUTES = [
  'source',
  'eventType',
  'changeType',
  'list',
  'matchedWatchlists',
  'announced',
  DELIVER_TO_ATTRIBUTE,
];

/**
 * The part of a policy fauxqs evaluates as SNS does: the single-valued keys, in every `$or`
 * branch. It selects a superset of what the whole policy selects; undefined when nothing is left.
 */
export function emulatorFilterPolicy(policy: FilterPolicy): FilterPolicy | undefined {
  const project = (group: FilterPolicy): FilterPolicy => {
    const kept: FilterPolicy = {};
    for (const [key, condition] of Object.entries(group)) {
      if (key === '$or') {
        const branches = (condition as FilterPolicy[]).map(project);
        // A branch left without keys accepts everything, and so does the whole `$or`.
        if (branches.every((branch) => Object.keys(branch).length > 0)) kept.$or = branches;
      } else if (SINGLE_VALUED_ATTRIBUTES.includes(key)) kept[key] = condition;
    }
    return kept;
  };
  const projected = project(policy);
  return Object.keys(projected).length ? projected : undefined;
}

export interface SubscribeQueueOptions {
  queueName: string;
  topicArns: readonly string[];
  /** The subscriber's whole SNS filter policy. @default undefined (everything) */
  policy?: FilterPolicy;
}

/** Creates the queue and subscribes it (raw delivery, so the attributes reach the consumer). */
export async function subscribeQueue(sns: SNSClient, sqs: SQSClient, options: SubscribeQueueOptions): Promise<string> {
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: options.queueName }))).QueueUrl!;
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] })))
    .Attributes!.QueueArn!;
  const emulatorPolicy = options.policy ? emulatorFilterPolicy(options.policy) : undefined;
  const attributes: Record<string, string> = { RawMessageDelivery: 'true' };
  if (emulatorPolicy) attributes.FilterPolicy = JSON.stringify(emulatorPolicy);
  for (const topicArn of options.topicArns) {
    await sns.send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn, Attributes: attributes }),
    );
  }
  return queueUrl;
}

function attributesOf(message: Message): Record<string, FilterAttribute> {
  const attributes: Record<string, FilterAttribute> = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    attributes[name] = {
      ...(value.DataType ? { DataType: value.DataType } : {}),
      ...(value.StringValue !== undefined ? { StringValue: value.StringValue } : {}),
    };
  }
  return attributes;
}

/**
 * Drains a subscriber queue: each message the policy selects goes to `deliver`, in order, and is
 * deleted once delivered; a message the policy does not select is deleted unseen. A `deliver` that
 * throws leaves the rest of its batch in the queue.
 */
export async function drainSelected(
  sqs: SQSClient,
  queueUrl: string,
  policy: FilterPolicy | undefined,
  deliver: (payload: QueuedPayload) => Promise<void>,
): Promise<void> {
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) return;
    const done: Message[] = [];
    try {
      for (const message of Messages) {
        if (!policy || matchesFilterPolicy(policy, attributesOf(message)))
          await deliver(decodeLocal(message.Body ?? ''));
        done.push(message);
      }
    } finally {
      if (done.length)
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
          }),
        );
    }
  }
}
