/**
 * Reads workflow runs and their artifacts through GitHub's REST API (@actions/github's Octokit) and
 * applies lib/release-runs.ts to them:
 *   GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs?event=&branch=  (workflow_id: the file name)
 *   GET /repos/{owner}/{repo}/actions/runs/{run_id}
 *   GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts
 *   GET /repos/{owner}/{repo}/actions/artifacts?name=   (only to explain a refusal, never to trust)
 *   GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/zip   (302 to the archive, followed; 410 once expired)
 * A release's manifest and verified-in-dev marker are read from those archives in memory.
 */
import { basename } from 'node:path';
import { getOctokit } from '@actions/github';
import { artifactFile, ArtifactFileError } from './artifact-files.ts';
import type { GitHubRepository } from './pull-request.ts';
import { parseReleaseManifest } from '../release/release-manifest.ts';
import type { ReleaseManifest } from '../release/release-manifest.ts';
import {
  candidateRuns,
  expiredMarker,
  explainMissingRelease,
  imagesOfReleaseRefusal,
  manifestArtifact,
  markerOfRun,
  pendingRollbacks,
  ReleaseRunError,
  releaseInRun,
  releasesRunning,
  verifiedArtifact,
  verifiedMarkerRefusal,
  verifiedReleaseOfRun,
  verifyAgain,
} from '../release/release-runs.ts';
import type { ArtifactFacts, RunningImage, RunRelease, TrustedRuns, WorkflowRunFacts } from '../release/release-runs.ts';

export interface ActionsRuns {
  /** Runs of the trusted workflow file for its event and branch, newest first, at most `limit`. */
  workflowRuns(trusted: TrustedRuns, limit: number): Promise<WorkflowRunFacts[]>;
  run(runId: number): Promise<WorkflowRunFacts | undefined>;
  runArtifacts(runId: number): Promise<ArtifactFacts[]>;
  artifactsNamed(name: string): Promise<ArtifactFacts[]>;
  /** The zip archive of an artifact, or 'expired' when GitHub no longer has it (410). */
  artifactZip(artifactId: number): Promise<Uint8Array | 'expired'>;
}

interface RunData {
  id: number;
  path: string;
  event: string;
  head_branch: string | null;
  head_sha: string;
  head_repository?: { full_name?: string } | null;
  status: string | null;
  display_title?: string;
}

interface ArtifactData {
  id: number;
  name: string;
  expired: boolean;
  workflow_run?: { id?: number } | null;
}

function runFacts(run: RunData): WorkflowRunFacts {
  return {
    id: Number(run.id),
    path: run.path,
    event: run.event,
    headBranch: run.head_branch,
    headSha: run.head_sha,
    headRepository: run.head_repository?.full_name ?? undefined,
    status: run.status,
    displayTitle: run.display_title ?? '',
  };
}

function artifactFacts(artifact: ArtifactData): ArtifactFacts {
  return { id: Number(artifact.id), name: artifact.name, runId: artifact.workflow_run?.id ?? undefined, expired: artifact.expired };
}

/** The Actions API of one repository. */
export function actionsRuns(repository: GitHubRepository): ActionsRuns {
  const apiUrl = repository.apiUrl ?? process.env['GITHUB_API_URL'];
  const octokit = getOctokit(repository.token, { ...(apiUrl ? { baseUrl: apiUrl } : {}), request: { retries: 0 } });
  const { owner, repo } = repository;
  return {
    async workflowRuns(trusted, limit) {
      const runs: WorkflowRunFacts[] = [];
      for (let page = 1; runs.length < limit; page += 1) {
        const response = await octokit.rest.actions.listWorkflowRuns({
          owner,
          repo,
          workflow_id: basename(trusted.workflowPath),
          event: trusted.event,
          branch: trusted.branch,
          per_page: 100,
          page,
        });
        runs.push(...response.data.workflow_runs.map((run) => runFacts(run as RunData)));
        if (response.data.workflow_runs.length < 100) break;
      }
      return runs.slice(0, limit);
    },
    async run(runId) {
      try {
        return runFacts((await octokit.rest.actions.getWorkflowRun({ owner, repo, run_id: runId })).data as RunData);
      } catch (error) {
        if ((error as { status?: number }).status === 404) return undefined;
        throw error;
      }
    },
    async runArtifacts(runId) {
      const artifacts = await octokit.paginate(octokit.rest.actions.listWorkflowRunArtifacts, {
        owner,
        repo,
        run_id: runId,
        per_page: 100,
      });
      return artifacts.map((artifact) => artifactFacts(artifact as ArtifactData));
    },
    async artifactsNamed(name) {
      const response = await octokit.rest.actions.listArtifactsForRepo({ owner, repo, name, per_page: 100 });
      return response.data.artifacts.map((artifact) => artifactFacts(artifact as ArtifactData));
    },
    async artifactZip(artifactId) {
      try {
        const response = await octokit.rest.actions.downloadArtifact({ owner, repo, artifact_id: artifactId, archive_format: 'zip' });
        return new Uint8Array(response.data as ArrayBuffer);
      } catch (error) {
        if ((error as { status?: number }).status === 410) return 'expired';
        throw error;
      }
    },
  };
}

/** How many trusted runs are listed, and how many of them have their artifacts read. */
const runLimit = 1000;
const artifactReads = 30;

/** The one trusted run that built `releaseId` and verified it in dev; a ReleaseRunError says why there is none. */
export async function findReleaseRun(api: ActionsRuns, releaseId: string, trusted: TrustedRuns): Promise<number> {
  const runs = await api.workflowRuns(trusted, runLimit);
  let manifestRun: number | undefined;
  for (const run of candidateRuns(releaseId, runs, trusted).slice(0, artifactReads)) {
    const held = releaseInRun(releaseId, run.id, await api.runArtifacts(run.id));
    if (held === 'both') return run.id;
    if (held === 'manifest') {
      manifestRun = run.id;
      break;
    }
  }
  const named = {
    manifests: await api.artifactsNamed(manifestArtifact(releaseId)),
    markers: await api.artifactsNamed(verifiedArtifact(releaseId)),
  };
  const known = new Map(runs.map((run) => [run.id, run]));
  const unknown = [...new Set([...named.manifests, ...named.markers].map((artifact) => artifact.runId))].filter(
    (id): id is number => id !== undefined && !known.has(id),
  );
  for (const runId of unknown.slice(0, 10)) {
    const run = await api.run(runId);
    if (run) known.set(runId, run);
  }
  throw new ReleaseRunError(explainMissingRelease(releaseId, manifestRun === undefined ? {} : { manifestRun }, named, known, trusted));
}

/** The release a finished Release run verified in dev (after workflow_run), or why there is none to promote. */
export async function releaseOfRun(api: ActionsRuns, runId: number, trusted: TrustedRuns): Promise<RunRelease> {
  const run = await api.run(runId);
  if (!run) return { refused: `run ${runId} does not exist in ${trusted.repository}` };
  return verifiedReleaseOfRun(run, await api.runArtifacts(runId), trusted);
}

/** Rollbacks of `environment` that have not finished. */
export async function unfinishedRollbacks(api: ActionsRuns, environment: string, trusted: TrustedRuns): Promise<WorkflowRunFacts[]> {
  return pendingRollbacks(await api.workflowRuns(trusted, 100), environment, trusted);
}

/** The text of `file` in run `runId`'s artifact of that name (its archive read in memory), or why it cannot be read. */
async function runArtifactFile(
  api: ActionsRuns,
  artifact: ArtifactFacts & { id: number },
  file: string,
  maxBytes?: number,
): Promise<{ text: string } | { refused: string } | { expired: true }> {
  const archive = await api.artifactZip(artifact.id);
  if (archive === 'expired') return { expired: true };
  try {
    return { text: artifactFile(archive, file, artifact.name, maxBytes) };
  } catch (error) {
    if (error instanceof ArtifactFileError) return { refused: error.message };
    throw error;
  }
}

/**
 * The verified-in-dev marker run `runId` uploaded for `releaseId`, parsed from its archive (not yet
 * judged: verifiedMarkerRefusal does that), or why there is none to read.
 */
export async function readVerifiedMarker(
  api: ActionsRuns,
  releaseId: string,
  runId: number,
  artifacts?: readonly ArtifactFacts[],
): Promise<{ marker: unknown } | { refused: string }> {
  const found = markerOfRun(releaseId, runId, artifacts ?? (await api.runArtifacts(runId)));
  if ('refused' in found) return found;
  const name = verifiedArtifact(releaseId);
  const read = await runArtifactFile(api, found.artifact, 'verified.json');
  if ('expired' in read) return { refused: expiredMarker(releaseId, runId) };
  if ('refused' in read) return { refused: `release ${releaseId}: ${read.refused}: ${verifyAgain}` };
  try {
    return { marker: JSON.parse(read.text) as unknown };
  } catch (error) {
    return { refused: `release ${releaseId}: ${name}/verified.json is not JSON (${(error as Error).message}): ${verifyAgain}` };
  }
}

/**
 * Why prod refuses the release by what its verified-in-dev marker says (read from the archive run
 * `runId` uploaded: the soak and the SLO figures), or undefined when the release is eligible.
 */
export async function markerRefusal(api: ActionsRuns, releaseId: string, runId: number): Promise<string | undefined> {
  const read = await readVerifiedMarker(api, releaseId, runId);
  return 'refused' in read ? read.refused : verifiedMarkerRefusal(releaseId, read.marker);
}

/** A release manifest is larger than a marker: one entry per service with its scan's IDs. */
const manifestBytes = 16 * 1024 * 1024;

/** What the Release run that built a release holds of it: its manifest and its verified-in-dev marker, each read or why not. */
export interface ReleaseArtifacts {
  runId: number;
  manifest: { manifest: ReleaseManifest } | { refused: string };
  marker: { marker: unknown } | { refused: string };
}

/**
 * Finds the trusted Release run of `releaseId` (findReleaseRun, as `slipway release-run --release`)
 * and reads its `release-manifest-<id>` and `release-verified-dev-<id>` artifacts in memory; a
 * ReleaseRunError says why no run holds the release.
 */
export async function releaseArtifacts(api: ActionsRuns, releaseId: string, trusted: TrustedRuns): Promise<ReleaseArtifacts> {
  const runId = await findReleaseRun(api, releaseId, trusted);
  const name = manifestArtifact(releaseId);
  const artifacts = await api.runArtifacts(runId);
  const artifact = artifacts.find(
    (candidate): candidate is ArtifactFacts & { id: number } =>
      candidate.name === name && !candidate.expired && candidate.id !== undefined && (candidate.runId ?? runId) === runId,
  );
  let manifest: ReleaseArtifacts['manifest'] = { refused: `run ${runId} holds no readable ${name} artifact` };
  if (artifact) {
    const read = await runArtifactFile(api, artifact, 'release-manifest.json', manifestBytes);
    if ('expired' in read) manifest = { refused: `${name} of run ${runId} has expired (artifacts are kept 90 days)` };
    else if ('refused' in read) manifest = read;
    else {
      try {
        manifest = { manifest: parseReleaseManifest(read.text, `${name}/release-manifest.json`) };
      } catch (error) {
        manifest = { refused: (error as Error).message };
      }
    }
  }
  return { runId, manifest, marker: await readVerifiedMarker(api, releaseId, runId, artifacts) };
}

/** The release manifest run `runId` uploaded for `releaseId` (release.yml's build job), or why it cannot be read. */
export async function releaseManifestOfRun(
  api: ActionsRuns,
  releaseId: string,
  runId: number,
): Promise<{ manifest: ReleaseManifest } | { refused: string }> {
  const name = manifestArtifact(releaseId);
  const artifact = (await api.runArtifacts(runId)).find((candidate) => candidate.name === name && !candidate.expired);
  const archive = artifact?.id === undefined ? 'expired' : await api.artifactZip(artifact.id);
  if (archive === 'expired') return { refused: `release ${releaseId}: run ${runId} holds no readable ${name} (expired after 90 days?)` };
  try {
    return { manifest: parseReleaseManifest(artifactFile(archive, 'release-manifest.json', name), `${name}/release-manifest.json`) };
  } catch (error) {
    return { refused: `release ${releaseId}: ${(error as Error).message}` };
  }
}

/** What the check of an environment's releases found: per release, the run that verified it; and why prod refuses any. */
export interface RunningReleasesCheck {
  verified: { releaseId: string; services: string[]; runId: number }[];
  refusals: string[];
}

/**
 * Whether prod may take what `environment` runs: every release its images come from (their
 * promotion trailers) must have been built and verified in dev by a trusted Release run
 * (`findReleaseRun`) whose verified-in-dev marker says so (`markerRefusal`), the same two checks as
 * a release asked for by id; and each image must be the one that release's manifest (from the same
 * run) gives its service, so a trailer cannot lend a verified release's name to another image. A
 * refusal names the services, the release and what to do.
 */
export async function checkRunningReleases(
  api: ActionsRuns,
  environment: string,
  images: readonly RunningImage[],
  trusted: TrustedRuns,
): Promise<RunningReleasesCheck> {
  const { releases, refusals } = releasesRunning(environment, images);
  const verified: RunningReleasesCheck['verified'] = [];
  for (const [releaseId, recorded] of releases) {
    const services = recorded.map((entry) => entry.service);
    const refuse = (reason: string, which = services): void => {
      refusals.push(`${which.join(', ')}: ${environment} runs release ${releaseId}, which prod may not take: ${reason}`);
    };
    let runId: number;
    try {
      runId = await findReleaseRun(api, releaseId, trusted);
    } catch (error) {
      if (!(error instanceof ReleaseRunError)) throw error;
      refuse(error.message);
      continue;
    }
    const refusal = await markerRefusal(api, releaseId, runId);
    if (refusal !== undefined) {
      refuse(`(Release run ${runId}) ${refusal}`);
      continue;
    }
    const built = await releaseManifestOfRun(api, releaseId, runId);
    const mismatch = 'refused' in built ? { services, reason: built.refused } : imagesOfReleaseRefusal(recorded, built.manifest, runId);
    if (mismatch !== undefined) refuse(mismatch.reason, mismatch.services);
    else verified.push({ releaseId, services, runId });
  }
  return { verified, refusals };
}
