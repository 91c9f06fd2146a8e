/**
 * `npm run bench:cli`: start-up of the bundled `slipway` CLI (the package's bin,
 * actions/cli/dist/slipway.js and the chunks it imports) against bare Node in the same run: `node -e 0`,
 * `slipway --version` and a one-file `set-image`, interleaved so a shared machine's drift hits all three
 * alike. Each call is timed by bash's `time` (wall, and user + system CPU from the kernel's accounting:
 * on a busy machine the CPU time still shows what start-up costs when the wall time waits for a core).
 * Writes bench/results-cli.json. Target: each within 0.25 s of bare Node in wall time (median of the
 * per-run differences).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'actions', 'cli', 'dist', 'slipway.js');
const fixture = join(root, 'actions', 'test-support', 'fixtures', 'layouts', 'flux', 'search.yaml');
const iterations = Math.min(Number(process.env['BENCH_ITERATIONS'] ?? 15), 100);
const targetMs = 250;
const digest = `sha256:${'cd'.repeat(32)}`;

interface Timing {
  wall: number;
  cpu: number;
}
type Call = 'bareNode' | 'version' | 'setImage';

const round = (value: number): number => Math.round(value * 10) / 10;
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const stats = (values: number[]): { median: number; min: number; max: number } => ({
  median: round(median(values)),
  min: round(Math.min(...values)),
  max: round(Math.max(...values)),
});

/** One node process, timed by bash's `time` (milliseconds); its stderr passes through, a failure throws. */
function timed(args: string[], cwd: string): Timing {
  const script = 'TIMEFORMAT="%3R %3U %3S"; { time "$@" >/dev/null 2>&3; } 3>&2 2>&1';
  const output = execFileSync('bash', ['-c', script, 'bench', process.execPath, ...args], { cwd, encoding: 'utf8' });
  const [real, user, system] = output.trim().split(/\s+/).map(Number);
  if (real === undefined || user === undefined || system === undefined || [real, user, system].some(Number.isNaN))
    throw new Error(`bash time printed '${output.trim()}', expected "real user sys" in seconds`);
  return { wall: real * 1000, cpu: (user + system) * 1000 };
}

const folder = mkdtempSync(join(tmpdir(), 'slipway-bench-cli-'));
const runs: Record<Call, Timing[]> = { bareNode: [], version: [], setImage: [] };
try {
  for (let run = 0; run <= iterations; run += 1) {
    copyFileSync(fixture, join(folder, 'search.yaml'));
    const reference = `registry.example.com/shop/search:1.${run}.0@${digest}`;
    const bare = timed(['-e', '0'], folder);
    const version = timed([bin, '--version'], folder);
    const setImage = timed([bin, 'set-image', 'search.yaml', `registry.example.com/shop/search=${reference}`], folder);
    if (run === 0) continue; // warm-up: file-system caches
    runs.bareNode.push(bare);
    runs.version.push(version);
    runs.setImage.push(setImage);
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}

const measure = (call: Call, what: keyof Timing): number[] => runs[call].map((timing) => timing[what]);
/** Median of the per-run differences from `node -e 0` in the same iteration. */
const overhead = (call: Call, what: keyof Timing): number =>
  round(median(runs[call].map((timing, index) => timing[what] - (runs.bareNode[index]?.[what] ?? 0))));

const results = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  loadAverage: loadavg().map((value) => round(value)),
  iterations,
  wallMs: {
    bareNode: stats(measure('bareNode', 'wall')),
    version: stats(measure('version', 'wall')),
    setImage: stats(measure('setImage', 'wall')),
  },
  cpuMs: {
    bareNode: stats(measure('bareNode', 'cpu')),
    version: stats(measure('version', 'cpu')),
    setImage: stats(measure('setImage', 'cpu')),
  },
  overheadMs: {
    wall: { version: overhead('version', 'wall'), setImage: overhead('setImage', 'wall') },
    cpu: { version: overhead('version', 'cpu'), setImage: overhead('setImage', 'cpu') },
  },
  targets: { wallOverheadMs: targetMs },
  met: { version: overhead('version', 'wall') <= targetMs, setImage: overhead('setImage', 'wall') <= targetMs },
  note: 'A fresh node process per call. Overhead: the median of per-run differences from `node -e 0` measured in the same iteration; wall is what a caller waits, cpu is user + system time of the process. set-image rewrites one Flux Kustomization file (a fresh copy each run).',
};
writeFileSync(join(root, 'bench', 'results-cli.json'), `${JSON.stringify(results, null, 2)}\n`);
const line = (name: string, call: 'version' | 'setImage'): string =>
  `${name} ${results.wallMs[call].median} ms (+${results.overheadMs.wall[call]}; cpu +${results.overheadMs.cpu[call]})`;
console.log(
  `node -e 0 ${results.wallMs.bareNode.median} ms (cpu ${results.cpuMs.bareNode.median}); ${line('slipway --version', 'version')}; ${line('set-image one file', 'setImage')}`,
);
console.log(
  `target: within +${targetMs} ms of node -e 0 (wall, median): --version ${results.met.version ? 'met' : 'NOT met'}, set-image ${results.met.setImage ? 'met' : 'NOT met'}; load average ${results.loadAverage.join(' ')} on ${results.cpus} cpu(s) (bench/results-cli.json)`,
);
