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
 * For a transliteration, the any-ascii reading of a record's name in its original script, that
 * original-script alias is taken off the record for the screening, so only its Latin names can find it.
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
import {
  fakerAR,
  fakerDE,
  fakerEN_US,
  fakerES,
  fakerFA,
  fakerFR,
  fakerJA,
  fakerKO,
  fakerRU,
  fakerTR,
  fakerVI,
  fakerZH_CN,
  type Faker,
  type SexType,
} from '@faker-js/faker';
import anyAscii from 'any-ascii';
import type { RegisterRecord } from '../functions/core/records.ts';
import { normalizeName } from '../functions/match/normalize.ts';
import { DEFAULT_THRESHOLD } from '../functions/match/score.ts';
import { inputFromPath } from '../functions/run/poll.ts';
import { collectRecords } from '../functions/sources/read/document.ts';
import { findSource } from '../functions/sources/registry.ts';
import { watchlistEntries } from '../functions/watchlist/file.ts';
import { WatchlistScreener, type ScreeningItem } from '../functions/watchlist/screening.ts';
import { REAL_FIXTURES_DIR, realFixturesPresent } from '../tests/real-fixtures.ts';

/** Deterministic pseudo-random numbers (mulberry32), so every run draws the same sets. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(items: readonly T[], rng: () => number): T => items[Math.floor(rng() * items.length)]!;

export interface SyntheticLocale {
  code: string;
  faker: Faker;
  /** ISO 3166-1 alpha-2 of the locale's country: the nationality of its people, the country of its organizations. */
  country: string;
  script: string;
}

/**
 * The locales, in the order people and organizations are dealt to them. Faker's `ar` draws Maghrebi
 * names (hence DZ); its `vi` writes the given names first.
 */
export const LOCALES: readonly SyntheticLocale[] = [
  { code: 'en_US', faker: fakerEN_US, country: 'US', script: 'Latin' },
  { code: 'de', faker: fakerDE, country: 'DE', script: 'Latin' },
  { code: 'fr', faker: fakerFR, country: 'FR', script: 'Latin' },
  { code: 'es', faker: fakerES, country: 'ES', script: 'Latin' },
  { code: 'tr', faker: fakerTR, country: 'TR', script: 'Latin' },
  { code: 'vi', faker: fakerVI, country: 'VN', script: 'Latin' },
  { code: 'ru', faker: fakerRU, country: 'RU', script: 'Cyrillic' },
  { code: 'ar', faker: fakerAR, country: 'DZ', script: 'Arabic' },
  { code: 'fa', faker: fakerFA, country: 'IR', script: 'Arabic' },
  { code: 'zh_CN', faker: fakerZH_CN, country: 'CN', script: 'Han' },
  { code: 'ko', faker: fakerKO, country: 'KR', script: 'Hangul' },
  { code: 'ja', faker: fakerJA, country: 'JP', script: 'Japanese' },
];

const REFERENCE_DATE = new Date('2025-01-01T00:00:00Z');
const SEED = 12;

export interface SyntheticParty {
  reference: string;
  name: string;
  kind: 'person' | 'organization';
  locale: string;
  country: string;
  /** People only: YYYY-MM-DD. */
  birthDate?: string;
}

interface NamePattern {
  value: string;
  weight: number;
}

/** A person's name by one of the locale's own patterns, without those that add a title or a suffix. */
function personName(faker: Faker, sex: SexType): string {
  const patterns = (faker.rawDefinitions.person?.name ?? []) as NamePattern[];
  const plain = patterns.filter((p) => !/prefix|suffix/.test(p.value));
  const pattern = plain.length ? faker.helpers.weightedArrayElement(plain) : '{{person.firstName}} {{person.lastName}}';
  return pattern
    .replace(/\{\{person\.(firstName|lastName|middleName)\}\}/g, (_, part: 'firstName' | 'lastName' | 'middleName') =>
      faker.person[part](sex),
    )
    .replace(/\s+/g, ' ')
    .trim();
}

/** Keys under which a name counts as listed: its normalized text, and its words sorted. */
export function listedKeys(name: string): string[] {
  const text = normalizeName(name).text;
  return text ? [text, text.split(' ').sort().join(' ')] : [];
}

/**
 * `count` people then organizations are dealt round-robin to LOCALES, each locale's faker seeded
 * once, so the same arguments give the same parties. A name `isListed` says is on a list is
 * skipped (counted in `excluded`) and another drawn, so `count` parties are kept.
 */
export function syntheticParties(
  kind: 'person' | 'organization',
  count: number,
  isListed: (name: string) => boolean = () => false,
): { parties: SyntheticParty[]; excluded: SyntheticParty[] } {
  for (const [i, locale] of LOCALES.entries()) {
    locale.faker.seed(SEED * 100 + i + (kind === 'person' ? 0 : 50));
    locale.faker.setDefaultRefDate(REFERENCE_DATE);
  }
  const parties: SyntheticParty[] = [];
  const excluded: SyntheticParty[] = [];
  const prefix = kind === 'person' ? 'P' : 'O';
  for (let drawn = 0; parties.length < count; drawn++) {
    const locale = LOCALES[drawn % LOCALES.length]!;
    const { faker } = locale;
    const party: SyntheticParty = {
      reference: `${prefix}-${drawn}`,
      name: '',
      kind,
      locale: locale.code,
      country: locale.country,
    };
    if (kind === 'person') {
      const sex = faker.person.sexType();
      party.name = personName(faker, sex);
      party.birthDate = faker.date.birthdate({ mode: 'age', min: 18, max: 85 }).toISOString().slice(0, 10);
    } else party.name = faker.company.name();
    (isListed(party.name) ? excluded : parties).push(party);
  }
  return { parties, excluded };
}

export const PERTURBATIONS = [
  'typo',
  'reshuffle',
  'dropped middle name',
  'legal form',
  'transliteration',
  'case and punctuation',
] as const;
export type PerturbationKind = (typeof PERTURBATIONS)[number];

/** The words of a name in the order they are said: `FAMILY, Given Middle` → `Given Middle FAMILY`. */
export function saidWords(name: string): string[] {
  const parts = name.split(',').map((part) => part.trim());
  const ordered = parts.length === 2 && parts[0] && parts[1] ? [parts[1], parts[0]] : [name];
  return ordered.join(' ').split(/\s+/).filter(Boolean);
}

const LATIN_LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** One keyboard slip in one word of 4+ letters: a letter inserted, deleted, replaced, or two swapped. */
export function typo(name: string, rng: () => number): string | undefined {
  const words = name.split(' ');
  const candidates = words.flatMap((word, i) => (/^\p{L}{4,}$/u.test(word) ? [i] : []));
  if (!candidates.length) return undefined;
  const at = pick(candidates, rng);
  const word = [...words[at]!];
  const upper = word.every((c) => c === c.toUpperCase());
  const letter = () => {
    const c = pick([...LATIN_LETTERS], rng);
    return upper ? c.toUpperCase() : c;
  };
  const position = 1 + Math.floor(rng() * (word.length - 1));
  switch (pick(['insert', 'delete', 'substitute', 'transpose'] as const, rng)) {
    case 'insert':
      word.splice(position, 0, letter());
      break;
    case 'delete':
      word.splice(position, 1);
      break;
    case 'substitute': {
      let replacement = letter();
      while (replacement.toLowerCase() === word[position]!.toLowerCase()) replacement = letter();
      word[position] = replacement;
      break;
    }
    case 'transpose': {
      const i = position - 1;
      if (word[i]!.toLowerCase() === word[i + 1]!.toLowerCase()) return undefined;
      [word[i], word[i + 1]] = [word[i + 1]!, word[i]!];
      break;
    }
  }
  words[at] = word.join('');
  return words.join(' ');
}

/** A person's words said in another order (a customer file's `Family Given`, `Given Middle Family`, …). */
export function reshuffle(name: string, rng: () => number): string | undefined {
  const words = saidWords(name);
  if (words.length < 2) return undefined;
  for (let attempt = 0; attempt < 10; attempt++) {
    const shuffled = [...words];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    if (shuffled.join(' ') !== words.join(' ')) return shuffled.join(' ');
  }
  return undefined;
}

/** A person's name without one of its inner words (a middle name, a patronymic), said `Given … Family`. */
export function dropMiddleName(name: string, rng: () => number): string | undefined {
  const words = saidWords(name);
  if (words.length < 3) return undefined;
  const inner = 1 + Math.floor(rng() * (words.length - 2));
  return words.filter((_, i) => i !== inner).join(' ');
}

/**
 * Writings of one legal form, as registers and customer files have them (not the matcher's table:
 * this is what it must cope with).
 */
const LEGAL_FORM_WRITINGS: readonly (readonly string[])[] = [
  ['CO., LTD.', 'Co Ltd', 'Company Limited', 'Co. Limited'],
  ['LIMITED LIABILITY COMPANY', 'LLC', 'L.L.C.', 'OOO', 'Limited Liability Co.'],
  ['PUBLIC JOINT STOCK COMPANY', 'Public Joint-Stock Company', 'PJSC', 'PAO'],
  ['OPEN JOINT STOCK COMPANY', 'Open Joint-Stock Company', 'OJSC', 'OAO'],
  ['CLOSED JOINT STOCK COMPANY', 'Closed Joint-Stock Company', 'CJSC', 'ZAO'],
  ['JOINT STOCK COMPANY', 'Joint-Stock Company', 'JSC', 'AO'],
  ['PTE. LTD.', 'Pte Ltd', 'Private Limited'],
  ['SDN. BHD.', 'Sdn Bhd', 'Sendirian Berhad'],
  ['LIMITED', 'LTD.', 'Ltd'],
  ['CORPORATION', 'Corp.', 'Corp'],
  ['INCORPORATED', 'Inc.', 'Inc'],
  ['COMPANY', 'Co.', 'Co'],
  ['GMBH', 'G.m.b.H.', 'Gesellschaft mit beschränkter Haftung'],
  ['S.A.', 'SA', 'Sociedad Anónima', 'Société Anonyme'],
  ['S.A.R.L.', 'SARL', 'Sàrl'],
  ['S.R.L.', 'SRL'],
  ['FZE', 'F.Z.E.', 'Free Zone Establishment'],
  ['FZCO', 'FZC', 'Free Zone Company'],
  ['ESTABLISHMENT', 'EST.', 'Est'],
];

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Each writing, longest first, with the other writings of its form. */
const LEGAL_FORM_PATTERNS = LEGAL_FORM_WRITINGS.flatMap((writings) =>
  writings.map((written) => ({
    pattern: new RegExp(`(^|[\\s,(])${escapeRegExp(written)}(?=$|[\\s,)])`, 'i'),
    written,
    others: writings.filter((other) => other !== written),
  })),
).sort((a, b) => b.written.length - a.written.length);

/** An organization's legal form written another way, or dropped (as customer files often do). */
export function legalFormVariant(name: string, rng: () => number): string | undefined {
  for (const { pattern, written, others } of LEGAL_FORM_PATTERNS) {
    const found = pattern.exec(name);
    if (!found) continue;
    const replacement = pick([...others, ''], rng);
    const start = found.index + found[1]!.length;
    const result = `${name.slice(0, start)}${replacement}${name.slice(start + written.length)}`
      .replace(/\s*,\s*$/, '')
      .replace(/\s+/g, ' ')
      .trim();
    return result && result !== name ? result : undefined;
  }
  return undefined;
}

const NON_LATIN = /[^\p{Script=Latin}\p{Script=Common}\p{Script=Inherited}]/u;

/** The any-ascii reading of a name in another script (`Сергей Лавров` → `Sergey Lavrov`, `محمد` → `mhmd`). */
export function transliteration(alias: string): string | undefined {
  if (!NON_LATIN.test(alias)) return undefined;
  const result = anyAscii(alias).replace(/\s+/g, ' ').trim();
  return /\p{L}/u.test(result) ? result : undefined;
}

/** Case and punctuation as another system writes them: lower, title or upper case; commas, dots, apostrophes and hyphens dropped or spaced. */
export function casePunctuation(name: string, rng: () => number): string | undefined {
  const casing = pick(['lower', 'title', 'upper'] as const, rng);
  const cased =
    casing === 'lower'
      ? name.toLowerCase()
      : casing === 'upper'
        ? name.toUpperCase()
        : name.toLowerCase().replace(/(^|[\s-])(\p{L})/gu, (_, before: string, c: string) => before + c.toUpperCase());
  const punctuation = pick(['drop', 'space', 'keep'] as const, rng);
  const result =
    punctuation === 'keep'
      ? cased
      : cased
          .replace(/[.,'’()]/g, punctuation === 'drop' ? '' : ' ')
          .replace(/-/g, punctuation === 'drop' ? '' : ' ')
          .replace(/\s+/g, ' ')
          .trim();
  if (result !== name) return result;
  return name.toLowerCase() !== name ? name.toLowerCase() : undefined;
}

/** A record's perturbed name for one kind, or undefined when the kind does not apply to it. */
export function perturb(
  record: Pick<RegisterRecord, 'name' | 'aliases' | 'kind'>,
  kind: PerturbationKind,
  rng: () => number,
): { name: string; fromAlias?: string } | undefined {
  const person = record.kind === 'person';
  let name: string | undefined;
  switch (kind) {
    case 'typo':
      name = typo(record.name, rng);
      break;
    case 'reshuffle':
      name = person ? reshuffle(record.name, rng) : undefined;
      break;
    case 'dropped middle name':
      name = person ? dropMiddleName(record.name, rng) : undefined;
      break;
    case 'legal form':
      name = person ? undefined : legalFormVariant(record.name, rng);
      break;
    case 'transliteration': {
      const aliases = record.aliases.filter((alias) => transliteration(alias));
      if (!aliases.length) return undefined;
      const alias = pick(aliases, rng);
      return { name: transliteration(alias)!, fromAlias: alias };
    }
    case 'case and punctuation':
      name = casePunctuation(record.name, rng);
      break;
  }
  return name && name !== record.name ? { name } : undefined;
}

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
      row.country = party.country;
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
  perKind: { kind: PerturbationKind; list: string; drawn: number; found: number }[];
  missed: { kind: PerturbationKind; original: string; perturbed: string }[];
}

/**
 * Worker: perturbed listed names. Per kind, the lists' persons and organizations are dealt in a
 * seeded order, a list at a time in turn, until `perKind` names are drawn that the kind applies to.
 */
async function recall(perKind: number): Promise<RecallResult> {
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
  const drawn: { reference: string; kind: PerturbationKind; list: LoadedList; record: RegisterRecord; name: string }[] =
    [];
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
          drawn.push({ reference: `R-${drawn.length}`, kind, list, record, name: result.name });
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
  const rows = drawn.map((d) => ({ reference: d.reference, name: d.name, kind: d.record.kind }));
  const items = itemsOf(lists, without);
  const { seconds, hits } = screenAll(rows, items);
  const perKind_ = new Map<string, RecallResult['perKind'][number]>();
  const missed: RecallResult['missed'] = [];
  for (const d of drawn) {
    const key = `${d.kind}/${d.list.label}`;
    const row = perKind_.get(key) ?? { kind: d.kind, list: d.list.label, drawn: 0, found: 0 };
    const found = (hits.get(d.reference) ?? []).some(
      (hit) => hit.sourceId === d.list.sourceId && hit.recordId === d.record.id,
    );
    row.drawn += 1;
    row.found += found ? 1 : 0;
    if (!found) missed.push({ kind: d.kind, original: d.record.name, perturbed: d.name });
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

function printRecall(result: RecallResult): void {
  console.log('| perturbation | UN | SDN | CSL | recall |');
  console.log('|---|---|---|---|---|');
  const rate = (found: number, drawn: number) => (drawn ? (found / drawn).toFixed(3) : '—');
  let found = 0;
  let drawn = 0;
  for (const kind of PERTURBATIONS) {
    const rows = result.perKind.filter((r) => r.kind === kind);
    const cells = LISTS.map(({ label }) => {
      const row = rows.find((r) => r.list === label);
      return row ? `${row.found}/${row.drawn}` : '—';
    });
    const kindFound = rows.reduce((a, r) => a + r.found, 0);
    const kindDrawn = rows.reduce((a, r) => a + r.drawn, 0);
    found += kindFound;
    drawn += kindDrawn;
    console.log(`| ${kind} | ${cells.join(' | ')} | ${rate(kindFound, kindDrawn)} |`);
  }
  console.log(`| **all** | | | | **${rate(found, drawn)}** (${found} of ${drawn}) |`);
  const examples = PERTURBATIONS.flatMap((kind) => result.missed.filter((m) => m.kind === kind).slice(0, 3));
  if (examples.length) {
    console.log('\nMissed, up to 3 per kind:');
    for (const m of examples) console.log(`  ${m.kind}: ${m.perturbed}  ←  ${m.original}`);
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--worker')) {
    const [, , , what] = process.argv;
    const people = option('people', 50_000);
    const orgs = option('orgs', 10_000);
    const result =
      what === 'recall'
        ? await recall(option('per-kind', 350))
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
  console.log(
    `Synthetic counterparties (@faker-js/faker, ${LOCALES.length} locales, seeded), none listed, screened against ${LISTS.map((l) => `${l.label} (${l.path})`).join(', ')} at the default threshold ${DEFAULT_THRESHOLD}:\n`,
  );
  printFalseAlarms(names, full);
  console.log(
    `\nRecall on perturbed listed names (drawn seeded, one perturbation each; found = a hit names its record):\n`,
  );
  printRecall(found);
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
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
