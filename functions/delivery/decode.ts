/**
 * Reads what reached a subscriber's queue: one change event or one bundle (core/bundles.ts), in
 * whichever wrapping SNS gave it. SNS wraps a message in its JSON envelope unless the subscription
 * has raw delivery; SNS applies `MessageStructure: json` and hands SQS the `sqs` (else `default`)
 * value, while an emulator that does not apply it hands over the whole structure, which is
 * unwrapped the same way. A body that is neither fails here, never quoted in the error, since the
 * dispatcher logs the error and a body may hold what a log must not.
 */
import { isBundle, type Bundle } from '../core/bundles.ts';
import { DeliveryError, type TradewatchErrorOptions } from '../core/errors.ts';
import type { TradewatchEvent } from '../core/events.ts';

/** A queue message that is neither a tradewatch CloudEvent nor a bundle: it must not be sent. */
export class UndecodableMessageError extends DeliveryError {
  constructor(reason: string, options?: TradewatchErrorOptions) {
    super('queue', reason, options);
    this.name = 'UndecodableMessageError';
  }
}

type JsonObject = Record<string, unknown>;

function parseObject(text: string, what: string): JsonObject | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    if (error instanceof SyntaxError) throw new UndecodableMessageError(`${what} is not JSON`, { cause: error });
    throw error;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

/** isBundle checks what every bundle has; a webhook's `events` must also be a list to be sent. */
function isQueuedBundle(value: JsonObject): value is JsonObject & Bundle {
  return isBundle(value) && (value.events === undefined || Array.isArray(value.events));
}

/**
 * The event or bundle in a queue message body (an SNS envelope, a `MessageStructure: json`
 * structure, or the payload itself). Throws UndecodableMessageError for anything else.
 */
export function decodeQueued(body: string): TradewatchEvent | Bundle {
  return decodeQueuedStructure(body).payload;
}

/**
 * decodeQueued, and the `MessageStructure: json` structure the payload came in when it came whole
 * (an emulator hands SQS every key: local delivery reads a bundle's `email` and `sms` from it).
 */
export function decodeQueuedStructure(body: string): { payload: TradewatchEvent | Bundle; structure?: JsonObject } {
  let value = parseObject(body, 'body');
  if (value?.Type === 'Notification' && typeof value.Message === 'string')
    value = parseObject(value.Message, "the SNS notification's Message");
  let structure: JsonObject | undefined;
  if (value && !isQueuedBundle(value) && value.specversion === undefined) {
    const key = value.sqs === undefined || value.sqs === null ? 'default' : 'sqs';
    const structured = value[key];
    if (typeof structured === 'string') {
      structure = value;
      value = parseObject(structured, `the message's "${key}" value`);
    }
  }
  const found = (payload: TradewatchEvent | Bundle) => (structure ? { payload, structure } : { payload });
  if (value && isQueuedBundle(value)) return found(value);
  if (value?.specversion === '1.0') return found(value as unknown as TradewatchEvent);
  throw new UndecodableMessageError('body is neither a tradewatch CloudEvent nor a bundle');
}
