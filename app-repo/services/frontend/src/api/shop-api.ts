// The shop's API, one function per request the pages make.
import { requestJson } from './http-client.ts';
import type { Cart, Category, Customer, Order, Product, ProductId, ProductPage } from './shop-types.ts';

export interface ProductQuery {
  q?: string;
  category?: string;
  featured?: boolean;
  page?: number;
  pageSize?: number;
}

/** The query string for GET /api/products; empty values are left out. */
export function productQueryString(query: ProductQuery): string {
  const params = new URLSearchParams();
  if (query.q) params.set('q', query.q);
  if (query.category) params.set('category', query.category);
  if (query.featured !== undefined) params.set('featured', String(query.featured));
  if (query.page !== undefined) params.set('page', String(query.page));
  if (query.pageSize !== undefined) params.set('pageSize', String(query.pageSize));
  const text = params.toString();
  return text ? `?${text}` : '';
}

const id = (value: string | number) => encodeURIComponent(value);

export const shopApi = {
  listProducts: (query: ProductQuery, signal?: AbortSignal) =>
    requestJson<ProductPage>(`/api/products${productQueryString(query)}`, { signal }),
  listCategories: (signal?: AbortSignal) => requestJson<{ items: Category[] }>('/api/products/categories', { signal }),
  getProduct: (productId: ProductId | string, signal?: AbortSignal) => requestJson<Product>(`/api/products/${id(productId)}`, { signal }),

  getCart: (signal?: AbortSignal) => requestJson<Cart>('/api/cart', { signal }),
  addToCart: (productId: ProductId, quantity: number) =>
    requestJson<Cart>('/api/cart/items', { method: 'POST', body: { productId, quantity } }),
  setCartQuantity: (productId: ProductId, quantity: number) =>
    requestJson<Cart>(`/api/cart/items/${id(productId)}`, { method: 'PUT', body: { quantity } }),
  removeFromCart: (productId: ProductId) => requestJson<Cart>(`/api/cart/items/${id(productId)}`, { method: 'DELETE' }),

  placeOrder: (customer: Customer, idempotencyKey: string) =>
    requestJson<Order>('/api/orders', {
      method: 'POST',
      headers: { 'Idempotency-Key': idempotencyKey },
      body: { customer },
    }),
  /** The orders of a cart; without a cart id, of the cart in the cart_id cookie. */
  listOrders: (cartId: string | undefined, signal?: AbortSignal) =>
    requestJson<{ items: Order[] }>(`/api/orders${cartId ? `?cartId=${encodeURIComponent(cartId)}` : ''}`, { signal }),
  getOrder: (orderId: string, signal?: AbortSignal) => requestJson<Order>(`/api/orders/${id(orderId)}`, { signal }),
};
