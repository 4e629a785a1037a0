/**
 * Real register files with bytes injected in a temporary copy: a byte that is not UTF-8 stops the
 * run with the file and the offset named (it used to become U+FFFD, a "modified" record), and a
 * control character is no change at all, only a warning naming the record. The CSL's own C1 bytes
 * (cp1252 apostrophes stored as U+0092) come out as the apostrophe.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffSnapshots, type SnapshotDiff } from '../../functions/core/diff.ts';
import { SourceFormatError } from '../../functions/core/errors.ts';
import { contentHash } from '../../functions/core/records.ts';
import { euFsf } from '../../functions/sources/eu-fsf.ts';
import { fileDocument } from '../../functions/sources/read/document.ts';
import type { RegisterSource } from '../../functions/sources/types.ts';
import { unScConsolidated } from '../../functions/sources/un-sc-consolidated.ts';
import { usOfacSdn } from '../../functions/sources/us-ofac-sdn.ts';
import { usTradeCsl } from '../../functions/sources/us-trade-csl.ts';
import { parseWith } from '../helpers/parse.ts';
import { realFixture } from '../real-fixtures.ts';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tradewatch-strict-text-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A temporary copy of a real file with `bytes` inserted right after the first `after`; returns its path and the offset. */
async function injected(fixture: string, after: string, bytes: Buffer): Promise<{ path: string; offset: number }> {
  const original = await readFile(realFixture(fixture));
  const at = original.indexOf(after);
  if (at < 0) throw new Error(`"${after}" not in ${fixture}`);
  const offset = at + Buffer.byteLength(after);
  const name = fixture.split('/').pop()!;
  const path = join(dir, name);
  await writeFile(path, Buffer.concat([original.subarray(0, offset), bytes, original.subarray(offset)]));
  return { path, offset };
}

async function refusal(source: RegisterSource, path: string): Promise<SourceFormatError> {
  try {
    await parseWith(source, fileDocument(path));
  } catch (error) {
    expect(error).toBeInstanceOf(SourceFormatError);
    return error as SourceFormatError;
  }
  throw new Error(`${path} was accepted`);
}

/** The new file diffed against the real one, as a run would, with the parse context's warnings. */
async function diffAgainstOriginal(
  source: RegisterSource,
  fixture: string,
  path: string,
): Promise<{ diff: SnapshotDiff; warnings: string[] }> {
  const before = await parseWith(source, fileDocument(realFixture(fixture)));
  const previous = new Map(before.records.map((r) => [r.id, contentHash(r)]));
  const after = await parseWith(source, fileDocument(path));
  const warnings = [...after.warnings];
  const diff = await diffSnapshots(previous, after.records, async () => new Map(), {
    warn: (message) => warnings.push(message),
  });
  return { diff, warnings };
}

describe('invalid UTF-8 in a real register', () => {
  it('UN consolidated XML: refused, naming the file and the byte offset', async () => {
    const { path, offset } = await injected('un/consolidated.2018-06-07.xml', '<FIRST_NAME>CHANG', Buffer.from([0xff]));
    const error = await refusal(unScConsolidated, path);
    expect(error.message).toBe(
      `un-sc-consolidated: parse: consolidated.2018-06-07.xml: not valid UTF-8 at byte ${offset} (ff 3c 2f 46): the file is damaged or in another encoding`,
    );
  });

  it('EU FSF XML: a UTF-8 lead byte without its continuation is refused at its offset', async () => {
    const { path, offset } = await injected(
      'eu-fsf/sample_eu.2020-04-15.trimmed-7-entities.xml',
      'wholeName="Abid Ham',
      Buffer.from([0xc3]),
    );
    const error = await refusal(euFsf, path);
    expect(error.message).toContain(
      `sample_eu.2020-04-15.trimmed-7-entities.xml: not valid UTF-8 at byte ${offset} (c3 6d`,
    );
  });

  it('OFAC SDN XML: refused instead of a U+FFFD in the name', async () => {
    const { path, offset } = await injected(
      'ofac-sdn/sdn.2020-04-22.trimmed-8-entries.xml',
      '<lastName>SAE',
      Buffer.from([0xe2, 0x28, 0xa1]),
    );
    const error = await refusal(usOfacSdn, path);
    expect(error.message).toContain(`not valid UTF-8 at byte ${offset} (e2 28 a1`);
  });
});

describe('control characters in a real register', () => {
  it('OFAC SDN CSV: a NUL and an ANSI colour in a name are no change, and the warning names the record', async () => {
    const fixture = 'ofac-sdn/sdn.2022-02-24.csv';
    const { path } = await injected(fixture, '36,"AEROCARIBBEAN', Buffer.from('\u0000\u001b[31m'));
    const { diff, warnings } = await diffAgainstOriginal(usOfacSdn, fixture, path);
    expect(diff.changes).toEqual([]);
    expect(warnings).toContain('record 36 ("AEROCARIBBEAN AIRLINES"): control characters removed from name');
  });

  it('OFAC SDN XML: DEL inside a last name is no change either', async () => {
    const fixture = 'ofac-sdn/sdn.2020-04-22.trimmed-8-entries.xml';
    const { path } = await injected(fixture, '<lastName>SAE', Buffer.from([0x7f]));
    const { diff, warnings } = await diffAgainstOriginal(usOfacSdn, fixture, path);
    expect(diff.changes).toEqual([]);
    const control = warnings.filter((w) => w.includes('control characters'));
    expect(control).toHaveLength(1);
    expect(control[0]).toMatch(/^record \d+ \("[^"]*SAEED[^"]*"\): control characters removed from name/);
  });
});

describe('the CSL as published (2022-05-16)', () => {
  it('reads its U+0092 bytes as apostrophes, with a warning naming each of the three records', async () => {
    const { records } = await parseWith(usTradeCsl, fileDocument(realFixture('csl/consolidated.2022-05-16.csv')));
    const warnings: string[] = [];
    const diff = await diffSnapshots(new Map(), records, async () => new Map(), {
      warn: (message) => warnings.push(message),
    });
    const repaired = warnings.map((w) => /^record \S+ \("(.*)"\): control characters removed from name$/.exec(w)?.[1]);
    expect(repaired.sort()).toEqual([
      'CAST Xi\u2019an Spaceflight Engine Factory',
      'XAIC Tech (Xi\u2019an) Industrial Co., Ltd.',
      'Xi\u2019an Xae Flying Aviation Manufacturing Technology Co., Ltd.',
    ]);
    expect(diff.changes.some((c) => CONTROL.test(JSON.stringify(c.after)))).toBe(false);
  });
});
