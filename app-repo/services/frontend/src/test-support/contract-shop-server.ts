// A local HTTP server that answers the cart and order requests the way app-repo/README.md documents
// them (shapes, cart_id cookie, Idempotency-Key replay, 409 problem+json), for component tests that
// run without the real services. The end-to-end tests in app-repo/e2e use the real ones.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Cart, CartLine, Order, Product } from '../api/shop-types.ts';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

/** How a service misbehaves: 503 like a gateway in front of a stopped service, or a dropped connection. */
export type Outage = 'unavailable' | 'connection-reset';

export interface ContractShop {
  url: string;
  requests: RecordedRequest[];
  products: Map<number, Product>;
  orders: Order[];
  outages: { cart?: Outage | undefined; orders?: Outage | undefined; cartWrites?: Outage | undefined };
  /** Delay before the order service answers, so overlapping clicks overlap. */
  orderDelayMs: number;
  /** Puts lines into the cart the next request without a cookie gets. */
  seedCart(lines: Array<[productId: number, quantity: number]>): void;
  close(): Promise<void>;
}

export function product(id: number, sku: string, name: string, priceCents: number, stock: number): Product {
  return {
    id,
    sku,
    name,
    description: `${name}, for tests.`,
    priceCents,
    currency: 'USD',
    category: 'Test',
    stock,
    imageUrl: `/api/products/images/${sku}.svg`,
    featured: false,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

function problem(response: ServerResponse, status: number, title: string, detail: string, errors?: unknown[], type = 'about:blank') {
  response.writeHead(status, { 'content-type': 'application/problem+json' });
  response.end(JSON.stringify({ type, title, status, detail, ...(errors ? { errors } : {}) }));
}

function json(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text ? JSON.parse(text) : undefined;
}

export async function startContractShop(products: Product[]): Promise<ContractShop> {
  const carts = new Map<string, Map<number, number>>();
  const replies = new Map<string, { status: number; body: unknown }>();
  let seed: Array<[number, number]> = [];
  let nextId = 1;

  const shop: ContractShop = {
    url: '',
    requests: [],
    products: new Map(products.map((item) => [item.id, item])),
    orders: [],
    outages: {},
    orderDelayMs: 0,
    seedCart: (lines) => {
      seed = lines;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const cartOf = (id: string): Cart => {
    const items: CartLine[] = [...(carts.get(id) ?? new Map<number, number>())].map(([productId, quantity]) => {
      const item = shop.products.get(productId);
      if (!item) throw new Error(`contract shop: cart ${id} holds unknown product ${productId}`);
      return { productId, name: item.name, imageUrl: item.imageUrl, unitPriceCents: item.priceCents, quantity, lineTotalCents: item.priceCents * quantity };
    });
    return {
      id,
      items,
      itemCount: items.reduce((sum, line) => sum + line.quantity, 0),
      subtotalCents: items.reduce((sum, line) => sum + line.lineTotalCents, 0),
      currency: 'USD',
    };
  };

  const cartIdOf = (request: IncomingMessage, response: ServerResponse): string => {
    const cookie = /(?:^|;\s*)cart_id=([^;]+)/.exec(request.headers.cookie ?? '')?.[1];
    if (cookie && carts.has(cookie)) return cookie;
    const id = `cart-${nextId++}`;
    carts.set(id, new Map(seed));
    response.setHeader('set-cookie', `cart_id=${id}; Path=/; HttpOnly; SameSite=Lax`);
    return id;
  };

  const fail = (outage: Outage | undefined, response: ServerResponse): boolean => {
    if (outage === 'connection-reset') {
      response.socket?.destroy();
      return true;
    }
    if (outage === 'unavailable') {
      problem(response, 503, 'Service unavailable', 'the upstream service is not answering');
      return true;
    }
    return false;
  };

  async function placeOrder(request: IncomingMessage, response: ServerResponse, body: unknown) {
    const key = request.headers['idempotency-key'];
    if (typeof key !== 'string' || !key) return problem(response, 400, 'Bad request', 'Idempotency-Key header is required', [{ field: 'Idempotency-Key', message: 'required' }]);
    const replay = replies.get(key);
    if (replay) return json(response, replay.status, replay.body);
    const cartId = cartIdOf(request, response);
    const cart = cartOf(cartId);
    const shortages = cart.items.flatMap((line, index) => {
      const stock = shop.products.get(line.productId)?.stock ?? 0;
      return line.quantity > stock
        ? [{ field: `items[${index}].quantity`, message: `only ${stock} of ${line.name} left, ${line.quantity} wanted`, productId: line.productId, name: line.name, requested: line.quantity, available: stock }]
        : [];
    });
    if (shortages.length > 0) {
      const reply = { type: 'https://slipway.dev/problems/insufficient-stock', title: 'Insufficient stock', status: 409, detail: 'Some products in the cart ran out; nothing was ordered.', errors: shortages };
      replies.set(key, { status: 409, body: reply });
      return problem(response, 409, reply.title, reply.detail, reply.errors, reply.type);
    }
    for (const line of cart.items) {
      const item = shop.products.get(line.productId);
      if (item) item.stock -= line.quantity;
    }
    const customer = (body as { customer: { name: string; email: string } }).customer;
    const order: Order = {
      id: `order-${nextId++}`,
      cartId,
      customerId: customer.email,
      customer,
      status: 'placed',
      lines: cart.items.map(({ productId, name, unitPriceCents, quantity, lineTotalCents }) => ({ productId, name, unitPriceCents, quantity, lineTotalCents })),
      itemCount: cart.itemCount,
      subtotalCents: cart.subtotalCents,
      totalCents: cart.subtotalCents,
      currency: 'USD',
      createdAt: new Date().toISOString(),
    };
    shop.orders.push(order);
    carts.set(cartId, new Map());
    replies.set(key, { status: 201, body: order });
    return json(response, 201, order);
  }

  async function route(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', 'http://contract');
    const body = await readBody(request);
    shop.requests.push({ method: request.method ?? 'GET', path: url.pathname + url.search, headers: request.headers, body });
    const method = request.method;

    if (url.pathname.startsWith('/api/cart')) {
      if (fail(shop.outages.cart, response)) return;
      if (method !== 'GET' && fail(shop.outages.cartWrites, response)) return;
      const cartId = cartIdOf(request, response);
      const lines = carts.get(cartId) ?? new Map<number, number>();
      const itemMatch = /^\/api\/cart\/items\/([^/]+)$/.exec(url.pathname);
      if (method === 'GET' && url.pathname === '/api/cart') return json(response, 200, cartOf(cartId));
      if (method === 'POST' && url.pathname === '/api/cart/items') {
        const { productId, quantity } = body as { productId: number; quantity: number };
        lines.set(productId, (lines.get(productId) ?? 0) + quantity);
        return json(response, 201, cartOf(cartId));
      }
      if (itemMatch && method === 'PUT') {
        lines.set(Number(itemMatch[1]), (body as { quantity: number }).quantity);
        return json(response, 200, cartOf(cartId));
      }
      if (itemMatch && method === 'DELETE') {
        lines.delete(Number(itemMatch[1]));
        return json(response, 200, cartOf(cartId));
      }
    }
    if (url.pathname.startsWith('/api/orders')) {
      if (shop.orderDelayMs) await new Promise((resolve) => setTimeout(resolve, shop.orderDelayMs));
      if (fail(shop.outages.orders, response)) return;
      if (method === 'POST' && url.pathname === '/api/orders') return placeOrder(request, response, body);
      const cartId = cartIdOf(request, response);
      if (method === 'GET' && url.pathname === '/api/orders') return json(response, 200, { items: shop.orders.filter((order) => order.cartId === cartId) });
      const found = shop.orders.find((order) => url.pathname === `/api/orders/${order.id}`);
      if (method === 'GET' && found) return json(response, 200, found);
    }
    return problem(response, 404, 'Not found', `${method} ${url.pathname} is not part of the contract`);
  }

  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => problem(response, 500, 'Internal error', String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  shop.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return shop;
}

/** Points the simulated browser at the contract server, so the app's relative /api URLs reach it. */
export function openPage(shop: ContractShop, path: string): void {
  const happy = (window as unknown as { happyDOM?: { setURL(url: string): void } }).happyDOM;
  if (!happy) throw new Error('openPage needs the happy-dom test environment');
  // Every server listens on a new port; cookies ignore ports, so a cart_id from an earlier server may
  // come along: the server treats an id it does not know like no cookie.
  happy.setURL(new URL(path, shop.url).href);
}
