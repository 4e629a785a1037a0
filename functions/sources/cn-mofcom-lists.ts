/**
 * China's lists of foreign entities: the Unreliable Entity List (不可靠实体清单), the Export Control
 * Control List (出口管制管控名单) and Watch List (出口管制关注名单) of the Ministry of Commerce, and
 * the Foreign Ministry's countermeasure lists (反制清单, Anti-Foreign Sanctions Law). A register:
 * each entity a record with its list, the announcements that listed it and its status; each
 * announcement a record too (list `MOFCOM and MFA announcements`), the item a subscriber reads.
 *
 * What is odd about this publisher:
 * - There is no list to download. Each list is a sequence of announcements (HTML articles), some
 *   of which only suspend, extend or stop the measures of earlier ones by number, and some of those
 *   are a spokesman's answer on the news pages, not an announcement at all (2025-05-14, 2025-08-12,
 *   2025-11-05). The text of one announcement is read by formats/cn-announcement-text.ts, the state
 *   rebuilt from all of them by formats/cn-list-state.ts.
 * - The announcements are found on the ministries' index pages (the main download and its
 *   companions below). No index page could be fetched or found stored from here: the addresses are
 *   the folders of the announcements' own addresses, and the reader assumes only what every such
 *   page has, `<a href>` links to articles (`/art/2025/art_<32 hex>.html` at MOFCOM,
 *   `/202512/t20251226_11787617.shtml` at the MFA) with their title as text or `title`, and a date
 *   near them. An index page with no article link at all is an error page or a new layout: a format
 *   error naming the page, never an empty list. The fixtures in tests/fixtures/cn-mofcom are
 *   written in that shape and say so.
 * - Index pages show the newest few dozen items of every kind (anti-dumping rulings, tariffs ...):
 *   only links whose title names one of the lists are read, and only the ministries' hosts (the
 *   registrable domain of the page the link is on) are fetched.
 * - Older announcements have left the index pages long ago: the first poll also reads the
 *   announcements known when this source was written (SEED_ANNOUNCEMENTS). Three of the twelve
 *   known texts (UEL 〔2023〕1号 and the answers of 2025-05-14 and 2025-08-12) have no address on
 *   record, so no poll can fetch them: what they did is written down as facts
 *   (formats/cn-baseline.ts), and the state is rebuilt from those first. Should an index page link
 *   one of them after all, its text is read and replaces the written entry (same ref).
 *
 * State between polls (why it is derived from the stored records): a poll fetches the index pages
 * (a few small files, whose content hash is the sentinel, so an unchanged index costs nothing more),
 * and reads only the announcements whose address is not among the stored announcement records. The
 * stored records are the state: each announcement record keeps its number, dates and measure
 * changes, each entity record its names and the announcements that listed it, so the whole state is
 * rebuilt from them plus the new announcements (formats/cn-list-state.ts `fromStoredRecords`) and
 * re-emitted in full, as every register version is. Nothing is kept beside them: a second store
 * could disagree with the records after a crash, while the records are written in the pipeline's
 * crash-safe order and the sentinel only after them. An index page that fails leaves the stored
 * announcements untouched (they are re-emitted whether or not an index still links them), and the
 * run fails before anything is stored; entities are never removed by an announcement (a lift is a
 * status), so the drop guard holds at 5 %.
 *
 * Bounds of one poll: at most MAX_NEW_ANNOUNCEMENTS new announcements (more is a health error: the
 * sentinel would otherwise hide the rest until the index changes), each at most
 * MAX_ANNOUNCEMENT_BYTES, all within the run's fetch deadline. An announcement that cannot be read
 * fails the run with a format error naming it; nothing is skipped silently.
 */
import { SourceFormatError, SourceHealthError } from '../core/errors.ts';
import type { RegisterRecord } from '../core/records.ts';
import { isAllowedLinkHost } from '../http/links.ts';
import {
  decodeHtmlEntities,
  isRelevantTitle,
  looksLikeHtml,
  parseAnnouncement,
  type Announcement,
} from './formats/cn-announcement-text.ts';
import { HISTORIC_ANNOUNCEMENTS } from './formats/cn-baseline.ts';
import { CN_LISTS, buildListRecords, fromStoredRecords } from './formats/cn-list-state.ts';
import type { ParseContext, ParseInput, RegisterSource, SourceDocument, SourceFormat } from './types.ts';

export const CN_MOFCOM_LISTS_ID = 'cn-mofcom-lists';
export const MAX_NEW_ANNOUNCEMENTS = 30;
export const MAX_ANNOUNCEMENT_BYTES = 2 * 1024 * 1024;

export interface IndexPage {
  /** The name the page has in a version (the main file's is the last segment of its URL). */
  readonly name: string;
  readonly url: string;
  /**
   * RegExp source: the link titles read on this page. MOFCOM's pages mention "反制" (countermeasures)
   * in trade news that names no list, so only the MFA's column is read for it.
   * @default any of the lists' names or 反制
   */
  readonly titles?: string;
}

const MOFCOM_TITLES = '不可靠实体清单|出口管制管控名单|出口管制关注名单|关注名单';
const MFA_TITLES = '反制';

/** Where new announcements are linked: MOFCOM's policy releases, its news releases, the MFA's column. */
export const INDEX_PAGES: readonly IndexPage[] = [
  { name: 'index.html', url: 'https://www.mofcom.gov.cn/zwgk/zcfb/index.html', titles: MOFCOM_TITLES },
  { name: 'mofcom-news.html', url: 'https://www.mofcom.gov.cn/syxwfb/index.html', titles: MOFCOM_TITLES },
  {
    name: 'mfa-countermeasures.html',
    url: 'https://www.mfa.gov.cn/web/wjb_673085/zfxxgk_674865/gknrlb/fzcqdcs/',
    titles: MFA_TITLES,
  },
];

/** The announcements known when the source was written (the texts in ../shared/fixtures that give their address). */
export const SEED_ANNOUNCEMENTS: readonly string[] = [
  'https://www.mofcom.gov.cn/zwgk/zcfb/art/2025/art_c164b1339d694766938f75c1f83bddf8.html',
  'https://www.mofcom.gov.cn/zwgk/zcfb/art/2025/art_e4f474d3aeba4672913db1042d845d78.html',
  'https://www.mofcom.gov.cn/zwgk/zcfb/art/2025/art_c29bed8111a5406ea44f363694865ac2.html',
  'https://www.mofcom.gov.cn/zwgk/zcfb/art/2025/art_9b662990fa4a4d26ba3984ab5d826960.html',
  'https://www.mofcom.gov.cn/syxwfb/art/2025/art_adc429fe09db443cb2e5837524bc2eda.html',
  'https://www.mofcom.gov.cn/zwgk/zcfb/art/2025/art_1ee79b1b7f21444ebf4797c0ff8500fd.html',
  'https://www.mofcom.gov.cn/zwgk/zcfb/art/2026/art_b5159a773124428a9813884015d1b8b3.html',
  'https://www.mfa.gov.cn/web/wjb_673085/zfxxgk_674865/gknrlb/fzcqdcs/202412/t20241217_11495202.shtml',
  'https://www.mfa.gov.cn/web/wjb_673085/zfxxgk_674865/gknrlb/fzcqdcs/202512/t20251226_11787617.shtml',
];

const ARTICLE_LINK = /\/art\/\d{4}\/art_[0-9a-f]{16,}\.html?$|\/\d{6}\/t\d{8}_\d+\.s?html?$/i;
const ANCHOR = /<a\b([^>]*)>([\s\S]*?)<\/a\s*>/gi;
const ATTRIBUTE = (name: string): RegExp => new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'>]+))`, 'i');

export interface IndexLink {
  readonly url: string;
  readonly title: string;
  /** yyyy-mm-dd when the page shows one beside the link. */
  readonly date: string;
}

/** Decodes a page: UTF-8 unless it declares a GB charset (older MOFCOM pages). */
export function decodePage(bytes: Buffer): string {
  const head = bytes.subarray(0, 2048).toString('latin1');
  const gb = /charset\s*=\s*["']?\s*(gb2312|gbk|gb18030)/i.test(head);
  return new TextDecoder(gb ? 'gb18030' : 'utf-8').decode(bytes);
}

/** The article links of an index page with their titles and dates, in page order. */
export function indexLinks(html: string, pageUrl: string): IndexLink[] {
  const links: IndexLink[] = [];
  for (const match of html.matchAll(ANCHOR)) {
    const attrs = match[1]!;
    const hrefMatch = ATTRIBUTE('href').exec(attrs);
    const href = decodeHtmlEntities((hrefMatch?.[1] ?? hrefMatch?.[2] ?? hrefMatch?.[3] ?? '').trim());
    if (!href) continue;
    let url: URL;
    try {
      url = new URL(href, pageUrl);
    } catch {
      continue; // not a URL: not an article
    }
    if (!/^https?:$/.test(url.protocol) || !ARTICLE_LINK.test(url.pathname)) continue;
    const titleMatch = ATTRIBUTE('title').exec(attrs);
    const text = decodeHtmlEntities(match[2]!.replace(/<[^>]*>/g, ''))
      .replace(/\s+/g, ' ')
      .trim();
    const title = decodeHtmlEntities(titleMatch?.[1] ?? titleMatch?.[2] ?? titleMatch?.[3] ?? '').trim() || text;
    const after = html.slice(match.index + match[0].length, match.index + match[0].length + 200);
    const date = /(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})/.exec(after.split(/<a\b/i)[0]!);
    links.push({
      url: url.href,
      title,
      date: date ? `${date[1]}-${date[2]!.padStart(2, '0')}-${date[3]!.padStart(2, '0')}` : '',
    });
  }
  return links;
}

async function readAll(document: SourceDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of document.open()) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}

export interface CnMofcomListsOptions {
  /** @default INDEX_PAGES (the first is the main download) */
  readonly indexPages?: readonly IndexPage[];
  /** @default SEED_ANNOUNCEMENTS */
  readonly seeds?: readonly string[];
  /** The announcements no poll can fetch, applied before all others. @default HISTORIC_ANNOUNCEMENTS */
  readonly historic?: readonly Announcement[];
}

function indexFormat(
  sourceId: string,
  pages: readonly IndexPage[],
  seeds: readonly string[],
  historic: readonly Announcement[],
): SourceFormat {
  const fail = (reason: string): SourceFormatError => new SourceFormatError(sourceId, reason);
  return {
    id: 'cn-announcement-index',
    description: "the ministries' index pages, then each announcement they link that was not read before",
    readsHtml: true,
    sniff: (head) => looksLikeHtml(head),
    async *parse(input: ParseInput, context: ParseContext): AsyncGenerator<RegisterRecord> {
      const stored = context.storedRecords ? await storedAnnouncements(context.storedRecords, fail) : [];
      const seen = new Set(stored.map((a) => a.url).filter(Boolean));
      const wanted = new Map<string, string>();
      for (const [index, page] of pages.entries()) {
        const document = index === 0 ? input.main : input.companions.get(page.name.toLowerCase());
        if (!document) throw fail(`index page ${page.name} is missing from the version`);
        const html = decodePage(await readAll(document));
        const links = indexLinks(html, page.url);
        if (links.length === 0) {
          const title = /<title[^>]*>([^<]{0,120})/i.exec(html)?.[1]?.trim();
          throw fail(
            `index page ${page.name} links no announcement${title ? ` ("${title}")` : ''}: an error page or a new layout`,
          );
        }
        const host = new URL(page.url).host;
        const relevant = page.titles ? new RegExp(page.titles) : undefined;
        for (const link of links) {
          if (!(relevant ? relevant.test(link.title) : isRelevantTitle(link.title)) || seen.has(link.url)) continue;
          if (!isAllowedLinkHost(host, new URL(link.url).host)) {
            context.warn(`index page ${page.name}: ${link.url} is not on the ministry's site; not fetched`);
            continue;
          }
          wanted.set(link.url, link.title);
        }
      }
      for (const seed of seeds) if (!seen.has(seed)) wanted.set(seed, seed);
      if (wanted.size > MAX_NEW_ANNOUNCEMENTS)
        throw new SourceHealthError(
          sourceId,
          `${wanted.size} announcements not read before, over the ${MAX_NEW_ANNOUNCEMENTS} one poll reads`,
        );
      if (wanted.size > 0 && !context.fetchDocument)
        throw fail(`${wanted.size} announcements not read before; only a live poll fetches them`);
      const fresh: Announcement[] = [];
      for (const url of wanted.keys()) {
        const name = new URL(url).pathname.split('/').pop() || url;
        const body = decodePage(await context.fetchDocument!(url, name, { maxBytes: MAX_ANNOUNCEMENT_BYTES }));
        fresh.push(parseAnnouncement(body, { name: url, url, sourceId, warn: context.warn }));
      }
      // The later copy of a ref wins: a stored or freshly read text replaces its written entry.
      yield* buildListRecords([...historic, ...stored, ...fresh], { sourceId, warn: context.warn });
    },
  };
}

async function storedAnnouncements(
  records: () => AsyncIterable<RegisterRecord>,
  fail: (reason: string) => SourceFormatError,
): Promise<Announcement[]> {
  const all: RegisterRecord[] = [];
  for await (const record of records()) all.push(record);
  return fromStoredRecords(all, (reason) => fail(`stored state: ${reason}`));
}

export function createCnMofcomLists(options: CnMofcomListsOptions = {}): RegisterSource {
  const pages = options.indexPages ?? INDEX_PAGES;
  const [main, ...companions] = pages;
  if (!main) throw new RangeError(`${CN_MOFCOM_LISTS_ID}: at least one index page`);
  return {
    id: CN_MOFCOM_LISTS_ID,
    title: 'China: Unreliable Entity List, Export Control Control and Watch Lists, MFA countermeasure lists',
    publisher: 'Ministry of Commerce (MOFCOM) and Ministry of Foreign Affairs of the PRC',
    jurisdiction: 'CN',
    kind: 'register',
    // By program, which an announcement record shares with the list it changes.
    listTopics: Object.fromEntries(Object.values(CN_LISTS).map((list) => [list.program, list.topics])),
    downloads: [
      {
        url: main.url,
        format: 'cn-announcement-index',
        serves:
          "MOFCOM's policy releases (with its news releases and the MFA's countermeasures column as companions); each new announcement they link is fetched and read",
        companions: Object.fromEntries(companions.map((page) => [page.name, page.url])),
      },
    ],
    formats: [
      indexFormat(
        CN_MOFCOM_LISTS_ID,
        pages,
        options.seeds ?? SEED_ANNOUNCEMENTS,
        options.historic ?? HISTORIC_ANNOUNCEMENTS,
      ),
    ],
    // Announcements come a few times a year, often on a Friday evening in Beijing.
    schedule: 'rate(1 hour)',
    // About 150 records from the known announcements (12 of them, 140 entities); entities are never
    // removed (a lift is a status), so any drop is a broken read.
    expectedRecords: { min: 100, max: 5000, maxDropFraction: 0.05 },
    homepage: 'https://www.mofcom.gov.cn/zwgk/zcfb/index.html',
    companionNames: companions.map((page) => page.name.toLowerCase()),
  };
}

export const cnMofcomLists = createCnMofcomLists();
