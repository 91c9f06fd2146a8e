import { expect, test } from './shop-fixture.ts';
import type { Locator, Page } from '@playwright/test';
import { axeViolations } from './axe-audit.ts';
import { accessibilityBasics, cartLink, confirmedOrderId, fillCheckout, productCard } from './shop-pages.ts';

/** The page as shown passes axe-core's WCAG A/AA rules and best practices, and our own basics. */
async function expectBasics(page: Page) {
  const found = await accessibilityBasics(page);
  expect(found.h1, 'one h1 per page').toBe(1);
  expect(found.imagesWithoutAlt, 'images without alt text').toBe(0);
  expect(found.unlabelledControls, 'form controls without a label').toEqual([]);
  expect(found.overflowPx, 'page wider than the window').toBeLessThanOrEqual(0);
  expect(await axeViolations(page), `axe-core violations on ${new URL(page.url()).pathname}`).toEqual([]);
}

/** Waits until `shown` is on screen (the page has rendered what it is about), then checks the basics. */
async function expectBasicsOnceShown(page: Page, shown: Locator) {
  await expect(shown).toBeVisible();
  await expectBasics(page);
}

test.describe('on a phone', () => {
  // 320 px: the narrowest phone screen still in use; what fits here fits every phone.
  test.use({ viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true });

  test('every page fits the screen, with labelled controls, alt texts and one main heading', async ({ page, step }) => {
    await page.goto('/');
    await expectBasicsOnceShown(page, page.getByRole('region', { name: 'Featured products' }).getByRole('article').first());
    await step('home');

    await page.goto('/products?category=Tea');
    await expect(page.getByRole('article')).toHaveCount(5);
    await expectBasics(page);
    await step('catalog');

    const card = productCard(page, 'Japanese Sencha');
    await card.getByRole('link', { name: 'Japanese Sencha' }).tap();
    await expectBasicsOnceShown(page, page.getByRole('heading', { level: 1, name: 'Japanese Sencha' }));
    await page.getByRole('button', { name: 'Add to cart: Japanese Sencha' }).tap();
    await expect(cartLink(page, 1)).toBeVisible();
    await step('product');

    await cartLink(page, 1).tap();
    await expectBasicsOnceShown(page, page.getByRole('heading', { level: 2, name: 'Japanese Sencha' }));
    await step('cart');

    await page.getByRole('link', { name: 'Check out' }).tap();
    await expect(page.getByLabel('Full name')).toBeVisible();
    await page.getByRole('button', { name: 'Place order' }).tap();
    await expectBasicsOnceShown(page, page.getByText('Enter your name.'));
    await step('checkout-invalid');

    await fillCheckout(page, 'Ada Lovelace', 'ada@example.com');
    await page.getByRole('button', { name: 'Place order' }).tap();
    await confirmedOrderId(page);
    await expectBasics(page);
    await step('confirmation');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Orders' }).tap();
    await expect(page.getByRole('table').getByRole('row')).toHaveCount(2);
    await expectBasics(page);
    await step('order-history');
  });
});

test('the axe-core check reports what it should: a button named unlike its text, an image without alt', async ({ page }) => {
  await page.setContent(
    '<main><h1>Check</h1><button aria-label="Buy now">Add to cart</button><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main>',
  );
  const rules = (await axeViolations(page)).map((violation) => violation.rule);
  expect(rules).toEqual(expect.arrayContaining(['label-content-name-mismatch', 'image-alt']));
});

test('axe-core finds nothing on the pages a desktop shopper sees, error states included', async ({ page, shop, step }) => {
  await page.goto('/');
  await expect(page.getByRole('region', { name: 'Featured products' }).getByRole('article').first()).toBeVisible();
  await expectBasicsOnceShown(page, page.getByRole('link', { name: /^Cart, \d+ items?$/ }));

  await page.goto('/products?category=Coffee');
  await expect(page.getByRole('article')).toHaveCount(6);
  await expectBasics(page);
  await page.goto('/products?page=2');
  await expectBasicsOnceShown(page, page.getByRole('navigation', { name: 'Pagination' }));

  await page.goto('/no-such-page');
  await expectBasicsOnceShown(page, page.getByRole('heading', { level: 1, name: 'Page not found' }));
  await page.goto('/orders/00000000-0000-4000-8000-000000000000');
  await expectBasicsOnceShown(page, page.getByRole('heading', { level: 2, name: 'Order details not found' }));

  await shop.services.product.stop();
  try {
    await page.goto('/');
    await expectBasicsOnceShown(page, page.getByRole('heading', { level: 3, name: "We couldn't load featured products" }));
    await page.goto('/products');
    await expectBasicsOnceShown(page, page.getByRole('heading', { level: 3, name: "We couldn't load products" }));
    await step('catalog-down');
  } finally {
    await shop.services.product.start();
  }

  await shop.services.cart.stop();
  try {
    await page.goto('/checkout');
    await expect(page.getByRole('heading', { level: 1, name: 'Checkout' })).toBeVisible();
    await expectBasicsOnceShown(page, page.getByRole('heading', { level: 2, name: "We couldn't load your cart" }));
    await step('checkout-cart-down');
  } finally {
    await shop.services.cart.start();
  }
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
  const add = page.getByRole('button', { name: 'Add to cart: Hand Burr Grinder' });
  for (let presses = 0; presses < 15 && !(await add.evaluate((element) => element === document.activeElement)); presses++) {
    await page.keyboard.press('Tab');
  }
  await expect(add).toBeFocused();
  await step('focus-on-add-to-cart');
  await page.keyboard.press('Enter');
  await expect(cartLink(page, 1)).toBeVisible();
});
