/** The product service, assembled from its configuration: what main.ts and the tests start. */
import type { RunningService } from '@slipway/service-kit';
import { commonSettings, readConfig, settings, startService } from '@slipway/service-kit';
import type { DestinationStream } from 'pino';
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

export function startProductService(
  env: Record<string, string | undefined> = process.env,
  logDestination?: DestinationStream,
): Promise<RunningService> {
  const config = readConfig(productSettings, env);
  return startService({
    name: 'product',
    schema: 'product',
    version: servicePackage.version,
    config,
    migrations,
    routes: (context) => productRoutes(context, config.ADMIN_TOKEN, createListCache(config.CATALOG_CACHE_TTL_MS)),
    ...(logDestination ? { logDestination } : {}),
  });
}
