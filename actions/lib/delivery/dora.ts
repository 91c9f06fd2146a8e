/**
 * The four DORA delivery metrics of each environment, decided from its GitOps history alone: the
 * commits that changed `environments/<env>/`, with the trailers every promotion and rollback
 * writes (lib/promotion/record.ts), and the commit time of each recorded source commit.
 *
 * - deployment frequency: promotions (not rollbacks) committed in the window, and per week;
 * - lead time: from a source commit's commit time to the promotion that shipped it, for promotions
 *   no rollback undid (a failed verification rolls its promotion back, so what stayed is what
 *   verified); one sample per distinct source commit of the promotion's images;
 * - change failure rate: promotions of the window undone by a rollback (committed up to the end of
 *   the window) over promotions of the window;
 * - time to restore: from the undone promotion's commit to the rollback's commit.
 *
 * What the history cannot tell is counted as unknown, never guessed: commits without the
 * trailers (hand-written), a source commit that is missing, a placeholder or not in the
 * repository, a rollback whose undone commit is not in the history.
 */
import type { PromotionRecord } from '../promotion/record.ts';

export interface EnvironmentCommit {
  commit: string;
  /** ISO 8601 commit time. */
  committedAt: string;
  /** Absent: the commit changed the environment without Slipway's trailers. */
  record?: PromotionRecord;
}

export interface DoraWindow {
  since: Date;
  until: Date;
}

export interface Duration {
  /** Seconds, nearest-rank percentiles over the measured samples; absent when none was measured. */
  median?: number;
  p90?: number;
  measured: number;
  unknown: number;
}

export interface EnvironmentMetrics {
  environment: string;
  deployments: number;
  deploymentsPerWeek: number;
  rollbacks: number;
  failedDeployments: number;
  /** failedDeployments / deployments; absent without deployments. */
  changeFailureRate?: number;
  leadTime: Duration;
  timeToRestore: Duration;
  /** Commits of the window that changed the environment without Slipway's trailers. */
  unrecordedCommits: number;
}

const fullSha = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const week = 7 * 24 * 3600 * 1000;

/** The nearest-rank percentile (p in 1..100) of ascending `sorted`: the value at rank ceil(p/100 * n). */
export function nearestRank(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

function duration(samples: number[], unknown: number): Duration {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = nearestRank(sorted, 50);
  const p90 = nearestRank(sorted, 90);
  return { ...(median === undefined ? {} : { median }), ...(p90 === undefined ? {} : { p90 }), measured: sorted.length, unknown };
}

const seconds = (from: string, to: string): number => (Date.parse(to) - Date.parse(from)) / 1000;

/** The source commits a promotion shipped: its images' own, else the release's. */
function shippedSources(record: PromotionRecord): string[] {
  const sources = record.images.length > 0 ? record.images.map((image) => image.sourceCommit) : [record.sourceCommit];
  return [...new Set(sources)];
}

function leadTimes(shipped: readonly EnvironmentCommit[], sourceTimes: ReadonlyMap<string, string>): Duration {
  const samples: number[] = [];
  let unknown = 0;
  for (const deployment of shipped) {
    for (const source of shippedSources(deployment.record as PromotionRecord)) {
      const sourceTime = fullSha.test(source) ? sourceTimes.get(source) : undefined;
      const lead = sourceTime === undefined ? Number.NaN : seconds(sourceTime, deployment.committedAt);
      if (Number.isNaN(lead) || lead < 0) unknown += 1;
      else samples.push(lead);
    }
  }
  return duration(samples, unknown);
}

/** The metrics of one environment; `history` is every commit that changed it (any order). */
export function environmentMetrics(
  environment: string,
  history: readonly EnvironmentCommit[],
  sourceTimes: ReadonlyMap<string, string>,
  window: DoraWindow,
): EnvironmentMetrics {
  const inWindow = (entry: EnvironmentCommit): boolean => {
    const time = Date.parse(entry.committedAt);
    return time >= window.since.getTime() && time <= window.until.getTime();
  };
  const upToEnd = history.filter((entry) => Date.parse(entry.committedAt) <= window.until.getTime());
  const byCommit = new Map(upToEnd.map((entry) => [entry.commit, entry]));
  const undoneBy = new Map(upToEnd.flatMap((entry) => (entry.record?.rollsBack ? [[entry.record.rollsBack, entry] as const] : [])));
  const recent = history.filter(inWindow);
  const deployments = recent.filter((entry) => entry.record && !entry.record.rollsBack);
  const rollbacks = recent.filter((entry) => entry.record?.rollsBack);
  const failed = deployments.filter((entry) => undoneBy.has(entry.commit));
  const restores: number[] = [];
  let restoreUnknown = 0;
  for (const rollback of rollbacks) {
    const undone = byCommit.get(rollback.record?.rollsBack ?? '');
    if (undone) restores.push(seconds(undone.committedAt, rollback.committedAt));
    else restoreUnknown += 1;
  }
  const weeks = (window.until.getTime() - window.since.getTime()) / week;
  return {
    environment,
    deployments: deployments.length,
    deploymentsPerWeek: weeks > 0 ? deployments.length / weeks : 0,
    rollbacks: rollbacks.length,
    failedDeployments: failed.length,
    ...(deployments.length > 0 ? { changeFailureRate: failed.length / deployments.length } : {}),
    leadTime: leadTimes(
      deployments.filter((entry) => !undoneBy.has(entry.commit)),
      sourceTimes,
    ),
    timeToRestore: duration(restores, restoreUnknown),
    unrecordedCommits: recent.filter((entry) => !entry.record).length,
  };
}

/** Every full source commit id the histories' promotions record (to look their times up). */
export function recordedSourceCommits(histories: Iterable<readonly EnvironmentCommit[]>): string[] {
  const commits = new Set<string>();
  for (const history of histories)
    for (const entry of history)
      for (const source of entry.record ? shippedSources(entry.record) : []) if (fullSha.test(source)) commits.add(source);
  return [...commits].sort();
}
