/**
 * The configuration's zod schema: every key, its default and its check, in the order of the file
 * it validates (see config.ts for what it refuses on purpose, and loading). It stays one document
 * over 500 lines because its sections check each other (crossChecks: custom source ids against the
 * registry, subscribers' sources against both) and the JSON Schema for editors is generated from it
 * whole.
 */
import { z } from 'zod';
import { countryCode } from '../core/countries.ts';
import { hostProblem } from '../http/address-guard.ts';
import { SNS_POLICY_LIMITS, policyComplexity, type FilterPolicy } from '../core/filter-policy.ts';
import { normalizeKeywordText } from '../core/keyword-text.ts';
import { DEFAULT_THRESHOLD } from '../match/score.ts';
import { hitChangeType } from '../core/events.ts';
import { WEEKDAYS, isTimeZone } from '../core/digest-schedule.ts';
import type { ChangeType } from '../core/diff.ts';
import { CUSTOM_SOURCE_DEFAULTS, CUSTOM_SOURCE_FORMATS, type CustomSourceDefinition } from '../sources/custom.ts';
import { SOURCES } from '../sources/registry.ts';

export const CONFIG_FILE = 'tradewatch.config.json';
export const CONFIG_SCHEMA_FILE = 'tradewatch.config.schema.json';

/** Every default of the configuration (source schedules default to each source's own, in the registry). */
export const CONFIG_DEFAULTS = {
  sourceEnabled: true,
  includeHealth: false,
  allowPrivateHosts: false,
} as const;

export const CHANGE_TYPES = ['added', 'removed', 'modified'] as const satisfies readonly ChangeType[];
/** The change types a subscriber filters on: the diff's own (core/diff.ts). */
export type { ChangeType };

/** The `changeType` attribute value of source-health events (functions/core/events.ts). */
export const HEALTH_CHANGE_TYPE = 'health';

const SOURCE_IDS = SOURCES.map((source) => source.id) as [string, ...string[]];
export const KNOWN_SOURCES = `(known: ${SOURCE_IDS.join(', ')})`;

// EventBridge: `rate(1 minute)` is singular, `rate(5 minutes)` plural; cron has six fields.
const RATE = String.raw`rate\((?:1 (?:minute|hour|day)|(?:[2-9]|[1-9]\d+) (?:minutes|hours|days))\)`;
const CRON = String.raw`cron\((?:[0-9A-Za-z*?,/#-]+ ){5}[0-9A-Za-z*?,/#-]+\)`;
export const SCHEDULE_PATTERN = new RegExp(`^(?:${RATE}|${CRON})$`);

const SUBSCRIBER_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/**
 * `operations`: the local runtime's operations recipients use this name for their outbox files;
 * `all`: the change feed of every change (delivery/feeds.ts ALL_FEED) sits where a subscriber's would.
 */
const RESERVED_SUBSCRIBER_IDS = ['operations', 'all'];
const E164 = /^\+[1-9]\d{1,14}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const SECRET_KINDS = ['secretsManagerSecret', 'ssmParameter', 'env'] as const;
const SECRET_HELP =
  'give { "secretsManagerSecret": "<name or ARN>" }, { "ssmParameter": "<parameter name>" } or, in local mode only, { "env": "<ENVIRONMENT_VARIABLE>" }';

const sourceId = z.enum(SOURCE_IDS, {
  error: (issue) => `unknown source ${JSON.stringify(issue.input)} ${KNOWN_SOURCES}`,
});
/** A registered or custom source id: which ones exist is known only once customSources is read (see crossChecks). */
const sourceReference = z.string().trim().min(1, 'must not be empty');

const scheduleExpression = z
  .string()
  .regex(
    SCHEDULE_PATTERN,
    'must be an EventBridge schedule expression such as "rate(5 minutes)", "rate(1 hour)" or "cron(0 6 * * ? *)"',
  );

const sourceSettings = z
  .strictObject({
    enabled: z.boolean().default(CONFIG_DEFAULTS.sourceEnabled).describe('Poll this source.'),
    schedule: scheduleExpression
      .optional()
      .describe(
        "EventBridge schedule expression, e.g. rate(15 minutes) or cron(0 6 * * ? *). Default: the source's own schedule.",
      ),
  })
  .describe('Settings of one registered source.');

const emailAddress = z.email({ error: 'must be an email address' });
const phoneNumber = z
  .string()
  .regex(
    E164,
    'must be an E.164 phone number such as +14155550100 (a "+", the country code, then the number, no spaces)',
  );

const filterValue = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .refine((value) => !/["\\]/.test(value), 'must not contain " or \\ (SNS filter policies would not match it)');

const nonEmptyList = <T extends z.ZodType>(item: T) =>
  z.array(item).min(1, 'must not be empty (leave the key out to match everything)');

const countryFilter = z
  .string()
  .regex(/^[A-Z]{2}$/, {
    message: 'must be an ISO 3166-1 alpha-2 country code in upper case, such as "CN"',
    abort: true,
  })
  .refine((code) => countryCode(code) === code, 'is not an ISO 3166-1 alpha-2 country code');

const keyword = z.string().refine((value) => normalizeKeywordText(value).length > 0, 'must hold a letter or a digit');

const filters = z
  .strictObject({
    sources: nonEmptyList(sourceReference)
      .optional()
      .describe(`Source ids, registered (${SOURCE_IDS.join(', ')}) or custom; default: every source.`),
    lists: nonEmptyList(filterValue)
      .optional()
      .describe('Lists as the records name them, e.g. "Entity List", "SDN", "Military End User List".'),
    changeTypes: nonEmptyList(z.enum(CHANGE_TYPES, { error: `must be one of ${CHANGE_TYPES.join(', ')}` }))
      .optional()
      .describe('Default: added, removed and modified.'),
    countries: nonEmptyList(countryFilter)
      .optional()
      .describe(
        'ISO 3166-1 alpha-2 codes (upper case): a change matches when the record, before or after, names one of them.',
      ),
    programs: nonEmptyList(filterValue)
      .optional()
      .describe('Sanctions programs as the publisher writes them, e.g. "RUSSIA-EO14024".'),
    topics: nonEmptyList(filterValue)
      .optional()
      .describe("Topics: a feed item's, a register change's (the register's, its countries' and its names')."),
    keywords: nonEmptyList(keyword)
      .optional()
      .describe(
        'Words matched, ignoring case and accents, at the start of a word of the name, aliases, remarks, list or programs.',
      ),
    includeHealth: z
      .boolean()
      .default(CONFIG_DEFAULTS.includeHealth)
      .describe('Also receive source-health events (a source turned unhealthy or recovered).'),
  })
  .describe(
    'Which changes the subscriber receives: every given filter must match. Default: every change, no health event.',
  );

const secretReference = z.union(
  [
    z.strictObject({
      secretsManagerSecret: z
        .string()
        .min(1)
        .describe('Secrets Manager secret name or ARN holding the whsec_ signing secret.'),
    }),
    z.strictObject({
      ssmParameter: z
        .string()
        .min(1)
        .describe('SSM Parameter Store parameter (SecureString) holding the whsec_ signing secret.'),
    }),
    z.strictObject({
      env: z
        .string()
        .regex(ENV_NAME, 'must name an environment variable: letters, digits and _, not starting with a digit')
        .describe('Environment variable holding the signing secret (local mode only).'),
    }),
  ],
  { error: (issue) => secretProblem(issue.input) },
);

function secretProblem(input: unknown): string {
  if (typeof input === 'string' || typeof input === 'number')
    return `a literal secret is not allowed in the config file: ${SECRET_HELP}`;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return `must be an object: ${SECRET_HELP}`;
  const keys = Object.keys(input);
  const kinds = keys.filter((key): key is (typeof SECRET_KINDS)[number] =>
    (SECRET_KINDS as readonly string[]).includes(key),
  );
  if (kinds.length === 0) return `a literal secret is not allowed in the config file: ${SECRET_HELP}`;
  if (keys.length > 1) return `give exactly one of ${SECRET_KINDS.join(', ')} (found ${keys.join(', ')})`;
  const kind = kinds[0]!;
  return kind === 'env'
    ? 'env must name an environment variable (letters, digits and _)'
    : `${kind} must be a non-empty name or ARN`;
}

const emailChannel = z
  .strictObject({ type: z.literal('email'), address: emailAddress })
  .describe('Email through SNS: readable text.');
const smsChannel = z
  .strictObject({ type: z.literal('sms'), phoneNumber })
  .describe('SMS through SNS: one line under 160 characters.');
const webhookChannel = z
  .strictObject({
    type: z.literal('webhook'),
    url: z.url({ error: 'must be an absolute URL' }).describe('https URL the signed CloudEvent is POSTed to.'),
    secret: secretReference.describe(
      'Where the Standard Webhooks signing secret (whsec_...) is kept; never the secret itself.',
    ),
    allowPrivateHosts: z
      .boolean()
      .default(CONFIG_DEFAULTS.allowPrivateHosts)
      .describe('Allow http and private, loopback or link-local hosts (local testing only).'),
  })
  // Checked even when another key of the channel is also wrong (say, a literal secret), so that
  // every problem is named at once.
  .refine((channel) => webhookUrlProblem(channel.url, channel.allowPrivateHosts) === undefined, {
    path: ['url'],
    error: (issue) => webhookUrlProblem(...urlAndPermission(issue.input)),
    when: ({ value }) => URL.canParse(urlAndPermission(value)[0]),
  })
  .describe('Signed webhook (Standard Webhooks) through SQS and the dispatcher.');

function urlAndPermission(value: unknown): [string, boolean] {
  const channel = (typeof value === 'object' && value !== null ? value : {}) as {
    url?: unknown;
    allowPrivateHosts?: unknown;
  };
  return [typeof channel.url === 'string' ? channel.url : '', channel.allowPrivateHosts === true];
}

function webhookUrlProblem(value: string, allowPrivateHosts: boolean): string | undefined {
  const url = new URL(value);
  if (url.username || url.password) return 'must not carry credentials (the webhook is authenticated by its signature)';
  if (url.protocol !== 'https:' && !(allowPrivateHosts && url.protocol === 'http:')) return 'must use https';
  return allowPrivateHosts ? undefined : privateHostProblem(url);
}

/**
 * A URL naming a refused address in any spelling (functions/http/address-guard.ts), or localhost;
 * host names are judged again, by what they resolve to, each time a request connects.
 */
function privateHostProblem(url: URL): string | undefined {
  const problem = hostProblem(url.hostname);
  return problem && `${problem}: set "allowPrivateHosts": true to allow it (for local testing only)`;
}

const channel = z.discriminatedUnion('type', [emailChannel, smsChannel, webhookChannel], {
  error: (issue) => (issue.code === 'invalid_union' ? 'type must be "email", "sms" or "webhook"' : undefined),
});

const watchlistEntryInput = z
  .strictObject({
    name: z.string().min(1, 'must not be empty').describe("The counterparty's name, in any script."),
    aliases: z.array(z.string()).optional().describe('Other names.'),
    countries: z.array(z.string()).optional().describe('ISO 3166-1 alpha-2 codes or English country names.'),
    kind: z.string().optional().describe('person, organization (company), vessel or aircraft; none: any.'),
    reference: z
      .string()
      .optional()
      .describe('Your own reference (customer or supplier number); unique in the watchlist.'),
    birthDate: z.string().optional().describe("A person's birth date: YYYY, YYYY-MM or YYYY-MM-DD."),
    nationality: z.array(z.string()).optional().describe('ISO 3166-1 alpha-2 codes or English country names.'),
    identifiers: z
      .array(z.string())
      .optional()
      .describe(
        'Identifiers with an optional scheme (imo, lei, passport, national-id, registration, tax-id, swift): "imo:9187629".',
      ),
  })
  .describe('One counterparty.');

const watchlist = z
  .strictObject({
    file: z
      .string()
      .min(1)
      .optional()
      .describe(
        'CSV or JSON watchlist file, relative to the configuration file (columns: name, aliases, country, kind, reference, birthDate, nationality, identifiers).',
      ),
    entries: z
      .array(watchlistEntryInput)
      .min(1, 'must not be empty')
      .optional()
      .describe('The watchlist written inline.'),
    threshold: z
      .number()
      .min(0.5, 'must be at least 0.5 (lower scores are noise)')
      .max(1, 'must be at most 1')
      .default(DEFAULT_THRESHOLD)
      .describe(`Score (0..1) at or above which a name is a hit. Default ${DEFAULT_THRESHOLD}.`),
  })
  .refine((value) => !(value.file && value.entries), 'give file or entries, not both')
  .describe(
    "Screen every change against this subscriber's counterparties; the subscriber then receives its watchlist hits only. Without file or entries, the watchlist is the one imported into the table with `tradewatch watchlist import`.",
  );

export const DELIVERY_MODES = ['each', 'publication', 'daily', 'weekly'] as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];
export const DIGEST_DEFAULTS = { at: '08:00', timeZone: 'UTC', weekday: 'monday' } as const;

const delivery = z
  .strictObject({
    mode: z
      .enum(DELIVERY_MODES, { error: `must be one of ${DELIVERY_MODES.join(', ')}` })
      .optional()
      .describe(
        'each: one message per change; publication: one message per source version with changes for this subscriber; daily or weekly: one digest at a local time. Default: publication for email and SMS, each for webhooks.',
      ),
    at: z
      .string()
      .regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour local time such as "08:00"')
      .optional()
      .describe(`Digests: the local time the digest is sent. Default ${DIGEST_DEFAULTS.at}.`),
    timeZone: z
      .string()
      .refine(isTimeZone, 'must be an IANA time zone such as "Europe/London" or "America/New_York"')
      .optional()
      .describe(`Digests: the IANA time zone of \`at\`. Default ${DIGEST_DEFAULTS.timeZone}.`),
    weekday: z
      .enum(WEEKDAYS, { error: `must be one of ${WEEKDAYS.join(', ')}` })
      .optional()
      .describe(`Weekly digests: the day it is sent. Default ${DIGEST_DEFAULTS.weekday}.`),
    sendEmpty: z
      .boolean()
      .default(false)
      .describe(
        'Digests: also send on a quiet day, saying so and listing the sources checked and their health (evidence of monitoring).',
      ),
    urgentHits: z
      .boolean()
      .default(true)
      .describe('Digests: send watchlist hits at once, one message per source version, rather than in the digest.'),
  })
  .describe('How changes are grouped into messages for this subscriber.');

const subscriber = z
  .strictObject({
    id: z
      .string()
      .max(64, 'must be at most 64 characters')
      .regex(
        SUBSCRIBER_ID,
        'must be kebab-case: lower-case letters and digits joined by single hyphens, such as "cn-entity-list"',
      )
      .refine((id) => !RESERVED_SUBSCRIBER_IDS.includes(id), {
        message: `is reserved (${RESERVED_SUBSCRIBER_IDS.join(', ')})`,
      })
      .describe('Unique kebab-case id; names the queue, the receipts and the matchedKeywords value.'),
    channel: channel.describe('How the subscriber is reached.'),
    filters: filters.default({ includeHealth: CONFIG_DEFAULTS.includeHealth }),
    watchlist: watchlist.optional(),
    delivery: delivery.optional(),
    feedRotation: z
      .int()
      .min(0)
      .default(0)
      .describe("Raise by one to give this subscriber's change feed a new secret URL (the old one stops working)."),
  })
  .superRefine((value, context) => {
    const deliveryIssue = deliveryProblem(value);
    if (deliveryIssue)
      context.addIssue({ code: 'custom', path: ['delivery', deliveryIssue.key], message: deliveryIssue.message });
    if (value.watchlist && value.filters.keywords)
      context.addIssue({
        code: 'custom',
        path: ['filters', 'keywords'],
        message: 'a subscriber with a watchlist receives its hits; keywords belong to a subscriber of its own',
      });
    if (value.watchlist && value.filters.topics)
      context.addIssue({
        code: 'custom',
        path: ['filters', 'topics'],
        message: 'a subscriber with a watchlist receives its hits; topics belong to a subscriber of its own',
      });
    const problem = policyLimitProblem(value);
    if (problem) context.addIssue({ code: 'custom', path: ['filters'], message: problem });
  });

function deliveryProblem(value: {
  channel: { type: string };
  delivery?:
    | {
        mode?: DeliveryMode | undefined;
        at?: string | undefined;
        timeZone?: string | undefined;
        weekday?: string | undefined;
      }
    | undefined;
}): { key: string; message: string } | undefined {
  const given = value.delivery;
  if (!given) return undefined;
  const mode = given.mode ?? defaultDeliveryMode(value.channel.type);
  if (value.channel.type === 'webhook' && (mode === 'daily' || mode === 'weekly'))
    return { key: 'mode', message: 'a webhook takes "each" or "publication" (digests are for people)' };
  const digest = mode === 'daily' || mode === 'weekly';
  if (!digest && (given.at !== undefined || given.timeZone !== undefined))
    return {
      key: given.at !== undefined ? 'at' : 'timeZone',
      message: `applies to daily and weekly digests only (mode is "${mode}")`,
    };
  if (mode !== 'weekly' && given.weekday !== undefined)
    return { key: 'weekday', message: `applies to weekly digests only (mode is "${mode}")` };
  return undefined;
}

/** Email and SMS go to people: one message per publication; webhooks feed machines: one per change. */
export function defaultDeliveryMode(channelType: string): DeliveryMode {
  return channelType === 'webhook' ? 'each' : 'publication';
}

const subscribers = z.array(subscriber).superRefine((list, context) => {
  const first = new Map<string, number>();
  list.forEach((entry, index) => {
    const earlier = first.get(entry.id);
    if (earlier === undefined) first.set(entry.id, index);
    else
      context.addIssue({
        code: 'custom',
        path: [index, 'id'],
        message: `duplicate subscriber id "${entry.id}" (also subscribers[${earlier}])`,
      });
  });
});

// ---------------------------------------------------------------------------------------------
// Topic rules and custom sources

const kebabId = (example: string) =>
  z
    .string()
    .max(64, 'must be at most 64 characters')
    .regex(
      SUBSCRIBER_ID,
      `must be kebab-case: lower-case letters and digits joined by single hyphens, such as "${example}"`,
    );

export const federalRegisterQuery = z
  .strictObject({
    agencies: z
      .array(
        z
          .string()
          .regex(/^[a-z0-9-]+$/, 'must be a FederalRegister.gov agency slug, e.g. industry-and-security-bureau'),
      )
      .min(1)
      .optional()
      .describe('Agency slugs. Default: BIS, OFAC and the State Department.'),
    types: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe('Document types: RULE, PRORULE, NOTICE, PRESDOCU (or their names). Default: every type.'),
    terms: z.string().min(1).optional().describe('A full-text search, e.g. "entity list".'),
    perPage: z.number().int().min(1).max(1000).optional().describe('Documents per poll, newest first. Default 100.'),
  })
  .describe('The query of the us-federal-register source.');

export const topicRule = z
  .strictObject({
    topic: kebabId('export-licence').describe(
      'Kebab-case topic, the value of the `topics` message attribute; a default topic (sanctions, entity-list, ...) gets these keywords added.',
    ),
    keywords: z
      .array(keyword)
      .min(1, 'must not be empty')
      .describe(
        "Words or phrases; one of them starting a word of an item's title, summary or categories gives the topic (case, accents and punctuation ignored).",
      ),
  })
  .describe("A keyword rule for topics (feed items, register records' names).");

/** A field of a record: an element or `@attribute` (xml), a dotted path (json, xml) or a column name (csv). */
const fieldReference = z.string().trim().min(1, 'must not be empty');

const customFields = z
  .strictObject({
    name: fieldReference.describe('Where the record name is read (required).'),
    aliases: fieldReference
      .optional()
      .describe('Other names (a list: repeated elements, a JSON array, or a CSV cell split on ";").'),
    countries: fieldReference
      .optional()
      .describe('Countries (a list); names or codes are turned into ISO 3166-1 alpha-2.'),
    addresses: fieldReference.optional().describe('Addresses (a list).'),
    programs: fieldReference.optional().describe('Programmes or legal bases (a list).'),
    listedOn: fieldReference.optional().describe('Date of listing or publication (ISO 8601, RFC 822 or RFC 3339).'),
    remarks: fieldReference.optional().describe('Remarks or summary.'),
    link: fieldReference.optional().describe("A link to the record's page."),
  })
  .describe(
    'Where each record field is read: an element name, "@attribute" or dotted path of child elements (xml), a dotted path (json), a column name (csv).',
  );

const expectedRecords = z
  .strictObject({
    min: z
      .int({ error: 'must be a whole number' })
      .min(1, 'must be at least 1 (a document with no record is always refused)'),
    max: z.int({ error: 'must be a whole number' }).min(1, 'must be at least 1'),
    maxDropFraction: z
      .number()
      .min(0, 'must be between 0 and 1')
      .max(1, 'must be between 0 and 1')
      .optional()
      .describe('Largest fraction of the records one version may drop (registers). Default 0.1.'),
  })
  .refine((bounds) => bounds.min <= bounds.max, { path: ['max'], message: 'must be at least min' })
  .describe('Record-count bounds: a download outside them is held as broken, never diffed.');

/** An XML name without prefix (and without dots, which separate path segments). */
const XML_SEGMENT = /^[A-Za-z_][\w-]*$/;

export const customSource = z
  .strictObject({
    id: kebabId('my-agency-notices').describe("Unique kebab-case id, not a registered source's."),
    title: z.string().trim().min(1, 'must not be empty').describe('What the source is, for people.'),
    kind: z.enum(['feed', 'register'], {
      error: 'must be "feed" (new and edited items are alerted) or "register" (additions, removals and changes)',
    }),
    url: z.url({ error: 'must be an absolute URL' }).describe('https URL of the feed or file.'),
    allowPrivateHosts: z
      .boolean()
      .default(CONFIG_DEFAULTS.allowPrivateHosts)
      .describe('Allow http and private, loopback or link-local hosts (local testing only).'),
    format: z.enum(CUSTOM_SOURCE_FORMATS, { error: `must be one of ${CUSTOM_SOURCE_FORMATS.join(', ')}` }),
    schedule: scheduleExpression.default(CUSTOM_SOURCE_DEFAULTS.schedule).describe('EventBridge schedule expression.'),
    expectedRecords: expectedRecords
      .optional()
      .describe('Default: 1-1000 records for a feed, 1-100000 for a register.'),
    list: filterValue
      .optional()
      .describe('The list name records carry (and subscribers filter on). Default: the title.'),
    recordPath: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .optional()
      .describe(
        'xml: the element holding one record; json: dotted path of the records array (default: the document is the array); csv: not used.',
      ),
    idField: fieldReference.optional().describe('xml, json, csv: where the record id is read (required for them).'),
    fields: customFields.optional(),
  })
  .check(z.superRefine((value, context) => customSourceProblems(value, context), { when: () => true }))
  .describe('A source defined here: an RSS/Atom feed, or a register in XML, JSON or CSV read through a field mapping.');

type Issues = z.core.$RefinementCtx<unknown>;

function customSourceProblems(input: unknown, context: Issues): void {
  if (typeof input !== 'object' || input === null) return;
  const value = input as Record<string, unknown>;
  const issue = (path: PropertyKey[], message: string) => context.addIssue({ code: 'custom', path, message });
  if (typeof value.url === 'string' && URL.canParse(value.url)) {
    const problem = sourceUrlProblem(new URL(value.url), value.allowPrivateHosts === true);
    if (problem) issue(['url'], problem);
  }
  const format = value.format;
  if (typeof format !== 'string' || !(CUSTOM_SOURCE_FORMATS as readonly string[]).includes(format)) return;
  const fields =
    typeof value.fields === 'object' && value.fields !== null ? (value.fields as Record<string, unknown>) : undefined;
  const paths: [PropertyKey[], unknown][] = [
    [['idField'], value.idField],
    ...Object.entries(fields ?? {}).map(([key, path]): [PropertyKey[], unknown] => [['fields', key], path]),
  ];
  if (format === 'rss' || format === 'atom') {
    for (const key of ['recordPath', 'idField', 'fields'])
      if (value[key] !== undefined)
        issue([key], `is not used by the ${format} format (feed items are read without a mapping)`);
    return;
  }
  if (format === 'csv' && value.recordPath !== undefined)
    issue(['recordPath'], 'is not used by the csv format (every row is a record)');
  if (format === 'xml') {
    if (value.recordPath === undefined)
      issue(['recordPath'], 'is required for the xml format: the name of the element that holds one record');
    else if (typeof value.recordPath === 'string' && !XML_SEGMENT.test(value.recordPath.trim()))
      issue(['recordPath'], 'must be one element name, without namespace prefix');
  }
  if (
    format === 'json' &&
    typeof value.recordPath === 'string' &&
    value.recordPath
      .trim()
      .split('.')
      .some((segment) => segment === '')
  ) {
    issue(['recordPath'], 'must be a dotted path such as "results" or "data.items"');
  }
  if (value.idField === undefined)
    issue(['idField'], `is required for the ${format} format: where the record id is read`);
  if (value.fields === undefined) issue(['fields'], `is required for the ${format} format: at least { "name": ... }`);
  for (const [path, reference] of paths) {
    if (typeof reference !== 'string' || reference.trim() === '') continue;
    const segments = reference.trim().split('.');
    if (
      format === 'xml' &&
      !segments.every((segment, index) =>
        XML_SEGMENT.test(index === segments.length - 1 ? segment.replace(/^@/, '') : segment),
      )
    ) {
      issue(
        path,
        'must be an element name, a dotted path of child element names, or "@attribute" at its end (no namespace prefixes)',
      );
    } else if (format === 'json' && segments.some((segment) => segment === '')) {
      issue(path, 'must be a dotted path such as "name" or "entity.names"');
    }
  }
}

function sourceUrlProblem(url: URL, allowPrivateHosts: boolean): string | undefined {
  if (url.username || url.password) return 'must not carry credentials';
  if (url.protocol !== 'https:' && !(allowPrivateHosts && url.protocol === 'http:')) return 'must use https';
  return allowPrivateHosts ? undefined : privateHostProblem(url);
}

/** Checks across sections: custom source ids against the registry and each other, subscribers' sources against both. */
function crossChecks(input: unknown, context: Issues): void {
  if (typeof input !== 'object' || input === null) return;
  const value = input as { customSources?: unknown; subscribers?: unknown };
  const registered = new Set<string>(SOURCE_IDS);
  const custom: string[] = [];
  const first = new Map<string, number>();
  if (Array.isArray(value.customSources)) {
    value.customSources.forEach((entry: unknown, index) => {
      const id = typeof entry === 'object' && entry !== null ? (entry as { id?: unknown }).id : undefined;
      if (typeof id !== 'string') return;
      if (registered.has(id))
        context.addIssue({
          code: 'custom',
          path: ['customSources', index, 'id'],
          message: `clashes with the registered source "${id}" (pick another id)`,
        });
      else if (first.has(id))
        context.addIssue({
          code: 'custom',
          path: ['customSources', index, 'id'],
          message: `duplicate custom source id "${id}" (also customSources[${first.get(id)}])`,
        });
      else {
        first.set(id, index);
        custom.push(id);
      }
    });
  }
  if (!Array.isArray(value.subscribers)) return;
  const known = new Set([...registered, ...custom]);
  const knownText = `(known: ${[...known].join(', ')})`;
  value.subscribers.forEach((entry: unknown, index) => {
    const sources = (entry as { filters?: { sources?: unknown } } | null)?.filters?.sources;
    if (!Array.isArray(sources)) return;
    sources.forEach((id: unknown, position) => {
      if (typeof id === 'string' && id.trim() && !known.has(id.trim())) {
        context.addIssue({
          code: 'custom',
          path: ['subscribers', index, 'filters', 'sources', position],
          message: `unknown source ${JSON.stringify(id)} ${knownText}`,
        });
      }
    });
  });
}

const operations = z
  .strictObject({
    email: emailAddress.optional().describe('Receives source-health events and alarms by email.'),
    sms: phoneNumber.optional().describe('Receives source-health events and alarms by SMS.'),
  })
  .describe('Who hears about source health and alarms.');

/** The sign-in's second factor on the deployed review page (an authenticator app, TOTP). */
export const REVIEW_PAGE_MFA = ['optional', 'required'] as const;

const reviewer = z
  .strictObject({
    email: emailAddress.describe('Invited to the review page by this address; signs in with it.'),
    name: z.string().trim().min(1).max(100).optional().describe('How the page greets the reviewer.'),
    subscribers: z
      .union([z.literal('all'), z.array(z.string().trim().min(1)).min(1)])
      .describe('The subscribers whose changes and watchlist hits this reviewer sees and decides, or "all".'),
  })
  .describe('A person invited to the review page.');

const reviewPage = z
  .strictObject({
    enabled: z
      .boolean()
      .default(false)
      .describe(
        'Deploy the review page: served through CloudFront, behind a Cognito sign-in of the reviewers listed here.',
      ),
    reviewers: z.array(reviewer).default([]).describe('Who may sign in (invited by email; nobody can sign up).'),
    mfa: z
      .enum(REVIEW_PAGE_MFA)
      .default('optional')
      .describe(
        'An authenticator-app code at sign-in: "optional" (each reviewer may set one up) or "required". Default "optional".',
      ),
  })
  .superRefine((value, context) => {
    if (value.enabled && value.reviewers.length === 0)
      context.addIssue({ code: 'custom', path: ['reviewers'], message: 'an enabled review page needs a reviewer' });
    const first = new Map<string, number>();
    value.reviewers.forEach((entry, index) => {
      const email = entry.email.toLowerCase();
      if (first.has(email))
        context.addIssue({
          code: 'custom',
          path: ['reviewers', index, 'email'],
          message: `duplicate reviewer ${JSON.stringify(entry.email)} (also reviewers[${first.get(email)}])`,
        });
      else first.set(email, index);
    });
  })
  .describe('The review page on AWS (locally, `tradewatch serve` serves it without sign-in).');

/** The reviewers' subscribers must be the configuration's: a typo would silently show nothing. */
function reviewerChecks(input: unknown, context: Issues): void {
  if (typeof input !== 'object' || input === null) return;
  const value = input as { subscribers?: unknown; reviewPage?: { reviewers?: unknown } };
  const reviewers = value.reviewPage?.reviewers;
  if (!Array.isArray(reviewers)) return;
  const known = new Set(
    (Array.isArray(value.subscribers) ? value.subscribers : [])
      .map((entry: unknown) =>
        typeof entry === 'object' && entry !== null ? (entry as { id?: unknown }).id : undefined,
      )
      .filter((id): id is string => typeof id === 'string'),
  );
  reviewers.forEach((entry: unknown, index) => {
    const ids =
      typeof entry === 'object' && entry !== null ? (entry as { subscribers?: unknown }).subscribers : undefined;
    if (!Array.isArray(ids)) return;
    ids.forEach((id: unknown, position) => {
      if (typeof id === 'string' && !known.has(id.trim()))
        context.addIssue({
          code: 'custom',
          path: ['reviewPage', 'reviewers', index, 'subscribers', position],
          message: `unknown subscriber ${JSON.stringify(id)} (known: ${[...known].join(', ') || 'none'})`,
        });
    });
  });
}

export const configSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Path of the JSON Schema, for editors.'),
    sources: z
      .partialRecord(sourceId, sourceSettings)
      .default({})
      .describe(`Registered sources by id (${SOURCE_IDS.join(', ')}). Default: every source, on its own schedule.`),
    subscribers: subscribers.default([]).describe('Who receives which changes.'),
    operations: operations.optional(),
    topics: z
      .array(topicRule)
      .default([])
      .describe(
        'Keyword rules added to the default topic rules of feed items and register changes (see functions/core/topics.ts).',
      ),
    federalRegister: federalRegisterQuery.optional(),
    customSources: z
      .array(customSource)
      .default([])
      .describe('Sources defined here, polled beside the registered ones.'),
    feeds: z
      .strictObject({
        enabled: z
          .boolean()
          .default(false)
          .describe(
            'Deploy the change feeds (Atom 1.0 and JSON Feed 1.1): one of all changes and one per subscriber, at secret URLs.',
          ),
        pageSize: z.int().min(10).max(200).default(50).describe('Entries per feed page. Default 50.'),
      })
      .default({ enabled: false, pageSize: 50 })
      .describe('Change feeds for feed readers, Outlook and Slack (locally, `tradewatch serve` serves them).'),
    metrics: z
      .strictObject({
        detailed: z
          .boolean()
          .default(false)
          .describe(
            'Per-source Records and Changes metrics besides the per-source health metric. Each is a billed CloudWatch custom metric past the free ten.',
          ),
      })
      .default({ detailed: false })
      .describe('CloudWatch metrics of the deployed pollers.'),
    reviewPage: reviewPage.default({ enabled: false, reviewers: [], mfa: 'optional' }),
  })
  .check(z.superRefine((value, context) => crossChecks(value, context), { when: () => true }))
  .check(z.superRefine((value, context) => reviewerChecks(value, context), { when: () => true }))
  .transform(({ $schema: _schema, sources, customSources, ...rest }) => ({
    sources: resolveSources(sources, customSources),
    ...rest,
    customSources: customSources satisfies CustomSourceDefinition[],
  }))
  .describe('Which sources tradewatch polls, who is told about which changes, and who hears about source health.');

export interface SourceSettings {
  enabled: boolean;
  schedule: string;
}

/**
 * Every registered source, in registry order, with the file's settings over the source's own, then
 * every custom source on its own schedule.
 */
function resolveSources(
  given: Partial<Record<string, { enabled: boolean; schedule?: string | undefined }>>,
  custom: readonly { id: string; schedule: string }[],
): Record<string, SourceSettings> {
  return Object.fromEntries([
    ...SOURCES.map((source): [string, SourceSettings] => {
      const settings = given[source.id];
      return [
        source.id,
        {
          enabled: settings?.enabled ?? CONFIG_DEFAULTS.sourceEnabled,
          schedule: settings?.schedule ?? source.schedule,
        },
      ];
    }),
    ...custom.map((source): [string, SourceSettings] => [source.id, { enabled: true, schedule: source.schedule }]),
  ]);
}

/** The file as written (before defaults). */
export type TradewatchConfigInput = z.input<typeof configSchema>;
/** The effective configuration: defaults applied, every registered source listed. */
export type TradewatchConfig = z.output<typeof configSchema>;
export type Subscriber = TradewatchConfig['subscribers'][number];
export type SubscriberChannel = Subscriber['channel'];
export type SubscriberFilters = Subscriber['filters'];
export type WebhookChannel = Extract<SubscriberChannel, { type: 'webhook' }>;
export type SecretReference = WebhookChannel['secret'];

function policyLimitProblem(value: Pick<Subscriber, 'id' | 'filters' | 'watchlist'>): string | undefined {
  const policy = filterPolicyFor(value);
  const { attributeNames, combinations } = policyComplexity(policy);
  const problems: string[] = [];
  if (attributeNames.length > SNS_POLICY_LIMITS.attributeNames) {
    problems.push(
      `its filter policy reads ${attributeNames.length} attributes (${attributeNames.join(', ')}) where SNS allows at most ${SNS_POLICY_LIMITS.attributeNames}`,
    );
  }
  if (combinations > SNS_POLICY_LIMITS.combinations) {
    problems.push(
      `its filter policy has ${combinations} value combinations (${describeCombinations(policy)}) where SNS allows at most ${SNS_POLICY_LIMITS.combinations}`,
    );
  }
  return problems.length
    ? `subscriber "${value.id}": ${problems.join(', and ')}: drop a filter or split the subscriber in two`
    : undefined;
}

function describeCombinations(policy: FilterPolicy): string {
  const parts = Object.entries(policy).map(([key, condition]) =>
    key === '$or'
      ? `(${(condition as FilterPolicy[]).map(describeCombinations).join(' + ')})`
      : `${key} ${(condition as string[]).length}`,
  );
  return parts.join(' × ');
}

/** What the stack hands the pollers: custom sources, topic rules, the Federal Register query. */
export const sourcesConfigSchema = z.strictObject({
  customSources: z.array(customSource).default([]),
  topics: z.array(topicRule).default([]),
  federalRegister: federalRegisterQuery.optional(),
});

/**
 * The SNS filter policy (MessageAttributes scope) of a subscriber's subscription, on the attributes
 * functions/core/events.ts's messageAttributes sets. `changeType` is always there, so that source-health
 * events (changeType "health") reach only a subscriber with `includeHealth`; when such a
 * subscriber also filters on what a health event does not carry (list, countries, ...), the health
 * events get their own `$or` branch. A source filter applies to both.
 */
export function filterPolicyFor(
  subscriber: Pick<Subscriber, 'id' | 'filters'> & { watchlist?: Subscriber['watchlist'] },
): FilterPolicy {
  const f = subscriber.filters;
  const unique = (values: readonly string[]): string[] => [...new Set(values)];
  // A watchlist subscriber receives its own hits: `watchlist-<change>` change types (and
  // `watchlist-listed` from the initial screening), with its id in matchedWatchlists.
  const changeTypes = subscriber.watchlist
    ? unique([...(f.changeTypes ?? CHANGE_TYPES).map(hitChangeType), hitChangeType('listed')])
    : unique(f.changeTypes ?? CHANGE_TYPES);
  const change: FilterPolicy = { changeType: changeTypes };
  if (f.lists) change.list = unique(f.lists);
  if (f.countries) change.countries = unique(f.countries);
  if (f.programs) change.programs = unique(f.programs);
  if (f.topics) change.topics = unique(f.topics);
  if (f.keywords) change.matchedKeywords = [subscriber.id];
  if (subscriber.watchlist) change.matchedWatchlists = [subscriber.id];
  const policy: FilterPolicy = f.sources ? { source: unique(f.sources) } : {};
  if (!f.includeHealth) return { ...policy, ...change };
  if (Object.keys(change).length === 1) return { ...policy, changeType: [...changeTypes, HEALTH_CHANGE_TYPE] };
  return { ...policy, $or: [change, { changeType: [HEALTH_CHANGE_TYPE] }] };
}
