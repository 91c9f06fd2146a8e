import { describe, expect, it } from 'vitest';
import { createReleaseManifest } from './release-manifest.ts';
import {
  verifiedMarkerRefusal,
  candidateRuns,
  imagesOfReleaseRefusal,
  releasesRunning,
  explainMissingRelease,
  manifestArtifact,
  pendingRollbacks,
  releaseInRun,
  releaseRuns,
  rollbackRunName,
  rollbackRuns,
  runRefusal,
  verifiedArtifact,
  verifiedReleaseOfRun,
} from './release-runs.ts';
import type { ArtifactFacts, WorkflowRunFacts } from './release-runs.ts';

const repository = 'example/slipway';
const trusted = releaseRuns(repository);
const release = '1a2b3c4-20261122T030000Z';

function run(id: number, overrides: Partial<WorkflowRunFacts> = {}): WorkflowRunFacts {
  return {
    id,
    path: '.github/workflows/release.yml',
    event: 'push',
    headBranch: 'main',
    headSha: `1a2b3c4${'0'.repeat(33)}`,
    headRepository: repository,
    status: 'completed',
    displayTitle: 'Release',
    ...overrides,
  };
}
const artifact = (name: string, runId: number, expired = false): ArtifactFacts => ({ name, runId, expired });

describe('which runs a release may come from', () => {
  it('trusts a push of release.yml to main of this repository (the owner/name compared without case)', () => {
    expect(runRefusal(run(1), trusted)).toBeUndefined();
    expect(runRefusal(run(1, { headRepository: 'Example/Slipway' }), trusted)).toBeUndefined();
  });

  it.each([
    ['a pull request run', { event: 'pull_request', headBranch: 'feature' }, /run 7 was triggered by pull_request, not by push/],
    [
      'a fork whose own workflow is named Release, from its main',
      { headRepository: 'mallory/slipway' },
      /run 7 ran code from mallory\/slipway, not from example\/slipway/,
    ],
    [
      'another workflow file',
      { path: '.github/workflows/release-copy.yml' },
      /run 7 ran \.github\/workflows\/release-copy\.yml, not \.github\/workflows\/release\.yml/,
    ],
    ['a push to another branch', { headBranch: 'hotfix' }, /run 7 ran for branch hotfix, not main/],
  ])('refuses %s', (_, overrides, reason) => {
    expect(runRefusal(run(7, overrides), trusted)).toMatch(reason);
  });

  it('asks only the trusted runs of the release id’s commit, newest first', () => {
    const runs = [run(10), run(12), run(11, { headSha: `9999999${'0'.repeat(33)}` }), run(13, { event: 'pull_request' })];
    expect(candidateRuns(release, runs, trusted).map((candidate) => candidate.id)).toEqual([12, 10]);
    expect(candidateRuns('hand-made-release', runs, trusted).map((candidate) => candidate.id)).toEqual([12, 11, 10]);
  });

  it('a run holds a release when it uploaded its manifest, and it is verified when the same run uploaded the marker', () => {
    expect(releaseInRun(release, 5, [artifact(manifestArtifact(release), 5), artifact(verifiedArtifact(release), 5)])).toBe('both');
    expect(releaseInRun(release, 5, [artifact(manifestArtifact(release), 5)])).toBe('manifest');
    expect(releaseInRun(release, 5, [artifact(manifestArtifact(release), 5, true), artifact(verifiedArtifact(release), 5)])).toBe('none');
  });
});

describe('why no trusted run holds a release', () => {
  const none = { manifests: [], markers: [] };
  it('a manifest uploaded only by a pull request run: refused, naming the run and why', () => {
    const runs = new Map([[901, run(901, { event: 'pull_request', headBranch: 'main', headRepository: 'mallory/slipway' })]]);
    const reason = explainMissingRelease(
      release,
      {},
      { manifests: [artifact(manifestArtifact(release), 901)], markers: [artifact(verifiedArtifact(release), 901)] },
      runs,
      trusted,
    );
    expect(reason).toMatch(
      /release-manifest-1a2b3c4-20261122T030000Z comes only from runs that may not promote \(run 901 was triggered by pull_request, not by push\)/,
    );
    expect(reason).toContain('a release manifest counts only from a push of .github/workflows/release.yml to main of example/slipway');
  });

  it('a marker uploaded by another run than the one that built the release: refused', () => {
    const runs = new Map([
      [501, run(501)],
      [777, run(777, { path: '.github/workflows/other.yml' })],
    ]);
    const reason = explainMissingRelease(
      release,
      { manifestRun: 501 },
      { manifests: [artifact(manifestArtifact(release), 501)], markers: [artifact(verifiedArtifact(release), 777)] },
      runs,
      trusted,
    );
    expect(reason).toMatch(
      /its release-verified-dev-1a2b3c4-20261122T030000Z marker comes from run 777 ran \.github\/workflows\/other\.yml.*not from run 501 that built the release/,
    );
  });

  it('a release built but never verified in dev, an unknown id, an expired manifest', () => {
    expect(explainMissingRelease(release, { manifestRun: 501 }, none, new Map(), trusted)).toMatch(
      /has not passed verification in dev \(run 501 built it but uploaded no release-verified-dev-/,
    );
    expect(explainMissingRelease(release, {}, none, new Map(), trusted)).toMatch(
      /^no release-manifest-1a2b3c4-20261122T030000Z artifact from a push of .*: the release id is unknown; promote 'dev' instead$/,
    );
    expect(
      explainMissingRelease(release, {}, { manifests: [artifact(manifestArtifact(release), 501, true)], markers: [] }, new Map(), trusted),
    ).toContain('or its manifest expired (90 days)');
  });
});

describe('the release a finished Release run verified (workflow_run)', () => {
  it('is the one whose marker and manifest the run uploaded', () => {
    expect(
      verifiedReleaseOfRun(run(502), [artifact(manifestArtifact(release), 502), artifact(verifiedArtifact(release), 502)], trusted),
    ).toEqual({ releaseId: release });
  });

  it('is none when the run verified nothing (it built nothing)', () => {
    expect(verifiedReleaseOfRun(run(599), [], trusted)).toEqual({
      skip: 'Release run 599 verified no new release in dev: nothing to promote.',
    });
  });

  it.each([
    [
      'a run from a fork',
      run(66, { headRepository: 'mallory/slipway' }),
      [],
      /ran code from mallory\/slipway.*starts only after \.github\/workflows\/release\.yml pushed to main of example\/slipway/,
    ],
    [
      'a marker without its manifest',
      run(67),
      [artifact(verifiedArtifact(release), 67)],
      /has the marker of release .* but not its release-manifest-/,
    ],
    [
      'two markers',
      run(68),
      [artifact(verifiedArtifact('a'), 68), artifact(verifiedArtifact('b'), 68)],
      /uploaded 2 verified-in-dev markers/,
    ],
  ])('refuses %s', (_, theRun, artifacts, reason) => {
    const result = verifiedReleaseOfRun(theRun, artifacts, trusted);
    expect('refused' in result && result.refused).toMatch(reason);
  });
});

describe('rollbacks a prod writer must let through', () => {
  const rollbacks = rollbackRuns(repository);
  const rollback = (id: number, status: string, environment = 'prod', overrides: Partial<WorkflowRunFacts> = {}) =>
    run(id, {
      path: '.github/workflows/rollback.yml',
      event: 'workflow_dispatch',
      status,
      displayTitle: rollbackRunName(environment),
      ...overrides,
    });
  it('are the unfinished rollback runs of that environment on main', () => {
    const runs = [
      rollback(1, 'completed'),
      rollback(2, 'waiting'),
      rollback(3, 'pending'),
      rollback(4, 'in_progress', 'dev'),
      rollback(5, 'queued', 'prod', { headBranch: 'feature' }),
    ];
    expect(pendingRollbacks(runs, 'prod', rollbacks).map((candidate) => candidate.id)).toEqual([2, 3]);
    expect(pendingRollbacks(runs, 'dev', rollbacks).map((candidate) => candidate.id)).toEqual([4]);
  });
});

describe('verifiedMarkerRefusal: prod takes a release only after its dev soak and SLO figures', () => {
  const id = '1a2b3c4-20261122T030000Z';
  const marker = {
    releaseId: id,
    environment: 'dev',
    gitopsCommit: '4f6d2a1c9b8e7d6c5b4a39281706f5e4d3c2b1a0',
    verified: true,
    soakSeconds: 300,
    slo: [{ service: 'cart', version: 'sha-2222222', requests: 812, errorRatio: 0.001, slowRatio: 0.004, ok: true }],
  };
  it('accepts a marker that records the soak and met SLOs', () => {
    expect(verifiedMarkerRefusal(id, marker)).toBeUndefined();
  });
  it.each<[string, unknown, string]>([
    [
      'the marker of before (no soak recorded)',
      { releaseId: id, environment: 'dev', gitopsCommit: marker.gitopsCommit, verified: true },
      `release ${id} was verified in dev without a soak (release-verified-dev-${id}/verified.json records no soakSeconds); prod takes only a release that stayed Healthy through dev's soak window: verify it in dev again (a Release run of a newer commit), or promote another release that passed`,
    ],
    ['a soak of 0', { ...marker, soakSeconds: 0 }, 'was verified in dev without a soak'],
    ['no SLO figures', { ...marker, slo: [] }, 'has no SLO figures from its dev soak'],
    ['an SLO not met', { ...marker, slo: [{ ...marker.slo[0], ok: false }] }, 'records SLO figures that are incomplete or not met (cart)'],
    ['figures missing', { ...marker, slo: [{ service: 'cart', ok: true }] }, 'incomplete or not met (cart)'],
    ['another release', { ...marker, releaseId: 'other' }, 'names release other, not'],
    ['not an object', 'verified', 'is not a JSON object'],
  ])('refuses %s, saying why', (_name, given, reason) => {
    expect(verifiedMarkerRefusal(id, given)).toContain(reason);
  });
});

describe('the releases an environment runs (their promotion trailers), for their dev verification to be checked', () => {
  const image = (service: string, digit: string) => ({
    repository: `registry.example.com/shop/${service}`,
    tag: `sha-${digit.repeat(7)}`,
    digest: `sha256:${digit.repeat(64)}`,
  });
  const manifest = createReleaseManifest({
    createdAt: '2026-11-22T03:00:00Z',
    source: { repository, commit: `1a2b3c4${'0'.repeat(33)}` },
    services: { cart: { image: image('cart', '1') }, order: { image: image('order', '2') } },
  });

  it('groups the images by release; an image no promotion recorded is refused with the reason', () => {
    const { releases, refusals } = releasesRunning('dev', [
      { service: 'order', image: image('order', '2'), origin: { releaseId: manifest.id } },
      { service: 'frontend', image: image('frontend', '3') },
      { service: 'cart', image: image('cart', '1'), origin: { releaseId: manifest.id } },
    ]);
    expect([...releases].map(([id, images]) => [id, images.map((entry) => entry.service)])).toEqual([[manifest.id, ['cart', 'order']]]);
    expect(refusals).toEqual([
      `frontend: dev runs registry.example.com/shop/frontend:sha-3333333@sha256:${'3'.repeat(64)}, which no promotion commit of dev records (a hand-written commit or a pin set by hand), so no release and no dev verification vouch for it: promote dev from a release (a Release run, or slipway promote dev --release) or roll it back, then promote again`,
    ]);
  });

  it('takes images that are the release’s own, and names those that are not: another digest, a service it did not build', () => {
    const recorded = (service: string, pinned: ReturnType<typeof image>) => ({
      service,
      image: pinned,
      origin: { releaseId: manifest.id },
    });
    expect(
      imagesOfReleaseRefusal([recorded('cart', image('cart', '1')), recorded('order', image('order', '2'))], manifest, 501),
    ).toBeUndefined();
    const refused = imagesOfReleaseRefusal(
      [recorded('cart', image('cart', '1')), recorded('order', image('order', '9')), recorded('frontend', image('frontend', '3'))],
      manifest,
      501,
    );
    expect(refused?.services).toEqual(['order', 'frontend']);
    expect(refused?.reason).toContain(
      `release ${manifest.id} as run 501 built it does not hold these images (order runs registry.example.com/shop/order:sha-9999999@sha256:${'9'.repeat(64)}, the release built registry.example.com/shop/order:sha-2222222@sha256:${'2'.repeat(64)}; frontend runs registry.example.com/shop/frontend:sha-3333333@sha256:${'3'.repeat(64)}, the release built no such service)`,
    );
  });
});
