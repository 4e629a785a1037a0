import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseConfig,
  scheduledSources,
  sourcesConfigEnv,
  sourcesConfigFromEnv,
} from '../../functions/config/config.ts';
import { ConfigError, SourceFormatError } from '../../functions/core/errors.ts';
import type { RegisterRecord } from '../../functions/core/records.ts';
import {
  CUSTOM_SOURCE_DEFAULTS,
  allowsPrivateHosts,
  customSourceFrom,
  isCustomSource,
  type CustomSourceDefinition,
} from '../../functions/sources/custom.ts';
import { bufferDocument, fileDocument } from '../../functions/sources/read/document.ts';
import { SOURCES, findSource, sourcesFor } from '../../functions/sources/registry.ts';
import { usOfacRecentActions } from '../../functions/sources/us-ofac-recent-actions.ts';
import { PROJECT_ROOT } from '../helpers/cli.ts';
import { byId, parseWith } from '../helpers/parse.ts';

const FIXTURES = join(PROJECT_ROOT, 'tests', 'fixtures');
const custom = (file: string) => fileDocument(join(FIXTURES, 'custom', file));

const XML_SOURCE = {
  id: 'example-watchlist',
  title: 'Example watch list',
  kind: 'register',
  url: 'https://example.org/watchlist.xml',
  format: 'xml',
  recordPath: 'entry',
  idField: '@ref',
  fields: {
    name: 'name',
    aliases: 'alias',
    countries: 'address.country',
    addresses: 'address.line',
    programs: 'program',
    listedOn: 'listed',
    remarks: 'note',
    link: 'url',
  },
} as const;

const JSON_SOURCE = {
  id: 'example-parties-json',
  title: 'Example parties (JSON)',
  kind: 'register',
  url: 'https://example.org/parties.json',
  format: 'json',
  recordPath: 'data.items',
  idField: 'id',
  list: 'Example parties',
  fields: {
    name: 'names.primary',
    aliases: 'names.other',
    countries: 'country',
    addresses: 'addresses',
    programs: 'programme',
    listedOn: 'listed',
    remarks: 'notes',
    link: 'links.page',
  },
} as const;

const CSV_SOURCE = {
  id: 'example-parties-csv',
  title: 'Example parties (CSV)',
  kind: 'register',
  url: 'https://example.org/parties.csv',
  format: 'csv',
  idField: 'party_id',
  fields: {
    name: 'party_name',
    aliases: 'other_names',
    countries: 'country',
    listedOn: 'listed_on',
    remarks: 'remarks',
  },
} as const;

const RSS_SOURCE = {
  id: 'agency-notices',
  title: 'Agency notices',
  kind: 'feed',
  url: 'https://example.org/notices.rss',
  format: 'rss',
} as const;

/** The one-line message a config fails with. */
function failure(input: unknown): string {
  try {
    parseConfig(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('the config was accepted');
}

const one = (definition: Record<string, unknown>) => ({ customSources: [definition] });

describe('customSources in the configuration', () => {
  it('accepts a source of each format and fills in the defaults', () => {
    const config = parseConfig({ customSources: [XML_SOURCE, JSON_SOURCE, CSV_SOURCE, RSS_SOURCE] });
    expect(config.customSources.map((s) => [s.id, s.schedule, s.allowPrivateHosts])).toEqual([
      ['example-watchlist', CUSTOM_SOURCE_DEFAULTS.schedule, false],
      ['example-parties-json', CUSTOM_SOURCE_DEFAULTS.schedule, false],
      ['example-parties-csv', CUSTOM_SOURCE_DEFAULTS.schedule, false],
      ['agency-notices', CUSTOM_SOURCE_DEFAULTS.schedule, false],
    ]);
    expect(config.sources['agency-notices']).toEqual({ enabled: true, schedule: 'rate(15 minutes)' });
    expect(scheduledSources(config).map((s) => s.id)).toEqual([
      ...SOURCES.map((s) => s.id),
      'example-watchlist',
      'example-parties-json',
      'example-parties-csv',
      'agency-notices',
    ]);
  });

  it('refuses an id that clashes with a registered source, and a duplicate id', () => {
    expect(failure(one({ ...RSS_SOURCE, id: 'us-ofac-sdn' }))).toBe(
      'config: customSources[0].id: clashes with the registered source "us-ofac-sdn" (pick another id)',
    );
    expect(failure({ customSources: [RSS_SOURCE, XML_SOURCE, { ...CSV_SOURCE, id: RSS_SOURCE.id }] })).toBe(
      'config: customSources[2].id: duplicate custom source id "agency-notices" (also customSources[0])',
    );
    expect(failure(one({ ...RSS_SOURCE, id: 'Agency_Notices' }))).toMatch(
      /^config: customSources\[0\]\.id: must be kebab-case/,
    );
  });

  it('refuses an http URL and one with credentials', () => {
    expect(failure(one({ ...RSS_SOURCE, url: 'http://example.org/notices.rss' }))).toBe(
      'config: customSources[0].url: must use https',
    );
    expect(failure(one({ ...RSS_SOURCE, url: 'https://user:pass@example.org/notices.rss' }))).toBe(
      'config: customSources[0].url: must not carry credentials',
    );
    expect(failure(one({ ...RSS_SOURCE, url: 'notices.rss' }))).toBe(
      'config: customSources[0].url: must be an absolute URL',
    );
  });

  it('refuses a literal private, loopback or link-local address unless allowPrivateHosts is set', () => {
    expect(failure(one({ ...RSS_SOURCE, url: 'https://10.0.0.5/notices.rss' }))).toMatch(
      /^config: customSources\[0\]\.url: 10\.0\.0\.5 is a private, loopback or link-local address \(private, 10\.0\.0\.0\/8\): set "allowPrivateHosts": true/,
    );
    expect(failure(one({ ...RSS_SOURCE, url: 'https://169.254.169.254/latest/meta-data' }))).toMatch(
      /^config: customSources\[0\]\.url: 169\.254\.169\.254 is a private/,
    );
    expect(failure(one({ ...RSS_SOURCE, url: 'https://[fd00::1]/feed' }))).toMatch(
      /^config: customSources\[0\]\.url: fd00::1 is a private/,
    );
    expect(failure(one({ ...RSS_SOURCE, url: 'https://localhost:8443/feed' }))).toMatch(
      /^config: customSources\[0\]\.url: localhost is a private/,
    );
    const allowed = parseConfig(
      one({ ...RSS_SOURCE, url: 'http://127.0.0.1:9000/notices.rss', allowPrivateHosts: true }),
    );
    expect(allowed.customSources[0]).toMatchObject({
      url: 'http://127.0.0.1:9000/notices.rss',
      allowPrivateHosts: true,
    });
  });

  it('refuses a mapping that does not fit the format, naming the key', () => {
    expect(failure(one({ ...XML_SOURCE, recordPath: undefined }))).toBe(
      'config: customSources[0].recordPath: is required for the xml format: the name of the element that holds one record',
    );
    expect(failure(one({ ...XML_SOURCE, recordPath: 'ns:entry' }))).toBe(
      'config: customSources[0].recordPath: must be one element name, without namespace prefix',
    );
    expect(failure(one({ ...XML_SOURCE, fields: { ...XML_SOURCE.fields, name: 'ns:name' } }))).toMatch(
      /^config: customSources\[0\]\.fields\.name: must be an element name, a dotted path of child element names, or "@attribute" at its end/,
    );
    expect(failure(one({ ...CSV_SOURCE, recordPath: 'rows' }))).toBe(
      'config: customSources[0].recordPath: is not used by the csv format (every row is a record)',
    );
    expect(failure(one({ ...JSON_SOURCE, idField: undefined }))).toBe(
      'config: customSources[0].idField: is required for the json format: where the record id is read',
    );
    expect(failure(one({ ...JSON_SOURCE, fields: undefined }))).toBe(
      'config: customSources[0].fields: is required for the json format: at least { "name": ... }',
    );
    expect(failure(one({ ...JSON_SOURCE, fields: { aliases: 'names.other' } }))).toBe(
      'config: customSources[0].fields.name: is required (string)',
    );
    expect(failure(one({ ...JSON_SOURCE, recordPath: 'data..items' }))).toBe(
      'config: customSources[0].recordPath: must be a dotted path such as "results" or "data.items"',
    );
    expect(failure(one({ ...RSS_SOURCE, idField: 'guid', fields: { name: 'title' } }))).toBe(
      'config: customSources[0].idField: is not used by the rss format (feed items are read without a mapping); customSources[0].fields: is not used by the rss format (feed items are read without a mapping)',
    );
    expect(failure(one({ ...RSS_SOURCE, format: 'yaml' }))).toBe(
      'config: customSources[0].format: must be one of rss, atom, xml, json, csv',
    );
    expect(failure(one({ ...CSV_SOURCE, fields: { ...CSV_SOURCE.fields, colour: 'x' } }))).toBe(
      'config: customSources[0].fields.colour: unknown key',
    );
  });

  it('refuses record-count bounds whose minimum is over the maximum, and a bad schedule', () => {
    expect(failure(one({ ...RSS_SOURCE, expectedRecords: { min: 50, max: 10 } }))).toBe(
      'config: customSources[0].expectedRecords.max: must be at least min',
    );
    expect(failure(one({ ...RSS_SOURCE, schedule: 'hourly' }))).toMatch(
      /^config: customSources\[0\]\.schedule: must be an EventBridge schedule expression/,
    );
  });

  it('lets a subscriber filter on a custom source, and lists the custom ids among the known ones', () => {
    const email = { type: 'email', address: 'a@example.com' };
    const config = parseConfig({
      customSources: [RSS_SOURCE],
      subscribers: [{ id: 'notices', channel: email, filters: { sources: ['agency-notices', 'us-ofac-sdn'] } }],
    });
    expect(config.subscribers[0]!.filters.sources).toEqual(['agency-notices', 'us-ofac-sdn']);
    const message = failure({
      customSources: [RSS_SOURCE],
      subscribers: [{ id: 'notices', channel: email, filters: { sources: ['agency-notice'] } }],
    });
    expect(message).toBe(
      `config: subscribers[0].filters.sources[0]: unknown source "agency-notice" (known: ${[...SOURCES.map((s) => s.id), 'agency-notices'].join(', ')})`,
    );
  });

  it('names every problem at once: a bad custom source beside a bad subscriber', () => {
    const message = failure({
      customSources: [{ ...RSS_SOURCE, url: 'http://example.org/x' }],
      subscribers: [{ id: 'a', channel: { type: 'email', address: 'nope' }, filters: { sources: ['nowhere'] } }],
    });
    expect(
      message
        .replace(/^config: /, '')
        .split('; ')
        .map((part) => part.split(': ')[0]),
    ).toEqual(['subscribers[0].channel.address', 'customSources[0].url', 'subscribers[0].filters.sources[0]']);
  });
});

describe('customSourceFrom', () => {
  it('builds the source: kind, schedule, bounds, one download and one format', () => {
    const config = parseConfig({
      customSources: [XML_SOURCE, { ...RSS_SOURCE, schedule: 'rate(1 hour)', expectedRecords: { min: 2, max: 40 } }],
    });
    const xml = customSourceFrom(config.customSources[0]!);
    const rss = customSourceFrom(config.customSources[1]!);
    expect(xml).toMatchObject({
      id: 'example-watchlist',
      kind: 'register',
      schedule: 'rate(15 minutes)',
      expectedRecords: CUSTOM_SOURCE_DEFAULTS.registerRecords,
      homepage: XML_SOURCE.url,
    });
    expect(xml.downloads).toEqual([
      { url: XML_SOURCE.url, format: 'custom-xml', serves: 'XML as defined in the configuration file (customSources)' },
    ]);
    expect(xml.formats.map((f) => f.id)).toEqual(['custom-xml']);
    expect(rss).toMatchObject({ kind: 'feed', schedule: 'rate(1 hour)', expectedRecords: { min: 2, max: 40 } });
    expect(rss.formats.map((f) => f.id)).toEqual(['feed-xml']);
    expect(isCustomSource(rss)).toBe(true);
    expect(isCustomSource(usOfacRecentActions)).toBe(false);
  });

  it('parses a custom RSS feed like a registered one, under the title as list name', async () => {
    const source = customSourceFrom(parseConfig(one(RSS_SOURCE)).customSources[0]!);
    const { records } = await parseWith(
      source,
      fileDocument(join(FIXTURES, 'feeds', 'us-ofac-recent-actions', 'feed.v1.rss')),
    );
    expect(records).toHaveLength(3);
    expect(records[0]).toMatchObject({
      id: 'https://content.govdelivery.com/accounts/USTREAS/bulletins/9fa1c01',
      source: 'agency-notices',
      list: 'Agency notices',
      kind: 'other',
      topics: ['russia', 'sanctions'],
    });
  });

  it('parses an XML register through its mapping: attributes, repeated and nested elements, dates', async () => {
    const source = customSourceFrom(parseConfig(one(XML_SOURCE)).customSources[0]!);
    const { records, warnings } = await parseWith(source, custom('watchlist.xml'));
    expect(records).toEqual<RegisterRecord[]>([
      {
        id: 'CX-001',
        source: 'example-watchlist',
        list: 'Example watch list',
        kind: 'other',
        name: 'Kestrel Harbour Logistics LLC',
        aliases: ['Kestrel Harbor Logistics', 'KHL'],
        countries: ['RU', 'AE'],
        addresses: ['12 Quay Road, Novorossiysk', 'Office 4, Jebel Ali Free Zone, Dubai'],
        programs: ['RUS-2099'],
        links: ['https://example.org/watchlist/CX-001'],
        listedOn: '2099-03-04',
        remarks: 'Operates two vessels.',
        extra: {},
      },
      {
        id: 'CX-002',
        source: 'example-watchlist',
        list: 'Example watch list',
        kind: 'other',
        name: 'Orlin Vasquez-Trent',
        aliases: [],
        countries: [],
        addresses: ['Unknown'],
        programs: [],
        links: [],
        extra: { countriesText: ['Atlantis'], listedOnText: '04/03/2099' },
      },
    ]);
    expect(warnings).toEqual([
      'country "Atlantis" names no single ISO 3166 country; kept in extra.countriesText',
      '<entry> 2 (CX-002): date "04/03/2099" is not a date this reader knows; kept in extra.listedOnText',
      '<entry> 3: no @ref (the id field): skipped',
    ]);
  });

  it('parses a JSON register at a dotted record path: numbers as ids, arrays as lists, objects by path', async () => {
    const source = customSourceFrom(parseConfig(one(JSON_SOURCE)).customSources[0]!);
    const { records, warnings } = await parseWith(source, custom('watchlist.json'));
    expect(records).toEqual<RegisterRecord[]>([
      {
        id: '101',
        source: 'example-parties-json',
        list: 'Example parties',
        kind: 'other',
        name: 'Lumora Microsystems Co., Ltd.',
        aliases: ['Lumora Micro', 'LMS'],
        countries: ['CN', 'HK'],
        addresses: ['88 Harbour Road, Wan Chai, Hong Kong'],
        programs: ['EXPORT-CONTROL'],
        links: ['https://example.org/parties/101'],
        listedOn: '2099-02-03',
        remarks: 'Supplies integrated circuits.',
        extra: {},
      },
      {
        id: '102',
        source: 'example-parties-json',
        list: 'Example parties',
        kind: 'other',
        name: 'Zarvan Composite Materials',
        aliases: [],
        countries: ['IR'],
        addresses: [],
        programs: [],
        links: [],
        extra: {},
      },
    ]);
    expect(warnings).toEqual([
      'data.items[2] is not an object: skipped',
      'data.items[3] (104): no names.primary (the name field): skipped',
    ]);
  });

  it('parses a CSV register by its header: quoted cells, list cells split on ";", CRLF line ends', async () => {
    const source = customSourceFrom(parseConfig(one(CSV_SOURCE)).customSources[0]!);
    const { records, warnings } = await parseWith(source, custom('parties.csv'));
    expect(records).toEqual<RegisterRecord[]>([
      {
        id: 'P-1',
        source: 'example-parties-csv',
        list: 'Example parties (CSV)',
        kind: 'other',
        name: 'Northwind Precision Machinery Trading Corporation',
        aliases: ['Northwind Precision', 'NPM Trading'],
        countries: ['CN'],
        addresses: [],
        programs: [],
        links: [],
        listedOn: '2099-01-15',
        remarks: 'Machine tools, CNC',
        extra: {},
      },
      {
        id: 'P-2',
        source: 'example-parties-csv',
        list: 'Example parties (CSV)',
        kind: 'other',
        name: 'Tavin Orek Saldu',
        aliases: [],
        countries: ['SO'],
        addresses: [],
        programs: [],
        links: [],
        extra: {},
      },
    ]);
    expect(warnings).toEqual(['row 3: no party_id (the id field): skipped']);
  });

  it('gives topics to the records of a custom feed in XML, JSON or CSV, not to a register', async () => {
    const feed = customSourceFrom(parseConfig(one({ ...CSV_SOURCE, kind: 'feed' })).customSources[0]!);
    const register = customSourceFrom(parseConfig(one(CSV_SOURCE)).customSources[0]!);
    const csv =
      'party_id,party_name,other_names,country,listed_on,remarks\nN-1,New Entity List additions,,,,semiconductor equipment\n';
    expect((await parseWith(feed, bufferDocument('parties.csv', csv))).records[0]!.topics).toEqual([
      'entity-list',
      'semiconductors',
    ]);
    expect((await parseWith(register, bufferDocument('parties.csv', csv))).records[0]!.topics).toBeUndefined();
  });

  it('refuses a truncated JSON document, a record path that is not an array, a CSV header without a mapped column and a truncated XML file', async () => {
    const json = customSourceFrom(parseConfig(one(JSON_SOURCE)).customSources[0]!);
    const text = await (await import('node:fs/promises')).readFile(join(FIXTURES, 'custom', 'watchlist.json'), 'utf8');
    await expect(parseWith(json, bufferDocument('watchlist.json', text.slice(0, 300)))).rejects.toThrow(
      /^example-parties-json: parse: watchlist\.json: truncated or malformed JSON: /,
    );
    await expect(parseWith(json, bufferDocument('watchlist.json', '{"data": {"items": {"id": 1}}}'))).rejects.toThrow(
      'example-parties-json: parse: watchlist.json: unknown layout: "data.items" is not an array of records',
    );
    const csv = customSourceFrom(parseConfig(one(CSV_SOURCE)).customSources[0]!);
    const error = await parseWith(csv, bufferDocument('parties.csv', 'party_id,party_name\nP-1,X\n')).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SourceFormatError);
    expect((error as Error).message).toBe(
      'example-parties-csv: parse: parties.csv: unknown layout: the header lacks "other_names", "country", "listed_on", "remarks"',
    );
    await expect(
      parseWith(
        csv,
        bufferDocument('parties.csv', 'party_id,party_name,other_names,country,listed_on,remarks\nP-1,"Cut'),
      ),
    ).rejects.toThrow(/parties\.csv: truncated or malformed/);
    const xml = customSourceFrom(parseConfig(one(XML_SOURCE)).customSources[0]!);
    const whole = await (await import('node:fs/promises')).readFile(join(FIXTURES, 'custom', 'watchlist.xml'), 'utf8');
    await expect(
      parseWith(xml, bufferDocument('watchlist.xml', whole.slice(0, whole.indexOf('<entry ref="CX-002">') + 30))),
    ).rejects.toBeInstanceOf(SourceFormatError);
  });

  it('does not take an HTML page or a document of another format for the configured one', async () => {
    const csv = customSourceFrom(parseConfig(one(CSV_SOURCE)).customSources[0]!);
    await expect(parseWith(csv, bufferDocument('parties.csv', '{"party_id": 1}'))).rejects.toThrow(
      'example-parties-csv: parse: parties.csv is in an unknown layout (expected one of: custom-csv)',
    );
    const json = customSourceFrom(parseConfig(one(JSON_SOURCE)).customSources[0]!);
    await expect(
      parseWith(json, bufferDocument('x.json', '<!DOCTYPE html><html><title>Login</title></html>')),
    ).rejects.toThrow(/is an HTML page \("Login"\)/);
  });
});

describe('sourcesFor and findSource with a configuration', () => {
  it('gives the registered sources unchanged, then the custom ones', () => {
    const config = parseConfig({ customSources: [RSS_SOURCE, XML_SOURCE] });
    const all = sourcesFor(config);
    expect(all.slice(0, SOURCES.length)).toEqual(SOURCES);
    expect(all.slice(0, SOURCES.length).every((source, index) => source === SOURCES[index])).toBe(true);
    expect(all.slice(SOURCES.length).map((s) => s.id)).toEqual(['agency-notices', 'example-watchlist']);
    expect(findSource('example-watchlist', config)?.title).toBe('Example watch list');
    expect(findSource('example-watchlist')).toBeUndefined();
    expect(findSource('us-ofac-sdn', config)).toBe(SOURCES[0]);
    expect(sourcesFor(config)).toBe(all);
  });

  it('rebuilds the feeds with the configured topic rules, custom feeds included, and gives registers the rules for their events', async () => {
    const config = parseConfig({ topics: [{ topic: 'vessels', keywords: ['vessel'] }], customSources: [RSS_SOURCE] });
    const ofac = findSource('us-ofac-recent-actions', config)!;
    expect(ofac).not.toBe(usOfacRecentActions);
    const sdn = findSource('us-ofac-sdn', config)!;
    // The register parses as before (its records and hashes do not depend on the rules).
    expect(sdn.formats).toBe(findSource('us-ofac-sdn')!.formats);
    expect(sdn.topicRules!.find((rule) => rule.topic === 'vessels')!.keywords).toEqual(['vessel']);
    expect(findSource('us-ofac-sdn')!.topicRules).toBeUndefined();
    const fixture = fileDocument(join(FIXTURES, 'feeds', 'us-ofac-recent-actions', 'feed.v1.rss'));
    const id = 'https://content.govdelivery.com/accounts/USTREAS/bulletins/9fa1c01';
    expect(byId((await parseWith(ofac, fixture)).records).get(id)!.topics).toEqual(['russia', 'sanctions', 'vessels']);
    expect(byId((await parseWith(usOfacRecentActions, fixture)).records).get(id)!.topics).toEqual([
      'russia',
      'sanctions',
    ]);
    expect(byId((await parseWith(findSource('agency-notices', config)!, fixture)).records).get(id)!.topics).toEqual([
      'russia',
      'sanctions',
      'vessels',
    ]);
  });

  it('allows private hosts at fetch time only for a custom source whose definition says so', () => {
    const config = parseConfig({
      customSources: [RSS_SOURCE, { ...XML_SOURCE, url: 'http://127.0.0.1:8080/list.xml', allowPrivateHosts: true }],
    });
    expect(allowsPrivateHosts(findSource('example-watchlist', config)!)).toBe(true);
    expect(allowsPrivateHosts(findSource('agency-notices', config)!)).toBe(false);
    expect(allowsPrivateHosts(usOfacRecentActions)).toBe(false);
  });
});

describe('the custom sources and topics in the pollers’ environment', () => {
  it('round-trips through sourcesConfigEnv and sourcesConfigFromEnv', () => {
    const config = parseConfig({
      topics: [{ topic: 'vessels', keywords: ['vessel', 'tanker'] }],
      customSources: [RSS_SOURCE, JSON_SOURCE],
    });
    const env = sourcesConfigEnv(config);
    const read = sourcesConfigFromEnv(env);
    expect(read).toEqual({ customSources: config.customSources, topics: config.topics });
    expect(sourcesFor(read).map((s) => s.id)).toEqual(sourcesFor(config).map((s) => s.id));
    expect(sourcesConfigEnv(parseConfig({}))).toBe('');
    expect(sourcesConfigFromEnv('')).toEqual({});
  });

  it('fails loudly on a malformed value, naming the variable and the key', () => {
    expect(() => sourcesConfigFromEnv('{not json')).toThrow(
      /^config: environment variable TRADEWATCH_SOURCES_CONFIG is not valid JSON: /,
    );
    expect(() =>
      sourcesConfigFromEnv(JSON.stringify({ customSources: [{ ...RSS_SOURCE, url: 'http://x.example/' }] })),
    ).toThrow('config: TRADEWATCH_SOURCES_CONFIG.customSources[0].url: must use https');
  });

  it('keeps its definitions typed as CustomSourceDefinition', () => {
    const definitions: readonly CustomSourceDefinition[] = parseConfig(one(CSV_SOURCE)).customSources;
    expect(definitions[0]!.idField).toBe('party_id');
  });
});
