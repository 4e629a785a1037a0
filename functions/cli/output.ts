/**
 * What the commands print: results on stdout, progress and warnings on stderr (progress only on a
 * terminal, so a pipe or a test sees none), and the one-line report of each run.
 */
import { isChangeEvent, isHitEvent } from '../core/events.ts';
import { forDisplay } from '../core/text.ts';
import { renderText } from '../delivery/render.ts';
import { type DeliveredAlert } from '../local/runtime.ts';
import { describeDelivery } from '../local/delivery.ts';
import type { RunReport } from '../run/run-report.ts';

/**
 * A line (or lines) for a person: register values are untrusted, so control characters, escape
 * sequences and bidirectional overrides never reach the terminal (core/text.ts).
 */
export const out = (text: string): void => {
  const clean = forDisplay(text, { multiline: true });
  process.stdout.write(clean.endsWith('\n') ? clean : `${clean}\n`);
};

/** A value as JSON for a program: JSON escapes control characters itself, and data stays as it is. */
export const outJson = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
};

/** A diagnostic line on stderr, cleaned like `out`. */
export const warnLine = (text: string): void => {
  process.stderr.write(`${forDisplay(text, { multiline: true }).replace(/\n?$/, '\n')}`);
};

/** Progress on a terminal only: a single line rewritten in place on stderr (`<label>: <n> <unit>…`). */
export function progress(label: string, unit = 'records'): { update: (n: number) => void; done: () => void } {
  if (!process.stderr.isTTY) return { update: () => undefined, done: () => undefined };
  return {
    update: (n) => process.stderr.write(`\r${label}: ${n.toLocaleString('en-US')} ${unit}…`),
    done: () => process.stderr.write('\r\u001b[K'),
  };
}

/** Clears the progress line, whoever wrote it. */
export const clearProgress = (): void => progress('').done();

/** One alert as the local delivery handed it over: the rendered text, or where it was delivered. */
export function showAlert(alert: DeliveredAlert): void {
  if (alert.delivery) return out(describeDelivery(alert));
  const rule = '─'.repeat(72);
  if (alert.bundle) {
    out(`${rule}\n${alert.bundle.bundle.toUpperCase()} · ${alert.bundle.subscriberId}\n${describeDelivery(alert)}`);
    return;
  }
  const event = alert.event;
  const title = isChangeEvent(event)
    ? `${event.type.replace('tradewatch.record.', '').toUpperCase()} · ${event.data.sourceId}`
    : isHitEvent(event)
      ? `WATCHLIST HIT (${event.data.hitType}) · ${event.data.subscriberId} · ${event.data.sourceId}`
      : `SOURCE ${event.data.status.toUpperCase()} · ${event.data.sourceId}`;
  out(`${rule}\n${title}\n${renderText(event)}`);
  if (alert.webhook) {
    const { delivered, attempts, error } = alert.webhook;
    out(`  webhook: ${delivered ? `delivered (${attempts} attempt(s))` : `FAILED: ${error}`}`);
  }
}

/** One run of one source (a poll, or a replayed version), in one line. */
export function reportLine(report: RunReport, label: string): string {
  switch (report.status) {
    case 'failed': {
      const health = report.healthEvent ? ' (health event sent)' : ' (already reported unhealthy)';
      return `${label}: FAILED — ${report.error?.message ?? 'unknown error'}${health}`;
    }
    case 'skipped':
      return `${label}: skipped — another run of this source is in progress`;
    case 'already-processed':
      return `${label}: already processed (this version was committed before; --force replays it)`;
    case 'unchanged': {
      const published = report.published ? `, ${report.published} pending alert(s) published` : '';
      return `${label}: unchanged (${report.records ?? 0} records)${published}`;
    }
    case 'baseline': {
      const stored = `baseline stored (${report.records} records, format ${report.format})`;
      return `${label}: ${stored}; changes from now on are alerted`;
    }
    default: {
      const counts = `${report.added} added, ${report.removed} removed, ${report.modified} modified`;
      const duplicates = report.duplicates ? `; ${report.duplicates} duplicate id(s) reported` : '';
      return `${label}: ${counts} (${report.records} records); ${report.published} alert(s) published${duplicates}`;
    }
  }
}
