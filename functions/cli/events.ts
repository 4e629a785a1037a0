/** `tradewatch events`: one source's stored change events (the audit trail), newest first. */
import { UsageError } from '../core/errors.ts';
import { isChangeEvent, isHitEvent, type StoredEvent } from '../core/events.ts';
import { requireSource, type Flags } from './args.ts';
import { withRuntime } from './local-run.ts';
import { out, outJson } from './output.ts';

export async function commandEvents(flags: Flags): Promise<number> {
  const source = requireSource(flags);
  const limit = flags.limit ? Number(flags.limit) : 50;
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit takes a whole number');
  return withRuntime(flags, {}, async (runtime) => {
    const events = await runtime.store.listEvents(source.id, limit);
    if (flags.json) outJson(events);
    else for (const stored of events) out(eventLine(stored));
    return 0;
  });
}

/** Time, outbox status, type, subject, and the record's name when the event is about one. */
function eventLine({ time, status, event }: StoredEvent): string {
  const name = isChangeEvent(event) || isHitEvent(event) ? event.data.name : '';
  return `${time}  ${status.padEnd(9)}  ${event.type.padEnd(27)}  ${event.subject}  ${name}`;
}
