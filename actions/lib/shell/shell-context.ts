/**
 * What both shells know about where they run, read once from the environment GitHub documents for
 * a job (GITHUB_WORKSPACE, GITHUB_SERVER_URL, GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_SHA,
 * GITHUB_EVENT_NAME, GITHUB_REF, GITHUB_RUN_ID); the CLI reads the same variables, so a command run inside a job behaves as the action.
 */
export interface ShellContext {
  /** The folder every path input is resolved in and must stay inside. */
  workspace: string;
  /** GitHub web root, without a trailing slash. */
  serverUrl: string;
  apiUrl?: string;
  /** `owner/name` of the repository the run belongs to. */
  repository?: string;
  sha?: string;
  /** The triggering event's name (GITHUB_EVENT_NAME) and the ref it ran on (GITHUB_REF). */
  eventName?: string;
  ref?: string;
  runId?: string;
  /** The run's page, when the repository and run id are known. */
  runUrl?: string;
}

/** A workflow run's page on GitHub: `serverUrl` without a trailing slash, `repository` as owner/name. */
export function runPage(serverUrl: string, repository: string, runId: string | number): string {
  return `${serverUrl}/${repository}/actions/runs/${runId}`;
}

export function shellContext(env: NodeJS.ProcessEnv, cwd: string, workspace: string = env['GITHUB_WORKSPACE'] || cwd): ShellContext {
  const serverUrl = (env['GITHUB_SERVER_URL'] || 'https://github.com').replace(/\/$/, '');
  const repository = env['GITHUB_REPOSITORY'] || undefined;
  const runId = env['GITHUB_RUN_ID'] || undefined;
  return {
    workspace,
    serverUrl,
    ...(env['GITHUB_API_URL'] ? { apiUrl: env['GITHUB_API_URL'] } : {}),
    ...(repository ? { repository } : {}),
    ...(env['GITHUB_SHA'] ? { sha: env['GITHUB_SHA'] } : {}),
    ...(env['GITHUB_EVENT_NAME'] ? { eventName: env['GITHUB_EVENT_NAME'] } : {}),
    ...(env['GITHUB_REF'] ? { ref: env['GITHUB_REF'] } : {}),
    ...(runId ? { runId } : {}),
    ...(repository && runId ? { runUrl: runPage(serverUrl, repository, runId) } : {}),
  };
}
