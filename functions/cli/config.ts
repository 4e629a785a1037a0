/** `tradewatch config`: the configuration file validated, and printed with its defaults applied. */
import { configFilePath, filterPolicyFor, loadConfig } from '../config/config.ts';
import { resolvedDelivery, subscriptionPolicyFor, type ResolvedDelivery } from '../config/delivery.ts';
import type { Flags } from './args.ts';
import { out } from './output.ts';

/** Validates the configuration and prints it with defaults applied, and each subscriber's filter policy. */
export function commandConfig(flags: Flags): number {
  const file = configFilePath(flags.config);
  const config = loadConfig(flags.config);
  // The delivery with its defaults; the filter policy that decides which changes are the
  // subscriber's; and the SNS subscription's policy (the same for `each`, its bundles otherwise).
  const subscribers = config.subscribers.map((subscriber) => ({
    ...subscriber,
    delivery: resolvedDelivery(subscriber),
    filterPolicy: filterPolicyFor(subscriber),
    subscriptionPolicy: subscriptionPolicyFor(subscriber),
  }));
  if (flags.json) {
    out(
      JSON.stringify(
        {
          file: file ?? null,
          sources: config.sources,
          customSources: config.customSources,
          topics: config.topics,
          subscribers,
          operations: config.operations ?? {},
          feeds: config.feeds,
        },
        null,
        2,
      ),
    );
    return 0;
  }
  out(file ? `${file}: valid` : 'no tradewatch.config.json here: the defaults apply');
  out('\nsources:');
  const customSources = new Map(config.customSources.map((definition) => [definition.id, definition]));
  for (const [id, settings] of Object.entries(config.sources)) {
    const definition = customSources.get(id);
    const custom = definition ? `  custom ${definition.kind}, ${definition.format}: ${definition.url}` : '';
    out(`  ${id.padEnd(22)} ${settings.enabled ? 'enabled ' : 'disabled'}  ${settings.schedule}${custom}`);
  }
  if (config.topics.length) {
    out('\ntopics (added to the default rules):');
    for (const rule of config.topics) out(`  ${rule.topic}: ${rule.keywords.join(', ')}`);
  }
  out(`\nsubscribers:${subscribers.length ? '' : ' none'}`);
  for (const { id, channel, filterPolicy, subscriptionPolicy, watchlist, delivery } of subscribers) {
    const to = channel.type === 'email' ? channel.address : channel.type === 'sms' ? channel.phoneNumber : channel.url;
    out(`  ${id}  ${channel.type} ${to}\n    delivery: ${describeDelivery(delivery)}`);
    out(`    filter policy: ${JSON.stringify(filterPolicy)}`);
    if (delivery.mode !== 'each')
      out(`    SNS subscription policy (its bundles): ${JSON.stringify(subscriptionPolicy)}`);
    if (watchlist) {
      const from =
        watchlist.file ??
        (watchlist.entries ? `${watchlist.entries.length} inline entries` : 'the table (tradewatch watchlist import)');
      out(`    watchlist: ${from}, threshold ${watchlist.threshold}`);
    }
  }
  const operations = [
    config.operations?.email && `email ${config.operations.email}`,
    config.operations?.sms && `sms ${config.operations.sms}`,
  ].filter(Boolean);
  out(`\noperations: ${operations.length ? operations.join(', ') : 'none'}`);
  return 0;
}

function describeDelivery(delivery: ResolvedDelivery): string {
  switch (delivery.mode) {
    case 'each':
      return 'each: one message per change';
    case 'publication':
      return 'publication: one message per source version with changes for it';
    default: {
      const schedule = delivery.schedule!;
      const when = `${schedule.every === 'weekly' ? `${schedule.weekday}s` : 'every day'} at ${schedule.at} ${schedule.timeZone}`;
      const empty = delivery.sendEmpty ? ', also on a quiet day' : '';
      const hits = delivery.urgentHits ? '; watchlist hits at once' : '; watchlist hits in the digest';
      return `${delivery.mode} digest ${when}${empty}${hits}`;
    }
  }
}
