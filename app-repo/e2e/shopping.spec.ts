import { expect, test } from './shop-fixture.ts';
import { cartLink, confirmedOrderId, fillCheckout, imageLoaded, productCard, searchCatalog, shownStock } from './shop-pages.ts';

test('a shopper browses, searches, buys two products, and sees the order and the lower stock', async ({ page, step }) => {
  // A journey without trouble leaves nothing in the console and no request that failed.
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
  });
  // The frontend aborts a request it no longer needs (a search typed over, a page left): Chromium reports
  // those as net::ERR_ABORTED. Any other failure is a problem.
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? 'unknown';
    if (reason !== 'net::ERR_ABORTED') problems.push(`request failed (${reason}): ${request.method()} ${request.url()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()}: ${response.request().method()} ${response.url()}`);
  });
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Slipway Shop' })).toBeVisible();
  const featured = page.getByRole('region', { name: 'Featured products' });
  await expect(featured.getByRole('article')).not.toHaveCount(0);
  await expect.poll(() => imageLoaded(featured.getByRole('img').first())).toBe(true);
  await step('home');

  // The catalog pages through every product.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Catalog' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^\d+ products$/ })).toBeVisible();
  await expect(page.getByRole('article')).toHaveCount(12);
  await page.getByRole('navigation', { name: 'Pagination' }).getByRole('link', { name: 'Next →' }).click();
  await expect(page.getByText('Page 2 of')).toBeVisible();
  await expect(page).toHaveURL(/\/products\?page=2$/);
  await step('catalog-page-2');

  // Search, open the product, add it.
  await searchCatalog(page, 'kettle');
  const kettleCard = productCard(page, 'Gooseneck Kettle 0.9 l');
  await expect(kettleCard).toBeVisible();
  const kettleStock = await shownStock(kettleCard);
  await step('search-kettle');
  await kettleCard.getByRole('link', { name: 'Gooseneck Kettle 0.9 l' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Gooseneck Kettle 0.9 l' })).toBeVisible();
  await expect.poll(() => imageLoaded(page.getByRole('img', { name: 'Gooseneck Kettle 0.9 l' }))).toBe(true);
  await page.getByRole('button', { name: 'Add to cart: Gooseneck Kettle 0.9 l' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Added.' })).toBeVisible();
  await expect(cartLink(page, 1)).toBeVisible();
  await step('product-added');

  // Filter by category and add a second product from its card.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Catalog' }).click();
  await page.getByLabel('Category').selectOption('Books');
  await expect(page).toHaveURL(/category=Books/);
  const bookCard = productCard(page, 'The Book of Brewing');
  await expect(bookCard).toBeVisible();
  await expect(page.getByRole('article')).toHaveCount(4);
  const bookStock = await shownStock(bookCard);
  await bookCard.getByRole('button', { name: 'Add to cart: The Book of Brewing' }).click();
  await expect(cartLink(page, 2)).toBeVisible();
  await step('category-books');

  // Two kettles in the cart.
  await cartLink(page, 2).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Your cart' })).toBeVisible();
  await expect(page).toHaveTitle('Your cart — Slipway Shop');
  await page.getByRole('button', { name: 'Increase quantity of Gooseneck Kettle 0.9 l' }).click();
  await expect(page.getByText('Subtotal (3 items): $127.80')).toBeVisible();
  await expect(page.getByLabel('Quantity of Gooseneck Kettle 0.9 l', { exact: true })).toHaveValue('2');
  await step('cart');

  // Check out.
  await page.getByRole('link', { name: 'Check out' }).click();
  await fillCheckout(page, 'Ada Lovelace', 'ada@example.com');
  await step('checkout');
  await page.getByRole('button', { name: 'Place order' }).click();
  const orderId = await confirmedOrderId(page);
  const lines = page.getByRole('table');
  await expect(lines.getByRole('row', { name: /Gooseneck Kettle 0\.9 l 2 \$49\.90 \$99\.80/ })).toBeVisible();
  await expect(lines.getByRole('row', { name: /The Book of Brewing 1 \$28\.00 \$28\.00/ })).toBeVisible();
  await expect(lines.getByRole('row', { name: /Total \$127\.80/ })).toBeVisible();
  await expect(cartLink(page, 0)).toBeVisible();
  await step('confirmation');

  // The order history lists it.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Orders' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Your orders' })).toBeVisible();
  const row = page.getByRole('row').filter({ hasText: orderId });
  await expect(row).toBeVisible();
  await expect(row).toContainText('$127.80');
  await step('order-history');

  // The catalog shows the stock that was taken.
  await searchCatalog(page, 'kettle');
  await expect.poll(() => shownStock(productCard(page, 'Gooseneck Kettle 0.9 l'))).toBe(kettleStock - 2);
  await step('kettle-stock-after');
  await page.getByLabel('Search products').fill('');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByLabel('Category').selectOption('Books');
  await expect.poll(() => shownStock(productCard(page, 'The Book of Brewing'))).toBe(bookStock - 1);
  await step('book-stock-after');
  expect(problems).toEqual([]);
});
