import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createReleaseManifest, formatReleaseManifest } from '../lib/release/release-manifest.ts';
import { runAction as runBundle } from '../test-support/action-run.ts';
import type { ActionRun } from '../test-support/action-run.ts';
import type { StandInPull } from '../test-support/github-actions-api.ts';
import { createGitopsRemote, digestOf, gitopsTree, registry, removeGitopsRemotes, run } from '../test-support/gitops-repository.ts';

afterAll(removeGitopsRemotes);

const services = ['frontend', 'product', 'cart', 'order'];
const actionFolder = fileURLToPath(new URL('.', import.meta.url));

/** Runs the committed bundle the way the runner does, from a home without git configuration like a fresh runner's. */
function runAction(workspace: string, inputs: Record<string, string>, extraEnv: Record<string, string> = {}): Promise<ActionRun> {
  return runBundle(actionFolder, {
    workspace,
    // Provenance verification has its own tests (provenance.test.ts); these images carry no attestations.
    inputs: { 'require-provenance': 'false', ...inputs },
    event: { ref: 'refs/heads/main', repository: { full_name: 'example/slipway' } },
    env: {
      HOME: mkdtempSync(join(tmpdir(), 'slipway-home-')),
      GITHUB_EVENT_NAME: 'push',
      GITHUB_REPOSITORY: 'example/slipway',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_SHA: 'abcdef0123456789abcdef0123456789abcdef01',
      ...extraEnv,
    },
  });
}

function manifestFile(workspace: string, service: string, version: string, createdAt = '2026-11-22T03:00:00Z'): string {
  const manifest = createReleaseManifest({
    createdAt,
    source: { repository: 'example/slipway', commit: '1234567890abcdef1234567890abcdef12345678' },
    services: {
      [service]: {
        image: { repository: `${registry}/${service}`, tag: `sha-${version}`, digest: digestOf(`${service}-${version}`) },
        scan: { status: 'passed', critical: 0 },
      },
    },
  });
  writeFileSync(join(workspace, 'release.json'), formatReleaseManifest(manifest));
  return 'release.json';
}

describe('the promote action bundle, run as the GitHub runner runs it', () => {
  it('commits the promotion and writes outputs and a job summary table', async () => {
    const remote = createGitopsRemote(gitopsTree(services));
    const workspace = remote.clone('workspace');
    const result = await runAction(workspace, {
      environment: 'dev',
      'release-manifest': manifestFile(workspace, 'product', '7a7a7a7'),
      approver: 'octocat',
    });
    expect(result.code).toBe(0);
    expect(result.outputs['commit-sha']).toBe(remote.head());
    expect(result.outputs['changed']).toBe('true');
    expect(JSON.parse(result.outputs['services'] ?? '[]')).toEqual([
      {
        service: 'product',
        from: { tag: 'sha-0000000', digest: digestOf('dev/product/sha-0000000'), chartRevision: 'main' },
        to: { tag: 'sha-7a7a7a7', digest: digestOf('product-7a7a7a7') },
        sourceCommit: '1234567890abcdef1234567890abcdef12345678',
      },
    ]);
    expect(result.summary).toContain('| Service | From → To | Digest | Source commit |');
    expect(result.summary).toContain(
      `| product | sha-0000000 → sha-7a7a7a7 | \`${digestOf('product-7a7a7a7').slice(0, 19)}\` | [1234567890ab](https://github.com/example/slipway/commit/1234567890abcdef1234567890abcdef12345678) |`,
    );
    expect(run(remote.bare, 'log', '-1', '--format=%B', 'main')).toContain('Approved-By: octocat');

    // A re-run changes nothing and makes no commit.
    const again = await runAction(workspace, { environment: 'dev', 'release-manifest': 'release.json' });
    expect(again.code).toBe(0);
    expect(again.outputs['commit-sha']).toBe('');
    expect(again.outputs['changed']).toBe('false');
    expect(again.summary).toContain('already at the requested image');
    expect(remote.head()).toBe(result.outputs['commit-sha']);
  });

  it('rolls back to the previous release with one commit when asked', async () => {
    const remote = createGitopsRemote(gitopsTree(services));
    const workspace = remote.clone('workspace');
    const good = await runAction(workspace, {
      environment: 'dev',
      'release-manifest': manifestFile(workspace, 'cart', '600d000', '2026-11-22T01:00:00Z'),
    });
    const bad = await runAction(workspace, {
      environment: 'dev',
      'release-manifest': manifestFile(workspace, 'cart', 'bad0000', '2026-11-22T02:00:00Z'),
    });
    expect([good.code, bad.code]).toEqual([0, 0]);
    const rollback = await runAction(workspace, { environment: 'dev', rollback: 'true' });
    expect(rollback.code).toBe(0);
    expect(rollback.outputs['commit-sha']).toBe(remote.head());
    expect(rollback.summary).toContain('| cart | sha-bad0000 → sha-600d000 |');
    expect(run(remote.bare, 'log', '-1', '--format=%B', 'main')).toContain(`Slipway-Rolls-Back: ${bad.outputs['commit-sha']}`);
    expect(remote.show('gitops-repo/environments/dev/services/cart.yaml')).toContain(`digest: ${digestOf('cart-600d000')}`);
  });

  it('pushes to a separate GitOps repository given by URL and token, never printing the token', async () => {
    const remote = createGitopsRemote(gitopsTree(services, ['dev'], ''));
    const workspace = mkdtempSync(join(tmpdir(), 'slipway-app-'));
    const token = 'ghs_secretTokenValue1234567890';
    const result = await runAction(workspace, {
      environment: 'dev',
      images: `cart=${registry}/cart:sha-5151515@${digestOf('cart-5151515')}`,
      'gitops-repository': remote.bare,
      token,
    });
    expect(result.code).toBe(0);
    expect(result.outputs['commit-sha']).toBe(remote.head());
    expect(remote.show('environments/dev/services/cart.yaml')).toContain(`digest: ${digestOf('cart-5151515')}`);
    expect(run(remote.bare, 'log', '-1', '--format=%an <%ae>', 'main').trim()).toBe(
      'github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>',
    );
    expect(result.stdout).toContain('::add-mask::ghs_secretTokenValue1234567890');
    expect(result.stdout.replace('::add-mask::ghs_secretTokenValue1234567890', '')).not.toContain(token);

    const missing = await runAction(workspace, {
      environment: 'dev',
      images: `cart=${registry}/cart:sha-5151515@${digestOf('cart-5151515')}`,
      'gitops-repository': join(remote.root, 'nowhere.git'),
      token,
    });
    expect(missing.code).toBe(1);
    expect(missing.stdout.replace('::add-mask::ghs_secretTokenValue1234567890', '')).not.toContain(token);
  });
});

interface RecordedRequest {
  method: string;
  url: string;
  body: Record<string, unknown>;
}

/** A local server following GitHub's REST API shapes for the pulls endpoints (list, create, update). */
async function fakeGitHub(): Promise<{ url: string; requests: RecordedRequest[]; close: () => Promise<void> }> {
  const requests: RecordedRequest[] = [];
  const pulls: StandInPull[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      requests.push({ method: request.method ?? '', url: request.url ?? '', body });
      const url = new URL(request.url ?? '/', 'http://localhost');
      const send = (status: number, value: unknown): void => {
        response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        response.end(JSON.stringify(value));
      };
      if (request.headers.authorization !== 'token ghs_prToken') return send(401, { message: 'Bad credentials' });
      if (request.method === 'GET' && url.pathname === '/repos/example/slipway/actions/runs/4242/approvals') {
        return send(200, [
          { state: 'approved', comment: 'ship it', user: { login: 'release-manager' }, environments: [{ id: 1, name: 'production' }] },
          { state: 'rejected', comment: 'not yet', user: { login: 'someone-else' }, environments: [{ id: 1, name: 'production' }] },
        ]);
      }
      const match = /^\/repos\/([^/]+)\/([^/]+)\/pulls(?:\/(\d+))?$/.exec(url.pathname);
      if (!match) return send(404, { message: 'Not Found' });
      if (request.method === 'GET') {
        const head = url.searchParams.get('head') ?? '';
        return send(
          200,
          pulls.filter((pull) => pull.state === 'open' && `${match[1]}:${pull.head.ref}` === head),
        );
      }
      if (request.method === 'POST') {
        const pull = {
          number: pulls.length + 1,
          head: { ref: String(body['head']) },
          base: { ref: String(body['base']) },
          title: String(body['title']),
          body: String(body['body']),
          html_url: `https://github.com/${match[1]}/${match[2]}/pull/${pulls.length + 1}`,
          state: 'open',
        };
        pulls.push(pull);
        return send(201, pull);
      }
      if (request.method === 'PATCH') {
        const pull = pulls.find((candidate) => candidate.number === Number(match[3]));
        if (!pull) return send(404, { message: 'Not Found' });
        Object.assign(pull, { title: body['title'] ?? pull.title, body: body['body'] ?? pull.body });
        return send(200, pull);
      }
      return send(405, { message: 'Method Not Allowed' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('pull-request mode against a local server following GitHub REST API shapes', () => {
  it('opens a PR with the evidence, the diff and the release manifest, and a re-run updates the same PR', async () => {
    const github = await fakeGitHub();
    try {
      const remote = createGitopsRemote(gitopsTree(services));
      const workspace = remote.clone('workspace');
      const devRelease = await runAction(workspace, {
        environment: 'dev',
        'release-manifest': manifestFile(workspace, 'order', '0a0a0a0'),
      });
      expect(devRelease.code).toBe(0);
      const mainHead = remote.head();
      const env = { GITHUB_API_URL: github.url };
      const inputs = {
        environment: 'prod',
        'from-environment': 'dev',
        services: 'order',
        mode: 'pull-request',
        token: 'ghs_prToken',
        'gitops-repository': '',
        approver: 'release-managers',
        evidence: '## Evidence: dev → prod\n\n1 service would change: order.\n',
      };

      const first = await runAction(workspace, inputs, env);
      expect(first.code).toBe(0);
      expect(first.outputs['pull-request-url']).toBe('https://github.com/example/slipway/pull/1');
      expect(remote.head()).toBe(mainHead);
      expect(remote.head('slipway/promote-prod')).toBe(first.outputs['commit-sha']);
      expect(remote.show('gitops-repo/environments/prod/services/order.yaml', 'slipway/promote-prod')).toContain(
        `digest: ${digestOf('order-0a0a0a0')}`,
      );
      const created = github.requests.find((request) => request.method === 'POST');
      expect(created?.url).toBe('/repos/example/slipway/pulls');
      expect(created?.body).toMatchObject({ head: 'slipway/promote-prod', base: 'main', title: 'promote prod: order sha-0a0a0a0' });
      expect(String(created?.body['body'])).toContain(`+          digest: ${digestOf('order-0a0a0a0')}`);
      expect(String(created?.body['body'])).toContain('"schemaVersion": 1');
      // The reviewer's evidence from the plan job heads the body.
      expect(String(created?.body['body'])).toMatch(/^## Evidence: dev → prod\n\n1 service would change: order\.\n\n/);

      // dev moves on; the re-run updates the same PR instead of opening another.
      await runAction(workspace, {
        environment: 'dev',
        'release-manifest': manifestFile(workspace, 'order', '0b0b0b0', '2026-11-22T04:00:00Z'),
      });
      const second = await runAction(workspace, inputs, env);
      expect(second.code).toBe(0);
      expect(second.outputs['pull-request-url']).toBe('https://github.com/example/slipway/pull/1');
      expect(github.requests.filter((request) => request.method === 'POST')).toHaveLength(1);
      const updated = github.requests.find((request) => request.method === 'PATCH');
      expect(updated?.url).toBe('/repos/example/slipway/pulls/1');
      expect(String(updated?.body['body'])).toContain(`+          digest: ${digestOf('order-0b0b0b0')}`);
      expect(remote.show('gitops-repo/environments/prod/services/order.yaml', 'slipway/promote-prod')).toContain(
        `digest: ${digestOf('order-0b0b0b0')}`,
      );
    } finally {
      await github.close();
    }
  });
});

/** Promotes to prod with `inputs` in run 4242 (its approvals served by the stand-in); main's commit message after it. */
async function promoteProdInRun(inputs: Record<string, string>): Promise<string> {
  const github = await fakeGitHub();
  try {
    const remote = createGitopsRemote(gitopsTree(services));
    const workspace = remote.clone('workspace');
    const result = await runAction(workspace, { environment: 'prod', ...inputs }, { GITHUB_API_URL: github.url, GITHUB_RUN_ID: '4242' });
    expect(result.code).toBe(0);
    return run(remote.bare, 'log', '-1', '--format=%B', 'main');
  } finally {
    await github.close();
  }
}

describe("Approved-By from the run's environment review, via a local server following GitHub REST API shapes", () => {
  it('records the approvers of the run when no approver input is given', async () => {
    const message = await promoteProdInRun({
      images: `cart=${registry}/cart:sha-7070707@${digestOf('cart-7070707')}`,
      token: 'ghs_prToken',
    });
    expect(message).toContain('Approved-By: release-manager\n');
    expect(message).not.toContain('someone-else');
  });
});

describe('Approved-By with a GitOps token that cannot read this repository, via a local server following GitHub REST API shapes', () => {
  it('reads the approvers with github-token, not the GitOps token', async () => {
    const message = await promoteProdInRun({
      images: `cart=${registry}/cart:sha-7171717@${digestOf('cart-7171717')}`,
      token: 'ghs_gitopsOnly',
      'github-token': 'ghs_prToken',
    });
    expect(message).toContain('Approved-By: release-manager\n');
  });
});

describe('bad input gives a clear error and changes nothing', () => {
  const bomb = [
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ...'bcdefghi'.split('').map((name, index) => `${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[index]}`).join(',')}]`),
  ].join('\n');
  const cases: {
    name: string;
    inputs: (workspace: string) => Record<string, string>;
    extraFiles?: Record<string, string>;
    error: RegExp;
  }[] = [
    {
      name: 'an invalid image reference',
      inputs: () => ({ environment: 'dev', images: `cart=${registry}/Cart:latest` }),
      error: /input 'images' \(cart\): '.*\/Cart:latest' is not a valid image reference: the repository/,
    },
    {
      name: 'an image without a digest',
      inputs: () => ({ environment: 'dev', images: `cart=${registry}/cart:latest` }),
      error: /is not pinned: promotion needs both a tag and a digest/,
    },
    {
      name: 'an unknown service',
      inputs: () => ({ environment: 'dev', images: `payments=${registry}/payments:v1@${digestOf('x')}` }),
      error: /payments \(.*\/payments\) is pinned nowhere in environment dev; pinned there: cart \(.*\), frontend/,
    },
    {
      name: 'an unknown environment',
      inputs: () => ({ environment: 'staging', images: `cart=${registry}/cart:v1@${digestOf('x')}` }),
      error: /unknown environment 'staging': gitops-repo\/environments\/ has dev, prod/,
    },
    {
      name: 'a malformed environment name',
      inputs: () => ({ environment: '../prod', images: `cart=${registry}/cart:v1@${digestOf('x')}` }),
      error: /environment '\.\.\/prod' is not a valid name/,
    },
    {
      name: 'path traversal in release-manifest',
      inputs: () => ({ environment: 'dev', 'release-manifest': '../../etc/passwd' }),
      error: /input 'release-manifest': '\.\.\/\.\.\/etc\/passwd' points outside/,
    },
    {
      name: 'path traversal in gitops-path',
      inputs: () => ({ environment: 'dev', images: `cart=${registry}/cart:v1@${digestOf('x')}`, 'gitops-path': '../elsewhere' }),
      error: /input 'gitops-path': '\.\.\/elsewhere' climbs out of the repository/,
    },
    {
      name: 'a schema-invalid release manifest',
      inputs: (workspace) => {
        writeFileSync(
          join(workspace, 'bad.json'),
          JSON.stringify({ schemaVersion: 1, id: 'r1', createdAt: 'now', source: { repository: 'x/y', commit: 'zzz' }, services: {} }),
        );
        return { environment: 'dev', 'release-manifest': 'bad.json' };
      },
      error:
        /bad\.json does not match actions\/schemas\/release-manifest\.schema\.json:%0A {2}\/createdAt: must match format "date-time"%0A {2}\/source\/commit: must match pattern/,
    },
    {
      name: 'an alias bomb in the environment',
      extraFiles: { 'gitops-repo/environments/dev/services/bomb.yaml': `# ${registry}/cart\n${bomb}\n` },
      inputs: () => ({ environment: 'dev', images: `cart=${registry}/cart:v1@${digestOf('x')}` }),
      error: /gitops-repo\/environments\/dev\/services\/bomb\.yaml:2: refusing a document whose aliases expand too far/,
    },
    {
      name: 'a huge file in the environment',
      extraFiles: {
        'gitops-repo/environments/dev/services/huge.yaml': `# ${registry}/cart\n${'padding: 0123456789012345678901234567890123456789\n'.repeat(25_000)}`,
      },
      inputs: () => ({ environment: 'dev', images: `cart=${registry}/cart:v1@${digestOf('x')}` }),
      error: /huge\.yaml: file is 1250\d+ bytes, over the 1048576-byte limit/,
    },
    {
      name: 'malformed YAML in the environment',
      extraFiles: { 'gitops-repo/environments/dev/services/cart.yaml': `image:\n  repository: ${registry}/cart\n  tag: [unclosed\n` },
      inputs: () => ({ environment: 'dev', images: `cart=${registry}/cart:v1@${digestOf('x')}` }),
      error: /services\/cart\.yaml:\d+: invalid YAML/,
    },
  ];

  it.each(cases)('$name', async ({ inputs, extraFiles, error }) => {
    const files = gitopsTree(services);
    for (const [path, text] of Object.entries(extraFiles ?? {})) files.set(path, text);
    const remote = createGitopsRemote(files);
    const workspace = remote.clone('workspace');
    const head = remote.head();
    const result = await runAction(workspace, inputs(workspace));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/::error::/);
    expect(result.stdout).toMatch(error);
    expect(result.outputs).toEqual({});
    expect(remote.head()).toBe(head);
    expect(
      run(workspace, 'status', '--porcelain')
        .split('\n')
        .filter((line) => line !== '' && !line.endsWith('.json')),
    ).toEqual([]);
  });
});
