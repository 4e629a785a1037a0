/**
 * What METI's two layouts of the Foreign User List share (jp-meti-foreign-user-list.ts says what is
 * odd about the data): the entry as read from a row, the record built from it, its id, the country
 * and WMD codes, and the revision (publication and effective dates) read from METI's revisions page.
 */
import { countryCode } from '../../core/countries.ts';
import type { RegisterRecord } from '../../core/records.ts';
import { clean } from '../helpers.ts';
import type { ParseContext, ParseInput } from '../types.ts';

export const JP_METI_ID = 'jp-meti-foreign-user-list';
export const JP_METI_LIST = 'Foreign User List';
/** The revisions page, read beside the list for the dates of each revision. */
export const JP_METI_REVISIONS_PAGE = 'law09-2.html';

/** One row of the list, as either layout gives it. */
export interface ForeignUserEntry {
  /** "No." of this revision: renumbered at every revision, so never the id. */
  readonly number: string;
  /** The country cell: Japanese name, then (after a line break) the English one. */
  readonly country: string;
  readonly name: string;
  /** The 別名 cell: one "・"-bulleted alias a line. */
  readonly aliases: string;
  /** The 懸念区分 cell: "生物、化学、ミサイル、核\nB,C,M,N". */
  readonly wmd: string;
  /** The 通常兵器 cell ("通常兵器\nCW"), '' when the layout has none. */
  readonly conventional: string;
}

/**
 * The Japanese country names METI writes, with their ISO codes (its English names are long forms,
 * "Islamic Republic of Afghanistan", that countryCode() does not always know).
 */
const JAPANESE_COUNTRIES: Readonly<Record<string, string>> = {
  アフガニスタン: 'AF',
  アラブ首長国連邦: 'AE',
  アルメニア: 'AM',
  イエメン: 'YE',
  イスラエル: 'IL',
  イラク: 'IQ',
  イラン: 'IR',
  インド: 'IN',
  ウズベキスタン: 'UZ',
  エジプト: 'EG',
  カザフスタン: 'KZ',
  北朝鮮: 'KP',
  キルギス: 'KG',
  シリア: 'SY',
  シンガポール: 'SG',
  台湾: 'TW',
  タイ: 'TH',
  中国: 'CN',
  トルコ: 'TR',
  パキスタン: 'PK',
  ベラルーシ: 'BY',
  香港: 'HK',
  マレーシア: 'MY',
  レバノン: 'LB',
  ロシア: 'RU',
};

const WMD_NAMES: Readonly<Record<string, string>> = {
  B: 'Biological weapons',
  C: 'Chemical weapons',
  M: 'Missiles',
  N: 'Nuclear weapons',
};
export const CONVENTIONAL_WEAPONS = 'Conventional weapons';

/** The country cell split: Japanese name (first line) and English name (the rest). */
export function splitCountry(cell: string): { japanese: string; english: string } {
  const lines = cell
    .split(/\r?\n/)
    .map((l) => clean(l))
    .filter(Boolean);
  return { japanese: lines[0] ?? '', english: lines.slice(1).join(' ') };
}

export function countryOf(cell: string): string | undefined {
  const { japanese, english } = splitCountry(cell);
  return JAPANESE_COUNTRIES[japanese] ?? countryCode(english) ?? countryCode(japanese);
}

/**
 * The WMD codes of a 懸念区分 cell. The Latin codes follow the Japanese words after a line break,
 * separated by "," or the ideographic "、", and some are full-width ("Ｎ") or glued to the words
 * ("ミサイルM"): the codes are the Latin letters B, C, M, N anywhere in the cell, once NFKC-folded.
 */
export function wmdCodes(cell: string): string[] {
  const codes = cell.normalize('NFKC').match(/(?<![A-Za-z])[BCMN](?![A-Za-z])/g) ?? [];
  return [...new Set(codes)].sort();
}

/** The aliases of a 別名 cell: one a line, each after a "・" bullet; a line without one continues the last. */
export function splitAliases(cell: string): string[] {
  const aliases: string[] = [];
  for (const line of cell.split(/\r?\n/)) {
    const text = clean(line);
    if (!text) continue;
    if (/^[・･]/.test(text) || aliases.length === 0) aliases.push(clean(text.replace(/^[・･]\s*/, '')));
    else aliases[aliases.length - 1] = joinWrapped(aliases[aliases.length - 1]!, text);
  }
  return aliases.filter(Boolean);
}

const CJK = /[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]/;

/**
 * Full-width punctuation carries its own spacing, so METI's files differ in whether a space stands
 * beside it ("Co., Ltd.（中国…）" in the PDF, "Co., Ltd. （中国…）" in the XLSX; "CO.，LTD." and
 * "CO.， LTD."): the space is dropped, and so is a list bullet left at the start of a cell, so that a
 * change of layout does not make every bilingual name "modified".
 */
export function tightenWidePunctuation(text: string): string {
  return text
    .replace(/^[・･]\s*/, '')
    .replace(/\s+(?=[（［【〔「『）］】〕」』，、。：；])/g, '')
    .replace(/(?<=[（［【〔「『，、。：；])\s+/g, '');
}

/**
 * Two pieces of a line wrapped by the PDF: with a space between words, without one in Japanese or
 * after a hyphen the line broke at ("SELF-" / "SUFFICIENCY").
 */
export function joinWrapped(before: string, after: string): string {
  if (!before) return after;
  if (!after) return before;
  const glued = CJK.test(before.at(-1)!) || CJK.test(after[0]!) || /[A-Za-z]-$/.test(before);
  return glued ? `${before}${after}` : `${before} ${after}`;
}

/**
 * The id of an entry: its country code and its name folded (NFKC, lower case, every run of
 * anything but letters and digits one "-"), so that renumbering, letter case, full-width or
 * half-width parentheses, quotes and spacing never change it. "Delta Engineering Concern FZE
 * （DEC）" of the United Arab Emirates is `AE-delta-engineering-concern-fze-dec`.
 */
export function entryId(countryCodeOrName: string, name: string): string {
  const folded = name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  return `${countryCodeOrName}-${folded}`;
}

export interface Revision {
  /** 公布: the day METI published the revision (the date in the list's file name). */
  readonly published: string;
  /** 施行: the day the revised list applies from. */
  readonly effective: string;
  /** Absolute URLs of the revision's documents (the list, the notice ...), in page order. */
  readonly links: readonly string[];
}

const ERAS: Readonly<Record<string, number>> = { 令和: 2018, 平成: 1988 };

/** "令和７年１０月９日" → "2025-10-09". */
export function japaneseDate(text: string): string | undefined {
  const match = /(令和|平成)\s*(\d+|元)\s*年\s*(\d+)\s*月\s*(\d+)\s*日/.exec(text.normalize('NFKC'));
  if (!match) return undefined;
  const year = ERAS[match[1]!]! + (match[2] === '元' ? 1 : Number(match[2]));
  return `${year}-${match[3]!.padStart(2, '0')}-${match[4]!.padStart(2, '0')}`;
}

/**
 * The revisions of the Foreign User List (sections titled 外国ユーザーリストの改正について) on METI's
 * revisions page, newest first as the page lists them, with their 公布 and 施行 dates.
 */
export function readRevisionsPage(
  html: string,
  pageUrl = 'https://www.meti.go.jp/policy/anpo/law09-2.html',
): Revision[] {
  const revisions: Revision[] = [];
  const sections = html.split(/<div class="section"/i).slice(1);
  for (const section of sections) {
    const title = /<h2>([\s\S]*?)<\/h2>/i.exec(section)?.[1] ?? '';
    if (!/外国ユーザーリストの改正/.test(title)) continue;
    const box = /<div class="boxNormal">([\s\S]*?)<\/div>/i.exec(section)?.[1] ?? '';
    const text = box.normalize('NFKC');
    // "令和７年９月２９日 公布 令和７年１０月９日 施行"; the 2022-03-10 revision says only "施行":
    // it applied on publication.
    const effective = japaneseDate(/([^\s]+)\s*施行/.exec(text)?.[1] ?? '');
    const published = japaneseDate(/([^\s]+)\s*公布/.exec(text)?.[1] ?? '') ?? effective;
    if (!published || !effective) continue;
    const links = [...section.matchAll(/<a\s[^>]*href="([^"]+)"/gi)].map((m) => new URL(m[1]!, pageUrl).href);
    revisions.push({ published, effective, links });
  }
  return revisions;
}

/** The yyyy-mm-dd in a list's file name ("20250929_4.xlsx", "20250131003-1.pdf"), if any. */
export function fileDate(fileName: string): string | undefined {
  const match = /(20\d{2})(\d{2})(\d{2})/.exec(fileName);
  return match ? `${match[1]}-${match[2]}-${match[3]}` : undefined;
}

/**
 * The revision a list file belongs to: the one published on the date in its file name, read from
 * the revisions page beside it. Without the page or a matching revision, the file name's date
 * alone, with a warning: the effective date is then unknown.
 */
export async function revisionOf(
  input: ParseInput,
  context: ParseContext,
): Promise<{ published?: string; effective?: string }> {
  const published = fileDate(input.main.name);
  const page = input.companions.get(JP_METI_REVISIONS_PAGE);
  if (!page) {
    context.warn(`${JP_METI_REVISIONS_PAGE} not read beside ${input.main.name}: the effective date is unknown`);
    return published ? { published } : {};
  }
  const chunks: Buffer[] = [];
  for await (const chunk of page.open()) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  const revisions = readRevisionsPage(Buffer.concat(chunks).toString('utf8'));
  const revision = revisions.find((r) => r.published === published);
  if (!revision) {
    context.warn(
      `no revision published ${published ?? '(no date in the file name)'} on ${JP_METI_REVISIONS_PAGE}: the effective date is unknown`,
    );
    return published ? { published } : {};
  }
  return { published: revision.published, effective: revision.effective };
}

export interface EntryBuilder {
  build(entry: ForeignUserEntry, where: string): RegisterRecord | undefined;
}

/** Builds records, warning once per unknown country, and skipping (with a warning) a second entry of one id. */
export function entryBuilder(
  context: ParseContext,
  revision: { published?: string; effective?: string },
): EntryBuilder {
  const seen = new Set<string>();
  const unknownCountries = new Set<string>();
  return {
    build(entry, where) {
      const name = tightenWidePunctuation(clean(entry.name.replace(/\r?\n/g, ' ')));
      if (!name) {
        context.warn(`${where} has no company name: skipped`);
        return undefined;
      }
      const { japanese, english } = splitCountry(entry.country);
      const code = countryOf(entry.country);
      if (!code && !unknownCountries.has(japanese)) {
        unknownCountries.add(japanese);
        context.warn(`unknown country "${japanese} ${english}" (${where}): the record has no country code`);
      }
      const id = entryId(code ?? (japanese || 'XX'), name);
      if (seen.has(id)) {
        context.warn(`${where} repeats "${name}" (${code ?? japanese}): the second entry is skipped`);
        return undefined;
      }
      seen.add(id);
      const codes = wmdCodes(entry.wmd);
      const conventional = /CW/i.test(entry.conventional.normalize('NFKC'));
      const programs = [...codes.map((c) => WMD_NAMES[c]!), ...(conventional ? [CONVENTIONAL_WEAPONS] : [])];
      const aliases = splitAliases(entry.aliases)
        .map(tightenWidePunctuation)
        .filter((a) => a !== name);
      const countries = code ? [code] : [];
      const extra: RegisterRecord['extra'] = { number: clean(entry.number) };
      if (japanese) extra.countryJapanese = japanese;
      if (english) extra.countryEnglish = english;
      if (codes.length) extra.wmdCodes = codes;
      if (conventional) extra.conventionalWeapons = 'CW';
      if (revision.published) extra.revisionPublished = revision.published;
      if (revision.effective) extra.effectiveFrom = revision.effective;
      return {
        id,
        source: JP_METI_ID,
        list: JP_METI_LIST,
        kind: 'organization',
        name,
        aliases,
        countries,
        addresses: [],
        programs,
        links: [],
        extra,
      };
    },
  };
}
