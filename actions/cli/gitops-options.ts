/** Options shared by the commands that land commits in a GitOps repository (promote, rollback). */
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { openGitopsTarget } from '../lib/promotion/gitops-target.ts';
import type { OpenedGitopsTarget } from '../lib/promotion/gitops-target.ts';
import { formatImageReference, shortDigest } from '../lib/release/image-reference.ts';
import type { PromoteResult } from '../lib/promotion/promote.ts';
import { parseRepositoryName } from '../lib/github/pull-request.ts';
import type { GitHubRepository } from '../lib/github/pull-request.ts';
import type { CommandIo } from './command.ts';
import { UsageError } from './command.ts';

export const gitopsOptions = {
  'gitops-path': { type: 'string' },
  'gitops-repository': { type: 'string' },
  remote: { type: 'string', default: 'origin' },
  branch: { type: 'string', default: 'main' },
  'token-env': { type: 'string', default: 'GITOPS_TOKEN' },
  approver: { type: 'string' },
  'pull-request': { type: 'boolean', default: false },
  'github-repository': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

export const gitopsUsage =
  '[--gitops-path gitops-repo] [--gitops-repository owner/name|URL] [--remote origin] [--branch main] ' +
  '[--token-env GITOPS_TOKEN] [--approver NAME] [--pull-request --github-repository owner/name]';

type GitopsValues = { [K in keyof typeof gitopsOptions]?: string | boolean };

export function parseCommandArgs<O extends ParseArgsConfig['options']>(args: string[], options: O) {
  return parseArgs({ args, options: { ...gitopsOptions, ...options }, allowPositionals: true, strict: true });
}

export async function openTarget(values: GitopsValues, io: CommandIo): Promise<OpenedGitopsTarget> {
  const token = io.env[String(values['token-env'] ?? 'GITOPS_TOKEN')];
  return openGitopsTarget({
    checkout: io.cwd,
    branch: String(values.branch ?? 'main'),
    remote: String(values.remote ?? 'origin'),
    ...(typeof values['gitops-repository'] === 'string' ? { repository: values['gitops-repository'] } : {}),
    ...(typeof values['gitops-path'] === 'string' ? { gitopsPath: values['gitops-path'] } : {}),
    ...(token ? { token } : {}),
    ...(io.env['GITHUB_SERVER_URL'] ? { serverUrl: io.env['GITHUB_SERVER_URL'] } : {}),
  });
}

export function pullRequestTarget(values: GitopsValues, io: CommandIo): { repository: GitHubRepository } | undefined {
  if (!values['pull-request']) return undefined;
  const name = (values['github-repository'] as string | undefined) ?? (values['gitops-repository'] as string | undefined) ?? io.env['GITHUB_REPOSITORY'];
  if (!name) throw new UsageError('--pull-request needs --github-repository owner/name');
  const token = io.env[String(values['token-env'] ?? 'GITOPS_TOKEN')] ?? io.env['GITHUB_TOKEN'];
  if (!token) throw new UsageError(`--pull-request needs a token in $${String(values['token-env'] ?? 'GITOPS_TOKEN')}`);
  return { repository: { ...parseRepositoryName(name, '--github-repository'), token } };
}

/** Prints what a promotion did; the exit code is 0 for landed, unchanged and skipped alike. */
export function reportPromotion(result: PromoteResult, io: CommandIo): number {
  for (const change of result.plan.changes) {
    io.out(`${change.service}: ${change.from?.tag ?? 'unpinned'} -> ${change.image.tag} (${shortDigest(change.image.digest)}) in ${change.files.join(', ')}`);
  }
  for (const service of result.plan.unchanged) io.out(`${service}: already at the requested image`);
  for (const skipped of result.plan.skipped) io.out(`${skipped.service}: skipped — ${skipped.reason}`);
  if (result.commit) io.out(`${result.environment}: commit ${result.commit}`);
  else io.out(`${result.environment}: nothing to change, no commit`);
  if (result.pullRequest) io.out(`pull request ${result.pullRequest.created ? 'opened' : 'updated'}: ${result.pullRequest.url}`);
  return 0;
}

export { formatImageReference };
