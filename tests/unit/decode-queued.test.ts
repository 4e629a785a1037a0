import { describe, expect, it } from 'vitest';
import { publicationId, type Bundle } from '../../functions/core/bundles.ts';
import { DeliveryError } from '../../functions/core/errors.ts';
import { UndecodableMessageError, decodeQueued } from '../../functions/delivery/decode.ts';
import { bundleMessage, snsMessage } from '../../functions/delivery/sns-publisher.ts';
import { WEBHOOK_CONTENT_TYPES, webhookPayload } from '../../functions/delivery/webhook.ts';
import { changeEvent, registerRecord } from '../helpers/change-events.ts';

const VERSION = '2026-03-05T12:00:00.000Z';

function sdnEvent(id: string, name: string) {
  return changeEvent('added', registerRecord({ id, source: 'us-ofac-sdn', list: 'SDN', name }));
}

const EVENTS = [
  sdnEvent('10001', 'ACME TRADING LLC'),
  sdnEvent('10002', 'BETA SHIPPING CO'),
  sdnEvent('10003', 'GAMMA'),
];

/** A webhook subscriber's publication as the poller builds it: its events, no texts in `default`. */
function webhookBundle(overrides: Partial<Bundle> = {}): Bundle {
  return {
    bundle: 'publication',
    id: publicationId('screening-system', 'us-ofac-sdn', VERSION),
    subscriberId: 'screening-system',
    sourceId: 'us-ofac-sdn',
    version: VERSION,
    subject: 'OFAC SDN 2026-03-05: 3 added',
    text: 'the email text',
    sms: 'the SMS line',
    counts: { total: 3, inFull: 3, oneLine: 0, leftOut: 0 },
    eventIds: EVENTS.map((e) => e.id),
    events: EVENTS,
    ...overrides,
  };
}

/** SNS's JSON envelope, as a subscription without raw delivery hands a message to SQS. */
function snsEnvelope(message: string): string {
  return JSON.stringify({
    Type: 'Notification',
    MessageId: '5f1c2a34-0b8e-4c1e-9d61-3a1b2c3d4e5f',
    TopicArn: 'arn:aws:sns:us-east-1:000000000000:tradewatch-alerts',
    Subject: 'OFAC SDN',
    Message: message,
    Timestamp: VERSION,
    SignatureVersion: '1',
  });
}

/** What SQS receives when SNS applied `MessageStructure: json`: the `default` value. */
function appliedStructure(structured: string): string {
  return (JSON.parse(structured) as { default: string }).default;
}

describe('decodeQueued', () => {
  const event = EVENTS[0]!;
  const bundle = webhookBundle();
  const { text: _text, sms: _sms, ...bundleWithoutTexts } = bundle;

  it('reads a raw CloudEvent as the event', () => {
    expect(decodeQueued(JSON.stringify(event))).toEqual(event);
  });

  it('reads a change event and a bundle out of an SNS envelope, structured or not', () => {
    const eventMessage = snsMessage(event).Message;
    const bundleMessageText = bundleMessage(bundle).Message;
    expect(decodeQueued(snsEnvelope(appliedStructure(eventMessage)))).toEqual(event);
    expect(decodeQueued(snsEnvelope(eventMessage))).toEqual(event);
    expect(decodeQueued(snsEnvelope(appliedStructure(bundleMessageText)))).toEqual(bundleWithoutTexts);
    expect(decodeQueued(snsEnvelope(bundleMessageText))).toEqual(bundleWithoutTexts);
  });

  it('reads the `default` value of a structure an emulator handed over whole, for an event and a bundle', () => {
    expect(decodeQueued(snsMessage(event).Message)).toEqual(event);
    expect(decodeQueued(bundleMessage(bundle).Message)).toEqual(bundleWithoutTexts);
  });

  it('prefers the `sqs` value of a structure to its `default`', () => {
    const other = EVENTS[1]!;
    const structure = JSON.stringify({ default: JSON.stringify(other), sqs: JSON.stringify(bundleWithoutTexts) });
    expect(decodeQueued(structure)).toEqual(bundleWithoutTexts);
    expect(decodeQueued(JSON.stringify({ default: JSON.stringify(other), sqs: null }))).toEqual(other);
  });

  it('reads a raw bundle, keeping its part and its events in order', () => {
    const part = { ...bundleWithoutTexts, id: `${bundle.id}-2`, part: { index: 2, of: 3 }, events: [EVENTS[2]!] };
    const decoded = decodeQueued(JSON.stringify(part));
    expect(decoded).toEqual(part);
    expect((decoded as Bundle).events!.map((e) => e.id)).toEqual([EVENTS[2]!.id]);
  });

  it('reads an email-shaped bundle (no events) as a bundle, left to the webhook to refuse', () => {
    const { events: _events, ...emailShaped } = bundleWithoutTexts;
    expect(decodeQueued(JSON.stringify(emailShaped))).toEqual(emailShaped);
  });

  it.each([
    ['text that is not JSON', 'not json at all', /body is not JSON/],
    ['an SNS envelope whose Message is not JSON', snsEnvelope('plain text'), /SNS notification's Message is not JSON/],
    ['a structure whose default is not JSON', JSON.stringify({ default: 'plain text' }), /"default" value is not JSON/],
    [
      'a JSON object of another kind',
      JSON.stringify({ hello: 'world' }),
      /neither a tradewatch CloudEvent nor a bundle/,
    ],
    ['a CloudEvent of another version', JSON.stringify({ ...event, specversion: '0.3' }), /neither/],
    ['JSON null', 'null', /neither/],
    ['a JSON array of events', JSON.stringify(EVENTS), /neither/],
    ['a number', '42', /neither/],
    ['a bundle whose events are not a list', JSON.stringify({ ...bundleWithoutTexts, events: { a: 1 } }), /neither/],
    ['a bundle of an unknown kind', JSON.stringify({ ...bundleWithoutTexts, bundle: 'weekly' }), /neither/],
  ])('refuses %s with an UndecodableMessageError that does not quote the body', (_what, body, reason) => {
    let caught: unknown;
    try {
      decodeQueued(body);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UndecodableMessageError);
    expect(caught).toBeInstanceOf(DeliveryError);
    expect((caught as Error).message).toMatch(reason);
    expect((caught as Error).message).not.toContain('plain text');
    expect((caught as Error).message).not.toContain('hello');
  });
});

describe('webhookPayload', () => {
  it('gives an event its own id, its JSON and the CloudEvents media type, as deliverWebhook sends it', () => {
    const event = EVENTS[0]!;
    expect(webhookPayload(event)).toEqual({
      id: event.id,
      body: JSON.stringify(event),
      contentType: 'application/cloudevents+json',
    });
  });

  it("gives a bundle its id and its events as a JSON batch, in the bundle's order", () => {
    const bundle = webhookBundle();
    const payload = webhookPayload(bundle);
    expect(payload.id).toBe(bundle.id);
    expect(payload.contentType).toBe(WEBHOOK_CONTENT_TYPES.batch);
    expect(payload.contentType).toMatch(/^application\/cloudevents-batch\+json\b/);
    expect(JSON.parse(payload.body)).toEqual(EVENTS);
  });

  it('keeps the id of a part as the lead gives it, so each part is deduplicated on its own', () => {
    const part = webhookBundle({ id: 'abc-2', part: { index: 2, of: 2 }, events: [EVENTS[1]!] });
    expect(webhookPayload(part)).toMatchObject({ id: 'abc-2', body: JSON.stringify([EVENTS[1]]) });
  });

  it('refuses a bundle without events with a DeliveryError naming the subscriber and the bundle', () => {
    const { events: _events, ...emailShaped } = webhookBundle();
    expect(() => webhookPayload(emailShaped)).toThrow(DeliveryError);
    expect(() => webhookPayload(emailShaped)).toThrow(
      `webhook screening-system: deliver: publication ${emailShaped.id} holds no CloudEvents`,
    );
    expect(() => webhookPayload(webhookBundle({ events: [] }))).toThrow(/screening-system.*holds an empty list/);
  });
});
