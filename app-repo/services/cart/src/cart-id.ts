/**
 * The anonymous cart id, which the cart service hands out: the `X-Cart-Id` header wins, then the
 * `cart_id` cookie. A malformed header is the caller's mistake (400); a malformed cookie is
 * treated as absent, so a stale browser never gets stuck. The order service reads the same id
 * (it imports this module as `@slipway/cart/cart-id`) to find the caller's cart.
 */
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { badRequest } from '@slipway/service-kit';

export const CART_COOKIE = 'cart_id';
const COOKIE_MAX_AGE_MS = 30 * 24 * 3600 * 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isCartId(value: string): boolean {
  return UUID.test(value);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

/** The cart id named by a request's `X-Cart-Id` header and `Cookie` header, if any. */
export function cartIdOfHeaders(headers: { header?: string | undefined; cookie?: string | undefined }): string | undefined {
  if (headers.header !== undefined) {
    if (!isCartId(headers.header)) {
      throw badRequest('X-Cart-Id must be a UUID such as 3f2b6c1e-8a4d-4f7e-9b0a-2c6d8e1f4a5b.', [
        { field: 'X-Cart-Id', message: 'must be a UUID' },
      ]);
    }
    return headers.header.toLowerCase();
  }
  const cookie = cookieValue(headers.cookie, CART_COOKIE);
  return cookie !== undefined && isCartId(cookie) ? cookie.toLowerCase() : undefined;
}

/** The caller's cart id, or undefined when the request names none. */
export function cartIdOf(req: Request): string | undefined {
  return cartIdOfHeaders({ header: req.get('x-cart-id'), cookie: req.get('cookie') });
}

/** The caller's cart id; a caller without one gets a new id in the `cart_id` cookie. */
export function cartIdFor(req: Request, res: Response): string {
  const existing = cartIdOf(req);
  if (existing) return existing;
  const id = randomUUID();
  res.cookie(CART_COOKIE, id, { path: '/', httpOnly: true, sameSite: 'lax', maxAge: COOKIE_MAX_AGE_MS });
  return id;
}
