/**
 * Writes a ZIP archive whose one entry inflates to far more than it weighs (a zip bomb), streamed:
 * the entry is `head`, then `unit` repeated to `inflatedBytes`, then `tail`, deflated by zlib as it
 * is generated and put in its archive by fflate (data descriptor after the entry, as a streaming
 * zipper writes it). 1 GiB of whitespace weighs about 1 MB on disk; nothing big is kept anywhere.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createDeflateRaw, crc32 } from 'node:zlib';
import { Zip, type ZipInputFile } from 'fflate';

export interface ZipBomb {
  entryName: string;
  head: string;
  unit: string;
  inflatedBytes: number;
  tail: string;
}

/** Writes the bomb to `path`; resolves with its size on disk. */
export async function writeZipBomb(path: string, bomb: ZipBomb): Promise<number> {
  const out = createWriteStream(path);
  let written = 0;
  let zipError: Error | null = null;
  const zip = new Zip((error, data) => {
    if (error) zipError = error;
    else {
      written += data.length;
      out.write(data);
    }
  });
  // An entry whose deflated bytes come from zlib (fast, in C): fflate writes the headers, the CRC
  // and the sizes it is told once the entry is final.
  const entry = { filename: bomb.entryName, compression: 8, crc: 0, size: 0 } as ZipInputFile & {
    ondata: (error: Error | null, data: Uint8Array, final: boolean) => void;
  };
  zip.add(entry);
  const deflate = createDeflateRaw({ level: 9 });
  deflate.on('data', (chunk: Buffer) => entry.ondata(null, chunk, false));
  const ended = once(deflate, 'end');
  const feed = async (data: Buffer) => {
    entry.crc = crc32(data, entry.crc);
    entry.size += data.length;
    if (!deflate.write(data)) await once(deflate, 'drain');
  };
  await feed(Buffer.from(bomb.head));
  const unitBytes = Buffer.byteLength(bomb.unit);
  const block = Buffer.from(bomb.unit.repeat(Math.max(1, Math.floor((1024 * 1024) / unitBytes))));
  let left = bomb.inflatedBytes;
  while (left > 0) {
    const piece = left >= block.length ? block : block.subarray(0, left - (left % unitBytes));
    if (piece.length === 0) break;
    await feed(piece);
    left -= piece.length;
  }
  await feed(Buffer.from(bomb.tail));
  deflate.end();
  await ended;
  entry.ondata(null, new Uint8Array(0), true);
  zip.end();
  if (zipError) throw zipError;
  out.end();
  await once(out, 'close');
  return written;
}
