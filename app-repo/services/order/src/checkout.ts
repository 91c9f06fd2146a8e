/**
 * Checkout: cart → stock reservation → order, once per idempotency key.
 * Stock is taken atomically by the product service (all lines or none); the order and the key's
 * answer are written in one transaction; if that fails the reservation is given back.
 */
import { randomUUID } from 'node:crypto';
import type { Database, Logger, ProblemBody, ServiceClient, HttpProblem } from '@slipway/service-kit';
import { UpstreamUnavailable, conflict, unprocessable } from '@slipway/service-kit';
import type { StoredResponse } from './idempotency.ts';
import { claimKey, completeKey, releaseKey, requestHash } from './idempotency.ts';
import type { Order } from '@slipway/shop-contract';
import { composeOrder, insertOrder } from './orders.ts';

export interface CheckoutRequest {
  cartId: string;
  idempotencyKey: string;
  customer: { name: string; email: string };
  requestId: string;
}

export interface CheckoutDependencies {
  db: Database;
  carts: ServiceClient;
  products: ServiceClient;
  log: Logger;
  onOrderCreated(order: Order): void;
  /** How long a repeated request waits for the first one with its key. */
  waitForFirstMs?: number;
}

interface CartAnswer {
  id: string;
  items: { productId: number; name: string; unitPriceCents: number; quantity: number }[];
  currency: string;
}

function problemResponse(problem: HttpProblem, instance: string): StoredResponse {
  return { status: problem.status, body: JSON.stringify(problem.toBody(instance)) };
}

export type CheckoutResult = StoredResponse & { replayed: boolean };

export async function checkout(request: CheckoutRequest, deps: CheckoutDependencies): Promise<CheckoutResult> {
  const { db } = deps;
  const hash = requestHash({ cartId: request.cartId, customer: request.customer });
  const deadline = Date.now() + (deps.waitForFirstMs ?? 10_000);
  for (;;) {
    const claim = await claimKey(db, request.cartId, request.idempotencyKey, hash);
    if (claim.kind === 'done') return { ...claim.response, replayed: true };
    if (claim.kind === 'mismatch') {
      throw unprocessable('This Idempotency-Key was used for a different checkout; use a new key for a new request.', [
        { field: 'Idempotency-Key', message: 'was used for a different request' },
      ]);
    }
    if (claim.kind === 'claimed') break;
    if (Date.now() > deadline) {
      throw conflict(
        'request-in-progress',
        'Request in progress',
        'A checkout with this Idempotency-Key is still running; retry with the same key shortly.',
        [{ field: 'Idempotency-Key', message: 'is in use by a request still running' }],
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }

  try {
    const response = await placeOrder(request, deps);
    if (response.status !== 201) await completeKey(db, request.cartId, request.idempotencyKey, response);
    return { ...response, replayed: false };
  } catch (error) {
    await releaseKey(db, request.cartId, request.idempotencyKey).catch((releaseError: Error) =>
      deps.log.error({ err: releaseError }, 'could not release idempotency key'),
    );
    throw error;
  }
}

/** Places the order; business refusals (empty cart, no stock) come back as stored answers, not errors. */
async function placeOrder(request: CheckoutRequest, deps: CheckoutDependencies): Promise<StoredResponse> {
  const { db, carts, products, log } = deps;
  const instance = '/api/orders';
  const headers = { 'x-cart-id': request.cartId };

  const cartAnswer = await carts.call<CartAnswer>('GET', '/api/cart', { headers, requestId: request.requestId });
  if (cartAnswer.status !== 200) throw new UpstreamUnavailable('cart', `answered ${cartAnswer.status}`);
  const cart = cartAnswer.body;
  if (cart.items.length === 0) {
    return problemResponse(
      unprocessable('The cart is empty; add a product before checking out.', [{ field: 'cart', message: 'is empty' }]),
      instance,
    );
  }

  const orderId = randomUUID();
  const reservation = await products.call<ProblemBody>('POST', '/internal/reservations', {
    body: { reservationId: orderId, items: cart.items.map((i) => ({ productId: i.productId, quantity: i.quantity })) },
    requestId: request.requestId,
    // The reservation id makes a repeated POST take stock only once.
    idempotent: true,
  });
  if (reservation.status === 409 || reservation.status === 422) {
    const upstream = reservation.body;
    const problem =
      reservation.status === 409
        ? conflict(
            'insufficient-stock',
            'Insufficient stock',
            'Some products in the cart ran out; nothing was ordered. Lower the quantities and check out again.',
            upstream.errors,
          )
        : unprocessable('The cart holds products that no longer exist; remove them and check out again.', upstream.errors);
    return problemResponse(problem, instance);
  }
  if (reservation.status !== 201 && reservation.status !== 200) throw new UpstreamUnavailable('product', `answered ${reservation.status}`);

  const order = composeOrder(orderId, request.cartId, request.customer, cart.items, cart.currency, new Date());
  const response: StoredResponse = { status: 201, body: JSON.stringify(order) };
  try {
    await db.transaction(async (tx) => {
      await insertOrder(tx, order);
      await completeKey(tx, request.cartId, request.idempotencyKey, response);
    });
  } catch (error) {
    await products
      .call('DELETE', `/internal/reservations/${orderId}`, { requestId: request.requestId })
      .catch((releaseError: Error) => log.error({ err: releaseError, orderId }, 'could not release the reservation of a failed order'));
    throw error;
  }
  deps.onOrderCreated(order);

  // The order stands whether or not the cart empties now; a full cart is only an inconvenience.
  const cleared = await carts.call('DELETE', '/api/cart', { headers, requestId: request.requestId }).catch((error: Error) => error);
  if (cleared instanceof Error || cleared.status !== 204)
    log.warn({ orderId, problem: cleared instanceof Error ? cleared.message : cleared.status }, 'cart not cleared after checkout');
  return response;
}
