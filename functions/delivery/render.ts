/**
 * Human renderings of an event: a readable text for email and the terminal, one short line for SMS.
 * Every value in them was written by someone else (a register, a feed, a watchlist): each rendering
 * goes through forDisplay as a whole, so no escape sequence, control character or bidi override
 * reaches a terminal, a mail client or a phone, and cuts fall between whole characters.
 */
import type { FieldChange } from '../core/diff.ts';
import {
  eventTopics,
  isChangeEvent,
  isHitEvent,
  type ChangeEvent,
  type HealthEvent,
  type TradewatchEvent,
  type WatchlistHitEvent,
} from '../core/events.ts';
import type { RegisterRecord } from '../core/records.ts';
import { forDisplay, truncateText } from '../core/text.ts';
import { ENTITY_LIST_RULE_LIST } from '../sources/formats/federal-register-entity-list-types.ts';

const VERB = { added: 'ADDED to', removed: 'REMOVED from', modified: 'CHANGED on' } as const;
const ITEM_VERB = { added: 'NEW in', removed: 'WITHDRAWN from', modified: 'UPDATED in' } as const;

/** "ADDED to" for a register's record, "NEW in" for a feed's item. */
function verb(event: ChangeEvent): string {
  return (event.type.startsWith('tradewatch.item.') ? ITEM_VERB : VERB)[event.data.changeType];
}

/** What a hit says happened to the listed record. */
const HIT_VERB = { added: 'ADDED to', removed: 'DELISTED from', modified: 'CHANGED on', listed: 'IS ON' } as const;

function hitCounterparties(event: WatchlistHitEvent): string {
  const [first, ...rest] = event.data.hits;
  if (!first) return '';
  const label = first.reference ? `${first.entry.name} (${first.reference})` : first.entry.name;
  return rest.length ? `${label} +${rest.length}` : label;
}

export function renderSubject(event: TradewatchEvent): string {
  if (isHitEvent(event)) {
    const { data } = event;
    // The subscriber's own reference (or the entry's name) first: it is what the reader knows.
    const first = data.hits[0];
    const who = `${first?.reference ?? first?.entry.name ?? ''}${data.hits.length > 1 ? ` +${data.hits.length - 1}` : ''}`;
    return truncate(`[tradewatch] Hit ${who}: ${data.name} ${HIT_VERB[data.hitType]} ${data.list}`, 99);
  }
  if (!isChangeEvent(event)) return truncate(`[tradewatch] ${event.data.sourceTitle}: source ${event.data.status}`, 99);
  const { name, list } = event.data;
  // SNS email subjects: ASCII-ish, under 100 characters.
  return truncate(`[tradewatch] ${name}: ${verb(event)} ${list}`, 99);
}

export function renderText(event: TradewatchEvent): string {
  const text = isHitEvent(event)
    ? renderHitText(event)
    : isChangeEvent(event)
      ? renderChangeText(event)
      : renderHealthText(event);
  return forDisplay(text, { multiline: true });
}

/** For an entity read from a Federal Register Entity List rule: what the rule does, and when. */
function announcement(record: RegisterRecord | null): string | undefined {
  if (record?.list !== ENTITY_LIST_RULE_LIST) return undefined;
  const action = String(record.extra.action ?? 'add');
  const verb =
    action === 'remove'
      ? 'is ANNOUNCED for removal from the Entity List'
      : action === 'revise'
        ? 'has its Entity List entry REVISED'
        : 'is ANNOUNCED for the Entity List';
  const effective = record.extra.effectiveDate ? `, effective ${String(record.extra.effectiveDate)}` : '';
  return `${verb} by Federal Register ${String(record.extra.documentNumber ?? '')}${effective}`;
}

function renderHitText(event: WatchlistHitEvent): string {
  const { data } = event;
  const happened = {
    added: `was ADDED to ${data.list}`,
    modified: `CHANGED on ${data.list}`,
    removed: `was DELISTED from ${data.list} (it matched your watchlist while listed)`,
    listed: `is ON ${data.list} (initial screening of your watchlist)`,
  }[data.hitType];
  const lines = [
    `Watchlist hit for ${data.subscriberId}: ${data.name} ${announcement(data.record) ?? happened} (${data.sourceTitle})`,
    '',
  ];
  if (data.earlyWarning)
    lines.push(
      `Announced earlier: Federal Register ${data.earlyWarning.documentNumber} (${data.earlyWarning.action}).`,
      '',
    );
  lines.push(`Your counterparties that match (threshold ${data.threshold}):`);
  for (const hit of data.hits) {
    const entry = hit.entry;
    const details = [entry.kind, entry.countries.join(',')].filter(Boolean).join(', ');
    lines.push(
      `  ${hit.entry.name}${hit.reference ? ` [${hit.reference}]` : ''}${details ? ` (${details})` : ''} — score ${hit.score.toFixed(2)}`,
    );
    lines.push(`    "${hit.entryName}" ~ "${hit.recordName}"`);
    for (const reason of hit.explanation.slice(0, 6)) lines.push(`    · ${reason}`);
  }
  if (data.moreHits)
    lines.push(
      `  … and ${data.moreHits} more of your entries (a threshold this loose, or a name this short, matches many)`,
    );
  lines.push('', 'The listed record:');
  if (data.record) lines.push(`  Name:      ${data.record.name}`, ...describeRecord(data.record, eventTopics(data)));
  if (data.hitType === 'modified' && data.fields.length) {
    lines.push('', 'What changed:');
    for (const field of data.fields) lines.push(...describeField(field));
  }
  lines.push(
    '',
    `Record id: ${data.recordId} (content ${data.recordHash})`,
    `Source: ${data.sourceUrl}`,
    `Event id: ${event.id}  (${event.time})`,
    '',
    `Not a match? npx tradewatch watchlist dismiss --subscriber ${data.subscriberId} --source ${data.sourceId} --record ${JSON.stringify(data.recordId)} --entry ${JSON.stringify(data.hits[0]?.entryKey ?? '')} --by <you> --reason <why>`,
  );
  return lines.join('\n');
}

function renderChangeText(event: ChangeEvent): string {
  const { data } = event;
  const record = data.record;
  const lines = [`${data.name} — ${verb(event)} ${data.list} (${data.sourceTitle})`, ''];
  if (data.earlyWarning) {
    const warning = data.earlyWarning;
    lines.push(
      `Announced earlier: Federal Register ${warning.documentNumber} (${warning.action}); early warning ${warning.eventId} sent ${warning.announcedAt}.`,
      '',
    );
  }
  if (record) lines.push(...describeRecord(record, eventTopics(data)));
  if (data.changeType === 'modified' && data.fields.length) {
    lines.push('', 'What changed:');
    for (const field of data.fields) lines.push(...describeField(field));
  }
  lines.push('', `Record id: ${data.recordId}`, `Source: ${data.sourceUrl}`, `Event id: ${event.id}  (${event.time})`);
  return lines.join('\n');
}

function describeRecord(record: RegisterRecord, topics: readonly string[]): string[] {
  const lines = [`  Kind:      ${record.kind}`];
  if (record.programs.length) lines.push(`  Programs:  ${record.programs.join(', ')}`);
  if (record.countries.length) lines.push(`  Countries: ${record.countries.join(', ')}`);
  if (record.aliases.length) lines.push(`  Aliases:   ${limitList(record.aliases, 8)}`);
  for (const address of record.addresses.slice(0, 5)) lines.push(`  Address:   ${address}`);
  if (record.addresses.length > 5) lines.push(`  (+${record.addresses.length - 5} more addresses)`);
  if (record.listedOn) lines.push(`  Listed on: ${record.listedOn}`);
  if (topics.length) lines.push(`  Topics:    ${topics.join(', ')}`);
  return lines;
}

function describeField(field: FieldChange): string[] {
  if (field.added || field.removed) {
    const lines: string[] = [];
    for (const value of field.added ?? []) lines.push(`  ${field.field}: + ${value}`);
    for (const value of field.removed ?? []) lines.push(`  ${field.field}: − ${value}`);
    return lines;
  }
  return [`  ${field.field}: ${formatValue(field.old)} → ${formatValue(field.new)}`];
}

function renderHealthText(event: HealthEvent): string {
  const { data } = event;
  if (data.status === 'recovered')
    return `${data.sourceTitle} (${data.sourceId}) has recovered after ${data.consecutiveFailures} failed poll(s) since ${data.since}.`;
  return [
    `${data.sourceTitle} (${data.sourceId}) is unhealthy since ${data.since}.`,
    `Step: ${data.step}`,
    `Cause: ${data.reason}`,
    'Nothing was stored and no change was alerted for this download; the last good version stays current.',
  ].join('\n');
}

/** One line under 160 characters. */
export function renderSms(event: TradewatchEvent): string {
  if (isHitEvent(event)) {
    const { data } = event;
    const score = data.hits[0] ? ` ${data.hits[0].score.toFixed(2)}` : '';
    return truncate(
      `tradewatch hit: ${hitCounterparties(event)} ~ ${data.name}${score} ${HIT_VERB[data.hitType]} ${data.list}`,
      159,
    );
  }
  if (!isChangeEvent(event))
    return truncate(`tradewatch: ${event.data.sourceId} ${event.data.status}: ${event.data.reason}`, 159);
  const { data } = event;
  const record = data.record;
  const where = record?.countries.length ? ` (${record.countries.slice(0, 3).join(',')})` : '';
  const what =
    data.changeType === 'modified' && data.fields.length
      ? ` [${data.fields
          .map((f) => f.field.replace(/^extra\./, ''))
          .slice(0, 3)
          .join(',')}]`
      : '';
  const announced = data.earlyWarning ? ` (announced FR ${data.earlyWarning.documentNumber})` : '';
  return truncate(`tradewatch: ${data.name}${where} ${verb(event)} ${data.list}${what}${announced}`, 159);
}

export function formatValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '(none)';
  if (Array.isArray(value)) return value.join('; ');
  return String(value);
}

export function limitList(values: readonly string[], max: number): string {
  return values.length > max ? `${values.slice(0, max).join('; ')} (+${values.length - max} more)` : values.join('; ');
}

/** One line for a person, at most `max` UTF-16 units (SNS subjects, SMS), cut between characters. */
function truncate(text: string, max: number): string {
  return truncateText(forDisplay(text), max);
}
