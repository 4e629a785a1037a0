import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONFIG_FILE,
  filterPolicyFor,
  loadConfig,
  parseConfig,
  scheduledSources,
} from '../../functions/config/config.ts';
import { CONFIG_SCHEMA_PATH, configJsonSchemaText } from '../../functions/config/write-json-schema.ts';
import { ConfigError } from '../../functions/core/errors.ts';
import { SOURCES } from '../../functions/sources/registry.ts';
import { PROJECT_ROOT } from '../helpers/cli.ts';

const EXAMPLE = join(PROJECT_ROOT, 'tradewatch.config.example.json');
const SECRET = { secretsManagerSecret: 'tradewatch/hook' };

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

const email = (id: string, filters?: Record<string, unknown>) => ({
  id,
  channel: { type: 'email', address: `${id}@example.com` },
  ...(filters ? { filters } : {}),
});

describe('loadConfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tradewatch-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads the example file with its subscribers and fills in every default', () => {
    const config = loadConfig(EXAMPLE);
    expect(config.subscribers.map((s) => [s.id, s.channel.type])).toEqual([
      ['entity-list-china', 'email'],
      ['sdn-additions', 'sms'],
      ['screening-system', 'webhook'],
      ['counterparties', 'email'],
      ['semiconductor-watch', 'email'],
    ]);
    expect(config.subscribers[3]!.watchlist).toEqual({
      file: join(PROJECT_ROOT, 'demo', 'watchlist.csv'),
      threshold: 0.85,
    });
    expect(config.sources['us-trade-csl']).toEqual({ enabled: true, schedule: 'rate(1 hour)' });
    expect(config.sources['us-ofac-sdn']).toEqual({
      enabled: true,
      schedule: SOURCES.find((s) => s.id === 'us-ofac-sdn')!.schedule,
    });
    expect(config.subscribers[0]!.filters).toEqual({
      sources: ['us-trade-csl'],
      lists: ['Entity List'],
      changeTypes: ['added'],
      countries: ['CN', 'HK'],
      includeHealth: false,
    });
    expect(config.subscribers[2]!.channel).toEqual({
      type: 'webhook',
      url: 'https://screening.example.com/hooks/tradewatch',
      secret: { secretsManagerSecret: 'tradewatch/webhooks/screening-system' },
      allowPrivateHosts: false,
    });
    expect(config.operations).toEqual({ email: 'tradewatch-ops@example.com' });
  });

  it('gives every registered source on its own schedule, and no subscriber, when there is no file', () => {
    const config = loadConfig(undefined, { cwd: dir });
    expect(config.subscribers).toEqual([]);
    expect(scheduledSources(config)).toEqual(SOURCES.map((s) => ({ id: s.id, schedule: s.schedule })));
  });

  it('reads tradewatch.config.json from the working directory when no path is given', async () => {
    const sub = join(dir, 'with-file');
    await mkdir(sub);
    await writeFile(
      join(sub, CONFIG_FILE),
      JSON.stringify({ sources: { 'us-ofac-consolidated': { enabled: false } } }),
    );
    const config = loadConfig(undefined, { cwd: sub });
    expect(scheduledSources(config).map((s) => s.id)).toEqual(
      SOURCES.map((s) => s.id).filter((id) => id !== 'us-ofac-consolidated'),
    );
  });

  it('refuses a named file that does not exist, and one that is not JSON, naming the file', async () => {
    expect(() => loadConfig('missing.json', { cwd: dir })).toThrow('config: cannot read missing.json: no such file');
    await writeFile(join(dir, 'broken.json'), '{ "subscribers": [ }');
    expect(() => loadConfig('broken.json', { cwd: dir })).toThrow(/^config: broken\.json is not valid JSON: /);
  });
});

describe('the config schema', () => {
  it('names an unknown source id and lists the known ones', () => {
    const known = SOURCES.map((s) => s.id).join(', ');
    expect(failure({ sources: { 'eu-nope': {} } })).toBe(`config: sources.eu-nope: unknown source (known: ${known})`);
    expect(failure({ subscribers: [email('a', { sources: ['us-ofac-sdn', 'uk-ofsi'] })] })).toBe(
      `config: subscribers[0].filters.sources[1]: unknown source "uk-ofsi" (known: ${known})`,
    );
  });

  it('refuses a schedule that is not an EventBridge expression', () => {
    expect(failure({ sources: { 'us-ofac-sdn': { schedule: 'every 5 minutes' } } })).toMatch(
      /^config: sources\.us-ofac-sdn\.schedule: must be an EventBridge schedule expression/,
    );
    expect(failure({ sources: { 'us-ofac-sdn': { schedule: 'rate(1 minutes)' } } })).toMatch(
      /^config: sources\.us-ofac-sdn\.schedule: /,
    );
    expect(
      parseConfig({
        sources: {
          'us-ofac-sdn': { schedule: 'cron(0 6 * * ? *)' },
          'un-sc-consolidated': { schedule: 'rate(1 day)' },
        },
      }).sources['us-ofac-sdn']!.schedule,
    ).toBe('cron(0 6 * * ? *)');
  });

  it('refuses a webhook on http', () => {
    const input = {
      subscribers: [
        email('a'),
        email('b'),
        { id: 'hook', channel: { type: 'webhook', url: 'http://hooks.example.com/in', secret: SECRET } },
      ],
    };
    expect(failure(input)).toBe('config: subscribers[2].channel.url: must use https');
  });

  it('refuses a webhook on a literal private, loopback or link-local address unless allowPrivateHosts is set', () => {
    const hook = (url: string, extra: Record<string, unknown> = {}) => ({
      subscribers: [{ id: 'hook', channel: { type: 'webhook', url, secret: SECRET, ...extra } }],
    });
    expect(failure(hook('https://10.1.2.3/in'))).toMatch(
      /^config: subscribers\[0\]\.channel\.url: 10\.1\.2\.3 is a private, loopback or link-local address \(private, 10\.0\.0\.0\/8\): set "allowPrivateHosts": true/,
    );
    expect(failure(hook('https://169.254.169.254/latest'))).toMatch(
      /^config: subscribers\[0\]\.channel\.url: 169\.254\.169\.254 is a private/,
    );
    expect(failure(hook('https://[::1]:8443/in'))).toMatch(/^config: subscribers\[0\]\.channel\.url: ::1 is a private/);
    expect(
      parseConfig(hook('http://127.0.0.1:9000/in', { allowPrivateHosts: true })).subscribers[0]!.channel,
    ).toMatchObject({ url: 'http://127.0.0.1:9000/in', allowPrivateHosts: true });
  });

  it('refuses a literal secret and says where secrets go', () => {
    const hook = (secret: unknown) => ({
      subscribers: [{ id: 'hook', channel: { type: 'webhook', url: 'https://hooks.example.com/in', secret } }],
    });
    for (const secret of [
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      { value: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
    ]) {
      const message = failure(hook(secret));
      expect(message).toMatch(
        /^config: subscribers\[0\]\.channel\.secret: a literal secret is not allowed in the config file: give \{ "secretsManagerSecret": .*"ssmParameter".*"env"/,
      );
      expect(message).not.toContain('MfKQ9r8');
    }
    expect(parseConfig(hook({ ssmParameter: '/tradewatch/hook' })).subscribers[0]!.channel).toMatchObject({
      secret: { ssmParameter: '/tradewatch/hook' },
    });
  });

  it('refuses a phone number that is not E.164', () => {
    expect(
      failure({ subscribers: [email('a'), { id: 'pager', channel: { type: 'sms', phoneNumber: '0612345678' } }] }),
    ).toMatch(/^config: subscribers\[1\]\.channel\.phoneNumber: must be an E\.164 phone number/);
    expect(failure({ operations: { sms: '+1 415 555 0100' } })).toMatch(
      /^config: operations\.sms: must be an E\.164 phone number/,
    );
  });

  it('refuses an address that is not an email address', () => {
    expect(failure({ subscribers: [{ id: 'a', channel: { type: 'email', address: 'compliance.example.com' } }] })).toBe(
      'config: subscribers[0].channel.address: must be an email address',
    );
    expect(failure({ operations: { email: 'ops@' } })).toBe('config: operations.email: must be an email address');
  });

  it('refuses a country that is not an upper-case ISO alpha-2 code', () => {
    expect(failure({ subscribers: [email('a', { countries: ['CN', 'hk'] })] })).toMatch(
      /^config: subscribers\[0\]\.filters\.countries\[1\]: must be an ISO 3166-1 alpha-2 country code in upper case/,
    );
    expect(failure({ subscribers: [email('a', { countries: ['XX'] })] })).toBe(
      'config: subscribers[0].filters.countries[0]: is not an ISO 3166-1 alpha-2 country code',
    );
    expect(failure({ subscribers: [email('a', { countries: ['CHN'] })] })).toMatch(
      /^config: subscribers\[0\]\.filters\.countries\[0\]: /,
    );
  });

  it('refuses a filter policy over 5 attribute names, naming the subscriber', () => {
    const filters = {
      sources: ['us-trade-csl'],
      lists: ['Entity List'],
      countries: ['CN'],
      programs: ['EAR'],
      keywords: ['optics'],
    };
    expect(failure({ subscribers: [email('too-many', filters)] })).toBe(
      'config: subscribers[0].filters: subscriber "too-many": its filter policy reads 6 attributes (source, changeType, list, countries, programs, matchedKeywords) where SNS allows at most 5: drop a filter or split the subscriber in two',
    );
  });

  it('refuses a filter policy over 150 value combinations, naming the subscriber', () => {
    const countries = [
      'CN',
      'HK',
      'RU',
      'IR',
      'KP',
      'SY',
      'BY',
      'VE',
      'CU',
      'MM',
      'AF',
      'IQ',
      'LY',
      'SD',
      'YE',
      'ZW',
      'NI',
      'ML',
      'CF',
      'SO',
      'SS',
      'LB',
      'CD',
      'ET',
      'BA',
      'RS',
    ];
    const filters = { countries, programs: ['RUSSIA-EO14024', 'IRAN', 'SDGT'] };
    expect(failure({ subscribers: [email('ok'), email('wide', filters)] })).toBe(
      'config: subscribers[1].filters: subscriber "wide": its filter policy has 234 value combinations (changeType 3 × countries 26 × programs 3) where SNS allows at most 150: drop a filter or split the subscriber in two',
    );
    // The same filters on one change type fit: 1 × 26 × 3 = 78.
    expect(
      parseConfig({ subscribers: [email('narrow', { ...filters, changeTypes: ['added'] })] }).subscribers,
    ).toHaveLength(1);
  });

  it('refuses a duplicate subscriber id and an id that is not kebab-case', () => {
    expect(failure({ subscribers: [email('alerts'), email('other'), email('alerts')] })).toBe(
      'config: subscribers[2].id: duplicate subscriber id "alerts" (also subscribers[0])',
    );
    expect(failure({ subscribers: [email('Alerts_1')] })).toMatch(/^config: subscribers\[0\]\.id: must be kebab-case/);
  });

  it('refuses unknown keys and an unknown channel type', () => {
    expect(failure({ subscriber: [] })).toBe('config: subscriber: unknown key');
    expect(failure({ subscribers: [email('a', { country: ['CN'] })] })).toBe(
      'config: subscribers[0].filters.country: unknown key',
    );
    expect(failure({ subscribers: [{ id: 'a', channel: { type: 'pager', number: '1' } }] })).toBe(
      'config: subscribers[0].channel.type: type must be "email", "sms" or "webhook"',
    );
  });

  it('refuses a topic rule whose topic is not kebab-case or that has no keyword, and adds nothing by default', () => {
    expect(failure({ topics: [{ topic: 'Export Licence', keywords: ['licence'] }] })).toMatch(
      /^config: topics\[0\]\.topic: must be kebab-case/,
    );
    expect(failure({ topics: [{ topic: 'drones', keywords: [] }] })).toBe(
      'config: topics[0].keywords: must not be empty',
    );
    expect(failure({ topics: [{ topic: 'drones', keywords: ['uav', '--'] }] })).toBe(
      'config: topics[0].keywords[1]: must hold a letter or a digit',
    );
    expect(parseConfig({ topics: [{ topic: 'drones', keywords: ['UAV'] }] }).topics).toEqual([
      { topic: 'drones', keywords: ['UAV'] },
    ]);
    const config = parseConfig({});
    expect(config.topics).toEqual([]);
    expect(config.customSources).toEqual([]);
  });

  it('names every problem at once, joined with "; "', () => {
    const input = {
      sources: { 'us-ofac-sdn': { enabled: 'yes' } },
      subscribers: [
        { id: 'hook', channel: { type: 'webhook', url: 'http://hooks.example.com', secret: 'whsec_x' } },
        { id: 'sms', channel: { type: 'sms' } },
      ],
    };
    const message = failure(input);
    expect(
      message
        .replace(/^config: /, '')
        .split('; ')
        .map((part) => part.split(': ')[0]),
    ).toEqual([
      'sources.us-ofac-sdn.enabled',
      'subscribers[0].channel.secret',
      'subscribers[0].channel.url',
      'subscribers[1].channel.phoneNumber',
    ]);
    expect(message).not.toContain('\n');
  });
});

describe('filterPolicyFor', () => {
  const subscriber = (filters: Record<string, unknown>) =>
    parseConfig({ subscribers: [{ id: 'sub', channel: { type: 'email', address: 'a@example.com' }, filters }] })
      .subscribers[0]!;

  it('selects every change and no health event for a subscriber without filters', () => {
    expect(filterPolicyFor(subscriber({}))).toEqual({ changeType: ['added', 'removed', 'modified'] });
  });

  it('puts each filter on the attribute messageAttributes sets, and a keyword filter on matchedKeywords', () => {
    expect(
      filterPolicyFor(
        subscriber({
          sources: ['us-trade-csl'],
          lists: ['Entity List'],
          changeTypes: ['added'],
          countries: ['CN', 'HK', 'CN'],
          keywords: ['semiconductor'],
        }),
      ),
    ).toEqual({
      source: ['us-trade-csl'],
      changeType: ['added'],
      list: ['Entity List'],
      countries: ['CN', 'HK'],
      matchedKeywords: ['sub'],
    });
  });

  it('adds health to the change types when nothing else would keep health events out', () => {
    expect(
      filterPolicyFor(subscriber({ sources: ['us-ofac-sdn'], changeTypes: ['removed'], includeHealth: true })),
    ).toEqual({ source: ['us-ofac-sdn'], changeType: ['removed', 'health'] });
  });

  it('gives health events their own $or branch when the subscriber filters on what they do not carry', () => {
    expect(filterPolicyFor(subscriber({ lists: ['SDN'], programs: ['SDGT'], includeHealth: true }))).toEqual({
      $or: [
        { changeType: ['added', 'removed', 'modified'], list: ['SDN'], programs: ['SDGT'] },
        { changeType: ['health'] },
      ],
    });
  });
});

describe('tradewatch.config.schema.json', () => {
  it('is what the zod schema generates (regenerate with `npx tsx functions/config/write-json-schema.ts`)', () => {
    expect(readFileSync(CONFIG_SCHEMA_PATH, 'utf8')).toBe(configJsonSchemaText());
  });

  it('describes customSources and topics for editors: the formats, kinds and the kebab-case patterns', () => {
    type Items = { items: { properties: Record<string, { enum?: string[]; pattern?: string }>; required?: string[] } };
    const schema = JSON.parse(configJsonSchemaText()) as { properties: { customSources: Items; topics: Items } };
    const custom = schema.properties.customSources.items;
    expect(custom.properties.format!.enum).toEqual(['rss', 'atom', 'xml', 'json', 'csv']);
    expect(custom.properties.kind!.enum).toEqual(['feed', 'register']);
    expect(custom.required).toEqual(expect.arrayContaining(['id', 'title', 'kind', 'url', 'format']));
    expect(schema.properties.topics.items.properties.topic!.pattern).toBe('^[a-z0-9]+(?:-[a-z0-9]+)*$');
  });

  it('lists the registered sources as the only keys of `sources`, for editors', () => {
    const schema = JSON.parse(configJsonSchemaText()) as {
      properties: { sources: { propertyNames: { enum: string[] } } };
    };
    expect(schema.properties.sources.propertyNames.enum).toEqual(SOURCES.map((s) => s.id));
  });
});

describe('the Federal Register query in the configuration', () => {
  it('rebuilds the us-federal-register source with the configured agencies, types and terms', async () => {
    const { sourcesFor } = await import('../../functions/sources/registry.ts');
    const { sourcesConfigEnv, sourcesConfigFromEnv } = await import('../../functions/config/config.ts');
    const config = parseConfig({
      federalRegister: {
        agencies: ['industry-and-security-bureau'],
        types: ['RULE'],
        terms: 'entity list',
        perPage: 50,
      },
    });
    const url = decodeURIComponent(sourcesFor(config).find((s) => s.id === 'us-federal-register')!.downloads[0]!.url);
    expect(url).toContain('conditions[agencies][]=industry-and-security-bureau');
    expect(url).not.toContain('foreign-assets-control-office');
    expect(url).toContain('conditions[type][]=RULE');
    expect(url).toContain('conditions[term]=entity+list');
    expect(url).toContain('per_page=50');
    // The pollers on AWS get the same query through their environment.
    const fromEnv = sourcesConfigFromEnv(sourcesConfigEnv(config));
    expect(decodeURIComponent(sourcesFor(fromEnv).find((s) => s.id === 'us-federal-register')!.downloads[0]!.url)).toBe(
      url,
    );
    // Without the key, the registered source itself.
    expect(sourcesFor(parseConfig({})).find((s) => s.id === 'us-federal-register')).toBe(
      SOURCES.find((s) => s.id === 'us-federal-register'),
    );
  });

  it('names a bad agency slug and a bad page size', () => {
    expect(failure({ federalRegister: { agencies: ['Bureau of Industry'] } })).toMatch(
      /^config: federalRegister\.agencies\[0\]: must be a FederalRegister\.gov agency slug/,
    );
    expect(failure({ federalRegister: { perPage: 5000 } })).toMatch(/^config: federalRegister\.perPage: /);
  });
});
