import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  WEBHOOK_CONTENT_TYPES,
  deliverPayload,
  deliverWebhook,
  signWebhook,
  verifyWebhook,
} from '../../functions/delivery/webhook.ts';
import { startHttpServer, type TestServer } from '../helpers/http-server.ts';

const SECRET = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
const FAST = { backoffMs: 10, timeoutMs: 500 };

describe('Standard Webhooks signing', () => {
  it('matches the published algorithm: base64 HMAC-SHA256 of id.timestamp.body with the decoded key', () => {
    // Test vector from the Standard Webhooks specification's reference libraries.
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const signature = signWebhook(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}');
    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });
  it('rejects a tampered body and an old timestamp', () => {
    const now = 1_800_000_000;
    const signature = signWebhook(SECRET, 'id1', now, 'body');
    expect(verifyWebhook(SECRET, { id: 'id1', timestamp: String(now), signature }, 'body', now)).toBe(true);
    expect(verifyWebhook(SECRET, { id: 'id1', timestamp: String(now), signature }, 'body!', now)).toBe(false);
    expect(verifyWebhook(SECRET, { id: 'id1', timestamp: String(now), signature }, 'body', now + 3600)).toBe(false);
  });
});

describe('deliverWebhook to a loopback receiver', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startHttpServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('signs each request so the receiver can verify it', async () => {
    server.handle((_req, res) => res.writeHead(204).end());
    const result = await deliverWebhook(
      { url: `${server.url}/hook`, secret: SECRET, allowPrivateHosts: true },
      'evt-1',
      '{"a":1}',
      FAST,
    );
    expect(result).toEqual({ delivered: true, attempts: 1, status: 204 });
    const [request] = server.requests;
    expect(request!.headers['webhook-id']).toBe('evt-1');
    expect(
      verifyWebhook(
        SECRET,
        {
          id: 'evt-1',
          timestamp: String(request!.headers['webhook-timestamp']),
          signature: String(request!.headers['webhook-signature']),
        },
        request!.body,
      ),
    ).toBe(true);
  });

  it('sends an event as one CloudEvent and a payload with its own media type, each signed over its exact body', async () => {
    server.handle((_req, res) => res.writeHead(200).end());
    const target = { url: `${server.url}/hook`, secret: SECRET, allowPrivateHosts: true };
    const batch = { id: 'bundle-1', body: '[{"id":"a"},{"id":"b"}]', contentType: WEBHOOK_CONTENT_TYPES.batch };

    await deliverWebhook(target, 'evt-6', '{"id":"evt-6"}', FAST);
    await deliverPayload(target, batch, FAST);

    const [event, bundle] = server.requests;
    expect(event!.headers['content-type']).toBe('application/cloudevents+json');
    expect(bundle!.headers['content-type']).toBe('application/cloudevents-batch+json; charset=utf-8');
    expect(bundle!.headers['webhook-id']).toBe('bundle-1');
    expect(bundle!.body).toBe(batch.body);
    const headers = {
      id: 'bundle-1',
      timestamp: String(bundle!.headers['webhook-timestamp']),
      signature: String(bundle!.headers['webhook-signature']),
    };
    expect(verifyWebhook(SECRET, headers, batch.body)).toBe(true);
    expect(verifyWebhook(SECRET, headers, '[{"id":"a"}]')).toBe(false);
  });

  it('retries a 500, a timeout and a 429 with Retry-After, keeping the same webhook-id', async () => {
    let calls = 0;
    server.handle((_req, res) => {
      calls += 1;
      if (calls === 1) res.writeHead(500).end();
      else if (calls === 2)
        return; // never answers: timeout
      else if (calls === 3) res.writeHead(429, { 'retry-after': '0' }).end();
      else res.writeHead(200).end();
    });
    const result = await deliverWebhook(
      { url: `${server.url}/hook`, secret: SECRET, allowPrivateHosts: true },
      'evt-2',
      '{}',
      FAST,
    );
    expect(result).toMatchObject({ delivered: true, attempts: 4 });
    expect(new Set(server.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set(['evt-2']));
  });

  it('ends the attempts at once on a Retry-After beyond retryAfterLimitMs and reports the delay to the caller', async () => {
    server.handle((_req, res) => res.writeHead(429, { 'retry-after': '120' }).end());
    const result = await deliverWebhook(
      { url: `${server.url}/hook`, secret: SECRET, allowPrivateHosts: true },
      'evt-5',
      '{}',
      { ...FAST, retryAfterLimitMs: 1000 },
    );
    expect(result).toEqual({ delivered: false, attempts: 1, status: 429, error: 'HTTP 429', retryAfterMs: 120_000 });
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry a 400 and reports it', async () => {
    server.handle((_req, res) => res.writeHead(400).end());
    expect(
      await deliverWebhook({ url: `${server.url}/hook`, secret: SECRET, allowPrivateHosts: true }, 'evt-3', '{}', FAST),
    ).toEqual({ delivered: false, attempts: 1, status: 400, error: 'HTTP 400' });
  });

  it('refuses a private address unless allowed', async () => {
    await expect(deliverWebhook({ url: `${server.url}/hook`, secret: SECRET }, 'evt-4', '{}', FAST)).rejects.toThrow(
      /non-TLS|private/,
    );
    expect(server.requests).toHaveLength(0);
  });
});
