/**
 * The whole shop and a real Prometheus (Debian's binary) on loopback scraping it every second, with
 * the shop's rules loaded. After traffic that includes client errors, a service outage (5xx from its
 * callers) and a restart, every PromQL expression of every dashboard panel and every rule must parse
 * and return data: a panel that shows nothing fails the build.
 * kube-state-metrics and the CloudNativePG exporter cannot run without a cluster; a local exposition
 * server serves their documented series for the rules that read them.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardQueries, dashboardVariables, fillVariables, variableQuery, variablesIn } from './dashboard-lint.ts';
import { startExpositionServer, startPrometheus } from '../../../actions/test-support/prometheus-server.ts';
import type { ExpositionServer, PrometheusServer } from '../../../actions/test-support/prometheus-server.ts';
import { startShop } from '../../../app-repo/gateway/src/shop.ts';
import type { Shop } from '../../../app-repo/gateway/src/shop.ts';
import { createPostgresDatabase } from '../../../app-repo/test-support/databases.ts';
import { dashboards, prometheusRules, ruleFileText } from './observability-tree.ts';

type Json = Record<string, unknown>;

const clusterSeries = `# kube-state-metrics and CloudNativePG exporter series, as they expose them
kube_pod_status_ready{namespace="shop",pod="product-7c9d8-x1",uid="1",condition="true"} 1
kube_pod_status_ready{namespace="shop",pod="product-7c9d8-x1",uid="1",condition="false"} 0
kube_deployment_status_replicas_available{namespace="shop",deployment="product"} 1
kube_deployment_spec_replicas{namespace="shop",deployment="product"} 1
kube_pod_container_status_restarts_total{namespace="shop",pod="product-7c9d8-x1",uid="1",container="product"} 0
cnpg_collector_up{namespace="shop",pod="shop-db-1",cluster="shop-db"} 1
`;

const services = ['product', 'cart', 'order'] as const;
const windows: Record<string, string> = { __rate_interval: '30s', __interval: '15s', __range: '5m', __auto: '30s' };

let work: string;
let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
let shop: Shop;
let cluster: ExpositionServer;
let prometheus: PrometheusServer;

async function call(url: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
  const { json, ...rest } = init;
  const response = await fetch(url, {
    ...rest,
    ...(json === undefined
      ? {}
      : {
          body: JSON.stringify(json),
          headers: { 'content-type': 'application/json', ...(rest.headers as Record<string, string> | undefined) },
        }),
  });
  await response.arrayBuffer();
  return response;
}

async function traffic(): Promise<void> {
  const { product, cart, order } = shop.services;
  const list = (await (await fetch(`${product.url}/api/products?pageSize=5`)).json()) as { items: { id: number }[] };
  const id = list.items[0]?.id;
  if (id === undefined) throw new Error('the shop has no products to order');
  // Spread over several scrapes: a counter's first sample counts as its start, so a series must be
  // seen rising for rate() to show it.
  const nextScrape = () => new Promise((r) => setTimeout(r, 1100));
  for (let round = 0; round < 4; round += 1) {
    await nextScrape();
    const cartId = randomUUID();
    const asCart = { 'x-cart-id': cartId };
    expect((await call(`${product.url}/api/products/${id}`)).status).toBe(200);
    expect((await call(`${product.url}/api/products/999999`)).status).toBe(404);
    expect((await call(`${product.url}/no/such/path`)).status).toBe(404);
    expect(
      (await call(`${cart.url}/api/cart/items`, { method: 'POST', headers: asCart, json: { productId: id, quantity: 'many' } })).status,
    ).toBe(400);
    expect(
      (await call(`${cart.url}/api/cart/items`, { method: 'POST', headers: asCart, json: { productId: id, quantity: 1 } })).status,
    ).toBe(201);
    const checkout = {
      method: 'POST',
      headers: { ...asCart, 'idempotency-key': `live-order-${round}` },
      json: { customer: { name: 'Ada', email: 'ada@example.com' } },
    };
    expect((await call(`${order.url}/api/orders`, checkout)).status).toBe(201);
    expect(
      (
        await call(`${order.url}/api/orders`, {
          ...checkout,
          headers: { 'x-cart-id': randomUUID(), 'idempotency-key': `refused-${round}` },
        })
      ).status,
    ).toBeGreaterThanOrEqual(400);
  }
  // The product service goes away: the cart's calls to it fail with 5xx, then it comes back (a restart).
  await product.stop();
  for (let attempt = 0; attempt < 4; attempt += 1) {
    await nextScrape();
    expect(
      (
        await call(`${cart.url}/api/cart/items`, {
          method: 'POST',
          headers: { 'x-cart-id': randomUUID() },
          json: { productId: id, quantity: 1 },
        })
      ).status,
    ).toBeGreaterThanOrEqual(500);
  }
  await nextScrape();
  await product.start();
  for (let attempt = 0; attempt < 4; attempt += 1) {
    await nextScrape();
    expect((await call(`${product.url}/api/products`)).status).toBe(200);
  }
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'slipway-live-'));
  // The real PostgreSQL server (a fresh database) starts the services faster than embedded PGlite.
  database = await createPostgresDatabase();
  shop = await startShop({
    port: 0,
    dataDir: join(work, 'shop'),
    env: { SERVICE_VERSION: '1.4.0', GIT_COMMIT: 'a1b2c3d', LOG_LEVEL: 'warn', DATABASE_URL: database.url },
  });
  cluster = await startExpositionServer(clusterSeries);
  writeFileSync(join(work, 'shop-rules.yaml'), ruleFileText());
  prometheus = await startPrometheus(
    [
      ...services.map((service) => ({
        address: new URL(shop.services[service].url).host,
        labels: {
          namespace: 'shop',
          service,
          job: service,
          pod: `${service}-7c9d8-x1`,
          container: service,
          endpoint: 'http',
          environment: 'dev',
        },
      })),
      { address: cluster.address, labels: { job: 'kube-state-metrics', environment: 'dev' } },
    ],
    [join(work, 'shop-rules.yaml')],
  );
  await prometheus.waitFor('app_info{service="order"}');
  await traffic();
  // The 5m and 30m recording rules have seen the errors, and rates have two samples after the restart.
  await prometheus.waitFor('service:http_request_errors:ratio_rate5m{service="cart"} > 0');
  await new Promise((r) => setTimeout(r, 3000));
}, 180_000);

afterAll(async () => {
  await prometheus?.stop();
  await cluster?.stop();
  await shop?.stop();
  await database?.drop();
  rmSync(work, { recursive: true, force: true });
});

/** Values of a query variable (label_values(selector, label)) from the live Prometheus. */
async function labelValues(query: string): Promise<string[]> {
  const match = /^label_values\((.*),\s*(\w+)\)$/.exec(query.trim());
  if (!match) throw new Error(`unsupported variable query: ${query}`);
  const answer = await fetch(`${prometheus.url}/api/v1/label/${match[2]}/values?${new URLSearchParams({ 'match[]': match[1] as string })}`);
  return ((await answer.json()) as { data: string[] }).data;
}

/**
 * Every combination of variable values the dashboard offers, each variable resolved by its own query
 * in order: its "All" value (allValue) and each single value.
 */
async function variableCombinations(dashboard: Json): Promise<Record<string, string>[]> {
  let combinations: Record<string, string>[] = [{ ...windows }];
  for (const [name, variable] of dashboardVariables(dashboard)) {
    const next: Record<string, string>[] = [];
    for (const combination of combinations) {
      const values = await labelValues(fillVariables(variableQuery(variable) ?? '', combination));
      expect(values.length, `variable $${name} offers no value with ${JSON.stringify(combination)}`).toBeGreaterThan(0);
      const options = [...values, ...(variable['includeAll'] === true ? [String(variable['allValue'])] : [])];
      for (const value of options) next.push({ ...combination, [name]: value });
    }
    combinations = next;
  }
  return combinations;
}

/** Queries of a dashboard that fail or return nothing, as readable lines. */
async function emptyPanels(dashboard: Json): Promise<string[]> {
  const problems: string[] = [];
  const combinations = await variableCombinations(dashboard);
  for (const query of dashboardQueries(dashboard).filter((q) => q.datasourceType === 'prometheus')) {
    for (const combination of combinations) {
      const expr = fillVariables(query.expr, combination);
      try {
        if ((await prometheus.query(expr)).length === 0)
          problems.push(
            `panel ${query.panelId} "${query.panelTitle}" ${query.refId} shows nothing with ${JSON.stringify(combination)}: ${expr}`,
          );
      } catch (error) {
        problems.push(`panel ${query.panelId} "${query.panelTitle}" ${query.refId}: ${(error as Error).message}`);
      }
    }
  }
  return problems;
}

describe('dashboards and rules against the shop scraped by a real Prometheus', () => {
  const files = dashboards();

  it('finds the dashboards and rules to check', () => {
    expect(files.map((file) => file.dashboard['uid']).sort()).toEqual(['shop-overview', 'shop-service']);
    expect(prometheusRules().length).toBeGreaterThan(0);
  });

  it.each(files.map((file) => [String(file.dashboard['uid']), file] as const))(
    'every Prometheus panel of %s returns data for every variable value',
    async (_uid, file) => {
      expect(dashboardQueries(file.dashboard).filter((q) => q.datasourceType === 'prometheus').length).toBeGreaterThan(5);
      expect(await emptyPanels(file.dashboard)).toEqual([]);
    },
  );

  it('the per-service dashboard splits by the version the services report', async () => {
    const service = files.find((file) => file.dashboard['uid'] === 'shop-service');
    const rate = dashboardQueries(service?.dashboard ?? {}).find((q) => q.panelTitle === 'Requests per second by version');
    const result = await prometheus.query(
      fillVariables(rate?.expr ?? '', { ...windows, environment: 'dev', service: 'cart', version: '.*' }),
    );
    expect(result.map((series) => series.metric['version'])).toEqual(['1.4.0']);
  });

  it('a panel whose query shows nothing is reported (a renamed metric)', async () => {
    const overview = files.find((file) => file.dashboard['uid'] === 'shop-overview')?.dashboard ?? {};
    const broken = JSON.parse(JSON.stringify(overview).replaceAll('shop_orders_created_total', 'shop_orders_placed_total')) as Json;
    const problems = await emptyPanels(broken);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((line) => line.includes('shop_orders_placed_total'))).toBe(true);
  });

  it('every recording rule returns data and every alert parses over selectors that return data', async () => {
    const problems: string[] = [];
    for (const { file, groups } of prometheusRules()) {
      for (const rule of groups.flatMap((group) => group.rules)) {
        const expr = String(rule['expr']);
        const name = String(rule['record'] ?? rule['alert']);
        try {
          const result = await prometheus.query(expr);
          if (rule['record'] !== undefined && result.length === 0) problems.push(`${file} ${name} returns nothing`);
          if (rule['record'] !== undefined) {
            const stored = await prometheus.query(name);
            if (stored.length === 0) problems.push(`${file} ${name} was never recorded by Prometheus`);
          }
        } catch (error) {
          problems.push(`${file} ${name}: ${(error as Error).message}`);
        }
        for (const selector of expr.matchAll(/([a-zA-Z_:][\w:]*)\{([^}]*)\}/g)) {
          if (variablesIn(selector[0]).length > 0) continue;
          if ((await prometheus.query(selector[0])).length === 0) problems.push(`${file} ${name}: ${selector[0]} has no series`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('the availability SLO sees the errors the outage caused, and only where they happened', async () => {
    const ratios = await prometheus.query('service:http_request_errors:ratio_rate5m');
    const byService = Object.fromEntries(ratios.map((series) => [series.metric['service'], Number(series.value[1])]));
    expect(byService['cart']).toBeGreaterThan(0);
    expect(byService['order']).toBe(0);
    const restarts = await prometheus.query('changes(process_start_time_seconds{service="product"}[5m])');
    expect(Number(restarts[0]?.value[1])).toBeGreaterThanOrEqual(1);
  });
});
