/** The cart service, assembled from its configuration: what main.ts and the tests start. */
import { commonSettings, createServiceClient, serviceStarter, settings } from '@slipway/service-kit';
import servicePackage from '../package.json' with { type: 'json' };
import { migrations } from './migrations.ts';
import { cartRoutes } from './routes.ts';

export const cartSettings = {
  ...commonSettings,
  PORT: settings.port(3002),
  PRODUCT_SERVICE_URL: settings.url('http://127.0.0.1:3001'),
  HTTP_TIMEOUT_MS: settings.integer(2000, 50, 60_000),
};

export const startCartService = serviceStarter(cartSettings, (config) => {
  const products = createServiceClient({ service: 'product', baseUrl: config.PRODUCT_SERVICE_URL, timeoutMs: config.HTTP_TIMEOUT_MS });
  return { name: 'cart', schema: 'cart', version: servicePackage.version, migrations, routes: (context) => cartRoutes(context, products) };
});
