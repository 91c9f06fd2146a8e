/**
 * A real Prometheus (the `prometheus` binary on PATH; Debian's package) on 127.0.0.1 for tests:
 * a temporary config scraping the given targets every second with the labels the cluster's
 * ServiceMonitors give (namespace, service, job, pod, environment), optional rule files, a temporary
 * TSDB. Also a tiny exposition server whose metrics text a test sets.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ScrapeTarget {
  /** host:port serving /metrics. */
  address: string;
  labels: Record<string, string>;
  metricsPath?: string;
}

export interface PrometheusServer {
  url: string;
  /** Instant query; throws with Prometheus' error text when the query does not parse. */
  query(expr: string, time?: number): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  /** Waits until the query returns at least one series. */
  waitFor(expr: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolvePort(port));
    });
  });
}

function configText(targets: readonly ScrapeTarget[], ruleFiles: readonly string[]): string {
  // JSON is YAML: no YAML writer needed for a generated config.
  return JSON.stringify({
    global: { scrape_interval: '1s', scrape_timeout: '900ms', evaluation_interval: '1s' },
    rule_files: ruleFiles,
    scrape_configs: targets.map((target, index) => ({
      job_name: `target-${index}`,
      metrics_path: target.metricsPath ?? '/metrics',
      // kube-prometheus' ServiceMonitors keep the exporter's own labels only for kube-state-metrics.
      honor_labels: target.labels['job'] === 'kube-state-metrics',
      static_configs: [{ targets: [target.address], labels: target.labels }],
    })),
  });
}

export async function startPrometheus(targets: readonly ScrapeTarget[], ruleFiles: readonly string[] = []): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-prometheus-'));
  writeFileSync(join(dir, 'prometheus.yml'), configText(targets, ruleFiles));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`prometheus was not ready within 30 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  const query: PrometheusServer['query'] = async (expr, time) => {
    const body = new URLSearchParams({ query: expr, ...(time === undefined ? {} : { time: String(time) }) });
    const answer = await fetch(`${url}/api/v1/query`, { method: 'POST', body });
    const json = (await answer.json()) as { status: string; error?: string; data?: { resultType: string; result: unknown } };
    if (json.status !== 'success') throw new Error(`${json.error ?? answer.status} in: ${expr}`);
    const result = json.data?.result;
    if (json.data?.resultType === 'scalar') return [{ metric: {}, value: result as [number, string] }];
    return result as { metric: Record<string, string>; value: [number, string] }[];
  };
  return {
    url,
    query,
    async waitFor(expr, timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      while ((await query(expr)).length === 0) {
        if (Date.now() > until) throw new Error(`no series for ${expr} within ${timeoutMs / 1000} s`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ExpositionServer {
  address: string;
  /** Replace the metrics text served on /metrics. */
  set(text: string): void;
  stop(): Promise<void>;
}

/** Serves Prometheus text the test writes, for exporters that cannot run here. */
export async function startExpositionServer(initial = ''): Promise<ExpositionServer> {
  let text = initial;
  const server = createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    set: (next) => {
      text = next;
    },
    stop: () => new Promise((r) => server.close(() => r())),
  };
}

/**
 * The metrics of one pod of a shop service as the service kit exposes them (app_info and the HTTP
 * histogram), whose counters grow on each tick by the requests of the current error and slow shares.
 */
export class SimulatedServicePod {
  private ok = 0;
  private errors = 0;
  private slow = 0;
  constructor(
    readonly service: string,
    readonly version: string,
    readonly commit = 'c0ffee1',
  ) {}

  tick(seconds: number, perSecond: number, errorShare: number, slowShare: number): string {
    const requests = seconds * perSecond;
    this.errors += requests * errorShare;
    this.ok += requests * (1 - errorShare);
    this.slow += requests * slowShare;
    const total = Math.floor(this.ok) + Math.floor(this.errors);
    const route = `/api/${this.service}`;
    return [
      `app_info{service="${this.service}",version="${this.version}",commit="${this.commit}"} 1`,
      `http_request_duration_seconds_bucket{method="POST",route="${route}",status_code="201",le="0.5"} ${Math.max(0, total - Math.floor(this.slow))}`,
      `http_request_duration_seconds_bucket{method="POST",route="${route}",status_code="201",le="+Inf"} ${total}`,
      `http_request_duration_seconds_count{method="POST",route="${route}",status_code="201"} ${Math.floor(this.ok)}`,
      `http_request_duration_seconds_count{method="POST",route="${route}",status_code="503"} ${Math.floor(this.errors)}`,
      '',
    ].join('\n');
  }
}
