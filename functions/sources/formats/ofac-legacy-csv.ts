/**
 * OFAC's legacy delimited files: sdn.csv (or the consolidated list's cons_prim.csv) with, beside
 * it, add.csv (addresses), alt.csv (aliases) and sdn_comments.csv (remarks that did not fit),
 * linked by ent_num.
 *
 * The layout, as the files are on the wire:
 * - no header; sdn.csv has 12 columns: ent_num, name, type, program, title, call_sign, vess_type,
 *   tonnage, GRT, vess_flag, vess_owner, remarks; add.csv 6 (ent_num, add_num, address,
 *   city/state/postal, country, add_remarks); alt.csv 5 (ent_num, alt_num, alt_type, alt_name,
 *   alt_remarks); sdn_comments.csv 2 (ent_num, remarks continued);
 * - ent_num unquoted; every other cell either quoted or the null `-0- ` (with its trailing space);
 * - CRLF line ends; the file ends with a lone 0x1A (DOS end-of-file) after the last CRLF;
 * - the program cell holds several programs as `SDGT] [IRGC` (inner brackets only);
 * - the entity type is the null `-0- `; individuals' names are `LAST, First`;
 * - remarks are cut at 1000 characters and continue, mid-word, in sdn_comments.csv;
 * - strong aliases are only in alt.csv; weak aliases are only in the remarks, as
 *   `a.k.a. 'TATA JI'` (also f.k.a./n.k.a.), single-quoted, the quoted name itself possibly holding
 *   apostrophes (`a.k.a. 'AL-DARDA', Abu'`). They are cleanly delimited (the closing quote is the one
 *   followed by `;` or by the final `.`), so they are read from the remarks. Without alt.csv beside
 *   sdn.csv the strong aliases are simply absent, and so are addresses without add.csv.
 * - every file seen (2021-2024) is plain ASCII; OFAC's older files were cp1252, so the bytes are
 *   read as UTF-8 when valid and as windows-1252 otherwise (decided at the first non-ASCII byte).
 *
 * Dates of birth, places of birth, nationality and citizenship are written in the remarks
 * (`DOB 05 Jun 1950; POB Sargodha, Punjab, Pakistan; nationality Pakistan; ...`); those four are
 * taken out of the remarks so that countries and extra match the XML layouts. Identity documents
 * stay in the remarks only: their wording is open-ended and cannot be split reliably.
 */
import { LegacyTextDecoder, drained } from '../read/delimited-text.ts';
import { CsvError, parse } from 'csv-parse';
import { SourceFormatError } from '../../core/errors.ts';
import type { RegisterRecord } from '../../core/records.ts';
import type { ParseContext, ParseInput, SourceDocument, SourceFormat } from '../types.ts';
import {
  OfacListNamer,
  OfacRecordDraft,
  acceptEntry,
  ofacKind,
  tidy,
  validOfacId,
  type OfacFormatOptions,
} from './ofac-common.ts';

/** Lower-case file names of the companion files, as keyed in ParseInput.companions. */
export interface OfacCsvCompanionNames {
  readonly addresses: string;
  readonly aliases: string;
  readonly comments: string;
}

export const SDN_CSV_COMPANIONS: OfacCsvCompanionNames = {
  addresses: 'add.csv',
  aliases: 'alt.csv',
  comments: 'sdn_comments.csv',
};
export const CONSOLIDATED_CSV_COMPANIONS: OfacCsvCompanionNames = {
  addresses: 'cons_add.csv',
  aliases: 'cons_alt.csv',
  comments: 'cons_comments.csv',
};

export interface OfacLegacyCsvOptions extends OfacFormatOptions {
  readonly companions: OfacCsvCompanionNames;
}

const NULL = '-0- ';
const MAIN_COLUMNS = 12;
const ADDRESS_COLUMNS = 6;
const ALIAS_COLUMNS = 5;
const COMMENT_COLUMNS = 2;

/** A quoted cell (quotes doubled inside) or the null marker. */
const CELL = String.raw`(?:"[^"]*(?:""[^"]*)*"|-0- )`;
/** First line of sdn.csv / cons_prim.csv: `<ent_num>,"<name>",` then 10 more cells, CRLF. */
const FIRST_LINE = new RegExp(String.raw`^[0-9]+,"[^"]*(?:""[^"]*)*"(?:,${CELL}){${MAIN_COLUMNS - 2}}\r?\n`);

function nullable(value: string | undefined): string {
  if (value === undefined || value === NULL) return '';
  return value;
}

/**
 * Streams the rows of one OFAC CSV file, checking each has `columns` cells. The trailing 0x1A
 * ends the file; a row after it, a row of the wrong width (a truncated last line), an unclosed
 * quote, or a null marker cut short (`-0` at the very end) is a SourceFormatError. With
 * `requireEndMark` (sdn.csv, add.csv, alt.csv and their cons_ twins always end with it; the comments
 * file does not), a file without the mark is truncated, even when it was cut on a line boundary.
 */
export async function* readOfacCsvRows(
  document: SourceDocument,
  sourceId: string,
  columns: number,
  requireEndMark = false,
): AsyncGenerator<string[]> {
  const input = document.open();
  const decoder = new LegacyTextDecoder(sourceId, document.name);
  const parser = parse({ relax_column_count: true, skip_empty_lines: true, bom: true });
  const pump = (async () => {
    try {
      for await (const chunk of input) {
        if (parser.destroyed) return;
        const text = decoder.decode(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, 'latin1'));
        if (text && !parser.write(text)) await drained(parser);
      }
      if (parser.destroyed) return;
      const rest = decoder.end();
      if (rest) parser.write(rest);
      parser.end();
    } catch (error) {
      if (!parser.destroyed) parser.destroy(error as Error);
    }
  })();

  let rowNumber = 0;
  let sawEndOfFile = false;
  try {
    for await (const row of parser as AsyncIterable<string[]>) {
      rowNumber += 1;
      if (row.length === 1 && row[0] === '\u001a') {
        sawEndOfFile = true;
        continue;
      }
      if (sawEndOfFile)
        throw new SourceFormatError(sourceId, `${document.name}: data after the end-of-file mark (row ${rowNumber})`);
      if (row.length !== columns) {
        throw new SourceFormatError(
          sourceId,
          `${document.name}: row ${rowNumber} has ${row.length} columns, expected ${columns} (truncated file or not OFAC's layout)`,
        );
      }
      const last = row[columns - 1]!;
      if (last === '-' || last === '-0' || last === '-0-') {
        throw new SourceFormatError(
          sourceId,
          `${document.name}: row ${rowNumber} ends in a cut-off null marker (truncated file)`,
        );
      }
      yield row;
    }
    if (requireEndMark && !sawEndOfFile && rowNumber > 0)
      throw new SourceFormatError(
        sourceId,
        `${document.name}: ends after row ${rowNumber} without OFAC's end-of-file mark (0x1A): the download is truncated`,
      );
  } catch (error) {
    if (error instanceof SourceFormatError) throw error;
    if (error instanceof CsvError) {
      throw new SourceFormatError(
        sourceId,
        `${document.name}: malformed CSV after row ${rowNumber}: ${error.message}`,
        { cause: error },
      );
    }
    throw error;
  } finally {
    input.destroy();
    parser.destroy();
    await pump;
  }
}

interface Companions {
  addresses: Map<string, string[][]>;
  aliases: Map<string, string[][]>;
  comments: Map<string, string[]>;
}

async function readGrouped(
  document: SourceDocument | undefined,
  sourceId: string,
  columns: number,
  mayBeEmpty: boolean,
  requireEndMark: boolean,
): Promise<Map<string, string[][]>> {
  const grouped = new Map<string, string[][]>();
  if (!document) return grouped;
  for await (const row of readOfacCsvRows(document, sourceId, columns, requireEndMark)) {
    const id = row[0]!;
    if (!validOfacId(id))
      throw new SourceFormatError(
        sourceId,
        `${document.name}: ent_num ${JSON.stringify(id)} is not a number (not OFAC's layout)`,
      );
    const rows = grouped.get(id);
    if (rows) rows.push(row);
    else grouped.set(id, [row]);
  }
  // Every entry has an add.csv row and the list has thousands of aliases: an empty one is a failed
  // download, and reading on would strip every record of its addresses or aliases (a false storm).
  if (grouped.size === 0 && !mayBeEmpty) throw new SourceFormatError(sourceId, `${document.name} is empty`);
  return grouped;
}

async function readCompanions(input: ParseInput, names: OfacCsvCompanionNames, sourceId: string): Promise<Companions> {
  const [addresses, aliases, commentRows] = await Promise.all([
    readGrouped(input.companions.get(names.addresses), sourceId, ADDRESS_COLUMNS, false, true),
    readGrouped(input.companions.get(names.aliases), sourceId, ALIAS_COLUMNS, false, true),
    readGrouped(input.companions.get(names.comments), sourceId, COMMENT_COLUMNS, true, false),
  ]);
  const comments = new Map<string, string[]>();
  for (const [id, rows] of commentRows)
    comments.set(
      id,
      rows.map((row) => nullable(row[1])),
    );
  return { addresses, aliases, comments };
}

/** Splits `SDGT] [IRGC` (and the `[SDGT] [IRGC]` form) into program codes. */
export function splitPrograms(cell: string): string[] {
  if (!cell) return [];
  return cell
    .split(/\]\s*\[/)
    .map((part) =>
      part
        .replace(/^\s*\[/, '')
        .replace(/\]\s*$/, '')
        .trim(),
    )
    .filter((part) => part.length > 0);
}

/** `a.k.a. 'NAME'` in the remarks: the closing quote is the one followed by `;` or the final `.`. */
const REMARK_ALIAS = /\b([afn])\.k\.a\. '(.*?)'(?=;|\.?\s*$)/g;
const REMARK_FIELDS: ReadonlyArray<[RegExp, 'datesOfBirth' | 'placesOfBirth' | 'country']> = [
  [/^(?:alt\. )?DOB (.+)$/, 'datesOfBirth'],
  [/^(?:alt\. )?POB (.+)$/, 'placesOfBirth'],
  [/^(?:alt\. )?nationality (.+)$/, 'country'],
  [/^(?:alt\. )?citizen (.+)$/, 'country'],
];

function readRemarks(remarks: string, draft: OfacRecordDraft): void {
  draft.remarks = remarks;
  if (!remarks) return;
  for (const match of remarks.matchAll(REMARK_ALIAS)) draft.addAlias(match[2]!, `${match[1]}ka`, true);
  const body = remarks.replace(/\.\s*$/, '');
  for (const segment of body.split('; ')) {
    for (const [pattern, field] of REMARK_FIELDS) {
      const match = pattern.exec(segment);
      if (!match) continue;
      if (field === 'country') draft.addCountry(match[1]);
      else draft.addExtra(field, match[1]!);
      break;
    }
  }
}

export function ofacLegacyCsvFormat(options: OfacLegacyCsvOptions): SourceFormat {
  const names = options.companions;
  return {
    id: 'ofac-legacy-csv',
    description: `OFAC legacy CSV (${options.publication === 'sdn' ? 'sdn.csv' : 'cons_prim.csv'}, with ${names.addresses}, ${names.aliases}, ${names.comments} when beside it)`,
    sniff(head: string): boolean {
      return FIRST_LINE.test(head);
    },
    parse(input: ParseInput, context: ParseContext): AsyncIterable<RegisterRecord> {
      return parseLegacyCsv(input, context, options);
    },
  };
}

async function* parseLegacyCsv(
  input: ParseInput,
  context: ParseContext,
  options: OfacLegacyCsvOptions,
): AsyncGenerator<RegisterRecord> {
  const sourceId = context.sourceId;
  const companions = await readCompanions(input, options.companions, sourceId);
  const where = input.main.name;
  const lists = new OfacListNamer(options.publication, context, where);
  for await (const row of readOfacCsvRows(input.main, sourceId, MAIN_COLUMNS, true)) {
    const id = row[0]!;
    const type = row[2]!;
    const name = tidy(nullable(row[1]));
    const kind = ofacKind(type);
    if (!acceptEntry(context, where, { id, name, kind, type })) continue;

    const draft = new OfacRecordDraft();
    for (const program of splitPrograms(nullable(row[3]))) draft.addProgram(program);
    draft.setExtra('title', nullable(row[4]));
    draft.setExtra('callSign', nullable(row[5]));
    draft.setExtra('vesselType', nullable(row[6]));
    draft.setExtra('tonnage', nullable(row[7]));
    draft.setExtra('grossRegisteredTonnage', nullable(row[8]));
    draft.setExtra('vesselFlag', nullable(row[9]));
    draft.setExtra('vesselOwner', nullable(row[10]));

    const continuation = companions.comments.get(id);
    readRemarks(nullable(row[11]) + (continuation ? continuation.join('') : ''), draft);

    for (const alias of companions.aliases.get(id) ?? []) {
      draft.addAlias(nullable(alias[3]), nullable(alias[2]), false);
      draft.addExtra('aliasRemarks', nullable(alias[4]));
    }
    for (const address of companions.addresses.get(id) ?? []) {
      draft.addAddress({ street: [nullable(address[2])], city: nullable(address[3]), country: nullable(address[4]) });
      draft.addExtra('addressRemarks', nullable(address[5]));
    }

    yield draft.build({ id, source: sourceId, list: lists.fromPrograms(id, [...draft.programs]), kind: kind!, name });
  }
}
