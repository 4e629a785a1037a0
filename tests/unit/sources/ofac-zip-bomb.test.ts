import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceFormatError } from '../../../functions/core/errors.ts';
import { fileDocument } from '../../../functions/sources/read/document.ts';
import { usOfacSdn } from '../../../functions/sources/us-ofac-sdn.ts';
import { parseWith } from '../../helpers/parse.ts';
import { writeZipBomb } from '../../helpers/zip-bomb.ts';

const GiB = 1024 * 1024 * 1024;
const HEAD =
  '<?xml version="1.0" encoding="utf-8"?>\n<sanctionsData xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML">';
const TAIL = '</sanctionsData>\n';

describe('a zip bomb as SDN_ENHANCED.ZIP', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tradewatch-zip-bomb-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('the helper writes a valid archive (a small one inflates back to what was put in)', async () => {
    const path = join(dir, 'small.zip');
    await writeZipBomb(path, {
      entryName: 'SDN_ENHANCED.XML',
      head: '<a>',
      unit: 'xy',
      inflatedBytes: 1000,
      tail: '</a>',
    });
    const entries = unzipSync(readFileSync(path));
    expect(Buffer.from(entries['SDN_ENHANCED.XML']!).toString()).toBe(`<a>${'xy'.repeat(500)}</a>`);
  });

  it.each([
    ['whitespace', ' '],
    ['empty elements', '<x/>'],
  ])(
    'of 1 GiB of %s fails in a few seconds with a SourceFormatError naming the file',
    async (_what, unit) => {
      const path = join(dir, `bomb-${unit.length}.zip`);
      const onDisk = await writeZipBomb(path, {
        entryName: 'SDN_ENHANCED.XML',
        head: HEAD,
        unit,
        inflatedBytes: GiB,
        tail: TAIL,
      });
      expect(onDisk).toBeLessThan(4 * 1024 * 1024);
      const document = { ...fileDocument(path), name: 'SDN_ENHANCED.ZIP' };
      const heapBefore = process.memoryUsage().heapUsed;
      const started = performance.now();

      const error = await parseWith(usOfacSdn, document).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(SourceFormatError);
      expect((error as Error).message).toMatch(
        /^us-ofac-sdn: parse: SDN_ENHANCED\.ZIP: refused ZIP entry SDN_ENHANCED\.XML: it inflates more than 100 times \(\d+ bytes from \d+\), a zip bomb$/,
      );
      expect(performance.now() - started).toBeLessThan(3000);
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(256 * 1024 * 1024);
    },
    60_000,
  );
});
