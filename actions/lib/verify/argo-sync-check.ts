/**
 * Has Argo CD deployed the promoted GitOps commit? One Application's status decides
 * ready / waiting / failed (`judgeApplication`); `waitForApplications` polls every Application of
 * an environment until all are ready, one fails, or the time is up, printing a progress line
 * whenever an Application's state changes.
 */
import type { Polling } from './polling.ts';

/**
 * The parts of an Argo CD Application (argoproj.io/v1alpha1) this check reads, as argoproj/argo-cd
 * v3.3.8 defines them in pkg/apis/application/v1alpha1/types.go: ApplicationStatus.reconciledAt
 * ("when the application state was reconciled using the latest git version"), OperationState
 * (phase, startedAt, finishedAt, syncResult) and SyncOperationResult.revision(s) ("the revision this
 * sync operation was performed to").
 */
export interface ArgoApplication {
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> };
  status?: {
    sync?: { status?: string; revision?: string; revisions?: string[] };
    health?: { status?: string; message?: string };
    reconciledAt?: string;
    operationState?: {
      /** The requested operation: a running sync names its revision here before syncResult exists. */
      operation?: { sync?: { revision?: string; revisions?: string[] } };
      phase?: string;
      message?: string;
      startedAt?: string;
      finishedAt?: string;
      syncResult?: { revision?: string; revisions?: string[] };
    };
    resources?: { kind?: string; namespace?: string; name?: string; status?: string; health?: { status?: string; message?: string } }[];
  };
}

export type Judgement =
  { state: 'ready'; revision: string } | { state: 'waiting'; reason: string; revision?: string } | { state: 'failed'; reason: string };

const short = (revision: string | undefined): string => (revision ? revision.slice(0, 12) : 'no revision yet');

/** Same commit: Argo reports full SHAs; the expected one may be abbreviated (at least 7 hex digits). */
export function sameRevision(reported: string | undefined, expected: string): boolean {
  return reported !== undefined && expected.length >= 7 && reported.toLowerCase().startsWith(expected.toLowerCase());
}

export function revisionsOf(record: { revision?: string; revisions?: string[] } | undefined): string[] {
  if (!record) return [];
  return [...(record.revisions ?? []), ...(record.revision ? [record.revision] : [])];
}

/** The resources that make the Application Degraded, for the failure reason. */
function degradedResources(app: ArgoApplication): string {
  const broken = (app.status?.resources ?? []).filter(
    (resource) => resource.health?.status === 'Degraded' || resource.health?.status === 'Missing',
  );
  return broken
    .map(
      (r) =>
        `${r.kind ?? '?'} ${r.namespace ? `${r.namespace}/` : ''}${r.name ?? '?'}: ${r.health?.status}${r.health?.message ? ` (${r.health.message})` : ''}`,
    )
    .join('; ');
}

/**
 * Why health may not be trusted yet at `current`: Argo CD must have finished an operation for that
 * revision (phase Succeeded, syncResult.revision) and reconciled after it (reconciledAt later than
 * the operation's finishedAt), or the Healthy read may be left over from before the sync.
 */
function notReassessed(status: NonNullable<ArgoApplication['status']>, current: string): string | undefined {
  const operation = status.operationState;
  const health = status.health?.status ?? 'Unknown';
  const operated = [...revisionsOf(operation?.syncResult), ...revisionsOf(operation?.operation?.sync)];
  if (!operation || !operated.includes(current))
    return `Synced at ${short(current)} but no sync operation for it yet (health ${health} may be from before)`;
  if (operation.phase !== 'Succeeded' || !operation.finishedAt)
    return `the sync of ${short(current)} is ${operation.phase ?? 'in an unknown phase'} (health ${health} may be from before)`;
  const finished = Date.parse(operation.finishedAt);
  const reconciled = status.reconciledAt ? Date.parse(status.reconciledAt) : Number.NaN;
  if (!(reconciled > finished))
    return `the sync of ${short(current)} finished at ${operation.finishedAt}; waiting for Argo CD to reassess health after it`;
  return undefined;
}

/**
 * One Application against the promoted commit. A multi-source Application (status.sync.revisions)
 * is at the commit when any of its sources is, since only the GitOps repository's source moves.
 * `acceptedRevision` may widen "at the commit" to later commits that contain it. Health counts only
 * once reassessed after the sync operation of that revision (`notReassessed`).
 */
export function judgeApplication(
  app: ArgoApplication,
  expected: string,
  acceptedRevision: (revision: string) => boolean = () => false,
): Judgement {
  const status = app.status ?? {};
  const synced = revisionsOf(status.sync);
  const current = synced.find((revision) => sameRevision(revision, expected) || acceptedRevision(revision));
  const operation = status.operationState;
  if (
    operation &&
    (operation.phase === 'Failed' || operation.phase === 'Error') &&
    revisionsOf(operation.syncResult).some((revision) => sameRevision(revision, expected))
  ) {
    return {
      state: 'failed',
      reason: `the sync of ${short(expected)} ${operation.phase === 'Error' ? 'errored' : 'failed'}: ${operation.message ?? 'no message'}`,
    };
  }
  if (current === undefined) {
    const at = synced[0] ? { revision: synced[0] } : {};
    if (status.sync?.status === 'Synced' && synced[0]) {
      return {
        state: 'waiting',
        reason: `Synced and ${status.health?.status ?? 'Unknown'} at ${short(synced[0])}, not the promoted commit ${short(expected)}`,
        ...at,
      };
    }
    return {
      state: 'waiting',
      reason: `${status.sync?.status ?? 'Unknown'} at ${short(synced[0])}, waiting for ${short(expected)}`,
      ...at,
    };
  }
  const health = status.health?.status ?? 'Unknown';
  if (status.sync?.status !== 'Synced')
    return { state: 'waiting', reason: `${status.sync?.status ?? 'Unknown'} at ${short(current)} (health ${health})`, revision: current };
  const untrusted = notReassessed(status, current);
  if (untrusted) return { state: 'waiting', reason: untrusted, revision: current };
  if (health === 'Degraded') {
    const detail = degradedResources(app) || status.health?.message || 'no message';
    return { state: 'failed', reason: `Degraded at ${short(current)}: ${detail}` };
  }
  if (health !== 'Healthy') return { state: 'waiting', reason: `Synced at ${short(current)}, health ${health}`, revision: current };
  return { state: 'ready', revision: current };
}

export interface ApplicationReadError extends Error {
  /** HTTP status from the Kubernetes API, when there was an answer. */
  statusCode?: number;
}

export interface WaitOptions extends Polling {
  applications: readonly string[];
  expected: string;
  read(name: string): Promise<ArgoApplication>;
  timeoutMs: number;
  /** Whether a revision other than the promoted one contains it (a later commit on the branch). */
  containsCommit?: (revision: string) => Promise<boolean>;
}

export interface ApplicationOutcome {
  name: string;
  judgement: Judgement;
  /** Once ready: the startedAt of the sync operation that deployed the revision (Argo CD's clock). */
  syncStartedAt?: string;
  /** Once ready: when it was first seen ready in the stretch of reads that ended the wait (this clock, ms). */
  readyAt?: number;
}

export interface WaitResult {
  ok: boolean;
  /** Why it failed (empty when ok). */
  reason: string;
  applications: ApplicationOutcome[];
  waitedMs: number;
}

/** API answers that will not change by waiting: a missing Application, no permission. */
function permanent(error: unknown): boolean {
  const code = (error as ApplicationReadError).statusCode;
  return code === 401 || code === 403 || code === 404;
}

/** Stamps each ready outcome with the first read of its current ready stretch; a read not ready ends the stretch. */
function markReady(outcomes: ApplicationOutcome[], readySince: Map<string, number>, readAt: number): void {
  for (const outcome of outcomes) {
    if (outcome.judgement.state !== 'ready') {
      readySince.delete(outcome.name);
      continue;
    }
    if (!readySince.has(outcome.name)) readySince.set(outcome.name, readAt);
    outcome.readyAt = readySince.get(outcome.name) ?? readAt;
  }
}

export async function waitForApplications(options: WaitOptions): Promise<WaitResult> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const started = now();
  const last = new Map<string, string>();
  // Later commits already asked about: revision → contains the promoted commit.
  const later = new Map<string, boolean>();
  const judge = async (app: ArgoApplication): Promise<Judgement> => {
    if (options.containsCommit) {
      for (const revision of revisionsOf(app.status?.sync)) {
        if (sameRevision(revision, options.expected) || later.has(revision)) continue;
        later.set(revision, await options.containsCommit(revision).catch(() => false));
      }
    }
    return judgeApplication(app, options.expected, (revision) => later.get(revision) === true);
  };
  const readySince = new Map<string, number>();
  let outcomes: ApplicationOutcome[];
  if (options.applications.length === 0)
    return { ok: false, reason: 'no Argo CD Applications to wait for: name at least one', applications: [], waitedMs: 0 };
  for (;;) {
    outcomes = await Promise.all(
      options.applications.map(async (name): Promise<ApplicationOutcome> => {
        try {
          const app = await options.read(name);
          const judgement = await judge(app);
          if (judgement.state !== 'ready') return { name, judgement };
          const startedAt = app.status?.operationState?.startedAt;
          return { name, judgement, ...(startedAt ? { syncStartedAt: startedAt } : {}) };
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          if (permanent(error)) return { name, judgement: { state: 'failed', reason: message } };
          return { name, judgement: { state: 'waiting', reason: `cannot read it yet: ${message}` } };
        }
      }),
    );
    const readAt = now();
    markReady(outcomes, readySince, readAt);
    const elapsed = Math.round((readAt - started) / 1000);
    for (const { name, judgement } of outcomes) {
      const line = judgement.state === 'ready' ? `Synced and Healthy at ${short(judgement.revision)}` : judgement.reason;
      if (last.get(name) !== line) options.log(`[${elapsed}s] ${name}: ${judgement.state === 'failed' ? 'FAILED: ' : ''}${line}`);
      last.set(name, line);
    }
    const failed = outcomes.filter((o) => o.judgement.state === 'failed');
    if (failed.length > 0) {
      return {
        ok: false,
        reason: failed.map((o) => `${o.name}: ${(o.judgement as { reason: string }).reason}`).join('; '),
        applications: outcomes,
        waitedMs: now() - started,
      };
    }
    if (outcomes.every((o) => o.judgement.state === 'ready'))
      return { ok: true, reason: '', applications: outcomes, waitedMs: now() - started };
    if (now() - started + options.intervalMs > options.timeoutMs) break;
    await sleep(options.intervalMs);
  }
  const pending = outcomes.filter((o) => o.judgement.state !== 'ready');
  const seconds = Math.round(options.timeoutMs / 1000);
  const reasons = pending.map((o) => {
    const judgement = o.judgement as { reason: string; revision?: string };
    return `${o.name}: ${judgement.reason}`;
  });
  return {
    ok: false,
    reason: `timed out after ${seconds}s waiting for Argo CD to sync ${short(options.expected)} and report Healthy — ${reasons.join('; ')}`,
    applications: outcomes,
    waitedMs: now() - started,
  };
}
