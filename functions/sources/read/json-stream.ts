/**
 * Streaming JSON for downloads of tens of MB (the CSL's consolidated.json, the Federal Register's
 * search results and desk): the objects of one top-level array, one at a time.
 */
import { StrictUtf8Decoder } from './strict-utf8.ts';
import type { Readable } from 'node:stream';
import { SourceFormatError } from '../../core/errors.ts';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const STRING_STOP = /["\\]/g;
const STRUCTURE = /["{}[\],:]/g;
const NOT_SPACE = /[^\s\ufeff]/g;

export interface JsonArrayStreamOptions {
  readonly sourceId: string;
  readonly fileName: string;
  /** Key of the top-level array whose elements are yielded, e.g. `results`. */
  readonly arrayKey: string;
  /**
   * Keys of each element whose value, when a number, is read as its exact text: record ids, which
   * JSON.parse would round to the nearest double (9007199254740993 reads as …992). @default none
   */
  readonly exactNumberKeys?: readonly string[];
}

/** A number literal after a colon (JSON.parse has already checked it is one). */
const NUMBER_LITERAL = /\s*(-?[0-9][0-9.eE+-]*)/y;

/**
 * The literal text of the numbers that `keys` hold at the top level of one JSON object (the last
 * occurrence of a key wins, as in JSON.parse). Run only on an element that JSON.parse accepted.
 */
function topLevelNumberLiterals(text: string, keys: ReadonlySet<string>): Map<string, string> {
  const literals = new Map<string, string>();
  let depth = 0;
  let expectKey = false;
  let key: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let j = i + 1;
      while (text.charCodeAt(j) !== QUOTE) j += text.charCodeAt(j) === BACKSLASH ? 2 : 1;
      if (depth === 1 && expectKey) key = JSON.parse(text.slice(i, j + 1)) as string;
      i = j;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
      expectKey = depth === 1;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
    else if (depth === 1 && c === COMMA) expectKey = true;
    else if (depth === 1 && c === COLON) {
      expectKey = false;
      if (key === undefined || !keys.has(key)) continue;
      NUMBER_LITERAL.lastIndex = i + 1;
      const literal = NUMBER_LITERAL.exec(text)?.[1];
      if (literal) literals.set(key, literal);
      else literals.delete(key);
    }
  }
  return literals;
}

/**
 * Yields each object of the top-level `arrayKey` array of a JSON document, parsed one at a time, so
 * a file of tens of MB is never held whole. Only the document's outline is scanned by hand
 * (strings, nesting, the one key); every element goes through JSON.parse, which checks it fully.
 * A document cut anywhere ends inside a string or a container and is refused as truncated.
 */
export async function* streamJsonArrayObjects(
  stream: Readable,
  options: JsonArrayStreamOptions,
): AsyncGenerator<Record<string, unknown>> {
  const fail = (reason: string, cause?: unknown): SourceFormatError =>
    new SourceFormatError(
      options.sourceId,
      `${options.fileName}: ${reason}`,
      cause === undefined ? undefined : { cause },
    );
  const decoder = new StrictUtf8Decoder(options.sourceId, options.fileName);
  const stack: number[] = [];
  let started = false;
  let finished = false;
  let inString = false;
  let escaped = false;
  let readingKey = false;
  let expectKey = false;
  let key = '';
  let lastKey = '';
  let expectArray = false;
  let inArray = false;
  let sawArray = false;
  let capturing = false;
  let captured: string[] = [];
  let elementCount = 0;
  const ready: Record<string, unknown>[] = [];
  const exactNumberKeys: ReadonlySet<string> = new Set(options.exactNumberKeys);

  const finishElement = (text: string): void => {
    elementCount++;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw fail(`malformed JSON in ${options.arrayKey}[${elementCount - 1}]: ${(error as Error).message}`, error);
    }
    const object = value as Record<string, unknown>;
    let literals: Map<string, string> | undefined;
    for (const key of exactNumberKeys) {
      if (typeof object[key] !== 'number') continue;
      literals ??= topLevelNumberLiterals(text, exactNumberKeys);
      object[key] = literals.get(key);
    }
    ready.push(object);
  };

  const scan = (s: string): void => {
    const n = s.length;
    let i = 0;
    let captureFrom = capturing ? 0 : -1;
    while (i < n) {
      if (inString) {
        if (escaped) {
          escaped = false;
          if (readingKey) key += s[i];
          i++;
          continue;
        }
        STRING_STOP.lastIndex = i;
        const stop = STRING_STOP.exec(s);
        if (!stop) {
          if (readingKey) key += s.slice(i);
          i = n;
          break;
        }
        const j = stop.index;
        if (readingKey) key += s.slice(i, j);
        if (s.charCodeAt(j) === BACKSLASH) {
          escaped = true;
        } else {
          inString = false;
          if (readingKey) {
            readingKey = false;
            lastKey = key;
          }
        }
        i = j + 1;
        continue;
      }
      if (!started || finished) {
        NOT_SPACE.lastIndex = i;
        const found = NOT_SPACE.exec(s);
        if (!found) break;
        if (finished) throw fail('text after the end of the JSON document');
        if (s.charCodeAt(found.index) !== OPEN_BRACE) throw fail('not a JSON object');
        started = true;
        stack.push(OPEN_BRACE);
        expectKey = true;
        i = found.index + 1;
        continue;
      }
      STRUCTURE.lastIndex = i;
      const found = STRUCTURE.exec(s);
      const j = found ? found.index : n;
      // Between the elements of the array only whitespace may stand (a bare number would be lost).
      if (inArray && stack.length === 2 && !capturing && /\S/.test(s.slice(i, j))) {
        throw fail(`${options.arrayKey} holds something other than objects`);
      }
      if (!found) break;
      const c = s.charCodeAt(j);
      const depth = stack.length;
      if (c === QUOTE) {
        inString = true;
        if (depth === 1) {
          if (expectArray) throw fail(`"${options.arrayKey}" is not an array`);
          if (expectKey) {
            readingKey = true;
            key = '';
          }
        } else if (inArray && depth === 2) throw fail(`${options.arrayKey} holds something other than objects`);
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (depth === 1) {
          if (expectArray && c === OPEN_BRACKET) {
            inArray = true;
            expectArray = false;
          } else if (expectArray) throw fail(`"${options.arrayKey}" is not an array`);
        } else if (inArray && depth === 2) {
          if (c !== OPEN_BRACE) throw fail(`${options.arrayKey} holds something other than objects`);
          capturing = true;
          captured = [];
          captureFrom = j;
        }
        stack.push(c);
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        const open = stack.pop();
        if (open !== (c === CLOSE_BRACE ? OPEN_BRACE : OPEN_BRACKET))
          throw fail('malformed JSON: brackets do not match');
        const now = stack.length;
        if (capturing && now === 2) {
          captured.push(s.slice(captureFrom, j + 1));
          capturing = false;
          captureFrom = -1;
          finishElement(captured.join(''));
          captured = [];
        } else if (inArray && now === 1) {
          inArray = false;
          sawArray = true;
        } else if (now === 0) {
          if (expectArray) throw fail(`"${options.arrayKey}" is not an array`);
          finished = true;
        }
      } else if (depth === 1 && c === COLON) {
        expectKey = false;
        expectArray = lastKey === options.arrayKey;
      } else if (depth === 1 && c === COMMA) {
        if (expectArray) throw fail(`"${options.arrayKey}" is not an array`);
        expectKey = true;
      }
      i = j + 1;
    }
    if (capturing && captureFrom >= 0) captured.push(s.slice(captureFrom));
  };

  try {
    for await (const chunk of stream) {
      scan(typeof chunk === 'string' ? chunk : decoder.decode(chunk as Buffer));
      while (ready.length > 0) yield ready.shift()!;
    }
    scan(decoder.end());
  } finally {
    stream.destroy();
  }
  while (ready.length > 0) yield ready.shift()!;
  if (!started) throw fail('no JSON document');
  if (!finished) throw fail(`truncated: the document ends inside ${inString ? 'a string' : 'an object or array'}`);
  if (!sawArray) throw fail(`no "${options.arrayKey}" array at the top level`);
}
