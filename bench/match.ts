/**
 * `npx tsx bench/match.ts`: quality and speed of name matching (functions/match/).
 *
 * Quality: precision, recall and F1 at DEFAULT_THRESHOLD (and a few thresholds around it) on
 *  - pairs built at run time from OFAC's SDN list (legacy CSV set under TRADEWATCH_FIXTURES, default
 *    ../shared/fixtures): an alias and the primary name of one record are a match; names of two
 *    records are not, half of them chosen to share a word with each other (hard non-matches);
 *  - the hand-labelled pairs of tests/fixtures/match/hard-cases.csv.
 * Speed: a 10,000-name watchlist made of real names with perturbations (typos, swapped words, dropped
 * legal forms, initials) screened against 1,000 records and against the full list, through the index
 * and by brute force, with the hits the index misses (recall lost to blocking). The full-list brute
 * force is timed on a slice of the watchlist and extrapolated; the output says so.
 * Nothing read from the real files is written anywhere.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { collectRecords } from '../functions/sources/document.ts';
import { findSource } from '../functions/sources/registry.ts';
import { inputFromPath } from '../functions/run.ts';
import type { RecordKind, RegisterRecord } from '../functions/records.ts';
import { DEFAULT_THRESHOLD, prepareName, scorePrepared, scoreNames } from '../functions/match/score.ts';
import { screen, screenAllPairs, type ScreeningHit, type WatchlistEntry } from '../functions/match/index.ts';
import { parseNamePairs } from '../functions/match/score-csv.ts';
import { REAL_FIXTURES_DIR } from '../tests/real-fixtures.ts';

const SDN_CSV = join(REAL_FIXTURES_DIR, 'ofac-sdn', 'legacy-csv-set.2021-07-07', 'sdn.csv');
const HAND_CASES = new URL('../tests/fixtures/match/hard-cases.csv', import.meta.url);
const MAX_POSITIVES = 4000;

/** Deterministic pseudo-random numbers (mulberry32), so every run measures the same sets. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface LabelledPair {
  a: string;
  b: string;
  kindA?: RecordKind;
  kindB?: RecordKind;
  schema?: string;
  match: boolean;
  origin: string;
}

async function loadSdn(): Promise<RegisterRecord[]> {
  const source = findSource('us-ofac-sdn');
  if (!source) throw new Error('bench: source us-ofac-sdn is not registered');
  const { input } = await inputFromPath(source, SDN_CSV);
  return collectRecords(source, input, { sourceId: source.id, warn: () => undefined });
}

function words(name: string): string[] {
  return prepareName(name).tokens.filter((t) => t.kind === 'name' && t.text.length >= 3).map((t) => t.text);
}

function realPairs(records: RegisterRecord[], next: () => number): LabelledPair[] {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const positives: LabelledPair[] = [];
  for (const record of records) {
    for (const alias of record.aliases) positives.push({ a: alias, b: record.name, kindA: record.kind, kindB: record.kind, match: true, origin: 'alias' });
  }
  const chosen = positives.length > MAX_POSITIVES ? positives.map((p) => ({ p, k: next() })).sort((x, y) => x.k - y.k).slice(0, MAX_POSITIVES).map((x) => x.p) : positives;
  // Hard non-matches: two records of the same kind sharing a word of their primary names.
  const byWord = new Map<string, RegisterRecord[]>();
  for (const record of records) for (const word of new Set(words(record.name))) byWord.set(word, [...(byWord.get(word) ?? []), record]);
  const shared = [...byWord.values()].filter((list) => list.length >= 2);
  const negatives: LabelledPair[] = [];
  for (let attempts = 0; negatives.length < chosen.length && attempts < chosen.length * 20; attempts++) {
    const group = pick(shared);
    const [x, y] = [pick(group), pick(group)];
    if (x.id === y.id || x.kind !== y.kind) continue;
    negatives.push({ a: pick([x.name, ...x.aliases]), b: y.name, kindA: x.kind, kindB: y.kind, match: false, origin: 'shared word' });
  }
  // Ordinary non-matches: two records of the same kind at random.
  for (let attempts = 0; negatives.length < chosen.length * 2 && attempts < chosen.length * 20; attempts++) {
    const [x, y] = [pick(records), pick(records)];
    if (x.id === y.id || x.kind !== y.kind) continue;
    negatives.push({ a: x.name, b: y.name, kindA: x.kind, kindB: y.kind, match: false, origin: 'random' });
  }
  return [...chosen, ...negatives];
}

function handPairs(): LabelledPair[] {
  return parseNamePairs(readFileSync(HAND_CASES, 'utf8')).map((pair) => ({ a: pair.name1, b: pair.name2, ...(pair.schema ? { schema: pair.schema } : {}), match: pair.match ?? false, origin: 'hand' }));
}

function pairScore(pair: LabelledPair): number {
  if (pair.schema !== undefined) return scoreNames(pair.a, pair.b, { schemaA: pair.schema, schemaB: pair.schema }).score;
  return scorePrepared(prepareName(pair.a, pair.kindA), prepareName(pair.b, pair.kindB)).score;
}

function quality(scored: { pair: LabelledPair; score: number }[], threshold: number): { precision: number; recall: number; f1: number; tp: number; fp: number; fn: number } {
  let [tp, fp, fn] = [0, 0, 0];
  for (const { pair, score } of scored) {
    const predicted = score >= threshold;
    if (predicted && pair.match) tp++;
    else if (predicted) fp++;
    else if (pair.match) fn++;
  }
  const precision = tp + fp ? tp / (tp + fp) : 1;
  const recall = tp + fn ? tp / (tp + fn) : 1;
  return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0, tp, fp, fn };
}

const pct = (value: number): string => value.toFixed(3);

function report(label: string, scored: { pair: LabelledPair; score: number }[]): void {
  const positives = scored.filter((s) => s.pair.match).length;
  console.log(`\n${label}: ${scored.length} pairs (${positives} matches, ${scored.length - positives} non-matches)`);
  for (const threshold of [0.7, 0.75, DEFAULT_THRESHOLD, 0.85, 0.9]) {
    const q = quality(scored, threshold);
    console.log(`  threshold ${threshold.toFixed(2)}${threshold === DEFAULT_THRESHOLD ? ' (default)' : '          '}  precision ${pct(q.precision)}  recall ${pct(q.recall)}  F1 ${pct(q.f1)}  (tp ${q.tp}, fp ${q.fp}, fn ${q.fn})`);
  }
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
  if (choice < 0.85) return tokens.filter((t) => !/^(ltd|llc|limited|co|inc|corp|jsc|ooo|company)\.?,?$/i.test(t)).join(' ') || name;
  return name;
}

function watchlist(records: RegisterRecord[], size: number, next: () => number): WatchlistEntry[] {
  const names = records.flatMap((r) => [r.name, ...r.aliases]);
  return Array.from({ length: size }, () => ({ name: perturb(names[Math.floor(next() * names.length)]!, next) }));
}

const hitKey = (hit: ScreeningHit): string => `${hit.recordId}\u0000${hit.watchlistIndex}`;

function timed<T>(work: () => T): { result: T; ms: number } {
  const start = performance.now();
  const result = work();
  return { result, ms: performance.now() - start };
}

function speed(label: string, list: WatchlistEntry[], records: RegisterRecord[], bruteSlice: number): void {
  const names = records.reduce((sum, r) => sum + 1 + r.aliases.length, 0);
  const indexed = timed(() => screen(list, records));
  const slice = list.slice(0, bruteSlice);
  const brute = timed(() => screenAllPairs(slice, records));
  const indexedSlice = indexed.result.filter((hit) => hit.watchlistIndex < bruteSlice);
  const found = new Set(indexedSlice.map(hitKey));
  const missed = brute.result.filter((hit) => !found.has(hitKey(hit)));
  const bruteFull = (brute.ms * list.length) / slice.length;
  console.log(`\n${label}: ${list.length.toLocaleString('en-US')} watchlist names × ${records.length.toLocaleString('en-US')} records (${names.toLocaleString('en-US')} names)`);
  console.log(`  indexed      ${(indexed.ms / 1000).toFixed(2)} s  (${indexed.result.length} hits at ${DEFAULT_THRESHOLD})`);
  console.log(`  brute force  ${(bruteFull / 1000).toFixed(2)} s${slice.length < list.length ? `  (extrapolated from the first ${slice.length.toLocaleString('en-US')} watchlist names: ${(brute.ms / 1000).toFixed(2)} s)` : ''}  → index ${(bruteFull / indexed.ms).toFixed(1)}× faster`);
  console.log(`  recall lost to blocking: ${missed.length} of ${brute.result.length} brute-force hits (${brute.result.length ? ((100 * missed.length) / brute.result.length).toFixed(2) : '0.00'} %) on those ${slice.length.toLocaleString('en-US')} names`);
  for (const hit of missed.slice(0, 3)) console.log(`    missed: ${hit.watchlistName} ~ ${hit.recordName} (${hit.score.toFixed(2)})`);
}

const records = await loadSdn();
const next = random(20260707);
console.log(`OFAC SDN legacy CSV 2021-07-07: ${records.length} records, ${records.reduce((s, r) => s + r.aliases.length, 0)} aliases`);

const real = realPairs(records, next).map((pair) => ({ pair, score: pairScore(pair) }));
const hand = handPairs().map((pair) => ({ pair, score: pairScore(pair) }));
report('SDN pairs (alias ~ primary name; shared-word and random non-matches)', real);
report('hand-labelled hard cases', hand);
report('all', [...real, ...hand]);
for (const { pair, score } of hand.filter(({ pair, score }) => (score >= DEFAULT_THRESHOLD) !== pair.match)) console.log(`  hand case wrong: ${pair.a} | ${pair.b} (${pair.schema ?? ''}) expected ${pair.match}, scored ${score.toFixed(3)}`);
if (process.env.BENCH_SHOW_ERRORS) {
  for (const { pair, score } of real.filter(({ pair, score }) => (score >= DEFAULT_THRESHOLD) !== pair.match).slice(0, Number(process.env.BENCH_SHOW_ERRORS))) console.log(`  ${pair.match ? 'FN' : 'FP'} ${score.toFixed(3)} ${pair.kindA}: ${pair.a} | ${pair.b}`);
}

const list = watchlist(records, 10_000, next);
const sample = records.map((r) => ({ r, k: next() })).sort((x, y) => x.k - y.k).slice(0, 1000).map((x) => x.r);
speed('1,000 records', list, sample, 1000);
speed('full list', list, records, 250);
