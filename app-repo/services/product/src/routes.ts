/** The product service's HTTP surface: a thin shell over products.ts and reservations.ts. */
import { timingSafeEqual } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Express, Request } from 'express';
import type { ServiceContext } from '@slipway/service-kit';
import { HttpProblem, bodyValidator, conflict, idParam, notFound, queryValidator, unauthorized, uuidParam } from '@slipway/service-kit';
import type { ListCache } from './list-cache.ts';
import type { ListQuery, NewProduct, ProductChanges } from './products.ts';
import { IMAGE_ROUTE, createProduct, getProduct, listCategories, listProducts, updateProduct } from './products.ts';
import type { ReservationLine } from './reservations.ts';
import { releaseStock, reserveStock } from './reservations.ts';

const imagesDir = fileURLToPath(new URL('../images/', import.meta.url));

const listQuery = queryValidator<ListQuery>({
  type: 'object',
  properties: {
    q: { type: 'string', maxLength: 100 },
    category: { type: 'string', maxLength: 50 },
    featured: { type: 'boolean' },
    page: { type: 'integer', minimum: 1, maximum: 10_000, default: 1 },
    pageSize: { type: 'integer', minimum: 1, maximum: 100, default: 12 },
  },
  additionalProperties: false,
});

const productFields = {
  name: { type: 'string', minLength: 1, maxLength: 120 },
  description: { type: 'string', maxLength: 2000 },
  priceCents: { type: 'integer', minimum: 0, maximum: 10_000_000 },
  category: { type: 'string', minLength: 1, maxLength: 40 },
  stock: { type: 'integer', minimum: 0, maximum: 1_000_000 },
  image: { type: 'string', pattern: '^[a-z0-9-]{1,60}\\.svg$' },
  featured: { type: 'boolean' },
};

const newProduct = bodyValidator<NewProduct>({
  type: 'object',
  properties: { sku: { type: 'string', pattern: '^[a-z0-9-]{3,40}$' }, ...productFields },
  required: ['sku', 'name', 'description', 'priceCents', 'category', 'stock'],
  additionalProperties: false,
});

const productChanges = bodyValidator<ProductChanges>({
  type: 'object',
  properties: productFields,
  minProperties: 1,
  additionalProperties: false,
});

const reservationRequest = bodyValidator<{ reservationId: string; items: ReservationLine[] }>({
  type: 'object',
  properties: {
    reservationId: { type: 'string', format: 'uuid' },
    items: {
      type: 'array',
      minItems: 1,
      maxItems: 100,
      items: {
        type: 'object',
        properties: {
          productId: { type: 'integer', minimum: 1, maximum: 2_147_483_647 },
          quantity: { type: 'integer', minimum: 1, maximum: 1000 },
        },
        required: ['productId', 'quantity'],
        additionalProperties: false,
      },
    },
  },
  required: ['reservationId', 'items'],
  additionalProperties: false,
});

function requireAdmin(req: Request, adminToken: string | undefined): void {
  if (!adminToken) throw unauthorized('Product writes are disabled: the service has no ADMIN_TOKEN configured.');
  const given = Buffer.from((req.get('authorization') ?? '').replace(/^Bearer\s+/i, ''));
  const expected = Buffer.from(adminToken);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw unauthorized('Send the admin token as Authorization: Bearer <token>.');
  }
}

export function productRoutes(context: ServiceContext, adminToken: string | undefined, pages: ListCache) {
  const { db, metrics } = context;
  const reservations = metrics.counter('shop_stock_reservations_total', 'Stock reservations by outcome.', ['outcome'] as const);
  const releases = metrics.counter('shop_stock_releases_total', 'Reservations released and their stock returned.');

  return (app: Express) => {
    app.get('/api/products', async (req, res) => {
      const query = listQuery(req.query);
      const key = JSON.stringify([query.q, query.category?.toLowerCase(), query.featured, query.page, query.pageSize]);
      let body = pages.get(key);
      if (body === undefined) {
        const generation = pages.generation();
        body = JSON.stringify(await listProducts(db, query));
        pages.set(key, body, generation);
      }
      res.type('application/json').send(body);
    });
    app.get('/api/products/categories', async (_req, res) => {
      res.json({ items: await listCategories(db) });
    });
    app.get(`${IMAGE_ROUTE}/:file`, (req, res, next) => {
      const file = req.params.file;
      if (!/^[a-z0-9-]{1,60}\.svg$/.test(file)) throw notFound(`No image named '${file}'.`);
      res.sendFile(file, { root: imagesDir, maxAge: '1d', headers: { 'Content-Type': 'image/svg+xml' } }, (error) => {
        if (error) next(notFound(`No image named '${file}'.`));
      });
    });
    app.get('/api/products/:id', async (req, res) => {
      const product = await getProduct(db, idParam(req.params.id, 'id'));
      if (!product) throw notFound(`Product ${req.params.id} does not exist.`);
      res.json(product);
    });
    app.get('/api/products/:id/stock', async (req, res) => {
      const product = await getProduct(db, idParam(req.params.id, 'id'));
      if (!product) throw notFound(`Product ${req.params.id} does not exist.`);
      res.json({ productId: product.id, stock: product.stock });
    });
    app.post('/api/products', async (req, res) => {
      requireAdmin(req, adminToken);
      const body = newProduct(req.body);
      const product = await createProduct(db, body);
      pages.clear();
      if (!product)
        throw conflict('duplicate-sku', 'Duplicate SKU', `A product with SKU '${body.sku}' exists already.`, [
          { field: 'sku', message: 'is taken' },
        ]);
      res.status(201).location(`/api/products/${product.id}`).json(product);
    });
    app.patch('/api/products/:id', async (req, res) => {
      requireAdmin(req, adminToken);
      const id = idParam(req.params.id, 'id');
      const product = await updateProduct(db, id, productChanges(req.body));
      pages.clear();
      if (!product) throw notFound(`Product ${id} does not exist.`);
      res.json(product);
    });

    // Internal: only the order service calls these (the Ingress does not route /internal).
    app.post('/internal/reservations', async (req, res) => {
      const body = reservationRequest(req.body);
      try {
        const { created, reservation } = await reserveStock(db, body.reservationId.toLowerCase(), body.items);
        pages.clear();
        reservations.inc({ outcome: created ? 'reserved' : 'replayed' });
        res.status(created ? 201 : 200).json(reservation);
      } catch (error) {
        if (error instanceof HttpProblem && error.status === 409) reservations.inc({ outcome: 'insufficient_stock' });
        throw error;
      }
    });
    app.delete('/internal/reservations/:reservationId', async (req, res) => {
      if (await releaseStock(db, uuidParam(req.params.reservationId, 'reservationId'))) {
        pages.clear();
        releases.inc();
      }
      res.status(204).end();
    });
  };
}
