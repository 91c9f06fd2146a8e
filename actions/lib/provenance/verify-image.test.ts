import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { provenanceServicesPerFile } from '../../test-support/provenance-services.ts';
import type { AttestationRequest } from '../../test-support/sigstore-services.ts';
import { AttestationsApiError } from './attestations-api.ts';
import { provenanceVerifier } from './verify-image.ts';
import type { ProvenanceVerifierOptions } from './verify-image.ts';

const repository = 'example/slipway';
const token = 'ghs_attestations-read';
const digestOf = (text: string): string => `sha256:${createHash('sha256').update(text).digest('hex')}`;

const { sigstore, api, folder } = provenanceServicesPerFile(token, repository, 'slipway-trust-');

function verifierOptions(extra: Partial<ProvenanceVerifierOptions> = {}): ProvenanceVerifierOptions {
  return { repository, trust: { trustedRootFile: join(folder(), 'trusted_root.json') }, api: { token, apiUrl: api().url }, ...extra };
}

/** Signs an attestation with the test services and stores it in the stand-in under `digest`. */
async function stored(digest: string, request: Partial<AttestationRequest> = {}, viaUrl = false): Promise<void> {
  api().add(repository, digest, await sigstore().attest({ digest, repository, ...request }), { viaUrl });
}

describe('image provenance against a local stand-in of the GitHub attestations API and Sigstore test services', () => {
  it('verifies a release-workflow attestation signed on main and says what it verified', async () => {
    const digest = digestOf('good');
    await stored(digest);
    const { verify } = await provenanceVerifier(verifierOptions());
    const result = await verify(digest);
    expect(result).toMatchObject({
      ok: true,
      digest,
      predicateType: 'https://slsa.dev/provenance/v1',
      signer: 'https://github.com/example/slipway/.github/workflows/release.yml@refs/heads/main',
      issuer: 'https://token.actions.githubusercontent.com',
      sourceRepository: 'https://github.com/example/slipway',
      sourceRef: 'refs/heads/main',
      sourceCommit: 'abcdef0123456789abcdef0123456789abcdef01',
      runUrl: 'https://github.com/example/slipway/actions/runs/4242/attempts/1',
    });
    expect(result.ok && result.logIndex).toMatch(/^\d+$/);
  });

  it.each([
    [
      'another repository',
      { repository: 'mallory/slipway' },
      'wrong-repository',
      'built from https://github.com/mallory/slipway, not https://github.com/example/slipway',
    ],
    [
      'another workflow',
      { workflow: '.github/workflows/pull-request.yml' },
      'wrong-workflow',
      'signed by https://github.com/example/slipway/.github/workflows/pull-request.yml@refs/heads/main',
    ],
    [
      'a run started by another workflow',
      { startedBy: 'example/slipway/.github/workflows/nightly.yml@refs/heads/main' },
      'wrong-workflow',
      'the run was started by https://github.com/example/slipway/.github/workflows/nightly.yml@refs/heads/main',
    ],
    ['a branch other than main', { ref: 'refs/heads/feature' }, 'wrong-ref', 'built from refs/heads/feature, not refs/heads/main'],
    ['a tampered payload', { tamper: true }, 'bad-signature', 'DSSE payload hash mismatch'],
    ['a certificate from a CA outside the trusted root', { untrustedCa: true }, 'untrusted-ca', 'does not chain to the trusted root'],
  ] as const)('refuses an attestation from %s with its own reason', async (_case, request, reason, detail) => {
    const digest = digestOf(`refused ${reason} ${detail}`);
    await stored(digest, request);
    const { verify } = await provenanceVerifier(verifierOptions());
    const result = await verify(digest);
    expect(result).toMatchObject({ ok: false, digest, reason });
    expect(!result.ok && result.detail).toContain(detail);
  });

  it('refuses a bundle about another digest, and a digest without any attestation', async () => {
    const digest = digestOf('listed under this digest');
    api().add(repository, digest, await sigstore().attest({ digest: digestOf('another image'), repository }));
    const { verify } = await provenanceVerifier(verifierOptions());
    expect(await verify(digest)).toMatchObject({
      ok: false,
      reason: 'digest-mismatch',
      detail: `the attestation is about ${digestOf('another image')}, not ${digest}`,
    });
    expect(await verify(digestOf('never attested'))).toMatchObject({ ok: false, reason: 'no-attestation' });
  });

  it('passes on the provenance among other attestations and refuses when only an SBOM is attested', async () => {
    const mixed = digestOf('sbom and provenance');
    await stored(mixed, { predicateType: 'https://cyclonedx.org/bom' });
    await stored(mixed, { ref: 'refs/heads/feature' });
    await stored(mixed);
    const sbomOnly = digestOf('sbom only');
    await stored(sbomOnly, { predicateType: 'https://cyclonedx.org/bom' });
    const { verify } = await provenanceVerifier(verifierOptions());
    expect(await verify(mixed)).toMatchObject({ ok: true });
    expect(await verify(sbomOnly)).toMatchObject({
      ok: false,
      reason: 'no-attestation',
      detail: 'an attestation of type https://cyclonedx.org/bom, not https://slsa.dev/provenance/v1',
    });
  });

  it('reads bundles listed by bundle_url only, and follows the Link header past the first 100', async () => {
    const byUrl = digestOf('bundle by url');
    await stored(byUrl, {}, true);
    const paged = digestOf('many attestations');
    const sbom = await sigstore().attest({ digest: paged, repository, predicateType: 'https://spdx.dev/Document/v2.3' });
    for (let index = 0; index < 100; index += 1) api().add(repository, paged, sbom);
    await stored(paged);
    const { verify } = await provenanceVerifier(verifierOptions());
    expect(await verify(byUrl)).toMatchObject({ ok: true });
    expect(await verify(paged)).toMatchObject({ ok: true });
    expect(api().requests.filter((line) => line.includes(`/attestations/${paged}`))).toHaveLength(2);
    expect(api().requests.filter((line) => line.startsWith('GET /blobs/'))).toHaveLength(1);
  });

  it('fetches a digest once: in memory for the process, on disk for the next one', async () => {
    const digest = digestOf('cached');
    await stored(digest);
    const cacheDirectory = mkdtempSync(join(tmpdir(), 'slipway-bundles-'));
    const asked = (): number => api().requests.filter((line) => line.includes(`/attestations/${digest}`)).length;
    const first = await provenanceVerifier(verifierOptions({ cacheDirectory }));
    expect(await first.verify(digest)).toMatchObject({ ok: true });
    expect(await first.verify(digest)).toMatchObject({ ok: true });
    expect(asked()).toBe(1);
    expect(readdirSync(join(cacheDirectory, 'example_slipway'))).toEqual([`${digest.replace(':', '-')}.json`]);
    const next = await provenanceVerifier(verifierOptions({ cacheDirectory }));
    expect(await next.verify(digest)).toMatchObject({ ok: true });
    expect(asked()).toBe(1);
  });

  it('says what the API answered when the token cannot read attestations', async () => {
    const { verify } = await provenanceVerifier(verifierOptions({ api: { token: 'wrong', apiUrl: api().url } }));
    await expect(verify(digestOf('any'))).rejects.toThrow(AttestationsApiError);
    await expect(verify(digestOf('any'))).rejects.toThrow(/HTTP 401 .*attestations: read/);
  });

  it('trusts every root of a JSON Lines file, as `gh attestation trusted-root` prints them', async () => {
    const digest = digestOf('json lines root');
    await stored(digest);
    const root = sigstore().trustedRoot as { certificateAuthorities: unknown[] };
    const lines = join(mkdtempSync(join(tmpdir(), 'slipway-trust-')), 'trusted_root.jsonl');
    // A first root without our CA (say GitHub's own instance), then the one that signed.
    writeFileSync(lines, `${JSON.stringify({ ...root, certificateAuthorities: [] })}\n${JSON.stringify(root)}\n`);
    const { verify } = await provenanceVerifier(verifierOptions({ trust: { trustedRootFile: lines } }));
    expect(await verify(digest)).toMatchObject({ ok: true });
    writeFileSync(lines, `${JSON.stringify({ ...root, tlogs: [] })}\n`);
    await expect(provenanceVerifier(verifierOptions({ trust: { trustedRootFile: lines } }))).rejects.toThrow('names no transparency log');
  });

  it('refuses a policy or trusted root it cannot use, before asking the API', async () => {
    const before = api().requests.length;
    await expect(provenanceVerifier(verifierOptions({ repository: 'not-a-repository' }))).rejects.toThrow(
      "repository 'not-a-repository' is not owner/name",
    );
    await expect(provenanceVerifier(verifierOptions({ ref: 'main' }))).rejects.toThrow(
      "ref 'main' is not a full git ref such as refs/heads/main",
    );
    const notRoot = join(mkdtempSync(join(tmpdir(), 'slipway-trust-')), 'root.json');
    writeFileSync(notRoot, JSON.stringify({ mediaType: 'application/json' }));
    await expect(provenanceVerifier(verifierOptions({ trust: { trustedRootFile: notRoot } }))).rejects.toThrow(
      `trusted root ${notRoot}: mediaType 'application/json' is not a Sigstore trusted root`,
    );
    expect(api().requests.length).toBe(before);
  });
});
