/**
 * One announcement of China's Ministry of Commerce (MOFCOM) or Foreign Ministry (MFA) that puts
 * entities on a list, or suspends, extends or stops the measures of earlier ones: its number, dates,
 * the entities it names and the measure changes it makes, read from the page's text.
 *
 * What is odd about these texts (see also ../shared/fixtures/SOURCES.md on the transcriptions):
 * - Names are `中文名（English name）` with full-width parentheses, but mixed pairs occur
 *   (`（Domo Tactical Communications)`), and the odd ASCII pair (`(Cubic Global Defense)`).
 * - Entities are listed in an annex (a line `附件` or `附` alone, then numbered lines) or only
 *   inline in the decision sentence (`决定将A（a）、B（b）和C（c）列入…`). Numbering styles differ:
 *   `1. `, `10.急速…` without a space, `（十三）`, `一、` (which also numbers the MFA annex's
 *   sections `一、企业` / `二、高级管理人员`, and the measures in the body), `1、`.
 * - An annex item may be empty (`29.` ends the 2025-01-02 control list) and is skipped; an entity
 *   may be followed by its branches on lines starting with `-`.
 * - The document number is written `不可靠实体清单工作机制公告〔2025〕7号`, without `公告`, or
 *   `商务部公告2025年第1号`, `外交部令第14号`; a spokesman's answer (答记者问) has none and is
 *   named by its date.
 * - The answers change earlier measures by number only (`暂停4月4日公告（…〔2025〕7号）相关措施90天`,
 *   `继续暂停…1年`, `停止…〔2025〕5号和6号…相关措施`), from the date in the nearest `自…起`.
 * - The number of entities is stated (`等28家美国实体`, `等13家…企业` and `等6名…人员`): a
 *   count that does not match what was read is a format error, never a partial list.
 */
import { SourceFormatError } from '../../core/errors.ts';

export const CN_LIST_IDS = [
  'unreliable-entity-list',
  'export-control-control-list',
  'export-control-watch-list',
  'mfa-countermeasures',
] as const;
export type CnListId = (typeof CN_LIST_IDS)[number];

export interface AnnouncedEntity {
  readonly nameZh: string;
  /** Empty when the announcement gives the Chinese name alone. */
  readonly nameEn: string;
  readonly kind: 'organization' | 'person';
  /** Branches named under the entity (`-TechInsights Japan KK`). */
  readonly branches: readonly string[];
  /** What follows the name: a person's position, or `及其分支机构` (and its branches). */
  readonly note: string;
  /** `female` / `male` when the list says 女 / 男. */
  readonly gender: string;
}

/**
 * A change to earlier measures, from `from`. `target` is an announcement ref (`uel-2025-7`) or,
 * for a removal by name, an entity id.
 */
export interface MeasureChange {
  readonly type: 'suspend' | 'extend' | 'lift';
  readonly target: string;
  readonly from: string;
  /** End of a suspension; none for one without an end. */
  readonly until?: string;
}

export interface Announcement {
  /** `uel-2025-7`, `mofcom-2025-1`, `mfa-order-14`, `mofcom-qa-2025-05-14`. */
  readonly ref: string;
  /** The number as written, or the title of an answer that has none. */
  readonly number: string;
  readonly list: CnListId;
  readonly title: string;
  readonly published: string;
  readonly effective: string;
  readonly url: string;
  /** ISO 3166-1 alpha-2 codes of the entities' country when the text says it (`美国实体`). */
  readonly countries: readonly string[];
  readonly entities: readonly AnnouncedEntity[];
  readonly changes: readonly MeasureChange[];
  /** True when the entities named are taken off the list (`移出`), not put on it. */
  readonly removesNamed: boolean;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

export function decodeHtmlEntities(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, code: string) => {
    const lower = code.toLowerCase();
    if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return String.fromCodePoint(Number(lower.slice(1)));
    return ENTITIES[lower] ?? entity;
  });
}

export function looksLikeHtml(text: string): boolean {
  return /<(?:!doctype|html|head|body|div|p)\b/i.test(text.slice(0, 4096));
}

/** The lines of an announcement: an HTML page's text, or a plain-text copy, each line trimmed. */
export function announcementLines(body: string): { lines: string[]; htmlTitle: string } {
  let text = body.replace(/^\ufeff/, '');
  let htmlTitle = '';
  if (looksLikeHtml(text)) {
    htmlTitle = cleanLine(decodeHtmlEntities(/<title[^>]*>([\s\S]{0,400}?)<\/title>/i.exec(text)?.[1] ?? ''));
    text = decodeHtmlEntities(
      text
        .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, '')
        .replace(/<br\s*\/?>/gi, '\n')
        .replace(/<\/(?:p|div|li|tr|h\d|table|section|ul|ol)\s*>/gi, '\n')
        .replace(/<[^>]*>/g, ''),
    );
  }
  return { lines: text.split(/\r?\n/).map(cleanLine), htmlTitle };
}

function cleanLine(line: string): string {
  return line.replace(/[\s\u00a0\u3000\u200b]+/g, ' ').trim();
}

function isoDate(year: string, month: string, day: string): string {
  return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
}

function addDuration(date: string, amount: number, unit: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  if (unit === '年') d.setUTCFullYear(d.getUTCFullYear() + amount);
  else if (unit === '月' || unit === '个月') d.setUTCMonth(d.getUTCMonth() + amount);
  else d.setUTCDate(d.getUTCDate() + amount);
  return d.toISOString().slice(0, 10);
}

const CN_DATE = /(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日/;
const ISO_LINE_DATE = /(?:^|\s)(\d{4})-(\d{2})-(\d{2})(?:\s+\d{1,2}:\d{2})?$/;

/** Which list an announcement is about, from its title (then its text). */
function listOf(title: string, text: string): CnListId | undefined {
  for (const subject of [title, text]) {
    if (/出口管制管控名单/.test(subject)) return 'export-control-control-list';
    if (/出口管制关注名单|关注名单/.test(subject)) return 'export-control-watch-list';
    if (/不可靠实体清单/.test(subject)) return 'unreliable-entity-list';
    if (/反制/.test(subject) && /外交部/.test(text)) return 'mfa-countermeasures';
  }
  return undefined;
}

const OPEN = '[〔\\[［(（【]';
const CLOSE = '[〕\\]］)）】]';
const UEL_NUMBER = new RegExp(`不可靠实体清单工作机制(?:公告)?\\s*${OPEN}\\s*(\\d{4})\\s*${CLOSE}\\s*(\\d+)\\s*号`);
const MOFCOM_NUMBER = /商务部公告\s*(\d{4})\s*年\s*第\s*(\d+)\s*号/;
const MFA_ORDER = /外交部令\s*第\s*(\d+)\s*号/;

/** Refs named in a clause: `〔2025〕5号和6号` gives two. */
function refsIn(clause: string): string[] {
  const refs: string[] = [];
  const uel = new RegExp(
    `${OPEN}\\s*(\\d{4})\\s*${CLOSE}\\s*(\\d+)\\s*号((?:\\s*[和、及与]\\s*(?:第\\s*)?\\d+\\s*号)*)`,
    'g',
  );
  if (/不可靠实体清单工作机制/.test(clause))
    for (const m of clause.matchAll(uel)) {
      refs.push(`uel-${m[1]}-${m[2]}`);
      for (const more of (m[3] ?? '').matchAll(/(\d+)\s*号/g)) refs.push(`uel-${m[1]}-${more[1]}`);
    }
  for (const m of clause.matchAll(new RegExp(MOFCOM_NUMBER.source, 'g'))) refs.push(`mofcom-${m[1]}-${m[2]}`);
  for (const m of clause.matchAll(new RegExp(MFA_ORDER.source, 'g'))) refs.push(`mfa-order-${m[1]}`);
  return refs;
}

const NUMBERED =
  /^(?:(\d{1,3})\s*[.．、]|[（(]([一二三四五六七八九十百]+)[）)]|([一二三四五六七八九十]+)\s*、)\s*(.*)$/;
const BRANCH = /^[-－—–•·]\s*(.+)$/;
const PERSON_SECTION = /^(?:高级管理人员|个人|人员)$/;
const ORGANIZATION_SECTION = /^(?:企业|实体|组织|机构)$/;
const COUNTRIES: Readonly<Record<string, string>> = {
  美国: 'US',
  日本: 'JP',
  英国: 'GB',
  加拿大: 'CA',
  德国: 'DE',
  法国: 'FR',
  澳大利亚: 'AU',
  印度: 'IN',
  韩国: 'KR',
  荷兰: 'NL',
  立陶宛: 'LT',
};
const COUNTRY_OF_ENTITIES = new RegExp(`(${Object.keys(COUNTRIES).join('|')})(?:军工相关|军工)?(?:实体|企业)`, 'g');

/** `中文名（English）rest`: the names and what follows; undefined when the text holds no name. */
export function splitNamePair(text: string): { nameZh: string; nameEn: string; rest: string } | undefined {
  const pair = /^(.*?)\s*[（(]([^（）()]*[A-Za-z][^（）()]*)[）)](.*)$/.exec(text);
  if (pair) return { nameZh: pair[1]!.trim(), nameEn: pair[2]!.trim(), rest: pair[3]!.trim() };
  const bare = text.replace(/[，,。；;：:]+$/, '').trim();
  return bare ? { nameZh: bare, nameEn: '', rest: '' } : undefined;
}

function entityFrom(text: string, kind: AnnouncedEntity['kind']): AnnouncedEntity | undefined {
  const pair = splitNamePair(text);
  if (!pair) return undefined;
  const parts = pair.rest
    .split(/[，,]/)
    .map((p) => p.trim())
    .filter(Boolean);
  const gender = parts[0] === '女' ? 'female' : parts[0] === '男' ? 'male' : '';
  const note = (gender ? parts.slice(1) : parts).join('，');
  return { nameZh: pair.nameZh, nameEn: pair.nameEn, kind, branches: [], note, gender };
}

interface Reader {
  readonly fail: (reason: string) => SourceFormatError;
  readonly warn: (message: string) => void;
}

/** The annex's entities (numbered lines after a line `附件` / `附`), empty without an annex. */
function annexEntities(lines: readonly string[], start: number, reader: Reader): AnnouncedEntity[] {
  const entities: (AnnouncedEntity & { branches: string[] })[] = [];
  let kind: AnnouncedEntity['kind'] = 'organization';
  for (const line of lines.slice(start)) {
    if (!line) continue;
    const branch = BRANCH.exec(line);
    if (branch) {
      const last = entities.at(-1);
      if (!last) throw reader.fail(`a branch line "${line}" before any entity`);
      last.branches.push(branch[1]!.trim());
      continue;
    }
    const numbered = NUMBERED.exec(line);
    if (!numbered) continue;
    const content = numbered[4]!.trim();
    if (PERSON_SECTION.test(content)) kind = 'person';
    else if (ORGANIZATION_SECTION.test(content)) kind = 'organization';
    else if (!content) reader.warn(`empty annex item "${line}" skipped`);
    else {
      const entity = entityFrom(content, kind);
      if (entity) entities.push({ ...entity, branches: [] });
    }
  }
  return entities;
}

/** The entities named inline in the decision sentence (`决定将A（a）、B（b）列入`). */
function inlineEntities(body: readonly string[]): AnnouncedEntity[] {
  const entities: AnnouncedEntity[] = [];
  for (const line of body) {
    const decision = /决定将(.*?)(?:等\s*\d*\s*[家名个]?(?:外国|美国)?(?:实体|企业))?(?:列入|移出)/.exec(line);
    if (!decision) continue;
    const pairs = /([^、，,和将的]*?)\s*[（(]([^（）()]*[A-Za-z][^（）()]*)[）)]/g;
    for (const m of decision[1]!.matchAll(pairs)) {
      const nameZh = m[1]!.trim();
      if (nameZh)
        entities.push({ nameZh, nameEn: m[2]!.trim(), kind: 'organization', branches: [], note: '', gender: '' });
    }
  }
  return entities;
}

/** The entity counts the text states (`决定将…等28家`, `等13家…企业`, `等6名…人员`), summed. */
function declaredCount(body: readonly string[]): number | undefined {
  let total: number | undefined;
  for (const line of body)
    for (const m of line.matchAll(/(?:决定将|等)[^，。；：,;]*?(\d+)\s*[家名]/g)) total = (total ?? 0) + Number(m[1]);
  return total;
}

/** The measure changes of the text's clauses (`暂停…〔2025〕7号）相关措施90天`). */
function measureChanges(body: readonly string[], published: string): MeasureChange[] {
  const changes: MeasureChange[] = [];
  for (const line of body) {
    let from = published;
    for (const clause of line.split(/[，。；;]/)) {
      const since = new RegExp(`自\\s*${CN_DATE.source}\\s*起`).exec(clause);
      if (since) from = isoDate(since[1]!, since[2]!, since[3]!);
      const refs = refsIn(clause);
      if (refs.length === 0) continue;
      const verb = /(继续暂停|暂停|停止|取消|解除|终止)/.exec(clause)?.[1];
      if (!verb) continue;
      const duration = /措施\s*(\d+)\s*(天|日|个月|月|年)/.exec(clause);
      const type = verb === '继续暂停' ? 'extend' : verb === '暂停' ? 'suspend' : 'lift';
      const until = type !== 'lift' && duration ? addDuration(from, Number(duration[1]), duration[2]!) : undefined;
      for (const target of refs) changes.push({ type, target, from, ...(until ? { until } : {}) });
    }
  }
  return changes;
}

function firstDate(lines: readonly string[]): string | undefined {
  for (const line of lines) {
    const meta = /【发文日期】\s*(.*)$/.exec(line);
    const cn = meta ? CN_DATE.exec(meta[1]!) : undefined;
    if (cn) return isoDate(cn[1]!, cn[2]!, cn[3]!);
  }
  for (const line of lines) {
    if (!/^来源[：:]/.test(line) && !/^\d{4}-\d{2}-\d{2}(?:\s+\d{1,2}:\d{2})?$/.test(line)) continue;
    const iso = ISO_LINE_DATE.exec(line);
    if (iso) return `${iso[1]}-${iso[2]}-${iso[3]}`;
  }
  for (const line of lines) {
    const order = new RegExp(`^（${CN_DATE.source}中华人民共和国外交部令`).exec(line);
    if (order) return isoDate(order[1]!, order[2]!, order[3]!);
  }
  for (const line of lines) {
    const sign = new RegExp(`^${CN_DATE.source}$`).exec(line);
    if (sign) return isoDate(sign[1]!, sign[2]!, sign[3]!);
  }
  return undefined;
}

const RELEVANT_TITLE = /不可靠实体清单|出口管制管控名单|出口管制关注名单|关注名单|反制/;

export interface AnnouncementSource {
  /** The announcement's address (or file name), named in every error. */
  readonly name: string;
  readonly url?: string;
  readonly sourceId: string;
  readonly warn?: (message: string) => void;
}

/**
 * Reads one announcement. Throws SourceFormatError naming it when it is not one (an error page),
 * names no list this source reads, has no number or date, or lists other than the count it states.
 */
export function parseAnnouncement(body: string, source: AnnouncementSource): Announcement {
  const fail = (reason: string): SourceFormatError =>
    new SourceFormatError(source.sourceId, `announcement ${source.name}: ${reason}`);
  const reader: Reader = { fail, warn: (message) => source.warn?.(`announcement ${source.name}: ${message}`) };
  if (!body.trim()) throw fail('empty');
  const { lines, htmlTitle } = announcementLines(body);
  const urlLine = lines.find((l) => /^https?:\/\/\S+$/.test(l));
  const url = source.url ?? urlLine ?? '';
  // A page's <title> is the article's with the site's name after it, and its sidebar may link a list
  // by its bare name: the title line is the <title>'s, else the first long line naming a list.
  const isTitle = (l: string): boolean =>
    RELEVANT_TITLE.test(l) && !/^【|^来源|^附/.test(l) && l.length >= 12 && l.length <= 160;
  const pageTitle = htmlTitle.replace(/\s*[_|－—-][^_|－—-]*(?:中华人民共和国|商务部|外交部)[^_|－—-]*$/, '').trim();
  let titleAt = isTitle(pageTitle) ? lines.findIndex((l) => l.startsWith(pageTitle)) : -1;
  if (titleAt < 0) titleAt = lines.findIndex(isTitle);
  if (titleAt < 0) throw fail(`no title naming a list this source reads${htmlTitle ? ` (page "${htmlTitle}")` : ''}`);
  const title = lines[titleAt]!;
  const text = lines.join('\n');
  const list = listOf(title, text);
  if (!list) throw fail(`"${title}" names none of the lists this source reads`);
  const published = firstDate(lines);
  if (!published) throw fail('no publication date');
  const annexAt = lines.findIndex((l, i) => i > titleAt && /^附件?[：:]?$/.test(l));
  const bodyLines = lines.slice(titleAt + 1, annexAt < 0 ? undefined : annexAt);

  let ref: string;
  let number: string;
  const meta =
    lines
      .find((l) => l.startsWith('【发布文号】'))
      ?.slice('【发布文号】'.length)
      .trim() ?? '';
  if (/答记者问/.test(title)) {
    ref = `mofcom-qa-${published}`;
    number = title;
  } else {
    const uel = UEL_NUMBER.exec(meta) ?? (list === 'unreliable-entity-list' ? UEL_NUMBER.exec(text) : null);
    const mofcom = MOFCOM_NUMBER.exec(meta) ?? MOFCOM_NUMBER.exec(title) ?? MOFCOM_NUMBER.exec(text);
    const mfa = MFA_ORDER.exec(text);
    if (uel) [ref, number] = [`uel-${uel[1]}-${uel[2]}`, uel[0]];
    else if (list !== 'mfa-countermeasures' && mofcom) [ref, number] = [`mofcom-${mofcom[1]}-${mofcom[2]}`, mofcom[0]];
    else if (list === 'mfa-countermeasures' && mfa) [ref, number] = [`mfa-order-${mfa[1]}`, mfa[0]];
    else throw fail('no document number');
  }

  const effectiveMatch = new RegExp(
    `自\\s*${CN_DATE.source}(?:\\s*\\d{1,2}\\s*时(?:\\s*\\d{1,2}\\s*分)?)?\\s*起(?:正式)?(?:实施|施行)`,
  ).exec(text);
  const effective = effectiveMatch ? isoDate(effectiveMatch[1]!, effectiveMatch[2]!, effectiveMatch[3]!) : published;

  const annexed = annexAt < 0 ? [] : annexEntities(lines, annexAt + 1, reader);
  const entities = annexed.length ? annexed : /答记者问/.test(title) ? [] : inlineEntities(bodyLines);
  const changes = measureChanges(bodyLines, published);
  const declared = /答记者问/.test(title) ? undefined : declaredCount(bodyLines);
  if (declared !== undefined && declared !== entities.length)
    throw fail(`states ${declared} entities, ${entities.length} read`);
  // A spokesman's answer may only explain; an announcement or decision always lists or changes.
  if (entities.length === 0 && changes.length === 0 && !/答记者问/.test(title))
    throw fail('names no entity and changes no measure');
  const countries = new Set<string>();
  for (const m of [title, ...bodyLines].join('\n').matchAll(COUNTRY_OF_ENTITIES)) countries.add(COUNTRIES[m[1]!]!);
  return {
    ref,
    number,
    list,
    title,
    published,
    effective,
    url,
    countries: [...countries].sort(),
    entities,
    changes,
    removesNamed: /移出/.test(title),
  };
}

/** Whether an index link's title is an announcement this source reads. */
export function isRelevantTitle(title: string): boolean {
  return RELEVANT_TITLE.test(title);
}
