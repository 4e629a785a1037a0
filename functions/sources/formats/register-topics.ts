/**
 * Topics for the records of registers (feeds get theirs from their items' text): the topics the
 * register stands for (`export-controls` for an export-control list), the topics of the countries
 * a record names, and the default keyword rules run over its names and programs, so that
 * "Semiconductor Manufacturing International" is `semiconductors` wherever it is listed. Used by
 * the registers added with the chip-control lists (au-dfat, jp-meti-foreign-user-list,
 * tw-shtc-entity-list); the older registers carry no topics.
 */
import { createTopicMatcher } from '../../core/topics.ts';

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

const matchTopics = createTopicMatcher();

export function registerTopics(
  fixed: readonly string[],
  record: { name: string; aliases: readonly string[]; programs: readonly string[]; countries: readonly string[] },
): string[] {
  const topics = new Set(fixed);
  for (const country of record.countries) {
    const topic = COUNTRY_TOPICS[country];
    if (topic) topics.add(topic);
  }
  for (const topic of matchTopics([record.name, ...record.aliases, ...record.programs])) topics.add(topic);
  return [...topics].sort();
}
