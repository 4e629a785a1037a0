import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bufferDocument } from '../../../functions/sources/read/document.ts';
import { streamJsonArrayObjects } from '../../../functions/sources/read/json-stream.ts';
import type { SourceDocument } from '../../../functions/sources/types.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const jsonFixture = join(root, 'tests/fixtures/csl/consolidated.v1.json');

/** A document served in small chunks, to cross every chunk boundary the reader must survive. */
function chunkedDocument(name: string, bytes: Buffer, size: number): SourceDocument {
  return {
    name,
    open: () => {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      return Readable.from(chunks, { objectMode: false });
    },
  };
}

describe('streamJsonArrayObjects', () => {
  it('yields the same objects whatever the chunk boundaries (strings, escapes and UTF-8 split)', async () => {
    const bytes = await readFile(jsonFixture);
    const whole = (JSON.parse(bytes.toString('utf8')) as { results: unknown[] }).results;

    for (const size of [1, 3, 7, 64, 4096]) {
      const got: unknown[] = [];
      for await (const o of streamJsonArrayObjects(chunkedDocument('c.json', bytes, size).open(), {
        sourceId: 's',
        fileName: 'c.json',
        arrayKey: 'results',
      }))
        got.push(o);
      expect(got).toEqual(whole);
    }
  });

  it('skips other top-level keys before and after the array, even ones holding brackets in strings', async () => {
    const text =
      '{"meta": {"note": "a ] } [ { \\" tricky"}, "results": [{"a": "}"}, {"b": [1, {"c": "]"}]}], "after": [1, 2]}';
    const got: unknown[] = [];
    for await (const o of streamJsonArrayObjects(bufferDocument('t.json', text).open(), {
      sourceId: 's',
      fileName: 't.json',
      arrayKey: 'results',
    }))
      got.push(o);

    expect(got).toEqual([{ a: '}' }, { b: [1, { c: ']' }] }]);
  });

  it('refuses text after the end of the document', async () => {
    const run = async (): Promise<void> => {
      for await (const _ of streamJsonArrayObjects(bufferDocument('t.json', '{"results": []} {"x": 1}').open(), {
        sourceId: 's',
        fileName: 't.json',
        arrayKey: 'results',
      })) {
        // consume
      }
    };

    await expect(run()).rejects.toThrow(/text after the end of the JSON document/);
  });
});

describe('streamJsonArrayObjects exactNumberKeys', () => {
  const read = async (text: string, size: number): Promise<unknown[]> => {
    const got: unknown[] = [];
    for await (const o of streamJsonArrayObjects(chunkedDocument('t.json', Buffer.from(text), size).open(), {
      sourceId: 's',
      fileName: 't.json',
      arrayKey: 'results',
      exactNumberKeys: ['id'],
    }))
      got.push(o);
    return got;
  };

  it('keeps the exact digits of a top-level id, and leaves other numbers and nested ids to JSON.parse', async () => {
    const text =
      '{"results": [{"id": 9007199254740993, "n": 9007199254740993}, {"x": {"id": 1.50}, "id" : -1.50e3}, {"id": "7"}, {"id": 1, "id": 2.0}]}';

    for (const size of [1, 5, 4096]) {
      expect(await read(text, size)).toEqual([
        { id: '9007199254740993', n: 9007199254740992 },
        { x: { id: 1.5 }, id: '-1.50e3' },
        { id: '7' },
        { id: '2.0' },
      ]);
    }
  });
});
