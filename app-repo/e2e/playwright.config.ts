// End-to-end tests of the shop in a real browser. `npm test` runs them with
// `npx playwright test --config app-repo/e2e/playwright.config.ts`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, devices } from '@playwright/test';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

// Playwright's own browser download is not available everywhere; Debian's Chromium is (CI installs
// the `chromium` package). PLAYWRIGHT_CHROMIUM_EXECUTABLE picks another build.
const debianChromium = '/usr/bin/chromium';
const executablePath = process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE ?? (existsSync(debianChromium) ? debianChromium : undefined);

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  globalSetup: './global-setup.ts',
  outputDir: `${repoRoot}test-results/e2e`,
  // The specs share one shop per worker and change its stock: one worker keeps them independent
  // of each other's timing, and the machine has two cores.
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? `${repoRoot}test-results/playwright.json` }]],
  use: {
    ...devices['Desktop Chrome'],
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      ...(executablePath ? { executablePath } : {}),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});
