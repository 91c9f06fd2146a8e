import { describe, expect, it } from 'vitest';
import { githubApiPerFile } from '../../test-support/github-api-per-file.ts';
import type { StandInDeployment } from '../../test-support/github-deployments-api.ts';
import { deploymentDescription, deploymentsApi, recordDeployment } from './deployments.ts';
import type { RecordDeployment } from './deployments.ts';

const repository = 'example/slipway';
const sha = 'a'.repeat(40);
const github = githubApiPerFile({ tokens: ['ghs_deploy'], runs: [], artifacts: [] });

const client = () => deploymentsApi({ owner: 'example', repo: 'slipway', token: 'ghs_deploy', apiUrl: github.url() });
/** GitHub's deployment for a job of run `runId` bound to `environment`, added as the job starts. */
const jobStarts = (environment: string, runId: number): StandInDeployment => github.jobStarts({ environment, sha, runId, repository });
const request = (overrides: Partial<RecordDeployment>): RecordDeployment => ({
  environment: 'production',
  releaseId: '1a2b3c4-20261122T030000Z',
  gitopsCommit: '4f6d2a1c9b8e7d6c5b4a39281706f5e4d3c2b1a0',
  rollback: false,
  verified: true,
  runId: 700,
  sha,
  runUrl: `https://github.com/${repository}/actions/runs/700`,
  environmentUrl: 'https://shop.example.com',
  ...overrides,
});
const latest = (deployment: StandInDeployment) => deployment.statuses.at(-1);

describe('the deployment GitHub made for a job, told the truth (Deployments API stand-in)', () => {
  it('gives this run’s deployment the release, the GitOps commit, the shop’s URL and the run; an earlier prod deployment becomes inactive', async () => {
    github.set({ tokens: ['ghs_deploy'], runs: [], artifacts: [], deployments: [] });
    const before = jobStarts('production', 600);
    await recordDeployment(client(), request({ runId: 600, runUrl: `https://github.com/${repository}/actions/runs/600` }));
    const other = jobStarts('dev', 650);
    const current = jobStarts('production', 700);
    const result = await recordDeployment(client(), request({}));
    expect(result).toMatchObject({ recorded: { id: current.id }, inactivated: [{ id: before.id }] });
    expect(latest(current)).toEqual({
      state: 'success',
      description: 'Release 1a2b3c4-20261122T030000Z · GitOps 4f6d2a1c9b8e · verified',
      logUrl: `https://github.com/${repository}/actions/runs/700`,
      environmentUrl: 'https://shop.example.com',
    });
    // Production is outside auto_inactive: the superseded deployment got its own inactive status.
    expect(latest(before)).toMatchObject({
      state: 'inactive',
      description: expect.stringContaining(`Superseded by deployment ${current.id}`),
    });
    expect(latest(other)?.state).toBe('in_progress');
  });

  it('a rollback shows as a deployment of the earlier release and supersedes the rolled-back one; in dev auto_inactive does it', async () => {
    github.set({ tokens: ['ghs_deploy'], runs: [], artifacts: [], deployments: [] });
    const promoted = jobStarts('dev', 801);
    await recordDeployment(
      client(),
      request({
        environment: 'dev',
        releaseId: '2222222-20261124T000000Z',
        runId: 801,
        runUrl: 'https://github.com/example/slipway/actions/runs/801',
      }),
    );
    const rolledBack = jobStarts('dev', 802);
    const result = await recordDeployment(
      client(),
      request({ environment: 'dev', rollback: true, runId: 802, runUrl: 'https://github.com/example/slipway/actions/runs/802' }),
    );
    expect(latest(rolledBack)?.description).toBe('Rollback to release 1a2b3c4-20261122T030000Z · GitOps 4f6d2a1c9b8e · verified');
    expect(latest(promoted)).toMatchObject({ state: 'inactive', description: '' });
    // auto_inactive already did it, so nothing was left to mark.
    expect(result).toMatchObject({ inactivated: [] });
  });

  it('a failed verification is a failure of that deployment and leaves the earlier one active', async () => {
    github.set({ tokens: ['ghs_deploy'], runs: [], artifacts: [], deployments: [] });
    const running = jobStarts('production', 901);
    await recordDeployment(client(), request({ runId: 901, runUrl: 'https://github.com/example/slipway/actions/runs/901' }));
    const failed = jobStarts('production', 902);
    const result = await recordDeployment(
      client(),
      request({ verified: false, runId: 902, runUrl: 'https://github.com/example/slipway/actions/runs/902' }),
    );
    expect(result).toMatchObject({ inactivated: [] });
    expect(latest(failed)).toMatchObject({ state: 'failure', description: expect.stringContaining('failed verification') });
    expect(latest(running)?.state).toBe('success');
  });

  it('no deployment links to the run (the job is not bound to the environment): says so, posts nothing', async () => {
    github.set({ tokens: ['ghs_deploy'], runs: [], artifacts: [], deployments: [] });
    const elsewhere = jobStarts('production', 111);
    const result = await recordDeployment(client(), request({ runId: 700 }));
    expect(result).toEqual({
      notFound: `no deployment of environment production for commit ${sha} links to run 700 (1 of that commit listed): is the job bound to the environment production (environment: production)?`,
    });
    expect(elsewhere.statuses).toHaveLength(1);
  });
});

describe('deploymentDescription', () => {
  it('fits GitHub’s 140 characters', () => {
    const long = deploymentDescription({ releaseId: 'r'.repeat(128), gitopsCommit: 'f'.repeat(40), rollback: true, verified: false });
    expect(long).toHaveLength(140);
    expect(long.endsWith('…')).toBe(true);
  });
});
