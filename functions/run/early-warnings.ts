/**
 * Early warnings: BIS amends the Entity List by Federal Register rules that are on public inspection
 * the day before publication and often effective at once, days before the Consolidated Screening
 * List carries the entries. An entity read from such a rule is alerted when the rule appears (the
 * early warning); when the entity later shows up on a list, that alert says it was announced, and
 * names the warning, instead of reading as news a second time.
 *
 * Data-driven, not source-driven: records whose list is ENTITY_LIST_RULE_LIST announce; added or
 * removed records of the list "Entity List" (any source) are looked up. Keys are the normalized name
 * (and each alias) under each country (entityListMatchKey; HK and MO read as CN).
 *
 * Reads: one lookup per key of each added or removed Entity List record, so O(changes).
 */
import { mapLimit } from '../core/concurrency.ts';
import type { ChangeEvent } from '../core/events.ts';
import type { RegisterRecord } from '../core/records.ts';
import { ENTITY_LIST_RULE_LIST, entityListMatchKey } from '../sources/formats/federal-register-entity-list.ts';
import type { EarlyWarningStore } from './ports.ts';

export type { EarlyWarning } from './ports.ts';

export const CONFIRMING_LIST = 'Entity List';

function matchKeys(record: RegisterRecord): string[] {
  const countries = record.countries.length ? record.countries : ['*'];
  const keys = new Set<string>();
  for (const name of [record.name, ...record.aliases])
    for (const country of countries) keys.add(entityListMatchKey(name, country));
  return [...keys];
}

/** Stores the early warnings among these events (additions of announced entities). */
export async function recordEarlyWarnings(store: EarlyWarningStore, events: readonly ChangeEvent[]): Promise<number> {
  const announcing = events.filter(
    (e) => e.data.changeType === 'added' && e.data.record?.list === ENTITY_LIST_RULE_LIST,
  );
  const writes = announcing.flatMap((event) => {
    const record = event.data.record!;
    const documentNumber = String(record.extra.documentNumber ?? '');
    const action = String(record.extra.action ?? 'add');
    return matchKeys(record).map((key) => ({ key, event, record, documentNumber, action }));
  });
  await store.put(
    writes.map(({ key, event, record, documentNumber, action }) => ({
      matchKey: key,
      warning: {
        recordId: record.id,
        sourceId: event.data.sourceId,
        eventId: event.id,
        documentNumber,
        action,
        announcedAt: event.time,
        name: record.name,
      },
    })),
  );
  return announcing.length;
}

/**
 * Finds the early warnings of the Entity List additions and removals among these events and notes
 * them on the events (`data.earlyWarning`), before the events are stored.
 */
export async function linkEarlyWarnings(store: EarlyWarningStore, events: readonly ChangeEvent[]): Promise<number> {
  const confirming = events.filter(
    (e) =>
      (e.data.changeType === 'added' || e.data.changeType === 'removed') &&
      e.data.list === CONFIRMING_LIST &&
      (e.data.record ?? e.data.previous),
  );
  let linked = 0;
  await mapLimit(confirming, 8, async (event) => {
    const record = (event.data.record ?? event.data.previous)!;
    const wanted = event.data.changeType === 'added' ? ['add', 'revise'] : ['remove'];
    for (const key of matchKeys(record)) {
      const warnings = await store.find(key);
      const warning = warnings
        .filter((w) => wanted.includes(w.action))
        .sort((a, b) => a.announcedAt.localeCompare(b.announcedAt))[0];
      if (warning) {
        event.data.earlyWarning = warning;
        linked += 1;
        return;
      }
    }
  });
  return linked;
}
