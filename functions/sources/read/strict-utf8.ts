/**
 * Bytes to text for files that are UTF-8 by their format (XML without another declared encoding,
 * JSON, the Federal Register's texts): a byte that is not UTF-8 is a SourceFormatError naming the
 * file and the byte offset, never a U+FFFD in a name, which would read as a modified record and
 * alert every subscriber of a change nobody made. Files without a declared encoding that may be
 * windows-1252 go through LegacyTextDecoder (delimited-text.ts) instead.
 */
import { TextDecoder } from 'node:util';
import { SourceFormatError } from '../../core/errors.ts';
import { firstInvalidUtf8 } from '../../core/text.ts';

function describeBytes(bytes: Uint8Array, at: number): string {
  return [...bytes.subarray(at, at + 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** Where an incomplete sequence at the end of `bytes` starts (the decoder holds it), or bytes.length. */
function pendingStart(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = bytes[n - back]!;
    if (b < 0x80) return n;
    if (b >= 0xc0) {
      const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return length > back ? n - back : n;
    }
  }
  return n;
}

/** A streaming UTF-8 decoder that refuses malformed bytes with the file and offset named. A BOM is dropped. */
export class StrictUtf8Decoder {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  /** Bytes decoded before the pending tail. */
  private offset = 0;
  /** The bytes of a character the previous chunk ended inside. */
  private pending: Uint8Array = new Uint8Array(0);

  constructor(
    private readonly sourceId: string,
    private readonly fileName: string,
  ) {}

  decode(chunk: Uint8Array): string {
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: true });
    } catch (error) {
      const bytes = Buffer.concat([this.pending, chunk]);
      const at = Math.max(0, firstInvalidUtf8(bytes));
      throw this.invalid(this.offset + at, describeBytes(bytes, at), error);
    }
    const bytes = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const start = pendingStart(bytes);
    this.offset += start;
    this.pending = bytes.slice(start);
    return text;
  }

  end(): string {
    try {
      return this.decoder.decode();
    } catch (error) {
      throw new SourceFormatError(
        this.sourceId,
        `${this.fileName}: ends inside a UTF-8 character at byte ${this.offset} (truncated)`,
        { cause: error },
      );
    }
  }

  private invalid(offset: number, bytes: string, cause: unknown): SourceFormatError {
    return new SourceFormatError(
      this.sourceId,
      `${this.fileName}: not valid UTF-8 at byte ${offset} (${bytes}): the file is damaged or in another encoding`,
      { cause },
    );
  }
}

/** A whole document's bytes as text (a BOM dropped); malformed UTF-8 is a SourceFormatError. */
export function decodeUtf8(bytes: Uint8Array, sourceId: string, fileName: string): string {
  const decoder = new StrictUtf8Decoder(sourceId, fileName);
  return decoder.decode(bytes) + decoder.end();
}
