import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { parseAtomFeed, parseJsonFeed } from 'feedsmith';
import { parseConfig } from '../../functions/config/config.ts';
import { FEED_ENV } from '../../functions/config/environment.ts';
import { feedSubscribers, feedSubscribersEnv } from '../../functions/config/feed-subscribers.ts';
import { feedToken, tokensEqual } from '../../functions/delivery/feed-tokens.ts';
import { createFeedHandler, feedConfigFromEnv } from '../../functions/handlers/feed.ts';
import { processVersion } from '../../functions/run/process-version.ts';
import { startTestStack, type TestStack } from '../helpers/local-stack.ts';
import { toyCsv, toySource, toyVersion } from '../helpers/toy-source.ts';

const SECRET = 'feed-secret-for-tests';
const DOMAIN = 'abcdefghij.lambda-url.eu-west-1.on.aws';

function subscribersAt(rotation: number) {
  return feedSubscribers(
    parseConfig({
      subscribers: [
        {
          id: 'cn-desk',
          channel: { type: 'email', address: 'cn@example.com' },
          filters: { countries: ['CN'] },
          feedRotation: rotation,
        },
      ],
    }),
  );
}

function request(path: string, method = 'GET', query?: Record<string, string>): APIGatewayProxyEventV2 {
  return {
    rawPath: path,
    rawQueryString: '',
    headers: {},
    ...(query ? { queryStringParameters: query } : {}),
    requestContext: { domainName: DOMAIN, http: { method, path } },
  } as unknown as APIGatewayProxyEventV2;
}

const context = { functionName: 'tradewatch-feeds', awsRequestId: 'request-1' } as unknown as Context;

describe('the feed handler (Lambda Function URL)', () => {
  let stack: TestStack;
  let secretReads = 0;
  const handlerAt = (rotation: number) =>
    createFeedHandler({
      table: stack.store,
      getSecret: async () => {
        secretReads += 1;
        return SECRET;
      },
      subscribers: subscribersAt(rotation),
      sourceIds: ['toy-register'],
      pageSize: 10,
    });
  const call = async (handler: ReturnType<typeof handlerAt>, event: APIGatewayProxyEventV2) =>
    (await handler(event, context)) as APIGatewayProxyStructuredResultV2;

  beforeAll(async () => {
    stack = await startTestStack();
    await processVersion(toySource, toyVersion(toyCsv([['1', 'ALPHA', 'RU', 'X']])), undefined, stack.deps);
    const v2 = toyCsv([
      ['1', 'ALPHA', 'RU', 'X'],
      ['2', 'BETA', 'CN', 'EL'],
      ['3', 'GAMMA', 'RU', 'X'],
    ]);
    await processVersion(toySource, toyVersion(v2), await stack.store.getMeta('toy-register'), stack.deps);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('serves a feed at its token, reading the secret once per container', async () => {
    const handler = handlerAt(0);
    const token = feedToken(SECRET, { name: 'cn-desk', feedRotation: 0 });
    secretReads = 0;

    const atom = await call(handler, request(`/feeds/${token}/cn-desk.atom`));
    const json = await call(handler, request(`/feeds/${token}/cn-desk.json`));
    const all = await call(
      handler,
      request(`/feeds/${feedToken(SECRET, { name: 'all', feedRotation: 0 })}/all.json`, 'HEAD'),
    );

    expect(atom.statusCode).toBe(200);
    expect(atom.headers).toMatchObject({
      'content-type': 'application/atom+xml; charset=utf-8',
      'cache-control': 'private, max-age=300',
    });
    const entries = parseAtomFeed(String(atom.body)).entries ?? [];
    expect(entries.map((entry) => entry.title?.value)).toEqual(['Added to Toy List: BETA (Toy register)']);
    const links = parseAtomFeed(String(atom.body)).links ?? [];
    expect(links.find((link) => link.rel === 'self')?.href).toBe(`https://${DOMAIN}/feeds/${token}/cn-desk.atom`);
    expect(parseJsonFeed(JSON.parse(String(json.body))).items).toHaveLength(1);
    expect(all).toMatchObject({ statusCode: 200, body: '' });
    expect(secretReads).toBe(1);
  });

  it('answers every wrong token, name or path with the same 404', async () => {
    const handler = handlerAt(0);
    const token = feedToken(SECRET, { name: 'cn-desk', feedRotation: 0 });
    const otherSecret = feedToken('another secret', { name: 'cn-desk', feedRotation: 0 });
    const allToken = feedToken(SECRET, { name: 'all', feedRotation: 0 });

    const answers = await Promise.all(
      [
        `/feeds/${otherSecret}/cn-desk.atom`,
        `/feeds/${token.slice(0, -1)}A/cn-desk.atom`,
        `/feeds/${token}/nobody.atom`,
        `/feeds/${allToken}/cn-desk.atom`,
        `/feeds/${token}/all.atom`,
        `/feeds/${token}/cn-desk.rss`,
        `/feeds/cn-desk.atom`,
        `/`,
      ].map((path) => call(handler, request(path))),
    );
    for (const answer of answers) expect(answer).toMatchObject({ statusCode: 404, body: 'not found\n' });
  });

  it('stops serving the old URL once feedRotation is raised, and serves the new one', async () => {
    const rotated = handlerAt(1);
    const old = feedToken(SECRET, { name: 'cn-desk', feedRotation: 0 });
    const fresh = feedToken(SECRET, { name: 'cn-desk', feedRotation: 1 });

    expect(fresh).not.toBe(old);
    expect((await call(rotated, request(`/feeds/${old}/cn-desk.atom`))).statusCode).toBe(404);
    expect((await call(rotated, request(`/feeds/${fresh}/cn-desk.atom`))).statusCode).toBe(200);
  });

  it('refuses other methods and bad cursors behind a right token', async () => {
    const handler = handlerAt(0);
    const token = feedToken(SECRET, { name: 'all', feedRotation: 0 });

    expect((await call(handler, request(`/feeds/${token}/all.atom`, 'POST'))).statusCode).toBe(405);
    expect(
      (await call(handler, request(`/feeds/${token}/all.atom`, 'GET', { before: 'EVTS#toy-register' }))).statusCode,
    ).toBe(400);
  });

  it('reads its configuration from the environment the stack sets, naming a missing variable', () => {
    const config = parseConfig({
      subscribers: [{ id: 'cn-desk', channel: { type: 'email', address: 'cn@example.com' } }],
    });
    const env = {
      [FEED_ENV.tableName]: 'tradewatch',
      [FEED_ENV.secretArn]: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:feeds',
      [FEED_ENV.subscribers]: feedSubscribersEnv(config),
      [FEED_ENV.sourceIds]: JSON.stringify(['us-ofac-sdn']),
      [FEED_ENV.pageSize]: '50',
    };

    expect(feedConfigFromEnv(env)).toMatchObject({ sourceIds: ['us-ofac-sdn'], pageSize: 50 });
    expect(feedConfigFromEnv(env).subscribers.map((s) => s.id)).toEqual(['cn-desk']);
    expect(() => feedConfigFromEnv({ ...env, [FEED_ENV.secretArn]: undefined })).toThrow(/FEED_SECRET_ARN/);
  });
});

describe('feed tokens', () => {
  it('compares tokens in constant time, whatever their lengths', () => {
    expect(tokensEqual('abc', 'abc')).toBe(true);
    expect(tokensEqual('abc', 'abd')).toBe(false);
    expect(tokensEqual('a', 'a much longer token')).toBe(false);
  });
});
