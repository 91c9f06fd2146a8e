/**
 * Which backend serves a path: the same prefixes the cluster Ingress routes, without rewriting.
 * Anything else is the frontend's. test/ingress-routes.test.ts holds these to the Ingress paths
 * the shop chart renders (`services.<name>.ingressPaths` in app-repo/charts/shop/values.yaml).
 */
export type Backend = 'product' | 'cart' | 'order';

export const apiRoutes: readonly { prefix: string; backend: Backend }[] = [
  { prefix: '/api/products', backend: 'product' },
  { prefix: '/api/cart', backend: 'cart' },
  { prefix: '/api/orders', backend: 'order' },
];

/** The backend for a request path, matching whole path segments (`/api/cartography` is not the cart's). */
export function backendFor(path: string): Backend | undefined {
  const pathname = path.split('?')[0] ?? '';
  return apiRoutes.find(({ prefix }) => pathname === prefix || pathname.startsWith(`${prefix}/`))?.backend;
}
