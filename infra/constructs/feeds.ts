import { CfnOutput, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { FunctionUrlAuthType, InvokeMode, type FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { FEED_ENV, fitEnvironment } from '../../functions/config/environment.ts';
import { TradewatchFunction, acknowledgeTableIndexes } from './tradewatch-function.ts';

export interface FeedsProps {
  /** The state table; the feed function only reads it. */
  readonly table: ITable;
  /** FEED_ENV.subscribers (config/feed-subscribers.ts feedSubscribersEnv). */
  readonly subscribers: string;
  /** Every source whose events the feeds may show. */
  readonly sourceIds: readonly string[];
  /** Entries per page. @default 50 */
  readonly pageSize?: number;
}

/**
 * The change feeds (Atom and JSON Feed) at secret URLs: one function behind a Lambda Function URL,
 * a generated secret the URLs' tokens derive from (functions/delivery/feed-tokens.ts), and read-only
 * access to the table. The Function URL has no auth of its own (authType NONE) because feed
 * readers, Outlook and Slack cannot sign requests: the token in the path is the credential, and
 * the function answers 404 to any other. A Function URL costs nothing of its own; each poll of a
 * feed is one Lambda invocation and a few DynamoDB Query pages.
 */
export class Feeds extends Construct {
  readonly url: FunctionUrl;
  readonly secret: Secret;

  constructor(scope: Construct, id: string, props: FeedsProps) {
    super(scope, id);
    if (props.sourceIds.length === 0) throw new Error('Feeds: sourceIds must name at least one source');
    // Checked (and packed when needed) at synth: a configuration too large fails here, by name.
    const configured = fitEnvironment(
      { [FEED_ENV.subscribers]: props.subscribers, [FEED_ENV.sourceIds]: JSON.stringify(props.sourceIds) },
      'the feed function',
    );
    this.secret = new Secret(this, 'TokenSecret', {
      description:
        'tradewatch: the secret the change feeds URL tokens are derived from (replace it to rotate every URL)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const fn = new TradewatchFunction(this, 'Function', {
      handlerFile: 'feed.ts',
      description: 'tradewatch change feeds (Atom, JSON Feed)',
      memorySize: 512,
      timeout: Duration.seconds(15),
      environment: {
        [FEED_ENV.tableName]: props.table.tableName,
        [FEED_ENV.secretArn]: this.secret.secretArn,
        ...configured,
        [FEED_ENV.pageSize]: String(props.pageSize ?? 50),
      },
    });
    props.table.grantReadData(fn.function);
    acknowledgeTableIndexes(
      fn.function,
      props.table,
      "The feeds query the table's own timeline index; grantReadData's `<table>/index/*` covers only this table's indexes, read only.",
    );
    this.secret.grantRead(fn.function);
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason:
        'Rotating the feed secret changes every feed URL at once, which each reader must then be given again: it is replaced by hand when a URL has leaked beyond what raising feedRotation fixes.',
    });
    // authType NONE: the token in the path is the credential (feed readers cannot sign requests).
    this.url = fn.function.addFunctionUrl({ authType: FunctionUrlAuthType.NONE, invokeMode: InvokeMode.BUFFERED });
    new CfnOutput(this, 'BaseUrl', {
      description:
        'The feeds base URL: `npx tradewatch feeds --base-url <this> --secret-arn <FeedSecretArn>` prints each feed',
      value: this.url.url,
    });
    new CfnOutput(this, 'SecretArn', { description: 'The feed token secret', value: this.secret.secretArn });
  }
}
