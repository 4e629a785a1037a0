import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { scheduleMinutes } from '../../functions/core/schedule.ts';
import { SOURCES } from '../../functions/sources/registry.ts';
import type { SubscriberSpec } from '../../infra/constructs/subscribers.ts';
import { TradewatchStack } from '../../infra/tradewatch-stack.ts';

export const SAMPLE_SUBSCRIBERS: SubscriberSpec[] = [
  {
    id: 'compliance-email',
    channel: { type: 'email', address: 'compliance@example.com' },
    filterPolicy: { list: ['Entity List'], changeType: ['added'], countries: ['CN', 'HK'] },
    includeHealth: true,
  },
  {
    id: 'sdn-sms',
    channel: { type: 'sms', phoneNumber: '+15555550100' },
    filterPolicy: { source: ['us-ofac-sdn'], changeType: ['added'] },
  },
];

function synth(props: ConstructorParameters<typeof TradewatchStack>[2] = {}): Template {
  const app = new App({ builtinCloudFormationValidation: false });
  return Template.fromStack(new TradewatchStack(app, 'Test', props));
}

describe('TradewatchStack', () => {
  let template: Template;
  beforeAll(() => {
    template = synth({ subscribers: SAMPLE_SUBSCRIBERS, operations: { email: 'ops@example.com' } });
  });

  it('creates one scheduled poller per registered source, with its schedule and id', () => {
    template.resourceCountIs('AWS::Events::Rule', SOURCES.length);
    for (const source of SOURCES) {
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: source.schedule,
        Targets: [Match.objectLike({ Input: JSON.stringify({ sourceId: source.id }) })],
      });
    }
  });

  it('takes schedule overrides and a subset of sources', () => {
    const subset = synth({ sources: { 'us-ofac-sdn': 'rate(2 minutes)' } });
    subset.resourceCountIs('AWS::Events::Rule', 1);
    subset.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(2 minutes)' });
  });

  it('runs the pollers on arm64 Node.js 24 with a dead-letter queue and no retries', () => {
    const functions = template.findResources('AWS::Lambda::Function', {
      Properties: { Description: Match.stringLikeRegexp('^tradewatch poller') },
    });
    expect(Object.keys(functions)).toHaveLength(SOURCES.length);
    for (const fn of Object.values(functions)) {
      const source = SOURCES.find((s) => fn.Properties.Description === `tradewatch poller for ${s.id}`)!;
      // Registers stream lists of up to ~100 MB; feeds are a few KB.
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        DeadLetterConfig: { TargetArn: expect.anything() },
        MemorySize: source.kind === 'feed' ? 256 : 1024,
      });
    }
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0 });
  });

  it('keeps the table on demand, encrypted, recoverable, with TTL and the outbox and timeline indexes', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectLike({ IndexName: 'outbox' }),
        Match.objectLike({ IndexName: 'timeline' }),
      ]),
    });
  });

  it('encrypts both topics with the AWS-managed SNS key and refuses non-TLS requests', () => {
    template.resourceCountIs('AWS::SNS::Topic', 2);
    for (const topic of Object.values(template.findResources('AWS::SNS::Topic')))
      expect(JSON.stringify(topic.Properties.KmsMasterKeyId)).toContain('alias/aws/sns');
    const policies = Object.values(template.findResources('AWS::SNS::TopicPolicy'));
    expect(policies).toHaveLength(2);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      );
    }
  });

  it('scopes each function to what it uses, through grants', () => {
    const roles = template.findResources('AWS::IAM::Role');
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    for (const policy of policies) {
      for (const statement of policy.Properties.PolicyDocument.Statement as {
        Action: string | string[];
        Resource: unknown;
      }[]) {
        for (const action of [statement.Action].flat()) expect(action).not.toMatch(/^[a-z0-9-]+:\*$|^\*$/);
        expect(statement.Resource).not.toBe('*');
      }
    }
    expect(Object.keys(roles).length).toBeGreaterThanOrEqual(SOURCES.length + 1);
    // The pollers write the table and publish; the forwarder only publishes to the operations topic.
    const forwarderPolicy = policies.find((p) => JSON.stringify(p.Properties.Roles).includes('AlarmForwarder'))!;
    expect(JSON.stringify(forwarderPolicy.Properties.PolicyDocument)).not.toContain('dynamodb:');
  });

  it('alarms when polls keep failing, and when fewer than half the expected polls run (no data counts)', () => {
    const pollsPerHour = SOURCES.reduce((sum, s) => sum + 60 / scheduleMinutes(s.schedule)!, 0);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Tradewatch',
      MetricName: 'FailedPolls',
      Dimensions: Match.absent(),
      Period: 900,
      Threshold: 3,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [Match.anyValue()],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Tradewatch',
      MetricName: 'Polls',
      Period: 3600,
      Threshold: Math.floor(pollsPerHour / 2),
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  it("alarms on the pollers' dead-letter queue through the alarm forwarder", () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
    });
    template.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'lambda.alarms.cloudwatch.amazonaws.com' });
  });

  it("stays inside CloudWatch's free tier of 10 alarm metrics, however many sources there are", () => {
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).length).toBeLessThanOrEqual(10);
    expect(SOURCES.length).toBeGreaterThan(10);
  });

  it('subscribes email and SMS subscribers with the filter policies generated from their filters', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'compliance@example.com',
      FilterPolicy: { list: ['Entity List'], changeType: ['added'], countries: ['CN', 'HK'] },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sms',
      Endpoint: '+15555550100',
      FilterPolicy: { source: ['us-ofac-sdn'], changeType: ['added'] },
    });
    // includeHealth: the operations topic too, under the same policy (its health branch lets health through).
    const emails = Object.values(
      template.findResources('AWS::SNS::Subscription', { Properties: { Endpoint: 'compliance@example.com' } }),
    );
    expect(emails).toHaveLength(2);
    expect(new Set(emails.map((s) => JSON.stringify(s.Properties.TopicArn))).size).toBe(2);
    expect(
      emails.every(
        (s) => JSON.stringify(s.Properties.FilterPolicy) === JSON.stringify(SAMPLE_SUBSCRIBERS[0]!.filterPolicy),
      ),
    ).toBe(true);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  it('builds one dashboard', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it('refuses an unknown source id with a message naming it', () => {
    expect(() => synth({ sources: { nope: 'rate(5 minutes)' } })).toThrow(/unknown source id\(s\) nope/);
  });
});
