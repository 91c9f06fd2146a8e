/**
 * Pull-request mode: one PR per environment promotion branch, created through the GitHub REST API
 * (@actions/github's Octokit). A re-run finds the open PR of the same branch and updates it.
 */
import { repositoryOctokit } from './octokit.ts';

export interface GitHubRepository {
  owner: string;
  repo: string;
  token: string;
  /** REST API root; GitHub Enterprise or a test server. Defaults to GITHUB_API_URL, else the public API. */
  apiUrl?: string;
}

export interface PullRequestContent {
  head: string;
  base: string;
  title: string;
  body: string;
}

export interface PullRequestResult {
  url: string;
  number: number;
  created: boolean;
}

/** Parses `owner/name` (also from an https clone URL). */
export function parseRepositoryName(text: string, option: string): { owner: string; repo: string } {
  const match = /^(?:https:\/\/[^/]+\/)?([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?\/?$/.exec(text.trim());
  if (!match?.[1] || !match[2]) throw new Error(`${option}: '${text}' is not a GitHub repository (owner/name)`);
  return { owner: match[1], repo: match[2] };
}

/** Creates the PR, or updates the open PR that already has this head branch. */
export async function upsertPullRequest(repository: GitHubRepository, content: PullRequestContent): Promise<PullRequestResult> {
  const octokit = repositoryOctokit(repository);
  const { owner, repo } = repository;
  const open = await octokit.rest.pulls.list({
    owner,
    repo,
    head: `${owner}:${content.head}`,
    base: content.base,
    state: 'open',
    per_page: 10,
  });
  const existing = open.data.find((pull) => pull.head.ref === content.head);
  if (existing) {
    const updated = await octokit.rest.pulls.update({
      owner,
      repo,
      pull_number: existing.number,
      title: content.title,
      body: content.body,
    });
    return { url: updated.data.html_url, number: updated.data.number, created: false };
  }
  const created = await octokit.rest.pulls.create({
    owner,
    repo,
    head: content.head,
    base: content.base,
    title: content.title,
    body: content.body,
  });
  return { url: created.data.html_url, number: created.data.number, created: true };
}
