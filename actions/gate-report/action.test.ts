import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { errorLines, itFailsWithNoInputs, runAction } from '../test-support/action-run.ts';
import { startGitHubCommentsApi } from '../test-support/github-comments-api.ts';
import type { GitHubCommentsApi } from '../test-support/github-comments-api.ts';

const action = import.meta.dirname;
const pullRequestEvent = {
  action: 'synchronize',
  number: 15,
  pull_request: { number: 15, head: { sha: '860c1904a1ce19322e91ac35af1ab07466440c37', ref: 'feature' } },
};
const gates = (sonar: string) => `
- gate: tests
  status: success
  summary: 412 passed
  url: https://github.com/acme/slipway/actions/runs/42/job/1
- gate: coverage
  status: success
  summary: 91.2% of lines
- gate: sonarcloud
  status: ${sonar}
  url: https://sonarcloud.io/dashboard?id=acme_slipway&pullRequest=15
- gate: trivy
  status: success
  summary: no blocking finding
- gate: manifest-validation
  status: success
- gate: terraform
  status: success
- gate: workflow-lint
  status: success
`;

describe('the gate-report action bundle against a local server following GitHub REST issue-comment shapes', () => {
  let api: GitHubCommentsApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });
  const env = () => ({
    GITHUB_REPOSITORY: 'acme/slipway',
    GITHUB_RUN_ID: '42',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: api?.url ?? '',
    GITHUB_EVENT_NAME: 'pull_request',
  });

  itFailsWithNoInputs(action, "input 'gates' is required");

  it('comments once and edits that comment on every later run, never duplicating it', async () => {
    api = await startGitHubCommentsApi({
      token: 'ghs_test',
      owner: 'acme',
      repo: 'slipway',
      issue: 15,
      comments: [{ id: 1, body: 'LGTM', user: { login: 'octocat', type: 'User' } }],
    });
    const workspace = mkdtempSync(join(tmpdir(), 'slipway-report-'));
    const first = await runAction(action, {
      workspace,
      inputs: { gates: gates('in_progress'), token: 'ghs_test' },
      event: pullRequestEvent,
      env: env(),
    });
    expect(errorLines(first)).toEqual([]);
    expect(first.code).toBe(0);
    expect(first.outputs['overall']).toBe('pending');
    const second = await runAction(action, {
      workspace,
      inputs: { gates: gates('failure'), token: 'ghs_test' },
      event: pullRequestEvent,
      env: env(),
    });
    expect(second.code).toBe(0);
    expect(second.outputs['overall']).toBe('failed');
    expect(second.outputs['comment-id']).toBe(first.outputs['comment-id']);
    expect(second.outputs['comment-url']).toBe(`https://github.com/acme/slipway/pull/15#issuecomment-${first.outputs['comment-id']}`);
    expect(api.comments).toHaveLength(2);
    const ours = api.comments.find((comment) => comment.id === Number(first.outputs['comment-id']));
    expect(ours?.body.startsWith('<!-- slipway-gate-report -->\n### Quality gates — ❌ failed: SonarCloud')).toBe(true);
    expect(ours?.body).toContain('| [SonarCloud](https://sonarcloud.io/dashboard?id=acme_slipway&pullRequest=15) | ❌ failed |  |');
    expect(ours?.body).toContain('commit `860c190` · [workflow run](https://github.com/acme/slipway/actions/runs/42)');
    expect(second.summary).toBe(ours?.body);
    expect(api.requests.filter((request) => request.startsWith('POST'))).toHaveLength(1);
    expect(api.requests.filter((request) => request.startsWith('PATCH'))).toHaveLength(1);
  });

  it('writes only the job summary outside a pull request', async () => {
    const run = await runAction(action, {
      workspace: mkdtempSync(join(tmpdir(), 'slipway-report-')),
      inputs: { gates: gates('success') },
      event: { ref: 'refs/heads/main' },
      env: { GITHUB_REPOSITORY: 'acme/slipway' },
    });
    expect(run.code).toBe(0);
    expect(run.outputs['overall']).toBe('passed');
    expect(run.outputs['comment-id']).toBe('');
    expect(run.summary).toContain('### Quality gates — ✅ every gate passed');
  });

  it('names the token input on 401 Bad credentials', async () => {
    api = await startGitHubCommentsApi({ token: 'ghs_test', owner: 'acme', repo: 'slipway', issue: 15 });
    const run = await runAction(action, {
      workspace: mkdtempSync(join(tmpdir(), 'slipway-report-')),
      inputs: { gates: gates('success'), token: 'ghs_revoked' },
      event: pullRequestEvent,
      env: env(),
    });
    expect(run.code).toBe(1);
    expect(errorLines(run)).toHaveLength(1);
    expect(errorLines(run)[0]).toMatch(
      /^GitHub refused the token \(HTTP 401: Bad credentials.*\) while listing the comments of acme\/slipway#15: check input 'token'$/,
    );
    expect(run.stdout).toContain('::add-mask::ghs_revoked');
    expect(errorLines(run)[0]).not.toContain('ghs_revoked');
    expect(api.comments).toHaveLength(0);
  });

  it.each<{ name: string; inputs: Record<string, string>; message: RegExp }>([
    {
      name: 'an unknown status',
      inputs: { gates: '- gate: tests\n  status: green\n' },
      message: /^input 'gates' line 1 \(gate tests\): status 'green' is not one of/,
    },
    { name: 'gates that are not a list', inputs: { gates: 'tests: success' }, message: /^input 'gates': must be a YAML list/ },
    {
      name: 'a bad pull request number',
      inputs: { gates: '- {gate: tests, status: success}', 'pull-request': 'abc' },
      message: /^input 'pull-request' '[^']*' is not a pull request number/,
    },
    {
      name: 'a bad marker',
      inputs: { gates: '- {gate: tests, status: success}', marker: 'two words' },
      message: /^input 'marker': marker 'two words' may only hold/,
    },
  ])('names the input for $name', async ({ inputs, message }) => {
    const run = await runAction(action, {
      workspace: mkdtempSync(join(tmpdir(), 'slipway-report-')),
      inputs,
      event: pullRequestEvent,
      env: { GITHUB_REPOSITORY: 'acme/slipway' },
    });
    expect(run.code).toBe(1);
    expect(errorLines(run)).toHaveLength(1);
    expect(errorLines(run)[0]).toMatch(message);
  });
});
