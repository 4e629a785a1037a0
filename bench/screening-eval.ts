/**
 * `npx tsx bench/screening-eval.ts [--people N] [--orgs N] [--per-kind N]` (also run by `npm run bench`):
 * screening a realistic customer base at scale, the measuring stick of issue 12's precision and
 * recall work. Everything is built here, at bench time, and never written anywhere.
 *
 * False alarms: synthetic counterparties that no list names, made with @faker-js/faker in twelve
 * locales (several scripts: Latin, Cyrillic, Arabic, Persian, Chinese, Korean, Japanese), seeded so
 * that every run screens the same set: people with a nationality (the locale's country) and a birth
 * date, organizations with a country. Names come from each locale's own name patterns without the
 * titles (`Dr.`, `Frau`, `PhD`): a customer file holds names, and titles are the matcher's business
 * elsewhere. A generated name equal to a listed one (same normalized text, or the same words in
 * another order) is not used: it is a true hit, not a false alarm; how many is printed. Each
 * watchlist is screened twice: names alone (kind known, nothing else), then with the country (a
 * person's nationality given as `country`, today's column, and as `nationality`) and a person's
 * `birthDate` (issue 12's columns: today's watchlist reader ignores them, so the figure moves when
 * the matcher learns them).
 *
 * Recall: real listed primary names (persons and organizations of the UN, SDN and CSL files), drawn
 * seeded per perturbation kind and perturbed one way each (`PERTURBATIONS`). A perturbed name is found
 * when a hit at the default threshold names the very record it came from (source and record id).
 * A transliteration starts from a person's name in its original script (an alias: the UN's
 * NAME_ORIGINAL_SCRIPT): Cyrillic or Chinese read by any-ascii, Arabic script screened as written
 * (any-ascii drops its vowels, `mhmd`, as no customer file does; that reading is shown beside it,
 * not counted). That alias is taken off the record for the screening, so only its Latin names can
 * find it. The sets are built by bench/screening-eval-sets.ts. Each perturbed name is screened twice:
 * by name alone, and with the listed record's countries as the entry's country and a person's first
 * listed birth date as its `birthDate` (what a customer file holding the listed party carries; the
 * matcher holds short cross-script and one-syllable names below the threshold without a country:
 * functions/match/score.ts, 6b and 6c).
 *
 * Screening is the pipeline's own (functions/watchlist/screening.ts, `screenBatch`: the records
 * indexed a thousand at a time, every watchlist name looked up), each screening in its own process
 * (time of the screening, peak RSS of the process), against the full UN (2022-09-15), SDN (the
 * newest full legacy CSV, 2024-05-03; 2024-05-04 is the empty download) and CSL (2022-05-16) files.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { RegisterRecord } from '../functions/core/records.ts';
import { DEFAULT_THRESHOLD } from '../functions/match/score.ts';
import { countryCode } from '../functions/core/countries.ts';
import { recordSecondary, type BirthDate } from '../functions/match/secondary.ts';
import { inputFromPath } from '../functions/run/poll.ts';
import { collectRecords } from '../functions/sources/read/document.ts';
import { findSource } from '../functions/sources/registry.ts';
import { watchlistEntries } from '../functions/watchlist/file.ts';
import { WatchlistScreener, type ScreeningItem } from '../functions/watchlist/screening.ts';
import { REAL_FIXTURES_DIR, realFixturesPresent } from '../tests/real-fixtures.ts';
import {
  ARABIC_SCRIPT,
  LOCALES,
  PERTURBATIONS,
  SEED,
  listedKeys,
  perturb,
  random,
  syntheticParties,
  transliteration,
  type PerturbationKind,
} from './screening-eval-sets.ts';

/** The full lists screened against: source id, file under TRADEWATCH_FIXTURES. */
export const LISTS = [
  { sourceId: 'un-sc-consolidated', path: 'un/consolidated.2022-09-15.xml', label: 'UN' },
  { sourceId: 'us-ofac-sdn', path: 'ofac-sdn/sdn.2024-05-03.csv', label: 'SDN' },
  { sourceId: 'us-trade-csl', path: 'csl/consolidated.2022-05-16.csv', label: 'CSL' },
] as const;

interface LoadedList {
  sourceId: string;
  label: string;
  records: RegisterRecord[];
}

async function loadLists(): Promise<LoadedList[]> {
  return Promise.all(
    LISTS.map(async ({ sourceId, path, label }) => {
      const source = findSource(sourceId);
      if (!source) throw new Error(`screening-eval: source ${sourceId} is not registered`);
      const { input } = await inputFromPath(source, join(REAL_FIXTURES_DIR, path));
      const records = await collectRecords(source, input, { sourceId, warn: () => undefined });
      return { sourceId, label, records };
    }),
  );
}

/** Every name and alias of every listed record, as `listedKeys` gives them. */
function listedNameKeys(lists: readonly LoadedList[]): Set<string> {
  const keys = new Set<string>();
  for (const { records } of lists)
    for (const record of records)
      for (const name of [record.name, ...record.aliases]) for (const key of listedKeys(name)) keys.add(key);
  return keys;
}

interface FoundHit {
  reference: string;
  entryName: string;
  recordName: string;
  score: number;
  sourceId: string;
  recordId: string;
}

/** One screening through the pipeline's batched path; its time, and every hit by entry reference. */
function screenAll(
  rows: readonly Record<string, string>[],
  items: readonly ScreeningItem[],
): { seconds: number; hits: Map<string, FoundHit[]> } {
  const started = performance.now();
  const entries = watchlistEntries(rows, 'screening-eval');
  const screener = WatchlistScreener.fromEntries([{ subscriberId: 'eval', entries, threshold: DEFAULT_THRESHOLD }]);
  const results = screener.screenBatch(items);
  const seconds = (performance.now() - started) / 1000;
  const hits = new Map<string, FoundHit[]>();
  results.forEach((perList, position) => {
    const { record, sourceId } = items[position]!;
    for (const { hits: found } of perList)
      for (const hit of found) {
        const reference = hit.reference ?? hit.entryKey;
        const list = hits.get(reference) ?? [];
        list.push({
          reference,
          entryName: hit.entryName,
          recordName: hit.recordName,
          score: hit.score,
          sourceId,
          recordId: record.id,
        });
        hits.set(reference, list);
      }
  });
  return { seconds, hits };
}

const screenable = (record: RegisterRecord) => record.name !== '';

function itemsOf(lists: readonly LoadedList[], without = new Map<string, Set<string>>()): ScreeningItem[] {
  return lists.flatMap(({ sourceId, records }) =>
    records.filter(screenable).map((record) => {
      const dropped = without.get(`${sourceId}/${record.id}`);
      const screened = dropped ? { ...record, aliases: record.aliases.filter((a) => !dropped.has(a)) } : record;
      // No decisions are applied here, so no record hash is needed.
      return { record: screened, sourceId, recordHash: '' };
    }),
  );
}

/** A listed birth date as the watchlist's `birthDate` column writes it (YYYY, or YYYY-MM-DD). */
function birthDateColumn(born: BirthDate): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return born.month !== undefined && born.day !== undefined
    ? `${born.from}-${pad(born.month)}-${pad(born.day)}`
    : String(born.from);
}

const maxRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

interface FalseAlarmResult {
  mode: 'names' | 'full';
  /** Per kind: the screening's time. */
  screenings: { kind: string; entries: number; records: number; seconds: number }[];
  maxRssMb: number;
  entries: number;
  excluded: { people: number; organizations: number; examples: string[] };
  /** Per kind and locale: entries, entries with a hit, hits. */
  groups: { kind: string; locale: string; entries: number; alarmed: number; hits: number }[];
  top: FoundHit[];
}

/** Worker: the false alarms of the synthetic parties, names alone or with country and birth date. */
async function falseAlarms(mode: 'names' | 'full', people: number, organizations: number): Promise<FalseAlarmResult> {
  const lists = await loadLists();
  const listed = listedNameKeys(lists);
  const isListed = (name: string) => listedKeys(name).some((key) => listed.has(key));
  const persons = syntheticParties('person', people, isListed);
  const orgs = syntheticParties('organization', organizations, isListed);
  const parties = [...persons.parties, ...orgs.parties];
  const rows = parties.map((party) => {
    const row: Record<string, string> = { reference: party.reference, name: party.name, kind: party.kind };
    if (mode === 'full') {
      row.countries = party.country;
      if (party.kind === 'person') {
        row.nationality = party.country;
        row.birthDate = party.birthDate!;
      }
    }
    return row;
  });
  // A person never matches an organization, a vessel or an aircraft (kindsConflict, checked by the
  // index after its look-ups): each kind is screened against the records it can match, the same
  // hits for half the look-ups.
  const items = itemsOf(lists);
  const matchable = (kind: string) => items.filter(({ record }) => record.kind === kind || record.kind === 'other');
  const byKind = (['person', 'organization'] as const).map((kind) => {
    const screening = screenAll(
      rows.filter((row) => row.kind === kind),
      matchable(kind),
    );
    return { kind, entries: rows.filter((row) => row.kind === kind).length, ...screening };
  });
  const hits = new Map(byKind.flatMap(({ hits: found }) => [...found]));
  const groups = new Map<string, FalseAlarmResult['groups'][number]>();
  for (const party of parties) {
    const key = `${party.kind}/${party.locale}`;
    const group = groups.get(key) ?? { kind: party.kind, locale: party.locale, entries: 0, alarmed: 0, hits: 0 };
    const found = hits.get(party.reference) ?? [];
    group.entries += 1;
    group.alarmed += found.length ? 1 : 0;
    group.hits += found.length;
    groups.set(key, group);
  }
  const top = [...hits.values()]
    .map((found) => found.reduce((best, hit) => (hit.score > best.score ? hit : best)))
    .sort((a, b) => b.score - a.score || a.reference.localeCompare(b.reference))
    .slice(0, 10);
  const excluded = [...persons.excluded, ...orgs.excluded];
  return {
    mode,
    screenings: byKind.map(({ kind, entries, seconds }) => ({
      kind,
      entries,
      records: matchable(kind).length,
      seconds,
    })),
    maxRssMb: maxRssMb(),
    entries: parties.length,
    excluded: {
      people: persons.excluded.length,
      organizations: orgs.excluded.length,
      examples: excluded.slice(0, 5).map((party) => party.name),
    },
    groups: [...groups.values()],
    top,
  };
}

interface RecallResult {
  seconds: number;
  records: number;
  maxRssMb: number;
  /** `row`: the kind, with the transliteration's variant; `counted`: part of the overall recall. */
  perKind: { row: string; kind: PerturbationKind; counted: boolean; list: string; drawn: number; found: number }[];
  missed: { row: string; original: string; perturbed: string }[];
}

/**
 * Worker: perturbed listed names. Per kind, the lists' persons and organizations are dealt in a
 * seeded order, a list at a time in turn, until `perKind` names are drawn that the kind applies to.
 */
async function recall(perKind: number, mode: 'names' | 'full' = 'names'): Promise<RecallResult> {
  const lists = await loadLists();
  const rng = random(SEED);
  const pools = lists.map((list) => {
    const records = list.records.filter((r) => (r.kind === 'person' || r.kind === 'organization') && r.name);
    for (let i = records.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [records[i], records[j]] = [records[j]!, records[i]!];
    }
    return { list, records };
  });
  interface Drawn {
    reference: string;
    row: string;
    kind: PerturbationKind;
    counted: boolean;
    list: LoadedList;
    record: RegisterRecord;
    name: string;
  }
  const drawn: Drawn[] = [];
  const without = new Map<string, Set<string>>();
  for (const kind of PERTURBATIONS) {
    const cursors = pools.map(() => 0);
    let taken = 0;
    while (taken < perKind && pools.some((pool, i) => cursors[i]! < pool.records.length)) {
      for (const [i, { list, records }] of pools.entries()) {
        if (taken >= perKind) break;
        while (cursors[i]! < records.length) {
          const record = records[cursors[i]!++]!;
          const result = perturb(record, kind, rng);
          if (!result) continue;
          const row = result.variant ? `${kind}, ${result.variant}` : kind;
          drawn.push({ reference: `R-${drawn.length}`, row, kind, counted: true, list, record, name: result.name });
          // Shown, not counted: the same Arabic-script alias in any-ascii's consonants (`mhmd`).
          if (result.fromAlias && ARABIC_SCRIPT.test(result.fromAlias))
            drawn.push({
              reference: `R-${drawn.length}`,
              row: `${kind}, any-ascii of Arabic script (consonants only; not counted)`,
              kind,
              counted: false,
              list,
              record,
              name: transliteration(result.fromAlias)!,
            });
          if (result.fromAlias) {
            const key = `${list.sourceId}/${record.id}`;
            without.set(key, (without.get(key) ?? new Set()).add(result.fromAlias));
          }
          taken += 1;
          break;
        }
      }
    }
  }
  // With `full`, the entry carries what a customer file holding the listed party would: its country
  // (codes a watchlist takes: not a former one such as `CS`) and a person's birth date.
  const rows = drawn.map((d) => {
    const row: Record<string, string> = { reference: d.reference, name: d.name, kind: d.record.kind };
    if (mode === 'full') {
      row.countries = d.record.countries.filter((code) => countryCode(code) === code).join(';');
      const born = d.record.kind === 'person' ? recordSecondary(d.record).birthDates[0] : undefined;
      if (born) row.birthDate = birthDateColumn(born);
    }
    return row;
  });
  const items = itemsOf(lists, without);
  const { seconds, hits } = screenAll(rows, items);
  const perKind_ = new Map<string, RecallResult['perKind'][number]>();
  const missed: RecallResult['missed'] = [];
  for (const d of drawn) {
    const key = `${d.row}/${d.list.label}`;
    const row = perKind_.get(key) ?? {
      row: d.row,
      kind: d.kind,
      counted: d.counted,
      list: d.list.label,
      drawn: 0,
      found: 0,
    };
    const found = (hits.get(d.reference) ?? []).some(
      (hit) => hit.sourceId === d.list.sourceId && hit.recordId === d.record.id,
    );
    row.drawn += 1;
    row.found += found ? 1 : 0;
    if (!found) missed.push({ row: d.row, original: d.record.name, perturbed: d.name });
    perKind_.set(key, row);
  }
  return { seconds, records: items.length, maxRssMb: maxRssMb(), perKind: [...perKind_.values()], missed };
}

const run = promisify(execFile);

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`screening-eval: --${name} takes a positive integer`);
  return value;
}

/** Runs one screening in its own process (this file with `--worker`), so its peak RSS is its own. */
async function inWorker<T>(...args: string[]): Promise<T> {
  const script = fileURLToPath(import.meta.url);
  const { stdout } = await run(process.execPath, ['--import', 'tsx', script, '--worker', ...args], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as T;
}

const perTenThousand = (alarmed: number, entries: number) => (entries ? (alarmed / entries) * 10_000 : 0).toFixed(1);
const count = (n: number) => n.toLocaleString('en-US');

function printFalseAlarms(names: FalseAlarmResult, full: FalseAlarmResult): void {
  const sum = (result: FalseAlarmResult, filter: (g: FalseAlarmResult['groups'][number]) => boolean) =>
    result.groups
      .filter(filter)
      .reduce((a, g) => ({ entries: a.entries + g.entries, alarmed: a.alarmed + g.alarmed }), {
        entries: 0,
        alarmed: 0,
      });
  const cell = (result: FalseAlarmResult, filter: (g: FalseAlarmResult['groups'][number]) => boolean) => {
    const { entries, alarmed } = sum(result, filter);
    return `${perTenThousand(alarmed, entries)} (${count(alarmed)})`;
  };
  console.log(
    `| set | entries | false alarms per 10,000, names alone (entries) | with nationality/country and birth date |`,
  );
  console.log('|---|---|---|---|');
  for (const kind of ['person', 'organization'] as const) {
    const label = kind === 'person' ? 'people' : 'organizations';
    const all = (g: FalseAlarmResult['groups'][number]) => g.kind === kind;
    console.log(
      `| **${label}** | ${count(sum(names, all).entries)} | **${cell(names, all)}** | **${cell(full, all)}** |`,
    );
    for (const locale of LOCALES) {
      const one = (g: FalseAlarmResult['groups'][number]) => g.kind === kind && g.locale === locale.code;
      console.log(
        `| ${label}, ${locale.code} (${locale.script}) | ${count(sum(names, one).entries)} | ${cell(names, one)} | ${cell(full, one)} |`,
      );
    }
  }
  const everyone = () => true;
  console.log(
    `| **all** | ${count(sum(names, everyone).entries)} | **${cell(names, everyone)}** | **${cell(full, everyone)}** |`,
  );
  console.log(
    `\nExcluded as listed (normalized name, or its words in another order, equal to a listed name): ${names.excluded.people} people, ${names.excluded.organizations} organizations${names.excluded.examples.length ? ` (e.g. ${names.excluded.examples.join(', ')})` : ''}.`,
  );
  for (const result of [names, full]) {
    console.log(
      `\nThe 10 highest-scoring false alarms, ${result.mode === 'names' ? 'names alone' : 'with nationality/country and birth date'}:`,
    );
    console.log('| watchlist name | listed name | score | list |');
    console.log('|---|---|---|---|');
    for (const hit of result.top)
      console.log(
        `| ${hit.entryName} | ${hit.recordName} | ${hit.score.toFixed(2)} | ${LISTS.find((l) => l.sourceId === hit.sourceId)?.label} ${hit.recordId} |`,
      );
  }
}

function printRecall(result: RecallResult, full: RecallResult): void {
  console.log('| perturbation | UN | SDN | CSL | recall, names alone | with the listed country and birth date |');
  console.log('|---|---|---|---|---|---|');
  const fullTotal = { found: 0, drawn: 0 };
  const rate = (found: number, drawn: number) => (drawn ? (found / drawn).toFixed(3) : '—');
  const total = { found: 0, drawn: 0 };
  const rowNames = [...new Set(result.perKind.map((r) => r.row))].sort(
    (a, b) =>
      PERTURBATIONS.indexOf(result.perKind.find((r) => r.row === a)!.kind) -
        PERTURBATIONS.indexOf(result.perKind.find((r) => r.row === b)!.kind) || a.localeCompare(b),
  );
  for (const name of rowNames) {
    const rows = result.perKind.filter((r) => r.row === name);
    const cells = LISTS.map(({ label }) => {
      const row = rows.find((r) => r.list === label);
      return row ? `${row.found}/${row.drawn}` : '—';
    });
    const found = rows.reduce((a, r) => a + r.found, 0);
    const drawn = rows.reduce((a, r) => a + r.drawn, 0);
    if (rows[0]!.counted) {
      total.found += found;
      total.drawn += drawn;
    }
    const fullRows = full.perKind.filter((r) => r.row === name);
    const fullFound = fullRows.reduce((a, r) => a + r.found, 0);
    const fullDrawn = fullRows.reduce((a, r) => a + r.drawn, 0);
    if (rows[0]!.counted) {
      fullTotal.found += fullFound;
      fullTotal.drawn += fullDrawn;
    }
    console.log(`| ${name} | ${cells.join(' | ')} | ${rate(found, drawn)} | ${rate(fullFound, fullDrawn)} |`);
  }
  console.log(
    `| **all counted** | | | | **${rate(total.found, total.drawn)}** (${total.found} of ${total.drawn}) | **${rate(fullTotal.found, fullTotal.drawn)}** (${fullTotal.found} of ${fullTotal.drawn}) |`,
  );
  const examples = rowNames.flatMap((name) => result.missed.filter((m) => m.row === name).slice(0, 3));
  if (examples.length) {
    console.log('\nMissed by name alone, up to 3 per row:');
    for (const m of examples) console.log(`  ${m.row}: ${m.perturbed}  ←  ${m.original}`);
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--worker')) {
    const [, , , what] = process.argv;
    const people = option('people', 50_000);
    const orgs = option('orgs', 10_000);
    const result =
      what === 'recall' || what === 'recall-full'
        ? await recall(option('per-kind', 350), what === 'recall' ? 'names' : 'full')
        : await falseAlarms(what === 'full' ? 'full' : 'names', people, orgs);
    console.log(JSON.stringify(result));
    return;
  }
  if (!realFixturesPresent()) {
    console.error(`screening-eval: no fixtures at ${REAL_FIXTURES_DIR} (set TRADEWATCH_FIXTURES)`);
    process.exit(1);
  }
  const sizes = ['--people', String(option('people', 50_000)), '--orgs', String(option('orgs', 10_000))];
  const perKind = ['--per-kind', String(option('per-kind', 350))];
  const names = await inWorker<FalseAlarmResult>('names', ...sizes);
  const full = await inWorker<FalseAlarmResult>('full', ...sizes);
  const found = await inWorker<RecallResult>('recall', ...perKind);
  const foundFull = await inWorker<RecallResult>('recall-full', ...perKind);
  console.log(
    `Synthetic counterparties (@faker-js/faker, ${LOCALES.length} locales, seeded), none listed, screened against ${LISTS.map((l) => `${l.label} (${l.path})`).join(', ')} at the default threshold ${DEFAULT_THRESHOLD}:\n`,
  );
  printFalseAlarms(names, full);
  console.log(
    `\nRecall on perturbed listed names (drawn seeded, one perturbation each; found = a hit names its record):\n`,
  );
  printRecall(found, foundFull);
  console.log('\n| screening (each pass in its own process) | entries × records | time | peak RSS of the process |');
  console.log('|---|---|---|---|');
  for (const result of [names, full])
    for (const screening of result.screenings)
      console.log(
        `| ${screening.kind === 'person' ? 'people' : 'organizations'}, ${result.mode === 'names' ? 'names alone' : 'with nationality/country and birth date'} | ${count(screening.entries)} × ${count(screening.records)} | ${screening.seconds.toFixed(1)} s | ${result.maxRssMb} MB |`,
      );
  const perturbed = found.perKind.reduce((a, r) => a + r.drawn, 0);
  console.log(
    `| perturbed listed names | ${count(perturbed)} × ${count(found.records)} | ${found.seconds.toFixed(1)} s | ${found.maxRssMb} MB |`,
  );
  console.log(
    `| perturbed listed names, with the listed country and birth date | ${count(perturbed)} × ${count(foundFull.records)} | ${foundFull.seconds.toFixed(1)} s | ${foundFull.maxRssMb} MB |`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
