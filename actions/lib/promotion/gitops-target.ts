/**
 * Where a promotion lands: the remote of the current checkout (GitOps tree inside the monorepo) or a
 * separate GitOps repository reached by URL with a token, through a scratch bare repository.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git } from '../git/git.ts';
import type { GitopsRemote } from './landing.ts';
import { repositoryPath } from '../shell/workspace-paths.ts';

export interface GitopsTargetOptions {
  /** The checkout the command runs in. */
  checkout: string;
  /** Separate GitOps repository: `owner/name`, an https URL, or a local path / file URL. Empty: the checkout's remote. */
  repository?: string;
  /** Remote name in the checkout (same-checkout mode). */
  remote?: string;
  branch: string;
  token?: string;
  /** Folder of the GitOps tree inside the repository; defaults to `gitops-repo` in the checkout, the root of a separate repository. */
  gitopsPath?: string;
  /** GitHub web root for `owner/name` (GITHUB_SERVER_URL). */
  serverUrl?: string;
}

export interface OpenedGitopsTarget {
  remote: GitopsRemote;
  gitopsPath: string;
  close(): void;
}

const branchName = /^(?!.*\.\.)(?!.*\/\/)(?!\/)(?!.*\/$)[A-Za-z0-9._/-]{1,200}$/;

/** Resolves the options into a remote to land on; `close()` removes any scratch repository. */
export async function openGitopsTarget(options: GitopsTargetOptions): Promise<OpenedGitopsTarget> {
  if (!branchName.test(options.branch) || options.branch.startsWith('-')) {
    throw new Error(`branch: '${options.branch}' is not a valid branch name`);
  }
  const repository = options.repository?.trim() ?? '';
  if (repository === '') {
    const gitopsPath = repositoryPath(options.gitopsPath ?? 'gitops-repo', 'gitops-path');
    await git(['rev-parse', '--git-dir'], { cwd: options.checkout });
    // The token goes to git through the environment: a checkout made with persist-credentials: false
    // has none. One whose checkout kept its own header keeps using it (two would conflict).
    const persisted = await git(['config', '--local', '--get-regexp', '^http\\..*\\.extraheader$'], { cwd: options.checkout }).catch(
      () => '',
    );
    const credentials = options.token && persisted.trim() === '' ? { credentials: { token: options.token } } : {};
    return {
      remote: { repoDir: options.checkout, remote: options.remote ?? 'origin', branch: options.branch, ...credentials },
      gitopsPath,
      close: () => undefined,
    };
  }
  const url = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)
    ? `${(options.serverUrl ?? 'https://github.com').replace(/\/$/, '')}/${repository}.git`
    : repository;
  if (url.startsWith('-')) throw new Error(`gitops-repository: '${repository}' is not a repository URL`);
  if (/^[a-z]+:\/\/[^/]*@/i.test(url)) {
    throw new Error('gitops-repository: put the token in the token input, not in the URL (it would be shown in logs)');
  }
  const scratch = mkdtempSync(join(tmpdir(), 'slipway-gitops-'));
  await git(['init', '--quiet', '--bare', scratch], { cwd: tmpdir() });
  const gitopsPath = repositoryPath(options.gitopsPath ?? '', 'gitops-path');
  return {
    remote: { repoDir: scratch, remote: url, branch: options.branch, ...(options.token ? { credentials: { token: options.token } } : {}) },
    gitopsPath,
    close: () => rmSync(scratch, { recursive: true, force: true }),
  };
}
