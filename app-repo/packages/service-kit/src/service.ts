/**
 * A service's life: open and migrate its database, serve HTTP, and on SIGTERM turn readiness off,
 * finish in-flight requests, close connections and exit 0 within 10 s.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import type { Express } from 'express';
import type { Logger, DestinationStream } from 'pino';
import type { commonSettings, ConfigOf, Setting } from './config.ts';
import { ConfigError, readConfig } from './config.ts';
import type { Database, Migration } from './database.ts';
import { migrate, openDatabase } from './database.ts';
import type { AppState, Identity } from './http-app.ts';
import { createApp } from './http-app.ts';
import { createLogger } from './logger.ts';
import type { ServiceMetrics } from './metrics.ts';
import { createMetrics } from './metrics.ts';

type CommonSettings = typeof commonSettings;
export type CommonConfig = { [K in keyof CommonSettings]: ReturnType<CommonSettings[K]['read']> } & { PORT: number };

export interface ServiceContext {
  identity: Identity;
  db: Database;
  metrics: ServiceMetrics;
  log: Logger;
}

export interface ServiceDefinition {
  name: string;
  /** PostgreSQL schema holding this service's tables. */
  schema: string;
  version: string;
  config: CommonConfig;
  migrations: readonly Migration[];
  routes(context: ServiceContext): (app: Express) => void;
  logDestination?: DestinationStream;
}

export interface RunningService {
  url: string;
  port: number;
  server: Server;
  db: Database;
  log: Logger;
  /** Readiness off, wait SHUTDOWN_DELAY_MS, stop accepting, drain in-flight requests, close the database. */
  shutdown(): Promise<void>;
}

export const SHUTDOWN_DEADLINE_MS = 10_000;

export async function startService(definition: ServiceDefinition): Promise<RunningService> {
  const { config } = definition;
  const identity: Identity = { service: definition.name, version: config.SERVICE_VERSION ?? definition.version, commit: config.GIT_COMMIT };
  const log = createLogger(definition.name, config.LOG_LEVEL, definition.logDestination);
  const db = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: config.DATA_DIR ?? resolve('.data', definition.name),
    schema: definition.schema,
    poolMax: config.DATABASE_POOL_MAX,
    onPoolError: (error) => log.warn({ err: error }, 'idle database connection lost'),
  });
  try {
    const applied = await migrate(db, definition.schema, definition.migrations);
    if (applied.length > 0) log.info({ applied }, 'migrations applied');
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  const metrics = createMetrics(identity);
  const state: AppState = { shuttingDown: false };
  const app = createApp({ identity, db, metrics, log, state, routes: definition.routes({ identity, db, metrics, log }) });

  const server = await new Promise<Server>((resolveServer, reject) => {
    const listening = app.listen(config.PORT, config.HOST, (error?: Error) => (error ? reject(error) : resolveServer(listening)));
  });
  // Above the usual load balancer idle timeouts, so the balancer closes idle connections first.
  server.keepAliveTimeout = 65_000;
  const port = (server.address() as AddressInfo).port;
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
  let stopping: Promise<void> | undefined;

  return {
    url: `http://${host}:${port}`,
    port,
    server,
    db,
    log,
    shutdown() {
      stopping ??= (async () => {
        state.shuttingDown = true;
        log.info({ delayMs: config.SHUTDOWN_DELAY_MS }, 'shutting down: readiness off');
        await new Promise((r) => setTimeout(r, config.SHUTDOWN_DELAY_MS));
        await new Promise<void>((r) => {
          server.close(() => r());
          server.closeIdleConnections();
        });
        await db.close();
        log.info('shut down cleanly');
      })();
      return stopping;
    },
  };
}

/**
 * A service's start function, as its main.ts and the tests call it: reads the service's settings
 * from `env` (every bad variable reported together), defines the service from that configuration
 * and starts it, logging to `logDestination` when given.
 */
export function serviceStarter<S extends CommonSettings & { PORT: Setting<number> }>(
  serviceSettings: S,
  define: (config: ConfigOf<S>) => Omit<ServiceDefinition, 'config' | 'logDestination'>,
): (env?: Record<string, string | undefined>, logDestination?: DestinationStream) => Promise<RunningService> {
  return (env = process.env, logDestination) => {
    // What the common settings read is a CommonConfig; TypeScript cannot follow that through the generic S.
    const config = readConfig(serviceSettings, env) as ConfigOf<S> & CommonConfig;
    return startService({ ...define(config), config, ...(logDestination ? { logDestination } : {}) });
  };
}

/**
 * The process shell around a service: prints where it listens, handles SIGTERM/SIGINT, and turns
 * a configuration error into a clear message and exit code 78 (configuration error).
 */
export async function runMain(start: () => Promise<RunningService>): Promise<void> {
  let running: RunningService;
  try {
    running = await start();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nFix the variables above and start again.\n`);
      process.exit(78);
    }
    process.stderr.write(`failed to start: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  }
  running.log.info({ url: running.url }, 'listening');
  const onSignal = (signal: NodeJS.Signals) => {
    running.log.info({ signal }, 'signal received');
    const deadline = setTimeout(() => {
      running.log.error('graceful shutdown took too long; closing remaining connections');
      running.server.closeAllConnections();
      running.log.flush();
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS - 500);
    deadline.unref();
    running
      .shutdown()
      .then(() => {
        running.log.flush();
        process.exit(0);
      })
      .catch((error: Error) => {
        running.log.error({ err: error }, 'shutdown failed');
        running.log.flush();
        process.exit(1);
      });
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
