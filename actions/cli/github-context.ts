/** The GitHub repository and token a command reads runs with: --repository or GITHUB_REPOSITORY, GH_TOKEN or GITHUB_TOKEN, GITHUB_API_URL. */
import type { GitHubRepository } from '../lib/github/pull-request.ts';
import { parseRepositoryName } from '../lib/github/pull-request.ts';
import type { CommandIo } from './command.ts';
import { UsageError } from './command.ts';

export function githubRepository(io: CommandIo, given: string | undefined): GitHubRepository {
  const name = given ?? io.env['GITHUB_REPOSITORY'] ?? '';
  if (name === '') throw new UsageError('give --repository owner/name (or set GITHUB_REPOSITORY)');
  const token = io.env['GH_TOKEN'] || io.env['GITHUB_TOKEN'] || '';
  if (token === '')
    throw new UsageError('set GH_TOKEN (or GITHUB_TOKEN) to a token that may read Actions runs (permissions: actions: read)');
  const apiUrl = io.env['GITHUB_API_URL'];
  return { ...parseRepositoryName(name, '--repository'), token, ...(apiUrl ? { apiUrl } : {}) };
}
