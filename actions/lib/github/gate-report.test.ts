import { afterEach, describe, expect, it } from 'vitest';
import { commentMarker, gateReportMarkdown, gateTable, GateReportError, parseGates } from './gate-report.ts';
import { upsertStickyComment } from './sticky-comment.ts';
import { startGitHubCommentsApi } from '../../test-support/github-comments-api.ts';
import type { GitHubCommentsApi } from '../../test-support/github-comments-api.ts';

const gatesYaml = `
- gate: tests
  status: success
  summary: 412 passed
  url: https://github.com/acme/shop/actions/runs/7/job/1
- gate: coverage
  status: success
  summary: 91.2% lines
- gate: sonarcloud
  status: failure
  summary: "new_coverage is 72.5 (fails when < 80)"
  url: https://sonarcloud.io/dashboard?id=acme_shop&pullRequest=15
- gate: trivy
  status: skipped
- gate: manifest-validation
  status: passed
- gate: terraform
  status: success
- gate: workflow-lint
  status: success
- gate: e2e
  name: Playwright end-to-end
  status: success
`;

describe('gate table', () => {
  it('lists the seven gates in order, then the others, with links', () => {
    const table = gateTable(parseGates(gatesYaml, "input 'gates'"));
    expect(table.rows.map((row) => [row.name, row.outcome])).toEqual([
      ['Tests', 'passed'],
      ['Coverage', 'passed'],
      ['SonarCloud', 'failed'],
      ['Trivy image scan', 'skipped'],
      ['GitOps manifest validation', 'passed'],
      ['Terraform', 'passed'],
      ['Workflow lint', 'passed'],
      ['Playwright end-to-end', 'passed'],
    ]);
    expect(table.overall).toBe('failed');
    const markdown = gateReportMarkdown(table, {
      marker: 'slipway-gate-report',
      commit: '860c1904a1ce19322e91ac35af1ab07466440c37',
      runUrl: 'https://github.com/acme/shop/actions/runs/7',
      updatedAt: new Date('2026-11-22T04:30:00.123Z'),
    });
    expect(markdown.split('\n').slice(0, 5)).toEqual([
      '<!-- slipway-gate-report -->',
      '### Quality gates — ❌ failed: SonarCloud',
      '',
      '| Gate | Result | Details |',
      '| --- | --- | --- |',
    ]);
    expect(markdown).toContain('| [Tests](https://github.com/acme/shop/actions/runs/7/job/1) | ✅ passed | 412 passed |');
    expect(markdown).toContain(
      '| [SonarCloud](https://sonarcloud.io/dashboard?id=acme_shop&pullRequest=15) | ❌ failed | new_coverage is 72.5 (fails when < 80) |',
    );
    expect(markdown).toContain('| Trivy image scan | ⏭️ skipped |  |');
    expect(markdown).toContain(
      '<sub>commit `860c190` · [workflow run](https://github.com/acme/shop/actions/runs/7) · updated 2026-11-22T04:30:00Z</sub>',
    );
  });

  it.each([
    {
      name: 'all passed',
      yaml: '[{gate: tests, status: success}, {gate: coverage, status: ok}, {gate: sonarcloud, status: passed}, {gate: trivy, status: success}, {gate: manifest-validation, status: success}, {gate: terraform, status: success}, {gate: workflow-lint, status: success}]',
      overall: 'passed',
    },
    { name: 'a gate not reported', yaml: '[{gate: tests, status: success}]', overall: 'pending' },
    { name: 'a cancelled gate fails', yaml: '[{gate: tests, status: cancelled}]', overall: 'failed' },
    { name: 'in progress', yaml: '[{gate: tests, status: in_progress}]', overall: 'pending' },
  ])('overall: $name → $overall', ({ yaml, overall }) => {
    expect(gateTable(parseGates(yaml, 'gates')).overall).toBe(overall);
  });

  it('marks a gate that did not report', () => {
    const markdown = gateReportMarkdown(gateTable(parseGates('- {gate: tests, status: success}', 'gates')), {
      marker: 'm',
      updatedAt: new Date(0),
    });
    expect(markdown).toContain('| Terraform | ➖ not reported |  |');
  });

  it.each([
    ['- gate: tests\n  status: green\n', /^input 'gates' line 1 \(gate tests\): status 'green' is not one of success, failure/],
    ['- gate: tests\n  status: success\n- gate: tests\n  status: failure\n', /line 3: gate 'tests' is listed twice/],
    ['tests: success\n', /must be a YAML list of entries/],
    ['- gate: Tests!\n  status: success\n', /line 1: 'gate' must be an id/],
    ['- gate: tests\n  status: success\n  link: x\n', /unknown key 'link'/],
    ['- gate: tests\n  status: success\n  url: javascript:alert(1)\n', /must be an http\(s\) link/],
    ['- [unclosed\n', /^input 'gates' line \d+: not valid YAML/],
  ])('refuses %j naming the input and line', (yaml, message) => {
    expect(() => parseGates(yaml, "input 'gates'")).toThrow(GateReportError);
    expect(() => parseGates(yaml, "input 'gates'")).toThrow(message);
  });

  it('keeps summaries from closing the hidden marker or the table', () => {
    const markdown = gateReportMarkdown(gateTable(parseGates('- {gate: tests, status: success, summary: "a|b <!-- x"}', 'gates')), {
      marker: 'm',
      updatedAt: new Date(0),
    });
    expect(markdown).toContain('| Tests | ✅ passed | a\\|b &lt;!-- x |');
    expect(() => commentMarker('bad marker -->')).toThrow(GateReportError);
  });
});

describe('sticky PR comment (local server following GitHub REST issue-comment shapes)', () => {
  let api: GitHubCommentsApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });
  const marker = commentMarker('slipway-gate-report');

  it('creates the comment once, then finds it by its marker on a later page and edits it in place', async () => {
    const others = Array.from({ length: 130 }, (_, index) => ({
      id: index + 1,
      body: `review comment ${index}`,
      user: { login: 'octocat', type: 'User' },
    }));
    api = await startGitHubCommentsApi({ token: 'ghs_test', owner: 'acme', repo: 'shop', issue: 15, comments: others });
    const target = { owner: 'acme', repo: 'shop', issueNumber: 15, token: 'ghs_test', apiUrl: api.url };
    const first = await upsertStickyComment(target, marker, `${marker}\nrun 1\n`);
    expect(first.created).toBe(true);
    expect(first.url).toBe(`https://github.com/acme/shop/pull/15#issuecomment-${first.id}`);
    const second = await upsertStickyComment(target, marker, `${marker}\nrun 2\n`);
    const third = await upsertStickyComment(target, marker, `${marker}\nrun 3\n`);
    expect([second.created, third.created]).toEqual([false, false]);
    expect([second.id, third.id]).toEqual([first.id, first.id]);
    const ours = api.comments.filter((comment) => comment.body.includes(marker));
    expect(ours).toHaveLength(1);
    expect(ours[0]?.body).toBe(`${marker}\nrun 3\n`);
    expect(api.comments).toHaveLength(131);
    expect(api.requests.filter((request) => request.startsWith('POST'))).toHaveLength(1);
    expect(api.requests.filter((request) => request.startsWith('PATCH'))).toEqual([
      `PATCH /repos/acme/shop/issues/comments/${first.id}`,
      `PATCH /repos/acme/shop/issues/comments/${first.id}`,
    ]);
    expect(api.requests).toContain('GET /repos/acme/shop/issues/15/comments?per_page=100&page=2');
  });

  it('never takes a comment someone else wrote with the marker for its own: it comments anew, and leaves that one alone', async () => {
    const forged = { id: 7, body: `${marker}\n### Quality gates — ✅ every gate passed\n`, user: { login: 'mallory', type: 'User' } };
    api = await startGitHubCommentsApi({ token: 'ghs_test', owner: 'acme', repo: 'shop', issue: 15, comments: [forged] });
    const target = { owner: 'acme', repo: 'shop', issueNumber: 15, token: 'ghs_test', apiUrl: api.url };
    const first = await upsertStickyComment(target, marker, `${marker}\nrun 1\n`);
    expect(first.created).toBe(true);
    expect(first.id).not.toBe(7);
    expect(api.comments.find((comment) => comment.id === 7)?.body).toBe(forged.body);
    const second = await upsertStickyComment(target, marker, `${marker}\nrun 2\n`);
    expect(second).toMatchObject({ created: false, id: first.id });
    expect(api.requests.filter((request) => request.startsWith('PATCH'))).toEqual([`PATCH /repos/acme/shop/issues/comments/${first.id}`]);
  });

  it('names the token input on 401 Bad credentials and writes nothing', async () => {
    api = await startGitHubCommentsApi({ token: 'ghs_test', owner: 'acme', repo: 'shop', issue: 15 });
    await expect(
      upsertStickyComment({ owner: 'acme', repo: 'shop', issueNumber: 15, token: 'wrong', apiUrl: api.url }, marker, `${marker}\nx`),
    ).rejects.toThrow(
      /GitHub refused the token \(HTTP 401: Bad credentials.*\) while listing the comments of acme\/shop#15: check input 'token'/,
    );
    expect(api.comments).toHaveLength(0);
  });

  it('refuses a body without its marker', async () => {
    await expect(
      upsertStickyComment({ owner: 'a', repo: 'b', issueNumber: 1, token: 't', apiUrl: 'http://127.0.0.1:9' }, marker, 'no marker'),
    ).rejects.toThrow(/must carry its marker/);
  });
});
