/**
 * Which workflow runs a prod promotion may take a release from. A release manifest and its
 * "verified in dev" marker count only when one run of `.github/workflows/release.yml`, triggered by a
 * push to `main` of this repository, uploaded both: a pull request's run (a fork's included), a run of
 * another workflow that calls itself Release, or a marker uploaded by some other run prove nothing.
 *
 * The facts are those of GitHub's REST API (workflow run: id, path, event, head_branch, head_sha,
 * head_repository.full_name, status, display_title; artifact: name, expired, workflow_run.id), as
 * described by github/rest-api-description (the `workflow-run` and `artifact` schemas, shipped in
 * @octokit/openapi-types 29.0.1). Pure decisions only; lib/github/workflow-runs.ts reads them.
 */
import { formatImageReference, sameRepository } from './image-reference.ts';
import type { ReleaseManifest } from './release-manifest.ts';

export interface WorkflowRunFacts {
  id: number;
  /** The workflow file the run ran, e.g. `.github/workflows/release.yml`. */
  path: string;
  /** The event that triggered it: push, pull_request, workflow_dispatch, … */
  event: string;
  headBranch: string | null;
  headSha: string;
  /** owner/name of the repository whose code ran (a fork for a fork's pull request). */
  headRepository: string | undefined;
  /** queued, in_progress, waiting, pending, requested, completed, … */
  status: string | null;
  displayTitle: string;
}

export interface ArtifactFacts {
  /** The artifact's id, by which its archive is downloaded. */
  id?: number;
  name: string;
  runId: number | undefined;
  expired: boolean;
}

/** The runs a promotion trusts: one workflow file, one event, one branch, this repository. */
export interface TrustedRuns {
  repository: string;
  workflowPath: string;
  event: string;
  branch: string;
}

export const releaseWorkflowPath = '.github/workflows/release.yml';
export const rollbackWorkflowPath = '.github/workflows/rollback.yml';

/** Runs of release.yml pushed to main of `repository`: where releases come from. */
export function releaseRuns(repository: string): TrustedRuns {
  return { repository, workflowPath: releaseWorkflowPath, event: 'push', branch: 'main' };
}

/** Runs of rollback.yml started by hand on main of `repository`. */
export function rollbackRuns(repository: string): TrustedRuns {
  return { repository, workflowPath: rollbackWorkflowPath, event: 'workflow_dispatch', branch: 'main' };
}

export const manifestArtifact = (releaseId: string): string => `release-manifest-${releaseId}`;
export const verifiedArtifact = (releaseId: string): string => `release-verified-dev-${releaseId}`;
const verifiedPrefix = verifiedArtifact('');

/** The run name rollback.yml gives itself (`run-name:`), so a promotion can see which environment it rolls back. */
export function rollbackRunName(environment: string): string {
  return `Rollback ${environment}`;
}

export class ReleaseRunError extends Error {
  override name = 'ReleaseRunError';
}

/** Why a run is not one the promotion trusts, or undefined when it is. */
export function runRefusal(run: WorkflowRunFacts, trusted: TrustedRuns): string | undefined {
  if (run.path !== trusted.workflowPath) return `run ${run.id} ran ${run.path || 'an unknown workflow'}, not ${trusted.workflowPath}`;
  if (run.event !== trusted.event) return `run ${run.id} was triggered by ${run.event}, not by ${trusted.event}`;
  if (run.headBranch !== trusted.branch) return `run ${run.id} ran for branch ${run.headBranch ?? '(none)'}, not ${trusted.branch}`;
  if (run.headRepository?.toLowerCase() !== trusted.repository.toLowerCase()) {
    return `run ${run.id} ran code from ${run.headRepository ?? 'an unknown repository'}, not from ${trusted.repository}`;
  }
  return undefined;
}

const live = (artifacts: readonly ArtifactFacts[], name: string): ArtifactFacts[] =>
  artifacts.filter((artifact) => artifact.name === name && !artifact.expired);

/**
 * The trusted runs that may have built `releaseId`, newest first: a release id made by the build
 * action starts with the first 7 hex digits of the commit it built (the run's head_sha), so only
 * those runs are asked; an id of another shape asks every run given.
 */
export function candidateRuns(releaseId: string, runs: readonly WorkflowRunFacts[], trusted: TrustedRuns): WorkflowRunFacts[] {
  const commit = /^([0-9a-f]{7,40})-/.exec(releaseId)?.[1];
  return runs
    .filter((run) => runRefusal(run, trusted) === undefined)
    .filter((run) => commit === undefined || run.headSha.startsWith(commit))
    .sort((a, b) => b.id - a.id);
}

export type ReleaseDecision = { ok: true; runId: number } | { ok: false; reason: string };

/** A run's own artifacts: does it hold the release's manifest, and its verified-in-dev marker too? */
export function releaseInRun(releaseId: string, runId: number, artifacts: readonly ArtifactFacts[]): 'both' | 'manifest' | 'none' {
  if (live(artifacts, manifestArtifact(releaseId)).length === 0) return 'none';
  return live(artifacts, verifiedArtifact(releaseId)).length > 0 ? 'both' : 'manifest';
}

/**
 * Why no trusted run holds the release, for the person who asked: from the repository-wide list of
 * artifacts with the release's names (read only to explain) and the runs that uploaded them.
 */
export function explainMissingRelease(
  releaseId: string,
  found: { manifestRun?: number },
  named: { manifests: readonly ArtifactFacts[]; markers: readonly ArtifactFacts[] },
  runs: ReadonlyMap<number, WorkflowRunFacts>,
  trusted: TrustedRuns,
): string {
  const why = (artifact: ArtifactFacts): string => {
    const run = artifact.runId === undefined ? undefined : runs.get(artifact.runId);
    return run ? (runRefusal(run, trusted) ?? `run ${run.id}`) : `run ${artifact.runId ?? '?'} (not found)`;
  };
  const source = `a push of ${trusted.workflowPath} to ${trusted.branch} of ${trusted.repository}`;
  if (found.manifestRun !== undefined) {
    const others = live(named.markers, verifiedArtifact(releaseId)).filter((marker) => marker.runId !== found.manifestRun);
    if (others.length > 0) {
      return `release ${releaseId}: its ${verifiedArtifact(releaseId)} marker comes from ${others.map(why).join('; ')}, not from run ${found.manifestRun} that built the release; a marker counts only from the run that built and verified it. Promote a release dev verified, or 'dev'`;
    }
    if (named.markers.some((marker) => marker.runId === found.manifestRun && marker.expired))
      return expiredMarker(releaseId, found.manifestRun);
    return `release ${releaseId} has not passed verification in dev (run ${found.manifestRun} built it but uploaded no ${verifiedArtifact(releaseId)} artifact): promote a release dev verified, or 'dev'`;
  }
  const manifests = live(named.manifests, manifestArtifact(releaseId));
  if (manifests.length > 0) {
    return `release ${releaseId}: ${manifestArtifact(releaseId)} comes only from runs that may not promote (${manifests.map(why).join('; ')}); a release manifest counts only from ${source}. Promote a release built on ${trusted.branch}, or 'dev'`;
  }
  const expired = named.manifests.some((artifact) => artifact.name === manifestArtifact(releaseId));
  return `no ${manifestArtifact(releaseId)} artifact from ${source}: the release id is unknown${expired ? ' or its manifest expired (90 days)' : ''}; promote 'dev' instead`;
}

export type RunRelease = { refused: string } | { skip: string } | { releaseId: string };

/** After a Release run (workflow_run): the release it verified in dev, if that run is trusted and verified one. */
export function verifiedReleaseOfRun(run: WorkflowRunFacts, artifacts: readonly ArtifactFacts[], trusted: TrustedRuns): RunRelease {
  const refusal = runRefusal(run, trusted);
  if (refusal)
    return {
      refused: `${refusal}: a prod promotion starts only after ${trusted.workflowPath} pushed to ${trusted.branch} of ${trusted.repository}`,
    };
  const markers = artifacts.filter(
    (artifact) => !artifact.expired && artifact.name.startsWith(verifiedPrefix) && artifact.runId === run.id,
  );
  const [marker, ...more] = markers;
  if (!marker) return { skip: `Release run ${run.id} verified no new release in dev: nothing to promote.` };
  if (more.length > 0)
    return {
      refused: `run ${run.id} uploaded ${markers.length} verified-in-dev markers (${markers.map((artifact) => artifact.name).join(', ')}); a Release run verifies one release`,
    };
  const releaseId = marker.name.slice(verifiedPrefix.length);
  if (live(artifacts, manifestArtifact(releaseId)).length === 0) {
    return {
      refused: `run ${run.id} has the marker of release ${releaseId} but not its ${manifestArtifact(releaseId)}: both must come from the run that built the release`,
    };
  }
  return { releaseId };
}

/** Rollbacks of `environment` not yet finished (waiting for a reviewer, queued, running): a writer of that environment must let them through. */
export function pendingRollbacks(runs: readonly WorkflowRunFacts[], environment: string, trusted: TrustedRuns): WorkflowRunFacts[] {
  return runs.filter(
    (run) => run.status !== 'completed' && run.displayTitle === rollbackRunName(environment) && runRefusal(run, trusted) === undefined,
  );
}

/**
 * What the verified-in-dev marker (release.yml, "Record the verified release") records: the release,
 * the GitOps commit dev verified, how long dev soaked it Healthy, and the SLO figures of that window
 * (the verify action's `soak-seconds` and `slo` outputs).
 */
export interface VerifiedMarker {
  releaseId: string;
  environment: 'dev';
  gitopsCommit: string;
  verified: true;
  soakSeconds: number;
  slo: { service: string; version: string; requests: number; errorRatio: number; slowRatio: number; ok: boolean }[];
}

/** What to do about a release prod refuses for its dev verification. */
export const verifyAgain = `verify it in dev again (a Release run of a newer commit), or promote another release that passed`;

/** An expired marker's archive is gone (GitHub answers 410): its figures cannot be read. */
export function expiredMarker(releaseId: string, runId: number): string {
  return `release ${releaseId}: the ${verifiedArtifact(releaseId)} marker of run ${runId} has expired (artifacts are kept 90 days), so its soak and SLO figures cannot be read: ${verifyAgain}`;
}

/**
 * The verified-in-dev marker run `runId` uploaded for `releaseId` (the artifact whose content prod
 * reads), or why there is none to read: never uploaded, or expired (an expired artifact's archive is
 * gone; GitHub answers 410).
 */
export function markerOfRun(
  releaseId: string,
  runId: number,
  artifacts: readonly ArtifactFacts[],
): { artifact: ArtifactFacts & { id: number } } | { refused: string } {
  const named = artifacts.filter((artifact) => artifact.name === verifiedArtifact(releaseId) && artifact.runId === runId);
  const readable = named.find((artifact): artifact is ArtifactFacts & { id: number } => !artifact.expired && artifact.id !== undefined);
  if (readable) return { artifact: readable };
  if (named.length > 0) return { refused: expiredMarker(releaseId, runId) };
  return { refused: `release ${releaseId}: run ${runId} uploaded no ${verifiedArtifact(releaseId)} marker: ${verifyAgain}` };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Why a verified-in-dev marker does not make its release eligible for prod, or undefined when it
 * does: prod takes only a release whose dev verification included a soak and met its SLOs over it.
 */
export function verifiedMarkerRefusal(releaseId: string, marker: unknown): string | undefined {
  const where = `${verifiedArtifact(releaseId)}/verified.json`;
  if (!isRecord(marker)) return `${where} is not a JSON object: ${verifyAgain}`;
  if (marker.releaseId !== releaseId) return `${where} names release ${String(marker.releaseId)}, not ${releaseId}: ${verifyAgain}`;
  if (marker.environment !== 'dev' || marker.verified !== true)
    return `${where} does not record a passed verification in dev: ${verifyAgain}`;
  const soak = marker.soakSeconds;
  if (typeof soak !== 'number' || !(soak > 0))
    return `release ${releaseId} was verified in dev without a soak (${where} records ${soak === undefined ? 'no soakSeconds' : `soakSeconds ${String(soak)}`}); prod takes only a release that stayed Healthy through dev's soak window: ${verifyAgain}`;
  const slo = marker.slo;
  if (!Array.isArray(slo) || slo.length === 0)
    return `release ${releaseId} has no SLO figures from its dev soak (${where} records no slo): the SLO check did not run (no Prometheus given?); ${verifyAgain}`;
  const figures = (entry: unknown): boolean =>
    isRecord(entry) &&
    typeof entry.service === 'string' &&
    ['requests', 'errorRatio', 'slowRatio'].every((key) => typeof entry[key] === 'number') &&
    entry.ok === true;
  const bad = slo.filter((entry) => !figures(entry));
  if (bad.length > 0)
    return `release ${releaseId}: ${where} records SLO figures that are incomplete or not met (${bad.map((entry) => (isRecord(entry) ? String(entry.service) : '?')).join(', ')}): ${verifyAgain}`;
  return undefined;
}

/** An image an environment runs, with the release its promotion history records for it (none: no promotion commit records that digest). */
export interface RunningImage {
  service: string;
  image: { repository: string; tag: string; digest: string };
  origin?: { releaseId: string };
}

/**
 * The releases whose dev verification decides whether prod may take what `environment` runs: each
 * release id with the images the environment's promotion history recorded under it. An image no
 * promotion commit of the environment records (a hand-written commit, a pin set by hand) comes from
 * no release that could have been verified: it is refused, with the reason.
 */
export function releasesRunning(
  environment: string,
  images: readonly RunningImage[],
): { releases: Map<string, RunningImage[]>; refusals: string[] } {
  const releases = new Map<string, RunningImage[]>();
  const refusals: string[] = [];
  for (const entry of [...images].sort((a, b) => a.service.localeCompare(b.service))) {
    if (!entry.origin) {
      refusals.push(
        `${entry.service}: ${environment} runs ${formatImageReference(entry.image)}, which no promotion commit of ${environment} records (a hand-written commit or a pin set by hand), so no release and no dev verification vouch for it: promote ${environment} from a release (a Release run, or slipway promote ${environment} --release) or roll it back, then promote again`,
      );
      continue;
    }
    releases.set(entry.origin.releaseId, [...(releases.get(entry.origin.releaseId) ?? []), entry]);
  }
  return { releases, refusals };
}

/**
 * Which images an environment recorded under a release are not that release's (a promotion
 * trailer naming a release whose manifest pins another digest), and why; undefined when each is
 * the image the release's manifest (from the run that built it) gives its service.
 */
export function imagesOfReleaseRefusal(
  images: readonly RunningImage[],
  manifest: ReleaseManifest,
  runId: number,
): { services: string[]; reason: string } | undefined {
  const wrong = images.filter(({ service, image }) => {
    const built = manifest.services[service]?.image;
    return !built || built.digest !== image.digest || !sameRepository(built.repository, image.repository);
  });
  if (wrong.length === 0) return undefined;
  const described = wrong.map(({ service, image }) => {
    const built = manifest.services[service]?.image;
    return `${service} runs ${formatImageReference(image)}, the release ${built ? `built ${formatImageReference(built)}` : 'built no such service'}`;
  });
  const reason = `release ${manifest.id} as run ${runId} built it does not hold these images (${described.join('; ')}): the promotion trailer that names the release does not match what is pinned, so its dev verification does not vouch for them: promote dev from a release (a Release run, or slipway promote dev --release) or roll it back, then promote again`;
  return { services: wrong.map((entry) => entry.service), reason };
}
