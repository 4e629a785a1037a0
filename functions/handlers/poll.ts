/**
 * handlers/ — Lambda entry points, a few dozen lines each: read the environment, build, call run/ or delivery/.
 *
 * Lambda entry point: one scheduled poll of one source. Thin on purpose: it reads its config once
 * at cold start, calls pollSource with the clients, logs through Powertools Logger and publishes
 * one EMF metrics record per run (metrics.ts).
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { PipelineDeps } from '../run/ports.ts';
import type { RunReport } from '../run/run-report.ts';
import { pollSource } from '../run/poll.ts';
import { POLLER_ENV } from '../config/environment.ts';
import { allowsPrivateHosts } from '../sources/custom.ts';
import { findSource, type SourcesConfig } from '../sources/registry.ts';
import { powertoolsLogger } from './logger.ts';
import { pipelineFromEnv } from './pipeline-env.ts';
import { crashMetrics, runMetrics } from './metrics.ts';

export interface PollEvent {
  /** The registered source id; EventBridge passes it as the rule's input. */
  sourceId: string;
  /** Accept a drop larger than the source's bound (an operator re-running after checking). */
  acceptDrop?: boolean;
}

export interface PollHandlerConfig {
  /** The run's stores, publisher, logger and watchlist subscribers (run/ports.ts). */
  deps: PipelineDeps;
  /** Custom sources may fetch private hosts when they say so; this allows it for every source. @default false */
  allowPrivateHosts?: boolean;
  /** Publish the run's EMF metrics record(s) to stdout, where Lambda's log agent picks them up. @default false */
  emitMetrics?: boolean;
  /** Per-source Succeeded, Records and SourceChanges metrics. @default false */
  detailedMetrics?: boolean;
  /** Custom sources and topic rules of the configuration. @default the registered sources alone */
  sourcesConfig?: SourcesConfig;
}

export function createPollHandler(config: PollHandlerConfig | (() => PollHandlerConfig)) {
  let resolved: PollHandlerConfig | undefined;
  return middy<PollEvent, RunReport>()
    .use(injectLambdaContext(powertoolsLogger))
    .handler(async (event) => {
      resolved ??= typeof config === 'function' ? config() : config;
      const source = findSource(event.sourceId, resolved.sourcesConfig);
      if (!source) throw new Error(`config: unknown source "${event.sourceId}"`);
      let report: RunReport;
      try {
        report = await pollSource(
          source,
          resolved.deps,
          resolved.allowPrivateHosts || allowsPrivateHosts(source) ? { allowPrivateHosts: true } : {},
          event.acceptDrop ? { acceptDrop: true } : {},
        );
      } catch (error) {
        if (resolved.emitMetrics) crashMetrics(source.id, error).publishStoredMetrics();
        throw error;
      }
      if (resolved.emitMetrics)
        for (const metrics of runMetrics(report, { detailed: resolved.detailedMetrics ?? false }))
          metrics.publishStoredMetrics();
      return report;
    });
}

/** The deployed function: config from the environment the stack sets (config/environment.ts, pipeline-env.ts). */
export const handler = createPollHandler(() => {
  const { deps, sourcesConfig } = pipelineFromEnv();
  return {
    deps,
    emitMetrics: true,
    detailedMetrics: process.env[POLLER_ENV.detailedMetrics] === 'true',
    sourcesConfig,
  };
});
