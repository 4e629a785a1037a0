import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { cleanText, contentHash, type RegisterRecord } from '../../functions/core/records.ts';
import { bufferDocument, collectRecords, fileDocument } from '../../functions/sources/read/document.ts';
import { streamXmlElements, type XmlElement } from '../../functions/sources/read/xml-stream.ts';
import { unScConsolidated } from '../../functions/sources/un-sc-consolidated.ts';
import { realFixture } from '../real-fixtures.ts';

const path = (name: string): string => realFixture(`un/${name}`);

interface Parsed {
  records: RegisterRecord[];
  warnings: string[];
}

const cache = new Map<string, Promise<Parsed>>();

function parse(name: string): Promise<Parsed> {
  let parsed = cache.get(name);
  if (!parsed) {
    const warnings: string[] = [];
    parsed = collectRecords(
      unScConsolidated,
      { main: fileDocument(path(name)), companions: new Map() },
      { sourceId: unScConsolidated.id, warn: (m) => warnings.push(m) },
    ).then((records) => ({ records, warnings }));
    cache.set(name, parsed);
  }
  return parsed;
}

async function record(name: string, id: string): Promise<RegisterRecord> {
  const found = (await parse(name)).records.find((r) => r.id === id);
  if (!found) throw new Error(`${id} not in ${name}`);
  return found;
}

/**
 * The content of an entry as the XML holds it, independent of the parser under test: every text
 * with whitespace runs collapsed, empty elements dropped, sibling order ignored. The elements that
 * are empty or constant in every file (SORT_KEY, SORT_KEY_LAST_MOD, VERSIONNUM, LIST_TYPE) are left out.
 */
const CONSTANT = new Set(['SORT_KEY', 'SORT_KEY_LAST_MOD', 'VERSIONNUM', 'LIST_TYPE']);
function rawContent(element: XmlElement): string {
  if (CONSTANT.has(element.name)) return '';
  const children = element.children
    .map(rawContent)
    .filter((c) => c.length > 0)
    .sort();
  const text = cleanText(element.text);
  if (!text && children.length === 0) return '';
  return `${element.name}(${text}|${children.join(',')})`;
}

async function rawEntries(name: string): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
  const events = streamXmlElements(createReadStream(path(name)), {
    sourceId: 'test',
    fileName: name,
    recordElements: new Set(['INDIVIDUAL', 'ENTITY']),
    rootElements: new Set(['CONSOLIDATED_LIST']),
  });
  for await (const { element } of events) {
    entries.set(cleanText(element.children.find((c) => c.name === 'DATAID')?.text), rawContent(element));
  }
  return entries;
}

interface Comparison {
  common: number;
  added: number;
  removed: number;
  /** Common entries whose XML content is the same / whose content hash is the same. */
  rawEqual: number;
  hashEqual: number;
  /** Entries unchanged in the XML but with a different hash: the layout leaking into records. */
  unchangedButHashDiffers: string[];
  /** Entries changed in the XML but with the same hash: a change the records lose. */
  changedButHashEqual: string[];
}

async function compare(before: string, after: string): Promise<Comparison> {
  const [rawA, rawB, a, b] = await Promise.all([rawEntries(before), rawEntries(after), parse(before), parse(after)]);
  const hashA = new Map(a.records.map((r) => [r.id, contentHash(r)]));
  const hashB = new Map(b.records.map((r) => [r.id, contentHash(r)]));
  const result: Comparison = {
    common: 0,
    added: 0,
    removed: 0,
    rawEqual: 0,
    hashEqual: 0,
    unchangedButHashDiffers: [],
    changedButHashEqual: [],
  };
  for (const [id, content] of rawA) {
    if (!rawB.has(id)) {
      result.removed++;
      continue;
    }
    result.common++;
    const sameRaw = content === rawB.get(id);
    const sameHash = hashA.get(id) === hashB.get(id);
    if (sameRaw) result.rawEqual++;
    if (sameHash) result.hashEqual++;
    if (sameRaw && !sameHash) result.unchangedButHashDiffers.push(id);
    if (!sameRaw && sameHash) result.changedButHashEqual.push(id);
  }
  result.added = [...rawB.keys()].filter((id) => !rawA.has(id)).length;
  return result;
}

const FILES: [string, number, number][] = [
  ['consolidated.2018-06-07.xml', 693, 405],
  ['consolidated.2018-06-21.xml', 695, 405],
  ['consolidated.2018-08-24.xml', 701, 397],
  ['consolidated.2018-10-29.xml', 703, 390],
  ['consolidated.2022-09-15.xml', 699, 253],
  ['UN_consolidated.2026-02-27.xml', 730, 273],
];

describe('unScConsolidated on the published files', () => {
  it.each(FILES)(
    'reads every INDIVIDUAL and ENTITY of %s (%i + %i) without a warning',
    async (name, individuals, entities) => {
      const { records, warnings } = await parse(name);

      expect(records.filter((r) => r.kind === 'person')).toHaveLength(individuals);
      expect(records.filter((r) => r.kind === 'organization')).toHaveLength(entities);
      expect(new Set(records.map((r) => r.id)).size).toBe(records.length);
      expect(warnings).toEqual([]);
    },
  );

  it.each(FILES)('keeps every record of %s inside the declared bounds and with ISO country codes', async (name) => {
    const { records } = await parse(name);

    expect(records.length).toBeGreaterThanOrEqual(unScConsolidated.expectedRecords.min);
    expect(records.length).toBeLessThanOrEqual(unScConsolidated.expectedRecords.max);
    for (const r of records) {
      expect(r.countries.every((c) => /^[A-Z]{2}$/.test(c))).toBe(true);
      expect(r.listedOn ?? '2000-01-01').toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  describe('known entries', () => {
    it('reads a DPRK individual of 2022 (compact layout, padded names, a passport)', async () => {
      expect(await record('consolidated.2022-09-15.xml', '6908555')).toEqual({
        id: '6908555',
        source: 'un-sc-consolidated',
        list: 'UN DPRK',
        kind: 'person',
        name: 'RI WON HO',
        aliases: [],
        countries: ['KP'],
        addresses: [],
        programs: ['DPRK'],
        links: [],
        extra: {
          referenceNumber: 'KPi.033',
          designations: ['DPRK Ministry of State Security Official'],
          nationalities: ["Democratic People's Republic of Korea"],
          datesOfBirth: ['1964-07-17'],
          documents: ['Passport: 381310014'],
        },
        listedOn: '2016-11-30',
        remarks: 'Ri Won Ho is a DPRK Ministry of State Security Official stationed in Syria supporting KOMID.',
      });
    });

    it('reads an Al-Qaida individual of 2018 with four name parts, low-quality aliases and the Arabic name', async () => {
      const r = await record('consolidated.2018-06-07.xml', '6908576');

      expect(r).toMatchObject({
        name: 'IYAD NAZMI SALIH KHALIL',
        list: 'UN Al-Qaida',
        programs: ['Al-Qaida'],
        countries: ['JO', 'SY'],
        listedOn: '2017-02-22',
      });
      expect(r.aliases).toContain('Abu-Julaybib al-Urduni');
      expect(r.aliases).toContain('إياد نظمي صالح خليل');
      expect(r.extra.lowQualityAliases).toContain('Iyad al-Tubasi');
      expect(r.extra.referenceNumber).toBe('QDi.400');
    });

    it('reads an individual with two nationalities and four addresses with notes', async () => {
      const r = await record('consolidated.2022-09-15.xml', '6908858');

      expect(r.countries).toEqual(['TT', 'US']);
      expect(r.addresses).toHaveLength(4);
      expect(r.addresses[1]).toBe(
        '#12 Rio Claro Mayaro Road, Rio Claro, Trinidad and Tobago (previous location 2008-March 2015)',
      );
      expect(r.extra.documents).toContain(
        'Passport: TB162181; issuing country Trinidad and Tobago; issued on 27 January 2015, expired 26 January 2020',
      );
    });

    it('reads a DRC individual of 2026 (one element per line) with its aliases and address note', async () => {
      const r = await record('UN_consolidated.2026-02-27.xml', '6907994');

      expect(r).toMatchObject({
        name: 'FRANK KAKOLELE BWAMBALE',
        list: 'UN DR Congo',
        aliases: ['FRANK KAKORERE', 'FRANK KAKORERE BWAMBALE', 'AIGLE BLANC'],
        countries: ['CD'],
        addresses: ['Kinshasa, Democratic Republic of the Congo (as of June 2016)'],
        extra: {
          referenceNumber: 'CDi.002',
          designations: ['FARDC General'],
          gender: 'Male',
          lastUpdated: ['2016-10-13'],
        },
      });
      expect(r.remarks).toMatch(
        /^Left the CNDP in January 2008\. As of June 2011, resides in Kinshasa\. Since 2010, Kakolele/,
      );
    });

    it('reads an entity with a.k.a. and f.k.a. names', async () => {
      const r = await record('UN_consolidated.2026-02-27.xml', '6908402');

      expect(r).toMatchObject({
        kind: 'organization',
        name: 'ADF',
        countries: ['CD'],
        addresses: ['North Kivu, Democratic Republic of the Congo'],
      });
      expect(r.aliases).toEqual([
        'Allied Democratic Forces',
        'Forces Démocratiques Alliées-Armée Nationale de Libération de l’Ouganda',
        'ADF/NALU',
        'NALU',
      ]);
      expect(r.extra.formerNames).toEqual([
        'Forces Démocratiques Alliées-Armée Nationale de Libération de l’Ouganda',
        'ADF/NALU',
        'NALU',
      ]);
      expect(r.extra.lastUpdated).toEqual(['2016-10-19', '2020-08-19']);
    });

    it('reads the ten LISTED_ON dates written with a zone as plain dates', async () => {
      expect((await record('UN_consolidated.2026-02-27.xml', '6908455')).listedOn).toBe('2015-04-14');
      expect((await record('consolidated.2022-09-15.xml', '6908451')).listedOn).toBe('2015-03-27');
    });
  });

  describe('versions compared record by record', () => {
    it('finds nothing changed between two 2018 publications that amended no entry', async () => {
      const c = await compare('consolidated.2018-06-07.xml', 'consolidated.2018-06-21.xml');

      expect(c).toMatchObject({ common: 1098, added: 2, removed: 0, rawEqual: 1098, hashEqual: 1098 });
    });

    it.each([
      ['consolidated.2018-06-21.xml', 'consolidated.2018-08-24.xml', 6, 8, 14],
      ['consolidated.2018-08-24.xml', 'consolidated.2018-10-29.xml', 3, 8, 9],
      ['consolidated.2018-10-29.xml', 'consolidated.2022-09-15.xml', 45, 186, 626],
    ])(
      'finds exactly the entries amended in the XML between %s and %s',
      async (before, after, added, removed, amended) => {
        const c = await compare(before, after);

        expect([c.added, c.removed, c.common - c.hashEqual]).toEqual([added, removed, amended]);
        expect(c.unchangedButHashDiffers).toEqual([]);
        expect(c.changedButHashEqual).toEqual([]);
      },
    );

    // SOURCES.md counts ~852 changed entries from 2022-09-15 to 2026-02-27 comparing the raw XML,
    // which sees the layout change (empty elements left out, one element per line). Compared as
    // records, 650 of the 928 common entries differ, and each of them differs in the XML content too:
    // 291 carry a new LAST_DAY_UPDATED (amended by the UN), 250 differ only by the UN's edit of the
    // INTERPOL boilerplate "web link: https" → "web link:https" (a deleted space inside a text, which
    // whitespace collapsing cannot undo), and 109 have other edits (a removed INTERPOL link, a dropped
    // original-script name, a corrected address). The 278 entries whose content is unchanged all keep
    // their hash: the layout change counts for nothing.
    it('gives the same hash to every entry unchanged in substance across the 2022 → 2026 layout change', async () => {
      const c = await compare('consolidated.2022-09-15.xml', 'UN_consolidated.2026-02-27.xml');

      expect(c).toMatchObject({ common: 928, added: 75, removed: 24 });
      expect(c.unchangedButHashDiffers).toEqual([]);
      expect(c.changedButHashEqual).toEqual([]);
      expect(c.rawEqual).toBe(278);
      expect(c.hashEqual).toBe(278);
      // The bound: never more differing records than entries whose XML content changed.
      expect(c.common - c.hashEqual).toBeLessThanOrEqual(c.common - c.rawEqual);
      expect(c.common - c.hashEqual).toBe(650);
    });
  });

  describe('refused documents', () => {
    it('refuses the 2026 file cut in the middle', async () => {
      const whole = await readFile(path('UN_consolidated.2026-02-27.xml'));
      const cut = bufferDocument('consolidated.xml', whole.subarray(0, Math.floor(whole.length / 2)));

      await expect(
        collectRecords(
          unScConsolidated,
          { main: cut, companions: new Map() },
          { sourceId: unScConsolidated.id, warn: () => undefined },
        ),
      ).rejects.toThrow(/^un-sc-consolidated: parse: consolidated\.xml: malformed XML/);
    });
  });
});
