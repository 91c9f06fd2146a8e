import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { provenanceServicesPerFile } from '../../test-support/provenance-services.ts';

const bin = new URL('../slipway.js', import.meta.url).pathname;
const repository = 'example/slipway';
const image = 'registry.example.com/shop/cart';
const token = 'ghs_cli-token';
const digestOf = (text: string): string => `sha256:${createHash('sha256').update(text).digest('hex')}`;

const { sigstore, api, folder } = provenanceServicesPerFile(token, repository, 'slipway-provenance-cli-');

function slipway(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { PATH: process.env['PATH'] ?? '', HOME: folder(), GITHUB_TOKEN: token, GITHUB_API_URL: api().url };
    execFile(process.execPath, [bin, ...args], { cwd: folder(), env }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('slipway verify-provenance against a stand-in of the GitHub attestations API and Sigstore test services', () => {
  it('prints what it verified and exits 0', async () => {
    const digest = digestOf('cli good');
    api().add(repository, digest, await sigstore().attest({ digest, repository }));
    const result = await slipway(
      'verify-provenance',
      `${image}@${digest}`,
      '--repository',
      repository,
      '--trusted-root',
      'trusted_root.json',
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`verified ${image}@${digest}\n`);
    expect(result.stdout).toContain('  predicate type   https://slsa.dev/provenance/v1\n');
    expect(result.stdout).toContain(
      '  signed by        https://github.com/example/slipway/.github/workflows/release.yml@refs/heads/main\n',
    );
    expect(result.stdout).toContain(
      '  source           https://github.com/example/slipway refs/heads/main at abcdef0123456789abcdef0123456789abcdef01\n',
    );
    expect(result.stdout).toContain(
      'against trusted root trusted_root.json; identity .github/workflows/release.yml of example/slipway at refs/heads/main',
    );
  });

  it('exits 1 naming the image, the digest and the reason of a refusal', async () => {
    const digest = digestOf('cli wrong ref');
    api().add(repository, digest, await sigstore().attest({ digest, repository, ref: 'refs/heads/feature' }));
    const result = await slipway(
      'verify-provenance',
      `${image}:v2@${digest}`,
      '--repository',
      repository,
      '--trusted-root',
      'trusted_root.json',
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim()).toBe(
      `${image}:v2@${digest}: ${digest} refused: wrong ref — built from refs/heads/feature, not refs/heads/main (signer https://github.com/example/slipway/.github/workflows/release.yml@refs/heads/feature)`,
    );
  });

  it('checks the workflow and ref it is given', async () => {
    const digest = digestOf('cli nightly');
    api().add(
      repository,
      digest,
      await sigstore().attest({ digest, repository, workflow: '.github/workflows/nightly.yml', ref: 'refs/tags/v1.0.0' }),
    );
    const args = ['verify-provenance', `${image}@${digest}`, '--repository', repository, '--trusted-root', 'trusted_root.json'];
    expect((await slipway(...args)).code).toBe(1);
    expect((await slipway(...args, '--workflow', '.github/workflows/nightly.yml', '--ref', 'refs/tags/v1.0.0')).code).toBe(0);
  });

  it.each([
    [['verify-provenance', `${image}@${digestOf('x')}`], '--repository owner/name is required'],
    [['verify-provenance', `${image}:v1`, '--repository', repository], `image '${image}:v1' has no digest`],
    [['verify-provenance', `${image}@${digestOf('x')}`, '--repository', repository, '--ref', 'main'], "ref 'main' is not a full git ref"],
  ])('exits 2 with the usage for %j', async (args, message) => {
    const result = await slipway(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('usage: slipway verify-provenance');
  });
});
