import { HttpProblem } from '@slipway/service-kit';
import { describe, expect, it } from 'vitest';
import { CART_COOKIE, cartIdOfHeaders, isCartId } from '../src/cart-id.ts';

const id = '3f2b6c1e-8a4d-4f7e-9b0a-2c6d8e1f4a5b';
const other = '9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f';

describe('the cart id of a request (README: the cart_id cookie or the X-Cart-Id header)', () => {
  it('is the cookie the cart service sets', () => {
    expect(CART_COOKIE).toBe('cart_id');
    expect(cartIdOfHeaders({ cookie: `theme=dark; cart_id=${id}; lang=en` })).toBe(id);
  });

  it('takes the X-Cart-Id header over the cookie, lower-cased', () => {
    expect(cartIdOfHeaders({ header: id.toUpperCase(), cookie: `cart_id=${other}` })).toBe(id);
  });

  it('refuses a malformed header with a 400 naming X-Cart-Id and showing a good value', () => {
    const refuse = () => cartIdOfHeaders({ header: 'cart-1', cookie: `cart_id=${id}` });
    expect(refuse).toThrow(HttpProblem);
    expect(refuse).toThrow(/X-Cart-Id must be a UUID such as [0-9a-f-]{36}/);
    try {
      refuse();
    } catch (error) {
      expect((error as HttpProblem).status).toBe(400);
      expect((error as HttpProblem).errors).toEqual([{ field: 'X-Cart-Id', message: 'must be a UUID' }]);
    }
  });

  it('treats a malformed or missing cookie as no cart, so a stale browser gets a new one', () => {
    expect(cartIdOfHeaders({ cookie: 'cart_id=cart-1' })).toBeUndefined();
    expect(cartIdOfHeaders({ cookie: 'cart_idx=' + id })).toBeUndefined();
    expect(cartIdOfHeaders({})).toBeUndefined();
  });

  it('reads a percent-encoded cookie value', () => {
    expect(cartIdOfHeaders({ cookie: `cart_id=${encodeURIComponent(id)}` })).toBe(id);
  });

  it.each([
    [id, true],
    [id.toUpperCase(), true],
    [`${id}x`, false],
    ['', false],
  ])('isCartId(%j) is %s', (value, expected) => {
    expect(isCartId(value)).toBe(expected);
  });
});
