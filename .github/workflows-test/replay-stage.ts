/**
 * What the replay tests run the workflows against, in place of GitHub and AWS:
 *   - GitHub's REST API (workflow runs, artifacts, approvals, pulls) — the stand-in of
 *     actions/test-support/github-actions-api.ts in a child process (the replay runs steps
 *     synchronously, so a server in the test's process could not answer), fed a state file;
 *   - the `gh` CLI (`gh run download <run> --name …`: files of that run's artifact), `npx slipway`
 *     (this repository's CLI; `slipway preview-label` reads and writes the pull requests, labels and
 *     comments a test stages in `pullRequests` through the API stand-in), actions/download-artifact and upload-artifact (this run's files),
 *     actions/create-github-app-token (a fixed App token), AWS logins and the verify action (no
 *     cluster here: its inputs are recorded), Playwright (no browser or shop here);
 *   - the build job's builder and registry (./actions/build-images writes the release manifest the
 *     test staged; ./actions/scan, Buildx, setup-trivy and the SARIF upload are recorded), and its
 *     attestations (replay-attestations.ts: real bundles, served by the GitHub API stand-in).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { parse } from 'yaml';
import { createReleaseManifest, formatReleaseManifest } from '../../actions/lib/release/release-manifest.ts';
import type { ReleaseManifest } from '../../actions/lib/release/release-manifest.ts';
import { releaseWorkflowPath, rollbackRunName, rollbackWorkflowPath } from '../../actions/lib/release/release-runs.ts';
import { artifactZipBase64 } from '../../actions/test-support/artifact-archive.ts';
import type { ActionsApiState, StandInApproval, StandInRun } from '../../actions/test-support/github-actions-api.ts';
import { jobDeployment } from '../../actions/test-support/github-deployments-api.ts';
import type { StandInDeployment } from '../../actions/test-support/github-deployments-api.ts';
import type { StandInPullRequest } from '../../actions/test-support/github-pulls-api.ts';
import { createGitopsRemote, run } from '../../actions/test-support/gitops-repository.ts';
import type { GitopsRemoteFixture } from '../../actions/test-support/gitops-repository.ts';
import { attestStandIn, placeTrustedRoot, replayTrustedRoot, SignedBundles, withSigstore } from './replay-attestations.ts';
import { filesUnder } from '../kind/tree-files.ts';
import { filesOf, writeToolStandIns } from './replay-tools.ts';
import type { AttestRecord } from './replay-attestations.ts';
import { ReplayError, substitute } from './workflow-expressions.ts';
import type { ExpressionContext } from './workflow-expressions.ts';
import { jobOutputs, replayJob } from './workflow-replay.ts';
import type { JobReplay, ReplayHarness, WorkflowStep } from './workflow-replay.ts';
import { parseVerifyTargets } from '../../actions/lib/shell/inputs/verify.ts';

export const root = fileURLToPath(new URL('../../', import.meta.url));
const workflows = join(root, '.github', 'workflows');
export const release = join(workflows, 'release.yml');
export const promoteProd = join(workflows, 'promote-prod.yml');
export const rollback = join(workflows, 'rollback.yml');
export const services = ['frontend', 'product', 'cart', 'order'];
export const repository = 'example/slipway';
/** The id of the replayed run (github.run_id), whose approvals the promote action reads. */
export const replayedRun = 4242;
/** The replayed run's commit (github.sha): the commit of the deployments GitHub makes for its jobs. */
export const replayedSha = '9'.repeat(40);
/** The separate GitOps repository of the trio-split replays, as GITOPS_REPOSITORY names it (same owner as `repository`). */
export const separateGitopsRepository = 'example/gitops';
/** What the create-github-app-token stand-in mints. */
export const appToken = 'ghs_appToken';

export interface Pin {
  repository: string;
  tag: string;
  digest: string;
}

/** The GitOps tree's environments and apps, keyed by their path in this repository. */
export function gitopsFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const folder of ['environments', 'apps'])
    for (const [path, text] of filesUnder(join(root, 'gitops-repo', folder))) files.set(`gitops-repo/${folder}/${path}`, text);
  return files;
}

function pinIn(text: string): Pin {
  const application = parse(text) as { spec: { source: { helm: { valuesObject: { image: Pin } } } } };
  const { repository: image, tag, digest } = application.spec.source.helm.valuesObject.image;
  return { repository: image, tag, digest };
}

/** The image each service runs in an environment, read from the remote's branch head. */
export function pins(remote: GitopsRemoteFixture, environment: string, gitopsPath = 'gitops-repo/'): Record<string, Pin> {
  return Object.fromEntries(
    services.map((service) => [service, pinIn(remote.show(`${gitopsPath}environments/${environment}/services/${service}.yaml`))]),
  );
}

const hex = (seed: string): string => `sha256:${Buffer.from(seed).toString('hex').padEnd(64, '0').slice(0, 64)}`;

/** A release of some services, built from `commit`, with the registry the real tree pins. */
export function releaseOf(
  remote: GitopsRemoteFixture,
  commit: string,
  createdAt: string,
  names: string[],
  gitopsPath = 'gitops-repo/',
): ReleaseManifest {
  const current = pins(remote, 'dev', gitopsPath);
  return createReleaseManifest({
    createdAt,
    source: { repository, commit },
    services: Object.fromEntries(
      names.map((service) => [
        service,
        {
          image: { repository: current[service]?.repository ?? '', tag: `sha-${commit.slice(0, 7)}`, digest: hex(`${service}-${commit}`) },
          scan: { status: 'passed', critical: 0 },
        },
      ]),
    ),
  });
}

interface StageArtifact {
  name: string;
  runId: number;
  files: Record<string, string>;
  expired?: boolean;
}

/** What release.yml's dev job writes to verified.json after a passed verification with a 300 s soak (override to break it). */
export function verifiedMarker(releaseId: string, service = 'cart', overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    releaseId,
    environment: 'dev',
    gitopsCommit: 'f'.repeat(40),
    verified: true,
    soakSeconds: 300,
    slo: [{ service, version: 'sha-1234567', requests: 500, errorRatio: 0, slowRatio: 0.002, ok: true }],
    ...overrides,
  });
}

const apiState = join(tmpdir(), `slipway-replay-api-${process.pid}-${randomBytes(4).toString('hex')}.json`);
let githubApi: { url: string; stop: () => void } | undefined;

/** Starts the GitHub REST API stand-in for the calling test file (127.0.0.1, a child process). */
export function withGitHubApi(): void {
  beforeAll(async () => {
    writeFileSync(apiState, JSON.stringify({ tokens: [], runs: [], artifacts: [] }));
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'actions/test-support/github-api-process.ts'), apiState], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const port = await new Promise<string>((resolve, reject) => {
      child.once('error', reject);
      child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    });
    githubApi = { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
  });
  afterAll(() => githubApi?.stop());
}

/** Starts the stand-ins of a file whose scenarios attest releases: the GitHub API and the Sigstore services. */
export function withGitHubApiAndSigstore(): void {
  withGitHubApi();
  withSigstore();
}

/** A stage over a bare GitOps remote holding this repository's gitops-repo/. */
export function gitopsStage(): { remote: GitopsRemoteFixture; stage: Stage } {
  const remote = createGitopsRemote(gitopsFiles());
  return { remote, stage: new Stage(remote) };
}

/**
 * The promotion scenarios' starting point: a gitopsStage whose dev runs `first`, a release of every
 * service built from `commit` and merged by Release run 501.
 */
export async function devRunsFirstRelease(commit: string): Promise<{ remote: GitopsRemoteFixture; stage: Stage; first: ReleaseManifest }> {
  const { remote, stage } = gitopsStage();
  const first = releaseOf(remote, commit, '2026-11-20T10:00:00Z', services);
  await stage.merge(first, 501);
  return { remote, stage, first };
}

/**
 * An open pull request of `repository` labelled preview, as the GitHub API stand-in serves it: its
 * head commit `headSha`, pushed at `committedAt`; `overrides` change any field.
 */
export function previewPullRequest(
  number: number,
  headSha: string,
  committedAt: string,
  overrides: Partial<StandInPullRequest> = {},
): StandInPullRequest {
  return {
    number,
    title: `Change ${number}`,
    branch: `change-${number}`,
    headSha,
    headRepository: repository,
    labels: ['preview'],
    committedAt,
    comments: [],
    ...overrides,
  };
}

/** A stage of the application repository alone (no GitOps tree), its open pull requests `pulls` (the preview scenarios). */
export function applicationStage(pulls: StandInPullRequest[] = []): Stage {
  const stage = new Stage(createGitopsRemote(new Map([['README.md', 'The application repository.\n']])));
  stage.pullRequests.push(...pulls);
  return stage;
}

/** The stand-ins of one scenario: GitHub's runs, artifacts and approvals, the tools, AWS and the cluster. */
export class Stage {
  readonly bin = mkdtempSync(join(tmpdir(), 'slipway-stand-ins-'));
  readonly artifacts: StageArtifact[] = [];
  readonly runs: StandInRun[] = [];
  readonly approvals: Record<string, StandInApproval[]> = {
    [replayedRun]: [{ login: 'octocat', state: 'approved', environment: 'production' }],
  };
  readonly uploads = new Map<string, Record<string, string>>();
  readonly verifications: Record<string, string>[] = [];
  /** Bundles signed for the releases of this scenario, and those the attestations API lists (repository → digest → bundles). */
  readonly signed = new SignedBundles();
  readonly attestations: Record<string, Record<string, unknown[]>> = {};
  readonly attested: AttestRecord[] = [];
  /** The release the next replayed build job builds (./actions/build-images stand-in). */
  building: ReleaseManifest | undefined;
  /** The id of the workflow run being replayed (its uploads belong to it). */
  runId = 0;
  /** The deployments GitHub made for replayed jobs bound to environments, with the statuses posted on them. */
  readonly deployments: StandInDeployment[] = [];
  /** The repository's pull requests (labels, head commits); a replayed `slipway preview-label` takes labels off and comments on them. */
  readonly pullRequests: StandInPullRequest[] = [];
  private wrotePullRequests = false;
  /** The `owner` and `repositories` inputs of every App token minted (create-github-app-token's scope). */
  readonly mintedTokens: { owner: string; repositories: string }[] = [];

  /**
   * With a separate GitOps remote: a git config that serves it as https://github.com/<separateGitopsRepository>.git
   * (`url.<base>.insteadOf`, git-config(1)), so the workflows name it as a user does (GITOPS_REPOSITORY
   * owner/name) and the promote action clones the URL it builds from that, with no network.
   */
  private readonly gitConfig: string | undefined;

  /** `remote` is what the workflows check out; `gitops`, when given, is a separate GitOps repository. */
  constructor(
    readonly remote: GitopsRemoteFixture,
    readonly gitops?: GitopsRemoteFixture,
  ) {
    writeToolStandIns(this.bin, join(root, 'actions/cli/slipway.js'));
    if (gitops) {
      const server = join(gitops.root, 'server');
      mkdirSync(join(server, dirname(separateGitopsRepository)), { recursive: true });
      symlinkSync(gitops.bare, join(server, `${separateGitopsRepository}.git`));
      this.gitConfig = join(gitops.root, 'gitconfig');
      // The user's own global config still applies (an include of a missing file is ignored).
      writeFileSync(
        this.gitConfig,
        `[include]\n\tpath = ${join(process.env['HOME'] ?? tmpdir(), '.gitconfig')}\n[url "file://${server}/"]\n\tinsteadOf = https://github.com/\n`,
      );
    }
  }

  /**
   * release.yml after a merge: the build's outputs → promote-dev, in run `runId` (a push to main),
   * which promotes the release to dev, verifies it and uploads its verified-in-dev marker. The
   * images' attestations are published as the build's attest steps would (`attest: false`: a
   * release that did not attest; `vars` and `secrets`: the repository's).
   */
  async merge(
    manifest: ReleaseManifest,
    runId: number,
    options: { attest?: boolean; vars?: Record<string, string>; secrets?: Record<string, string> } = {},
  ): Promise<JobReplay> {
    this.releaseBuilt(manifest, runId);
    this.runId = runId;
    if (options.attest !== false) await this.publish(manifest);
    const build = { outputs: { changed: 'true', 'release-id': manifest.id }, result: 'success' };
    const { vars, secrets } = options;
    return replayJob(
      root,
      release,
      'promote-dev',
      context({ event_name: 'push', needs: { build }, ...(vars ? { vars } : {}), ...(secrets ? { secrets } : {}) }),
      this.harness(),
    );
  }

  /** Plans and, when the plan lets it, promotes: what an approved run of promote-prod.yml would do. */
  promoteWith(values: Parameters<typeof context>[0]): { plan: JobReplay; promote: JobReplay } {
    const plan = replayJob(root, promoteProd, 'plan', context(values), this.harness());
    const promote = replayJob(
      root,
      promoteProd,
      'promote',
      context({ ...values, needs: { plan: outputsOf(promoteProd, 'plan', plan) } }),
      this.harness(),
    );
    return { plan, promote };
  }

  /** Signs the release's provenance and SBOM bundles (as release.yml on main would), for its build job's attest steps. */
  async sign(manifest: ReleaseManifest, request: Parameters<SignedBundles['sign']>[2] = {}): Promise<void> {
    await this.signed.sign(manifest, repository, request);
  }

  /** Signs and publishes the release's attestations directly, for scenarios that do not replay its build job. */
  async publish(manifest: ReleaseManifest, request: Parameters<SignedBundles['sign']>[2] = {}): Promise<void> {
    await this.sign(manifest, request);
    for (const [name, entry] of Object.entries(manifest.services)) {
      if (!name) continue;
      attestStandIn(
        { 'subject-name': entry.image.repository, 'subject-digest': entry.image.digest, 'push-to-registry': 'true' },
        this.attestContext(this.bin),
      );
    }
  }

  private attestContext(workspace: string): Parameters<typeof attestStandIn>[1] {
    return { workspace, repository, signed: this.signed, published: this.attestations, records: this.attested };
  }

  /** A run of release.yml: by default a push to main of this repository, of the commit `headSha`. */
  releaseRun(id: number, headSha: string, overrides: Partial<StandInRun> = {}): void {
    this.runs.push({
      id,
      path: releaseWorkflowPath,
      event: 'push',
      headBranch: 'main',
      headSha,
      headRepository: repository,
      name: 'Release',
      ...overrides,
    });
  }

  /** Run `runId` of release.yml (releaseRun, of the release's commit) that built the release and uploaded its release manifest. */
  releaseBuilt(manifest: ReleaseManifest, runId: number, overrides: Partial<StandInRun> = {}): void {
    this.releaseRun(runId, manifest.source.commit, overrides);
    this.artifact(`release-manifest-${manifest.id}`, runId, { 'release-manifest.json': formatReleaseManifest(manifest) });
  }

  /** A run of rollback.yml for `environment`, in the given status. */
  rollbackRun(id: number, environment: string, status: string): void {
    this.runs.push({
      id,
      path: rollbackWorkflowPath,
      event: 'workflow_dispatch',
      headBranch: 'main',
      headSha: '9'.repeat(40),
      headRepository: repository,
      status,
      displayTitle: rollbackRunName(environment),
    });
  }

  artifact(name: string, runId: number, files: Record<string, string> = {}, options: { expired?: boolean } = {}): void {
    this.artifacts.push({ name, runId, files, ...options });
  }

  /** The verified-in-dev marker of `releaseId` uploaded by run `runId` (verified.json: `content`, by default a passed soak). */
  marker(releaseId: string, runId: number, content = verifiedMarker(releaseId), options: { expired?: boolean } = {}): void {
    this.artifact(`release-verified-dev-${releaseId}`, runId, { 'verified.json': content }, options);
  }

  /**
   * The deployment GitHub makes when a job bound to `environment` starts (for the replayed run and its
   * commit, github.sha): call before replaying such a job. Returns it as the API stand-in holds it now.
   */
  jobStarts(environment: string, sha = replayedSha): StandInDeployment {
    this.syncState();
    const deployment = jobDeployment(this.deployments, { environment, sha, runId: replayedRun, repository });
    this.deployments.push(deployment);
    return deployment;
  }

  /**
   * Job `jobId` of `workflowFile` starts in `values`' context: GitHub makes a deployment for it when
   * it is bound to an environment, unless its `environment.deployment` evaluates to false (GitHub
   * docs, "Deploying with GitHub Actions", Using environments without deployments). Returns that
   * deployment, or undefined when GitHub makes none.
   */
  jobStartsIn(workflowFile: string, jobId: string, values: ExpressionContext, sha = replayedSha): StandInDeployment | undefined {
    const job = (parse(readFileSync(workflowFile, 'utf8')) as { jobs: Record<string, { environment?: unknown }> }).jobs[jobId];
    const bound = job?.environment;
    if (bound === undefined) return undefined;
    const spec = (typeof bound === 'string' ? { name: bound } : bound) as { name: string; deployment?: boolean | string };
    const deploys = typeof spec.deployment === 'string' ? substitute(spec.deployment, values) : String(spec.deployment ?? true);
    if (deploys !== 'true' && deploys !== 'false')
      throw new ReplayError(`${jobId}: environment.deployment is '${deploys}', not true or false`);
    return deploys === 'true' ? this.jobStarts(substitute(spec.name, values), sha) : undefined;
  }

  /** A deployment as the API stand-in holds it now (its statuses, oldest first). */
  deployment(id: number): StandInDeployment | undefined {
    this.syncState();
    return this.deployments.find((deployment) => deployment.id === id);
  }

  /** A pull request as the API stand-in holds it now (its labels, the comments posted on it). */
  pullRequest(number: number): StandInPullRequest | undefined {
    this.syncState();
    return this.pullRequests.find((pull) => pull.number === number);
  }

  /**
   * The API stand-in writes posted statuses, removed labels and comments to its state file: read them
   * back before it is rewritten.
   */
  private syncState(): void {
    if (!existsSync(apiState)) return;
    const state = JSON.parse(readFileSync(apiState, 'utf8')) as ActionsApiState;
    for (const deployment of state.deployments ?? []) {
      const index = this.deployments.findIndex((candidate) => candidate.id === deployment.id);
      if (index >= 0) this.deployments[index] = deployment;
    }
    // Only pull requests this stage wrote: another scenario's may have the same numbers.
    if (this.wrotePullRequests)
      for (const pull of state.pullRequests ?? []) {
        const index = this.pullRequests.findIndex((candidate) => candidate.number === pull.number);
        if (index >= 0) this.pullRequests[index] = pull;
      }
  }

  harness(): ReplayHarness {
    this.syncState();
    const config = join(this.bin, 'gh.json');
    const log = join(this.bin, 'gh.log');
    writeFileSync(config, JSON.stringify({ artifacts: this.artifacts, log }));
    const state: ActionsApiState = {
      tokens: ['ghs_replayToken', appToken],
      runs: this.runs,
      // Each artifact's archive is a real zip of its files, as upload-artifact v4 lays them out.
      artifacts: this.artifacts.map(({ name, runId, files, expired }) => ({
        name,
        runId,
        ...(expired ? { expired } : {}),
        zipBase64: artifactZipBase64(files),
      })),
      approvals: this.approvals,
      attestations: this.attestations,
      deployments: this.deployments,
      pullRequests: this.pullRequests,
      calls: [],
    };
    writeFileSync(apiState, JSON.stringify(state));
    this.wrotePullRequests = true;
    if (!existsSync(log)) writeFileSync(log, '');
    let clones = 0;
    return {
      environment: {
        PATH: `${this.bin}:${process.env['PATH'] ?? ''}`,
        HOME: process.env['HOME'] ?? tmpdir(),
        GH_STAND_IN: config,
        ...(this.gitConfig ? { GIT_CONFIG_GLOBAL: this.gitConfig } : {}),
      },
      checkout: (inputs, workspace) => {
        const name = `runner-${Date.now()}-${clones++}`;
        if (!inputs['repository']) {
          const checkout = this.remote.clone(name);
          placeTrustedRoot(checkout);
          // The committed CLI bundle, as in a checkout of this repository (jobs without npm ci run it):
          // slipway.js and the per-command chunks it imports beside it.
          cpSync(join(root, 'actions/cli/dist'), join(checkout, 'actions/cli/dist'), { recursive: true });
          return checkout;
        }
        if (!this.gitops || inputs['repository'] !== separateGitopsRepository || !workspace)
          throw new ReplayError(`checkout: no repository ${inputs['repository']} here`);
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
      for (const [file, text] of Object.entries(artifact.files)) {
        mkdirSync(dirname(join(dir, file)), { recursive: true });
        writeFileSync(join(dir, file), text);
      }
      return {};
    }
    if (uses.startsWith('actions/upload-artifact@')) {
      // A file is uploaded by its name; a folder's files by their paths inside it (upload-artifact's layout).
      const path = join(workspace ?? '', inputs['path'] ?? '');
      const files = existsSync(path) ? filesOf(path) : {};
      this.uploads.set(inputs['name'] ?? '', files);
      // Later runs find it through the artifacts API, as on GitHub.
      this.artifact(inputs['name'] ?? '', this.runId, files);
      return {};
    }
    if (uses.startsWith('actions/create-github-app-token@')) {
      if (!inputs['client-id'] || !inputs['private-key'])
        throw new ReplayError('create-github-app-token: client-id and private-key are required');
      this.mintedTokens.push({ owner: inputs['owner'] ?? '', repositories: inputs['repositories'] ?? '' });
      return { token: appToken, 'app-slug': 'slipway-gitops' };
    }
    if (uses.startsWith('actions/setup-node@') || uses.startsWith('aws-actions/configure-aws-credentials@')) return {};
    if (uses.startsWith('aws-actions/amazon-ecr-login@')) return { registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com' };
    // The builder, the scanner's setup and its upload run in their own tests (actions/build-images, actions/scan).
    if (
      uses.startsWith('docker/setup-buildx-action@') ||
      uses.startsWith('aquasecurity/setup-trivy@') ||
      uses.startsWith('github/codeql-action/upload-sarif@') ||
      uses === './actions/scan'
    )
      return {};
    if (uses === './actions/build-images') return this.build(inputs, workspace);
    if (uses.startsWith('actions/attest@')) return attestStandIn(inputs, this.attestContext(workspace ?? this.bin));
    // No cluster here: the verify action's own tests run it against Kubernetes and Prometheus servers.
    if (uses === './actions/verify') {
      this.verifications.push(inputs);
      // A passed verification's outputs (actions/verify/action.yml): the soak and the SLO figures of its window.
      const slo = parseVerifyTargets(inputs['services'] ?? '').map(({ service, version }) => ({
        service,
        version,
        requests: 500,
        errorRatio: 0,
        slowRatio: 0.002,
        ok: true,
      }));
      return { result: 'passed', 'soak-seconds': '300', slo: JSON.stringify(slo) };
    }
    if (step.run?.startsWith('npm ci') || step.run?.startsWith('aws eks update-kubeconfig')) return {};
    // No browser or shop here: the Playwright suite runs for real in the pull request's e2e job.
    if (step.run?.startsWith('npx playwright ')) return {};
    return undefined;
  }

  /** The build-images stand-in: the release the test staged, written where the workflow asks. */
  private build(inputs: Record<string, string>, workspace: string | undefined): Record<string, string> {
    const manifest = this.building;
    if (!manifest || !workspace) throw new ReplayError('build-images: no release staged for this build (set stage.building)');
    const file = join(workspace, inputs['release-manifest'] ?? '');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, formatReleaseManifest(manifest));
    return { changed: 'true', 'release-id': manifest.id };
  }

  /** The requests the GitHub API stand-in's pull-request routes answered since the last harness(), in order: `METHOD /path?query`. */
  apiCalls(): string[] {
    return existsSync(apiState) ? ((JSON.parse(readFileSync(apiState, 'utf8')) as ActionsApiState).calls ?? []) : [];
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
  return {
    workflow_run: {
      id,
      conclusion: 'success',
      name: 'Release',
      event: 'push',
      path: releaseWorkflowPath,
      head_branch: 'main',
      head_repository: { full_name: repository },
      ...overrides,
    },
  };
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
      sha: replayedSha,
      ref: 'refs/heads/main',
      run_id: String(replayedRun),
      actor: overrides.actor ?? 'merger',
      server_url: 'https://github.com',
      api_url: githubApi?.url ?? 'http://127.0.0.1:9/no-github-api',
      event_name: overrides.event_name,
      event: overrides.event ?? {},
    },
    vars: {
      AWS_REGION: 'eu-west-1',
      AWS_DEPLOY_ROLE_ARN: 'arn:aws:iam::123456789012:role/deploy',
      EKS_CLUSTER_NAME: 'slipway',
      SIGSTORE_TRUSTED_ROOT: replayTrustedRoot,
      SHOP_URL_DEV: 'https://dev.shop.example.com',
      SHOP_URL_PROD: 'https://shop.example.com',
      ...overrides.vars,
    },
    secrets: { ...overrides.secrets },
    inputs: overrides.inputs ?? {},
    needs: overrides.needs ?? {},
    env: {},
  };
}

export function outputsOf(file: string, job: string, replay: JobReplay): { outputs: Record<string, string>; result: string } {
  return { outputs: jobOutputs(file, job, replay), result: 'success' };
}

/** A dispatch of promote-prod.yml asking for `release` (a release id, or 'dev'), in commit mode. */
export const dispatch = (release: string, actor = 'mallory') => ({
  event_name: 'workflow_dispatch',
  actor,
  inputs: { release, mode: 'commit' },
});
