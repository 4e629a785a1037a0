/**
 * Sources defined in the configuration file (`customSources`): any RSS/Atom feed, or any register
 * published as XML, JSON or CSV, read through a field mapping. `customSourceFrom` turns one
 * definition into a RegisterSource that runs through the same pipeline as the registered ones.
 *
 * How each format is read:
 * - `rss`, `atom`: the generic feed parser (formats/feed-xml.ts). Both names read RSS 2.0, Atom 1.0
 *   and RSS 1.0, so a publisher switching flavour does not break the source; no mapping is taken.
 * - `xml`: streamed (saxes, no DTD, no entity expansion); every element named `recordPath` (local
 *   name, without prefix) is one record. A field is a child element name, a dotted path of child
 *   names (`address.country`), or an attribute (`@id`, `identity.@ref`).
 * - `json`: the whole document is read and parsed (JSON.parse) — at most MAX_JSON_BYTES, a bound
 *   that keeps a Lambda's memory safe; a larger register should be published as CSV or XML, or get
 *   a source file of its own with a streaming reader. `recordPath` is a dotted path to the array of
 *   records (`results`, `data.items`); without it the document itself must be the array. A field
 *   is a dotted path inside a record.
 * - `csv`: streamed (csv-parse), the first row naming the columns; a field is a column name. List
 *   fields (aliases, countries, addresses, programs) split a cell on `;`.
 *
 * Every record needs its `idField` and its `name`; a record without one is skipped with a warning
 * (strict about the file, lenient about one bad record). Countries are turned into ISO 3166-1
 * alpha-2 codes when they name one country; any other value is kept in `extra.countriesText`.
 * `listedOn` is read as a date (ISO, RFC 822 or RFC 3339) or kept as written in
 * `extra.listedOnText`. Records are of kind `other`; register sources alert additions, removals and
 * changes, feed sources new and edited items (and their name and remarks get topics).
 *
 * A custom source may be fetched from a private, loopback or link-local address only when its
 * definition says `allowPrivateHosts: true` (checked in the config, and again at fetch time when the
 * poller passes `allowsPrivateHosts(source)` to fetchVersion).
 */
import { Readable } from 'node:stream';
import { CsvError, parse as parseCsv } from 'csv-parse';
import { countryCode } from '../core/countries.ts';
import { SourceFormatError } from '../core/errors.ts';
import { cleanText, type ExtraFields, type RegisterRecord } from '../core/records.ts';
import { DEFAULT_TOPIC_RULES, createTopicMatcher, type TopicRule } from '../core/topics.ts';
import { readHead, headText } from './read/document.ts';
import { FEED_XML_FORMAT_ID, feedXmlFormat, parseFeedDate, rootElementName } from './formats/feed-xml.ts';
import { StrictUtf8Decoder, decodeUtf8 } from './read/strict-utf8.ts';
import { streamXmlElements, type XmlElement } from './read/xml-stream.ts';
import type { ParseContext, ParseInput, RecordCountBounds, RegisterSource, SourceFormat } from './types.ts';

export const CUSTOM_SOURCE_FORMATS = ['rss', 'atom', 'xml', 'json', 'csv'] as const;
export type CustomSourceFormat = (typeof CUSTOM_SOURCE_FORMATS)[number];

/** The record fields a mapping can fill, besides the id. */
export const CUSTOM_FIELDS = [
  'name',
  'aliases',
  'countries',
  'addresses',
  'programs',
  'listedOn',
  'remarks',
  'link',
] as const;
export type CustomField = (typeof CUSTOM_FIELDS)[number];
const LIST_FIELDS: ReadonlySet<CustomField> = new Set(['aliases', 'countries', 'addresses', 'programs']);

/** Where each record field is read: an element, column or dotted path, per format. `name` is required. */
export type CustomFieldMapping = { readonly name: string } & { readonly [K in Exclude<CustomField, 'name'>]?: string };

/** One entry of the configuration's `customSources` (as validated by functions/config/config.ts). */
export interface CustomSourceDefinition {
  /** Kebab-case, unique among registered and custom sources. */
  readonly id: string;
  readonly title: string;
  readonly kind: 'feed' | 'register';
  /** https, or http / a private host when `allowPrivateHosts`. */
  readonly url: string;
  /** @default false */
  readonly allowPrivateHosts?: boolean;
  readonly format: CustomSourceFormat;
  /** @default CUSTOM_SOURCE_DEFAULTS.schedule */
  readonly schedule?: string;
  /** @default feeds 1-1000 records, registers 1-100,000 */
  readonly expectedRecords?: RecordCountBounds;
  /** The list name records carry. @default the title */
  readonly list?: string;
  /** xml: the record element's name; json: the dotted path of the records array; csv: none. */
  readonly recordPath?: string;
  /** xml, json, csv: where the record id is read. */
  readonly idField?: string;
  /** xml, json, csv: where the other fields are read. */
  readonly fields?: CustomFieldMapping;
}

export const CUSTOM_SOURCE_DEFAULTS = {
  /** Custom hosts have not told us how often they may be asked. */
  schedule: 'rate(15 minutes)',
  feedRecords: { min: 1, max: 1000 },
  registerRecords: { min: 1, max: 100_000 },
  /** Cells of list fields in CSV are split on this. */
  csvListSeparator: ';',
} as const;

/** Largest JSON document read whole. */
export const MAX_JSON_BYTES = 64 * 1024 * 1024;

/** A source built from a configuration entry, keeping its definition. */
export interface CustomSource extends RegisterSource {
  readonly definition: CustomSourceDefinition;
}

export function isCustomSource(source: RegisterSource): source is CustomSource {
  return 'definition' in source && typeof (source as CustomSource).definition === 'object';
}

/** True only for a custom source whose definition allows private hosts: what the poller passes to fetchVersion. */
export function allowsPrivateHosts(source: RegisterSource): boolean {
  return isCustomSource(source) && source.definition.allowPrivateHosts === true;
}

// ---------------------------------------------------------------------------------------------
// Values

interface RecordValues {
  id: string;
  fields: Partial<Record<CustomField, string[]>>;
}

interface MappedOptions {
  readonly definition: CustomSourceDefinition;
  readonly list: string;
  readonly topics: ((texts: readonly string[]) => string[]) | undefined;
  readonly warnedCountries: Set<string>;
}

function scalar(values: string[] | undefined): string {
  return (values ?? []).join('; ');
}

/** A record from the values read for it; undefined (with a warning) without an id or a name. */
function mappedRecord(
  values: RecordValues,
  where: string,
  context: ParseContext,
  options: MappedOptions,
): RegisterRecord | undefined {
  const id = cleanText(values.id);
  const name = cleanText(scalar(values.fields.name));
  if (!id) {
    context.warn(`${where}: no ${options.definition.idField} (the id field): skipped`);
    return undefined;
  }
  if (!name) {
    context.warn(`${where} (${id}): no ${options.definition.fields?.name} (the name field): skipped`);
    return undefined;
  }
  const extra: ExtraFields = {};
  const countries: string[] = [];
  const unmapped: string[] = [];
  for (const value of values.fields.countries ?? []) {
    const code = countryCode(value);
    if (code) countries.push(code);
    else if (cleanText(value)) {
      unmapped.push(cleanText(value));
      if (!options.warnedCountries.has(value)) {
        options.warnedCountries.add(value);
        context.warn(`country "${value}" names no single ISO 3166 country; kept in extra.countriesText`);
      }
    }
  }
  if (unmapped.length) extra.countriesText = unmapped;
  let listedOn: string | undefined;
  const listedOnText = cleanText(scalar(values.fields.listedOn));
  if (listedOnText) {
    const date = parseFeedDate(listedOnText);
    if (date) listedOn = date.date;
    else {
      context.warn(
        `${where} (${id}): date "${listedOnText}" is not a date this reader knows; kept in extra.listedOnText`,
      );
      extra.listedOnText = listedOnText;
    }
  }
  const remarks = cleanText(scalar(values.fields.remarks));
  const link = cleanText(scalar(values.fields.link));
  const record: RegisterRecord = {
    id,
    source: options.definition.id,
    list: options.list,
    kind: 'other',
    name,
    aliases: values.fields.aliases ?? [],
    countries,
    addresses: values.fields.addresses ?? [],
    programs: values.fields.programs ?? [],
    links: link ? [link] : [],
    extra,
  };
  if (listedOn) record.listedOn = listedOn;
  if (remarks) record.remarks = remarks;
  if (options.topics) {
    const topics = options.topics([name, remarks]);
    if (topics.length) record.topics = topics;
  }
  return record;
}

function mappedFields(definition: CustomSourceDefinition): [CustomField, string][] {
  const fields = definition.fields;
  if (!fields) return [];
  return CUSTOM_FIELDS.flatMap((field) => (fields[field] ? [[field, fields[field]] as [CustomField, string]] : []));
}

// ---------------------------------------------------------------------------------------------
// XML

/** Texts at a path of child names below an element; a last segment `@name` reads an attribute. */
export function xmlValues(element: XmlElement, path: string): string[] {
  const segments = path.split('.');
  let level: XmlElement[] = [element];
  for (const [index, segment] of segments.entries()) {
    if (segment.startsWith('@') && index === segments.length - 1) {
      const attribute = segment.slice(1);
      return level.map((e) => cleanText(e.attributes[attribute] ?? '')).filter((v) => v.length > 0);
    }
    level = level.flatMap((e) => e.children.filter((c) => c.name === segment));
  }
  return level.map((e) => cleanText(e.text)).filter((v) => v.length > 0);
}

function customXmlFormat(
  definition: CustomSourceDefinition,
  options: Omit<MappedOptions, 'warnedCountries'>,
): SourceFormat {
  const recordElement = definition.recordPath!;
  const fields = mappedFields(definition);
  return {
    id: 'custom-xml',
    description: `XML, one record per <${recordElement}> (custom source ${definition.id})`,
    sniff: (head) => {
      const root = rootElementName(head);
      return root !== undefined && !/^(?:[\w.-]+:)?html$/i.test(root);
    },
    async *parse(input: ParseInput, context: ParseContext): AsyncGenerator<RegisterRecord> {
      const root = rootElementName(headText(await readHead(input.main)));
      if (!root) throw new SourceFormatError(context.sourceId, `${input.main.name}: no XML element found`);
      const state: MappedOptions = { ...options, warnedCountries: new Set() };
      const events = streamXmlElements(input.main.open(), {
        sourceId: context.sourceId,
        fileName: input.main.name,
        recordElements: new Set([recordElement]),
        rootElements: new Set([root.slice(root.indexOf(':') + 1)]),
      });
      let index = 0;
      for await (const { element } of events) {
        index++;
        const values: RecordValues = { id: xmlValues(element, definition.idField!).join(' '), fields: {} };
        for (const [field, path] of fields) values.fields[field] = xmlValues(element, path);
        const record = mappedRecord(values, `<${recordElement}> ${index}`, context, state);
        if (record) yield record;
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// JSON

function jsonAt(value: unknown, path: string): unknown {
  let current = value;
  for (const segment of path.split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** Scalars at a dotted path, as text; arrays give one value per scalar item, objects none. */
function jsonValues(record: Record<string, unknown>, path: string): string[] {
  const value = jsonAt(record, path);
  const items = Array.isArray(value) ? value : [value];
  return items
    .flatMap((item) =>
      typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean'
        ? [cleanText(String(item))]
        : [],
    )
    .filter((v) => v.length > 0);
}

async function readWhole(stream: Readable, sourceId: string, fileName: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of stream) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      length += buffer.length;
      if (length > MAX_JSON_BYTES) {
        throw new SourceFormatError(
          sourceId,
          `${fileName}: larger than ${MAX_JSON_BYTES / 1024 / 1024} MiB, the most a custom JSON source reads whole (publish it as CSV or XML, or give it a source file with a streaming reader)`,
        );
      }
      chunks.push(buffer);
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks);
}

function customJsonFormat(
  definition: CustomSourceDefinition,
  options: Omit<MappedOptions, 'warnedCountries'>,
): SourceFormat {
  const fields = mappedFields(definition);
  const recordPath = definition.recordPath;
  return {
    id: 'custom-json',
    description: `JSON, records ${recordPath ? `in "${recordPath}"` : 'as the top-level array'} (custom source ${definition.id})`,
    sniff: (head) => /^[\s\ufeff]*[[{]/.test(head),
    async *parse(input: ParseInput, context: ParseContext): AsyncGenerator<RegisterRecord> {
      const fail = (reason: string, cause?: unknown) =>
        new SourceFormatError(
          context.sourceId,
          `${input.main.name}: ${reason}`,
          cause === undefined ? undefined : { cause },
        );
      const bytes = await readWhole(input.main.open(), context.sourceId, input.main.name);
      let document: unknown;
      try {
        document = JSON.parse(decodeUtf8(bytes, context.sourceId, input.main.name));
      } catch (error) {
        throw fail(`truncated or malformed JSON: ${(error as Error).message}`, error);
      }
      const records = recordPath ? jsonAt(document, recordPath) : document;
      if (!Array.isArray(records))
        throw fail(`unknown layout: ${recordPath ? `"${recordPath}"` : 'the document'} is not an array of records`);
      const state: MappedOptions = { ...options, warnedCountries: new Set() };
      const label = recordPath ?? '';
      for (const [index, item] of records.entries()) {
        const where = `${label}[${index}]`;
        if (typeof item !== 'object' || item === null || Array.isArray(item)) {
          context.warn(`${where} is not an object: skipped`);
          continue;
        }
        const record = item as Record<string, unknown>;
        const values: RecordValues = { id: jsonValues(record, definition.idField!).join(' '), fields: {} };
        for (const [field, path] of fields) values.fields[field] = jsonValues(record, path);
        const mapped = mappedRecord(values, where, context, state);
        if (mapped) yield mapped;
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// CSV

function customCsvFormat(
  definition: CustomSourceDefinition,
  options: Omit<MappedOptions, 'warnedCountries'>,
): SourceFormat {
  const fields = mappedFields(definition);
  const idColumn = definition.idField!;
  const wanted = [idColumn, ...fields.map(([, column]) => column)];
  return {
    id: 'custom-csv',
    description: `CSV with a header row, id in column "${idColumn}" (custom source ${definition.id})`,
    // The header must name the id column: an HTML page, a JSON body or another CSV does not.
    sniff: (head) => {
      const header = (head.split(/\r?\n/, 1)[0] ?? '').split(',').map((cell) => cell.trim().replace(/^"|"$/g, ''));
      return header.includes(idColumn);
    },
    async *parse(input: ParseInput, context: ParseContext): AsyncGenerator<RegisterRecord> {
      const fail = (reason: string, cause?: unknown) =>
        new SourceFormatError(
          context.sourceId,
          `${input.main.name}: ${reason}`,
          cause === undefined ? undefined : { cause },
        );
      const source = input.main.open();
      const decoder = new StrictUtf8Decoder(context.sourceId, input.main.name);
      const text = Readable.from(
        (async function* () {
          for await (const chunk of source) yield typeof chunk === 'string' ? chunk : decoder.decode(chunk as Buffer);
          const rest = decoder.end();
          if (rest) yield rest;
        })(),
      );
      const parser = parseCsv({ bom: true, skip_empty_lines: true, relax_column_count: true });
      text.on('error', (error) => parser.destroy(error));
      text.pipe(parser);
      const state: MappedOptions = { ...options, warnedCountries: new Set() };
      let header: string[] | undefined;
      let row = 0;
      try {
        for await (const cells of parser as AsyncIterable<string[]>) {
          if (!header) {
            header = cells.map((cell) => cell.trim());
            const missing = wanted.filter((column) => !header!.includes(column));
            if (missing.length)
              throw fail(`unknown layout: the header lacks ${[...new Set(missing)].map((m) => `"${m}"`).join(', ')}`);
            continue;
          }
          row++;
          if (cells.length !== header.length)
            throw fail(`truncated or malformed: row ${row} has ${cells.length} cells, the header ${header.length}`);
          const cell = (column: string) => cells[header!.indexOf(column)] ?? '';
          const values: RecordValues = { id: cell(idColumn), fields: {} };
          for (const [field, column] of fields) {
            const text = cell(column);
            values.fields[field] = LIST_FIELDS.has(field)
              ? text
                  .split(CUSTOM_SOURCE_DEFAULTS.csvListSeparator)
                  .map(cleanText)
                  .filter((v) => v.length > 0)
              : [text];
          }
          const record = mappedRecord(values, `row ${row}`, context, state);
          if (record) yield record;
        }
      } catch (error) {
        if (error instanceof SourceFormatError) throw error;
        if (error instanceof CsvError && error.code === 'CSV_QUOTE_NOT_CLOSED')
          throw fail('truncated or malformed: a quoted cell is never closed', error);
        throw fail(`malformed CSV: ${(error as Error).message}`, error);
      } finally {
        source.destroy();
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------

export interface CustomSourceOptions {
  /** Topic rules for feed items (defaults merged with the configuration's). @default DEFAULT_TOPIC_RULES */
  readonly topicRules?: readonly TopicRule[];
}

function formatFor(definition: CustomSourceDefinition, list: string, topicRules: readonly TopicRule[]): SourceFormat {
  if (definition.format === 'rss' || definition.format === 'atom') {
    return feedXmlFormat({
      list,
      topicRules,
      description: `${definition.format === 'rss' ? 'RSS' : 'Atom'} feed (read as RSS 2.0, Atom 1.0 or RSS 1.0; custom source ${definition.id})`,
    });
  }
  if (!definition.idField || !definition.fields?.name) {
    throw new Error(
      `custom source ${definition.id}: format ${definition.format} needs idField and fields.name (the configuration check should have said so)`,
    );
  }
  const options = { definition, list, topics: definition.kind === 'feed' ? createTopicMatcher(topicRules) : undefined };
  switch (definition.format) {
    case 'xml':
      if (!definition.recordPath) throw new Error(`custom source ${definition.id}: format xml needs recordPath`);
      return customXmlFormat(definition, options);
    case 'json':
      return customJsonFormat(definition, options);
    case 'csv':
      return customCsvFormat(definition, options);
  }
}

const FORMAT_IDS: Readonly<Record<CustomSourceFormat, string>> = {
  rss: FEED_XML_FORMAT_ID,
  atom: FEED_XML_FORMAT_ID,
  xml: 'custom-xml',
  json: 'custom-json',
  csv: 'custom-csv',
};

/** The RegisterSource of a configuration entry: metadata, the one download, the one format. */
export function customSourceFrom(definition: CustomSourceDefinition, options: CustomSourceOptions = {}): CustomSource {
  const list = definition.list ?? definition.title;
  const format = formatFor(definition, list, options.topicRules ?? DEFAULT_TOPIC_RULES);
  const host = URL.canParse(definition.url) ? new URL(definition.url).host : definition.url;
  const bounds =
    definition.expectedRecords ??
    (definition.kind === 'feed' ? CUSTOM_SOURCE_DEFAULTS.feedRecords : CUSTOM_SOURCE_DEFAULTS.registerRecords);
  return {
    id: definition.id,
    title: definition.title,
    publisher: `${host} (custom source)`,
    jurisdiction: 'custom',
    kind: definition.kind,
    downloads: [
      {
        url: definition.url,
        format: FORMAT_IDS[definition.format],
        serves: `${definition.format.toUpperCase()} as defined in the configuration file (customSources)`,
      },
    ],
    formats: [format],
    schedule: definition.schedule ?? CUSTOM_SOURCE_DEFAULTS.schedule,
    expectedRecords: { ...bounds },
    homepage: definition.url,
    // A register's records get topics when their change events are built, under the same rules.
    ...(definition.kind === 'register' && options.topicRules ? { topicRules: options.topicRules } : {}),
    definition,
  };
}
