/**
 * Streaming XML for registers of tens of MB: saxes tokenizes, and only the subtree of each record
 * element is ever held in memory. saxes never resolves external entities or reads a DTD, so an XML
 * file cannot make the parser fetch or expand anything (XXE-safe by construction).
 */
import type { Readable } from 'node:stream';
import { SaxesParser } from 'saxes';
import { TextDecoder } from 'node:util';
import { SourceFormatError } from '../../core/errors.ts';
import { LegacyTextDecoder } from './delimited-text.ts';
import { StrictUtf8Decoder } from './strict-utf8.ts';

export interface XmlElement {
  /** Local name, without namespace prefix. */
  readonly name: string;
  /**
   * Attributes as saxes gives them (names keep any prefix, e.g. `xsi:nil`). Not copied: this runs
   * for every element inside a record, and register records carry unprefixed attributes.
   */
  readonly attributes: Record<string, string>;
  readonly children: XmlElement[];
  /** Concatenated text directly inside this element (not trimmed). */
  text: string;
}

export interface XmlStreamOptions {
  readonly sourceId: string;
  readonly fileName: string;
  /** Local names of the elements to yield whole, e.g. `sdnEntry`, `INDIVIDUAL`. */
  readonly recordElements: ReadonlySet<string>;
  /**
   * Local names of the elements allowed at the root. A different root is an unknown layout.
   */
  readonly rootElements: ReadonlySet<string>;
  /** Elements outside records to yield too (header fields such as `Publish_Date`). */
  readonly headerElements?: ReadonlySet<string>;
  /**
   * How a file whose XML declaration names no encoding is read when it is not valid UTF-8: by
   * default it is refused (XML without a declaration is UTF-8); `windows-1252` reads it so, for a
   * publisher known to write cp1252 without saying so. @default none
   */
  readonly fallbackEncoding?: 'windows-1252';
}

export interface XmlRecordEvent {
  readonly element: XmlElement;
}

/** True for XML white space only (space, tab, CR, LF): a plain loop beats a regex on short runs. */
function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return false;
  }
  return true;
}

function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon === -1 ? qualified : qualified.slice(colon + 1);
}

interface ChunkDecoder {
  decode(chunk: Buffer): string;
  end(): string;
}

/**
 * The decoder the file asks for: the encoding its XML declaration names (ISO-8859-1, windows-1252
 * ...), else UTF-8, strictly (see strict-utf8.ts), or with the source's declared fallback.
 */
function decoderFor(head: Buffer, options: XmlStreamOptions): ChunkDecoder {
  const { sourceId, fileName } = options;
  const declared = /^(?:\xef\xbb\xbf)?<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(
    head.subarray(0, 200).toString('latin1'),
  )?.[1];
  let encoding = 'utf-8';
  if (declared) {
    try {
      encoding = new TextDecoder(declared).encoding;
    } catch (error) {
      throw new SourceFormatError(sourceId, `${fileName}: declares encoding "${declared}", which is unknown`, {
        cause: error,
      });
    }
  }
  if (encoding === 'utf-8')
    return options.fallbackEncoding && !declared
      ? new LegacyTextDecoder(sourceId, fileName)
      : new StrictUtf8Decoder(sourceId, fileName);
  if (encoding.startsWith('utf-16'))
    throw new SourceFormatError(sourceId, `${fileName}: declares encoding "${declared}", which is not read`);
  const decoder = new TextDecoder(encoding, { fatal: true });
  const fail = (error: unknown): never => {
    throw new SourceFormatError(sourceId, `${fileName}: not valid ${encoding}`, { cause: error });
  };
  return {
    decode: (chunk) => {
      try {
        return decoder.decode(chunk, { stream: true });
      } catch (error) {
        return fail(error);
      }
    },
    end: () => {
      try {
        return decoder.decode();
      } catch (error) {
        return fail(error);
      }
    },
  };
}

/** Yields each record (and header) element as a small tree, in document order. */
export async function* streamXmlElements(stream: Readable, options: XmlStreamOptions): AsyncGenerator<XmlRecordEvent> {
  const parser = new SaxesParser({ xmlns: false, position: true });
  const ready: XmlRecordEvent[] = [];
  let building: XmlElement[] = [];
  let failure: Error | undefined;
  let sawRoot = false;

  const fail = (reason: string): never => {
    throw new SourceFormatError(options.sourceId, `${options.fileName}: ${reason}`);
  };

  parser.on('opentag', (tag) => {
    const name = localName(tag.name);
    if (!sawRoot) {
      sawRoot = true;
      if (!options.rootElements.has(name)) {
        failure = new SourceFormatError(
          options.sourceId,
          `${options.fileName}: unknown layout: root element <${tag.name}>, expected ${[...options.rootElements].map((r) => `<${r}>`).join(' or ')}`,
        );
      }
    }
    if (building.length > 0) {
      const element: XmlElement = {
        name,
        attributes: tag.attributes as Record<string, string>,
        children: [],
        text: '',
      };
      building[building.length - 1]!.children.push(element);
      building.push(element);
    } else if (options.recordElements.has(name) || options.headerElements?.has(name)) {
      building = [{ name, attributes: tag.attributes as Record<string, string>, children: [], text: '' }];
    }
  });
  parser.on('text', (text) => {
    // Indentation between elements is never content (registers have no mixed content), and every
    // reader trims text, so blank runs are not kept: fewer string concatenations on the hot path.
    if (building.length > 0 && !isBlank(text)) building[building.length - 1]!.text += text;
  });
  parser.on('cdata', (text) => {
    if (building.length > 0) building[building.length - 1]!.text += text;
  });
  parser.on('closetag', () => {
    if (building.length > 0) {
      const element = building.pop()!;
      if (building.length === 0) ready.push({ element });
    }
  });
  parser.on('error', (error) => {
    failure ??= new SourceFormatError(options.sourceId, `${options.fileName}: malformed XML: ${error.message}`, {
      cause: error,
    });
  });

  let decoder: ChunkDecoder | undefined;
  try {
    for await (const chunk of stream) {
      let text: string;
      if (typeof chunk === 'string') text = chunk;
      else {
        decoder ??= decoderFor(chunk as Buffer, options);
        text = decoder.decode(chunk as Buffer);
      }
      parser.write(text);
      if (failure) throw failure;
      while (ready.length > 0) yield ready.shift()!;
    }
    if (decoder) parser.write(decoder.end());
    parser.close();
  } catch (error) {
    if (error instanceof SourceFormatError) throw error;
    throw (
      failure ??
      new SourceFormatError(options.sourceId, `${options.fileName}: malformed XML: ${(error as Error).message}`, {
        cause: error,
      })
    );
  } finally {
    stream.destroy();
  }
  if (failure) throw failure;
  if (!sawRoot) fail('no XML element found');
  while (ready.length > 0) yield ready.shift()!;
}

/** First child with that local name. */
export function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}

/** All children with that local name. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name);
}

/** Trimmed text of the first child with that name ('' when absent). */
export function childText(element: XmlElement, name: string): string {
  return child(element, name)?.text.trim() ?? '';
}

/** Trimmed text of every child with that name, empty ones dropped. */
export function childTexts(element: XmlElement, name: string): string[] {
  return childrenNamed(element, name)
    .map((c) => c.text.trim())
    .filter((t) => t.length > 0);
}

/** Follows a path of child names; returns every element at its end. */
export function descendants(element: XmlElement, ...names: string[]): XmlElement[] {
  let level: XmlElement[] = [element];
  for (const name of names) level = level.flatMap((e) => childrenNamed(e, name));
  return level;
}
