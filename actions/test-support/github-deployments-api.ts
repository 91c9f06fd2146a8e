/**
 * Test support: the Deployments part of the GitHub REST API stand-in (github-actions-api.ts), in the
 * shapes of github/rest-api-description (API version 2022-11-28, as shipped in
 * @octokit/openapi-types 29.0.1: schemas `deployment` and `deployment-status`):
 *
 *   GET  /repos/{o}/{r}/deployments?environment=&sha=&per_page=     [ deployment ], newest first
 *   GET  /repos/{o}/{r}/deployments/{id}/statuses                    [ deployment-status ], newest first
 *   POST /repos/{o}/{r}/deployments/{id}/statuses                    201 deployment-status; 422 for a
 *        state outside the enum or a description over 140 characters
 *
 * `auto_inactive` (default true) behaves as documented: every earlier deployment of the same
 * environment whose latest status is success gets an `inactive` status, unless that deployment is a
 * production or transient one. A test puts in the deployment GitHub creates when a job bound to an
 * environment starts (`jobDeployment`).
 */

export interface StandInDeploymentStatus {
  state: string;
  description: string;
  logUrl: string;
  environmentUrl: string;
}

export interface StandInDeployment {
  id: number;
  sha: string;
  ref: string;
  environment: string;
  productionEnvironment: boolean;
  transientEnvironment?: boolean;
  /** Oldest first. */
  statuses: StandInDeploymentStatus[];
}

const states = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'];

/**
 * The deployment GitHub makes when a job of run `runId` bound to `environment` starts: for the run's
 * commit, `production_environment` for an environment named production, and a status linking to
 * the job (`…/actions/runs/{run_id}/job/{job_id}`).
 */
export function jobDeployment(
  deployments: readonly StandInDeployment[],
  options: { environment: string; sha: string; runId: number; repository: string },
): StandInDeployment {
  return {
    id: Math.max(0, ...deployments.map((deployment) => deployment.id)) + 1,
    sha: options.sha,
    ref: 'main',
    environment: options.environment,
    productionEnvironment: options.environment === 'production',
    statuses: [
      {
        state: 'in_progress',
        description: '',
        logUrl: `https://github.com/${options.repository}/actions/runs/${options.runId}/job/${options.runId * 10 + 1}`,
        environmentUrl: '',
      },
    ],
  };
}

function deploymentView(deployment: StandInDeployment, repository: string): Record<string, unknown> {
  const url = `https://api.github.com/repos/${repository}/deployments/${deployment.id}`;
  return {
    url,
    id: deployment.id,
    node_id: `DE_${deployment.id}`,
    sha: deployment.sha,
    ref: deployment.ref,
    task: 'deploy',
    payload: {},
    original_environment: deployment.environment,
    environment: deployment.environment,
    description: null,
    creator: { login: 'github-actions[bot]', id: 41898282, type: 'Bot' },
    created_at: '2026-11-22T00:00:00Z',
    updated_at: '2026-11-22T00:00:00Z',
    statuses_url: `${url}/statuses`,
    repository_url: `https://api.github.com/repos/${repository}`,
    transient_environment: deployment.transientEnvironment ?? false,
    production_environment: deployment.productionEnvironment,
  };
}

function statusView(
  deployment: StandInDeployment,
  status: StandInDeploymentStatus,
  index: number,
  repository: string,
): Record<string, unknown> {
  const deploymentUrl = `https://api.github.com/repos/${repository}/deployments/${deployment.id}`;
  return {
    url: `${deploymentUrl}/statuses/${index + 1}`,
    id: deployment.id * 1000 + index + 1,
    node_id: `DES_${deployment.id}_${index + 1}`,
    state: status.state,
    creator: { login: 'github-actions[bot]', id: 41898282, type: 'Bot' },
    description: status.description,
    environment: deployment.environment,
    target_url: status.logUrl,
    log_url: status.logUrl,
    environment_url: status.environmentUrl,
    created_at: '2026-11-22T00:00:00Z',
    updated_at: '2026-11-22T00:00:00Z',
    deployment_url: deploymentUrl,
    repository_url: `https://api.github.com/repos/${repository}`,
  };
}

export interface DeploymentsAnswer {
  status: number;
  body: unknown;
  /** The state changed (a status was posted). */
  changed?: boolean;
}

/** Answers a Deployments request (`rest` is the path after /repos/{o}/{r}/), or undefined when it is not one. */
export function deploymentsRoute(
  deployments: StandInDeployment[],
  request: { method: string; rest: string; url: URL; body: string; repository: string },
): DeploymentsAnswer | undefined {
  const { method, rest, url, repository } = request;
  if (method === 'GET' && rest === 'deployments') {
    const environment = url.searchParams.get('environment');
    const sha = url.searchParams.get('sha');
    const perPage = Number(url.searchParams.get('per_page') ?? 30);
    const listed = deployments
      .filter((deployment) => (environment === null || deployment.environment === environment) && (sha === null || deployment.sha === sha))
      .sort((a, b) => b.id - a.id)
      .slice(0, perPage);
    return { status: 200, body: listed.map((deployment) => deploymentView(deployment, repository)) };
  }
  const match = /^deployments\/(\d+)\/statuses$/.exec(rest);
  if (!match) return undefined;
  const deployment = deployments.find((candidate) => candidate.id === Number(match[1]));
  if (!deployment) return { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };
  if (method === 'GET') {
    const views = deployment.statuses.map((status, index) => statusView(deployment, status, index, repository));
    return { status: 200, body: views.reverse() };
  }
  if (method !== 'POST') return undefined;
  const body = JSON.parse(request.body || '{}') as Record<string, unknown>;
  const description = typeof body['description'] === 'string' ? body['description'] : '';
  if (typeof body['state'] !== 'string' || !states.includes(body['state']) || description.length > 140)
    return { status: 422, body: { message: 'Validation Failed', errors: [{ resource: 'DeploymentStatus', code: 'invalid' }] } };
  const status = {
    state: body['state'],
    description,
    logUrl: String(body['log_url'] ?? body['target_url'] ?? ''),
    environmentUrl: String(body['environment_url'] ?? ''),
  };
  deployment.statuses.push(status);
  // The docs name no condition on the new status's state.
  if (body['auto_inactive'] !== false) {
    for (const earlier of deployments) {
      const latest = earlier.statuses.at(-1);
      if (earlier.id >= deployment.id || earlier.environment !== deployment.environment || latest?.state !== 'success') continue;
      if (earlier.productionEnvironment || earlier.transientEnvironment) continue;
      earlier.statuses.push({ state: 'inactive', description: '', logUrl: '', environmentUrl: '' });
    }
  }
  return { status: 201, body: statusView(deployment, status, deployment.statuses.length - 1, repository), changed: true };
}
