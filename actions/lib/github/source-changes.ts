/**
 * The source commits a promotion would bring, for the reviewer: what lies between the commit an
 * environment runs and the one it would run, each with the pull requests that merged it.
 * GitHub REST (API version 2022-11-28, docs.github.com/en/rest/commits/commits):
 * `GET /repos/{owner}/{repo}/compare/{base}...{head}` ("Compare two commits": `status`,
 * `total_commits`, `commits[].sha`, `commits[].commit.message`; at most 250 commits listed) and
 * `GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls` ("List pull requests associated with a
 * commit": `number`, `title`, `html_url`).
 */
import { repositoryOctokit } from './octokit.ts';
import { markdownLink, markdownText } from './markdown-cell.ts';
import type { GitHubRepository } from './pull-request.ts';

export interface SourceCommit {
  sha: string;
  /** The first line of the commit message. */
  subject: string;
  pullRequests: { number: number; title: string; url: string }[];
}

export interface SourceChanges {
  /** ahead, behind, diverged or identical, as GitHub compares base...head. */
  status: string;
  total: number;
  /** Newest first, at most `limit`. */
  commits: SourceCommit[];
  /** Commits between the two not listed (over `limit`). */
  hidden: number;
}

/** The commits from `base` (exclusive) to `head`, newest first, each with its pull requests. */
export async function sourceChanges(repository: GitHubRepository, base: string, head: string, limit = 20): Promise<SourceChanges> {
  const octokit = repositoryOctokit(repository);
  const { owner, repo } = repository;
  const compared = await octokit.rest.repos.compareCommitsWithBasehead({ owner, repo, basehead: `${base}...${head}` });
  const listed = [...compared.data.commits].reverse().slice(0, limit);
  const commits = await Promise.all(
    listed.map(async (commit) => {
      const pulls = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({ owner, repo, commit_sha: commit.sha });
      return {
        sha: commit.sha,
        subject: commit.commit.message.split('\n')[0] ?? '',
        pullRequests: pulls.data.map((pull) => ({ number: pull.number, title: pull.title, url: pull.html_url })),
      };
    }),
  );
  return {
    status: compared.data.status,
    total: compared.data.total_commits,
    commits,
    hidden: compared.data.total_commits - commits.length,
  };
}

/**
 * Markdown lines: one per commit, with its pull requests' titles, then how many are hidden. Subjects
 * and titles are whatever their authors wrote: escaped (markdown-cell.ts), so none can make a link,
 * HTML or a mention.
 */
export function formatSourceChanges(changes: SourceChanges): string[] {
  const lines = changes.commits.map((commit) => {
    const pulls = commit.pullRequests.map((pull) => `${markdownLink(`#${pull.number}`, pull.url)} ${markdownText(pull.title)}`).join(', ');
    const sha = commit.sha.replace(/[^0-9a-f]/gi, '').slice(0, 12);
    return `- \`${sha}\` ${markdownText(commit.subject)}${pulls ? ` — ${pulls}` : ''}`;
  });
  if (changes.status === 'behind' || changes.status === 'diverged')
    lines.unshift(`- the proposed source is ${changes.status} what runs now: check that this is not a step back`);
  if (changes.hidden > 0) lines.push(`- … and ${changes.hidden} more commit(s)`);
  return lines;
}
