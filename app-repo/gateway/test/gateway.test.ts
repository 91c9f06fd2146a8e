import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, staticFileFor } from '../src/gateway.ts';
import { backendFor } from '../src/routes.ts';
import { freePort } from '../src/shop.ts';

describe('backendFor', () => {
  it.each([
    ['/api/products', 'product'],
    ['/api/products?page=2', 'product'],
    ['/api/products/7/stock', 'product'],
    ['/api/cart', 'cart'],
    ['/api/cart/items/3', 'cart'],
    ['/api/orders/abc', 'order'],
    ['/api/cartography', undefined],
    ['/api/productsX', undefined],
    ['/internal/reservations', undefined],
    ['/', undefined],
    ['/cart', undefined],
  ])('%s → %s', (path, backend) => {
    expect(backendFor(path)).toBe(backend);
  });
});

describe('the gateway', () => {
  const frontend = mkdtempSync(join(tmpdir(), 'slipway-frontend-'));
  let echo: ReturnType<typeof createServer>;
  let gateway: ReturnType<typeof createGateway>;
  let url: string;
  beforeAll(async () => {
    mkdirSync(join(frontend, 'assets'));
    writeFileSync(join(frontend, 'index.html'), '<!doctype html><title>shop</title>');
    writeFileSync(join(frontend, 'assets', 'app-1234.js'), 'console.log(1)');
    echo = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ method: req.method, url: req.url, requestId: req.headers['x-request-id'] ?? null }));
    });
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
    const echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
    const down = `http://127.0.0.1:${await freePort()}`;
    gateway = createGateway({ upstreams: { product: echoUrl, cart: echoUrl, order: down }, frontendDir: frontend });
    await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    gateway?.close();
    echo?.close();
  });

  it('proxies API prefixes without rewriting the path, passing headers on', async () => {
    const answer = await fetch(`${url}/api/products/3?x=1`, { headers: { 'x-request-id': 'req-1' } });
    expect(await answer.json()).toEqual({ method: 'GET', url: '/api/products/3?x=1', requestId: 'req-1' });
  });

  it('answers 502 problem+json when a service is down', async () => {
    const answer = await fetch(`${url}/api/orders`);
    expect(answer.status).toBe(502);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect((await answer.json()).detail).toContain('order service');
  });

  it('serves files, falls back to index.html for app routes, and 404s for missing assets and unknown APIs', async () => {
    const asset = await fetch(`${url}/assets/app-1234.js`);
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const route = await fetch(`${url}/products/12`);
    expect(await route.text()).toContain('<title>shop</title>');
    expect(route.headers.get('cache-control')).toBe('no-cache');
    expect((await fetch(`${url}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${url}/api/unknown`)).status).toBe(404);
    expect((await fetch(`${url}/internal/reservations`, { method: 'POST' })).status).toBe(405);
  });

  it('never serves a file outside the frontend folder', () => {
    writeFileSync(join(frontend, '..', 'secret.txt'), 'secret');
    expect(staticFileFor(frontend, '/../secret.txt')).toBeUndefined();
    expect(staticFileFor(frontend, '/%2e%2e/secret.txt')).toBeUndefined();
    expect(staticFileFor(frontend, '/%E0%A4%A')).toBeUndefined();
    expect(staticFileFor(frontend, '/assets/app-1234.js')).toBe(join(frontend, 'assets', 'app-1234.js'));
  });
});
