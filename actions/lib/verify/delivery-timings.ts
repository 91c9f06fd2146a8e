/**
 * How fast a promotion reached the cluster, per Application: from the promotion commit (its
 * committer time) to the start of the sync that deployed it (the operation's startedAt) and to the
 * first read of Healthy once Argo CD had reassessed health after that sync (the wait's readyAt).
 * Three clocks meet here: the committer's (git, whole seconds), Argo CD's controller (whole seconds,
 * metav1.Time) and this one (the poll that saw Healthy, so up to one poll interval late). When Argo CD
 * deployed a later commit containing the promoted one, the sync is that commit's.
 */
import type { ApplicationOutcome } from './argo-sync-check.ts';

export interface DeliveryTiming {
  application: string;
  /** Seconds from the commit to the start of the sync operation that deployed it; absent until it ran. */
  commitToSyncStartSeconds?: number;
  /** Seconds from the commit to the first read of Healthy after the sync; absent until then. */
  commitToHealthySeconds?: number;
}

const seconds = (ms: number): number => Math.round(ms / 100) / 10;

export function deliveryTimings(committedAt: number, applications: readonly ApplicationOutcome[]): DeliveryTiming[] {
  return applications.map((outcome) => {
    const started = outcome.syncStartedAt ? Date.parse(outcome.syncStartedAt) : Number.NaN;
    return {
      application: outcome.name,
      ...(Number.isFinite(started) ? { commitToSyncStartSeconds: seconds(started - committedAt) } : {}),
      ...(outcome.readyAt === undefined ? {} : { commitToHealthySeconds: seconds(outcome.readyAt - committedAt) }),
    };
  });
}

/** One line per Application, for the log: "cart: commit → sync start 4s, → Healthy 31.2s". */
export function describeTimings(timings: readonly DeliveryTiming[]): string[] {
  const figure = (value: number | undefined): string => (value === undefined ? 'not reached' : `${value}s`);
  return timings.map(
    (t) => `${t.application}: commit → sync start ${figure(t.commitToSyncStartSeconds)}, → Healthy ${figure(t.commitToHealthySeconds)}`,
  );
}
