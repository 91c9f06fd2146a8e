/**
 * `slipway dora` over a real bare GitOps remote whose history the promote and rollback commands
 * wrote (commit times fixed with GIT_COMMITTER_DATE), figures checked against values computed by hand.
 */
import { execFile, execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createGitopsRemote, digestOf, gitopsTree, registry, removeGitopsRemotes } from '../../test-support/gitops-repository.ts';

afterAll(removeGitopsRemotes);

const bin = new URL('../slipway.js', import.meta.url).pathname;

function slipway(cwd: string, date: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, GITOPS_TOKEN: '', GIT_COMMITTER_DATE: date };
    execFile(process.execPath, [bin, ...args], { cwd, env }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** A plain git commit of one file at a fixed time, pushed: a source commit, or a hand-written GitOps change. */
function commitAt(clone: string, date: string, path: string, text: string): string {
  const env = { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
  writeFileSync(join(clone, path), text);
  execFileSync('git', ['add', path], { cwd: clone, env });
  execFileSync('git', ['commit', '--quiet', '-m', `edit ${path}`], { cwd: clone, env });
  execFileSync('git', ['pull', '--quiet', '--rebase', 'origin', 'main'], { cwd: clone, env });
  execFileSync('git', ['push', '--quiet', 'origin', 'HEAD:main'], { cwd: clone, env });
  return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: clone, encoding: 'utf8' }).trim();
}

const image = (service: string, tag: string): string => `${service}=${registry}/${service}:${tag}@${digestOf(`${service}/${tag}`)}`;

async function landed(result: Promise<{ code: number; stdout: string; stderr: string }>): Promise<void> {
  const { code, stdout, stderr } = await result;
  expect(code, stderr).toBe(0);
  expect(stdout).toMatch(/: commit [0-9a-f]{40}/);
}

describe('slipway dora', () => {
  it('reports frequency, lead time, change failure rate and time to restore of a promote/rollback history', async () => {
    const remote = createGitopsRemote(gitopsTree(['product', 'cart']));
    const author = remote.clone('author');
    const checkout = remote.clone('checkout');
    const s1 = commitAt(author, '2025-01-01T00:00:00Z', 'source-1.txt', 'first change\n');
    const s2 = commitAt(author, '2025-01-02T00:00:00Z', 'source-2.txt', 'second change\n');
    // dev: two promotions, lead times 2d (s1) and 2d 6h (s2); nothing rolled back.
    await landed(slipway(checkout, '2025-01-03T00:00:00Z', 'promote', 'dev', '--set', image('product', 'v1'), '--source-commit', s1));
    // prod: product v1 from dev 2d 12h after s1.
    await landed(slipway(checkout, '2025-01-03T12:00:00Z', 'promote', 'prod', '--from', 'dev', '--service', 'product'));
    const twoServices = ['--set', image('product', 'v2'), '--set', image('cart', 'v2'), '--source-commit', s2];
    await landed(slipway(checkout, '2025-01-04T06:00:00Z', 'promote', 'dev', ...twoServices));
    // prod: product v2, rolled back 2h later (a change failure; excluded from lead time).
    await landed(slipway(checkout, '2025-01-05T00:00:00Z', 'promote', 'prod', '--from', 'dev', '--service', 'product'));
    await landed(slipway(checkout, '2025-01-05T02:00:00Z', 'rollback', 'prod'));
    // prod: a hand-written edit (unknown), then a promotion without a source commit (lead time unknown).
    const cart = 'gitops-repo/environments/prod/services/cart.yaml';
    commitAt(author, '2025-01-06T00:00:00Z', cart, `${remote.show(cart)}# edited by hand\n`);
    await landed(slipway(checkout, '2025-01-07T00:00:00Z', 'promote', 'prod', '--set', image('product', 'v3')));
    // Outside the window: not counted.
    await landed(slipway(checkout, '2025-01-09T00:00:00Z', 'promote', 'prod', '--set', image('product', 'v4')));

    const window = ['--since', '2025-01-01', '--until', '2025-01-08', '--ref', 'origin/main'];
    execFileSync('git', ['fetch', '--quiet', 'origin'], { cwd: checkout });
    const table = await slipway(checkout, '', 'dora', ...window);
    expect(table.stderr).toBe('');
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('2025-01-01T00:00:00.000Z to 2025-01-08T00:00:00.000Z (7.0 days)');
    expect(table.stdout).toContain('| dev | 2 (2.00/week) | 2d 0h 0m / 2d 6h 0m (2) | 0.0% (0/2) | n/a (0) | none |');
    expect(table.stdout).toContain(
      '| prod | 3 (3.00/week) | 2d 12h 0m / 2d 12h 0m (1) | 33.3% (1/3) | 2h 0m (1) | 1 commit(s) without trailers; 1 source commit(s) without a time |',
    );

    const json = JSON.parse((await slipway(checkout, '', 'dora', ...window, '--json')).stdout) as {
      metrics: { environment: string; deployments: number; changeFailureRate: number; leadTime: object; timeToRestore: object }[];
    };
    const prod = json.metrics.find((entry) => entry.environment === 'prod');
    expect(prod).toMatchObject({ deployments: 3, failedDeployments: 1, rollbacks: 1, unrecordedCommits: 1 });
    expect(prod?.leadTime).toEqual({ median: 216000, p90: 216000, measured: 1, unknown: 1 });
    expect(prod?.timeToRestore).toEqual({ median: 7200, p90: 7200, measured: 1, unknown: 0 });
  });

  it.each([
    [['--since', 'last-week'], /--since 'last-week' is not a date/],
    [['--since', '2025-02-01', '--until', '2025-01-01'], /is not before --until/],
    [['--gitops-path', '../elsewhere'], /--gitops-path/],
  ])('refuses %j with a clear message', async (args, message) => {
    const remote = createGitopsRemote(gitopsTree(['product']));
    const result = await slipway(remote.clone('checkout'), '', 'dora', ...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});
