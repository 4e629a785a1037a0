/**
 * Exactly-once local outputs (see receipts.ts for the protocol): an alert appended to a file once
 * even when the process is killed mid-write, a webhook POSTed until its receiver acknowledges it,
 * across runs, with failures kept as dead letters and retried when due.
 */
import { open, stat, truncate } from 'node:fs/promises';
import type { WebhookResult, WebhookTarget } from '../delivery/webhook.ts';
import { WEBHOOK_CONTENT_TYPES, deliverPayload } from '../delivery/webhook.ts';
import type { DeliveryReceipts } from './receipts.ts';

/** A Retry-After longer than this parks the delivery as a dead letter instead of waiting. */
export const LOCAL_RETRY_AFTER_LIMIT_MS = 60_000;
/** Longest wait before a failed webhook is tried again by a later run. */
const MAX_RETRY_DELAY_MS = 24 * 3600_000;
/** Attempts of one webhook delivery inside one run. */
const ATTEMPTS_PER_RUN = 3;

/** Appends `text` to `file` once for (channel, event id); false when it was written before. */
export async function appendOnce(
  receipts: DeliveryReceipts,
  channel: string,
  eventId: string,
  file: string,
  text: string,
): Promise<boolean> {
  const receipt = await receipts.get(channel, eventId);
  if (receipt?.status === 'done') return false;
  // Killed while writing (or before the receipt said done): undo whatever reached the file.
  if (receipt?.status === 'writing' && receipt.file === file && receipt.offset !== undefined) {
    if ((await sizeOf(file)) > receipt.offset) await truncate(file, receipt.offset);
  }
  await receipts.put(channel, eventId, { status: 'writing', file, offset: await sizeOf(file) });
  const handle = await open(file, 'a');
  try {
    await handle.write(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await receipts.put(channel, eventId, { status: 'done' });
  return true;
}

/**
 * POSTs the event (or a bundle's CloudEvents batch, by its id) once acknowledged; undefined when it was delivered before. A delivery that still
 * fails is kept as a dead letter (the body in its receipt) for a later run, from the receiver's
 * Retry-After or an exponential delay on.
 */
export async function webhookOnce(
  receipts: DeliveryReceipts,
  channel: string,
  eventId: string,
  body: string,
  target: WebhookTarget,
  now: () => Date = () => new Date(),
): Promise<WebhookResult | undefined> {
  const receipt = await receipts.get(channel, eventId);
  if (receipt?.status === 'done') return undefined;
  const previousAttempts = receipt?.status === 'failed' ? receipt.attempts : 0;
  await receipts.put(channel, eventId, { status: 'writing' });
  let result: WebhookResult;
  try {
    // A dead letter keeps its body only: a JSON array is a bundle's CloudEvents batch.
    const contentType = body.trimStart().startsWith('[') ? WEBHOOK_CONTENT_TYPES.batch : WEBHOOK_CONTENT_TYPES.event;
    result = await deliverPayload(
      target,
      { id: eventId, body, contentType },
      { attempts: ATTEMPTS_PER_RUN, retryAfterLimitMs: LOCAL_RETRY_AFTER_LIMIT_MS },
    );
  } catch (error) {
    result = { delivered: false, attempts: 1, error: (error as Error).message };
  }
  if (result.delivered) {
    await receipts.put(channel, eventId, { status: 'done' });
    return result;
  }
  const attempts = previousAttempts + result.attempts;
  const delay = result.retryAfterMs ?? Math.min(MAX_RETRY_DELAY_MS, 30_000 * 2 ** Math.min(20, attempts));
  await receipts.put(channel, eventId, {
    status: 'failed',
    retryAt: new Date(now().getTime() + delay).toISOString(),
    attempts,
    body,
    error: result.error ?? 'not delivered',
  });
  return result;
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}
