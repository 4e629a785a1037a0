/**
 * A table for the review page's tests, filled by the pipeline itself: the bundled demo versions of
 * a few sources replayed (changes added, removed and modified, an Entity List addition announced
 * by the Federal Register) with the demo's example watchlist screened against them (hits), plus
 * one listed record whose name is markup, stored as the pipeline stores an addition.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { WatchlistStore } from '../../functions/aws/watchlist-store.ts';
import { contentHash, type RegisterRecord } from '../../functions/core/records.ts';
import { buildChangeEvent, type EarlyWarning } from '../../functions/core/events.ts';
import { replayPaths } from '../../functions/run/poll.ts';
import { findSource } from '../../functions/sources/registry.ts';
import type { RegisterSource } from '../../functions/sources/types.ts';
import { readWatchlistFile } from '../../functions/watchlist/file.ts';
import { PROJECT_ROOT } from './cli.ts';
import { startTestStack, type TestStack } from './local-stack.ts';

export const SEED_SUBSCRIBER = 'demo-watchlist';
export const HOSTILE_NAME = '<img src=x onerror=alert(1)>';
export const HOSTILE_RECORD_ID = 'hostile-1';
/** The sources replayed, each through every demo version. */
export const SEEDED_SOURCES = ['us-trade-csl', 'uk-sanctions-list', 'eu-fsf'] as const;
/** An Entity List addition that a Federal Register rule announced first. */
export const ANNOUNCED_RECORD_ID = 'announced-1';
export const ANNOUNCING_DOCUMENT = '2026-01234';

export async function seedReviewStack(): Promise<TestStack> {
  const stack = await startTestStack();
  const entries = await readWatchlistFile(join(PROJECT_ROOT, 'demo', 'watchlist.csv'));
  await new WatchlistStore(stack.store).importWatchlist(
    SEED_SUBSCRIBER,
    entries,
    'demo/watchlist.csv',
    'test',
    '2026-01-01T00:00:00.000Z',
  );
  const deps = { ...stack.deps, watchlistSubscribers: [{ id: SEED_SUBSCRIBER, threshold: 0.8 }] };
  for (const id of SEEDED_SOURCES) {
    const source = findSource(id) as RegisterSource;
    const folder = join(PROJECT_ROOT, 'demo', id);
    const versions = (await readdir(folder)).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(a) - Number(b));
    await replayPaths(
      source,
      versions.map((v) => join(folder, v)),
      deps,
    );
  }
  await storeHostileRecord(stack);
  await storeAnnouncedAddition(stack);
  return stack;
}

async function storeAddition(
  stack: TestStack,
  sourceId: string,
  record: RegisterRecord,
  time: string,
  earlyWarning?: EarlyWarning,
): Promise<void> {
  const source = findSource(sourceId)!;
  const hash = contentHash(record);
  const event = buildChangeEvent(
    source,
    { type: 'added', id: record.id, name: record.name, list: record.list, newHash: hash, after: record },
    'seed',
    time,
  );
  if (earlyWarning) event.data.earlyWarning = earlyWarning;
  await stack.store.putEvents([{ eventId: event.id, sourceId: source.id, time, event, status: 'pending' }]);
  await stack.store.writeRecords(source.id, [record], [], new Map([[record.id, hash]]), time);
}

async function storeAnnouncedAddition(stack: TestStack): Promise<void> {
  const record: RegisterRecord = {
    id: ANNOUNCED_RECORD_ID,
    source: 'us-trade-csl',
    list: 'Entity List',
    kind: 'organization',
    name: 'Announced Photonics Ltd',
    aliases: [],
    countries: ['CN'],
    addresses: [],
    programs: [],
    links: ['https://www.trade.gov/consolidated-screening-list'],
    extra: {},
  };
  await storeAddition(stack, 'us-trade-csl', record, '2026-05-01T12:00:00.000Z', {
    recordId: `${ANNOUNCING_DOCUMENT}:CN:announced-photonics-ltd`,
    sourceId: 'us-federal-register',
    eventId: 'e'.repeat(32),
    documentNumber: ANNOUNCING_DOCUMENT,
    action: 'add',
    announcedAt: '2026-04-28T09:00:00.000Z',
    name: 'Announced Photonics Ltd',
  });
}

/** A record named with markup, stored as an addition to the UK list (event, then record). */
async function storeHostileRecord(stack: TestStack): Promise<void> {
  const record: RegisterRecord = {
    id: HOSTILE_RECORD_ID,
    source: 'uk-sanctions-list',
    list: 'UK Sanctions List',
    kind: 'organization',
    name: HOSTILE_NAME,
    aliases: ['"><script>alert(2)</script>'],
    countries: ['GB'],
    addresses: [],
    programs: ['<b>bold</b>'],
    links: ['javascript:alert(3)'],
    extra: {},
  };
  await storeAddition(stack, 'uk-sanctions-list', record, '2026-06-01T12:00:00.000Z');
}
