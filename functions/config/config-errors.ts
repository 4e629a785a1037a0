/**
 * A bad configuration's error, bounded: a file with 10,000 bad keys printed a 569 KB line, and one
 * with 200,000 problems in one list killed the process (zod gathers a list's issues with
 * `push(...issues)`, which overflows the stack past about a hundred thousand). So the document's
 * size is checked before zod walks it, and the message lists the first problems and counts the rest.
 * Keys and values are the user's text: they are shown through forDisplay, each cut to a line.
 */
import { ConfigError, type ConfigIssue } from '../core/errors.ts';
import { forDisplay, truncateText } from '../core/text.ts';

/** Problems named in the message; the rest are counted (all stay in `ConfigError.issues`). */
export const MAX_LISTED_ISSUES = 20;
/** Longest key path shown (the keys are the user's). */
const MAX_PATH_TEXT = 200;
/** Longest message shown for one problem (ours, but an unknown source lists the known ids). */
const MAX_MESSAGE_TEXT = 1000;
/**
 * Values (objects, lists, strings, numbers...) a configuration may hold. A real one holds a few
 * hundred; an inline watchlist of a few thousand entries fits, a longer one belongs in a file.
 * Far enough below the hundred thousand problems zod cannot gather (at most ~2 per value).
 */
export const MAX_CONFIG_VALUES = 40_000;
/** Nesting a configuration may have (it needs 6): zod walks it recursively. */
export const MAX_CONFIG_DEPTH = 32;

const count = (n: number): string => n.toLocaleString('en-US');

function shown(text: string, max = MAX_PATH_TEXT): string {
  return truncateText(forDisplay(text), max);
}

/** One error for the problems found: the first MAX_LISTED_ISSUES as `path: message`, then how many more. */
export function configErrorFrom(issues: readonly ConfigIssue[], prefix = ''): ConfigError {
  const listed = issues.slice(0, MAX_LISTED_ISSUES).map((issue) => {
    const message = shown(issue.message, MAX_MESSAGE_TEXT);
    return issue.path ? `${shown(prefix + issue.path)}: ${message}` : message;
  });
  const rest = issues.length - listed.length;
  if (rest > 0) listed.push(`… and ${count(rest)} more`);
  return new ConfigError(listed.join('; '), issues);
}

function keyPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

/**
 * Refuses a document too large or too deep to validate, naming its largest list or object (or where
 * it is too deep). Walks with an explicit stack: the document may be as deep as JSON.parse allows.
 */
export function assertConfigSize(document: unknown, prefix = ''): void {
  let values = 0;
  let largest = { path: '', size: -1 };
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: document, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    values += 1;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_CONFIG_DEPTH)
      throw new ConfigError(
        `${shown(prefix + path)}: nested deeper than ${MAX_CONFIG_DEPTH} levels (a configuration needs a handful)`,
      );
    const entries: [string | number, unknown][] = Array.isArray(value)
      ? value.map((item, index) => [index, item])
      : Object.entries(value);
    if (entries.length > largest.size) largest = { path, size: entries.length };
    for (const [key, item] of entries) stack.push({ value: item, path: keyPath(path, key), depth: depth + 1 });
    if (values + stack.length > MAX_CONFIG_VALUES) break;
  }
  if (values + stack.length > MAX_CONFIG_VALUES) {
    const where = largest.path
      ? shown(prefix + largest.path)
      : prefix
        ? shown(prefix.replace(/\.$/, ''))
        : 'the top level';
    throw new ConfigError(
      `more than ${count(MAX_CONFIG_VALUES)} values in the configuration (${where} holds ${count(largest.size)} items): too many to check; a long watchlist belongs in a file (watchlist.file)`,
    );
  }
}
