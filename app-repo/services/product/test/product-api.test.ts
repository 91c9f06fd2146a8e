import { beforeAll, describe, expect, it } from 'vitest';
import { seedCatalog } from '../src/catalog.ts';
import { backends } from '../../../test-support/databases.ts';
import { ADMIN_TOKEN, call } from '../../../test-support/shop-services.ts';
import { testShopPerSuite } from '../../../test-support/shop-per-suite.ts';

describe.each(backends)('product service on $name', (backend) => {
  const shop = testShopPerSuite(backend);
  let url: string;
  beforeAll(() => {
    url = shop().product.url;
  });
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

  it('serves the operational endpoints', async () => {
    expect((await call(url, 'GET', '/health')).body).toEqual({ status: 'ok' });
    expect((await call(url, 'GET', '/ready')).body).toEqual({ status: 'ready' });
    expect((await call(url, 'GET', '/version')).body).toEqual({ service: 'product', version: '0.1.0', commit: 'unknown' });
    await call(url, 'GET', '/api/products/2');
    const metrics = (await call(url, 'GET', '/metrics')).text;
    expect(metrics).toContain('app_info{service="product",version="0.1.0",commit="unknown"} 1');
    expect(metrics).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/api\/products\/:id",status_code="200"\} 1/);
    expect(metrics).toContain('process_cpu_user_seconds_total');
  });

  it('lists the seeded catalog page by page', async () => {
    const first = await call(url, 'GET', '/api/products?pageSize=10');
    expect(first.status).toBe(200);
    expect(first.body.total).toBe(seedCatalog.length);
    expect(first.body.totalPages).toBe(Math.ceil(seedCatalog.length / 10));
    expect(first.body.items.map((p: { sku: string }) => p.sku)).toEqual(seedCatalog.slice(0, 10).map((p) => p.sku));
    const last = await call(url, 'GET', `/api/products?pageSize=10&page=${first.body.totalPages}`);
    expect(last.body.items).toHaveLength(seedCatalog.length % 10 || 10);
    const beyond = await call(url, 'GET', '/api/products?pageSize=10&page=99');
    expect(beyond.body).toMatchObject({ items: [], total: seedCatalog.length, page: 99 });
  });

  it.each([
    ['q=sencha', ['tea-sencha-100', 'gif-tea-tin']],
    ['q=SENCHA', ['tea-sencha-100', 'gif-tea-tin']],
    ['q=yirgacheffe', ['cof-ethiopia-250']],
    ['q=100%25', []],
    ['category=books', ['bok-brewing', 'bok-tea-atlas', 'bok-bakery', 'bok-roasting']],
    ['category=Tea&q=oolong', ['tea-oolong-100']],
    ['featured=true&category=Kitchen', ['kit-pourover', 'kit-grinder']],
  ])('searches with %s', async (query, skus) => {
    const page = await call(url, 'GET', `/api/products?${query}&pageSize=100`);
    expect(page.status).toBe(200);
    expect(page.body.items.map((p: { sku: string }) => p.sku)).toEqual(skus);
  });

  it('lists categories with counts', async () => {
    const categories = (await call(url, 'GET', '/api/products/categories')).body.items as { name: string; count: number }[];
    expect(categories.reduce((n, c) => n + c.count, 0)).toBe(seedCatalog.length);
    expect(categories.find((c) => c.name === 'Coffee')?.count).toBe(seedCatalog.filter((p) => p.category === 'Coffee').length);
  });

  it('gets one product, its stock and its image', async () => {
    const product = await call(url, 'GET', '/api/products/1');
    expect(product.body).toMatchObject({ id: 1, sku: seedCatalog[0]!.sku, priceCents: seedCatalog[0]!.priceCents, currency: 'USD' });
    expect((await call(url, 'GET', '/api/products/1/stock')).body).toEqual({ productId: 1, stock: seedCatalog[0]!.stock });
    const image = await fetch(`${url}${product.body.imageUrl}`);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toContain('image/svg+xml');
    expect(await image.text()).toContain('<svg');
  });

  it('creates and updates products only with the admin token', async () => {
    const draft = { sku: 'test-mug', name: 'Test Mug', description: 'A mug for tests.', priceCents: 999, category: 'Kitchen', stock: 3 };
    expect((await call(url, 'POST', '/api/products', { body: draft })).status).toBe(401);
    expect((await call(url, 'POST', '/api/products', { body: draft, headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const created = await call(url, 'POST', '/api/products', { body: draft, headers: admin });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/products/${created.body.id}`);
    const again = await call(url, 'POST', '/api/products', { body: draft, headers: admin });
    expect(again.status).toBe(409);
    expect(again.body.errors).toEqual([{ field: 'sku', message: 'is taken' }]);
    const updated = await call(url, 'PATCH', `/api/products/${created.body.id}`, { body: { priceCents: 1299, stock: 5 }, headers: admin });
    expect(updated.body).toMatchObject({ priceCents: 1299, stock: 5, name: 'Test Mug' });
    expect((await call(url, 'PATCH', '/api/products/99999', { body: { stock: 1 }, headers: admin })).status).toBe(404);
  });

  it('shows stock taken by a reservation in the next catalog page', async () => {
    const stockInList = async () =>
      ((await call(url, 'GET', '/api/products?category=Gifts')).body.items as { id: number; stock: number }[]).find((p) => p.id === 33)!
        .stock;
    const before = await stockInList();
    const reserved = await call(url, 'POST', '/internal/reservations', {
      body: { reservationId: '00000000-0000-4000-8000-0000000000c1', items: [{ productId: 33, quantity: 4 }] },
    });
    expect(reserved.status).toBe(201);
    expect(await stockInList()).toBe(before - 4);
    await call(url, 'DELETE', '/internal/reservations/00000000-0000-4000-8000-0000000000c1');
    expect(await stockInList()).toBe(before);
  });

  it('reserves stock for every line or none, once per reservation id', async () => {
    const before = (await call(url, 'GET', '/api/products/5/stock')).body.stock as number;
    const short = await call(url, 'POST', '/internal/reservations', {
      body: {
        reservationId: '00000000-0000-4000-8000-000000000001',
        items: [
          { productId: 5, quantity: 1 },
          { productId: 6, quantity: 100_0 },
        ],
      },
    });
    expect(short.status).toBe(409);
    expect(short.body.errors).toEqual([expect.objectContaining({ field: 'items[1].quantity', productId: 6, requested: 1000 })]);
    expect((await call(url, 'GET', '/api/products/5/stock')).body.stock).toBe(before);

    const id = '00000000-0000-4000-8000-000000000002';
    const reserve = () =>
      call(url, 'POST', '/internal/reservations', { body: { reservationId: id, items: [{ productId: 5, quantity: 2 }] } });
    expect((await reserve()).status).toBe(201);
    const replay = await reserve();
    expect(replay.status).toBe(200);
    expect(replay.body.items).toEqual([{ productId: 5, quantity: 2, remaining: before - 2 }]);
    expect((await call(url, 'GET', '/api/products/5/stock')).body.stock).toBe(before - 2);

    expect((await call(url, 'DELETE', `/internal/reservations/${id}`)).status).toBe(204);
    expect((await call(url, 'DELETE', `/internal/reservations/${id}`)).status).toBe(204);
    expect((await call(url, 'GET', '/api/products/5/stock')).body.stock).toBe(before);
  });

  // Every bad request answers 4xx problem+json naming the field, and changes nothing.
  const uuid = '00000000-0000-4000-8000-0000000000aa';
  it.each([
    ['GET', '/api/products?page=0', undefined, undefined, 400, 'page'],
    ['GET', '/api/products?page=abc', undefined, undefined, 400, 'page'],
    ['GET', '/api/products?pageSize=1000', undefined, undefined, 400, 'pageSize'],
    ['GET', '/api/products?sort=name', undefined, undefined, 400, 'sort'],
    ['GET', '/api/products?q=a&q=b', undefined, undefined, 400, 'q'],
    ['GET', '/api/products/abc', undefined, undefined, 400, 'id'],
    ['GET', '/api/products/-1', undefined, undefined, 400, 'id'],
    ['GET', '/api/products/99999999999', undefined, undefined, 400, 'id'],
    ['GET', '/api/products/99999', undefined, undefined, 404, undefined],
    ['GET', '/api/products/images/..%2F..%2Fpackage.json', undefined, undefined, 404, undefined],
    ['POST', '/api/products', '{"sku":', 'admin', 400, 'body'],
    [
      'POST',
      '/api/products',
      JSON.stringify({ sku: 'ok-sku', name: 'x', description: '', priceCents: -1, category: 'c', stock: 1 }),
      'admin',
      400,
      'priceCents',
    ],
    [
      'POST',
      '/api/products',
      JSON.stringify({ sku: 'ok-sku', name: 'x', description: '', priceCents: '5', category: 'c', stock: 1 }),
      'admin',
      400,
      'priceCents',
    ],
    [
      'POST',
      '/api/products',
      JSON.stringify({ sku: 'ok-sku', name: 'x', description: '', priceCents: 1, category: 'c', stock: 1, colour: 'red' }),
      'admin',
      400,
      'colour',
    ],
    ['POST', '/api/products', JSON.stringify({ name: 'x', description: '', priceCents: 1, category: 'c', stock: 1 }), 'admin', 400, 'sku'],
    [
      'POST',
      '/api/products',
      JSON.stringify({ sku: 'ok-sku', name: 'x'.repeat(20_000), description: '', priceCents: 1, category: 'c', stock: 1 }),
      'admin',
      413,
      'body',
    ],
    ['PATCH', '/api/products/1', JSON.stringify({}), 'admin', 400, 'body'],
    ['PATCH', '/api/products/1', JSON.stringify({ stock: 1.5 }), 'admin', 400, 'stock'],
    ['PATCH', '/api/products/1', JSON.stringify({ sku: 'new' }), 'admin', 400, 'sku'],
    [
      'POST',
      '/internal/reservations',
      JSON.stringify({ reservationId: 'nope', items: [{ productId: 1, quantity: 1 }] }),
      undefined,
      400,
      'reservationId',
    ],
    ['POST', '/internal/reservations', JSON.stringify({ reservationId: uuid, items: [] }), undefined, 400, 'items'],
    [
      'POST',
      '/internal/reservations',
      JSON.stringify({ reservationId: uuid, items: [{ productId: 1, quantity: 0 }] }),
      undefined,
      400,
      'items[0].quantity',
    ],
    [
      'POST',
      '/internal/reservations',
      JSON.stringify({ reservationId: uuid, items: [{ productId: 1, quantity: 1e9 }] }),
      undefined,
      400,
      'items[0].quantity',
    ],
    [
      'POST',
      '/internal/reservations',
      JSON.stringify({ reservationId: uuid, items: [{ productId: 424242, quantity: 1 }] }),
      undefined,
      422,
      'items[0].productId',
    ],
    ['DELETE', '/internal/reservations/not-a-uuid', undefined, undefined, 400, 'reservationId'],
  ])('%s %s with body %s (auth %s) → %i naming %s', async (method, path, rawBody, auth, status, field) => {
    const stockBefore = (await call(url, 'GET', '/api/products/1/stock')).body.stock;
    const answer = await call(url, method, path, { ...(rawBody !== undefined ? { rawBody } : {}), headers: auth ? admin : {} });
    expect(answer.status).toBe(status);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
    if (field) expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect((await call(url, 'GET', '/api/products/1/stock')).body.stock).toBe(stockBefore);
    expect((await call(url, 'GET', '/api/products?q=ok-sku')).body.total).toBe(0);
  });

  it('refuses a body that is not JSON', async () => {
    const answer = await call(url, 'POST', '/api/products', { rawBody: 'sku=x', headers: { ...admin, 'content-type': 'text/plain' } });
    expect(answer.status).toBe(415);
    expect(answer.body.errors[0].field).toBe('body');
  });
});
