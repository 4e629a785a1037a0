/**
 * The five registered feed sources on their fixtures (tests/fixtures/feeds/<id>: invented items in
 * each publisher's feed flavour, two successive versions).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentHash, type RegisterRecord } from '../../../functions/core/records.ts';
import { fileDocument } from '../../../functions/sources/read/document.ts';
import { euSanctionsNews } from '../../../functions/sources/eu-sanctions-news.ts';
import { nlExportControlNews } from '../../../functions/sources/nl-export-control-news.ts';
import { SOURCES, findSource } from '../../../functions/sources/registry.ts';
import type { RegisterSource } from '../../../functions/sources/types.ts';
import { ukEcjuNotices } from '../../../functions/sources/uk-ecju-notices.ts';
import { usBisPress } from '../../../functions/sources/us-bis-press.ts';
import { usOfacRecentActions } from '../../../functions/sources/us-ofac-recent-actions.ts';
import { PROJECT_ROOT } from '../../helpers/cli.ts';
import { byId, parseWith } from '../../helpers/parse.ts';

const FIXTURES = join(PROJECT_ROOT, 'tests', 'fixtures', 'feeds');

interface FeedCase {
  source: RegisterSource;
  list: string;
  /** File name as the live URL gives it, and its fixture stem. */
  file: string;
  added: string;
  edited: string;
  refetched: string;
  gone: string;
}

const OFAC = 'https://content.govdelivery.com/accounts/USTREAS/bulletins/';
const FR = 'https://www.federalregister.gov/d/';
const GOVUK = 'tag:www.gov.uk,2005:/government/publications/notice-to-exporters-';
const PRESS = 'https://ec.europa.eu/commission/presscorner/detail/en/';
const RO = 'https://www.rijksoverheid.nl/actueel/nieuws/';

const CASES: FeedCase[] = [
  {
    source: usOfacRecentActions,
    list: 'OFAC Recent Actions',
    file: 'feed.rss',
    added: `${OFAC}9fa2d90`,
    edited: `${OFAC}9fa0b22`,
    refetched: `${OFAC}9fa1c01`,
    gone: `${OFAC}9f9e7d4`,
  },
  {
    source: usBisPress,
    list: 'BIS Federal Register documents',
    file: 'documents.rss',
    added: `${FR}2099-90555`,
    edited: `${FR}2099-90377`,
    refetched: `${FR}2099-90412`,
    gone: `${FR}2099-90301`,
  },
  {
    source: ukEcjuNotices,
    list: 'ECJU notices to exporters',
    file: 'all.atom',
    added: `${GOVUK}209992-iran-export-restrictions`,
    edited: `${GOVUK}209990-russia-sanctions-export-restrictions`,
    refetched: `${GOVUK}209991-new-open-general-export-licence`,
    gone: `${GOVUK}209989-spire-maintenance`,
  },
  {
    source: euSanctionsNews,
    list: 'European Commission press releases',
    file: 'presscorner.rss',
    added: `${PRESS}statement_99_9130`,
    edited: `${PRESS}ip_99_9101`,
    refetched: `${PRESS}ip_99_9050`,
    gone: `${PRESS}mex_99_9077`,
  },
  {
    source: nlExportControlNews,
    list: 'Rijksoverheid export control news',
    file: 'rijksoverheid.rss',
    added: `${RO}2099/01/22/minister-besluit-over-vergunningen-voor-export-van-chipmachines-naar-china`,
    edited: `${RO}2099/01/08/douane-onderschept-zending-goederen-voor-rusland`,
    refetched: `${RO}2099/01/15/kabinet-breidt-vergunningplicht-uit-voor-geavanceerde-halfgeleiderapparatuur`,
    gone: `${RO}2098/12/18/jaarverslag-strategische-goederen-gepubliceerd`,
  },
];

function fixture(source: RegisterSource, file: string, version: 1 | 2): string {
  const dot = file.lastIndexOf('.');
  return join(FIXTURES, source.id, `${file.slice(0, dot)}.v${version}${file.slice(dot)}`);
}

async function parseVersion(
  source: RegisterSource,
  file: string,
  version: 1 | 2,
): Promise<{ records: RegisterRecord[]; warnings: string[] }> {
  return parseWith(source, fileDocument(fixture(source, file, version), file));
}

describe.each(CASES)('$source.id', ({ source, list, file, added, edited, refetched, gone }) => {
  it('is a registered feed polled every 5 minutes from one https feed in the feed-xml format, with plausible bounds', () => {
    expect(findSource(source.id)).toBe(source);
    expect(source.kind).toBe('feed');
    expect(source.schedule).toBe('rate(5 minutes)');
    expect(source.expectedRecords).toEqual({ min: 1, max: 300 });
    expect(source.formats.map((format) => format.id)).toEqual(['feed-xml']);
    for (const download of source.downloads) {
      expect(new URL(download.url).protocol).toBe('https:');
      expect(download.format).toBe('feed-xml');
    }
    expect(source.homepage).toMatch(/^https:\/\//);
  });

  it('reads both versions whole, without a warning, under its own list name', async () => {
    for (const version of [1, 2] as const) {
      const { records, warnings } = await parseVersion(source, file, version);
      expect(warnings).toEqual([]);
      expect(records).toHaveLength(3);
      expect(new Set(records.map((r) => r.list))).toEqual(new Set([list]));
      expect(
        records.every(
          (r) =>
            r.kind === 'other' &&
            r.source === source.id &&
            r.links.length === 1 &&
            /^\d{4}-\d{2}-\d{2}$/.test(r.listedOn ?? ''),
        ),
      ).toBe(true);
    }
  });

  it('sees, from version 1 to 2, one new item, one edited item, and an unchanged item however re-fetched', async () => {
    const before = byId((await parseVersion(source, file, 1)).records);
    const after = byId((await parseVersion(source, file, 2)).records);
    expect([...after.keys()].filter((id) => !before.has(id))).toEqual([added]);
    expect([...before.keys()].filter((id) => !after.has(id))).toEqual([gone]);
    const changed = [...after.keys()].filter(
      (id) => before.has(id) && contentHash(before.get(id)!) !== contentHash(after.get(id)!),
    );
    expect(changed).toEqual([edited]);
    expect(contentHash(after.get(refetched)!)).toBe(contentHash(before.get(refetched)!));
  });

  it('bundles the same two versions as demo/<id>/1 and 2', async () => {
    for (const version of [1, 2] as const) {
      expect(await readFile(join(PROJECT_ROOT, 'demo', source.id, String(version), file), 'utf8')).toBe(
        await readFile(fixture(source, file, version), 'utf8'),
      );
    }
  });
});

describe('the feeds as their publishers write them', () => {
  it('OFAC: the GovDelivery bulletin link is the id, the bulletin HTML is reduced to its text, the date is US Eastern', async () => {
    const record = byId((await parseVersion(usOfacRecentActions, 'feed.rss', 1)).records).get(`${OFAC}9fa1c01`)!;
    expect(record).toMatchObject({
      list: 'OFAC Recent Actions',
      name: 'Russia-related Designations; Issuance of Russia-related General License',
      links: [`${OFAC}9fa1c01`],
      listedOn: '2099-10-14',
      remarks:
        'Recent Actions The Department of the Treasury’s Office of Foreign Assets Control (OFAC) has designated KESTREL HARBOUR LOGISTICS LLC and two vessels, and issued Russia-related General License 199Z. Read the notice',
      topics: ['russia', 'sanctions'],
      extra: { published: '2099-10-14T14:31:07Z' },
    });
  });

  it('BIS: the Federal Register guid is the id, the document type a category, the abstract gives the topics', async () => {
    const record = byId((await parseVersion(usBisPress, 'documents.rss', 1)).records).get(`${FR}2099-90412`)!;
    expect(record).toMatchObject({
      name: 'Additions to the Entity List',
      list: 'BIS Federal Register documents',
      links: ['https://www.federalregister.gov/documents/2099/03/03/2099-90412/additions-to-the-entity-list'],
      listedOn: '2099-03-03',
      topics: ['china', 'entity-list', 'export-controls', 'russia'],
      extra: { published: '2099-03-03T05:00:00Z', categories: ['Rule'] },
    });
    const aca = byId((await parseVersion(usBisPress, 'documents.rss', 1)).records).get(`${FR}2099-90377`)!;
    expect(aca.remarks).toBe('BIS revises License Exception ACA for certain integrated circuits & related software.');
    expect(aca.topics).toEqual(['export-controls', 'export-licence', 'semiconductors']);
  });

  it('ECJU: the GOV.UK tag URI is the id, the public timestamp the date, and a major change an edit', async () => {
    const before = byId((await parseVersion(ukEcjuNotices, 'all.atom', 1)).records).get(
      `${GOVUK}209990-russia-sanctions-export-restrictions`,
    )!;
    const after = byId((await parseVersion(ukEcjuNotices, 'all.atom', 2)).records).get(
      `${GOVUK}209990-russia-sanctions-export-restrictions`,
    )!;
    expect(before).toMatchObject({
      listedOn: '2099-06-05',
      links: [
        'https://www.gov.uk/government/publications/notice-to-exporters-209990-russia-sanctions-export-restrictions',
      ],
      topics: ['russia', 'sanctions'],
    });
    expect(after).toMatchObject({
      listedOn: '2099-06-19',
      extra: { published: '2099-06-19T09:00:00Z' },
      topics: ['export-licence', 'russia', 'sanctions'],
    });
    const ogel = byId((await parseVersion(ukEcjuNotices, 'all.atom', 1)).records).get(
      `${GOVUK}209991-new-open-general-export-licence`,
    )!;
    expect(ogel.topics).toEqual(['dual-use', 'export-licence']);
  });

  it('EU: a Commission item off the subject gets no topic, a sanctions package and a dual-use update do', async () => {
    const records = byId((await parseVersion(euSanctionsNews, 'presscorner.rss', 1)).records);
    expect(records.get(`${PRESS}mex_99_9077`)!.topics).toBeUndefined();
    expect(records.get(`${PRESS}ip_99_9101`)!.topics).toEqual(['dual-use', 'russia', 'sanctions']);
    expect(records.get(`${PRESS}ip_99_9050`)!.topics).toEqual(['dual-use', 'export-controls']);
    const edited = byId((await parseVersion(euSanctionsNews, 'presscorner.rss', 2)).records).get(`${PRESS}ip_99_9101`)!;
    expect(edited.topics).toEqual(['belarus', 'dual-use', 'russia', 'sanctions']);
  });

  it('NL: Dutch items get their topics from the Dutch words, dated in Amsterdam time', async () => {
    const records = byId((await parseVersion(nlExportControlNews, 'rijksoverheid.rss', 2)).records);
    expect(
      records.get(`${RO}2099/01/22/minister-besluit-over-vergunningen-voor-export-van-chipmachines-naar-china`),
    ).toMatchObject({
      listedOn: '2099-01-22',
      extra: { published: '2099-01-22T16:15:00Z' },
      topics: ['china', 'export-licence', 'semiconductors'],
    });
    expect(records.get(`${RO}2099/01/08/douane-onderschept-zending-goederen-voor-rusland`)!.topics).toEqual([
      'russia',
      'sanctions',
    ]);
  });

  it('registers every feed after the registers, each once', () => {
    const ids = SOURCES.map((s) => s.id);
    for (const { source } of CASES) expect(ids.filter((id) => id === source.id)).toEqual([source.id]);
  });
});
