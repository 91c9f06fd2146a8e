/**
 * Test support: real chart repositories on loopback. Charts written by the test are packaged
 * with `helm package` and indexed with `helm repo index`, then served by a static HTTP server
 * (node http on 127.0.0.1, a random port) that counts the requests per path — or pushed with
 * `helm push --plain-http` to a real `docker-registry` (local-registry.ts) for OCI.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { stringify } from 'yaml';
import { findHelm } from '../lib/validate/helm-binary.ts';

export interface ChartSpec {
  name: string;
  version: string;
  /** values.yaml as data. */
  values?: Record<string, unknown>;
  /** File path inside the chart (templates/x.yaml, crds/y.yaml, values-extra.yaml, …) → text. */
  files?: Record<string, string>;
}

/** Runs helm with a private home (config, cache, data) under `home`; rejects with helm's error. */
export function runHelm(home: string, args: string[]): Promise<string> {
  const env = {
    ...process.env,
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
  };
  return new Promise((resolve, reject) => {
    execFile(findHelm(), args, { env, timeout: 60_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`helm ${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout),
    );
  });
}

/** Writes a chart folder and packages it into `destination`; returns the archive's path. */
export async function packageChart(work: string, spec: ChartSpec, destination: string): Promise<string> {
  const dir = join(work, 'src', `${spec.name}-${spec.version}`, spec.name);
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(join(dir, 'Chart.yaml'), stringify({ apiVersion: 'v2', name: spec.name, version: spec.version, type: 'application' }));
  writeFileSync(join(dir, 'values.yaml'), stringify(spec.values ?? {}));
  for (const [path, text] of Object.entries(spec.files ?? {})) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  mkdirSync(destination, { recursive: true });
  await runHelm(join(work, 'helm'), ['package', dir, '--destination', destination]);
  return join(destination, `${spec.name}-${spec.version}.tgz`);
}

export interface ChartRepository {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Requests served per path (`/index.yaml`, `/app-0.1.0.tgz`). */
  requests: Map<string, number>;
  stop(): Promise<void>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A Helm repository over HTTP holding the charts: `helm package` + `helm repo index` + a static server. */
export async function startChartRepository(charts: ChartSpec[]): Promise<ChartRepository> {
  const work = mkdtempSync(join(tmpdir(), 'slipway-chart-repo-'));
  const root = join(work, 'repo');
  const requests = new Map<string, number>();
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    requests.set(path, (requests.get(path) ?? 0) + 1);
    try {
      const body = readFileSync(join(root, path));
      response.writeHead(200, { 'content-type': path.endsWith('.yaml') ? 'text/yaml' : 'application/gzip' }).end(body);
    } catch {
      response.writeHead(404).end('not found');
    }
  });
  const url = `http://127.0.0.1:${await listen(server)}`;
  try {
    for (const chart of charts) await packageChart(work, chart, root);
    await runHelm(join(work, 'helm'), ['repo', 'index', root, '--url', url]);
  } catch (error) {
    await close(server);
    rmSync(work, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    requests,
    async stop() {
      await close(server);
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** Pushes the charts to an OCI registry on loopback (`oci://<host>/<path>/<name>:<version>`). */
export async function pushCharts(host: string, path: string, charts: ChartSpec[]): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'slipway-chart-push-'));
  try {
    for (const chart of charts) {
      const archive = await packageChart(work, chart, join(work, 'packages'));
      await runHelm(join(work, 'helm'), ['push', archive, `oci://${host}/${path}`, '--plain-http']);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** A server on loopback that accepts connections and never answers: for timeouts. */
export async function startSilentServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const server = createServer(() => undefined);
  const url = `http://127.0.0.1:${await listen(server)}`;
  return { url, stop: () => close(server) };
}
