/**
 * Test support: a fresh contract shop (see `startShopWithCart`) for every test in the calling file,
 * started before each test and closed — with the rendered DOM cleaned up — after it.
 */
import { cleanup } from '@testing-library/react';
import { afterEach, beforeEach } from 'vitest';
import { startShopWithCart } from './contract-shop-server.ts';
import type { ContractShop } from './contract-shop-server.ts';

/** Registers the per-test hooks; the returned accessor gives the current test's shop. */
export function shopPerTest(path: string, capStock: number): () => ContractShop {
  let shop: ContractShop | undefined;
  beforeEach(async () => {
    shop = await startShopWithCart(path, capStock);
  });
  afterEach(async () => {
    cleanup();
    await shop?.close();
    shop = undefined;
  });
  return () => {
    if (!shop) throw new Error('the contract shop runs only inside a test');
    return shop;
  };
}
