import { describe, expect, it } from 'vitest';
import { catalogPath, catalogQueryOf, pageTitle, paths, routeOf } from './routes.ts';

describe('routeOf', () => {
  it.each([
    ['/', { page: 'home' }],
    ['', { page: 'home' }],
    ['/products', { page: 'catalog' }],
    ['/products/', { page: 'catalog' }],
    ['/products/abc-123', { page: 'product', productId: 'abc-123' }],
    ['/products/a%20b', { page: 'product', productId: 'a b' }],
    ['/products/%E0%A4%A', { page: 'not-found' }],
    ['/cart', { page: 'cart' }],
    ['/checkout', { page: 'checkout' }],
    ['/orders', { page: 'orders' }],
    ['/orders/o-9', { page: 'order', orderId: 'o-9' }],
    ['/orders/o-9/extra', { page: 'not-found' }],
    ['/cart/1', { page: 'not-found' }],
    ['/admin', { page: 'not-found' }],
  ])('%s → %j', (pathname, route) => {
    expect(routeOf(pathname)).toEqual(route);
  });

  it('reads back every path it makes', () => {
    expect(routeOf(paths.product('x/y'))).toEqual({ page: 'product', productId: 'x/y' });
    expect(routeOf(new URL(paths.order('o 1', true), 'http://shop').pathname)).toEqual({ page: 'order', orderId: 'o 1' });
  });
});

describe('catalog query', () => {
  it.each([
    ['', { q: '', category: '', page: 1 }],
    ['?q=mug&category=Kitchen&page=3', { q: 'mug', category: 'Kitchen', page: 3 }],
    ['?q=+tea+&page=0', { q: 'tea', category: '', page: 1 }],
    ['?page=-2', { q: '', category: '', page: 1 }],
    ['?page=2.5', { q: '', category: '', page: 1 }],
    ['?page=abc', { q: '', category: '', page: 1 }],
  ])('%s → %j', (search, query) => {
    expect(catalogQueryOf(search)).toEqual(query);
  });

  it.each([
    [{}, '/products'],
    [{ q: 'mug' }, '/products?q=mug'],
    [{ q: 'a&b', category: 'Home & Garden', page: 2 }, '/products?q=a%26b&category=Home+%26+Garden&page=2'],
    [{ page: 1 }, '/products'],
  ])('%j → %s, and back', (query, path) => {
    expect(catalogPath(query)).toBe(path);
    expect(catalogQueryOf(new URL(path, 'http://shop').search)).toEqual({ q: '', category: '', page: 1, ...query });
  });
});

describe('pageTitle', () => {
  it.each([
    ['/', 'Slipway Shop'],
    ['/products', 'Catalog — Slipway Shop'],
    ['/cart', 'Your cart — Slipway Shop'],
    ['/orders/o-1', 'Order — Slipway Shop'],
    ['/nope', 'Page not found — Slipway Shop'],
  ])('%s → %s', (pathname, title) => {
    expect(pageTitle(routeOf(pathname))).toBe(title);
  });
});
