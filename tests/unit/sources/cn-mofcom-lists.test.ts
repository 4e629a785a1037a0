import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SourceFormatError, SourceHealthError } from '../../../functions/core/errors.ts';
import { canonicalRecord, type RegisterRecord } from '../../../functions/core/records.ts';
import {
  cnMofcomLists,
  createCnMofcomLists,
  decodePage,
  INDEX_PAGES,
  indexLinks,
  MAX_NEW_ANNOUNCEMENTS,
  type IndexPage,
} from '../../../functions/sources/cn-mofcom-lists.ts';
import { addedEventTopics } from '../../helpers/event-topics.ts';
import { parseAnnouncement, type Announcement } from '../../../functions/sources/formats/cn-announcement-text.ts';
import { buildListRecords, entityId, fromStoredRecords } from '../../../functions/sources/formats/cn-list-state.ts';
import { bufferDocument, detectFormat } from '../../../functions/sources/read/document.ts';
import type { ParseContext } from '../../../functions/sources/types.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const fixture = (name: string): string => readFileSync(join(root, 'tests/fixtures/cn-mofcom', name), 'utf8');
const SOURCE = 'cn-mofcom-lists';

function read(name: string, warnings: string[] = []): Announcement {
  return parseAnnouncement(fixture(name), { name, sourceId: SOURCE, warn: (m) => warnings.push(m) });
}

const byId = (records: readonly RegisterRecord[]): Map<string, RegisterRecord> =>
  new Map(records.map((r) => [r.id, r]));

describe('parseAnnouncement', () => {
  it('reads an HTML announcement with an annex numbered 1、, ASCII parentheses and branches', () => {
    const announcement = read('uel-2030-3.html');
    expect(announcement).toMatchObject({
      ref: 'uel-2030-3',
      number: '不可靠实体清单工作机制公告〔2030〕3号',
      list: 'unreliable-entity-list',
      published: '2030-03-01',
      effective: '2030-03-02',
      countries: ['US'],
      changes: [],
    });
    expect(announcement.entities.map((e) => [e.nameZh, e.nameEn])).toEqual([
      ['测试甲公司', 'Test Alpha Semiconductor, Inc.'],
      ['测试乙公司', 'Test Beta Drones,Inc.'],
      ['测试丙公司', 'Test Gamma Labs'],
    ]);
    expect(announcement.entities[2]).toMatchObject({
      branches: ['Test Gamma Labs GmbH', 'Test Gamma Labs KK'],
      note: '及其分支机构',
    });
  });

  it('reads entities named inline in the decision, separated by 、 and 和, after 的', () => {
    const announcement = read('uel-2030-1.txt');
    expect(announcement.ref).toBe('uel-2030-1');
    expect(announcement.entities.map((e) => `${e.nameZh}|${e.nameEn}`)).toEqual([
      '测试丁公司|Test Delta Defense',
      '测试戊公司|Test Epsilon Systems',
      '测试己公司|Test Zeta Aero',
    ]);
  });

  it('skips an empty annex item with a warning and reads 2.name without a space', () => {
    const warnings: string[] = [];
    const announcement = read('eccl-2030-2.html', warnings);
    expect(announcement).toMatchObject({ ref: 'mofcom-2030-2', list: 'export-control-control-list' });
    expect(announcement.entities.map((e) => e.nameEn)).toEqual(['Test Eta Chips LLC', 'Test Theta Institute']);
    expect(warnings).toEqual(['announcement eccl-2030-2.html: empty annex item "3." skipped']);
  });

  it('reads the MFA annex sections (一、企业 / 二、高级管理人员) numbered （一）, with a person’s gender and position', () => {
    const announcement = read('mfa-order-30.html');
    expect(announcement).toMatchObject({ ref: 'mfa-order-30', list: 'mfa-countermeasures', published: '2030-02-10' });
    expect(announcement.entities).toEqual([
      { nameZh: '测试壬公司', nameEn: 'Test Iota Corp.', kind: 'organization', branches: [], note: '', gender: '' },
      {
        nameZh: '测试人甲',
        nameEn: 'Jane Q. Tester',
        kind: 'person',
        branches: [],
        note: '测试壬公司首席执行官',
        gender: 'female',
      },
    ]);
  });

  it("reads a spokesman's answer as changes by number: a 90-day suspension and one without an end", () => {
    const announcement = read('qa-2030-04-01.html');
    expect(announcement).toMatchObject({ ref: 'mofcom-qa-2030-04-01', entities: [] });
    expect(announcement.changes).toEqual([
      // 2030-04-01 + 90 days = 2030-06-30
      { type: 'suspend', target: 'uel-2030-3', from: '2030-04-01', until: '2030-06-30' },
      { type: 'suspend', target: 'uel-2030-1', from: '2030-04-01' },
    ]);
  });

  it('reads an extension by a year and a lift', () => {
    expect(read('qa-2030-06-30.txt').changes).toEqual([
      { type: 'extend', target: 'uel-2030-3', from: '2030-06-30', until: '2031-06-30' },
      { type: 'lift', target: 'uel-2030-1', from: '2030-06-30' },
    ]);
  });

  it('refuses an announcement whose annex holds fewer entities than it states, naming it', () => {
    expect(() => read('malformed-count.txt')).toThrow(SourceFormatError);
    expect(() => read('malformed-count.txt')).toThrow(/announcement malformed-count\.txt: states 3 entities, 2 read/);
  });

  it('refuses an HTML error page, an empty body and a text without a number', () => {
    expect(() => read('error-page.html')).toThrow(/announcement error-page\.html: no title naming a list.*404/);
    expect(() => parseAnnouncement('  ', { name: 'x.html', sourceId: SOURCE })).toThrow(/x\.html: empty/);
    const unnumbered =
      '关于将测试公司列入不可靠实体清单的公告\n【发文日期】2030年01月01日\n决定将测试公司（Test Co）列入不可靠实体清单。';
    expect(() => parseAnnouncement(unnumbered, { name: 'y.txt', sourceId: SOURCE })).toThrow(
      /y\.txt: no document number/,
    );
  });
});

describe('buildListRecords', () => {
  const sequence = (): Announcement[] =>
    ['uel-2030-1.txt', 'uel-2030-3.html', 'qa-2030-04-01.html', 'eccl-2030-2.html', 'mfa-order-30.html'].map((n) =>
      read(n),
    );

  it('gives each entity its status after a suspension with an end and one without', () => {
    const records = byId(buildListRecords(sequence(), { sourceId: SOURCE }));
    expect(records.get('uel/test-alpha-semiconductor-inc')!.extra).toMatchObject({
      status: 'suspended',
      suspendedSince: '2030-04-01',
      suspendedUntil: '2030-06-30',
      announcements: ['uel-2030-3'],
    });
    const delta = records.get('uel/test-delta-defense')!;
    expect(delta.extra).toMatchObject({ status: 'suspended', suspendedSince: '2030-04-01' });
    expect(delta.extra.suspendedUntil).toBeUndefined();
    expect(delta.remarks).toBe('Measures suspended from 2030-04-01, without an end date.');
    expect(records.get('eccl/test-eta-chips-llc')!.extra.status).toBe('in-force');
    expect(records.get('mfa/jane-q-tester')).toMatchObject({
      kind: 'person',
      list: expect.stringContaining('Countermeasure'),
    });
  });

  it('follows an extension and a lift, in the order of the announcements whatever order they are read in', () => {
    const all = [...sequence(), read('qa-2030-06-30.txt')].reverse();
    const records = byId(buildListRecords(all, { sourceId: SOURCE }));
    expect(records.get('uel/test-beta-drones-inc')!.extra).toMatchObject({
      status: 'suspended',
      suspendedSince: '2030-04-01',
      suspendedUntil: '2031-06-30',
    });
    expect(records.get('uel/test-zeta-aero')!.extra).toMatchObject({ status: 'lifted', liftedOn: '2030-06-30' });
    expect(records.get('uel/test-zeta-aero')!.extra.measureChanges).toEqual([
      'suspend uel-2030-1 from 2030-04-01 (商务部新闻发言人就暂停不可靠实体清单措施答记者问)',
      'lift uel-2030-1 from 2030-06-30 (商务部新闻发言人就调整不可靠实体清单措施答记者问)',
    ]);
  });

  it("makes each announcement a record; its changes carry the list's topics, chip-related ones semiconductors", () => {
    const records = byId(buildListRecords(sequence(), { sourceId: SOURCE }));
    expect(records.get('announcement/uel-2030-3')).toMatchObject({
      list: 'MOFCOM and MFA announcements',
      kind: 'other',
      listedOn: '2030-03-01',
      programs: ['CN-UEL'],
      countries: ['US'],
    });
    const topics = (id: string): string[] => addedEventTopics(cnMofcomLists, records.get(id)!);
    expect([...records.values()].filter((record) => record.topics)).toEqual([]);
    // The chip maker it names is tagged on its own record: topics come from a record's own text.
    expect(topics('announcement/uel-2030-3')).toEqual(['export-controls', 'sanctions']);
    expect(topics('uel/test-alpha-semiconductor-inc')).toEqual(['export-controls', 'sanctions', 'semiconductors']);
    expect(topics('announcement/mfa-order-30')).toEqual(['sanctions']);
    expect(topics('eccl/test-eta-chips-llc')).toEqual(['export-controls', 'semiconductors']);
    expect(topics('eccl/test-theta-institute')).toEqual(['export-controls']);
  });

  it('takes an entity off the watch list when a later announcement removes it by name (移出)', () => {
    const listing = parseAnnouncement(
      '商务部公告2030年第20号 关于将测试甲公司等2家实体列入出口管制关注名单的公告\n【发布文号】商务部公告2030年第20号\n【发文日期】2030年07月01日\n决定将测试甲公司（Test Watch One Ltd.）、测试乙公司（Test Watch Two Ltd.）等2家实体列入出口管制关注名单。',
      { name: 'ecwl-20', sourceId: SOURCE },
    );
    const removal = parseAnnouncement(
      '商务部公告2030年第25号 关于将测试乙公司移出出口管制关注名单的公告\n【发布文号】商务部公告2030年第25号\n【发文日期】2030年09月01日\n决定将测试乙公司（Test Watch Two Ltd.）移出出口管制关注名单。',
      { name: 'ecwl-25', sourceId: SOURCE },
    );
    expect(removal).toMatchObject({ list: 'export-control-watch-list', removesNamed: true });
    const records = buildListRecords([removal, listing], { sourceId: SOURCE });
    const ids = byId(records);
    expect(ids.get('ecwl/test-watch-one-ltd')!.extra.status).toBe('in-force');
    expect(ids.get('ecwl/test-watch-two-ltd')!.extra).toMatchObject({ status: 'lifted', liftedOn: '2030-09-01' });
    expect(ids.get('announcement/mofcom-2030-25')!.extra.changes).toEqual([
      'lift ecwl/test-watch-two-ltd from 2030-09-01',
    ]);
    const rebuilt = buildListRecords(
      fromStoredRecords(records, (reason) => new Error(reason)),
      { sourceId: SOURCE },
    );
    expect(byId(rebuilt).get('ecwl/test-watch-two-ltd')).toEqual(ids.get('ecwl/test-watch-two-ltd'));
  });

  it('keys an entity by its list and normalized English name, else its Chinese name', () => {
    expect(entityId('unreliable-entity-list', { nameEn: 'BRINC Drones,Inc.', nameZh: 'x' })).toBe(
      'uel/brinc-drones-inc',
    );
    expect(entityId('unreliable-entity-list', { nameEn: 'BRINC Drones, Inc.', nameZh: 'y' })).toBe(
      'uel/brinc-drones-inc',
    );
    expect(entityId('mfa-countermeasures', { nameEn: '', nameZh: '测试·公司 甲' })).toBe('mfa/zh-测试公司甲');
  });

  it('rebuilds exactly the same records from the stored records alone', () => {
    const records = buildListRecords([...sequence(), read('qa-2030-06-30.txt')], { sourceId: SOURCE });
    const rebuilt = buildListRecords(
      fromStoredRecords(records, (reason) => new Error(reason)),
      { sourceId: SOURCE },
    );
    const canonical = (list: RegisterRecord[]): RegisterRecord[] =>
      list.map((r) => canonicalRecord(r)).sort((a, b) => a.id.localeCompare(b.id));
    expect(canonical(rebuilt)).toEqual(canonical(records));
  });
});

describe('cn-mofcom-lists index pages', () => {
  // The live pages: the fixtures link the ministries' own addresses.
  const PAGES: readonly IndexPage[] = INDEX_PAGES;
  const ARTICLES: Record<string, string> = {
    'https://www.mofcom.gov.cn/zwgk/zcfb/art/2030/art_00000000000000000000000000000003.html': 'uel-2030-3.html',
    'https://www.mofcom.gov.cn/zwgk/zcfb/art/2030/art_00000000000000000000000000000002.html': 'eccl-2030-2.html',
    'https://www.mofcom.gov.cn/syxwfb/art/2030/art_00000000000000000000000000000004.html': 'qa-2030-04-01.html',
    'https://www.mfa.gov.cn/web/wjb_673085/zfxxgk_674865/gknrlb/fzcqdcs/203002/t20300210_11000001.shtml':
      'mfa-order-30.html',
    'https://www.mofcom.gov.cn/zwgk/zcfb/art/2030/art_0000000000000000000000000000000a.html': 'uel-2030-1.txt',
  };
  const SEED = 'https://www.mofcom.gov.cn/zwgk/zcfb/art/2030/art_0000000000000000000000000000000a.html';
  // Without the written history of the real lists: these tests follow the fixtures' announcements alone.
  const source = createCnMofcomLists({ indexPages: PAGES, seeds: [SEED], historic: [] });

  function input(pages: Partial<Record<string, string>> = {}): Parameters<(typeof source.formats)[0]['parse']>[0] {
    const page = (name: string, file: string): ReturnType<typeof bufferDocument> =>
      bufferDocument(name, pages[name] ?? fixture(file));
    return {
      main: page('index.html', 'index-policy.html'),
      companions: new Map([
        ['mofcom-news.html', page('mofcom-news.html', 'index-news.html')],
        ['mfa-countermeasures.html', page('mfa-countermeasures.html', 'index-mfa.html')],
      ]),
    };
  }

  async function run(
    context: Partial<ParseContext>,
    pages?: Partial<Record<string, string>>,
  ): Promise<{ records: RegisterRecord[]; fetched: string[] }> {
    const fetched: string[] = [];
    const full: ParseContext = {
      sourceId: SOURCE,
      warn: () => undefined,
      fetchDocument: async (url) => {
        fetched.push(url);
        const file = ARTICLES[url];
        if (!file) throw new Error(`no fixture for ${url}`);
        return Buffer.from(fixture(file));
      },
      ...context,
    };
    const records: RegisterRecord[] = [];
    for await (const record of source.formats[0]!.parse(input(pages), full)) records.push(record);
    return { records, fetched };
  }

  it('decodes a page that declares a GB charset', () => {
    // 测试 in GB2312: B2 E2 CA D4.
    const page = Buffer.concat([Buffer.from('<meta charset="gb2312"><p>'), Buffer.from([0xb2, 0xe2, 0xca, 0xd4])]);
    expect(decodePage(page)).toBe('<meta charset="gb2312"><p>测试');
    expect(decodePage(Buffer.from('<p>测试'))).toBe('<p>测试');
  });

  it('finds the article links with their titles and dates, absolute or relative', () => {
    const links = indexLinks(fixture('index-mfa.html'), PAGES[2]!.url);
    expect(links).toEqual([
      {
        url: 'https://www.mfa.gov.cn/web/wjb_673085/zfxxgk_674865/gknrlb/fzcqdcs/203002/t20300210_11000001.shtml',
        title: '关于对美国测试军工企业及高级管理人员采取反制措施的决定',
        date: '2030-02-10',
      },
    ]);
    expect(indexLinks(fixture('index-policy.html'), PAGES[0]!.url).map((l) => l.date)).toEqual([
      '2030-03-01',
      '2030-02-25',
      '2030-02-20',
      '2030-01-15',
    ]);
  });

  it('is chosen for the index page although it is HTML', async () => {
    expect((await detectFormat(source, bufferDocument('index.html', fixture('index-policy.html')))).id).toBe(
      'cn-announcement-index',
    );
  });

  // Not fetched: an anti-dumping ruling, a routine press conference, and MOFCOM's answer on
  // "反制措施" (countermeasures are read from the MFA's column only).
  it('fetches the relevant announcements and the seeds on a baseline, not the unrelated ones', async () => {
    const { records, fetched } = await run({});
    expect(fetched.sort()).toEqual(Object.keys(ARTICLES).sort());
    expect(records.filter((r) => r.list === 'MOFCOM and MFA announcements')).toHaveLength(5);
    expect(byId(records).get('uel/test-zeta-aero')!.extra.status).toBe('suspended');
  });

  it('fetches only the announcements not stored before, and rebuilds the state from the stored records', async () => {
    const first = await run({});
    // The answer of 2030-04-01 is new: the stored state lacks it (and its changes).
    const storedWithout = first.records.filter((r) => r.id !== 'announcement/mofcom-qa-2030-04-01');
    const second = await run({
      storedRecords: async function* () {
        yield* storedWithout;
      },
    });
    expect(second.fetched).toEqual([
      'https://www.mofcom.gov.cn/syxwfb/art/2030/art_00000000000000000000000000000004.html',
    ]);
    const canonical = (list: RegisterRecord[]): RegisterRecord[] =>
      list.map((r) => canonicalRecord(r)).sort((a, b) => a.id.localeCompare(b.id));
    expect(canonical(second.records)).toEqual(canonical(first.records));
  });

  it('keeps the stored announcements when an index page no longer links them', async () => {
    const first = await run({});
    const emptied = fixture('index-mfa.html')
      .replace(/t20300210_11000001/, 't20300301_11000002')
      .replace('反制措施的决定', '其他');
    const second = await run(
      {
        storedRecords: async function* () {
          yield* first.records;
        },
      },
      { 'mfa-countermeasures.html': emptied },
    );
    expect(second.fetched).toEqual([]);
    expect(second.records.map((r) => r.id).sort()).toEqual(first.records.map((r) => r.id).sort());
  });

  it('starts from the written history, and takes a written announcement once, as its text, when a page links it', async () => {
    const QA = 'https://www.mofcom.gov.cn/syxwfb/art/2030/art_00000000000000000000000000000004.html';
    // The answer of 2030-04-01 written down as facts (no address), as the real lists' history is.
    const written: Announcement = { ...read('qa-2030-04-01.html'), url: '', title: 'answer of 2030-04-01' };
    const withHistory = createCnMofcomLists({ indexPages: PAGES, seeds: [SEED], historic: [written] });
    const parse = async (news: string): Promise<{ records: RegisterRecord[]; fetched: string[] }> => {
      const fetched: string[] = [];
      const records: RegisterRecord[] = [];
      const context: ParseContext = {
        sourceId: SOURCE,
        warn: () => undefined,
        fetchDocument: async (url) => (fetched.push(url), Buffer.from(fixture(ARTICLES[url]!))),
      };
      for await (const record of withHistory.formats[0]!.parse(input({ 'mofcom-news.html': news }), context))
        records.push(record);
      return { records, fetched };
    };
    const newsWithoutAnswer = fixture('index-news.html').replace(
      /<li><a href="\/syxwfb\/art\/2030\/art_0+4\.html"[^\n]*\n/,
      '',
    );
    expect(newsWithoutAnswer).not.toContain('art_00000000000000000000000000000004');

    const unlinked = await parse(newsWithoutAnswer);
    expect(unlinked.fetched).not.toContain(QA);
    const fromLive = (await run({})).records;
    // The written answer suspends what its text does.
    expect(byId(unlinked.records).get('uel/test-zeta-aero')!.extra).toEqual(
      byId(fromLive).get('uel/test-zeta-aero')!.extra,
    );
    expect(byId(unlinked.records).get('announcement/mofcom-qa-2030-04-01')).toMatchObject({
      name: 'answer of 2030-04-01',
      links: [],
    });

    const linked = await parse(fixture('index-news.html'));
    expect(linked.fetched).toContain(QA);
    expect(linked.records.filter((r) => r.id === 'announcement/mofcom-qa-2030-04-01')).toHaveLength(1);
    const canonical = (list: RegisterRecord[]): RegisterRecord[] =>
      list.map((r) => canonicalRecord(r)).sort((a, b) => a.id.localeCompare(b.id));
    expect(canonical(linked.records)).toEqual(canonical(fromLive));
  });

  it('refuses an index page that is an error page, naming it', async () => {
    await expect(run({}, { 'mofcom-news.html': fixture('error-page.html') })).rejects.toThrow(
      /index page mofcom-news\.html links no announcement \("404 页面不存在"\): an error page or a new layout/,
    );
  });

  it('fails the run on an announcement it cannot read, naming it', async () => {
    const url = Object.keys(ARTICLES)[0]!;
    await expect(
      run({
        fetchDocument: async (u) => Buffer.from(u === url ? fixture('error-page.html') : fixture(ARTICLES[u]!)),
      }),
    ).rejects.toThrow(new RegExp(`announcement ${url.replace(/[.]/g, '\\.')}: no title`));
  });

  it(`refuses more than ${MAX_NEW_ANNOUNCEMENTS} new announcements in one poll`, async () => {
    const many = Array.from(
      { length: MAX_NEW_ANNOUNCEMENTS + 1 },
      (_, i) =>
        `<li><a href="/zwgk/zcfb/art/2031/art_${String(i).padStart(32, '0')}.html">不可靠实体清单公告${i}</a></li>`,
    ).join('\n');
    await expect(run({}, { 'index.html': `<html><body><ul>${many}</ul></body></html>` })).rejects.toThrow(
      SourceHealthError,
    );
  });

  it('says so when new announcements are found where nothing can be fetched (a file parsed alone)', async () => {
    await expect(run({ fetchDocument: undefined })).rejects.toThrow(/only a live poll fetches them/);
  });
});
