/**
 * Starts the whole shop: the three services as child processes, each with its own embedded
 * database under `dataDir`, then the gateway in front of them. Used by `npm start`, the
 * end-to-end tests and the benchmarks.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Backend } from './routes.ts';
import { createGateway } from './gateway.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const serviceMain = (name: Backend) => join(repoRoot, 'app-repo/services', name, 'src/main.ts');
export const defaultFrontendDir = join(repoRoot, 'app-repo/services/frontend/dist');

export interface ShopOptions {
  /** The gateway's port; 0 picks a free one. */
  port?: number;
  /** The services' ports; 0 (the default) picks free ones. */
  servicePorts?: Partial<Record<Backend, number>>;
  /** Where the services' embedded databases and logs live. */
  dataDir: string;
  frontendDir?: string;
  /** Extra environment for every service (e.g. DATABASE_URL, LOG_LEVEL). */
  env?: Record<string, string>;
  /** Where service logs go: a file per service under dataDir/logs (default), or this process's output. */
  logs?: 'files' | 'inherit';
  host?: string;
}

export interface ServiceHandle {
  name: Backend;
  url: string;
  port: number;
  logFile: string | undefined;
  running(): boolean;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export interface Shop {
  url: string;
  services: Record<Backend, ServiceHandle>;
  stop(): Promise<void>;
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolvePort(port));
    });
  });
}

async function waitUntilReady(url: string, child: ChildProcess, name: string, output: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the ${name} service exited with code ${child.exitCode} while starting:\n${output()}`);
    try {
      const answer = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(1000) });
      if (answer.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the ${name} service was not ready within ${timeoutMs / 1000} s:\n${output()}`);
}

function serviceHandle(name: Backend, port: number, env: Record<string, string>, options: ShopOptions, host: string): ServiceHandle {
  const url = `http://${host}:${port}`;
  const logFile = options.logs === 'inherit' ? undefined : join(resolve(options.dataDir), 'logs', `${name}.log`);
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  return {
    name,
    url,
    port,
    logFile,
    running: () => child !== undefined && child.exitCode === null && child.signalCode === null,
    async start() {
      if (child && child.exitCode === null && child.signalCode === null) return;
      let recent = '';
      const keep = (chunk: Buffer) => {
        recent = (recent + chunk.toString()).slice(-4000);
      };
      child = spawn(process.execPath, ['--import', 'tsx', serviceMain(name)], {
        cwd: repoRoot,
        env: { ...process.env, ...env, PORT: String(port), HOST: host },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      if (logFile) {
        mkdirSync(join(resolve(options.dataDir), 'logs'), { recursive: true });
        const log = createWriteStream(logFile, { flags: 'a' });
        child.stdout?.pipe(log);
        child.stderr?.pipe(log);
      } else {
        child.stdout?.pipe(process.stdout);
        child.stderr?.pipe(process.stderr);
      }
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
      const current = child;
      exited = new Promise((r) => current.once('exit', () => r()));
      await waitUntilReady(url, current, name, () => recent);
    },
    async stop() {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function startShop(options: ShopOptions): Promise<Shop> {
  const host = options.host ?? '127.0.0.1';
  const dataDir = resolve(options.dataDir);
  const ports = {
    product: options.servicePorts?.product || (await freePort(host)),
    cart: options.servicePorts?.cart || (await freePort(host)),
    order: options.servicePorts?.order || (await freePort(host)),
  };
  const urls = { product: `http://${host}:${ports.product}`, cart: `http://${host}:${ports.cart}`, order: `http://${host}:${ports.order}` };
  const shared = { ...options.env, PRODUCT_SERVICE_URL: urls.product, CART_SERVICE_URL: urls.cart };
  const services = {
    product: serviceHandle('product', ports.product, { ...shared, DATA_DIR: join(dataDir, 'product') }, options, host),
    cart: serviceHandle('cart', ports.cart, { ...shared, DATA_DIR: join(dataDir, 'cart') }, options, host),
    order: serviceHandle('order', ports.order, { ...shared, DATA_DIR: join(dataDir, 'order') }, options, host),
  };
  const all = Object.values(services);
  try {
    await Promise.all(all.map((s) => s.start()));
  } catch (error) {
    await Promise.all(all.map((s) => s.stop()));
    throw error;
  }
  const gateway = createGateway({ upstreams: urls, frontendDir: options.frontendDir ?? defaultFrontendDir });
  await new Promise<void>((resolveListen, reject) => {
    gateway.once('error', reject);
    gateway.listen(options.port ?? 0, host, () => resolveListen());
  });
  const gatewayPort = (gateway.address() as AddressInfo).port;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${gatewayPort}`,
    services,
    async stop() {
      await new Promise<void>((r) => {
        gateway.close(() => r());
        gateway.closeAllConnections();
      });
      await Promise.all(all.map((s) => s.stop()));
    },
  };
}
