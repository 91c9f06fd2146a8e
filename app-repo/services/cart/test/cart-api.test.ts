import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../test-support/databases.ts';
import { ADMIN_TOKEN, call } from '../../../test-support/shop-services.ts';
import { testShopPerSuite } from '../../../test-support/shop-per-suite.ts';

describe.each(backends)('cart service on $name', (backend) => {
  const shop = testShopPerSuite(backend);
  let url: string;
  beforeAll(() => {
    url = shop().cart.url;
  });

  const cartHeaders = (id: string) => ({ 'x-cart-id': id });

  it('gives a caller without a cart a new id in a cookie, and reads it back from the cookie', async () => {
    const first = await call(url, 'GET', '/api/cart');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ items: [], itemCount: 0, subtotalCents: 0, currency: 'USD' });
    const cookie = first.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(new RegExp(`^cart_id=${first.body.id};`));
    expect(cookie).toContain('HttpOnly');
    const again = await call(url, 'GET', '/api/cart', { headers: { cookie: `cart_id=${first.body.id}` } });
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('set-cookie')).toBeNull();
  });

  it('adds, changes, removes and clears, keeping a price snapshot', async () => {
    const id = randomUUID();
    const added = await call(url, 'POST', '/api/cart/items', { body: { productId: 1, quantity: 2 }, headers: cartHeaders(id) });
    expect(added.status).toBe(201);
    const price = added.body.items[0].unitPriceCents as number;
    expect(added.body).toMatchObject({ id, itemCount: 2, subtotalCents: 2 * price });

    await call(url, 'POST', '/api/cart/items', { body: { productId: 2, quantity: 1 }, headers: cartHeaders(id) });
    const more = await call(url, 'POST', '/api/cart/items', { body: { productId: 1, quantity: 1 }, headers: cartHeaders(id) });
    expect(more.body.items.map((i: { productId: number; quantity: number }) => [i.productId, i.quantity])).toEqual([
      [1, 3],
      [2, 1],
    ]);

    // The catalog price changes; the cart keeps the price the shopper saw.
    await call(shop().product.url, 'PATCH', '/api/products/1', {
      body: { priceCents: price + 500 },
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const changed = await call(url, 'PUT', '/api/cart/items/1', { body: { quantity: 5 }, headers: cartHeaders(id) });
    expect(changed.status).toBe(200);
    expect(changed.body.items[0]).toMatchObject({ productId: 1, quantity: 5, unitPriceCents: price, lineTotalCents: 5 * price });

    const removed = await call(url, 'DELETE', '/api/cart/items/2', { headers: cartHeaders(id) });
    expect(removed.body.items.map((i: { productId: number }) => i.productId)).toEqual([1]);
    expect((await call(url, 'DELETE', '/api/cart', { headers: cartHeaders(id) })).status).toBe(204);
    expect((await call(url, 'GET', '/api/cart', { headers: cartHeaders(id) })).body.items).toEqual([]);
  });

  it('keeps one line at 99 or fewer even under concurrent adds', async () => {
    const id = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 12 }, () =>
        call(url, 'POST', '/api/cart/items', { body: { productId: 19, quantity: 10 }, headers: cartHeaders(id) }),
      ),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(9);
    expect(answers.filter((a) => a.status === 422).every((a) => a.body.errors[0].field === 'quantity')).toBe(true);
    expect((await call(url, 'GET', '/api/cart', { headers: cartHeaders(id) })).body.items[0].quantity).toBe(90);
  });

  const id = '11111111-2222-4333-8444-555555555555';
  it.each([
    ['GET', '/api/cart', { 'x-cart-id': 'not-a-uuid' }, undefined, 400, 'X-Cart-Id'],
    ['POST', '/api/cart/items', cartHeaders(id), '{"productId": 1,', 400, 'body'],
    ['POST', '/api/cart/items', cartHeaders(id), '[]', 400, 'body'],
    ['POST', '/api/cart/items', cartHeaders(id), JSON.stringify({ productId: '1', quantity: 1 }), 400, 'productId'],
    ['POST', '/api/cart/items', cartHeaders(id), JSON.stringify({ productId: 1 }), 400, 'quantity'],
    ['POST', '/api/cart/items', cartHeaders(id), JSON.stringify({ productId: 1, quantity: -1 }), 400, 'quantity'],
    ['POST', '/api/cart/items', cartHeaders(id), JSON.stringify({ productId: 1, quantity: 1e12 }), 400, 'quantity'],
    ['POST', '/api/cart/items', cartHeaders(id), JSON.stringify({ productId: 1, quantity: 1, price: 0 }), 400, 'price'],
    ['POST', '/api/cart/items', cartHeaders(id), JSON.stringify({ productId: 987654, quantity: 1 }), 422, 'productId'],
    ['POST', '/api/cart/items', cartHeaders(id), JSON.stringify({ productId: 1, quantity: 1, pad: 'x'.repeat(20_000) }), 413, 'body'],
    ['POST', '/api/cart/items', cartHeaders(id), JSON.stringify({ productId: 18, quantity: 99 }), 409, 'quantity'],
    ['PUT', '/api/cart/items/abc', cartHeaders(id), JSON.stringify({ quantity: 1 }), 400, 'productId'],
    ['PUT', '/api/cart/items/1', cartHeaders(id), JSON.stringify({ quantity: 0 }), 400, 'quantity'],
    ['PUT', '/api/cart/items/3', cartHeaders(id), JSON.stringify({ quantity: 1 }), 404, undefined],
    ['DELETE', '/api/cart/items/3', cartHeaders(id), undefined, 404, undefined],
  ])('%s %s (%o) with body %s → %i naming %s', async (method, path, headers, rawBody, status, field) => {
    const answer = await call(url, method, path, { headers, ...(rawBody !== undefined ? { rawBody } : {}) });
    expect(answer.status).toBe(status);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    if (field) expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect((await call(url, 'GET', '/api/cart', { headers: cartHeaders(id) })).body.items).toEqual([]);
  });

  it('answers 503 when the product service does not answer, and writes nothing', async () => {
    const id = randomUUID();
    const { startCartService } = await import('../src/service.ts');
    const orphan = await startCartService({
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'silent',
      DATA_DIR: 'memory://',
      PRODUCT_SERVICE_URL: 'http://127.0.0.1:9',
      HTTP_TIMEOUT_MS: '200',
    });
    try {
      const answer = await call(orphan.url, 'POST', '/api/cart/items', { body: { productId: 1, quantity: 1 }, headers: cartHeaders(id) });
      expect(answer.status).toBe(503);
      expect(answer.body.detail).toMatch(/product service is unavailable/);
      expect((await call(orphan.url, 'GET', '/api/cart', { headers: cartHeaders(id) })).body.items).toEqual([]);
    } finally {
      await orphan.shutdown();
    }
  });
});
