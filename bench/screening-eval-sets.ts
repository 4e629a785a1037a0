/**
 * The sets of bench/screening-eval.ts, built at bench time and never written anywhere: synthetic
 * counterparties (@faker-js/faker, twelve locales, seeded) and the perturbations of listed names.
 * Pure (no files read), so that tests/unit/screening-eval.test.ts checks them without fixtures.
 */
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
import { seededRandom as random } from '../tests/helpers/seeded-random.ts';

export { random };

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
export const SEED = 12;

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
  ['S.A. DE C.V.', 'SA de CV', 'S.A. de C.V.', 'Sociedad Anónima de Capital Variable'],
  ['S.A.', 'SA', 'S. A.'],
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

export const ARABIC_SCRIPT = /\p{Script=Arabic}/u;
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
): { name: string; fromAlias?: string; variant?: string } | undefined {
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
      // An organization's name in another script is a translation (an armed group's Arabic name
      // translates its English one), which no name matcher undoes: people only.
      if (!person) return undefined;
      // Only a name wholly in another script: the UN's aliases such as `Jin Tiesan (金铁三)` are other names.
      const aliases = record.aliases.filter((alias) => NON_LATIN.test(alias) && !/\p{Script=Latin}/u.test(alias));
      if (!aliases.length) return undefined;
      const alias = pick(aliases, rng);
      // any-ascii writes Arabic script without its vowels (`محمد` → `mhmd`), as no customer file
      // does: such a name is screened as written, for the matcher to romanize.
      if (ARABIC_SCRIPT.test(alias)) return { name: alias, fromAlias: alias, variant: 'Arabic script as written' };
      const name = transliteration(alias);
      return name ? { name, fromAlias: alias, variant: 'any-ascii' } : undefined;
    }
    case 'case and punctuation':
      name = casePunctuation(record.name, rng);
      break;
  }
  return name && name !== record.name ? { name } : undefined;
}
