/**
 * The review page in headless Chromium, as a person uses it: after `tradewatch demo`, `tradewatch
 * serve --demo` is started as a child process, and the browser filters the changes, opens a
 * record's history, dismisses a watchlist hit, finds it in the audit trail, and withdraws it; once
 * the server is stopped, the CLI's `watchlist audit` shows both decisions with the reviewer as `by`.
 * Then a page served over a table holding a record named `<img src=x onerror=alert(1)>` shows the
 * name as text. A screenshot of each main view goes to test-results/review-page/ (git-ignored).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFeedServer, type FeedServer } from '../../functions/cli/serve.ts';
import { parseConfig } from '../../functions/config/config.ts';
import { PROJECT_ROOT, tradewatch } from '../helpers/cli.ts';
import type { TestStack } from '../helpers/local-stack.ts';
import { HOSTILE_NAME, SEED_SUBSCRIBER, seedReviewStack } from '../helpers/review-seed.ts';
import { launchChromium, SCREENSHOTS } from './chromium.ts';

const DEMO_SUBSCRIBER = 'demo-watchlist';
const REASON = 'Different person: the supplier contact was born in 1961';

async function startServe(
  home: string,
  port: number,
): Promise<{ child: ChildProcess; exited: Promise<number | null> }> {
  const child = spawn(
    process.execPath,
    [join(PROJECT_ROOT, 'bin', 'tradewatch.js'), 'serve', '--demo', '--port', String(port)],
    {
      cwd: PROJECT_ROOT,
      env: { ...process.env, TRADEWATCH_HOME: home },
    },
  );
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  for (let i = 0; i < 300 && !stdout.includes('Serving'); i++) await new Promise((r) => setTimeout(r, 100));
  if (!stdout.includes('Serving')) throw new Error(`tradewatch serve did not start: ${stdout}`);
  return { child, exited };
}

describe('the review page in Chromium', () => {
  let browser: Browser;
  let home: string;
  let serve: { child: ChildProcess; exited: Promise<number | null> } | undefined;
  let base: string;
  const dialogs: string[] = [];

  const newPage = async (width = 1280): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    return page;
  };

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    home = await mkdtemp(join(tmpdir(), 'tradewatch-review-'));
    const demo = await tradewatch(['demo'], { TRADEWATCH_HOME: home });
    if (demo.code !== 0) throw new Error(`tradewatch demo failed: ${demo.stderr}`);
    const port = 20000 + Math.floor(Math.random() * 20000);
    serve = await startServe(home, port);
    base = `http://127.0.0.1:${port}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    serve?.child.kill('SIGTERM');
    await rm(home, { recursive: true, force: true });
  });

  it("shows the demo's changes, and filters them by source and change type", async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    const all = await page.locator('ol.changes > li').count();
    await page.screenshot({ path: `${SCREENSHOTS}/changes.png`, fullPage: true });
    // The README's picture (docs/review-page.png is a copy of it).
    await page.screenshot({ path: `${SCREENSHOTS}/changes-first-screen.png` });

    await page.getByLabel('Source').selectOption('us-trade-csl');
    await page.getByLabel('Change', { exact: true }).selectOption('added');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/source=us-trade-csl/);

    expect(all).toBeGreaterThan(5);
    const cards = page.locator('ol.changes > li');
    expect(await cards.count()).toBeGreaterThan(0);
    expect(await cards.count()).toBeLessThan(all);
    for (const text of await cards.allInnerTexts()) {
      expect(text).toContain('Consolidated Screening List');
      expect(text).toContain('Added');
    }
    expect(new URL(page.url()).searchParams.get('type')).toBe('added');
    await page.close();
  });

  it('searches by name and opens the history of a changed record', async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    await page.getByLabel('Name or alias').fill('kestrov');
    await page.getByLabel('Name or alias').press('Enter');
    await page.waitForURL(/q=kestrov/);
    await page.getByRole('link', { name: 'History of this record' }).first().click();
    await page.waitForURL(/\/records\/us-trade-csl\//);

    await expect.poll(() => page.locator('h1').innerText()).toMatch(/Kestrov/i);
    expect(await page.getByRole('heading', { name: /Every change/ }).innerText()).toMatch(/Every change \(\d+\)/);
    expect(await page.locator('table.diff ins').count()).toBeGreaterThan(0);
    expect(await page.getByRole('heading', { name: 'Source documents' }).count()).toBe(1);
    await page.screenshot({ path: `${SCREENSHOTS}/record-history.png`, fullPage: true });
    await page.goto(`${base}/sources`);
    expect(await page.locator('tbody tr').count()).toBeGreaterThan(10);
    await page.screenshot({ path: `${SCREENSHOTS}/sources.png`, fullPage: true });
    await page.close();
  });

  it('dismisses a hit, shows it in the audit trail, and withdraws it', async () => {
    const page = await newPage();
    await page.goto(`${base}/hits/${DEMO_SUBSCRIBER}`);
    await page.screenshot({ path: `${SCREENSHOTS}/hits.png`, fullPage: true });
    const openBefore = await page.locator('#h-open + ol > li').count();
    const hit = page.locator('#h-open + ol > li').first();
    const recordName = await hit.locator('h3').innerText();

    await hit.getByText('Not a match…').click();
    await hit.getByLabel('Why this is not a match').fill(REASON);
    await hit.getByRole('button', { name: 'Record "not a match"' }).click();
    await page.waitForURL(/done=dismissed/);

    expect(await page.getByRole('status').innerText()).toContain('Recorded as not a match');
    expect(await page.locator('#h-open + ol > li').count()).toBe(openBefore - 1);
    const decided = page.locator('#h-decided + ol > li').filter({ hasText: recordName });
    expect(await decided.innerText()).toContain(`by ${userInfo().username}`);

    await page.getByRole('link', { name: `Audit trail of ${DEMO_SUBSCRIBER}` }).click();
    await page.getByLabel('Action').selectOption('not-a-match');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/action=not-a-match/);
    const rows = await page.locator('tbody tr').allInnerTexts();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(REASON);
    await page.screenshot({ path: `${SCREENSHOTS}/audit.png`, fullPage: true });
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Export as CSV' }).click();
    const csvPath = await (await download).path();
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(csvPath, 'utf8')).toContain(REASON);

    await page.goto(`${base}/hits/${DEMO_SUBSCRIBER}`);
    const again = page.locator('#h-decided + ol > li').filter({ hasText: recordName });
    await again.getByText('Withdraw decision').first().click();
    await again.getByLabel('Why withdraw it').fill('Second look: same birth year');
    await again.getByRole('button', { name: 'Withdraw decision' }).click();
    await page.waitForURL(/done=withdrawn/);
    expect(await page.locator('#h-open + ol > li').count()).toBe(openBefore);
    await page.close();
  });

  it("is in the CLI's watchlist audit once the server stops", async () => {
    serve!.child.kill('SIGTERM');
    expect(await serve!.exited).toBe(0);
    serve = undefined;

    const audit = await tradewatch([
      'watchlist',
      'audit',
      '--subscriber',
      DEMO_SUBSCRIBER,
      '--json',
      '--home',
      join(home, 'demo'),
    ]);

    expect(audit.code).toBe(0);
    const trail = JSON.parse(audit.stdout) as { action: string; by: string; reason?: string }[];
    expect(trail.slice(-2).map((entry) => [entry.action, entry.by, entry.reason])).toEqual([
      ['not-a-match', userInfo().username, REASON],
      ['withdraw', userInfo().username, 'Second look: same birth year'],
    ]);
  });

  describe('over a table holding a record named with markup', () => {
    let stack: TestStack;
    let served: FeedServer;

    beforeAll(async () => {
      stack = await seedReviewStack();
      served = await startFeedServer(stack.store, {
        config: parseConfig({}),
        port: 0,
        subscriberIds: [SEED_SUBSCRIBER],
        reviewer: { id: 'analyst', subscribers: 'all' },
      });
    });
    afterAll(async () => {
      await served?.close();
      await stack?.stop();
    });

    it('shows the name as text, runs nothing, and reads on a phone', async () => {
      const page = await newPage(390);
      await page.goto(`${served.url}/?source=uk-sanctions-list`);

      expect(await page.getByRole('link', { name: HOSTILE_NAME }).count()).toBe(1);
      expect(await page.locator('main img, main script').count()).toBe(0);
      await page.getByRole('link', { name: HOSTILE_NAME }).click();
      await page.waitForURL(/\/changes\//);
      expect(await page.locator('h1').innerText()).toBe(`Change to ${HOSTILE_NAME}`);
      expect(dialogs).toEqual([]);
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `${SCREENSHOTS}/hostile-name-phone.png`, fullPage: true });
      await page.close();
    });
  });
});
