/**
 * SECO's format example (ch-seco/ in the real fixtures): an amendment list of three test targets in
 * SECO's own layout. No real list is reachable; the example shows the structure the parser reads.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { RegisterRecord } from '../../functions/core/records.ts';
import { chSeco, parseSecoList } from '../../functions/sources/ch-seco.ts';
import { fileDocument } from '../../functions/sources/read/document.ts';
import { parseWith } from '../helpers/parse.ts';
import { realFixture } from '../real-fixtures.ts';

const EXAMPLE = realFixture('ch-seco/seco.2024-01-17.example-amendment-3-targets.xml');

describe('chSeco on SECO’s format example', () => {
  it('refuses it when polled: it is an amendment list, not the whole list', async () => {
    await expect(parseWith(chSeco, fileDocument(EXAMPLE))).rejects.toThrow(/list-type "amendment"/);
  });

  it('reads its three targets with their two sanctions sets, nationalities and birth dates', async () => {
    const text = await readFile(EXAMPLE, 'utf8');
    const warnings: string[] = [];
    const records: RegisterRecord[] = [];
    for await (const record of parseSecoList(
      { main: fileDocument(EXAMPLE), companions: new Map() },
      { sourceId: chSeco.id, warn: (m) => warnings.push(m) },
      { readAmendment: true },
    ))
      records.push(record);

    expect(text.match(/<target /g)).toHaveLength(3);
    expect(warnings).toEqual([]);
    expect(records.map((r) => [r.id, r.name, r.countries.join(), r.extra.datesOfBirth])).toEqual([
      ['64398', 'Test B', 'GB', ['2025-12-31']],
      ['64403', 'Test C', 'US', ['2000-01-01']],
      ['64393', 'Test A', 'CH', ['1900-01-01']],
    ]);
    // Two sanctions-program elements share ssid 1000; Test A points at both of their sets.
    expect(records[2]!.programs).toEqual(['PPDM']);
    expect(records[2]!.extra.sanctionsSets).toEqual(['Financial measures, annex 2', 'Travel ban, annex 1']);
    expect(records[2]!.extra.origin).toEqual(['ONU, UE']);
    // `<modification modification-type="listed"/>` carries no date: the history says so, no listedOn.
    expect(records.map((r) => [r.extra.modifications, r.listedOn])).toEqual([
      [['listed'], undefined],
      [['listed'], undefined],
      [['listed'], undefined],
    ]);
  });
});
