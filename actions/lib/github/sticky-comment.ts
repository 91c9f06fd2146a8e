/**
 * One sticky pull-request comment: found by its hidden marker among the issue's comments written by
 * the token's own identity (GitHub REST: GET /repos/{owner}/{repo}/issues/{number}/comments, every
 * page, each with its `user.login`), so a comment anyone else wrote with the marker is never taken
 * for it, and edited in place
 * (PATCH /repos/{owner}/{repo}/issues/comments/{id}); created (POST …/issues/{number}/comments) only
 * when no comment carries the marker, so re-runs never pile up comments.
 */
import { repositoryOctokit } from './octokit.ts';

export interface StickyCommentTarget {
  owner: string;
  repo: string;
  issueNumber: number;
  token: string;
  /** REST API root (GITHUB_API_URL); the public API when absent. */
  apiUrl?: string;
  /** Login the comment is written as: `github-actions[bot]` for the workflow's token (the default), `<app-slug>[bot]` for a GitHub App's. */
  author?: string;
}

/** The login comments written with a workflow's GITHUB_TOKEN carry. */
export const workflowTokenAuthor = 'github-actions[bot]';

export interface StickyCommentResult {
  id: number;
  url: string;
  created: boolean;
}

export class StickyCommentError extends Error {
  override name = 'StickyCommentError';
}

function explain(error: unknown, action: string): StickyCommentError {
  const status = (error as { status?: number }).status;
  const message = error instanceof Error ? error.message : String(error);
  if (status === 401) return new StickyCommentError(`GitHub refused the token (HTTP 401: ${message}) while ${action}: check input 'token'`);
  if (status === 403 || status === 404) {
    return new StickyCommentError(
      `GitHub answered HTTP ${status} (${message}) while ${action}: the token needs 'pull-requests: write' (or 'issues: write') on this repository`,
    );
  }
  return new StickyCommentError(`GitHub API error while ${action}: ${message}`);
}

export async function upsertStickyComment(target: StickyCommentTarget, marker: string, body: string): Promise<StickyCommentResult> {
  if (!body.includes(marker)) throw new StickyCommentError('the comment body must carry its marker, or the next run could not find it');
  const octokit = repositoryOctokit(target, { noRetries: true });
  const { owner, repo, issueNumber } = target;
  let existing: { id: number } | undefined;
  try {
    const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: issueNumber, per_page: 100 });
    const author = target.author ?? workflowTokenAuthor;
    existing = comments.find((comment) => comment.body?.includes(marker) && comment.user?.login === author);
  } catch (error) {
    throw explain(error, `listing the comments of ${owner}/${repo}#${issueNumber}`);
  }
  try {
    if (existing) {
      const updated = await octokit.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body });
      return { id: updated.data.id, url: updated.data.html_url, created: false };
    }
    const created = await octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body });
    return { id: created.data.id, url: created.data.html_url, created: true };
  } catch (error) {
    throw explain(error, existing ? `editing comment ${existing.id}` : `commenting on ${owner}/${repo}#${issueNumber}`);
  }
}
