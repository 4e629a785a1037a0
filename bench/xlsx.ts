/**
 * Time and memory of reading every row of a real XLSX register with the project's reader
 * (functions/sources/formats/xlsx-sheet.ts): `npx tsx bench/xlsx.ts [file.xlsx ...]`, by default
 * DFAT's two lists and METI's Foreign User List from the real fixtures. Run with
 * `node --expose-gc --import tsx` for a steadier heap figure.
 */
import { fileDocument } from '../functions/sources/read/document.ts';
import { readXlsxRows } from '../functions/sources/formats/xlsx-sheet.ts';
import { realFixture } from '../tests/real-fixtures.ts';

const files = process.argv.slice(2).length
  ? process.argv.slice(2)
  : [
      realFixture('au-dfat/regulation8_consolidated.2024-11-11.xlsx'),
      realFixture('au-dfat/Australian_Sanctions_Consolidated_List.2026-02-24.xlsx'),
      realFixture('jp-meti/20250929_4.2025-09-29.xlsx'),
    ];

/** Heap and buffers (the inflated parts are Buffers, outside the JS heap). */
const used = (): number => {
  const memory = process.memoryUsage();
  return memory.heapUsed + memory.external;
};

for (const file of files) {
  (globalThis as { gc?: () => void }).gc?.();
  const heapBefore = used();
  let peak = heapBefore;
  const sampler = setInterval(() => (peak = Math.max(peak, used())), 5);
  const started = performance.now();
  let rows = 0;
  let cells = 0;
  for await (const row of readXlsxRows(fileDocument(file), { sourceId: 'bench' })) {
    rows++;
    cells += row.cells.length;
    peak = Math.max(peak, used());
  }
  const ms = performance.now() - started;
  clearInterval(sampler);
  console.log(
    `${file.split('/').at(-1)}: ${rows} rows, ${cells} cells in ${ms.toFixed(0)} ms; heap+buffers peak +${((peak - heapBefore) / 1048576).toFixed(0)} MB`,
  );
}
