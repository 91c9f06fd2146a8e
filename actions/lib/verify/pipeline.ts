/**
 * Verification of a promotion, in order: Argo CD is asked to refresh the Applications (so the sync
 * starts now, not at its next poll); Argo CD has synced the promoted GitOps commit and reports
 * Healthy; the new versions meet their SLOs over a soak window; every service gets a deployment
 * annotation in Grafana. A failed check fails the verification and, when asked, rolls the
 * environment back with one GitOps commit. `verifyPromotion` takes the steps as functions (the
 * tests give their own); `verifyRelease` wires them, once for both shells, from the typed request
 * the verify action and `slipway verify` read (lib/shell/inputs/verify.ts) to the cluster,
 * Prometheus, Grafana and git.
 */
import { committerTime, laterCommitCheck } from '../git/commit-ancestry.ts';
import type { GitopsTargetOptions } from '../promotion/gitops-target.ts';
import { landPromotion } from '../shell/land-promotion.ts';
import { waitForApplications } from './argo-sync-check.ts';
import type { WaitResult } from './argo-sync-check.ts';
import { applicationReader, applicationRefresher, loadKubeConfig, requestRefresh } from './argocd-applications.ts';
import { deliveryTimings, describeTimings } from './delivery-timings.ts';
import type { DeliveryTiming } from './delivery-timings.ts';
import { soakHealth } from './health-soak.ts';
import type { HealthSoakResult } from './health-soak.ts';
import { postAnnotation } from './grafana-annotation.ts';
import type { DeploymentMark } from './grafana-annotation.ts';
import { serviceProxy } from './http-transport.ts';
import { prometheusScalarQuery, soak } from './slo-check.ts';
import type { SloObjectives, SoakResult, VersionUnderTest } from './slo-check.ts';

export interface VerifySteps {
  environment: string;
  /** The promoted GitOps commit. */
  commit: string;
  /** The services and the versions they should now run. */
  targets: readonly VersionUnderTest[];
  /** Absent: Argo CD picks the commit up at its next poll. Asks it to refresh the Applications; never fails. */
  refresh?: () => Promise<void>;
  waitForSync(): Promise<WaitResult>;
  /** Absent: no commit → sync figures. The promoted commit's committer time (ms), undefined when unknown here. */
  committedAt?: () => Promise<number | undefined>;
  /** Absent: no soak (a soak of 0). Health of the Applications through the soak window, read while the SLO check runs. */
  soakHealth?: () => Promise<HealthSoakResult>;
  /** Absent: no SLO check (no Prometheus given). */
  soak?: () => Promise<SoakResult>;
  /** Absent: no annotations (no Grafana given). */
  annotate?: (mark: DeploymentMark) => Promise<number>;
  /** Absent: a failure is only reported. Returns the rollback commit (undefined when nothing changed). */
  rollback?: () => Promise<string | undefined>;
  log(line: string): void;
  warn(line: string): void;
  now?: () => number;
  runUrl?: string;
  dashboardUid?: string;
}

export interface VerifyResult {
  ok: boolean;
  /** Which check decided: sync, soak (health during the soak window), slo, or passed. */
  stage: 'sync' | 'soak' | 'slo' | 'passed';
  reason: string;
  sync: WaitResult;
  /** Per Application, seconds from the promoted commit to sync start and to Healthy (absent: commit time unknown). */
  timings?: DeliveryTiming[];
  health?: HealthSoakResult;
  slo?: SoakResult;
  annotationIds: number[];
  rollbackCommit?: string;
}

export async function verifyPromotion(steps: VerifySteps): Promise<VerifyResult> {
  const now = steps.now ?? Date.now;
  steps.log(`Waiting for Argo CD to sync ${steps.commit.slice(0, 12)} in ${steps.environment} and report Healthy`);
  await steps.refresh?.();
  const sync = await steps.waitForSync();
  const timings = await commitTimings(steps, sync);
  const { stage, reason, health, slo } = sync.ok
    ? await soakWindow(steps, sync)
    : { stage: 'sync' as const, reason: sync.reason, health: undefined, slo: undefined };
  const ok = stage === 'passed';

  const annotationIds: number[] = [];
  if (steps.annotate) {
    for (const target of steps.targets) {
      try {
        annotationIds.push(
          await steps.annotate({
            environment: steps.environment,
            service: target.service,
            version: target.version,
            commit: steps.commit,
            outcome: ok ? 'passed' : 'failed',
            ...(reason ? { reason } : {}),
            time: now(),
            ...(steps.dashboardUid ? { dashboardUid: steps.dashboardUid } : {}),
            ...(steps.runUrl ? { runUrl: steps.runUrl } : {}),
          }),
        );
      } catch (error) {
        // A missing mark on a dashboard does not make a good release bad.
        steps.warn(error instanceof Error ? error.message : String(error));
      }
    }
  }

  let rollbackCommit: string | undefined;
  if (!ok && steps.rollback) {
    steps.log(`Verification failed (${stage}); rolling ${steps.environment} back to its previous release`);
    rollbackCommit = await steps.rollback();
    if (rollbackCommit) await steps.refresh?.();
    steps.log(
      rollbackCommit
        ? `Rolled back with GitOps commit ${rollbackCommit}`
        : 'Rollback changed nothing: the environment already runs its previous release',
    );
  }
  return {
    ok,
    stage,
    reason,
    sync,
    ...(timings ? { timings } : {}),
    ...(health ? { health } : {}),
    ...(slo ? { slo } : {}),
    annotationIds,
    ...(rollbackCommit ? { rollbackCommit } : {}),
  };
}

/** Commit → sync start and → Healthy per Application, logged; undefined (with a warning) when the commit time is unknown. */
async function commitTimings(steps: VerifySteps, sync: WaitResult): Promise<DeliveryTiming[] | undefined> {
  if (!steps.committedAt) return undefined;
  const committedAt = await steps.committedAt();
  if (committedAt === undefined) {
    steps.warn(
      `the promoted commit ${steps.commit.slice(0, 12)} is not in this checkout: commit → sync start and → Healthy are not reported`,
    );
    return undefined;
  }
  const timings = deliveryTimings(committedAt, sync.applications);
  for (const line of describeTimings(timings)) steps.log(line);
  return timings;
}

/** After the sync: the Applications stay Healthy through the soak window while the SLO check runs over it; health decides first. */
async function soakWindow(
  steps: VerifySteps,
  sync: WaitResult,
): Promise<{ stage: VerifyResult['stage']; reason: string; health: HealthSoakResult | undefined; slo: SoakResult | undefined }> {
  steps.log(
    `Synced and Healthy after ${Math.round(sync.waitedMs / 1000)}s; soaking ${steps.targets.map((t) => `${t.service} ${t.version}`).join(', ')}`,
  );
  if (!steps.soak) steps.warn('no Prometheus given: the SLO check was skipped');
  const [health, slo] = await Promise.all([steps.soakHealth?.(), steps.soak?.()]);
  if (health && !health.ok) return { stage: 'soak', reason: health.reason, health, slo };
  if (slo && !slo.ok) return { stage: 'slo', reason: slo.reason, health, slo };
  if (slo?.reason) steps.warn(slo.reason);
  return { stage: 'passed', reason: '', health, slo };
}

/** Everything a verification needs, read and checked by the input layer. */
export interface VerifyRequest {
  environment: string;
  /** The promoted GitOps commit. */
  commit: string;
  targets: VersionUnderTest[];
  /** Argo CD Applications to wait for. */
  applications: string[];
  /**
   * Whether to ask Argo CD to refresh them first (a patch of each Application). Off for an identity
   * that may only read them, such as the preview role: the sync then starts at Argo CD's next poll
   * or when the Application itself changes.
   */
  refresh: boolean;
  argocdNamespace: string;
  /** '' : KUBECONFIG, ~/.kube/config or the in-cluster account. */
  kubeconfig: string;
  timeoutMs: number;
  intervalMs: number;
  /** A runner-reachable URL, or a Service reached through the API server's proxy; absent: no SLO check. */
  prometheus?: { url: string; token: string } | { service: string; label: string; token: string };
  /** Namespace of the services (the metrics' namespace label). */
  namespace: string;
  soakMs: number;
  objectives: SloObjectives;
  grafana?: { url: string; token: string; dashboardUid?: string };
  /** Where a failed verification rolls back to; absent: it is only reported. */
  rollback?: GitopsTargetOptions;
  /** The checkout where the promoted commit's committer time is read (the workspace). */
  checkout: string;
  /** Where a later commit of the branch containing `commit` is looked for; absent: only `commit` itself counts. */
  laterCommits?: { checkout: string; remote: string };
  runUrl?: string;
}

/** Connects the request's steps to the cluster, Prometheus, Grafana and git, then verifies. */
export async function verifyRelease(
  request: VerifyRequest,
  io: { log(line: string): void; warn(line: string): void },
): Promise<VerifyResult> {
  const kubeConfig = loadKubeConfig(request.kubeconfig);
  const read = applicationReader(kubeConfig, request.argocdNamespace);
  const refresh = applicationRefresher(kubeConfig, request.argocdNamespace);
  if (!request.refresh)
    io.log(`Not asking Argo CD to refresh ${request.applications.join(', ')} (refresh off): they sync at its next poll`);
  const given = request.prometheus;
  const prometheus =
    given && ('url' in given ? { baseUrl: given.url, transport: undefined } : serviceProxy(kubeConfig, given.service, given.label));
  const { grafana, rollback, laterCommits } = request;
  return verifyPromotion({
    environment: request.environment,
    commit: request.commit,
    targets: request.targets,
    log: io.log,
    warn: io.warn,
    ...(request.runUrl ? { runUrl: request.runUrl } : {}),
    ...(grafana?.dashboardUid ? { dashboardUid: grafana.dashboardUid } : {}),
    ...(request.refresh ? { refresh: () => requestRefresh(request.applications, refresh, io) } : {}),
    committedAt: () => committerTime(request.checkout, request.commit),
    waitForSync: () =>
      waitForApplications({
        applications: request.applications,
        expected: request.commit,
        read,
        timeoutMs: request.timeoutMs,
        intervalMs: request.intervalMs,
        log: io.log,
        ...(laterCommits ? { containsCommit: laterCommitCheck(laterCommits.checkout, laterCommits.remote, request.commit) } : {}),
      }),
    ...(request.soakMs > 0
      ? {
          soakHealth: () =>
            soakHealth({
              applications: request.applications,
              read,
              soakMs: request.soakMs,
              intervalMs: request.intervalMs,
              log: io.log,
            }),
        }
      : {}),
    ...(prometheus && given
      ? {
          soak: () =>
            soak({
              query: prometheusScalarQuery(prometheus.baseUrl, given.token, prometheus.transport),
              targets: request.targets,
              namespace: request.namespace,
              objectives: request.objectives,
              soakMs: request.soakMs,
              intervalMs: request.intervalMs,
              log: io.log,
            }),
        }
      : {}),
    ...(grafana ? { annotate: (mark: DeploymentMark) => postAnnotation(grafana.url, grafana.token, mark) } : {}),
    ...(rollback
      ? {
          rollback: async () =>
            (await landPromotion({ environment: request.environment, target: rollback }, { source: { kind: 'rollback' }, log: io.log }))
              .commit,
        }
      : {}),
  });
}
