/** OFSI's consolidated list CSV (ConList.csv), closed on 28 January 2026: read for history. */
import { SourceFormatError } from '../../core/errors.ts';
import type { RegisterRecord } from '../../core/records.ts';
import { readDelimitedRows } from '../read/delimited-text.ts';
import type { ParseContext, ParseInput, SourceFormat } from '../types.ts';
import { clean, joinParts } from '../helpers.ts';
import { DesignationDraft, OFSI_CONSOLIDATED_LIST_NAME, composeName, isoDate, kindOf } from './uk-common.ts';

/** Columns every layout of ConList.csv has (2018-2020: 29 columns; 2022 layout: 36). */
const REQUIRED_COLUMNS = [
  'Name 6',
  'Name 1',
  'Name 2',
  'Name 3',
  'Name 4',
  'Name 5',
  'Group Type',
  'Alias Type',
  'Regime',
  'Listed On',
  'Group ID',
] as const;
/** Columns read when present. */
const OPTIONAL_COLUMNS = [
  'Title',
  'DOB',
  'Town of Birth',
  'Country of Birth',
  'Nationality',
  'Passport Details',
  'Passport Number',
  'NI Number',
  'National Identification Number',
  'National Identification Details',
  'Position',
  'Address 1',
  'Address 2',
  'Address 3',
  'Address 4',
  'Address 5',
  'Address 6',
  'Post/Zip Code',
  'Country',
  'Other Information',
  'Last Updated',
  'Alias Quality',
  'Name Non-Latin Script',
  'Non-Latin Script Type',
  'Non-Latin Script Language',
  'UK Sanctions List Date Designated',
] as const;
type OfsiColumn = (typeof REQUIRED_COLUMNS)[number] | (typeof OPTIONAL_COLUMNS)[number];

const PRIMARY_ALIAS_TYPES: ReadonlySet<string> = new Set(['prime alias', 'primary name']);
const KNOWN_ALIAS_TYPES: ReadonlySet<string> = new Set(['aka', 'fka', 'primary name variation']);
const UK_REFS = /\(UK Sanctions List Ref\):\s*([A-Z]{3}\d{4}(?:\s*(?:,|and)\s*[A-Z]{3}\d{4})*)/g;

/** Single cells copied to extra (each distinct value of the group). */
const CSV_EXTRA: readonly (readonly [string, OfsiColumn])[] = [
  ['titles', 'Title'],
  ['datesOfBirth', 'DOB'],
  ['nationalities', 'Nationality'],
  ['passports', 'Passport Details'],
  ['passportNumbers', 'Passport Number'],
  ['nationalIds', 'NI Number'],
  ['nationalIdNumbers', 'National Identification Number'],
  ['nationalIdDetails', 'National Identification Details'],
  ['positions', 'Position'],
];

interface Group {
  readonly draft: DesignationDraft;
  readonly types: Set<string>;
  readonly lastUpdated: string[];
}

interface Header {
  readonly at: ReadonlyMap<OfsiColumn, number>;
  readonly width: number;
}

function readHeader(
  cells: readonly string[],
  context: ParseContext,
  fail: (reason: string) => SourceFormatError,
): Header {
  const header = cells.map((c) => c.trim());
  const missing = REQUIRED_COLUMNS.filter((column) => !header.includes(column));
  if (missing.length > 0) throw fail(`unknown layout: header lacks ${missing.join(', ')}`);
  const known = new Set<string>([...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS]);
  const unknown = header.filter((h) => h && !known.has(h));
  if (unknown.length > 0) context.warn(`columns not read: ${unknown.join(', ')}`);
  const at = new Map<OfsiColumn, number>();
  for (const column of [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS]) {
    const index = header.indexOf(column);
    if (index !== -1) at.set(column, index);
  }
  return { at, width: cells.length };
}

function addRow(
  group: Group,
  cell: (column: OfsiColumn) => string,
  context: ParseContext,
  warnedAliasTypes: Set<string>,
): void {
  const { draft } = group;
  const name = composeName(
    ['Name 6', 'Name 1', 'Name 2', 'Name 3', 'Name 4', 'Name 5'].map((c) => cell(c as OfsiColumn)),
  );
  const aliasType = clean(cell('Alias Type')).toLowerCase();
  if (name) {
    if (PRIMARY_ALIAS_TYPES.has(aliasType)) draft.primaryNames.add(name);
    else {
      draft.otherNames.add(name);
      if (aliasType === 'fka') draft.addExtra('formerNames', name);
      else if (aliasType === 'primary name variation') draft.addExtra('nameVariations', name);
      else if (!KNOWN_ALIAS_TYPES.has(aliasType) && !warnedAliasTypes.has(aliasType)) {
        warnedAliasTypes.add(aliasType);
        context.warn(`unknown Alias Type "${cell('Alias Type')}": the name is read as an alias`);
      }
    }
    if (/^low/i.test(clean(cell('Alias Quality')))) draft.addExtra('lowQualityAliases', name);
  }
  const nonLatin = clean(cell('Name Non-Latin Script'));
  if (nonLatin) {
    draft.otherNames.add(nonLatin);
    draft.addExtra('nonLatinNames', joinParts([nonLatin, clean(cell('Non-Latin Script Language'))], ' — '));
  }
  group.types.add(clean(cell('Group Type')));
  const regime = clean(cell('Regime'));
  if (regime) draft.programs.add(regime);
  const listed = isoDate(clean(cell('Listed On')));
  if (listed) draft.listedOn.push(listed);
  const updated = isoDate(clean(cell('Last Updated')));
  if (updated) group.lastUpdated.push(updated);
  draft.addExtra('ukSanctionsListDatesDesignated', isoDate(clean(cell('UK Sanctions List Date Designated'))));
  for (const [key, column] of CSV_EXTRA) draft.addExtra(key, cell(column));
  draft.addCountries(cell('Nationality'));
  draft.addCountries(cell('Country of Birth'), true);
  draft.addCountries(cell('Country'), true);
  const birthPlace = joinParts([clean(cell('Town of Birth')), clean(cell('Country of Birth'))]);
  draft.addExtra('placesOfBirth', birthPlace);
  draft.addAddress([
    ...(
      [
        'Address 1',
        'Address 2',
        'Address 3',
        'Address 4',
        'Address 5',
        'Address 6',
        'Post/Zip Code',
        'Country',
      ] as const
    ).map((c) => cell(c)),
  ]);
  const other = clean(cell('Other Information'));
  draft.addRemark(other);
  for (const match of other.matchAll(UK_REFS))
    for (const ref of match[1]!.split(/\s*(?:,|and)\s*/)) draft.addExtra('ukSanctionsListRefs', ref);
}

async function* parseOfsiCsv(input: ParseInput, context: ParseContext): AsyncGenerator<RegisterRecord> {
  const fileName = input.main.name;
  const fail = (reason: string): SourceFormatError => new SourceFormatError(context.sourceId, `${fileName}: ${reason}`);
  const groups = new Map<string, Group>();
  const warnedAliasTypes = new Set<string>();
  let sawDateLine = false;
  let header: Header | undefined;
  let rowNumber = 0;
  for await (const cells of readDelimitedRows(input.main, {
    sourceId: context.sourceId,
    delimiter: ',',
    ending: 'line-end',
  })) {
    if (!sawDateLine) {
      if (clean(cells[0]) !== 'Last Updated')
        throw fail('unknown layout: the first line is not "Last Updated,dd/mm/yyyy"');
      sawDateLine = true;
      continue;
    }
    if (!header) {
      header = readHeader(cells, context, fail);
      continue;
    }
    rowNumber++;
    if (cells.length !== header.width)
      throw fail(`truncated or malformed: row ${rowNumber} has ${cells.length} cells, the header ${header.width}`);
    const at = header.at;
    const cell = (column: OfsiColumn): string => {
      const index = at.get(column);
      return index === undefined ? '' : (cells[index] ?? '');
    };
    const groupId = clean(cell('Group ID'));
    if (!/^\d+$/.test(groupId)) {
      context.warn(`row ${rowNumber} has no numeric Group ID ("${groupId}"): skipped`);
      continue;
    }
    let group = groups.get(groupId);
    if (!group) {
      group = { draft: new DesignationDraft(), types: new Set(), lastUpdated: [] };
      groups.set(groupId, group);
    }
    addRow(group, cell, context, warnedAliasTypes);
  }
  if (!header) throw fail(sawDateLine ? 'no header row' : 'no rows');

  for (const groupId of [...groups.keys()].sort((a, b) => Number(a) - Number(b))) {
    const group = groups.get(groupId)!;
    const types = [...group.types].filter((t) => t.length > 0);
    if (types.length !== 1) {
      context.warn(
        `Group ID ${groupId} has ${types.length === 0 ? 'no Group Type' : `several Group Types (${types.join(', ')})`}: skipped`,
      );
      continue;
    }
    const kind = kindOf(types[0]!, context, `Group ID ${groupId}`);
    const lastUpdated = group.lastUpdated.sort().at(-1);
    if (lastUpdated) group.draft.setExtra('lastUpdated', lastUpdated);
    const record = group.draft.build(groupId, OFSI_CONSOLIDATED_LIST_NAME, kind, context, `Group ID ${groupId}`);
    if (record) yield record;
  }
}

/** "Last Updated,dd/mm/yyyy" (possibly quoted, possibly padded with commas), then the header. */
const CONLIST_HEAD = /^"?Last Updated"?,[^\r\n]*\r?\n"?Name 6"?,/;

export const ofsiCsvFormat: SourceFormat = {
  id: 'ofsi-conlist-csv',
  description:
    'OFSI Consolidated List CSV (ConList.csv: a Last Updated line, a header, one row per name grouped by Group ID; closed 28 January 2026)',
  sniff: (head) => CONLIST_HEAD.test(head),
  parse: parseOfsiCsv,
};
