/**
 * CloudWatch alarm action → operations topic. Alarms cannot publish to a topic encrypted with the
 * AWS-managed SNS key (its key policy cannot name CloudWatch), and a customer key costs more than
 * the rest of the stack; so the alarm invokes this function, which publishes with its own role.
 * The message is rendered per channel like every other tradewatch message.
 */
import middy from '@middy/core';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { snsClient } from '../aws/clients.ts';
import { ALARM_FORWARDER_ENV, requireEnv } from '../config/environment.ts';

/** The event CloudWatch sends to a Lambda alarm action. */
export interface AlarmEvent {
  alarmArn: string;
  time: string;
  region?: string;
  alarmData: {
    alarmName: string;
    state: { value: string; reason: string; timestamp: string };
    previousState?: { value: string };
    configuration?: { description?: string };
  };
}

export interface AlarmForwarderConfig {
  sns: SNSClient;
  operationsTopicArn: string;
}

export function alarmMessage(event: AlarmEvent): { subject: string; text: string; sms: string; json: string } {
  const { alarmName, state, previousState, configuration } = event.alarmData;
  const description = configuration?.description ?? '';
  const subject = `[tradewatch] ${state.value}: ${alarmName}`.slice(0, 99);
  const text = [
    `${alarmName} is ${state.value}${previousState ? ` (was ${previousState.value})` : ''} since ${state.timestamp}.`,
    description && `\n${description}`,
    `\nWhy: ${state.reason}`,
    `\nAlarm: ${event.alarmArn}`,
  ]
    .filter(Boolean)
    .join('\n');
  const sms = `tradewatch ${state.value}: ${alarmName}`.slice(0, 159);
  const json = JSON.stringify({
    specversion: '1.0',
    id: `${event.alarmArn}:${state.timestamp}`,
    source: 'tradewatch/operations',
    type: 'tradewatch.operations.alarm',
    subject: alarmName,
    time: event.time,
    datacontenttype: 'application/json',
    data: {
      alarmName,
      state: state.value,
      previousState: previousState?.value ?? null,
      reason: state.reason,
      description,
    },
  });
  return { subject, text, sms, json };
}

export function createAlarmForwarder(config: AlarmForwarderConfig | (() => AlarmForwarderConfig)) {
  let resolved: AlarmForwarderConfig | undefined;
  return middy<AlarmEvent, void>().handler(async (event) => {
    resolved ??= typeof config === 'function' ? config() : config;
    const message = alarmMessage(event);
    await resolved.sns.send(
      new PublishCommand({
        TopicArn: resolved.operationsTopicArn,
        Subject: message.subject,
        MessageStructure: 'json',
        Message: JSON.stringify({ default: message.json, email: message.text, sms: message.sms }),
        MessageAttributes: {
          changeType: { DataType: 'String', StringValue: 'health' },
          eventType: { DataType: 'String', StringValue: 'tradewatch.operations.alarm' },
        },
      }),
    );
  });
}

/** The deployed function: config from the environment the stack sets (config/environment.ts). */
export const handler = createAlarmForwarder(() => ({
  sns: snsClient(),
  operationsTopicArn: requireEnv(ALARM_FORWARDER_ENV.operationsTopicArn),
}));
