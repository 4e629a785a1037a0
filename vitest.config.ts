import { defineConfig } from 'vitest/config';
import { REAL_FIXTURES_DIR, realFixturesPresent } from './tests/real-fixtures.ts';

// Three suites: `default` runs on a fresh clone with the project's own small fixtures; `browser`
// drives the review page in headless Chromium (Debian's package); `real` reads the published files
// under TRADEWATCH_FIXTURES (default ../shared/fixtures). In CI a missing
// folder fails the run; elsewhere it is reported in one line and the real suite is left out.
const realPresent = realFixturesPresent();
if (!realPresent) {
  const line = `real-data suite: no fixtures at ${REAL_FIXTURES_DIR} (set TRADEWATCH_FIXTURES); real-data tests not run`;
  if (process.env.CI) throw new Error(`${line}. CI requires them.`);
  console.warn(line);
}

// The AWS SDK's notice that its 2027 releases need Node.js 22 is not test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'default',
          include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts', 'tests/infra/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The review page in a real headless Chromium (tests/browser/chromium.ts).
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      ...(realPresent
        ? [
            {
              test: {
                name: 'real',
                include: ['tests/real/**/*.test.ts'],
                testTimeout: 180_000,
                hookTimeout: 180_000,
              },
            },
          ]
        : []),
    ],
  },
});
