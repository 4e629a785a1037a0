import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { byId, parseWith, type Parsed } from '../../helpers/parse.ts';
import { diffFiles } from '../../../functions/cli/diff.ts';
import { SourceFormatError } from '../../../functions/core/errors.ts';
import type { RegisterRecord } from '../../../functions/core/records.ts';
import { bufferDocument, detectFormat, fileDocument } from '../../../functions/sources/read/document.ts';
import { ofsiCsvFormat } from '../../../functions/sources/formats/ofsi-conlist-csv.ts';
import { splitNumbered, ukCountryCode } from '../../../functions/sources/formats/uk-common.ts';
import { fcdoXmlFormat } from '../../../functions/sources/formats/uk-fcdo-xml.ts';
import { ukSanctionsList } from '../../../functions/sources/uk-sanctions-list.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const demo = (version: number): string =>
  join(root, 'demo/uk-sanctions-list', String(version), 'UK-Sanctions-List.xml');
const fixture = (name: string): string => join(root, 'tests/fixtures/uk-sanctions', name);

const parseFile = (path: string): Promise<Parsed> => parseWith(ukSanctionsList, fileDocument(path));
const parseText = (text: string | Buffer, name = 'UK-Sanctions-List.xml'): Promise<Parsed> =>
  parseWith(ukSanctionsList, bufferDocument(name, text));

const XML_HEAD =
  '<?xml version="1.0" encoding="utf-8"?>\n<Designations xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><DateGenerated>02/03/2026</DateGenerated>';
const designations = (body: string): string => `${XML_HEAD}${body}</Designations>`;
const designation = (id: string, names: string, type = 'Individual', more = ''): string =>
  `<Designation><LastUpdated>01/02/2026</LastUpdated><DateDesignated>01/02/2026</DateDesignated>${id ? `<UniqueID>${id}</UniqueID>` : ''}<Names>${names}</Names><RegimeName>The Test (Sanctions) Regulations 2026</RegimeName><IndividualEntityShip>${type}</IndividualEntityShip>${more}</Designation>`;
const xmlName = (name6: string, type: string, name1 = ''): string =>
  `<Name>${name1 ? `<Name1>${name1}</Name1>` : ''}<Name6>${name6}</Name6><NameType>${type}</NameType></Name>`;

/** The 2018-2020 ConList.csv header (29 columns). */
const CSV_HEADER =
  'Name 6,Name 1,Name 2,Name 3,Name 4,Name 5,Title,DOB,Town of Birth,Country of Birth,Nationality,Passport Details,NI Number,Position,Address 1,Address 2,Address 3,Address 4,Address 5,Address 6,Post/Zip Code,Country,Other Information,Group Type,Alias Type,Regime,Listed On,Last Updated,Group ID';
/** One CSV row from the cells that matter here; the others empty. */
function csvRow(cells: {
  name6: string;
  name1?: string;
  type?: string;
  alias: string;
  regime?: string;
  listed?: string;
  group: string;
}): string {
  const row = new Array<string>(29).fill('');
  row[0] = cells.name6;
  row[1] = cells.name1 ?? '';
  row[23] = cells.type ?? 'Individual';
  row[24] = cells.alias;
  row[25] = cells.regime ?? 'Libya';
  row[26] = cells.listed ?? '01/02/2020';
  row[27] = '01/02/2020';
  row[28] = cells.group;
  return row.join(',');
}
const conList = (...rows: string[]): string => ['Last Updated,02/03/2020', CSV_HEADER, ...rows].join('\r\n') + '\r\n';

const EXPECTED_XML_V1: RegisterRecord[] = [
  {
    id: 'RUS9901',
    source: 'uk-sanctions-list',
    list: 'UK Sanctions List',
    kind: 'person',
    name: 'Arkady Pavlovich VETROV',
    aliases: ['Arkadiy VETROV', 'Arkasha', 'Аркадий Павлович ВЕТРОВ'],
    countries: ['RU'],
    addresses: ['12 Zelenaya Ulitsa, Moscow, 101000, Russia'],
    programs: ['The Russia (Sanctions) (EU Exit) Regulations 2019'],
    links: [],
    extra: {
      nameVariations: ['Arkadiy VETROV'],
      lowQualityAliases: ['Arkasha'],
      nonLatinNames: ['Аркадий Павлович ВЕТРОВ — Russian'],
      lastUpdated: '2026-02-17',
      ofsiGroupId: '99101',
      designationSource: 'UK',
      sanctionsImposed: ['Asset freeze', 'Travel Ban', 'Trust services sanctions'],
      statementOfReasons:
        'Arkady Pavlovich VETROV is Deputy Director General of Kestrel Aero Works JSC, a fictional manufacturer of military drones.',
      datesOfBirth: ['14/03/1968'],
      nationalities: ['Russia'],
      genders: ['Male'],
      positions: ['Deputy Director General, Kestrel Aero Works JSC'],
      passports: ['759014472; Russian passport'],
      placesOfBirth: ['Tver, Russia'],
    },
    listedOn: '2023-02-24',
    remarks: 'Fictional entry for tests.',
  },
  {
    id: 'CYB9902',
    source: 'uk-sanctions-list',
    list: 'UK Sanctions List',
    kind: 'organization',
    name: 'NIGHTJAR INFORMATION SECURITY LLC',
    aliases: ['Nightjar InfoSec'],
    countries: ['RU'],
    addresses: ['Office 7, 3 Nevsky Prospekt, St Petersburg, Russia'],
    programs: ['The Cyber (Sanctions) (EU Exit) Regulations 2020'],
    links: [],
    extra: {
      lastUpdated: '2025-12-09',
      designationSource: 'UK',
      sanctionsImposed: ['Asset freeze', 'Director Disqualification Sanction'],
      emailAddresses: ['contact@nightjar.example'],
      websites: ['https://nightjar.example'],
      entityTypes: ['Limited liability company'],
      registrationNumbers: ['OGRN 9990000000001'],
    },
    listedOn: '2025-12-09',
    remarks: 'Fictional entry for tests.',
  },
  {
    id: 'DPR9903',
    source: 'uk-sanctions-list',
    list: 'UK Sanctions List',
    kind: 'vessel',
    name: 'SUNGRIM 7',
    aliases: ['Morning Tern'],
    countries: ['KP'],
    addresses: [],
    programs: ["The Democratic People's Republic of Korea (Sanctions) (EU Exit) Regulations 2019"],
    links: [],
    extra: {
      lastUpdated: '2024-03-11',
      unReference: 'KPv.951',
      designationSource: 'UN',
      sanctionsImposed: ['Prohibition of port entry', 'Deregistration'],
      imoNumbers: ['IMO5990131'],
      ownerOperators: ['Sungrim Maritime Transport Company'],
      flags: ['North Korea'],
      previousFlags: ['Sierra Leone'],
      shipTypes: ['Oil tanker'],
      tonnage: ['2101'],
    },
    listedOn: '2017-10-03',
    remarks: 'Fictional entry for tests.',
  },
  {
    id: 'GHR9904',
    source: 'uk-sanctions-list',
    list: 'UK Sanctions List',
    kind: 'person',
    name: 'Ilse MARQUARDT-OYELARAN',
    aliases: [],
    countries: ['NG', 'DE'],
    addresses: ['Villa 9, Lagoon Crescent, Lagos, Nigeria'],
    programs: ['The Global Human Rights Sanctions Regulations 2020'],
    links: [],
    extra: {
      lastUpdated: '2024-06-20',
      ofsiGroupId: '99104',
      designationSource: 'UK',
      sanctionsImposed: ['Asset freeze', 'Travel Ban'],
      statementOfReasons:
        'Ilse MARQUARDT-OYELARAN commands a fictional detention facility where detainees were tortured.',
      titles: ['Colonel'],
      datesOfBirth: ['dd/mm/1974'],
      nationalities: ['Nigeria', 'Germany'],
      genders: ['Female'],
    },
    listedOn: '2024-05-15',
    remarks: 'Fictional entry for tests.',
  },
];

const EXPECTED_CSV_V1: RegisterRecord[] = [
  {
    id: '99201',
    source: 'uk-sanctions-list',
    list: 'OFSI Consolidated List',
    kind: 'person',
    name: 'Karim Hadi AL-MUSTANSIR',
    aliases: ['ABU LAYLA'],
    countries: ['IQ', 'SY'],
    addresses: ['Deir ez-Zor, Syria (as at May 2015)'],
    programs: ['Iraq'],
    links: [],
    extra: {
      titles: ['Sheikh'],
      datesOfBirth: ['00/00/1970', '00/00/1971'],
      nationalities: ['(1) Iraqi (2) Syrian'],
      passports: ['A1234567 (Iraqi) issued on 3 May 2007'],
      positions: ['Financier'],
      placesOfBirth: ['Mosul, Iraq'],
      lastUpdated: '2019-02-01',
    },
    listedOn: '2004-09-12',
    remarks: '“Fictional entry for tests.” Finances an armed group’s fuel purchases.',
  },
  {
    id: '99202',
    source: 'uk-sanctions-list',
    list: 'OFSI Consolidated List',
    kind: 'organization',
    name: 'BLUE CEDAR GENERAL TRADING LLC',
    aliases: ['BLUE CEDAR TRADING', 'CEDAR LINE EXPORTS FZE'],
    countries: ['AE'],
    addresses: ['Warehouse 12, Al Quoz Industrial Area 3, Dubai, PO Box 99012, United Arab Emirates'],
    programs: ['Iran (nuclear proliferation)'],
    links: [],
    extra: { formerNames: ['CEDAR LINE EXPORTS FZE'], lastUpdated: '2016-05-20' },
    listedOn: '2016-05-20',
    remarks: 'Fictional entry for tests. Ships dual-use valves.',
  },
  {
    id: '99203',
    source: 'uk-sanctions-list',
    list: 'OFSI Consolidated List',
    kind: 'person',
    name: 'Daniel OKONKWO-VALE',
    aliases: [],
    countries: ['CD'],
    addresses: ['Bunia, Democratic Republic of the Congo'],
    programs: ['Democratic Republic of the Congo', 'Central African Republic'],
    links: [],
    extra: {
      datesOfBirth: ['21/07/1981'],
      nationalities: ['Congolese'],
      positions: ['Colonel, commander of the Mukondo Defence Brigade'],
      lastUpdated: '2020-03-04',
    },
    listedOn: '2014-12-17',
    remarks: 'Fictional entry for tests.',
  },
  {
    id: '99204',
    source: 'uk-sanctions-list',
    list: 'OFSI Consolidated List',
    kind: 'organization',
    name: 'MUKONDO DEFENCE BRIGADE',
    aliases: ['MDB'],
    countries: ['CD'],
    addresses: ['Ituri, Democratic Republic of the Congo'],
    programs: ['Democratic Republic of the Congo'],
    links: [],
    extra: { lastUpdated: '2020-03-04' },
    listedOn: '2020-03-04',
    remarks: 'Fictional entry for tests.',
  },
];

describe('ukSanctionsList', () => {
  describe('FCDO XML records', () => {
    it('maps every Designation to the expected record, keyed by UniqueID', async () => {
      const { records, warnings } = await parseFile(demo(1));

      expect(records).toEqual(EXPECTED_XML_V1);
      expect(warnings).toEqual([]);
    });

    it('never copies DateGenerated into a record', async () => {
      const { records } = await parseFile(demo(1));

      expect(JSON.stringify(records)).not.toMatch(/2026-03-02|02\/03\/2026/);
    });

    it('keeps a designation without a primary name, or with two, under the alphabetically first name, with a warning', async () => {
      const { records, warnings } = await parseText(
        designations(
          designation('TST0001', xmlName('ZED', 'Alias') + xmlName('ALPHA', 'Alias')) +
            designation('TST0002', xmlName('YORK', 'Primary Name', 'Ann') + xmlName('BAKER', 'Primary Name', 'Ann')),
        ),
      );

      expect(records.map((r) => [r.id, r.name, r.aliases])).toEqual([
        ['TST0001', 'ALPHA', ['ZED']],
        ['TST0002', 'Ann BAKER', ['Ann YORK']],
      ]);
      expect(warnings).toEqual([
        'Designation TST0001 has no primary name: "ALPHA" used',
        'Designation TST0002 has 2 primary names (Ann BAKER | Ann YORK): "Ann BAKER" used, the others kept as aliases',
      ]);
    });

    it('warns and skips a designation without UniqueID or type, keeping the rest', async () => {
      const { records, warnings } = await parseText(
        designations(
          designation('', xmlName('NO ID', 'Primary Name')) +
            designation('TST0003', xmlName('NO TYPE', 'Primary Name'), '') +
            designation('TST0004', '') +
            designation('TST0005', xmlName('KEPT', 'Primary Name')),
        ),
      );

      expect(records.map((r) => r.id)).toEqual(['TST0005']);
      expect(warnings).toEqual([
        'Designation without UniqueID skipped (OFSIGroupID "")',
        'Designation TST0003 has no IndividualEntityShip: skipped',
        'Designation TST0004 has no name: skipped',
      ]);
    });

    it('refuses a designation type it does not know instead of guessing the kind', async () => {
      await expect(
        parseText(designations(designation('TST0006', xmlName('X', 'Primary Name'), 'Aircraft'))),
      ).rejects.toThrow(
        /^uk-sanctions-list: parse: Designation TST0006: unknown type "Aircraft" \(expected Individual, Entity or Ship\)/,
      );
    });

    it('warns once about a Designation element it does not read, and reads detail containers it does not know by name', async () => {
      const ship =
        '<ShipDetails><Ship><HullIdentificationNumbers><HullIdentificationNumber>HIN-1</HullIdentificationNumber></HullIdentificationNumbers></Ship></ShipDetails>';
      const { records, warnings } = await parseText(
        designations(
          designation('TST0007', xmlName('A', 'Primary Name'), 'Ship', `<AircraftDetails>x</AircraftDetails>${ship}`) +
            designation('TST0008', xmlName('B', 'Primary Name'), 'Ship', '<AircraftDetails>y</AircraftDetails>'),
        ),
      );

      expect(records.map((r) => r.kind)).toEqual(['vessel', 'vessel']);
      expect(records[0]?.extra.hullIdentificationNumbers).toEqual(['HIN-1']);
      expect(warnings).toEqual([
        "<AircraftDetails> inside <Designation> is not read (a new element in the publisher's layout?)",
      ]);
    });
  });

  describe('OFSI CSV records', () => {
    it('groups the name rows of each Group ID (wherever they are in the file) into the expected record', async () => {
      const { records, warnings } = await parseFile(fixture('ConList.v1.csv'));

      expect(records).toEqual(EXPECTED_CSV_V1);
      expect(warnings).toEqual([]);
    });

    it('reads the 2022 layout: UTF-8, Alias Quality, non-Latin names and the UK Sanctions List refs in Other Information', async () => {
      const { records, warnings } = await parseFile(fixture('ConList.2022-layout.csv'));
      const vetrov = byId(records).get('99101')!;

      expect(warnings).toEqual([]);
      expect(vetrov).toMatchObject({
        name: 'Arkady Pavlovich VETROV',
        aliases: ['Аркадий Павлович ВЕТРОВ', 'Arkadiy VETROV', 'Arkasha'],
        countries: ['RU'],
        programs: ['Russia'],
        listedOn: '2023-02-24',
        extra: {
          ukSanctionsListRefs: ['RUS9901'],
          lowQualityAliases: ['Arkasha'],
          nameVariations: ['Arkadiy VETROV'],
          passportNumbers: ['759014472'],
        },
      });
      expect(byId(records).get('99104')?.extra).toMatchObject({
        ukSanctionsListRefs: ['GHR9904', 'NGA9906'],
        ukSanctionsListDatesDesignated: ['2024-05-15', '2026-02-02'],
      });
    });

    it('relates the two publications through the keys each carries: OFSIGroupID in the XML, the UK refs in the CSV', async () => {
      const [xml, csv] = await Promise.all([parseFile(demo(1)), parseFile(fixture('ConList.2022-layout.csv'))]);
      const groupOf = new Map(xml.records.map((r) => [r.id, r.extra.ofsiGroupId]));
      const pairs = csv.records.flatMap((group) =>
        (group.extra.ukSanctionsListRefs as string[]).filter((ref) => groupOf.has(ref)).map((ref) => [ref, group.id]),
      );

      expect(pairs).toEqual([
        ['RUS9901', '99101'],
        ['GHR9904', '99104'],
      ]);
      for (const [ref, group] of pairs) expect(groupOf.get(ref!)).toBe(group);
      // One OFSI group, two designations: ids cannot be shared between the publications.
      expect(byId(csv.records).get('99104')?.extra.ukSanctionsListRefs).toEqual(['GHR9904', 'NGA9906']);
      expect(byId(xml.records).get('RUS9901')?.name).toBe(byId(csv.records).get('99101')?.name);
      // A ship designation has no OFSI group at all.
      expect(byId(xml.records).get('DPR9903')?.extra.ofsiGroupId).toBeUndefined();
    });

    it('warns about an unknown alias type once and reads the name as an alias', async () => {
      const { records, warnings } = await parseText(
        conList(
          csvRow({ name6: 'PRIME', alias: 'Prime Alias', group: '1' }),
          csvRow({ name6: 'ODD1', alias: 'Nickname', group: '1' }),
          csvRow({ name6: 'ODD2', alias: 'Nickname', group: '1' }),
        ),
        'ConList.csv',
      );

      expect(records[0]).toMatchObject({ name: 'PRIME', aliases: ['ODD1', 'ODD2'] });
      expect(warnings).toEqual(['unknown Alias Type "Nickname": the name is read as an alias']);
    });

    it('refuses a group type it does not know, and skips a group whose rows disagree on the type', async () => {
      await expect(
        parseText(conList(csvRow({ name6: 'X', alias: 'Prime Alias', type: 'Aircraft', group: '2' })), 'ConList.csv'),
      ).rejects.toThrow(/^uk-sanctions-list: parse: Group ID 2: unknown type "Aircraft"/);
      const { records, warnings } = await parseText(
        conList(
          csvRow({ name6: 'X', alias: 'Prime Alias', type: 'Entity', group: '3' }),
          csvRow({ name6: 'Y', alias: 'AKA', type: 'Individual', group: '3' }),
          csvRow({ name6: 'Z', alias: 'Prime Alias', group: '4' }),
        ),
        'ConList.csv',
      );
      expect(records.map((r) => r.id)).toEqual(['4']);
      expect(warnings).toEqual(['Group ID 3 has several Group Types (Entity, Individual): skipped']);
    });

    it('splits the numbered cells and reads demonyms as countries', () => {
      expect(splitNumbered('(1) Saudi Arabian (2) Yemeni')).toEqual(['Saudi Arabian', 'Yemeni']);
      expect(splitNumbered('1) Uzbek 2) Afghan')).toEqual(['Uzbek', 'Afghan']);
      expect(splitNumbered('a) Saudi Arabia 2135314355 b) Saudi Arabia 202112421')).toEqual([
        'Saudi Arabia 2135314355',
        'Saudi Arabia 202112421',
      ]);
      expect(splitNumbered('Bahrain (citizenship revoked in January 2015)')).toEqual([
        'Bahrain (citizenship revoked in January 2015)',
      ]);
      expect(['Afghan', 'Yemeni', 'DPRK', 'Congo (Democratic Republic)', 'Russia'].map(ukCountryCode)).toEqual([
        'AF',
        'YE',
        'KP',
        'CD',
        'RU',
      ]);
      expect(ukCountryCode('Possibly Ethiopian')).toBeUndefined();
    });
  });

  describe('successive versions', () => {
    it('shows one designation added and one alias added from version 1 to version 2 of the XML', async () => {
      const diff = await diffFiles(ukSanctionsList, demo(1), demo(2), false);

      expect(diff.changes.map((c) => [c.type, c.id])).toEqual([
        ['added', 'IRN9905'],
        ['modified', 'RUS9901'],
      ]);
      expect(diff.changes[1]?.fields?.find((f) => f.field === 'aliases')).toMatchObject({
        added: ['Arkadi VETROFF'],
        removed: [],
      });
      expect(diff.changes[0]?.after).toMatchObject({
        name: 'ZARVAN COMPOSITE MATERIALS INDUSTRIES',
        kind: 'organization',
        countries: ['IR'],
        listedOn: '2026-03-06',
      });
    });

    it('shows one delisting and one changed address from version 2 to version 3 of the XML', async () => {
      const diff = await diffFiles(ukSanctionsList, demo(2), demo(3), false);

      expect(diff.changes.map((c) => [c.type, c.id])).toEqual([
        ['modified', 'GHR9904'],
        ['removed', 'CYB9902'],
      ]);
      expect(diff.changes[0]?.fields?.find((f) => f.field === 'addresses')).toMatchObject({
        added: ['Flat 2, 41 Rue des Tilleuls, Lome, Togo'],
        removed: ['Villa 9, Lagoon Crescent, Lagos, Nigeria'],
      });
    });

    it('diffs two CSV versions by Group ID, ignoring row order and spacing', async () => {
      const diff = await diffFiles(ukSanctionsList, fixture('ConList.v1.csv'), fixture('ConList.v2.csv'), false);

      // 99201's rows are reordered and its Other Information gains trailing spaces: not a change.
      expect(diff.changes.map((c) => [c.type, c.id])).toEqual([
        ['added', '99205'],
        ['modified', '99202'],
        ['removed', '99204'],
      ]);
      expect(diff.changes[1]?.fields).toEqual([
        {
          field: 'aliases',
          old: ['BLUE CEDAR TRADING', 'CEDAR LINE EXPORTS FZE'],
          new: ['BLUE CEDAR GT', 'BLUE CEDAR TRADING', 'CEDAR LINE EXPORTS FZE'],
          added: ['BLUE CEDAR GT'],
          removed: [],
        },
      ]);
      expect(diff.changes[0]?.after).toMatchObject({
        name: 'Oleksandr TARASENKO',
        aliases: ['Alexandre TARASSENKO'],
        countries: ['RU', 'UA'],
      });
    });
  });

  describe('refused documents', () => {
    it('refuses an XML file cut in the middle, naming the source', async () => {
      const whole = await readFile(demo(1), 'utf8');
      const cut = whole.slice(0, Math.floor(whole.length * 0.6));

      await expect(parseText(cut)).rejects.toThrow(SourceFormatError);
      await expect(parseText(cut)).rejects.toThrow(/^uk-sanctions-list: parse: UK-Sanctions-List\.xml: malformed XML/);
    });

    it('refuses an XML file that ends after a complete designation', async () => {
      const whole = await readFile(demo(1), 'utf8');
      const cut = whole.slice(0, whole.indexOf('</Designation>') + '</Designation>'.length);

      await expect(parseText(cut)).rejects.toThrow(
        /^uk-sanctions-list: parse: UK-Sanctions-List\.xml: malformed XML: .*unclosed/i,
      );
    });

    it('refuses a CSV cut in the middle of a row, inside a quoted cell, or inside its last cell', async () => {
      const whole = await readFile(fixture('ConList.v1.csv'));
      const text = whole.toString('latin1');
      const inRow = whole.subarray(0, text.indexOf('BLUE CEDAR TRADING') + 5);
      const inQuote = whole.subarray(0, text.indexOf('"Colonel, commander') + 10);
      const inLastCell = whole.subarray(0, whole.length - 3);

      await expect(parseText(inRow, 'ConList.csv')).rejects.toThrow(
        /^uk-sanctions-list: parse: ConList\.csv: truncated or malformed: row \d+ has \d+ cells, the header 29/,
      );
      await expect(parseText(inQuote, 'ConList.csv')).rejects.toThrow(
        /^uk-sanctions-list: parse: ConList\.csv: truncated or malformed: a quoted cell is never closed/,
      );
      await expect(parseText(inLastCell, 'ConList.csv')).rejects.toThrow(
        /^uk-sanctions-list: parse: ConList\.csv: truncated: the last line ends inside a cell/,
      );
    });

    it('refuses a ConList.csv whose header lacks columns, and a CSV without the Last Updated line', async () => {
      await expect(
        parseText('Last Updated,02/03/2020\r\nName 6,Name 1,Group ID\r\nX,Y,1\r\n', 'ConList.csv'),
      ).rejects.toThrow(
        /^uk-sanctions-list: parse: ConList\.csv: unknown layout: header lacks Name 2, Name 3, Name 4, Name 5, Group Type, Alias Type, Regime, Listed On/,
      );
      await expect(parseText(`${CSV_HEADER}\r\n`, 'ConList.csv')).rejects.toThrow(
        /^uk-sanctions-list: parse: ConList\.csv is in an unknown layout \(expected one of: uk-sanctions-list-xml, ofsi-conlist-csv\)/,
      );
    });

    it('refuses OFSI’s XML consolidated list and the UN list as unknown layouts', async () => {
      await expect(
        parseText(
          '<?xml version="1.0"?><ArrayOfFinancialSanctionsTarget><FinancialSanctionsTarget/></ArrayOfFinancialSanctionsTarget>',
        ),
      ).rejects.toThrow(/^uk-sanctions-list: parse: UK-Sanctions-List\.xml is in an unknown layout/);
      const direct = fcdoXmlFormat.parse(
        {
          main: bufferDocument('x.xml', '<?xml version="1.0"?><CONSOLIDATED_LIST><INDIVIDUALS/></CONSOLIDATED_LIST>'),
          companions: new Map(),
        },
        { sourceId: ukSanctionsList.id, warn: () => undefined },
      );
      await expect(
        (async () => {
          for await (const record of direct) void record;
        })(),
      ).rejects.toThrow(/unknown layout: root element <CONSOLIDATED_LIST>, expected <Designations>/);
    });

    it('refuses an HTML page served instead of the file', async () => {
      const html = '<!DOCTYPE html><html><head><title>UK sanctions list - GOV.UK</title></head><body></body></html>';

      await expect(parseText(html)).rejects.toThrow(
        /^uk-sanctions-list: parse: UK-Sanctions-List\.xml is an HTML page \("UK sanctions list - GOV\.UK"\)/,
      );
    });

    it('refuses an empty download, a list with no designations and a CSV with a header only', async () => {
      await expect(parseText('')).rejects.toThrow(/^uk-sanctions-list: parse: UK-Sanctions-List\.xml is empty/);
      await expect(parseText(designations(''))).rejects.toThrow(
        /^uk-sanctions-list: parse: UK-Sanctions-List\.xml holds no records/,
      );
      await expect(parseText(conList(), 'ConList.csv')).rejects.toThrow(
        /^uk-sanctions-list: parse: ConList\.csv holds no records/,
      );
    });
  });

  describe('sniff', () => {
    it('tells the FCDO XML and the OFSI CSV apart and claims neither the CSL nor OFSI’s XML', async () => {
      await expect(detectFormat(ukSanctionsList, fileDocument(demo(1)))).resolves.toBe(fcdoXmlFormat);
      await expect(detectFormat(ukSanctionsList, fileDocument(fixture('ConList.v1.csv')))).resolves.toBe(ofsiCsvFormat);
      await expect(detectFormat(ukSanctionsList, fileDocument(fixture('ConList.2022-layout.csv')))).resolves.toBe(
        ofsiCsvFormat,
      );
      expect(ofsiCsvFormat.sniff('Last Updated,13/04/2018,,,,,,\nName 6,Name 1,', 'sanctionsconlist.csv')).toBe(true);
      expect(ofsiCsvFormat.sniff('_id,source,entity_number,type,programs,name,', 'consolidated.csv')).toBe(false);
      expect(fcdoXmlFormat.sniff('<?xml version="1.0"?><ArrayOfFinancialSanctionsTarget>', 'ConList.xml')).toBe(false);
    });
  });

  describe('source', () => {
    it('polls the FCDO XML, with bounds around the real list sizes', () => {
      expect(ukSanctionsList.downloads.map((d) => [d.url, d.format])).toEqual([
        ['https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml', 'uk-sanctions-list-xml'],
      ]);
      expect(ukSanctionsList.expectedRecords.min).toBeLessThan(2_106);
      expect(ukSanctionsList.expectedRecords.max).toBeGreaterThan(6_400);
      expect(ukSanctionsList.schedule).toBe('rate(5 minutes)');
    });
  });
});
