/**
 * The historic announcements no index page links any more and whose page address is not on record,
 * written down as facts: what each did, in the same form the parser gives (formats/cn-announcement-text.ts),
 * so that a first live poll, which reads only what the index pages link plus the known addresses
 * (SEED_ANNOUNCEMENTS), still starts from the whole history. Without them a live state would lack
 * the 2023 listing and show the six entities of 〔2025〕8号, whose measures were stopped on
 * 2025-08-12, in force.
 *
 * The state is rebuilt from these first, then from the stored and the newly read announcements; an
 * announcement read live with the same ref replaces its entry here (the live text wins). Each entry
 * is checked against the parser's reading of the real text in tests/real/cn-mofcom.test.ts.
 *
 * Add an entry only for an announcement whose page cannot be fetched; one with a known address
 * belongs in SEED_ANNOUNCEMENTS, where the text itself is read.
 */
import type { AnnouncedEntity, Announcement } from './cn-announcement-text.ts';

function organization(nameZh: string, nameEn: string): AnnouncedEntity {
  return { nameZh, nameEn, kind: 'organization', branches: [], note: '', gender: '' };
}

export const HISTORIC_ANNOUNCEMENTS: readonly Announcement[] = [
  {
    // 不可靠实体清单工作机制公告〔2023〕1号, 2023-02-16, in force on publication: two US arms makers
    // put on the Unreliable Entity List (with fines); no later announcement changes it.
    ref: 'uel-2023-1',
    number: '不可靠实体清单工作机制公告〔2023〕1号',
    list: 'unreliable-entity-list',
    title: '不可靠实体清单工作机制关于将洛克希德·马丁公司、雷神导弹与防务公司列入不可靠实体清单的公告',
    published: '2023-02-16',
    effective: '2023-02-16',
    url: '',
    countries: [],
    entities: [
      organization('洛克希德·马丁公司', 'Lockheed Martin Corporation'),
      organization('雷神导弹与防务公司', 'Raytheon Missiles & Defense'),
    ],
    changes: [],
    removesNamed: false,
  },
  {
    // MOFCOM spokesman's answer of 2025-05-14: from that day the measures of 〔2025〕7号 suspended
    // for 90 days, those of 〔2025〕8号 suspended without an end.
    ref: 'mofcom-qa-2025-05-14',
    number: '商务部新闻发言人就暂停17家美国实体不可靠实体清单措施答记者问',
    list: 'unreliable-entity-list',
    title: '商务部新闻发言人就暂停17家美国实体不可靠实体清单措施答记者问',
    published: '2025-05-14',
    effective: '2025-05-14',
    url: '',
    countries: ['US'],
    entities: [],
    changes: [
      { type: 'suspend', target: 'uel-2025-7', from: '2025-05-14', until: '2025-08-12' },
      { type: 'suspend', target: 'uel-2025-8', from: '2025-05-14' },
    ],
    removesNamed: false,
  },
  {
    // MOFCOM spokesman's answer of 2025-08-12: from that day the suspension of 〔2025〕7号 extended
    // by 90 days, the measures of 〔2025〕8号 stopped. Like the answer before it, it is about the 17
    // US entities of those two announcements.
    ref: 'mofcom-qa-2025-08-12',
    number: '商务部新闻发言人就调整不可靠实体清单措施答记者问',
    list: 'unreliable-entity-list',
    title: '商务部新闻发言人就调整不可靠实体清单措施答记者问',
    published: '2025-08-12',
    effective: '2025-08-12',
    url: '',
    countries: ['US'],
    entities: [],
    changes: [
      { type: 'extend', target: 'uel-2025-7', from: '2025-08-12', until: '2025-11-10' },
      { type: 'lift', target: 'uel-2025-8', from: '2025-08-12' },
    ],
    removesNamed: false,
  },
];
