import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { chooseLink, isAllowedLinkHost, pageLinks, registrableDomain } from '../../../functions/http/fetch.ts';
import { usBisDpl } from '../../../functions/sources/us-bis-dpl.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const PAGE = 'https://www.bis.gov/licensing/end-user-guidance/denied-persons-list-dpl';
const discovery = usBisDpl.downloads[0]!.discover!;
const files = (...names: string[]): string[] =>
  names.map((name) => `https://media.bis.gov/sites/default/files/${name}`);

describe('finding the DPL export on the bis.gov page', () => {
  it('reads every <a href> of the page, relative ones resolved against it, and picks the dated CSV', async () => {
    const html = await readFile(join(root, 'tests/fixtures/bis-dpl/dpl-page.html'), 'utf8');
    const links = pageLinks(html, PAGE);

    expect(links).toEqual([
      'https://www.bis.gov/',
      'https://www.bis.gov/licensing',
      'https://www.bis.gov/licensing/end-user-guidance',
      'https://www.bis.gov/enforcement',
      'https://media.bis.gov/sites/default/files/dpl_03122026.csv',
      'https://www.bis.gov/media/documents/dpl-guidance.pdf',
      'https://www.bis.doc.gov/dpl/dpl.txt',
    ]);
    expect(chooseLink(links, discovery)).toBe('https://media.bis.gov/sites/default/files/dpl_03122026.csv');
  });

  it('takes the latest date (read as MMDDYYYY, not as text) when several exports are linked', () => {
    expect(chooseLink(files('dpl_12312025.csv', 'dpl_04142026.csv', 'dpl_01052026.csv'), discovery)).toBe(
      files('dpl_04142026.csv')[0],
    );
    // The same date twice: the later link on the page; Drupal's `_0` for a second upload matches.
    expect(chooseLink(files('dpl_04142026.csv', 'dpl_04142026_0.csv'), discovery)).toBe(files('dpl_04142026_0.csv')[0]);
    // Eight digits that are no date rank below any dated link.
    expect(chooseLink(files('dpl_04142026.csv', 'dpl_13452026.csv'), discovery)).toBe(files('dpl_04142026.csv')[0]);
  });

  it('takes the last match when no date can be read, and nothing when nothing matches', () => {
    expect(
      chooseLink(['https://x.example/a.csv', 'https://x.example/b.csv'], { linkPattern: String.raw`\.csv$` }),
    ).toBe('https://x.example/b.csv');
    // Without dateFormat, page order alone decides, whatever the names say.
    expect(chooseLink(files('dpl_04142026.csv', 'dpl_12312025.csv'), { linkPattern: discovery.linkPattern })).toBe(
      files('dpl_12312025.csv')[0],
    );
    expect(
      chooseLink(
        ['https://www.bis.doc.gov/dpl/dpl.txt', 'https://media.bis.gov/sites/default/files/dpl.csv'],
        discovery,
      ),
    ).toBeUndefined();
  });

  it('matches case-insensitively and decodes entities in hrefs; honours <base href>', () => {
    const html =
      '<base href="https://media.bis.gov/sites/default/files/"><a data-x=1 href=\'DPL_04142026.CSV?v=1&amp;x=2\'>Export as CSV</a>';
    const links = pageLinks(html, PAGE);

    expect(links).toEqual(['https://media.bis.gov/sites/default/files/DPL_04142026.CSV?v=1&x=2']);
    expect(chooseLink(links, discovery)).toBe(links[0]);
  });

  it('follows a link to the page’s host or its registrable domain only', () => {
    expect(registrableDomain('www.bis.gov')).toBe('bis.gov');
    expect(registrableDomain('sanctionslist.fcdo.gov.uk')).toBe('fcdo.gov.uk');
    expect(isAllowedLinkHost('www.bis.gov', 'media.bis.gov')).toBe(true);
    expect(isAllowedLinkHost('www.bis.gov', 'bis.gov')).toBe(true);
    expect(isAllowedLinkHost('www.bis.gov', 'MEDIA.BIS.GOV')).toBe(true);
    expect(isAllowedLinkHost('www.bis.gov', 'evilbis.gov')).toBe(false);
    expect(isAllowedLinkHost('www.bis.gov', 'bis.gov.example.com')).toBe(false);
    expect(isAllowedLinkHost('www.bis.gov', 'www.bis.doc.gov')).toBe(false);
    expect(isAllowedLinkHost('www.gov.uk', 'assets.publishing.service.gov.uk')).toBe(false);
    expect(isAllowedLinkHost('127.0.0.1', '127.0.0.1')).toBe(true);
    expect(isAllowedLinkHost('127.0.0.1', 'localhost')).toBe(false);
    expect(isAllowedLinkHost('10.0.0.1', '0.1')).toBe(false);
  });
});
