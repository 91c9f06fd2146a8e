/**
 * What `slipway preview-label` reads and writes on GitHub (lib/preview/preview-label.ts decides),
 * through @actions/github's Octokit. GitHub's REST API, version 2022-11-28, as github/rest-api-description
 * ships it in @octokit/openapi-types 29.0.1 (operation → fields read):
 *   GET    /repos/{owner}/{repo}/pulls?state=open&per_page=100      pulls/list, every page (octokit.paginate
 *          follows the Link header's rel="next"); schema `pull-request-simple`: number, labels[].name,
 *          head.sha, head.repo.full_name, base.repo.full_name. The schema types head.repo as a
 *          `repository`, never null, yet GitHub answers null for a deleted fork (github/rest-api-description
 *          issue 1811): read as possibly null.
 *   GET    /repos/{owner}/{repo}/commits/{ref}                      repos/get-commit; schema `commit`:
 *          commit.committer (`nullable-git-user`).date, optional
 *   GET    /repos/{owner}/{repo}/issues/{issue_number}/events       issues/list-events, every page; schema
 *          `issue-event-for-issue`, of which `labeled-issue-event`: event, created_at, label.name
 *   DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name} issues/remove-label: 200 with the labels
 *          left; 404 (`not_found` in the spec) whose message GitHub gives as "Label does not exist" when the
 *          issue does not carry the label: only that 404 counts as off already
 *   POST   /repos/{owner}/{repo}/issues/{issue_number}/comments     issues/create-comment: { body }
 * The token needs pull-requests: write (labels and comments of pull requests) and issues: read (events).
 */
import { repositoryOctokit } from './octokit.ts';
import type { IssueEventFacts, ListedPull } from '../preview/preview-label.ts';
import type { GitHubRepository } from './pull-request.ts';

export interface PreviewPullsApi {
  /** The open pull requests, every page, in the order GitHub lists them (newest first). */
  openPulls(): Promise<ListedPull[]>;
  /** The committer date of a commit (ISO 8601), undefined when GitHub gives none. */
  committedAt(sha: string): Promise<string | undefined>;
  /** A pull request's issue events, every page. */
  issueEvents(number: number): Promise<IssueEventFacts[]>;
  /** Takes a label off: 'absent' when the pull request did not carry it (404 "Label does not exist"). */
  removeLabel(number: number, name: string): Promise<'removed' | 'absent'>;
  comment(number: number, body: string): Promise<void>;
}

interface PullData {
  number: number;
  labels: { name?: string }[];
  head: { sha: string; repo: { full_name: string } | null };
  base: { repo: { full_name: string } };
}

interface EventData {
  event: string;
  created_at: string;
  label?: { name?: string } | null;
}

/** Whether an error is GitHub's answer that the issue does not carry the label. */
function labelNotThere(error: unknown): boolean {
  const { status, response } = error as { status?: number; response?: { data?: { message?: unknown } } };
  return status === 404 && response?.data?.message === 'Label does not exist';
}

/** The pull-request API of one repository. */
export function previewPullsApi(repository: GitHubRepository): PreviewPullsApi {
  const octokit = repositoryOctokit(repository, { noRetries: true });
  const { owner, repo } = repository;
  return {
    async openPulls() {
      const pulls = (await octokit.paginate(octokit.rest.pulls.list, {
        owner,
        repo,
        state: 'open',
        per_page: 100,
      })) as unknown as PullData[];
      return pulls.map((pull) => ({
        number: pull.number,
        labels: pull.labels.map((label) => label.name ?? ''),
        headRepository: pull.head.repo?.full_name ?? null,
        baseRepository: pull.base.repo.full_name,
        headSha: pull.head.sha,
      }));
    },
    async committedAt(sha) {
      const { data } = await octokit.rest.repos.getCommit({ owner, repo, ref: sha });
      return data.commit.committer?.date ?? undefined;
    },
    async issueEvents(number) {
      const events = (await octokit.paginate(octokit.rest.issues.listEvents, {
        owner,
        repo,
        issue_number: number,
        per_page: 100,
      })) as unknown as EventData[];
      return events.map((event) => ({
        event: event.event,
        createdAt: event.created_at,
        ...(event.label?.name === undefined ? {} : { label: event.label.name }),
      }));
    },
    async removeLabel(number, name) {
      try {
        await octokit.rest.issues.removeLabel({ owner, repo, issue_number: number, name });
        return 'removed';
      } catch (error) {
        if (labelNotThere(error)) return 'absent';
        throw error;
      }
    },
    async comment(number, body) {
      await octokit.rest.issues.createComment({ owner, repo, issue_number: number, body });
    },
  };
}
