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
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { slsaProvenanceV1 } from '../../actions/lib/provenance/policy.ts';
import { parseReleaseManifest } from '../../actions/lib/release/release-manifest.ts';
import type { ReleaseManifest } from '../../actions/lib/release/release-manifest.ts';
import { createGitopsRemote, run } from '../../actions/test-support/gitops-repository.ts';
import type { GitopsRemoteFixture } from '../../actions/test-support/gitops-repository.ts';
import {
  appToken,
  context,
  gitopsFiles,
  gitopsStage,
  outputsOf,
  pins,
  promoteProd,
  release,
  releaseCompleted,
  releaseOf,
  rollback,
  root,
  separateGitopsRepository,
  services,
  Stage,
  withGitHubApiAndSigstore,
} from './replay-stage.ts';
import type { Pin } from './replay-stage.ts';
import { cycloneDxBom } from './replay-attestations.ts';
import { condition, evaluate, substitute } from './workflow-expressions.ts';
import { jobOutputs, replayJob, StepFailed } from './workflow-replay.ts';
import type { JobReplay, WorkflowStep } from './workflow-replay.ts';

const workflows = join(root, '.github', 'workflows');
withGitHubApiAndSigstore();

describe('the expression subset the replay evaluates', () => {
  const values = {
    inputs: { mode: '', release: 'dev' },
    vars: { MODE: 'pull-request' },
    needs: { plan: { outputs: { differs: 'true', 'release-id': '' } } },
    github: { event_name: 'workflow_run', event: { workflow_run: { conclusion: 'success' } } },
  };
  it.each([
    ["inputs.mode || vars.MODE || 'commit'", 'pull-request'],
    ["inputs.mode || vars.NONE || 'commit'", 'commit'],
    ["needs.plan.outputs.differs == 'true' || needs.plan.outputs.release-id != ''", true],
    [
      "github.event_name == 'workflow_dispatch' || (github.event_name == 'workflow_run' && github.event.workflow_run.conclusion == 'success')",
      true,
    ],
    ["!startsWith('promote prod: cart', 'promote prod:')", false],
    ["format('{0}% of lines', '81.5')", '81.5% of lines'],
    // GitHub's loose equality: a variable that is not set is null, which equals ''.
    ["vars.NONE != ''", false],
    ["vars.NONE == ''", true],
    ["vars.MODE == 'PULL-REQUEST'", true],
    ['needs.plan.outputs.differs == true', false],
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
    ({ remote, stage } = gitopsStage());
  });

  /**
   * release.yml after a merge: the build job (the release's images attested with bundles signed for
   * their digests) → promote-dev (provenance verified against the test trusted root, then promote and verify).
   */
  async function merge(
    manifest: ReleaseManifest,
    runId: number,
  ): Promise<{ build: JobReplay; promote: JobReplay; promoteOutputs: Record<string, string>; deployment: number }> {
    stage.releaseRun(runId, manifest.source.commit);
    stage.runId = runId;
    stage.building = manifest;
    await stage.sign(manifest);
    const build = replayJob(root, release, 'build', context({ event_name: 'push' }), stage.harness());
    const { id: deployment } = stage.jobStarts('dev');
    const promote = replayJob(
      root,
      release,
      'promote-dev',
      context({ event_name: 'push', needs: { build: outputsOf(release, 'build', build) } }),
      stage.harness(),
    );
    const promoteOutputs = jobOutputs(release, 'promote-dev', promote);
    return { build, promote, promoteOutputs, deployment };
  }

  it('merge → release: the build attests each image it pushes and records it; dev runs the release once its provenance verifies, verified at the GitOps commit promote made', async () => {
    first = releaseOf(remote, '1111111111111111111111111111111111111111', '2026-11-20T10:00:00Z', services);
    const { build, promote, promoteOutputs, deployment } = await merge(first, 501);
    // Two attestations per image (SLSA provenance, CycloneDX SBOM), each for the image's own name and digest.
    expect(
      stage.attested.map(({ subjectName, subjectDigest, predicateType }) => `${subjectName}@${subjectDigest} ${predicateType}`).sort(),
    ).toEqual(
      services
        .flatMap((service) =>
          [slsaProvenanceV1, cycloneDxBom].map(
            (type) => `${first.services[service]?.image.repository}@${first.services[service]?.image.digest} ${type}`,
          ),
        )
        .sort(),
    );
    expect(
      build.steps
        .filter((step) => step.label.startsWith('actions/attest@') || /^(provenance|sbom)-/.test(step.id ?? ''))
        .map((step) => step.ran),
    ).toEqual(Array(8).fill('harness'));
    const kept = parseReleaseManifest(
      stage.uploads.get(`release-manifest-${first.id}`)?.['release-manifest.json'] ?? '',
      'uploaded manifest',
    );
    for (const service of services) {
      const attestations = kept.services[service]?.attestations ?? [];
      expect(
        attestations.map((attestation) => attestation.predicateType),
        service,
      ).toEqual([slsaProvenanceV1, cycloneDxBom]);
      for (const attestation of attestations) {
        expect(stage.attested.find((record) => record.attestationId === attestation.attestationId)?.subjectDigest, service).toBe(
          first.services[service]?.image.digest,
        );
        expect(attestation.url).toBe(`https://github.com/example/slipway/attestations/${attestation.attestationId}`);
        expect(attestation.referrersOf).toBe(`${first.services[service]?.image.repository}@${first.services[service]?.image.digest}`);
      }
    }
    expect(Object.keys(stage.uploads.get(`release-manifest-${first.id}`) ?? {}).sort()).toEqual(
      ['release-manifest.json', ...services.map((service) => `sbom/${service}.cdx.json`)].sort(),
    );
    expect(promote.steps.find((step) => step.id === 'promote')?.summary).toContain('Provenance verified');
    expect(promote.steps.map((step) => [step.label, step.ran])).toEqual([
      ['actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8', 'harness'],
      ['GitOps token', 'skipped'],
      ['actions/download-artifact@d3f86a106a0bac45b974a628896c90dbdf5c8093', 'harness'],
      ['promote', 'action'],
      ['aws-actions/configure-aws-credentials@b47578312673ae6fa5b5096b330d9fbac3d116df', 'harness'],
      ['kubeconfig for the dev cluster', 'harness'],
      ['verify', 'harness'],
      ['Record the verified release', 'script'],
      ['actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02', 'harness'],
      ['The deployment record', 'script'],
    ]);
    // GitHub's deployment of the dev job (API stand-in) names the release, the GitOps commit and the shop.
    expect(stage.deployment(deployment)?.statuses.at(-1)).toEqual({
      state: 'success',
      description: `Release ${first.id} · GitOps ${remote.head().slice(0, 12)} · verified`,
      logUrl: 'https://github.com/example/slipway/actions/runs/4242',
      environmentUrl: 'https://dev.shop.example.com',
    });
    expect(promote.steps.at(-1)?.stdout).not.toContain('::warning::');
    expect(promote.steps[3]?.stdout).not.toContain('::warning::');
    const inputs = promote.steps[3]?.inputs ?? {};
    expect(inputs).toMatchObject({
      environment: 'dev',
      'release-manifest': 'release/release-manifest.json',
      branch: 'main',
      mode: 'commit',
      token: 'ghs_replayToken',
      'gitops-repository': '',
      rollback: 'false',
    });
    expect(promoteOutputs).toMatchObject({ 'commit-sha': remote.head(), changed: 'true' });
    for (const service of services) expect(pins(remote, 'dev')[service]).toEqual(first.services[service]?.image);
    expect(run(remote.bare, 'log', '-1', '--format=%B', 'main')).toContain(`Slipway-Release: ${first.id}`);

    expect(stage.verifications.at(-1)).toMatchObject({
      environment: 'dev',
      'gitops-commit': remote.head(),
      rollback: 'true',
      branch: 'main',
    });
    expect(JSON.parse(stage.verifications.at(-1)?.['services'] ?? '[]')).toEqual(
      services.map((service) =>
        expect.objectContaining({
          service,
          to: { tag: first.services[service]?.image.tag, digest: first.services[service]?.image.digest },
        }),
      ),
    );
    expect(JSON.parse(stage.uploads.get(`release-verified-dev-${first.id}`)?.['verified.json'] ?? '{}')).toEqual({
      releaseId: first.id,
      environment: 'dev',
      gitopsCommit: remote.head(),
      verified: true,
      soakSeconds: 300,
      slo: services.map((service) => ({
        service,
        version: first.services[service]?.image.tag,
        requests: 500,
        errorRatio: 0,
        slowRatio: 0.002,
        ok: true,
      })),
    });
    devAfter['first'] = pins(remote, 'dev');
  });

  it('a second merge changes only the services it built', async () => {
    second = releaseOf(remote, '2222222222222222222222222222222222222222', '2026-11-21T10:00:00Z', ['product', 'cart']);
    await merge(second, 502);
    const dev = pins(remote, 'dev');
    expect(dev['product']).toEqual(second.services['product']?.image);
    expect(dev['cart']).toEqual(second.services['cart']?.image);
    expect(dev['frontend']).toEqual(devAfter['first']?.['frontend']);
    expect(dev['order']).toEqual(devAfter['first']?.['order']);
    devAfter['second'] = dev;
  });

  it('the next release builds what changed since the source commit dev runs (the build job’s last-release script, run by bash)', () => {
    const step = (parse(readFileSync(release, 'utf8')) as { jobs: { build: { steps: WorkflowStep[] } } }).jobs.build.steps.find(
      (candidate) => candidate.id === 'last-release',
    );
    const checkout = remote.clone(`last-release-${Date.now()}`);
    const output = join(checkout, '.github-output');
    writeFileSync(output, '');
    const result = spawnSync('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c', step?.run ?? 'exit 1'], {
      cwd: checkout,
      env: { ...process.env, GITOPS_PATH: 'gitops-repo', GITHUB_OUTPUT: output },
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(0);
    expect(readFileSync(output, 'utf8')).toBe(`since=${second.source.commit}\n`);
  });

  it('approval of a chosen release that dev verified → prod runs that release’s manifest, from the Release run that built and verified it; Approved-By names the reviewer', () => {
    const dispatch = { event_name: 'workflow_dispatch', actor: 'release-manager', inputs: { release: first.id, mode: 'commit' } };
    const plan = replayJob(root, promoteProd, 'plan', context(dispatch), stage.harness());
    const planOutputs = outputsOf(promoteProd, 'plan', plan);
    expect(planOutputs.outputs).toMatchObject({ 'release-run': '501', 'release-id': first.id, 'from-environment': '', differs: 'true' });
    // The evidence of the chosen release, its manifest read from run 501's artifact by the one evidence call.
    expect(planOutputs.outputs['evidence']).toMatch(new RegExp(`^## Evidence: release ${first.id} → prod\n`));
    expect(planOutputs.outputs['evidence']).toContain('**Dev verification:** passed; Healthy through a 5 min soak');
    expect(plan.steps.find((step) => step.id === 'diff')?.stdout).toContain('services differ; promoting dev -> prod would change');

    // Commit mode: GitHub records a deployment of the promote job (its environment's `deployment` is true).
    const production = stage.jobStartsIn(promoteProd, 'promote', context(dispatch));
    expect(production?.environment).toBe('production');
    const promote = replayJob(root, promoteProd, 'promote', context({ ...dispatch, needs: { plan: planOutputs } }), stage.harness());
    expect(stage.deployment(production?.id ?? 0)?.statuses.at(-1)).toMatchObject({
      state: 'success',
      description: `Release ${first.id} · GitOps ${remote.head().slice(0, 12)} · verified`,
      environmentUrl: 'https://shop.example.com',
    });
    expect(promote.steps.find((step) => step.id === 'promote')?.inputs).toMatchObject({
      environment: 'prod',
      'release-manifest': 'release/release-manifest.json',
      'from-environment': '',
      mode: 'commit',
      approver: '',
    });
    for (const service of services) expect(pins(remote, 'prod')[service]).toEqual(first.services[service]?.image);
    // The production reviewer from the run's approvals, not the release manager who started it.
    const message = run(remote.bare, 'log', '-1', '--format=%B', 'main');
    expect(message).toContain('Approved-By: octocat');
    expect(message).not.toContain('release-manager');
    expect(stage.ghLog()).toContainEqual([
      'run',
      'download',
      '501',
      '--repo',
      'example/slipway',
      '--name',
      `release-manifest-${first.id}`,
      '--dir',
      'release',
    ]);
    expect(stage.verifications.at(-1)).toMatchObject({ environment: 'prod', 'gitops-commit': remote.head() });
  });

  it('approval after a verified release → prod gets exactly the digests dev runs', () => {
    const afterRelease = { event_name: 'workflow_run', actor: 'merger', event: releaseCompleted(502) };
    const downloads = stage.ghLog().length;
    const plan = replayJob(root, promoteProd, 'plan', context(afterRelease), stage.harness());
    const planOutputs = outputsOf(promoteProd, 'plan', plan);
    expect(planOutputs.outputs).toMatchObject({ 'from-environment': 'dev', 'release-id': '', differs: 'true' });
    // The reviewer's evidence: in the plan's summary, and handed to the promote step for a pull request's body.
    const evidence = plan.steps.find((step) => step.id === 'evidence');
    expect(evidence?.summary).toMatch(/^## Evidence: dev → prod\n\n\d services? would change: /);
    expect(evidence?.summary).toContain('**Dev verification:** passed; Healthy through a');
    // One process: the releases read through the Actions API stand-in (no gh download), the provenance
    // verified against the replay's trusted root and the attestations the build job published.
    expect(stage.ghLog().length).toBe(downloads);
    expect(evidence?.summary).toContain(
      `**Provenance:** verified — SLSA provenance of this digest signed by \`https://github.com/example/slipway/.github/workflows/release.yml@refs/heads/main\` (Sigstore), built from \`${second.source.commit.slice(0, 12)}\`; the release recorded [attestation `,
    );
    // The Applications name the upstream repository, not this replay's example/slipway: no chart is read from a look-alike folder.
    expect(evidence?.summary).toContain(
      '**Rendered manifests:** diff unavailable — what runs now: the chart comes from https://github.com/slipway-dev/slipway.git, which is not a repository checked out here (https://github.com/example/slipway)',
    );
    expect(planOutputs.outputs['evidence']?.trimEnd()).toBe(evidence?.summary.trimEnd());
    const promote = replayJob(root, promoteProd, 'promote', context({ ...afterRelease, needs: { plan: planOutputs } }), stage.harness());
    expect(promote.steps.find((step) => step.id === 'promote')?.inputs['evidence']?.trimEnd()).toBe(evidence?.summary.trimEnd());
    expect(promote.steps.find((step) => step.id === 'manifest')?.ran).toBe('skipped');
    expect(pins(remote, 'prod')).toEqual(pins(remote, 'dev'));
    expect(pins(remote, 'prod')).toEqual(devAfter['second']);

    // Nothing left to promote: the plan says so, and the approval job is not started.
    const again = outputsOf(promoteProd, 'plan', replayJob(root, promoteProd, 'plan', context(afterRelease), stage.harness()));
    expect(again.outputs['differs']).toBe('false');
    expect(condition(parse(readFileSync(promoteProd, 'utf8')).jobs.promote.if, context({ ...afterRelease, needs: { plan: again } }))).toBe(
      false,
    );
  });

  it('a Release run that verified nothing new in dev (it built nothing) asks no one to approve a prod promotion', () => {
    stage.releaseRun(599, '5'.repeat(40));
    const afterRelease = { event_name: 'workflow_run', actor: 'merger', event: releaseCompleted(599) };
    const plan = replayJob(root, promoteProd, 'plan', context(afterRelease), stage.harness());
    expect(plan.steps.find((step) => step.id === 'diff')?.ran).toBe('skipped');
    expect(plan.steps.find((step) => step.id === 'source')?.summary).toContain('Release run 599 verified no new release in dev');
    const planOutputs = outputsOf(promoteProd, 'plan', plan);
    expect(
      condition(parse(readFileSync(promoteProd, 'utf8')).jobs.promote.if, context({ ...afterRelease, needs: { plan: planOutputs } })),
    ).toBe(false);
  });

  const marker = join(tmpdir(), `slipway-injected-${process.pid}`);
  const unverified = 'badc0de-20261121T120000Z';
  it.each([
    { release: `$(touch ${marker}); x`, error: /is not a release id/ },
    {
      release: 'deadbee-20990101T000000Z',
      error:
        /no release-manifest-deadbee-20990101T000000Z artifact from a push of \.github\/workflows\/release\.yml to main of example\/slipway: the release id is unknown/,
    },
    {
      release: unverified,
      error: new RegExp(
        `release ${unverified} has not passed verification in dev \\(run 503 built it but uploaded no release-verified-dev-${unverified} artifact\\)`,
      ),
    },
  ])('a dispatch asking for $release stops at the plan with a clear error, promoting nothing', ({ release: asked, error }) => {
    // Built and promoted to dev, but its verification failed (dev was rolled back): no verified marker.
    if (!stage.runs.some((candidate) => candidate.id === 503)) {
      stage.releaseRun(503, 'badc0de'.padEnd(40, '0'));
      stage.artifact(`release-manifest-${unverified}`, 503, { 'release-manifest.json': '{}' });
    }
    const prodBefore = pins(remote, 'prod');
    const downloads = stage.ghLog().length;
    const dispatch = context({ event_name: 'workflow_dispatch', inputs: { release: asked, mode: 'commit' } });
    expect(() => replayJob(root, promoteProd, 'plan', dispatch, stage.harness())).toThrow(error);
    expect(pins(remote, 'prod')).toEqual(prodBefore);
    expect(existsSync(marker)).toBe(false);
    expect(stage.ghLog().length).toBe(downloads);
  });

  it('a failed release does not start a prod promotion', () => {
    const failed = context({ event_name: 'workflow_run', event: releaseCompleted(504, { conclusion: 'failure' }) });
    expect(() => replayJob(root, promoteProd, 'plan', failed, stage.harness())).toThrow(/the job's if .* is false/);
  });

  it('rollback of prod → prod runs the release before its latest promotion; Approved-By names the reviewer, not who asked', () => {
    const inputs = { environment: 'prod', reason: 'checkout errors' };
    const dispatch = context({ event_name: 'workflow_dispatch', actor: 'on-call', inputs });
    expect(condition(parse(readFileSync(rollback, 'utf8')).jobs['rollback-dev'].if, dispatch)).toBe(false);
    const restoring = stage.jobStarts('production');
    const superseded = stage.deployments.filter(
      (deployment) => deployment.environment === 'production' && deployment.statuses.at(-1)?.state === 'success',
    );
    const replay = replayJob(root, rollback, 'rollback-prod', dispatch, stage.harness());
    for (const service of services) expect(pins(remote, 'prod')[service]).toEqual(first.services[service]?.image);
    // The rollback is a deployment of the earlier release; the production deployments it superseded are inactive.
    expect(stage.deployment(restoring.id)?.statuses.at(-1)).toMatchObject({
      state: 'success',
      description: `Rollback to release ${first.id} · GitOps ${remote.head().slice(0, 12)} · verified`,
      environmentUrl: 'https://shop.example.com',
    });
    expect(superseded.length).toBeGreaterThan(0);
    for (const { id } of superseded) expect(stage.deployment(id)?.statuses.at(-1)?.state).toBe('inactive');
    const message = run(remote.bare, 'log', '-1', '--format=%B', 'main');
    expect(message).toMatch(/^rollback prod:/);
    expect(message).toContain('Approved-By: octocat');
    expect(message).not.toContain('on-call');
    expect(replay.steps.find((step) => step.label === 'Reason')?.ran).toBe('script');
    expect(stage.verifications.at(-1)).toMatchObject({ environment: 'prod', 'gitops-commit': remote.head(), rollback: 'false' });
  });

  it('rollback of dev → dev runs the first release again; prod is left alone', () => {
    const prodBefore = pins(remote, 'prod');
    replayJob(
      root,
      rollback,
      'rollback-dev',
      context({ event_name: 'workflow_dispatch', actor: 'on-call', inputs: { environment: 'dev', reason: '' } }),
      stage.harness(),
    );
    expect(pins(remote, 'dev')).toEqual(devAfter['first']);
    expect(pins(remote, 'prod')).toEqual(prodBefore);
  });
});

describe('the same workflows with the GitOps tree in its own repository (the trio split in three)', () => {
  it('release → dev and approval → prod land at the root of the separate repository; the application repository is untouched', async () => {
    const gitops = createGitopsRemote(new Map([...gitopsFiles()].map(([path, text]) => [path.replace(/^gitops-repo\//, ''), text])));
    const app = createGitopsRemote(new Map([['README.md', 'The application repository.\n']]));
    const appHead = app.head();
    const stage = new Stage(app, gitops);
    const split = {
      vars: { GITOPS_REPOSITORY: separateGitopsRepository, GITOPS_PATH: '', GITOPS_APP_CLIENT_ID: 'Iv23liTestClient' },
      secrets: { GITOPS_APP_PRIVATE_KEY: '-----BEGIN RSA PRIVATE KEY-----' },
    };
    const manifest = releaseOf(gitops, '3333333333333333333333333333333333333333', '2026-11-22T01:00:00Z', services, '');
    const dev = await stage.merge(manifest, 601, split);
    // The GitOps App's token, minted in the job from the environment's key, for the GitOps repository
    // alone: never for every repository of the owner's installation.
    expect(dev.steps.find((step) => step.id === 'gitops-token')?.inputs).toMatchObject({
      'client-id': 'Iv23liTestClient',
      'private-key': '-----BEGIN RSA PRIVATE KEY-----',
      'permission-contents': 'write',
      'gitops-repository': separateGitopsRepository,
    });
    expect(dev.steps.find((step) => step.id === 'gitops-token')?.outputs['repository']).toBe(separateGitopsRepository);
    expect(stage.mintedTokens).toEqual([{ owner: '', repositories: 'gitops' }]);
    expect(dev.steps.find((step) => step.id === 'promote')?.inputs).toMatchObject({
      'gitops-repository': separateGitopsRepository,
      'gitops-path': '',
      token: appToken,
    });
    expect(dev.steps.find((step) => step.id === 'promote')?.stdout).not.toContain('::warning::');
    for (const service of services) expect(pins(gitops, 'dev', '')[service]).toEqual(manifest.services[service]?.image);
    expect(app.head()).toBe(appHead);

    expect(stage.verifications.at(-1)).toMatchObject({
      environment: 'dev',
      'gitops-commit': gitops.head(),
      'gitops-repository': separateGitopsRepository,
    });

    const afterRelease = { event_name: 'workflow_run', event: releaseCompleted(601), ...split };
    const plan = replayJob(root, promoteProd, 'plan', context(afterRelease), stage.harness());
    expect(plan.steps.find((step) => step.label === 'The GitOps repository, when it is a separate one')?.ran).toBe('harness');
    const planOutputs = outputsOf(promoteProd, 'plan', plan);
    expect(planOutputs.outputs['differs']).toBe('true');
    replayJob(root, promoteProd, 'promote', context({ ...afterRelease, needs: { plan: planOutputs } }), stage.harness());
    expect(pins(gitops, 'prod', '')).toEqual(pins(gitops, 'dev', ''));
    expect(stage.mintedTokens.map((token) => token.repositories)).toEqual(['gitops', 'gitops']);
    expect(app.head()).toBe(appHead);
  });
});

describe('the GitOps App token (actions/gitops-token, replayed step by step) is for the GitOps repository alone', () => {
  const app = { GITOPS_APP_CLIENT_ID: 'Iv23liTestClient' };
  const key = { GITOPS_APP_PRIVATE_KEY: '-----BEGIN RSA PRIVATE KEY-----' };

  it('in one repository: minted for this repository by name, no owner-wide token', async () => {
    const { remote, stage } = gitopsStage();
    const dev = await stage.merge(releaseOf(remote, '5555555555555555555555555555555555555555', '2026-11-22T01:30:00Z', ['cart']), 611, {
      vars: app,
      secrets: key,
    });
    expect(dev.steps.find((step) => step.id === 'gitops-token')?.outputs['repository']).toBe('example/slipway');
    expect(stage.mintedTokens).toEqual([{ owner: '', repositories: 'slipway' }]);
  });

  it('takes the owner without regard to case, as GitHub does, and mints for the name', async () => {
    const { remote, stage } = gitopsStage();
    const release = releaseOf(remote, '7777777777777777777777777777777777777777', '2026-11-22T01:50:00Z', ['cart']);
    // The replay serves the GitOps remote under its lower-case name only: what follows the token may fail here.
    await stage.merge(release, 613, { vars: { ...app, GITOPS_REPOSITORY: 'EXAMPLE/gitops' }, secrets: key }).catch(() => undefined);
    expect(stage.mintedTokens).toEqual([{ owner: '', repositories: 'gitops' }]);
  });

  it.each([
    ['another owner', 'someone-else/gitops', 'GITOPS_REPOSITORY someone-else/gitops belongs to someone-else, not to example'],
    [
      'a URL',
      'https://github.com/example/gitops',
      "GITOPS_REPOSITORY is 'https://github.com/example/gitops': give the GitOps repository as owner/name",
    ],
    [
      'a path below a repository',
      'example/gitops/environments',
      "GITOPS_REPOSITORY is 'example/gitops/environments': give the GitOps repository as owner/name",
    ],
  ])('refuses %s before any token is minted, saying what to set', async (_name, value, message) => {
    const { remote, stage } = gitopsStage();
    const release = releaseOf(remote, '6666666666666666666666666666666666666666', '2026-11-22T01:40:00Z', ['cart']);
    const before = remote.head();
    const failure = await stage.merge(release, 612, { vars: { ...app, GITOPS_REPOSITORY: value }, secrets: key }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StepFailed);
    expect((failure as StepFailed).step.stdout).toContain(`::error::${message}`);
    expect(stage.mintedTokens).toEqual([]);
    expect(remote.head()).toBe(before);
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
      zizmor: result('failure', { findings: '2 findings (1 suppressed): 0 unknown, 0 informational, 0 low, 1 medium, 1 high' }),
      'actions-dist': result('success'),
      preview: result('skipped'),
      'preview-fork': result('skipped'),
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
    expect(row('Workflow security (zizmor)')).toMatch(/fail/i);
    expect(row('Workflow security (zizmor)')).toContain('2 findings (1 suppressed): 0 unknown, 0 informational, 0 low, 1 medium, 1 high');
  });
});

describe('a prod promotion in pull-request mode, replayed against a local server following GitHub REST API shapes', () => {
  it('opens the pull request and leaves prod alone and unverified; once merged, verify-merged checks the promoted versions at the merge commit', async () => {
    const { remote, stage } = gitopsStage();
    const manifest = releaseOf(remote, '4444444444444444444444444444444444444444', '2026-11-22T02:00:00Z', ['cart']);
    await stage.merge(manifest, 701);
    const prodBefore = pins(remote, 'prod');
    const mainBefore = remote.head();

    const dispatch = { event_name: 'workflow_dispatch', actor: 'release-manager', inputs: { release: 'dev', mode: 'pull-request' } };
    const planOutputs = outputsOf(promoteProd, 'plan', replayJob(root, promoteProd, 'plan', context(dispatch), stage.harness()));
    const verifications = stage.verifications.length;
    // The job only opens a pull request: GitHub records no deployment for it (environment.deployment
    // false), so no "success" says prod was deployed when it was not; verify-merged records the real one.
    expect(stage.jobStartsIn(promoteProd, 'promote', context(dispatch))).toBeUndefined();
    const promote = replayJob(root, promoteProd, 'promote', context({ ...dispatch, needs: { plan: planOutputs } }), stage.harness());
    const promoted = promote.steps.find((step) => step.id === 'promote');
    expect(promoted?.outputs).toMatchObject({
      'pull-request-url': 'https://github.com/example/slipway/pull/1',
      'commit-sha': remote.head('slipway/promote-prod'),
      changed: 'true',
    });
    expect(remote.head()).toBe(mainBefore);
    expect(pins(remote, 'prod')).toEqual(prodBefore);
    // The branch is not what Argo CD deploys: verifying (and rolling back on its timeout) would hit prod's current release.
    expect(
      promote.steps.slice(promote.steps.indexOf(promoted as NonNullable<typeof promoted>) + 1).map((step) => [step.label, step.ran]),
    ).toEqual([
      ['aws-actions/configure-aws-credentials@b47578312673ae6fa5b5096b330d9fbac3d116df', 'skipped'],
      ['kubeconfig for the prod cluster', 'skipped'],
      ['verify', 'skipped'],
      // Nothing deployed yet: the job's deployment gets no release (verify-merged deploys it).
      ['The deployment record', 'skipped'],
    ]);
    expect(stage.verifications).toHaveLength(verifications);

    // A reviewer merges the pull request with a merge commit.
    const reviewer = remote.clone('reviewer');
    run(reviewer, 'fetch', '--quiet', 'origin', 'slipway/promote-prod');
    run(
      reviewer,
      '-c',
      'user.name=Reviewer',
      '-c',
      'user.email=reviewer@example.com',
      'merge',
      '--quiet',
      '--no-ff',
      '-m',
      'Merge pull request #1 from example/slipway/promote-prod',
      'FETCH_HEAD',
    );
    run(reviewer, 'push', '--quiet', 'origin', 'main');
    const merged = remote.head();
    expect(pins(remote, 'prod')['cart']).toEqual(manifest.services['cart']?.image);

    const push = context({
      event_name: 'push',
      actor: 'reviewer',
      vars: { GITOPS_APP_SLUG: 'slipway-gitops' },
      event: { head_commit: { message: 'Merge pull request #1 from example/slipway/promote-prod' } },
    });
    const deployment = stage.jobStartsIn(promoteProd, 'verify-merged', push, merged);
    if (!deployment) throw new Error('verify-merged is bound to production: GitHub records its deployment');
    const verifyMerged = replayJob(
      root,
      promoteProd,
      'verify-merged',
      { ...push, github: { ...(push['github'] as Record<string, unknown>), sha: merged } },
      stage.harness(),
    );
    expect(verifyMerged.steps.find((step) => step.id === 'verify')?.ran).toBe('harness');
    // The merge's deployment (GitHub's, for the merge commit) names the merged promotion's release:
    // its Slipway-Release trailer (dev's images from several releases: a release id made for them).
    const mergedRelease = run(
      remote.bare,
      'log',
      '-1',
      '--format=%(trailers:key=Slipway-Release,valueonly,separator=)',
      merged,
      '--',
      'gitops-repo/environments/prod',
    ).trim();
    expect(mergedRelease).toMatch(/^dev-\d{8}T\d{6}Z$/);
    expect(stage.deployment(deployment.id)?.statuses.at(-1)).toMatchObject({
      state: 'success',
      description: `Release ${mergedRelease} · GitOps ${merged.slice(0, 12)} · verified`,
      environmentUrl: 'https://shop.example.com',
    });
    // Prod's deployment history holds the merge's deployment only: none for the pull request's opening.
    expect(stage.deployments.filter((candidate) => candidate.environment === 'production').map((candidate) => candidate.id)).toEqual([
      deployment.id,
    ]);
    // The same for an automatic promotion after a Release run, in pull-request mode by the repository's variable.
    const automatic = (mode: string) =>
      context({ event_name: 'workflow_run', actor: 'merger', event: releaseCompleted(701), vars: { PROD_PROMOTION_MODE: mode } });
    expect(stage.jobStartsIn(promoteProd, 'promote', automatic('pull-request'))).toBeUndefined();
    expect(stage.verifications.at(-1)).toMatchObject({
      environment: 'prod',
      'gitops-commit': merged,
      services: `cart=${manifest.services['cart']?.image.tag}`,
      rollback: 'true',
    });

    // A commit-mode promotion pushed to main by the GitOps App was verified by its own run; a merged
    // pull request is verified whatever its message says (it cannot pass for the App's push).
    const verifyIf = parse(readFileSync(promoteProd, 'utf8')).jobs['verify-merged'].if;
    const pushed = (actor: string) =>
      context({
        event_name: 'push',
        actor,
        vars: { GITOPS_APP_SLUG: 'slipway-gitops' },
        event: { head_commit: { message: 'promote prod: cart sha-4444444' } },
      });
    expect(condition(verifyIf, pushed('slipway-gitops[bot]'))).toBe(false);
    expect(condition(verifyIf, pushed('reviewer'))).toBe(true);
  });
});
