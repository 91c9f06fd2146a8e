import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { backends } from '../../../test-support/databases.ts';
import { ADMIN_TOKEN, call } from '../../../test-support/shop-services.ts';
import { testShopPerSuite } from '../../../test-support/shop-per-suite.ts';

describe.each(backends)('checkout on $name', (backend) => {
  const shop = testShopPerSuite(backend);

  const customer = { name: 'Ada Lovelace', email: 'Ada@Example.com' };
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

  async function cartWith(lines: [productId: number, quantity: number][]): Promise<string> {
    const id = randomUUID();
    for (const [productId, quantity] of lines) {
      const added = await call(shop().cart.url, 'POST', '/api/cart/items', { body: { productId, quantity }, headers: { 'x-cart-id': id } });
      expect(added.status).toBe(201);
    }
    return id;
  }
  const stockOf = async (productId: number) =>
    (await call(shop().product.url, 'GET', `/api/products/${productId}/stock`)).body.stock as number;
  const checkout = (cartId: string, key: string, body: unknown = { customer }) =>
    call(shop().order.url, 'POST', '/api/orders', { body, headers: { 'x-cart-id': cartId, 'idempotency-key': key } });

  it('turns a cart into an order, takes the stock and empties the cart', async () => {
    const [stock1, stock2] = [await stockOf(1), await stockOf(2)];
    const cartId = await cartWith([
      [1, 2],
      [2, 1],
    ]);
    const placed = await checkout(cartId, randomUUID());
    expect(placed.status).toBe(201);
    const order = placed.body;
    expect(placed.headers.get('location')).toBe(`/api/orders/${order.id}`);
    expect(order).toMatchObject({ cartId, customerId: 'ada@example.com', status: 'confirmed', itemCount: 3, currency: 'USD' });
    expect(order.totalCents).toBe(order.lines.reduce((n: number, l: { lineTotalCents: number }) => n + l.lineTotalCents, 0));
    expect([await stockOf(1), await stockOf(2)]).toEqual([stock1 - 2, stock2 - 1]);
    expect((await call(shop().cart.url, 'GET', '/api/cart', { headers: { 'x-cart-id': cartId } })).body.items).toEqual([]);
    expect((await call(shop().order.url, 'GET', `/api/orders/${order.id}`)).body).toEqual(order);
    expect((await call(shop().order.url, 'GET', `/api/orders?cartId=${cartId}`)).body.items).toEqual([order]);
    expect((await call(shop().order.url, 'GET', '/api/orders', { headers: { cookie: `cart_id=${cartId}` } })).body.items).toEqual([order]);
    const byCustomer = (await call(shop().order.url, 'GET', '/api/orders?customerId=ADA@example.com')).body.items as { id: string }[];
    expect(byCustomer.map((o) => o.id)).toContain(order.id);
    const metrics = (await call(shop().order.url, 'GET', '/metrics')).text;
    expect(metrics).toMatch(/shop_orders_created_total \d+/);
  });

  it('answers the same key with the same order, sequentially and concurrently', async () => {
    const stock = await stockOf(3);
    const cartId = await cartWith([[3, 1]]);
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 6 }, () => checkout(cartId, key)));
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(201));
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(5);
    const later = await checkout(cartId, key);
    expect(later.text).toBe(answers[0]!.text);
    expect((await call(shop().order.url, 'GET', `/api/orders?cartId=${cartId}`)).body.items).toHaveLength(1);
    expect(await stockOf(3)).toBe(stock - 1);
    // The same key for a different request is refused, not replayed.
    const reused = await checkout(cartId, key, { customer: { name: 'Someone Else', email: 'else@example.com' } });
    expect(reused.status).toBe(422);
    expect(reused.body.errors[0].field).toBe('Idempotency-Key');
  });

  it('sells the last 10 units to exactly 10 of 50 simultaneous checkouts', async () => {
    await call(shop().product.url, 'PATCH', '/api/products/11', { body: { stock: 10 }, headers: admin });
    const plenty = await stockOf(19);
    const carts = [];
    for (let i = 0; i < 50; i++)
      carts.push(
        await cartWith([
          [11, 1],
          [19, 1],
        ]),
      );
    const answers = await Promise.all(carts.map((cartId) => checkout(cartId, randomUUID())));
    const won = answers.filter((a) => a.status === 201);
    const lost = answers.filter((a) => a.status !== 201);
    expect(won).toHaveLength(10);
    expect(lost.map((a) => a.status)).toEqual(Array(40).fill(409));
    for (const refusal of lost) {
      expect(refusal.body).toMatchObject({ title: 'Insufficient stock' });
      expect(refusal.body.errors).toEqual([expect.objectContaining({ productId: 11, available: 0 })]);
    }
    expect(await stockOf(11)).toBe(0);
    // All lines or none: the plentiful product went only with the 10 winning orders.
    expect(await stockOf(19)).toBe(plenty - 10);
  });

  it('refuses to oversell when one cart wants more than is left', async () => {
    await call(shop().product.url, 'PATCH', '/api/products/12', { body: { stock: 3 }, headers: admin });
    const cartId = await cartWith([[12, 3]]);
    await call(shop().product.url, 'PATCH', '/api/products/12', { body: { stock: 2 }, headers: admin });
    const answer = await checkout(cartId, randomUUID());
    expect(answer.status).toBe(409);
    expect(answer.body.errors[0]).toMatchObject({ productId: 12, available: 2, requested: 3 });
    expect(await stockOf(12)).toBe(2);
    expect((await call(shop().cart.url, 'GET', '/api/cart', { headers: { 'x-cart-id': cartId } })).body.items).toHaveLength(1);
  });

  const cartId = '99999999-8888-4777-8666-555555555555';
  it.each([
    ['no Idempotency-Key', { 'x-cart-id': cartId }, { customer }, 400, 'Idempotency-Key'],
    ['an empty Idempotency-Key', { 'x-cart-id': cartId, 'idempotency-key': '' }, { customer }, 400, 'Idempotency-Key'],
    ['no cart id', { 'idempotency-key': 'k-1' }, { customer }, 400, 'X-Cart-Id'],
    ['a malformed cart id', { 'x-cart-id': 'abc', 'idempotency-key': 'k-1' }, { customer }, 400, 'X-Cart-Id'],
    ['no customer', { 'x-cart-id': cartId, 'idempotency-key': 'k-2' }, {}, 400, 'customer'],
    [
      'a bad email',
      { 'x-cart-id': cartId, 'idempotency-key': 'k-3' },
      { customer: { name: 'A', email: 'not-an-email' } },
      400,
      'customer.email',
    ],
    [
      'a blank name',
      { 'x-cart-id': cartId, 'idempotency-key': 'k-4' },
      { customer: { name: '   ', email: 'a@b.co' } },
      400,
      'customer.name',
    ],
    ['an unknown field', { 'x-cart-id': cartId, 'idempotency-key': 'k-5' }, { customer, totalCents: 1 }, 400, 'totalCents'],
    ['an empty cart', { 'x-cart-id': cartId, 'idempotency-key': 'k-6' }, { customer }, 422, 'cart'],
  ])('refuses a checkout with %s', async (_case, headers, body, status, field) => {
    const answer = await call(shop().order.url, 'POST', '/api/orders', { body, headers });
    expect(answer.status).toBe(status);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect((await call(shop().order.url, 'GET', `/api/orders?cartId=${cartId}`)).body.items).toEqual([]);
  });

  it.each([
    ['/api/orders/not-a-uuid', 400, 'id'],
    ['/api/orders/00000000-0000-4000-8000-000000000000', 404, undefined],
    ['/api/orders?cartId=nope', 400, 'cartId'],
    ['/api/orders', 400, 'cartId'],
    ['/api/orders?customerId=a&extra=1', 400, 'extra'],
  ])('GET %s → %i naming %s', async (path, status, field) => {
    const answer = await call(shop().order.url, 'GET', path);
    expect(answer.status).toBe(status);
    if (field) expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });
});
