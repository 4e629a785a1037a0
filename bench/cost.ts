/**
 * Monthly cost of the default deployment from measured figures. Prices: AWS's published on-demand
 * prices for us-east-1 (Lambda arm64, DynamoDB on-demand after the November 2024 reduction, SNS,
 * CloudWatch); check https://aws.amazon.com/pricing before relying on them. Free tiers are NOT
 * subtracted, so the figure is what an account already past them pays.
 */
export const PRICES = {
  lambdaGbSecondArm: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  dynamoWriteUnit: 0.625 / 1e6,
  dynamoReadUnit: 0.125 / 1e6,
  snsPublish: 0.5 / 1e6,
  snsEmail: 2 / 1e5,
  sqsRequest: 0.4 / 1e6,
  logsIngestGb: 0.5,
  customMetric: 0.3,
  alarmMetric: 0.1,
} as const;

export interface CostInputs {
  /** Polls per month, per source. */
  pollsPerMonth: Record<string, number>;
  /** Lambda memory of a poller, MB, per source. */
  memoryMb: Record<string, number>;
  /** Measured duration of an unchanged poll on this machine, ms (304 answered). */
  unchangedPollMs: number;
  /** Allowance for the publisher's network round trip on AWS, ms (not measurable offline). */
  networkAllowanceMs: number;
  /** DynamoDB write requests of one unchanged poll (measured). */
  unchangedPollWrites: number;
  /** Changed runs per month over all sources, and events per changed run (assumed). */
  changedRunsPerMonth: number;
  eventsPerChangedRun: number;
  /** Measured duration of a changed run, ms, and its DynamoDB requests (measured, 10 changes). */
  changedRunMs: number;
  changedRunWrites: number;
  changedRunReads: number;
  /** Email subscribers (assumed), each taking one message per publication (the default). */
  emailSubscribers: number;
  /** Measured DynamoDB writes a publication adds (written, then marked sent), per subscriber. */
  publicationWrites: number;
  /** Bytes logged per poll (measured size of the poll's log lines plus Lambda's START/END/REPORT). */
  logBytesPerPoll: number;
  customMetrics: number;
  alarms: number;
}

export interface CostLine {
  item: string;
  quantity: string;
  usd: number;
}

export function monthlyCost(inputs: CostInputs): CostLine[] {
  const polls = Object.values(inputs.pollsPerMonth).reduce((a, b) => a + b, 0);
  const unchangedSeconds = (inputs.unchangedPollMs + inputs.networkAllowanceMs) / 1000;
  const changedSeconds = (inputs.changedRunMs + inputs.networkAllowanceMs) / 1000;
  const pollGbMonth = Object.entries(inputs.pollsPerMonth).reduce(
    (sum, [id, n]) => sum + n * ((inputs.memoryMb[id] ?? 1024) / 1024),
    0,
  );
  // Changed runs are register runs (the measured one is), at the registers' memory.
  const gbSeconds = pollGbMonth * unchangedSeconds + inputs.changedRunsPerMonth * changedSeconds * 1;
  const events = inputs.changedRunsPerMonth * inputs.eventsPerChangedRun;
  const publications = inputs.changedRunsPerMonth * inputs.emailSubscribers;
  const writes =
    polls * inputs.unchangedPollWrites +
    inputs.changedRunsPerMonth * inputs.changedRunWrites +
    publications * inputs.publicationWrites;
  const reads = inputs.changedRunsPerMonth * inputs.changedRunReads;
  const logGb = (polls * inputs.logBytesPerPoll) / 1024 ** 3;
  return [
    {
      item: 'Lambda compute (arm64)',
      quantity: `${polls.toLocaleString('en-US')} polls × ${(unchangedSeconds * 1000).toFixed(0)} ms (1 GB registers, 0.25 GB feeds) = ${gbSeconds.toFixed(0)} GB-s`,
      usd: gbSeconds * PRICES.lambdaGbSecondArm,
    },
    {
      item: 'Lambda requests',
      quantity: `${(polls + inputs.changedRunsPerMonth).toLocaleString('en-US')}`,
      usd: (polls + inputs.changedRunsPerMonth) * PRICES.lambdaRequest,
    },
    {
      item: 'DynamoDB writes (on-demand)',
      quantity: `${writes.toLocaleString('en-US')} write units`,
      usd: writes * PRICES.dynamoWriteUnit,
    },
    {
      item: 'DynamoDB reads (on-demand)',
      quantity: `${reads.toLocaleString('en-US')} read units`,
      usd: reads * PRICES.dynamoReadUnit,
    },
    {
      item: 'SNS publishes + email deliveries',
      quantity: `${events} events + ${publications} publications, ${publications} emails (one per publication for each of ${inputs.emailSubscribers} subscribers)`,
      usd: (events + publications) * PRICES.snsPublish + publications * PRICES.snsEmail,
    },
    {
      item: 'CloudWatch Logs ingestion',
      quantity: `${(logGb * 1024).toFixed(1)} MB`,
      usd: logGb * PRICES.logsIngestGb,
    },
    {
      item: 'CloudWatch custom metrics',
      quantity: `${inputs.customMetrics} (10 free)`,
      usd: Math.max(0, inputs.customMetrics - 10) * PRICES.customMetric,
    },
    {
      item: 'CloudWatch alarms',
      quantity: `${inputs.alarms} (10 free)`,
      usd: Math.max(0, inputs.alarms - 10) * PRICES.alarmMetric,
    },
    { item: 'EventBridge schedules, dashboard (first 3 free), SQS (webhooks only)', quantity: '—', usd: 0 },
  ];
}

export interface DigestCostInputs {
  /** Measured duration of a digest run that sends one digest, ms (512 MB function). */
  digestRunMs: number;
  /** Measured DynamoDB writes of one digest run, and per change it holds (accumulated, then deleted). */
  digestRunWrites: number;
  writesPerDigestChange: number;
  /** Changes a digest subscriber receives a month (assumed). */
  changesPerMonth: number;
  networkAllowanceMs: number;
}

/** What one daily digest subscriber adds a month: 30 runs of the digest function and its writes. */
export function digestSubscriberCost(inputs: DigestCostInputs): CostLine {
  const runs = 30;
  const gbSeconds = (runs * (inputs.digestRunMs + inputs.networkAllowanceMs) * 0.5) / 1000;
  const writes = runs * inputs.digestRunWrites + inputs.changesPerMonth * inputs.writesPerDigestChange;
  const usd =
    gbSeconds * PRICES.lambdaGbSecondArm +
    runs * PRICES.lambdaRequest +
    writes * PRICES.dynamoWriteUnit +
    runs * (PRICES.snsPublish + PRICES.snsEmail);
  return {
    item: 'each daily digest subscriber (not in the default)',
    quantity: `${runs} digest runs × ${(inputs.digestRunMs + inputs.networkAllowanceMs).toFixed(0)} ms at 0.5 GB, ${writes} write units, ${runs} emails; EventBridge Scheduler free up to 14 million invocations`,
    usd,
  };
}
