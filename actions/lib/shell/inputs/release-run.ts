/**
 * The release-run verb's inputs (`slipway release-run`): exactly one of a release id or a Release
 * run's id, and the repository whose runs are read (github-repository.ts).
 */
import type { GitHubRepository } from '../../github/pull-request.ts';
import type { ShellContext } from '../shell-context.ts';
import { githubRepositoryFields, parseGitHubRepository, readActionsRuns } from './github-repository.ts';
import type { Field, RawInputs } from './raw-inputs.ts';
import { InputError, releaseIdField, runIdField } from './raw-inputs.ts';

export const releaseRunFields = {
  release: { kind: 'text', flag: '--release' },
  run: { kind: 'text', flag: '--run' },
  ...githubRepositoryFields,
} as const satisfies Record<string, Field>;

export type ReleaseRunInputs = { repository: GitHubRepository } & ({ releaseId: string } | { runId: number });

export function parseReleaseRunInputs(raw: RawInputs<typeof releaseRunFields>, context: ShellContext, token: string): ReleaseRunInputs {
  const releaseId = releaseIdField(raw, 'release');
  const runId = runIdField(raw, 'run');
  if ((releaseId === '') === (runId === undefined))
    throw new InputError(`give exactly one of ${raw.label('release')} and ${raw.label('run')}`);
  const repository = parseGitHubRepository(raw, context, token, readActionsRuns);
  return runId === undefined ? { repository, releaseId } : { repository, runId };
}
