import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { SOURCES } from '../../functions/sources/registry.ts';
import { TradewatchStack } from '../../infra/tradewatch-stack.ts';

describe('TradewatchStack', () => {
  let template: Template;
  beforeAll(() => {
    const app = new App({ builtinCloudFormationValidation: false });
    template = Template.fromStack(new TradewatchStack(app, 'Test'));
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

  it('runs the pollers on arm64 Node.js 22 with a dead-letter queue', () => {
    const functions = template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('^tradewatch poller') } });
    expect(Object.keys(functions)).toHaveLength(SOURCES.length);
    for (const fn of Object.values(functions)) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], DeadLetterConfig: { TargetArn: expect.anything() } });
    }
  });

  it('keeps the table on demand, encrypted, recoverable, with TTL and the outbox and timeline indexes', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      GlobalSecondaryIndexes: Match.arrayWith([Match.objectLike({ IndexName: 'outbox' }), Match.objectLike({ IndexName: 'timeline' })]),
    });
  });

  it('encrypts both topics with a customer key and refuses non-TLS publishing', () => {
    template.resourceCountIs('AWS::SNS::Topic', 2);
    for (const topic of Object.values(template.findResources('AWS::SNS::Topic'))) expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('grants the pollers the table and the two topics only, through grants', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    const actions = new Set(policies.flatMap((p) => (p.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap((s) => [s.Action].flat())));
    expect([...actions].filter((a) => a !== 'sqs:SendMessage' && !a.startsWith('dynamodb:') && a !== 'sns:Publish' && !a.startsWith('kms:') && !a.startsWith('logs:'))).toEqual([]);
    expect(actions.has('dynamodb:*')).toBe(false);
  });

  it('refuses an unknown source id with a message naming it', () => {
    expect(() => new TradewatchStack(new App({ builtinCloudFormationValidation: false }), 'Bad', { sources: ['nope'] })).toThrow(/unknown source id\(s\) nope/);
  });
});
