/**
 * Reads workflow runs and their artifacts through GitHub's REST API (@actions/github's Octokit) and
 * applies lib/release/release-runs.ts to them:
 *   GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs?event=&branch=  (workflow_id: the file name)
 *   GET /repos/{owner}/{repo}/actions/runs/{run_id}
 *   GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts
 *   GET /repos/{owner}/{repo}/actions/artifacts?name=   (only to explain a refusal, never to trust)
 *   GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/zip   (302 to the archive, followed; 410 once expired)
 * What the archives hold (a release's manifest and verified-in-dev marker): release-artifacts.ts.
 * Fields read (RunData, ArtifactData) are those of github/rest-api-description, API version 2022-11-28,
 * as shipped in @octokit/openapi-types 29.0.1: schema `workflow-run` (id, path, event, head_branch,
 * head_sha, head_repository: `minimal-repository`.full_name, status, display_title) and schema
 * `artifact` (id, name, expired, workflow_run.id).
 */
import { basename } from 'node:path';
import { repositoryOctokit } from './octokit.ts';
import type { GitHubRepository } from './pull-request.ts';
import {
  candidateRuns,
  explainMissingRelease,
  manifestArtifact,
  pendingRollbacks,
  ReleaseRunError,
  releaseInRun,
  verifiedArtifact,
  verifiedReleaseOfRun,
} from '../release/release-runs.ts';
import type { ArtifactFacts, RunRelease, TrustedRuns, WorkflowRunFacts } from '../release/release-runs.ts';

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
  const octokit = repositoryOctokit(repository, { noRetries: true });
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

/**
 * The same Actions API, listing the trusted runs once and each run's artifacts once however many
 * releases are looked up through it (findReleaseRun, then the artifacts of the run it found).
 */
export function listingOnce(api: ActionsRuns): ActionsRuns {
  const runs = new Map<string, ReturnType<ActionsRuns['workflowRuns']>>();
  const artifacts = new Map<number, ReturnType<ActionsRuns['runArtifacts']>>();
  const once = <K, V>(held: Map<K, V>, key: K, list: () => V): V => {
    if (!held.has(key)) held.set(key, list());
    return held.get(key) as V;
  };
  return {
    ...api,
    workflowRuns: (trusted, limit) => once(runs, JSON.stringify([trusted, limit]), () => api.workflowRuns(trusted, limit)),
    runArtifacts: (runId) => once(artifacts, runId, () => api.runArtifacts(runId)),
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
