/**
 * What the three OFAC layouts (legacy CSV, `sdnList` XML, Sanctions List Service ENHANCED XML)
 * share: how an entry's type becomes a kind, how a consolidated (non-SDN) entry's list is named,
 * and how names, addresses and identifiers are written, so that the same entry read from any of
 * the layouts comes out the same wherever the data allows, and switching layout does not look
 * like a change to every record.
 *
 * Why this file stays long (about 550 lines): it is what every OFAC layout shares (kinds, list
 * names, vessel features, the record draft, the format factory, the zip reader), kept in one place
 * so that the layouts give the same records.
 */
import { Readable } from 'node:stream';
import { Unzip, UnzipInflate } from 'fflate';
import { countryCode } from '../../core/countries.ts';
import { SourceFormatError } from '../../core/errors.ts';
import { cleanText, type ExtraFields, type RecordKind, type RegisterRecord } from '../../core/records.ts';
import type { ParseContext, ParseInput, SourceDocument, SourceFormat } from '../types.ts';
import type { XmlElement } from '../read/xml-stream.ts';

const UNTIDY = /[\t\n\r\f\v\u00a0\u2000-\u200b\u3000]| {2}/;

/**
 * cleanText, cheaper on the common case: most values need only a trim, so the collapsing regex
 * runs only when the value holds a tab, newline, odd space or a double space.
 */
export function tidy(value: string | undefined): string {
  if (!value) return '';
  const trimmed = value.trim();
  return UNTIDY.test(trimmed) ? cleanText(trimmed) : trimmed;
}

/** The `item` children of the `list` children of an element (`akaList/aka`), in order. */
export function listItems(element: XmlElement, list: string, item: string): XmlElement[] {
  const items: XmlElement[] = [];
  for (const container of element.children) {
    if (container.name !== list) continue;
    for (const candidate of container.children) if (candidate.name === item) items.push(candidate);
  }
  return items;
}

/**
 * Which OFAC publication a format reads. The SDN list has one list; the consolidated (non-SDN)
 * list holds several, and each entry's list is worked out per entry (see `consolidatedList*`).
 */
export type OfacPublication = 'sdn' | 'consolidated';

export interface OfacFormatOptions {
  readonly publication: OfacPublication;
}

/** The list name records of the SDN publication carry. */
export const SDN_LIST = 'SDN';
/** The list name of a consolidated entry whose own list cannot be told (a warning is logged). */
export const CONSOLIDATED_FALLBACK_LIST = 'Consolidated List';

/**
 * ENHANCED XML names each entry's lists (`sanctionsLists/sanctionsList`). Mapped to the short
 * codes OFAC itself uses in Sanctions List Search and in its program tags.
 */
export const ENHANCED_LIST_CODES: Readonly<Record<string, string>> = {
  'SDN List': 'SDN',
  'Sectoral Sanctions Identifications List': 'SSI',
  'Non-SDN Palestinian Legislative Council List': 'NS-PLC',
  'Non-SDN CMIC List': 'NS-CMIC',
  'Non-SDN Menu-Based Sanctions List': 'NS-MBS',
  'CAPTA List': 'CAPTA',
  'FSE List': 'FSE',
  'Non-SDN Iranian Sanctions Act List': 'NS-ISA',
};

/**
 * When an entry sits on several non-SDN lists (in 2025: three Russian companies on both SSI and
 * NS-MBS), the record's `list` is the first of these; ENHANCED's `extra.lists` keeps them all.
 * The same order decides in the legacy layouts, which only carry programs, so that one entry gets
 * the same `list` whichever layout it was read from.
 */
export const CONSOLIDATED_LIST_PRECEDENCE = [
  'SSI',
  'NS-PLC',
  'NS-CMIC',
  'FSE',
  'CAPTA',
  'NS-ISA',
  'EO13599',
  'NS-MBS',
] as const;

/**
 * The legacy layouts (CSV, `sdnList` XML) say nothing of lists, only programs. These programs
 * identify the non-SDN list of a consolidated entry (checked against CONS_ENHANCED 2025-01-10,
 * where each entity carries both, and against the 2018 and 2020 consolidated.xml):
 * - UKRAINE-EO13662 → SSI (Sectoral Sanctions Identifications)
 * - NS-PLC → NS-PLC (Palestinian Legislative Council)
 * - CMIC-EO13959 → NS-CMIC (Chinese Military-Industrial Complex companies)
 * - FSE-* (FSE-IR, FSE-SY, ...) → FSE (Foreign Sanctions Evaders)
 * - 561List / 561-Related → CAPTA (the Part 561 list, part of the CAPTA List since 2022)
 * - IRAN (consolidated files until November 2018 only) → EO13599 (the E.O. 13599 list)
 * - RUSSIA-EO14024, CAATSA - RUSSIA, BURMA-EO14014, ILLICIT-DRUGS-EO14059 → NS-MBS (menu-based)
 * RUSSIA-EO14024 also tags SDN entries that are on SSI; SSI then wins by precedence, as it does in
 * ENHANCED. A new program OFAC adds to the consolidated list maps to nothing until added here: the
 * record is kept under CONSOLIDATED_FALLBACK_LIST and a warning names the programs.
 */
const CONSOLIDATED_PROGRAM_LISTS: Readonly<Record<string, string>> = {
  'UKRAINE-EO13662': 'SSI',
  'NS-PLC': 'NS-PLC',
  'CMIC-EO13959': 'NS-CMIC',
  '561List': 'CAPTA',
  '561-Related': 'CAPTA',
  IRAN: 'EO13599',
  'RUSSIA-EO14024': 'NS-MBS',
  'CAATSA - RUSSIA': 'NS-MBS',
  'BURMA-EO14014': 'NS-MBS',
  'ILLICIT-DRUGS-EO14059': 'NS-MBS',
};

function byPrecedence(codes: Iterable<string>): string | undefined {
  const present = new Set(codes);
  for (const code of CONSOLIDATED_LIST_PRECEDENCE) if (present.has(code)) return code;
  return undefined;
}

/** The non-SDN list of a consolidated entry, from its programs (legacy layouts). */
export function consolidatedListFromPrograms(programs: readonly string[]): string | undefined {
  const codes: string[] = [];
  for (const program of programs) {
    const code = CONSOLIDATED_PROGRAM_LISTS[program] ?? (program.startsWith('FSE-') ? 'FSE' : undefined);
    if (code) codes.push(code);
  }
  return byPrecedence(codes);
}

/**
 * The non-SDN list of a consolidated entry, from ENHANCED's list codes. A list name not in
 * ENHANCED_LIST_CODES is passed through as OFAC writes it (the caller warns).
 */
export function consolidatedListFromCodes(codes: readonly string[]): string | undefined {
  const known = byPrecedence(codes);
  if (known) return known;
  return codes.find((code) => code !== 'SDN');
}

/**
 * Names the `list` of each record of one parse: `SDN` for the SDN publication; for the
 * consolidated one, the entry's non-SDN list, from its programs (legacy layouts) or from ENHANCED's
 * list codes. An entry whose list cannot be told keeps CONSOLIDATED_FALLBACK_LIST, and each
 * unknown program set or list name is warned about once per file, not once per entry.
 */
export class OfacListNamer {
  private readonly warned = new Set<string>();

  constructor(
    private readonly publication: OfacPublication,
    private readonly context: ParseContext,
    private readonly where: string,
  ) {}

  fromPrograms(id: string, programs: readonly string[]): string {
    if (this.publication === 'sdn') return SDN_LIST;
    const list = consolidatedListFromPrograms(programs);
    if (list) return list;
    this.warnOnce(
      programs.join(', ') || '(none)',
      `${this.where}: entry ${id}: no known non-SDN list for programs ${programs.join(', ') || '(none)'}`,
    );
    return CONSOLIDATED_FALLBACK_LIST;
  }

  fromCodes(id: string, codes: readonly string[]): string {
    if (this.publication === 'sdn') return SDN_LIST;
    const list = consolidatedListFromCodes(codes);
    if (list) return list;
    this.warnOnce(`codes:${codes.join(',')}`, `${this.where}: entity ${id} names no non-SDN list`);
    return CONSOLIDATED_FALLBACK_LIST;
  }

  /** An ENHANCED list name missing from ENHANCED_LIST_CODES: kept as OFAC writes it. */
  unknownListName(id: string, name: string): void {
    this.warnOnce(
      `name:${name}`,
      `${this.where}: entity ${id} is on a list this parser does not know: ${JSON.stringify(name)}`,
    );
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.context.warn(message);
  }
}

/**
 * The kind of an entry from OFAC's type: sdn.csv writes `individual`, `vessel`, `aircraft` or the
 * null `-0- ` for an entity; the XML layouts write `Individual`, `Entity`, `Vessel`, `Aircraft`.
 * Anything else, a missing type included, is undefined: the caller warns and skips rather than guess.
 */
export function ofacKind(type: string): RecordKind | undefined {
  switch (type.trim().toLowerCase()) {
    case 'individual':
      return 'person';
    case '-0-':
    case 'entity':
      return 'organization';
    case 'vessel':
      return 'vessel';
    case 'aircraft':
      return 'aircraft';
    default:
      return undefined;
  }
}

/** `LAST, First` as sdn.csv writes an individual; the last name alone when there is no first name. */
export function ofacName(lastName: string, firstName: string): string {
  const last = tidy(lastName);
  const first = tidy(firstName);
  if (!first) return last;
  if (!last) return first;
  return `${last}, ${first}`;
}

export interface AddressParts {
  /** address1..address3 (or add.csv's single address column). */
  readonly street: readonly string[];
  readonly city?: string;
  readonly state?: string;
  readonly postalCode?: string;
  readonly region?: string;
  readonly country?: string;
}

/**
 * add.csv's middle column as OFAC builds it: `City, STATE Postal` ("Richardson, TX 75081",
 * "London EC3N 1DY", "Montreal, Quebec"). The XML layouts carry the parts separately and are
 * joined the same way, so one address reads the same from every layout.
 */
export function ofacCityLine(city = '', state = '', postalCode = ''): string {
  let line = tidy(city);
  const cleanState = tidy(state);
  const cleanPostal = tidy(postalCode);
  if (cleanState) line = line ? `${line}, ${cleanState}` : cleanState;
  if (cleanPostal) line = line ? `${line} ${cleanPostal}` : cleanPostal;
  return line;
}

/** One address as one line: street parts, city line, region, country, joined with ", ", blanks skipped. */
export function ofacAddress(parts: AddressParts): string {
  const pieces = [
    ...parts.street,
    ofacCityLine(parts.city, parts.state, parts.postalCode),
    parts.region ?? '',
    parts.country ?? '',
  ]
    .map((piece) => tidy(piece))
    .filter((piece) => piece.length > 0);
  return pieces.join(', ');
}

/**
 * An identifier as sdn.csv's remarks write it: `Passport BE5978421 (Pakistan) issued 14 Nov 2007
 * expires 12 Nov 2012`, `Gender Male`, `Website www.example.com`.
 */
export function ofacIdentifier(type: string, value: string, country = '', issued = '', expires = ''): string {
  const cleanType = tidy(type);
  const cleanValue = tidy(value);
  let text = cleanType && cleanValue ? `${cleanType} ${cleanValue}` : cleanType || cleanValue;
  const cleanCountry = tidy(country);
  if (cleanCountry) text += ` (${cleanCountry})`;
  const cleanIssued = tidy(issued);
  if (cleanIssued) text += ` issued ${cleanIssued}`;
  const cleanExpires = tidy(expires);
  if (cleanExpires) text += ` expires ${cleanExpires}`;
  return text;
}

/**
 * Collects the fields of one entry while a parser walks it, then builds the record. Lists keep
 * first-seen order without duplicates; country names that are not countries ("undetermined",
 * "Region: Northern Mali") are dropped, since countries[] holds ISO codes only.
 */
export class OfacRecordDraft {
  readonly aliases = new Set<string>();
  readonly countries = new Set<string>();
  readonly addresses = new Set<string>();
  readonly programs = new Set<string>();
  readonly extra: Record<string, string | Set<string>> = {};
  listedOn: string | undefined;
  remarks = '';

  addAlias(name: string, type: string, weak: boolean): void {
    const alias = tidy(name);
    if (!alias) return;
    this.aliases.add(alias);
    if (weak) this.addExtra('weakAliases', alias);
    const normalizedType = type.replace(/[^a-z]/gi, '').toLowerCase();
    if (normalizedType === 'fka') this.addExtra('formerlyKnownAs', alias);
    else if (normalizedType === 'nka') this.addExtra('nowKnownAs', alias);
  }

  addCountry(name: string | undefined): void {
    const code = countryCode(name);
    if (code) this.countries.add(code);
  }

  addAddress(parts: AddressParts): void {
    const line = ofacAddress(parts);
    if (line) this.addresses.add(line);
    this.addCountry(parts.country);
  }

  addProgram(program: string): void {
    const code = tidy(program);
    if (code) this.programs.add(code);
  }

  /** Adds to a list-valued extra field. */
  addExtra(key: string, value: string): void {
    const text = tidy(value);
    if (!text) return;
    const current = this.extra[key];
    if (current instanceof Set) current.add(text);
    else this.extra[key] = new Set([text]);
  }

  /** Sets a single-valued extra field. */
  setExtra(key: string, value: string): void {
    const text = tidy(value);
    if (text) this.extra[key] = text;
  }

  build(fields: { id: string; source: string; list: string; kind: RecordKind; name: string }): RegisterRecord {
    const extra: ExtraFields = {};
    for (const [key, value] of Object.entries(this.extra)) extra[key] = value instanceof Set ? [...value] : value;
    const record: RegisterRecord = {
      id: fields.id,
      source: fields.source,
      list: fields.list,
      kind: fields.kind,
      name: fields.name,
      aliases: [...this.aliases].filter((alias) => alias !== fields.name),
      countries: [...this.countries],
      addresses: [...this.addresses],
      programs: [...this.programs],
      links: [],
      extra,
    };
    if (this.listedOn) record.listedOn = this.listedOn;
    const remarks = tidy(this.remarks);
    if (remarks) record.remarks = remarks;
    return record;
  }
}

/** The id rule all three layouts share: OFAC's entry number, a positive decimal integer. */
export function validOfacId(id: string): boolean {
  return /^[0-9]{1,12}$/.test(id);
}

/** Checks id, name and kind; warns and returns false when the entry cannot become a record. */
export function acceptEntry(
  context: ParseContext,
  where: string,
  entry: { id: string; name: string; kind: RecordKind | undefined; type: string },
): entry is { id: string; name: string; kind: RecordKind; type: string } {
  if (!validOfacId(entry.id)) {
    context.warn(`${where}: entry without a valid id (${JSON.stringify(entry.id)}), skipped`);
    return false;
  }
  if (!entry.name) {
    context.warn(`${where}: entry ${entry.id} has no name, skipped`);
    return false;
  }
  if (!entry.kind) {
    context.warn(`${where}: entry ${entry.id} has an unknown type ${JSON.stringify(entry.type)}, skipped`);
    return false;
  }
  return true;
}

const ZIP_LOCAL_HEADER = 'PK\u0003\u0004';

/**
 * The name of the first entry of a ZIP archive, read from its local file header in the (latin1)
 * head of the file, or undefined when the head is not a ZIP.
 */
/** The list every entry of a CONS publication is on besides its own: not a list of its own. */
export const CONSOLIDATED_UMBRELLA_LIST = 'Consolidated List';

/** Vessel features as ENHANCED and ADVANCED name them, to the extra keys shared with the other layouts. */
export const OFAC_VESSEL_FEATURES: Readonly<Record<string, string>> = {
  'Vessel Call Sign': 'callSign',
  'VESSEL TYPE': 'vesselType',
  'Vessel Flag': 'vesselFlag',
  'Vessel Owner': 'vesselOwner',
  'Vessel Tonnage': 'tonnage',
  'Vessel Gross Registered Tonnage': 'grossRegisteredTonnage',
};

/** One of OFAC's XML layouts: how it is recognised (sniffOfacXml) and read. */
export interface OfacXmlLayout {
  id: string;
  /** The file names it comes as, per publication. */
  describe(publication: OfacFormatOptions['publication']): string;
  zipEntry: RegExp;
  root: string;
  namespaces: readonly string[];
  parse(input: ParseInput, context: ParseContext, options: OfacFormatOptions): AsyncIterable<RegisterRecord>;
}

/** The source format of an OFAC XML layout, for one publication (SDN or consolidated). */
export function ofacXmlFormat(layout: OfacXmlLayout, options: OfacFormatOptions): SourceFormat {
  return {
    id: layout.id,
    description: layout.describe(options.publication),
    sniff: (head, fileName) => sniffOfacXml(head, fileName, layout),
    parse: (input, context) => layout.parse(input, context, options),
  };
}

/**
 * Sniffs one OFAC XML layout: a ZIP (by name) whose first entry matches `zipEntry`, or an XML
 * document whose root element (after the declaration, comments and doctype) has the local name
 * `root` and binds its own prefix (or the default namespace) to one of `namespaces`.
 */
export function sniffOfacXml(
  head: string,
  fileName: string,
  layout: { zipEntry: RegExp; root: string; namespaces: readonly string[] },
): boolean {
  const entry = firstZipEntryName(head);
  if (entry !== undefined) return /\.zip$/i.test(fileName) && layout.zipEntry.test(entry);
  const cleaned = head.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<![^>]*>/g, '');
  const root = /<([A-Za-z_][\w.:-]*)[\s>/]/.exec(cleaned);
  if (!root) return false;
  const qualified = root[1]!;
  const colon = qualified.indexOf(':');
  if ((colon === -1 ? qualified : qualified.slice(colon + 1)) !== layout.root) return false;
  const rootTag = cleaned.slice(root.index, cleaned.indexOf('>', root.index) + 1);
  const attribute = colon === -1 ? 'xmlns' : `xmlns:${qualified.slice(0, colon)}`;
  return layout.namespaces.some(
    (namespace) => rootTag.includes(`${attribute}="${namespace}"`) || rootTag.includes(`${attribute}='${namespace}'`),
  );
}

export function firstZipEntryName(head: string): string | undefined {
  if (!head.startsWith(ZIP_LOCAL_HEADER) || head.length < 30) return undefined;
  const nameLength = head.charCodeAt(26) | (head.charCodeAt(27) << 8);
  if (head.length < 30 + nameLength) return undefined;
  return head.slice(30, 30 + nameLength);
}

/**
 * Bounds on what one ZIP entry may inflate to, so that a zip bomb (1 GiB of whitespace or of empty
 * elements in a 1 MB archive) fails in well under a second and a few tens of MB, not after a minute
 * and 1.5 GB. OFAC's entries inflate about 16 times (CONS_ENHANCED: 207 KB to 3.4 MB), and the
 * largest, SDN_ENHANCED.XML, is on the order of 100 MB. The ratio is judged only past `ratioCheckedFrom` bytes, so a small, very regular
 * file is not taken for a bomb.
 */
export const ZIP_LIMITS = {
  /** Largest inflated entry: a few times today's largest, and what a poller's memory and time can take. */
  maxEntryBytes: 512 * 1024 * 1024,
  /** Largest inflated / compressed ratio (deflate reaches about 1032 on repetitive data). */
  maxRatio: 100,
  ratioCheckedFrom: 16 * 1024 * 1024,
  /** Compressed bytes handed to the inflater at once: bounds what one step can inflate to (~16 MB). */
  sliceBytes: 16 * 1024,
} as const;

/**
 * The bytes of a document, unzipped when it is a ZIP archive (OFAC's SDN_ENHANCED.ZIP,
 * CONS_ENHANCED.ZIP: one XML entry). Decompresses as it reads, and stops reading the archive as
 * soon as its first entry is complete. A first entry whose name does not match, an archive with
 * no entry, a corrupt one, one cut short or one that inflates past ZIP_LIMITS is a
 * SourceFormatError. A document that is not a ZIP passes through unchanged.
 */
export function openMaybeZipped(document: SourceDocument, sourceId: string, entryPattern: RegExp): Readable {
  return Readable.from(maybeUnzip(document, sourceId, entryPattern), { objectMode: true });
}

async function* maybeUnzip(document: SourceDocument, sourceId: string, entryPattern: RegExp): AsyncGenerator<Buffer> {
  const stream = document.open();
  try {
    const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
    let first = await iterator.next();
    while (!first.done && toBuffer(first.value).length === 0) first = await iterator.next();
    if (first.done) return;
    const head = toBuffer(first.value);
    if (!(head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04)) {
      yield head;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield toBuffer(next.value);
      return;
    }
    yield* unzipFirstEntry(head, iterator, document.name, sourceId, entryPattern);
  } finally {
    stream.destroy();
  }
}

async function* unzipFirstEntry(
  head: Buffer,
  iterator: AsyncIterator<Buffer | string>,
  fileName: string,
  sourceId: string,
  entryPattern: RegExp,
): AsyncGenerator<Buffer> {
  const output: Buffer[] = [];
  let entryDone = false;
  let entryName: string | undefined;
  let failure: Error | undefined;
  let compressed = 0;
  let inflated = 0;
  const unzip = new Unzip((file) => {
    // Only the first entry is read; anything after it is never decompressed (nor, mostly, downloaded).
    if (entryName !== undefined) return;
    entryName = file.name;
    if (!entryPattern.test(file.name)) {
      failure = new SourceFormatError(
        sourceId,
        `${fileName}: the archive holds ${file.name}, expected a file matching ${entryPattern}`,
      );
      return;
    }
    file.ondata = (error, data, final) => {
      if (error) {
        failure ??= new SourceFormatError(sourceId, `${fileName}: corrupt ZIP entry ${file.name}: ${error.message}`, {
          cause: error,
        });
        return;
      }
      if (failure) return;
      inflated += data.length;
      const bomb =
        inflated > ZIP_LIMITS.maxEntryBytes
          ? `inflates past ${ZIP_LIMITS.maxEntryBytes} bytes`
          : inflated > ZIP_LIMITS.ratioCheckedFrom && inflated > compressed * ZIP_LIMITS.maxRatio
            ? `inflates more than ${ZIP_LIMITS.maxRatio} times (${inflated} bytes from ${compressed})`
            : undefined;
      if (bomb) {
        failure = new SourceFormatError(
          sourceId,
          `${fileName}: refused ZIP entry ${file.name}: it ${bomb}, a zip bomb`,
        );
        output.length = 0;
        return;
      }
      if (data.length > 0) output.push(Buffer.from(data.buffer, data.byteOffset, data.length));
      if (final) entryDone = true;
    };
    try {
      file.start();
    } catch (error) {
      failure = new SourceFormatError(sourceId, `${fileName}: cannot unzip ${file.name}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  });
  unzip.register(UnzipInflate);

  const push = (chunk: Buffer, final: boolean): void => {
    try {
      // In slices, so that one push inflates to a bounded size and a bomb is caught between slices.
      for (let at = 0; at < chunk.length && !failure; at += ZIP_LIMITS.sliceBytes) {
        const slice = chunk.subarray(at, at + ZIP_LIMITS.sliceBytes);
        compressed += slice.length;
        unzip.push(slice, false);
      }
      if (final && !failure) unzip.push(new Uint8Array(0), true);
    } catch (error) {
      failure ??= new SourceFormatError(sourceId, `${fileName}: corrupt ZIP archive: ${(error as Error).message}`, {
        cause: error,
      });
    }
  };

  push(head, false);
  for (;;) {
    if (failure) throw failure;
    while (output.length > 0) yield output.shift()!;
    if (entryDone) return;
    const next = await iterator.next();
    if (next.done) break;
    push(toBuffer(next.value), false);
  }
  push(Buffer.alloc(0), true);
  if (failure) throw failure;
  while (output.length > 0) yield output.shift()!;
  if (entryName === undefined) throw new SourceFormatError(sourceId, `${fileName}: the ZIP archive holds no file`);
  if (!entryDone)
    throw new SourceFormatError(sourceId, `${fileName}: the ZIP archive is truncated (${entryName} is incomplete)`);
}

function toBuffer(chunk: Buffer | string | Uint8Array): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, 'latin1');
  return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
}
