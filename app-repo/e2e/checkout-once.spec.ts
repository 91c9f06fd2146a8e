import type { Page } from '@playwright/test';
import { expect, test } from './shop-fixture.ts';
import { cartLink, confirmedOrderId, fillCheckout, productCard, searchCatalog, shownStock } from './shop-pages.ts';

/** Finds `product` by `search`, puts one in the cart and fills in the checkout form; the stock shown before. */
async function checkoutOne(page: Page, search: string, product: string): Promise<number> {
  await page.goto('/');
  await searchCatalog(page, search);
  const card = productCard(page, product);
  const stock = await shownStock(card);
  await card.getByRole('button', { name: `Add to cart: ${product}` }).click();
  await expect(cartLink(page, 1)).toBeVisible();
  await cartLink(page, 1).click();
  await page.getByRole('link', { name: 'Check out' }).click();
  await fillCheckout(page, 'Ada Lovelace', 'ada@example.com');
  return stock;
}

test('a double-clicked checkout creates one order', async ({ page, step }) => {
  const stock = await checkoutOne(page, 'Flask', 'Insulated Flask 500 ml');

  const posts: Array<string | null> = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/orders')
      posts.push(request.headers()['idempotency-key'] ?? null);
  });
  await page.getByRole('button', { name: 'Place order' }).dblclick();
  await confirmedOrderId(page);
  await step('confirmation');

  // Every request that left the browser carried one and the same key…
  expect(posts.length).toBeGreaterThanOrEqual(1);
  expect(new Set(posts).size).toBe(1);
  expect(posts[0]).toMatch(/^[0-9a-f-]{36}$/);
  // …and the shop holds exactly one order, which took the stock once.
  const orders = (await (await page.request.get('/api/orders')).json()) as { items: Array<{ itemCount: number }> };
  expect(orders.items).toHaveLength(1);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Orders' }).click();
  await expect(page.getByRole('table').getByRole('row')).toHaveCount(2);
  await step('one-order');
  await searchCatalog(page, 'Flask');
  await expect.poll(() => shownStock(productCard(page, 'Insulated Flask 500 ml'))).toBe(stock - 1);
});

test('a checkout retried after its answer was lost places one order', async ({ page, step }) => {
  const stock = await checkoutOne(page, 'Enamel', 'Enamel Camp Mug');

  // The first order reaches the order service, which places it; its answer never reaches the browser.
  const keys: string[] = [];
  let lost = 0;
  await page.route('**/api/orders', async (route) => {
    if (route.request().method() !== 'POST') return route.fallback();
    keys.push(route.request().headers()['idempotency-key'] ?? '');
    if (lost > 0) return route.continue();
    const answer = await route.fetch();
    expect(answer.status()).toBe(201);
    lost++;
    return route.abort('connectionreset');
  });
  await page.getByRole('button', { name: 'Place order' }).click();
  const failed = page.getByRole('alert').filter({ has: page.getByRole('heading', { name: 'Your order could not be placed' }) });
  await expect(failed).toContainText('Trying again is safe');
  await step('answer-lost');

  await page.getByRole('button', { name: 'Try again' }).click();
  await confirmedOrderId(page);
  await step('confirmation-after-retry');
  expect(keys).toHaveLength(2);
  expect(keys[1]).toBe(keys[0]);
  const orders = (await (await page.request.get('/api/orders')).json()) as { items: unknown[] };
  expect(orders.items).toHaveLength(1);
  await searchCatalog(page, 'Enamel');
  await expect.poll(() => shownStock(productCard(page, 'Enamel Camp Mug'))).toBe(stock - 1);
});
