/**
 * Verification of a promotion, in order: Argo CD has synced the promoted GitOps commit and reports
 * Healthy; the new versions meet their SLOs over a soak window; every service gets a deployment
 * annotation in Grafana. A failed check fails the verification and, when asked, rolls the
 * environment back with one GitOps commit. The steps come in as functions so the action, the CLI
 * and the tests wire them to real or local endpoints.
 */
import type { WaitResult } from './argo-sync-check.ts';
import type { DeploymentMark } from './grafana-annotation.ts';
import type { SoakResult, VersionUnderTest } from './slo-check.ts';

export interface VerifySteps {
  environment: string;
  /** The promoted GitOps commit. */
  commit: string;
  /** The services and the versions they should now run. */
  targets: readonly VersionUnderTest[];
  waitForSync(): Promise<WaitResult>;
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
  /** Which check decided: sync, slo, or passed. */
  stage: 'sync' | 'slo' | 'passed';
  reason: string;
  sync: WaitResult;
  slo?: SoakResult;
  annotationIds: number[];
  rollbackCommit?: string;
}

export async function verifyPromotion(steps: VerifySteps): Promise<VerifyResult> {
  const now = steps.now ?? Date.now;
  steps.log(`Waiting for Argo CD to sync ${steps.commit.slice(0, 12)} in ${steps.environment} and report Healthy`);
  const sync = await steps.waitForSync();
  let slo: SoakResult | undefined;
  let stage: VerifyResult['stage'] = 'passed';
  let reason = '';
  if (!sync.ok) {
    stage = 'sync';
    reason = sync.reason;
  } else if (steps.soak) {
    steps.log(`Synced and Healthy after ${Math.round(sync.waitedMs / 1000)}s; checking the SLOs of ${steps.targets.map((t) => `${t.service} ${t.version}`).join(', ')}`);
    slo = await steps.soak();
    if (!slo.ok) {
      stage = 'slo';
      reason = slo.reason;
    } else if (slo.reason) steps.warn(slo.reason);
  } else {
    steps.warn('no Prometheus given: the SLO check was skipped');
  }
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
    steps.log(rollbackCommit ? `Rolled back with GitOps commit ${rollbackCommit}` : 'Rollback changed nothing: the environment already runs its previous release');
  }
  return { ok, stage, reason, sync, ...(slo ? { slo } : {}), annotationIds, ...(rollbackCommit ? { rollbackCommit } : {}) };
}

export class VerifyInputError extends Error {
  override name = 'VerifyInputError';
}

/**
 * The services and versions to check, from the promote action's `services` output (a JSON array of
 * {service, to: {tag}}) or lines / commas of `service=version`.
 */
export function parseVerifyTargets(text: string, where = 'services'): VersionUnderTest[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const servicePattern = /^[a-z0-9][a-z0-9-]{0,62}$/;
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      throw new VerifyInputError(`${where}: not valid JSON (${(error as Error).message}); give the promote action's services output or service=version lines`, { cause: error });
    }
    return (parsed as unknown[]).map((entry, index) => {
      const record = entry as { service?: unknown; version?: unknown; to?: { tag?: unknown }; sourceCommit?: unknown; commit?: unknown };
      const service = record.service;
      const version = record.version ?? record.to?.tag;
      if (typeof service !== 'string' || !servicePattern.test(service) || typeof version !== 'string' || version === '') {
        throw new VerifyInputError(`${where}[${index}]: needs "service" and "to.tag" (or "version") strings`);
      }
      // A full commit SHA picks the pods exactly; the placeholder of hand-promoted images (zeros) does not.
      const commit = record.commit ?? record.sourceCommit;
      const known = typeof commit === 'string' && /^[0-9a-f]{40}$/i.test(commit) && !/^0+$/.test(commit);
      return { service, version, ...(known ? { commit } : {}) };
    });
  }
  return trimmed
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [service = '', version = ''] = line.split('=').map((part) => part.trim());
      if (!servicePattern.test(service) || version === '') throw new VerifyInputError(`${where}: '${line}' is not service=version`);
      return { service, version };
    });
}
