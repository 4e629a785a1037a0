/** The digest's texts for run/digest.ts: render-digest.ts's layout, with the sources' state read when it is sent. */
import type { DigestRenderer, SourceCheck } from '../run/digest.ts';
import { renderDigest } from './render-digest.ts';

export function createDigestRenderer(readSources: () => Promise<SourceCheck[]>): DigestRenderer {
  return async (subscriber, period, entries) => {
    const message = renderDigest({
      every: subscriber.schedule.every,
      timeZone: subscriber.schedule.timeZone,
      period,
      events: entries.map((entry) => entry.event),
      sources: await readSources(),
    });
    return { subject: message.subject, text: message.text, sms: message.sms, counts: message.changes };
  };
}
