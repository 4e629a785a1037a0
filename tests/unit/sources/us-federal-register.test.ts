import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { byId, parseWith, type Parsed } from '../../helpers/parse.ts';
import { diffFields } from '../../../functions/core/diff.ts';
import { SourceFormatError } from '../../../functions/core/errors.ts';
import { contentHash, type RegisterRecord } from '../../../functions/core/records.ts';
import { bufferDocument, detectFormat, fileDocument } from '../../../functions/sources/read/document.ts';
import type { SourceDocument } from '../../../functions/sources/types.ts';
import {
  FEDERAL_REGISTER_AGENCIES,
  entityListMatchKey,
  entityListRecords,
  indexEntityListRecords,
  matchEntityListRecords,
  normalizeEntityName,
  parseEntityListRule,
  createFederalRegisterSource,
  federalRegisterPublicInspectionUrl,
  federalRegisterQueryUrl,
  federalRegisterTopics,
  usFederalRegister,
} from '../../../functions/sources/us-federal-register.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const fixture = (version: number, name: 'documents.json' | 'current.json'): string =>
  join(root, 'tests/fixtures/federal-register', String(version), name);

/** A poll as the source reads it: the search, with the desk beside it. */
function poll(version: number): Promise<Parsed> {
  return parseWith(
    usFederalRegister,
    fileDocument(fixture(version, 'documents.json')),
    new Map([['current.json', fileDocument(fixture(version, 'current.json'))]]),
  );
}

const parseText = (
  text: string,
  name = 'documents.json',
  companions: ReadonlyMap<string, SourceDocument> = new Map(),
): Promise<Parsed> => parseWith(usFederalRegister, bufferDocument(name, text), companions);

function changes(
  before: readonly RegisterRecord[],
  after: readonly RegisterRecord[],
): { added: string[]; removed: string[]; modified: string[] } {
  const old = byId(before);
  const now = byId(after);
  return {
    added: [...now.keys()].filter((id) => !old.has(id)).sort(),
    removed: [...old.keys()].filter((id) => !now.has(id)).sort(),
    modified: [...now.keys()]
      .filter((id) => old.has(id) && contentHash(old.get(id)!) !== contentHash(now.get(id)!))
      .sort(),
  };
}

/** Every record of poll 1, written out from the fixture files (see tests/fixtures/federal-register/README.md). */
const EXPECTED_V1: RegisterRecord[] = [
  {
    id: '2023-90412',
    source: 'us-federal-register',
    list: 'Federal Register',
    kind: 'other',
    name: 'Notice of OFAC Sanctions Actions',
    aliases: [],
    countries: [],
    addresses: [],
    programs: ['treasury-department', 'foreign-assets-control-office'],
    links: [
      'https://www.federalregister.gov/documents/2023/02/24/2023-90412/notice-of-ofac-sanctions-actions',
      'https://www.govinfo.gov/content/pkg/FR-2023-02-24/pdf/2023-90412.pdf',
      'https://www.federalregister.gov/documents/full_text/xml/2023/02/24/2023-90412.xml',
      'https://public-inspection.federalregister.gov/2023-90412.pdf',
    ],
    topics: ['sanctions'],
    extra: {
      stage: 'published',
      documentType: 'Notice',
      action: 'Notice.',
      citation: '88 FR 11990',
      dates: 'See SUPPLEMENTARY INFORMATION section for applicable date(s).',
      agencies: ['Treasury Department', 'Foreign Assets Control Office'],
    },
    listedOn: '2023-02-24',
    remarks:
      "The Department of the Treasury's Office of Foreign Assets Control (OFAC) is publishing the names of persons whose property and interests in property are blocked. These persons have been added to OFAC's Specially Designated Nationals and Blocked Persons List.",
  },
  {
    id: '2023-90388',
    source: 'us-federal-register',
    list: 'Federal Register',
    kind: 'other',
    name: 'Notice of Determinations; Culturally Significant Objects Being Imported for Exhibition—Determinations: “Coastal Light” Exhibition',
    aliases: [],
    countries: [],
    addresses: [],
    programs: ['state-department'],
    links: [
      'https://www.federalregister.gov/documents/2023/02/24/2023-90388/notice-of-determinations-culturally-significant-objects-being-imported-for-exhibition-determinations',
      'https://www.govinfo.gov/content/pkg/FR-2023-02-24/pdf/2023-90388.pdf',
      'https://www.federalregister.gov/documents/full_text/xml/2023/02/24/2023-90388.xml',
      'https://public-inspection.federalregister.gov/2023-90388.pdf',
    ],
    topics: [],
    extra: {
      stage: 'published',
      documentType: 'Notice',
      action: 'Notice.',
      citation: '88 FR 12001',
      docketIds: ['Public Notice: 11988'],
      agencies: ['State Department'],
    },
    listedOn: '2023-02-24',
    remarks:
      'Notice is hereby given of the following determinations: I hereby determine that certain objects to be included in the exhibition “Coastal Light” are of cultural significance.',
  },
  {
    id: '2023-90301',
    source: 'us-federal-register',
    list: 'Federal Register',
    kind: 'other',
    name: 'International Traffic in Arms Regulations: Clarifications to Definitions',
    aliases: [],
    countries: [],
    addresses: [],
    programs: ['state-department'],
    links: [
      'https://www.federalregister.gov/documents/2023/02/23/2023-90301/international-traffic-in-arms-regulations-clarifications-to-definitions',
      'https://www.govinfo.gov/content/pkg/FR-2023-02-23/pdf/2023-90301.pdf',
      'https://www.federalregister.gov/documents/full_text/xml/2023/02/23/2023-90301.xml',
      'https://public-inspection.federalregister.gov/2023-90301.pdf',
    ],
    topics: ['itar'],
    extra: {
      stage: 'published',
      documentType: 'Rule',
      action: 'Final rule.',
      citation: '88 FR 11702',
      dates: 'This rule is effective on March 27, 2023.',
      cfrParts: ['22 CFR 120', '22 CFR 121'],
      regulationIds: ['1400-AF99'],
      docketIds: ['Public Notice: 11990'],
      agencies: ['State Department'],
    },
    listedOn: '2023-02-23',
    remarks:
      'The Department of State is amending the International Traffic in Arms Regulations (ITAR) to clarify definitions in part 120 and to correct cross-references in part 121.',
  },
  {
    id: '2023-90255',
    source: 'us-federal-register',
    list: 'Federal Register',
    kind: 'other',
    name: 'Export Administration Regulations: Revisions to License Exception ACA for Advanced Computing Integrated Circuits',
    aliases: [],
    countries: [],
    addresses: [],
    programs: ['commerce-department', 'industry-and-security-bureau'],
    links: [
      'https://www.federalregister.gov/documents/2023/02/22/2023-90255/export-administration-regulations-revisions-to-license-exception-aca-for-advanced-computing-integrat',
      'https://www.govinfo.gov/content/pkg/FR-2023-02-22/pdf/2023-90255.pdf',
      'https://www.federalregister.gov/documents/full_text/xml/2023/02/22/2023-90255.xml',
      'https://public-inspection.federalregister.gov/2023-90255.pdf',
    ],
    topics: ['export-licence', 'semiconductors'],
    extra: {
      stage: 'published',
      documentType: 'Rule',
      action: 'Interim final rule; request for comments.',
      citation: '88 FR 11431',
      effectiveOn: '2023-02-22',
      commentsCloseOn: '2023-04-24',
      dates:
        'Effective date: This rule is effective February 22, 2023. Comments must be received by BIS no later than April 24, 2023.',
      cfrParts: ['15 CFR 740', '15 CFR 742', '15 CFR 774'],
      regulationIds: ['0694-AJ98'],
      docketIds: ['Docket No. 230215-0041'],
      agencies: ['Commerce Department', 'Industry and Security Bureau'],
    },
    listedOn: '2023-02-22',
    remarks:
      'The Bureau of Industry and Security (BIS) is revising the eligibility of License Exception Advanced Computing Authorized (ACA) for integrated circuits classified under Export Control Classification Numbers 3A090 and 4A090, and is requesting comments on the revisions.',
  },
  {
    id: '2023-90190',
    source: 'us-federal-register',
    list: 'Federal Register',
    kind: 'other',
    name: 'Publication of Russian Harmful Foreign Activities Sanctions Regulations Web General License 99',
    aliases: [],
    countries: [],
    addresses: [],
    programs: ['treasury-department', 'foreign-assets-control-office'],
    links: [
      'https://www.federalregister.gov/documents/2023/02/21/2023-90190/publication-of-russian-harmful-foreign-activities-sanctions-regulations-web-general-license-99',
      'https://www.govinfo.gov/content/pkg/FR-2023-02-21/pdf/2023-90190.pdf',
      'https://www.federalregister.gov/documents/full_text/xml/2023/02/21/2023-90190.xml',
      'https://public-inspection.federalregister.gov/2023-90190.pdf',
    ],
    topics: ['sanctions'],
    extra: {
      stage: 'published',
      documentType: 'Rule',
      action: 'Publication of web general license.',
      citation: '88 FR 11214',
      effectiveOn: '2023-02-21',
      dates: 'GL 99 was issued on February 10, 2023. See SUPPLEMENTARY INFORMATION for additional relevant dates.',
      cfrParts: ['31 CFR 587'],
      agencies: ['Treasury Department', 'Foreign Assets Control Office'],
    },
    listedOn: '2023-02-21',
    remarks:
      "The Department of the Treasury's Office of Foreign Assets Control (OFAC) is publishing a general license (GL) issued in the Russian Harmful Foreign Activities Sanctions program, which was previously made available on OFAC's website.",
  },
  {
    id: '2023-03929',
    source: 'us-federal-register',
    list: 'Federal Register',
    kind: 'other',
    name: 'Additions of Entities to the Entity List',
    aliases: [],
    countries: [],
    addresses: [],
    programs: ['commerce-department', 'industry-and-security-bureau'],
    links: [
      'https://www.federalregister.gov/public-inspection/2023-03929/additions-of-entities-to-the-entity-list',
      'https://public-inspection.federalregister.gov/2023-03929.pdf',
    ],
    topics: ['entity-list', 'export-licence'],
    extra: {
      stage: 'public-inspection',
      documentType: 'Rule',
      publicInspectionAt: '2023-02-24T08:45:00.000-05:00',
      filingType: 'regular',
      numPages: '6',
      docketIds: ['Docket No. 230221-0050'],
      agencies: ['Commerce Department', 'Industry and Security Bureau'],
    },
    listedOn: '2023-02-27',
  },
  {
    id: '2023-90440',
    source: 'us-federal-register',
    list: 'Federal Register',
    kind: 'other',
    name: 'Notice of OFAC Sanctions Actions',
    aliases: [],
    countries: [],
    addresses: [],
    programs: ['treasury-department', 'foreign-assets-control-office'],
    links: [
      'https://www.federalregister.gov/public-inspection/2023-90440/notice-of-ofac-sanctions-actions',
      'https://public-inspection.federalregister.gov/2023-90440.pdf',
    ],
    topics: ['sanctions'],
    extra: {
      stage: 'public-inspection',
      documentType: 'Notice',
      publicInspectionAt: '2023-02-24T16:15:00.000-05:00',
      filingType: 'special',
      numPages: '4',
      agencies: ['Treasury Department', 'Foreign Assets Control Office'],
    },
    listedOn: '2023-02-27',
  },
];

describe('usFederalRegister', () => {
  describe('documents search with the public-inspection desk beside it', () => {
    it('reads poll 1 as the five newest documents and the two desk filings of the queried agencies', async () => {
      const { records, warnings } = await poll(1);

      expect(records).toEqual(EXPECTED_V1);
      expect(warnings).toEqual([]);
    });

    it('leaves out desk filings of agencies outside the query (an Agriculture notice, an IRS notice)', async () => {
      const [first, second] = await Promise.all([poll(1), poll(2)]);

      expect(first.records.map((r) => r.id)).not.toContain('2023-90433');
      expect(second.records.map((r) => r.id)).not.toContain('2023-90510');
      expect(second.records.filter((r) => r.extra.stage === 'public-inspection').map((r) => r.id)).toEqual([
        '2023-90502',
      ]);
    });

    it('shows between two polls a new document, a new filing, an edited document and two filings now published', async () => {
      const [first, second] = await Promise.all([poll(1), poll(2)]);

      expect(changes(first.records, second.records)).toEqual({
        added: ['2023-90461', '2023-90502'],
        removed: [],
        modified: ['2023-03929', '2023-90301', '2023-90440'],
      });
    });

    it('reports the edit of a published document as the one field that changed', async () => {
      const [first, second] = await Promise.all([poll(1), poll(2)]);

      const fields = diffFields(byId(first.records).get('2023-90301')!, byId(second.records).get('2023-90301')!);

      expect(fields).toEqual([{ field: 'extra.effectiveOn', old: null, new: '2023-03-27' }]);
    });

    it('keeps the id when a filing is published, so publication is an update from stage public-inspection to published', async () => {
      const [first, second] = await Promise.all([poll(1), poll(2)]);
      const before = byId(first.records).get('2023-03929')!;
      const after = byId(second.records).get('2023-03929')!;

      const changed = new Map(diffFields(before, after).map((f) => [f.field, f]));

      expect(changed.get('extra.stage')).toMatchObject({ old: 'public-inspection', new: 'published' });
      expect(changed.get('remarks')).toMatchObject({ old: null });
      expect(after.remarks).toMatch(
        /^The Department of Commerce is amending the Export Administration Regulations \(EAR\) by adding 10 entities under 13 entries/,
      );
      expect(after.extra).toMatchObject({
        citation: '88 FR 12170',
        effectiveOn: '2023-02-24',
        cfrParts: ['15 CFR 744'],
        regulationIds: ['0694-AJ13'],
        action: 'Final rule.',
      });
      expect(after.extra.publicInspectionAt).toBeUndefined();
      expect(after.links[0]).toBe(
        'https://www.federalregister.gov/documents/2023/02/27/2023-03929/additions-of-entities-to-the-entity-list',
      );
      expect(after.topics).toEqual(['entity-list', 'export-licence']);
    });

    it('reads a proposed rule and a new desk filing of poll 2 with their topics', async () => {
      const { records } = await poll(2);
      const records2 = byId(records);

      expect(records2.get('2023-90461')).toMatchObject({
        name: 'International Traffic in Arms Regulations: U.S. Munitions List Category XI Revisions',
        listedOn: '2023-02-27',
        programs: ['state-department'],
        topics: ['itar'],
        extra: {
          stage: 'published',
          documentType: 'Proposed Rule',
          commentsCloseOn: '2023-04-28',
          cfrParts: ['22 CFR 121'],
          regulationIds: ['1400-AG01'],
        },
      });
      expect(records2.get('2023-90502')).toMatchObject({
        listedOn: '2023-02-28',
        topics: ['sanctions'],
        extra: {
          stage: 'public-inspection',
          documentType: 'Notice',
          publicInspectionAt: '2023-02-27T08:45:00.000-05:00',
          filingType: 'regular',
        },
      });
    });

    it('lets the published document win when a filing is still on the desk after publication', async () => {
      const { records } = await parseWith(
        usFederalRegister,
        fileDocument(fixture(2, 'documents.json')),
        new Map([['current.json', fileDocument(fixture(1, 'current.json'))]]),
      );

      expect(records).toHaveLength(8);
      expect(records.filter((r) => r.extra.stage !== 'published')).toEqual([]);
    });

    it('reads the documents search alone when no desk lies beside it', async () => {
      const { records } = await parseWith(
        usFederalRegister,
        bufferDocument('documents.json', await readFile(fixture(1, 'documents.json'))),
      );

      expect(records.map((r) => r.id)).toEqual(['2023-90412', '2023-90388', '2023-90301', '2023-90255', '2023-90190']);
      expect(records).toEqual(EXPECTED_V1.slice(0, 5));
    });

    it('reads the desk on its own, as the second download serves it', async () => {
      const { records } = await parseWith(usFederalRegister, fileDocument(fixture(1, 'current.json')));

      expect(records).toEqual(EXPECTED_V1.slice(5));
    });

    it("filters the desk by the query's document types too", async () => {
      const rulesOnly = createFederalRegisterSource({ types: ['RULE'] });

      const { records } = await parseWith(rulesOnly, fileDocument(fixture(1, 'current.json')));

      expect(records.map((r) => r.id)).toEqual(['2023-03929']);
    });

    it('sniffs each file as its own layout', async () => {
      expect((await detectFormat(usFederalRegister, fileDocument(fixture(1, 'documents.json')))).id).toBe(
        'federal-register-documents-json',
      );
      expect((await detectFormat(usFederalRegister, fileDocument(fixture(1, 'current.json')))).id).toBe(
        'federal-register-public-inspection-json',
      );
      expect(
        (await detectFormat(usFederalRegister, bufferDocument('current.json', '{"count":0,"results":[]}'))).id,
      ).toBe('federal-register-public-inspection-json');
    });

    it('reads document types written as query codes the same as display names', async () => {
      const text = (await readFile(fixture(1, 'documents.json'), 'utf8')).replace('"type": "Rule"', '"type": "RULE"');

      const { records } = await parseText(text);

      expect(records.find((r) => r.id === '2023-90301')?.extra.documentType).toBe('Rule');
    });
  });

  describe('refuses what is not a Federal Register answer, naming the source', () => {
    it('refuses a truncated search', async () => {
      const text = await readFile(fixture(1, 'documents.json'), 'utf8');

      const result = parseText(text.slice(0, Math.floor(text.length / 2)));

      await expect(result).rejects.toThrow(SourceFormatError);
      await expect(parseText(text.slice(0, Math.floor(text.length / 2)))).rejects.toThrow(
        /^us-federal-register: parse: documents\.json: truncated: the document ends inside/,
      );
    });

    it('refuses a desk cut short beside a whole search', async () => {
      const whole = await readFile(fixture(1, 'current.json'), 'utf8');
      const desk = whole.slice(0, whole.indexOf('"2023-90440"'));

      const result = parseWith(
        usFederalRegister,
        fileDocument(fixture(1, 'documents.json')),
        new Map([['current.json', bufferDocument('current.json', desk)]]),
      );

      await expect(result).rejects.toThrow(/^us-federal-register: parse: current\.json: truncated/);
    });

    it('refuses an HTML page, in the main file and beside it', async () => {
      const page =
        '<!DOCTYPE html><html><head><title>Federal Register :: Request Access</title></head><body></body></html>';

      await expect(parseText(page)).rejects.toThrow(
        /^us-federal-register: parse: documents\.json is an HTML page \("Federal Register :: Request Access"\)/,
      );
      await expect(
        parseWith(
          usFederalRegister,
          fileDocument(fixture(1, 'documents.json')),
          new Map([['current.json', bufferDocument('current.json', page)]]),
        ),
      ).rejects.toThrow(/^us-federal-register: parse: current\.json is an HTML page/);
    });

    it('refuses an empty body', async () => {
      await expect(parseText('')).rejects.toThrow(/^us-federal-register: parse: documents\.json is empty/);
    });

    it('refuses a search that matched nothing (the API then sends no results at all)', async () => {
      const text = '{"count":0,"description":"Documents from Industry and Security Bureau"}';

      await expect(parseText(text)).rejects.toThrow(
        /^us-federal-register: parse: documents\.json: no "results" array at the top level/,
      );
    });

    it('refuses other layouts: the CSL JSON, an API error, a desk file that is something else', async () => {
      const csl = await readFile(join(root, 'tests/fixtures/csl/consolidated.v1.json'), 'utf8');

      await expect(parseText(csl, 'consolidated.json')).rejects.toThrow(
        /^us-federal-register: parse: consolidated\.json is in an unknown layout \(expected one of: federal-register-documents-json/,
      );
      await expect(parseText('{"errors":{"conditions":{"agencies":"bis is not a valid agency"}}}')).rejects.toThrow(
        /unknown layout/,
      );
      await expect(
        parseWith(
          usFederalRegister,
          fileDocument(fixture(1, 'documents.json')),
          new Map([['current.json', bufferDocument('current.json', csl)]]),
        ),
      ).rejects.toThrow(
        /^us-federal-register: parse: current\.json \(beside documents\.json\) is not a public-inspection desk/,
      );
    });

    it('refuses a result whose fields have the wrong JSON types', async () => {
      const text = JSON.stringify({
        count: 1,
        description: 'x',
        results: [{ document_number: '2023-90001', title: 'A rule', agencies: 'Industry and Security Bureau' }],
      });

      await expect(parseText(text)).rejects.toThrow(
        /^us-federal-register: parse: documents\.json: results\[0\]: agencies is not an array/,
      );
      await expect(
        parseText(
          text.replace(
            '"agencies":"Industry and Security Bureau"',
            '"cfr_references":[{"title":"fifteen","part":744}]',
          ),
        ),
      ).rejects.toThrow(/results\[0\]: cfr_references\[0\]\.title is not a CFR title number/);
    });

    it('skips, with a warning, a result without a number or title, and refuses a search left with none', async () => {
      const text = JSON.stringify({
        count: 2,
        description: 'x',
        results: [{ title: 'No number' }, { document_number: '2023-90001', title: 'Kept' }],
      });

      const { records, warnings } = await parseText(text);

      expect(records.map((r) => r.id)).toEqual(['2023-90001']);
      expect(warnings).toEqual(['results[0]: no document_number; skipped (document_number "")']);
      await expect(
        parseText(JSON.stringify({ count: 1, description: 'x', results: [{ document_number: '2023-90001' }] })),
      ).rejects.toThrow(/documents\.json holds no records/);
    });
  });
});

describe('federalRegisterTopics', () => {
  it.each([
    [
      'entity-list, from the title',
      { title: 'Additions of Entities to the Entity List' },
      ['entity-list', 'export-licence'],
    ],
    [
      'entity-list, from Supplement No. 4 in the abstract',
      { title: 'Revisions to Certain Entries', abstract: 'This rule amends Supplement No. 4 to part 744 of the EAR.' },
      ['entity-list', 'export-licence'],
    ],
    [
      'export-licence, from an EAR part',
      { title: 'Technical Amendments', cfrReferences: [{ title: 15, part: 734 }] },
      ['export-licence'],
    ],
    ['export-licence, from the words', { title: 'Changes to License Exception STA' }, ['export-licence']],
    [
      'no export-licence for 15 CFR outside the EAR',
      { title: 'Weights and Measures', cfrReferences: [{ title: 15, part: 290 }] },
      [],
    ],
    [
      'sanctions, from 31 CFR chapter V',
      { title: 'Iranian Transactions', cfrReferences: [{ title: 31, part: 560 }] },
      ['sanctions'],
    ],
    [
      'sanctions, from the OFAC agency',
      { title: 'Publication of Web General License 12', agencySlugs: ['foreign-assets-control-office'] },
      ['sanctions'],
    ],
    [
      'no export-licence for an OFAC general license',
      {
        title: 'Web General License 12',
        abstract: 'OFAC is publishing a general license.',
        cfrReferences: [{ title: 31, part: 587 }],
      },
      ['sanctions'],
    ],
    [
      'itar, from 22 CFR 120-130',
      { title: 'Amendment to the Regulations', cfrReferences: [{ title: 22, part: 126 }] },
      ['itar'],
    ],
    ['itar, from the words', { title: 'Revisions to the U.S. Munitions List' }, ['itar']],
    [
      'semiconductors',
      { title: 'Supercomputer and Semiconductor Manufacturing Items', cfrReferences: [{ title: 15, part: 744 }] },
      ['export-licence', 'semiconductors'],
    ],
    [
      'nothing for a State exhibition notice',
      { title: 'Culturally Significant Objects Being Imported for Exhibition', agencySlugs: ['state-department'] },
      [],
    ],
  ])('%s', (_label, input, topics) => {
    expect(federalRegisterTopics(input)).toEqual(topics);
  });
});

describe('federalRegisterQueryUrl', () => {
  const fields =
    'fields%5B%5D=abstract&fields%5B%5D=action&fields%5B%5D=agencies&fields%5B%5D=cfr_references&fields%5B%5D=citation&fields%5B%5D=comments_close_on&fields%5B%5D=correction_of&fields%5B%5D=dates&fields%5B%5D=docket_ids&fields%5B%5D=document_number&fields%5B%5D=effective_on&fields%5B%5D=full_text_xml_url&fields%5B%5D=html_url&fields%5B%5D=pdf_url&fields%5B%5D=public_inspection_pdf_url&fields%5B%5D=publication_date&fields%5B%5D=regulation_id_numbers&fields%5B%5D=subtype&fields%5B%5D=title&fields%5B%5D=type';

  it('asks by default for BIS, OFAC and State, newest first, 100 a page, with the fields the parser reads', () => {
    expect(federalRegisterQueryUrl()).toBe(
      'https://www.federalregister.gov/api/v1/documents.json?conditions%5Bagencies%5D%5B%5D=industry-and-security-bureau&conditions%5Bagencies%5D%5B%5D=foreign-assets-control-office&conditions%5Bagencies%5D%5B%5D=state-department&' +
        fields +
        '&order=newest&per_page=100',
    );
  });

  it('takes agencies, types (codes or names), terms and a page size', () => {
    const url = new URL(
      federalRegisterQueryUrl({
        agencies: ['industry-and-security-bureau'],
        types: ['rule', 'Proposed Rule'],
        terms: ' entity   list ',
        perPage: 20,
      }),
    );

    expect(url.searchParams.getAll('conditions[agencies][]')).toEqual(['industry-and-security-bureau']);
    expect(url.searchParams.getAll('conditions[type][]')).toEqual(['RULE', 'PRORULE']);
    expect(url.searchParams.get('conditions[term]')).toBe('entity list');
    expect(url.searchParams.get('per_page')).toBe('20');
    expect(url.searchParams.get('order')).toBe('newest');
    expect(url.search).toContain('conditions%5Bterm%5D=entity+list');
  });

  it('refuses bad options in one message naming each', () => {
    expect(() => federalRegisterQueryUrl({ agencies: ['BIS'], types: ['Memo'], perPage: 1001 })).toThrow(
      'us-federal-register: query: agencies: "BIS" is not an agency slug (e.g. industry-and-security-bureau); types: "Memo" is not one of RULE, PRORULE, NOTICE, PRESDOCU; perPage: 1001 is not a whole number from 1 to 1000',
    );
    expect(() => federalRegisterQueryUrl({ agencies: [] })).toThrow(/agencies: give at least one agency slug/);
    expect(() => federalRegisterQueryUrl({ perPage: 2.5 })).toThrow(/perPage: 2\.5 is not a whole number/);
    expect(() => federalRegisterQueryUrl({ perPage: 0 })).toThrow(RangeError);
  });

  it('gives the desk URL with its fields', () => {
    expect(federalRegisterPublicInspectionUrl()).toBe(
      'https://www.federalregister.gov/api/v1/public-inspection-documents/current.json?fields%5B%5D=agencies&fields%5B%5D=docket_numbers&fields%5B%5D=document_number&fields%5B%5D=editorial_note&fields%5B%5D=filed_at&fields%5B%5D=filing_type&fields%5B%5D=html_url&fields%5B%5D=num_pages&fields%5B%5D=pdf_url&fields%5B%5D=publication_date&fields%5B%5D=raw_text_url&fields%5B%5D=title&fields%5B%5D=type',
    );
  });
});

describe('usFederalRegister metadata', () => {
  it('is a feed polling the search with the desk as its companion, then the desk alone', () => {
    expect(usFederalRegister).toMatchObject({
      id: 'us-federal-register',
      kind: 'feed',
      jurisdiction: 'US',
      schedule: 'rate(5 minutes)',
      expectedRecords: { min: 1, max: 1000 },
      companionNames: ['current.json'],
    });
    expect(usFederalRegister.downloads).toEqual([
      {
        url: federalRegisterQueryUrl(),
        format: 'federal-register-documents-json',
        serves: expect.stringContaining('100 newest documents'),
        companions: { 'current.json': federalRegisterPublicInspectionUrl() },
      },
      {
        url: federalRegisterPublicInspectionUrl(),
        format: 'federal-register-public-inspection-json',
        serves: expect.any(String),
      },
    ]);
    expect(usFederalRegister.formats.map((f) => f.id)).toEqual([
      'federal-register-documents-json',
      'federal-register-public-inspection-json',
      'federal-register-full-text-xml',
      'federal-register-public-inspection-text',
    ]);
    expect(FEDERAL_REGISTER_AGENCIES).toEqual([
      'industry-and-security-bureau',
      'foreign-assets-control-office',
      'state-department',
    ]);
  });

  it('widens the record bound for a larger page', () => {
    expect(createFederalRegisterSource({ perPage: 1000 }).expectedRecords).toEqual({ min: 1, max: 1500 });
  });
});

/**
 * A rule in the GPO layout written for these tests (invented entities): headings in BOXHD, a
 * destination in the same row as its entry, an entry without aliases, a revision, a removal that
 * is not reprinted, an entry the instructions do not quote, and a Supplement No. 7 table that is
 * not the Entity List.
 */
const RULE_XML = `<?xml version="1.0" encoding="UTF-8"?>
<RULE>
<PREAMB>
<AGENCY TYPE="S">DEPARTMENT OF COMMERCE</AGENCY>
<SUBAGY>Bureau of Industry and Security</SUBAGY>
<CFR>15 CFR Part 744</CFR>
<DEPDOC>[Docket No. 230501-0101]</DEPDOC>
<RIN>RIN 0694-AJ77</RIN>
<SUBJECT>Revisions to the Entity List</SUBJECT>
<ACT><HD SOURCE="HED">ACTION:</HD><P>Final rule.</P></ACT>
<EFFDATE><HD SOURCE="HED">DATES:</HD><P>This rule is effective May 10, 2023.</P></EFFDATE>
</PREAMB>
<SUPLINF>
<P>Background prose that is not read.<PRTPAGE P="30002"/></P>
<REGTEXT TITLE="15" PART="744">
<AMDPAR>2. Supplement No. 4 to part 744 is amended:</AMDPAR>
<AMDPAR>a. Under GERMANY, by removing the entry for “Halvard Optik GmbH”;</AMDPAR>
<AMDPAR>b. By adding under IRAN, in alphabetical order, one entity; and</AMDPAR>
<AMDPAR>c. Under RUSSIA, by revising the entry for “Volkov Marine Instruments JSC” and by adding in alphabetical order entries for “Ivan Petrovich Sidorov” and “Severny Amending Works LLC”.</AMDPAR>
<HD SOURCE="HD1">Supplement No. 4 to Part 744—Entity List</HD>
<GPOTABLE COLS="5" OPTS="L1,tp0,p0,8/9,i1" CDEF="xs60,xl75,r50,r50,r50">
<BOXHD><CHED H="1">Country</CHED><CHED H="1">Entity</CHED><CHED H="1">License requirement</CHED><CHED H="1">License review policy</CHED><CHED H="1"><E T="02">Federal Register</E> citation</CHED></BOXHD>
<ROW><ENT I="01">IRAN</ENT><ENT>Parsian Tech Trading Co., Ltd., No. 5 Valiasr Street, Tehran, Iran.</ENT><ENT>For all items subject to the EAR. (See § 744.11 of the EAR)</ENT><ENT>Presumption of denial.</ENT><ENT>88 FR [INSERT FR PAGE NUMBER] 5/10/2023.</ENT></ROW>
<ROW RUL="s"><ENT I="28">*         *         *         *         *         *         *</ENT></ROW>
<ROW><ENT I="01">RUSSIA</ENT><ENT A="03">*         *         *         *         *         *</ENT></ROW>
<ROW><ENT I="22"> </ENT><ENT>Ivan Petrovich Sidorov, ul. Lesnaya 4, Moscow, Russia.</ENT><ENT>For all items subject to the EAR.</ENT><ENT>Policy of denial.</ENT><ENT>88 FR [INSERT FR PAGE NUMBER] 5/10/2023.</ENT></ROW>
<ROW><ENT I="22"> </ENT><ENT>Severny Amending Works LLC, a.k.a., the following alias:<LI>—Sevamzavod.</LI><LI>ul. Lenina 1, Arkhangelsk, Russia.</LI></ENT><ENT>For all items subject to the EAR. (See §§ 734.9(g),<SU>3</SU> 746.8(a)(3), and 744.21(b) of the EAR)</ENT><ENT>Policy of denial.</ENT><ENT>88 FR [INSERT FR PAGE NUMBER] 5/10/2023.</ENT></ROW>
<ROW><ENT I="22"> </ENT><ENT>Volkov Marine Instruments JSC, ul. Morskaya 12, Saint Petersburg, Russia; <E T="03">and</E> Prospekt Mira 3, Murmansk, Russia.</ENT><ENT>For all items subject to the EAR.</ENT><ENT>Policy of denial.</ENT><ENT>85 FR 34495, 6/5/2020. 88 FR [INSERT FR PAGE NUMBER] 5/10/2023.</ENT></ROW>
</GPOTABLE>
<AMDPAR>3. Supplement No. 7 to part 744 is amended by adding under RUSSIA an entry for “Kola Test Range”.</AMDPAR>
<HD SOURCE="HD1">Supplement No. 7 to Part 744—‘Military End-User’ (MEU) List</HD>
<GPOTABLE COLS="3"><BOXHD><CHED H="1">Country</CHED><CHED H="1">Entity</CHED><CHED H="1"><E T="02">Federal Register</E> citation</CHED></BOXHD>
<ROW><ENT I="01">RUSSIA</ENT><ENT>Kola Test Range, Murmansk, Russia.</ENT><ENT>88 FR [INSERT FR PAGE NUMBER] 5/10/2023.</ENT></ROW>
</GPOTABLE>
</REGTEXT>
</SUPLINF>
<FRDOC>[FR Doc. 2023-90777 Filed 5-9-23; 8:45 am]</FRDOC>
</RULE>
`;

describe('parseEntityListRule', () => {
  const parsed = (): { records: RegisterRecord[]; warnings: string[] } => {
    const warnings: string[] = [];
    const rule = parseEntityListRule(RULE_XML, { fileName: '2023-90777.xml', warn: (m) => warnings.push(m) });
    return { records: entityListRecords(rule), warnings };
  };

  it('reads what each instruction does to each entry, and leaves the Supplement No. 7 table out', () => {
    const { records } = parsed();

    expect(records.map((r) => [r.id, r.extra.action])).toEqual([
      ['2023-90777:IR:parsian-tech-trading-co-ltd', 'add'],
      ['2023-90777:RU:ivan-petrovich-sidorov', 'add'],
      ['2023-90777:RU:severny-amending-works-llc', 'add'],
      ['2023-90777:RU:volkov-marine-instruments-jsc', 'revise'],
      ['2023-90777:DE:halvard-optik-gmbh', 'remove'],
    ]);
  });

  it('splits an unquoted entry at the first comma that does not go on with a legal form, with a warning', () => {
    const { records, warnings } = parsed();

    expect(records[0]).toMatchObject({
      name: 'Parsian Tech Trading Co., Ltd.',
      countries: ['IR'],
      addresses: ['No. 5 Valiasr Street, Tehran, Iran'],
      kind: 'organization',
    });
    expect(warnings).toEqual([
      expect.stringMatching(
        /^FR Doc\. 2023-90777: "Parsian Tech Trading Co\., Ltd\., No\. 5 Valiasr Street.*name taken as "Parsian Tech Trading Co\., Ltd\."/,
      ),
    ]);
  });

  it('reads an entry without aliases, one with a single unnumbered alias, and several addresses joined with "and"', () => {
    const { records } = parsed();

    expect(records[1]).toMatchObject({
      name: 'Ivan Petrovich Sidorov',
      aliases: [],
      addresses: ['ul. Lesnaya 4, Moscow, Russia'],
      kind: 'other',
    });
    expect(records[2]).toMatchObject({
      name: 'Severny Amending Works LLC',
      aliases: ['Sevamzavod'],
      addresses: ['ul. Lenina 1, Arkhangelsk, Russia'],
      extra: { footnotes: ['3'] },
    });
    expect(records[3]!.addresses).toEqual([
      'ul. Morskaya 12, Saint Petersburg, Russia',
      'Prospekt Mira 3, Murmansk, Russia',
    ]);
  });

  it('fills the page placeholder of the citation from the first printed page, keeping earlier citations', () => {
    const { records } = parsed();

    expect(records[0]!.extra).toMatchObject({
      frCitation: '88 FR 30001, 5/10/2023',
      frCitationAsPrinted: '88 FR [INSERT FR PAGE NUMBER] 5/10/2023',
      effectiveDate: '2023-05-10',
      rin: '0694-AJ77',
    });
    expect(records[3]!.extra.frCitation).toBe('85 FR 34495, 6/5/2020. 88 FR 30001, 5/10/2023');
  });

  it('makes a record of a removal that is named in the instructions only', () => {
    const { records } = parsed();

    expect(records[4]).toEqual({
      id: '2023-90777:DE:halvard-optik-gmbh',
      source: 'us-federal-register',
      list: 'Entity List (Federal Register)',
      kind: 'organization',
      name: 'Halvard Optik GmbH',
      aliases: [],
      countries: ['DE'],
      addresses: [],
      programs: [],
      links: ['https://www.federalregister.gov/d/2023-90777'],
      topics: ['entity-list'],
      listedOn: '2023-05-10',
      extra: {
        documentNumber: '2023-90777',
        action: 'remove',
        destination: 'GERMANY',
        effectiveDate: '2023-05-10',
        rin: '0694-AJ77',
        ruleSubject: 'Revisions to the Entity List',
        printedInTable: 'no',
      },
    });
  });

  it('refuses malformed XML and a rule without an FR Doc. number, naming the source', () => {
    expect(() => parseEntityListRule(RULE_XML.slice(0, 2000), { fileName: 'cut.xml' })).toThrow(
      /^us-federal-register: parse: cut\.xml: malformed XML: .*unclosed tag/,
    );
    expect(() => parseEntityListRule(RULE_XML.replace(/<FRDOC>.*<\/FRDOC>/, ''), { fileName: 'rule.xml' })).toThrow(
      /^us-federal-register: parse: rule\.xml: no FR Doc\. number/,
    );
    expect(() => parseEntityListRule('<html><body/></html>', { fileName: 'x.xml' })).toThrow(
      /unknown layout: root element <html>/,
    );
  });

  it("is the source's third format, and refuses a document that does not touch the Entity List", async () => {
    const notice = RULE_XML.replace(/<REGTEXT[\s\S]*<\/REGTEXT>/, '');

    const { records } = await parseWith(usFederalRegister, bufferDocument('2023-90777.xml', RULE_XML));

    expect(records).toHaveLength(5);
    await expect(parseWith(usFederalRegister, bufferDocument('2023-90777.xml', notice))).rejects.toThrow(
      /^us-federal-register: parse: 2023-90777\.xml: FR Doc\. 2023-90777 does not amend Supplement No\. 4 to part 744/,
    );
  });
});

describe('matchEntityListRecords', () => {
  const csl = (
    id: string,
    name: string,
    countries: string[],
    aliases: string[] = [],
    list = 'Entity List',
  ): RegisterRecord => ({
    id,
    source: 'us-trade-csl',
    list,
    kind: 'other',
    name,
    aliases,
    countries,
    addresses: [],
    programs: [],
    links: [],
    extra: {},
  });

  it('matches on the normalized name under a shared country, and on aliases either way', () => {
    const entities = entityListRecords(parseEntityListRule(RULE_XML));
    const index = indexEntityListRecords([
      csl('EL:1', 'VOLKOV MARINE INSTRUMENTS, JSC', ['RU']),
      csl('EL:2', 'Volkov Marine Instruments JSC', ['UA']),
      csl('EL:3', 'Sevamzavod', ['RU']),
      csl('EL:4', 'Halvard Optik GmbH', []),
      csl('SDN:5', 'Ivan Petrovich Sidorov', ['RU'], [], 'Specially Designated Nationals'),
    ]);

    const matches = matchEntityListRecords(entities, index);

    expect(index.size).toBe(4);
    expect(matches.map((m) => [m.entity.name, m.record.id, m.on, m.key])).toEqual([
      ['Severny Amending Works LLC', 'EL:3', 'alias', 'RU|sevamzavod'],
      ['Volkov Marine Instruments JSC', 'EL:1', 'name', 'RU|volkov marine instruments jsc'],
      ['Halvard Optik GmbH', 'EL:4', 'name', '*|halvard optik gmbh'],
    ]);
  });

  it('counts Hong Kong as China, as the Entity List does since 2020', () => {
    expect(entityListMatchKey('AOOK Technology Ltd.', 'HK')).toBe(entityListMatchKey('aook technology ltd', 'CN'));
    expect(normalizeEntityName("Électronic's Network & Technology Corp.")).toBe(
      'electronics network and technology corp',
    );
  });
});
