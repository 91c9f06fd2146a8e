import { randomUUID } from 'node:crypto';
import { expect, test } from './shop-fixture.ts';
import { cartLink, fillCheckout, productCard, searchCatalog, shownStock } from './shop-pages.ts';

interface ProductList {
  items: Array<{ id: number; name: string; stock: number }>;
}

test('checking out an item that just ran out shows the conflict, and the shopper can fix the cart', async ({
  page,
  step,
  shop,
  playwright,
}) => {
  // Another shopper, with a cart of their own, on the same shop.
  const rival = await playwright.request.newContext({ baseURL: shop.url });
  const found = (await (await rival.get('/api/products?q=Roasting')).json()) as ProductList;
  const book = found.items.find((item) => item.name === 'Roasting at Home');
  if (!book) throw new Error('the seed catalog has no "Roasting at Home"');

  await page.goto(`/products/${book.id}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Roasting at Home' })).toBeVisible();
  const stock = await shownStock(page.locator('.product-detail'));
  expect(stock).toBeGreaterThan(3);
  await page.getByLabel('Quantity', { exact: true }).fill('3');
  await page.getByRole('button', { name: 'Add to cart: Roasting at Home' }).click();
  await expect(cartLink(page, 3)).toBeVisible();
  await step('three-in-cart');

  // Meanwhile the other shopper buys all but one.
  expect((await rival.post('/api/cart/items', { data: { productId: book.id, quantity: stock - 1 } })).status()).toBe(201);
  const rivalOrder = await rival.post('/api/orders', {
    headers: { 'Idempotency-Key': randomUUID() },
    data: { customer: { name: 'Grace Hopper', email: 'grace@example.com' } },
  });
  expect(rivalOrder.status()).toBe(201);

  await cartLink(page, 3).click();
  await page.getByRole('link', { name: 'Check out' }).click();
  await fillCheckout(page, 'Ada Lovelace', 'ada@example.com');
  await page.getByRole('button', { name: 'Place order' }).click();

  const conflict = page.getByRole('alert').filter({ has: page.getByRole('heading', { name: 'Some items are no longer available' }) });
  await expect(conflict).toBeVisible();
  await expect(conflict).toContainText('Roasting at Home: only 1 left, you asked for 3');
  await expect(conflict).toContainText('Your order was not placed');
  await expect(page.locator('.summary-line-problem')).toHaveText(/3 × Roasting at Home/);
  await expect(page.getByRole('heading', { name: 'Some items are no longer available' })).toBeFocused();
  await step('conflict');
  const ordersSoFar = (await (await page.request.get('/api/orders')).json()) as { items: unknown[] };
  expect(ordersSoFar.items).toHaveLength(0);

  // Take the one that is left.
  await conflict.getByRole('button', { name: 'Change to 1' }).click();
  await expect(page.getByText('Your cart is updated — you can place the order now.')).toBeVisible();
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Thank you for your order!' })).toBeVisible();
  await expect(page.getByRole('table').getByRole('row', { name: /Roasting at Home 1 \$26\.00 \$26\.00/ })).toBeVisible();
  await step('placed-after-fix');

  await searchCatalog(page, 'Roasting');
  const card = productCard(page, 'Roasting at Home');
  await expect(card.getByText('Out of stock')).toBeVisible();
  await expect(card.getByRole('button', { name: 'Sold out: Roasting at Home' })).toBeDisabled();
  await step('sold-out');
  await rival.dispose();
});
