// What the specs read off the shop's pages.
import type { Locator, Page } from '@playwright/test';
import { expect } from '@playwright/test';

/** The product's card in a list of products. */
export const productCard = (page: Page, name: string): Locator => page.getByRole('article', { name });

/** The stock a product card or page shows: "12 in stock", "Only 3 left", "Out of stock". */
export async function shownStock(scope: Locator): Promise<number> {
  const text = (await scope.locator('.stock').first().textContent()) ?? '';
  if (/out of stock/i.test(text)) return 0;
  const match = /(\d+)/.exec(text);
  if (!match) throw new Error(`no stock shown in "${text}"`);
  return Number(match[1]);
}

/** Searches the catalog and waits for the results. */
export async function searchCatalog(page: Page, words: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Catalog' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Catalog' })).toBeVisible();
  await page.getByLabel('Search products').fill(words);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByRole('status').filter({ hasText: `for “${words}”` })).toBeVisible();
}

export async function fillCheckout(page: Page, name: string, email: string): Promise<void> {
  await expect(page.getByRole('heading', { level: 1, name: 'Checkout' })).toBeVisible();
  await page.getByLabel('Full name').fill(name);
  await page.getByLabel('Email').fill(email);
}

/** Waits for the order confirmation with its details loaded; returns the order number. */
export async function confirmedOrderId(page: Page): Promise<string> {
  await expect(page.getByRole('heading', { level: 1, name: 'Thank you for your order!' })).toBeVisible();
  const id = page.getByTestId('order-id');
  await expect(id).toHaveText(/^[0-9a-f-]{36}$/);
  return (await id.textContent()) ?? '';
}

/** The cart count the header shows. */
export const cartLink = (page: Page, items: number): Locator =>
  page.getByRole('link', { name: `Cart, ${items} item${items === 1 ? '' : 's'}` });

/** Whether an <img> has loaded a picture (a broken image is complete too, but 0 wide). */
export const imageLoaded = (image: Locator): Promise<boolean> =>
  image.evaluate((element) => element instanceof HTMLImageElement && element.complete && element.naturalWidth > 0);

/** What a person using a keyboard or a screen reader needs from every page, checked on the page shown. */
export async function accessibilityBasics(
  page: Page,
): Promise<{ h1: number; imagesWithoutAlt: number; unlabelledControls: string[]; overflowPx: number }> {
  return page.evaluate(() => ({
    h1: document.querySelectorAll('h1').length,
    imagesWithoutAlt: Array.from(document.images).filter((image) => !image.hasAttribute('alt')).length,
    unlabelledControls: Array.from(document.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select, textarea'))
      .filter((control) => control.labels?.length === 0 && !control.getAttribute('aria-label') && !control.getAttribute('aria-labelledby'))
      .map((control) => control.outerHTML),
    overflowPx: document.documentElement.scrollWidth - window.innerWidth,
  }));
}
