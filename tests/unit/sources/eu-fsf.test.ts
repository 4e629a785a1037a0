import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { byId, parseWith, type Parsed } from '../../helpers/parse.ts';
import { diffFiles } from '../../../functions/cli/diff.ts';
import { SourceFormatError } from '../../../functions/core/errors.ts';
import type { RegisterRecord } from '../../../functions/core/records.ts';
import { bufferDocument, detectFormat, fileDocument } from '../../../functions/sources/read/document.ts';
import { euFsf, fsf10XmlFormat, fsf11XmlFormat } from '../../../functions/sources/eu-fsf.ts';
import type { SourceFormat } from '../../../functions/sources/types.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const demo = (version: number): string => join(root, 'demo/eu-fsf', String(version), 'eu-fsf-full-1_1.xml');
const legacyV1 = join(root, 'tests/fixtures/eu-fsf/global-1.0.v1.xml');

const parseFile = (path: string): Promise<Parsed> => parseWith(euFsf, fileDocument(path));
const parseText = (text: string, name = 'eu-fsf.xml'): Promise<Parsed> => parseWith(euFsf, bufferDocument(name, text));

/** Runs a format's parser directly (no sniffing), to reach the parser's own checks. */
async function parseDirect(format: SourceFormat, text: string): Promise<Parsed> {
  const warnings: string[] = [];
  const records: RegisterRecord[] = [];
  const input = { main: bufferDocument('eu-fsf.xml', text), companions: new Map() };
  for await (const record of format.parse(input, { sourceId: euFsf.id, warn: (message) => warnings.push(message) }))
    records.push(record);
  return { records, warnings };
}

const HEAD =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2026-03-02T18:05:11.214+01:00" globalFileId="1">';
const exportOf = (entities: string): string => `${HEAD}${entities}</export>`;
const regulation = (programme: string): string =>
  `<regulation regulationType="amendment" organisationType="council" publicationDate="2024-01-10" entryIntoForceDate="2024-01-10" numberTitle="2024/1 (OJ L)" programme="${programme}" logicalId="1"><publicationUrl>https://eur-lex.europa.eu/x</publicationUrl></regulation>`;
const nameAlias = (logicalId: number, wholeName: string, more = ''): string =>
  `<nameAlias firstName="" middleName="" lastName="" wholeName="${wholeName}" function="" title="" nameLanguage="" strong="true" regulationLanguage="en" logicalId="${logicalId}" ${more}/>`;
const entity = (logicalId: string, children: string, code = 'person'): string =>
  `<sanctionEntity designationDetails="" unitedNationId="" euReferenceNumber="EU.1.1" logicalId="${logicalId}">${regulation('TERR')}<subjectType code="${code}" classificationCode="P"/>${children}</sanctionEntity>`;

const EXPECTED_V1: RegisterRecord[] = [
  {
    id: '990001',
    source: 'eu-fsf',
    list: 'EU Consolidated',
    kind: 'person',
    name: 'Arkady Pavlovich VETROV',
    aliases: ['Arkadi Pavlovitch VETROV', 'Аркадий Павлович ВЕТРОВ', 'Arkasha'],
    countries: ['RU'],
    addresses: [],
    programs: ['RUS'],
    links: ['https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=OJ:L_202409745'],
    extra: {
      euReferenceNumber: 'EU.9901.11',
      regulations: ['2024/9745 (OJ L), amendment, published 2024-02-23'],
      citizenships: ['RUSSIAN FEDERATION'],
      datesOfBirth: ['1968-03-14'],
      placesOfBirth: ['Tver, RUSSIAN FEDERATION'],
      documents: ['National passport: 759014472; RUSSIAN FEDERATION'],
      functions: ['Deputy Director General of Kestrel Aero Works JSC'],
      genders: ['Male'],
      weakAliases: ['Arkasha'],
    },
    listedOn: '2022-07-21',
  },
  {
    id: '990002',
    source: 'eu-fsf',
    list: 'EU Consolidated',
    kind: 'organization',
    name: 'Qasr al-Nakhil Trading Company LLC',
    aliases: ['Palm Palace Trading'],
    countries: ['SY'],
    addresses: ['Baghdad Street, Building 14, PO Box 30512, Damascus, SYRIAN ARAB REPUBLIC'],
    programs: ['SYR'],
    links: ['https://eur-lex.europa.eu/LexUriServ/LexUriServ.do?uri=OJ:L:2013:147:9901:9914:EN:PDF'],
    extra: {
      euReferenceNumber: 'EU.9902.12',
      regulations: ['9517/2013 (OJ L147), amendment, published 2013-05-31'],
      contactInfo: ['PHONE: +963 11 000 0101', 'EMAIL: info@qasr-nakhil.example'],
    },
    listedOn: '2013-05-30',
    remarks: 'Fictional entry for tests. Imports fuel for the armed forces.',
  },
  {
    id: '990003',
    source: 'eu-fsf',
    list: 'EU Consolidated',
    kind: 'person',
    name: 'Idris Salim HAMADOUN',
    aliases: ['Abu Salim al-Sahili'],
    countries: ['ML'],
    addresses: [],
    programs: ['TERR'],
    links: ['https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=OJ:L_202509141'],
    extra: {
      euReferenceNumber: 'EU.9903.13',
      regulations: ['2025/9141 (OJ L), amendment, published 2025-01-28'],
      datesOfBirth: ['circa 1979'],
      placesOfBirth: ['Gao, MALI'],
      functions: ['Financier', 'recruiter'],
      titles: ['Sheikh'],
      genders: ['Male'],
      nameRemarks: ['Idris Salim HAMADOUN: Fictional entry for tests.'],
    },
    listedOn: '2019-11-07',
  },
  {
    id: '990004',
    source: 'eu-fsf',
    list: 'EU Consolidated',
    kind: 'organization',
    name: 'Sungrim Maritime Transport Company',
    aliases: [],
    countries: ['KP'],
    addresses: ["Tonghung-dong, Chung-guyok, Pyongyang, KOREA (DEMOCRATIC PEOPLE'S REPUBLIC OF)"],
    programs: ['PRK'],
    links: ['https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32018R9109'],
    extra: {
      euReferenceNumber: 'EU.9904.14',
      unReference: 'KPe.951',
      regulations: ['2018/9109 (OJ L198), amendment, published 2018-08-06'],
      documents: ['IMO number: 5990131; Fictional entry for tests.'],
    },
    listedOn: '2017-12-12',
  },
];

describe('euFsf', () => {
  describe('records', () => {
    it('maps every sanctionEntity of FSF 1.1 to the expected record', async () => {
      const { records, warnings } = await parseFile(demo(1));

      expect(records).toEqual(EXPECTED_V1);
      expect(warnings).toEqual([]);
    });

    it('gives the same ids, names, aliases, countries, programmes and links for the legacy 1.0 layout of the same list', async () => {
      const [current, legacy] = await Promise.all([parseFile(demo(1)), parseFile(legacyV1)]);
      const core = (r: RegisterRecord) => ({
        id: r.id,
        kind: r.kind,
        name: r.name,
        aliases: r.aliases,
        countries: r.countries,
        programs: r.programs,
        links: r.links,
        remarks: r.remarks,
      });

      expect(legacy.warnings).toEqual([]);
      expect(legacy.records.map(core)).toEqual(current.records.map(core));
    });

    it('dates a 1.0 entry by its earliest act, as 1.1 does when the entry has no designationDate', async () => {
      const [current, legacy] = await Promise.all([parseFile(demo(1)), parseFile(legacyV1)]);

      expect(legacy.records.map((r) => [r.id, r.listedOn])).toEqual([
        ['990001', '2022-07-21'],
        ['990002', '2013-05-31'],
        ['990003', '2019-11-07'],
        ['990004', '2017-12-12'],
      ]);
      // 1.1 gives 990002 a designationDate (2013-05-30), a day before the act was published.
      expect(byId(current.records).get('990002')?.listedOn).toBe('2013-05-30');
    });

    it('reads 1.0 parts the way 1.0 writes them: alpha-3 countries, remarks without their outer parentheses', async () => {
      const { records } = await parseFile(legacyV1);
      const syria = byId(records).get('990002')!;

      expect(syria.countries).toEqual(['SY']);
      expect(syria.addresses).toEqual([
        'Baghdad Street, Building 14, Damascus, SYR (P.O. Box 30512; Tel. +963 11 000 0101; info@qasr-nakhil.example)',
      ]);
      expect(syria.remarks).toBe('Fictional entry for tests. Imports fuel for the armed forces.');
    });

    it('names an entry by its lowest-id name with no language, whatever the order of the nameAlias elements', async () => {
      const names = [
        nameAlias(12, 'Abu Example', ''),
        nameAlias(7, 'Exemple Nom', 'nameLanguage="FR"').replace('nameLanguage="" ', ''),
        nameAlias(9, 'Weak Nick', 'strong="false"').replace('strong="true" ', ''),
        nameAlias(10, 'First Listed Name'),
      ];
      const [forward, backward] = await Promise.all([
        parseText(exportOf(entity('5', names.join('')))),
        parseText(exportOf(entity('5', [...names].reverse().join('')))),
      ]);

      expect(forward.records[0]?.name).toBe('First Listed Name');
      expect(forward.records[0]?.aliases).toEqual(['Exemple Nom', 'Weak Nick', 'Abu Example']);
      expect(forward.records[0]?.extra.weakAliases).toEqual(['Weak Nick']);
      expect(backward.records).toEqual(forward.records);
    });

    it('falls back to a spelling in another language when the entry has no other', async () => {
      const { records } = await parseText(
        exportOf(entity('6', nameAlias(3, 'Nom Seul', 'nameLanguage="FR"').replace('nameLanguage="" ', ''))),
      );

      expect(records[0]?.name).toBe('Nom Seul');
    });

    it('reads countries from codes and descriptions, and none from "00" / UNKNOWN', async () => {
      const { records } = await parseText(
        exportOf(
          entity(
            '7',
            nameAlias(1, 'A') +
              '<citizenship region="" countryIso2Code="00" countryDescription="UNKNOWN" regulationLanguage="en" logicalId="2"/>' +
              '<citizenship region="" countryIso2Code="" countryDescription="TUNISIA" regulationLanguage="en" logicalId="3"/>' +
              '<address city="Bamako" street="" poBox="" zipCode="" region="" place="" countryIso2Code="ML" countryDescription="MALI" logicalId="4"/>',
          ),
        ),
      );

      expect(records[0]?.countries).toEqual(['TN', 'ML']);
      expect(records[0]?.extra.citizenships).toEqual(['TUNISIA']);
    });

    it('never copies generationDate into a record', async () => {
      const { records } = await parseFile(demo(1));

      expect(JSON.stringify(records)).not.toContain('2026-03-02');
    });
  });

  describe('successive versions', () => {
    it('shows one designation added and one alias added from version 1 to version 2', async () => {
      const diff = await diffFiles(euFsf, demo(1), demo(2), false);

      expect(diff.changes.map((c) => [c.type, c.id])).toEqual([
        ['added', '990005'],
        ['modified', '990001'],
      ]);
      expect(diff.changes[1]?.fields?.find((f) => f.field === 'aliases')).toMatchObject({
        added: ['Arkadiy VETROV'],
        removed: [],
      });
      expect(diff.changes[0]?.after).toMatchObject({
        name: 'Tamsin Okello ARDEN',
        programs: ['COD'],
        countries: ['CD'],
        listedOn: '2026-03-06',
      });
    });

    it('shows one delisting and one changed address from version 2 to version 3', async () => {
      const diff = await diffFiles(euFsf, demo(2), demo(3), false);

      expect(diff.changes.map((c) => [c.type, c.id])).toEqual([
        ['modified', '990004'],
        ['removed', '990002'],
      ]);
      expect(diff.changes[0]?.fields?.map((f) => f.field)).toEqual(['addresses']);
      expect(diff.changes[0]?.after?.addresses).toEqual([
        "Harbour Road 3, Waudo District, Nampo, KOREA (DEMOCRATIC PEOPLE'S REPUBLIC OF)",
      ]);
    });
  });

  describe('bad entries', () => {
    it('warns and skips an entry without logicalId, one without subjectType and one without a name, keeping the rest', async () => {
      const { records, warnings } = await parseText(
        exportOf(
          entity('', nameAlias(1, 'No Id')) +
            `<sanctionEntity logicalId="8">${regulation('TERR')}${nameAlias(2, 'No Type')}</sanctionEntity>` +
            entity('9', nameAlias(3, '')) +
            entity('10', nameAlias(4, 'Kept')),
        ),
      );

      expect(records.map((r) => r.id)).toEqual(['10']);
      expect(warnings).toEqual([
        'sanctionEntity without logicalId skipped (euReferenceNumber "EU.1.1")',
        'sanctionEntity 8 has no subjectType: skipped',
        'sanctionEntity 9 has no name: skipped',
      ]);
    });

    it('refuses a subject type it does not know instead of guessing the kind', async () => {
      await expect(parseText(exportOf(entity('11', nameAlias(1, 'Vessel X'), 'vessel')))).rejects.toThrow(
        /^eu-fsf: parse: sanctionEntity 11: unknown subjectType "vessel"/,
      );
    });

    it('warns once about an element of sanctionEntity it does not read', async () => {
      const { records, warnings } = await parseText(
        exportOf(
          entity('12', nameAlias(1, 'A') + '<vessel imo="1"/>') + entity('13', nameAlias(2, 'B') + '<vessel imo="2"/>'),
        ),
      );

      expect(records).toHaveLength(2);
      expect(warnings).toEqual([
        "<vessel> inside <sanctionEntity> is not read (a new element in the publisher's layout?)",
      ]);
    });
  });

  describe('refused documents', () => {
    it('refuses a file cut in the middle of an element, naming the source', async () => {
      const whole = await readFile(demo(1), 'utf8');
      const cut = whole.slice(0, Math.floor(whole.length * 0.6));

      await expect(parseText(cut)).rejects.toThrow(SourceFormatError);
      await expect(parseText(cut)).rejects.toThrow(/^eu-fsf: parse: eu-fsf\.xml: malformed XML/);
    });

    it('refuses a file that ends after a complete entry but before the root is closed', async () => {
      const whole = await readFile(demo(1), 'utf8');
      const cut = whole.slice(0, whole.indexOf('</sanctionEntity>') + '</sanctionEntity>'.length);

      await expect(parseText(cut)).rejects.toThrow(/^eu-fsf: parse: eu-fsf\.xml: malformed XML: .*unclosed/i);
    });

    it('refuses another XML register, and an `export` root outside the FSF namespace, as an unknown layout', async () => {
      const un = '<?xml version="1.0"?><CONSOLIDATED_LIST><INDIVIDUALS/></CONSOLIDATED_LIST>';
      const other = '<?xml version="1.0"?><export xmlns="urn:example:other"><sanctionEntity logicalId="1"/></export>';

      await expect(parseText(un)).rejects.toThrow(
        /^eu-fsf: parse: eu-fsf\.xml is in an unknown layout \(expected one of: eu-fsf-1\.1-xml, eu-fsf-1\.0-xml\)/,
      );
      await expect(parseText(other)).rejects.toThrow(/^eu-fsf: parse: eu-fsf\.xml is in an unknown layout/);
      await expect(parseDirect(fsf11XmlFormat, un)).rejects.toThrow(
        /unknown layout: root element <CONSOLIDATED_LIST>, expected <export>/,
      );
      await expect(parseDirect(fsf10XmlFormat, un)).rejects.toThrow(
        /unknown layout: root element <CONSOLIDATED_LIST>, expected <WHOLE>/,
      );
    });

    it('refuses the HTML login page served instead of the file', async () => {
      const html = '<!DOCTYPE html><html><head><title>EU Login</title></head><body>Sign in</body></html>';

      await expect(parseText(html)).rejects.toThrow(/^eu-fsf: parse: eu-fsf\.xml is an HTML page \("EU Login"\)/);
    });

    it('refuses an empty download and a well-formed file with no entries', async () => {
      await expect(parseText('')).rejects.toThrow(/^eu-fsf: parse: eu-fsf\.xml is empty/);
      await expect(parseText(exportOf(''))).rejects.toThrow(/^eu-fsf: parse: eu-fsf\.xml holds no records/);
      await expect(parseText('<?xml version="1.0"?>\n<WHOLE Date="01/01/2016"></WHOLE>')).rejects.toThrow(
        /^eu-fsf: parse: eu-fsf\.xml holds no records/,
      );
    });
  });

  describe('sniff', () => {
    it('tells FSF 1.1 and 1.0 apart and claims neither the UN list nor an HTML page', async () => {
      await expect(detectFormat(euFsf, fileDocument(demo(1)))).resolves.toBe(fsf11XmlFormat);
      await expect(detectFormat(euFsf, fileDocument(legacyV1))).resolves.toBe(fsf10XmlFormat);
      expect(fsf11XmlFormat.sniff('<?xml version="1.0"?><WHOLE Date="11/02/2016">', 'x.xml')).toBe(false);
      expect(fsf10XmlFormat.sniff(HEAD, 'x.xml')).toBe(false);
      expect(fsf11XmlFormat.sniff('<html><body>export http://eu.europa.ec/fpi/fsd/export</body></html>', 'x.xml')).toBe(
        false,
      );
    });
  });

  describe('source', () => {
    it('polls the FSF 1.1 download with its public token, with bounds around the list sizes', () => {
      expect(euFsf.downloads).toHaveLength(1);
      expect(euFsf.downloads[0]).toMatchObject({
        url: 'https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=dG9rZW4tMjAxNw',
        format: 'eu-fsf-1.1-xml',
      });
      expect(Buffer.from('dG9rZW4tMjAxNw', 'base64').toString('latin1')).toBe('token-2017');
      expect(euFsf.expectedRecords.min).toBeLessThan(2_000);
      expect(euFsf.expectedRecords.max).toBeGreaterThan(6_000);
      expect(euFsf.schedule).toBe('rate(5 minutes)');
    });
  });
});
