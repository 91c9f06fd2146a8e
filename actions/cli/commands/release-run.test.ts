import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promote } from '../../lib/promotion/promote.ts';
import { createReleaseManifest, formatReleaseManifest } from '../../lib/release/release-manifest.ts';
import type { ReleaseManifest } from '../../lib/release/release-manifest.ts';
import { artifactZipBase64 } from '../../test-support/artifact-archive.ts';
import type { StandInRun } from '../../test-support/github-actions-api.ts';
import { githubApiPerFile } from '../../test-support/github-api-per-file.ts';
import { createGitopsRemote, digestOf, gitopsTree, registry, removeGitopsRemotes, run } from '../../test-support/gitops-repository.ts';
import { slipwayInProcess } from '../../test-support/slipway-in-process.ts';

const repository = 'example/slipway';
const release = '1a2b3c4-20261122T030000Z';
const sha = `1a2b3c4${'5'.repeat(33)}`;
const releaseRun = (id: number, overrides: Partial<StandInRun> = {}): StandInRun => ({
  id,
  path: '.github/workflows/release.yml',
  event: 'push',
  headBranch: 'main',
  headSha: sha,
  headRepository: repository,
  name: 'Release',
  ...overrides,
});

/** What release.yml's dev job writes to verified.json after a passed verification with a soak. */
const passedInDev = (releaseId: string) => ({
  releaseId,
  environment: 'dev',
  gitopsCommit: '4f6d2a1c9b8e7d6c5b4a39281706f5e4d3c2b1a0',
  verified: true,
  soakSeconds: 300,
  slo: [{ service: 'cart', version: 'sha-1a2b3c4', requests: 812, errorRatio: 0.001, slowRatio: 0.004, ok: true }],
});
/** The marker artifact as GitHub serves it: a real zip archive holding verified.json. */
const markerZip = (content: unknown, file = 'verified.json'): string =>
  artifactZipBase64({ [file]: typeof content === 'string' ? content : JSON.stringify(content) });
const marker = (runId: number, content: unknown = passedInDev(release), extra: { expired?: boolean; file?: string } = {}) => ({
  name: `release-verified-dev-${release}`,
  runId,
  zipBase64: markerZip(content, extra.file),
  ...(extra.expired ? { expired: true } : {}),
});

const github = githubApiPerFile({ tokens: ['ghs_runs'], runs: [], artifacts: [] });

const slipway = (...args: string[]) =>
  slipwayInProcess(args, { GH_TOKEN: 'ghs_runs', GITHUB_REPOSITORY: repository, GITHUB_API_URL: github.url() });

/** The command run in `cwd` (a clone of the GitOps remote for --from). */
const slipwayIn = (cwd: string, ...args: string[]) =>
  slipwayInProcess(args, { GH_TOKEN: 'ghs_runs', GITHUB_REPOSITORY: repository, GITHUB_API_URL: github.url() }, cwd);
afterAll(() => removeGitopsRemotes());

describe('slipway release-run against a local stand-in of GitHub’s Actions REST API', () => {
  it('--release: the push run of release.yml to main that uploaded both the manifest and the verified marker', async () => {
    github.set({
      tokens: ['ghs_runs'],
      runs: [releaseRun(501), releaseRun(502, { headSha: `9999999${'0'.repeat(33)}` })],
      artifacts: [{ name: `release-manifest-${release}`, runId: 501 }, marker(501)],
    });
    const result = await slipway('release-run', '--release', release);
    expect(result).toMatchObject({ code: 0, out: ['release-run=501', `release-id=${release}`] });
    expect(result.err.join('\n')).toContain('built and verified in dev by run 501');
  });

  it('--release: a manifest uploaded by a pull request run is refused, though an artifact of that name exists', async () => {
    github.set({
      tokens: ['ghs_runs'],
      runs: [releaseRun(901, { event: 'pull_request', headBranch: 'main', headRepository: 'mallory/slipway' })],
      artifacts: [
        { name: `release-manifest-${release}`, runId: 901 },
        { name: `release-verified-dev-${release}`, runId: 901 },
      ],
    });
    const result = await slipway('release-run', '--release', release);
    expect(result.code).toBe(1);
    expect(result.out).toEqual([]);
    expect(result.err.join('\n')).toMatch(
      /comes only from runs that may not promote \(run 901 was triggered by pull_request, not by push\)/,
    );
  });

  it('--release: a verified marker from another run than the one that built the release is refused', async () => {
    github.set({
      tokens: ['ghs_runs'],
      runs: [releaseRun(501), releaseRun(777, { event: 'pull_request', headBranch: 'feature' })],
      artifacts: [
        { name: `release-manifest-${release}`, runId: 501 },
        { name: `release-verified-dev-${release}`, runId: 777 },
      ],
    });
    const result = await slipway('release-run', '--release', release);
    expect(result.code).toBe(1);
    expect(result.err.join('\n')).toMatch(
      /marker comes from run 777 was triggered by pull_request.*not from run 501 that built the release/,
    );
  });

  it('--run: a Release run from a fork is refused; a trusted run gives the release it verified, or nothing to promote', async () => {
    github.set({
      tokens: ['ghs_runs'],
      runs: [releaseRun(66, { headRepository: 'mallory/slipway' }), releaseRun(502), releaseRun(599)],
      artifacts: [
        { name: `release-manifest-${release}`, runId: 66 },
        { name: `release-verified-dev-${release}`, runId: 66 },
        { name: `release-manifest-${release}`, runId: 502 },
        marker(502),
      ],
    });
    const fork = await slipway('release-run', '--run', '66');
    expect(fork.code).toBe(1);
    expect(fork.err.join('\n')).toMatch(/run 66 ran code from mallory\/slipway, not from example\/slipway/);
    expect(await slipway('release-run', '--run', '502')).toMatchObject({ code: 0, out: [`verified-release=${release}`] });
    expect(await slipway('release-run', '--run', '599')).toMatchObject({
      code: 0,
      out: ['skip=true'],
      err: ['Release run 599 verified no new release in dev: nothing to promote.'],
    });
  });

  it.each<[string, ReturnType<typeof marker>, RegExp]>([
    [
      'a marker without a soak (the marker of before)',
      marker(501, { ...passedInDev(release), soakSeconds: undefined }),
      /was verified in dev without a soak \(release-verified-dev-.*\/verified\.json records no soakSeconds\)/,
    ],
    ['a soak of 0 seconds', marker(501, { ...passedInDev(release), soakSeconds: 0 }), /verified in dev without a soak .*soakSeconds 0/],
    [
      'a failed SLO',
      marker(501, { ...passedInDev(release), slo: [{ ...passedInDev(release).slo[0], errorRatio: 0.2, ok: false }] }),
      /records SLO figures that are incomplete or not met \(cart\)/,
    ],
    ['no SLO figures', marker(501, { ...passedInDev(release), slo: [] }), /has no SLO figures from its dev soak/],
    [
      'the marker of another release',
      marker(501, passedInDev('9f9f9f9-20261101T000000Z')),
      /names release 9f9f9f9-20261101T000000Z, not 1a2b3c4/,
    ],
    [
      'an expired marker',
      marker(501, passedInDev(release), { expired: true }),
      /marker of run 501 has expired \(artifacts are kept 90 days\)/,
    ],
    ['a marker that is not JSON', marker(501, '{"releaseId": '), /verified\.json is not JSON/],
    [
      'an archive without verified.json',
      marker(501, passedInDev(release), { file: 'other.json' }),
      /holds no verified\.json \(it holds other\.json\)/,
    ],
  ])('--release refuses %s, naming the release, the run and what to do (stand-in serving the zip)', async (_name, given, reason) => {
    github.set({ tokens: ['ghs_runs'], runs: [releaseRun(501)], artifacts: [{ name: `release-manifest-${release}`, runId: 501 }, given] });
    const result = await slipway('release-run', '--release', release);
    expect(result.code).toBe(1);
    expect(result.out).toEqual([]);
    const said = result.err.join('\n');
    expect(said).toMatch(reason);
    // Found while looking for the run (expired) or read from the marker: either way the release and the run are named.
    expect(said).toMatch(/release 1a2b3c4-20261122T030000Z.*run 501/);
    expect(said).toMatch(/verify it in dev again .*, or promote another release that passed/);
  });

  it('--run refuses the release of a Release run whose marker records a failed SLO (stand-in serving the zip)', async () => {
    const failed = { ...passedInDev(release), slo: [{ ...passedInDev(release).slo[0], ok: false }] };
    github.set({
      tokens: ['ghs_runs'],
      runs: [releaseRun(502)],
      artifacts: [{ name: `release-manifest-${release}`, runId: 502 }, marker(502, failed)],
    });
    const refused = await slipway('release-run', '--run', '502');
    expect(refused.code).toBe(1);
    expect(refused.out).toEqual([]);
    expect(refused.err.join('\n')).toMatch(/prod refuses release .* \(Release run 502\): .*not met \(cart\)/);
  });

  it('says what is missing: no token, more than one or none of --release, --run and --from', async () => {
    expect((await slipway('release-run')).code).toBe(2);
    expect((await slipway('release-run', '--release', release, '--run', '1')).err.join('\n')).toMatch(
      /exactly one of --release, --run and --from/,
    );
    expect((await slipway('release-run', '--from', 'dev', '--run', '1')).err.join('\n')).toMatch(
      /exactly one of --release, --run and --from/,
    );
    expect((await slipway('release-run', '--release', '$(id)')).err.join('\n')).toMatch(/is not a release id/);
    const noToken = await slipwayInProcess(['release-run', '--release', release], { GITHUB_REPOSITORY: repository });
    expect(noToken.code).toBe(2);
    expect(noToken.err.join('\n')).toMatch(/set GH_TOKEN/);
  });
});

describe('slipway pending-rollback', () => {
  const rollback = (id: number, status: string, environment: string): StandInRun => ({
    id,
    path: '.github/workflows/rollback.yml',
    event: 'workflow_dispatch',
    headBranch: 'main',
    headSha: sha,
    headRepository: repository,
    status,
    displayTitle: `Rollback ${environment}`,
  });

  it('fails while a rollback of the environment waits for its reviewer, and passes once it finished', async () => {
    github.set({ tokens: ['ghs_runs'], runs: [rollback(41, 'waiting', 'prod'), rollback(42, 'in_progress', 'dev')], artifacts: [] });
    const waiting = await slipway('pending-rollback', 'prod');
    expect(waiting.code).toBe(1);
    expect(waiting.err.join('\n')).toMatch(/a rollback of prod has not finished \(run 41: waiting\): this promotion writes nothing/);
    github.set({ tokens: ['ghs_runs'], runs: [rollback(41, 'completed', 'prod'), rollback(42, 'in_progress', 'dev')], artifacts: [] });
    expect(await slipway('pending-rollback', 'prod')).toMatchObject({
      code: 0,
      out: ['no "Rollback prod" run is waiting, queued or running'],
    });
  });
});

describe('slipway release-run --from dev: every release dev runs (its promotion trailers in a real git history) passed its dev verification, read from a local stand-in of GitHub’s Actions REST API', () => {
  const services = ['frontend', 'product', 'cart', 'order'];
  const releaseOf = (commit: string, createdAt: string, names: string[]): ReleaseManifest =>
    createReleaseManifest({
      createdAt,
      source: { repository, commit },
      services: Object.fromEntries(
        names.map((service) => [
          service,
          { image: { repository: `${registry}/${service}`, tag: `sha-${commit.slice(0, 7)}`, digest: digestOf(`${service}-${commit}`) } },
        ]),
      ),
    });
  const all = releaseOf('a1a1a1a'.padEnd(40, '1'), '2026-11-22T01:00:00Z', services);
  const cart = releaseOf('b2b2b2b'.padEnd(40, '2'), '2026-11-22T02:00:00Z', ['cart']);
  /** The Release run that built `manifest`, with its manifest and a marker (by default a passed one; null: none). */
  const built = (runId: number, manifest: ReleaseManifest, markerContent: unknown = passedInDev(manifest.id)) => ({
    run: releaseRun(runId, { headSha: manifest.source.commit }),
    artifacts: [
      { name: `release-manifest-${manifest.id}`, runId, zipBase64: markerZip(formatReleaseManifest(manifest), 'release-manifest.json') },
      ...(markerContent === null ? [] : [{ ...marker(runId, markerContent), name: `release-verified-dev-${manifest.id}` }]),
    ],
  });
  const serve = (...runs: ReturnType<typeof built>[]): void => {
    github.set({ tokens: ['ghs_runs'], runs: runs.map((entry) => entry.run), artifacts: runs.flatMap((entry) => entry.artifacts) });
  };

  let remote: ReturnType<typeof createGitopsRemote>;
  /** The plan job's checkout (read only). */
  let plan: string;
  beforeAll(async () => {
    remote = createGitopsRemote(gitopsTree(services));
    const checkout = remote.clone('dev-history');
    const to = { remote: { repoDir: checkout, remote: 'origin', branch: 'main' }, gitopsPath: 'gitops-repo', environment: 'dev' };
    await promote({ ...to, source: { kind: 'release', manifest: all } });
    await promote({ ...to, source: { kind: 'release', manifest: cart } });
    plan = remote.clone('plan');
  });

  it('dev runs two releases, both verified: prints the images it checked, one per service', async () => {
    serve(built(601, all), built(602, cart));
    const result = await slipwayIn(plan, 'release-run', '--from', 'dev');
    expect(result.err.join('\n')).toContain(`cart: release ${cart.id}, built and verified in dev by run 602`);
    expect(result.err.join('\n')).toContain(`frontend, order, product: release ${all.id}, built and verified in dev by run 601`);
    const image = (manifest: ReleaseManifest, service: string): string => {
      const pinned = manifest.services[service]?.image;
      return `${service}=${pinned?.repository}:${pinned?.tag}@${pinned?.digest}`;
    };
    expect(result).toMatchObject({
      code: 0,
      out: [`checked-images=${[image(cart, 'cart'), image(all, 'frontend'), image(all, 'order'), image(all, 'product')].join(',')}`],
    });
  });

  it.each<[string, () => void, RegExp]>([
    [
      'the release of one service has no verified-in-dev marker',
      () => serve(built(601, all), built(602, cart, null)),
      /cart: dev runs release b2b2b2b-\S+, which prod may not take: release b2b2b2b-\S+ has not passed verification in dev \(run 602 built it but uploaded no release-verified-dev-/,
    ],
    [
      'its marker records a failed SLO',
      () => serve(built(601, all), built(602, cart, { ...passedInDev(cart.id), slo: [{ ...passedInDev(cart.id).slo[0], ok: false }] })),
      /cart: dev runs release b2b2b2b-\S+, which prod may not take: \(Release run 602\) release b2b2b2b-\S+: .*records SLO figures that are incomplete or not met \(cart\)/,
    ],
    [
      'its marker expired',
      () =>
        serve(built(601, all), {
          ...built(602, cart),
          artifacts: [
            ...built(602, cart, null).artifacts,
            { ...marker(602, passedInDev(cart.id), { expired: true }), name: `release-verified-dev-${cart.id}` },
          ],
        }),
      /cart: dev runs release b2b2b2b-\S+, which prod may not take: .*marker of run 602 has expired/,
    ],
    [
      'no Release run on main built it',
      () => serve(built(601, all)),
      /cart: dev runs release b2b2b2b-\S+, which prod may not take: no release-manifest-b2b2b2b-\S+ artifact from a push of \.github\/workflows\/release\.yml to main of example\/slipway/,
    ],
  ])('refuses when %s, naming the service, the release and why; prints no images', async (_name, given, reason) => {
    given();
    const result = await slipwayIn(plan, 'release-run', '--from', 'dev');
    expect(result.code).toBe(1);
    expect(result.out).toEqual([]);
    expect(result.err.join('\n')).toMatch(/prod refuses what dev runs now \([0-9a-f]{12}\):/);
    expect(result.err.join('\n')).toMatch(reason);
  });

  it('refuses an image no promotion commit of dev records (a hand-written commit), with the reason', async () => {
    serve(built(601, all), built(602, cart));
    const hand = remote.clone('hand');
    const file = 'gitops-repo/environments/dev/services/order.yaml';
    const text = remote.show(file).replace(digestOf(`order-${all.source.commit}`), digestOf('order-by-hand'));
    writeFileSync(join(hand, file), text);
    run(hand, '-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', 'commit', '--quiet', '-am', 'order: try a fix');
    const result = await slipwayIn(hand, 'release-run', '--from', 'dev');
    expect(result.code).toBe(1);
    expect(result.out).toEqual([]);
    expect(result.err.join('\n')).toMatch(
      new RegExp(
        `order: dev runs \\S+/order:sha-a1a1a1a@${digestOf('order-by-hand')}, which no promotion commit of dev records \\(a hand-written commit or a pin set by hand\\)`,
      ),
    );
  });

  it('refuses a hand-written commit whose trailer lends a verified release’s name to another image', async () => {
    serve(built(601, all), built(602, cart));
    const forger = remote.clone('forger');
    const file = 'gitops-repo/environments/dev/services/order.yaml';
    const other = digestOf('order-of-a-release-dev-refused');
    writeFileSync(join(forger, file), remote.show(file).replace(digestOf(`order-${all.source.commit}`), other));
    const trailer = `Slipway-Image: order ${registry}/order:sha-a1a1a1a@${other} source=${all.source.commit} created=${all.createdAt} release=${all.id}`;
    const message = `promote dev: order sha-a1a1a1a\n\nSlipway-Release: ${all.id}\nSlipway-Environment: dev\n${trailer}\n`;
    run(forger, '-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', 'commit', '--quiet', '-am', message);
    const result = await slipwayIn(forger, 'release-run', '--from', 'dev');
    expect(result.code).toBe(1);
    expect(result.out).toEqual([]);
    expect(result.err.join('\n')).toMatch(
      new RegExp(
        `order: dev runs release ${all.id}, which prod may not take: release ${all.id} as run 601 built it does not hold these images \\(order runs \\S+/order:sha-a1a1a1a@${other}, the release built \\S+/order:sha-a1a1a1a@${digestOf(`order-${all.source.commit}`)}\\)`,
      ),
    );
  });

  it('an image prod already runs brings nothing new: it needs no release record (the tree’s first pins) and is not checked', async () => {
    // As in the tree before its first release: dev and prod pin the same first images.
    const tree = gitopsTree(services);
    for (const service of services) {
      const path = `gitops-repo/environments/prod/services/${service}.yaml`;
      tree.set(path, (tree.get(path) ?? '').replace(digestOf(`prod/${service}/sha-0000000`), digestOf(`dev/${service}/sha-0000000`)));
    }
    const fresh = createGitopsRemote(tree);
    const checkout = fresh.clone('dev-history');
    await promote({
      remote: { repoDir: checkout, remote: 'origin', branch: 'main' },
      gitopsPath: 'gitops-repo',
      environment: 'dev',
      source: { kind: 'release', manifest: cart },
    });
    serve(built(602, cart));
    const result = await slipwayIn(fresh.clone('plan'), 'release-run', '--from', 'dev');
    expect(result.code).toBe(0);
    expect(result.err).toEqual([
      `cart: release ${cart.id}, built and verified in dev by run 602 of .github/workflows/release.yml`,
      'frontend, order, product: prod already runs the image dev runs; nothing to check',
    ]);
    expect(result.out[0]?.split(',')).toHaveLength(4);
  });
});
