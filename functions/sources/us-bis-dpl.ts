/**
 * BIS Denied Persons List (DPL): people and companies whose US export privileges are denied by
 * an order of the Bureau of Industry and Security.
 *
 * What is odd about this publisher's data:
 * - dpl.txt is tab-separated with every cell (the header too) in double quotes, one row per
 *   denied party per address, LF line ends, and no newline after the last row in some years
 *   (2019). Every file seen is plain ASCII; the bytes are read as UTF-8 when valid and as
 *   windows-1252 otherwise.
 * - There is no id column. The record id is derived from who is denied where: name, street and
 *   city, each trimmed, whitespace collapsed and upper-cased, hashed (SHA-256, first 16 hex
 *   digits; streets run to 150 characters). SOURCES.md keys the files by name, street, city and
 *   effective date; the effective date is left out of the id on purpose, because BIS rewrites it
 *   when a temporary denial order is renewed (a renewal of "AIR FREIGHT LTD" moves its four rows to
 *   10/31/2023) or corrected ("EFFECTIVE & EXPIRATION DATE CORRECTED"). With the date in the id,
 *   each renewal reads as a delisting plus a new listing (54 rows from 2019 to 2022, 67 from 2022 to
 *   2023); without it, it is a modification of the same denial, which is what happened. The
 *   three-cell key is exactly as unique as the four-cell one in every file seen (543, 579 and 663
 *   keys for 546, 581 and 665 rows). A new address is a new row in the file and a new record here;
 *   a corrected state, country, postal code, date, citation or action keeps the id.
 * - The file repeats a few rows verbatim (2019: 3 rows twice; 2022 and 2023: 2 rows twice). Those
 *   rows get the same id on purpose, and the diff reports them as duplicate ids (not conflicting:
 *   the content is identical), keeping one. Numbering the copies apart would invent records that a
 *   later clean-up of the file would then report as delisted. Two different rows with the same key
 *   (two orders against one party at one address) would be reported as a conflicting duplicate,
 *   never merged silently.
 * - Dates are m/d/yyyy (Effective_Date, Expiration_Date) and yyyy-mm-dd (Last_Update), typed by
 *   hand: Last_Update holds years 3017, 3033, 2922, 1023 and 0222. Every date is kept in `extra` as
 *   written; `listedOn` is the effective date only when it is a real calendar date in 1950-2100
 *   (a fixed window: a record must not change with the day it is parsed). A bad effective date is
 *   warned about, never fatal.
 * - Country is an ISO code, but empty for most US parties (289 of 665 rows in 2023), whose state
 *   sits in State; Cyprus was once written in State ("CY") and moved to Country in 2023. `countries`
 *   is the Country cell, or US when Country is empty, State is a US state or territory code and
 *   the postal code is a five-digit (or ZIP+4) ZIP code. Four-digit "ZIP codes" (a leading zero lost
 *   to a spreadsheet, e.g. NJ 7032) get no country rather than a guess.
 * - The list mixes people and companies without saying which, so kind is `other` (as in the CSL).
 *   Names are upper case, sometimes with a stray leading space; "X A/K/A Y" and "X D/B/A Y" are split
 *   into a name and an alias, the parenthesised form "(A.K.A. …)" is left as written.
 * - Orders run up to 50 years: an expiration date of 2056 is the order's term, not an error.
 * - Since 2025 the list lives on bis.gov: www.bis.doc.gov forwards there, dpl.txt answers with the
 *   site's HTML, and the DPL page links an export as CSV under a dated name that changes with every
 *   update (`media.bis.gov/sites/default/files/dpl_04142026.csv`). The live poll finds that link on
 *   the page (`discover`) and reads the CSV (functions/sources/formats/bis-dpl-csv.ts has its
 *   layout): name and address in one cell, the effective and expiration dates, the citations and a
 *   type of denial; Standard_Order, Last_Update and Action are gone. dpl.txt is still read, to
 *   replay history; the header tells the two apart.
 * - The switch keeps the records as they were, as far as the export allows. The id comes from the
 *   name, street and city split back out of the one cell: of the 451 rows of dpl.txt (November
 *   2023) that reappear in the April 2026 export, 443 get the id dpl.txt gave them; the other eight
 *   (a name written "SURNAME, GIVEN NAME", seven cities with a region after a comma) read once as a
 *   removal plus an addition. The export drops the leading zeros of most dates, which are put back
 *   (`6/19/2003` → `06/19/2003`; only the zeros: a year 3017 stays 3017, anything that is not
 *   m/d/yyyy is kept as written). A type of denial Standard / Non-Standard is Standard_Order Y / N
 *   (the same three Non-Standard parties in both files); the citations are FR_Citation. The export
 *   writes Country "US" for the US parties (377 of the 379 rows with a State in April 2026), where
 *   dpl.txt mostly left it empty (288 of 411 in 2023): `countries` says US either way, and the
 *   address of a party in a US state leaves the country out, as most dpl.txt rows did. Last_Update
 *   and Action, which the export lacks, are quiet fields: a record that only loses them is stored,
 *   not alerted. Measured from dpl.txt of 2023-11-28 to the export of 2026-04-14, the switch alerts
 *   110 additions, 211 removals and 142 modifications (310 more records only lose Last_Update and
 *   Action); beyond the real changes of those two and a half years, that is the eight split
 *   differences, 71 US addresses that dpl.txt wrote with "US" (they lose ", US") and one party that
 *   gains the country US (dpl.txt had no country and no five-digit ZIP code for it).
 * - Those 211 removals are more than maxDropFraction allows, so that version would be held as a
 *   broken download (a source-health event, nothing alerted). An operator who has checked the DPL
 *   page passes it once with `npx tradewatch poll --source us-bis-dpl --accept-drop` (or
 *   `acceptDrop: true` in the poll function's event); a deployment whose last stored dpl.txt is
 *   more recent sees fewer real removals and may pass the guard unaided.
 */
import { createHash } from 'node:crypto';
import { countryCode } from '../core/countries.ts';
import { SourceFormatError } from '../core/errors.ts';
import type { ExtraFields, RegisterRecord } from '../core/records.ts';
import { readDelimitedRows } from './read/delimited-text.ts';
import { readDplCsv, sniffDplCsv, type DplCsvRow } from './formats/bis-dpl-csv.ts';
import type { ParseContext, ParseInput, RegisterSource, SourceFormat } from './types.ts';
import { clean, headerColumns } from './helpers.ts';

export const US_BIS_DPL_ID = 'us-bis-dpl';

/** The twelve columns of dpl.txt, in the publisher's order. */
export const DPL_COLUMNS = [
  'Name',
  'Street_Address',
  'City',
  'State',
  'Country',
  'Postal_Code',
  'Effective_Date',
  'Expiration_Date',
  'Standard_Order',
  'Last_Update',
  'Action',
  'FR_Citation',
] as const;

export type DplColumn = (typeof DPL_COLUMNS)[number];
export type DplRow = Record<DplColumn, string>;

/** US states, DC and the inhabited territories, as BIS writes them in State. */
const US_STATES: ReadonlySet<string> = new Set(
  'AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR GU VI AS MP'.split(
    ' ',
  ),
);
const US_ZIP = /^\d{5}(?:-\d{4})?$/;
const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const ALIAS_SEPARATOR = /\s+(?:A\/K\/A|D\/B\/A|F\/K\/A)\s+/;
/** A fixed window, so that a record never depends on the day it is parsed. */
const PLAUSIBLE_YEARS = { from: 1950, to: 2100 } as const;

/**
 * The record id of a row: SHA-256 of name, street and city as written (trimmed, whitespace
 * collapsed, upper-cased), first 16 hex digits. The effective date is not part of it: a renewed
 * or corrected order is the same denial.
 */
export function dplRecordId(row: Pick<DplRow, 'Name' | 'Street_Address' | 'City'>): string {
  const key = [row.Name, row.Street_Address, row.City].map((cell) => clean(cell).toUpperCase()).join('\t');
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/** `m/d/yyyy` → `yyyy-mm-dd` when it is a real calendar date inside the plausible years; else undefined. */
export function plausibleUsDate(value: string): string | undefined {
  const match = US_DATE.exec(value);
  if (!match) return undefined;
  const [month, day, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < PLAUSIBLE_YEARS.from || year > PLAUSIBLE_YEARS.to) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return `${String(year)}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The country of a row: the Country cell, or US for a US state with a ZIP code. */
function rowCountries(row: DplRow): string[] {
  const country = clean(row.Country);
  if (country) {
    const code = countryCode(country);
    return code ? [code] : [];
  }
  const state = clean(row.State).toUpperCase();
  return US_STATES.has(state) && US_ZIP.test(clean(row.Postal_Code)) ? ['US'] : [];
}

/** Single cells copied to `extra` as written, under these keys, when not empty. */
const EXTRA_CELLS: readonly (readonly [string, DplColumn])[] = [
  ['effectiveDate', 'Effective_Date'],
  ['expirationDate', 'Expiration_Date'],
  ['standardOrder', 'Standard_Order'],
  ['lastUpdate', 'Last_Update'],
  ['action', 'Action'],
  ['frCitation', 'FR_Citation'],
];

export interface DplRowOptions {
  /**
   * Leave Country out of the address when it is US and State is a US state or territory (the
   * CSV export writes US where dpl.txt mostly left Country empty). @default false
   */
  omitUsCountryFromAddress?: boolean;
}

/** Maps one row. Undefined (with a warning) when it has no name. */
export function dplRecordFromRow(
  row: DplRow,
  context: ParseContext,
  where = '',
  options: DplRowOptions = {},
): RegisterRecord | undefined {
  const fullName = clean(row.Name);
  if (!fullName) {
    context.warn(`row ${where}has no Name: skipped (street "${clean(row.Street_Address)}")`);
    return undefined;
  }
  const [name, ...aliases] = fullName
    .split(ALIAS_SEPARATOR)
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  const usParty = clean(row.Country).toUpperCase() === 'US' && US_STATES.has(clean(row.State).toUpperCase());
  const addressCountry = options.omitUsCountryFromAddress && usParty ? '' : row.Country;
  const address = [row.Street_Address, row.City, row.State, row.Postal_Code, addressCountry]
    .map(clean)
    .filter((part) => part.length > 0)
    .join(', ');

  const extra: ExtraFields = {};
  for (const [key, column] of EXTRA_CELLS) {
    const value = clean(row[column]);
    if (value) extra[key] = value;
  }
  const effective = clean(row.Effective_Date);
  const listedOn = plausibleUsDate(effective);
  if (!listedOn)
    context.warn(
      `row ${where}(${fullName}): Effective_Date "${effective}" is not a plausible date; kept as written in extra.effectiveDate, no listedOn`,
    );

  const record: RegisterRecord = {
    id: dplRecordId(row),
    source: US_BIS_DPL_ID,
    list: 'Denied Persons List',
    kind: 'other',
    name: name ?? fullName,
    aliases,
    countries: rowCountries(row),
    addresses: address ? [address] : [],
    programs: [],
    links: [],
    extra,
  };
  if (listedOn) record.listedOn = listedOn;
  return record;
}

async function* parseDplText(input: ParseInput, context: ParseContext): AsyncGenerator<RegisterRecord> {
  const fileName = input.main.name;
  const fail = (reason: string): SourceFormatError => new SourceFormatError(context.sourceId, `${fileName}: ${reason}`);
  let columnIndex: number[] | undefined;
  let width = 0;
  let rowNumber = 0;
  for await (const cells of readDelimitedRows(input.main, {
    sourceId: context.sourceId,
    delimiter: '\t',
    ending: 'line-end-or-quote',
  })) {
    if (!columnIndex) {
      columnIndex = headerColumns(cells, DPL_COLUMNS, context.warn, fail);
      width = cells.length;
      continue;
    }
    rowNumber++;
    if (cells.length !== width)
      throw fail(`truncated or malformed: row ${rowNumber} has ${cells.length} cells, the header ${width}`);
    const row = {} as DplRow;
    DPL_COLUMNS.forEach((column, i) => (row[column] = cells[columnIndex![i]!] ?? ''));
    const record = dplRecordFromRow(row, context, `${rowNumber} `);
    if (record) yield record;
  }
  if (!columnIndex) throw fail('no header row');
}

/** The header line, quoted as BIS writes it or bare. */
const DPL_HEADER = /^"?Name"?\t"?Street_Address"?\t"?City"?\t/;

export const dplTextFormat: SourceFormat = {
  id: 'bis-dpl-txt',
  description: 'BIS Denied Persons List, tab-separated dpl.txt (12 quoted columns: Name, Street_Address … FR_Citation)',
  sniff: (head) => DPL_HEADER.test(head),
  parse: parseDplText,
};

/** `m/d/yyyy` with its leading zeros put back (`6/9/2003` → `06/09/2003`), as dpl.txt wrote it; anything else as written. */
export function padUsDate(value: string): string {
  const match = US_DATE.exec(value.trim());
  return match ? `${match[1]!.padStart(2, '0')}/${match[2]!.padStart(2, '0')}/${match[3]!}` : value;
}

/** The export's Type of Denial as dpl.txt's Standard_Order: Standard → Y, Non-Standard → N, else as written. */
export function standardOrderOf(typeOfDenial: string): string {
  const value = clean(typeOfDenial);
  if (/^standard$/i.test(value)) return 'Y';
  if (/^non[\s-]*standard$/i.test(value)) return 'N';
  return value;
}

/**
 * One row of the bis.gov export as the dpl.txt row it stands for (no Standard_Order text, no
 * Last_Update, no Action), mapped like one. A Name_and_Address cell that is not six parts refuses
 * the file: skipping the row would read as a delisting.
 */
export function dplRecordFromCsvRow(
  row: DplCsvRow,
  context: ParseContext,
  fileName: string,
): RegisterRecord | undefined {
  const { parts, cells, rowNumber } = row;
  if (!parts) {
    throw new SourceFormatError(
      context.sourceId,
      `${fileName}: row ${rowNumber}: Name_and_Address "${clean(cells.nameAndAddress)}" is not the six comma-separated parts (name, street, city, state, country, postal code) this layout joins`,
    );
  }
  const dplRow: DplRow = {
    Name: parts.name,
    Street_Address: parts.street,
    City: parts.city,
    State: parts.state,
    Country: parts.country,
    Postal_Code: parts.postalCode,
    Effective_Date: padUsDate(cells.effectiveDate),
    Expiration_Date: padUsDate(cells.expirationDate),
    Standard_Order: standardOrderOf(cells.typeOfDenial),
    Last_Update: '',
    Action: '',
    FR_Citation: cells.citations,
  };
  return dplRecordFromRow(dplRow, context, `${rowNumber} `, { omitUsCountryFromAddress: true });
}

async function* parseDplCsv(input: ParseInput, context: ParseContext): AsyncGenerator<RegisterRecord> {
  for await (const row of readDplCsv(input.main, context)) {
    const record = dplRecordFromCsvRow(row, context, input.main.name);
    if (record) yield record;
  }
}

export const dplCsvFormat: SourceFormat = {
  id: 'bis-dpl-csv',
  description:
    'BIS Denied Persons List, the bis.gov export as CSV (dpl_MMDDYYYY.csv: Name_and_Address, Effective_Date, Expiration_Date, Appropriate Federal Register Citations, Type of Denial)',
  sniff: (head) => sniffDplCsv(head),
  parse: parseDplCsv,
};

export const usBisDpl: RegisterSource = {
  id: US_BIS_DPL_ID,
  title: 'Denied Persons List',
  publisher: 'Bureau of Industry and Security (US Department of Commerce)',
  jurisdiction: 'US',
  kind: 'register',
  topics: ['entity-list', 'export-controls'],
  downloads: [
    {
      // The DPL page links the current export ("Export as CSV") under a name dated MMDDYYYY that
      // changes with every update, on media.bis.gov. Should several dated links appear, the latest
      // date wins. A `_0`-style suffix (what Drupal, which serves media.bis.gov's /sites/default/
      // files, appends to a second upload under the same name) is accepted; none has been seen. A
      // page without such a link fails the run (a source-health event, nothing stored). The same
      // denials are in the trade.gov CSL (us-trade-csl, list "Denied Persons List").
      url: 'https://www.bis.gov/licensing/end-user-guidance/denied-persons-list-dpl',
      discover: {
        page: 'https://www.bis.gov/licensing/end-user-guidance/denied-persons-list-dpl',
        linkPattern: String.raw`/dpl_(?<date>\d{8})(?:_\d+)?\.csv(?:[?#].*)?$`,
        dateFormat: 'MMDDYYYY',
      },
      format: 'bis-dpl-csv',
      serves:
        'the DPL page, which links the whole Denied Persons List as CSV (dpl_MMDDYYYY.csv, about 110 KB, 550-600 rows, one per party and address; name and address in one cell); no ids',
    },
  ],
  formats: [dplTextFormat, dplCsvFormat],
  // Denial orders take effect on signature and reach the list within days; it changes a few times
  // a month. Each poll fetches the DPL page in full (it also shows the whole list as a table: about
  // 750 KB, a peer reports) and then the CSV; whether media.bis.gov answers If-None-Match with 304
  // could not be checked from here. The content-hash sentinel stops an unchanged file before
  // parsing either way. An operator who finds a page every 5 minutes too heavy sets a slower
  // schedule for the source in the configuration (`sources.us-bis-dpl.schedule`).
  schedule: 'rate(5 minutes)',
  // 546 rows in 2019, 581 in 2022, 665 in 2023 (dpl.txt), 564 in April 2026 (the export). A broken
  // download falls far below 300; more than 2,000 would be another file. BIS removes expired
  // orders in batches (81 denials went between 2022-09 and 2023-11), so one version may
  // legitimately drop a few dozen rows: 15 % (about 100 rows) passes, anything larger waits for a
  // human.
  expectedRecords: { min: 300, max: 2_000, maxDropFraction: 0.15 },
  // dpl.txt's Last_Update and Action are not in the export: a record that only loses them when the
  // source moves to the export is no news (see the top of this file). The price: replaying dpl.txt,
  // a row whose only change is its Last_Update or Action is stored without an alert.
  quietFields: ['extra.lastUpdate', 'extra.action'],
  homepage: 'https://www.bis.gov/licensing/end-user-guidance/denied-persons-list-dpl',
};
