/**
 * Every registered source. Infra creates one schedule per entry; the CLI and the poller look
 * sources up here. Adding a source means adding its file and one line below.
 */
import type { Source } from './types.ts';
import { unScConsolidated } from './un-sc-consolidated.ts';
import { usOfacConsolidated } from './us-ofac-consolidated.ts';
import { usOfacSdn } from './us-ofac-sdn.ts';
import { usTradeCsl } from './us-trade-csl.ts';

export const SOURCES: readonly Source[] = [usOfacSdn, usOfacConsolidated, unScConsolidated, usTradeCsl];

export function findSource(id: string): Source | undefined {
  return SOURCES.find((source) => source.id === id);
}
