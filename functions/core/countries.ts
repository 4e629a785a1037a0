/**
 * Country names as registers spell them, to ISO 3166-1 alpha-2. i18n-iso-countries knows the
 * official and common English names; the table below adds the spellings sanctions lists use that it
 * does not ("Korea, North", "Burma", "Iran (Islamic Republic of)" ...).
 */
// The package's Node entry registers every language (600 KB in a bundle); the plain one registers
// none, and only English is needed.
import countries from 'i18n-iso-countries/index.js';
import english from 'i18n-iso-countries/langs/en.json' with { type: 'json' };

countries.registerLocale(english);

const SPELLINGS: Record<string, string> = {
  'korea, north': 'KP',
  'north korea': 'KP',
  "korea, democratic people's republic of": 'KP',
  "democratic people's republic of korea": 'KP',
  'korea, south': 'KR',
  'south korea': 'KR',
  'korea, republic of': 'KR',
  burma: 'MM',
  russia: 'RU',
  'russian federation': 'RU',
  iran: 'IR',
  'iran (islamic republic of)': 'IR',
  syria: 'SY',
  'syrian arab republic': 'SY',
  'congo, democratic republic of the': 'CD',
  'democratic republic of the congo': 'CD',
  'congo, republic of the': 'CG',
  'republic of the congo': 'CG',
  'cote d ivoire': 'CI',
  "cote d'ivoire": 'CI',
  'ivory coast': 'CI',
  'the bahamas': 'BS',
  'bahamas, the': 'BS',
  'gambia, the': 'GM',
  'the gambia': 'GM',
  'hong kong': 'HK',
  macau: 'MO',
  macao: 'MO',
  taiwan: 'TW',
  'taiwan, province of china': 'TW',
  'west bank': 'PS',
  'gaza strip': 'PS',
  palestinian: 'PS',
  'palestinian territories': 'PS',
  'region: gaza': 'PS',
  'region: west bank': 'PS',
  kosovo: 'XK',
  'venezuela (bolivarian republic of)': 'VE',
  venezuela: 'VE',
  bolivia: 'BO',
  "lao people's democratic republic": 'LA',
  laos: 'LA',
  'viet nam': 'VN',
  vietnam: 'VN',
  'united republic of tanzania': 'TZ',
  tanzania: 'TZ',
  'republic of moldova': 'MD',
  moldova: 'MD',
  'the former yugoslav republic of macedonia': 'MK',
  'north macedonia': 'MK',
  'north macedonia, the republic of': 'MK',
  macedonia: 'MK',
  'czech republic': 'CZ',
  'united kingdom': 'GB',
  'united kingdom of great britain and northern ireland': 'GB',
  uk: 'GB',
  'united states': 'US',
  'united states of america': 'US',
  usa: 'US',
  'united arab emirates': 'AE',
  uae: 'AE',
  turkey: 'TR',
  turkiye: 'TR',
  türkiye: 'TR',
  brunei: 'BN',
  'brunei darussalam': 'BN',
  'bosnia-herzegovina': 'BA',
  'bosnia and herzegovina': 'BA',
  'saint kitts and nevis': 'KN',
  'st. kitts and nevis': 'KN',
  'saint vincent and the grenadines': 'VC',
  'st. vincent and the grenadines': 'VC',
  'saint lucia': 'LC',
  'st. lucia': 'LC',
  'micronesia, federated states of': 'FM',
  'netherlands antilles': 'AN',
  curacao: 'CW',
  curaçao: 'CW',
  'sint maarten': 'SX',
  'serbia and montenegro': 'CS',
  yugoslavia: 'YU',
  'east timor': 'TL',
  'timor-leste': 'TL',
  'cabo verde': 'CV',
  'cape verde': 'CV',
  eswatini: 'SZ',
  swaziland: 'SZ',
  'holy see': 'VA',
  'vatican city': 'VA',
  'man, isle of': 'IM',
  crimea: 'UA',
  'region: crimea': 'UA',
};

const cache = new Map<string, string | undefined>();

/**
 * ISO alpha-2 code for a country name or code as a register writes it, or undefined when it is not
 * a country (a region, "undetermined", an empty cell). Never guesses from a partial match.
 */
export function countryCode(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const key = value.replace(/\s+/g, ' ').trim().toLowerCase();
  if (!key) return undefined;
  if (cache.has(key)) return cache.get(key);
  let code: string | undefined = SPELLINGS[key];
  if (!code && /^[a-z]{2}$/.test(key) && countries.isValid(key.toUpperCase())) code = key.toUpperCase();
  if (!code && /^[a-z]{3}$/.test(key)) code = countries.alpha3ToAlpha2(key.toUpperCase());
  code ??= countries.getAlpha2Code(value.trim(), 'en');
  cache.set(key, code);
  return code;
}
