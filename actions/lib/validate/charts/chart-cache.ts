/**
 * Pulls charts from their repositories with `helm pull --version <v> --untar` into one cache
 * folder per run: each chart version is pulled once however many Applications install it,
 * at most a few helm processes run at once, each bounded by a timeout, and helm's own
 * configuration, cache and registry logins live in the cache folder (the user's are never
 * read or written). When a pull fails, the repository's published versions tell a missing
 * version (with the nearest ones that exist) from an unreachable repository.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPublished, nearestVersions, publishedVersions } from './chart-versions.ts';
import type { RemoteChart } from './remote-chart.ts';
import { helmPullArguments } from './remote-chart.ts';

export type PulledChart =
  { ok: true; chartDir: string } | { ok: false; rule: 'chart-version' | 'chart-repository' | 'chart-pull'; message: string; fix: string };

/** Helm processes one run starts at once. */
const parallelPulls = 4;

function where(chart: RemoteChart): string {
  return `chart ${chart.chart} ${chart.version} from ${chart.repoURL}`;
}

export class ChartCache {
  private readonly pulls = new Map<string, Promise<PulledChart>>();
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  private constructor(
    private readonly helm: string,
    private readonly folder: string,
    readonly timeoutMs: number,
  ) {}

  static async create(helm: string, timeoutMs: number): Promise<ChartCache> {
    return new ChartCache(helm, await mkdtemp(join(tmpdir(), 'slipway-charts-')), timeoutMs);
  }

  /** The chart unpacked in the cache, or why it cannot be pulled. */
  pull(chart: RemoteChart): Promise<PulledChart> {
    const key = JSON.stringify([chart.protocol, chart.repoURL, chart.reference, chart.version]);
    let pulled = this.pulls.get(key);
    if (!pulled) {
      pulled = this.limited(() => this.pullOnce(chart, join(this.folder, 'charts', String(this.pulls.size))));
      this.pulls.set(key, pulled);
    }
    return pulled;
  }

  /** Removes the cache folder. */
  async close(): Promise<void> {
    await Promise.allSettled(this.pulls.values());
    await rm(this.folder, { recursive: true, force: true });
  }

  private async limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= parallelPulls) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  private helmEnvironment(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      HELM_CACHE_HOME: join(this.folder, 'helm', 'cache'),
      HELM_CONFIG_HOME: join(this.folder, 'helm', 'config'),
      HELM_DATA_HOME: join(this.folder, 'helm', 'data'),
    };
  }

  private async pullOnce(chart: RemoteChart, destination: string): Promise<PulledChart> {
    await mkdir(destination, { recursive: true });
    const result = await new Promise<{ error?: string; timedOut?: boolean }>((resolve) => {
      execFile(
        this.helm,
        helmPullArguments(chart, destination),
        { env: this.helmEnvironment(), timeout: this.timeoutMs, killSignal: 'SIGKILL' },
        (error, _stdout, stderr) => {
          if (error?.killed) resolve({ timedOut: true });
          else if (error) resolve({ error: (stderr || error.message).trim().split('\n').slice(-2).join(' ') });
          else resolve({});
        },
      );
    });
    if (result.timedOut) {
      return {
        ok: false,
        rule: 'chart-repository',
        message: `helm pull of ${where(chart)} did not finish within ${this.timeoutMs / 1000} s`,
        fix: 'check that repoURL is the chart repository and that it answers',
      };
    }
    if (result.error === undefined) {
      // helm unpacks the chart into a folder named after it (and keeps a folder named like the archive).
      const folders = (await readdir(destination, { withFileTypes: true })).filter(
        (entry) => entry.isDirectory() && existsSync(join(destination, entry.name, 'Chart.yaml')),
      );
      if (folders.length === 1 && folders[0]) return { ok: true, chartDir: join(destination, folders[0].name) };
      return {
        ok: false,
        rule: 'chart-pull',
        message: `helm pull of ${where(chart)} unpacked ${folders.length} charts, not one`,
        fix: 'point the Application at a chart archive',
      };
    }
    return this.explainFailure(chart, result.error);
  }

  private async explainFailure(chart: RemoteChart, helmError: string): Promise<PulledChart> {
    const published = await publishedVersions(chart, this.timeoutMs);
    if (!published.ok) {
      return {
        ok: false,
        rule: 'chart-repository',
        message: `cannot read the repository of ${where(chart)}: ${published.error}`,
        fix: 'check repoURL (the chart repository, not a Git or web page address) and that the repository answers',
      };
    }
    if (published.versions.length === 0) {
      return {
        ok: false,
        rule: 'chart-version',
        message: `${chart.repoURL} publishes no chart named ${chart.chart}`,
        fix: "check the chart name and repoURL against the chart project's installation notes",
      };
    }
    if (!isPublished(published.versions, chart.version)) {
      const nearest = nearestVersions(published.versions, chart.version);
      return {
        ok: false,
        rule: 'chart-version',
        message: `chart ${chart.chart} version ${chart.version} is not published in ${chart.repoURL}; nearest published: ${nearest.join(', ')}`,
        fix: 'pin targetRevision to a published version (a Git tag of the chart project is not a release of the chart)',
      };
    }
    return {
      ok: false,
      rule: 'chart-pull',
      message: `helm pull of ${where(chart)} fails: ${helmError}`,
      fix: 'check the repository and the chart archive it serves',
    };
  }
}
