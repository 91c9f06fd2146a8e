import { expect, test } from './shop-fixture.ts';
import type { Page } from '@playwright/test';
import { accessibilityBasics, cartLink, productCard } from './shop-pages.ts';

async function expectBasics(page: Page) {
  const found = await accessibilityBasics(page);
  expect(found.h1, 'one h1 per page').toBe(1);
  expect(found.imagesWithoutAlt, 'images without alt text').toBe(0);
  expect(found.unlabelledControls, 'form controls without a label').toEqual([]);
  expect(found.overflowPx, 'page wider than the window').toBeLessThanOrEqual(0);
}

test.describe('on a phone', () => {
  test.use({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });

  test('every page fits the screen, with labelled controls, alt texts and one main heading', async ({ page, step }) => {
    await page.goto('/');
    await expect(page.getByRole('region', { name: 'Featured products' }).getByRole('article').first()).toBeVisible();
    await expectBasics(page);
    await step('home');

    await page.goto('/products?category=Tea');
    await expect(page.getByRole('article')).toHaveCount(5);
    await expectBasics(page);
    await step('catalog');

    const card = productCard(page, 'Japanese Sencha');
    await card.getByRole('link', { name: 'Japanese Sencha' }).tap();
    await expect(page.getByRole('heading', { level: 1, name: 'Japanese Sencha' })).toBeVisible();
    await expectBasics(page);
    await page.getByRole('button', { name: 'Add Japanese Sencha to cart' }).tap();
    await expect(cartLink(page, 1)).toBeVisible();
    await step('product');

    await cartLink(page, 1).tap();
    await expect(page.getByRole('heading', { level: 2, name: 'Japanese Sencha' })).toBeVisible();
    await expectBasics(page);
    await step('cart');

    await page.getByRole('link', { name: 'Check out' }).tap();
    await expect(page.getByLabel('Full name')).toBeVisible();
    await expectBasics(page);
    await step('checkout');

    await page.goto('/orders');
    await expect(page.getByRole('heading', { level: 1, name: 'Your orders' })).toBeVisible();
    await expectBasics(page);
  });
});

test('the shop works from the keyboard, with a visible focus', async ({ page, step }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Slipway Shop' })).toBeVisible();

  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page.locator('main')).toBeFocused();

  // Into the main navigation, and to the catalog.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Catalog' }).focus();
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle);
  expect(outline).not.toBe('none');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Catalog' })).toBeVisible();
  await expect(page.locator('main')).toBeFocused();

  // Search by typing and Enter.
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Search products')).toBeFocused();
  await page.keyboard.type('grinder');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: '1 product for “grinder”' })).toBeVisible();

  // Tab to the product's button and add it with the keyboard.
  const add = page.getByRole('button', { name: 'Add Hand Burr Grinder to cart' });
  for (let presses = 0; presses < 15 && !(await add.evaluate((element) => element === document.activeElement)); presses++) {
    await page.keyboard.press('Tab');
  }
  await expect(add).toBeFocused();
  await step('focus-on-add-to-cart');
  await page.keyboard.press('Enter');
  await expect(cartLink(page, 1)).toBeVisible();
});
