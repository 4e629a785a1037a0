import { Alias } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/**
 * The alerts topic (change events for subscribers) and the operations topic (source health and
 * alarms). Both are encrypted with the AWS-managed SNS key (a customer-managed key would cost a
 * dollar a month, more than the rest of the stack) and refuse any request not made over TLS.
 */
export class AlertTopics extends Construct {
  readonly alerts: Topic;
  readonly operations: Topic;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const key = Alias.fromAliasName(this, 'AwsManagedSnsKey', 'alias/aws/sns');
    this.alerts = new Topic(this, 'Alerts', { displayName: 'tradewatch alerts', masterKey: key, enforceSSL: true });
    this.operations = new Topic(this, 'Operations', {
      displayName: 'tradewatch operations',
      masterKey: key,
      enforceSSL: true,
    });
  }
}
