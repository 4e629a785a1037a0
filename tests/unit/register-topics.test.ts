import { describe, expect, it } from 'vitest';
import { buildChangeEvent, messageAttributes, type ChangeEvent } from '../../functions/core/events.ts';
import { canonicalRecord, contentHash, type RegisterRecord } from '../../functions/core/records.ts';
import { registerRecordTopics } from '../../functions/core/register-topics.ts';
import { fileDocument } from '../../functions/sources/read/document.ts';
import { findSource, sourcesFor } from '../../functions/sources/registry.ts';
import type { RegisterSource } from '../../functions/sources/types.ts';
import { registerRecord } from '../helpers/change-events.ts';
import { parseWith } from '../helpers/parse.ts';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

// As the SDN parsers read OFAC's entry for SMIC.
const smic = registerRecord({
  id: '32091',
  source: 'us-ofac-sdn',
  list: 'SDN',
  name: 'SEMICONDUCTOR MANUFACTURING INTERNATIONAL CORPORATION',
  aliases: ['SMIC'],
  countries: ['CN'],
  programs: ['CMIC-EO13959'],
});

function added(source: RegisterSource, record: RegisterRecord): ChangeEvent {
  const change = { type: 'added' as const, id: record.id, name: record.name, list: record.list, after: record };
  return buildChangeEvent(source, { ...change, newHash: contentHash(record) }, 'base@test', '2026-12-03T00:00:00Z');
}

const topicsAttribute = (event: ChangeEvent): string[] =>
  JSON.parse(messageAttributes(event).topics?.StringValue ?? '[]') as string[];

describe('topics of register changes', () => {
  it('gives an SDN record of SMIC in CN semiconductors and china on its event, none in the stored record', () => {
    const hash = contentHash(smic);
    const event = added(findSource('us-ofac-sdn')!, smic);

    expect(topicsAttribute(event)).toEqual(['china', 'sanctions', 'semiconductors']);
    expect(event.data.topics).toEqual(['china', 'sanctions', 'semiconductors']);
    // What is stored: the record as parsed, its hash unchanged by the event.
    expect(event.data.record).toBe(smic);
    expect(smic.topics).toBeUndefined();
    expect(canonicalRecord(smic)).not.toContain('semiconductors');
    expect(contentHash(smic)).toBe(hash);
  });

  it('gives each list of the CSL its own topics, and a removal the topics of the record as it was', () => {
    const csl = findSource('us-trade-csl')!;
    const entity = registerRecord({
      id: 'EL:1',
      source: 'us-trade-csl',
      list: 'Entity List',
      name: 'Kestrov Optics',
      countries: ['RU'],
    });
    const ssi = registerRecord({
      id: 'SSI:1',
      source: 'us-trade-csl',
      list: 'Sectoral Sanctions Identifications List',
      name: 'Kestrov Bank',
    });
    expect(topicsAttribute(added(csl, entity))).toEqual(['entity-list', 'export-controls', 'russia']);
    expect(topicsAttribute(added(csl, ssi))).toEqual(['sanctions']);
    const removal = buildChangeEvent(
      csl,
      {
        type: 'removed',
        id: entity.id,
        name: entity.name,
        list: entity.list,
        oldHash: contentHash(entity),
        before: entity,
      },
      'base@test',
      '2026-12-03T00:00:00Z',
    );
    expect(topicsAttribute(removal)).toEqual(['entity-list', 'export-controls', 'russia']);
  });

  it('gives every registered register topics of its own', () => {
    const registers = sourcesFor({}).filter((source) => source.kind === 'register');
    expect(registers.length).toBeGreaterThan(10);
    for (const source of registers) {
      const own = [...(source.topics ?? []), ...Object.values(source.listTopics ?? {}).flat()];
      expect(own, source.id).not.toEqual([]);
    }
  });

  it('changes no record hash when the topic rules change, only the topics of the events', async () => {
    const config = { topics: [{ topic: 'foundry', keywords: ['manufacturing international'] }] };
    const plain = findSource('tw-shtc-entity-list')!;
    const configured = findSource('tw-shtc-entity-list', config)!;
    const document = () => fileDocument(join(root, 'tests/fixtures/tw-shtc/SHTCEntityList.csv'));
    const before = (await parseWith(plain, document())).records;
    const after = (await parseWith(configured, document())).records;

    expect(after.map(contentHash)).toEqual(before.map(contentHash));
    const record = before.find((r) => r.name.startsWith('Semiconductor Manufacturing International'))!;
    expect(topicsAttribute(added(plain, record))).not.toContain('foundry');
    expect(topicsAttribute(added(configured, record))).toContain('foundry');
    expect(registerRecordTopics({ topics: ['x'] }, record)).toEqual(['china', 'entity-list', 'semiconductors', 'x']);
  });
});
