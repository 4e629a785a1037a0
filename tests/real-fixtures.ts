/**
 * Where the real published files are: TRADEWATCH_FIXTURES, or ../shared/fixtures beside the
 * project. They are read where they lie and never copied into the repository.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const REAL_FIXTURES_DIR = resolve(
  process.env.TRADEWATCH_FIXTURES ?? join(projectRoot, '..', 'shared', 'fixtures'),
);

export function realFixturesPresent(): boolean {
  return existsSync(join(REAL_FIXTURES_DIR, 'SOURCES.md'));
}

/** Absolute path of a real fixture, e.g. `realFixture('ofac-sdn/sdn.2021-12-22.csv')`. */
export function realFixture(relativePath: string): string {
  return join(REAL_FIXTURES_DIR, relativePath);
}
