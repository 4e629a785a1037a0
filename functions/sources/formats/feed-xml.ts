/**
 * Any RSS 2.0, Atom 1.0 or RSS 1.0 (RDF) feed, read as a stream of items (saxes through
 * streamXmlElements: no DTD is read and no entity expanded, so a feed cannot make the parser fetch
 * anything). Each item becomes one RegisterRecord of kind `other`:
 *
 * | record | RSS 2.0 | Atom 1.0 | RSS 1.0 (RDF) |
 * |---|---|---|---|
 * | id | `guid` | `id` | `rdf:about` |
 * | name | `title` | `title` | `title` |
 * | links | `link` | `link rel="alternate"` (or the first link) | `link` |
 * | listedOn, extra.published | `pubDate` (RFC 822) or `dc:date` | `published`, else `updated` (RFC 3339) | `dc:date` |
 * | remarks | `description`, else `content:encoded` | `summary`, else `content` | `description` |
 * | extra.categories | `category` | `category/@term` (or `@label`) | `dc:subject` |
 * | extra.updated | — | `updated` when `published` is also given | — |
 * | topics | keyword rules (functions/core/topics.ts) on title + summary + categories |||
 *
 * `list` is the feed's name as the source configures it, never the channel's own `<title>`:
 * publishers rename channels ("OFAC: Recent Actions" → "Recent Actions"), and a renamed channel
 * must not turn every item into an edited one.
 *
 * Ids, in this order, and why a re-fetch never changes one:
 * 1. the publisher's own item id (`guid`, Atom `id`, `rdf:about`): it exists so that readers can
 *    recognise an item they have seen, and publishers keep it when they edit the item;
 * 2. else the item's link, which names the published page;
 * 3. else `sha256:` + a hash of the title and the date as written. Only the item's own text goes
 *    in — never its position in the feed, the fetch time or the channel — so fetching the same
 *    feed again, in another order or with other whitespace, gives the same ids. An edited title
 *    under this last rule reads as a new item: such a feed gives readers nothing better.
 *
 * What a record holds is only the items' text, cleaned the same way every time, so a re-fetch of an
 * unchanged item hashes identically: HTML tags are stripped from descriptions and summaries,
 * entities decoded, whitespace collapsed, and the text cut at MAX_REMARKS characters (some
 * publishers put a whole e-mail bulletin in the description). Dates: RFC 822 (`Tue, 26 Aug 2025
 * 14:25:56 -0500`, also with obsolete zone names such as EST or GMT) and RFC 3339 / ISO 8601
 * (`2025-08-26T14:25:56Z`, or a bare date). `listedOn` is the calendar date as the publisher wrote
 * it (in its own time zone); `extra.published` is the instant in UTC. A date neither form reads is
 * kept as written in `extra.publishedText`, with a warning, and the item is kept.
 *
 * A document whose root is not `rss`, `feed` or `RDF` is not a feed (SourceFormatError through the
 * sniff); a truncated or malformed document is refused whole (SourceFormatError), so a broken
 * download never reads as a window of fewer items.
 *
 * Why this file stays long (about 510 lines): RSS 2.0, Atom 1.0 and RSS 1.0 are read by one item
 * mapping, with the text and date rules (RFC 822, RFC 3339, HTML summaries) all three need.
 */
import { createHash } from 'node:crypto';
import { cleanText, type ExtraFields, type RegisterRecord } from '../../core/records.ts';
import { truncateText } from '../../core/text.ts';
import { DEFAULT_TOPIC_RULES, createTopicMatcher, type TopicRule } from '../../core/topics.ts';
import { streamXmlElements, type XmlElement } from '../read/xml-stream.ts';
import type { ParseContext, ParseInput, SourceFormat } from '../types.ts';

export const FEED_XML_FORMAT_ID = 'feed-xml';
/** Longest remarks kept: enough for any summary, bounded for a bulletin pasted whole. */
export const MAX_REMARKS = 4000;

const ROOTS: ReadonlySet<string> = new Set(['rss', 'feed', 'RDF']);
const ITEMS: ReadonlySet<string> = new Set(['item', 'entry']);

export interface FeedXmlOptions {
  /** The list name every item carries: the feed's title as the source configures it. */
  readonly list: string;
  /** Topic rules applied to title, summary and categories. @default DEFAULT_TOPIC_RULES */
  readonly topicRules?: readonly TopicRule[];
  /** @default 'feed-xml' */
  readonly id?: string;
  /** @default 'RSS 2.0, Atom 1.0 or RSS 1.0 (RDF) feed' */
  readonly description?: string;
}

// ---------------------------------------------------------------------------------------------
// Sniffing

/**
 * The qualified name of the document's root element, skipping the XML declaration, processing
 * instructions, comments and a DOCTYPE; undefined when the head holds no element start.
 */
export function rootElementName(head: string): string | undefined {
  let at = 0;
  const n = head.length;
  while (at < n) {
    const lt = head.indexOf('<', at);
    if (lt === -1) return undefined;
    if (head.startsWith('<?', lt)) {
      const end = head.indexOf('?>', lt + 2);
      if (end === -1) return undefined;
      at = end + 2;
    } else if (head.startsWith('<!--', lt)) {
      const end = head.indexOf('-->', lt + 4);
      if (end === -1) return undefined;
      at = end + 3;
    } else if (head.startsWith('<!', lt)) {
      // DOCTYPE, possibly with an internal subset in brackets.
      const bracket = head.indexOf('[', lt);
      const close = head.indexOf('>', lt);
      if (close === -1) return undefined;
      if (bracket !== -1 && bracket < close) {
        const subsetEnd = head.indexOf(']', bracket);
        if (subsetEnd === -1) return undefined;
        const end = head.indexOf('>', subsetEnd);
        if (end === -1) return undefined;
        at = end + 1;
      } else at = close + 1;
    } else {
      const name = /^<([A-Za-z_][\w.:-]*)/.exec(head.slice(lt, lt + 200));
      return name?.[1];
    }
  }
  return undefined;
}

function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon === -1 ? qualified : qualified.slice(colon + 1);
}

/** `rss`, `atom` or `rdf` when the document's root is a feed's; undefined otherwise. */
export function sniffFeedFlavour(head: string): 'rss' | 'atom' | 'rdf' | undefined {
  const root = rootElementName(head);
  if (root === undefined) return undefined;
  switch (localName(root)) {
    case 'rss':
      return 'rss';
    case 'feed':
      return 'atom';
    case 'RDF':
      return 'rdf';
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Text

/** Named HTML entities decoded in feed text: Latin-1 (160-255, in code point order) and typography. */
const LATIN1_NAMES =
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml'.split(
    ' ',
  );
const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  ...Object.fromEntries(LATIN1_NAMES.map((name, index) => [name, String.fromCharCode(160 + index)])),
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  OElig: 'Œ',
  oelig: 'œ',
  Scaron: 'Š',
  scaron: 'š',
  Yuml: 'Ÿ',
  fnof: 'ƒ',
  circ: 'ˆ',
  tilde: '˜',
  ensp: '\u2002',
  emsp: '\u2003',
  thinsp: '\u2009',
  zwnj: '\u200c',
  zwj: '\u200d',
  lrm: '\u200e',
  rlm: '\u200f',
  ndash: '–',
  mdash: '—',
  lsquo: '‘',
  rsquo: '’',
  sbquo: '‚',
  ldquo: '“',
  rdquo: '”',
  bdquo: '„',
  dagger: '†',
  Dagger: '‡',
  bull: '•',
  hellip: '…',
  permil: '‰',
  prime: '′',
  Prime: '″',
  lsaquo: '‹',
  rsaquo: '›',
  euro: '€',
  trade: '™',
  larr: '←',
  rarr: '→',
};

/** Decodes numeric and the common named HTML entities; an unknown name stays as written. */
export function decodeHtmlEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(
    /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));/g,
    (whole, decimal?: string, hex?: string, name?: string) => {
      if (name !== undefined) return NAMED_ENTITIES[name] ?? whole;
      const code = decimal !== undefined ? Number(decimal) : Number.parseInt(hex!, 16);
      if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
      return String.fromCodePoint(code);
    },
  );
}

const BLOCK_TAGS =
  /<\/?(?:address|article|aside|blockquote|br|dd|div|dl|dt|figcaption|figure|footer|h[1-6]|header|hr|li|main|nav|ol|p|pre|section|table|tbody|td|tfoot|th|thead|tr|ul)\b[^>]*>/gi;

/**
 * The text of an HTML fragment: script and style dropped, tags removed (block tags leave a space),
 * entities decoded, whitespace collapsed. Only the text counts, so markup changes are no changes.
 */
export function htmlToText(html: string): string {
  if (!html) return '';
  const text = html
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(BLOCK_TAGS, ' ')
    .replace(/<\/?[A-Za-z][^>]*>/g, '');
  return cleanText(decodeHtmlEntities(text));
}

/** Cuts a text at `max` characters, at a word boundary when one is near, with an ellipsis. */
export function boundedText(text: string, max = MAX_REMARKS): string {
  if (text.length <= max) return text;
  // Whole characters only: a cut inside a surrogate pair would store half an emoji.
  const cut = truncateText(text, max).slice(0, -1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.8 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

// ---------------------------------------------------------------------------------------------
// Dates

export interface FeedDate {
  /** The instant in UTC, ISO 8601, to the second (`2025-08-26T19:25:56Z`). */
  readonly instant: string;
  /** The calendar date as the publisher wrote it, in its own time zone (`2025-08-26`). */
  readonly date: string;
}

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};
/** RFC 822 zone names (and the few others feeds write) in minutes east of UTC. */
const ZONES: Readonly<Record<string, number>> = {
  UT: 0,
  UTC: 0,
  GMT: 0,
  Z: 0,
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
  BST: 60,
  CET: 60,
  CEST: 120,
  MET: 60,
  MEST: 120,
};
const RFC822 =
  /^(?:[A-Za-z]{2,9}\.?,?\s*)?(\d{1,2})[\s-]+([A-Za-z]{3,9})\.?[\s-]+(\d{4}|\d{2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([+-]\d{2}:?\d{2}|[A-Za-z]{1,5}))?$/;
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

function offsetMinutes(zone: string | undefined): number | undefined {
  if (zone === undefined || zone === '') return 0;
  const upper = zone.toUpperCase();
  if (upper in ZONES) return ZONES[upper];
  const numeric = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (!numeric) return undefined;
  const minutes = Number(numeric[2]) * 60 + Number(numeric[3] ?? '0');
  if (minutes > 18 * 60) return undefined;
  return numeric[1] === '-' ? -minutes : minutes;
}

function feedDate(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  offset: number | undefined,
): FeedDate | undefined {
  if (offset === undefined || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 60) return undefined;
  const local = new Date(Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59)));
  // Date.UTC rolls 31 February over into March: a day that does not exist is no date.
  if (local.getUTCFullYear() !== year || local.getUTCMonth() !== month - 1 || local.getUTCDate() !== day)
    return undefined;
  const instant = new Date(local.getTime() - offset * 60_000).toISOString().replace('.000Z', 'Z');
  return { instant, date: `${pad(year, 4)}-${pad(month)}-${pad(day)}` };
}

/** Reads an RFC 822 or RFC 3339 / ISO 8601 date (a bare date is midnight UTC); undefined otherwise. */
export function parseFeedDate(text: string): FeedDate | undefined {
  const value = cleanText(text);
  if (!value) return undefined;
  const iso = ISO.exec(value);
  if (iso) {
    const [, y, mo, d, h, mi, s, , zone] = iso;
    return feedDate(
      Number(y),
      Number(mo),
      Number(d),
      Number(h ?? 0),
      Number(mi ?? 0),
      Number(s ?? 0),
      offsetMinutes(zone),
    );
  }
  const rfc = RFC822.exec(value);
  if (rfc) {
    const [, d, monthName, y, h, mi, s, zone] = rfc;
    const month = MONTHS[monthName!.slice(0, 3).toLowerCase()];
    if (month === undefined) return undefined;
    let year = Number(y);
    if (y!.length === 2) year += year < 50 ? 2000 : 1900;
    return feedDate(year, month, Number(d), Number(h), Number(mi), Number(s ?? 0), offsetMinutes(zone));
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Items

function children(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name);
}

function first(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}

/** Every text under an element, depth first (Atom `type="xhtml"` content). */
function deepText(element: XmlElement): string {
  return [element.text, ...element.children.map(deepText)].join(' ');
}

/** The text of an Atom text construct (`type` text, html or xhtml) or of an RSS element (HTML). */
function textOf(element: XmlElement | undefined, html: boolean): string {
  if (!element) return '';
  const type = (element.attributes.type ?? '').toLowerCase();
  if (type === 'xhtml') return htmlToText(deepText(element));
  if (type === 'html' || type === 'text/html' || (html && type !== 'text' && type !== 'text/plain'))
    return htmlToText(element.text);
  return cleanText(element.text);
}

/** An Atom entry's page: `link rel="alternate"` (or without rel), else the first link with an href. */
function atomLink(entry: XmlElement): string {
  const links = children(entry, 'link').filter((l) => l.attributes.href);
  const alternate = links.find((l) => (l.attributes.rel ?? 'alternate') === 'alternate');
  return cleanText((alternate ?? links[0])?.attributes.href ?? '');
}

/** An RSS item's link: the text of `link`; an `atom:link` (an href, no text) only when there is none. */
function rssLink(item: XmlElement): string {
  const links = children(item, 'link');
  for (const link of links) {
    const text = cleanText(link.text);
    if (text) return text;
  }
  return cleanText(
    links.find((link) => link.attributes.href && (link.attributes.rel ?? 'alternate') === 'alternate')?.attributes
      .href ?? '',
  );
}

export interface FeedItem {
  /** `guid`, Atom `id` or `rdf:about`, as written (whitespace collapsed). */
  guid: string;
  title: string;
  link: string;
  summary: string;
  categories: string[];
  /** The publication date as written. */
  published: string;
  /** Atom `updated`, when the entry also has `published`. */
  updated: string;
}

/** The fields of one `item` or `entry`, cleaned; no record decisions yet. */
export function feedItemFromElement(element: XmlElement): FeedItem {
  const atom = element.name === 'entry';
  const categories = atom
    ? children(element, 'category').map(
        (c) => cleanText(c.attributes.term ?? '') || cleanText(c.attributes.label ?? '') || cleanText(c.text),
      )
    : [...children(element, 'category'), ...children(element, 'subject')].map((c) =>
        decodeHtmlEntities(cleanText(c.text)),
      );
  const published = atom
    ? cleanText(first(element, 'published')?.text)
    : cleanText(first(element, 'pubDate')?.text) || cleanText(first(element, 'date')?.text);
  const updated = cleanText(first(element, 'updated')?.text);
  const summaryElement = atom
    ? (first(element, 'summary') ?? first(element, 'content'))
    : (first(element, 'description') ?? first(element, 'encoded'));
  return {
    guid: atom
      ? cleanText(first(element, 'id')?.text)
      : cleanText(first(element, 'guid')?.text) ||
        cleanText(element.attributes['rdf:about'] ?? element.attributes.about ?? ''),
    title: atom ? textOf(first(element, 'title'), false) : htmlToText(first(element, 'title')?.text ?? ''),
    link: atom ? atomLink(element) : rssLink(element),
    summary: textOf(summaryElement, !atom),
    categories: categories.filter((c) => c.length > 0),
    published: published || (atom ? updated : ''),
    updated: atom && published ? updated : '',
  };
}

/** `sha256:` + 128 bits of SHA-256 over title and date as written: the id of an item with neither guid nor link. */
export function fallbackItemId(title: string, published: string): string {
  return `sha256:${createHash('sha256').update(`${title}\n${published}`).digest('base64url').slice(0, 22)}`;
}

export interface FeedRecordOptions {
  readonly sourceId: string;
  readonly list: string;
  readonly topics: (texts: readonly string[]) => string[];
}

/** One feed item as a record; undefined (with a warning) when it has neither title nor summary. */
export function feedItemRecord(
  item: FeedItem,
  context: ParseContext,
  options: FeedRecordOptions,
): RegisterRecord | undefined {
  const id = item.guid || item.link || fallbackItemId(item.title, item.published);
  const name = item.title || boundedText(item.summary, 120);
  if (!name) {
    context.warn(`item ${id} has neither a title nor a summary: skipped`);
    return undefined;
  }
  const extra: ExtraFields = {};
  let listedOn: string | undefined;
  if (item.published) {
    const date = parseFeedDate(item.published);
    if (date) {
      listedOn = date.date;
      extra.published = date.instant;
    } else {
      context.warn(`item ${id}: date "${item.published}" is neither RFC 822 nor RFC 3339; kept in extra.publishedText`);
      extra.publishedText = item.published;
    }
  }
  if (item.updated) extra.updated = parseFeedDate(item.updated)?.instant ?? item.updated;
  if (item.categories.length) extra.categories = item.categories;
  const record: RegisterRecord = {
    id,
    source: options.sourceId,
    list: options.list,
    kind: 'other',
    name,
    aliases: [],
    countries: [],
    addresses: [],
    programs: [],
    links: item.link ? [item.link] : [],
    extra,
  };
  if (listedOn) record.listedOn = listedOn;
  const remarks = boundedText(item.summary);
  if (remarks) record.remarks = remarks;
  const topics = options.topics([item.title, item.summary, ...item.categories]);
  if (topics.length) record.topics = topics;
  return record;
}

async function* parseFeed(
  input: ParseInput,
  context: ParseContext,
  options: FeedXmlOptions,
): AsyncGenerator<RegisterRecord> {
  const matcher = createTopicMatcher(options.topicRules ?? DEFAULT_TOPIC_RULES);
  const events = streamXmlElements(input.main.open(), {
    sourceId: context.sourceId,
    fileName: input.main.name,
    recordElements: ITEMS,
    rootElements: ROOTS,
  });
  for await (const { element } of events) {
    const record = feedItemRecord(feedItemFromElement(element), context, {
      sourceId: context.sourceId,
      list: options.list,
      topics: matcher,
    });
    if (record) yield record;
  }
}

/** The SourceFormat of a feed whose items are listed under `options.list`. */
export function feedXmlFormat(options: FeedXmlOptions): SourceFormat {
  return {
    id: options.id ?? FEED_XML_FORMAT_ID,
    description: options.description ?? 'RSS 2.0, Atom 1.0 or RSS 1.0 (RDF) feed',
    sniff: (head) => sniffFeedFlavour(head) !== undefined,
    parse: (input, context) => parseFeed(input, context, options),
  };
}
