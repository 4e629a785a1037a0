import { createHash } from 'node:crypto';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/config/config.ts';
import { FEED_ENV } from '../../functions/config/environment.ts';
import { stackPropsFromConfig } from '../../infra/stack-props.ts';
import { TradewatchStack } from '../../infra/tradewatch-stack.ts';

const subscribers = [
  { id: 'cn-desk', channel: { type: 'email', address: 'cn@example.com' }, filters: { countries: ['CN'] } },
];

function synth(feedsEnabled: boolean, app = new App({ builtinCloudFormationValidation: false })) {
  const config = parseConfig({ subscribers, feeds: { enabled: feedsEnabled, pageSize: 25 } });
  const stack = new TradewatchStack(app, 'Feeds', stackPropsFromConfig(config));
  return { app, stack, template: Template.fromStack(stack) };
}

describe('the change feeds in the stack', () => {
  it('has no function URL, feed function or feed secret unless feeds.enabled', () => {
    const { template } = synth(false);

    template.resourceCountIs('AWS::Lambda::Url', 0);
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(JSON.stringify(template.toJSON())).not.toContain(FEED_ENV.secretArn);
  });

  it('serves the feeds at a Function URL without IAM auth (the token is the credential) and outputs it', () => {
    const { template } = synth(true);

    template.resourceCountIs('AWS::Lambda::Url', 1);
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE', InvokeMode: 'BUFFERED' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'tradewatch change feeds (Atom, JSON Feed)',
      Architectures: ['arm64'],
      Environment: {
        Variables: Match.objectLike({
          [FEED_ENV.pageSize]: '25',
          [FEED_ENV.secretArn]: Match.anyValue(),
          [FEED_ENV.subscribers]: Match.stringLikeRegexp('"id":"cn-desk"'),
          [FEED_ENV.sourceIds]: Match.stringLikeRegexp('us-ofac-sdn'),
        }),
      },
    });
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ PasswordLength: 64, ExcludePunctuation: true }),
    });
    const outputs = Object.values(template.toJSON().Outputs as Record<string, { Value: unknown }>);
    expect(outputs.some((output) => JSON.stringify(output.Value).includes('FunctionUrl'))).toBe(true);
  });

  it('lets the feed function only read the table, and read its secret', () => {
    const { template } = synth(true);
    const policies = template.findResources('AWS::IAM::Policy');
    const feedPolicies = Object.entries(policies)
      .filter(([logicalId]) => logicalId.startsWith('Feeds'))
      .map(([, policy]) => JSON.stringify(policy));

    expect(feedPolicies).toHaveLength(1);
    const [policy] = feedPolicies;
    expect(policy).toContain('dynamodb:Query');
    expect(policy).toContain('secretsmanager:GetSecretValue');
    expect(policy).not.toMatch(/dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem)/);
  });

  it('passes the cdk-nag AWS Solutions checks', () => {
    const app = new App({ builtinCloudFormationValidation: false });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    synth(true, app);

    expect(() => app.synth()).not.toThrow();
  });

  it('refuses at synth a configuration whose feed filters outgrow the function environment even packed', () => {
    // Keywords that do not compress: past what packing the environment can hold.
    const word = (i: number, k: number) => createHash('sha256').update(`${i}:${k}`).digest('hex').slice(0, 14);
    const many = Array.from({ length: 120 }, (_, i) => ({
      id: `subscriber-${i}`,
      channel: { type: 'email', address: `s${i}@example.com` },
      filters: { countries: ['CN', 'HK', 'RU'], keywords: [1, 2, 3, 4, 5, 6].map((k) => word(i, k)) },
      // One message per change: the pollers' environment carries none of them (bundles would).
      delivery: { mode: 'each' },
    }));
    const config = parseConfig({ subscribers: many, feeds: { enabled: true } });

    expect(() => new TradewatchStack(new App(), 'TooMany', stackPropsFromConfig(config))).toThrow(
      /the configuration takes \d+ bytes of the (feed function|pollers)'s environment even packed/,
    );
  });
});
