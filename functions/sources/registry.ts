/**
 * Every registered source. Infra creates one schedule per entry; the CLI and the poller look
 * sources up here. Adding a source means adding its file and one line below.
 */
import type { Source } from './types.ts';

export const SOURCES: readonly Source[] = [];

export function findSource(id: string): Source | undefined {
  return SOURCES.find((source) => source.id === id);
}
