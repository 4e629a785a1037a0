/**
 * Rows of the delimited text files that government registers publish with no declared encoding
 * (OFSI's ConList.csv, BIS's dpl.txt): the bytes are read as UTF-8 when they are valid UTF-8 and as
 * windows-1252 otherwise, and every way a download can be cut short is refused with the source named.
 */
import { isAscii } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { CsvError, parse } from 'csv-parse';
import { SourceFormatError } from '../../core/errors.ts';
import type { SourceDocument } from '../types.ts';

/**
 * Bytes to text without a declared encoding: ASCII as it is; at the first non-ASCII chunk, UTF-8 if
 * that chunk is valid UTF-8, else windows-1252 for the rest of the file (OFSI wrote cp1252 for
 * years). A file that starts as valid UTF-8 and later is not is refused rather than half-decoded.
 */
export class LegacyTextDecoder {
  private mode: 'ascii' | 'utf-8' | 'windows-1252' = 'ascii';
  private decoder: TextDecoder | undefined;

  constructor(
    private readonly sourceId: string,
    private readonly fileName: string,
  ) {}

  /** The encoding decided so far: `ascii` until the first non-ASCII byte. */
  get encoding(): 'ascii' | 'utf-8' | 'windows-1252' {
    return this.mode;
  }

  decode(chunk: Buffer): string {
    if (this.mode === 'ascii') {
      if (isAscii(chunk)) return chunk.toString('latin1');
      const utf8 = new TextDecoder('utf-8', { fatal: true });
      try {
        const text = utf8.decode(chunk, { stream: true });
        this.mode = 'utf-8';
        this.decoder = utf8;
        return text;
      } catch {
        this.mode = 'windows-1252';
        this.decoder = new TextDecoder('windows-1252');
      }
    }
    try {
      return this.decoder!.decode(chunk, { stream: true });
    } catch (error) {
      throw new SourceFormatError(
        this.sourceId,
        `${this.fileName}: mixed text encodings (valid UTF-8 at first, then not)`,
        { cause: error },
      );
    }
  }

  end(): string {
    try {
      return this.decoder?.decode() ?? '';
    } catch (error) {
      throw new SourceFormatError(this.sourceId, `${this.fileName}: ends inside a UTF-8 character (truncated)`, {
        cause: error,
      });
    }
  }
}

export interface DelimitedRowsOptions {
  readonly sourceId: string;
  /** `,` or `\t`. */
  readonly delimiter: string;
  /**
   * How the last line of a whole file may end. `line-end`: with CR or LF (a cut inside an
   * unquoted last cell keeps the column count right, so only the missing line end gives it away).
   * `line-end-or-quote`: also with the closing quote of a quoted last cell (BIS's dpl.txt has no
   * final newline, and quotes every cell).
   */
  readonly ending: 'line-end' | 'line-end-or-quote';
}

/** Resolves when the parser wants more input, or is gone. */
export function drained(parser: NodeJS.WritableStream & { destroyed: boolean }): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      parser.removeListener('drain', done);
      parser.removeListener('close', done);
      resolve();
    };
    parser.once('drain', done);
    parser.once('close', done);
  });
}

function describeCsvError(error: CsvError): string {
  const line = (error as CsvError & { lines?: number }).lines;
  if (error.code === 'CSV_QUOTE_NOT_CLOSED')
    return `truncated or malformed: a quoted cell is never closed${line ? ` (from line ${line})` : ''}`;
  return `malformed: ${error.message}`;
}

/**
 * Streams the rows of a delimited text file, every row as the cells it has (column counts are the
 * caller's to check, so that the header is judged first). Blank lines are skipped. A quoted cell
 * never closed, a malformed quote or a file that ends where no line can end is a SourceFormatError.
 */
export async function* readDelimitedRows(
  document: SourceDocument,
  options: DelimitedRowsOptions,
): AsyncGenerator<string[]> {
  const { sourceId } = options;
  const input = document.open();
  const decoder = new LegacyTextDecoder(sourceId, document.name);
  const parser = parse({ delimiter: options.delimiter, relax_column_count: true, skip_empty_lines: true, bom: true });
  let tail = '';
  const pump = (async () => {
    try {
      for await (const chunk of input) {
        if (parser.destroyed) return;
        const text = decoder.decode(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, 'utf8'));
        if (!text) continue;
        tail = text.slice(-2);
        if (!parser.write(text)) await drained(parser);
      }
      if (parser.destroyed) return;
      const rest = decoder.end();
      if (rest) {
        tail = rest.slice(-2);
        parser.write(rest);
      }
      parser.end();
    } catch (error) {
      if (!parser.destroyed) parser.destroy(error as Error);
    }
  })();

  let rows = 0;
  try {
    for await (const row of parser as AsyncIterable<string[]>) {
      rows += 1;
      yield row;
    }
  } catch (error) {
    if (error instanceof SourceFormatError) throw error;
    if (error instanceof CsvError)
      throw new SourceFormatError(sourceId, `${document.name}: ${describeCsvError(error)}`, { cause: error });
    throw new SourceFormatError(sourceId, `${document.name}: unreadable: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    input.destroy();
    parser.destroy();
    await pump;
  }
  if (rows === 0) return;
  const last = tail.slice(-1);
  const endsLine = last === '\n' || last === '\r';
  if (!endsLine && !(options.ending === 'line-end-or-quote' && last === '"')) {
    throw new SourceFormatError(sourceId, `${document.name}: truncated: the last line ends inside a cell`);
  }
}
