/**
 * One worksheet of an XLSX workbook as rows of text cells, for registers published as Excel files
 * (DFAT's consolidated list, METI's Foreign User List).
 *
 * Why a reader of our own (fflate for the ZIP, saxes for the XML, both already dependencies) rather
 * than an XLSX library, measured on DFAT's 2026-02-24 list (1.3 MB; 8 MB of sheet XML; 10,977 rows;
 * bench/xlsx.ts for this reader, the libraries the same way outside the repository, 2 shared cores,
 * heap + buffers above the baseline): this reader about 1.0 s and 26-33 MB; exceljs 4.4.0's
 * streaming WorkbookReader 0.9-1.1 s and 44-48 MB; SheetJS (@e965/xlsx 0.20.3) 0.6-1.1 s and
 * 45-53 MB, reading the whole workbook at once. Neither library is faster by enough to pay for
 * its code in every Lambda bundle (exceljs installs 23 MB, SheetJS a 1 MB module), and exceljs
 * reads METI's header cells as their phonetic runs alone ("ベツメイ" for "別名\nAlso Known As"),
 * the error the sources must never make: here phonetic (`<rPh>`) runs are left out where the
 * string is read. Only what registers need is read: the cell's text (shared, inline or formula
 * string, or the number as written — no styles, so no date formatting: the sources know which
 * columns hold Excel serial dates and convert them).
 *
 * The archive is untrusted: only the workbook, its relationships, the shared strings and the
 * worksheets are inflated, each counted as it inflates, and an entry that inflates past
 * XLSX_LIMITS (in size or ratio) is refused as a zip bomb before it is held in memory. XML is read
 * by saxes, which never reads a DTD or resolves an external entity.
 */
import { Unzip, UnzipInflate } from 'fflate';
import { SaxesParser } from 'saxes';
import { SourceFormatError } from '../../core/errors.ts';
import { StrictUtf8Decoder } from '../read/strict-utf8.ts';
import type { SourceDocument } from '../types.ts';

export const XLSX_LIMITS = {
  /** Largest inflated part: DFAT's sheet is 8 MB in 2026; 64 times that is years of growth. */
  maxPartBytes: 512 * 1024 * 1024,
  /** Largest sum of the inflated parts kept. */
  maxTotalBytes: 768 * 1024 * 1024,
  /** Largest inflated / compressed ratio of a part (real sheets: 6 to 9; deflate reaches ~1032). */
  maxRatio: 100,
  /** The ratio is judged past this many inflated bytes, so a small very regular part passes. */
  ratioCheckedFrom: 4 * 1024 * 1024,
  /** Compressed bytes handed to the inflater at once: bounds what one step inflates to. */
  sliceBytes: 16 * 1024,
} as const;

/** Parts read; the rest (styles, themes, printer settings, custom XML) is never inflated. */
const WANTED_PART = /^xl\/(?:workbook\.xml|_rels\/workbook\.xml\.rels|sharedStrings\.xml|worksheets\/[^/]+\.xml)$/;

export interface XlsxRow {
  /** The row number as the sheet gives it (1 = the first row of the sheet). */
  readonly number: number;
  /** Cell text by column (0 = A); a column without a cell is ''. Never trimmed. */
  readonly cells: string[];
}

export interface XlsxSheetOptions {
  readonly sourceId: string;
  /**
   * Chooses the sheet to read among the workbook's sheet names (in workbook order); returns one of
   * them. @default the first sheet
   */
  readonly chooseSheet?: (names: readonly string[]) => string | undefined;
}

/** True when a head (latin1) is a ZIP archive whose name or first entry says it is a workbook. */
export function looksLikeXlsx(head: string, fileName: string): boolean {
  if (!head.startsWith('PK\u0003\u0004')) return false;
  if (/\.xlsx$/i.test(fileName)) return true;
  const nameLength = head.charCodeAt(26) | (head.charCodeAt(27) << 8);
  return head.slice(30, 30 + nameLength) === '[Content_Types].xml';
}

/** Yields the rows of one sheet in order; a damaged or hostile workbook is a SourceFormatError. */
export async function* readXlsxRows(document: SourceDocument, options: XlsxSheetOptions): AsyncGenerator<XlsxRow> {
  const { sourceId } = options;
  const fileName = document.name;
  const fail = (reason: string, cause?: unknown): SourceFormatError =>
    new SourceFormatError(sourceId, `${fileName}: ${reason}`, cause === undefined ? undefined : { cause });
  const parts = await inflateParts(document, fail);
  const workbook = parts.get('xl/workbook.xml');
  const relations = parts.get('xl/_rels/workbook.xml.rels');
  if (!workbook || !relations) throw fail('not an XLSX workbook: xl/workbook.xml or its relationships are missing');

  const sheets = readSheetList(workbook, fileName, fail);
  const targets = readRelationships(relations, fileName, fail);
  const names = sheets.map((s) => s.name);
  const chosen = options.chooseSheet ? options.chooseSheet(names) : names[0];
  const sheet = sheets.find((s) => s.name === chosen);
  if (!sheet) throw fail(`unknown layout: no worksheet to read among ${names.map((n) => `"${n}"`).join(', ')}`);
  const target = targets.get(sheet.relationId);
  const path = target === undefined ? undefined : resolvePart(target);
  const sheetXml = path === undefined ? undefined : parts.get(path);
  if (!sheetXml) throw fail(`worksheet "${sheet.name}" (${target ?? sheet.relationId}) is missing from the archive`);
  const sharedXml = parts.get('xl/sharedStrings.xml');
  const shared = sharedXml ? readSharedStrings(sharedXml, fileName, fail) : [];
  parts.clear();
  yield* readSheetRows(sheetXml, shared, fileName, fail);
}

type Fail = (reason: string, cause?: unknown) => SourceFormatError;

async function inflateParts(document: SourceDocument, fail: Fail): Promise<Map<string, Buffer>> {
  const parts = new Map<string, Buffer>();
  const pending = new Set<string>();
  let failure: SourceFormatError | undefined;
  let compressedSoFar = 0;
  let total = 0;
  let sawEntry = false;
  const unzip = new Unzip((file) => {
    sawEntry = true;
    if (failure || !WANTED_PART.test(file.name)) return;
    const chunks: Uint8Array[] = [];
    const startedAt = compressedSoFar;
    let inflated = 0;
    pending.add(file.name);
    file.ondata = (error, data, final) => {
      if (failure) return;
      if (error) {
        failure = fail(`corrupt ZIP entry ${file.name}: ${error.message}`, error);
        return;
      }
      inflated += data.length;
      total += data.length;
      const compressed = Math.max(1, compressedSoFar - startedAt);
      const bomb =
        inflated > XLSX_LIMITS.maxPartBytes
          ? `inflates past ${XLSX_LIMITS.maxPartBytes} bytes`
          : total > XLSX_LIMITS.maxTotalBytes
            ? `brings the workbook past ${XLSX_LIMITS.maxTotalBytes} inflated bytes`
            : inflated > XLSX_LIMITS.ratioCheckedFrom && inflated > compressed * XLSX_LIMITS.maxRatio
              ? `inflates more than ${XLSX_LIMITS.maxRatio} times (${inflated} bytes from ${compressed})`
              : undefined;
      if (bomb) {
        failure = fail(`refused ZIP entry ${file.name}: it ${bomb}, a zip bomb`);
        chunks.length = 0;
        return;
      }
      if (data.length > 0) chunks.push(data);
      if (final) {
        pending.delete(file.name);
        parts.set(file.name, Buffer.concat(chunks));
        chunks.length = 0;
      }
    };
    try {
      file.start();
    } catch (error) {
      failure = fail(`cannot unzip ${file.name}: ${(error as Error).message}`, error);
    }
  });
  unzip.register(UnzipInflate);

  const push = (chunk: Uint8Array, final: boolean): void => {
    try {
      // In slices, so that one push inflates to a bounded size and a bomb is caught between slices.
      for (let at = 0; at < chunk.length && !failure; at += XLSX_LIMITS.sliceBytes) {
        const slice = chunk.subarray(at, at + XLSX_LIMITS.sliceBytes);
        compressedSoFar += slice.length;
        unzip.push(slice, false);
      }
      if (final && !failure) unzip.push(new Uint8Array(0), true);
    } catch (error) {
      failure ??= fail(`corrupt ZIP archive: ${(error as Error).message}`, error);
    }
  };

  const stream = document.open();
  let first = true;
  try {
    for await (const chunk of stream) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : (chunk as Buffer);
      if (first && bytes.length > 0) {
        first = false;
        if (!(bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04))
          throw fail('not an XLSX workbook (not a ZIP archive)');
      }
      push(bytes, false);
      if (failure) throw failure;
    }
  } finally {
    stream.destroy();
  }
  if (first) throw fail('is empty (0 bytes)');
  push(new Uint8Array(0), true);
  if (failure) throw failure;
  if (!sawEntry) throw fail('the ZIP archive holds no file');
  if (pending.size > 0) throw fail(`the ZIP archive is truncated (${[...pending].join(', ')} incomplete)`);
  return parts;
}

/** "worksheets/sheet1.xml" or "/xl/worksheets/sheet1.xml" → "xl/worksheets/sheet1.xml". */
function resolvePart(target: string): string {
  return target.startsWith('/') ? target.slice(1) : `xl/${target.replace(/^\.\//, '')}`;
}

/** Runs saxes over a whole part, calling `on` for its events; malformed XML is a SourceFormatError. */
function parseXml(
  bytes: Buffer,
  part: string,
  fileName: string,
  fail: Fail,
  wire: (parser: SaxesParser) => void,
): void {
  const parser = new SaxesParser({ xmlns: false });
  let failure: Error | undefined;
  parser.on('error', (error) => {
    failure ??= fail(`malformed XML in ${part}: ${error.message}`, error);
  });
  wire(parser);
  const decoder = new StrictUtf8Decoder('', part);
  try {
    parser.write(decoder.decode(bytes)).write(decoder.end()).close();
  } catch (error) {
    throw failure ?? (error instanceof SourceFormatError ? fail(error.reason, error) : fail(String(error), error));
  }
  if (failure) throw failure;
}

function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon === -1 ? qualified : qualified.slice(colon + 1);
}

interface SheetEntry {
  readonly name: string;
  readonly relationId: string;
}

function readSheetList(bytes: Buffer, fileName: string, fail: Fail): SheetEntry[] {
  const sheets: SheetEntry[] = [];
  parseXml(bytes, 'xl/workbook.xml', fileName, fail, (parser) => {
    parser.on('opentag', (tag) => {
      if (localName(tag.name) !== 'sheet') return;
      const attributes = tag.attributes as Record<string, string>;
      const relationId = Object.entries(attributes).find(([key]) => localName(key) === 'id' && key !== 'id')?.[1];
      if (attributes.name !== undefined && relationId !== undefined) sheets.push({ name: attributes.name, relationId });
    });
  });
  if (sheets.length === 0) throw fail('not an XLSX workbook: xl/workbook.xml lists no sheet');
  return sheets;
}

function readRelationships(bytes: Buffer, fileName: string, fail: Fail): Map<string, string> {
  const targets = new Map<string, string>();
  parseXml(bytes, 'xl/_rels/workbook.xml.rels', fileName, fail, (parser) => {
    parser.on('opentag', (tag) => {
      const attributes = tag.attributes as Record<string, string>;
      if (localName(tag.name) === 'Relationship' && attributes.Id && attributes.Target)
        targets.set(attributes.Id, attributes.Target);
    });
  });
  return targets;
}

/**
 * The shared strings, each the text of its `<t>` runs. A `<t>` inside `<rPh>` (a phonetic reading,
 * Japanese furigana such as "ベツメイ" over "別名") is not part of the cell's text and is left out.
 */
function readSharedStrings(bytes: Buffer, fileName: string, fail: Fail): string[] {
  const strings: string[] = [];
  let current: string | undefined;
  let inText = false;
  let phoneticDepth = 0;
  parseXml(bytes, 'xl/sharedStrings.xml', fileName, fail, (parser) => {
    parser.on('opentag', (tag) => {
      const name = localName(tag.name);
      if (name === 'si') current = '';
      else if (name === 'rPh') phoneticDepth++;
      else if (name === 't' && phoneticDepth === 0) inText = true;
    });
    parser.on('text', (text) => {
      if (inText && current !== undefined) current += text;
    });
    parser.on('closetag', (tag) => {
      const name = localName(tag.name);
      if (name === 't') inText = false;
      else if (name === 'rPh') phoneticDepth--;
      else if (name === 'si') {
        strings.push(current ?? '');
        current = undefined;
      }
    });
  });
  return strings;
}

/** "AB12" → 27 (0-based column), or -1. */
function columnIndex(reference: string): number {
  let column = 0;
  let i = 0;
  for (; i < reference.length; i++) {
    const c = reference.charCodeAt(i);
    if (c < 65 || c > 90) break;
    column = column * 26 + (c - 64);
  }
  return i === 0 ? -1 : column - 1;
}

/** Largest column read (XFD, the last column Excel has). */
const MAX_COLUMNS = 16_384;

async function* readSheetRows(
  bytes: Buffer,
  shared: readonly string[],
  fileName: string,
  fail: Fail,
): AsyncGenerator<XlsxRow> {
  const parser = new SaxesParser({ xmlns: false });
  const ready: XlsxRow[] = [];
  let failure: Error | undefined;
  let row: { number: number; cells: string[] } | undefined;
  let lastRowNumber = 0;
  let cellColumn = -1;
  let cellType = '';
  let cellText = '';
  let inValue = false;
  let phoneticDepth = 0;
  let sawSheetData = false;

  parser.on('error', (error) => {
    failure ??= fail(`malformed XML in the worksheet: ${error.message}`, error);
  });
  parser.on('opentag', (tag) => {
    const attributes = tag.attributes as Record<string, string>;
    switch (localName(tag.name)) {
      case 'sheetData':
        sawSheetData = true;
        break;
      case 'row': {
        const number = attributes.r ? Number(attributes.r) : lastRowNumber + 1;
        if (!Number.isInteger(number) || number <= lastRowNumber) {
          failure ??= fail(`malformed worksheet: row "${attributes.r}" after row ${lastRowNumber}`);
          return;
        }
        lastRowNumber = number;
        row = { number, cells: [] };
        break;
      }
      case 'c':
        cellColumn = attributes.r ? columnIndex(attributes.r) : (row?.cells.length ?? 0);
        if (cellColumn < 0 || cellColumn >= MAX_COLUMNS) {
          failure ??= fail(`malformed worksheet: cell reference "${attributes.r}"`);
          cellColumn = -1;
        }
        cellType = attributes.t ?? 'n';
        cellText = '';
        break;
      case 'v':
        inValue = true;
        break;
      case 't':
        if (phoneticDepth === 0) inValue = true;
        break;
      case 'rPh':
        phoneticDepth++;
        break;
    }
  });
  parser.on('text', (text) => {
    if (inValue) cellText += text;
  });
  parser.on('closetag', (tag) => {
    switch (localName(tag.name)) {
      case 'v':
      case 't':
        inValue = false;
        break;
      case 'rPh':
        phoneticDepth--;
        break;
      case 'c': {
        if (!row || cellColumn < 0) return;
        let value = cellText;
        if (cellType === 's' && cellText !== '') {
          const index = Number(cellText);
          const text = Number.isInteger(index) ? shared[index] : undefined;
          if (text === undefined) {
            failure ??= fail(
              `malformed worksheet: row ${row.number} points at shared string ${cellText}, which is missing`,
            );
            return;
          }
          value = text;
        }
        while (row.cells.length < cellColumn) row.cells.push('');
        row.cells[cellColumn] = value;
        break;
      }
      case 'row':
        if (row) ready.push(row);
        row = undefined;
        break;
    }
  });

  const decoder = new StrictUtf8Decoder('', 'the worksheet');
  const step = 256 * 1024;
  try {
    for (let at = 0; at < bytes.length; at += step) {
      parser.write(decoder.decode(bytes.subarray(at, at + step)));
      if (failure) throw failure;
      while (ready.length > 0) yield ready.shift()!;
    }
    parser.write(decoder.end()).close();
  } catch (error) {
    if (failure) throw failure;
    throw error instanceof SourceFormatError ? fail(error.reason, error) : fail(String(error), error);
  }
  if (failure) throw failure;
  if (!sawSheetData) throw fail('malformed worksheet: no sheetData');
  while (ready.length > 0) yield ready.shift()!;
}
