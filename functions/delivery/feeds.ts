/**
 * Change feeds: one page of change events as an Atom 1.0 feed (RFC 4287) and as a JSON Feed 1.1,
 * for feed readers, Outlook and Slack. One entry per change event, newest first; a page links to
 * the next (older) one with a `before=` cursor (RFC 5005 paging), so a reader that follows the
 * links sees every change exactly once.
 *
 * Every value shown comes from a register, a publisher's feed or a watchlist: each is cleaned with
 * forDisplay, stripped of what XML 1.0 cannot carry, and escaped, so a name such as `<script>` or
 * `]]>` stays text in every reader. Links are kept only when they are http(s): a feed item's link
 * is the publisher's, and a `javascript:` URL must not become a clickable entry.
 */
import type { FieldChange } from '../core/diff.ts';
import {
  eventTopics,
  isChangeEvent,
  isHitEvent,
  messageAttributes,
  type ChangeEvent,
  type TradewatchEvent,
  type WatchlistHitEvent,
} from '../core/events.ts';
import { matchesFilterPolicy, type FilterPolicy } from '../core/filter-policy.ts';
import { keywordMatches } from '../core/keywords.ts';
import type { RegisterRecord } from '../core/records.ts';
import { forDisplay } from '../core/text.ts';
import { formatValue, limitList } from './render.ts';

/** An event a feed shows: a register or feed change, or a watchlist hit (never a health event). */
export type FeedEvent = ChangeEvent | WatchlistHitEvent;

export function isFeedEvent(event: TradewatchEvent): event is FeedEvent {
  return isChangeEvent(event) || isHitEvent(event);
}

/** One page of a feed, as the reader returns it and the renderers write it. */
export interface FeedPageContent {
  /** The feed's name in its URL: `all` or a subscriber id. */
  name: string;
  title: string;
  /** This page's URL (RFC 5005 `rel="self"`, JSON Feed `feed_url`). */
  selfUrl: string;
  /** The next (older) page's URL; none on the last page. */
  nextUrl?: string;
  /** Newest first (sorted again here, so the order never depends on the caller). */
  events: readonly TradewatchEvent[];
  /** The feed's `updated` when the page is empty (ISO 8601). */
  now: string;
}

/** The subscriber a feed (or a bundle) is for: its id, its per-change filter policy, its keywords. */
export interface ChangeFilterSubscriber {
  id: string;
  /** config/schema.ts filterPolicyFor of the subscriber. */
  policy: FilterPolicy;
  keywords?: readonly string[];
}

/**
 * Whether an event belongs in a subscriber's feed (or bundles): exactly what SNS would deliver to
 * it, its filter policy evaluated on the attributes the publisher sets (with its keyword match),
 * minus health events, which a feed of changes never holds. Without a subscriber: the all-changes
 * feed, every register change and feed item, and no one's watchlist hit.
 */
export function changeFilterFor(subscriber?: ChangeFilterSubscriber): (event: TradewatchEvent) => boolean {
  if (!subscriber) return isChangeEvent;
  const keywordSubscriber = subscriber.keywords?.length
    ? [{ id: subscriber.id, filters: { keywords: subscriber.keywords } }]
    : [];
  return (event) =>
    isFeedEvent(event) &&
    matchesFilterPolicy(subscriber.policy, messageAttributes(event, keywordMatches(event, keywordSubscriber)));
}

/** The paging cursor of an event: the timeline index's sort key, `<time>#<eventId>`. */
export function feedCursor(event: Pick<TradewatchEvent, 'time' | 'id'>): string {
  return `${event.time}#${event.id}`;
}

const CURSOR = /^\d{4}-\d{2}-\d{2}T[0-9:.]+Z#[A-Za-z0-9_-]{1,128}$/;

/** True for a cursor feedCursor could have written (anything else is refused before a query). */
export function isFeedCursor(value: string): boolean {
  return CURSOR.test(value);
}

export const FEED_FORMATS = {
  atom: { extension: 'atom', contentType: 'application/atom+xml; charset=utf-8' },
  json: { extension: 'json', contentType: 'application/feed+json; charset=utf-8' },
} as const;
export type FeedFormat = keyof typeof FEED_FORMATS;

/** `all.atom` → { name: 'all', format: 'atom' }; anything else (another extension, a path) → undefined. */
export function parseFeedFileName(file: string): { name: string; format: FeedFormat } | undefined {
  const match = /^([a-z0-9]+(?:-[a-z0-9]+)*)\.(atom|json)$/.exec(file);
  return match ? { name: match[1]!, format: match[2] as FeedFormat } : undefined;
}

/** The name of the feed of every change (no subscriber may take it: config/schema.ts reserves it). */
export const ALL_FEED = 'all';

export function renderFeed(format: FeedFormat, page: FeedPageContent): string {
  return format === 'atom' ? renderAtomFeed(page) : renderJsonFeed(page);
}

/** What one entry says, in plain text (title, categories) and HTML (content). */
interface EntryParts {
  id: string;
  time: string;
  title: string;
  html: string;
  link?: string;
  categories: { scheme: string; term: string }[];
}

const CATEGORY_SCHEMES = {
  changeType: 'urn:tradewatch:change-type',
  list: 'urn:tradewatch:list',
  program: 'urn:tradewatch:program',
  topic: 'urn:tradewatch:topic',
} as const;

function entries(events: readonly TradewatchEvent[]): EntryParts[] {
  return events
    .filter(isFeedEvent)
    .sort((a, b) => (feedCursor(a) < feedCursor(b) ? 1 : feedCursor(a) > feedCursor(b) ? -1 : 0))
    .map(entryParts);
}

export function renderAtomFeed(page: FeedPageContent): string {
  const items = entries(page.events);
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    // The feed's id names the feed, not its URL: the URL carries a token that rotates.
    `  <id>urn:tradewatch:feed:${xml(page.name)}</id>`,
    `  <title type="text">${xml(xmlSafe(page.title))}</title>`,
    `  <updated>${xml(items[0]?.time ?? page.now)}</updated>`,
    '  <author><name>tradewatch</name></author>',
    '  <generator>tradewatch</generator>',
    `  <link rel="self" type="application/atom+xml" href="${xml(page.selfUrl)}"/>`,
  ];
  if (page.nextUrl) lines.push(`  <link rel="next" type="application/atom+xml" href="${xml(page.nextUrl)}"/>`);
  for (const entry of items) {
    lines.push(
      '  <entry>',
      // Atom ids must be absolute IRIs (RFC 4287 4.2.6) and never change: a bare event id is not
      // an IRI, and a URL would change when the feed's token rotates. The urn keeps the CloudEvent
      // id, so a reader can tell the entry and the webhook or email of the same change apart.
      `    <id>urn:tradewatch:event:${xml(entry.id)}</id>`,
      `    <title type="text">${xml(entry.title)}</title>`,
      `    <updated>${xml(entry.time)}</updated>`,
      `    <published>${xml(entry.time)}</published>`,
    );
    if (entry.link) lines.push(`    <link rel="alternate" type="text/html" href="${xml(entry.link)}"/>`);
    for (const category of entry.categories)
      lines.push(`    <category scheme="${xml(category.scheme)}" term="${xml(category.term)}"/>`);
    lines.push(`    <content type="html">${xml(entry.html)}</content>`, '  </entry>');
  }
  lines.push('</feed>', '');
  return lines.join('\n');
}

export function renderJsonFeed(page: FeedPageContent): string {
  const items = entries(page.events);
  const feed = {
    version: 'https://jsonfeed.org/version/1.1',
    title: xmlSafe(page.title),
    feed_url: page.selfUrl,
    ...(page.nextUrl ? { next_url: page.nextUrl } : {}),
    authors: [{ name: 'tradewatch' }],
    items: items.map((entry) => ({
      // JSON Feed ids are any unique string: the CloudEvent id itself.
      id: entry.id,
      title: entry.title,
      ...(entry.link ? { url: entry.link } : {}),
      content_html: entry.html,
      date_published: entry.time,
      tags: [...new Set(entry.categories.map((category) => category.term))],
    })),
  };
  return `${JSON.stringify(feed, null, 2)}\n`;
}

/** Lower-case change words, as a title starts: "Added to", "New in". */
const TITLE_VERB = {
  record: { added: 'Added to', removed: 'Removed from', modified: 'Changed on' },
  item: { added: 'New in', removed: 'Withdrawn from', modified: 'Updated in' },
  hit: { added: 'added to', removed: 'delisted from', modified: 'changed on', listed: 'is on' },
} as const;

function entryParts(event: FeedEvent): EntryParts {
  const { data } = event;
  const record = data.record ?? data.previous;
  const title = isHitEvent(event)
    ? `Watchlist hit: ${data.name} ${TITLE_VERB.hit[event.data.hitType]} ${data.list} (${data.sourceTitle})`
    : `${TITLE_VERB[event.type.startsWith('tradewatch.item.') ? 'item' : 'record'][event.data.changeType]} ${data.list}: ${data.name} (${data.sourceTitle})`;
  const changeType = isHitEvent(event) ? `watchlist-${event.data.hitType}` : event.data.changeType;
  const categories = [
    { scheme: CATEGORY_SCHEMES.changeType, term: changeType },
    ...(data.list ? [{ scheme: CATEGORY_SCHEMES.list, term: data.list }] : []),
    ...[...new Set(record?.programs ?? [])].map((term) => ({ scheme: CATEGORY_SCHEMES.program, term })),
    ...eventTopics(data).map((term) => ({ scheme: CATEGORY_SCHEMES.topic, term })),
  ].map((category) => ({ ...category, term: xmlSafe(category.term) }));
  const link = webLink(data.sourceUrl);
  return {
    id: event.id,
    time: event.time,
    title: xmlSafe(title).replace(/\s+/g, ' ').trim(),
    html: isHitEvent(event) ? hitHtml(event) : changeHtml(event),
    ...(link ? { link } : {}),
    categories,
  };
}

function changeHtml(event: ChangeEvent): string {
  const { data } = event;
  const parts = [
    `<p><strong>${html(data.name)}</strong>: ${html(data.changeType)} (${html(data.list)}, ${html(data.sourceTitle)})</p>`,
  ];
  if (data.earlyWarning) {
    const warning = data.earlyWarning;
    parts.push(
      `<p>Announced earlier: Federal Register ${html(warning.documentNumber)} (${html(warning.action)}); early warning ${html(warning.eventId)} sent ${html(warning.announcedAt)}.</p>`,
    );
  }
  const record = data.record ?? data.previous;
  if (record) parts.push(recordHtml(record, eventTopics(data)));
  if (data.changeType === 'modified' && data.fields.length) parts.push(fieldsHtml(data.fields));
  parts.push(footerHtml(event, data.recordId, data.sourceUrl));
  return parts.join('\n');
}

function hitHtml(event: WatchlistHitEvent): string {
  const { data } = event;
  const parts = [
    `<p>Watchlist hit for <strong>${html(data.subscriberId)}</strong>: <strong>${html(data.name)}</strong> ${html(TITLE_VERB.hit[data.hitType])} ${html(data.list)} (${html(data.sourceTitle)})</p>`,
    `<p>Your counterparties that match (threshold ${html(String(data.threshold))}):</p>`,
    '<ul>',
    ...data.hits.map(
      (hit) =>
        `<li>${html(hit.entry.name)}${hit.reference ? ` [${html(hit.reference)}]` : ''}: score ${html(hit.score.toFixed(2))}, “${html(hit.entryName)}” ~ “${html(hit.recordName)}”</li>`,
    ),
    ...(data.moreHits ? [`<li>and ${html(String(data.moreHits))} more of your entries</li>`] : []),
    '</ul>',
  ];
  if (data.record) parts.push(recordHtml(data.record, eventTopics(data)));
  if (data.hitType === 'modified' && data.fields.length) parts.push(fieldsHtml(data.fields));
  parts.push(footerHtml(event, data.recordId, data.sourceUrl));
  return parts.join('\n');
}

function recordHtml(record: RegisterRecord, topics: readonly string[]): string {
  const rows: [string, string][] = [['Kind', record.kind]];
  if (record.programs.length) rows.push(['Programs', record.programs.join(', ')]);
  if (record.countries.length) rows.push(['Countries', record.countries.join(', ')]);
  if (record.aliases.length) rows.push(['Aliases', limitList(record.aliases, 8)]);
  if (record.addresses.length) rows.push(['Addresses', limitList(record.addresses, 5)]);
  if (record.listedOn) rows.push(['Listed on', record.listedOn]);
  if (topics.length) rows.push(['Topics', topics.join(', ')]);
  if (record.remarks) rows.push(['Remarks', record.remarks]);
  return `<dl>\n${rows.map(([term, value]) => `<dt>${html(term)}</dt><dd>${html(value)}</dd>`).join('\n')}\n</dl>`;
}

function fieldsHtml(fields: readonly FieldChange[]): string {
  const items = fields.flatMap((field): string[] => {
    const name = `<code>${html(field.field)}</code>`;
    if (field.added || field.removed)
      return [
        ...(field.added ?? []).map((value) => `<li>${name} added: <ins>${html(value)}</ins></li>`),
        ...(field.removed ?? []).map((value) => `<li>${name} removed: <del>${html(value)}</del></li>`),
      ];
    return [
      `<li>${name}: <del>${html(formatValue(field.old))}</del> → <ins>${html(formatValue(field.new))}</ins></li>`,
    ];
  });
  return `<p>What changed:</p>\n<ul>\n${items.join('\n')}\n</ul>`;
}

function footerHtml(event: FeedEvent, recordId: string, sourceUrl: string): string {
  const link = webLink(sourceUrl);
  const source = link ? `<a href="${html(link)}">${html(link)}</a>` : html(sourceUrl);
  return `<p>Record id: ${html(recordId)}<br/>Source: ${source}<br/>Event id: ${html(event.id)} (${html(event.time)})</p>`;
}

/** The URL when it is http(s), else nothing (a feed item's link is whatever its publisher wrote). */
function webLink(value: string): string | undefined {
  if (!URL.canParse(value)) return undefined;
  const url = new URL(value);
  return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
}

/**
 * forDisplay, then without what XML 1.0 cannot hold at all, even escaped: lone surrogates and
 * U+FFFE/U+FFFF (forDisplay already removed the control characters).
 */
function xmlSafe(text: string): string {
  return forDisplay(text)
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .replace(/[\uFFFE\uFFFF]/g, '');
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** A register value as HTML text. */
function html(value: string): string {
  return xmlSafe(value).replace(/[&<>"']/g, (character) => ESCAPES[character]!);
}

/** Text (or HTML, for `type="html"` content) as XML character data or an attribute value. */
function xml(value: string): string {
  // The HTML was made of escaped values already: only XML's own escaping is added here (no second
  // forDisplay, which would fold the HTML's line breaks).
  return value.replace(/[&<>"']/g, (character) => ESCAPES[character]!);
}
