/**
 * The ways around the production gate, closed in the workflows themselves: the GitOps credential,
 * checkouts, who may start a prod promotion, the rollback queue, Approved-By, the prod verification,
 * the SonarQube scan (its version and server), the zizmor and Scorecard jobs, Dependabot and
 * CODEOWNERS. Every pinned action's commit, version comment, inputs and outputs are checked against
 * upstream in upstream-actions.test.ts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { releaseWorkflowPath, rollbackRunName } from '../../actions/lib/release/release-runs.ts';
import { condition, substitute } from './workflow-expressions.ts';
import type { WorkflowStep } from './workflow-replay.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const workflowsDir = join(root, '.github', 'workflows');
const files = readdirSync(workflowsDir)
  .filter((name) => /\.ya?ml$/.test(name))
  .sort();

interface Job {
  if?: string;
  needs?: string | string[];
  environment?: string | { name: string };
  concurrency?: { group: string };
  outputs?: Record<string, string>;
  steps?: WorkflowStep[];
}
interface Workflow {
  'run-name'?: string;
  on: Record<string, unknown>;
  concurrency?: { group: string };
  jobs: Record<string, Job>;
}
const workflow = (name: string): Workflow => parse(readFileSync(join(workflowsDir, name), 'utf8')) as Workflow;
const text = (name: string): string => readFileSync(join(workflowsDir, name), 'utf8');
const allJobs = files.flatMap((file) => Object.entries(workflow(file).jobs).map(([id, job]) => ({ file, id, job })));
const environmentOf = (job: Job): string | undefined => (typeof job.environment === 'string' ? job.environment : job.environment?.name);

describe('the GitOps credential', () => {
  it('no workflow reads a repository-level GitOps write token any more', () => {
    expect(files.filter((file) => /secrets\.GITOPS_TOKEN\b/.test(text(file)))).toEqual([]);
  });

  it('is a GitHub App token minted inside a job bound to dev or production, from that environment’s secret, for the GitOps repository only', () => {
    // Every job mints it through actions/gitops-token, which scopes it to the GitOps repository (its
    // `repositories` input); no workflow calls create-github-app-token itself, where `owner` alone
    // would scope the token to every repository of the owner's installation.
    expect(files.filter((file) => text(file).includes('actions/create-github-app-token@'))).toEqual([]);
    const actionFiles = readdirSync(join(root, 'actions'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `actions/${entry.name}/action.yml`)
      .filter((path) => existsSync(join(root, path)));
    expect(actionFiles.filter((path) => readFileSync(join(root, path), 'utf8').includes('actions/create-github-app-token@'))).toEqual([
      'actions/gitops-token/action.yml',
    ]);
    // There, the token step names the repository and no owner: the scope step's name of GITOPS_REPOSITORY.
    const wrapper = parse(readFileSync(join(root, 'actions/gitops-token/action.yml'), 'utf8')) as { runs: { steps: WorkflowStep[] } };
    const tokenSteps = wrapper.runs.steps.filter((step) => step.uses?.startsWith('actions/create-github-app-token@'));
    expect(tokenSteps.map((step) => [step.with?.['owner'], step.with?.['repositories']])).toEqual([
      [undefined, '${{ steps.scope.outputs.name }}'],
    ]);
    const minting = allJobs.flatMap(({ file, id, job }) =>
      (job.steps ?? []).filter((step) => step.uses === './actions/gitops-token').map((step) => ({ file, id, job, step })),
    );
    expect(minting.map(({ file, id }) => `${file} ${id}`).sort()).toEqual([
      'promote-prod.yml promote',
      'promote-prod.yml verify-merged',
      'release.yml promote-dev',
      'rollback.yml rollback-dev',
      'rollback.yml rollback-prod',
    ]);
    for (const { file, id, job, step } of minting) {
      expect(['dev', 'production'], `${file} ${id}`).toContain(environmentOf(job));
      expect(step.with?.['private-key']).toBe('${{ secrets.GITOPS_APP_PRIVATE_KEY }}');
      expect(step.with?.['gitops-repository'], `${file} ${id}`).toBe('${{ vars.GITOPS_REPOSITORY }}');
      // Every later step that writes takes this token (or the job's own, when no App is set up).
      for (const writer of (job.steps ?? []).filter(
        (candidate) => candidate.uses === './actions/promote' || candidate.uses === './actions/verify',
      )) {
        if (writer.with?.['token'] !== undefined)
          expect(writer.with['token'], `${file} ${id}`).toBe('${{ steps.gitops-token.outputs.token || github.token }}');
      }
    }
    for (const { file, id, job } of allJobs.filter(({ job }) => JSON.stringify(job).includes('GITOPS_APP_PRIVATE_KEY')))
      expect(environmentOf(job), `${file} ${id}`).toBeDefined();
  });

  it('every checkout leaves no credentials behind (persist-credentials: false)', () => {
    const keeping = allJobs.flatMap(({ file, id, job }) =>
      (job.steps ?? [])
        .filter((step) => step.uses?.startsWith('actions/checkout@') && String(step.with?.['persist-credentials']) !== 'false')
        .map(() => `${file} ${id}`),
    );
    expect(keeping).toEqual([]);
  });
});

describe('who may start a prod promotion after a release (workflow_run)', () => {
  const plan = workflow('promote-prod.yml').jobs['plan'];
  const after = (run: Record<string, unknown>) => ({
    github: {
      event_name: 'workflow_run',
      repository: 'example/slipway',
      event: {
        workflow_run: {
          conclusion: 'success',
          event: 'push',
          path: releaseWorkflowPath,
          head_repository: { full_name: 'example/slipway' },
          ...run,
        },
      },
    },
  });
  it.each([
    ['a push run of release.yml on main of this repository', {}, true],
    ['a pull request run of release.yml', { event: 'pull_request' }, false],
    ['a workflow a fork names Release, run from the fork’s main', { head_repository: { full_name: 'mallory/slipway' } }, false],
    ['another workflow of this repository named Release', { path: '.github/workflows/release-copy.yml' }, false],
    ['a failed release', { conclusion: 'failure' }, false],
  ])('%s → the plan job runs: %s', (_, run, runs) => {
    expect(condition(plan?.if, after(run))).toBe(runs);
  });
});

describe('the prod queue', () => {
  const promoteProd = workflow('promote-prod.yml');
  const rollbackProd = workflow('rollback.yml').jobs['rollback-prod'];
  it('a prod rollback waits in its own group, which no promotion shares, so none can take its waiting place', () => {
    expect(rollbackProd?.concurrency?.group).toBe('slipway-rollback-prod');
    const prodWriters = [
      promoteProd.concurrency?.group,
      ...Object.values(promoteProd.jobs).map((job) => job.concurrency?.group),
      workflow('release.yml').jobs['promote-dev']?.concurrency?.group,
    ];
    expect(prodWriters).not.toContain('slipway-rollback-prod');
  });

  it.each(['promote', 'verify-merged'])('promote-prod %s checks for an unfinished prod rollback before anything that writes', (id) => {
    const steps = promoteProd.jobs[id]?.steps ?? [];
    const check = steps.findIndex((step) => step.run?.trim() === 'npx slipway pending-rollback prod');
    const firstWrite = steps.findIndex((step) => step.uses === './actions/promote' || step.uses === './actions/verify');
    expect(check).toBeGreaterThanOrEqual(0);
    expect(check).toBeLessThan(firstWrite);
  });

  it('rollback runs carry the name slipway pending-rollback looks for', () => {
    for (const environment of ['dev', 'prod'])
      expect(substitute(workflow('rollback.yml')['run-name'] ?? '', { inputs: { environment } })).toBe(rollbackRunName(environment));
  });
});

describe('Approved-By and the prod verification', () => {
  it('no job names the approver itself: the promote action reads the run’s approvals (the environment reviewers)', () => {
    const named = allJobs.flatMap(({ file, id, job }) =>
      (job.steps ?? [])
        .filter((step) => step.uses === './actions/promote' && step.with?.['approver'] !== undefined)
        .map(() => `${file} ${id}`),
    );
    expect(named).toEqual([]);
    for (const { file, id, job } of allJobs.filter(({ job }) => (job.steps ?? []).some((step) => step.uses === './actions/promote'))) {
      expect(
        (job as { permissions?: Record<string, string> }).permissions?.['actions'],
        `${file} ${id}: actions: read for the approvals`,
      ).toBe('read');
    }
  });

  const verifyMerged = workflow('promote-prod.yml').jobs['verify-merged'];
  const push = (actor: string, message: string) => ({
    github: { event_name: 'push', actor, event: { head_commit: { message } } },
    vars: { GITOPS_APP_SLUG: 'slipway-gitops' },
  });
  it.each([
    ['a merged pull request whose message starts with "promote prod:"', push('mallory', 'promote prod: cart sha-4444444'), true],
    ['a merged pull request whose message starts with "rollback prod:"', push('mallory', 'rollback prod: cart'), true],
    ['a merged promotion pull request', push('release-manager', 'Merge pull request #1 from example/slipway/promote-prod'), true],
    [
      'a commit-mode promotion pushed by the GitOps App (its job verified it)',
      push('slipway-gitops[bot]', 'promote prod: cart sha-4444444'),
      false,
    ],
  ])('verify-merged after %s: runs %s', (_, values, runs) => {
    expect(condition(verifyMerged?.if, values)).toBe(runs);
  });

  it('without GITOPS_APP_SLUG every push that changes prod is verified', () => {
    expect(condition(verifyMerged?.if, { github: { event_name: 'push', actor: 'slipway-gitops[bot]' }, vars: {} })).toBe(true);
  });
});

describe('the SonarQube scan', () => {
  it('sonarqube-scan-action is at a version with the advisories fixed (5.3.1 or later)', () => {
    const version = /uses: SonarSource\/sonarqube-scan-action@[0-9a-f]{40} # v(\S+)/.exec(text('pull-request.yml'))?.[1] ?? '';
    const [major = 0, minor = 0, patch = 0] = version.split('.').map(Number);
    expect(major * 1e6 + minor * 1e3 + patch).toBeGreaterThanOrEqual(5_003_001);
  });

  it('the quality gate sends SONAR_TOKEN only to the server the scan was configured with', () => {
    const steps = workflow('pull-request.yml').jobs['sonarcloud']?.steps ?? [];
    const scan = steps.find((step) => step.uses?.startsWith('SonarSource/sonarqube-scan-action@'));
    const gate = steps.find((step) => step.uses === './actions/quality-gate');
    expect(gate?.with?.['server-url']).toBe(scan?.env?.['SONAR_HOST_URL']);
  });
});

describe('zizmor and Scorecard', () => {
  const pullRequest = workflow('pull-request.yml');
  it('zizmor runs on workflow changes as a gate: findings fail the job, the required check and show in the sticky comment', () => {
    const zizmor = pullRequest.jobs['zizmor'];
    const step = zizmor?.steps?.find((candidate) => candidate.uses?.startsWith('zizmorcore/zizmor-action@'));
    expect(step?.with).toMatchObject({ 'advanced-security': false });
    expect(String(step?.with?.['version'])).toMatch(/^\d+\.\d+\.\d+$/);
    expect(zizmor?.if).toBe("needs.changes.outputs.workflows == 'true'");
    expect(pullRequest.jobs['gates']?.needs).toContain('zizmor');
    const gates = String(
      pullRequest.jobs['report']?.steps?.find((candidate) => candidate.uses === './actions/gate-report')?.with?.['gates'] ?? '',
    );
    expect(gates).toContain('status: ${{ needs.zizmor.result }}');
    expect(gates).toContain('needs.zizmor.outputs.findings');
  });

  it('Scorecard runs on a schedule and uploads its SARIF to code scanning', () => {
    const scorecard = workflow('scorecard.yml');
    expect(Object.keys(scorecard.on)).toContain('schedule');
    const steps = scorecard.jobs['analysis']?.steps ?? [];
    const analysis = steps.find((step) => step.uses?.startsWith('ossf/scorecard-action@'));
    const upload = steps.find((step) => step.uses?.startsWith('github/codeql-action/upload-sarif@'));
    expect(analysis?.with).toMatchObject({ results_format: 'sarif' });
    expect(upload?.with?.['sarif_file']).toBe(analysis?.with?.['results_file']);
  });
});

describe('Dependabot and CODEOWNERS', () => {
  /** Folders (from the repository root) holding a file whose name matches. */
  function foldersWith(match: RegExp, dir = root): string[] {
    const entries = readdirSync(dir, { withFileTypes: true }).filter(
      (entry) => !['node_modules', '.git', '.terraform'].includes(entry.name),
    );
    const here = entries.some((entry) => entry.isFile() && match.test(entry.name)) ? [`/${relative(root, dir)}`] : [];
    return [...here, ...entries.filter((entry) => entry.isDirectory()).flatMap((entry) => foldersWith(match, join(dir, entry.name)))];
  }
  const dependabot = parse(readFileSync(join(root, '.github/dependabot.yml'), 'utf8')) as {
    updates: { 'package-ecosystem': string; directory?: string; directories?: string[]; cooldown?: { 'default-days'?: number } }[];
  };
  const covers = (ecosystem: string, folder: string): boolean =>
    dependabot.updates
      .filter((update) => update['package-ecosystem'] === ecosystem)
      .flatMap((update) => update.directories ?? [update.directory ?? ''])
      .some((pattern) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]+')}$`).test(folder));

  it('updates GitHub Actions, npm, every Dockerfile and every Terraform folder, each after a cooldown', () => {
    expect(dependabot.updates.map((update) => update['package-ecosystem']).sort()).toEqual([
      'docker',
      'github-actions',
      'npm',
      'terraform',
    ]);
    for (const update of dependabot.updates)
      expect(update.cooldown?.['default-days'], update['package-ecosystem']).toBeGreaterThanOrEqual(1);
    const dockerfiles = foldersWith(/^Dockerfile$/);
    const terraform = foldersWith(/\.tf$/).filter((folder) => folder.startsWith('/infra-repo/'));
    expect(dockerfiles.length).toBeGreaterThanOrEqual(4);
    expect(terraform.length).toBeGreaterThanOrEqual(9);
    expect(dockerfiles.filter((folder) => !covers('docker', folder))).toEqual([]);
    expect(terraform.filter((folder) => !covers('terraform', folder))).toEqual([]);
  });

  it('reads every file that uses an action of another repository: the workflows and the composite actions under actions/', () => {
    // Dependabot's github-actions file fetcher (dependabot-core at 01b270cb8a58f1707d0cc3b41f74c9a36f3e870a,
    // github_actions/lib/dependabot/github_actions/file_fetcher.rb, workflow_files):
    // directory `/` reads the root action.yml/action.yaml and .github/workflows/*.yml; any other directory only its own YAML files.
    const readBy = (directory: string): RegExp =>
      directory === '/'
        ? /^\/(action\.ya?ml|\.github\/workflows\/[^/]+\.ya?ml)$/
        : new RegExp(`^${directory.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]+')}/[^/]+\\.ya?ml$`);
    const directories = dependabot.updates
      .filter((update) => update['package-ecosystem'] === 'github-actions')
      .flatMap((update) => update.directories ?? [update.directory ?? '']);
    const using = foldersWith(/\.ya?ml$/)
      .flatMap((folder) => readdirSync(join(root, folder)).map((name) => `${folder === '/' ? '' : folder}/${name}`))
      .filter((path) => /\.ya?ml$/.test(path))
      .filter((path) => /^\s*(-\s+)?uses:\s*['"]?[\w.-]+\/[\w.-]+/m.test(readFileSync(join(root, path), 'utf8')));
    expect(using.length).toBeGreaterThanOrEqual(7);
    expect(using.filter((path) => !directories.some((directory) => readBy(directory).test(path)))).toEqual([]);
  });

  it('CODEOWNERS covers prod’s GitOps and infrastructure roots, the workflows and the actions', () => {
    const rules = readFileSync(join(root, '.github/CODEOWNERS'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'))
      .map((line) => line.trim().split(/\s+/));
    const owned = (path: string) =>
      rules.filter(([pattern]) => pattern !== undefined && path.startsWith(pattern.replace(/^\//, ''))).at(-1);
    for (const path of [
      'gitops-repo/environments/prod/services/cart.yaml',
      'infra-repo/environments/prod/main.tf',
      '.github/workflows/promote-prod.yml',
      '.github/CODEOWNERS',
      'actions/promote/action.yml',
    ]) {
      expect(owned(path)?.slice(1).length, path).toBeGreaterThan(0);
    }
    expect(owned('app-repo/services/cart/src/index.ts')).toBeUndefined();
  });
});
