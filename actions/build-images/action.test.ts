import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReleaseManifest } from '../lib/release/release-manifest.ts';
import { errorLines, itFailsWithNoInputs, runAction } from '../test-support/action-run.ts';
import { createGitWorkspace } from '../test-support/git-workspace.ts';
import { startLocalRegistry } from '../test-support/local-registry.ts';
import type { LocalRegistry } from '../test-support/local-registry.ts';

const action = import.meta.dirname;

describe('the build-images action bundle, run as the GitHub runner runs it', () => {
  let registry: LocalRegistry;
  const { dir: workspace, git, write, commit, remove } = createGitWorkspace('slipway-build-action-');
  let release = '';
  let head = '';
  const env = () => ({
    CONTAINERS_STORAGE_CONF: registry.env['CONTAINERS_STORAGE_CONF'] ?? '',
    GITHUB_SHA: head,
    GITHUB_REF: 'refs/heads/main',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REPOSITORY: 'acme/slipway',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '42',
  });
  /** The action building with buildah into the local registry (no TLS), with `inputs` and the run's `event`. */
  const build = (inputs: Record<string, string>, event: Record<string, unknown> = {}, runEnv: Record<string, string> = {}) =>
    runAction(action, {
      workspace,
      inputs: { registry: registry.host, 'tls-verify': 'false', builder: 'buildah', ...inputs },
      env: { ...env(), ...runEnv },
      event,
    });

  beforeAll(async () => {
    registry = await startLocalRegistry();
    for (const service of ['cart', 'order', 'product']) {
      write(`app-repo/services/${service}/Dockerfile`, `FROM scratch\nCOPY app-repo/services/${service}/index.txt /index.txt\n`);
      write(`app-repo/services/${service}/index.txt`, `${service} v1\n`);
    }
    write('app-repo/packages/service-kit/index.txt', 'kit v1\n');
    release = commit('release 1');
    write('app-repo/services/order/index.txt', 'order v2\n');
    head = commit('order v2');
  });
  afterAll(async () => {
    await registry.stop();
    remove();
  });

  itFailsWithNoInputs(action, "input 'registry' is required");

  it('builds the service changed since the push event before commit with buildah, and the manifest holds the registry digest', async () => {
    const run = await build({}, { ref: 'refs/heads/main', before: release, after: head });
    expect(errorLines(run)).toEqual([]);
    expect(run.code).toBe(0);
    const short = head.slice(0, 7);
    const repository = `${registry.host}/slipway/order`;
    const digest = (
      JSON.parse(
        execFileSync('skopeo', ['inspect', '--tls-verify=false', `docker://${repository}:sha-${short}`], {
          encoding: 'utf8',
          env: registry.env,
        }),
      ) as { Digest: string }
    ).Digest;
    expect(run.outputs['changed']).toBe('true');
    expect(run.outputs['services']).toBe('["order"]');
    expect(run.outputs['images']).toBe(`order=${repository}:sha-${short}@${digest}`);
    expect(JSON.parse(run.outputs['tags'] ?? '{}')).toEqual({ order: [`${repository}:main`, `${repository}:sha-${short}`] });
    expect(run.outputs['release-manifest']).toBe('release-manifest.json');
    const manifest = parseReleaseManifest(readFileSync(join(workspace, 'release-manifest.json'), 'utf8'));
    expect(run.outputs['release-id']).toBe(manifest.id);
    expect(manifest.services).toEqual({ order: { image: { repository, tag: `sha-${short}`, digest } } });
    expect(manifest.source).toEqual({
      repository: 'acme/slipway',
      commit: head,
      ref: 'refs/heads/main',
      runUrl: 'https://github.com/acme/slipway/actions/runs/42',
    });
    expect(run.summary).toContain(
      `| order | \`${repository}:sha-${short}\` | \`${digest.slice(0, 19)}\` | main, sha-${short} | app-repo/services/order/index.txt changed |`,
    );
  });

  it('a change to shared code rebuilds every service', async () => {
    const run = await build({
      since: release,
      'shared-paths': 'app-repo/packages/**\nDockerfile.base',
      'release-manifest': 'out/release.json',
    });
    // Only order changed since release; touching the kit makes it all three.
    expect(JSON.parse(run.outputs['services'] ?? '[]')).toEqual(['order']);
    write('app-repo/packages/service-kit/index.txt', 'kit v2\n');
    git('commit', '-q', '-am', 'kit v2');
    head = git('rev-parse', 'HEAD');
    const again = await build({ since: release, 'release-manifest': 'out/release.json' });
    expect(errorLines(again)).toEqual([]);
    expect(JSON.parse(again.outputs['services'] ?? '[]')).toEqual(['cart', 'order', 'product']);
    expect(Object.keys(parseReleaseManifest(readFileSync(join(workspace, 'out', 'release.json'), 'utf8')).services)).toEqual([
      'cart',
      'order',
      'product',
    ]);
  });

  it('builds a pull request head checked out apart from GITHUB_SHA as pr-<number>-<head>, and reuses it when run again', async () => {
    // GITHUB_SHA of a pull_request run is the merge commit; the job checked out the head.
    const pullRequest = { GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF: 'refs/pull/7/merge', GITHUB_SHA: release };
    const event = { number: 7, pull_request: { number: 7, base: { sha: release } } };
    const inputs = { services: 'cart', 'build-all': 'true', commit: head, 'reuse-existing': 'true', 'mutable-tags': 'false' };
    const first = await build(inputs, event, pullRequest);
    expect(errorLines(first)).toEqual([]);
    const repository = `${registry.host}/slipway/cart`;
    expect(JSON.parse(first.outputs['tags'] ?? '{}')).toEqual({ cart: [`${repository}:pr-7-${head}`] });
    expect(parseReleaseManifest(readFileSync(join(workspace, 'release-manifest.json'), 'utf8')).source.commit).toBe(head);
    const again = await build(inputs, event, pullRequest);
    expect(errorLines(again)).toEqual([]);
    expect(again.outputs['images']).toBe(first.outputs['images']);
    expect(again.summary).toContain('already in the registry');
  });

  it('nothing changed: no images, no manifest, outputs say so', async () => {
    const run = await build({ since: head, 'release-manifest': 'none.json' });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ changed: 'false', services: '[]', images: '', 'release-manifest': '', 'release-id': '' });
    expect(() => readFileSync(join(workspace, 'none.json'))).toThrow();
  });

  it.each<{ name: string; inputs: Record<string, string>; message: RegExp }>([
    {
      name: 'an unreachable registry',
      inputs: { registry: '127.0.0.1:1', services: 'cart' },
      message:
        /^pushing cart to 127\.0\.0\.1:1 \(input 'registry': is the registry reachable and did a login step run\?\) failed \(buildah exit 125\)/,
    },
    { name: 'an unknown cache', inputs: { cache: 's3' }, message: /^input 'cache' must be one of none, gha, registry, not 's3'$/ },
    {
      name: 'a commit that is not a SHA',
      inputs: { commit: 'main' },
      message: /^input 'commit' must be a commit SHA \(7 to 64 hex characters\), not 'main'$/,
    },
    { name: 'a bad platform', inputs: { platforms: 'amd64' }, message: /^input 'platforms': 'amd64' is not os\/arch/ },
    {
      name: 'a bad build arg',
      inputs: { 'build-args': 'NODE VERSION=22' },
      message: /^input 'build-args': 'NODE VERSION=22' is not KEY=value$/,
    },
    { name: 'gha cache with buildah', inputs: { cache: 'gha', services: 'cart' }, message: /^input 'cache': gha is a buildx cache/ },
    {
      name: 'a manifest path outside the workspace',
      inputs: { 'release-manifest': '../escape.json' },
      message: /^input 'release-manifest': '\.\.\/escape\.json' points outside/,
    },
  ])('names the input for $name', async ({ inputs, message }) => {
    const run = await build({ 'build-all': 'true', ...inputs });
    expect(run.code).toBe(1);
    expect(errorLines(run)).toHaveLength(1);
    expect(errorLines(run)[0]).toMatch(message);
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/\n\s+at /);
  });
});
