import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { scheduleMinutes } from '../functions/core/schedule.ts';
import { SOURCES } from '../functions/sources/registry.ts';
import { AlertTopics } from './constructs/alert-topics.ts';
import { TradewatchDashboard } from './constructs/dashboard.ts';
import { Feeds, type FeedsProps } from './constructs/feeds.ts';
import { Operations } from './constructs/operations.ts';
import { ShardScreening } from './constructs/shard-screening.ts';
import { SourcePoller } from './constructs/source-poller.ts';
import { StateTable } from './constructs/state-table.ts';
import { Subscribers, type SubscriberSpec } from './constructs/subscribers.ts';
import { Digests } from './constructs/digests.ts';
import { ReviewPage, type ReviewPageProps } from './constructs/review-page.ts';
import type { DigestSubscriber } from '../functions/core/bundles.ts';

export interface TradewatchStackProps extends StackProps {
  /** Source id → schedule, for the sources to poll. @default every registered source on its own schedule */
  readonly sources?: Readonly<Record<string, string>>;
  /** @default none */
  readonly subscribers?: readonly SubscriberSpec[];
  /** Who gets source-health events and alarms. @default nobody */
  readonly operations?: { readonly email?: string; readonly sms?: string };
  /** Environment every poller gets besides its own (e.g. keyword rules). @default none */
  readonly pollerEnvironment?: Readonly<Record<string, string>>;
  /** Per-source Records and Changes metrics (billed custom metrics). @default false */
  readonly detailedMetrics?: boolean;
  /** Ids of the configuration's custom sources (their definitions reach the pollers through pollerEnvironment). @default none */
  readonly customSourceIds?: readonly string[];
  /** Ids of the custom sources that are feeds (small pollers). @default none */
  readonly customFeedIds?: readonly string[];
  /** The change feeds (configuration `feeds.enabled`): a function at a Function URL. @default none */
  readonly feeds?: Omit<FeedsProps, 'table'>;
  /**
   * Some subscriber screens a watchlist: the sharded initial screening (a queue and a worker) is
   * added for the pollers. @default false
   */
  readonly watchlistScreening?: boolean;
  /** The subscribers taking daily or weekly digests, and the sources a digest lists. @default none */
  readonly digests?: {
    readonly subscribers: readonly DigestSubscriber[];
    readonly sources: readonly { id: string; title: string }[];
  };
  /** The review page (configuration `reviewPage.enabled`): CloudFront, a user pool, a function. @default none */
  readonly reviewPage?: Omit<ReviewPageProps, 'table'>;
}

/** Memory of a poller: registers stream lists of up to ~100 MB; a feed is a few KB. */
export const POLLER_MEMORY_MB = { register: 1024, feed: 256 } as const;

/** The pipeline in one account: table, topics, a scheduled poller per source, subscribers, alarms, dashboard. */
export class TradewatchStack extends Stack {
  constructor(scope: Construct, id: string, props: TradewatchStackProps = {}) {
    super(scope, id, props);
    const schedules = props.sources ?? Object.fromEntries(SOURCES.map((s) => [s.id, s.schedule]));
    const known = [...SOURCES.map((s) => s.id), ...(props.customSourceIds ?? [])];
    const unknown = Object.keys(schedules).filter((sourceId) => !known.includes(sourceId));
    if (unknown.length)
      throw new Error(`TradewatchStack: unknown source id(s) ${unknown.join(', ')}; known: ${known.join(', ')}`);

    const { table } = new StateTable(this, 'State');
    const topics = new AlertTopics(this, 'Topics');
    const pollsPerHour = Object.values(schedules).reduce(
      (sum, schedule) => sum + 60 / (scheduleMinutes(schedule) ?? 60),
      0,
    );
    const operations = new Operations(this, 'Operations', {
      operations: topics.operations,
      expectedPollsPerHour: Math.round(pollsPerHour),
      ...props.operations,
    });
    const pollers = Object.entries(schedules).map(
      ([sourceId, schedule]) =>
        new SourcePoller(this, `Poller-${sourceId}`, {
          sourceId,
          schedule,
          table,
          alerts: topics.alerts,
          operations: topics.operations,
          deadLetterQueue: operations.pollerDeadLetters,
          environment: { ...props.pollerEnvironment },
          detailedMetrics: props.detailedMetrics ?? false,
          memorySize:
            SOURCES.find((s) => s.id === sourceId)?.kind === 'feed' || props.customFeedIds?.includes(sourceId)
              ? POLLER_MEMORY_MB.feed
              : POLLER_MEMORY_MB.register,
        }),
    );
    const shards = props.watchlistScreening
      ? new ShardScreening(this, 'ShardScreening', {
          table,
          alerts: topics.alerts,
          operations: topics.operations,
          alarmAction: operations.alarmAction,
          pollers: pollers.map((p) => p.function),
          environment: { ...props.pollerEnvironment },
        })
      : undefined;
    const subscribers = new Subscribers(this, 'Subscribers', {
      subscribers: props.subscribers ?? [],
      alerts: topics.alerts,
      operations: topics.operations,
      alarmAction: operations.alarmAction,
    });
    if (props.digests?.subscribers.length)
      new Digests(this, 'Digests', {
        ...props.digests,
        table,
        alerts: topics.alerts,
        deadLetterQueue: operations.pollerDeadLetters,
      });
    new TradewatchDashboard(this, 'Dashboard', {
      pollers: pollers.map((p) => ({
        sourceId: p.node.id.replace(/^Poller-/, ''),
        duration: p.function.metricDuration({ statistic: 'p95' }),
        logGroup: p.functionLogs,
      })),
      deadLetterDepths: [operations.pollerDeadLetters, subscribers.webhookDeadLetters, shards?.deadLetters]
        .filter((q) => q !== undefined)
        .map((q) => q.metricApproximateNumberOfMessagesVisible()),
    });
    if (props.feeds) new Feeds(this, 'Feeds', { table, ...props.feeds });
    if (props.reviewPage) new ReviewPage(this, 'ReviewPage', { table, ...props.reviewPage });
    new CfnOutput(this, 'AlertsTopicArn', { value: topics.alerts.topicArn });
    new CfnOutput(this, 'OperationsTopicArn', { value: topics.operations.topicArn });
    new CfnOutput(this, 'TableName', { value: table.tableName });
  }
}
