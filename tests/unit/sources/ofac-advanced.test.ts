import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { byId, parseWith, type Parsed } from '../../helpers/parse.ts';
import { SourceFormatError } from '../../../functions/core/errors.ts';
import { bufferDocument, detectFormat, fileDocument } from '../../../functions/sources/read/document.ts';
import type { RegisterSource, SourceDocument } from '../../../functions/sources/types.ts';
import { usOfacConsolidated } from '../../../functions/sources/us-ofac-consolidated.ts';
import { usOfacSdn } from '../../../functions/sources/us-ofac-sdn.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const FIXTURE = join(root, 'tests/fixtures/ofac/advanced/cons_advanced.xml');
const text = readFileSync(FIXTURE, 'utf8');

const parse = (main: SourceDocument, source: RegisterSource = usOfacConsolidated): Promise<Parsed> =>
  parseWith(source, main);

async function formatError(run: Promise<unknown>): Promise<SourceFormatError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SourceFormatError);
  expect((error as SourceFormatError).sourceId).toBe('us-ofac-consolidated');
  expect((error as SourceFormatError).message).toMatch(/^us-ofac-consolidated: parse: /);
  return error as SourceFormatError;
}

describe('OFAC ADVANCED XML (sdn_advanced.xsd)', () => {
  it('is sniffed by both OFAC sources, and claimed by no other of their formats', async () => {
    for (const source of [usOfacConsolidated, usOfacSdn]) {
      const head = text.slice(0, 65_536);
      expect(
        source.formats.filter((format) => format.sniff(head, 'cons_advanced.xml')).map((format) => format.id),
      ).toEqual(['ofac-advanced-xml']);
      expect((await detectFormat(source, fileDocument(FIXTURE))).id).toBe('ofac-advanced-xml');
    }
    const other = readFileSync(join(root, 'tests/fixtures/ofac/consolidated/1/CONS_ENHANCED.XML'), 'latin1').slice(
      0,
      65_536,
    );
    const advanced = usOfacConsolidated.formats.find((format) => format.id === 'ofac-advanced-xml')!;
    expect(advanced.sniff(other, 'CONS_ENHANCED.XML')).toBe(false);
    expect(
      advanced.sniff(
        text.replace('xmlns="http://www.un.org/sanctions/1.0"', 'xmlns="http://example.org/other"'),
        'x.xml',
      ),
    ).toBe(false);
    expect(
      advanced.sniff(
        '<?xml version="1.0"?>\n<s:Sanctions xmlns:s="http://www.un.org/sanctions/1.0"><s:DateOfIssue/>',
        'x.xml',
      ),
    ).toBe(true);
    expect(
      advanced.sniff('<?xml version="1.0"?>\n<SanctionsData xmlns="http://www.un.org/sanctions/1.0">', 'x.xml'),
    ).toBe(false);
  });

  it('joins names, reference values, locations, documents, relationships and sanctions entries into records', async () => {
    const { records, warnings } = await parse(fileDocument(FIXTURE));

    expect(warnings).toEqual([]);
    expect(records.map((r) => [r.id, r.list, r.kind])).toEqual([
      ['30001', 'SSI', 'organization'],
      ['30002', 'NS-PLC', 'person'],
      ['30003', 'FSE', 'vessel'],
      ['30004', 'SSI', 'organization'],
    ]);
    const byUid = byId(records);
    expect(byUid.get('30001')).toEqual({
      id: '30001',
      source: 'us-ofac-consolidated',
      list: 'SSI',
      kind: 'organization',
      name: 'EXAMPLE OIL COMPANY',
      aliases: ['EXOIL', 'EXAMPLE OIL OAO'],
      countries: ['RU'],
      addresses: ['ul. Primernaya 5, Moscow 101000, Russia'],
      programs: ['UKRAINE-EO13662'],
      links: [],
      extra: {
        otherScriptNames: ['Примерная нефтяная компания'],
        weakAliases: ['EXOIL'],
        formerlyKnownAs: ['EXAMPLE OIL OAO'],
        ids: [
          'Registration ID 1027700000001 (Russia) issued 01 Mar 2010',
          'Executive Order 13662 Directive Determination - Subject to Directive 2',
          'Website www.example-oil.test',
        ],
        lists: ['SSI'],
      },
      // The SSI entry's date, not the later one of the umbrella "Consolidated List".
      listedOn: '2014-09-12',
      remarks: 'For more information on directives, please visit the following link: http://example.test/directives.',
    });
    expect(byUid.get('30002')).toMatchObject({
      name: 'EXAMPLE, Ahmad Test',
      aliases: ['EXAMPLI, Ahmed'],
      // "Region: Gaza" as the legacy layouts write a region without a country; citizenship Switzerland.
      countries: ['PS', 'CH'],
      addresses: ['Example City, Region: Gaza'],
      programs: ['NS-PLC'],
      listedOn: '2006-04-12',
      extra: {
        ids: ['Passport X0000001 (Switzerland)', 'Gender Male'],
        datesOfBirth: ['1962', 'circa 1960'],
        placesOfBirth: ['Gaza'],
      },
    });
    expect(byUid.get('30003')).toMatchObject({
      name: 'EXAMPLE STAR',
      programs: ['FSE-SY'],
      extra: { vesselType: 'Crude Oil Tanker', callSign: 'ABCD1', lists: ['FSE'] },
    });
    expect(byUid.get('30004')).toMatchObject({
      remarks: '(Linked To: EXAMPLE OIL COMPANY)',
      listedOn: '2018-01-29',
      extra: { lists: ['SDN', 'SSI'] },
    });
  });

  it('gives the SDN source the list SDN and the date of the SDN List entry', async () => {
    const { records } = await parse(fileDocument(FIXTURE), usOfacSdn);

    expect(records.map((r) => r.list)).toEqual(['SDN', 'SDN', 'SDN', 'SDN']);
    expect(byId(records).get('30004')!.listedOn).toBe('2017-12-20');
    expect(byId(records).get('30001')!.listedOn).toBeUndefined();
  });

  it('reads CONS_ADVANCED.ZIP into the same records as the XML', async () => {
    const zip = Buffer.from(zipSync({ 'CONS_ADVANCED.XML': Buffer.from(text) }));

    expect((await detectFormat(usOfacConsolidated, bufferDocument('CONS_ADVANCED.ZIP', zip))).id).toBe(
      'ofac-advanced-xml',
    );
    expect((await parse(bufferDocument('CONS_ADVANCED.ZIP', zip))).records).toEqual(
      (await parse(fileDocument(FIXTURE))).records,
    );
  });

  it('keeps a list name it does not know as OFAC writes it, with a warning', async () => {
    const { records, warnings } = await parse(
      bufferDocument('cons_advanced.xml', text.replace('>FSE List<', '>Non-SDN Example List<')),
    );

    expect(byId(records).get('30003')!.list).toBe('Non-SDN Example List');
    expect(warnings).toEqual([
      'cons_advanced.xml: entity 30003 is on a list this parser does not know: "Non-SDN Example List"',
    ]);
  });

  it('refuses a file cut short anywhere, and malformed XML, naming the source', async () => {
    for (const end of ['</DistinctParties>', '</SanctionsEntry>', '</Sanctions>']) {
      const cut = text.slice(0, text.lastIndexOf(end));
      expect((await formatError(parse(bufferDocument('cons_advanced.xml', cut)))).message).toMatch(
        /cons_advanced\.xml: malformed XML/,
      );
    }
    const broken = text.replace('<Comment />\n      <Profile ID="30002"', '<Comment>\n      <Profile ID="30002"');
    expect((await formatError(parse(bufferDocument('cons_advanced.xml', broken)))).message).toMatch(
      /cons_advanced\.xml: malformed XML/,
    );
  });
});
