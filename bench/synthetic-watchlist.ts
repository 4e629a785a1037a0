/**
 * Synthetic customer bases for the screening benches, deterministic (the same size gives the same
 * file), none of their names meant as a real party.
 *
 * `customerWatchlist` (bench/million.ts): people and organizations as @faker-js/faker writes them in
 * twelve locales (bench/screening-eval-sets.ts, seeded): each locale's own name patterns (middle
 * names, two family names, patronymics, family name first), companies with their legal forms
 * (`GmbH`, `S.A.`, `ООО`, `株式会社`, `有限公司`, `شرکت …`) or as partnerships of family names, people
 * with a birth date, the country of the locale. Its words are distributed as a real customer base's
 * are: a few thousand given and family names per locale, frequent ones frequent, so a listed name
 * shares a word with many entries and all of its words with few.
 *
 * `syntheticWatchlist` (bench/screen.ts): names put together from 15 syllables per script (and, for
 * Chinese and Korean, common family names and given-name characters). Its vocabulary is tiny and
 * flat (42 % of a million entries share a word with 100 SDN records), unlike a customer base's; it
 * is kept so that bench/screen.ts's figures stay comparable with those it published.
 */
import { syntheticParties } from './screening-eval-sets.ts';
import { seededRandom as random } from '../tests/helpers/seeded-random.ts';

interface Script {
  /** Syllables that make a word. */
  syllables: readonly string[];
  /** How a person is written: family and given names in the script's order. */
  person: (family: string, given: string) => string;
  /** Legal forms of the script's countries. */
  legalForms: readonly string[];
  /** How a company is written: its name and its legal form. */
  company: (name: string, legalForm: string) => string;
  countries: readonly string[];
  /** Words two syllables make (Latin, Cyrillic, Arabic) or one character makes (Chinese, Korean). */
  wordLength: readonly number[];
}

const SCRIPTS: readonly Script[] = [
  {
    syllables: ['ka', 'lo', 'mi', 'ren', 'sto', 'vu', 'zan', 'pel', 'dor', 'qui', 'bax', 'tem', 'nor', 'fi', 'gal'],
    person: (family, given) => `${given} ${family}`,
    legalForms: ['GmbH', 'Ltd', 'S.A.', 'B.V.', 'Inc.', 'S.r.l.', 'AB'],
    company: (name, legalForm) => `${name} ${legalForm}`,
    countries: ['DE', 'FR', 'US', 'GB', 'NL', 'IT', 'SE', 'BR', 'ES'],
    wordLength: [2, 3],
  },
  {
    syllables: ['ва', 'ло', 'ми', 'рен', 'сто', 'ку', 'зан', 'пел', 'дор', 'ти', 'бак', 'тем', 'нор', 'фи', 'гал'],
    person: (family, given) => `${family} ${given}`,
    legalForms: ['ООО', 'АО', 'ПАО', 'ТОВ'],
    company: (name, legalForm) => `${legalForm} «${name}»`,
    countries: ['RU', 'UA', 'BY', 'KZ'],
    wordLength: [2, 3],
  },
  {
    syllables: ['كا', 'لو', 'مي', 'رن', 'ستو', 'فو', 'زان', 'بل', 'دور', 'قي', 'باك', 'تم', 'نور', 'في', 'غال'],
    person: (family, given) => `${given} ${family}`,
    legalForms: ['شركة', 'مؤسسة'],
    company: (name, legalForm) => `${legalForm} ${name}`,
    countries: ['AE', 'SA', 'EG', 'JO', 'IR', 'IQ', 'LB'],
    wordLength: [2, 3],
  },
  {
    syllables: [
      '王',
      '李',
      '张',
      '刘',
      '陈',
      '杨',
      '黄',
      '赵',
      '周',
      '吴',
      '伟',
      '芳',
      '娜',
      '敏',
      '静',
      '磊',
      '洋',
      '勇',
      '艳',
      '杰',
    ],
    person: (family, given) => `${family}${given}`,
    legalForms: ['有限公司', '贸易有限公司', '科技有限公司'],
    company: (name, legalForm) => `${name}${legalForm}`,
    countries: ['CN', 'HK', 'TW', 'SG'],
    wordLength: [1, 2],
  },
  {
    syllables: [
      '김',
      '이',
      '박',
      '최',
      '정',
      '강',
      '조',
      '윤',
      '민',
      '서',
      '준',
      '현',
      '지',
      '수',
      '영',
      '호',
      '진',
      '우',
    ],
    person: (family, given) => `${family}${given}`,
    legalForms: ['주식회사', '유한회사'],
    company: (name, legalForm) => `${legalForm} ${name}`,
    countries: ['KR'],
    wordLength: [1, 2],
  },
];

/** One watchlist row as the watchlist file reads it (functions/watchlist/file.ts). */
export interface SyntheticEntry {
  reference: string;
  name: string;
  country: string;
  kind: 'person' | 'organization';
  /** People of `customerWatchlist`: YYYY-MM-DD. */
  birthDate?: string;
}

/** `size` customers by @faker-js/faker (module comment): two people for each organization, the locales in turn. */
export function customerWatchlist(size: number): SyntheticEntry[] {
  const organizations = Math.floor(size / 3);
  const people = syntheticParties('person', size - organizations).parties;
  const companies = syntheticParties('organization', organizations).parties;
  return Array.from({ length: size }, (_, i) => {
    const party = i % 3 === 2 ? companies[(i - 2) / 3]! : people[i - Math.floor((i + 1) / 3)]!;
    const entry: SyntheticEntry = {
      reference: `CUST-${i}`,
      name: party.name,
      country: party.country,
      kind: party.kind,
    };
    if (party.birthDate) entry.birthDate = party.birthDate;
    return entry;
  });
}

const titleCase = (s: string) => s.replace(/^\p{Ll}/u, (c) => c.toUpperCase());

/** `size` invented entries, two people for each company, the scripts in turn. */
export function syntheticWatchlist(size: number, seed = 12): SyntheticEntry[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const word = (script: Script): string => {
    let text = '';
    for (let n = pick(script.wordLength); n > 0; n--) text += pick(script.syllables);
    return titleCase(text);
  };
  return Array.from({ length: size }, (_, i) => {
    const script = SCRIPTS[i % SCRIPTS.length]!;
    const country = pick(script.countries);
    if (i % 3 === 2)
      return {
        reference: `CUST-${i}`,
        name: script.company(word(script), pick(script.legalForms)),
        country,
        kind: 'organization',
      };
    return { reference: `CUST-${i}`, name: script.person(word(script), word(script)), country, kind: 'person' };
  });
}

/** The entries as a watchlist CSV. */
export function watchlistCsv(entries: readonly SyntheticEntry[]): string {
  const quote = (value: string) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  const rows = entries.map((e) => [e.reference, e.name, e.country, e.kind, e.birthDate ?? ''].map(quote).join(','));
  return ['reference,name,country,kind,birthDate', ...rows].join('\n') + '\n';
}
