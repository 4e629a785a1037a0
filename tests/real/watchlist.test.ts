/**
 * Watchlist screening on real publications:
 *  - the Entity List rule FR Doc. 2023-03929: a watchlist naming two of its entities in the
 *    subscriber's own spelling is told the day the rule appears (the early warning is screened);
 *  - OFAC's SDN list of 2022-02-24 then 2022-02-25 (91 additions): a watchlist built at test time from
 *    five of the additions, re-spelled as a customer file would hold them (case, word order, legal
 *    form, a typo), gets each addition as a hit, and invented names get none. Nothing of the real
 *    files is written into the project.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeDelivered } from '../../functions/delivery/sns-publisher.ts';
import { renderText } from '../../functions/delivery/render.ts';
import type { WatchlistHitEvent, TradewatchEvent } from '../../functions/core/events.ts';
import { replayPaths } from '../../functions/run/poll.ts';
import { collectRecords, fileDocument } from '../../functions/sources/read/document.ts';
import { findSource } from '../../functions/sources/registry.ts';
import { watchlistEntries } from '../../functions/watchlist/file.ts';
import { WatchlistStore } from '../../functions/aws/watchlist-store.ts';
import { PROJECT_ROOT } from '../helpers/cli.ts';
import { startTestStack, type TestStack } from '../helpers/local-stack.ts';
import { realFixture } from '../real-fixtures.ts';

const fr = findSource('us-federal-register')!;
const sdn = findSource('us-ofac-sdn')!;

const hitsOf = (events: TradewatchEvent[]): WatchlistHitEvent[] =>
  events.filter((e): e is WatchlistHitEvent => e.type === 'tradewatch.watchlist.hit');

describe('watchlists on real publications', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('screens the entities of an Entity List rule the day it appears', async () => {
    const watchlists = new WatchlistStore(stack.store);
    const entries = watchlistEntries(
      [
        { name: 'Spacety Company Limited', countries: 'CN', kind: 'organization', reference: 'SUP-7' },
        { name: 'Promtekhkomplekt AO', countries: 'RU', reference: 'SUP-9' },
        { name: 'Quenvale Photonics', countries: 'CN', reference: 'SUP-11' },
      ],
      'suppliers.csv',
    );
    await watchlists.importWatchlist('space-desk', entries, 'suppliers.csv', 'test', '2026-01-01T00:00:00.000Z');
    const deps = { ...stack.deps, watchlistSubscribers: [{ id: 'space-desk', threshold: 0.8 }] };
    await replayPaths(fr, [join(PROJECT_ROOT, 'tests/fixtures/federal-register/1')], deps);
    await stack.drainQueue();
    const [rule] = await replayPaths(fr, [realFixture('federal-register/2023-03929.full_text.xml')], deps);
    expect(rule).toMatchObject({ status: 'changed', added: 13 });
    const hits = hitsOf((await stack.drainQueue()).map((m) => decodeDelivered(m.Body!)));
    // The rule lists Spacety under China and under Luxembourg: the subscriber's CN entry matches both
    // (same name), the Luxembourg one with a lower score (countries disagree).
    const found = hits.map((h) => `${h.data.recordId} ← ${h.data.hits.map((x) => x.reference).join(',')}`).sort();
    expect(found).toEqual([
      '2023-03929:CN:spacety-co-ltd ← SUP-7',
      '2023-03929:LU:spacety-co-ltd ← SUP-7',
      '2023-03929:RU:promtekhkomplekt-jsc ← SUP-9',
    ]);
    const cn = hits.find((h) => h.data.recordId === '2023-03929:CN:spacety-co-ltd')!;
    expect(cn.data.hitType).toBe('added');
    expect(renderText(cn)).toMatch(/ANNOUNCED for the Entity List by Federal Register 2023-03929/);
    const lu = hits.find((h) => h.data.recordId === '2023-03929:LU:spacety-co-ltd')!;
    expect(lu.data.hits[0]!.score).toBeLessThan(cn.data.hits[0]!.score);
  });

  it('finds re-spelled SDN additions as hits, and nothing for invented names', async () => {
    const before = realFixture('ofac-sdn/sdn.2022-02-24.csv');
    const after = realFixture('ofac-sdn/sdn.2022-02-25.csv');
    const previous = new Set(
      (
        await collectRecords(
          sdn,
          { main: fileDocument(before), companions: new Map() },
          { sourceId: sdn.id, warn: () => undefined },
        )
      ).map((r) => r.id),
    );
    const added = (
      await collectRecords(
        sdn,
        { main: fileDocument(after), companions: new Map() },
        { sourceId: sdn.id, warn: () => undefined },
      )
    ).filter((r) => !previous.has(r.id));
    expect(added).toHaveLength(91);
    const organizations = added
      .filter((r) => r.kind === 'organization' && r.name.split(' ').length >= 3)
      .filter((_, i) => i % 7 === 0)
      .slice(0, 3);
    const persons = added.filter((r) => r.kind === 'person' && r.name.includes(',')).slice(0, 2);
    expect(organizations).toHaveLength(3);
    expect(persons).toHaveLength(2);
    // As a customer file holds them: organizations in title case without the legal form, one with a
    // typo; persons as "Given Family".
    const titleCase = (s: string) => s.toLowerCase().replace(/\b\p{L}/gu, (c) => c.toUpperCase());
    const respelled = [
      ...organizations.map((r, i) => {
        const words = titleCase(r.name)
          .replace(/\b((Public|Closed|Open) )?(Joint Stock Company|Pjsc|Jsc|Ao|Llc|Ooo)\b/giu, '')
          .trim()
          .split(/\s+/);
        // A typo (one letter dropped) in the longest word of the first name.
        const longest = words.reduce((best, word, at) => (word.length > words[best]!.length ? at : best), 0);
        if (i === 0 && words[longest]!.length > 5)
          words[longest] = words[longest]!.slice(0, 2) + words[longest]!.slice(3);
        return { name: words.join(' '), reference: `ORG-${i}`, kind: 'organization' };
      }),
      ...persons.map((r, i) => {
        const [family, given] = r.name.split(',').map((s) => s.trim());
        return { name: `${titleCase(given!)} ${titleCase(family!)}`, reference: `PER-${i}`, kind: 'person' };
      }),
      { name: 'Quenvale Photonics', reference: 'INV-1' },
      { name: 'Harbourline Widget Traders', reference: 'INV-2' },
    ];
    const watchlists = new WatchlistStore(stack.store);
    await watchlists.importWatchlist(
      'sdn-desk',
      watchlistEntries(respelled, 'customers.csv'),
      'customers.csv',
      'test',
      '2026-01-01T00:00:00.000Z',
    );
    const deps = { ...stack.deps, watchlistSubscribers: [{ id: 'sdn-desk', threshold: 0.8 }] };
    await replayPaths(sdn, [before], deps);
    const baseline = hitsOf((await stack.drainQueue()).map((m) => decodeDelivered(m.Body!)));
    const [report] = await replayPaths(sdn, [after], deps);
    expect(report).toMatchObject({ status: 'changed', added: 91 });
    const hits = hitsOf((await stack.drainQueue()).map((m) => decodeDelivered(m.Body!))).filter(
      (h) => h.data.hitType === 'added',
    );
    const expected = [
      ...organizations.map((r, i) => `${r.id} ← ORG-${i}`),
      ...persons.map((r, i) => `${r.id} ← PER-${i}`),
    ];
    const found = hits.flatMap((h) => h.data.hits.map((x) => `${h.data.recordId} ← ${x.reference}`));
    expect(found).toEqual(expect.arrayContaining(expected));
    expect(found.some((f) => f.includes('INV-'))).toBe(false);
    expect(baseline.flatMap((h) => h.data.hits.map((x) => x.reference)).some((r) => r?.startsWith('INV-'))).toBe(false);
  });
});
