/**
 * The deployment-status verb's inputs (`slipway deployment-status`): the GitHub environment the job
 * is bound to, the release and GitOps commit it deployed, the verification's outcome, the shop's URL,
 * and the run (--run, --sha, --repository, else GITHUB_RUN_ID, GITHUB_SHA, GITHUB_REPOSITORY) whose
 * deployment GitHub made. Parsed into lib/github/deployments.ts's request.
 */
import type { GitHubRepository } from '../../github/pull-request.ts';
import type { RecordDeployment } from '../../github/deployments.ts';
import { runPage } from '../shell-context.ts';
import type { ShellContext } from '../shell-context.ts';
import { githubRepositoryFields, parseGitHubRepository } from './github-repository.ts';
import type { Field, RawInputs } from './raw-inputs.ts';
import { choice, commitField, httpUrlField, InputError, matchedField, releaseIdField, required, runIdField } from './raw-inputs.ts';

export const deploymentStatusFields = {
  environment: { kind: 'text', flag: '--environment' },
  release: { kind: 'text', flag: '--release' },
  gitopsCommit: { kind: 'text', flag: '--gitops-commit' },
  verification: { kind: 'text', flag: '--verification' },
  rollback: { kind: 'flag', flag: '--rollback' },
  url: { kind: 'text', flag: '--url' },
  run: { kind: 'text', flag: '--run' },
  sha: { kind: 'text', flag: '--sha' },
  ...githubRepositoryFields,
} as const satisfies Record<string, Field>;

/** The verify step's outcomes a record is made for (`steps.<id>.outcome`). */
const outcomes = ['success', 'failure', 'cancelled'] as const;

/** A GitHub environment's name as Slipway's workflows write it (`environment: production`). */
const githubEnvironmentName = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,254}$/;

/** The repository's deployments API and the record to make; `token` is GH_TOKEN (or GITHUB_TOKEN). */
export function parseDeploymentStatusInputs(
  raw: RawInputs<typeof deploymentStatusFields>,
  context: ShellContext,
  token: string,
): { repository: GitHubRepository; request: RecordDeployment } {
  const environment =
    matchedField(raw, 'environment', githubEnvironmentName, 'a GitHub environment name (e.g. production)') ||
    required(raw, 'environment', 'the GitHub environment of the job (e.g. production)');
  const releaseId = releaseIdField(raw, 'release') || required(raw, 'release', 'the release the GitOps commit deploys');
  const gitopsCommit = commitField(raw, 'gitopsCommit') || required(raw, 'gitopsCommit', 'the GitOps commit the promotion made');
  const verification = choice(raw, 'verification', outcomes);
  const environmentUrl = httpUrlField(raw, 'url');
  const runId = runIdField(raw, 'run', { variable: 'GITHUB_RUN_ID', value: context.runId });
  if (runId === undefined) throw new InputError(`give ${raw.label('run')} (or set GITHUB_RUN_ID): the run whose deployment this is`);
  const sha = commitField(raw, 'sha', { full: true, fallback: { variable: 'GITHUB_SHA', value: context.sha } });
  if (sha === '') throw new InputError(`give ${raw.label('sha')} (or set GITHUB_SHA): the commit the run ran for`);
  const repository = parseGitHubRepository(raw, context, token, 'write deployment statuses (permissions: deployments: write)');
  return {
    repository,
    request: {
      environment,
      releaseId,
      gitopsCommit,
      rollback: raw.flag('rollback') ?? false,
      verified: verification === 'success',
      runId,
      sha,
      runUrl: runPage(context.serverUrl, `${repository.owner}/${repository.repo}`, runId),
      environmentUrl,
    },
  };
}
