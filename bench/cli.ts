/**
 * `npm run bench:cli`: start-up of the bundled `slipway` CLI (the package's bin,
 * actions/cli/dist/slipway.js) against bare Node in the same run: `node -e 0`, `slipway --version`
 * and a one-file `set-image`, interleaved so a shared machine's drift hits all three alike.
 * Writes bench/results-cli.json. Target: each within 0.25 s of bare Node (median of per-run differences).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'actions', 'cli', 'dist', 'slipway.js');
const fixture = join(root, 'actions', 'test-support', 'fixtures', 'layouts', 'flux', 'search.yaml');
const iterations = Math.min(Number(process.env['BENCH_ITERATIONS'] ?? 15), 100);
const targetMs = 250;
const digest = `sha256:${'cd'.repeat(32)}`;

const round = (value: number): number => Math.round(value * 10) / 10;
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const stats = (values: number[]): { median: number; min: number; max: number } => ({
  median: round(median(values)),
  min: round(Math.min(...values)),
  max: round(Math.max(...values)),
});

function timed(args: string[], cwd: string): number {
  const start = performance.now();
  execFileSync(process.execPath, args, { cwd, stdio: 'ignore' });
  return performance.now() - start;
}

const folder = mkdtempSync(join(tmpdir(), 'slipway-bench-cli-'));
const runs = { bareNodeMs: [] as number[], versionMs: [] as number[], setImageMs: [] as number[] };
try {
  for (let run = 0; run <= iterations; run += 1) {
    copyFileSync(fixture, join(folder, 'search.yaml'));
    const tag = `1.${run}.0`;
    const bare = timed(['-e', '0'], folder);
    const version = timed([bin, '--version'], folder);
    const setImage = timed(
      [bin, 'set-image', 'search.yaml', `registry.example.com/shop/search=registry.example.com/shop/search:${tag}@${digest}`],
      folder,
    );
    if (run === 0) continue; // warm-up: file-system caches
    runs.bareNodeMs.push(bare);
    runs.versionMs.push(version);
    runs.setImageMs.push(setImage);
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}

const overhead = (values: number[]): number => round(median(values.map((value, index) => value - (runs.bareNodeMs[index] ?? 0))));
const results = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  loadAverage: loadavg().map((value) => Math.round(value * 10) / 10),
  iterations,
  bareNodeMs: stats(runs.bareNodeMs),
  versionMs: stats(runs.versionMs),
  setImageMs: stats(runs.setImageMs),
  overheadMs: { version: overhead(runs.versionMs), setImage: overhead(runs.setImageMs) },
  targets: { overheadMs: targetMs },
  met: { version: overhead(runs.versionMs) <= targetMs, setImage: overhead(runs.setImageMs) <= targetMs },
  note: 'Wall time of a fresh node process per call; overhead is the median of per-run differences from `node -e 0` measured in the same run. set-image rewrites one Flux Kustomization file (a fresh copy each run).',
};
writeFileSync(join(root, 'bench', 'results-cli.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(
  `node -e 0 ${results.bareNodeMs.median} ms; slipway --version ${results.versionMs.median} ms (+${results.overheadMs.version}); set-image one file ${results.setImageMs.median} ms (+${results.overheadMs.setImage}); target +${targetMs} ms`,
);
