import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseWith } from '../../helpers/parse.ts';
import { SourceFormatError } from '../../../functions/core/errors.ts';
import type { RegisterRecord } from '../../../functions/core/records.ts';
import { bufferDocument, detectFormat, fileDocument } from '../../../functions/sources/read/document.ts';
import {
  entityListRecords,
  federalRegisterPublicInspectionRecord,
  parseEntityListRawText,
  usFederalRegister,
} from '../../../functions/sources/us-federal-register.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** FR Doc. 2023-03929 as its public-inspection raw text would print it (see tests/fixtures/federal-register/README.md). */
const FIXTURE_NAME = '2023-03929.public-inspection.2023-02-27.txt';
const FIXTURE = join(root, 'tests/fixtures/federal-register', FIXTURE_NAME);
const fixtureText = readFileSync(FIXTURE, 'utf8');

function read(text: string, fileName = FIXTURE_NAME): { records: RegisterRecord[]; warnings: string[] } {
  const warnings: string[] = [];
  const rule = parseEntityListRawText(text, { fileName, warn: (m) => warnings.push(m) });
  return { records: entityListRecords(rule), warnings };
}

const entry = (records: readonly RegisterRecord[], id: string): RegisterRecord => {
  const found = records.find((r) => r.id === id);
  if (!found) throw new Error(`no record ${id} among ${records.map((r) => r.id).join(', ')}`);
  return found;
};

describe('parseEntityListRawText on the public-inspection raw text of FR Doc. 2023-03929', () => {
  it('reads the 13 entries the instructions add, under their destinations, without a warning', () => {
    const { records, warnings } = read(fixtureText);

    const byCountry: Record<string, number> = {};
    for (const record of records) byCountry[record.id.split(':')[1]!] = (byCountry[record.id.split(':')[1]!] ?? 0) + 1;
    expect(records).toHaveLength(13);
    expect(byCountry).toEqual({ CA: 2, CN: 5, FR: 1, LU: 1, NL: 1, RU: 3 });
    expect(new Set(records.map((r) => r.extra.action))).toEqual(new Set(['add']));
    expect(warnings).toEqual([]);
  });

  it('reads the rule from the manuscript preamble: number, subject, RIN and effective date', () => {
    const rule = parseEntityListRawText(fixtureText, { fileName: FIXTURE_NAME });

    expect(rule).toMatchObject({
      documentNumber: '2023-03929',
      subject: 'Additions of Entities to the Entity List',
      action: 'Final rule.',
      effectiveDate: '2023-02-24',
      rin: '0694-AJ13',
      docket: 'Docket No. 230221-0050',
    });
    expect(rule.startPage).toBeUndefined();
  });

  it('reads CPUNTO Inc. whole: alias, address, license requirement without its footnote mark, policy, and the citation as filed', () => {
    expect(entry(read(fixtureText).records, '2023-03929:CA:cpunto-inc')).toEqual({
      id: '2023-03929:CA:cpunto-inc',
      source: 'us-federal-register',
      list: 'Entity List (Federal Register)',
      kind: 'organization',
      name: 'CPUNTO Inc.',
      aliases: ['CPUNTO'],
      countries: ['CA'],
      addresses: ['5929 Route Transcanadienne Ste 130 St. Laurent, Quebec H4T 1Z6 Canada'],
      programs: [],
      links: ['https://www.federalregister.gov/d/2023-03929'],
      topics: ['entity-list'],
      listedOn: '2023-02-24',
      extra: {
        documentNumber: '2023-03929',
        action: 'add',
        destination: 'CANADA',
        licenseRequirement:
          'For all items subject to the EAR. (See §§ 734.9(g), 744.21(b), and 746.8(a)(3) of the EAR)',
        licenseReviewPolicy:
          'Policy of denial for all items subject to the EAR apart from food and medicine designated as EAR99, which will be reviewed on a case-by-case basis. See §§ 746.8(b) and 744.21(e)',
        frCitation: '88 FR [INSERT FR PAGE NUMBER AND 2/27/2023]',
        footnotes: ['3'],
        effectiveDate: '2023-02-24',
        rin: '0694-AJ13',
        ruleSubject: 'Additions of Entities to the Entity List',
      },
    });
  });

  it('reads wrapped aliases and typographic apostrophes as the typeset XML has them', () => {
    const { records } = read(fixtureText);

    expect(entry(records, '2023-03929:CA:electronic-network-inc').aliases).toEqual([
      'Electronic Network',
      'Electronic Network Holdings',
      'Electronic Network Holdings Inc.',
      'Electronic Network Incorporated',
      'Electronic Network Products Inc.',
      "Electronic's Network & Technology Corp.",
    ]);
    expect(entry(records, '2023-03929:CN:spacety-co-ltd').aliases).toEqual([
      'Changsha Tianyi Space Science and Technology Research Institute',
      'Spacety',
      'Spacety Luxembourg S.A.',
    ]);
    expect(entry(records, '2023-03929:CN:aook-technology-ltd').extra.destination).toBe("CHINA, PEOPLE'S REPUBLIC OF");
  });

  it("gives China HEAD Aerospace Technology Co. under China, France and the Netherlands each its own addresses, in the instructions' order", () => {
    const { records } = read(fixtureText);

    expect(entry(records, '2023-03929:CN:china-head-aerospace-technology-co')).toMatchObject({
      addresses: [
        '5F, Bldg 5, Science and Technology Park, A-2 North Xisanhuan Road, Haidian District, Beijing 100081, P.R. China',
        'Room 01, floor 13, building 5, no. A2 courtyard, west 3rd ring r. Beijing, 10004-8, China',
        'B-11a-02 Keshi Plaza 28 Shangdi Xinxi Rd Beijing 100058 China',
      ],
      extra: { addressNotes: ['See alternate address under France and Netherlands'] },
    });
    expect(entry(records, '2023-03929:FR:china-head-aerospace-technology-co').addresses).toEqual([
      '71 Boulevard national, 92250 La Garenne-Colombes Paris, France',
    ]);
    expect(entry(records, '2023-03929:NL:china-head-aerospace-technology-co')).toMatchObject({
      countries: ['NL'],
      addresses: ['Kapteynstraat 1 2201 BB Noordwijk ZH, Netherlands'],
    });
  });

  it("is sniffed as the source's fourth format and read through it", async () => {
    const { records, warnings } = await parseWith(usFederalRegister, fileDocument(FIXTURE));

    expect((await detectFormat(usFederalRegister, fileDocument(FIXTURE))).id).toBe(
      'federal-register-public-inspection-text',
    );
    expect(records).toEqual(read(fixtureText).records);
    expect(warnings).toEqual([]);
  });
});

/**
 * A filing written for these tests (invented entities), laid out as pdftotext prints a manuscript
 * table at its worst: the other cells of a row before its Entity cell, two Entity cells run
 * together, a heading wrapped in the Country column, a cell broken by a page break, a word broken
 * at a line end, an effective date left as a placeholder, and a removal that is not reprinted.
 */
const CONSTRUCTED = [
  'BILLING CODE 3510-33-P',
  'DEPARTMENT OF COMMERCE',
  'Bureau of Industry and Security',
  '15 CFR Part 744',
  '[Docket No. 240101-0001]',
  'RIN 0694-AZ99',
  'Additions to and Removal From the',
  'Entity List',
  'AGENCY: Bureau of Industry and Security, Department of Commerce.',
  'ACTION: Final rule.',
  'SUMMARY: This rule adds two entries under the United Arab Emirates and removes one under Germany.',
  'DATES: This rule is effective [INSERT DATE OF PUBLICATION IN THE FEDERAL',
  'REGISTER].',
  'SUPPLEMENTARY INFORMATION:',
  'Background',
  '1. This rule is not significant for purposes of Executive Order 12866; it names “Parsian Tech Trading Co.”.',
  'Accordingly, part 744 of the Export Administration Regulations (15 CFR parts 730-774) is',
  'amended as follows:',
  'PART 744—CONTROL POLICY: END-USER AND END-USE BASED',
  '1. The authority citation for 15 CFR part 744 continues to read as follows:',
  'Authority: 50 U.S.C. 4801-4852.',
  '2. Supplement No. 4 to part 744 is amended:',
  'a. Under GERMANY, by removing the entry for “Halvard Optik GmbH”; and',
  'b. Under UNITED ARAB EMIRATES, by adding in alphabetical order, entries for “Parsian Tech',
  'Trading Co., Ltd.” and “Zagros Marine Services”.',
  'The additions read as follows:',
  'Supplement No. 4 to Part 744—Entity List',
  '* * * * *',
  'Country',
  '',
  'Entity',
  '',
  'License requirement',
  '',
  'For all items subject',
  'to the EAR. (See §',
  '744.11 of the EAR)',
  '',
  'Presumption of denial.',
  '',
  '89 FR [INSERT FR',
  'PAGE NUMBER AND',
  'DATE OF',
  'PUBLICATION].',
  '',
  '*******',
  'UNITED ARAB',
  'EMIRATES',
  '',
  'Parsian Tech Trading Co.,',
  'Ltd., a.k.a., the following',
  'alias:',
  '—Parsian Tech.',
  'Office 5, Al Wasl Road, Al-',
  'Safa, Dubai, United Arab',
  'Emirates.',
  'Zagros Marine Services, Jebel',
  'Ali Free Zone, Dubai, United',
  '',
  '\f',
  'Arab Emirates.',
  '',
  'For all items subject',
  'to the EAR. (See §',
  '744.11 of the EAR)',
  '',
  'Presumption of denial.',
  '',
  '89 FR [INSERT FR',
  'PAGE NUMBER AND',
  'DATE OF',
  'PUBLICATION].',
  '',
  '* * * * *',
  'Jane Q. Official,',
  'Assistant Secretary for Export Administration.',
].join('\n');
const CONSTRUCTED_NAME = '2024-99901.public-inspection.2024-01-05.txt';

describe('parseEntityListRawText on a table printed out of row order', () => {
  it('pairs each entry with its cells by column order, and reads the removal from the instructions', () => {
    const { records, warnings } = read(CONSTRUCTED, CONSTRUCTED_NAME);

    expect(records.map((r) => [r.id, r.extra.action])).toEqual([
      ['2024-99901:AE:parsian-tech-trading-co-ltd', 'add'],
      ['2024-99901:AE:zagros-marine-services', 'add'],
      ['2024-99901:DE:halvard-optik-gmbh', 'remove'],
    ]);
    expect(records[0]).toMatchObject({
      name: 'Parsian Tech Trading Co., Ltd.',
      aliases: ['Parsian Tech'],
      addresses: ['Office 5, Al Wasl Road, Al-Safa, Dubai, United Arab Emirates'],
      extra: {
        destination: 'UNITED ARAB EMIRATES',
        licenseRequirement: 'For all items subject to the EAR. (See § 744.11 of the EAR)',
        licenseReviewPolicy: 'Presumption of denial.',
        frCitation: '89 FR [INSERT FR PAGE NUMBER AND DATE OF PUBLICATION]',
      },
    });
    expect(records[1]).toMatchObject({
      name: 'Zagros Marine Services',
      addresses: ['Jebel Ali Free Zone, Dubai, United Arab Emirates'],
      countries: ['AE'],
    });
    expect(records[2]).toMatchObject({
      name: 'Halvard Optik GmbH',
      countries: ['DE'],
      extra: { printedInTable: 'no' },
    });
    expect(warnings).toEqual([]);
  });

  it('reads an effective date left as a placeholder as the scheduled publication date of the file name', () => {
    const rule = parseEntityListRawText(CONSTRUCTED, { fileName: CONSTRUCTED_NAME });

    expect(rule).toMatchObject({
      documentNumber: '2024-99901',
      subject: 'Additions to and Removal From the Entity List',
      effectiveDate: '2024-01-05',
      rin: '0694-AZ99',
    });
    expect(parseEntityListRawText(CONSTRUCTED, { fileName: '2024-99901.txt' }).effectiveDate).toBeUndefined();
  });

  it('leaves a column empty, with a warning, when its cells cannot be paired with the entries', () => {
    const text = CONSTRUCTED.replace('Presumption of denial.\n\n89 FR', 'Case-by-case review.\n\n89 FR');
    const withExtraCell = text.replace('* * * * *\nJane', 'Policy of denial.\n\n* * * * *\nJane');

    const { records, warnings } = read(withExtraCell, CONSTRUCTED_NAME);

    expect(records[0]!.extra.licenseReviewPolicy).toBeUndefined();
    expect(records[0]!.extra.licenseRequirement).toBe('For all items subject to the EAR. (See § 744.11 of the EAR)');
    expect(warnings).toEqual([
      "FR Doc. 2024-99901: the License review policy column has 3 cells for 2 entries, saying different things; left empty (the published rule's full text will fill it in)",
    ]);
  });
});

describe('parseEntityListRawText on bad input', () => {
  const refusal = (text: string, fileName = FIXTURE_NAME): string => {
    try {
      parseEntityListRawText(text, { fileName });
    } catch (error) {
      expect(error).toBeInstanceOf(SourceFormatError);
      return (error as Error).message;
    }
    throw new Error('not refused');
  };

  it('refuses a text cut off inside the table, naming the file and the entries it lacks', () => {
    const cut = fixtureText.slice(0, fixtureText.lastIndexOf('Innovation and'));

    expect(refusal(cut)).toMatch(
      /^us-federal-register: parse: 2023-03929\.public-inspection\.2023-02-27\.txt: FR Doc\. 2023-03929: 2 of the 13 entries the instructions add or revise were not found in the table \("Innovation and Technologies LLC" under RUSSIA; "Promtekhkomplekt JSC" under RUSSIA\): the text is truncated/,
    );
  });

  it('refuses a text that ends before the table', () => {
    const cut = fixtureText.slice(0, fixtureText.indexOf('Supplement No. 4 to Part 744—Entity List'));

    expect(refusal(cut)).toMatch(/FR Doc\. 2023-03929: no Supplement No\. 4 table after the instructions/);
  });

  it('refuses a filing that does not amend the Entity List, an empty text, an HTML page, and a text of another document', () => {
    const notice = fixtureText.slice(0, fixtureText.indexOf('Accordingly, part 744'));

    expect(refusal(notice)).toMatch(/2023-03929\.public-inspection\.2023-02-27\.txt: no regulatory text/);
    expect(
      refusal(
        fixtureText.replace(
          /2\. Supplement No\. 4 to part 744 is amended:[\s\S]*?(?=Supplement No\. 4 to Part 744—Entity List)/,
          '2. Section 744.21 is amended by revising paragraph (b).\n',
        ),
      ),
    ).toMatch(/does not amend Supplement No\. 4 to part 744/);
    expect(refusal('\n \n')).toMatch(/: empty/);
    expect(refusal('<!DOCTYPE html><html><title>Request Access</title></html>')).toMatch(/is an HTML page/);
    expect(refusal(fixtureText, '2023-99999.public-inspection.txt')).toMatch(
      /the text is FR Doc\. 2023-03929, not 2023-99999/,
    );
  });

  it("as the source's follow-up format, turns a refusal into a warning and no entries, so the filing stays a document-level alert", async () => {
    const cut = fixtureText.slice(0, fixtureText.lastIndexOf('Innovation and'));
    const warnings: string[] = [];
    const records: RegisterRecord[] = [];

    const format = usFederalRegister.formats.find((f) => f.id === 'federal-register-public-inspection-text')!;
    for await (const record of format.parse(
      { main: bufferDocument(FIXTURE_NAME, cut), companions: new Map() },
      { sourceId: 'us-federal-register', warn: (m) => warnings.push(m) },
    ))
      records.push(record);

    expect(records).toEqual([]);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^us-federal-register: parse: 2023-03929\.public-inspection\.2023-02-27\.txt: FR Doc\. 2023-03929: 2 of the 13 entries .*; the filing is alerted as a document only, and its Entity List entries will be read from the published rule's full text$/,
      ),
    ]);
  });
});

describe('usFederalRegister follow-ups', () => {
  const desk = JSON.parse(readFileSync(join(root, 'tests/fixtures/federal-register/1/current.json'), 'utf8')) as {
    results: Record<string, unknown>[];
  };
  const filing = (changes: Record<string, unknown>): RegisterRecord =>
    federalRegisterPublicInspectionRecord(
      { ...desk.results[0]!, ...changes },
      { sourceId: 'us-federal-register', warn: () => undefined },
    )!;

  it('follows an Entity List filing on the desk to its raw text, named with its number and scheduled date', () => {
    const record = filing({
      raw_text_url: 'https://www.federalregister.gov/public-inspection/raw_text/202/303/929.txt',
    });

    expect(record.links).toContain('https://www.federalregister.gov/public-inspection/raw_text/202/303/929.txt');
    expect(usFederalRegister.followUps!(record)).toEqual([
      {
        url: 'https://www.federalregister.gov/public-inspection/raw_text/202/303/929.txt',
        name: '2023-03929.public-inspection.2023-02-27.txt',
        format: 'federal-register-public-inspection-text',
        optional: true,
      },
    ]);
  });

  it('does not follow a filing without raw text, or one that is not about the Entity List', () => {
    expect(usFederalRegister.followUps!(filing({}))).toEqual([]);
    expect(
      usFederalRegister.followUps!(
        filing({
          title: 'Notice of OFAC Sanctions Actions',
          raw_text_url: 'https://www.federalregister.gov/public-inspection/raw_text/202/390/440.txt',
        }),
      ),
    ).toEqual([]);
  });
});
