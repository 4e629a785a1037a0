/**
 * What `tradewatch sources` shows of each source's stored state: health, last success, last change,
 * record count, last error. Read from the local state folder (or the configured DynamoDB); nothing
 * is created when there is no state yet.
 */
import { LOCAL_ENV } from '../config/environment.ts';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SourceMeta } from '../aws/source-store.ts';
import { startLocalRuntime } from './runtime.ts';

export interface SourceState {
  health: 'healthy' | 'unhealthy' | 'never polled';
  lastSuccessAt?: string;
  lastChangeAt?: string;
  records?: number;
  lastError?: string;
  unhealthySince?: string;
  consecutiveFailures?: number;
}

export function describeState(meta: SourceMeta | undefined): SourceState {
  if (!meta?.contentHash && !meta?.healthStatus) return { health: 'never polled' };
  const state: SourceState = { health: meta.healthStatus ?? 'healthy' };
  if (meta.lastSuccessAt) state.lastSuccessAt = meta.lastSuccessAt;
  if (meta.lastChangeAt) state.lastChangeAt = meta.lastChangeAt;
  if (meta.recordCount !== undefined) state.records = meta.recordCount;
  if (meta.healthStatus === 'unhealthy') {
    if (meta.lastErrorStep && meta.lastError) state.lastError = `${meta.lastErrorStep}: ${meta.lastError}`;
    if (meta.healthSince) state.unhealthySince = meta.healthSince;
    if (meta.consecutiveFailures !== undefined) state.consecutiveFailures = meta.consecutiveFailures;
  }
  return state;
}

/** The stored state of each source id, or undefined when there is no state to read. */
export async function readSourceStates(
  sourceIds: readonly string[],
  home?: string,
): Promise<Map<string, SourceState> | undefined> {
  const folder = resolve(home ?? process.env[LOCAL_ENV.home] ?? '.tradewatch');
  if (!process.env[LOCAL_ENV.dynamoEndpoint] && !existsSync(join(folder, 'dynamodb'))) return undefined;
  const runtime = await startLocalRuntime({ home: folder });
  try {
    const states = new Map<string, SourceState>();
    for (const id of sourceIds) states.set(id, describeState(await runtime.store.getMeta(id)));
    return states;
  } finally {
    await runtime.stop();
  }
}
