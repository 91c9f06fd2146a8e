/**
 * The anonymous cart id, shared by the cart and order services: the `X-Cart-Id` header wins,
 * then the `cart_id` cookie. A malformed header is the caller's mistake (400); a malformed
 * cookie is treated as absent, so a stale browser never gets stuck.
 */
import type { Request } from 'express';
import { badRequest } from './problem.ts';

export const CART_COOKIE = 'cart_id';
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

export function cartIdOf(req: Request): string | undefined {
  const header = req.get('x-cart-id');
  if (header !== undefined) {
    if (!isCartId(header)) {
      throw badRequest('X-Cart-Id must be a UUID such as 3f2b6c1e-8a4d-4f7e-9b0a-2c6d8e1f4a5b.', [
        { field: 'X-Cart-Id', message: 'must be a UUID' },
      ]);
    }
    return header.toLowerCase();
  }
  const cookie = cookieValue(req.get('cookie'), CART_COOKIE);
  return cookie !== undefined && isCartId(cookie) ? cookie.toLowerCase() : undefined;
}
