import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffFiles } from '../../../functions/cli/diff.ts';
import { fileDocument } from '../../../functions/sources/read/document.ts';
import { findSource, sourcesFor } from '../../../functions/sources/registry.ts';
import { NSI_ACT, nsiParties, ukNsiNotices } from '../../../functions/sources/uk-nsi-notices.ts';
import { PROJECT_ROOT } from '../../helpers/cli.ts';
import { byId, parseWith } from '../../helpers/parse.ts';

const fixture = (version: 1 | 2): string => join(PROJECT_ROOT, 'tests', 'fixtures', 'uk-nsi', `all.v${version}.atom`);
const TAG = 'tag:www.gov.uk,2005:/government/publications/';
const ORDER_A = `${TAG}acquisition-of-example-compound-semiconductors-limited-by-example-wafer-holdings-bv-notice-of-final-order`;
const VARIATION_A = `${TAG}acquisition-of-example-compound-semiconductors-limited-by-example-wafer-holdings-bv-notice-of-variation-of-final-order`;
const ORDER_B = `${TAG}acquisition-of-certain-assets-of-example-optics-limited-by-example-photonics-co-ltd-notice-of-final-order`;
const GUIDANCE = `${TAG}national-security-and-investment-act-2099-guidance-on-notifiable-acquisitions`;
const REPORT = `${TAG}annual-report-2099`;

describe('ukNsiNotices', () => {
  it('is a registered feed polled every 5 minutes from GOV.UK’s https Atom search', () => {
    expect(findSource('uk-nsi-notices')).toBe(ukNsiNotices);
    expect(ukNsiNotices.kind).toBe('feed');
    expect(ukNsiNotices.formats.map((f) => f.id)).toEqual(['feed-xml']);
    expect(new URL(ukNsiNotices.downloads[0]!.url).host).toBe('www.gov.uk');
  });

  it('names the target, the acquirer and the kind of notice of each final order, under the Act as program', async () => {
    const { records, warnings } = await parseWith(ukNsiNotices, fileDocument(fixture(1), 'all.atom'));
    const r = byId(records);

    expect(warnings).toEqual([]);
    expect(r.get(ORDER_A)).toMatchObject({
      list: 'NSI Act final orders and notices',
      programs: [NSI_ACT],
      listedOn: '2099-03-14',
      // "Compound Semiconductors" in the target's name: the chip topic comes with it.
      topics: ['investment-screening', 'semiconductors'],
      extra: {
        target: 'Example Compound Semiconductors Limited',
        acquirer: 'Example Wafer Holdings BV',
        noticeType: 'final order',
      },
    });
    expect(r.get(ORDER_B)!.extra).toMatchObject({
      target: 'certain assets of Example Optics Limited',
      acquirer: 'Example Photonics Co., Ltd',
    });
    expect(r.get(GUIDANCE)).toMatchObject({ programs: [], topics: ['investment-screening'] });
    expect(r.get(GUIDANCE)!.extra.acquirer).toBeUndefined();
  });

  it('alerts a variation and a report as new, an edited guidance page as edited, and nothing for the rest', async () => {
    const diff = await diffFiles(ukNsiNotices, fixture(1), fixture(2), false);
    const summary = diff.changes.map((c) => [c.type, c.id]).sort();

    expect(summary).toEqual([
      ['added', VARIATION_A],
      ['added', REPORT],
      ['modified', GUIDANCE],
      // The pipeline keeps an item that left the window (feeds have no removals); the plain diff lists it.
      ['removed', ORDER_B],
    ]);
    const variation = diff.changes.find((c) => c.id === VARIATION_A)!.after!;
    expect(variation.extra).toMatchObject({
      noticeType: 'variation of final order',
      acquirer: 'Example Wafer Holdings BV',
    });
    const report = diff.changes.find((c) => c.id === REPORT)!.after!;
    expect(report.extra).toMatchObject({ target: 'Example Radar Systems Ltd', acquirer: 'Example Defence Group plc' });
    expect(report.extra.noticeType).toBeUndefined();
    // The edited guidance names semiconductors now.
    expect(diff.changes.find((c) => c.id === GUIDANCE)!.after!.topics).toEqual([
      'investment-screening',
      'semiconductors',
    ]);
  });

  it('keeps the parties when configured topic rules rebuild the feed', async () => {
    const rebuilt = sourcesFor({ topics: [{ topic: 'optics', keywords: ['infrared'] }] }).find(
      (s) => s.id === 'uk-nsi-notices',
    )!;
    const { records } = await parseWith(rebuilt, fileDocument(fixture(1), 'all.atom'));

    expect(rebuilt).not.toBe(ukNsiNotices);
    expect(byId(records).get(ORDER_B)).toMatchObject({
      topics: ['investment-screening', 'optics'],
      extra: { acquirer: 'Example Photonics Co., Ltd' },
    });
  });

  it('reads the parties only from the pattern the notices use, guessing nothing else', () => {
    expect(nsiParties('Acquisition of Newport Wafer Fab by Nexperia BV: notice of final order')).toEqual({
      target: 'Newport Wafer Fab',
      acquirer: 'Nexperia BV',
      noticeType: 'final order',
    });
    expect(nsiParties('Acquisition of X Ltd by Y plc: notice of revocation of final order')?.noticeType).toBe(
      'revocation of final order',
    );
    expect(nsiParties('National Security and Investment Act: market guidance notes')).toBeUndefined();
    expect(nsiParties('Annual report', 'Final orders were made in 2099.')).toBeUndefined();
  });
});
