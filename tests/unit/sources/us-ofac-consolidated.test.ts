import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { byId, parseWith, type Parsed } from '../../helpers/parse.ts';
import { SourceFormatError } from '../../../functions/core/errors.ts';
import { contentHash, type RegisterRecord } from '../../../functions/core/records.ts';
import {
  bufferDocument,
  companionsBeside,
  detectFormat,
  fileDocument,
} from '../../../functions/sources/read/document.ts';
import {
  consolidatedListFromCodes,
  consolidatedListFromPrograms,
} from '../../../functions/sources/formats/ofac-common.ts';
import type { SourceDocument } from '../../../functions/sources/types.ts';
import { usOfacConsolidated } from '../../../functions/sources/us-ofac-consolidated.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const fixture = (version: number, file: string) =>
  join(root, 'tests/fixtures/ofac/consolidated', String(version), file);
const COMPANIONS = ['cons_add.csv', 'cons_alt.csv', 'cons_comments.csv'];
const LAYOUTS = ['cons_prim.csv', 'consolidated.xml', 'CONS_ENHANCED.XML'] as const;

const parse = (main: SourceDocument, companions?: ReadonlyMap<string, SourceDocument>): Promise<Parsed> =>
  parseWith(usOfacConsolidated, main, companions);

async function parseLayout(version: number, file: (typeof LAYOUTS)[number]): Promise<Parsed> {
  const path = fixture(version, file);
  return parse(fileDocument(path), file.endsWith('.csv') ? await companionsBeside(path, COMPANIONS) : new Map());
}

function coreFields(record: RegisterRecord) {
  return {
    id: record.id,
    list: record.list,
    kind: record.kind,
    name: record.name,
    aliases: [...record.aliases].sort(),
    countries: [...record.countries].sort(),
    addresses: [...record.addresses].sort(),
    programs: [...record.programs].sort(),
  };
}

async function expectFormatError(run: Promise<unknown>, pattern: RegExp): Promise<void> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SourceFormatError);
  expect((error as SourceFormatError).sourceId).toBe('us-ofac-consolidated');
  expect((error as SourceFormatError).message).toMatch(/^us-ofac-consolidated: parse: /);
  expect((error as SourceFormatError).message).toMatch(pattern);
}

const EXPECTED_LISTS = {
  '20001': 'SSI',
  '20002': 'NS-PLC',
  '20003': 'NS-CMIC',
  '20004': 'NS-MBS',
  '20005': 'SSI',
  '20006': 'FSE',
  '20007': 'SSI',
  '20008': 'CAPTA',
};

describe('usOfacConsolidated', () => {
  it('names the Sanctions List Service exports, CONS_ENHANCED.XML first, each with a format it parses', () => {
    const formatIds = usOfacConsolidated.formats.map((format) => format.id);
    expect(usOfacConsolidated.downloads[0]!.url).toBe(
      'https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/CONS_ENHANCED.XML',
    );
    for (const download of usOfacConsolidated.downloads) expect(formatIds).toContain(download.format);
    const csv = usOfacConsolidated.downloads.find((download) => download.format === 'ofac-legacy-csv')!;
    expect(csv.url).toMatch(/\/CONS_PRIM\.CSV$/);
    expect(Object.keys(csv.companions ?? {}).sort()).toEqual(COMPANIONS);
  });

  it('tolerates the large legitimate drops the list has had, and polls every few minutes', () => {
    expect(usOfacConsolidated.schedule).toBe('rate(5 minutes)');
    expect(usOfacConsolidated.expectedRecords.maxDropFraction).toBeGreaterThanOrEqual(0.42); // 264 of 639 in November 2018
    expect(usOfacConsolidated.expectedRecords.min).toBeLessThan(375);
    expect(usOfacConsolidated.expectedRecords.max).toBeGreaterThan(640);
  });
});

describe('consolidated list of an entry', () => {
  it('is derived from the programs in the legacy layouts, by precedence', () => {
    expect(consolidatedListFromPrograms(['UKRAINE-EO13662'])).toBe('SSI');
    expect(consolidatedListFromPrograms(['RUSSIA-EO14024', 'UKRAINE-EO13662'])).toBe('SSI');
    expect(consolidatedListFromPrograms(['SDGT', 'NS-PLC'])).toBe('NS-PLC');
    expect(consolidatedListFromPrograms(['CMIC-EO13959'])).toBe('NS-CMIC');
    expect(consolidatedListFromPrograms(['SYRIA', 'FSE-SY'])).toBe('FSE');
    expect(consolidatedListFromPrograms(['561List'])).toBe('CAPTA');
    expect(consolidatedListFromPrograms(['561-Related'])).toBe('CAPTA');
    expect(consolidatedListFromPrograms(['IRAN'])).toBe('EO13599');
    expect(consolidatedListFromPrograms(['CAATSA - RUSSIA'])).toBe('NS-MBS');
    expect(consolidatedListFromPrograms(['SDGT'])).toBeUndefined();
  });

  it('is taken from ENHANCED sanctionsLists by the same precedence, SDN never chosen', () => {
    expect(consolidatedListFromCodes(['SDN', 'SSI'])).toBe('SSI');
    expect(consolidatedListFromCodes(['NS-MBS', 'SSI'])).toBe('SSI');
    expect(consolidatedListFromCodes(['SDN', 'A NEW LIST'])).toBe('A NEW LIST');
    expect(consolidatedListFromCodes(['SDN'])).toBeUndefined();
  });

  it('comes out the same from all three layouts', async () => {
    for (const layout of LAYOUTS) {
      const { records, warnings } = await parseLayout(1, layout);

      expect(warnings).toEqual([]);
      expect(Object.fromEntries(records.map((r) => [r.id, r.list]))).toEqual(EXPECTED_LISTS);
    }
  });
});

describe('usOfacConsolidated layouts', () => {
  it('give each entry the same id, list, name, aliases, countries, addresses and programs', async () => {
    for (const version of [1, 2]) {
      const [csv, xml, enhanced] = await Promise.all(LAYOUTS.map((layout) => parseLayout(version, layout)));

      expect(xml!.records.map(coreFields)).toEqual(csv!.records.map(coreFields));
      expect(enhanced!.records.map(coreFields)).toEqual(csv!.records.map(coreFields));
    }
  });

  it('reads cons_prim.csv with its own companions (cons_add.csv, cons_alt.csv), not the SDN ones', async () => {
    const { records } = await parseLayout(1, 'cons_prim.csv');

    expect(byId(records).get('20001')).toEqual({
      id: '20001',
      source: 'us-ofac-consolidated',
      list: 'SSI',
      kind: 'organization',
      name: 'EXAMPLE ENERGY PJSC',
      aliases: ['EXAMPLE ENERGY', 'EXAMPLE ENERGY OAO'],
      countries: ['RU'],
      addresses: ['ul. Neftyanaya 3, Moscow 115035, Russia'],
      programs: ['UKRAINE-EO13662'],
      links: [],
      extra: { formerlyKnownAs: ['EXAMPLE ENERGY OAO'] },
      remarks:
        'Tax ID No. 7700000101 (Russia); Executive Order 13662 Directive Determination - Subject to Directive 2.',
    });
    const sdnNamed = await parse(
      fileDocument(fixture(1, 'cons_prim.csv')),
      new Map([['add.csv', fileDocument(fixture(1, 'cons_add.csv'))]]),
    );
    expect(byId(sdnNamed.records).get('20001')!.addresses).toEqual([]);
  });

  it('reads every list an ENHANCED entity is on, and the date it was listed on its own list', async () => {
    const records = byId((await parseLayout(1, 'CONS_ENHANCED.XML')).records);

    expect(records.get('20005')!.extra.lists).toEqual(['SSI', 'NS-MBS']);
    expect(records.get('20005')!.listedOn).toBe('2014-07-29');
    expect(records.get('20007')!.extra.lists).toEqual(['SDN', 'SSI']);
    expect(records.get('20007')!.listedOn).toBe('2017-12-20');
    expect(records.get('20003')!.extra.otherScriptNames).toEqual(['示例科技有限公司']);
    expect(records.get('20006')!.countries).toEqual(['TR']);
    expect(records.get('20006')!.extra.ids).toEqual(['Passport U00000001 (Turkey)']);
  });

  it('reports version 2 as one listing added, one removed and one address changed, in every layout', async () => {
    for (const layout of LAYOUTS) {
      const [v1, v2] = [await parseLayout(1, layout), await parseLayout(2, layout)];
      const old = new Map(v1.records.map((r) => [r.id, contentHash(r)]));
      const now = new Map(v2.records.map((r) => [r.id, contentHash(r)]));

      expect([...now.keys()].filter((id) => !old.has(id))).toEqual(['20009']);
      expect([...old.keys()].filter((id) => !now.has(id))).toEqual(['20006']);
      expect([...now.keys()].filter((id) => old.has(id) && old.get(id) !== now.get(id))).toEqual(['20001']);
      expect(byId(v2.records).get('20001')!.addresses).toEqual(['Naberezhnaya Primernaya 12, Moscow 123112, Russia']);
    }
  });

  it('reads CONS_ENHANCED.ZIP into the same records as CONS_ENHANCED.XML', async () => {
    const xml = readFileSync(fixture(1, 'CONS_ENHANCED.XML'));
    const zip = Buffer.from(zipSync({ 'CONS_ENHANCED.XML': xml }));

    const [plain, zipped] = [
      await parseLayout(1, 'CONS_ENHANCED.XML'),
      await parse(bufferDocument('CONS_ENHANCED.ZIP', zip)),
    ];

    expect((await detectFormat(usOfacConsolidated, bufferDocument('CONS_ENHANCED.ZIP', zip))).id).toBe(
      'ofac-enhanced-xml',
    );
    expect(zipped.records).toEqual(plain.records);
  });

  it('keeps entries whose programs name no known list under "Consolidated List", warning once per program set', async () => {
    const xml = readFileSync(fixture(2, 'consolidated.xml'), 'utf8').replaceAll(
      '<program>CMIC-EO13959</program>',
      '<program>NEW-PROGRAM-EO99999</program>',
    );

    const { records, warnings } = await parse(bufferDocument('consolidated.xml', xml));

    expect(byId(records).get('20003')!.list).toBe('Consolidated List');
    expect(byId(records).get('20009')!.list).toBe('Consolidated List');
    expect(warnings).toEqual(['consolidated.xml: entry 20003: no known non-SDN list for programs NEW-PROGRAM-EO99999']);
  });

  it('keeps an ENHANCED list name it does not know as OFAC writes it, with a warning', async () => {
    const xml = readFileSync(fixture(1, 'CONS_ENHANCED.XML'), 'utf8').replace(
      />Non-SDN CMIC List</g,
      '>Non-SDN Example List<',
    );

    const { records, warnings } = await parse(bufferDocument('CONS_ENHANCED.XML', xml));

    expect(byId(records).get('20003')!.list).toBe('Non-SDN Example List');
    expect(warnings).toEqual([
      'CONS_ENHANCED.XML: entity 20003 is on a list this parser does not know: "Non-SDN Example List"',
    ]);
  });

  it('refuses truncated files, an empty download and an HTML page, naming the source', async () => {
    const enhanced = readFileSync(fixture(1, 'CONS_ENHANCED.XML'), 'utf8');
    const xml = readFileSync(fixture(1, 'consolidated.xml'), 'utf8');
    const csv = readFileSync(fixture(1, 'cons_prim.csv'));

    await expectFormatError(
      parse(bufferDocument('CONS_ENHANCED.XML', enhanced.slice(0, enhanced.lastIndexOf('</entity>')))),
      /CONS_ENHANCED\.XML: malformed XML/,
    );
    await expectFormatError(
      parse(bufferDocument('consolidated.xml', xml.slice(0, xml.length - 20))),
      /consolidated\.xml: malformed XML/,
    );
    await expectFormatError(
      parse(bufferDocument('cons_prim.csv', csv.subarray(0, csv.length - 30))),
      /cons_prim\.csv: (row 8 has|malformed CSV)/,
    );
    await expectFormatError(parse(bufferDocument('CONS_ENHANCED.XML', '')), /CONS_ENHANCED\.XML is empty/);
    await expectFormatError(
      parse(bufferDocument('CONS_ENHANCED.XML', '<html><body>Forbidden</body></html>')),
      /is an HTML page/,
    );
  });
});
