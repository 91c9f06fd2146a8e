import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../app.tsx';
import { shopPerTest } from '../test-support/shop-per-test.ts';

const shop = shopPerTest('/checkout', 1);

const orderPosts = () => shop().requests.filter((request) => request.method === 'POST' && request.path === '/api/orders');

async function fillDetails() {
  fireEvent.change(await screen.findByLabelText('Full name'), { target: { value: 'Ada Lovelace' } });
  fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'ada@example.com' } });
}

describe('checkout page, against a local server following the documented order API', () => {
  it('places one order for a double click, with an Idempotency-Key, and shows the confirmation', async () => {
    shop().orderDelayMs = 150;
    render(<App />);
    await fillDetails();
    const button = screen.getByRole('button', { name: 'Place order' });
    fireEvent.click(button);
    fireEvent.click(button);
    fireEvent.submit(button.closest('form') as HTMLFormElement);
    expect(await screen.findByRole('heading', { level: 1, name: 'Thank you for your order!' }, { timeout: 3000 })).toBeTruthy();

    expect(orderPosts()).toHaveLength(1);
    expect(orderPosts()[0]?.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(orderPosts()[0]?.body).toEqual({ customer: { name: 'Ada Lovelace', email: 'ada@example.com' } });
    expect(shop().orders).toHaveLength(1);
    expect(window.location.pathname).toBe(`/orders/${shop().orders[0]?.id}`);
    expect(await screen.findByText('$44.99', { selector: '.price-large' })).toBeTruthy();
    await waitFor(() => expect(screen.getByRole('link', { name: 'Cart, 0 items' })).toBeTruthy());
  });

  it('checks the details before sending anything', async () => {
    render(<App />);
    fireEvent.change(await screen.findByLabelText('Email'), { target: { value: 'not-an-email' } });
    fireEvent.click(screen.getByRole('button', { name: 'Place order' }));
    expect(screen.getByText('Enter your name.')).toBeTruthy();
    expect(screen.getByText('Enter an email address like name@example.com.')).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText('Full name'));
    expect(orderPosts()).toHaveLength(0);
  });

  it('shows a stock conflict by item, lets the shopper fix the cart, then places the order with a new key', async () => {
    shop().seedCart([
      [1, 2],
      [2, 3],
    ]);
    render(<App />);
    await fillDetails();
    fireEvent.click(screen.getByRole('button', { name: 'Place order' }));

    const conflict = await screen.findByRole('alert');
    expect(within(conflict).getByRole('heading', { name: 'Some items are no longer available' })).toBeTruthy();
    expect(conflict.textContent).toMatch(/Deck Cap: only 1 left, you asked for 3/);
    expect(conflict.textContent).toMatch(/Your order was not placed/);
    expect(shop().orders).toHaveLength(0);

    fireEvent.click(within(conflict).getByRole('button', { name: 'Change to 1' }));
    await waitFor(() => expect(screen.getByText(/Your cart is updated/)).toBeTruthy());
    await waitFor(() => expect(screen.getByRole('button', { name: 'Place order' }).hasAttribute('disabled')).toBe(false));
    fireEvent.click(screen.getByRole('button', { name: 'Place order' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Thank you for your order!' })).toBeTruthy();

    const keys = orderPosts().map((request) => request.headers['idempotency-key']);
    expect(keys).toHaveLength(2);
    expect(keys[0]).not.toBe(keys[1]);
    expect(shop().orders[0]?.lines.map((line) => [line.name, line.quantity])).toEqual([
      ['Harbour Mug', 2],
      ['Deck Cap', 1],
    ]);
  });

  it('after the order service dropped the connection, retries with the same key and places one order', async () => {
    shop().outages.orders = 'connection-reset';
    render(<App />);
    await fillDetails();
    fireEvent.click(screen.getByRole('button', { name: 'Place order' }));
    const failure = await screen.findByRole('alert');
    expect(within(failure).getByRole('heading', { name: 'Your order could not be placed' })).toBeTruthy();
    expect(failure.textContent).toMatch(/Trying again is safe/);

    shop().outages.orders = undefined;
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Thank you for your order!' })).toBeTruthy();
    const keys = orderPosts().map((request) => request.headers['idempotency-key']);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(shop().orders).toHaveLength(1);
  });
});
