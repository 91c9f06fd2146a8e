/**
 * The repository a CLI verb reads or writes through GitHub's API (`slipway release-run`,
 * `pending-rollback`, `deployment-status`): `--repository owner/name`, else GITHUB_REPOSITORY, with
 * the token (GH_TOKEN, else GITHUB_TOKEN) and GITHUB_API_URL.
 */
import { parseRepositoryName } from '../../github/pull-request.ts';
import type { GitHubRepository } from '../../github/pull-request.ts';
import type { ShellContext } from '../shell-context.ts';
import type { Field, RawInputs } from './raw-inputs.ts';
import { InputError, naming } from './raw-inputs.ts';

export const githubRepositoryFields = {
  repository: { kind: 'text', flag: '--repository' },
} as const satisfies Record<string, Field>;

/** What reading workflow runs and their artifacts needs the token to allow. */
export const readActionsRuns = 'read Actions runs (permissions: actions: read)';

/** `permissions` says what the token must allow, e.g. 'read Actions runs (permissions: actions: read)'. */
export function parseGitHubRepository(
  raw: RawInputs<typeof githubRepositoryFields>,
  context: ShellContext,
  token: string,
  permissions: string,
): GitHubRepository {
  const name = raw.text('repository') || context.repository || '';
  if (name === '') throw new InputError(`give ${raw.label('repository')} owner/name (or set GITHUB_REPOSITORY)`);
  if (token === '') throw new InputError(`set GH_TOKEN (or GITHUB_TOKEN) to a token that may ${permissions}`);
  const repository = naming('', () => parseRepositoryName(name, raw.label('repository')));
  return { ...repository, token, ...(context.apiUrl ? { apiUrl: context.apiUrl } : {}) };
}
