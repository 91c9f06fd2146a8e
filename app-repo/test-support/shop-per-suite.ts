/**
 * Test support: the shop's services on one database backend (see `startTestShop`), started before
 * the calling suite (beforeAll) and stopped after it (afterAll).
 */
import { afterAll, beforeAll } from 'vitest';
import type { Backend } from './databases.ts';
import { startTestShop } from './shop-services.ts';
import type { TestShop } from './shop-services.ts';

/** Registers the suite's hooks; the returned accessor gives the running shop. */
export function testShopPerSuite(backend: Backend): () => TestShop {
  let shop: TestShop | undefined;
  beforeAll(async () => {
    shop = await startTestShop(backend);
  });
  afterAll(() => shop?.stop());
  return () => {
    if (!shop) throw new Error('the test shop starts in beforeAll');
    return shop;
  };
}
