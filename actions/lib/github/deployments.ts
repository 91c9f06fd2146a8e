/**
 * The deployment GitHub records for a job bound to an environment, made to tell the truth: which
 * release and GitOps commit that job deployed, the shop's URL, and which earlier deployment it
 * superseded. No parallel record: the job's own deployment gets a status.
 *
 * GitHub's REST API, version 2022-11-28 (github/rest-api-description as shipped in
 * @octokit/openapi-types 29.0.1: operations repos/list-deployments, repos/list-deployment-statuses,
 * repos/create-deployment-status; schemas `deployment`, `deployment-status`):
 *   GET  /repos/{owner}/{repo}/deployments?environment=&sha=            newest first
 *   GET  /repos/{owner}/{repo}/deployments/{deployment_id}/statuses     newest first
 *   POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses     { state, description (≤ 140
 *        characters), environment_url, log_url, auto_inactive }
 * `auto_inactive` (default true) marks earlier successful deployments of the same environment
 * inactive only for non-transient, NON-production environments; a deployment whose
 * `production_environment` is true is therefore made inactive here, with its own `inactive` status.
 *
 * Which deployment is this job's: GitHub creates it when the job starts, for the run's commit
 * (GITHUB_SHA), and its statuses link to the run (`log_url`/`target_url` under
 * `…/actions/runs/{run_id}`). That link is what GitHub shows, not a documented contract, so a
 * deployment not found is reported, never guessed.
 */
import { repositoryOctokit } from './octokit.ts';
import type { GitHubRepository } from './pull-request.ts';

export interface DeploymentFacts {
  id: number;
  sha: string;
  environment: string;
  productionEnvironment: boolean;
  transientEnvironment: boolean;
}

export interface DeploymentStatusFacts {
  state: string;
  description: string;
  logUrl: string;
  environmentUrl: string;
}

export interface NewDeploymentStatus {
  state: 'success' | 'failure' | 'inactive';
  description: string;
  environmentUrl?: string;
  logUrl?: string;
  autoInactive?: boolean;
}

export interface DeploymentsApi {
  /** Deployments of the environment (of one commit, when given), newest first. */
  deployments(environment: string, sha?: string): Promise<DeploymentFacts[]>;
  /** A deployment's statuses, newest first. */
  statuses(deploymentId: number): Promise<DeploymentStatusFacts[]>;
  createStatus(deploymentId: number, status: NewDeploymentStatus): Promise<void>;
}

/** What one job deployed, for its deployment's description. */
export interface DeployedRelease {
  releaseId: string;
  gitopsCommit: string;
  /** The job rolled the environment back to this release. */
  rollback: boolean;
  /** The verification's outcome. */
  verified: boolean;
}

/** GitHub's limit on a deployment status's description. */
const descriptionLimit = 140;

/** One line for the Environments page: the release, the GitOps commit, rollback or not, verified or not. */
export function deploymentDescription(deployed: DeployedRelease): string {
  const what = deployed.rollback ? `Rollback to release ${deployed.releaseId}` : `Release ${deployed.releaseId}`;
  const outcome = deployed.verified ? 'verified' : 'failed verification';
  const text = `${what} · GitOps ${deployed.gitopsCommit.slice(0, 12)} · ${outcome}`;
  return text.length <= descriptionLimit ? text : `${text.slice(0, descriptionLimit - 1)}…`;
}

/** Whether a status links to run `runId` (its log or target URL is the run's page or one of its jobs'). */
function linksToRun(status: DeploymentStatusFacts, runId: number): boolean {
  return new RegExp(`/actions/runs/${runId}(?:[/?#]|$)`).test(status.logUrl);
}

/** This run's deployment among `candidates` (each with its statuses), newest first; undefined when none links to the run. */
function deploymentOfRun(
  candidates: readonly { deployment: DeploymentFacts; statuses: readonly DeploymentStatusFacts[] }[],
  runId: number,
): DeploymentFacts | undefined {
  return candidates.find((candidate) => candidate.statuses.some((status) => linksToRun(status, runId)))?.deployment;
}

/**
 * The deployments a successful one supersedes: earlier deployments of its environment whose latest
 * status is success. GitHub's auto_inactive covers them only outside production environments.
 */
function supersededDeployments(
  current: DeploymentFacts,
  earlier: readonly { deployment: DeploymentFacts; latest: DeploymentStatusFacts | undefined }[],
): DeploymentFacts[] {
  return earlier
    .filter(({ deployment, latest }) => deployment.id < current.id && latest?.state === 'success')
    .map(({ deployment }) => deployment);
}

interface DeploymentData {
  id: number | bigint;
  sha: string;
  environment: string;
  production_environment?: boolean;
  transient_environment?: boolean;
}

interface StatusData {
  state: string;
  description?: string | null;
  log_url?: string;
  target_url?: string;
  environment_url?: string;
}

/** The Deployments API of one repository, through @actions/github's Octokit. */
export function deploymentsApi(repository: GitHubRepository): DeploymentsApi {
  const octokit = repositoryOctokit(repository, { noRetries: true });
  const { owner, repo } = repository;
  return {
    async deployments(environment, sha) {
      const response = await octokit.rest.repos.listDeployments({ owner, repo, environment, ...(sha ? { sha } : {}), per_page: 100 });
      return (response.data as DeploymentData[]).map((deployment) => ({
        id: Number(deployment.id),
        sha: deployment.sha,
        environment: deployment.environment,
        productionEnvironment: deployment.production_environment === true,
        transientEnvironment: deployment.transient_environment === true,
      }));
    },
    async statuses(deploymentId) {
      const response = await octokit.rest.repos.listDeploymentStatuses({ owner, repo, deployment_id: deploymentId, per_page: 100 });
      return (response.data as StatusData[]).map((status) => ({
        state: status.state,
        description: status.description ?? '',
        logUrl: status.log_url || status.target_url || '',
        environmentUrl: status.environment_url ?? '',
      }));
    },
    async createStatus(deploymentId, status) {
      await octokit.rest.repos.createDeploymentStatus({
        owner,
        repo,
        deployment_id: deploymentId,
        state: status.state,
        description: status.description,
        ...(status.environmentUrl ? { environment_url: status.environmentUrl } : {}),
        ...(status.logUrl ? { log_url: status.logUrl } : {}),
        ...(status.autoInactive === undefined ? {} : { auto_inactive: status.autoInactive }),
      });
    },
  };
}

export interface RecordDeployment extends DeployedRelease {
  /** The GitHub environment the job is bound to (e.g. production, dev). */
  environment: string;
  runId: number;
  /** The run's commit (GITHUB_SHA): the deployment's sha. */
  sha: string;
  /** The run's page, for log_url. */
  runUrl: string;
  /** The shop's URL in that environment, for environment_url; empty leaves it as the job set it. */
  environmentUrl: string;
}

export type RecordResult = { recorded: DeploymentFacts; description: string; inactivated: DeploymentFacts[] } | { notFound: string };

/** How many of the environment's newest deployments are looked at for one still marked success. */
const recentDeployments = 20;

/** Posts this run's deployment's status, and marks the deployments it superseded inactive when it succeeded. */
export async function recordDeployment(api: DeploymentsApi, request: RecordDeployment): Promise<RecordResult> {
  const withStatuses = async (deployment: DeploymentFacts) => ({ deployment, statuses: await api.statuses(deployment.id) });
  const candidates = await Promise.all((await api.deployments(request.environment, request.sha)).map(withStatuses));
  const deployment = deploymentOfRun(candidates, request.runId);
  if (!deployment)
    return {
      notFound: `no deployment of environment ${request.environment} for commit ${request.sha} links to run ${request.runId} (${candidates.length} of that commit listed): is the job bound to the environment ${request.environment} (environment: ${request.environment})?`,
    };
  const description = deploymentDescription(request);
  await api.createStatus(deployment.id, {
    state: request.verified ? 'success' : 'failure',
    description,
    logUrl: request.runUrl,
    ...(request.environmentUrl ? { environmentUrl: request.environmentUrl } : {}),
    // A failed verification leaves the earlier deployment active: a rollback restored it, or nothing replaced it.
    autoInactive: request.verified,
  });
  if (!request.verified) return { recorded: deployment, description, inactivated: [] };
  const earlier = await Promise.all(
    (await api.deployments(request.environment)).slice(0, recentDeployments).map(async (candidate) => ({
      deployment: candidate,
      latest: (await api.statuses(candidate.id))[0],
    })),
  );
  const inactivated = supersededDeployments(deployment, earlier);
  for (const superseded of inactivated) {
    await api.createStatus(superseded.id, {
      state: 'inactive',
      description: `Superseded by deployment ${deployment.id} (${description})`.slice(0, descriptionLimit),
      autoInactive: false,
    });
  }
  return { recorded: deployment, description, inactivated };
}
