/**
 * Topics of feed items and register changes: transparent keyword rules, so that a subscriber can
 * filter press releases, notices and list changes on `topics` (an SNS message attribute) without
 * reading every item. A feed item keeps the topics its text gives it; a register record's are
 * computed for each change event and never stored (./register-topics.ts).
 *
 * A rule is `{ topic, keywords }`: an item gets the topic when one of the keywords starts a word of
 * its title, summary or categories. Matching ignores case, accents and punctuation
 * (normalizeKeywordText: "Dual-Use" finds "dual use", "Société" finds "societe"), and a keyword must
 * start a word ("sanction" finds "sanctions" and "Sanctioned", never "desanction"), except in scripts
 * written without spaces. A keyword of several words matches them in that order, separated by
 * anything that is not a letter or a digit ("entity list" finds "Entity-List"). Nothing is guessed:
 * an item whose text names none of the keywords gets no topic.
 *
 * The default rules (DEFAULT_TOPIC_RULES), in English plus the Dutch words the Dutch government's
 * export-control news uses and the Chinese and Japanese words for chips that the Chinese and
 * Japanese lists' names carry (registers' records get topics too: functions/core/register-topics.ts):
 *
 * | topic | keywords (any of) |
 * |---|---|
 * | `sanctions` | sanction, restrictive measures, asset freeze, frozen assets, designation, designated, delisting, delisted, SDN, OFAC, OFSI, general license, blocking property, sanctie |
 * | `entity-list` | entity list, unverified list, military end user, MEU list, denied persons |
 * | `export-licence` | export licence, export license, export licensing, licence application, license application, license requirement, licence requirement, license exception, licensing policy, OGEL, SIEL, exportvergunning, vergunningplicht |
 * | `export-controls` | export control, export administration regulations, ECCN, commerce control list, foreign direct product, strategic export, ECJU, notice to exporters, Wassenaar, catch-all, exportcontrole |
 * | `dual-use` | dual use, dual-use (the same once normalized), 2021/821, tweeërlei gebruik |
 * | `semiconductors` | semiconductor, chips, chipmaking, integrated circuit, lithography, advanced computing, supercomputer, wafer, ASML, DUV, EUV, TechInsights, halfgeleider, 半导体, 半導体, 芯片, 集成电路, 光刻, 晶圆 |
 * | `russia` | Russia, Russian, Rusland, Russische |
 * | `belarus` | Belarus, Belarusian, Wit-Rusland |
 * | `china` | China, Chinese, PRC, Hong Kong, Macau, Beijing |
 * | `iran` | Iran, Iranian, IRGC, Tehran |
 * | `north-korea` | North Korea, DPRK, Pyongyang, Noord-Korea |
 * | `enforcement` | penalty, penalties, settlement, indictment, indicted, charged, convicted, enforcement action, boete |
 * | `investment-screening` | National Security and Investment, NSI Act, final order, call-in notice, investment screening, investment security, foreign investment, CFIUS |
 *
 * The configuration file extends them (`topics: [{ "topic", "keywords" }]`): a rule for a new topic
 * is added, a rule for a default topic adds its keywords to the default ones (defaults cannot be
 * removed, so an upgrade never silently drops a subscriber's topic).
 */
import { normalizeKeywordText, startsWordIn } from './keyword-text.ts';

export interface TopicRule {
  /** Kebab-case topic, the value of the `topics` message attribute, e.g. `entity-list`. */
  readonly topic: string;
  /** Words or phrases; one of them starting a word of the text gives the topic. */
  readonly keywords: readonly string[];
}

export const DEFAULT_TOPIC_RULES: readonly TopicRule[] = [
  {
    topic: 'sanctions',
    keywords: [
      'sanction',
      'restrictive measures',
      'asset freeze',
      'frozen assets',
      'designation',
      'designated',
      'delisting',
      'delisted',
      'SDN',
      'OFAC',
      'OFSI',
      'general license',
      'blocking property',
      'sanctie',
    ],
  },
  {
    topic: 'entity-list',
    keywords: ['entity list', 'unverified list', 'military end user', 'MEU list', 'denied persons'],
  },
  {
    topic: 'export-licence',
    keywords: [
      'export licence',
      'export license',
      'export licensing',
      'licence application',
      'license application',
      'license requirement',
      'licence requirement',
      'license exception',
      'licensing policy',
      'OGEL',
      'SIEL',
      'exportvergunning',
      'vergunningplicht',
    ],
  },
  {
    topic: 'export-controls',
    keywords: [
      'export control',
      'export administration regulations',
      'ECCN',
      'commerce control list',
      'foreign direct product',
      'strategic export',
      'ECJU',
      'notice to exporters',
      'Wassenaar',
      'catch-all',
      'exportcontrole',
    ],
  },
  { topic: 'dual-use', keywords: ['dual use', '2021/821', 'tweeërlei gebruik'] },
  {
    topic: 'semiconductors',
    keywords: [
      'semiconductor',
      'chips',
      'chipmaking',
      'integrated circuit',
      'lithography',
      'advanced computing',
      'supercomputer',
      'wafer',
      'ASML',
      'DUV',
      'EUV',
      'TechInsights',
      'halfgeleider',
      '半导体',
      '半導体',
      '芯片',
      '集成电路',
      '光刻',
      '晶圆',
    ],
  },
  { topic: 'russia', keywords: ['Russia', 'Russian', 'Rusland', 'Russische'] },
  { topic: 'belarus', keywords: ['Belarus', 'Belarusian', 'Wit-Rusland'] },
  { topic: 'china', keywords: ['China', 'Chinese', 'PRC', 'Hong Kong', 'Macau', 'Beijing'] },
  { topic: 'iran', keywords: ['Iran', 'Iranian', 'IRGC', 'Tehran'] },
  { topic: 'north-korea', keywords: ['North Korea', 'DPRK', 'Pyongyang', 'Noord-Korea'] },
  {
    topic: 'enforcement',
    keywords: [
      'penalty',
      'penalties',
      'settlement',
      'indictment',
      'indicted',
      'charged',
      'convicted',
      'enforcement action',
      'boete',
    ],
  },
  {
    topic: 'investment-screening',
    keywords: [
      'National Security and Investment',
      'NSI Act',
      'final order',
      'call-in notice',
      'investment screening',
      'investment security',
      'foreign investment',
      'CFIUS',
    ],
  },
];

/**
 * The default rules with the configured ones merged in: same topic → keywords appended (duplicates
 * dropped), new topic → added after the defaults, in the configuration's order.
 */
export function mergeTopicRules(base: readonly TopicRule[], extra: readonly TopicRule[] = []): TopicRule[] {
  const merged = new Map<string, string[]>();
  for (const rule of [...base, ...extra]) {
    const keywords = merged.get(rule.topic) ?? [];
    for (const keyword of rule.keywords) if (!keywords.includes(keyword)) keywords.push(keyword);
    merged.set(rule.topic, keywords);
  }
  return [...merged].map(([topic, keywords]) => ({ topic, keywords }));
}

/** The topics whose rules match any of the texts, sorted. */
export type TopicMatcher = (texts: readonly string[]) => string[];

/** A matcher with the rules' keywords normalized once (build one per parse, not per item). */
export function createTopicMatcher(rules: readonly TopicRule[] = DEFAULT_TOPIC_RULES): TopicMatcher {
  const compiled = rules
    .map((rule) => ({
      topic: rule.topic,
      keywords: rule.keywords.map(normalizeKeywordText).filter((k) => k.length > 0),
    }))
    .filter((rule) => rule.keywords.length > 0);
  return (texts) => {
    const normalized = texts.map(normalizeKeywordText).filter((t) => t.length > 0);
    if (normalized.length === 0) return [];
    const topics = compiled
      .filter(({ keywords }) => keywords.some((keyword) => normalized.some((text) => startsWordIn(text, keyword))))
      .map(({ topic }) => topic);
    return [...new Set(topics)].sort();
  };
}

/** The topics of a set of texts under the given rules (default: DEFAULT_TOPIC_RULES). */
export function topicsFor(texts: readonly string[], rules: readonly TopicRule[] = DEFAULT_TOPIC_RULES): string[] {
  return createTopicMatcher(rules)(texts);
}
