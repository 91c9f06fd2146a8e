/**
 * The Octokit (@actions/github) every lib/github module calls one repository's REST API with: its
 * token, and its API root (GITHUB_API_URL when the caller names none; the public API when neither).
 */
import { getOctokit } from '@actions/github';

export type GitHubOctokit = ReturnType<typeof getOctokit>;

/** `noRetries`: a failed request fails at once (the caller reports it), instead of being retried. */
export function repositoryOctokit(access: { token: string; apiUrl?: string }, options: { noRetries?: boolean } = {}): GitHubOctokit {
  const apiUrl = access.apiUrl ?? process.env['GITHUB_API_URL'];
  return getOctokit(access.token, { ...(apiUrl ? { baseUrl: apiUrl } : {}), ...(options.noRetries ? { request: { retries: 0 } } : {}) });
}
