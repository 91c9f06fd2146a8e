/**
 * Verifying an image digest's provenance end to end: its bundles (GitHub's attestations API,
 * cached), each checked against the trusted root and the policy; the first that passes proves the
 * image, otherwise the bundle that got furthest explains the refusal. The CLI and the promote
 * action are thin shells over `provenanceVerifier`.
 */
import type { Verifier } from '@sigstore/verify';
import { isDigest } from '../release/image-reference.ts';
import { listAttestationBundles } from './attestations-api.ts';
import type { AttestationsApi } from './attestations-api.ts';
import { cachedBundleSource } from './bundle-cache.ts';
import type { BundleSource } from './bundle-cache.ts';
import { provenancePolicy } from './policy.ts';
import type { ProvenancePolicy, ProvenanceResult } from './policy.ts';
import { trustedVerifier } from './trusted-root.ts';
import type { TrustSource } from './trusted-root.ts';
import { checkBundle } from './verify-bundle.ts';
import type { BundleCheck } from './verify-bundle.ts';

export type VerifyDigest = (digest: string) => Promise<ProvenanceResult>;

/** Verifies one digest with its bundles from `bundles`; pure apart from the source. */
export async function verifyDigest(
  digest: string,
  policy: ProvenancePolicy,
  verifier: Verifier,
  bundles: BundleSource,
): Promise<ProvenanceResult> {
  if (!isDigest(digest)) throw new Error(`'${digest}' is not an image digest (sha256: followed by 64 lowercase hex characters)`);
  const found = await bundles(digest);
  if (found.length === 0) {
    return {
      ok: false,
      digest,
      reason: 'no-attestation',
      detail: `${policy.repository} has no SLSA provenance attestation for this digest (GitHub attestations API)`,
    };
  }
  const checks: BundleCheck[] = found.map((bundle) => checkBundle(bundle, digest, policy, verifier));
  const passed = checks.find((check) => check.ok);
  if (passed?.ok) return { ok: true, ...passed.provenance };
  const failures = checks.flatMap((check) => (check.ok ? [] : [check]));
  const furthest = failures.reduce((best, check) => (check.stage > best.stage ? check : best));
  const others = found.length > 1 ? ` (${found.length} attestations checked, none passed)` : '';
  return { ok: false, digest, reason: furthest.refusal.reason, detail: `${furthest.refusal.detail}${others}` };
}

export interface ProvenanceVerifierOptions {
  repository: string;
  workflow?: string;
  ref?: string;
  serverUrl?: string;
  trust?: TrustSource;
  /** The attestations API (owner/repo default to `repository`). */
  api?: Omit<AttestationsApi, 'owner' | 'repo'>;
  /** Disk folder for fetched bundles, beside the in-memory cache. */
  cacheDirectory?: string;
  /** Where bundles come from instead of GitHub's API (tests, registries). */
  bundleSource?: BundleSource;
}

/** A verifier for many digests: one trusted root, one bundle cache. */
export async function provenanceVerifier(options: ProvenanceVerifierOptions): Promise<{ policy: ProvenancePolicy; verify: VerifyDigest }> {
  const policy = provenancePolicy(options);
  const [owner, repo] = policy.repository.split('/') as [string, string];
  const verifier = await trustedVerifier(options.trust ?? {});
  const source = options.bundleSource ?? ((digest: string) => listAttestationBundles({ ...options.api, owner, repo }, digest));
  const bundles = cachedBundleSource(source, {
    scope: policy.repository,
    ...(options.cacheDirectory ? { directory: options.cacheDirectory } : {}),
  });
  return { policy, verify: (digest) => verifyDigest(digest, policy, verifier, bundles) };
}
