/**
 * The text of a PDF register with each piece's position, page by page, for lists published only as
 * PDF (METI's End User List until 2025). Positions are what turn a printed table back into rows and
 * columns: the text alone interleaves the columns ("3 アラブ首長国連邦" / "United Arab Emirates
 * Al-Bairaq for international land transport ミサイル").
 *
 * The extractor is unpdf 1.8.1: PDF.js (Mozilla's reader, the one maintained at scale) built for
 * serverless runtimes, one ESM package of 2.6 MB without native dependencies, canvas or worker
 * set-up. pdfjs-dist itself needs a worker and optional native canvas in Node, and pdf-parse wraps
 * pdfjs-dist with more of both; neither adds anything a text table needs. It reads METI's 29-page
 * list in about 2-4 s on the shared machine (the list changes a few times a year). PDF.js runs no
 * script of the document, the bundled PDF.js 6.1.200 holds no `new Function` (no font code is
 * compiled from a document), and only text is asked of it, never a rendering.
 */
import { getDocumentProxy } from 'unpdf';
import { SourceFormatError } from '../../core/errors.ts';
import type { SourceDocument } from '../types.ts';

/** Largest PDF read: METI's list is 0.7 MB. */
export const MAX_PDF_BYTES = 64 * 1024 * 1024;

export interface PdfTextItem {
  readonly text: string;
  /** Left edge and baseline, in PDF units from the page's bottom-left corner. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
}

export interface PdfPage {
  /** 1-based. */
  readonly number: number;
  readonly width: number;
  readonly height: number;
  /** In content-stream order (the order the producer drew them). Empty pieces are left out. */
  readonly items: readonly PdfTextItem[];
}

/** True when a head (latin1) is a PDF. */
export function looksLikePdf(head: string): boolean {
  return head.startsWith('%PDF-');
}

export async function* readPdfPages(document: SourceDocument, sourceId: string): AsyncGenerator<PdfPage> {
  const fail = (reason: string, cause?: unknown): SourceFormatError =>
    new SourceFormatError(sourceId, `${document.name}: ${reason}`, cause === undefined ? undefined : { cause });
  const chunks: Buffer[] = [];
  let length = 0;
  const stream = document.open();
  try {
    for await (const chunk of stream) {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, 'latin1');
      length += bytes.length;
      if (length > MAX_PDF_BYTES)
        throw fail(`larger than ${MAX_PDF_BYTES / 1024 / 1024} MiB, the most a PDF list is read`);
      chunks.push(bytes);
    }
  } finally {
    stream.destroy();
  }
  const bytes = Buffer.concat(chunks);
  if (!looksLikePdf(bytes.subarray(0, 8).toString('latin1'))) throw fail('not a PDF file');
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    pdf = await getDocumentProxy(new Uint8Array(bytes), { stopAtErrors: true });
  } catch (error) {
    throw fail(`unreadable PDF: ${(error as Error).message}`, error);
  }
  try {
    for (let number = 1; number <= pdf.numPages; number++) {
      let page;
      let content;
      try {
        page = await pdf.getPage(number);
        content = await page.getTextContent();
      } catch (error) {
        throw fail(`unreadable PDF page ${number}: ${(error as Error).message}`, error);
      }
      const items: PdfTextItem[] = [];
      for (const item of content.items) {
        if (!('str' in item) || item.str.trim() === '') continue;
        items.push({
          text: item.str,
          x: item.transform[4] as number,
          y: item.transform[5] as number,
          width: item.width,
        });
      }
      const [, , width, height] = page.view as [number, number, number, number];
      yield { number, width, height, items };
      page.cleanup();
    }
  } finally {
    await pdf.loadingTask.destroy();
  }
}
