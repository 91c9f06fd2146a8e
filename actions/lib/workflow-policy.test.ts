import { describe, expect, it } from 'vitest';
import { checkWorkflow, formatWorkflowFinding } from './workflow-policy.ts';
import type { WorkflowRule } from './workflow-policy.ts';

const checkout = 'actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8';

/** A workflow that follows every rule; each broken case below changes one thing in it. */
const good = `name: Promote prod
on:
  workflow_dispatch:
    inputs:
      mode:
        type: choice
        options: [commit, pull-request]
permissions:
  contents: read
concurrency:
  group: slipway-promote-prod
  cancel-in-progress: false
jobs:
  plan:
    runs-on: ubuntu-latest
    steps:
      - uses: ${checkout} # v5.0.0
      - name: Show the difference
        env:
          MODE: \${{ inputs.mode }}
        run: npx slipway diff dev prod && echo "mode $MODE" && echo "\${{ github.sha }}"
  promote:
    needs: plan
    runs-on: ubuntu-latest
    environment: production
    permissions:
      contents: write
    steps:
      - uses: ${checkout} # v5.0.0
      - name: Promote
        uses: ./actions/promote
        with:
          environment: prod
          from-environment: dev
          mode: \${{ inputs.mode }}
`;

interface BrokenCase {
  name: string;
  /** [text to find in the good workflow, replacement], or several such pairs */
  edit: [string, string] | [string, string][];
  rule: WorkflowRule;
  line: number;
  job?: string;
  step?: string;
  says: RegExp;
}

const broken: BrokenCase[] = [
  { name: 'an action on a tag', edit: [`${checkout} # v5.0.0\n      - name: Show`, 'actions/checkout@v5\n      - name: Show'], rule: 'unpinned-action', line: 17, job: 'plan', step: 'actions/checkout@v5', says: /full 40-hex commit SHA/ },
  { name: 'an action on a short SHA', edit: [`${checkout} # v5.0.0\n      - name: Show`, 'actions/checkout@08c6903 # v5.0.0\n      - name: Show'], rule: 'unpinned-action', line: 17, job: 'plan', says: /actions\/checkout@<commit sha> # v1\.2\.3/ },
  { name: 'an action on a branch', edit: [`${checkout} # v5.0.0\n      - name: Show`, 'actions/checkout@main\n      - name: Show'], rule: 'unpinned-action', line: 17, job: 'plan', says: /pin actions\/checkout/ },
  { name: 'a docker action by tag', edit: [`${checkout} # v5.0.0\n      - name: Show`, 'docker://alpine:3.20\n      - name: Show'], rule: 'unpinned-action', line: 17, job: 'plan', says: /by digest/ },
  { name: 'a pinned action without its version', edit: [`${checkout} # v5.0.0\n      - name: Show`, `${checkout}\n      - name: Show`], rule: 'pin-without-version', line: 17, job: 'plan', says: /trailing comment/ },
  { name: 'a reusable workflow on a tag', edit: ['  promote:\n    needs: plan', '  shared:\n    uses: example/workflows/.github/workflows/x.yml@v1\n  promote:\n    needs: plan'], rule: 'unpinned-action', line: 23, job: 'shared', says: /full 40-hex/ },
  { name: 'no top-level permissions', edit: ['permissions:\n  contents: read\nconcurrency', 'concurrency'], rule: 'top-level-permissions', line: 1, says: /contents: read/ },
  { name: 'top-level write-all', edit: ['permissions:\n  contents: read\n', 'permissions: write-all\n'], rule: 'write-all-permissions', line: 8, says: /grant writes in the jobs/ },
  { name: 'top-level read-all', edit: ['permissions:\n  contents: read\n', 'permissions: read-all\n'], rule: 'top-level-permissions', line: 8, says: /read-all/ },
  { name: 'a write scope at top level', edit: ['permissions:\n  contents: read\n', 'permissions:\n  contents: read\n  pull-requests: write\n'], rule: 'top-level-permissions', line: 10, says: /pull-requests: write to every job/ },
  { name: 'a job with write-all', edit: ['    permissions:\n      contents: write\n', '    permissions: write-all\n'], rule: 'write-all-permissions', line: 26, job: 'promote', says: /list only the scopes/ },
  { name: 'a workflow_dispatch input inside run', edit: ['echo "mode $MODE"', 'echo "mode ${{ inputs.mode }}"'], rule: 'untrusted-context-in-run', line: 21, job: 'plan', step: 'Show the difference', says: /pass it through env:/ },
  { name: 'a pull request title inside run', edit: ['echo "mode $MODE"', 'echo "${{ github.event.pull_request.title }}"'], rule: 'untrusted-context-in-run', line: 21, job: 'plan', says: /github\.event\.pull_request\.title/ },
  { name: 'the head ref inside a block script', edit: ['run: npx slipway diff dev prod && echo "mode $MODE" && echo "${{ github.sha }}"', 'run: |\n          git fetch origin "${{ github.head_ref }}"'], rule: 'untrusted-context-in-run', line: 21, job: 'plan', says: /github\.head_ref/ },
  { name: 'a comment body inside run', edit: ['echo "mode $MODE"', 'echo "${{ github.event.comment.body }}"'], rule: 'untrusted-context-in-run', line: 21, says: /comment\.body/ },
  { name: 'dispatch inputs through github.event inside run', edit: ['echo "mode $MODE"', 'echo "${{ github.event.inputs.mode }}"'], rule: 'untrusted-context-in-run', line: 21, says: /github\.event\.inputs\.mode/ },
  {
    name: 'a pull request title inside a github-script script',
    edit: [
      '      - name: Show the difference\n        env:\n          MODE: ${{ inputs.mode }}\n        run: npx slipway diff dev prod && echo "mode $MODE" && echo "${{ github.sha }}"',
      `      - name: Show the title\n        uses: actions/github-script@${'f'.repeat(40)} # v7.0.1\n        with:\n          script: core.info("\${{ github.event.pull_request.title }}")`,
    ],
    rule: 'untrusted-context-in-run',
    line: 21,
    job: 'plan',
    step: 'Show the title',
    says: /use process\.env\.VALUE/,
  },
  { name: 'a prod promotion outside production', edit: ['    environment: production\n', ''], rule: 'prod-promotion-outside-production', line: 29, job: 'promote', step: 'Promote', says: /environment: production/ },
  { name: 'a prod promotion in another environment', edit: ['    environment: production\n', '    environment: { name: staging }\n'], rule: 'prod-promotion-outside-production', line: 30, job: 'promote', says: /promotes prod outside/ },
  { name: 'a promotion whose target is an expression', edit: [['    environment: production\n', ''], ['          environment: prod\n', '          environment: ${{ inputs.environment }}\n']], rule: 'prod-promotion-outside-production', line: 29, job: 'promote', says: /may promote prod/ },
  { name: 'a prod rollback by the CLI outside production', edit: [['    environment: production\n', ''], ['      - name: Promote\n        uses: ./actions/promote\n        with:\n          environment: prod\n          from-environment: dev\n          mode: ${{ inputs.mode }}\n', '      - name: Roll back\n        run: npx slipway rollback prod\n']], rule: 'prod-promotion-outside-production', line: 29, job: 'promote', step: 'Roll back', says: /promotes prod/ },
  { name: 'a prod verification that rolls back, outside production', edit: [['    environment: production\n', ''], ['      - name: Promote\n        uses: ./actions/promote\n        with:\n          environment: prod\n          from-environment: dev\n', "      - name: Verify\n        uses: ./actions/verify\n        with:\n          environment: prod\n          rollback: 'true'\n"]], rule: 'prod-promotion-outside-production', line: 29, job: 'promote', step: 'Verify', says: /promotes prod/ },
  { name: 'a promotion concurrency that cancels', edit: ['  cancel-in-progress: false', '  cancel-in-progress: true'], rule: 'promotion-concurrency', line: 12, job: 'promote', says: /cancel-in-progress: false to queue/ },
  { name: 'a job concurrency that cancels', edit: ['    environment: production\n', '    environment: production\n    concurrency:\n      group: prod\n      cancel-in-progress: ${{ github.ref != \'refs/heads/main\' }}\n'], rule: 'promotion-concurrency', line: 28, job: 'promote', says: /job concurrency sets cancel-in-progress/ },
  { name: 'a promotion without a concurrency group', edit: ['concurrency:\n  group: slipway-promote-prod\n  cancel-in-progress: false\n', ''], rule: 'promotion-concurrency', line: 19, job: 'promote', says: /without a concurrency group/ },
  { name: 'pull_request_target', edit: ['on:\n  workflow_dispatch:', 'on:\n  pull_request_target:\n  workflow_dispatch:'], rule: 'pull-request-target', line: 3, says: /use pull_request/ },
  { name: 'pull_request_target in a list', edit: ['on:\n  workflow_dispatch:\n    inputs:\n      mode:\n        type: choice\n        options: [commit, pull-request]\n', 'on: [push, pull_request_target]\n\n\n\n\n\n'], rule: 'pull-request-target', line: 2, says: /write access/ },
  { name: 'a file that is not YAML', edit: ['jobs:\n', 'jobs: [\n'], rule: 'invalid-workflow', line: 15, says: /not valid YAML/ },
];

describe('the workflow policy', () => {
  it('finds nothing in a workflow that follows every rule', () => {
    expect(checkWorkflow('good.yml', good)).toEqual([]);
  });

  it.each(broken)('fails on $name', ({ edit, rule, line, job, step, says }) => {
    let text = good;
    for (const [find, replacement] of (Array.isArray(edit[0]) ? edit : [edit]) as [string, string][]) {
      expect(text).toContain(find);
      text = text.replace(find, replacement);
    }
    const findings = checkWorkflow('broken.yml', text);
    expect(findings.map((finding) => finding.rule)).toEqual([rule]);
    const [finding] = findings;
    expect(finding?.file).toBe('broken.yml');
    expect(finding?.line).toBe(line);
    if (job) expect(finding?.job).toBe(job);
    if (step) expect(finding?.step).toBe(step);
    expect(finding?.message).toMatch(says);
  });

  it('lets dev promotions run outside production, and local actions and docker digests unpinned by SHA', () => {
    const dev = good
      .replace('    environment: production\n', '')
      .replace('          environment: prod\n', '          environment: dev\n')
      .replace(`      - uses: ${checkout} # v5.0.0\n      - name: Promote`, `      - uses: docker://alpine@sha256:${'a'.repeat(64)}\n      - name: Promote`);
    expect(checkWorkflow('dev.yml', dev)).toEqual([]);
  });

  it('formats a finding as file:line job › step: [rule] message', () => {
    const [finding] = checkWorkflow('x.yml', good.replace('echo "mode $MODE"', 'echo "${{ inputs.mode }}"'));
    expect(finding && formatWorkflowFinding(finding)).toMatch(/^x\.yml:21 plan › Show the difference: \[untrusted-context-in-run\] \$\{\{ inputs\.mode \}\} is expanded/);
  });
});
