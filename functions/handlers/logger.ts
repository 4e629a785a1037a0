/**
 * The functions' structured logs: Powertools Logger, one JSON line each for CloudWatch Logs
 * Insights (`level`, `message`, the fields given, and the Lambda context once the handler's
 * injectLambdaContext middleware has run). run/ and delivery/ know nothing of Lambda and take the
 * small `Logger` interface of run/ports.ts; `asRunLogger` adapts Powertools' to it.
 */
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { Logger } from '../run/ports.ts';

/** One per container, shared by the handler's middleware and everything it calls. */
export const powertoolsLogger = new PowertoolsLogger({ serviceName: 'tradewatch' });

/** `fields` become top-level keys of the line, as CloudWatch Logs Insights queries them. */
export function asRunLogger(logger: PowertoolsLogger): Logger {
  return {
    info: (message, fields) => logger.info(message, fields ?? {}),
    warn: (message, fields) => logger.warn(message, fields ?? {}),
    error: (message, fields) => logger.error(message, fields ?? {}),
  };
}

export const log: Logger = asRunLogger(powertoolsLogger);
