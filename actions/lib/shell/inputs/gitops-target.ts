/**
 * The inputs naming where a GitOps commit lands (promote, rollback, and verify's rollback): the
 * GitOps tree's folder, a separate GitOps repository, the branch, the checkout's remote (CLI) and
 * the token that may push there (the action's `token`, the CLI's `$GITOPS_TOKEN` or `--token-env NAME`).
 */
import type { GitopsTargetOptions } from '../../promotion/gitops-target.ts';
import type { ShellContext } from '../shell-context.ts';
import { repositoryPath } from '../workspace-paths.ts';
import type { Field, RawInputs } from './raw-inputs.ts';

export const gitopsTargetFields = {
  gitopsPath: { kind: 'text', input: 'gitops-path', flag: '--gitops-path' },
  gitopsRepository: { kind: 'text', input: 'gitops-repository', flag: '--gitops-repository' },
  remote: { kind: 'text', flag: '--remote' },
  branch: { kind: 'text', input: 'branch', flag: '--branch' },
  token: { kind: 'text', input: 'token', flag: '--token-env', secretEnv: 'GITOPS_TOKEN' },
} as const satisfies Record<string, Field>;

export const gitopsTargetUsage =
  '[--gitops-path gitops-repo] [--gitops-repository owner/name|URL] [--remote origin] [--branch main] [--token-env GITOPS_TOKEN]';

export function parseGitopsTarget(raw: RawInputs<typeof gitopsTargetFields>, context: ShellContext): GitopsTargetOptions {
  const gitopsPath = raw.text('gitopsPath');
  // Checked here so that a bad path is refused before anything is fetched; openGitopsTarget applies the default.
  if (gitopsPath !== '') repositoryPath(gitopsPath, raw.label('gitopsPath'));
  const repository = raw.text('gitopsRepository');
  const token = raw.text('token');
  return {
    checkout: context.workspace,
    branch: raw.text('branch') || 'main',
    remote: raw.text('remote') || 'origin',
    ...(repository ? { repository } : {}),
    ...(gitopsPath ? { gitopsPath } : {}),
    ...(token ? { token } : {}),
    serverUrl: context.serverUrl,
  };
}
