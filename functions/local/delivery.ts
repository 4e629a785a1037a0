/**
 * Local delivery: the alerts of the embedded queues written out (alerts.jsonl, the subscribers'
 * email and SMS files, signed webhooks), each exactly once across crashes (durable-delivery.ts),
 * and the local publisher that marks an event published only once it was delivered.
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { TradewatchEvent } from '../core/events.ts';
import { forDisplay } from '../core/text.ts';
import { snsPublisher } from '../delivery/sns-publisher.ts';
import type { EventPublisher } from '../run/ports.ts';
import { renderSms, renderSubject, renderText } from '../delivery/render.ts';
import { appendOnce, webhookOnce } from './durable-delivery.ts';
import { webhookPayload, type WebhookResult, type WebhookTarget } from '../delivery/webhook.ts';
import { decodeLocal, drainSelected, type QueuedPayload } from './subscriptions.ts';
import type { LocalRuntime } from './runtime.ts';
import { OPERATIONS, type DeliveredAlert, type DeliveryTarget } from './targets.ts';

/**
 * Drains the local queues. Without configured subscribers: the catch-all delivery queue, each alert
 * delivered once (a receipt per event id in the table makes SNS's at-least-once delivery
 * exactly-once here), appended to the JSON-lines file, POSTed to the webhook if one is set, then
 * passed to `show`. With subscribers: the catch-all queue still writes the JSON-lines file (and the
 * environment's webhook) without showing anything, and each subscriber queue delivers what the
 * subscriber's filter policy selects, once per subscriber, each delivery passed to `show`. The
 * operations recipients' health events are delivered and shown in both cases.
 */
export async function deliverQueued(
  runtime: LocalRuntime,
  show: (alert: DeliveredAlert) => void,
): Promise<DeliveredAlert[]> {
  const hasSubscribers = !runtime.showEveryAlert && runtime.subscriberQueues.some((queue) => queue.id !== OPERATIONS);
  const retried = await retryDeadLetters(runtime, show);
  const catchAll = await deliverCatchAll(runtime, hasSubscribers ? () => undefined : show);
  const delivered = [...retried, ...(hasSubscribers ? [] : catchAll)];
  for (const queue of runtime.subscriberQueues) {
    await drainSelected(runtime.sqs, queue.queueUrl, queue.policy, async (payload) => {
      for (const target of queue.targets) {
        const alert = await deliverOnce(runtime, queue.id, target, payload);
        if (!alert) continue;
        delivered.push(alert);
        show(alert);
      }
    });
  }
  return delivered;
}

async function deliverCatchAll(
  runtime: LocalRuntime,
  show: (alert: DeliveredAlert) => void,
): Promise<DeliveredAlert[]> {
  const delivered: DeliveredAlert[] = [];
  for (;;) {
    const { Messages = [] } = await runtime.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: runtime.deliveryQueueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) break;
    for (const message of Messages) {
      // alerts.jsonl is the trail of change events; bundles are each one subscriber's, delivered to it.
      const payload = decodeLocal(message.Body ?? '');
      if (payload.bundle) continue;
      const event = payload.event;
      const body = JSON.stringify(event);
      const written = await appendOnce(runtime.receipts, 'local', event.id, runtime.alertsFile, `${body}\n`);
      const alert: DeliveredAlert = { event };
      if (runtime.webhook) {
        const result = await webhookOnce(
          runtime.receipts,
          'local:webhook',
          event.id,
          body,
          runtime.webhook,
          runtime.clock,
        );
        if (result) alert.webhook = webhookOutcome(result);
      }
      if (!written && !alert.webhook) continue;
      delivered.push(alert);
      show(alert);
    }
    await runtime.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: runtime.deliveryQueueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  }
  return delivered;
}

/**
 * One event or bundle to one target, at most once (the receipt is per subscriber and payload id):
 * the email text, the SMS line, or one signed POST (an event's CloudEvent, a bundle's batch).
 */
async function deliverOnce(
  runtime: LocalRuntime,
  subscriber: string,
  target: DeliveryTarget,
  payload: QueuedPayload,
): Promise<DeliveredAlert | undefined> {
  const receipt = receiptChannel(subscriber, target);
  const { event, bundle } = payload;
  const id = bundle ? bundle.id : event.id;
  const delivered = (channel: DeliveryTarget['channel'], text: string): DeliveredAlert => ({
    ...payload,
    delivery: { subscriber, channel, to: target.to, text },
  });
  switch (target.channel) {
    case 'email': {
      const text = [
        `To: ${target.to}`,
        `Subject: ${bundle ? bundle.subject : renderSubject(event)}`,
        `${bundle ? 'Bundle-Id' : 'Event-Id'}: ${id}`,
        '',
        bundle ? (bundle.text ?? '') : renderText(event),
        '',
        '',
      ].join('\n');
      if (!(await appendOnce(runtime.receipts, receipt, id, target.file, text))) return undefined;
      return delivered('email', text);
    }
    case 'sms': {
      const text = bundle ? (bundle.sms ?? bundle.subject) : renderSms(event);
      if (!(await appendOnce(runtime.receipts, receipt, id, target.file, `${text}\n`))) return undefined;
      return delivered('sms', text);
    }
    case 'webhook': {
      // A bundle without CloudEvents (an email-shaped one) is refused by name.
      const { body } = webhookPayload(bundle ?? event);
      const result = await webhookOnce(runtime.receipts, receipt, id, body, target.webhook, runtime.clock);
      if (!result) return undefined;
      return { ...delivered('webhook', body), webhook: webhookOutcome(result) };
    }
  }
}

/** The receipt channel of one subscriber's target (the operations recipients have one per channel). */
function receiptChannel(subscriber: string, target: DeliveryTarget): string {
  return subscriber === OPERATIONS ? `${OPERATIONS}:${target.channel}` : `subscriber:${subscriber}`;
}

/** What the terminal shows of a webhook delivery. */
function webhookOutcome(result: WebhookResult): NonNullable<DeliveredAlert['webhook']> {
  return { delivered: result.delivered, attempts: result.attempts, ...(result.error ? { error: result.error } : {}) };
}

/**
 * Webhook deliveries an earlier run could not make (dead letters) whose retry time has come: tried
 * again, each shown like a fresh delivery.
 */
async function retryDeadLetters(
  runtime: LocalRuntime,
  show: (alert: DeliveredAlert) => void,
): Promise<DeliveredAlert[]> {
  // Every webhook a run delivers to: the environment's (no subscriber) and each subscriber's.
  const webhooks: { channel: string; webhook: WebhookTarget; alertOf: AlertOf }[] = [];
  if (runtime.webhook)
    webhooks.push({
      channel: 'local:webhook',
      webhook: runtime.webhook,
      alertOf: (payload, _body, result, id) => ({
        ...payloadAlert(payload, id, 'local'),
        webhook: webhookOutcome(result),
      }),
    });
  for (const queue of runtime.subscriberQueues)
    for (const target of queue.targets)
      if (target.channel === 'webhook')
        webhooks.push({
          channel: receiptChannel(queue.id, target),
          webhook: target.webhook,
          alertOf: (payload, body, result, id) => ({
            ...payloadAlert(payload, id, queue.id),
            delivery: { subscriber: queue.id, channel: 'webhook' as const, to: target.to, text: body },
            webhook: webhookOutcome(result),
          }),
        });
  const retried: DeliveredAlert[] = [];
  const now = runtime.clock();
  for (const { channel, webhook, alertOf } of webhooks) {
    for (const letter of await runtime.receipts.dueFailures(channel, now)) {
      const { eventId, body } = letter;
      const result = await webhookOnce(runtime.receipts, channel, eventId, body, webhook, runtime.clock);
      if (!result) continue;
      const alert = alertOf(JSON.parse(body) as TradewatchEvent | TradewatchEvent[], body, result, eventId);
      retried.push(alert);
      show(alert);
    }
  }
  return retried;
}

type AlertOf = (
  payload: TradewatchEvent | TradewatchEvent[],
  body: string,
  result: WebhookResult,
  id: string,
) => DeliveredAlert;

/** A dead letter's payload as an alert: one event, or the batch of a bundle (known by its id alone). */
function payloadAlert(payload: TradewatchEvent | TradewatchEvent[], id: string, subscriber: string): DeliveredAlert {
  if (!Array.isArray(payload)) return { event: payload };
  const total = payload.length;
  return {
    bundle: {
      bundle: 'publication',
      id,
      subscriberId: subscriber,
      subject: `${total} change(s), delivered again`,
      counts: { total, inFull: total, oneLine: 0, leftOut: 0 },
      eventIds: payload.map((event) => event.id),
      events: payload,
    },
  };
}

/**
 * The run's publisher in local mode. The embedded SQS queues die with the process, so an event
 * marked published there could be lost: here each batch is published, then every queue is drained
 * and delivered (outputs written, receipts done), and only then marked published. A process killed
 * anywhere leaves the event pending, and the next run publishes it again; the receipts make its
 * delivery happen once.
 */
export function localPublisher(runtime: LocalRuntime, show: (alert: DeliveredAlert) => void): EventPublisher {
  const deliver = async () => {
    await deliverQueued(runtime, show);
  };
  return snsPublisher({
    sns: runtime.sns,
    alertsTopicArn: runtime.alertsTopicArn,
    operationsTopicArn: runtime.operationsTopicArn,
    ...(runtime.config ? { subscribers: runtime.config.subscribers } : {}),
    afterPublish: deliver,
  });
}

/** A configured delivery as the terminal shows it: a header naming the subscriber, then what it got. */
export function describeDelivery(alert: DeliveredAlert): string {
  const { delivery } = alert;
  if (!delivery) return alert.bundle ? (alert.bundle.text ?? alert.bundle.subject) : renderText(alert.event);
  const rule = '─'.repeat(72);
  // What was delivered is printed as the terminal would show it: the texts came back through the
  // queue, and the addresses and errors are strings too, so each goes through forDisplay again.
  const subscriber = forDisplay(delivery.subscriber);
  const to = forDisplay(delivery.to);
  switch (delivery.channel) {
    case 'email':
      return `${rule}\nemail to ${subscriber} <${to}>\n${forDisplay(delivery.text.trimEnd(), { multiline: true })}`;
    case 'sms':
      return `${rule}\nSMS to ${subscriber} (${to})\n${forDisplay(delivery.text)}`;
    case 'webhook': {
      const outcome = alert.webhook?.delivered
        ? `delivered (${alert.webhook.attempts} attempt(s))`
        : `FAILED: ${forDisplay(alert.webhook?.error ?? 'unknown error')}`;
      const about = alert.bundle ? forDisplay(alert.bundle.subject) : renderSubject(alert.event);
      return `${rule}\nwebhook to ${subscriber} (${to}): ${outcome}\n${about}`;
    }
  }
}
