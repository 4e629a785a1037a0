/**
 * Writes small XLSX workbooks in the parts and order Excel writes them (content types, relationships,
 * workbook, one worksheet, then the shared strings, each deflated), so the tests' fixtures are in
 * the publishers' exact format without copying a real file. A cell is a number (written as `<v>`),
 * a string (a shared string), `{ text, phonetic }` (a shared string with a phonetic `<rPh>` run,
 * as METI's cells carry), or `{ inline }` (an inline string).
 */
import { zipSync, strToU8 } from 'fflate';

export type XlsxCell = string | number | null | { text: string; phonetic: string } | { inline: string };

export interface XlsxSheetSpec {
  readonly name: string;
  readonly rows: readonly (readonly XlsxCell[])[];
}

const escape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RELS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

function column(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

function sheetXml(rows: readonly (readonly XlsxCell[])[], shared: string[]): string {
  const body = rows
    .map((cells, r) => {
      const xml = cells
        .map((cell, c) => {
          const ref = `${column(c)}${r + 1}`;
          if (cell === null) return `<c r="${ref}" s="1"/>`;
          if (typeof cell === 'number') return `<c r="${ref}"><v>${cell}</v></c>`;
          if (typeof cell === 'object' && 'inline' in cell)
            return `<c r="${ref}" t="inlineStr"><is><t>${escape(cell.inline)}</t></is></c>`;
          const si =
            typeof cell === 'string'
              ? `<si><t xml:space="preserve">${escape(cell)}</t></si>`
              : `<si><t>${escape(cell.text)}</t><rPh sb="0" eb="${cell.text.length}"><t>${escape(cell.phonetic)}</t></rPh><phoneticPr fontId="1"/></si>`;
          shared.push(si);
          return `<c r="${ref}" t="s"><v>${shared.length - 1}</v></c>`;
        })
        .join('');
      return `<row r="${r + 1}">${xml}</row>`;
    })
    .join('');
  return `${DECLARATION}<worksheet xmlns="${MAIN}" xmlns:r="${RELS}"><dimension ref="A1"/><sheetData>${body}</sheetData></worksheet>`;
}

/** The workbook's bytes; `parts` overrides or adds raw parts (for malformed-input tests). */
export function writeXlsx(sheet: XlsxSheetSpec, parts: Record<string, string> = {}): Buffer {
  const shared: string[] = [];
  const worksheet = sheetXml(sheet.rows, shared);
  const files: Record<string, string> = {
    '[Content_Types].xml': `${DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`,
    '_rels/.rels': `${DECLARATION}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    'xl/workbook.xml': `${DECLARATION}<workbook xmlns="${MAIN}" xmlns:r="${RELS}"><sheets><sheet name="${escape(sheet.name)}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    'xl/_rels/workbook.xml.rels': `${DECLARATION}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId3" Type="${RELS}/styles" Target="styles.xml"/><Relationship Id="rId1" Type="${RELS}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId4" Type="${RELS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
    'xl/worksheets/sheet1.xml': worksheet,
    'xl/styles.xml': `${DECLARATION}<styleSheet xmlns="${MAIN}"/>`,
    'xl/sharedStrings.xml': `${DECLARATION}<sst xmlns="${MAIN}" count="${shared.length}" uniqueCount="${shared.length}">${shared.join('')}</sst>`,
    ...parts,
  };
  return Buffer.from(
    zipSync(Object.fromEntries(Object.entries(files).map(([name, text]) => [name, strToU8(text)])), {
      level: 6,
      // A fixed time, so that the same rows always make the same bytes (the demo's workbooks are committed).
      mtime: new Date('2026-01-01T00:00:00Z'),
    }),
  );
}
