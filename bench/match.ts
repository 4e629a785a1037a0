/**
 * `npx tsx bench/match.ts` (also run by `npm run bench`): quality and speed of name matching
 * (functions/match/).
 *
 * Quality: precision, recall and F1 at DEFAULT_THRESHOLD (and a few thresholds around it). The
 * evaluation set is built here, at run time, from the real published files under
 * TRADEWATCH_FIXTURES (default ../shared/fixtures); nothing read from them is written anywhere.
 * Pairs are chosen by what the publishers say, never by the matcher's own score.
 *
 * Matches (the same person or party, its name written another way, by the publisher's word):
 *  - original script: a UN-listed individual's NAME_ORIGINAL_SCRIPT (Arabic, Cyrillic, ...) against
 *    the UN's Latin name of the same individual (every UN file, pairs deduplicated). Persons only:
 *    an individual's name is transliterated, an organization's is usually translated (the UN's
 *    name of an armed group in Arabic is a translation of the English one), which no name matcher can undo;
 *  - UN and UK: the UN's name of a UN-listed party against the UK's (OFSI ConList) name of the same
 *    party, linked by the UN reference number the UK record quotes (exactly one; the old
 *    `QI.A.86.03` form read as `QDi.086`), each UK file against the UN file nearest in date. A link
 *    is used only when it is consistent: the reference quoted by one UK record only, an `i` (individual)
 *    reference for a person and an `e` one for an entity, and a year of birth in common when both give
 *    one (the UK files quote a few wrong references). Left out and counted: pairs identical after
 *    folding case and punctuation (they test nothing), and UK names the UN lists as an alias of the
 *    party (another name, not another spelling);
 *  - re-rendered: a person's primary name that the publisher rewrote between two versions (same OFAC
 *    ent_num from the 2021-07 legacy set to 2024-05; same UN DATAID between successive UN files),
 *    unless the new name was already one of the record's aliases in the old version (then an alias
 *    was promoted, often a real name replacing a nom de guerre: another name, not a new spelling).
 * Non-matches, two per match: the same first name against the name of another record of the same
 * kind in the same file, once with a record whose name shares a word of 4+ letters with the matching
 * name (hard: a shared family name, `Muhammad`, a country's name) and once at random. Records whose names are equal
 * after folding are not used as non-matches (no name matcher can tell them apart).
 *
 * Also printed, outside that set: the hand-labelled hard cases (tests/fixtures/match/hard-cases.csv),
 * and every published alias against its record's primary name, by the publisher's category (OFAC
 * a.k.a./f.k.a./n.k.a./low quality, UN Good/Low, UK AKA/FKA, other scripts): how many of each the
 * matcher takes for the same name. Most a.k.a. entries are other names (acronyms, translations,
 * noms de guerre, former names), so these are shown, not scored as errors; the previous evaluation
 * (every SDN alias a match) is printed too.
 *
 * Speed: a 10,000-name watchlist made of real names with perturbations (typos, swapped words, dropped
 * legal forms, initials) screened against 1,000 records and against the full SDN list, through the
 * index (`screen`) and by brute force (`screenAllPairs`: every pair scored by the same matcher), with
 * the hits the index misses (recall lost to blocking). Against 1,000 records the brute force scores
 * all 25 million pairs; against the full list it is timed on the first 500 watchlist names and
 * extrapolated (the output says so), and hits lost are counted on those names.
 * The last lines are a table of the headline figures (the README's).
 *
 * BENCH_MATCH_PART=quality|speed runs one half; BENCH_SHOW_ERRORS=n lists n misclassified pairs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { collectRecords } from '../functions/sources/read/document.ts';
import { findSource } from '../functions/sources/registry.ts';
import { inputFromPath } from '../functions/run/poll.ts';
import type { RecordKind, RegisterRecord } from '../functions/core/records.ts';
import { prepareName } from '../functions/match/prepare.ts';
import { DEFAULT_THRESHOLD, scorePrepared, scoreNames } from '../functions/match/score.ts';
import { screen, screenAllPairs, type ScreeningHit, type NameToScreen } from '../functions/match/screen.ts';
import { parseNamePairs } from '../functions/cli/score-csv.ts';
import { REAL_FIXTURES_DIR } from '../tests/real-fixtures.ts';
import { seededRandom as random } from '../tests/helpers/seeded-random.ts';

const HAND_CASES = new URL('../tests/fixtures/match/hard-cases.csv', import.meta.url);
const THRESHOLDS = [0.7, 0.75, DEFAULT_THRESHOLD, 0.85, 0.9];
const PART = process.env.BENCH_MATCH_PART ?? 'all';

const cache = new Map<string, Promise<RegisterRecord[]>>();

/** The records of a real file, read with the project's own parser. */
function load(sourceId: string, relativePath: string): Promise<RegisterRecord[]> {
  const key = `${sourceId}:${relativePath}`;
  let records = cache.get(key);
  if (!records) {
    records = (async () => {
      const source = findSource(sourceId);
      if (!source) throw new Error(`bench: source ${sourceId} is not registered`);
      const { input } = await inputFromPath(source, join(REAL_FIXTURES_DIR, relativePath));
      return collectRecords(source, input, { sourceId: source.id, warn: () => undefined });
    })();
    cache.set(key, records);
  }
  return records;
}

const SDN_LEGACY = 'ofac-sdn/legacy-csv-set.2021-07-07/sdn.csv';
const SDN_LATEST = 'ofac-sdn/sdn.2024-05-02.csv';
const UN_FILES = [
  'un/consolidated.2018-06-07.xml',
  'un/consolidated.2018-10-29.xml',
  'un/consolidated.2022-09-15.xml',
  'un/UN_consolidated.2026-02-27.xml',
];
/** Each UK file with the UN file nearest in date. */
const UK_UN = [
  ['uk-sanctions/sanctionsconlist.2018-04-13.csv', 'un/consolidated.2018-06-07.xml'],
  ['uk-sanctions/ConList.2020-04-27.csv', 'un/consolidated.2018-10-29.xml'],
] as const;
const CONS_ENHANCED = 'ofac-cons/CONS_ENHANCED.2025-01-10.XML';

/** A plain fold, independent of the matcher: diacritics, case and punctuation off. */
function fold(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Words of 4+ letters, for choosing hard non-matches (a shared family name, `Muhammad`, a country). */
function longWords(name: string): string[] {
  return [
    ...new Set(
      fold(name)
        .split(' ')
        .filter((w) => w.length >= 4),
    ),
  ];
}

interface LabelledPair {
  a: string;
  b: string;
  kindA?: RecordKind | undefined;
  kindB?: RecordKind | undefined;
  schema?: string;
  /** The countries the publishers give each side's record (scored with them in a second pass). */
  countriesA?: readonly string[];
  countriesB?: readonly string[];
  match: boolean;
  /** The component of the set: which rule chose the pair. */
  origin: string;
}

/** A match with what choosing its non-matches needs: the file of side b and the party's record there. */
interface Positive {
  pair: LabelledPair;
  collection: RegisterRecord[];
  partyId: string;
}

const extraList = (record: RegisterRecord, key: string): string[] => {
  const value = record.extra[key];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
};

async function originalScriptPositives(): Promise<Positive[]> {
  const out: Positive[] = [];
  const seen = new Set<string>();
  for (const file of UN_FILES) {
    const records = await load('un-sc-consolidated', file);
    for (const record of records) {
      if (record.kind !== 'person') continue;
      for (const original of extraList(record, 'nameOriginalScript')) {
        const key = `${fold(original)}|${fold(record.name)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({
          pair: {
            a: original,
            b: record.name,
            kindA: 'person',
            kindB: 'person',
            countriesA: record.countries,
            countriesB: record.countries,
            match: true,
            origin: 'original script (UN persons)',
          },
          collection: records,
          partyId: record.id,
        });
      }
    }
  }
  return out;
}

/** UN reference numbers quoted in a UK record: `QDi.086`, or the old `QI.A.86.03` read as `QDi.086`. */
function unReferences(text: string): string[] {
  const refs = new Set<string>();
  for (const m of text.matchAll(/UN Ref\s*:?\s*([A-Z]{2,3}[ie]\.\d{3})/g)) refs.add(m[1]!);
  for (const m of text.matchAll(/UN Ref\s*:?\s*([QT])([IE])\.[A-Z]\.(\d+)\.\d\d/g))
    refs.add(`${m[1] === 'Q' ? 'QD' : 'TA'}${m[2]!.toLowerCase()}.${m[3]!.padStart(3, '0')}`);
  return [...refs];
}

/** Years of birth a record gives (UN and UK both write them in extra.datesOfBirth). */
function birthYears(record: RegisterRecord): Set<string> {
  return new Set(extraList(record, 'datesOfBirth').flatMap((date) => date.match(/\b(?:19|20)\d\d\b/g) ?? []));
}

interface LinkCounts {
  identical: number;
  alias: number;
  doubtful: number;
}

async function crossPublisherPositives(): Promise<{ positives: Positive[]; counts: LinkCounts }> {
  const out: Positive[] = [];
  const seen = new Set<string>();
  const counts: LinkCounts = { identical: 0, alias: 0, doubtful: 0 };
  for (const [ukFile, unFile] of UK_UN) {
    const [uk, un] = await Promise.all([load('uk-sanctions-list', ukFile), load('un-sc-consolidated', unFile)]);
    const byReference = new Map(un.map((r) => [extraList(r, 'referenceNumber')[0] ?? '', r]));
    const quoted = new Map<string, number>();
    for (const record of uk)
      for (const ref of unReferences(record.remarks ?? '')) quoted.set(ref, (quoted.get(ref) ?? 0) + 1);
    for (const record of uk) {
      const refs = unReferences(record.remarks ?? '');
      const party = refs.length === 1 && quoted.get(refs[0]!) === 1 ? byReference.get(refs[0]!) : undefined;
      if (!party) continue;
      // The link must be consistent: `i` references name individuals, `e` entities; years of birth agree.
      const personRef = /i\.\d+$/.test(refs[0]!);
      const [yearsUk, yearsUn] = [birthYears(record), birthYears(party)];
      if (
        personRef !== (record.kind === 'person') ||
        party.kind !== record.kind ||
        (yearsUk.size && yearsUn.size && ![...yearsUk].some((y) => yearsUn.has(y)))
      ) {
        counts.doubtful += 1;
        continue;
      }
      const key = `${fold(record.name)}|${fold(party.name)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (fold(record.name) === fold(party.name)) counts.identical += 1;
      else if (party.aliases.some((alias) => fold(alias) === fold(record.name))) counts.alias += 1;
      else
        out.push({
          pair: {
            a: record.name,
            b: party.name,
            kindA: record.kind,
            kindB: party.kind,
            countriesA: record.countries,
            countriesB: party.countries,
            match: true,
            origin: 'UN and UK name of one party',
          },
          collection: un,
          partyId: party.id,
        });
    }
  }
  return { positives: out, counts };
}

async function reRenderedPositives(): Promise<{ positives: Positive[]; promoted: number }> {
  const out: Positive[] = [];
  const seen = new Set<string>();
  let promoted = 0;
  const versions: [string, string, string][] = [['us-ofac-sdn', SDN_LEGACY, SDN_LATEST]];
  for (let i = 0; i + 1 < UN_FILES.length; i++) versions.push(['un-sc-consolidated', UN_FILES[i]!, UN_FILES[i + 1]!]);
  for (const [sourceId, oldFile, newFile] of versions) {
    const [before, after] = await Promise.all([load(sourceId, oldFile), load(sourceId, newFile)]);
    const previous = new Map(before.map((r) => [r.id, r]));
    for (const record of after) {
      const old = previous.get(record.id);
      if (!old || record.kind !== 'person' || old.kind !== 'person' || fold(old.name) === fold(record.name)) continue;
      if (old.aliases.some((alias) => fold(alias) === fold(record.name))) {
        promoted += 1;
        continue;
      }
      const key = `${fold(old.name)}|${fold(record.name)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({
        pair: {
          a: old.name,
          b: record.name,
          kindA: 'person',
          kindB: 'person',
          countriesA: old.countries,
          countriesB: record.countries,
          match: true,
          origin: 're-rendered by the publisher (persons)',
        },
        collection: after,
        partyId: record.id,
      });
    }
  }
  return { positives: out, promoted };
}

/** One hard (a shared word of 4+ letters) and one random non-match per match. */
function negatives(positives: Positive[], next: () => number): { pairs: LabelledPair[]; sameName: number } {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const byWord = new Map<RegisterRecord[], Map<string, RegisterRecord[]>>();
  const wordsOf = (collection: RegisterRecord[]): Map<string, RegisterRecord[]> => {
    let index = byWord.get(collection);
    if (!index) {
      index = new Map();
      for (const record of collection) {
        for (const word of longWords(record.name)) {
          const list = index.get(word);
          if (list) list.push(record);
          else index.set(word, [record]);
        }
      }
      byWord.set(collection, index);
    }
    return index;
  };
  const pairs: LabelledPair[] = [];
  let sameName = 0;
  for (const { pair, collection, partyId } of positives) {
    const usable = (other: RegisterRecord): boolean => {
      if (other.id === partyId || other.kind !== pair.kindB) return false;
      if (fold(other.name) === fold(pair.b)) {
        sameName += 1;
        return false;
      }
      return true;
    };
    const index = wordsOf(collection);
    const sharing = longWords(pair.b).flatMap((word) => index.get(word) ?? []);
    for (let attempt = 0; attempt < 20 && sharing.length; attempt++) {
      const other = pick(sharing);
      if (!usable(other)) continue;
      pairs.push({
        a: pair.a,
        b: other.name,
        kindA: pair.kindA,
        kindB: other.kind,
        ...(pair.countriesA ? { countriesA: pair.countriesA } : {}),
        countriesB: other.countries,
        match: false,
        origin: `${pair.origin}: non-match sharing a word`,
      });
      break;
    }
    for (let attempt = 0; attempt < 50; attempt++) {
      const other = pick(collection);
      if (!usable(other)) continue;
      pairs.push({
        a: pair.a,
        b: other.name,
        kindA: pair.kindA,
        kindB: other.kind,
        ...(pair.countriesA ? { countriesA: pair.countriesA } : {}),
        countriesB: other.countries,
        match: false,
        origin: `${pair.origin}: non-match at random`,
      });
      break;
    }
  }
  return { pairs, sameName };
}

function handPairs(): LabelledPair[] {
  return parseNamePairs(readFileSync(HAND_CASES, 'utf8')).map((pair) => ({
    a: pair.name1,
    b: pair.name2,
    ...(pair.schema ? { schema: pair.schema } : {}),
    match: pair.match ?? false,
    origin: 'hand',
  }));
}

function pairScore(pair: LabelledPair, withCountries = false): number {
  if (pair.schema !== undefined)
    return scoreNames(pair.a, pair.b, { schemaA: pair.schema, schemaB: pair.schema }).score;
  return scorePrepared(
    prepareName(pair.a, pair.kindA, withCountries ? pair.countriesA : []),
    prepareName(pair.b, pair.kindB, withCountries ? pair.countriesB : []),
  ).score;
}

interface Scored {
  pair: LabelledPair;
  score: number;
}

function quality(
  scored: Scored[],
  threshold: number,
): { precision: number; recall: number; f1: number; tp: number; fp: number; fn: number } {
  let [tp, fp, fn] = [0, 0, 0];
  for (const { pair, score } of scored) {
    const predicted = score >= threshold;
    if (predicted && pair.match) tp++;
    else if (predicted) fp++;
    else if (pair.match) fn++;
  }
  const precision = tp + fp ? tp / (tp + fp) : 1;
  const recall = tp + fn ? tp / (tp + fn) : 1;
  return {
    precision,
    recall,
    f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
    tp,
    fp,
    fn,
  };
}

const fixed3 = (value: number): string => value.toFixed(3);

function report(label: string, scored: Scored[], thresholds = THRESHOLDS): void {
  const positives = scored.filter((s) => s.pair.match).length;
  console.log(`\n${label}: ${scored.length} pairs (${positives} matches, ${scored.length - positives} non-matches)`);
  for (const threshold of thresholds) {
    const q = quality(scored, threshold);
    console.log(
      `  threshold ${threshold.toFixed(2)}${threshold === DEFAULT_THRESHOLD ? ' (default)' : '          '}  precision ${fixed3(q.precision)}  recall ${fixed3(q.recall)}  F1 ${fixed3(q.f1)}  (tp ${q.tp}, fp ${q.fp}, fn ${q.fn})`,
    );
  }
}

function byComponent(scored: Scored[]): void {
  const components = [...new Set(scored.filter((s) => s.pair.match).map((s) => s.pair.origin))];
  console.log(`  by component, at ${DEFAULT_THRESHOLD}:`);
  for (const component of components) {
    const part = scored.filter((s) => s.pair.origin === component || s.pair.origin.startsWith(`${component}:`));
    const q = quality(part, DEFAULT_THRESHOLD);
    const hard = part.filter((s) => s.pair.origin.endsWith('sharing a word'));
    const hardFp = hard.filter((s) => s.score >= DEFAULT_THRESHOLD).length;
    console.log(
      `    ${component.padEnd(40)} ${String(part.filter((s) => s.pair.match).length).padStart(4)} matches  recall ${fixed3(q.recall)}  |  ${String(part.length - q.tp - q.fn).padStart(4)} non-matches (${hard.length} sharing a word)  false positives ${q.fp} (${hardFp} sharing a word)  precision ${fixed3(q.precision)}`,
    );
  }
}

function showErrors(label: string, scored: Scored[], limit: number): void {
  const wrong = scored.filter(({ pair, score }) => score >= DEFAULT_THRESHOLD !== pair.match);
  for (const { pair, score } of wrong.slice(0, limit))
    console.log(
      `  ${label} ${pair.match ? 'FN' : 'FP'} ${score.toFixed(3)} [${pair.origin}] ${pair.kindA ?? pair.schema ?? ''}: ${pair.a} | ${pair.b}`,
    );
}

/** Every alias against its record's primary name, by the publisher's category: share taken for the same name. */
async function aliasCategories(): Promise<void> {
  const rows: { label: string; pairs: Scored[] }[] = [];
  const add = (label: string, record: RegisterRecord, alias: string): void => {
    let row = rows.find((r) => r.label === label);
    if (!row) rows.push((row = { label, pairs: [] }));
    const pair: LabelledPair = {
      a: alias,
      b: record.name,
      kindA: record.kind,
      kindB: record.kind,
      match: true,
      origin: label,
    };
    row.pairs.push({ pair, score: pairScore(pair) });
  };
  const kindLabel = (kind: RecordKind): string =>
    kind === 'person' ? 'persons' : kind === 'organization' ? 'organizations' : 'vessels, aircraft';
  const singleWord = (alias: string): boolean => fold(alias).split(' ').length === 1;

  for (const record of await load('us-ofac-sdn', SDN_LEGACY)) {
    const former = new Set(extraList(record, 'formerlyKnownAs'));
    const now = new Set(extraList(record, 'nowKnownAs'));
    for (const alias of record.aliases) {
      if (former.has(alias)) add('OFAC SDN 2021-07 f.k.a.', record, alias);
      else if (now.has(alias)) add('OFAC SDN 2021-07 n.k.a.', record, alias);
      else if (singleWord(alias)) add('OFAC SDN 2021-07 a.k.a., one word (acronyms, nicknames)', record, alias);
      else add(`OFAC SDN 2021-07 a.k.a., ${kindLabel(record.kind)}`, record, alias);
    }
  }
  for (const record of await load('us-ofac-consolidated', CONS_ENHANCED)) {
    const weak = new Set(extraList(record, 'weakAliases'));
    const former = new Set([...extraList(record, 'formerlyKnownAs'), ...extraList(record, 'nowKnownAs')]);
    for (const alias of record.aliases) {
      if (weak.has(alias)) add('OFAC CONS ENHANCED 2025 low-quality a.k.a.', record, alias);
      else if (former.has(alias)) add('OFAC CONS ENHANCED 2025 f.k.a./n.k.a.', record, alias);
      else add('OFAC CONS ENHANCED 2025 a.k.a.', record, alias);
    }
    for (const other of extraList(record, 'otherScriptNames'))
      add(`OFAC CONS ENHANCED 2025 other script, ${kindLabel(record.kind)}`, record, other);
  }
  for (const record of await load('un-sc-consolidated', UN_FILES[UN_FILES.length - 1]!)) {
    const low = new Set(extraList(record, 'lowQualityAliases'));
    const former = new Set(extraList(record, 'formerNames'));
    const original = new Set(extraList(record, 'nameOriginalScript'));
    for (const alias of record.aliases) {
      if (original.has(alias)) add(`UN 2026 original script, ${kindLabel(record.kind)}`, record, alias);
      else if (low.has(alias)) add('UN 2026 Low quality', record, alias);
      else if (former.has(alias)) add('UN 2026 f.k.a.', record, alias);
      else add(`UN 2026 Good / a.k.a., ${kindLabel(record.kind)}`, record, alias);
    }
  }
  for (const record of await load('uk-sanctions-list', UK_UN[1][0])) {
    const former = new Set(extraList(record, 'formerNames'));
    for (const alias of record.aliases)
      add(former.has(alias) ? 'UK ConList 2020 FKA' : `UK ConList 2020 AKA, ${kindLabel(record.kind)}`, record, alias);
  }
  console.log(
    `\nEvery published alias against its record's primary name, by the publisher's category (not part of the set above;`,
  );
  console.log(
    `most aliases are other names: acronyms, translations, noms de guerre, former names). Share scored >= ${DEFAULT_THRESHOLD}:`,
  );
  for (const row of rows) {
    const taken = row.pairs.filter((s) => s.score >= DEFAULT_THRESHOLD).length;
    console.log(
      `  ${row.label.padEnd(58)} ${String(row.pairs.length).padStart(6)}  ${((100 * taken) / row.pairs.length).toFixed(1).padStart(5)} %`,
    );
  }
}

/** The previous evaluation: every SDN alias a match of its primary; shared-word and random non-matches. */
async function previousAliasSet(next: () => number): Promise<Scored[]> {
  const records = await load('us-ofac-sdn', SDN_LEGACY);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const positives: LabelledPair[] = [];
  for (const record of records)
    for (const alias of record.aliases)
      positives.push({
        a: alias,
        b: record.name,
        kindA: record.kind,
        kindB: record.kind,
        match: true,
        origin: 'alias',
      });
  const chosen = positives
    .map((p) => ({ p, k: next() }))
    .sort((x, y) => x.k - y.k)
    .slice(0, 4000)
    .map((x) => x.p);
  const byWord = new Map<string, RegisterRecord[]>();
  for (const record of records)
    for (const word of longWords(record.name)) byWord.set(word, [...(byWord.get(word) ?? []), record]);
  const shared = [...byWord.values()].filter((list) => list.length >= 2);
  const negativePairs: LabelledPair[] = [];
  for (let attempts = 0; negativePairs.length < chosen.length && attempts < chosen.length * 20; attempts++) {
    const group = pick(shared);
    const [x, y] = [pick(group), pick(group)];
    if (x.id === y.id || x.kind !== y.kind) continue;
    negativePairs.push({
      a: pick([x.name, ...x.aliases]),
      b: y.name,
      kindA: x.kind,
      kindB: y.kind,
      match: false,
      origin: 'shared word',
    });
  }
  for (let attempts = 0; negativePairs.length < chosen.length * 2 && attempts < chosen.length * 20; attempts++) {
    const [x, y] = [pick(records), pick(records)];
    if (x.id === y.id || x.kind !== y.kind) continue;
    negativePairs.push({ a: x.name, b: y.name, kindA: x.kind, kindB: y.kind, match: false, origin: 'random' });
  }
  return [...chosen, ...negativePairs].map((pair) => ({ pair, score: pairScore(pair) }));
}

interface Summary {
  rows: [string, string][];
}

const summary: Summary = { rows: [] };
const prf = (q: { precision: number; recall: number; f1: number }): string =>
  `precision ${fixed3(q.precision)}, recall ${fixed3(q.recall)}, **F1 ${fixed3(q.f1)}**`;

async function qualitySection(): Promise<void> {
  const next = random(20260707);
  const original = await originalScriptPositives();
  const cross = await crossPublisherPositives();
  const rerendered = await reRenderedPositives();
  const positives = [...original, ...cross.positives, ...rerendered.positives];
  const negative = negatives(positives, next);
  const pairs = [...positives.map((p) => p.pair), ...negative.pairs];
  const set = pairs.map((pair) => ({ pair, score: pairScore(pair) }));
  // The same pairs with the countries the publishers give each record: what screening compares when a
  // watchlist entry carries its country (short cross-script and one-syllable names need one in common).
  const setWithCountries = pairs.map((pair) => ({ pair, score: pairScore(pair, true) }));
  const hand = handPairs().map((pair) => ({ pair, score: pairScore(pair) }));

  console.log(
    `Evaluation set, built from the real files under ${REAL_FIXTURES_DIR} (chosen by the publishers' data, never by a score):`,
  );
  console.log(
    `  matches: ${original.length} persons' names in their original script (UN), ${cross.positives.length} UN/UK names of one party (left out: ${cross.counts.identical} identical after folding, ${cross.counts.alias} where the UK's name is a UN alias, ${cross.counts.doubtful} doubtful links), ${rerendered.positives.length} persons' names re-rendered between versions (OFAC, UN; ${rerendered.promoted} promoted aliases left out)`,
  );
  const hardCount = negative.pairs.filter((p) => p.origin.endsWith('sharing a word')).length;
  console.log(
    `  non-matches: ${negative.pairs.length} (${hardCount} sharing a word of 4+ letters with the match, ${negative.pairs.length - hardCount} at random; ${negative.sameName} draws of a record with the very same name skipped)`,
  );
  report('evaluation set (publisher-labelled variants), names alone', set);
  byComponent(set);
  report("the same pairs with the publishers' countries on both sides", setWithCountries);
  byComponent(setWithCountries);
  report('hand-labelled hard cases (tests/fixtures/match/hard-cases.csv)', hand);
  report('evaluation set + hand cases', [...set, ...hand]);
  for (const { pair, score } of hand.filter(({ pair, score }) => score >= DEFAULT_THRESHOLD !== pair.match))
    console.log(
      `  hand case wrong: ${pair.a} | ${pair.b} (${pair.schema ?? ''}) expected ${pair.match}, scored ${score.toFixed(3)}`,
    );
  const limit = Number(process.env.BENCH_SHOW_ERRORS ?? 0);
  if (limit) showErrors('set', set, limit);

  await aliasCategories();
  const previous = await previousAliasSet(next);
  report(
    'previous evaluation: every SDN alias ~ its primary name a match (4,000 drawn), shared-word and random non-matches',
    previous,
    [DEFAULT_THRESHOLD],
  );
  if (limit)
    showErrors(
      'previous evaluation',
      previous.filter((s) => !s.pair.match),
      limit,
    );

  const setMatches = set.filter((s) => s.pair.match).length;
  summary.rows.push([
    `evaluation set: ${set.length.toLocaleString('en-US')} publisher-labelled pairs (${setMatches} matches)`,
    prf(quality(set, DEFAULT_THRESHOLD)),
  ]);
  summary.rows.push([
    "… the same pairs with the publishers' countries on both sides",
    prf(quality(setWithCountries, DEFAULT_THRESHOLD)),
  ]);
  summary.rows.push([`hand-labelled hard cases: ${hand.length} pairs`, prf(quality(hand, DEFAULT_THRESHOLD))]);
  summary.rows.push([
    'every SDN alias a match (previous evaluation; aliases are mostly other names)',
    prf(quality(previous, DEFAULT_THRESHOLD)),
  ]);
}

const TYPO_LETTERS = 'aeiourstnl';

function perturb(name: string, next: () => number): string {
  const tokens = name.split(/\s+/).filter(Boolean);
  const choice = next();
  if (choice < 0.2 && tokens.length >= 2) return [...tokens.slice(1), tokens[0]!].join(' ');
  if (choice < 0.45) {
    const i = Math.floor(next() * tokens.length);
    const word = tokens[i]!;
    if (word.length >= 5) {
      const at = 1 + Math.floor(next() * (word.length - 2));
      tokens[i] = word.slice(0, at) + TYPO_LETTERS[Math.floor(next() * TYPO_LETTERS.length)] + word.slice(at + 1);
    }
    return tokens.join(' ');
  }
  if (choice < 0.6 && tokens.length >= 3) return [`${tokens[0]![0]}.`, ...tokens.slice(1)].join(' ');
  if (choice < 0.75) return name.toUpperCase();
  if (choice < 0.85)
    return tokens.filter((t) => !/^(ltd|llc|limited|co|inc|corp|jsc|ooo|company)\.?,?$/i.test(t)).join(' ') || name;
  return name;
}

function watchlist(records: RegisterRecord[], size: number, next: () => number): NameToScreen[] {
  const names = records.flatMap((r) => [r.name, ...r.aliases]);
  return Array.from({ length: size }, () => ({ name: perturb(names[Math.floor(next() * names.length)]!, next) }));
}

const hitKey = (hit: ScreeningHit): string => `${hit.recordId}\u0000${hit.watchlistIndex}`;

function timed<T>(work: () => T): { result: T; ms: number } {
  const start = performance.now();
  const result = work();
  return { result, ms: performance.now() - start };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

function speed(label: string, list: NameToScreen[], records: RegisterRecord[], bruteSlice: number): void {
  const names = records.reduce((sum, r) => sum + 1 + r.aliases.length, 0);
  const indexed = timed(() => screen(list, records));
  const slice = list.slice(0, bruteSlice);
  const brute = timed(() => screenAllPairs(slice, records));
  const indexedSlice = indexed.result.filter((hit) => hit.watchlistIndex < bruteSlice);
  const found = new Map(indexedSlice.map((hit) => [hitKey(hit), hit.score]));
  const missed = brute.result.filter((hit) => !found.has(hitKey(hit)));
  const sameScores =
    brute.result.every((hit) => !found.has(hitKey(hit)) || found.get(hitKey(hit)) === hit.score) &&
    indexedSlice.length === brute.result.length - missed.length;
  const extrapolated = slice.length < list.length;
  const bruteFull = (brute.ms * list.length) / slice.length;
  const pairs = list.length * names;
  console.log(
    `\n${label}: ${list.length.toLocaleString('en-US')} watchlist names × ${records.length.toLocaleString('en-US')} records (${names.toLocaleString('en-US')} names, ${(pairs / 1e6).toFixed(0)} million pairs)`,
  );
  console.log(`  indexed      ${seconds(indexed.ms)}  (${indexed.result.length} hits at ${DEFAULT_THRESHOLD})`);
  console.log(
    `  brute force  ${seconds(bruteFull)}${extrapolated ? `  (extrapolated from the first ${slice.length.toLocaleString('en-US')} watchlist names: ${seconds(brute.ms)})` : '  (every pair scored)'}  → index ${(bruteFull / indexed.ms).toFixed(0)}× faster`,
  );
  console.log(
    `  recall lost to blocking: ${missed.length} of ${brute.result.length} brute-force hits (${brute.result.length ? ((100 * missed.length) / brute.result.length).toFixed(2) : '0.00'} %)${extrapolated ? ` on those ${slice.length.toLocaleString('en-US')} names` : ''}; the same hits with the same scores otherwise: ${sameScores ? 'yes' : 'no'}`,
  );
  for (const hit of missed.slice(0, 3))
    console.log(`    missed: ${hit.watchlistName} ~ ${hit.recordName} (${hit.score.toFixed(2)})`);
  summary.rows.push([
    `${list.length.toLocaleString('en-US')} watchlist names × ${label} (${names.toLocaleString('en-US')} names)`,
    `indexed **${seconds(indexed.ms)}**; brute force ${extrapolated ? `~${seconds(bruteFull)} (extrapolated from ${slice.length.toLocaleString('en-US')} names)` : seconds(bruteFull)}; hits lost to blocking **${missed.length} of ${brute.result.length}**`,
  ]);
}

async function speedSection(): Promise<void> {
  const records = await load('us-ofac-sdn', SDN_LEGACY);
  const next = random(20260708);
  console.log(
    `\nSpeed on the OFAC SDN legacy CSV 2021-07-07: ${records.length} records, ${records.reduce((s, r) => s + r.aliases.length, 0)} aliases`,
  );
  const list = watchlist(records, 10_000, next);
  const sample = records
    .map((r) => ({ r, k: next() }))
    .sort((x, y) => x.k - y.k)
    .slice(0, 1000)
    .map((x) => x.r);
  speed('1,000 records', list, sample, list.length);
  speed('the full SDN list', list, records, 500);
}

if (PART !== 'speed') await qualitySection();
if (PART !== 'quality') await speedSection();
console.log(`\nName matching at the default threshold ${DEFAULT_THRESHOLD}:\n| measurement | result |\n|---|---|`);
for (const [label, value] of summary.rows) console.log(`| ${label} | ${value} |`);
