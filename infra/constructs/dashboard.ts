import {
  Dashboard,
  GraphWidget,
  LogQueryWidget,
  MathExpression,
  Metric,
  TextWidget,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../functions/config/environment.ts';

export interface TradewatchDashboardProps {
  readonly pollers: readonly { sourceId: string; duration: IMetric; logGroup: ILogGroup }[];
  readonly deadLetterDepths: readonly IMetric[];
}

/** One dashboard (CloudWatch's first three are free): health, changes, durations, the last polls. */
export class TradewatchDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: TradewatchDashboardProps) {
    super(scope, id);
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: 'tradewatch' });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown:
          '# tradewatch\nPolls and failed polls over all sources (which source: the table below, and the source-health events on the operations topic). Changes: change events over all sources.',
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Polls and failed polls (all sources)',
        left: ['Polls', 'FailedPolls'].map(
          (metricName) => new Metric({ namespace: METRICS_NAMESPACE, metricName, statistic: 'Sum' }),
        ),
        width: 12,
      }),
      new GraphWidget({
        title: 'Change events (all sources)',
        left: [new Metric({ namespace: METRICS_NAMESPACE, metricName: 'Changes', statistic: 'Sum' })],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Poll duration (ms, p95)', left: props.pollers.map((p) => p.duration), width: 12 }),
      new GraphWidget({
        title: 'Dead-letter queues (messages)',
        left: props.deadLetterDepths.length
          ? [
              new MathExpression({
                expression: props.deadLetterDepths.map((_m, i) => `m${i}`).join(' + '),
                usingMetrics: Object.fromEntries(props.deadLetterDepths.map((m, i) => [`m${i}`, m])),
                label: 'waiting',
              }),
            ]
          : [],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new LogQueryWidget({
        title: 'Health per source (last 24 h)',
        logGroupNames: props.pollers.map((p) => p.logGroup.logGroupName),
        queryLines: [
          'filter message = "poll finished" or message = "poll crashed"',
          'stats count(*) as polls, sum(FailedPolls) as failed, latest(status) as last, latest(records) as records by Source',
          'sort failed desc',
        ],
        width: 24,
        height: 6,
      }),
    );
    this.dashboard.addWidgets(
      new LogQueryWidget({
        title: 'Last polls (records, changes, errors)',
        logGroupNames: props.pollers.map((p) => p.logGroup.logGroupName),
        queryLines: [
          'fields @timestamp, Source, status, records, added, removed, modified, published, durationMs, error',
          'filter message = "poll finished" or message = "poll crashed"',
          'sort @timestamp desc',
          'limit 50',
        ],
        width: 24,
        height: 8,
      }),
    );
  }
}
