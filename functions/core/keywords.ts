/**
 * Keyword subscriptions. SNS filter policies match whole attribute values, never a word inside a
 * name, so the publisher does the text matching: it tests each change event against every
 * subscriber's keywords and sends the ids of the subscribers that matched in the `matchedKeywords`
 * attribute; a keyword subscriber's filter policy asks for its own id there.
 *
 * Matching ignores case, diacritics and punctuation ("societe generale" finds "Société Générale",
 * "hong kong" finds "HONG-KONG") and looks at the name, aliases, remarks, list and programs of the
 * record before and after the change. A keyword must start a word ("arms" finds "ARMS DEPOT" and
 * "Armstrong", not "Farms"), except in scripts written without spaces (Chinese, Japanese, Thai...),
 * where it may start anywhere.
 */
import { isChangeEvent, type TradewatchEvent } from './events.ts';
import { normalizeKeywordText, startsWordIn } from './keyword-text.ts';
import type { RegisterRecord } from './records.ts';

/** The part of a subscriber the matcher reads. */
export interface KeywordSubscriber {
  id: string;
  filters?: { keywords?: readonly string[] | undefined } | undefined;
}

/** Ids of the subscribers whose keywords the event matches, in the subscribers' order. */
export type KeywordMatcher = (event: TradewatchEvent) => string[];

function recordTexts(record: RegisterRecord | null): string[] {
  if (!record) return [];
  return [record.name, ...record.aliases, record.remarks ?? '', record.list, ...record.programs];
}

/** The texts of an event that keywords are matched against, each normalized on its own. */
function eventTexts(event: TradewatchEvent): string[] {
  if (!isChangeEvent(event)) return [];
  const { data } = event;
  const texts = [data.name, data.list, ...recordTexts(data.record), ...recordTexts(data.previous)]
    .map(normalizeKeywordText)
    .filter(Boolean);
  return [...new Set(texts)];
}

/**
 * A matcher for these subscribers, with their keywords normalized once. Source-health events match
 * no keyword: they reach a subscriber through `includeHealth`.
 */
export function createKeywordMatcher(subscribers: readonly KeywordSubscriber[]): KeywordMatcher {
  const compiled = subscribers
    .map((subscriber) => ({
      id: subscriber.id,
      keywords: (subscriber.filters?.keywords ?? []).map(normalizeKeywordText).filter(Boolean),
    }))
    .filter((subscriber) => subscriber.keywords.length > 0);
  if (compiled.length === 0) return () => [];
  return (event) => {
    const texts = eventTexts(event);
    if (texts.length === 0) return [];
    return compiled
      .filter(({ keywords }) => keywords.some((keyword) => texts.some((text) => startsWordIn(text, keyword))))
      .map(({ id }) => id);
  };
}

/** Ids of the subscribers whose keywords match the event. Build one matcher for many events. */
export function keywordMatches(event: TradewatchEvent, subscribers: readonly KeywordSubscriber[]): string[] {
  return createKeywordMatcher(subscribers)(event);
}

/**
 * The keyword subscribers the stack passes as `[{"id":…,"keywords":[…]}]` (the config file is not
 * in the bundle) in the environment variable `variable` (config/environment.ts names it; core/
 * imports nothing). A malformed value fails the cold start, loudly.
 */
export function keywordSubscribersFromEnv(value: string | undefined, variable: string): KeywordSubscriber[] {
  if (!value) return [];
  const parsed = JSON.parse(value) as unknown;
  if (
    !Array.isArray(parsed) ||
    !parsed.every(
      (s) =>
        typeof s?.id === 'string' &&
        Array.isArray(s?.keywords) &&
        s.keywords.every((k: unknown) => typeof k === 'string'),
    )
  ) {
    throw new Error(`config: environment variable ${variable} must be a JSON array of {"id", "keywords": [...]}`);
  }
  return (parsed as { id: string; keywords: string[] }[]).map(({ id, keywords }) => ({ id, filters: { keywords } }));
}

/** What the stack puts in the keyword subscribers' variable for a config's subscribers. */
export function keywordSubscribersEnv(subscribers: readonly KeywordSubscriber[]): string {
  return JSON.stringify(
    subscribers.filter((s) => s.filters?.keywords?.length).map((s) => ({ id: s.id, keywords: s.filters!.keywords })),
  );
}
