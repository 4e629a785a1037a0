/**
 * Topics of a register's records, computed when a change event is built and never stored in the
 * record: a record's content hash must change only when the publisher changes it, not when the
 * keyword rules (the defaults or the configuration's `topics`) do. Feed items keep the topics their
 * own text gave them at parse time (functions/core/topics.ts); a register record gets
 *
 * - the topics of the register itself (`sanctions` for a sanctions list, `export-controls` and
 *   `entity-list` for an export-control list: the source's `topics`, or its `listTopics` for the
 *   list a record is on, where one source publishes several lists);
 * - the country topics of the countries it names (CN, HK and MO are `china`, RU `russia` ...);
 * - the keyword rules in force over its name, aliases and programs, so that "Semiconductor
 *   Manufacturing International Corp" is `semiconductors` on every register that lists it.
 */
import type { RegisterRecord } from './records.ts';
import { DEFAULT_TOPIC_RULES, createTopicMatcher, type TopicMatcher, type TopicRule } from './topics.ts';

/** What a source says about the topics of its records (see RegisterSource). */
export interface RegisterTopicInfo {
  /** Topics of every record of the register. @default none */
  readonly topics?: readonly string[];
  /**
   * Topics of the records on one list, by the record's list name or one of its programs, added to
   * `topics` (a source that publishes several lists). @default none
   */
  readonly listTopics?: Readonly<Record<string, readonly string[]>>;
  /** The keyword rules in force. @default DEFAULT_TOPIC_RULES */
  readonly topicRules?: readonly TopicRule[];
}

/** The country topics of the default rules, by ISO code. */
const COUNTRY_TOPICS: Readonly<Record<string, string>> = {
  CN: 'china',
  HK: 'china',
  MO: 'china',
  RU: 'russia',
  BY: 'belarus',
  IR: 'iran',
  KP: 'north-korea',
};

// Compiling the rules normalizes every keyword: once per rule set, not once per event.
const matchers = new WeakMap<readonly TopicRule[], TopicMatcher>();

function matcherFor(rules: readonly TopicRule[]): TopicMatcher {
  let matcher = matchers.get(rules);
  if (!matcher) {
    matcher = createTopicMatcher(rules);
    matchers.set(rules, matcher);
  }
  return matcher;
}

/** The topics of one register record, sorted. */
export function registerRecordTopics(
  info: RegisterTopicInfo,
  record: Pick<RegisterRecord, 'name' | 'aliases' | 'programs' | 'countries' | 'list'>,
): string[] {
  const topics = new Set(info.topics);
  if (info.listTopics) {
    for (const key of [record.list, ...record.programs]) {
      if (Object.hasOwn(info.listTopics, key)) for (const topic of info.listTopics[key]!) topics.add(topic);
    }
  }
  for (const country of record.countries) {
    const topic = COUNTRY_TOPICS[country.toUpperCase()];
    if (topic) topics.add(topic);
  }
  const match = matcherFor(info.topicRules ?? DEFAULT_TOPIC_RULES);
  for (const topic of match([record.name, ...record.aliases, ...record.programs])) topics.add(topic);
  return [...topics].sort();
}

/**
 * The topics of a change to a record, as now and as before (a record that leaves China is still
 * news to a subscriber who filters on `china`): a register's computed, a feed item's own.
 */
export function changeTopics(
  source: RegisterTopicInfo & { readonly kind?: 'register' | 'feed' },
  record: RegisterRecord | null,
  previous: RegisterRecord | null,
): string[] {
  const of = (r: RegisterRecord | null): readonly string[] =>
    !r ? [] : source.kind === 'feed' ? (r.topics ?? []) : [...(r.topics ?? []), ...registerRecordTopics(source, r)];
  return [...new Set([...of(record), ...of(previous)])].sort();
}
