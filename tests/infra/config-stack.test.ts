import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { filterPolicyFor, loadConfig, parseConfig } from '../../functions/config/config.ts';
import { bundleSubscribers, subscriptionPolicyFor } from '../../functions/config/delivery.ts';
import { bundleSubscribersFromEnv } from '../../functions/config/delivery-env.ts';
import { ENVIRONMENT_BUDGET, PACKED_PREFIX, unpackEnvironment } from '../../functions/config/environment.ts';
import { createHash } from 'node:crypto';
import { stackPropsFromConfig } from '../../infra/stack-props.ts';
import { TradewatchStack } from '../../infra/tradewatch-stack.ts';
import { PROJECT_ROOT } from '../helpers/cli.ts';

describe('the stack from tradewatch.config.example.json', () => {
  const config = loadConfig('tradewatch.config.example.json', { cwd: PROJECT_ROOT });
  let template: Template;
  beforeAll(() => {
    template = Template.fromStack(
      new TradewatchStack(new App({ builtinCloudFormationValidation: false }), 'Example', stackPropsFromConfig(config)),
    );
  });

  it("puts each subscriber's generated filter policy on its subscription: its bundles for email and SMS", () => {
    for (const subscriber of config.subscribers.filter((s) => s.channel.type === 'email')) {
      const address = (subscriber.channel as { address: string }).address;
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: address,
        FilterPolicy: subscriptionPolicyFor(subscriber),
      });
    }
    // Publications by default: the subscription takes only what is addressed to it.
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sms',
      Endpoint: '+14155550100',
      FilterPolicy: { deliverTo: ['sdn-additions'] },
    });
  });

  it('tells every poller which subscribers take bundles, with the filter policy their bundles follow', () => {
    const pollers = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Description: Match.stringLikeRegexp('^tradewatch poller') },
      }),
    );
    for (const poller of pollers) {
      const bundled = JSON.parse(poller.Properties.Environment.Variables.BUNDLE_SUBSCRIBERS) as { id: string }[];
      expect(bundled.map((b) => b.id)).toEqual([
        'entity-list-china',
        'sdn-additions',
        'counterparties',
        'semiconductor-watch',
      ]);
      expect(bundled[1]).toMatchObject({
        channel: 'sms',
        mode: 'publication',
        policy: { source: ['us-ofac-sdn'], changeType: ['added'], list: ['SDN'] },
      });
    }
  });

  it('schedules each digest in its own time zone, invoking the digest function with the subscriber', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 8 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/London',
      Target: Match.objectLike({ Input: JSON.stringify({ subscriberId: 'counterparties' }) }),
    });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 9 ? * MON *)',
      ScheduleExpressionTimezone: 'America/New_York',
      Target: Match.objectLike({ Input: JSON.stringify({ subscriberId: 'semiconductor-watch' }) }),
    });
    const [digest] = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Description: Match.stringLikeRegexp('^tradewatch digests') },
      }),
    );
    const variables = digest!.Properties.Environment.Variables;
    expect(JSON.parse(variables.DIGEST_SUBSCRIBERS).map((d: { id: string }) => d.id)).toEqual([
      'counterparties',
      'semiconductor-watch',
    ]);
    expect(JSON.parse(variables.DIGEST_SOURCES).map((d: { id: string }) => d.id)).toContain('us-trade-csl');
  });

  it('delivers a webhook through its own encrypted queue with raw delivery, a DLQ and a dispatcher', () => {
    const webhook = config.subscribers.find((s) => s.channel.type === 'webhook')!;
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      RawMessageDelivery: true,
      FilterPolicy: filterPolicyFor(webhook),
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 360,
      RedrivePolicy: { maxReceiveCount: 10, deadLetterTargetArn: Match.anyValue() },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'tradewatch webhook dispatcher for screening-system',
      Timeout: 60,
      Environment: {
        Variables: Match.objectLike({
          WEBHOOK_URL: 'https://screening.example.com/hooks/tradewatch',
          WEBHOOK_SECRET_ARN: 'tradewatch/webhooks/screening-system',
        }),
      },
    });
  });

  it('never puts a secret value in the template; only the dispatcher reads its secret, only the feed function the feed secret, only the review page its own', () => {
    const body = JSON.stringify(template.toJSON());
    expect(body).not.toMatch(/whsec_/);
    const readers = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.PolicyDocument).includes('secretsmanager:GetSecretValue'),
    );
    expect(readers.map((reader) => JSON.stringify(reader.Properties.Roles)).sort()).toEqual([
      expect.stringContaining('FeedsFunctionRole'),
      expect.stringContaining('ReviewPageFunctionRole'),
      expect.stringContaining('screeningsystemDispatcher'),
    ]);
  });

  it('lets SNS send to the webhook queue only from the tradewatch topics', () => {
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'sqs:SendMessage',
            Principal: { Service: 'sns.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
  });

  it('passes the watchlist subscribers and their thresholds to every poller, and subscribes each to its own hits', () => {
    const pollers = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Description: Match.stringLikeRegexp('^tradewatch poller') },
      }),
    );
    expect(pollers.length).toBeGreaterThan(0);
    for (const poller of pollers)
      expect(JSON.parse(poller.Properties.Environment.Variables.WATCHLIST_SUBSCRIBERS)).toEqual([
        { id: 'counterparties', threshold: 0.85 },
      ]);
    // Its hits reach it in bundles: at once (urgent), the rest of its changes in its digest.
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'kyc@example.com',
      FilterPolicy: { deliverTo: ['counterparties'] },
    });
  });

  it('passes the keyword subscribers to every poller', () => {
    const pollers = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Description: Match.stringLikeRegexp('^tradewatch poller') },
      }),
    );
    for (const poller of pollers) {
      expect(JSON.parse(poller.Properties.Environment.Variables.KEYWORD_SUBSCRIBERS)).toEqual([
        { id: 'semiconductor-watch', keywords: ['semiconductor', 'microelectronics'] },
      ]);
    }
  });

  it('uses the schedule overrides of the config', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      Targets: [Match.objectLike({ Input: JSON.stringify({ sourceId: 'us-trade-csl' }) })],
    });
  });

  it('subscribes the operations recipients to the operations topic', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'tradewatch-ops@example.com',
    });
  });
});

describe('stackPropsFromConfig', () => {
  it('refuses a webhook whose secret comes from an environment variable, naming the key', () => {
    const config = parseConfig({
      subscribers: [
        {
          id: 'local-hook',
          channel: { type: 'webhook', url: 'https://example.com/h', secret: { env: 'HOOK_SECRET' } },
        },
      ],
    });
    expect(() => stackPropsFromConfig(config)).toThrow(
      /^config: subscribers\[0\]\.channel\.secret: an environment-variable secret is for local mode only/,
    );
  });

  it('leaves disabled sources out', () => {
    const props = stackPropsFromConfig(parseConfig({ sources: { 'us-trade-csl': { enabled: false } } }));
    expect(Object.keys(props.sources!)).not.toContain('us-trade-csl');
    expect(Object.keys(props.sources!)).toContain('us-ofac-sdn');
  });
});

describe('a configuration with a custom source', () => {
  it('schedules a poller for it and hands its definition to the pollers', () => {
    const config = parseConfig({
      customSources: [
        {
          id: 'acme-watchlist',
          title: 'ACME partner watch list',
          kind: 'feed',
          url: 'https://example.com/feed.xml',
          format: 'rss',
        },
      ],
    });
    const template = Template.fromStack(
      new TradewatchStack(new App({ builtinCloudFormationValidation: false }), 'Custom', stackPropsFromConfig(config)),
    );
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ Input: JSON.stringify({ sourceId: 'acme-watchlist' }) })],
    });
    const poller = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Description: 'tradewatch poller for acme-watchlist' },
      }),
    )[0]!;
    const definition = JSON.parse(poller.Properties.Environment.Variables.TRADEWATCH_SOURCES_CONFIG) as {
      customSources: { id: string; url: string }[];
    };
    expect(definition.customSources).toEqual([
      expect.objectContaining({ id: 'acme-watchlist', url: 'https://example.com/feed.xml' }),
    ]);
  });
});

describe("the pollers' environment", () => {
  const subscriber = (i: number, keywords?: string[]) => ({
    id: `desk-${i}`,
    channel: { type: 'email', address: `desk-${i}@example.com` },
    filters: {
      lists: ['Entity List', 'Military End User List'],
      countries: ['CN', 'HK', 'MO', 'RU', 'BY', 'IR'],
      ...(keywords ? { keywords } : {}),
    },
  });
  const size = (env: Record<string, string>) =>
    Object.entries(env).reduce((sum, [k, v]) => sum + k.length + v.length, 0);

  it('holds ten publication subscribers as plain JSON', () => {
    const props = stackPropsFromConfig(
      parseConfig({ subscribers: Array.from({ length: 10 }, (_, i) => subscriber(i)) }),
    );
    expect(props.pollerEnvironment!.BUNDLE_SUBSCRIBERS!.startsWith('[')).toBe(true);
    expect(size(props.pollerEnvironment as Record<string, string>)).toBeLessThan(ENVIRONMENT_BUDGET);
  });

  it('packs what does not fit, and the handler reads back exactly the subscribers the configuration gives', () => {
    const config = parseConfig({ subscribers: Array.from({ length: 60 }, (_, i) => subscriber(i)) });
    const env = { ...(stackPropsFromConfig(config).pollerEnvironment as Record<string, string>) };
    expect(env.BUNDLE_SUBSCRIBERS!.startsWith(PACKED_PREFIX)).toBe(true);
    expect(size(env)).toBeLessThan(ENVIRONMENT_BUDGET);
    unpackEnvironment(env);
    expect(bundleSubscribersFromEnv(env.BUNDLE_SUBSCRIBERS)).toEqual(bundleSubscribers(config.subscribers));
  });

  it('refuses at synth a configuration that does not fit even packed, naming what takes the room', () => {
    // Keywords that do not compress: a configuration past any packing.
    const random = (i: number, k: number) => createHash('sha256').update(`${i}:${k}`).digest('hex').slice(0, 14);
    const config = parseConfig({
      subscribers: Array.from({ length: 60 }, (_, i) => subscriber(i, [random(i, 1), random(i, 2), random(i, 3)])),
    });
    expect(() => stackPropsFromConfig(config)).toThrow(
      /the configuration takes \d+ bytes of the pollers's environment even packed, where Lambda leaves 3584 \((BUNDLE|KEYWORD)_SUBSCRIBERS \d+ B/,
    );
  });

  it('refuses a packed value that does not unpack, naming the variable', () => {
    expect(() => unpackEnvironment({ BUNDLE_SUBSCRIBERS: `${PACKED_PREFIX}bm90IGd6aXA=` })).toThrow(
      /environment variable BUNDLE_SUBSCRIBERS is packed but does not unpack/,
    );
  });
});
