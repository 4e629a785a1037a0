/**
 * What the UK's two layouts share (uk-sanctions-list.ts says what is odd about the data): the list
 * names, country spellings, dates, numbered cells, and the draft a designation is built in.
 */
import { countryCode } from '../../core/countries.ts';
import { SourceFormatError } from '../../core/errors.ts';
import { cleanText, type ExtraFields, type RecordKind, type RegisterRecord } from '../../core/records.ts';
import type { ParseContext } from '../types.ts';
import { clean, joinParts } from '../helpers.ts';

export const UK_SANCTIONS_LIST_ID = 'uk-sanctions-list';
export const UK_SANCTIONS_LIST_NAME = 'UK Sanctions List';
/** The list name of records read from OFSI's consolidated CSV (history before 28 January 2026). */
export const OFSI_CONSOLIDATED_LIST_NAME = 'OFSI Consolidated List';

const KINDS: Readonly<Record<string, RecordKind>> = {
  individual: 'person',
  entity: 'organization',
  ship: 'vessel',
};
const UK_DATE = /^(\d{2})\/(\d{2})\/(\d{4})$/;

/**
 * Demonyms and UK spellings that countryCode() does not know, as OFSI and the FCDO write them.
 * Qualified values ("Possibly Ethiopian", "Bahrain (citizenship revoked in January 2015)") are left
 * out on purpose: they do not state one current nationality.
 */
const UK_COUNTRY_SPELLINGS: Readonly<Record<string, string>> = {
  afghan: 'AF',
  algerian: 'DZ',
  american: 'US',
  australian: 'AU',
  bahraini: 'BH',
  bangladeshi: 'BD',
  belarusian: 'BY',
  belgian: 'BE',
  'bosnia and herzegovinan': 'BA',
  british: 'GB',
  burmese: 'MM',
  burundian: 'BI',
  canadian: 'CA',
  'central african': 'CF',
  chadian: 'TD',
  chinese: 'CN',
  congolese: 'CD',
  danish: 'DK',
  dutch: 'NL',
  egyptian: 'EG',
  emirati: 'AE',
  eritrean: 'ER',
  ethiopian: 'ET',
  filipino: 'PH',
  french: 'FR',
  german: 'DE',
  guinean: 'GN',
  'bissau-guinean': 'GW',
  indian: 'IN',
  indonesian: 'ID',
  iranian: 'IR',
  iraqi: 'IQ',
  irish: 'IE',
  israeli: 'IL',
  italian: 'IT',
  jordanian: 'JO',
  kenyan: 'KE',
  kosovan: 'XK',
  kuwaiti: 'KW',
  lebanese: 'LB',
  libyan: 'LY',
  malaysian: 'MY',
  malian: 'ML',
  mauritanian: 'MR',
  moroccan: 'MA',
  nigerian: 'NG',
  nigerien: 'NE',
  'north korean': 'KP',
  omani: 'OM',
  pakistani: 'PK',
  palestinian: 'PS',
  philippine: 'PH',
  qatari: 'QA',
  russian: 'RU',
  rwandan: 'RW',
  saudi: 'SA',
  'saudi arabian': 'SA',
  senegalese: 'SN',
  serbian: 'RS',
  somali: 'SO',
  'south sudanese': 'SS',
  spanish: 'ES',
  sudanese: 'SD',
  swedish: 'SE',
  swiss: 'CH',
  syrian: 'SY',
  tanzanian: 'TZ',
  trinidadian: 'TT',
  tunisian: 'TN',
  turkish: 'TR',
  ugandan: 'UG',
  ukrainian: 'UA',
  uzbek: 'UZ',
  venezuelan: 'VE',
  yemeni: 'YE',
  zimbabwean: 'ZW',
  dprk: 'KP',
  drc: 'CD',
  rdc: 'CD',
  'democratic peoples republic of korea': 'KP',
  'libyan arab jamahiriya': 'LY',
  'sultanate of oman': 'OM',
  'union of the comoros': 'KM',
  'british virgin islands': 'VG',
  'democratic people’s republic of korea': 'KP',
  georgian: 'GE',
  norwegian: 'NO',
  'congo (democratic republic)': 'CD',
  'democratic republic of the congo': 'CD',
  'myanmar (burma)': 'MM',
  'occupied palestinian territories': 'PS',
  'st kitts and nevis': 'KN',
  'st lucia': 'LC',
  'st vincent': 'VC',
  'the gambia': 'GM',
};

export function ukCountryCode(value: string): string | undefined {
  const text = cleanText(value).replace(/[.,;]+$/, '');
  if (!text) return undefined;
  return countryCode(text) ?? UK_COUNTRY_SPELLINGS[text.toLowerCase()];
}

/** "(1) Saudi Arabian (2) Yemeni", "1) Uzbek 2) Afghan", "a) x b) y" → the items. */
export function splitNumbered(cell: string): string[] {
  return cell
    .split(/\s*\(?\b(?:\d{1,2}|[a-h])\)\s*/)
    .map((part) =>
      cleanText(part)
        .replace(/^[-,;.]+|[,;]+$/g, '')
        .trim(),
    )
    .filter((part) => part.length > 0);
}

/** dd/mm/yyyy → yyyy-mm-dd when it is a full calendar date; '' otherwise. */
export function isoDate(value: string): string {
  const match = UK_DATE.exec(value);
  if (!match) return '';
  const [day, month, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return '';
  return `${match[3]}-${match[2]}-${match[1]}`;
}

/** Name 1 … Name 5, then Name 6. */
export function composeName(parts: readonly string[]): string {
  return joinParts([...parts.slice(1, 6), parts[0] ?? ''].map(clean), ' ');
}

export function kindOf(value: string, context: ParseContext, where: string): RecordKind {
  const kind = KINDS[value.toLowerCase()];
  if (!kind)
    throw new SourceFormatError(
      context.sourceId,
      `${where}: unknown type "${value}" (expected Individual, Entity or Ship)`,
    );
  return kind;
}

/** Collects one designation or group; both publications fill it and `build` makes the record. */
export class DesignationDraft {
  readonly primaryNames = new Set<string>();
  readonly otherNames = new Set<string>();
  readonly countries = new Set<string>();
  readonly addresses: string[] = [];
  readonly programs = new Set<string>();
  readonly listedOn: string[] = [];
  readonly extra: ExtraFields = {};
  readonly remarks: string[] = [];

  /**
   * Countries named in a cell. `place`: an address or birth country, where a trailing note in
   * parentheses ("Afghanistan (previous address)", "Kuwait (at time of listing)") still names the
   * country; a nationality keeps its note ("Bahrain (citizenship revoked in January 2015)").
   */
  addCountries(value: string, place = false): void {
    for (const item of splitNumbered(value)) {
      const code = ukCountryCode(place ? item.replace(/\s*\([^()]*\)\.?$/, '') : item);
      if (code) this.countries.add(code);
    }
  }

  addExtra(key: string, value: string): void {
    const text = clean(value);
    if (!text) return;
    const list = this.extra[key];
    if (Array.isArray(list)) {
      if (!list.includes(text)) list.push(text);
    } else this.extra[key] = [text];
  }

  setExtra(key: string, value: string): void {
    const text = clean(value);
    if (text) this.extra[key] = text;
  }

  addAddress(parts: readonly string[]): void {
    const line = joinParts(parts.map(clean));
    if (line && !this.addresses.includes(line)) this.addresses.push(line);
  }

  addRemark(value: string): void {
    const text = clean(value);
    if (text && !this.remarks.includes(text)) this.remarks.push(text);
  }

  build(id: string, list: string, kind: RecordKind, context: ParseContext, where: string): RegisterRecord | undefined {
    const primaries = [...this.primaryNames].sort();
    let name = primaries[0];
    if (primaries.length > 1)
      context.warn(
        `${where} has ${primaries.length} primary names (${primaries.join(' | ')}): "${name}" used, the others kept as aliases`,
      );
    if (!name) {
      name = [...this.otherNames].sort()[0];
      if (!name) {
        context.warn(`${where} has no name: skipped`);
        return undefined;
      }
      context.warn(`${where} has no primary name: "${name}" used`);
    }
    const aliases = [...new Set([...primaries, ...this.otherNames])].filter((n) => n !== name);
    const record: RegisterRecord = {
      id,
      source: UK_SANCTIONS_LIST_ID,
      list,
      kind,
      name,
      aliases,
      countries: [...this.countries],
      addresses: this.addresses,
      programs: [...this.programs],
      links: [],
      extra: this.extra,
    };
    const listedOn = [...this.listedOn].sort()[0];
    if (listedOn) record.listedOn = listedOn;
    // Sorted: the CSV repeats Other Information on every row of a group, in no meaningful order.
    const remarks = [...this.remarks].sort().join(' ');
    if (remarks) record.remarks = remarks;
    return record;
  }
}
