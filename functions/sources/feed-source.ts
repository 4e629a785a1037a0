/**
 * A feed source (press releases, notices) from its metadata: kind `feed`, the generic RSS/Atom
 * format listing items under the source's own list name, and the topic rules in force.
 *
 * The topic rules are the defaults unless the configuration file adds some: `withTopicRules`
 * rebuilds a feed source made here with other rules (registry.ts's `sourcesFor(config)` does), so a
 * source file never needs to know about the configuration.
 */
import { DEFAULT_TOPIC_RULES, type TopicRule } from '../core/topics.ts';
import { feedXmlFormat } from './formats/feed-xml.ts';
import type { RegisterRecord } from '../core/records.ts';
import type { ParseContext, RegisterSource, SourceFormat } from './types.ts';

export interface FeedSourceSpec extends Omit<RegisterSource, 'kind' | 'formats'> {
  /** The list name every item carries, e.g. `OFAC Recent Actions` (never the channel's own title). */
  readonly list: string;
  /**
   * What the source reads into an item beyond the generic feed fields (the parties a notice
   * names, say), after the topic rules have run. @default none
   */
  readonly refine?: (record: RegisterRecord, context: ParseContext) => RegisterRecord;
}

const SPECS = new WeakMap<RegisterSource, FeedSourceSpec>();

/** The RegisterSource of a feed. */
export function feedSource(
  spec: FeedSourceSpec,
  topicRules: readonly TopicRule[] = DEFAULT_TOPIC_RULES,
): RegisterSource {
  const { list, refine, ...metadata } = spec;
  const generic = feedXmlFormat({ list, topicRules });
  const format: SourceFormat = refine
    ? {
        ...generic,
        async *parse(input, context) {
          for await (const record of generic.parse(input, context)) yield refine(record, context);
        },
      }
    : generic;
  const source: RegisterSource = { ...metadata, kind: 'feed', formats: [format] };
  SPECS.set(source, spec);
  return source;
}

/**
 * The same source with other topic rules: a feed source made here is rebuilt (its items get topics
 * at parse time), a register carries the rules for its change events.
 */
export function withTopicRules(source: RegisterSource, topicRules: readonly TopicRule[]): RegisterSource {
  const spec = SPECS.get(source);
  if (spec) return feedSource(spec, topicRules);
  return source.kind === 'register' ? { ...source, topicRules } : source;
}
