/**
 * `npm start`: the whole shop on the embedded database, at http://localhost:8080 (PORT overrides).
 * Prints where each part listens; Ctrl-C stops everything cleanly.
 */
import { relative } from 'node:path';
import { startShop } from './shop.ts';

const port = Number(process.env.PORT ?? 8080);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number (0-65535), got '${process.env.PORT}'.`);
  process.exit(78);
}

const started = Date.now();
try {
  const shop = await startShop({
    port,
    host: '127.0.0.1',
    dataDir: process.env.DATA_DIR ?? '.data',
    servicePorts: { product: 3001, cart: 3002, order: 3003 },
    ...(process.env.DATABASE_URL ? { env: { DATABASE_URL: process.env.DATABASE_URL } } : {}),
  });
  for (const service of Object.values(shop.services)) {
    const logs = service.logFile ? `  logs: ${relative(process.cwd(), service.logFile)}` : '';
    console.log(`${service.name.padEnd(8)} ${service.url}${logs}`);
  }
  console.log(
    `gateway  ${shop.url.replace('127.0.0.1', 'localhost')}  ← open this (started in ${((Date.now() - started) / 1000).toFixed(1)} s; Ctrl-C stops)`,
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    console.log('stopping…');
    shop.stop().then(
      () => process.exit(0),
      (error: Error) => {
        console.error(`stop failed: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  const message = (error as Error).message;
  console.error(`the shop did not start: ${message}`);
  if (/EADDRINUSE/.test(message)) console.error('A port is taken: stop the other process, or set PORT for the gateway.');
  process.exit(1);
}
