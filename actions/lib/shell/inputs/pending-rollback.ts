/**
 * The pending-rollback verb's inputs (`slipway pending-rollback`): the environment whose rollback
 * runs are looked for, and the repository whose runs are read (github-repository.ts).
 */
import type { GitHubRepository } from '../../github/pull-request.ts';
import { environmentName } from '../../manifests/environments.ts';
import type { ShellContext } from '../shell-context.ts';
import { githubRepositoryFields, parseGitHubRepository, readActionsRuns } from './github-repository.ts';
import type { Field, RawInputs } from './raw-inputs.ts';
import { matchedField, required } from './raw-inputs.ts';

export const pendingRollbackFields = {
  environment: { kind: 'text', flag: '<environment>' },
  ...githubRepositoryFields,
} as const satisfies Record<string, Field>;

export function parsePendingRollbackInputs(
  raw: RawInputs<typeof pendingRollbackFields>,
  context: ShellContext,
  token: string,
): { repository: GitHubRepository; environment: string } {
  const environment =
    matchedField(raw, 'environment', environmentName, "an environment name (lowercase letters, digits and '-', e.g. prod)") ||
    required(raw, 'environment', 'e.g. prod');
  return { repository: parseGitHubRepository(raw, context, token, readActionsRuns), environment };
}
