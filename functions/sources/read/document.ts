/**
 * Turns files into documents, picks the format of a document by sniffing its head, and refuses
 * what is plainly not a register (empty body, HTML error page, unknown layout) before any parser runs.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { SourceFormatError } from '../../core/errors.ts';
import type { RegisterRecord } from '../../core/records.ts';
import type { ParseContext, ParseInput, RegisterSource, SourceDocument, SourceFormat } from '../types.ts';

const HEAD_BYTES = 64 * 1024;

export function fileDocument(path: string, name = basename(path)): SourceDocument {
  return { name, open: () => createReadStream(path) };
}

export function bufferDocument(name: string, body: Buffer | string): SourceDocument {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return { name, open: () => Readable.from([bytes], { objectMode: false }) };
}

/** Reads at most `limit` bytes from the start of a document. */
export async function readHead(document: SourceDocument, limit = HEAD_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  const stream = document.open();
  try {
    for await (const chunk of stream) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      chunks.push(buffer);
      length += buffer.length;
      if (length >= limit) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, limit);
}

/** Decodes a head for sniffing: strips a UTF-8 BOM, keeps bytes 1:1 (latin1) so nothing throws. */
export function headText(head: Buffer): string {
  const start = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  return head.subarray(start).toString('latin1');
}

/** Refuses empty bodies and HTML pages with a message that says which. */
export function assertNotErrorPage(sourceId: string, document: SourceDocument, head: string): void {
  // 0x1A is the DOS end-of-file byte that ends OFAC's CSV files: a file of nothing else is empty.
  // eslint-disable-next-line no-control-regex
  const trimmed = head.replace(/^[\s\u001a]+/, '');
  if (trimmed.length === 0) throw new SourceFormatError(sourceId, `${document.name} is empty (0 bytes of content)`);
  if (/^<!doctype html|^<html[\s>]|^<head[\s>]|^<body[\s>]/i.test(trimmed.slice(0, 512))) {
    const title = /<title[^>]*>([^<]{0,120})/i.exec(trimmed)?.[1]?.trim();
    throw new SourceFormatError(
      sourceId,
      `${document.name} is an HTML page${title ? ` ("${title}")` : ''}, not a register file`,
    );
  }
}

export async function detectFormat(source: RegisterSource, document: SourceDocument): Promise<SourceFormat> {
  const head = headText(await readHead(document));
  const pages = source.formats.filter((format) => format.readsHtml && format.sniff(head, document.name));
  if (pages.length === 1) return pages[0]!;
  assertNotErrorPage(source.id, document, head);
  const matches = source.formats.filter((format) => format.sniff(head, document.name));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    const known = source.formats.map((f) => f.id).join(', ');
    throw new SourceFormatError(source.id, `${document.name} is in an unknown layout (expected one of: ${known})`);
  }
  throw new SourceFormatError(
    source.id,
    `${document.name} matches several layouts (${matches.map((f) => f.id).join(', ')})`,
  );
}

/** Companion files that sit beside a main file on disk (add.csv, alt.csv ... beside sdn.csv). */
export async function companionsBeside(path: string, names: readonly string[]): Promise<Map<string, SourceDocument>> {
  const found = new Map<string, SourceDocument>();
  for (const name of names) {
    const candidate = join(dirname(path), name);
    try {
      if ((await stat(candidate)).isFile()) found.set(name.toLowerCase(), fileDocument(candidate));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return found;
}

export interface ParsedDocument {
  format: SourceFormat;
  records: AsyncIterable<RegisterRecord>;
}

/**
 * Sniffs the document and returns its record stream. The caller consumes the stream; a document
 * that yields no record at all is refused by the caller (see `collectRecords` / the pipeline).
 */
export async function openRecords(
  source: RegisterSource,
  input: ParseInput,
  context: ParseContext,
): Promise<ParsedDocument> {
  const format = await detectFormat(source, input.main);
  return { format, records: format.parse(input, context) };
}

export async function collectRecords(
  source: RegisterSource,
  input: ParseInput,
  context: ParseContext,
  onProgress?: (records: number) => void,
): Promise<RegisterRecord[]> {
  const { records } = await openRecords(source, input, context);
  const all: RegisterRecord[] = [];
  for await (const record of records) {
    all.push(record);
    if (onProgress && all.length % 2000 === 0) onProgress(all.length);
  }
  if (all.length === 0) throw new SourceFormatError(source.id, `${input.main.name} holds no records`);
  return all;
}
