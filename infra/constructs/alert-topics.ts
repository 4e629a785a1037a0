import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/**
 * The alerts topic (change events for subscribers) and the operations topic (source health and
 * failure alarms), both KMS-encrypted with a customer key and refusing anything but TLS.
 */
export class AlertTopics extends Construct {
  readonly alerts: Topic;
  readonly operations: Topic;
  readonly key: Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new Key(this, 'Key', { enableKeyRotation: true, description: 'tradewatch SNS topics' });
    this.alerts = new Topic(this, 'Alerts', { displayName: 'tradewatch alerts', masterKey: this.key, enforceSSL: true });
    this.operations = new Topic(this, 'Operations', { displayName: 'tradewatch operations', masterKey: this.key, enforceSSL: true });
  }
}
