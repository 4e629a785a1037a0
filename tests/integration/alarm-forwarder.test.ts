import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snsClient, sqsClient } from '../../functions/aws/clients.ts';
import { alarmMessage, createAlarmForwarder, type AlarmEvent } from '../../functions/handlers/alarm-forwarder.ts';
import { startMessaging, type EmbeddedMessaging } from '../../functions/local/services.ts';
import type { Context } from 'aws-lambda';

const ALARM: AlarmEvent = {
  alarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:Tradewatch-PollerusofacsdnHealth',
  time: '2026-11-29T00:10:00.000+0000',
  alarmData: {
    alarmName: 'Tradewatch-PollerusofacsdnHealth',
    state: {
      value: 'ALARM',
      reason: 'Threshold Crossed: no datapoints were received for 1 period',
      timestamp: '2026-11-29T00:10:00.000+0000',
    },
    previousState: { value: 'OK' },
    configuration: { description: 'No successful poll of us-ofac-sdn for 10 minutes (twice its schedule).' },
  },
};

describe('alarm forwarder', () => {
  let messaging: EmbeddedMessaging;
  beforeAll(async () => {
    messaging = await startMessaging();
  });
  afterAll(async () => {
    await messaging.stop();
  });

  it('renders an alarm as an email text, an SMS line and a CloudEvent', () => {
    const message = alarmMessage(ALARM);
    expect(message.subject).toBe('[tradewatch] ALARM: Tradewatch-PollerusofacsdnHealth');
    expect(message.text).toContain('No successful poll of us-ofac-sdn for 10 minutes');
    expect(message.text).toContain('(was OK)');
    expect(message.sms.length).toBeLessThan(160);
    expect(JSON.parse(message.json)).toMatchObject({
      specversion: '1.0',
      type: 'tradewatch.operations.alarm',
      data: { state: 'ALARM', previousState: 'OK' },
    });
  });

  it('publishes the alarm to the operations topic', async () => {
    const sns = snsClient({ endpoint: messaging.endpoint });
    const sqs = sqsClient({ endpoint: messaging.endpoint });
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'operations' }))).TopicArn!;
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'operators' }))).QueueUrl!;
    const queueArn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))
    ).Attributes!.QueueArn!;
    await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: queueArn,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );

    await createAlarmForwarder({ sns, operationsTopicArn: topicArn })(ALARM, {} as Context);

    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }),
    );
    expect(Messages).toHaveLength(1);
    const structure = JSON.parse(Messages[0]!.Body!) as { default: string; email: string; sms: string };
    expect(JSON.parse(structure.default)).toMatchObject({
      subject: 'Tradewatch-PollerusofacsdnHealth',
      data: { state: 'ALARM' },
    });
    expect(structure.email).toContain('Why: Threshold Crossed');
    expect(Messages[0]!.MessageAttributes).toMatchObject({ changeType: { StringValue: 'health' } });
    sns.destroy();
    sqs.destroy();
  });
});
