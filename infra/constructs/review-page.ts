import { createHash } from 'node:crypto';
import { Aws, CfnOutput, Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { HttpApi, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import {
  AccountRecovery,
  CfnUserPoolUser,
  FeaturePlan,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  UserPool,
  UserPoolClientIdentityProvider,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { auditPk, decisionPk } from '../../functions/aws/table.ts';
import { REVIEW_PAGE_ENV, REVIEW_PAGE_ORIGIN_HEADER, fitEnvironment } from '../../functions/config/environment.ts';
import type { ReviewPageSignIn } from '../../functions/config/review-page-env.ts';
import { TradewatchFunction, acknowledgeTableIndexes } from './tradewatch-function.ts';

export interface ReviewPageProps {
  /** The state table: read, plus the decisions and audit items of `decisionSubscribers`. */
  readonly table: ITable;
  /** REVIEW_PAGE_ENV.config (config/review-page-env.ts reviewPageConfigEnv). */
  readonly config: string;
  /** The reviewers' addresses: each is invited to the user pool by email. */
  readonly reviewerEmails: readonly string[];
  /** The watchlist subscribers some reviewer decides for: the only ones whose decisions the function may write. */
  readonly decisionSubscribers: readonly string[];
  /** @default 'optional' */
  readonly mfa?: 'optional' | 'required';
}

/** Requests per second the API takes before answering 429: a few people reviewing never come near it. */
const THROTTLE = { rateLimit: 20, burstLimit: 40 } as const;
/** How long a sign-in lasts: a working day, so that a decision is not lost to an expired session mid-review. */
const SESSION = Duration.hours(8);
/**
 * What the page may load when it sets no policy of its own (it does: this is the floor). No
 * script, style or image from anywhere else, no framing, forms only to itself.
 */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * The review page on AWS: CloudFront (HTTPS only, security headers) in front of an HTTP API in
 * front of one function, and a Cognito user pool its reviewers sign in to.
 *
 * Why an HTTP API and not a Function URL behind CloudFront's origin access control: with OAC,
 * Lambda refuses a POST whose body the viewer has not hashed into `x-amz-content-sha256`, and a
 * browser's plain HTML form (how the page's decisions are posted, and must keep working without
 * script) cannot add that header. The API's own endpoint stays reachable, so CloudFront adds a
 * secret header (REVIEW_PAGE_ORIGIN_HEADER, from Secrets Manager) and the function answers 403 to
 * any request without it, before reading a session or the table; the stage is throttled, so
 * requests that skip CloudFront cost little. There is no Function URL.
 *
 * Who reaches the page: only people the configuration invites (self sign-up is off), with a strong
 * password and, as configured, an authenticator-app code; the function maps the signed-in email to
 * the configuration's reviewers and refuses anyone else (functions/handlers/review-page.ts).
 */
export class ReviewPage extends Construct {
  readonly distribution: Distribution;
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly function: TradewatchFunction;

  constructor(scope: Construct, id: string, props: ReviewPageProps) {
    super(scope, id);
    if (props.reviewerEmails.length === 0)
      throw new Error('ReviewPage: reviewerEmails must name at least one reviewer');
    const stack = Stack.of(this);

    const csrfSecret = new Secret(this, 'CsrfSecret', {
      description: 'tradewatch review page: the key of its CSRF tokens',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const originSecret = new Secret(this, 'OriginSecret', {
      description:
        'tradewatch review page: the header value proving a request came through its CloudFront distribution',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Both are read by the function at cold start only; replacing either by hand (then redeploying,
    // for the origin header) is the rotation: nothing outside the stack holds them.
    for (const secret of [csrfSecret, originSecret])
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions::AwsSolutions-SMG4',
        reason:
          'Read by the review page function at cold start only; a new value is set by hand (and the stack redeployed for the origin header), which signs everyone out at worst.',
      });

    // The sign-in settings name the distribution, which names the API, which names the function:
    // the function reads them from this parameter (by name, so its policy names no resource of the cycle).
    const signInParameterName = `/tradewatch/${Aws.STACK_NAME}/review-page/sign-in`;
    const configured = fitEnvironment({ [REVIEW_PAGE_ENV.config]: props.config }, 'the review page function');
    this.function = new TradewatchFunction(this, 'Function', {
      handlerFile: 'review-page.ts',
      description: 'tradewatch review page (behind sign-in)',
      memorySize: 1024,
      timeout: Duration.seconds(25),
      environment: {
        [REVIEW_PAGE_ENV.tableName]: props.table.tableName,
        [REVIEW_PAGE_ENV.csrfSecretArn]: csrfSecret.secretArn,
        [REVIEW_PAGE_ENV.originSecretArn]: originSecret.secretArn,
        [REVIEW_PAGE_ENV.signInParameter]: signInParameterName,
        ...configured,
      },
    });
    const fn = this.function.function;
    this.grantTable(props.table, props.decisionSubscribers);
    csrfSecret.grantRead(fn);
    originSecret.grantRead(fn);
    StringParameter.fromStringParameterAttributes(this, 'SignInSettingsByName', {
      parameterName: signInParameterName,
      simpleName: false,
    }).grantRead(fn);

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.ONE_MONTH });
    const api = new HttpApi(this, 'Api', {
      description: 'tradewatch review page (reached through CloudFront only)',
      defaultIntegration: new HttpLambdaIntegration('Page', fn),
      createDefaultStage: false,
    });
    new HttpStage(this, 'Stage', {
      httpApi: api,
      stageName: '$default',
      autoDeploy: true,
      throttle: THROTTLE,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs) },
    });
    Validations.of(api).acknowledge({
      id: 'AwsSolutions::AwsSolutions-APIG4',
      reason:
        'The function authorizes every request itself: the CloudFront origin header first, then the Cognito ID token in the session cookie (an API authorizer cannot read a cookie), then the reviewer.',
    });

    const securityHeaders = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'tradewatch review page: security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: CONTENT_SECURITY_POLICY, override: false },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.SAME_ORIGIN, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          {
            header: 'permissions-policy',
            value: 'camera=(), microphone=(), geolocation=(), payment=()',
            override: true,
          },
          { header: 'cross-origin-opener-policy', value: 'same-origin', override: true },
        ],
      },
    });
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'tradewatch review page',
      defaultBehavior: {
        origin: new HttpOrigin(Fn.select(2, Fn.split('/', api.apiEndpoint)), {
          protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
          originSslProtocols: [OriginSslPolicy.TLS_V1_2],
          customHeaders: { [REVIEW_PAGE_ORIGIN_HEADER]: originSecret.secretValue.unsafeUnwrap() },
        }),
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_ALL,
        // Every answer is per reviewer and current: nothing is cached at the edge.
        cachePolicy: CachePolicy.CACHING_DISABLED,
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        responseHeadersPolicy: securityHeaders,
        compress: true,
      },
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
    });
    const pageOrigin = `https://${this.distribution.distributionDomainName}`;
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions::AwsSolutions-CFR1',
      reason: 'Reviewers may work from anywhere; who gets in is decided by the sign-in, not by country.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions::AwsSolutions-CFR2',
      reason:
        'A web ACL costs more than the page itself for a handful of reviewers; the API stage is throttled and every request needs a sign-in. Attach one to the distribution if your organisation requires it.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions::AwsSolutions-CFR3',
      reason:
        'Every request is logged by the API stage (access logs) and the function (Powertools); CloudFront standard logs would need a bucket with ACLs for the same lines.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions::AwsSolutions-CFR4',
      reason:
        "The distribution uses CloudFront's default *.cloudfront.net certificate, whose viewer TLS policy CloudFront sets (TLSv1 minimum); a custom domain with its own certificate is what raises it. The origin is reached over TLS 1.2 only.",
    });

    this.userPool = new UserPool(this, 'Reviewers', {
      userPoolName: `${stack.stackName}-review-page`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      // Immutable: a reviewer is their address, and no one can change theirs into another reviewer's.
      standardAttributes: { email: { required: true, mutable: false } },
      mfa: props.mfa === 'required' ? Mfa.REQUIRED : Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(7),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Plus: compromised-credential and risk-based sign-in checks, at a few cents a month for a handful of reviewers.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      userInvitation: {
        emailSubject: 'You are invited to the tradewatch review page',
        emailBody: `You are invited to review tradewatch's changes and watchlist hits at ${pageOrigin}/ . Sign in with {username} and the temporary password {####} (valid 7 days); you will choose your own password.`,
      },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    if (props.mfa !== 'required')
      Validations.of(this.userPool).acknowledge({
        id: 'AwsSolutions::AwsSolutions-COG2',
        reason:
          'The configuration sets reviewPage.mfa to "optional"; "required" makes every reviewer set up an authenticator app at first sign-in.',
      });
    const domain = this.userPool.addDomain('SignIn', {
      cognitoDomain: {
        // Unique per stack without naming the account: the first group of the stack id's UUID.
        domainPrefix: Fn.join('-', [
          'tradewatch-review',
          Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', Aws.STACK_ID)))),
        ]),
      },
    });
    this.client = this.userPool.addClient('Page', {
      // A public client: the code is exchanged with PKCE, so no client secret lives in the function.
      generateSecret: false,
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL],
        callbackUrls: [`${pageOrigin}/auth/callback`],
        logoutUrls: [`${pageOrigin}/auth/signed-out`],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      idTokenValidity: SESSION,
      accessTokenValidity: SESSION,
      refreshTokenValidity: SESSION,
      enableTokenRevocation: true,
    });
    for (const email of props.reviewerEmails) {
      // The logical id from a hash of the address: stable across deploys, and no address in the id.
      const key = createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 12);
      new CfnUserPoolUser(this, `Reviewer${key}`, {
        userPoolId: this.userPool.userPoolId,
        username: email,
        userAttributes: [
          { name: 'email', value: email },
          { name: 'email_verified', value: 'true' },
        ],
        desiredDeliveryMediums: ['EMAIL'],
      });
    }
    const settings: ReviewPageSignIn = {
      userPoolId: this.userPool.userPoolId,
      clientId: this.client.userPoolClientId,
      signInOrigin: domain.baseUrl(),
      pageOrigin,
    };
    new StringParameter(this, 'SignInSettings', {
      parameterName: signInParameterName,
      simpleName: false,
      description: 'tradewatch review page: where its sign-in happens (read by its function at cold start)',
      stringValue: stack.toJsonString(settings),
    });

    new CfnOutput(this, 'Url', { description: 'The review page', value: `${pageOrigin}/` });
    new CfnOutput(this, 'UserPoolId', { description: "The review page's reviewers", value: this.userPool.userPoolId });
  }

  /**
   * Read on the whole table (grantReadData); writes only to the partitions of the decisions and
   * the audit trail of the subscribers some reviewer decides for. grant* cannot narrow a write to
   * items, so the write statement names its partition keys in a dynamodb:LeadingKeys condition;
   * the audit trail gets PutItem only (it is append-only), the decisions PutItem and DeleteItem
   * (a withdrawal deletes the decision).
   */
  private grantTable(table: ITable, decisionSubscribers: readonly string[]): void {
    const fn = this.function.function;
    table.grantReadData(fn);
    acknowledgeTableIndexes(
      fn,
      table,
      "The page reads the table's own timeline indexes (the newest changes first); grantReadData's `<table>/index/*` covers only this table's indexes, read only.",
    );
    if (decisionSubscribers.length === 0) return;
    const keys = (pk: (subscriberId: string) => string) => decisionSubscribers.map(pk);
    fn.addToRolePolicy(
      new PolicyStatement({
        sid: 'DecideHits',
        effect: Effect.ALLOW,
        actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': keys(decisionPk) } },
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        sid: 'AppendAudit',
        effect: Effect.ALLOW,
        actions: ['dynamodb:PutItem'],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': keys(auditPk) } },
      }),
    );
  }
}
