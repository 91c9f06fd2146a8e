import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../test-support/databases.ts';
import { eventually } from '../../../test-support/eventually.ts';
import type { TestShop } from '../../../test-support/shop-services.ts';
import { call, startTestShop } from '../../../test-support/shop-services.ts';

describe('request ids', () => {
  let shop: TestShop;
  beforeAll(async () => {
    shop = await startTestShop(backends[0]!, { LOG_LEVEL: 'info' });
  });
  afterAll(() => shop?.stop());

  it('follow a checkout through every service and its JSON log lines', async () => {
    const cartId = randomUUID();
    await call(shop.cart.url, 'POST', '/api/cart/items', { body: { productId: 4, quantity: 1 }, headers: { 'x-cart-id': cartId } });
    const requestId = `checkout-${randomUUID()}`;
    const placed = await call(shop.order.url, 'POST', '/api/orders', {
      body: { customer: { name: 'Grace', email: 'grace@example.com' } },
      headers: { 'x-cart-id': cartId, 'idempotency-key': randomUUID(), 'x-request-id': requestId },
    });
    expect(placed.status).toBe(201);
    expect(placed.headers.get('x-request-id')).toBe(requestId);
    // Each service logs a request when its response has finished, which can come after the caller
    // has the answer: wait for the three lines (at most 5 s) instead of a fixed pause.
    const expected = new Set(['order /api/orders', 'cart /api/cart', 'product /internal/reservations']);
    const logged = () => shop.logs.lines.filter((l) => l.requestId === requestId);
    const seen = () => new Set(logged().map((l) => `${l.service} ${l.route}`));
    expect(await eventually(seen, (services) => services.size >= expected.size, 5000)).toEqual(expected);
    const lines = logged();
    for (const line of lines)
      expect(line).toMatchObject({ level: 'info', msg: 'request completed', status: expect.any(Number), time: expect.any(String) });
  });

  it('are made up when the caller sends none, or a malformed one', async () => {
    const none = await call(shop.product.url, 'GET', '/api/products/1');
    expect(none.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const bad = await call(shop.product.url, 'GET', '/api/products/1', { headers: { 'x-request-id': 'has spaces and {braces}' } });
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
