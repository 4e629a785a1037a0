/**
 * The SHTC entity list CSV (tw-shtc-entity-list.ts says what is odd about the data): one row per
 * entity, bilingual headers (項次item, 名稱name, 別名alias, 國家代碼country code, 地址address,
 * 護照號碼ID Number), UTF-8 with a BOM.
 */
import { createHash } from 'node:crypto';
import { countryCode } from '../../core/countries.ts';
import { SourceFormatError } from '../../core/errors.ts';
import type { RecordKind, RegisterRecord } from '../../core/records.ts';
import { clean } from '../helpers.ts';
import { readDelimitedRows } from '../read/delimited-text.ts';
import type { ParseContext, ParseInput, SourceFormat } from '../types.ts';

export const TW_SHTC_ID = 'tw-shtc-entity-list';
export const TW_SHTC_LIST = 'SHTC Entity List';

type Column = 'item' | 'name' | 'alias' | 'countryCode' | 'address' | 'idNumber';
/**
 * Each column by the English half of its header, folded (lower case, no spaces or underscores):
 * "國家代碼country code", "國家代碼country_code" and "國家代碼 Country Code" are one column.
 */
const COLUMNS: Readonly<Record<string, Column>> = {
  item: 'item',
  name: 'name',
  alias: 'alias',
  countrycode: 'countryCode',
  address: 'address',
  idnumber: 'idNumber',
};
const REQUIRED: readonly Column[] = ['item', 'name', 'alias', 'address'];

function headerColumn(cell: string): Column | undefined {
  const english = cell
    .replace(/^\ufeff/, '')
    .replace(/[^\x20-\x7e]/g, '')
    .toLowerCase()
    .replace(/[\s_]+/g, '');
  return COLUMNS[english];
}

/** "NAME（永久參考號：KPe.001）" or with ASCII parentheses and colon: the name and the UN reference. */
const UN_REFERENCE = /^(?<name>.+?)\s*[（(]\s*(?:聯合國)?永久參考號\s*[：:]\s*(?<ref>[^）)]+?)\s*[）)]\s*$/;
/** Separators of the address cell: "Branch Office 3:", "iv)", ";". */
const ADDRESS_SPLIT = /\s*(?:Branch Office \d+\s*:|\b(?:viii|vii|vi|iv|v|iii|ii|i)\)|;)\s*/i;

export function splitName(cell: string): { name: string; unReference?: string } {
  const text = clean(cell);
  const match = UN_REFERENCE.exec(text);
  return match ? { name: clean(match.groups!.name), unReference: clean(match.groups!.ref) } : { name: text };
}

export function splitAddresses(cell: string): { addresses: string[]; countries: string[] } {
  const addresses: string[] = [];
  const countries: string[] = [];
  for (const part of cell.split(ADDRESS_SPLIT).map((p) => clean(p).replace(/^[,.]+|[,]+$/g, ''))) {
    if (!part) continue;
    // Some revisions put the country code among the addresses: "…, Shenzhen; CN".
    if (/^[A-Z]{2}$/.test(part) && countryCode(part)) countries.push(part);
    else addresses.push(part);
  }
  return { addresses, countries };
}

/** Names folded for the id: NFKC, lower case, every run of anything but letters and digits one "-". */
function fold(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
}

interface Entry {
  readonly row: number;
  readonly item: string;
  readonly name: string;
  readonly unReference?: string;
  readonly aliases: string[];
  readonly countries: string[];
  readonly addresses: string[];
  readonly idNumbers: string[];
}

function kindOf(unReference: string | undefined): RecordKind {
  // UN permanent references name the kind: KPi.001 an individual, KPe.001 an entity.
  const letter = unReference ? /^[A-Z]{2}([ie])\./i.exec(unReference)?.[1]?.toLowerCase() : undefined;
  return letter === 'i' ? 'person' : letter === 'e' ? 'organization' : 'other';
}

async function* parseShtcCsv(input: ParseInput, context: ParseContext): AsyncGenerator<RegisterRecord> {
  const fileName = input.main.name;
  const fail = (reason: string): SourceFormatError => new SourceFormatError(context.sourceId, `${fileName}: ${reason}`);
  let at: Map<Column, number> | undefined;
  let width = 0;
  let rowNumber = 1;
  const entries: Entry[] = [];
  for await (const cells of readDelimitedRows(input.main, {
    sourceId: context.sourceId,
    delimiter: ',',
    ending: 'line-end',
  })) {
    if (!at) {
      at = new Map();
      const unknown: string[] = [];
      cells.forEach((cell, index) => {
        const column = headerColumn(cell);
        if (column && !at!.has(column)) at!.set(column, index);
        else if (clean(cell)) unknown.push(clean(cell));
      });
      const missing = REQUIRED.filter((c) => !at!.has(c));
      if (missing.length > 0) throw fail(`unknown layout: the header lacks ${missing.join(', ')}`);
      if (unknown.length > 0) context.warn(`columns not read: ${unknown.join(', ')}`);
      width = cells.length;
      continue;
    }
    rowNumber++;
    if (cells.length !== width)
      throw fail(`truncated or malformed: row ${rowNumber} has ${cells.length} cells, the header ${width}`);
    const columns = at;
    const cell = (column: Column): string => {
      const index = columns.get(column);
      return index === undefined ? '' : (cells[index] ?? '');
    };
    const { name, unReference } = splitName(cell('name'));
    const aliases = cell('alias')
      .split(/[;；]/)
      .map((a) => clean(a))
      .filter((a) => a && a !== name);
    if (!name && aliases.length === 0) continue;
    if (!name) {
      context.warn(`row ${rowNumber} (item ${clean(cell('item'))}) has aliases but no name: skipped`);
      continue;
    }
    const { addresses, countries: addressCountries } = splitAddresses(cell('address'));
    const countries = [
      ...cell('countryCode')
        .split(/[;,]/)
        .map((c) => clean(c).toUpperCase())
        .filter((c) => /^[A-Z]{2}$/.test(c)),
      ...addressCountries,
    ];
    entries.push({
      row: rowNumber,
      item: clean(cell('item')),
      name,
      ...(unReference ? { unReference } : {}),
      aliases,
      countries: [...new Set(countries)],
      addresses,
      idNumbers: cell('idNumber')
        .split(/[;；]/)
        .map((v) => clean(v))
        .filter(Boolean),
    });
  }
  if (!at) throw fail('no header row');

  // The id is the folded name; entries that share one (the same name listed twice, with other
  // aliases) are told apart by a hash of their folded aliases.
  const byName = new Map<string, number>();
  for (const entry of entries) byName.set(fold(entry.name), (byName.get(fold(entry.name)) ?? 0) + 1);
  for (const entry of entries) {
    const key = fold(entry.name);
    const aliasHash = createHash('sha256').update(entry.aliases.map(fold).sort().join('|')).digest('hex').slice(0, 8);
    const id = byName.get(key)! > 1 ? `${key}~${aliasHash}` : key;
    const extra: RegisterRecord['extra'] = { item: entry.item };
    if (entry.unReference) extra.unReference = entry.unReference;
    if (entry.idNumbers.length) extra.idNumbers = entry.idNumbers;
    yield {
      id,
      source: TW_SHTC_ID,
      list: TW_SHTC_LIST,
      kind: kindOf(entry.unReference),
      name: entry.name,
      aliases: entry.aliases,
      countries: entry.countries,
      addresses: entry.addresses,
      programs: [TW_SHTC_LIST],
      links: [],
      extra,
    };
  }
}

/** The first header cell, as the head decodes it (latin1 bytes of UTF-8 "項次"; the BOM is stripped). */
const ITEM_HEADER = Buffer.from('項次', 'utf8').toString('latin1');

export const shtcCsvFormat: SourceFormat = {
  id: 'tw-shtc-csv',
  description:
    'SHTC entity list CSV (項次item, 名稱name, 別名alias, 國家代碼country code, 地址address, 護照號碼ID Number; UTF-8 with a BOM)',
  sniff: (head) => head.replace(/^"/, '').startsWith(ITEM_HEADER),
  parse: parseShtcCsv,
};
