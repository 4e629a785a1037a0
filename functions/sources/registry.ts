/**
 * sources/ — one file per source (metadata and quirks), shared readers (read/), one layout per file (formats/). No source imports another.
 *
 * Every registered source. Infra creates one schedule per entry; the CLI and the poller look
 * sources up here. Adding a source means adding its file and one line below.
 *
 * Sources defined in the configuration file (`customSources`) and configured topic rules are not
 * registered here: `sourcesFor(config)` and `findSource(id, config)` give the registered sources
 * (feeds rebuilt with the configured topic rules, the Federal Register with the configured query)
 * followed by the custom ones.
 */
import { DEFAULT_TOPIC_RULES, mergeTopicRules, type TopicRule } from '../core/topics.ts';
import { auDfat } from './au-dfat.ts';
import { caSema } from './ca-sema.ts';
import { chSeco } from './ch-seco.ts';
import { cnMofcomLists } from './cn-mofcom-lists.ts';
import { customSourceFrom, type CustomSourceDefinition } from './custom.ts';
import { euFsf } from './eu-fsf.ts';
import { euSanctionsNews } from './eu-sanctions-news.ts';
import { withTopicRules } from './feed-source.ts';
import { jpMetiForeignUserList } from './jp-meti-foreign-user-list.ts';
import { nlExportControlNews } from './nl-export-control-news.ts';
import type { Source } from './types.ts';
import { twShtcEntityList } from './tw-shtc-entity-list.ts';
import { ukEcjuNotices } from './uk-ecju-notices.ts';
import { ukNsiNotices } from './uk-nsi-notices.ts';
import { ukSanctionsList } from './uk-sanctions-list.ts';
import { unScConsolidated } from './un-sc-consolidated.ts';
import { usBisDpl } from './us-bis-dpl.ts';
import { usBisPress } from './us-bis-press.ts';
import {
  createFederalRegisterSource,
  usFederalRegister,
  type FederalRegisterQueryOptions,
} from './us-federal-register.ts';
import { usOfacConsolidated } from './us-ofac-consolidated.ts';
import { usOfacRecentActions } from './us-ofac-recent-actions.ts';
import { usOfacSdn } from './us-ofac-sdn.ts';
import { usTradeCsl } from './us-trade-csl.ts';

export const SOURCES: readonly Source[] = [
  usOfacSdn,
  usOfacConsolidated,
  unScConsolidated,
  usTradeCsl,
  euFsf,
  ukSanctionsList,
  usBisDpl,
  cnMofcomLists,
  caSema,
  chSeco,
  auDfat,
  jpMetiForeignUserList,
  twShtcEntityList,
  usFederalRegister,
  usOfacRecentActions,
  usBisPress,
  ukEcjuNotices,
  euSanctionsNews,
  nlExportControlNews,
  ukNsiNotices,
];

/** The part of the configuration that adds sources: custom sources and topic rules (both optional). */
export interface SourcesConfig {
  readonly customSources?: readonly CustomSourceDefinition[];
  readonly topics?: readonly TopicRule[];
  /** The us-federal-register source's query (agencies, types, terms, perPage). */
  readonly federalRegister?: FederalRegisterQueryOptions | undefined;
}

const resolved = new WeakMap<SourcesConfig, readonly Source[]>();

/**
 * The registered sources, then the configuration's custom sources. Without configured topics the
 * registered sources are the SOURCES objects themselves; with them, feed sources are rebuilt with
 * the default rules plus the configured ones (custom feeds get the same rules).
 */
export function sourcesFor(config?: SourcesConfig): readonly Source[] {
  if (!config) return SOURCES;
  const cached = resolved.get(config);
  if (cached) return cached;
  const topics = config.topics ?? [];
  const rules = topics.length ? mergeTopicRules(DEFAULT_TOPIC_RULES, topics) : DEFAULT_TOPIC_RULES;
  const query = config.federalRegister;
  const registered = SOURCES.map((source) =>
    query && source.id === usFederalRegister.id ? createFederalRegisterSource(query) : source,
  ).map((source) => (topics.length ? withTopicRules(source, rules) : source));
  const all = [
    ...registered,
    ...(config.customSources ?? []).map((definition) => customSourceFrom(definition, { topicRules: rules })),
  ];
  resolved.set(config, all);
  return all;
}

/** A registered source by id, or (given the configuration) a custom one. */
export function findSource(id: string, config?: SourcesConfig): Source | undefined {
  return sourcesFor(config).find((source) => source.id === id);
}
