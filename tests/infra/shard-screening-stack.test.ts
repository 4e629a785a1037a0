/**
 * The sharded initial screening in the stack (infra/constructs/shard-screening.ts): present only
 * with a watchlist subscriber; an encrypted, TLS-only queue with a dead-letter queue and a
 * visibility timeout beyond the worker's; a worker sized by the shard plan, fed one shard at a time
 * at a bounded concurrency; grants scoped to what each function does; cdk-nag clean.
 */
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/config/config.ts';
import { SHARD_ENV } from '../../functions/config/environment.ts';
import { WORKER_MEMORY_MB } from '../../functions/watchlist/shard-plan.ts';
import { stackPropsFromConfig } from '../../infra/stack-props.ts';
import { TradewatchStack } from '../../infra/tradewatch-stack.ts';

const desk = { id: 'desk', channel: { type: 'email', address: 'kyc@example.com' } };

function synth(watchlist: boolean, app = new App({ builtinCloudFormationValidation: false })) {
  const config = parseConfig({
    subscribers: [watchlist ? { ...desk, watchlist: { threshold: 0.85 } } : desk],
  });
  const props = stackPropsFromConfig(config);
  const stack = new TradewatchStack(app, 'Shards', {
    ...props,
    sources: { 'us-ofac-sdn': 'rate(1 hour)', 'un-sc-consolidated': 'rate(1 hour)' },
  });
  return { app, template: Template.fromStack(stack) };
}

const WORKER = { Properties: { Description: Match.stringLikeRegexp('^tradewatch watchlist screening worker') } };

describe('the sharded initial screening in the stack', () => {
  it('has no shard queue or worker without a watchlist subscriber', () => {
    const { template } = synth(false);

    expect(Object.keys(template.findResources('AWS::Lambda::Function', WORKER))).toHaveLength(0);
    expect(JSON.stringify(template.toJSON())).not.toContain(SHARD_ENV.queueUrl);
  });

  it('queues shards encrypted, over TLS only, with a dead-letter queue and a visibility timeout beyond the worker', () => {
    const { template } = synth(true);
    const [worker] = Object.values(template.findResources('AWS::Lambda::Function', WORKER));
    const [queue] = Object.values(
      template.findResources('AWS::SQS::Queue', {
        Properties: { RedrivePolicy: Match.objectLike({ maxReceiveCount: 3 }) },
      }),
    );

    expect(queue!.Properties).toMatchObject({ SqsManagedSseEnabled: true, VisibilityTimeout: 5400 });
    expect(queue!.Properties.VisibilityTimeout).toBeGreaterThan(worker!.Properties.Timeout);
    const dlqId = queue!.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0] as string;
    expect(template.toJSON().Resources[dlqId].Properties).toMatchObject({ SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
      Queues: Match.arrayWith([{ Ref: dlqId }]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('^A shard of a watchlist initial screening failed'),
    });
  });

  it('sizes the worker by the shard plan and feeds it one shard at a time, four at once, reporting failures per shard', () => {
    const { template } = synth(true);
    const [worker] = Object.values(template.findResources('AWS::Lambda::Function', WORKER));

    expect(worker!.Properties).toMatchObject({
      MemorySize: WORKER_MEMORY_MB,
      Timeout: 900,
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
    });
    expect(JSON.parse(worker!.Properties.Environment.Variables.WATCHLIST_SUBSCRIBERS)).toEqual([
      { id: 'desk', threshold: 0.85 },
    ]);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 4 },
    });
  });

  it('lets every poller send shards (and tells it the queue), and the worker only consume them, use the table and publish alerts', () => {
    const { template } = synth(true);
    const pollers = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Description: Match.stringLikeRegexp('^tradewatch poller') },
      }),
    );
    expect(pollers).toHaveLength(2);
    for (const poller of pollers) expect(poller.Properties.Environment.Variables[SHARD_ENV.queueUrl]).toBeDefined();
    const policies = Object.entries(template.findResources('AWS::IAM::Policy'));
    const workerPolicy = JSON.stringify(
      policies.filter(([id]) => id.startsWith('ShardScreeningWorker')).map(([, p]) => p),
    );
    expect(workerPolicy).toContain('sqs:ReceiveMessage');
    expect(workerPolicy).toContain('dynamodb:PutItem');
    expect(workerPolicy).toContain('sns:Publish');
    expect(workerPolicy).not.toContain('sqs:SendMessage');
    const pollerPolicies = policies.filter(([id]) => id.startsWith('Poller')).map(([, p]) => JSON.stringify(p));
    expect(pollerPolicies).toHaveLength(2);
    for (const policy of pollerPolicies) {
      expect(policy).toContain('sqs:SendMessage');
      expect(policy).not.toContain('sqs:ReceiveMessage');
    }
    expect(JSON.stringify(policies)).not.toMatch(/"Action":"(sqs|sns|dynamodb):\*"/);
  });

  it('passes the cdk-nag AWS Solutions checks', () => {
    const app = new App({ builtinCloudFormationValidation: false });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    synth(true, app);

    expect(() => app.synth()).not.toThrow();
  });
});
