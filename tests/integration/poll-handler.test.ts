/**
 * The deployed poller's handler (middy, Powertools Logger and Metrics) against the emulators on
 * loopback: a custom feed served by a local HTTP server, polled through `createPollHandler` as
 * EventBridge invokes it. What it writes to stdout is what CloudWatch Logs receives: the EMF
 * records are read back from there.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../functions/config/config.ts';
import { createPollHandler } from '../../functions/handlers/poll.ts';
import { snsPublisher } from '../../functions/delivery/sns-publisher.ts';
import { PROJECT_ROOT } from '../helpers/cli.ts';
import { startHttpServer, type TestServer } from '../helpers/http-server.ts';
import { startTestStack, type TestStack } from '../helpers/local-stack.ts';

const FEED = join(PROJECT_ROOT, 'tests', 'fixtures', 'feeds', 'us-ofac-recent-actions', 'feed.v1.rss');

/** The JSON lines written to stdout while `act` runs. */
async function stdoutLines(act: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const written: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    await act();
  } finally {
    spy.mockRestore();
  }
  return written
    .join('')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the poller handler', () => {
  let stack: TestStack;
  let server: TestServer;

  beforeAll(async () => {
    stack = await startTestStack();
    server = await startHttpServer();
    const body = await readFile(FEED, 'utf8');
    server.handle((_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body));
  });
  afterAll(async () => {
    await server.close();
    await stack.stop();
  });

  it('polls the source it is invoked with and writes the run as EMF records: over all sources, and per source when detailed', async () => {
    // Prepare
    const config = parseConfig({
      customSources: [
        {
          id: 'loopback-notices',
          title: 'Loopback notices',
          kind: 'feed',
          url: `${server.url}/feed.rss`,
          format: 'rss',
          allowPrivateHosts: true,
        },
      ],
    });
    const alertsTopicArn = (await stack.sns.send(new CreateTopicCommand({ Name: 'alerts' }))).TopicArn!;
    const handler = createPollHandler({
      deps: { store: stack.store, publisher: snsPublisher({ sns: stack.sns, alertsTopicArn }) },
      emitMetrics: true,
      detailedMetrics: true,
      sourcesConfig: { customSources: config.customSources },
    });
    const context = { functionName: 'tradewatch-poller', awsRequestId: 'request-1' } as unknown as Context;

    // Act
    let report: Awaited<ReturnType<typeof handler>> | undefined;
    const lines = await stdoutLines(async () => {
      report = await handler({ sourceId: 'loopback-notices' }, context);
    });

    // Assess
    expect(report).toMatchObject({ sourceId: 'loopback-notices', status: 'baseline' });
    expect(report!.records).toBeGreaterThan(0);
    const emf = lines.filter((line) => '_aws' in line);
    expect(emf).toHaveLength(2);
    expect(emf[0]).toMatchObject({
      message: 'poll finished',
      Source: 'loopback-notices',
      status: 'baseline',
      records: report!.records,
      Polls: 1,
      FailedPolls: 0,
      Changes: report!.added + report!.removed + report!.modified,
      _aws: { CloudWatchMetrics: [{ Namespace: 'Tradewatch', Dimensions: [[]] }] },
    });
    expect(emf[1]).toMatchObject({
      Source: 'loopback-notices',
      Succeeded: 1,
      Records: report!.records,
      _aws: { CloudWatchMetrics: [{ Namespace: 'Tradewatch', Dimensions: [['Source']] }] },
    });
  });
});
