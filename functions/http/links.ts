/**
 * The links of a page and which of them is a download's current file: for publishers whose file
 * name changes with every update (BIS's dpl_MMDDYYYY.csv). Pure: discoverLink (fetch.ts) fetches
 * the page through the guarded client and asks these.
 */
import { isIP } from 'node:net';
import type { SourceDiscovery } from './types.ts';

/**
 * Two-label public suffixes under which the registrable domain has three labels. Not the Public
 * Suffix List: enough for government publishers (gov.uk, gov.au …); any other host's registrable
 * domain is its last two labels.
 */
const TWO_LABEL_SUFFIXES: ReadonlySet<string> = new Set(
  'co.uk org.uk gov.uk ac.uk com.au gov.au org.au net.au co.nz govt.nz co.jp go.jp com.cn gov.cn com.br gov.br co.in gov.in com.sg gov.sg com.hk gov.hk co.za gov.za'.split(
    ' ',
  ),
);

/** The registrable domain of a host (`bis.gov` for `www.bis.gov`); an IP address is its own. */
export function registrableDomain(host: string): string {
  const name = host
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  if (isIP(name)) return name;
  const labels = name.split('.');
  const keep = labels.length >= 3 && TWO_LABEL_SUFFIXES.has(labels.slice(-2).join('.')) ? 3 : 2;
  return labels.slice(-keep).join('.');
}

/**
 * True when a link found on a page may be followed: same host as the page, or the page's
 * registrable domain or a subdomain of it (`media.bis.gov` from `www.bis.gov`). An IP-address page
 * only links to itself.
 */
export function isAllowedLinkHost(pageHost: string, linkHost: string): boolean {
  const page = pageHost.toLowerCase().replace(/\.$/, '');
  const link = linkHost.toLowerCase().replace(/\.$/, '');
  if (link === page) return true;
  if (isIP(page.replace(/^\[|\]$/g, ''))) return false;
  const domain = registrableDomain(page);
  return link === domain || link.endsWith(`.${domain}`);
}

const BASE_HREF = /<base\b[^>]*?\shref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i;
const ANCHOR_HREF = /<a\b[^>]*?\shref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/gi;

function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos|#39);/gi, (entity, code: string) => {
    const lower = code.toLowerCase();
    if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return String.fromCodePoint(Number(lower.slice(1)));
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[lower] ?? entity;
  });
}

/**
 * The absolute http(s) URLs of the page's `<a href>` links, in page order. Relative hrefs resolve
 * against the page's `<base href>` when it has one, else against the page's own URL.
 */
export function pageLinks(html: string, pageUrl: string): string[] {
  const baseMatch = BASE_HREF.exec(html);
  let base = pageUrl;
  if (baseMatch) {
    try {
      base = new URL(decodeEntities((baseMatch[1] ?? baseMatch[2] ?? baseMatch[3] ?? '').trim()), pageUrl).href;
    } catch {
      // an unreadable <base> is ignored
    }
  }
  const links: string[] = [];
  for (const match of html.matchAll(ANCHOR_HREF)) {
    const href = decodeEntities((match[1] ?? match[2] ?? match[3] ?? '').trim());
    if (!href) continue;
    try {
      const url = new URL(href, base);
      if (url.protocol === 'https:' || url.protocol === 'http:') links.push(url.href);
    } catch {
      // not a URL: skipped
    }
  }
  return links;
}

/** The date an eight-digit `date` group stands for (UTC ms), or undefined when it is none. */
function linkDate(digits: string | undefined, format: SourceDiscovery['dateFormat']): number | undefined {
  if (!digits || !format || !/^\d{8}$/.test(digits)) return undefined;
  const [year, month, day] =
    format === 'MMDDYYYY'
      ? [digits.slice(4), digits.slice(0, 2), digits.slice(2, 4)]
      : [digits.slice(0, 4), digits.slice(4, 6), digits.slice(6)];
  const [y, m, d] = [Number(year), Number(month), Number(day)];
  const time = Date.UTC(y, m - 1, d);
  const date = new Date(time);
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d ? time : undefined;
}

/**
 * Which of the page's links is the file: those matching `linkPattern` (case-insensitively); of
 * several, the one whose `date` group is the latest date (`dateFormat`), else the last on the page.
 * Undefined when none matches.
 */
export function chooseLink(
  links: readonly string[],
  discovery: Pick<SourceDiscovery, 'linkPattern' | 'dateFormat'>,
): string | undefined {
  const pattern = new RegExp(discovery.linkPattern, 'i');
  let chosen: { url: string; date: number | undefined } | undefined;
  for (const url of links) {
    const match = pattern.exec(url);
    if (!match) continue;
    const date = linkDate(match.groups?.date, discovery.dateFormat);
    // A dated link beats an undated one; the later date wins; on a tie, or among undated links, the
    // later one on the page does.
    const better =
      !chosen || (date === undefined ? chosen.date === undefined : chosen.date === undefined || date >= chosen.date);
    if (better) chosen = { url, date };
  }
  return chosen?.url;
}
