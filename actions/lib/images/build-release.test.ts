import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRelease, buildSummary } from './build-release.ts';
import type { BuildReleaseOptions } from './build-release.ts';
import { buildSteps, isEcrRegistry, parseKeyValues, parsePlatforms } from './build-plan.ts';
import type { ImageBuild } from './build-plan.ts';
import { validateReleaseManifest } from '../release/release-manifest.ts';
import { createGitWorkspace } from '../../test-support/git-workspace.ts';
import { startLocalRegistry } from '../../test-support/local-registry.ts';
import type { LocalRegistry } from '../../test-support/local-registry.ts';

const base: ImageBuild = {
  service: 'cart',
  repository: 'ghcr.io/acme/cart',
  tags: ['sha-860c190', 'main'],
  labels: { 'org.opencontainers.image.title': 'cart' },
  buildArgs: { NODE_VERSION: '22' },
  platforms: ['linux/amd64'],
  context: '.',
  dockerfile: 'app-repo/services/cart/Dockerfile',
  cache: 'none',
  tlsVerify: true,
};

describe('build steps (rule table)', () => {
  it.each([
    {
      name: 'buildx, one platform, GitHub cache',
      builder: 'buildx' as const,
      build: { ...base, cache: 'gha' as const },
      steps: [
        'docker buildx build --push -f app-repo/services/cart/Dockerfile --label org.opencontainers.image.title=cart --build-arg NODE_VERSION=22 --platform linux/amd64 --cache-from type=gha,scope=cart --cache-to type=gha,mode=max,scope=cart -t ghcr.io/acme/cart:sha-860c190 -t ghcr.io/acme/cart:main .',
      ],
    },
    {
      name: 'buildx, two platforms, registry cache',
      builder: 'buildx' as const,
      build: { ...base, tags: ['1.2.3'], platforms: ['linux/amd64', 'linux/arm64'], cache: 'registry' as const, buildArgs: {}, labels: {} },
      steps: [
        'docker buildx build --push -f app-repo/services/cart/Dockerfile --platform linux/amd64,linux/arm64 --cache-from type=registry,ref=ghcr.io/acme/cart:buildcache --cache-to type=registry,ref=ghcr.io/acme/cart:buildcache,mode=max,image-manifest=true,oci-mediatypes=true -t ghcr.io/acme/cart:1.2.3 .',
      ],
    },
    {
      name: 'buildah, one platform: build then push each tag',
      builder: 'buildah' as const,
      build: { ...base, tlsVerify: false },
      steps: [
        'buildah build --isolation chroot -f app-repo/services/cart/Dockerfile --label org.opencontainers.image.title=cart --build-arg NODE_VERSION=22 --platform linux/amd64 -t ghcr.io/acme/cart:sha-860c190 -t ghcr.io/acme/cart:main .',
        'buildah push --tls-verify=false ghcr.io/acme/cart:sha-860c190 docker://ghcr.io/acme/cart:sha-860c190',
        'buildah push --tls-verify=false ghcr.io/acme/cart:main docker://ghcr.io/acme/cart:main',
      ],
    },
    {
      name: 'buildah names the service .dockerignore',
      builder: 'buildah' as const,
      build: { ...base, tags: ['sha-860c190'], labels: {}, buildArgs: {}, ignoreFile: 'app-repo/services/cart/.dockerignore' },
      steps: [
        'buildah build --isolation chroot -f app-repo/services/cart/Dockerfile --ignorefile app-repo/services/cart/.dockerignore --platform linux/amd64 -t ghcr.io/acme/cart:sha-860c190 .',
        'buildah push --tls-verify=true ghcr.io/acme/cart:sha-860c190 docker://ghcr.io/acme/cart:sha-860c190',
      ],
    },
    {
      name: 'buildah, two platforms: a manifest list pushed with --all',
      builder: 'buildah' as const,
      build: { ...base, platforms: ['linux/amd64', 'linux/arm64'], cache: 'registry' as const, labels: {}, buildArgs: {} },
      steps: [
        'buildah build --isolation chroot -f app-repo/services/cart/Dockerfile --platform linux/amd64,linux/arm64 --layers --cache-from ghcr.io/acme/cart --cache-to ghcr.io/acme/cart --manifest ghcr.io/acme/cart:sha-860c190 .',
        'buildah manifest push --all --tls-verify=true ghcr.io/acme/cart:sha-860c190 docker://ghcr.io/acme/cart:sha-860c190',
        'buildah manifest push --all --tls-verify=true ghcr.io/acme/cart:sha-860c190 docker://ghcr.io/acme/cart:main',
      ],
    },
  ])('$name', ({ builder, build, steps }) => {
    expect(buildSteps(build, builder).map((step) => [step.command, ...step.args].join(' '))).toEqual(steps);
  });

  it('refuses the GitHub cache with buildah, naming the input', () => {
    expect(() => buildSteps({ ...base, cache: 'gha' }, 'buildah')).toThrow(/input 'cache': gha is a buildx cache/);
  });

  it.each([
    ['123456789012.dkr.ecr.ap-south-1.amazonaws.com', true],
    ['123456789012.dkr.ecr-fips.us-east-1.amazonaws.com', true],
    ['docker.io', false],
    ['ghcr.io', false],
    ['127.0.0.1:5000', false],
  ])('ECR registry %s: %s', (registry, ecr) => {
    expect(isEcrRegistry(registry)).toBe(ecr);
  });

  it('parses build args and platforms, naming the input on error', () => {
    expect(parseKeyValues(['A=1', 'B=x=y', 'C='], "input 'build-args'")).toEqual({ A: '1', B: 'x=y', C: '' });
    expect(() => parseKeyValues(['=1'], "input 'build-args'")).toThrow(/^input 'build-args': '=1' is not KEY=value$/);
    expect(parsePlatforms(['linux/amd64', 'linux/arm/v7'], 'p')).toEqual(['linux/amd64', 'linux/arm/v7']);
    expect(() => parsePlatforms(['amd64'], "input 'platforms'")).toThrow(/^input 'platforms': 'amd64' is not os\/arch/);
  });
});

describe('a real build: buildah (FROM scratch) pushed to a local docker-registry', () => {
  let registry: LocalRegistry;
  const { dir: workspace, write, commit, remove } = createGitWorkspace('slipway-build-');
  const skopeoDigest = (reference: string): string =>
    (
      JSON.parse(
        execFileSync('skopeo', ['inspect', '--tls-verify=false', `docker://${reference}`], { encoding: 'utf8', env: registry.env }),
      ) as { Digest: string }
    ).Digest;
  const inspectLabels = (reference: string): Record<string, string> =>
    (
      JSON.parse(
        execFileSync('skopeo', ['inspect', '--tls-verify=false', `docker://${reference}`], { encoding: 'utf8', env: registry.env }),
      ) as { Labels: Record<string, string> }
    ).Labels;
  let release = '';
  let head = '';

  const options = (overrides: Partial<BuildReleaseOptions>): BuildReleaseOptions => ({
    workspace,
    registry: registry.host,
    repositoryPrefix: 'slipway',
    servicesPath: 'app-repo/services',
    sharedPatterns: ['app-repo/packages/**', 'package-lock.json'],
    context: '.',
    buildArgs: { GREETING: 'hello' },
    labels: {},
    platforms: ['linux/amd64'],
    cache: 'none',
    builder: 'buildah',
    tlsVerify: false,
    mutableTags: 'auto',
    git: { eventName: 'push', ref: 'refs/heads/main', sha: head },
    repository: 'acme/slipway',
    serverUrl: 'https://github.com',
    env: registry.env,
    ...overrides,
  });

  beforeAll(async () => {
    registry = await startLocalRegistry();
    for (const service of ['cart', 'order']) {
      write(
        `app-repo/services/${service}/Dockerfile`,
        `FROM scratch\nARG GREETING\nARG VERSION\nLABEL dev.slipway.service-version=$VERSION\nCOPY app-repo/services/${service}/index.txt /index.txt\n`,
      );
      write(`app-repo/services/${service}/index.txt`, `${service} v1\n`);
    }
    write('app-repo/services/README.md', 'not a service\n');
    write('package-lock.json', '{}\n');
    release = commit('release 1');
    write('app-repo/services/cart/index.txt', 'cart v2\n');
    head = commit('cart v2');
  });
  afterAll(async () => {
    await registry.stop();
    remove();
  });

  it('builds only the changed service; the manifest digest is the one skopeo reads from the registry', async () => {
    const result = await buildRelease(options({ since: release }));
    expect(result.builder).toBe('buildah');
    expect(result.selection.services).toEqual(['cart']);
    expect(result.images.map((image) => image.tags)).toEqual([['main', `sha-${head.slice(0, 7)}`]]);
    const manifest = validateReleaseManifest(result.manifest);
    expect(Object.keys(manifest.services)).toEqual(['cart']);
    const cart = manifest.services['cart']?.image;
    expect(cart?.repository).toBe(`${registry.host}/slipway/cart`);
    expect(cart?.tag).toBe(`sha-${head.slice(0, 7)}`);
    expect(cart?.digest).toBe(skopeoDigest(`${registry.host}/slipway/cart:sha-${head.slice(0, 7)}`));
    expect(skopeoDigest(`${registry.host}/slipway/cart:main`)).toBe(cart?.digest);
    expect(manifest.source).toEqual({ repository: 'acme/slipway', commit: head, ref: 'refs/heads/main' });
    const labels = inspectLabels(`${registry.host}/slipway/cart:main`);
    expect(labels['org.opencontainers.image.revision']).toBe(head);
    expect(labels['org.opencontainers.image.source']).toBe('https://github.com/acme/slipway');
    expect(labels['org.opencontainers.image.version']).toBe('main');
    // The version the service reports (VERSION build arg) is the release's own tag, not the branch.
    expect(labels['dev.slipway.service-version']).toBe(`sha-${head.slice(0, 7)}`);
    expect(buildSummary(result)).toContain(`| cart | \`${registry.host}/slipway/cart:sha-${head.slice(0, 7)}\` |`);
  });

  it('builds every service without a previous release, semver tags on a tag build', async () => {
    const result = await buildRelease(options({ git: { eventName: 'push', ref: 'refs/tags/v1.4.0', sha: head }, mutableTags: false }));
    expect(result.selection.services).toEqual(['cart', 'order']);
    expect(result.images.map((image) => [image.service, image.image.tag, image.tags])).toEqual([
      ['cart', '1.4.0', ['1.4.0', `sha-${head.slice(0, 7)}`]],
      ['order', '1.4.0', ['1.4.0', `sha-${head.slice(0, 7)}`]],
    ]);
    for (const image of result.images) expect(image.image.digest).toBe(skopeoDigest(`${image.image.repository}:1.4.0`));
  });

  it('tags a pull request build pr-<n> and pr-<n>-<sha>; with reuseExisting, that head is not built again', async () => {
    const git = { eventName: 'pull_request', ref: 'refs/pull/42/merge', sha: head, pullRequestNumber: 42 };
    const preview = `pr-42-${head}`;
    const first = await buildRelease(options({ git, services: ['order'], buildAll: true, now: new Date('2026-11-28T10:00:00Z') }));
    expect(first.images.map((image) => [image.image.tag, image.tags])).toEqual([[preview, ['pr-42', preview]]]);
    const digest = skopeoDigest(`${registry.host}/slipway/order:${preview}`);
    expect(first.images[0]?.image.digest).toBe(digest);
    // Built again an hour later, the image would differ (its created label): reused, it is the same.
    const again = await buildRelease(
      options({ git, services: ['order'], buildAll: true, reuseExisting: true, now: new Date('2026-11-28T11:00:00Z') }),
    );
    expect(again.images).toEqual([
      {
        service: 'order',
        image: { repository: `${registry.host}/slipway/order`, tag: preview, digest },
        tags: [preview],
        reason: 'already in the registry',
      },
    ]);
    expect(again.manifest?.services['order']?.image.digest).toBe(digest);
  });

  it('builds nothing when nothing changed', async () => {
    const result = await buildRelease(options({ since: head }));
    expect(result.images).toEqual([]);
    expect(result.manifest).toBeUndefined();
    expect(buildSummary(result)).toContain(`No service changed since ${head.slice(0, 12)}: nothing built.`);
  });

  it('names the registry when it cannot be reached', async () => {
    await expect(buildRelease(options({ registry: '127.0.0.1:1', services: ['cart'] }))).rejects.toThrow(
      /pushing cart to 127\.0\.0\.1:1 \(input 'registry': is the registry reachable and did a login step run\?\) failed/,
    );
  });

  it('names the inputs for a bad registry or a missing Dockerfile', async () => {
    await expect(buildRelease(options({ registry: 'Bad Host' }))).rejects.toThrow(
      /inputs 'registry' and 'repository-prefix' give 'Bad Host\/slipway\/service'/,
    );
    await expect(buildRelease(options({ services: ['payment'] }))).rejects.toThrow(
      /payment: no Dockerfile at app-repo\/services\/payment\/Dockerfile \(input 'dockerfile'\)/,
    );
  });
});
