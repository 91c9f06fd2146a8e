import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReleaseManifest, formatReleaseManifest } from '../lib/release/release-manifest.ts';
import { errorLines, runAction as runBundle } from '../test-support/action-run.ts';
import type { ActionRun } from '../test-support/action-run.ts';
import { startGitHubAttestationsApi } from '../test-support/github-attestations-api.ts';
import type { GitHubAttestationsApi } from '../test-support/github-attestations-api.ts';
import { createGitopsRemote, digestOf, gitopsTree, registry, removeGitopsRemotes, run } from '../test-support/gitops-repository.ts';
import { startSigstoreServices } from '../test-support/sigstore-services.ts';
import type { AttestationRequest, SigstoreServices } from '../test-support/sigstore-services.ts';

const services = ['frontend', 'product', 'cart', 'order'];
const actionFolder = fileURLToPath(new URL('.', import.meta.url));
const repository = 'example/slipway';
const token = 'ghs_attestationsRead';

let sigstore: SigstoreServices;
let api: GitHubAttestationsApi;

beforeAll(async () => {
  sigstore = await startSigstoreServices();
  api = await startGitHubAttestationsApi({ token, repositories: [repository] });
});

afterAll(async () => {
  removeGitopsRemotes();
  await api.close();
  await sigstore.close();
});

/** The committed bundle as the runner runs it, with the trusted root of the Sigstore test services in the workspace. */
function runAction(workspace: string, inputs: Record<string, string>): Promise<ActionRun> {
  writeFileSync(join(workspace, 'trusted_root.json'), JSON.stringify(sigstore.trustedRoot));
  return runBundle(actionFolder, {
    workspace,
    inputs: { 'github-token': token, 'trusted-root': 'trusted_root.json', approver: 'octocat', ...inputs },
    env: {
      HOME: mkdtempSync(join(tmpdir(), 'slipway-home-')),
      GITHUB_REPOSITORY: repository,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_API_URL: api.url,
      GITHUB_SHA: 'abcdef0123456789abcdef0123456789abcdef01',
    },
  });
}

/** A release manifest of `versions` (service → version), written into the workspace. */
function release(workspace: string, versions: Record<string, string>): string {
  const manifest = createReleaseManifest({
    createdAt: '2026-11-22T03:00:00Z',
    source: { repository, commit: '1234567890abcdef1234567890abcdef12345678' },
    services: Object.fromEntries(
      Object.entries(versions).map(([service, version]) => [
        service,
        {
          image: { repository: `${registry}/${service}`, tag: `sha-${version}`, digest: digestOf(`${service}-${version}`) },
          scan: { status: 'passed' as const, critical: 0 },
        },
      ]),
    ),
  });
  writeFileSync(join(workspace, 'release.json'), formatReleaseManifest(manifest));
  return 'release.json';
}

async function attest(service: string, version: string, request: Partial<AttestationRequest> = {}): Promise<void> {
  const digest = digestOf(`${service}-${version}`);
  api.add(repository, digest, await sigstore.attest({ digest, repository, ...request }));
}

/** Every ref of the bare remote, to prove a refusal wrote nothing (no commit, no branch). */
const refs = (bare: string): string => run(bare, 'for-each-ref', '--format=%(refname) %(objectname)');

describe('the promote action verifies provenance before writing, against a stand-in of the GitHub attestations API and Sigstore test services', () => {
  it('promotes images whose provenance verifies and lists what was verified in the job summary', async () => {
    await attest('product', '1a1a1a1');
    await attest('cart', '1a1a1a1');
    const remote = createGitopsRemote(gitopsTree(services));
    const workspace = remote.clone('workspace');
    const result = await runAction(workspace, {
      environment: 'prod',
      'release-manifest': release(workspace, { product: '1a1a1a1', cart: '1a1a1a1' }),
    });
    expect(errorLines(result)).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.outputs['commit-sha']).toBe(remote.head());
    expect(result.summary).toContain(
      "Provenance verified: each image's SLSA provenance is signed by `.github/workflows/release.yml` of example/slipway at `refs/heads/main` (Sigstore).",
    );
    expect(result.summary).toMatch(
      new RegExp(`\\| product \\| \`${digestOf('product-1a1a1a1').slice(0, 19)}\` \\| \`abcdef012345\` \\| \\d+ \\|`),
    );
    expect(result.summary).toContain('| cart |');
  });

  it.each([
    ['built on another branch', { ref: 'refs/heads/feature' }, 'wrong ref — built from refs/heads/feature, not refs/heads/main'],
    ['built by another repository', { repository: 'mallory/slipway' }, 'wrong repository — built from https://github.com/mallory/slipway'],
    [
      'signed by another workflow',
      { workflow: '.github/workflows/pull-request.yml' },
      'wrong workflow — signed by https://github.com/example/slipway/.github/workflows/pull-request.yml@refs/heads/main',
    ],
    [
      'signed by a CA outside the trusted root',
      { untrustedCa: true },
      'untrusted CA — the signing certificate does not chain to the trusted root',
    ],
    ['tampered with', { tamper: true }, 'bad signature — TLOG_BODY_ERROR: DSSE payload hash mismatch'],
  ] as const)('refuses an image %s, naming service, digest and reason, and writes nothing', async (name, request, reason) => {
    const version = name.replace(/ /g, '-');
    await attest('order', version);
    await attest('cart', version, request);
    const remote = createGitopsRemote(gitopsTree(services));
    const workspace = remote.clone('workspace');
    const before = refs(remote.bare);
    const result = await runAction(workspace, {
      environment: 'prod',
      'release-manifest': release(workspace, { order: version, cart: version }),
    });
    expect(result.code).toBe(1);
    const [error, ...more] = errorLines(result);
    expect(more).toEqual([]);
    expect(error).toContain(
      `provenance refused for 1 image(s); nothing was written to the GitOps repository:\n  cart: ${digestOf(`cart-${version}`)} refused: ${reason}`,
    );
    expect(result.outputs).toEqual({});
    expect(refs(remote.bare)).toBe(before);
  });

  it('refuses an image without any attestation, in pull-request mode too, leaving no branch behind', async () => {
    const remote = createGitopsRemote(gitopsTree(services));
    const workspace = remote.clone('workspace');
    const before = refs(remote.bare);
    const result = await runAction(workspace, {
      environment: 'prod',
      images: `cart=${registry}/cart:sha-0f0f0f0@${digestOf('cart-0f0f0f0')}`,
      mode: 'pull-request',
      token: 'ghs_gitops',
    });
    expect(result.code).toBe(1);
    expect(errorLines(result)).toEqual([
      `provenance refused for 1 image(s); nothing was written to the GitOps repository:\n  cart: ${digestOf('cart-0f0f0f0')} refused: no attestation — example/slipway has no SLSA provenance attestation for this digest (GitHub attestations API)`,
    ]);
    expect(refs(remote.bare)).toBe(before);
  });

  it('with require-provenance false promotes without asking, and the job summary says so in bold', async () => {
    const remote = createGitopsRemote(gitopsTree(services));
    const workspace = remote.clone('workspace');
    const asked = api.requests.length;
    const result = await runAction(workspace, {
      environment: 'dev',
      images: `cart=${registry}/cart:sha-0e0e0e0@${digestOf('cart-0e0e0e0')}`,
      'require-provenance': 'false',
    });
    expect(result.code).toBe(0);
    expect(result.outputs['commit-sha']).toBe(remote.head());
    expect(result.summary).toContain(
      '**Provenance was not verified: `require-provenance` is `false`, so these images were pinned without checking their signed build provenance.**',
    );
    expect(result.stdout).toContain('::warning::require-provenance is false');
    expect(api.requests.length).toBe(asked);
  });

  it('refuses a trusted root outside the workspace before anything else', async () => {
    const remote = createGitopsRemote(gitopsTree(services));
    const workspace = remote.clone('workspace');
    const result = await runAction(workspace, {
      environment: 'dev',
      images: `cart=${registry}/cart:sha-0d0d0d0@${digestOf('cart-0d0d0d0')}`,
      'trusted-root': '../root.json',
    });
    expect(result.code).toBe(1);
    expect(errorLines(result)).toEqual([expect.stringMatching(/^input 'trusted-root': '\.\.\/root\.json' points outside /)]);
  });
});
