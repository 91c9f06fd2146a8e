/**
 * The release-run verb's inputs (`slipway release-run`): exactly one of a release id, a Release
 * run's id, or an environment whose running releases are checked (`--from`, with the environment
 * they would go to, the GitOps folder and the commit to read), and the repository whose runs are
 * read (github-repository.ts).
 */
import type { GitHubRepository } from '../../github/pull-request.ts';
import { environmentName } from '../../manifests/environments.ts';
import type { ShellContext } from '../shell-context.ts';
import { repositoryPath } from '../workspace-paths.ts';
import { githubRepositoryFields, parseGitHubRepository, readActionsRuns } from './github-repository.ts';
import type { Field, RawInputs } from './raw-inputs.ts';
import { InputError, matchedField, releaseIdField, runIdField } from './raw-inputs.ts';

export const releaseRunFields = {
  release: { kind: 'text', flag: '--release' },
  run: { kind: 'text', flag: '--run' },
  from: { kind: 'text', flag: '--from' },
  to: { kind: 'text', flag: '--to' },
  gitopsPath: { kind: 'text', flag: '--gitops-path' },
  ref: { kind: 'text', flag: '--ref' },
  ...githubRepositoryFields,
} as const satisfies Record<string, Field>;

/** `--from`: what `environment` runs at `ref`, checked before `to` may take it. */
export interface EnvironmentCheck {
  environment: string;
  to: string;
  gitopsPath: string;
  ref: string;
}

export type ReleaseRunInputs = { repository: GitHubRepository } & ({ releaseId: string } | { runId: number } | { from: EnvironmentCheck });

const environmentHint = "an environment name (lowercase letters, digits and '-', e.g. dev)";

export function parseReleaseRunInputs(raw: RawInputs<typeof releaseRunFields>, context: ShellContext, token: string): ReleaseRunInputs {
  const releaseId = releaseIdField(raw, 'release');
  const runId = runIdField(raw, 'run');
  const from = matchedField(raw, 'from', environmentName, environmentHint);
  if ([releaseId !== '', runId !== undefined, from !== ''].filter(Boolean).length !== 1)
    throw new InputError(`give exactly one of ${raw.label('release')}, ${raw.label('run')} and ${raw.label('from')}`);
  for (const field of ['to', 'gitopsPath', 'ref'] as const)
    if (from === '' && raw.text(field) !== '') throw new InputError(`${raw.label(field)} goes with ${raw.label('from')} only`);
  const repository = parseGitHubRepository(raw, context, token, readActionsRuns);
  if (releaseId !== '') return { repository, releaseId };
  if (runId !== undefined) return { repository, runId };
  const gitopsPath = repositoryPath(raw.text('gitopsPath') || 'gitops-repo', raw.label('gitopsPath'));
  return {
    repository,
    from: {
      environment: from,
      to: matchedField(raw, 'to', environmentName, environmentHint) || 'prod',
      gitopsPath,
      ref: raw.text('ref') || 'HEAD',
    },
  };
}
