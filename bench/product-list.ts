/**
 * `npm run bench`: the product list under load, against a bare Express server returning the
 * same JSON, both measured in this run on this machine. Writes bench/results.json.
 *
 * Targets: throughput at least 0.7× the bare server's; p99 under 25 ms at 500 requests/s.
 * Both servers run as child processes so the load generator does not share their event loop.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { freePort } from '../app-repo/gateway/src/shop.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const path = '/api/products?page=1&pageSize=12';

async function waitFor(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within 60 s`);
}

function startNode(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function load(url: string, options: { connections: number; overallRate?: number }) {
  // A short warm-up so JIT and caches are settled before measuring.
  await autocannon({ url, connections: options.connections, duration: 1 });
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: seconds,
    ...(options.overallRate ? { overallRate: options.overallRate } : {}),
  });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    requests: result.requests.total,
  };
}

const productPort = await freePort();
const barePort = await freePort();
const product = startNode(['app-repo/services/product/src/main.ts'], {
  HOST: '127.0.0.1',
  PORT: String(productPort),
  DATA_DIR: 'memory://',
  LOG_LEVEL: 'info',
});
const productUrl = `http://127.0.0.1:${productPort}${path}`;
try {
  await waitFor(productUrl, product);
  const sameJson = await (await fetch(productUrl)).text();
  const bareSource = `
    import express from 'express';
    const body = JSON.parse(process.env.BODY);
    const app = express();
    app.get('/api/products', (_req, res) => { res.json(body); });
    app.listen(Number(process.env.PORT), '127.0.0.1');
  `;
  const bare = spawn(process.execPath, ['--input-type=module', '-e', bareSource], {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(barePort), BODY: sameJson },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const bareUrl = `http://127.0.0.1:${barePort}${path}`;
  try {
    await waitFor(bareUrl, bare);
    const throughput = { product: await load(productUrl, { connections: 50 }), bare: await load(bareUrl, { connections: 50 }) };
    const at500 = {
      product: await load(productUrl, { connections: 20, overallRate: 500 }),
      bare: await load(bareUrl, { connections: 20, overallRate: 500 }),
    };
    const ratio = Math.round((throughput.product.requestsPerSecond / throughput.bare.requestsPerSecond) * 100) / 100;
    const results = {
      when: new Date().toISOString(),
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
      endpoint: path,
      secondsPerRun: seconds,
      throughput,
      at500RequestsPerSecond: at500,
      throughputRatio: ratio,
      targets: {
        throughputRatio: { want: '>= 0.7', got: ratio, met: ratio >= 0.7 },
        p99At500: { want: '< 25 ms', got: at500.product.p99Ms, met: at500.product.p99Ms < 25 },
        noErrors: {
          want: 0,
          got: throughput.product.errors + throughput.product.non2xx + at500.product.errors + at500.product.non2xx,
          met: throughput.product.errors + throughput.product.non2xx + at500.product.errors + at500.product.non2xx === 0,
        },
      },
    };
    writeFileSync(new URL('results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
    console.log(
      `product list: ${throughput.product.requestsPerSecond} req/s vs bare Express ${throughput.bare.requestsPerSecond} req/s (×${ratio}); p99 at 500 req/s: ${at500.product.p99Ms} ms (bare ${at500.bare.p99Ms} ms)`,
    );
    for (const [name, target] of Object.entries(results.targets))
      console.log(`${target.met ? 'met ' : 'MISSED'} ${name}: want ${target.want}, got ${target.got}`);
    process.exitCode = Object.values(results.targets).every((t) => t.met) ? 0 : 1;
  } finally {
    bare.kill('SIGTERM');
  }
} finally {
  product.kill('SIGTERM');
}
