import { expect, test } from './shop-fixture.ts';
import { cartLink, fillCheckout, productCard, searchCatalog, shownStock } from './shop-pages.ts';

test('a double-clicked checkout creates one order', async ({ page, step }) => {
  await page.goto('/');
  await searchCatalog(page, 'Flask');
  const card = productCard(page, 'Insulated Flask 500 ml');
  const stock = await shownStock(card);
  await card.getByRole('button', { name: 'Add Insulated Flask 500 ml to cart' }).click();
  await expect(cartLink(page, 1)).toBeVisible();

  await cartLink(page, 1).click();
  await page.getByRole('link', { name: 'Check out' }).click();
  await fillCheckout(page, 'Ada Lovelace', 'ada@example.com');

  const posts: Array<string | null> = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/orders') posts.push(request.headers()['idempotency-key'] ?? null);
  });
  await page.getByRole('button', { name: 'Place order' }).dblclick();
  await expect(page.getByRole('heading', { level: 1, name: 'Thank you for your order!' })).toBeVisible();
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
