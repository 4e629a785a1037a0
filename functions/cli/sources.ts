/** `tradewatch sources`: the registered and configured sources, their metadata and local state. */
import { loadConfig } from '../config/config.ts';
import { readSourceStates, type SourceState } from '../local/state.ts';
import { sourcesFor } from '../sources/registry.ts';
import type { RegisterSource } from '../sources/types.ts';
import type { Flags } from './args.ts';
import { out } from './output.ts';

export async function commandSources(flags: Flags): Promise<number> {
  const rows = sourcesFor(loadConfig(flags.config)).map((s) => ({
    id: s.id,
    title: s.title,
    publisher: s.publisher,
    jurisdiction: s.jurisdiction,
    kind: s.kind,
    homepage: s.homepage,
    schedule: s.schedule,
    expectedRecords: s.expectedRecords,
    formats: s.formats.map((f) => ({ id: f.id, description: f.description })),
    downloads: s.downloads,
  }));
  const states = await readSourceStates(
    rows.map((r) => r.id),
    flags.home,
  );
  if (flags.json) {
    out(
      JSON.stringify(
        rows.map((r) => ({ ...r, state: states?.get(r.id) ?? { health: 'never polled' } })),
        null,
        2,
      ),
    );
    return 0;
  }
  for (const s of rows) out(sourceBlock(s, states?.get(s.id)));
  return 0;
}

type SourceRow = Pick<RegisterSource, 'id' | 'title' | 'publisher' | 'schedule' | 'expectedRecords' | 'downloads'> & {
  formats: { id: string }[];
};

function sourceBlock(s: SourceRow, state: SourceState | undefined): string {
  const lines = [
    s.id,
    `  ${s.title} — ${s.publisher}`,
    `  schedule ${s.schedule}; expected ${s.expectedRecords.min}-${s.expectedRecords.max} records`,
    `  formats: ${s.formats.map((f) => f.id).join(', ')}`,
    `  live: ${s.downloads[0]?.url ?? '(none)'}`,
    // Files fetched beside it on every poll (the Federal Register's desk, the ministries' other index pages).
    ...Object.values(s.downloads[0]?.companions ?? {}).map((url) => `  beside: ${url}`),
    `  ${stateLine(state)}`,
  ];
  return `${lines.join('\n')}\n`;
}

function stateLine(state: SourceState | undefined): string {
  if (!state || state.health === 'never polled') return 'state: never polled here';
  const parts = [`state: ${state.health.toUpperCase()}`];
  if (state.records !== undefined) parts.push(`${state.records} records`);
  if (state.lastSuccessAt) parts.push(`last success ${state.lastSuccessAt}`);
  if (state.lastChangeAt) parts.push(`last change ${state.lastChangeAt}`);
  if (state.lastError)
    parts.push(`failing since ${state.unhealthySince} (${state.consecutiveFailures} polls): ${state.lastError}`);
  return parts.join('; ');
}
