/**
 * China's lists rebuilt from the twelve transcribed announcements in ../shared/fixtures/cn-mofcom and
 * cn-mfa-countermeasures. The expected names and statuses below are written out by hand from the
 * texts, not from the parser: each group cites the announcement that lists it and the ones that
 * change its measures.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalRecord, type RegisterRecord } from '../../functions/core/records.ts';
import {
  INDEX_PAGES,
  SEED_ANNOUNCEMENTS,
  cnMofcomLists,
  createCnMofcomLists,
} from '../../functions/sources/cn-mofcom-lists.ts';
import { parseAnnouncement, type Announcement } from '../../functions/sources/formats/cn-announcement-text.ts';
import { HISTORIC_ANNOUNCEMENTS } from '../../functions/sources/formats/cn-baseline.ts';
import { buildListRecords } from '../../functions/sources/formats/cn-list-state.ts';
import { bufferDocument } from '../../functions/sources/read/document.ts';
import type { ParseContext } from '../../functions/sources/types.ts';
import { addedEventTopics } from '../helpers/event-topics.ts';
import { realFixture } from '../real-fixtures.ts';

const FOLDERS = [
  'cn-mofcom/unreliable-entity-list',
  'cn-mofcom/unreliable-entity-list-updates',
  'cn-mofcom/export-control-control-list',
  'cn-mfa-countermeasures',
];
const FILES = FOLDERS.flatMap((folder) => readdirSync(realFixture(folder)).map((name) => `${folder}/${name}`));
const text = (file: string): string => readFileSync(realFixture(file), 'utf8');

const warnings: string[] = [];
const announcements: Announcement[] = FILES.map((file) =>
  parseAnnouncement(text(file), { name: file, sourceId: 'cn-mofcom-lists', warn: (m) => warnings.push(m) }),
);
const records = buildListRecords(announcements, { sourceId: 'cn-mofcom-lists', warn: (m) => warnings.push(m) });

interface Expected {
  readonly list: string;
  readonly names: readonly string[];
  readonly status: 'in-force' | 'suspended' | 'lifted';
  readonly suspendedUntil?: string;
  readonly liftedOn?: string;
}

const EXPECTED: readonly Expected[] = [
  {
    // 不可靠实体清单工作机制公告〔2023〕1号 (2023-02-16); no later text changes 〔2023〕1号.
    list: 'Unreliable Entity List',
    names: ['Lockheed Martin Corporation', 'Raytheon Missiles & Defense'],
    status: 'in-force',
  },
  {
    // 〔2025〕1号 (2025-01-02), inline; the answer of 2025-11-05 stops 〔2025〕5号 and 6号, not 1号.
    list: 'Unreliable Entity List',
    names: [
      'Lockheed Martin Missiles and Fire Control',
      'Lockheed Martin Aeronautics',
      'Lockheed Martin Missile System Integration Lab',
      'Lockheed Martin Advanced Technology Laboratories',
      'Lockheed Martin Ventures',
      'Raytheon/Lockheed Martin Javelin Joint Venture',
      'Raytheon Missile Systems',
      'General Dynamics Ordnance and Tactical Systems',
      'General Dynamics Information Technology',
      'General Dynamics Mission Systems',
    ],
    status: 'in-force',
  },
  {
    // 〔2025〕7号 (2025-04-04), annex of 11. Answer of 2025-05-14: suspended from 2025-05-14 for 90
    // days; 2025-08-12: 继续暂停 90 days from 2025-08-12 (to 2025-11-10); 2025-11-05: from 2025-11-10
    // 继续暂停 1 year → until 2026-11-10.
    list: 'Unreliable Entity List',
    names: [
      'Skydio Inc.',
      'BRINC Drones,Inc.',
      'Red Six Solutions',
      'SYNEXXUS,Inc.',
      'Firestorm Labs,Inc.',
      'Kratos Unmanned Aerial Systems,Inc.',
      'HavocAI',
      'Neros Technologies',
      'Domo Tactical Communications',
      'Rapid Flight LLC',
      'Insitu,Inc.',
    ],
    status: 'suspended',
    suspendedUntil: '2026-11-10',
  },
  {
    // 〔2025〕8号 (2025-04-09, in force 2025-04-10), inline. 2025-05-14: 暂停 (no end); 2025-08-12:
    // 停止 → lifted from 2025-08-12.
    list: 'Unreliable Entity List',
    names: [
      'Shield AI,Inc.',
      'Sierra Nevada Corporation',
      'Cyberlux Corporation',
      'Edge Autonomy Operations LLC',
      'Group W',
      'Hudson Technologies Co.',
    ],
    status: 'lifted',
    liftedOn: '2025-08-12',
  },
  {
    // 〔2025〕10号 (2025-10-09), 14 foreign entities, the 14th with its branches; unchanged since.
    list: 'Unreliable Entity List',
    names: [
      'Dedrone by Axon',
      'DZYNE Technologies',
      'Elbit Systems of America, LLC',
      'Epirus, Inc.',
      'AeroVironment, Inc.',
      'Exelis Inc.',
      'Alliant Techsystems Operations LLC',
      'BAE Systems, Inc.',
      'Teledyne FLIR, LLC',
      'VSE Corporation',
      'Cubic Global Defense',
      'Recorded Future, Inc.',
      'Halifax International Security Forum',
      'TechInsights Inc.',
    ],
    status: 'in-force',
  },
  {
    // 商务部公告2025年第1号 (2025-01-02), 28 US entities (the 29th item is empty); no change since.
    list: 'Export Control Control List',
    names: [
      'General Dynamics',
      'L3 Harris Technologies',
      'Intelligent Epitaxy Technology',
      'Clear Align LLC',
      'Boeing Defense, Space & Security',
      'Lockheed Martin Corporation',
      'Raytheon Missiles & Defense',
      'Lockheed Martin Missiles and Fire Control',
      'Lockheed Martin Aeronautics',
      'Raytheon/Lockheed Martin Javelin Joint Venture',
      'Raytheon Missile Systems',
      'General Dynamics Ordnance and Tactical Systems',
      'General Dynamics Information Technology',
      'General Dynamics Mission Systems',
      'Inter-Coastal Electronics',
      'System Studies & Simulation',
      'IronMountain Solutions',
      'Applied Technologies Group',
      'Axient',
      'Lockheed Martin Missile System Integration Lab',
      'Lockheed Martin Advanced Technology Laboratories',
      'Lockheed Martin Ventures',
      'Anduril Industries',
      'Maritime Tactical Systems',
      'Pacific Rim Defense',
      'AEVEX Aerospace',
      'LKD Aerospace',
      'Summit Technologies Inc.',
    ],
    status: 'in-force',
  },
  {
    // 商务部公告2026年第11号 (2026-02-24), 20 Japanese entities.
    list: 'Export Control Control List',
    names: [
      'Mitsubishi Heavy Industries Shipbuilding Co.',
      'Mitsubishi Heavy Industries Aero Engines, Ltd.',
      'Mitsubishi Heavy Industries Marine Machinery & Equipment Co., Ltd.',
      'Mitsubishi Heavy Industries Engine & Turbocharger, Ltd.',
      'Mitsubishi Heavy Industries Maritime Systems, Ltd.',
      'Kawasaki Heavy Industries Aerospace Systems Company',
      'KAWAJU Gifu Engineering Co., Ltd.',
      'Fujitsu Defense & National Security, Ltd.',
      'IHI Power Systems Co., Ltd.',
      'IHI Master Metal Co., Ltd.',
      'IHI Jet Service Co., Ltd.',
      'IHI Aerospace Co., Ltd.',
      'IHI Aero Manufacturing Co., Ltd.',
      'IHI Aerospace Engineering Co., Ltd.',
      'NEC Network and Sensor Systems, Ltd.',
      'NEC Aerospace Systems, Ltd.',
      'Japan Marine United Corporation',
      'JMU Defense Systems Co., Ltd.',
      'National Defense Academy of Japan',
      'Japan Aerospace Exploration Agency',
    ],
    status: 'in-force',
  },
  {
    // 外交部令第14号 (2024-12-05): 13 companies and 6 persons.
    list: 'Countermeasure List (Anti-Foreign Sanctions Law)',
    names: [
      'Teledyne Brown Engineering, Inc.',
      'BRINC Drones, Inc.',
      'Rapid Flight LLC',
      'Red Six Solutions',
      'Shield AI, Inc.',
      'SYNEXXUS, Inc.',
      'Firestorm Labs, Inc.',
      'Kratos Unmanned Aerial Systems, Inc.',
      'HavocAI',
      'Neros Technologies',
      'Cyberlux Corporation',
      'Domo Tactical Communications',
      'Group W',
      'Barbara Borgonovi',
      'Gerard Hueber',
      'Charles Woodburn',
      'Richard D. Crawford',
      'Amber Dolan',
      'Blake Resnick',
    ],
    status: 'in-force',
  },
  {
    // 外交部令第19号 (2025-12-26): 20 companies and 10 persons.
    list: 'Countermeasure List (Anti-Foreign Sanctions Law)',
    names: [
      'Northrop Grumman Systems Corporation',
      'L3Harris Maritime Services',
      'Boeing in St. Louis',
      'Gibbs & Cox, Inc.',
      'Advanced Acoustic Concepts',
      'VSE Corporation',
      'Sierra Technical Services, Inc.',
      'Red Cat Holdings, Inc.',
      'Teal Drones, Inc.',
      'ReconCraft',
      'High Point Aerotechnologies',
      'Epirus, Inc.',
      'Dedrone Holdings Inc.',
      'Area-I',
      'Blue Force Technologies',
      'Dive Technologies',
      'Vantor',
      'Intelligent Epitaxy Technology, Inc.',
      'Rhombus Power Inc.',
      'Lazarus Enterprises Inc.',
      'Palmer Luckey',
      'John Cantillon',
      'Michael J. Carnovale',
      'John A. Cuomo',
      'Mitch McDonald',
      'Anshuman Roy',
      'Dan Smoot',
      'Aaditya Devarakonda',
      'Ann Wood',
      'Jay Hoflich',
    ],
    status: 'in-force',
  },
];

const entities = records.filter((r) => r.list !== 'MOFCOM and MFA announcements');
const entity = (list: string, name: string): RegisterRecord | undefined =>
  entities.find((r) => r.list === list && r.name === name);

describe('China lists rebuilt from the real announcements', () => {
  it('reads all twelve texts and every entity they name: 43 UEL, 48 control list, 49 MFA, once each', () => {
    expect(announcements).toHaveLength(12);
    const expectedCount = EXPECTED.reduce((sum, group) => sum + group.names.length, 0);
    expect(expectedCount).toBe(140);
    expect(entities).toHaveLength(140);
    expect(new Set(entities.map((r) => r.id)).size).toBe(140);
    for (const group of EXPECTED) for (const name of group.names) expect(entity(group.list, name), name).toBeDefined();
  });

  it('names each entity with its current status after the suspensions, extensions and stops', () => {
    for (const group of EXPECTED)
      for (const name of group.names) {
        const extra = entity(group.list, name)!.extra;
        expect({ name, status: extra.status, until: extra.suspendedUntil, lifted: extra.liftedOn }).toEqual({
          name,
          status: group.status,
          until: group.suspendedUntil,
          lifted: group.liftedOn,
        });
      }
  });

  it('reads the answers as changes by number, and says which numbers it has no text of', () => {
    const answers = announcements.filter((a) => a.ref.startsWith('mofcom-qa-')).map((a) => [a.ref, a.changes]);
    expect(answers).toEqual([
      [
        'mofcom-qa-2025-05-14',
        [
          { type: 'suspend', target: 'uel-2025-7', from: '2025-05-14', until: '2025-08-12' },
          { type: 'suspend', target: 'uel-2025-8', from: '2025-05-14' },
        ],
      ],
      [
        'mofcom-qa-2025-08-12',
        [
          { type: 'extend', target: 'uel-2025-7', from: '2025-08-12', until: '2025-11-10' },
          { type: 'lift', target: 'uel-2025-8', from: '2025-08-12' },
        ],
      ],
      [
        'mofcom-qa-2025-11-05',
        [
          { type: 'extend', target: 'uel-2025-7', from: '2025-11-10', until: '2026-11-10' },
          { type: 'lift', target: 'uel-2025-5', from: '2025-11-10' },
          { type: 'lift', target: 'uel-2025-6', from: '2025-11-10' },
        ],
      ],
    ]);
    expect(warnings.filter((w) => w.includes('no announcement read lists'))).toHaveLength(2);
    expect(warnings.filter((w) => w.includes('empty annex item "29."'))).toHaveLength(1);
  });

  it('keeps the persons, their positions and the branches', () => {
    expect(entity('Countermeasure List (Anti-Foreign Sanctions Law)', 'Amber Dolan')).toMatchObject({
      kind: 'person',
      aliases: ['安珀·多兰'],
      extra: { gender: 'female', note: '数据链路解决方案有限责任公司总监' },
    });
    expect(entity('Unreliable Entity List', 'TechInsights Inc.')!.extra.branches).toHaveLength(10);
    const techInsights = entity('Unreliable Entity List', 'TechInsights Inc.')!;
    expect(techInsights.topics).toBeUndefined();
    expect(addedEventTopics(cnMofcomLists, techInsights)).toContain('semiconductors');
    expect(entity('Export Control Control List', 'IHI Aerospace Co., Ltd.')!.countries).toEqual(['JP']);
  });

  it('refuses every text cut off inside its annex (the stated count no longer matches), and only with a format error', () => {
    const annexed = [
      'cn-mofcom/unreliable-entity-list/202507.2025-04-04.md',
      'cn-mofcom/export-control-control-list/202501.2025-01-02.md',
      'cn-mofcom/export-control-control-list/202611.2026-02-24.md',
      'cn-mfa-countermeasures/20241205.2024-12-05.md',
      'cn-mfa-countermeasures/20251226.2025-12-26.md',
    ];
    let cuts = 0;
    for (const file of annexed) {
      const lines = text(file).split('\n');
      const annex = lines.findIndex((line) => /^\s*附件?\s*$/.test(line));
      // The last line holding a name: cutting after it loses nothing.
      const lastEntity = lines.findLastIndex((line) => /[（(][^）)]*[A-Za-z]/.test(line));
      expect(annex, file).toBeGreaterThan(0);
      for (let end = annex + 1; end <= lastEntity; end += 1) {
        const cut = lines.slice(0, end).join('\n');
        expect(
          () => parseAnnouncement(cut, { name: file, sourceId: 'cn-mofcom-lists' }),
          `${file} cut at ${end}`,
        ).toThrow(/^cn-mofcom-lists: parse: announcement .*: states \d+ entities, \d+ read$/);
        cuts += 1;
      }
    }
    expect(cuts).toBeGreaterThan(100);
  });

  it('seeds the live baseline with the address of every text that gives one (nine of twelve)', () => {
    const urls = FILES.map((file) => /^https?:\/\/\S+$/m.exec(text(file))?.[0]).filter(Boolean);
    expect(urls).toHaveLength(9);
    expect([...SEED_ANNOUNCEMENTS].sort()).toEqual([...urls].sort());
  });
});

describe('a first live poll, which can fetch only the nine texts with an address', () => {
  const addressed = new Map(
    FILES.flatMap((file) => {
      const url = /^https?:\/\/\S+$/m.exec(text(file))?.[0];
      return url ? [[url, file] as const] : [];
    }),
  );
  const titleOf = (file: string): string => announcements[FILES.indexOf(file)]!.title;

  /** The three index pages as the ministries lay them out, linking the given addresses with their titles. */
  function indexPages(links: ReadonlyMap<string, string>): Map<string, string> {
    const pages = new Map(INDEX_PAGES.map((page) => [page.name, [] as string[]]));
    for (const [url, title] of links) {
      const page = url.includes('/syxwfb/')
        ? 'mofcom-news.html'
        : url.includes('mfa.gov.cn')
          ? 'mfa-countermeasures.html'
          : 'index.html';
      pages.get(page)!.push(`<li><a href="${url}" title="${title}">${title}</a><span>2026-03-01</span></li>`);
    }
    return new Map([...pages].map(([name, items]) => [name, `<html><body><ul>${items.join('\n')}</ul></body></html>`]));
  }

  async function firstPoll(
    links: ReadonlyMap<string, string>,
    served: ReadonlyMap<string, string>,
  ): Promise<{ records: RegisterRecord[]; fetched: string[]; warnings: string[] }> {
    // No seeds: the index pages alone say what is read live.
    const source = createCnMofcomLists({ seeds: [] });
    const html = indexPages(links);
    const fetched: string[] = [];
    const warned: string[] = [];
    const context: ParseContext = {
      sourceId: source.id,
      warn: (m) => warned.push(m),
      fetchDocument: async (url) => {
        fetched.push(url);
        const file = served.get(url);
        if (!file) throw new Error(`nothing served at ${url}`);
        return Buffer.from(text(file));
      },
    };
    const [main, ...companions] = INDEX_PAGES;
    const input = {
      main: bufferDocument(main!.name, html.get(main!.name)!),
      companions: new Map(companions.map((page) => [page.name, bufferDocument(page.name, html.get(page.name)!)])),
    };
    const out: RegisterRecord[] = [];
    for await (const record of source.formats[0]!.parse(input, context)) out.push(record);
    return { records: out, fetched, warnings: warned };
  }

  const canonical = (list: readonly RegisterRecord[]): RegisterRecord[] =>
    list.map((r) => canonicalRecord(r)).sort((a, b) => a.id.localeCompare(b.id));

  it('writes down exactly what the parser reads from each of the three texts without an address', () => {
    const unaddressed = FILES.filter((file) => ![...addressed.values()].includes(file));
    expect(unaddressed).toHaveLength(3);
    for (const file of unaddressed) {
      const parsed = announcements[FILES.indexOf(file)]!;
      expect(
        HISTORIC_ANNOUNCEMENTS.find((a) => a.ref === parsed.ref),
        file,
      ).toEqual(parsed);
    }
    expect(HISTORIC_ANNOUNCEMENTS).toHaveLength(3);
  });

  it('gives every entity the status pinned above, the six of 〔2025〕8号 lifted and the 2023 listing present', async () => {
    const links = new Map([...addressed].map(([url, file]) => [url, titleOf(file)]));
    const poll = await firstPoll(links, addressed);
    expect(poll.fetched.sort()).toEqual([...addressed.keys()].sort());
    // The same records as from all twelve texts, announcement records included.
    expect(canonical(poll.records)).toEqual(canonical(records));
    const polled = (list: string, name: string): RegisterRecord | undefined =>
      poll.records.find((r) => r.list === list && r.name === name);
    for (const group of EXPECTED)
      for (const name of group.names) {
        const extra = polled(group.list, name)!.extra;
        expect({ name, status: extra.status, until: extra.suspendedUntil, lifted: extra.liftedOn }).toEqual({
          name,
          status: group.status,
          until: group.suspendedUntil,
          lifted: group.liftedOn,
        });
      }
    expect(polled('Unreliable Entity List', 'Shield AI,Inc.')!.extra).toMatchObject({
      status: 'lifted',
      liftedOn: '2025-08-12',
    });
    expect(polled('Unreliable Entity List', 'Lockheed Martin Corporation')!.extra).toMatchObject({
      status: 'in-force',
      announcements: ['uel-2023-1'],
    });
  });

  it('takes a written announcement once, as its live text, when an index page links it after all', async () => {
    const answer = 'cn-mofcom/unreliable-entity-list-updates/20250812.2025-08-12.md';
    // A made-up address: none is on record for this answer.
    const url = 'https://www.mofcom.gov.cn/syxwfb/art/2025/art_0123456789abcdef0123456789abcdef.html';
    const served = new Map([...addressed, [url, answer]]);
    const links = new Map([...served].map(([u, file]) => [u, titleOf(file)]));
    const poll = await firstPoll(links, served);
    expect(poll.fetched).toContain(url);
    const answers = poll.records.filter((r) => r.id === 'announcement/mofcom-qa-2025-08-12');
    expect(answers).toHaveLength(1);
    // The live copy: the address it was read from, which the written entry lacks.
    expect(answers[0]!.links).toEqual([url]);
    const withoutLinks = (list: readonly RegisterRecord[]): RegisterRecord[] =>
      canonical(list).map((r) => (r.id === 'announcement/mofcom-qa-2025-08-12' ? { ...r, links: [] } : r));
    expect(withoutLinks(poll.records)).toEqual(withoutLinks(records));
  });
});
