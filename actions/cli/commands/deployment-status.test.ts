import { describe, expect, it } from 'vitest';
import { githubApiPerFile } from '../../test-support/github-api-per-file.ts';
import { slipwayInProcess } from '../../test-support/slipway-in-process.ts';

const repository = 'example/slipway';
const sha = 'b'.repeat(40);
const github = githubApiPerFile({ tokens: ['ghs_deploy'], runs: [], artifacts: [] });

const slipway = (token: string, ...args: string[]) =>
  slipwayInProcess(args, {
    GH_TOKEN: token,
    GITHUB_REPOSITORY: repository,
    GITHUB_API_URL: github.url(),
    GITHUB_RUN_ID: '321',
    GITHUB_SHA: sha,
    GITHUB_SERVER_URL: 'https://github.com',
  });
const args = [
  'deployment-status',
  '--environment',
  'production',
  '--release',
  '1a2b3c4-20261122T030000Z',
  '--gitops-commit',
  'c'.repeat(40),
];

describe('slipway deployment-status against the Deployments API stand-in', () => {
  it('records the verification’s outcome on the run’s deployment, with the shop’s URL and the run’s page', async () => {
    github.set({ tokens: ['ghs_deploy'], runs: [], artifacts: [], deployments: [] });
    const deployment = github.jobStarts({ environment: 'production', sha, runId: 321, repository });
    const result = await slipway('ghs_deploy', ...args, '--verification', 'success', '--url', 'https://shop.example.com');
    expect(result).toMatchObject({
      code: 0,
      out: [`deployment ${deployment.id} (production): success, "Release 1a2b3c4-20261122T030000Z · GitOps cccccccccccc · verified"`],
    });
    expect(deployment.statuses.at(-1)).toMatchObject({
      environmentUrl: 'https://shop.example.com',
      logUrl: 'https://github.com/example/slipway/actions/runs/321',
    });
    const failed = await slipway('ghs_deploy', ...args, '--verification', 'failure', '--rollback');
    expect(failed.out[0]).toContain('failure, "Rollback to release 1a2b3c4-20261122T030000Z · GitOps cccccccccccc · failed verification"');
  });

  it('never fails the job for the record: no deployment, or a token the API refuses, is a warning', async () => {
    github.set({ tokens: ['ghs_deploy'], runs: [], artifacts: [], deployments: [] });
    const missing = await slipway('ghs_deploy', ...args, '--verification', 'success');
    expect(missing.code).toBe(0);
    expect(missing.out[0]).toMatch(
      /^::warning::deployment record not updated: no deployment of environment production for commit b+ links to run 321/,
    );
    const refused = await slipway('ghs_other', ...args, '--verification', 'success');
    expect(refused.code).toBe(0);
    expect(refused.out[0]).toMatch(
      /^::warning::deployment record of production not updated \(Bad credentials.*\): the job needs permissions: deployments: write/,
    );
  });

  it.each([
    [['--verification', 'skipped'], /--verification must be one of success, failure, cancelled, not 'skipped'/],
    [['--verification', 'success', '--url', 'javascript:alert(1)'], /--url 'javascript:alert\(1\)' is not an http\(s\) URL/],
    [['--verification', 'success', '--run', 'x'], /--run 'x' is not a run id/],
  ])('bad input %j is a usage error (exit 2)', async (extra, message) => {
    const result = await slipway('ghs_deploy', ...args, ...extra);
    expect(result.code).toBe(2);
    expect(result.err.join('\n')).toMatch(message);
  });
});
