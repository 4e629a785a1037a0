/**
 * Entity List destinations and names normalized, and the key that matches an entity read from a
 * Federal Register rule (an early warning) to its entry on the CSL's Entity List.
 */
import { type RegisterRecord, cleanText } from '../../core/records.ts';
import { countryCode } from '../../core/countries.ts';
// ---------------------------------------------------------------------------------------------
// Countries, names and the matching key

/** Entity List destination headings that countryCode() does not read. */
const DESTINATION_SPELLINGS: Readonly<Record<string, string>> = {
  "china, people's republic of": 'CN',
  "people's republic of china": 'CN',
  'p.r. china': 'CN',
  prc: 'CN',
  'crimea region of ukraine': 'UA',
  "korea, democratic people's republic of": 'KP',
};

/** ISO alpha-2 for a destination as the Entity List writes it ("CHINA, PEOPLE'S REPUBLIC OF"). */
export function entityListCountryCode(destination: string): string | undefined {
  const text = cleanText(destination).replace(/[’‘`]/g, "'").replace(/\.$/, '');
  if (!text) return undefined;
  return countryCode(text) ?? DESTINATION_SPELLINGS[text.toLowerCase()];
}

/**
 * The name key used for ids and for matching Federal Register entities to the CSL's Entity List
 * records. Transparent on purpose, so a reader can predict what matches:
 *   1. Unicode NFKD, combining accents dropped ("Société" → "societe"), lower case;
 *   2. apostrophes dropped ("Electronic's" → "electronics"), "&" read as "and";
 *   3. every run of anything but letters and digits becomes one space, ends trimmed.
 * Nothing else: legal forms stay ("co ltd" ≠ "co"), word order stays, no fuzzy matching, so a
 * match is always the same name written with different punctuation, case or accents.
 */
export function normalizeEntityName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’‘`´]/g, '')
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Country codes that the Entity List and the CSL use for one another: since 2020 BIS lists Hong
 * Kong and Macau entries under China, while the CSL gives the address country (HK, MO).
 */
const MATCH_COUNTRY: Readonly<Record<string, string>> = { HK: 'CN', MO: 'CN' };

/** The matching key of a name under a country: `CN|spacety co ltd`. */
export function entityListMatchKey(name: string, country: string): string {
  const code = country.toUpperCase();
  return `${MATCH_COUNTRY[code] ?? code}|${normalizeEntityName(name)}`;
}

// ---------------------------------------------------------------------------------------------
// Matching early warnings to the CSL's Entity List

export interface EntityListMatch {
  /** The entity read from the Federal Register rule. */
  readonly entity: RegisterRecord;
  /** The CSL Entity List record it matches. */
  readonly record: RegisterRecord;
  /** `name`: the two names are the same; `alias`: an alias of one is the name or an alias of the other. */
  readonly on: 'name' | 'alias';
  /** The matching key that met: `CA|cpunto inc`. */
  readonly key: string;
}

interface IndexedName {
  readonly record: RegisterRecord;
  readonly isName: boolean;
}

/** CSL Entity List records by matching key (every name and alias under every country of the record). */
export interface EntityListIndex {
  readonly byKey: ReadonlyMap<string, readonly IndexedName[]>;
  readonly size: number;
}

/** Country of a record without any, in the index: such records match on the name alone. */
const ANY_COUNTRY = '*';

/**
 * Indexes the records of a list (by default the CSL's "Entity List") for matchEntityListRecords.
 * Pass the records of the us-trade-csl source; records of other lists are skipped.
 */
export function indexEntityListRecords(
  records: Iterable<RegisterRecord>,
  options: { list?: string } = {},
): EntityListIndex {
  const list = options.list ?? 'Entity List';
  const byKey = new Map<string, IndexedName[]>();
  let size = 0;
  for (const record of records) {
    if (record.list !== list) continue;
    size++;
    const countries = record.countries.length ? record.countries : [ANY_COUNTRY];
    const names = [record.name, ...record.aliases];
    names.forEach((name, i) => {
      if (!normalizeEntityName(name)) return;
      for (const country of countries) {
        const key = entityListMatchKey(name, country);
        const bucket = byKey.get(key);
        const item = { record, isName: i === 0 };
        if (bucket) bucket.push(item);
        else byKey.set(key, [item]);
      }
    });
  }
  return { byKey, size };
}

/**
 * The CSL Entity List records each Federal Register entity matches: same normalized name (or
 * alias, either side) under a shared country (HK and MO count as CN; a CSL record without a
 * country matches on the name alone). One match per pair, the name-to-name one when there are
 * both. An addition that matches nothing is not on the CSL yet; a removal that matches nothing was
 * never there under that name.
 */
export function matchEntityListRecords(entities: Iterable<RegisterRecord>, index: EntityListIndex): EntityListMatch[] {
  const matches: EntityListMatch[] = [];
  for (const entity of entities) {
    const found = new Map<string, EntityListMatch>();
    const names = [entity.name, ...entity.aliases];
    const countries = [...entity.countries, ANY_COUNTRY];
    names.forEach((name, i) => {
      for (const country of countries) {
        const key = entityListMatchKey(name, country);
        for (const hit of index.byKey.get(key) ?? []) {
          const on = i === 0 && hit.isName ? 'name' : 'alias';
          const previous = found.get(hit.record.id);
          if (!previous || (previous.on === 'alias' && on === 'name'))
            found.set(hit.record.id, { entity, record: hit.record, on, key });
        }
      }
    });
    matches.push(...found.values());
  }
  return matches;
}
