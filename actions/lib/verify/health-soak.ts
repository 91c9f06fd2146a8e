/**
 * Does an Application stay Healthy through the soak window once Argo CD deployed the promoted
 * commit? `soakHealth` reads every Application each interval until the window ends and fails at the
 * first read that is not Healthy, with one exception (`hpaScaleOut`): an HPA scaling a Deployment
 * out makes the Deployment, and so the Application, Progressing for a while; that is load, not a
 * broken release.
 */
import type { ApplicationReadError, ArgoApplication } from './argo-sync-check.ts';
import type { Polling } from './polling.ts';

type Resource = NonNullable<NonNullable<ArgoApplication['status']>['resources']>[number];

/**
 * Whether a Progressing Application is only an HPA scaling out. Read after the rollout of the
 * promoted revision was seen Healthy (so the pod template has not changed since): every resource
 * that is not Healthy is a Deployment reporting Progressing, an HorizontalPodAutoscaler of the same
 * namespace and name is among the Application's resources (the shop chart names its HPA like its
 * Deployment, app-repo/charts/shop/templates/hpa.yaml), and the Deployment's message is not the one
 * of a rollout replacing pods. Argo CD's Deployment health (argoproj/argo-cd v3.3.8,
 * gitops-engine/pkg/health/health_deployment.go) says "Waiting for rollout to finish: N old replicas
 * are pending termination..." only while an older ReplicaSet still has pods; a scale-out shows a new
 * generation, "N out of M new replicas have been updated" or "N of M updated replicas are available".
 */
export function hpaScaleOut(app: ArgoApplication): boolean {
  const status = app.status ?? {};
  if (status.health?.status !== 'Progressing') return false;
  const resources = status.resources ?? [];
  const unhealthy = resources.filter((r) => r.health?.status !== undefined && r.health.status !== 'Healthy');
  const scaled = (r: Resource): boolean =>
    r.kind === 'Deployment' &&
    r.health?.status === 'Progressing' &&
    !/old replicas are pending termination/.test(r.health.message ?? '') &&
    resources.some((h) => h.kind === 'HorizontalPodAutoscaler' && h.name === r.name && h.namespace === r.namespace);
  return unhealthy.length > 0 && unhealthy.every(scaled);
}

export interface HealthSoakOptions extends Polling {
  applications: readonly string[];
  read(name: string): Promise<ArgoApplication>;
  soakMs: number;
}

export interface HealthSoakResult {
  ok: boolean;
  /** Why it failed (empty when ok). */
  reason: string;
  soakedMs: number;
}

function describe(app: ArgoApplication): string {
  const status = app.status ?? {};
  const broken = (status.resources ?? []).filter((r) => r.health?.status !== undefined && r.health.status !== 'Healthy');
  const detail = broken.map(
    (r) => `${r.kind ?? '?'} ${r.name ?? '?'}: ${r.health?.status}${r.health?.message ? ` (${r.health.message})` : ''}`,
  );
  return `${status.health?.status ?? 'Unknown'}${detail.length > 0 ? `: ${detail.join('; ')}` : status.health?.message ? `: ${status.health.message}` : ''}`;
}

/** Reads the Applications every interval for `soakMs`; the first one not Healthy (nor scaling out) fails the soak. */
export async function soakHealth(options: HealthSoakOptions): Promise<HealthSoakResult> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const started = now();
  const scaling = new Set<string>();
  for (;;) {
    const elapsed = now() - started;
    for (const name of options.applications) {
      let app: ArgoApplication;
      try {
        app = await options.read(name);
      } catch (error) {
        const code = (error as ApplicationReadError).statusCode;
        if (code === 401 || code === 403 || code === 404)
          return { ok: false, reason: `${name}: ${(error as Error).message}`, soakedMs: elapsed };
        continue; // a passing network error says nothing about health
      }
      const health = app.status?.health?.status;
      if (health === 'Healthy') {
        if (scaling.delete(name)) options.log(`[${Math.round(elapsed / 1000)}s] ${name}: Healthy again after scaling out`);
        continue;
      }
      if (hpaScaleOut(app)) {
        if (!scaling.has(name)) options.log(`[${Math.round(elapsed / 1000)}s] ${name}: Progressing, an HPA scaling out (${describe(app)})`);
        scaling.add(name);
        continue;
      }
      return {
        ok: false,
        reason: `${name}: health went ${describe(app)} after ${Math.round(elapsed / 1000)}s of the ${Math.round(options.soakMs / 1000)}s soak`,
        soakedMs: elapsed,
      };
    }
    if (elapsed >= options.soakMs) return { ok: true, reason: '', soakedMs: elapsed };
    await sleep(Math.min(options.intervalMs, options.soakMs - elapsed));
  }
}
