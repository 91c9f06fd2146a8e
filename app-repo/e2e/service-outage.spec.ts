import { expect, test } from './shop-fixture.ts';

test('a backend that is down shows a friendly error with a retry, and the page recovers', async ({ page, step, shop }) => {
  await page.goto('/products');
  await expect(page.getByRole('article')).toHaveCount(12);

  await shop.services.product.stop();
  try {
    await page.reload();
    const failed = page.getByRole('alert').filter({ has: page.getByRole('heading', { name: "We couldn't load products" }) });
    await expect(failed).toBeVisible();
    await expect(failed).toContainText('This part of the shop is not responding right now. Please try again in a moment.');
    // The rest of the shop is still there: header, heading, search.
    await expect(page.getByRole('heading', { level: 1, name: 'Catalog' })).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
    await step('catalog-product-service-down');

    // A retry while it is still down fails the same friendly way.
    await failed.getByRole('button', { name: 'Try again' }).click();
    await expect(failed).toBeVisible();

    await page.goto('/');
    await expect(page.getByRole('heading', { name: "We couldn't load featured products" })).toBeVisible();
    await step('home-product-service-down');
    await page.goto('/products');
    await expect(failed).toBeVisible();
  } finally {
    await shop.services.product.start();
  }
  await page.getByRole('button', { name: 'Try again', exact: true }).click();
  await expect(page.getByRole('article')).toHaveCount(12);
  await expect(page.getByRole('alert')).toHaveCount(0);
  await step('catalog-recovered');

  await shop.services.cart.stop();
  try {
    await page.goto('/cart');
    const failed = page.getByRole('alert').filter({ has: page.getByRole('heading', { name: "We couldn't load your cart" }) });
    await expect(failed).toBeVisible();
    await step('cart-service-down');
  } finally {
    await shop.services.cart.start();
  }
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByText('Your cart is empty.')).toBeVisible();
  await step('cart-recovered');
});
