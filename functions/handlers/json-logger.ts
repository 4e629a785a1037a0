/**
 * Structured JSON logs, one line each, for CloudWatch Logs Insights. Kept apart from the handlers
 * so that a small function (the webhook dispatcher) can log without bundling the whole pipeline.
 */
import type { Logger } from '../run/process-version.ts';

export const jsonLogger: Logger = {
  info: (message, fields) => console.log(JSON.stringify({ level: 'INFO', message, ...fields })),
  warn: (message, fields) => console.warn(JSON.stringify({ level: 'WARN', message, ...fields })),
  error: (message, fields) => console.error(JSON.stringify({ level: 'ERROR', message, ...fields })),
};
