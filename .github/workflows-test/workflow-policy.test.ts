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
        with:
          persist-credentials: false
      - name: Promote
        uses: ./actions/promote
        with:
          environment: prod
          from-environment: dev
          checked-images: \${{ needs.plan.outputs.checked-images }}
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
  {
    name: 'deployments: write in a job that records no deployment',
    edit: ['    permissions:\n      contents: write\n', '    permissions:\n      contents: write\n      deployments: write\n'],
    rule: 'deployments-write',
    line: 28,
    job: 'promote',
    says: /grants deployments: write but records no deployment \(no slipway deployment-status step\); drop the grant/,
  },
  {
    name: 'a deployment record without deployments: write',
    edit: [
      '          mode: ${{ inputs.mode }}\n',
      '          mode: ${{ inputs.mode }}\n      - name: The deployment record\n        run: node actions/cli/dist/slipway.js deployment-status --environment production\n',
    ],
    rule: 'deployments-write',
    line: 23,
    job: 'promote',
    says: /runs slipway deployment-status without permissions: deployments: write/,
  },
  {
    name: 'deployments: write and a deployment record in a job bound to no environment',
    edit: [
      ['  plan:\n    runs-on: ubuntu-latest\n', '  plan:\n    runs-on: ubuntu-latest\n    permissions:\n      deployments: write\n'],
      [
        '${{ github.sha }}"\n',
        '${{ github.sha }}"\n      - name: The deployment record\n        run: npx slipway deployment-status --environment production\n',
      ],
    ],
    rule: 'deployments-write',
    line: 17,
    job: 'plan',
    says: /grants deployments: write but is bound to no environment/,
  },
  {
    name: 'an action on a tag',
    edit: [`${checkout} # v5.0.0\n      - name: Show`, 'actions/checkout@v5\n      - name: Show'],
    rule: 'unpinned-action',
    line: 17,
    job: 'plan',
    step: 'actions/checkout@v5',
    says: /full 40-hex commit SHA/,
  },
  {
    name: 'an action on a short SHA',
    edit: [`${checkout} # v5.0.0\n      - name: Show`, 'actions/checkout@08c6903 # v5.0.0\n      - name: Show'],
    rule: 'unpinned-action',
    line: 17,
    job: 'plan',
    says: /actions\/checkout@<commit sha> # v1\.2\.3/,
  },
  {
    name: 'an action on a branch',
    edit: [`${checkout} # v5.0.0\n      - name: Show`, 'actions/checkout@main\n      - name: Show'],
    rule: 'unpinned-action',
    line: 17,
    job: 'plan',
    says: /pin actions\/checkout/,
  },
  {
    name: 'a docker action by tag',
    edit: [`${checkout} # v5.0.0\n      - name: Show`, 'docker://alpine:3.20\n      - name: Show'],
    rule: 'unpinned-action',
    line: 17,
    job: 'plan',
    says: /by digest/,
  },
  {
    name: 'a pinned action without its version',
    edit: [`${checkout} # v5.0.0\n      - name: Show`, `${checkout}\n      - name: Show`],
    rule: 'pin-without-version',
    line: 17,
    job: 'plan',
    says: /trailing comment/,
  },
  {
    name: 'a reusable workflow on a tag',
    edit: ['  promote:\n    needs: plan', '  shared:\n    uses: example/workflows/.github/workflows/x.yml@v1\n  promote:\n    needs: plan'],
    rule: 'unpinned-action',
    line: 23,
    job: 'shared',
    says: /full 40-hex/,
  },
  {
    name: 'no top-level permissions',
    edit: ['permissions:\n  contents: read\nconcurrency', 'concurrency'],
    rule: 'top-level-permissions',
    line: 1,
    says: /contents: read/,
  },
  {
    name: 'top-level write-all',
    edit: ['permissions:\n  contents: read\n', 'permissions: write-all\n'],
    rule: 'write-all-permissions',
    line: 8,
    says: /grant writes in the jobs/,
  },
  {
    name: 'top-level read-all',
    edit: ['permissions:\n  contents: read\n', 'permissions: read-all\n'],
    rule: 'top-level-permissions',
    line: 8,
    says: /read-all/,
  },
  {
    name: 'a write scope at top level',
    edit: ['permissions:\n  contents: read\n', 'permissions:\n  contents: read\n  pull-requests: write\n'],
    rule: 'top-level-permissions',
    line: 10,
    says: /pull-requests: write to every job/,
  },
  {
    name: 'a job with write-all',
    edit: ['    permissions:\n      contents: write\n', '    permissions: write-all\n'],
    rule: 'write-all-permissions',
    line: 26,
    job: 'promote',
    says: /list only the scopes/,
  },
  {
    name: 'a workflow_dispatch input inside run',
    edit: ['echo "mode $MODE"', 'echo "mode ${{ inputs.mode }}"'],
    rule: 'untrusted-context-in-run',
    line: 21,
    job: 'plan',
    step: 'Show the difference',
    says: /pass it through env:/,
  },
  {
    name: 'a pull request title inside run',
    edit: ['echo "mode $MODE"', 'echo "${{ github.event.pull_request.title }}"'],
    rule: 'untrusted-context-in-run',
    line: 21,
    job: 'plan',
    says: /github\.event\.pull_request\.title/,
  },
  {
    name: 'the head ref inside a block script',
    edit: [
      'run: npx slipway diff dev prod && echo "mode $MODE" && echo "${{ github.sha }}"',
      'run: |\n          git fetch origin "${{ github.head_ref }}"',
    ],
    rule: 'untrusted-context-in-run',
    line: 21,
    job: 'plan',
    says: /github\.head_ref/,
  },
  {
    name: 'a comment body inside run',
    edit: ['echo "mode $MODE"', 'echo "${{ github.event.comment.body }}"'],
    rule: 'untrusted-context-in-run',
    line: 21,
    says: /comment\.body/,
  },
  {
    name: 'dispatch inputs through github.event inside run',
    edit: ['echo "mode $MODE"', 'echo "${{ github.event.inputs.mode }}"'],
    rule: 'untrusted-context-in-run',
    line: 21,
    says: /github\.event\.inputs\.mode/,
  },
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
  {
    name: 'a prod promotion outside production',
    edit: ['    environment: production\n', ''],
    rule: 'prod-promotion-outside-production',
    line: 31,
    job: 'promote',
    step: 'Promote',
    says: /environment: production/,
  },
  {
    name: 'a prod promotion in another environment',
    edit: ['    environment: production\n', '    environment: { name: staging }\n'],
    rule: 'prod-promotion-outside-production',
    line: 32,
    job: 'promote',
    says: /promotes prod outside/,
  },
  {
    name: 'a promotion whose target is an expression',
    edit: [
      ['    environment: production\n', ''],
      ['          environment: prod\n', '          environment: ${{ inputs.environment }}\n'],
    ],
    rule: 'prod-promotion-outside-production',
    line: 31,
    job: 'promote',
    says: /may promote prod/,
  },
  {
    name: 'a prod rollback by the CLI outside production',
    edit: [
      ['    environment: production\n', ''],
      [
        '      - name: Promote\n        uses: ./actions/promote\n        with:\n          environment: prod\n          from-environment: dev\n          checked-images: ${{ needs.plan.outputs.checked-images }}\n          mode: ${{ inputs.mode }}\n',
        '      - name: Roll back\n        run: npx slipway rollback prod\n',
      ],
    ],
    rule: 'prod-promotion-outside-production',
    line: 31,
    job: 'promote',
    step: 'Roll back',
    says: /promotes prod/,
  },
  {
    name: 'a prod verification that rolls back, outside production',
    edit: [
      ['    environment: production\n', ''],
      [
        '      - name: Promote\n        uses: ./actions/promote\n        with:\n          environment: prod\n          from-environment: dev\n',
        "      - name: Verify\n        uses: ./actions/verify\n        with:\n          environment: prod\n          rollback: 'true'\n",
      ],
    ],
    rule: 'prod-promotion-outside-production',
    line: 31,
    job: 'promote',
    step: 'Verify',
    says: /promotes prod/,
  },
  {
    name: 'a promotion concurrency that cancels',
    edit: ['  cancel-in-progress: false', '  cancel-in-progress: true'],
    rule: 'promotion-concurrency',
    line: 12,
    job: 'promote',
    says: /cancel-in-progress: false to queue/,
  },
  {
    name: 'a job concurrency that cancels',
    edit: [
      '    environment: production\n',
      "    environment: production\n    concurrency:\n      group: prod\n      cancel-in-progress: ${{ github.ref != 'refs/heads/main' }}\n",
    ],
    rule: 'promotion-concurrency',
    line: 28,
    job: 'promote',
    says: /job concurrency sets cancel-in-progress/,
  },
  {
    name: 'a promotion without a concurrency group',
    edit: ['concurrency:\n  group: slipway-promote-prod\n  cancel-in-progress: false\n', ''],
    rule: 'promotion-concurrency',
    line: 19,
    job: 'promote',
    says: /without a concurrency group/,
  },
  {
    name: 'pull_request_target',
    edit: ['on:\n  workflow_dispatch:', 'on:\n  pull_request_target:\n  workflow_dispatch:'],
    rule: 'pull-request-target',
    line: 3,
    says: /use pull_request/,
  },
  {
    name: 'pull_request_target in a list',
    edit: [
      'on:\n  workflow_dispatch:\n    inputs:\n      mode:\n        type: choice\n        options: [commit, pull-request]\n',
      'on: [push, pull_request_target]\n\n\n\n\n\n',
    ],
    rule: 'pull-request-target',
    line: 2,
    says: /write access/,
  },
  { name: 'a file that is not YAML', edit: ['jobs:\n', 'jobs: [\n'], rule: 'invalid-workflow', line: 15, says: /not valid YAML/ },
];

type Edits = [string, string][];

/** A rule of the production gate, shown failing on a broken snippet and passing on its fix (both edits of `good`). */
interface GateCase {
  name: string;
  broken: Edits;
  fixed: Edits;
  rule: WorkflowRule;
  job?: string;
  step?: string;
  says: RegExp;
}

const appToken = `actions/create-github-app-token@${'1'.repeat(40)} # v3.1.1`;
const afterRelease = [
  'on:\n  workflow_dispatch:',
  'on:\n  workflow_run:\n    workflows: [Release]\n    types: [completed]\n  workflow_dispatch:',
] as [string, string];
const planRuns = [
  '  plan:\n    runs-on: ubuntu-latest\n',
  "  plan:\n    if: github.event_name == 'workflow_dispatch' || (github.event.workflow_run.event == 'push' && github.event.workflow_run.path == '.github/workflows/release.yml' && github.event.workflow_run.head_repository.full_name == github.repository)\n    runs-on: ubuntu-latest\n",
] as [string, string];
const showStep = 'run: npx slipway diff dev prod && echo "mode $MODE" && echo "${{ github.sha }}"';

const gateCases: GateCase[] = [
  {
    name: 'a workflow_run trigger whose jobs do not check the run',
    broken: [afterRelease],
    fixed: [afterRelease, planRuns],
    rule: 'workflow-run-unchecked',
    job: 'plan',
    says: /github\.event\.workflow_run\.event == 'push' && github\.event\.workflow_run\.path == .* && github\.event\.workflow_run\.head_repository\.full_name == github\.repository/,
  },
  {
    name: 'a workflow_run check without the repository',
    broken: [
      afterRelease,
      [planRuns[0], planRuns[1].replace(' && github.event.workflow_run.head_repository.full_name == github.repository', '')],
    ],
    fixed: [afterRelease, planRuns],
    rule: 'workflow-run-unchecked',
    job: 'plan',
    says: /add to its if: github\.event\.workflow_run\.head_repository\.full_name == github\.repository$/,
  },
  {
    name: 'a workflow_run job after a status function (it runs although the checked job was skipped)',
    broken: [afterRelease, planRuns, ['  promote:\n    needs: plan\n', '  promote:\n    needs: plan\n    if: always()\n']],
    fixed: [
      afterRelease,
      planRuns,
      ['  promote:\n    needs: plan\n', "  promote:\n    needs: plan\n    if: github.event_name == 'workflow_dispatch' && always()\n"],
    ],
    rule: 'workflow-run-unchecked',
    job: 'promote',
    says: /runs on workflow_run without checking/,
  },
  {
    name: 'artifacts listed across every run',
    broken: [[showStep, 'run: gh api "repos/$GITHUB_REPOSITORY/actions/artifacts?name=release-manifest-$MODE"']],
    fixed: [[showStep, 'run: gh api "repos/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID/artifacts?name=release-manifest-$MODE"']],
    rule: 'cross-run-artifact',
    job: 'plan',
    step: 'Show the difference',
    says: /mixes artifacts of every run/,
  },
  {
    name: 'gh run download without a run id',
    broken: [[showStep, 'run: gh run download --name "release-manifest-$MODE" --dir release']],
    fixed: [[showStep, 'run: gh run download "$GITHUB_RUN_ID" --name "release-manifest-$MODE" --dir release']],
    rule: 'cross-run-artifact',
    job: 'plan',
    says: /without a run id/,
  },
  {
    name: 'a download action reading another run without naming it',
    broken: [
      [
        `      - name: Show the difference\n        env:\n          MODE: \${{ inputs.mode }}\n        ${showStep}`,
        `      - uses: actions/download-artifact@${'d'.repeat(40)} # v4.3.0\n        with:\n          name: release-manifest\n          github-token: \${{ github.token }}`,
      ],
    ],
    fixed: [
      [
        `      - name: Show the difference\n        env:\n          MODE: \${{ inputs.mode }}\n        ${showStep}`,
        `      - uses: actions/download-artifact@${'d'.repeat(40)} # v4.3.0\n        with:\n          name: release-manifest\n          github-token: \${{ github.token }}\n          run-id: \${{ github.run_id }}`,
      ],
    ],
    rule: 'cross-run-artifact',
    job: 'plan',
    says: /no run-id reads another run/,
  },
  {
    name: 'an App private key in a job without an environment',
    broken: [
      [
        `      - name: Show the difference\n`,
        `      - uses: ${appToken}\n        with:\n          client-id: \${{ vars.GITOPS_APP_CLIENT_ID }}\n          private-key: \${{ secrets.GITOPS_APP_PRIVATE_KEY }}\n      - name: Show the difference\n`,
      ],
    ],
    fixed: [
      [
        `      - name: Promote\n`,
        `      - uses: ${appToken}\n        with:\n          client-id: \${{ vars.GITOPS_APP_CLIENT_ID }}\n          private-key: \${{ secrets.GITOPS_APP_PRIVATE_KEY }}\n      - name: Promote\n`,
      ],
    ],
    rule: 'write-secret-outside-environment',
    job: 'plan',
    says: /secrets\.GITOPS_APP_PRIVATE_KEY, which can write, without an environment/,
  },
  {
    name: 'a repository GitOps token handed to the promote action outside an environment',
    broken: [
      ['    environment: production\n', ''],
      ['          environment: prod\n', '          environment: dev\n'],
      ['          mode: ${{ inputs.mode }}\n', '          mode: ${{ inputs.mode }}\n          token: ${{ secrets.DEPLOY_BOT }}\n'],
    ],
    fixed: [['          mode: ${{ inputs.mode }}\n', '          mode: ${{ inputs.mode }}\n          token: ${{ secrets.DEPLOY_BOT }}\n']],
    rule: 'write-secret-outside-environment',
    job: 'promote',
    says: /secrets\.DEPLOY_BOT/,
  },
  {
    name: 'a checkout keeping its credentials in a job that writes',
    broken: [
      [
        `      - uses: ${checkout} # v5.0.0\n        with:\n          persist-credentials: false\n      - name: Promote`,
        `      - uses: ${checkout} # v5.0.0\n      - name: Promote`,
      ],
    ],
    fixed: [],
    rule: 'persisted-credentials',
    job: 'promote',
    step: checkout,
    says: /may write contents.*persist-credentials: false/,
  },
  {
    name: 'a checkout keeping the token it was given',
    broken: [
      [
        `      - uses: ${checkout} # v5.0.0\n      - name: Show`,
        `      - uses: ${checkout} # v5.0.0\n        with:\n          token: \${{ github.token }}\n      - name: Show`,
      ],
    ],
    fixed: [
      [
        `      - uses: ${checkout} # v5.0.0\n      - name: Show`,
        `      - uses: ${checkout} # v5.0.0\n        with:\n          token: \${{ github.token }}\n          persist-credentials: false\n      - name: Show`,
      ],
    ],
    rule: 'persisted-credentials',
    job: 'plan',
    says: /gets a token/,
  },
  {
    name: 'a step output expanded in a script',
    broken: [['echo "mode $MODE"', 'echo "${{ steps.diff.outputs.differs }}"']],
    fixed: [
      ['MODE: ${{ inputs.mode }}\n', 'MODE: ${{ inputs.mode }}\n          DIFFERS: ${{ steps.diff.outputs.differs }}\n'],
      ['echo "mode $MODE"', 'echo "$DIFFERS"'],
    ],
    rule: 'output-in-run',
    job: 'plan',
    says: /steps\.diff\.outputs\.differs .* pass it through env:/,
  },
  {
    name: 'a job output expanded in a script',
    broken: [['echo "mode $MODE"', 'echo "${{ needs.build.outputs.release-id }}"']],
    fixed: [
      ['MODE: ${{ inputs.mode }}\n', 'MODE: ${{ inputs.mode }}\n          RELEASE: ${{ needs.build.outputs.release-id }}\n'],
      ['echo "mode $MODE"', 'echo "$RELEASE"'],
    ],
    rule: 'output-in-run',
    job: 'plan',
    says: /needs\.build\.outputs\.release-id/,
  },
  {
    name: 'secrets: inherit',
    broken: [
      [
        '  promote:\n    needs: plan',
        `  shared:\n    uses: example/workflows/.github/workflows/x.yml@${'e'.repeat(40)} # v1.0.0\n    secrets: inherit\n  promote:\n    needs: plan`,
      ],
    ],
    fixed: [
      [
        '  promote:\n    needs: plan',
        `  shared:\n    uses: example/workflows/.github/workflows/x.yml@${'e'.repeat(40)} # v1.0.0\n    secrets:\n      SONAR_TOKEN: \${{ secrets.SONAR_TOKEN }}\n  promote:\n    needs: plan`,
      ],
    ],
    rule: 'secrets-inherit',
    job: 'shared',
    says: /pass only the secrets it needs by name/,
  },
  {
    name: "a promotion of dev's images without the images the plan checked",
    broken: [['          checked-images: ${{ needs.plan.outputs.checked-images }}\n', '']],
    fixed: [],
    rule: 'unchecked-environment-copy',
    job: 'promote',
    says: /promotes what dev runs without checked-images/,
  },
  {
    name: 'a version comment naming a major version',
    broken: [[`${checkout} # v5.0.0\n      - name: Show`, `${checkout} # v5\n      - name: Show`]],
    fixed: [],
    rule: 'inexact-version-comment',
    job: 'plan',
    says: /'# v5' names a moving version/,
  },
  {
    name: 'a version comment naming a minor version',
    broken: [[`${checkout} # v5.0.0\n      - name: Show`, `${checkout} # v5.0\n      - name: Show`]],
    fixed: [[`${checkout} # v5.0.0\n      - name: Show`, `${checkout} # v5.0.0-beta.1\n      - name: Show`]],
    rule: 'inexact-version-comment',
    job: 'plan',
    says: /exact version/,
  },
];

function edited(edits: Edits): string {
  let text = good;
  for (const [find, replacement] of edits) {
    expect(text, `the edit's anchor: ${find}`).toContain(find);
    text = text.replace(find, replacement);
  }
  return text;
}

describe('the workflow policy on the ways around the production gate', () => {
  it.each(gateCases)('fails on $name, and passes once fixed', ({ broken, fixed, rule, job, step, says }) => {
    const findings = checkWorkflow('broken.yml', edited(broken));
    expect(findings.length, findings.map(formatWorkflowFinding).join('\n')).toBeGreaterThan(0);
    expect(findings.map((finding) => finding.rule)).toEqual(findings.map(() => rule));
    const [finding] = findings;
    if (job) expect(finding?.job).toBe(job);
    if (step) expect(finding?.step).toBe(step);
    expect(finding?.message).toMatch(says);
    expect(checkWorkflow('fixed.yml', edited(fixed)).map(formatWorkflowFinding)).toEqual([]);
  });
});

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
      .replace(
        `      - uses: ${checkout} # v5.0.0\n        with:\n          persist-credentials: false\n      - name: Promote`,
        `      - uses: docker://alpine@sha256:${'a'.repeat(64)}\n      - name: Promote`,
      );
    expect(checkWorkflow('dev.yml', dev)).toEqual([]);
  });

  it('formats a finding as file:line job › step: [rule] message', () => {
    const [finding] = checkWorkflow('x.yml', good.replace('echo "mode $MODE"', 'echo "${{ inputs.mode }}"'));
    expect(finding && formatWorkflowFinding(finding)).toMatch(
      /^x\.yml:21 plan › Show the difference: \[untrusted-context-in-run\] \$\{\{ inputs\.mode \}\} is expanded/,
    );
  });
});
