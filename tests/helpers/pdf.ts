/**
 * Writes a small PDF whose pages draw the given pieces of text at the given positions, in the given
 * order (as Excel prints a table: row by row, cell by cell), in Helvetica. Latin text only: the
 * Japanese of METI's list would need an embedded CID font, so the unit tests write country cells
 * in Latin letters and the real list is read by the real-data suite.
 */
export interface PdfPiece {
  readonly x: number;
  readonly y: number;
  readonly text: string;
}

const escape = (text: string): string => text.replace(/[\\()]/g, (c) => `\\${c}`);

export function writePdf(pages: readonly (readonly PdfPiece[])[]): Buffer {
  const objects: string[] = [];
  const add = (body: string): number => objects.push(body);
  add('<< /Type /Catalog /Pages 2 0 R >>');
  add(''); // the page tree, written once the pages are numbered
  add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  const pageIds: number[] = [];
  for (const pieces of pages) {
    const stream = pieces.map((p) => `BT /F1 7 Tf 1 0 0 1 ${p.x} ${p.y} Tm (${escape(p.text)}) Tj ET`).join('\n');
    const content = add(`<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`);
    pageIds.push(
      add(
        `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.2 841.68] /Resources << /Font << /F1 3 0 R >> >> /Contents ${content} 0 R >>`,
      ),
    );
  }
  objects[1] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pageIds.length} >>`;
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}
