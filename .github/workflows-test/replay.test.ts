/**
 * Replays the workflows' promotion jobs in order, against a bare GitOps remote on disk holding this
 * repository's gitops-repo/: the promote action runs from its committed dist/ with the inputs each
 * workflow passes; scripts run with bash; what needs GitHub or AWS (artifacts, the gh CLI, cloud
 * logins, a cluster for the verify action) is played by local stand-ins that follow their shapes.
 *
 *   merge → release: dev runs the release's digests
 *   approval → promote to prod: prod runs exactly dev's digests (or a chosen release's)
 *   rollback → the environment runs the release before its latest promotion
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createReleaseManifest, formatReleaseManifest } from '../../actions/lib/release-manifest.ts';
import type { ReleaseManifest } from '../../actions/lib/release-manifest.ts';
import { createGitopsRemote, run } from '../../actions/lib/test-support/gitops-repository.ts';
import type { GitopsRemoteFixture } from '../../actions/lib/test-support/gitops-repository.ts';
import { condition, evaluate, jobOutputs, replayJob, ReplayError, substitute } from './workflow-replay.ts';
import type { ExpressionContext, JobReplay, ReplayHarness, WorkflowStep } from './workflow-replay.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const workflows = join(root, '.github', 'workflows');
const release = join(workflows, 'release.yml');
const promoteProd = join(workflows, 'promote-prod.yml');
const rollback = join(workflows, 'rollback.yml');
const services = ['frontend', 'product', 'cart', 'order'];

interface Pin {
  repository: string;
  tag: string;
  digest: string;
}

function gitopsFiles(): Map<string, string> {
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
  const { repository, tag, digest } = application.spec.source.helm.valuesObject.image;
  return { repository, tag, digest };
}

/** The image each service runs in an environment, read from the remote's branch head. */
function pins(remote: GitopsRemoteFixture, environment: string, gitopsPath = 'gitops-repo/'): Record<string, Pin> {
  return Object.fromEntries(services.map((service) => [service, pinIn(remote.show(`${gitopsPath}environments/${environment}/services/${service}.yaml`))]));
}

const hex = (seed: string): string => `sha256:${Buffer.from(seed).toString('hex').padEnd(64, '0').slice(0, 64)}`;

/** A release of some services, built from `commit`, with the registry the real tree pins. */
function releaseOf(remote: GitopsRemoteFixture, commit: string, createdAt: string, names: string[], gitopsPath = 'gitops-repo/'): ReleaseManifest {
  const current = pins(remote, 'dev', gitopsPath);
  return createReleaseManifest({
    createdAt,
    source: { repository: 'example/slipway', commit },
    services: Object.fromEntries(
      names.map((service) => [service, { image: { repository: current[service]?.repository ?? '', tag: `sha-${commit.slice(0, 7)}`, digest: hex(`${service}-${commit}`) }, scan: { status: 'passed', critical: 0 } }]),
    ),
  });
}

/** The stand-ins: GitHub's artifact store, the gh CLI, npx for the workspace's own CLI, AWS and the cluster. */
class Stage {
  readonly bin = mkdtempSync(join(tmpdir(), 'slipway-stand-ins-'));
  readonly artifacts = new Map<string, { runId: number; files: Record<string, string> }>();
  readonly uploads = new Map<string, Record<string, string>>();
  readonly verifications: Record<string, string>[] = [];
  readonly ghCalls: string[][] = [];
  approvers = 'octocat';
  /** The id of the workflow run being replayed (its uploads belong to it). */
  runId = 0;

  /** `remote` is what the workflows check out; `gitops`, when given, is a separate GitOps repository. */
  constructor(
    readonly remote: GitopsRemoteFixture,
    readonly gitops?: GitopsRemoteFixture,
  ) {
    // npx: `npx slipway …` runs this repository's CLI (in CI it is the workspace's own bin).
    writeFileSync(join(this.bin, 'npx'), `#!/usr/bin/env bash\nif [ "$1" = slipway ]; then shift; exec "${process.execPath}" "${join(root, 'actions/cli/slipway.js')}" "$@"; fi\necho "npx stand-in: only slipway" >&2\nexit 1\n`);
    // gh: the commands the workflows call, answering as gh does after its --jq filter.
    writeFileSync(
      join(this.bin, 'gh'),
      `#!${process.execPath}
const fs = require('fs'), path = require('path');
const config = JSON.parse(fs.readFileSync(process.env.GH_STAND_IN, 'utf8'));
const args = process.argv.slice(2);
fs.appendFileSync(config.log, JSON.stringify(args) + '\\n');
if (!process.env.GH_TOKEN) { console.error('gh: GH_TOKEN is not set'); process.exit(4); }
if (args[0] === 'api' && /^repos\\/[^/]+\\/[^/]+\\/actions\\/runs\\/\\d+\\/approvals$/.test(args[1])) { console.log(config.approvers); process.exit(0); }
if (args[0] === 'api' && /^repos\\/[^/]+\\/[^/]+\\/actions\\/artifacts\\?name=/.test(args[1])) {
  const artifact = config.artifacts[new URL('https://api.github.com/' + args[1]).searchParams.get('name')];
  if (artifact) console.log(artifact.runId);
  process.exit(0);
}
if (args[0] === 'api' && /^repos\\/[^/]+\\/[^/]+\\/actions\\/runs\\/\\d+\\/artifacts$/.test(args[1])) {
  const run = Number(args[1].split('/')[5]);
  const name = Object.keys(config.artifacts).find((candidate) => candidate.startsWith('release-verified-dev-') && config.artifacts[candidate].runId === run);
  if (name) console.log(name);
  process.exit(0);
}
if (args[0] === 'run' && args[1] === 'download') {
  const artifact = config.artifacts[args[args.indexOf('--name') + 1]];
  if (!artifact || String(artifact.runId) !== args[2]) { console.error('no valid artifacts found to download'); process.exit(1); }
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

  harness(): ReplayHarness {
    const config = join(this.bin, 'gh.json');
    const log = join(this.bin, 'gh.log');
    writeFileSync(config, JSON.stringify({ approvers: this.approvers, artifacts: Object.fromEntries(this.artifacts), log }));
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
      const artifact = this.artifacts.get(inputs['name'] ?? '');
      if (!artifact || !workspace) throw new ReplayError(`download-artifact: no artifact named '${inputs['name']}'`);
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
      this.artifacts.set(inputs['name'] ?? '', { runId: this.runId, files });
      return {};
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

/**
 * The GitHub REST API the promote action calls, following its shapes: a run's environment
 * approvals (none: dev has no reviewers) and pull requests (list, create, update). Served by a
 * separate process, because the replay runs the action synchronously and a server in this process
 * could not answer; no test reaches the real api.github.com.
 */
async function startGitHubApi(): Promise<{ url: string; stop: () => void }> {
  const script = join(mkdtempSync(join(tmpdir(), 'slipway-github-api-')), 'github-api.cjs');
  writeFileSync(
    script,
    `const http = require('http');
const pulls = [];
const server = http.createServer((request, response) => {
  let text = '';
  request.on('data', (chunk) => (text += chunk));
  request.on('end', () => {
    const send = (status, value) => { response.writeHead(status, { 'content-type': 'application/json' }); response.end(JSON.stringify(value)); };
    if (!['token ghs_replayToken', 'token ghs_splitToken'].includes(request.headers.authorization)) return send(401, { message: 'Bad credentials' });
    const url = new URL(request.url, 'http://localhost');
    if (request.method === 'GET' && /^\\/repos\\/[^/]+\\/[^/]+\\/actions\\/runs\\/\\d+\\/approvals$/.test(url.pathname)) return send(200, []);
    const match = /^\\/repos\\/([^/]+)\\/([^/]+)\\/pulls(?:\\/(\\d+))?$/.exec(url.pathname);
    if (!match) return send(404, { message: 'Not Found' });
    const body = text ? JSON.parse(text) : {};
    if (request.method === 'GET') return send(200, pulls.filter((pull) => match[1] + ':' + pull.head.ref === url.searchParams.get('head')));
    if (request.method === 'POST') {
      const number = pulls.length + 1;
      const pull = { number, head: { ref: body.head }, base: { ref: body.base }, title: body.title, body: body.body, state: 'open', html_url: 'https://github.com/' + match[1] + '/' + match[2] + '/pull/' + number };
      pulls.push(pull);
      return send(201, pull);
    }
    if (request.method === 'PATCH') {
      const pull = pulls.find((candidate) => candidate.number === Number(match[3]));
      if (!pull) return send(404, { message: 'Not Found' });
      Object.assign(pull, { title: body.title ?? pull.title, body: body.body ?? pull.body });
      return send(200, pull);
    }
    send(405, { message: 'Method Not Allowed' });
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`,
  );
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

let githubApi: { url: string; stop: () => void } | undefined;
beforeAll(async () => {
  githubApi = await startGitHubApi();
});
afterAll(() => githubApi?.stop());

function context(overrides: {
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
      repository: 'example/slipway',
      repository_owner: 'example',
      sha: '9999999999999999999999999999999999999999',
      ref: 'refs/heads/main',
      run_id: '4242',
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

function outputsOf(file: string, job: string, replay: JobReplay): { outputs: Record<string, string>; result: string } {
  return { outputs: jobOutputs(file, job, replay), result: 'success' };
}

describe('the expression subset the replay evaluates', () => {
  const values = { inputs: { mode: '', release: 'dev' }, vars: { MODE: 'pull-request' }, needs: { plan: { outputs: { differs: 'true', 'release-id': '' } } }, github: { event_name: 'workflow_run', event: { workflow_run: { conclusion: 'success' } } } };
  it.each([
    ["inputs.mode || vars.MODE || 'commit'", 'pull-request'],
    ["inputs.mode || vars.NONE || 'commit'", 'commit'],
    ["needs.plan.outputs.differs == 'true' || needs.plan.outputs.release-id != ''", true],
    ["github.event_name == 'workflow_dispatch' || (github.event_name == 'workflow_run' && github.event.workflow_run.conclusion == 'success')", true],
    ["!startsWith('promote prod: cart', 'promote prod:')", false],
    ["format('{0}% of lines', '81.5')", '81.5% of lines'],
  ])('%s → %s', (expression, value) => {
    expect(evaluate(expression, values)).toBe(value);
  });

  it('fails loudly on what it cannot evaluate, so a workflow change cannot slip past the replay', () => {
    expect(() => evaluate("hashFiles('**/package-lock.json')", values)).toThrow(/does not know the function hashFiles/);
    expect(() => substitute('${{ inputs.mode ) }}', values)).toThrow(/cannot read the expression/);
    expect(condition(undefined, values)).toBe(true);
  });
});

describe('the promotion path, replayed workflow by workflow against a bare GitOps remote', () => {
  let remote: GitopsRemoteFixture;
  let stage: Stage;
  let first: ReleaseManifest;
  let second: ReleaseManifest;
  const devAfter: Record<string, Record<string, Pin>> = {};

  beforeAll(() => {
    remote = createGitopsRemote(gitopsFiles());
    stage = new Stage(remote);
  });

  /** release.yml after a merge: build's outputs → promote-dev (promote, then verify). */
  function merge(manifest: ReleaseManifest, runId: number): { promote: JobReplay; promoteOutputs: Record<string, string> } {
    stage.artifacts.set(`release-manifest-${manifest.id}`, { runId, files: { 'release-manifest.json': formatReleaseManifest(manifest) } });
    stage.runId = runId;
    const build = { outputs: { changed: 'true', 'release-id': manifest.id }, result: 'success' };
    const promote = replayJob(root, release, 'promote-dev', context({ event_name: 'push', needs: { build } }), stage.harness());
    const promoteOutputs = jobOutputs(release, 'promote-dev', promote);
    return { promote, promoteOutputs };
  }

  it('merge → release: dev runs the release, verified at the GitOps commit promote made', () => {
    first = releaseOf(remote, '1111111111111111111111111111111111111111', '2026-11-20T10:00:00Z', services);
    const { promote, promoteOutputs } = merge(first, 501);
    expect(promote.steps.map((step) => [step.label, step.ran])).toEqual([
      ['actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8', 'harness'],
      ['actions/download-artifact@d3f86a106a0bac45b974a628896c90dbdf5c8093', 'harness'],
      ['promote', 'action'],
      ['aws-actions/configure-aws-credentials@b47578312673ae6fa5b5096b330d9fbac3d116df', 'harness'],
      ['kubeconfig for the dev cluster', 'harness'],
      ['verify', 'harness'],
      ['Record the verified release', 'script'],
      ['actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02', 'harness'],
    ]);
    expect(promote.steps[2]?.stdout).not.toContain('::warning::');
    const inputs = promote.steps[2]?.inputs ?? {};
    expect(inputs).toMatchObject({ environment: 'dev', 'release-manifest': 'release/release-manifest.json', branch: 'main', mode: 'commit', token: 'ghs_replayToken', 'gitops-repository': '', rollback: 'false' });
    expect(promoteOutputs).toMatchObject({ 'commit-sha': remote.head(), changed: 'true' });
    for (const service of services) expect(pins(remote, 'dev')[service]).toEqual(first.services[service]?.image);
    expect(run(remote.bare, 'log', '-1', '--format=%B', 'main')).toContain(`Slipway-Release: ${first.id}`);

    expect(stage.verifications.at(-1)).toMatchObject({ environment: 'dev', 'gitops-commit': remote.head(), rollback: 'true', branch: 'main' });
    expect(JSON.parse(stage.verifications.at(-1)?.['services'] ?? '[]')).toEqual(
      services.map((service) => expect.objectContaining({ service, to: { tag: first.services[service]?.image.tag, digest: first.services[service]?.image.digest } })),
    );
    expect(JSON.parse(stage.uploads.get(`release-verified-dev-${first.id}`)?.['verified.json'] ?? '{}')).toEqual({ releaseId: first.id, environment: 'dev', gitopsCommit: remote.head(), verified: true });
    devAfter['first'] = pins(remote, 'dev');
  });

  it('a second merge changes only the services it built', () => {
    second = releaseOf(remote, '2222222222222222222222222222222222222222', '2026-11-21T10:00:00Z', ['product', 'cart']);
    merge(second, 502);
    const dev = pins(remote, 'dev');
    expect(dev['product']).toEqual(second.services['product']?.image);
    expect(dev['cart']).toEqual(second.services['cart']?.image);
    expect(dev['frontend']).toEqual(devAfter['first']?.['frontend']);
    expect(dev['order']).toEqual(devAfter['first']?.['order']);
    devAfter['second'] = dev;
  });

  it('the next release builds what changed since the source commit dev runs (the build job’s last-release script, run by bash)', () => {
    const step = (parse(readFileSync(release, 'utf8')) as { jobs: { build: { steps: WorkflowStep[] } } }).jobs.build.steps.find((candidate) => candidate.id === 'last-release');
    const checkout = remote.clone(`last-release-${Date.now()}`);
    const output = join(checkout, '.github-output');
    writeFileSync(output, '');
    const result = spawnSync('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c', step?.run ?? 'exit 1'], { cwd: checkout, env: { ...process.env, GITOPS_PATH: 'gitops-repo', GITHUB_OUTPUT: output }, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(readFileSync(output, 'utf8')).toBe(`since=${second.source.commit}\n`);
  });

  it('approval of a chosen release that dev verified → prod runs that release’s manifest, found by its artifact', () => {
    const dispatch = { event_name: 'workflow_dispatch', actor: 'release-manager', inputs: { release: first.id, mode: 'commit' } };
    const plan = replayJob(root, promoteProd, 'plan', context(dispatch), stage.harness());
    const planOutputs = outputsOf(promoteProd, 'plan', plan);
    expect(planOutputs.outputs).toMatchObject({ 'release-run': '501', 'release-id': first.id, 'from-environment': '', differs: 'true' });
    expect(plan.steps.find((step) => step.id === 'diff')?.stdout).toContain('services differ; promoting dev -> prod would change');

    const promote = replayJob(root, promoteProd, 'promote', context({ ...dispatch, needs: { plan: planOutputs } }), stage.harness());
    expect(promote.steps.find((step) => step.id === 'promote')?.inputs).toMatchObject({ environment: 'prod', 'release-manifest': 'release/release-manifest.json', 'from-environment': '', mode: 'commit', approver: 'octocat' });
    for (const service of services) expect(pins(remote, 'prod')[service]).toEqual(first.services[service]?.image);
    expect(run(remote.bare, 'log', '-1', '--format=%B', 'main')).toContain('Approved-By: octocat');
    expect(stage.ghLog()).toEqual(
      expect.arrayContaining([
        ['api', `repos/example/slipway/actions/artifacts?name=release-manifest-${first.id}`, '--jq', '.artifacts[0].workflow_run.id // empty'],
        ['api', `repos/example/slipway/actions/artifacts?name=release-verified-dev-${first.id}`, '--jq', '.artifacts[0].workflow_run.id // empty'],
        ['run', 'download', '501', '--repo', 'example/slipway', '--name', `release-manifest-${first.id}`, '--dir', 'release'],
      ]),
    );
    expect(stage.verifications.at(-1)).toMatchObject({ environment: 'prod', 'gitops-commit': remote.head() });
  });

  it('approval after a verified release → prod gets exactly the digests dev runs', () => {
    const afterRelease = { event_name: 'workflow_run', actor: 'merger', event: { workflow_run: { id: 502, conclusion: 'success', name: 'Release' } } };
    const plan = replayJob(root, promoteProd, 'plan', context(afterRelease), stage.harness());
    const planOutputs = outputsOf(promoteProd, 'plan', plan);
    expect(planOutputs.outputs).toMatchObject({ 'from-environment': 'dev', 'release-id': '', differs: 'true' });
    const promote = replayJob(root, promoteProd, 'promote', context({ ...afterRelease, needs: { plan: planOutputs } }), stage.harness());
    expect(promote.steps.find((step) => step.id === 'manifest')?.ran).toBe('skipped');
    expect(pins(remote, 'prod')).toEqual(pins(remote, 'dev'));
    expect(pins(remote, 'prod')).toEqual(devAfter['second']);

    // Nothing left to promote: the plan says so, and the approval job is not started.
    const again = outputsOf(promoteProd, 'plan', replayJob(root, promoteProd, 'plan', context(afterRelease), stage.harness()));
    expect(again.outputs['differs']).toBe('false');
    expect(condition(parse(readFileSync(promoteProd, 'utf8')).jobs.promote.if, context({ ...afterRelease, needs: { plan: again } }))).toBe(false);
  });

  it('a Release run that verified nothing new in dev (it built nothing) asks no one to approve a prod promotion', () => {
    const afterRelease = { event_name: 'workflow_run', actor: 'merger', event: { workflow_run: { id: 599, conclusion: 'success', name: 'Release' } } };
    const plan = replayJob(root, promoteProd, 'plan', context(afterRelease), stage.harness());
    expect(plan.steps.find((step) => step.id === 'diff')?.ran).toBe('skipped');
    expect(plan.steps.find((step) => step.id === 'source')?.summary).toContain('Release run 599 verified no new release in dev');
    const planOutputs = outputsOf(promoteProd, 'plan', plan);
    expect(condition(parse(readFileSync(promoteProd, 'utf8')).jobs.promote.if, context({ ...afterRelease, needs: { plan: planOutputs } }))).toBe(false);
  });

  const marker = join(tmpdir(), `slipway-injected-${process.pid}`);
  const unverified = 'badc0de-20261121T120000Z';
  it.each([
    { release: `$(touch ${marker}); x`, error: /is not a release id/ },
    { release: 'deadbee-20990101T000000Z', error: /no release-manifest-deadbee-20990101T000000Z artifact/ },
    { release: unverified, error: new RegExp(`release ${unverified} has not passed verification in dev`) },
  ])('a dispatch asking for $release stops at the plan with a clear error, promoting nothing', ({ release: asked, error }) => {
    // Built and promoted to dev, but its verification failed (dev was rolled back): no verified marker.
    stage.artifacts.set(`release-manifest-${unverified}`, { runId: 503, files: { 'release-manifest.json': '{}' } });
    const prodBefore = pins(remote, 'prod');
    const calls = stage.ghLog().length;
    const dispatch = context({ event_name: 'workflow_dispatch', inputs: { release: asked, mode: 'commit' } });
    expect(() => replayJob(root, promoteProd, 'plan', dispatch, stage.harness())).toThrow(error);
    expect(pins(remote, 'prod')).toEqual(prodBefore);
    expect(existsSync(marker)).toBe(false);
    expect(stage.ghLog().length - calls).toBe(asked.startsWith('$') ? 0 : asked === unverified ? 2 : 1);
  });

  it('a failed release does not start a prod promotion', () => {
    const failed = context({ event_name: 'workflow_run', event: { workflow_run: { conclusion: 'failure' } } });
    expect(() => replayJob(root, promoteProd, 'plan', failed, stage.harness())).toThrow(/the job's if .* is false/);
  });

  it('rollback of prod → prod runs the release before its latest promotion', () => {
    const inputs = { environment: 'prod', reason: 'checkout errors' };
    const dispatch = context({ event_name: 'workflow_dispatch', actor: 'on-call', inputs });
    expect(condition(parse(readFileSync(rollback, 'utf8')).jobs['rollback-dev'].if, dispatch)).toBe(false);
    const replay = replayJob(root, rollback, 'rollback-prod', dispatch, stage.harness());
    for (const service of services) expect(pins(remote, 'prod')[service]).toEqual(first.services[service]?.image);
    const message = run(remote.bare, 'log', '-1', '--format=%B', 'main');
    expect(message).toMatch(/^rollback prod:/);
    expect(message).toContain('Approved-By: on-call');
    expect(replay.steps.find((step) => step.label === 'Reason')?.ran).toBe('script');
    expect(stage.verifications.at(-1)).toMatchObject({ environment: 'prod', 'gitops-commit': remote.head(), rollback: 'false' });
  });

  it('rollback of dev → dev runs the first release again; prod is left alone', () => {
    const prodBefore = pins(remote, 'prod');
    replayJob(root, rollback, 'rollback-dev', context({ event_name: 'workflow_dispatch', actor: 'on-call', inputs: { environment: 'dev', reason: '' } }), stage.harness());
    expect(pins(remote, 'dev')).toEqual(devAfter['first']);
    expect(pins(remote, 'prod')).toEqual(prodBefore);
  });
});

describe('the same workflows with the GitOps tree in its own repository (the trio split in three)', () => {
  it('release → dev and approval → prod land at the root of the separate repository; the application repository is untouched', () => {
    const gitops = createGitopsRemote(new Map([...gitopsFiles()].map(([path, text]) => [path.replace(/^gitops-repo\//, ''), text])));
    const app = createGitopsRemote(new Map([['README.md', 'The application repository.\n']]));
    const appHead = app.head();
    const stage = new Stage(app, gitops);
    const split = { vars: { GITOPS_REPOSITORY: gitops.bare, GITOPS_PATH: '' }, secrets: { GITOPS_TOKEN: 'ghs_splitToken' } };
    const manifest = releaseOf(gitops, '3333333333333333333333333333333333333333', '2026-11-22T01:00:00Z', services, '');
    stage.artifacts.set(`release-manifest-${manifest.id}`, { runId: 601, files: { 'release-manifest.json': formatReleaseManifest(manifest) } });

    const build = { outputs: { changed: 'true', 'release-id': manifest.id }, result: 'success' };
    stage.runId = 601;
    const dev = replayJob(root, release, 'promote-dev', context({ event_name: 'push', needs: { build }, ...split }), stage.harness());
    expect(dev.steps.find((step) => step.id === 'promote')?.inputs).toMatchObject({ 'gitops-repository': gitops.bare, 'gitops-path': '', token: 'ghs_splitToken' });
    expect(dev.steps.find((step) => step.id === 'promote')?.stdout).not.toContain('::warning::');
    for (const service of services) expect(pins(gitops, 'dev', '')[service]).toEqual(manifest.services[service]?.image);
    expect(app.head()).toBe(appHead);

    expect(stage.verifications.at(-1)).toMatchObject({ environment: 'dev', 'gitops-commit': gitops.head(), 'gitops-repository': gitops.bare });

    const afterRelease = { event_name: 'workflow_run', event: { workflow_run: { id: 601, conclusion: 'success' } }, ...split };
    const plan = replayJob(root, promoteProd, 'plan', context(afterRelease), stage.harness());
    expect(plan.steps.find((step) => step.label === 'The GitOps repository, when it is a separate one')?.ran).toBe('harness');
    const planOutputs = outputsOf(promoteProd, 'plan', plan);
    expect(planOutputs.outputs['differs']).toBe('true');
    replayJob(root, promoteProd, 'promote', context({ ...afterRelease, needs: { plan: planOutputs } }), stage.harness());
    expect(pins(gitops, 'prod', '')).toEqual(pins(gitops, 'dev', ''));
    expect(app.head()).toBe(appHead);
  });
});

describe('the pull request gate report, replayed with the gate-report action’s dist', () => {
  it('turns the gate jobs’ results into one table: skipped gates shown as skipped, a failed one fails the report', () => {
    const app = createGitopsRemote(new Map([['README.md', 'The application repository.\n']]));
    const stage = new Stage(app);
    const result = (value: string, outputs: Record<string, string> = {}) => ({ result: value, outputs });
    const needs = {
      changes: result('success'),
      lint: result('success'),
      unit: result('failure', { coverage: '81.5' }),
      e2e: result('success'),
      sonarcloud: result('skipped'),
      images: result('skipped'),
      gitops: result('success'),
      terraform: result('skipped'),
      workflows: result('success'),
      'actions-dist': result('success'),
    };
    const pullRequest = join(workflows, 'pull-request.yml');
    const replay = replayJob(root, pullRequest, 'report', context({ event_name: 'pull_request', needs }), stage.harness());
    const report = replay.steps.find((step) => step.label === './actions/gate-report');
    expect(report?.ran).toBe('action');
    expect(report?.outputs['overall']).toBe('failed');
    const rows = (report?.summary ?? '').split('\n').filter((line) => line.startsWith('|'));
    const row = (name: string) => rows.find((line) => line.includes(`| ${name} `) || line.includes(`${name} |`)) ?? '';
    expect(row('Tests')).toMatch(/fail/i);
    expect(row('Coverage')).toContain('81.5% of lines');
    expect(row('Terraform')).toMatch(/skip/i);
    expect(row('Workflow lint')).toMatch(/pass/i);
    expect(row('Actions dist is current')).toMatch(/pass/i);
  });
});

describe('a prod promotion in pull-request mode, replayed against a local server following GitHub REST API shapes', () => {
  it('opens the pull request and leaves prod alone and unverified; once merged, verify-merged checks the promoted versions at the merge commit', () => {
    const remote = createGitopsRemote(gitopsFiles());
    const stage = new Stage(remote);
    const manifest = releaseOf(remote, '4444444444444444444444444444444444444444', '2026-11-22T02:00:00Z', ['cart']);
    stage.artifacts.set(`release-manifest-${manifest.id}`, { runId: 701, files: { 'release-manifest.json': formatReleaseManifest(manifest) } });
    const build = { outputs: { changed: 'true', 'release-id': manifest.id }, result: 'success' };
    replayJob(root, release, 'promote-dev', context({ event_name: 'push', needs: { build } }), stage.harness());
    const prodBefore = pins(remote, 'prod');
    const mainBefore = remote.head();

    const dispatch = { event_name: 'workflow_dispatch', actor: 'release-manager', inputs: { release: 'dev', mode: 'pull-request' } };
    const planOutputs = outputsOf(promoteProd, 'plan', replayJob(root, promoteProd, 'plan', context(dispatch), stage.harness()));
    const verifications = stage.verifications.length;
    const promote = replayJob(root, promoteProd, 'promote', context({ ...dispatch, needs: { plan: planOutputs } }), stage.harness());
    const promoted = promote.steps.find((step) => step.id === 'promote');
    expect(promoted?.outputs).toMatchObject({ 'pull-request-url': 'https://github.com/example/slipway/pull/1', 'commit-sha': remote.head('slipway/promote-prod'), changed: 'true' });
    expect(remote.head()).toBe(mainBefore);
    expect(pins(remote, 'prod')).toEqual(prodBefore);
    // The branch is not what Argo CD deploys: verifying (and rolling back on its timeout) would hit prod's current release.
    expect(promote.steps.slice(promote.steps.indexOf(promoted as NonNullable<typeof promoted>) + 1).map((step) => [step.label, step.ran])).toEqual([
      ['aws-actions/configure-aws-credentials@b47578312673ae6fa5b5096b330d9fbac3d116df', 'skipped'],
      ['kubeconfig for the prod cluster', 'skipped'],
      ['./actions/verify', 'skipped'],
    ]);
    expect(stage.verifications).toHaveLength(verifications);

    // A reviewer merges the pull request with a merge commit.
    const reviewer = remote.clone('reviewer');
    run(reviewer, 'fetch', '--quiet', 'origin', 'slipway/promote-prod');
    run(reviewer, '-c', 'user.name=Reviewer', '-c', 'user.email=reviewer@example.com', 'merge', '--quiet', '--no-ff', '-m', 'Merge pull request #1 from example/slipway/promote-prod', 'FETCH_HEAD');
    run(reviewer, 'push', '--quiet', 'origin', 'main');
    const merged = remote.head();
    expect(pins(remote, 'prod')['cart']).toEqual(manifest.services['cart']?.image);

    const push = context({ event_name: 'push', event: { head_commit: { message: 'Merge pull request #1 from example/slipway/promote-prod' } } });
    const verifyMerged = replayJob(root, promoteProd, 'verify-merged', { ...push, github: { ...(push['github'] as Record<string, unknown>), sha: merged } }, stage.harness());
    expect(verifyMerged.steps.find((step) => step.label === './actions/verify')?.ran).toBe('harness');
    expect(stage.verifications.at(-1)).toMatchObject({ environment: 'prod', 'gitops-commit': merged, services: `cart=${manifest.services['cart']?.image.tag}`, rollback: 'true' });

    // A commit-mode promotion pushed to main was verified by its own run.
    const commitMode = context({ event_name: 'push', event: { head_commit: { message: 'promote prod: cart sha-4444444' } } });
    expect(condition(parse(readFileSync(promoteProd, 'utf8')).jobs['verify-merged'].if, commitMode)).toBe(false);
  });
});
