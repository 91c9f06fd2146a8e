// Which page a URL shows, and the URLs of the pages.

export type Route =
  | { page: 'home' }
  | { page: 'catalog' }
  | { page: 'product'; productId: string }
  | { page: 'cart' }
  | { page: 'checkout' }
  | { page: 'orders' }
  | { page: 'order'; orderId: string }
  | { page: 'not-found' };

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

export function routeOf(pathname: string): Route {
  const segments = pathname.split('/').filter(Boolean);
  const [first, second, ...rest] = segments;
  if (rest.length > 0) return { page: 'not-found' };
  if (first === undefined) return { page: 'home' };
  if (second === undefined) {
    if (first === 'products') return { page: 'catalog' };
    if (first === 'cart') return { page: 'cart' };
    if (first === 'checkout') return { page: 'checkout' };
    if (first === 'orders') return { page: 'orders' };
    return { page: 'not-found' };
  }
  const id = decodeSegment(second);
  if (id === undefined) return { page: 'not-found' };
  if (first === 'products') return { page: 'product', productId: id };
  if (first === 'orders') return { page: 'order', orderId: id };
  return { page: 'not-found' };
}

export const paths = {
  home: () => '/',
  product: (productId: number | string) => `/products/${encodeURIComponent(productId)}`,
  cart: () => '/cart',
  checkout: () => '/checkout',
  orders: () => '/orders',
  order: (orderId: string, placed = false) => `/orders/${encodeURIComponent(orderId)}${placed ? '?placed=1' : ''}`,
};

export interface CatalogQuery {
  q: string;
  category: string;
  page: number;
}

/** The catalog's search, category and page, read from the URL's query string. */
export function catalogQueryOf(search: string): CatalogQuery {
  const params = new URLSearchParams(search);
  const page = Number(params.get('page'));
  return {
    q: (params.get('q') ?? '').trim(),
    category: params.get('category') ?? '',
    page: Number.isSafeInteger(page) && page >= 1 ? page : 1,
  };
}

/** The catalog URL for a query; defaults are left out so the plain catalog is `/products`. */
export function catalogPath(query: Partial<CatalogQuery> = {}): string {
  const params = new URLSearchParams();
  if (query.q) params.set('q', query.q);
  if (query.category) params.set('category', query.category);
  if (query.page && query.page > 1) params.set('page', String(query.page));
  const text = params.toString();
  return text ? `/products?${text}` : '/products';
}

const PAGE_TITLES: Record<Route['page'], string> = {
  home: '',
  catalog: 'Catalog',
  product: 'Product',
  cart: 'Your cart',
  checkout: 'Checkout',
  orders: 'Your orders',
  order: 'Order',
  'not-found': 'Page not found',
};

/** The document title for a page, so a screen reader announces where a navigation landed. */
export function pageTitle(route: Route): string {
  const title = PAGE_TITLES[route.page];
  return title ? `${title} — Slipway Shop` : 'Slipway Shop';
}
