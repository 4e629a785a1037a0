/**
 * The JSON Schema of `tradewatch.config.json`, generated from the zod schema so the two never
 * disagree. Editors read the committed `tradewatch.config.schema.json` through the file's `$schema`
 * key; a test fails when it is out of date. Regenerate with:
 *
 *   npx tsx functions/config/write-json-schema.ts
 *
 * The JSON Schema describes the shape (keys, types, patterns, known source ids, defaults); the
 * checks that need more than one value at a time (duplicate ids, private webhook hosts, SNS policy
 * limits, a country code that does not exist) are made by loadConfig alone.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { CONFIG_SCHEMA_FILE, configSchema } from './config.ts';

export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  return { ...schema, title: 'tradewatch configuration' };
}

/** The committed file's exact text. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

const PROJECT_ROOT = resolve(fileURLToPath(import.meta.url), '..', '..', '..');
export const CONFIG_SCHEMA_PATH = join(PROJECT_ROOT, CONFIG_SCHEMA_FILE);

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(CONFIG_SCHEMA_PATH, configJsonSchemaText());
  process.stdout.write(`wrote ${CONFIG_SCHEMA_PATH}\n`);
}
