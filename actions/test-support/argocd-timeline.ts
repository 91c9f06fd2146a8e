/**
 * Test support: Argo CD picking up a promotion commit, as the Kubernetes API stand-in serves it over
 * time (a function for `KubernetesApiServer.set`). Argo CD notices the commit either at its next poll
 * of the repository (`polledAt`; by default up to three minutes after the commit, argocd-cm's
 * timeout.reconciliation 120s plus up to 60s of timeout.reconciliation.jitter in argoproj/argo-cd
 * v3.3.8 docs/operator-manual/argocd-cm.yaml; here scaled down) or as soon as the
 * controller handled a refresh request (`refreshedAt`), whichever is first. Then, as Argo CD v3.3.8
 * writes the status (pkg/apis/application/v1alpha1/types.go): a Running sync operation of the
 * revision (startedAt), health still the Healthy of the old release; the operation Succeeded
 * (finishedAt) with health Progressing and no reconcile after it yet; finally reconciledAt after
 * finishedAt and Healthy. Times are whole seconds, as metav1.Time serializes them.
 */
import type { ArgoApplication } from '../lib/verify/argo-sync-check.ts';
import { argoApplication, deployedStatus } from './kubernetes-api.ts';
import type { ArgoCdView } from './kubernetes-api.ts';

export interface PickupTimeline {
  /** The revision deployed before, and the promoted one. */
  previous: string;
  revision: string;
  /** When the promotion commit was made (ms since the epoch). */
  committedAt: number;
  /** When Argo CD's own poll notices the commit (ms since the epoch). */
  polledAt: number;
  /** How long the sync operation runs. */
  syncMs: number;
  /** After the operation finished, how long until Argo CD reassesses health (Healthy). */
  healthyAfterMs: number;
}

/** Whole seconds, RFC 3339, as Kubernetes writes metav1.Time. */
const stamp = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** When Argo CD starts syncing the promoted revision: its poll, or the handled refresh if that came first. */
function pickupAt(timeline: PickupTimeline, refreshedAt: number | undefined): number {
  const { polledAt } = timeline;
  return refreshedAt !== undefined && refreshedAt >= timeline.committedAt ? Math.min(polledAt, refreshedAt) : polledAt;
}

export function pickupTimeline(name: string, timeline: PickupTimeline): (reads: number, argo: ArgoCdView) => ArgoApplication {
  return (_reads, { now, refreshedAt }) => {
    const started = pickupAt(timeline, refreshedAt);
    const finished = started + timeline.syncMs;
    // At least a second later: reconciledAt must read later than finishedAt in whole seconds.
    const reassessed = finished + Math.max(timeline.healthyAfterMs, 1000);
    const { revision } = timeline;
    if (now < started)
      return argoApplication(name, deployedStatus(timeline.previous, 'Healthy', { startedAt: stamp(timeline.committedAt - 600_000) }));
    const operation = { operation: { sync: { revision } }, startedAt: stamp(started) };
    if (now < finished) {
      return argoApplication(name, {
        sync: { status: 'OutOfSync', revision },
        health: { status: 'Healthy' },
        reconciledAt: stamp(started),
        operationState: { ...operation, phase: 'Running', message: 'one or more tasks are running' },
      } as NonNullable<ArgoApplication['status']>);
    }
    return argoApplication(name, {
      sync: { status: 'Synced', revision },
      health: { status: now < reassessed ? 'Progressing' : 'Healthy' },
      reconciledAt: stamp(now < reassessed ? started : reassessed),
      operationState: {
        ...operation,
        phase: 'Succeeded',
        message: 'successfully synced (all tasks run)',
        finishedAt: stamp(finished),
        syncResult: { revision },
      },
    } as NonNullable<ArgoApplication['status']>);
  };
}

/**
 * A pickup timeline that also notes, on this clock, when the stand-in first answered the promoted
 * revision Synced and Healthy: the earliest moment a poll can have seen it ready.
 */
export function watchedPickupTimeline(
  name: string,
  timeline: PickupTimeline,
): { serve: (reads: number, argo: ArgoCdView) => ArgoApplication; firstHealthyServedAt: () => number | undefined } {
  const serve = pickupTimeline(name, timeline);
  let firstHealthyServedAt: number | undefined;
  return {
    serve: (reads, argo) => {
      const app = serve(reads, argo);
      const { sync, health } = app.status ?? {};
      if (sync?.status === 'Synced' && sync.revision === timeline.revision && health?.status === 'Healthy')
        firstHealthyServedAt ??= argo.now;
      return app;
    },
    firstHealthyServedAt: () => firstHealthyServedAt,
  };
}
