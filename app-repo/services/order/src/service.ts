/** The order service, assembled from its configuration: what main.ts and the tests start. */
import { commonSettings, createServiceClient, serviceStarter, settings } from '@slipway/service-kit';
import servicePackage from '../package.json' with { type: 'json' };
import { migrations } from './migrations.ts';
import { orderRoutes } from './routes.ts';

export const orderSettings = {
  ...commonSettings,
  PORT: settings.port(3003),
  PRODUCT_SERVICE_URL: settings.url('http://127.0.0.1:3001'),
  CART_SERVICE_URL: settings.url('http://127.0.0.1:3002'),
  HTTP_TIMEOUT_MS: settings.integer(2000, 50, 60_000),
};

export const startOrderService = serviceStarter(orderSettings, (config) => {
  const products = createServiceClient({ service: 'product', baseUrl: config.PRODUCT_SERVICE_URL, timeoutMs: config.HTTP_TIMEOUT_MS });
  const carts = createServiceClient({ service: 'cart', baseUrl: config.CART_SERVICE_URL, timeoutMs: config.HTTP_TIMEOUT_MS });
  return {
    name: 'order',
    schema: 'orders',
    version: servicePackage.version,
    migrations,
    routes: (context) => orderRoutes(context, { carts, products }),
  };
});
