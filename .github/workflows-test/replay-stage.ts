/**
 * What the replay tests run the workflows against, in place of GitHub and AWS:
 *   - GitHub's REST API (workflow runs, artifacts, approvals, pulls) — the stand-in of
 *     actions/test-support/github-actions-api.ts in a child process (the replay runs steps
 *     synchronously, so a server in the test's process could not answer), fed a state file;
 *   - the `gh` CLI (`gh run download <run> --name …`: files of that run's artifact), `npx slipway`
 *     (this repository's CLI), actions/download-artifact and upload-artifact (this run's files),
 *     actions/create-github-app-token (a fixed App token), AWS logins and the verify action (no
 *     cluster here: its inputs are recorded).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { parse } from 'yaml';
import { createReleaseManifest } from '../../actions/lib/release/release-manifest.ts';
import type { ReleaseManifest } from '../../actions/lib/release/release-manifest.ts';
import { releaseWorkflowPath, rollbackRunName, rollbackWorkflowPath } from '../../actions/lib/release/release-runs.ts';
import type { ActionsApiState, StandInApproval, StandInRun } from '../../actions/test-support/github-actions-api.ts';
import { run } from '../../actions/test-support/gitops-repository.ts';
import type { GitopsRemoteFixture } from '../../actions/test-support/gitops-repository.ts';
import { ReplayError } from './workflow-expressions.ts';
import type { ExpressionContext } from './workflow-expressions.ts';
import { jobOutputs } from './workflow-replay.ts';
import type { JobReplay, ReplayHarness, WorkflowStep } from './workflow-replay.ts';

export const root = fileURLToPath(new URL('../../', import.meta.url));
const workflows = join(root, '.github', 'workflows');
export const release = join(workflows, 'release.yml');
export const promoteProd = join(workflows, 'promote-prod.yml');
export const rollback = join(workflows, 'rollback.yml');
export const services = ['frontend', 'product', 'cart', 'order'];
export const repository = 'example/slipway';
/** The id of the replayed run (github.run_id), whose approvals the promote action reads. */
export const replayedRun = 4242;
/** What the create-github-app-token stand-in mints. */
export const appToken = 'ghs_appToken';

export interface Pin {
  repository: string;
  tag: string;
  digest: string;
}

export function gitopsFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set(relative(root, path), readFileSync(path, 'utf8'));
    }
  };
  walk(join(root, 'gitops-repo', 'environments'));
  walk(join(root, 'gitops-repo', 'apps'));
  return files;
}

function pinIn(text: string): Pin {
  const application = parse(text) as { spec: { source: { helm: { valuesObject: { image: Pin } } } } };
  const { repository: image, tag, digest } = application.spec.source.helm.valuesObject.image;
  return { repository: image, tag, digest };
}

/** The image each service runs in an environment, read from the remote's branch head. */
export function pins(remote: GitopsRemoteFixture, environment: string, gitopsPath = 'gitops-repo/'): Record<string, Pin> {
  return Object.fromEntries(services.map((service) => [service, pinIn(remote.show(`${gitopsPath}environments/${environment}/services/${service}.yaml`))]));
}

const hex = (seed: string): string => `sha256:${Buffer.from(seed).toString('hex').padEnd(64, '0').slice(0, 64)}`;

/** A release of some services, built from `commit`, with the registry the real tree pins. */
export function releaseOf(remote: GitopsRemoteFixture, commit: string, createdAt: string, names: string[], gitopsPath = 'gitops-repo/'): ReleaseManifest {
  const current = pins(remote, 'dev', gitopsPath);
  return createReleaseManifest({
    createdAt,
    source: { repository, commit },
    services: Object.fromEntries(
      names.map((service) => [service, { image: { repository: current[service]?.repository ?? '', tag: `sha-${commit.slice(0, 7)}`, digest: hex(`${service}-${commit}`) }, scan: { status: 'passed', critical: 0 } }]),
    ),
  });
}

interface StageArtifact {
  name: string;
  runId: number;
  files: Record<string, string>;
}

const apiState = join(tmpdir(), `slipway-replay-api-${process.pid}-${randomBytes(4).toString('hex')}.json`);
let githubApi: { url: string; stop: () => void } | undefined;

/** Starts the GitHub REST API stand-in for the calling test file (127.0.0.1, a child process). */
export function withGitHubApi(): void {
  beforeAll(async () => {
    writeFileSync(apiState, JSON.stringify({ tokens: [], runs: [], artifacts: [] }));
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'actions/test-support/github-api-process.ts'), apiState], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise<string>((resolve, reject) => {
      child.once('error', reject);
      child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    });
    githubApi = { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
  });
  afterAll(() => githubApi?.stop());
}

/** The stand-ins of one scenario: GitHub's runs, artifacts and approvals, the tools, AWS and the cluster. */
export class Stage {
  readonly bin = mkdtempSync(join(tmpdir(), 'slipway-stand-ins-'));
  readonly artifacts: StageArtifact[] = [];
  readonly runs: StandInRun[] = [];
  readonly approvals: Record<string, StandInApproval[]> = { [replayedRun]: [{ login: 'octocat', state: 'approved', environment: 'production' }] };
  readonly uploads = new Map<string, Record<string, string>>();
  readonly verifications: Record<string, string>[] = [];
  /** The id of the workflow run being replayed (its uploads belong to it). */
  runId = 0;

  /** `remote` is what the workflows check out; `gitops`, when given, is a separate GitOps repository. */
  constructor(
    readonly remote: GitopsRemoteFixture,
    readonly gitops?: GitopsRemoteFixture,
  ) {
    // npx: `npx slipway …` runs this repository's CLI (in CI it is the workspace's own bin).
    writeFileSync(join(this.bin, 'npx'), `#!/usr/bin/env bash\nif [ "$1" = slipway ]; then shift; exec "${process.execPath}" "${join(root, 'actions/cli/slipway.js')}" "$@"; fi\necho "npx stand-in: only slipway" >&2\nexit 1\n`);
    // gh: `gh run download <run> --name <artifact> --dir <dir>`, from that run's artifacts only.
    writeFileSync(
      join(this.bin, 'gh'),
      `#!${process.execPath}
const fs = require('fs'), path = require('path');
const config = JSON.parse(fs.readFileSync(process.env.GH_STAND_IN, 'utf8'));
const args = process.argv.slice(2);
fs.appendFileSync(config.log, JSON.stringify(args) + '\\n');
if (!process.env.GH_TOKEN) { console.error('gh: GH_TOKEN is not set'); process.exit(4); }
if (args[0] === 'run' && args[1] === 'download') {
  const name = args[args.indexOf('--name') + 1];
  const artifact = config.artifacts.find((candidate) => candidate.name === name && String(candidate.runId) === args[2]);
  if (!artifact) { console.error('no valid artifacts found to download'); process.exit(1); }
  const dir = args[args.indexOf('--dir') + 1];
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(artifact.files)) fs.writeFileSync(path.join(dir, file), text);
  process.exit(0);
}
console.error('gh stand-in: not a command the workflows use: ' + args.join(' '));
process.exit(1);
`,
    );
    chmodSync(join(this.bin, 'npx'), 0o755);
    chmodSync(join(this.bin, 'gh'), 0o755);
  }

  /** A run of release.yml: by default a push to main of this repository, of the commit `headSha`. */
  releaseRun(id: number, headSha: string, overrides: Partial<StandInRun> = {}): void {
    this.runs.push({ id, path: releaseWorkflowPath, event: 'push', headBranch: 'main', headSha, headRepository: repository, name: 'Release', ...overrides });
  }

  /** A run of rollback.yml for `environment`, in the given status. */
  rollbackRun(id: number, environment: string, status: string): void {
    this.runs.push({ id, path: rollbackWorkflowPath, event: 'workflow_dispatch', headBranch: 'main', headSha: '9'.repeat(40), headRepository: repository, status, displayTitle: rollbackRunName(environment) });
  }

  artifact(name: string, runId: number, files: Record<string, string> = {}): void {
    this.artifacts.push({ name, runId, files });
  }

  harness(): ReplayHarness {
    const config = join(this.bin, 'gh.json');
    const log = join(this.bin, 'gh.log');
    writeFileSync(config, JSON.stringify({ artifacts: this.artifacts, log }));
    const state: ActionsApiState = { tokens: ['ghs_replayToken', appToken], runs: this.runs, artifacts: this.artifacts.map(({ name, runId }) => ({ name, runId })), approvals: this.approvals };
    writeFileSync(apiState, JSON.stringify(state));
    if (!existsSync(log)) writeFileSync(log, '');
    let clones = 0;
    return {
      environment: { PATH: `${this.bin}:${process.env['PATH'] ?? ''}`, HOME: process.env['HOME'] ?? tmpdir(), GH_STAND_IN: config },
      checkout: (inputs, workspace) => {
        const name = `runner-${Date.now()}-${clones++}`;
        if (!inputs['repository']) return this.remote.clone(name);
        if (!this.gitops || inputs['repository'] !== this.gitops.bare || !workspace) throw new ReplayError(`checkout: no repository ${inputs['repository']} here`);
        run(this.gitops.root, 'clone', '--quiet', this.gitops.bare, join(workspace, inputs['path'] ?? '.'));
        return undefined;
      },
      standIn: (step: WorkflowStep, inputs: Record<string, string>, workspace: string | undefined) => this.standIn(step, inputs, workspace),
    };
  }

  private standIn(step: WorkflowStep, inputs: Record<string, string>, workspace: string | undefined): Record<string, string> | undefined {
    const uses = step.uses ?? '';
    if (uses.startsWith('actions/download-artifact@')) {
      const artifact = this.artifacts.find((candidate) => candidate.name === inputs['name'] && candidate.runId === this.runId);
      if (!artifact || !workspace) throw new ReplayError(`download-artifact: run ${this.runId} has no artifact named '${inputs['name']}'`);
      const dir = join(workspace, inputs['path'] ?? '.');
      mkdirSync(dir, { recursive: true });
      for (const [file, text] of Object.entries(artifact.files)) writeFileSync(join(dir, file), text);
      return {};
    }
    if (uses.startsWith('actions/upload-artifact@')) {
      const path = join(workspace ?? '', inputs['path'] ?? '');
      const files = existsSync(path) ? { [relative(dirname(path), path)]: readFileSync(path, 'utf8') } : {};
      this.uploads.set(inputs['name'] ?? '', files);
      // Later runs find it through the artifacts API, as on GitHub.
      this.artifact(inputs['name'] ?? '', this.runId, files);
      return {};
    }
    if (uses.startsWith('actions/create-github-app-token@')) {
      if (!inputs['client-id'] || !inputs['private-key']) throw new ReplayError('create-github-app-token: client-id and private-key are required');
      return { token: appToken, 'app-slug': 'slipway-gitops' };
    }
    if (uses.startsWith('actions/setup-node@') || uses.startsWith('aws-actions/configure-aws-credentials@')) return {};
    // No cluster here: the verify action's own tests run it against Kubernetes and Prometheus servers.
    if (uses === './actions/verify') {
      this.verifications.push(inputs);
      return {};
    }
    if (step.run?.startsWith('npm ci') || step.run?.startsWith('aws eks update-kubeconfig')) return {};
    return undefined;
  }

  ghLog(): string[][] {
    return readFileSync(join(this.bin, 'gh.log'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as string[]);
  }
}

/** A `workflow_run` event of a Release run: by default a successful push run of release.yml on main of this repository. */
export function releaseCompleted(id: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { workflow_run: { id, conclusion: 'success', name: 'Release', event: 'push', path: releaseWorkflowPath, head_branch: 'main', head_repository: { full_name: repository }, ...overrides } };
}

export function context(overrides: {
  event_name: string;
  event?: Record<string, unknown>;
  actor?: string;
  inputs?: Record<string, string>;
  needs?: Record<string, unknown>;
  vars?: Record<string, string>;
  secrets?: Record<string, string>;
}): ExpressionContext {
  return {
    github: {
      token: 'ghs_replayToken',
      repository,
      repository_owner: 'example',
      sha: '9999999999999999999999999999999999999999',
      ref: 'refs/heads/main',
      run_id: String(replayedRun),
      actor: overrides.actor ?? 'merger',
      server_url: 'https://github.com',
      api_url: githubApi?.url ?? 'http://127.0.0.1:9/no-github-api',
      event_name: overrides.event_name,
      event: overrides.event ?? {},
    },
    vars: { AWS_REGION: 'eu-west-1', AWS_DEPLOY_ROLE_ARN: 'arn:aws:iam::123456789012:role/deploy', EKS_CLUSTER_NAME: 'slipway', ...overrides.vars },
    secrets: { ...overrides.secrets },
    inputs: overrides.inputs ?? {},
    needs: overrides.needs ?? {},
    env: {},
  };
}

export function outputsOf(file: string, job: string, replay: JobReplay): { outputs: Record<string, string>; result: string } {
  return { outputs: jobOutputs(file, job, replay), result: 'success' };
}
