import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import type { Customer, Order } from './api/shop-types.ts';
import { CartProvider, useCart } from './cart-store.tsx';
import { shopPerTest } from './test-support/shop-per-test.ts';
import { useCheckout } from './use-checkout.ts';

const shop = shopPerTest('/checkout', 1);

const orderPosts = () => shop().requests.filter((request) => request.method === 'POST' && request.path === '/api/orders');
const keysSent = () => orderPosts().map((request) => request.headers['idempotency-key']);

/** The hook inside the cart store, with the store beside it (to change the cart as a shopper would). */
async function checkoutWith(customer: Customer) {
  const placed: Order[] = [];
  const invalid: (keyof Customer)[] = [];
  const wrapper = ({ children }: { children: ReactNode }) => <CartProvider>{children}</CartProvider>;
  const { result } = renderHook(
    () => ({
      checkout: useCheckout({ onPlaced: (order) => placed.push(order), onInvalid: (field) => invalid.push(field) }),
      cart: useCart(),
    }),
    { wrapper },
  );
  await waitFor(() => expect(result.current.cart.status).toBe('ready'));
  act(() => {
    result.current.checkout.changeCustomer('name', customer.name);
    result.current.checkout.changeCustomer('email', customer.email);
  });
  const submit = () => act(() => result.current.checkout.submit());
  return { result, placed, invalid, submit };
}

const ada = { name: 'Ada Lovelace', email: 'ada@example.com' };

describe('useCheckout, against a local stand-in following the documented order API', () => {
  it('sends one order for two submits in a row, with one Idempotency-Key, then refreshes the cart and reports the order', async () => {
    shop().orderDelayMs = 150;
    const { result, placed } = await checkoutWith({ name: ' Ada Lovelace ', email: 'ada@example.com ' });
    let submits: Promise<void>[] = [];
    act(() => {
      submits = [result.current.checkout.submit(), result.current.checkout.submit()];
    });
    expect(result.current.checkout.submitting).toBe(true);
    await act(() => Promise.all(submits));

    expect(orderPosts()).toHaveLength(1);
    expect(keysSent()[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(orderPosts()[0]?.body).toEqual({ customer: ada });
    expect(placed.map((order) => order.id)).toEqual([shop().orders[0]?.id]);
    expect(result.current.cart.cart?.items).toEqual([]);
    expect(shop().requests.at(-1)).toMatchObject({ method: 'GET', path: '/api/cart' });
    expect(result.current.checkout).toMatchObject({ submitting: false, failure: undefined, shortages: [] });
  });

  it('checks the details before sending anything, and names the first field to fix', async () => {
    const { result, placed, invalid, submit } = await checkoutWith({ name: ' ', email: 'not-an-email' });
    await submit();
    expect(invalid).toEqual(['name']);
    expect(result.current.checkout.fieldErrors).toEqual({
      name: 'Enter your name.',
      email: 'Enter an email address like name@example.com.',
    });
    expect(orderPosts()).toHaveLength(0);
    expect(placed).toEqual([]);
    expect(result.current.checkout.failure).toBeUndefined();
  });

  it('lists the short lines of a stock conflict, and after the cart is fixed orders with a new key', async () => {
    shop().seedCart([
      [1, 2],
      [2, 3],
    ]);
    const { result, placed, submit } = await checkoutWith(ada);
    await submit();
    expect(result.current.checkout.failure).toMatchObject({ kind: 'conflict', canRetry: false, showsOnTop: false });
    expect(result.current.checkout.shortages).toEqual([
      { productId: 2, name: 'Deck Cap', message: 'only 1 of Deck Cap left, 3 wanted', available: 1, requested: 3 },
    ]);
    expect(shop().orders).toHaveLength(0);

    await act(() => result.current.cart.setQuantity(2, 1));
    await submit();
    expect(placed).toHaveLength(1);
    expect(shop().orders[0]?.lines.map((line) => [line.name, line.quantity])).toEqual([
      ['Harbour Mug', 2],
      ['Deck Cap', 1],
    ]);
    expect(new Set(keysSent()).size).toBe(2);
  });

  it('keeps the key after a lost answer, so the retry places exactly one order', async () => {
    shop().outages.orders = 'connection-reset';
    const { result, placed, submit } = await checkoutWith(ada);
    await submit();
    expect(result.current.checkout.failure).toMatchObject({ kind: 'unavailable', canRetry: true, showsOnTop: true });
    expect(placed).toEqual([]);

    shop().outages.orders = undefined;
    await submit();
    expect(keysSent()).toHaveLength(2);
    expect(keysSent()[1]).toBe(keysSent()[0]);
    expect(placed).toHaveLength(1);
    expect(shop().orders).toHaveLength(1);
  });

  it('starts a new attempt, with a new key, when the details change after a lost answer', async () => {
    shop().outages.orders = 'connection-reset';
    const { result, placed, submit } = await checkoutWith(ada);
    await submit();
    shop().outages.orders = undefined;
    act(() => result.current.checkout.changeCustomer('email', 'ada.lovelace@example.com'));
    await submit();
    expect(keysSent()).toHaveLength(2);
    expect(keysSent()[1]).not.toBe(keysSent()[0]);
    expect(placed[0]?.customer.email).toBe('ada.lovelace@example.com');
  });

  it('asks again with the same key while the service says the first request is still running', async () => {
    shop().orderInProgressAnswers = 2;
    const { result, placed, submit } = await checkoutWith(ada);
    await submit();
    expect(keysSent()).toHaveLength(3);
    expect(new Set(keysSent()).size).toBe(1);
    expect(placed).toHaveLength(1);
    expect(result.current.checkout.failure).toBeUndefined();
  });

  it('puts a refusal of the details beside the field, and ends the attempt: the same details again get a new key', async () => {
    const { result, placed, submit } = await checkoutWith({ name: 'A'.repeat(150), email: 'ada@example.com' });
    await submit();
    expect(result.current.checkout.failure).toMatchObject({ kind: 'invalid', canRetry: false, showsOnTop: false });
    expect(result.current.checkout.fieldErrors).toEqual({ name: 'must NOT have more than 100 characters' });
    await submit();
    expect(keysSent()).toHaveLength(2);
    expect(keysSent()[1]).not.toBe(keysSent()[0]);
    expect(placed).toEqual([]);
  });
});
