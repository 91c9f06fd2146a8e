import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubActionsApi } from '../../test-support/github-actions-api.ts';
import type { ActionsApiState, StandInRun } from '../../test-support/github-actions-api.ts';
import type { CommandIo } from '../command.ts';
import { main } from '../main.ts';

const repository = 'example/slipway';
const release = '1a2b3c4-20261122T030000Z';
const sha = `1a2b3c4${'5'.repeat(33)}`;
const releaseRun = (id: number, overrides: Partial<StandInRun> = {}): StandInRun => ({
  id,
  path: '.github/workflows/release.yml',
  event: 'push',
  headBranch: 'main',
  headSha: sha,
  headRepository: repository,
  name: 'Release',
  ...overrides,
});

let state: ActionsApiState = { tokens: ['ghs_runs'], runs: [], artifacts: [] };
let api: { url: string; close: () => Promise<void> };
beforeAll(async () => {
  api = await startGitHubActionsApi(() => state);
});
afterAll(() => api.close());

async function slipway(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIo = {
    cwd: process.cwd(),
    env: { GH_TOKEN: 'ghs_runs', GITHUB_REPOSITORY: repository, GITHUB_API_URL: api.url },
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  };
  return { code: await main(args, io), out, err };
}

describe('slipway release-run against a local stand-in of GitHub’s Actions REST API', () => {
  it('--release: the push run of release.yml to main that uploaded both the manifest and the verified marker', async () => {
    state = {
      tokens: ['ghs_runs'],
      runs: [releaseRun(501), releaseRun(502, { headSha: `9999999${'0'.repeat(33)}` })],
      artifacts: [
        { name: `release-manifest-${release}`, runId: 501 },
        { name: `release-verified-dev-${release}`, runId: 501 },
      ],
    };
    const result = await slipway('release-run', '--release', release);
    expect(result).toMatchObject({ code: 0, out: ['release-run=501', `release-id=${release}`] });
    expect(result.err.join('\n')).toContain('built and verified in dev by run 501');
  });

  it('--release: a manifest uploaded by a pull request run is refused, though an artifact of that name exists', async () => {
    state = {
      tokens: ['ghs_runs'],
      runs: [releaseRun(901, { event: 'pull_request', headBranch: 'main', headRepository: 'mallory/slipway' })],
      artifacts: [
        { name: `release-manifest-${release}`, runId: 901 },
        { name: `release-verified-dev-${release}`, runId: 901 },
      ],
    };
    const result = await slipway('release-run', '--release', release);
    expect(result.code).toBe(1);
    expect(result.out).toEqual([]);
    expect(result.err.join('\n')).toMatch(
      /comes only from runs that may not promote \(run 901 was triggered by pull_request, not by push\)/,
    );
  });

  it('--release: a verified marker from another run than the one that built the release is refused', async () => {
    state = {
      tokens: ['ghs_runs'],
      runs: [releaseRun(501), releaseRun(777, { event: 'pull_request', headBranch: 'feature' })],
      artifacts: [
        { name: `release-manifest-${release}`, runId: 501 },
        { name: `release-verified-dev-${release}`, runId: 777 },
      ],
    };
    const result = await slipway('release-run', '--release', release);
    expect(result.code).toBe(1);
    expect(result.err.join('\n')).toMatch(
      /marker comes from run 777 was triggered by pull_request.*not from run 501 that built the release/,
    );
  });

  it('--run: a Release run from a fork is refused; a trusted run gives the release it verified, or nothing to promote', async () => {
    state = {
      tokens: ['ghs_runs'],
      runs: [releaseRun(66, { headRepository: 'mallory/slipway' }), releaseRun(502), releaseRun(599)],
      artifacts: [
        { name: `release-manifest-${release}`, runId: 66 },
        { name: `release-verified-dev-${release}`, runId: 66 },
        { name: `release-manifest-${release}`, runId: 502 },
        { name: `release-verified-dev-${release}`, runId: 502 },
      ],
    };
    const fork = await slipway('release-run', '--run', '66');
    expect(fork.code).toBe(1);
    expect(fork.err.join('\n')).toMatch(/run 66 ran code from mallory\/slipway, not from example\/slipway/);
    expect(await slipway('release-run', '--run', '502')).toMatchObject({ code: 0, out: [`verified-release=${release}`] });
    expect(await slipway('release-run', '--run', '599')).toMatchObject({
      code: 0,
      out: ['skip=true'],
      err: ['Release run 599 verified no new release in dev: nothing to promote.'],
    });
  });

  it('says what is missing: no token, both or neither of --release and --run', async () => {
    expect((await slipway('release-run')).code).toBe(2);
    expect((await slipway('release-run', '--release', release, '--run', '1')).err.join('\n')).toMatch(/exactly one of --release and --run/);
    expect((await slipway('release-run', '--release', '$(id)')).err.join('\n')).toMatch(/is not a release id/);
    const io: CommandIo = {
      cwd: process.cwd(),
      env: { GITHUB_REPOSITORY: repository },
      out: () => undefined,
      err: (line) => expect(line).toMatch(/set GH_TOKEN/),
    };
    expect(await main(['release-run', '--release', release], io)).toBe(2);
  });
});

describe('slipway pending-rollback', () => {
  const rollback = (id: number, status: string, environment: string): StandInRun => ({
    id,
    path: '.github/workflows/rollback.yml',
    event: 'workflow_dispatch',
    headBranch: 'main',
    headSha: sha,
    headRepository: repository,
    status,
    displayTitle: `Rollback ${environment}`,
  });

  it('fails while a rollback of the environment waits for its reviewer, and passes once it finished', async () => {
    state = { tokens: ['ghs_runs'], runs: [rollback(41, 'waiting', 'prod'), rollback(42, 'in_progress', 'dev')], artifacts: [] };
    const waiting = await slipway('pending-rollback', 'prod');
    expect(waiting.code).toBe(1);
    expect(waiting.err.join('\n')).toMatch(/a rollback of prod has not finished \(run 41: waiting\): this promotion writes nothing/);
    state = { tokens: ['ghs_runs'], runs: [rollback(41, 'completed', 'prod'), rollback(42, 'in_progress', 'dev')], artifacts: [] };
    expect(await slipway('pending-rollback', 'prod')).toMatchObject({
      code: 0,
      out: ['no "Rollback prod" run is waiting, queued or running'],
    });
  });
});
