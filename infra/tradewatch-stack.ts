import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { SOURCES } from '../functions/sources/registry.ts';
import { AlertTopics } from './constructs/alert-topics.ts';
import { SourcePoller } from './constructs/source-poller.ts';
import { StateTable } from './constructs/state-table.ts';

export interface TradewatchStackProps extends StackProps {
  /** Source ids to poll. @default every registered source */
  readonly sources?: readonly string[];
  /** Per-source schedule overrides (EventBridge expressions). @default each source's own */
  readonly schedules?: Readonly<Record<string, string>>;
}

/** The pipeline in one account: the table, the topics, and one scheduled poller per source. */
export class TradewatchStack extends Stack {
  constructor(scope: Construct, id: string, props: TradewatchStackProps = {}) {
    super(scope, id, props);
    const enabled = props.sources ?? SOURCES.map((s) => s.id);
    const unknown = enabled.filter((id) => !SOURCES.some((s) => s.id === id));
    if (unknown.length) throw new Error(`TradewatchStack: unknown source id(s) ${unknown.join(', ')}; known: ${SOURCES.map((s) => s.id).join(', ')}`);
    const { table } = new StateTable(this, 'State');
    const topics = new AlertTopics(this, 'Topics');
    for (const source of SOURCES.filter((s) => enabled.includes(s.id))) {
      new SourcePoller(this, `Poller-${source.id}`, {
        sourceId: source.id,
        schedule: props.schedules?.[source.id] ?? source.schedule,
        table,
        alerts: topics.alerts,
        operations: topics.operations,
      });
    }
    new CfnOutput(this, 'AlertsTopicArn', { value: topics.alerts.topicArn });
    new CfnOutput(this, 'OperationsTopicArn', { value: topics.operations.topicArn });
    new CfnOutput(this, 'TableName', { value: table.tableName });
  }
}
