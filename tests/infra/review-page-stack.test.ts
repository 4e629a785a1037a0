import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/config/config.ts';
import { REVIEW_PAGE_ENV, REVIEW_PAGE_ORIGIN_HEADER } from '../../functions/config/environment.ts';
import { stackPropsFromConfig } from '../../infra/stack-props.ts';
import { TradewatchStack } from '../../infra/tradewatch-stack.ts';

const subscribers = [
  {
    id: 'screening',
    channel: { type: 'email', address: 'screening@example.com' },
    watchlist: { entries: [{ name: 'Example Trading LLC' }] },
  },
  {
    id: 'counterparties',
    channel: { type: 'email', address: 'cp@example.com' },
    watchlist: { entries: [{ name: 'Another Holding' }] },
  },
  { id: 'cn-desk', channel: { type: 'email', address: 'cn@example.com' }, filters: { countries: ['CN'] } },
];

function configWith(reviewPage: unknown) {
  return parseConfig({ subscribers, reviewPage });
}

const enabled = {
  enabled: true,
  mfa: 'required',
  reviewers: [
    { email: 'analyst@example.com', subscribers: ['screening', 'cn-desk'] },
    { email: 'lead@example.com', subscribers: ['cn-desk'] },
  ],
};

function synth(reviewPage: unknown, app = new App({ builtinCloudFormationValidation: false })) {
  const stack = new TradewatchStack(app, 'Review', stackPropsFromConfig(configWith(reviewPage)));
  return { app, stack, template: Template.fromStack(stack) };
}

type Resource = { Type: string; Properties: Record<string, unknown> };

describe('the review page in the stack', () => {
  let template: Template;
  let resources: Record<string, Resource>;
  beforeAll(() => {
    template = synth(enabled).template;
    resources = template.toJSON().Resources as Record<string, Resource>;
  });
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const pageFunctionId = () =>
    ofType('AWS::Lambda::Function').find(
      ([, r]) => r.Properties.Description === 'tradewatch review page (behind sign-in)',
    )![0];
  const policiesOf = (roleLogicalId: string) =>
    ofType('AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(roleLogicalId))
      .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement);

  it('is absent unless reviewPage.enabled', () => {
    const { template: off } = synth({ enabled: false, reviewers: [{ email: 'a@example.com', subscribers: 'all' }] });

    for (const type of [
      'AWS::CloudFront::Distribution',
      'AWS::Cognito::UserPool',
      'AWS::Cognito::UserPoolUser',
      'AWS::ApiGatewayV2::Api',
      'AWS::SSM::Parameter',
    ])
      off.resourceCountIs(type, 0);
    expect(JSON.stringify(off.toJSON())).not.toContain(REVIEW_PAGE_ENV.csrfSecretArn);
  });

  it('serves the page through CloudFront over HTTPS only, uncached, with security headers', () => {
    template.resourceCountIs('AWS::CloudFront::Distribution', 1);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'https-only',
          AllowedMethods: Match.arrayWith(['GET', 'HEAD', 'POST']),
          CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // CachingDisabled
        }),
        Origins: [
          Match.objectLike({
            CustomOriginConfig: Match.objectLike({
              OriginProtocolPolicy: 'https-only',
              OriginSSLProtocols: ['TLSv1.2'],
            }),
            OriginCustomHeaders: [{ HeaderName: REVIEW_PAGE_ORIGIN_HEADER, HeaderValue: Match.anyValue() }],
          }),
        ],
      }),
    });
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          StrictTransportSecurity: Match.objectLike({ Override: true, IncludeSubdomains: true }),
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ContentTypeOptions: { Override: true },
          ContentSecurityPolicy: Match.objectLike({
            ContentSecurityPolicy: Match.stringLikeRegexp("frame-ancestors 'none'"),
          }),
        }),
      }),
    });
  });

  it("sends CloudFront's origin header from a generated secret, never its value in the template", () => {
    const distribution = JSON.stringify(ofType('AWS::CloudFront::Distribution')[0]![1]);

    expect(distribution).toMatch(/\{\{resolve:secretsmanager:/);
    template.resourceCountIs('AWS::SecretsManager::Secret', 2);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
    });
  });

  it('has no Function URL: the function is invoked only by its HTTP API, whose stage is throttled and logged', () => {
    template.resourceCountIs('AWS::Lambda::Url', 0);
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 }),
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
    const page = pageFunctionId();
    const permissions = ofType('AWS::Lambda::Permission').filter(([, p]) =>
      JSON.stringify(p.Properties.FunctionName).includes(page),
    );
    expect(permissions.length).toBeGreaterThan(0);
    for (const [, permission] of permissions) {
      expect(permission.Properties.Principal).toBe('apigateway.amazonaws.com');
      expect(JSON.stringify(permission.Properties.SourceArn)).toContain('execute-api');
    }
  });

  it('signs in reviewers invited from the configuration only: no self sign-up, a strong password, the MFA configured', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: Match.objectLike({ AllowAdminCreateUserOnly: true }),
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      UsernameAttributes: ['email'],
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 14,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
      Schema: Match.arrayWith([Match.objectLike({ Name: 'email', Mutable: false, Required: true })]),
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
    });
    template.resourceCountIs('AWS::Cognito::UserPoolUser', 2);
    for (const email of ['analyst@example.com', 'lead@example.com'])
      template.hasResourceProperties('AWS::Cognito::UserPoolUser', {
        Username: email,
        DesiredDeliveryMediums: ['EMAIL'],
        UserAttributes: Match.arrayWith([
          { Name: 'email', Value: email },
          { Name: 'email_verified', Value: 'true' },
        ]),
      });
    template.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
  });

  it('makes MFA optional when the configuration says so', () => {
    const { template: optional } = synth({ ...enabled, mfa: 'optional' });

    optional.hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'OPTIONAL' });
  });

  it('has one public app client: authorization code (PKCE) only, no secret, callback on the distribution', () => {
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', 'email'],
      SupportedIdentityProviders: ['COGNITO'],
      CallbackURLs: [
        { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [Match.anyValue(), 'DomainName'] }, '/auth/callback']] },
      ],
    });
    const client = ofType('AWS::Cognito::UserPoolClient')[0]![1];
    expect(client.Properties.ExplicitAuthFlows ?? []).not.toContain('ALLOW_USER_PASSWORD_AUTH');
  });

  it('lets the function read the table, and write only the decisions and audit trail of the watchlist subscribers its reviewers decide', () => {
    const role = (resources[pageFunctionId()]!.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;
    const statements = policiesOf(role);
    const dynamo = statements.filter((s) => JSON.stringify(s.Action).includes('dynamodb:'));
    const writes = dynamo.filter((s) =>
      /dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem)/.test(JSON.stringify(s.Action)),
    );

    expect(dynamo.some((s) => JSON.stringify(s.Action).includes('dynamodb:Query'))).toBe(true);
    expect(writes.map((s) => ({ Action: s.Action, Condition: s.Condition }))).toEqual([
      {
        Action: ['dynamodb:PutItem', 'dynamodb:DeleteItem'],
        // cn-desk has no watchlist, counterparties no reviewer: only screening's decisions.
        Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['WLD#screening'] } },
      },
      {
        Action: 'dynamodb:PutItem',
        Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['WLA#screening'] } },
      },
    ]);
    for (const statement of writes) expect(JSON.stringify(statement.Resource)).not.toContain('index');
    expect(JSON.stringify(statements)).not.toMatch(
      /"\*"|dynamodb:\*|UpdateItem|BatchWriteItem|UpdateTable|DeleteTable/,
    );
  });

  it('lets the function read its two secrets and its sign-in parameter, and nothing else of either service', () => {
    const role = (resources[pageFunctionId()]!.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;
    const statements = policiesOf(role);
    const secrets = statements.filter((s) => JSON.stringify(s.Action).includes('secretsmanager:'));
    const ssm = statements.filter((s) => JSON.stringify(s.Action).includes('ssm:'));

    expect(secrets.flatMap((s) => [s.Resource].flat()).length).toBe(2);
    expect(JSON.stringify(ssm)).toContain('/review-page/sign-in');
    expect(JSON.stringify(ssm)).not.toMatch(/ssm:Put|parameter\/\*/);
  });

  it('gives the function the configuration and the names of its secrets and settings, no secret value', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'tradewatch review page (behind sign-in)',
      Runtime: Match.stringLikeRegexp('^nodejs2[24]'),
      Environment: {
        Variables: Match.objectLike({
          [REVIEW_PAGE_ENV.config]: Match.stringLikeRegexp('analyst@example.com'),
          [REVIEW_PAGE_ENV.csrfSecretArn]: { Ref: Match.anyValue() },
          [REVIEW_PAGE_ENV.originSecretArn]: { Ref: Match.anyValue() },
          [REVIEW_PAGE_ENV.signInParameter]: Match.anyValue(),
        }),
      },
    });
    const fn = JSON.stringify(resources[pageFunctionId()]);
    expect(fn).not.toContain('resolve:secretsmanager');
  });

  it('opens no table and no bucket to the public', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    for (const [, bucket] of ofType('AWS::S3::Bucket'))
      expect(bucket.Properties.PublicAccessBlockConfiguration).toMatchObject({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    const resourcePolicies = [...ofType('AWS::DynamoDB::ResourcePolicy'), ...ofType('AWS::S3::BucketPolicy')];
    for (const [, policy] of resourcePolicies)
      expect(JSON.stringify(policy)).not.toMatch(/"Principal":\s*"\*"|"AWS":\s*"\*"/);
    const table = ofType('AWS::DynamoDB::Table')[0]![1];
    expect(table.Properties.ResourcePolicy).toBeUndefined();
  });

  it('passes the cdk-nag AWS Solutions checks', () => {
    const app = new App({ builtinCloudFormationValidation: false });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    synth(enabled, app);

    expect(() => app.synth()).not.toThrow();
  });
});
