/** The product service, assembled from its configuration: what main.ts and the tests start. */
import { commonSettings, serviceStarter, settings } from '@slipway/service-kit';
import { migrations } from './migrations.ts';
import { createListCache } from './list-cache.ts';
import { productRoutes } from './routes.ts';
import servicePackage from '../package.json' with { type: 'json' };

export const productSettings = {
  ...commonSettings,
  PORT: settings.port(3001),
  ADMIN_TOKEN: settings.optionalString(),
  CATALOG_CACHE_TTL_MS: settings.integer(1000, 0, 60_000),
};

export const startProductService = serviceStarter(productSettings, (config) => ({
  name: 'product',
  schema: 'product',
  version: servicePackage.version,
  config,
  migrations,
  routes: (context) => productRoutes(context, config.ADMIN_TOKEN, createListCache(config.CATALOG_CACHE_TTL_MS)),
}));
