/**
 * The three services started in this process on free ports, against one test database:
 * what the services' integration tests call. Logs are kept in memory for assertions.
 */
import { Writable } from 'node:stream';
import type { RunningService } from '@slipway/service-kit';
import { startCartService } from '../services/cart/src/service.ts';
import { startOrderService } from '../services/order/src/service.ts';
import { startProductService } from '../services/product/src/service.ts';
import type { Backend, TestDatabase } from './databases.ts';

export const ADMIN_TOKEN = 'test-admin-token';

export class LogCapture extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    for (const line of chunk.toString().split('\n')) if (line.trim()) this.lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  }
}

export interface TestShop {
  product: RunningService;
  cart: RunningService;
  order: RunningService;
  logs: LogCapture;
  database: TestDatabase;
  stop(): Promise<void>;
}

export async function startTestShop(backend: Backend, extraEnv: Record<string, string> = {}): Promise<TestShop> {
  const database = await backend.create();
  const logs = new LogCapture();
  // A generous timeout between services: a loaded CI machine must not turn a slow answer into a 503.
  const base = { HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', HTTP_TIMEOUT_MS: '10000', ...database.env, ...extraEnv };
  const product = await startProductService({ ...base, ADMIN_TOKEN }, logs);
  const cart = await startCartService({ ...base, PRODUCT_SERVICE_URL: product.url }, logs);
  const order = await startOrderService({ ...base, PRODUCT_SERVICE_URL: product.url, CART_SERVICE_URL: cart.url }, logs);
  return {
    product,
    cart,
    order,
    logs,
    database,
    async stop() {
      await Promise.all([order.shutdown(), cart.shutdown(), product.shutdown()]);
      await database.drop();
    },
  };
}

/** A JSON request with the answer's status, headers and parsed body. */
export async function call(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read answers field by field
): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  const hasBody = options.body !== undefined || options.rawBody !== undefined;
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...options.headers },
    body: options.rawBody ?? (options.body !== undefined ? JSON.stringify(options.body) : null),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: response.status, headers: response.headers, body, text };
}
