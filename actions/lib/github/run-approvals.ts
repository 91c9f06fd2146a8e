/**
 * Who approved this workflow run's deployment: the review history of the run (GitHub REST
 * `GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals`), as required reviewers of a
 * GitHub Environment such as `production` left it. Used for the Approved-By trailer.
 */
import { repositoryOctokit } from './octokit.ts';
import type { GitHubRepository } from './pull-request.ts';

/** Logins that approved the run, in review order, each once; empty when nobody had to. */
export async function runApprovers(repository: GitHubRepository, runId: number): Promise<string[]> {
  const octokit = repositoryOctokit(repository);
  const reviews = await octokit.rest.actions.getReviewsForRun({ owner: repository.owner, repo: repository.repo, run_id: runId });
  const logins = reviews.data.filter((review) => review.state === 'approved').map((review) => review.user.login);
  return [...new Set(logins)];
}
