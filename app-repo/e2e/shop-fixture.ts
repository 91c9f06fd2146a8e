// The shop under test, started the way `npm start` starts it (the three services as child
// processes with fresh embedded databases, the gateway serving the built frontend), once per
// Playwright worker on free ports. Tests may stop and restart a service through `shop.services`.
// With SHOP_URL set (the cluster end-to-end workflow: the shop behind a real Ingress), the tests
// run against that shop instead, and a test that needs to stop a service fails saying so.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect } from '@playwright/test';
import type { Page, TestInfo } from '@playwright/test';
import { startShop } from '../gateway/src/shop.ts';
import type { Shop } from '../gateway/src/shop.ts';

export { expect };

export const test = base.extend<{ step: (name: string) => Promise<void> }, { shop: Shop }>({
  shop: [
    // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies by destructuring.
    async ({}, use) => {
      if (process.env.SHOP_URL) {
        await use(deployedShop(process.env.SHOP_URL));
        return;
      }
      const dataDir = mkdtempSync(join(tmpdir(), 'slipway-e2e-'));
      const shop = await startShop({ port: 0, dataDir, env: { LOG_LEVEL: 'warn' } });
      try {
        await use(shop);
      } finally {
        await shop.stop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  baseURL: async ({ shop }, use) => use(shop.url),
  // A screenshot of each step, numbered, kept with the test's results.
  step: async ({ page }, use, testInfo) => {
    let n = 0;
    await use(async (name) => screenshot(page, testInfo, `${String(++n).padStart(2, '0')}-${name}`));
  },
});

export async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const file = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

/** A shop running elsewhere: only its URL is known, its services cannot be stopped from here. */
function deployedShop(url: string): Shop {
  const unavailable = (name: string) => {
    const refuse = async () => {
      throw new Error(
        `SHOP_URL=${url}: the ${name} service of a deployed shop cannot be stopped or started from a test; run this test against a local shop (unset SHOP_URL)`,
      );
    };
    return { name, url, port: 0, logFile: undefined, running: () => true, stop: refuse, start: refuse } as Shop['services']['product'];
  };
  return {
    url: url.replace(/\/+$/, ''),
    services: { product: unavailable('product'), cart: unavailable('cart'), order: unavailable('order') },
    stop: async () => undefined,
  };
}
