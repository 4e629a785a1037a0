/**
 * The headless Chromium the browser tests drive: Debian's `chromium` package (installed by .ci/run
 * when missing), or the executable named by CHROMIUM_PATH. playwright-core downloads no browser.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export function chromiumPath(): string {
  const given = process.env.CHROMIUM_PATH;
  if (given) return given;
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const path = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
      if (path && existsSync(path)) return path;
    } catch {
      // not this name: try the next
    }
  }
  throw new Error(
    'browser tests: no Chromium found (apt-get install chromium, or set CHROMIUM_PATH to its executable)',
  );
}

export function launchChromium(): Promise<Browser> {
  // --no-sandbox: CI runs as root in a container, where Chromium's sandbox cannot start.
  return chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
}

/** Where the test run writes its screenshots (git-ignored). */
export const SCREENSHOTS = 'test-results/review-page';
