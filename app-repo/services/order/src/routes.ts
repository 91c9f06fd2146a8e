/** The order service's HTTP surface: a thin shell over checkout.ts and orders.ts. */
import type { Express } from 'express';
import type { ServiceClient, ServiceContext } from '@slipway/service-kit';
import { badRequest, bodyValidator, notFound, queryValidator, requestContext, uuidParam } from '@slipway/service-kit';
import { cartIdOf } from '@slipway/cart/cart-id';
import { checkout } from './checkout.ts';
import { getOrder, listOrders } from './orders.ts';

const checkoutBody = bodyValidator<{ customer: { name: string; email: string } }>({
  type: 'object',
  properties: {
    customer: {
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' },
        email: { type: 'string', format: 'email', maxLength: 254 },
      },
      required: ['name', 'email'],
      additionalProperties: false,
    },
  },
  required: ['customer'],
  additionalProperties: false,
});

const orderQuery = queryValidator<{ cartId?: string; customerId?: string }>({
  type: 'object',
  properties: {
    cartId: { type: 'string', format: 'uuid' },
    customerId: { type: 'string', minLength: 1, maxLength: 254 },
  },
  additionalProperties: false,
});

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export function orderRoutes(context: ServiceContext, clients: { carts: ServiceClient; products: ServiceClient }) {
  const { db, metrics } = context;
  const ordersCreated = metrics.counter('shop_orders_created_total', 'Orders placed.');
  const orderValue = metrics.counter('shop_order_value_cents_total', 'Value of orders placed, in cents.');
  const checkoutsRefused = metrics.counter('shop_checkouts_refused_total', 'Checkouts refused, by reason.', ['reason'] as const);

  return (app: Express) => {
    app.post('/api/orders', async (req, res) => {
      const key = req.get('idempotency-key');
      if (key === undefined || !IDEMPOTENCY_KEY.test(key)) {
        throw badRequest(
          'Send an Idempotency-Key header (1 to 255 visible characters, e.g. a UUID) so a retried checkout cannot order twice.',
          [{ field: 'Idempotency-Key', message: key === undefined ? 'is required' : 'must be 1 to 255 visible ASCII characters' }],
        );
      }
      const cartId = cartIdOf(req);
      if (!cartId)
        throw badRequest('No cart: send the X-Cart-Id header or the cart_id cookie.', [{ field: 'X-Cart-Id', message: 'is required' }]);
      const body = checkoutBody(req.body);
      const result = await checkout(
        { cartId, idempotencyKey: key, customer: body.customer, requestId: requestContext(res).requestId },
        {
          db,
          ...clients,
          log: requestContext(res).log,
          onOrderCreated: (order) => {
            ordersCreated.inc();
            orderValue.inc(order.totalCents);
          },
        },
      );
      if (result.status !== 201 && !result.replayed)
        checkoutsRefused.inc({ reason: result.status === 409 ? 'insufficient_stock' : 'invalid_cart' });
      if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
      if (result.status === 201) res.location(`/api/orders/${(JSON.parse(result.body) as { id: string }).id}`);
      res
        .status(result.status)
        .type(result.status < 300 ? 'application/json' : 'application/problem+json')
        .send(result.body);
    });
    app.get('/api/orders', async (req, res) => {
      const query = orderQuery(req.query);
      const cartId = query.cartId ?? (query.customerId ? undefined : cartIdOf(req));
      if (!cartId && !query.customerId) {
        throw badRequest('Say whose orders: ?cartId=…, ?customerId=…, or send the cart_id cookie.', [
          { field: 'cartId', message: 'or customerId is required' },
        ]);
      }
      res.json({ items: await listOrders(db, cartId ? { cartId } : { customerId: query.customerId! }) });
    });
    app.get('/api/orders/:id', async (req, res) => {
      const order = await getOrder(db, uuidParam(req.params.id, 'id'));
      if (!order) throw notFound(`Order ${req.params.id} does not exist.`);
      res.json(order);
    });
  };
}
