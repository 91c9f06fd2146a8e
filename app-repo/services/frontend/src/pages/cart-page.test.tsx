import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../app.tsx';
import { shopPerTest } from '../test-support/shop-per-test.ts';

const shop = shopPerTest('/cart', 10);

const subtotal = () => screen.getByText(/^Subtotal/).textContent;
const writes = () =>
  shop()
    .requests.filter((request) => request.method !== 'GET')
    .map((request) => [request.method, request.path, request.body]);

describe('cart page, against a local server following the documented cart API', () => {
  it('lists the lines with formatted prices and the subtotal', async () => {
    render(<App />);
    expect(await screen.findByRole('heading', { level: 2, name: 'Harbour Mug' })).toBeTruthy();
    expect(screen.getByRole('heading', { level: 1, name: 'Your cart' })).toBeTruthy();
    expect(screen.getByText('$12.50')).toBeTruthy();
    expect(screen.getByText('$25.00')).toBeTruthy();
    expect(subtotal()).toBe('Subtotal (3 items): $44.99');
    expect(screen.getByRole('link', { name: 'Cart, 3 items' })).toBeTruthy();
    expect(screen.getByRole('img', { name: 'Deck Cap' }).getAttribute('src')).toBe('/api/products/images/out-cap.svg');
  });

  it('changes a quantity with the stepper and by typing, and the totals follow the service', async () => {
    render(<App />);
    fireEvent.click(await screen.findByRole('button', { name: 'Increase quantity of Deck Cap' }));
    await waitFor(() => expect(subtotal()).toBe('Subtotal (4 items): $64.98'));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Increase quantity of Deck Cap' }).hasAttribute('disabled')).toBe(false));

    const mugQuantity = screen.getByLabelText('Quantity of Harbour Mug');
    fireEvent.change(mugQuantity, { target: { value: '5' } });
    fireEvent.submit(mugQuantity.closest('form') as HTMLFormElement);
    await waitFor(() => expect(subtotal()).toBe('Subtotal (7 items): $102.48'));
    await waitFor(() =>
      expect(writes()).toEqual([
        ['PUT', '/api/cart/items/2', { quantity: 2 }],
        ['PUT', '/api/cart/items/1', { quantity: 5 }],
      ]),
    );
    await waitFor(() => expect(screen.getByRole('link', { name: 'Cart, 7 items' })).toBeTruthy());
  });

  it('does not send a quantity it cannot accept, and says why', async () => {
    render(<App />);
    const mugQuantity = await screen.findByLabelText('Quantity of Harbour Mug');
    fireEvent.change(mugQuantity, { target: { value: '0' } });
    fireEvent.blur(mugQuantity);
    expect(screen.getByRole('alert').textContent).toBe('Enter at least 1.');
    expect(mugQuantity.getAttribute('aria-invalid')).toBe('true');
    expect(writes()).toEqual([]);
  });

  it('removes a line', async () => {
    render(<App />);
    fireEvent.click(await screen.findByRole('button', { name: 'Remove Harbour Mug' }));
    await waitFor(() => expect(screen.queryByRole('heading', { name: 'Harbour Mug' })).toBeNull());
    expect(subtotal()).toBe('Subtotal (1 item): $19.99');
    await waitFor(() => expect(writes()).toEqual([['DELETE', '/api/cart/items/1', undefined]]));
  });

  it('puts a change back and says so when the cart service refuses it', async () => {
    shop().outages.cartWrites = 'unavailable';
    render(<App />);
    fireEvent.click(await screen.findByRole('button', { name: 'Increase quantity of Harbour Mug' }));
    const line = screen.getByRole('heading', { name: 'Harbour Mug' }).closest('li') as HTMLElement;
    expect(await within(line).findByRole('alert')).toBeTruthy();
    expect(within(line).getByRole('alert').textContent).toMatch(/not responding right now/);
    expect((screen.getByLabelText('Quantity of Harbour Mug') as HTMLInputElement).value).toBe('2');
    expect(subtotal()).toBe('Subtotal (3 items): $44.99');
  });

  it('shows a friendly error with a retry when the cart service is down, and recovers', async () => {
    shop().outages.cart = 'connection-reset';
    render(<App />);
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: "We couldn't load your cart" })).toBeTruthy();
    expect(alert.textContent).toMatch(/not responding right now\. Please try again/);

    shop().outages.cart = undefined;
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('heading', { name: 'Deck Cap' })).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
