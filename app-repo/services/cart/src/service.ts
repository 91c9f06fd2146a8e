/** The cart service, assembled from its configuration: what main.ts and the tests start. */
import type { RunningService } from '@slipway/service-kit';
import { commonSettings, createServiceClient, readConfig, settings, startService } from '@slipway/service-kit';
import type { DestinationStream } from 'pino';
import servicePackage from '../package.json' with { type: 'json' };
import { migrations } from './migrations.ts';
import { cartRoutes } from './routes.ts';

export const cartSettings = {
  ...commonSettings,
  PORT: settings.port(3002),
  PRODUCT_SERVICE_URL: settings.url('http://127.0.0.1:3001'),
  HTTP_TIMEOUT_MS: settings.integer(2000, 50, 60_000),
};

export function startCartService(
  env: Record<string, string | undefined> = process.env,
  logDestination?: DestinationStream,
): Promise<RunningService> {
  const config = readConfig(cartSettings, env);
  const products = createServiceClient({ service: 'product', baseUrl: config.PRODUCT_SERVICE_URL, timeoutMs: config.HTTP_TIMEOUT_MS });
  return startService({
    name: 'cart',
    schema: 'cart',
    version: servicePackage.version,
    config,
    migrations,
    routes: (context) => cartRoutes(context, products),
    ...(logDestination ? { logDestination } : {}),
  });
}
