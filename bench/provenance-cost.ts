/**
 * The cost of provenance verification at promotion, for bench/promote.ts: bundles signed by
 * Sigstore's test services (a mock Fulcio and Rekor on loopback), served by a loopback stand-in of
 * GitHub's attestations API, verified by the same code the promote action runs — per service with
 * the bundle fetched (cold) and with it cached, and the whole set of a promotion with cached bundles.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { provenanceVerifier } from '../actions/lib/provenance/verify-image.ts';
import { startGitHubAttestationsApi } from '../actions/test-support/github-attestations-api.ts';
import { startSigstoreServices } from '../actions/test-support/sigstore-services.ts';

export interface ProvenanceTimings {
  /** Each service: fetch its bundles from the API stand-in, then verify. */
  coldPerServiceMs: number[];
  /** Each service again, its bundles cached in memory. */
  cachedPerServiceMs: number[];
  /** Every service of the promotion at once, as the promote action's check runs them, bundles cached. */
  allCachedMs: number;
}

export interface ProvenanceBench {
  /** Loading the trusted root (a file here; TUF in production) once per verifier. */
  trustedRootLoadMs: number[];
  measure(digests: readonly string[]): Promise<ProvenanceTimings>;
  close(): Promise<void>;
}

export async function startProvenanceBench(repository: string): Promise<ProvenanceBench> {
  const sigstore = await startSigstoreServices();
  const api = await startGitHubAttestationsApi({ repositories: [repository] });
  const folder = mkdtempSync(join(tmpdir(), 'slipway-bench-trust-'));
  const trustedRootFile = join(folder, 'trusted_root.json');
  writeFileSync(trustedRootFile, JSON.stringify(sigstore.trustedRoot));
  const trustedRootLoadMs: number[] = [];
  return {
    trustedRootLoadMs,
    async measure(digests) {
      // Signing is the build's cost, not the promotion's: done before any timing.
      for (const digest of digests) api.add(repository, digest, await sigstore.attest({ digest, repository }));
      const loadStart = performance.now();
      const { verify } = await provenanceVerifier({ repository, trust: { trustedRootFile }, api: { apiUrl: api.url } });
      trustedRootLoadMs.push(performance.now() - loadStart);
      const timeEach = async (): Promise<number[]> => {
        const times: number[] = [];
        for (const digest of digests) {
          const start = performance.now();
          const result = await verify(digest);
          times.push(performance.now() - start);
          if (!result.ok) throw new Error(`provenance of ${digest} did not verify: ${result.reason} — ${result.detail}`);
        }
        return times;
      };
      const coldPerServiceMs = await timeEach();
      const cachedPerServiceMs = await timeEach();
      const allStart = performance.now();
      const all = await Promise.all(digests.map((digest) => verify(digest)));
      const allCachedMs = performance.now() - allStart;
      if (!all.every((result) => result.ok)) throw new Error('a cached verification failed');
      return { coldPerServiceMs, cachedPerServiceMs, allCachedMs };
    },
    async close() {
      await api.close();
      await sigstore.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
