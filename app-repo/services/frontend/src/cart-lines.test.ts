import { describe, expect, it } from 'vitest';
import type { Cart } from './api/shop-types.ts';
import { describeShortage, openShortages, parseQuantity, stockShortages, withLineFrom, withQuantity } from './cart-lines.ts';

const cart: Cart = {
  id: 'cart-1',
  currency: 'USD',
  items: [
    { productId: 1, name: 'Mug', imageUrl: '/api/products/images/mug.svg', unitPriceCents: 1250, quantity: 2, lineTotalCents: 2500 },
    { productId: 2, name: 'Cap', imageUrl: '/api/products/images/cap.svg', unitPriceCents: 1999, quantity: 1, lineTotalCents: 1999 },
  ],
  itemCount: 3,
  subtotalCents: 4499,
};

describe('parseQuantity', () => {
  it.each([
    ['1', undefined, { ok: true, quantity: 1 }],
    [' 7 ', undefined, { ok: true, quantity: 7 }],
    ['99', undefined, { ok: true, quantity: 99 }],
    ['100', undefined, { ok: false, message: 'At most 99 at a time.' }],
    ['0', undefined, { ok: false, message: 'Enter at least 1.' }],
    ['', undefined, { ok: false, message: 'Enter a whole number.' }],
    ['2.5', undefined, { ok: false, message: 'Enter a whole number.' }],
    ['-1', undefined, { ok: false, message: 'Enter a whole number.' }],
    ['abc', undefined, { ok: false, message: 'Enter a whole number.' }],
    ['4', 4, { ok: true, quantity: 4 }],
    ['5', 4, { ok: false, message: 'Only 4 in stock.' }],
    ['100', 500, { ok: false, message: 'At most 99 at a time.' }],
  ])('%j with stock %s → %j', (text, stock, expected) => {
    expect(parseQuantity(text, stock)).toEqual(expected);
  });
});

describe('withQuantity', () => {
  it('changes one line and recomputes its total, the item count and the subtotal', () => {
    const changed = withQuantity(cart, 2, 3);
    expect(changed.items[1]).toMatchObject({ productId: 2, quantity: 3, lineTotalCents: 5997 });
    expect(changed.items[0]).toBe(cart.items[0]);
    expect(changed.itemCount).toBe(5);
    expect(changed.subtotalCents).toBe(2500 + 5997);
  });

  it('removes the line at quantity 0', () => {
    const changed = withQuantity(cart, 1, 0);
    expect(changed.items.map((line) => line.productId)).toEqual([2]);
    expect(changed.itemCount).toBe(1);
    expect(changed.subtotalCents).toBe(1999);
  });

  it('leaves the cart as it was for a product it does not hold, and never changes its input', () => {
    const before = structuredClone(cart);
    expect(withQuantity(cart, 99, 4)).toEqual(cart);
    withQuantity(cart, 1, 9);
    expect(cart).toEqual(before);
  });
});

describe('withLineFrom', () => {
  it('puts a removed line back where it was', () => {
    const removed = withQuantity(cart, 1, 0);
    expect(withLineFrom(removed, cart, 1)).toEqual(cart);
  });

  it('undoes a quantity change on one line and keeps changes to the others', () => {
    const both = withQuantity(withQuantity(cart, 1, 5), 2, 2);
    const restored = withLineFrom(both, cart, 1);
    expect(restored.items.map((line) => [line.productId, line.quantity])).toEqual([
      [1, 2],
      [2, 2],
    ]);
    expect(restored.subtotalCents).toBe(2500 + 3998);
  });

  it('drops a line the source cart did not have', () => {
    const extra: Cart = withLineFrom(cart, { ...cart, items: [] }, 2);
    expect(extra.items.map((line) => line.productId)).toEqual([1]);
    expect(extra.itemCount).toBe(2);
  });
});

describe('stockShortages', () => {
  it.each([
    [
      'a productId detail with the number left',
      { field: 'items', message: 'Only 1 left in stock', productId: 1, available: 1 },
      { productId: 1, name: 'Mug', message: 'Only 1 left in stock', available: 1, requested: undefined },
    ],
    [
      'what the product service sends: productId, name, available and requested',
      { field: 'items[0].quantity', message: 'only 1 of Mug left, 2 wanted', productId: 1, name: 'Mug', available: 1, requested: 2 },
      { productId: 1, name: 'Mug', message: 'only 1 of Mug left, 2 wanted', available: 1, requested: 2 },
    ],
    [
      'an index into the cart items',
      { field: 'items[1].quantity', message: 'out of stock', stock: 0 },
      { productId: 2, name: 'Cap', message: 'out of stock', available: 0, requested: undefined },
    ],
    [
      'an index into the order lines, nested in the body',
      { field: 'body.lines[0]', message: 'short' },
      { productId: 1, name: 'Mug', message: 'short', available: undefined, requested: undefined },
    ],
    [
      'a productId sent as a string',
      { field: 'items', message: 'sold out', productId: '2' },
      { productId: 2, name: 'Cap', message: 'sold out', available: undefined, requested: undefined },
    ],
    [
      'a product that is not in the cart, named by the service',
      { field: 'items', message: 'gone', productId: 7, name: 'Old thing' },
      { productId: 7, name: 'Old thing', message: 'gone', available: undefined, requested: undefined },
    ],
    [
      'a field it cannot place',
      { field: 'stock', message: 'stock ran out' },
      { productId: undefined, name: undefined, message: 'stock ran out', available: undefined, requested: undefined },
    ],
  ])('reads %s', (_case, error, expected) => {
    expect(stockShortages({ status: 409, errors: [error] }, cart)).toEqual([expected]);
  });

  it('returns nothing for a problem without field errors, or no problem at all', () => {
    expect(stockShortages({ status: 409, detail: 'stock ran out' }, cart)).toEqual([]);
    expect(stockShortages(undefined, cart)).toEqual([]);
  });
});

describe('describeShortage', () => {
  const base = { productId: 1, name: 'Mug', message: 'the service says so' };
  it.each([
    [{ ...base, available: 1, requested: 3 }, 'only 1 left, you asked for 3'],
    [{ ...base, available: 2, requested: undefined }, 'only 2 left'],
    [{ ...base, available: 0, requested: 3 }, 'sold out'],
    [{ ...base, available: undefined, requested: 3 }, 'the service says so'],
  ])('%j → %s', (shortage, text) => {
    expect(describeShortage(shortage)).toBe(text);
  });
});

describe('openShortages', () => {
  const shortage = (productId: number | undefined, available: number | undefined) => ({
    productId,
    name: 'x',
    message: 'short',
    available,
    requested: 3,
  });

  it.each([
    ['a line still above what is left', shortage(2, 0), true],
    ['a line brought down to what is left', shortage(1, 2), false],
    ['a line the cart no longer has', shortage(7, 1), false],
    ['a line with no number left given, while the cart has it', shortage(1, undefined), true],
    ['a shortage that names no line', shortage(undefined, 1), true],
  ])('keeps %s: %s', (_case, item, open) => {
    expect(openShortages([item], cart)).toEqual(open ? [item] : []);
  });
});
