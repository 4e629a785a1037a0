import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countryCode } from '../../functions/core/countries.ts';
import type { RegisterRecord } from '../../functions/core/records.ts';
import { collectRecords, fileDocument } from '../../functions/sources/read/document.ts';
import {
  parseEntityListRule,
  type EntityListRule,
} from '../../functions/sources/formats/federal-register-entity-list.ts';
import { CSL_COLUMNS, cslRecordFromRow, type CslRow } from '../../functions/sources/formats/csl-common.ts';
import { usTradeCsl } from '../../functions/sources/us-trade-csl.ts';
import {
  entityListRecords,
  indexEntityListRecords,
  matchEntityListRecords,
  parseEntityListRawText,
  usFederalRegister,
} from '../../functions/sources/us-federal-register.ts';
import { PROJECT_ROOT } from '../helpers/cli.ts';
import { realFixture } from '../real-fixtures.ts';

const XML = realFixture('federal-register/2023-03929.full_text.xml');

interface Parsed {
  rule: EntityListRule;
  records: RegisterRecord[];
  warnings: string[];
}

let parsed: Promise<Parsed> | undefined;
function parse(): Promise<Parsed> {
  parsed ??= readFile(XML).then((xml) => {
    const warnings: string[] = [];
    const rule = parseEntityListRule(xml, { fileName: '2023-03929.full_text.xml', warn: (m) => warnings.push(m) });
    return { rule, records: entityListRecords(rule), warnings };
  });
  return parsed;
}

async function entry(id: string): Promise<RegisterRecord> {
  const found = (await parse()).records.filter((r) => r.id === id);
  if (found.length !== 1) throw new Error(`${id}: ${found.length} records`);
  return found[0]!;
}

/**
 * Counts read from the raw XML with regular expressions, independent of the parser: the rows of
 * the Supplement No. 4 table that carry a Federal Register citation in their fifth cell (an
 * entry's first row; continuation rows have two cells, the heading row says "citation"), and the
 * destinations the SUMMARY announces ("Canada (2), China (5), …").
 */
async function rawCounts(): Promise<{
  entryRows: number;
  announcedEntries: number;
  byDestination: Record<string, number>;
}> {
  const xml = await readFile(XML, 'utf8');
  const tables = xml.match(/<GPOTABLE[\s>][\s\S]*?<\/GPOTABLE>/g) ?? [];
  const rows = tables.flatMap((table) => table.match(/<ROW[\s>][\s\S]*?<\/ROW>/g) ?? []);
  const entryRows = rows.filter(
    (row) => (row.match(/<ENT[\s>]/g) ?? []).length === 5 && /<ENT>\s*\d+ FR [^<]*<\/ENT>\s*<\/ROW>$/.test(row),
  ).length;
  const summary = /<SUM>([\s\S]*?)<\/SUM>/.exec(xml)![1]!;
  const announcedEntries = Number(/adding \d+ entities under (\d+) entries/.exec(summary)![1]);
  const byDestination: Record<string, number> = {};
  for (const m of summary.matchAll(/([A-Z][a-z]+) \((\d+)\)/g)) byDestination[countryCode(m[1])!] = Number(m[2]);
  return { entryRows, announcedEntries, byDestination };
}

describe('parseEntityListRule on FR Doc. 2023-03929 (Additions of Entities to the Entity List)', () => {
  it('reads every entry of the Supplement No. 4 table, as many as the raw XML has entry rows, without a warning', async () => {
    const { records, warnings } = await parse();
    const raw = await rawCounts();

    expect(raw.entryRows).toBe(13);
    expect(raw.announcedEntries).toBe(13);
    expect(records).toHaveLength(raw.entryRows);
    expect(new Set(records.map((r) => r.id)).size).toBe(records.length);
    expect(warnings).toEqual([]);
  });

  it('puts each entry under its destination, as many per country as the summary announces', async () => {
    const { records } = await parse();
    const raw = await rawCounts();

    const byDestination: Record<string, number> = {};
    for (const record of records) {
      const code = record.id.split(':')[1]!;
      byDestination[code] = (byDestination[code] ?? 0) + 1;
    }

    expect(byDestination).toEqual(raw.byDestination);
    expect(byDestination).toEqual({ CA: 2, CN: 5, FR: 1, LU: 1, NL: 1, RU: 3 });
  });

  it('reads the rule: document number, effective date, RIN, first page, and every entry added', async () => {
    const { rule, records } = await parse();

    expect(rule).toMatchObject({
      documentNumber: '2023-03929',
      subject: 'Additions of Entities to the Entity List',
      action: 'Final rule.',
      effectiveDate: '2023-02-24',
      rin: '0694-AJ13',
      startPage: 12170,
    });
    expect(new Set(records.map((r) => r.extra.action))).toEqual(new Set(['add']));
    expect(new Set(records.map((r) => r.listedOn))).toEqual(new Set(['2023-02-24']));
  });

  it('fills in the citation the filed rule left as a placeholder, and keeps the printed one', async () => {
    const { records } = await parse();

    for (const record of records) {
      expect(record.extra.frCitation).toBe('88 FR 12170, 2/27/2023');
      expect(record.extra.frCitationAsPrinted).toBe('88 FR [INSERT FR PAGE NUMBER AND 2/27/2023]');
    }
  });

  it('reads CPUNTO Inc. under Canada with its one alias and its address', async () => {
    expect(await entry('2023-03929:CA:cpunto-inc')).toMatchObject({
      name: 'CPUNTO Inc.',
      list: 'Entity List (Federal Register)',
      kind: 'organization',
      aliases: ['CPUNTO'],
      countries: ['CA'],
      addresses: ['5929 Route Transcanadienne Ste 130 St. Laurent, Quebec H4T 1Z6 Canada'],
      topics: ['entity-list'],
      links: ['https://www.federalregister.gov/d/2023-03929'],
      extra: {
        documentNumber: '2023-03929',
        destination: 'CANADA',
        licenseRequirement:
          'For all items subject to the EAR. (See §§ 734.9(g), 744.21(b), and 746.8(a)(3) of the EAR)',
        licenseReviewPolicy:
          'Policy of denial for all items subject to the EAR apart from food and medicine designated as EAR99, which will be reviewed on a case-by-case basis. See §§ 746.8(b) and 744.21(e)',
        footnotes: ['3'],
        effectiveDate: '2023-02-24',
      },
    });
  });

  it('reads Electronic Network Inc.: six aliases, and the address printed in the row after its entry', async () => {
    const record = await entry('2023-03929:CA:electronic-network-inc');

    expect(record.aliases).toEqual([
      'Electronic Network',
      'Electronic Network Holdings',
      'Electronic Network Holdings Inc.',
      'Electronic Network Incorporated',
      'Electronic Network Products Inc.',
      "Electronic's Network & Technology Corp.",
    ]);
    expect(record.addresses).toEqual(['145 Montee De Liesse Ste 10 St. Laurent, Quebec H4T 1T9 Canada']);
  });

  it('reads China HEAD Aerospace Technology Co. under China, France and the Netherlands, each with its own addresses', async () => {
    const china = await entry('2023-03929:CN:china-head-aerospace-technology-co');
    const france = await entry('2023-03929:FR:china-head-aerospace-technology-co');
    const netherlands = await entry('2023-03929:NL:china-head-aerospace-technology-co');

    expect(china.extra.destination).toBe("CHINA, PEOPLE'S REPUBLIC OF");
    expect(china.aliases).toHaveLength(7);
    expect(china.aliases).toContain('HEAD Aerospace Netherlands');
    expect(china.addresses).toEqual([
      '5F, Bldg 5, Science and Technology Park, A-2 North Xisanhuan Road, Haidian District, Beijing 100081, P.R. China',
      'Room 01, floor 13, building 5, no. A2 courtyard, west 3rd ring r. Beijing, 10004-8, China',
      'B-11a-02 Keshi Plaza 28 Shangdi Xinxi Rd Beijing 100058 China',
    ]);
    expect(china.extra.addressNotes).toEqual(['See alternate address under France and Netherlands']);
    expect(france.addresses).toEqual(['71 Boulevard national, 92250 La Garenne-Colombes Paris, France']);
    expect(france.aliases).toEqual(china.aliases);
    expect(netherlands).toMatchObject({
      countries: ['NL'],
      addresses: ['Kapteynstraat 1 2201 BB Noordwijk ZH, Netherlands'],
    });
  });

  it('reads Beijing Yunze Technology Co., Ltd. with its three addresses joined by "and"', async () => {
    expect(await entry('2023-03929:CN:beijing-yunze-technology-co-ltd')).toMatchObject({
      name: 'Beijing Yunze Technology Co., Ltd.',
      aliases: ['Beijing Yunze', 'Beijing Yunze Technology Company', 'Yunze Beijing'],
      addresses: [
        'West of Floor 1, Building 7, Jiajia Garden Courtyard 15, Fengtai Beijing 100000 China',
        '201, Floor 2, 36#, Yinhe Garden, Miyun District Beijing 100000 China',
        '402, Floor 4, No. 85, Huilongguan W. Street, Changping District Beijing 102200 China',
      ],
    });
  });

  it('reads Spacety under Luxembourg and Promtekhkomplekt JSC under Russia, whose last name starts inside the "and"', async () => {
    expect(await entry('2023-03929:LU:spacety-co-ltd')).toMatchObject({
      name: 'Spacety Co., Ltd.',
      aliases: [
        'Changsha Tianyi Space Science and Technology Research Institute',
        'Spacety',
        'Spacety Luxembourg S.A.',
      ],
      addresses: ['9, Avenue des Hauts-Fourneaux, L-4362 Esch-Sur-Alzette, Luxembourg'],
    });
    expect(await entry('2023-03929:RU:promtekhkomplekt-jsc')).toMatchObject({
      aliases: [
        'AO TipoMTeXKOMirneKT',
        'Promtech Komplekt',
        'Promtekhkomplekt',
        'Promtekhkomplekt Joint Stock Company',
      ],
      addresses: [
        'MKAD Greenwood Business Park building 9 floor 3, pos. Putilko o, 69 km., Moscow region, 143441, Russia',
        '6/1 Griboyedov Street, OF.23, Tyumen, Tyumen Oblast, Russia',
      ],
      extra: {
        licenseRequirement:
          'For all items subject to the EAR. (See §§ 734.9(g), 746.8(a)(3), and 744.21(b) of the EAR)',
      },
    });
  });

  it('gives the same records through the source, as `tradewatch parse --source us-federal-register` does', async () => {
    const warnings: string[] = [];

    const records = await collectRecords(
      usFederalRegister,
      { main: fileDocument(XML), companions: new Map() },
      { sourceId: usFederalRegister.id, warn: (m) => warnings.push(m) },
    );

    expect(records).toEqual((await parse()).records);
    expect(warnings).toEqual([]);
  });
});

describe('matchEntityListRecords with FR Doc. 2023-03929', () => {
  const EL_LABEL = 'Entity List (EL) - Bureau of Industry and Security';
  const silent = { sourceId: usTradeCsl.id, warn: (): void => undefined };
  /** A CSL Entity List row as trade.gov writes it once the entry reaches the list. */
  const cslRow = (id: string, cells: Partial<CslRow>): RegisterRecord =>
    cslRecordFromRow(
      { ...(Object.fromEntries(CSL_COLUMNS.map((c) => [c, ''])) as CslRow), _id: id, source: EL_LABEL, ...cells },
      silent,
    )!;

  it('finds the CSL records of the same entries, written with other punctuation, case or country code', async () => {
    const { records } = await parse();
    const csl = [
      cslRow('a1', {
        name: 'Electronic Network, Inc.',
        addresses: '145 Montee De Liesse Ste 10, St. Laurent, Quebec, H4T 1T9, CA',
        alt_names: 'Electronic Network; Electronic Network Holdings',
      }),
      cslRow('a2', {
        name: 'AOOK TECHNOLOGY LTD.',
        addresses: 'Rm 803 Chevalier Building, 45-51 Chatham Rd S, Tsim Sha Tsui, Hong Kong, HK',
      }),
      cslRow('a3', {
        name: 'Spacety Luxembourg S.A.',
        addresses: '9, Avenue des Hauts-Fourneaux, Esch-Sur-Alzette, L-4362, LU',
      }),
      cslRow('a4', { name: 'CPUNTO Inc.', addresses: '1 Main Street, Buffalo, NY, 14201, US' }),
    ];

    const matches = matchEntityListRecords(records, indexEntityListRecords(csl));

    expect(matches.map((m) => [m.entity.id, m.record.id, m.on])).toEqual([
      ['2023-03929:CA:electronic-network-inc', 'EL:a1', 'name'],
      ['2023-03929:CN:aook-technology-ltd', 'EL:a2', 'name'],
      ['2023-03929:LU:spacety-co-ltd', 'EL:a3', 'alias'],
    ]);
    // Spacety under China shares the alias but not the country (LU) of the CSL record; CPUNTO Inc. in the US is another company.
  });

  it('finds none of these 2023 additions on the Entity List of the May 2022 CSL', async () => {
    const { records } = await parse();
    const csl = await collectRecords(
      usTradeCsl,
      { main: fileDocument(realFixture('csl/consolidated.2022-05-16.csv')), companions: new Map() },
      silent,
    );

    const index = indexEntityListRecords(csl);

    expect(index.size).toBe(2001);
    expect(matchEntityListRecords(records, index)).toEqual([]);
  });
});

describe('the public-inspection raw text of FR Doc. 2023-03929 against its published full-text XML', () => {
  /** Derived from the XML's text in the layout the desk's raw text has (tests/fixtures/federal-register/README.md). */
  const RAW_TEXT = join(PROJECT_ROOT, 'tests/fixtures/federal-register/2023-03929.public-inspection.2023-02-27.txt');
  const fromRawText = async (): Promise<RegisterRecord[]> => {
    const warnings: string[] = [];
    const records = entityListRecords(
      parseEntityListRawText(await readFile(RAW_TEXT, 'utf8'), {
        fileName: '2023-03929.public-inspection.2023-02-27.txt',
        warn: (m) => warnings.push(m),
      }),
    );
    expect(warnings).toEqual([]);
    return records;
  };

  it('gives the same 13 entries, under the same ids and countries, as the XML', async () => {
    const filed = await fromRawText();
    const { records: printed } = await parse();

    expect(filed.map((r) => r.id).sort()).toEqual(printed.map((r) => r.id).sort());
    expect(filed).toHaveLength(13);
    const countries = (records: RegisterRecord[]): Record<string, string[]> =>
      Object.fromEntries(records.map((r) => [r.id, r.countries]));
    expect(countries(filed)).toEqual(countries(printed));
    const byDestination: Record<string, number> = {};
    for (const record of filed) byDestination[record.countries[0]!] = (byDestination[record.countries[0]!] ?? 0) + 1;
    expect(byDestination).toEqual({ CA: 2, CN: 5, FR: 1, LU: 1, NL: 1, RU: 3 });
  });

  it('gives the same records but for the citation, whose page only the printed rule has', async () => {
    const printed = new Map((await parse()).records.map((r) => [r.id, r]));

    for (const record of await fromRawText()) {
      const { frCitation, frCitationAsPrinted, ...extra } = printed.get(record.id)!.extra;
      expect(record).toEqual({ ...printed.get(record.id)!, extra: { ...extra, frCitation: frCitationAsPrinted } });
      expect(frCitation).toBe('88 FR 12170, 2/27/2023');
    }
  });
});
