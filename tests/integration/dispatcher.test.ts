/**
 * The webhook dispatcher against real servers on loopback: SQS and SNS from fauxqs (a webhook queue
 * with a redrive policy to a dead-letter queue, as the stack creates it) and an HTTP receiver that
 * verifies every request with the Standard Webhooks algorithm. The tests play Lambda's SQS event
 * source mapping themselves: receive a batch from the queue, invoke the handler with it, delete
 * the records the handler did not report in batchItemFailures. A handler that throws deletes
 * nothing.
 *
 * The signing secret: aws-sdk-client-mock is not installed, so the handler gets an injected
 * `getSecret`; the environment path (Secrets Manager, SSM) is tested with the real SDK clients
 * against a small loopback server that answers their JSON protocol.
 */
import { randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CreateTopicCommand, PublishCommand, SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { snsClient, sqsClient } from '../../functions/aws/clients.ts';
import { publicationId, type Bundle } from '../../functions/core/bundles.ts';
import type { TradewatchEvent } from '../../functions/core/events.ts';
import {
  createDispatchHandler,
  dispatchConfigFromEnv,
  handler,
  type DispatchHandlerConfig,
} from '../../functions/handlers/dispatch-webhook.ts';
import {
  deliveryBudgetMs,
  dispatchQueue,
  queueUrlFromArn,
  type DeliveryOutcome,
} from '../../functions/delivery/webhook-dispatch.ts';
import { startMessaging, type EmbeddedMessaging } from '../../functions/local/services.ts';
import type { Logger } from '../../functions/run/ports.ts';
import { decodeQueued } from '../../functions/delivery/decode.ts';
import { bundleMessage, decodeDelivered } from '../../functions/delivery/sns-publisher.ts';
import { verifyWebhook } from '../../functions/delivery/webhook.ts';
import { startHttpServer, type TestServer } from '../helpers/http-server.ts';

const SECRET = `whsec_${Buffer.from('dispatcher-test-key-0123456789ab').toString('base64')}`;
const ROTATED_SECRET = `whsec_${Buffer.from('dispatcher-rotated-key-987654321').toString('base64')}`;
/** Short, so that a timeout or a 500 costs little; two attempts per invocation. */
const FAST = { attempts: 2, timeoutMs: 300, backoffMs: 10, maxBackoffMs: 50 };
const MAX_RECEIVE_COUNT = 3;

let messaging: EmbeddedMessaging;
let sqs: SQSClient;
let sns: SNSClient;

beforeAll(async () => {
  messaging = await startMessaging();
  sqs = sqsClient({ endpoint: messaging.endpoint });
  sns = snsClient({ endpoint: messaging.endpoint });
});
afterAll(async () => {
  sqs.destroy();
  sns.destroy();
  await messaging.stop();
});

interface WebhookQueue {
  url: string;
  arn: string;
  dlqUrl: string;
  topicArn: string;
}

/** The stack's shape for one subscriber: topic ─▶ (subscription) ─▶ queue, redrive to a DLQ. */
async function createWebhookQueue(rawDelivery = true): Promise<WebhookQueue> {
  const name = `hook-${randomUUID().slice(0, 8)}`;
  const dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }))).QueueUrl!;
  const dlqArn = await queueArn(dlqUrl);
  const url = (
    await sqs.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: {
          VisibilityTimeout: '1',
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: MAX_RECEIVE_COUNT }),
        },
      }),
    )
  ).QueueUrl!;
  const arn = await queueArn(url);
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: `${name}-alerts` }))).TopicArn!;
  await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: arn,
      Attributes: { RawMessageDelivery: String(rawDelivery) },
    }),
  );
  return { url, arn, dlqUrl, topicArn };
}

async function queueArn(url: string): Promise<string> {
  return (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!
    .QueueArn!;
}

/** Messages in the queue, visible or not (an expired receive still counts until the next receive). */
async function messagesIn(url: string): Promise<{ visible: number; inFlight: number }> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible),
  };
}

async function drain(url: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 30 }),
    );
    if (!Messages.length) return all;
    all.push(...Messages);
  }
}

let eventCounter = 0;
type TestEvent = Record<string, unknown> & { id: string };

function cloudEvent(name = 'ACME TRADING LLC'): TestEvent {
  eventCounter += 1;
  const recordId = String(10_000 + eventCounter);
  return {
    specversion: '1.0',
    id: randomUUID().replaceAll('-', ''),
    source: 'tradewatch/us-ofac-sdn',
    type: 'tradewatch.record.added',
    subject: recordId,
    time: '2026-01-01T00:00:00.000Z',
    datacontenttype: 'application/json',
    data: {
      sourceId: 'us-ofac-sdn',
      sourceTitle: 'OFAC SDN',
      changeType: 'added',
      recordId,
      name,
      list: 'SDN',
      record: null,
      previous: null,
      fields: [],
      sourceUrl: 'https://sanctionssearch.ofac.treas.gov/',
    },
  };
}

/** Publishes through SNS as publish.ts does (MessageStructure json, filter attributes). */
async function publish(queue: WebhookQueue, events: TestEvent[]): Promise<void> {
  for (const event of events) {
    await sns.send(
      new PublishCommand({
        TopicArn: queue.topicArn,
        Message: JSON.stringify({ default: JSON.stringify(event), email: 'text', sms: 'line' }),
        MessageStructure: 'json',
        MessageAttributes: {
          changeType: { DataType: 'String', StringValue: 'added' },
          source: { DataType: 'String', StringValue: 'us-ofac-sdn' },
        },
      }),
    );
  }
}

/** A webhook subscriber's publication of `events`, as the poller builds it. */
function publication(events: TestEvent[], overrides: Partial<Bundle> = {}): Bundle {
  const version = `2026-01-01T00:00:${String(eventCounter % 60).padStart(2, '0')}.000Z`;
  return {
    bundle: 'publication',
    id: publicationId('acme', `us-ofac-sdn-${randomUUID()}`, version),
    subscriberId: 'acme',
    sourceId: 'us-ofac-sdn',
    version,
    subject: `OFAC SDN: ${events.length} added`,
    text: 'the email text',
    sms: 'the SMS line',
    counts: { total: events.length, inFull: events.length, oneLine: 0, leftOut: 0 },
    eventIds: events.map((e) => e.id),
    events: events as unknown as TradewatchEvent[],
    ...overrides,
  };
}

/** Publishes bundles through SNS as the publisher does (bundleMessage: the texts for email, the rest for SQS). */
async function publishBundles(queue: WebhookQueue, bundles: Bundle[]): Promise<void> {
  for (const bundle of bundles)
    await sns.send(new PublishCommand({ TopicArn: queue.topicArn, ...bundleMessage(bundle) }));
}

function toSqsRecord(message: Message, eventSourceARN: string): SQSRecord {
  const messageAttributes: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      dataType: value.DataType ?? 'String',
      stringListValues: [],
      binaryListValues: [],
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
    };
  }
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? '0',
      SenderId: attributes.SenderId ?? '000000000000',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? '0',
    },
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN,
    awsRegion: 'us-east-1',
  };
}

function lambdaContext(remainingMs: number): Context {
  return {
    getRemainingTimeInMillis: () => remainingMs,
    functionName: 'dispatch-webhook',
    awsRequestId: randomUUID(),
  } as unknown as Context;
}

type DispatchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

interface Invocation {
  records: SQSRecord[];
  failures: string[];
}

/**
 * One turn of Lambda's SQS event source mapping: receive a batch (long-polling up to
 * `waitSeconds`), invoke the handler, delete the records not reported failed. An empty receive
 * invokes nothing.
 */
async function invokeFromQueue(
  handler: DispatchHandler,
  queue: WebhookQueue,
  options: { waitSeconds?: number; remainingMs?: number } = {},
): Promise<Invocation> {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queue.url,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: options.waitSeconds ?? 0,
      MessageAttributeNames: ['All'],
      MessageSystemAttributeNames: ['All'],
    }),
  );
  if (!Messages.length) return { records: [], failures: [] };
  const records = Messages.map((m) => toSqsRecord(m, queue.arn));
  const response = await handler({ Records: records }, lambdaContext(options.remainingMs ?? 60_000));
  const failures = response.batchItemFailures.map((f) => f.itemIdentifier);
  const done = records.filter((r) => !failures.includes(r.messageId));
  if (done.length)
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
      }),
    );
  return { records, failures };
}

/** Invokes (long-polling) until `count` records have been handled, whatever the batches. */
async function invokeForRecords(handler: DispatchHandler, queue: WebhookQueue, count: number): Promise<Invocation> {
  const all: Invocation = { records: [], failures: [] };
  for (let turn = 0; turn < 10 && all.records.length < count; turn++) {
    const invocation = await invokeFromQueue(handler, queue, { waitSeconds: 5 });
    all.records.push(...invocation.records);
    all.failures.push(...invocation.failures);
  }
  return all;
}

/** Invokes until the queue holds nothing (delivered or moved to the DLQ); returns the receives. */
async function invokeUntilEmpty(handler: DispatchHandler, queue: WebhookQueue): Promise<Invocation[]> {
  const invocations: Invocation[] = [];
  for (let turn = 0; turn < 20; turn++) {
    const { visible, inFlight } = await messagesIn(queue.url);
    if (visible + inFlight === 0) return invocations;
    const invocation = await invokeFromQueue(handler, queue, { waitSeconds: 3 });
    if (invocation.records.length) invocations.push(invocation);
  }
  throw new Error('the queue did not empty in 20 turns');
}

interface LogLine {
  level: string;
  message: string;
  [field: string]: unknown;
}

function captureLog(): {
  log: Logger;
  lines: LogLine[];
  deliveries: () => (DeliveryOutcome & { subscriber: string })[];
} {
  const lines: LogLine[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    void lines.push({ level, message, ...fields });
  return {
    log: { info: at('INFO'), warn: at('WARN'), error: at('ERROR') },
    lines,
    deliveries: () =>
      lines.filter((l) => l.message === 'webhook delivery') as unknown as (DeliveryOutcome & { subscriber: string })[],
  };
}

/**
 * Collects what is written to `stream`, one entry per line. Powertools Logger writes through a
 * Console of its own on process.stdout (INFO) and process.stderr (WARN, ERROR), not through the
 * global console. Undone by vi.restoreAllMocks().
 */
function captureOutput(stream: NodeJS.WriteStream, lines: string[]): void {
  vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  });
}

type Reply = number | { status: number; headers?: Record<string, string> } | 'hang';

interface Receiver {
  /** Requests whose signature verified, by webhook-id, in order. */
  verified: Map<string, number>;
  rejected: number;
}

/**
 * A webhook receiver: verifies each request with the secret it currently knows (Standard Webhooks),
 * answers 401 to a bad signature, otherwise what `reply` says for that event's n-th signed request.
 */
function receiver(
  server: TestServer,
  reply: (eventId: string, attempt: number) => Reply,
  secret: () => string = () => SECRET,
): Receiver {
  const state: Receiver = { verified: new Map(), rejected: 0 };
  server.handle((req, res, body) => {
    const id = String(req.headers['webhook-id']);
    const valid = verifyWebhook(
      secret(),
      { id, timestamp: String(req.headers['webhook-timestamp']), signature: String(req.headers['webhook-signature']) },
      body,
    );
    if (!valid) {
      state.rejected += 1;
      res.writeHead(401).end();
      return;
    }
    const attempt = (state.verified.get(id) ?? 0) + 1;
    state.verified.set(id, attempt);
    const answer = reply(id, attempt);
    if (answer === 'hang') return;
    const { status, headers } = typeof answer === 'number' ? { status: answer, headers: {} } : answer;
    res.writeHead(status, headers).end();
  });
  return state;
}

describe('webhook dispatcher: SQS event ─▶ signed POST', () => {
  let server: TestServer;
  let captured: ReturnType<typeof captureLog>;
  let secretFetches: number;
  let queue: WebhookQueue;

  function dispatcher(overrides: Partial<DispatchHandlerConfig> = {}): DispatchHandler {
    return createDispatchHandler({
      sqs,
      url: `${server.url}/hooks/acme`,
      subscriberId: 'acme',
      getSecret: async () => {
        secretFetches += 1;
        return SECRET;
      },
      queueUrl: queue.url,
      allowPrivateHosts: true,
      delivery: FAST,
      log: captured.log,
      ...overrides,
    });
  }

  beforeEach(async () => {
    server = await startHttpServer();
    captured = captureLog();
    secretFetches = 0;
    queue = await createWebhookQueue();
  });
  afterEach(async () => {
    await server.close();
  });

  it('POSTs each CloudEvent signed so the receiver verifies it, with the event id as webhook-id, and deletes the delivered messages', async () => {
    // Prepare: SNS's default envelope (no raw delivery), as AWS delivers it unless told otherwise.
    queue = await createWebhookQueue(false);
    const received = receiver(server, () => 204);
    const events = [cloudEvent(), cloudEvent(), cloudEvent()];
    await publish(queue, events);
    const handler = dispatcher();

    // Act
    const invocation = await invokeFromQueue(handler, queue);

    // Assess
    expect(invocation.records).toHaveLength(3);
    expect(invocation.failures).toEqual([]);
    expect(received.rejected).toBe(0);
    expect([...received.verified.keys()].sort()).toEqual(events.map((e) => e.id).sort());
    for (const request of server.requests) {
      expect(request.headers['content-type']).toBe('application/cloudevents+json');
      expect(JSON.parse(request.body)).toEqual(events.find((e) => e.id === request.headers['webhook-id']));
    }
    expect(await messagesIn(queue.url)).toEqual({ visible: 0, inFlight: 0 });
    expect(await messagesIn(queue.dlqUrl)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('fetches the signing secret once for the life of the function, not once per invocation or message', async () => {
    receiver(server, () => 204);
    const handler = dispatcher();
    await publish(queue, [cloudEvent(), cloudEvent()]);
    await invokeFromQueue(handler, queue);
    await publish(queue, [cloudEvent()]);
    const second = await invokeFromQueue(handler, queue);
    expect(second.failures).toEqual([]);
    expect(server.requests).toHaveLength(3);
    expect(secretFetches).toBe(1);
  });

  it('retries a 500, a timeout and a 429 with a short Retry-After inside one invocation, with the same webhook-id', async () => {
    const received = receiver(
      server,
      (_id, attempt) => [500, 'hang', { status: 429, headers: { 'retry-after': '0' } }, 204][attempt - 1] as Reply,
    );
    const event = cloudEvent();
    await publish(queue, [event]);

    const invocation = await invokeFromQueue(dispatcher({ delivery: { ...FAST, attempts: 4 } }), queue);

    expect(invocation.failures).toEqual([]);
    expect(received.verified.get(event.id)).toBe(4);
    expect(new Set(server.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([event.id]));
    expect(captured.deliveries()).toMatchObject([
      { eventId: event.id, outcome: 'delivered', attempts: 4, httpStatus: 204 },
    ]);
    expect(await messagesIn(queue.url)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('reports a 500 and a timeout that outlast the attempts in batchItemFailures, and delivers them when SQS redelivers', async () => {
    const failing = cloudEvent();
    const hanging = cloudEvent();
    receiver(server, (id, attempt) => (attempt <= FAST.attempts ? (id === failing.id ? 500 : 'hang') : 204));
    await publish(queue, [failing, hanging]);
    const handler = dispatcher();

    const first = await invokeFromQueue(handler, queue);
    const second = await invokeForRecords(handler, queue, 2);

    expect(first.failures.sort()).toEqual(first.records.map((r) => r.messageId).sort());
    expect(first.failures).toHaveLength(2);
    expect(second.records.map((r) => r.messageId).sort()).toEqual(first.failures.sort());
    expect(second.records.map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['2', '2']);
    expect(second.failures).toEqual([]);
    const outcomes = captured.deliveries();
    expect(
      outcomes
        .filter((o) => o.outcome === 'retryable')
        .map((o) => [o.eventId, o.httpStatus ?? 'timeout', o.attempts])
        .sort(),
    ).toEqual(
      [
        [failing.id, 500, 2],
        [hanging.id, 'timeout', 2],
      ].sort(),
    );
    expect(
      outcomes
        .filter((o) => o.outcome === 'delivered')
        .map((o) => o.eventId)
        .sort(),
    ).toEqual([failing.id, hanging.id].sort());
    expect(await messagesIn(queue.url)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('holds back a message answered 429 or 503 with Retry-After by setting its visibility timeout to that delay', async () => {
    // Prepare: Retry-After 30 s against a queue visibility timeout of 1 s; a 500 is the control.
    const throttled = cloudEvent();
    const unavailable = cloudEvent();
    const control = cloudEvent();
    receiver(server, (id, attempt) => {
      if (id === throttled.id) return { status: 429, headers: { 'retry-after': '30' } };
      if (id === unavailable.id) return { status: 503, headers: { 'retry-after': '30' } };
      return attempt <= FAST.attempts ? 500 : 204;
    });
    await publish(queue, [throttled, unavailable, control]);
    const handler = dispatcher();

    // Act
    const first = await invokeFromQueue(handler, queue);
    const second = await invokeFromQueue(handler, queue, { waitSeconds: 5 });

    // Assess: a Retry-After beyond the in-invocation wait ends the attempts at once; the control came
    // back after the queue's 1 s, the two held back did not, and are still in the queue.
    expect(first.failures).toHaveLength(3);
    const byEvent = new Map(
      captured
        .deliveries()
        .filter((o) => o.outcome === 'retryable')
        .map((o) => [o.eventId, o]),
    );
    expect(byEvent.get(throttled.id)).toMatchObject({ httpStatus: 429, attempts: 1, retryAfterSeconds: 30 });
    expect(byEvent.get(unavailable.id)).toMatchObject({ httpStatus: 503, attempts: 1, retryAfterSeconds: 30 });
    expect(byEvent.get(control.id)?.retryAfterSeconds).toBeUndefined();
    expect(second.records).toHaveLength(1);
    expect(decodeDelivered(second.records[0]!.body).id).toBe(control.id);
    expect(second.failures).toEqual([]);
    expect(await messagesIn(queue.url)).toEqual({ visible: 0, inFlight: 2 });
  });

  it('does not retry a 400 within the invocation and reports it failed', async () => {
    const event = cloudEvent();
    const received = receiver(server, () => 400);
    await publish(queue, [event]);

    const invocation = await invokeFromQueue(dispatcher({ delivery: { ...FAST, attempts: 3 } }), queue);

    expect(received.verified.get(event.id)).toBe(1);
    expect(invocation.failures).toEqual([invocation.records[0]!.messageId]);
    expect(captured.deliveries()).toMatchObject([
      { eventId: event.id, outcome: 'permanent', httpStatus: 400, attempts: 1 },
    ]);
  });

  it('parks every undelivered event in the dead-letter queue after maxReceiveCount receives, losing nothing and parking nothing delivered', async () => {
    // Prepare: six events; the receiver always fails two with 500 and one with 400.
    const events = Array.from({ length: 6 }, () => cloudEvent());
    const serverError = new Set([events[1]!.id, events[4]!.id]);
    const clientError = new Set([events[2]!.id]);
    const received = receiver(server, (id) => (serverError.has(id) ? 500 : clientError.has(id) ? 400 : 204));
    await publish(queue, events);

    // Act
    await invokeUntilEmpty(dispatcher(), queue);

    // Assess
    const parked = await drain(queue.dlqUrl);
    const parkedIds = parked.map((m) => decodeDelivered(m.Body!).id);
    expect(parkedIds.sort()).toEqual([...serverError, ...clientError].sort());
    const delivered = captured
      .deliveries()
      .filter((o) => o.outcome === 'delivered')
      .map((o) => o.eventId);
    expect(delivered.sort()).toEqual(
      events
        .map((e) => e.id)
        .filter((id) => !serverError.has(id) && !clientError.has(id))
        .sort(),
    );
    for (const id of serverError) expect(received.verified.get(id)).toBe(MAX_RECEIVE_COUNT * FAST.attempts);
    for (const id of clientError) expect(received.verified.get(id)).toBe(MAX_RECEIVE_COUNT);
    expect(await messagesIn(queue.url)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('reports a body that is not a tradewatch CloudEvent as failed without sending it, so it ends in the dead-letter queue', async () => {
    const bodies = [
      'not json at all',
      JSON.stringify({ hello: 'world' }),
      JSON.stringify({ ...cloudEvent(), source: 'example/other', type: 'com.example.thing' }),
    ];
    for (const body of bodies) await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: body }));

    const invocations = await invokeUntilEmpty(dispatcher(), queue);

    expect(server.requests).toHaveLength(0);
    expect(invocations[0]!.failures).toHaveLength(3);
    expect((await drain(queue.dlqUrl)).map((m) => m.Body).sort()).toEqual([...bodies].sort());
    const invalid = captured.deliveries().filter((o) => o.outcome === 'invalid');
    expect(invalid).toHaveLength(MAX_RECEIVE_COUNT * bodies.length);
    expect(new Set(invalid.map((o) => o.error))).toEqual(
      new Set([
        'body is not JSON',
        'body is neither a tradewatch CloudEvent nor a bundle',
        'the CloudEvent is not from tradewatch',
      ]),
    );
    expect(JSON.stringify(captured.lines)).not.toContain('not json at all');
  });

  it('starts no delivery with less time left than one delivery may take, and reports those messages for redelivery', async () => {
    receiver(server, () => 204);
    await publish(queue, [cloudEvent(), cloudEvent()]);
    const handler = dispatcher();

    const short = await invokeFromQueue(handler, queue, { remainingMs: deliveryBudgetMs(FAST) - 1 });
    const later = await invokeForRecords(handler, queue, 2);

    expect(short.failures).toHaveLength(2);
    expect(
      captured
        .deliveries()
        .slice(0, 2)
        .map((o) => o.outcome),
    ).toEqual(['deferred', 'deferred']);
    expect(captured.lines.some((l) => l.level === 'ERROR' && /function timeout is shorter/.test(l.message))).toBe(true);
    expect(later.failures).toEqual([]);
    expect(later.records).toHaveLength(2);
    expect(server.requests).toHaveLength(2);
  });

  it('fails the whole batch, so that SQS keeps every record, when the dispatcher itself fails rather than a delivery', async () => {
    // Prepare: a fault no emulator produces, a logger that throws once the first delivery is done.
    receiver(server, () => 204);
    await publish(queue, [cloudEvent(), cloudEvent()]);
    const fault = new Error('log sink unavailable');
    const failingLog: Logger = {
      ...captured.log,
      info: () => {
        throw fault;
      },
    };

    // Act
    const invocation = invokeFromQueue(dispatcher({ log: failingLog }), queue);

    // Assess
    await expect(invocation).rejects.toBe(fault);
    expect(await messagesIn(queue.url)).toEqual({ visible: 0, inFlight: 2 });
  });

  it('reports a URL the SSRF guard refuses as a permanent failure, sends nothing, and logs only the URL origin', async () => {
    await publish(queue, [cloudEvent()]);
    const handler = dispatcher({ url: `${server.url}/hooks/tok_private_path`, allowPrivateHosts: false });

    const invocation = await invokeFromQueue(handler, queue);

    expect(invocation.failures).toHaveLength(1);
    expect(server.requests).toHaveLength(0);
    const [outcome] = captured.deliveries();
    expect(outcome).toMatchObject({ outcome: 'permanent', attempts: 0 });
    expect(outcome!.error).toContain(`${server.url}/…`);
    expect(JSON.stringify(captured.lines)).not.toContain('tok_private_path');
  });

  it('writes one JSON line per delivery with event id, subscriber, outcome, attempts and duration, and never the secret or the body', async () => {
    const logged: string[] = [];
    captureOutput(process.stdout, logged);
    captureOutput(process.stderr, logged);
    try {
      receiver(server, (_id, attempt) => (attempt === 1 ? 500 : 204));
      const events = [cloudEvent('BODY ONLY NAME ONE'), cloudEvent('BODY ONLY NAME TWO')];
      await publish(queue, events);

      await invokeFromQueue(dispatcher({ log: undefined }), queue);

      const lines = logged.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines).toHaveLength(2);
      for (const line of lines) {
        expect(line).toMatchObject({
          level: 'INFO',
          message: 'webhook delivery',
          subscriber: 'acme',
          outcome: 'delivered',
          httpStatus: 204,
          attempts: 2,
        });
        expect(typeof line.durationMs).toBe('number');
        expect(typeof line.messageId).toBe('string');
      }
      expect(lines.map((l) => l.eventId).sort()).toEqual(events.map((e) => e.id).sort());
      const all = logged.join('\n');
      expect(all).not.toContain(SECRET);
      expect(all).not.toContain(SECRET.slice('whsec_'.length));
      expect(all).not.toContain('BODY ONLY NAME');
    } finally {
      vi.restoreAllMocks();
    }
  });

  describe('signing secret rotation', () => {
    it('fetches the secret again after a 401 once the cached one is older than the refresh interval, and retries at once with the new one', async () => {
      // Prepare: the receiver accepts the first secret, then switches to the rotated one.
      let receiverSecret = SECRET;
      let stored = SECRET;
      let now = 0;
      const received = receiver(
        server,
        () => 204,
        () => receiverSecret,
      );
      const handler = dispatcher({
        getSecret: async () => {
          secretFetches += 1;
          return stored;
        },
        clock: () => now,
      });
      await publish(queue, [cloudEvent()]);
      await invokeFromQueue(handler, queue);
      receiverSecret = ROTATED_SECRET;
      stored = ROTATED_SECRET;
      now += 120_000;
      const event = cloudEvent();
      await publish(queue, [event]);

      // Act
      const invocation = await invokeFromQueue(handler, queue);

      // Assess
      expect(invocation.failures).toEqual([]);
      expect(secretFetches).toBe(2);
      expect(received.rejected).toBe(1);
      expect(received.verified.get(event.id)).toBe(1);
      expect(captured.deliveries().at(-1)).toMatchObject({ eventId: event.id, outcome: 'delivered', attempts: 2 });
    });

    it('does not fetch the secret again within the refresh interval when a receiver keeps answering 401', async () => {
      const received = receiver(
        server,
        () => 204,
        () => ROTATED_SECRET,
      );
      const handler = dispatcher({ clock: () => 0 });
      await publish(queue, [cloudEvent(), cloudEvent()]);

      const first = await invokeFromQueue(handler, queue);
      const second = await invokeForRecords(handler, queue, 2);

      expect(first.failures).toHaveLength(2);
      expect(second.failures).toHaveLength(2);
      expect(secretFetches).toBe(1);
      expect(received.rejected).toBe(4);
      expect(captured.deliveries().every((o) => o.outcome === 'permanent' && o.httpStatus === 401)).toBe(true);
    });

    it('fails the whole batch, sending nothing, when the secret cannot be fetched, and fetches it again on the next invocation', async () => {
      receiver(server, () => 204);
      let fail = true;
      const handler = dispatcher({
        getSecret: async () => {
          secretFetches += 1;
          if (fail) throw new Error('AccessDeniedException: not authorized to perform secretsmanager:GetSecretValue');
          return SECRET;
        },
      });
      await publish(queue, [cloudEvent()]);

      await expect(invokeFromQueue(handler, queue)).rejects.toThrow(/AccessDenied/);
      expect(server.requests).toHaveLength(0);
      fail = false;
      const retried = await invokeFromQueue(handler, queue, { waitSeconds: 5 });

      expect(retried.records).toHaveLength(1);
      expect(retried.failures).toEqual([]);
      expect(secretFetches).toBe(2);
      expect(server.requests).toHaveLength(1);
    });
  });

  describe('bundles (a subscriber in publication mode)', () => {
    it('POSTs a bundle of three events as one signed request holding them as a CloudEvents JSON batch, with the bundle id as webhook-id, and an event beside it as before', async () => {
      // Prepare: SNS's default envelope (no raw delivery); one bundle and one event in the queue.
      queue = await createWebhookQueue(false);
      const received = receiver(server, () => 204);
      const events = [cloudEvent('BODY ONLY ONE'), cloudEvent('BODY ONLY TWO'), cloudEvent('BODY ONLY THREE')];
      const bundle = publication(events);
      const single = cloudEvent();
      await publishBundles(queue, [bundle]);
      await publish(queue, [single]);

      // Act
      const invocation = await invokeFromQueue(dispatcher(), queue);

      // Assess: two messages, two requests, each verified with the Standard Webhooks scheme.
      expect(invocation.records).toHaveLength(2);
      expect(invocation.failures).toEqual([]);
      expect(received.rejected).toBe(0);
      expect(server.requests).toHaveLength(2);
      const batch = server.requests.find((r) => r.headers['webhook-id'] === bundle.id)!;
      expect(batch.headers['content-type']).toBe('application/cloudevents-batch+json; charset=utf-8');
      expect(JSON.parse(batch.body)).toEqual(events);
      expect(
        verifyWebhook(
          SECRET,
          {
            id: bundle.id,
            timestamp: String(batch.headers['webhook-timestamp']),
            signature: String(batch.headers['webhook-signature']),
          },
          batch.body,
        ),
      ).toBe(true);
      const alone = server.requests.find((r) => r.headers['webhook-id'] === single.id)!;
      expect(alone.headers['content-type']).toBe('application/cloudevents+json');
      expect(JSON.parse(alone.body)).toEqual(single);
      expect([...received.verified.keys()].sort()).toEqual([bundle.id, single.id].sort());
      const outcomes = captured.deliveries();
      expect(outcomes.find((o) => o.bundleId === bundle.id)).toMatchObject({
        subscriber: 'acme',
        outcome: 'delivered',
        eventType: 'tradewatch.publication',
        eventCount: 3,
        httpStatus: 204,
        attempts: 1,
      });
      expect(outcomes.find((o) => o.bundleId === bundle.id)!.eventId).toBeUndefined();
      expect(outcomes.find((o) => o.eventId === single.id)).toMatchObject({ outcome: 'delivered' });
      expect(JSON.stringify(captured.lines)).not.toContain('BODY ONLY');
      expect(await messagesIn(queue.url)).toEqual({ visible: 0, inFlight: 0 });
    });

    it('sends a bundle redelivered by SQS, and the same bundle published again, with the same webhook-id and body', async () => {
      // Prepare: the receiver fails every attempt of the first invocation, then accepts.
      const bundle = publication([cloudEvent(), cloudEvent(), cloudEvent()]);
      const received = receiver(server, (_id, attempt) => (attempt <= FAST.attempts ? 500 : 204));
      await publishBundles(queue, [bundle]);
      const handler = dispatcher();

      // Act: the failed delivery comes back from SQS; then a re-run publishes the bundle again.
      const first = await invokeFromQueue(handler, queue);
      const second = await invokeForRecords(handler, queue, 1);
      await publishBundles(queue, [bundle]);
      const third = await invokeFromQueue(handler, queue, { waitSeconds: 5 });

      // Assess
      expect(first.failures).toHaveLength(1);
      expect(second.failures).toEqual([]);
      expect(second.records.map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['2']);
      expect(third.records).toHaveLength(1);
      expect(third.failures).toEqual([]);
      expect(server.requests).toHaveLength(FAST.attempts + 2);
      expect(new Set(server.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([bundle.id]));
      expect(new Set(server.requests.map((r) => r.body))).toEqual(new Set([JSON.stringify(bundle.events)]));
      expect(received.verified.get(bundle.id)).toBe(FAST.attempts + 2);
      expect(captured.deliveries().map((o) => [o.bundleId, o.outcome, o.eventCount])).toEqual([
        [bundle.id, 'retryable', 3],
        [bundle.id, 'delivered', 3],
        [bundle.id, 'delivered', 3],
      ]);
    });

    it('sends each part of a split bundle as its own POST under its own id, and logs its place', async () => {
      receiver(server, () => 204);
      const events = [cloudEvent(), cloudEvent(), cloudEvent()];
      const whole = publication(events);
      const parts = [
        publication(events.slice(0, 2), { id: `${whole.id}-1`, part: { index: 1, of: 2 } }),
        publication(events.slice(2), { id: `${whole.id}-2`, part: { index: 2, of: 2 } }),
      ];
      await publishBundles(queue, parts);

      const invocation = await invokeForRecords(dispatcher(), queue, 2);

      expect(invocation.failures).toEqual([]);
      const bodies = new Map(server.requests.map((r) => [String(r.headers['webhook-id']), JSON.parse(r.body)]));
      expect(bodies).toEqual(
        new Map([
          [`${whole.id}-1`, events.slice(0, 2)],
          [`${whole.id}-2`, events.slice(2)],
        ]),
      );
      expect(
        captured
          .deliveries()
          .map((o) => [o.bundleId, o.eventCount, o.part])
          .sort(),
      ).toEqual([
        [`${whole.id}-1`, 2, { index: 1, of: 2 }],
        [`${whole.id}-2`, 1, { index: 2, of: 2 }],
      ]);
    });

    it('refuses a bundle without events, naming the subscriber and the bundle, sends nothing, and parks it in the dead-letter queue', async () => {
      // Prepare: an email-shaped bundle (no events) reaches the webhook's queue; an event is the control.
      receiver(server, () => 204);
      const { events: _events, ...emailShaped } = publication([cloudEvent()]);
      const control = cloudEvent();
      await publishBundles(queue, [emailShaped]);
      await publish(queue, [control]);

      // Act
      const invocations = await invokeUntilEmpty(dispatcher(), queue);

      // Assess: the control delivered once; the bundle reported failed on every receive, then parked.
      expect(server.requests.map((r) => r.headers['webhook-id'])).toEqual([control.id]);
      expect(invocations.flatMap((i) => i.failures)).toHaveLength(MAX_RECEIVE_COUNT);
      const parked = await drain(queue.dlqUrl);
      expect(parked).toHaveLength(1);
      expect(decodeQueued(parked[0]!.Body!)).toMatchObject({ bundle: 'publication', id: emailShaped.id });
      const refused = captured.deliveries().filter((o) => o.outcome === 'invalid');
      expect(refused).toHaveLength(MAX_RECEIVE_COUNT);
      for (const outcome of refused) {
        expect(outcome).toMatchObject({ bundleId: emailShaped.id, eventCount: 0, attempts: 0, subscriber: 'acme' });
        expect(outcome.error).toBe(
          `webhook acme: deliver: publication ${emailShaped.id} holds no CloudEvents (a bundle for email or SMS reached a webhook: check the subscriber's channel and delivery mode)`,
        );
      }
      expect(captured.lines.filter((l) => l.level === 'ERROR')).toHaveLength(MAX_RECEIVE_COUNT);
      expect(await messagesIn(queue.url)).toEqual({ visible: 0, inFlight: 0 });
    });

    it('refuses a bundle holding an event that is not from tradewatch, sending none of its events', async () => {
      receiver(server, () => 204);
      const foreign = { ...cloudEvent(), source: 'example/other', type: 'com.example.thing' };
      const bundle = publication([cloudEvent(), foreign]);
      await publishBundles(queue, [bundle]);

      const invocation = await invokeFromQueue(dispatcher(), queue);

      expect(invocation.failures).toHaveLength(1);
      expect(server.requests).toHaveLength(0);
      expect(captured.deliveries()).toMatchObject([
        {
          bundleId: bundle.id,
          outcome: 'invalid',
          error: `publication ${bundle.id}: the CloudEvent is not from tradewatch`,
        },
      ]);
    });
  });

  describe('dispatchQueue (local mode)', () => {
    it('delivers what is queued, deletes the delivered messages and leaves the failed one in the queue', async () => {
      const events = [cloudEvent(), cloudEvent(), cloudEvent()];
      const received = receiver(server, (id) => (id === events[1]!.id ? 500 : 204));
      await publish(queue, events);

      const result = await dispatchQueue({
        sqs,
        queueUrl: queue.url,
        target: { url: `${server.url}/hooks/local`, secret: SECRET, allowPrivateHosts: true },
        delivery: FAST,
        log: captured.log,
      });

      expect(result).toMatchObject({ received: 3, delivered: 2, failed: 1 });
      expect(result.outcomes.find((o) => o.outcome !== 'delivered')).toMatchObject({
        eventId: events[1]!.id,
        outcome: 'retryable',
        httpStatus: 500,
      });
      expect(received.rejected).toBe(0);
      expect([...received.verified.keys()].sort()).toEqual(events.map((e) => e.id).sort());
      expect(await messagesIn(queue.url)).toEqual({ visible: 0, inFlight: 1 });
    });

    it('does not deliver a message twice in one call when a Retry-After of 0 makes it visible again at once', async () => {
      const event = cloudEvent();
      const received = receiver(server, () => ({ status: 429, headers: { 'retry-after': '0' } }));
      await publish(queue, [event]);

      const result = await dispatchQueue({
        sqs,
        queueUrl: queue.url,
        target: { url: server.url, secret: SECRET, allowPrivateHosts: true },
        delivery: FAST,
        log: captured.log,
      });

      expect(result).toMatchObject({ received: 1, delivered: 0, failed: 1 });
      expect(received.verified.get(event.id)).toBe(FAST.attempts);
    });

    it('delivers a bundle as one signed POST of its events and deletes it', async () => {
      const events = [cloudEvent(), cloudEvent(), cloudEvent()];
      const bundle = publication(events);
      const received = receiver(server, () => 204);
      await publishBundles(queue, [bundle]);

      const result = await dispatchQueue({
        sqs,
        queueUrl: queue.url,
        target: { url: `${server.url}/hooks/local`, secret: SECRET, allowPrivateHosts: true },
        delivery: FAST,
        log: captured.log,
      });

      expect(result).toMatchObject({ received: 1, delivered: 1, failed: 0 });
      expect(result.outcomes).toMatchObject([{ bundleId: bundle.id, eventCount: 3, outcome: 'delivered' }]);
      expect(received.verified.get(bundle.id)).toBe(1);
      expect(JSON.parse(server.requests[0]!.body)).toEqual(events);
      expect(await messagesIn(queue.url)).toEqual({ visible: 0, inFlight: 0 });
    });
  });
});

/** Answers the AWS JSON 1.1 protocol the way Secrets Manager and SSM do, for the actions named. */
function fakeAwsJson(
  server: TestServer,
  answers: Record<string, (input: Record<string, unknown>) => unknown>,
): { calls: { target: string; input: Record<string, unknown> }[] } {
  const calls: { target: string; input: Record<string, unknown> }[] = [];
  server.handle((req, res, body) => {
    const target = String(req.headers['x-amz-target']);
    const input = JSON.parse(body || '{}') as Record<string, unknown>;
    calls.push({ target, input });
    const answer = answers[target];
    if (!answer) {
      res
        .writeHead(400, { 'content-type': 'application/x-amz-json-1.1' })
        .end(JSON.stringify({ __type: 'UnknownOperationException', message: target }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(answer(input)));
  });
  return { calls };
}

const LOCAL_AWS = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:tradewatch/webhook/acme-AbCdEf';
const BASE_ENV = { WEBHOOK_URL: 'https://hooks.example.com/tradewatch', WEBHOOK_SUBSCRIBER_ID: 'acme' };

describe('dispatchConfigFromEnv', () => {
  let fake: TestServer;
  beforeEach(async () => {
    fake = await startHttpServer();
  });
  afterEach(async () => {
    await fake.close();
  });

  it('names every missing or conflicting variable in one error', () => {
    expect(() => dispatchConfigFromEnv({})).toThrow(
      /WEBHOOK_URL is not set.*WEBHOOK_SUBSCRIBER_ID is not set.*neither WEBHOOK_SECRET_ARN nor WEBHOOK_SECRET_PARAMETER/,
    );
    expect(() =>
      dispatchConfigFromEnv({ ...BASE_ENV, WEBHOOK_SECRET_ARN: SECRET_ARN, WEBHOOK_SECRET_PARAMETER: '/hooks/acme' }),
    ).toThrow(/both WEBHOOK_SECRET_ARN and WEBHOOK_SECRET_PARAMETER/);
    expect(() =>
      dispatchConfigFromEnv({ ...BASE_ENV, WEBHOOK_URL: 'http://hooks.example.com/', WEBHOOK_SECRET_ARN: SECRET_ARN }),
    ).toThrow(/WEBHOOK_URL is not an https:\/\/ URL/);
  });

  it('reads the signing secret from Secrets Manager by WEBHOOK_SECRET_ARN, and QUEUE_URL when set', async () => {
    const { calls } = fakeAwsJson(fake, {
      'secretsmanager.GetSecretValue': () => ({
        ARN: SECRET_ARN,
        Name: 'tradewatch/webhook/acme',
        SecretString: SECRET,
      }),
    });
    const secretsManager = new SecretsManagerClient({ ...LOCAL_AWS, endpoint: fake.url });
    const queueUrl = 'https://sqs.us-east-1.amazonaws.com/123456789012/hooks-acme';

    const config = dispatchConfigFromEnv(
      { ...BASE_ENV, WEBHOOK_SECRET_ARN: SECRET_ARN, QUEUE_URL: queueUrl },
      { secretsManager },
    );

    expect(config).toMatchObject({ url: BASE_ENV.WEBHOOK_URL, subscriberId: 'acme', queueUrl });
    expect(await config.getSecret()).toBe(SECRET);
    expect(calls).toEqual([{ target: 'secretsmanager.GetSecretValue', input: { SecretId: SECRET_ARN } }]);
    secretsManager.destroy();
  });

  it('refuses a Secrets Manager secret that holds no SecretString', async () => {
    fakeAwsJson(fake, {
      'secretsmanager.GetSecretValue': () => ({ ARN: SECRET_ARN, SecretBinary: Buffer.from('x').toString('base64') }),
    });
    const secretsManager = new SecretsManagerClient({ ...LOCAL_AWS, endpoint: fake.url });
    const config = dispatchConfigFromEnv({ ...BASE_ENV, WEBHOOK_SECRET_ARN: SECRET_ARN }, { secretsManager });
    await expect(config.getSecret()).rejects.toThrow(/has no SecretString/);
    secretsManager.destroy();
  });

  it('reads the signing secret from an SSM SecureString, decrypted, by WEBHOOK_SECRET_PARAMETER', async () => {
    const { calls } = fakeAwsJson(fake, {
      'AmazonSSM.GetParameter': (input) => ({
        Parameter: { Name: input.Name, Type: 'SecureString', Value: SECRET, Version: 1 },
      }),
    });
    const ssm = new SSMClient({ ...LOCAL_AWS, endpoint: fake.url });

    const config = dispatchConfigFromEnv(
      { ...BASE_ENV, WEBHOOK_SECRET_PARAMETER: '/tradewatch/webhooks/acme' },
      { ssm },
    );

    expect(config.queueUrl).toBeUndefined();
    expect(await config.getSecret()).toBe(SECRET);
    expect(calls).toEqual([
      { target: 'AmazonSSM.GetParameter', input: { Name: '/tradewatch/webhooks/acme', WithDecryption: true } },
    ]);
    ssm.destroy();
  });
});

describe('the deployed handler', () => {
  const variables = [
    'WEBHOOK_URL',
    'WEBHOOK_SUBSCRIBER_ID',
    'WEBHOOK_SECRET_ARN',
    'WEBHOOK_SECRET_PARAMETER',
    'QUEUE_URL',
    'AWS_REGION',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_ENDPOINT_URL_SECRETS_MANAGER',
    'AWS_ENDPOINT_URL_SQS',
  ];
  const saved = new Map(variables.map((name) => [name, process.env[name]]));
  let fake: TestServer;
  beforeAll(async () => {
    fake = await startHttpServer();
  });
  afterAll(async () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await fake.close();
  });

  it('takes its config from the environment, fetches the secret from Secrets Manager once, and reports a delivery the SSRF guard refuses', async () => {
    // Prepare: the SDK's own endpoint variables point the default clients at loopback servers.
    const { calls } = fakeAwsJson(fake, {
      'secretsmanager.GetSecretValue': () => ({ ARN: SECRET_ARN, SecretString: SECRET }),
    });
    Object.assign(process.env, {
      ...BASE_ENV,
      WEBHOOK_URL: 'https://127.0.0.1:9/hooks/tok_deployed',
      WEBHOOK_SECRET_ARN: SECRET_ARN,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: fake.url,
      AWS_ENDPOINT_URL_SQS: messaging.endpoint,
    });
    for (const name of ['WEBHOOK_SECRET_PARAMETER', 'QUEUE_URL', 'AWS_SESSION_TOKEN']) delete process.env[name];
    const queue = await createWebhookQueue();
    await publish(queue, [cloudEvent(), cloudEvent()]);
    const errors: string[] = [];
    captureOutput(process.stderr, errors);
    try {
      // Act
      const first = await invokeFromQueue(handler, queue);
      const second = await invokeForRecords(handler, queue, 2);

      // Assess
      expect(first.failures).toHaveLength(2);
      expect(second.failures).toHaveLength(2);
      expect(calls).toEqual([{ target: 'secretsmanager.GetSecretValue', input: { SecretId: SECRET_ARN } }]);
      const lines = errors.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines).toHaveLength(4);
      expect(lines[0]).toMatchObject({
        level: 'ERROR',
        message: 'webhook delivery',
        subscriber: 'acme',
        outcome: 'permanent',
        attempts: 0,
      });
      expect(errors.join('\n')).not.toContain('tok_deployed');
    } finally {
      vi.restoreAllMocks();
    }
  });
});

describe('queueUrlFromArn', () => {
  it('derives the queue URL from an SQS event source ARN in the aws and aws-cn partitions', () => {
    expect(queueUrlFromArn('arn:aws:sqs:eu-west-1:123456789012:tradewatch-hook-acme')).toBe(
      'https://sqs.eu-west-1.amazonaws.com/123456789012/tradewatch-hook-acme',
    );
    expect(queueUrlFromArn('arn:aws-cn:sqs:cn-north-1:123456789012:hooks')).toBe(
      'https://sqs.cn-north-1.amazonaws.com.cn/123456789012/hooks',
    );
  });
  it('refuses what is not an SQS queue ARN', () => {
    expect(() => queueUrlFromArn('arn:aws:sns:eu-west-1:123456789012:alerts')).toThrow(/not an SQS queue ARN/);
  });
});
