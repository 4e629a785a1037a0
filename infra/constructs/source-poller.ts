import { Duration } from 'aws-cdk-lib';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';

export interface SourcePollerProps {
  readonly sourceId: string;
  /** EventBridge schedule expression, e.g. `rate(5 minutes)`. */
  readonly schedule: string;
  readonly table: ITable;
  readonly alerts: ITopic;
  readonly operations: ITopic;
  /** @default 1024 — streaming parsers stay far below; more memory buys CPU for the 100 MB lists */
  readonly memorySize?: number;
  /** @default Duration.minutes(5) */
  readonly timeout?: Duration;
}

const HANDLER = fileURLToPath(new URL('../../functions/handlers/poll.ts', import.meta.url));

/** One source's scheduled poller: the Lambda, its schedule, and a dead-letter queue for async failures. */
export class SourcePoller extends Construct {
  readonly function: NodejsFunction;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: SourcePollerProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetters', { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
    this.function = new NodejsFunction(this, 'Function', {
      entry: HANDLER,
      handler: 'handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.minutes(5),
      description: `tradewatch poller for ${props.sourceId}`,
      environment: {
        TABLE_NAME: props.table.tableName,
        ALERTS_TOPIC_ARN: props.alerts.topicArn,
        OPERATIONS_TOPIC_ARN: props.operations.topicArn,
      },
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: 0,
      logGroup: new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_MONTH }),
      bundling: { format: OutputFormat.ESM, minify: true, sourceMap: false, target: 'node22', mainFields: ['module', 'main'], banner: "import { createRequire } from 'module';const require = createRequire(import.meta.url);" },
    });
    props.table.grantReadWriteData(this.function);
    props.alerts.grantPublish(this.function);
    props.operations.grantPublish(this.function);
    new Rule(this, 'Schedule', {
      schedule: Schedule.expression(props.schedule),
      targets: [new LambdaFunction(this.function, { event: RuleTargetInput.fromObject({ sourceId: props.sourceId }), retryAttempts: 0 })],
    });
  }
}
