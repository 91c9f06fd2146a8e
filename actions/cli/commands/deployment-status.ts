import { deploymentsApi, recordDeployment } from '../../lib/github/deployments.ts';
import type { Command } from '../command.ts';
import { parseCommandArgs, UsageError } from '../command.ts';
import { githubRepository } from '../github-context.ts';

const outcomes = ['success', 'failure', 'cancelled'];

export const command: Command = {
  summary:
    "give this job's GitHub deployment (the one GitHub made for its environment) the release, the GitOps commit and the shop's URL, as success or failure by the verification's outcome; mark the deployments it superseded inactive. Never fails the job for the record: a lookup or API problem is a warning",
  usage:
    'slipway deployment-status --environment <GitHub environment> --release <id> --gitops-commit <sha> --verification <success|failure|cancelled> [--rollback] [--url <shop URL>] [--run <run id>] [--sha <commit>] [--repository owner/name]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      environment: { type: 'string' },
      release: { type: 'string' },
      'gitops-commit': { type: 'string' },
      verification: { type: 'string' },
      rollback: { type: 'boolean', default: false },
      url: { type: 'string', default: '' },
      run: { type: 'string' },
      sha: { type: 'string' },
      repository: { type: 'string' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0] ?? ''}'`);
    const environment = values.environment ?? '';
    if (!/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,254}$/.test(environment))
      throw new UsageError('give --environment, the GitHub environment of the job (e.g. production)');
    const releaseId = values.release ?? '';
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(releaseId)) throw new UsageError(`--release '${releaseId}' is not a release id`);
    const gitopsCommit = values['gitops-commit'] ?? '';
    if (!/^[0-9a-f]{7,64}$/.test(gitopsCommit)) throw new UsageError(`--gitops-commit '${gitopsCommit}' is not a commit SHA`);
    const verification = values.verification ?? '';
    if (!outcomes.includes(verification))
      throw new UsageError(`--verification '${verification}' is not one of ${outcomes.join(', ')} (the verify step's outcome)`);
    if (values.url !== '' && !/^https?:\/\/[^\s]+$/.test(values.url)) throw new UsageError(`--url '${values.url}' is not an http(s) URL`);
    const runId = Number(values.run ?? io.env['GITHUB_RUN_ID'] ?? '');
    if (!Number.isSafeInteger(runId) || runId <= 0)
      throw new UsageError('give --run (or set GITHUB_RUN_ID): the run whose deployment this is');
    const sha = values.sha ?? io.env['GITHUB_SHA'] ?? '';
    if (!/^[0-9a-f]{40}$/.test(sha)) throw new UsageError('give --sha (or set GITHUB_SHA): the commit the run ran for');
    const repository = githubRepository(io, values.repository);
    const serverUrl = io.env['GITHUB_SERVER_URL'] || 'https://github.com';
    const request = {
      environment,
      releaseId,
      gitopsCommit,
      rollback: values.rollback,
      verified: verification === 'success',
      runId,
      sha,
      runUrl: `${serverUrl}/${repository.owner}/${repository.repo}/actions/runs/${runId}`,
      environmentUrl: values.url,
    };
    // The record never decides the job's outcome (the verification does): problems are warnings.
    try {
      const result = await recordDeployment(deploymentsApi(repository), request);
      if ('notFound' in result) {
        io.out(`::warning::deployment record not updated: ${result.notFound}`);
        return 0;
      }
      io.out(`deployment ${result.recorded.id} (${environment}): ${request.verified ? 'success' : 'failure'}, "${result.description}"`);
      for (const superseded of result.inactivated) io.out(`deployment ${superseded.id} (${environment}): inactive, superseded`);
      return 0;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      io.out(
        `::warning::deployment record of ${environment} not updated (${message}): the job needs permissions: deployments: write, and the API must answer`,
      );
      return 0;
    }
  },
};
