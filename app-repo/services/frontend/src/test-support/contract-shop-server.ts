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
  /** How many order requests to answer "a request with this key is still running" (409) before placing the order. */
  orderInProgressAnswers: number;
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

// The problem types the order service answers with (services/order/src/checkout.ts and routes.ts,
// under the service kit's https://slipway.dev/problems/ base).
const IN_PROGRESS = 'https://slipway.dev/problems/request-in-progress';
const INSUFFICIENT_STOCK = 'https://slipway.dev/problems/insufficient-stock';

function json(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text ? JSON.parse(text) : undefined;
}

/** What the stand-in keeps between requests. */
interface ShopState {
  shop: ContractShop;
  carts: Map<string, Map<number, number>>;
  /** The answer kept per Idempotency-Key, replayed for the same key. */
  replies: Map<string, { status: number; body: unknown }>;
  seed: Array<[number, number]>;
  nextId: number;
}

function cartOf(state: ShopState, id: string): Cart {
  const items: CartLine[] = [...(state.carts.get(id) ?? new Map<number, number>())].map(([productId, quantity]) => {
    const item = state.shop.products.get(productId);
    if (!item) throw new Error(`contract shop: cart ${id} holds unknown product ${productId}`);
    return {
      productId,
      name: item.name,
      imageUrl: item.imageUrl,
      unitPriceCents: item.priceCents,
      quantity,
      lineTotalCents: item.priceCents * quantity,
    };
  });
  return {
    id,
    items,
    itemCount: items.reduce((sum, line) => sum + line.quantity, 0),
    subtotalCents: items.reduce((sum, line) => sum + line.lineTotalCents, 0),
    currency: 'USD',
  };
}

/** The caller's cart from the cart_id cookie; without one (or an unknown one), a new cart holding the seeded lines. */
function cartIdOf(state: ShopState, request: IncomingMessage, response: ServerResponse): string {
  const cookie = /(?:^|;\s*)cart_id=([^;]+)/.exec(request.headers.cookie ?? '')?.[1];
  if (cookie && state.carts.has(cookie)) return cookie;
  const id = `cart-${state.nextId++}`;
  state.carts.set(id, new Map(state.seed));
  response.setHeader('set-cookie', `cart_id=${id}; Path=/; HttpOnly; SameSite=Lax`);
  return id;
}

/** Answers like the outage when there is one; says whether it did. */
function failed(outage: Outage | undefined, response: ServerResponse): boolean {
  if (outage === 'connection-reset') {
    response.socket?.destroy();
    return true;
  }
  if (outage === 'unavailable') {
    problem(response, 503, 'Service unavailable', 'the upstream service is not answering');
    return true;
  }
  return false;
}

function shortagesOf(state: ShopState, cart: Cart) {
  return cart.items.flatMap((line, index) => {
    const stock = state.shop.products.get(line.productId)?.stock ?? 0;
    return line.quantity > stock
      ? [
          {
            field: `items[${index}].quantity`,
            message: `only ${stock} of ${line.name} left, ${line.quantity} wanted`,
            productId: line.productId,
            name: line.name,
            requested: line.quantity,
            available: stock,
          },
        ]
      : [];
  });
}

function newOrder(state: ShopState, cartId: string, cart: Cart, customer: Order['customer']): Order {
  return {
    id: `order-${state.nextId++}`,
    cartId,
    customerId: customer.email,
    customer,
    status: 'placed',
    lines: cart.items.map(({ productId, name, unitPriceCents, quantity, lineTotalCents }) => ({
      productId,
      name,
      unitPriceCents,
      quantity,
      lineTotalCents,
    })),
    itemCount: cart.itemCount,
    subtotalCents: cart.subtotalCents,
    totalCents: cart.subtotalCents,
    currency: 'USD',
    createdAt: new Date().toISOString(),
  };
}

/** POST /api/orders: the key and customer checks, the replay for a known key, a 409 per short line, else the order. */
function placeOrder(state: ShopState, request: IncomingMessage, response: ServerResponse, body: unknown) {
  const { shop, replies } = state;
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string' || !key)
    return problem(response, 400, 'Bad request', 'Idempotency-Key header is required', [{ field: 'Idempotency-Key', message: 'required' }]);
  const customer = (body as { customer: Order['customer'] }).customer;
  // The order service's body schema (services/order/src/routes.ts) allows names up to 100 characters.
  if (customer.name.length > 100) {
    return problem(response, 400, 'Bad request', 'The request body is invalid: customer.name must NOT have more than 100 characters.', [
      { field: 'customer.name', message: 'must NOT have more than 100 characters' },
    ]);
  }
  const replay = replies.get(key);
  if (replay) return json(response, replay.status, replay.body);
  if (shop.orderInProgressAnswers > 0) {
    shop.orderInProgressAnswers--;
    return problem(
      response,
      409,
      'Request in progress',
      'A checkout with this Idempotency-Key is still running; retry with the same key shortly.',
      [{ field: 'Idempotency-Key', message: 'is in use by a request still running' }],
      IN_PROGRESS,
    );
  }
  const cartId = cartIdOf(state, request, response);
  const cart = cartOf(state, cartId);
  const shortages = shortagesOf(state, cart);
  if (shortages.length > 0) {
    const reply = {
      type: INSUFFICIENT_STOCK,
      title: 'Insufficient stock',
      status: 409,
      detail: 'Some products in the cart ran out; nothing was ordered.',
      errors: shortages,
    };
    replies.set(key, { status: 409, body: reply });
    return problem(response, 409, reply.title, reply.detail, reply.errors, reply.type);
  }
  for (const line of cart.items) {
    const item = shop.products.get(line.productId);
    if (item) item.stock -= line.quantity;
  }
  const order = newOrder(state, cartId, cart, customer);
  shop.orders.push(order);
  state.carts.set(cartId, new Map());
  replies.set(key, { status: 201, body: order });
  return json(response, 201, order);
}

/** /api/cart…; says whether the path was the cart's. */
function routeCart(state: ShopState, request: IncomingMessage, response: ServerResponse, pathname: string, body: unknown): boolean {
  const { shop } = state;
  const method = request.method;
  if (failed(shop.outages.cart, response)) return true;
  if (method !== 'GET' && failed(shop.outages.cartWrites, response)) return true;
  const cartId = cartIdOf(state, request, response);
  const lines = state.carts.get(cartId) ?? new Map<number, number>();
  const itemMatch = /^\/api\/cart\/items\/([^/]+)$/.exec(pathname);
  if (method === 'POST' && pathname === '/api/cart/items') {
    const { productId, quantity } = body as { productId: number; quantity: number };
    lines.set(productId, (lines.get(productId) ?? 0) + quantity);
    json(response, 201, cartOf(state, cartId));
    return true;
  }
  if (itemMatch && method === 'PUT') lines.set(Number(itemMatch[1]), (body as { quantity: number }).quantity);
  else if (itemMatch && method === 'DELETE') lines.delete(Number(itemMatch[1]));
  else if (!(method === 'GET' && pathname === '/api/cart')) return false;
  json(response, 200, cartOf(state, cartId));
  return true;
}

/** /api/orders…; says whether the path was the order service's. */
async function routeOrders(
  state: ShopState,
  request: IncomingMessage,
  response: ServerResponse,
  pathname: string,
  body: unknown,
): Promise<boolean> {
  const { shop } = state;
  const method = request.method;
  if (shop.orderDelayMs) await new Promise((resolve) => setTimeout(resolve, shop.orderDelayMs));
  if (failed(shop.outages.orders, response)) return true;
  if (method === 'POST' && pathname === '/api/orders') {
    placeOrder(state, request, response, body);
    return true;
  }
  const cartId = cartIdOf(state, request, response);
  const found = shop.orders.find((order) => pathname === `/api/orders/${order.id}`);
  if (method === 'GET' && pathname === '/api/orders')
    json(response, 200, { items: shop.orders.filter((order) => order.cartId === cartId) });
  else if (method === 'GET' && found) json(response, 200, found);
  else return false;
  return true;
}

async function route(state: ShopState, request: IncomingMessage, response: ServerResponse) {
  const url = new URL(request.url ?? '/', 'http://contract');
  const body = await readBody(request);
  state.shop.requests.push({ method: request.method ?? 'GET', path: url.pathname + url.search, headers: request.headers, body });
  if (url.pathname.startsWith('/api/cart') && routeCart(state, request, response, url.pathname, body)) return;
  if (url.pathname.startsWith('/api/orders') && (await routeOrders(state, request, response, url.pathname, body))) return;
  problem(response, 404, 'Not found', `${request.method} ${url.pathname} is not part of the contract`);
}

export async function startContractShop(products: Product[]): Promise<ContractShop> {
  const server = createServer((request, response) => {
    route(state, request, response).catch((error: unknown) => problem(response, 500, 'Internal error', String(error)));
  });
  const shop: ContractShop = {
    url: '',
    requests: [],
    products: new Map(products.map((item) => [item.id, item])),
    orders: [],
    outages: {},
    orderDelayMs: 0,
    orderInProgressAnswers: 0,
    seedCart: (lines) => {
      state.seed = lines;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const state: ShopState = { shop, carts: new Map(), replies: new Map(), seed: [], nextId: 1 };
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

/**
 * The shop the page tests start from: a mug (10 in stock) and a cap (`capStock` in stock), a cart
 * holding two mugs and one cap, and the browser at `path`.
 */
export async function startShopWithCart(path: string, capStock: number): Promise<ContractShop> {
  const shop = await startContractShop([product(1, 'kit-mug', 'Harbour Mug', 1250, 10), product(2, 'out-cap', 'Deck Cap', 1999, capStock)]);
  shop.seedCart([
    [1, 2],
    [2, 1],
  ]);
  openPage(shop, path);
  return shop;
}
