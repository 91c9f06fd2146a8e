/**
 * The release's attestations in the replay: real Sigstore bundles, signed offline by Sigstore's own
 * test services (actions/test-support/sigstore-services.ts: @sigstore/mock Fulcio and Rekor, signed
 * through @sigstore/sign) with the identity GitHub's OIDC provider gives this repository's
 * release.yml on refs/heads/main, for each digest a release builds; and the stand-ins the build
 * job needs for them:
 *   - actions/attest (v4.2.2): hands out the bundle signed for its subject-digest and predicate
 *     type (SLSA provenance; CycloneDX with `sbom-path`), publishes it to the attestations API
 *     stand-in, writes it to its bundle-path and answers with its outputs (action.yml at v4.2.2:
 *     bundle-path, attestation-id, attestation-url);
 *   - `trivy image --format cyclonedx --output FILE IMAGE`: a minimal CycloneDX document.
 * Signing is asynchronous and the replay runs steps synchronously, so a release's bundles are signed
 * before its build job is replayed (`sign`), and the stand-in only hands them out.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SerializedBundle } from '@sigstore/bundle';
import { afterAll, beforeAll } from 'vitest';
import { slsaProvenanceV1 } from '../../actions/lib/provenance/policy.ts';
import type { ReleaseManifest } from '../../actions/lib/release/release-manifest.ts';
import { startSigstoreServices } from '../../actions/test-support/sigstore-services.ts';
import type { AttestationRequest, SigstoreServices } from '../../actions/test-support/sigstore-services.ts';
import { ReplayError } from './workflow-expressions.ts';

/** The predicate type actions/attest v4.2.2 gives a CycloneDX SBOM (src/sbom.ts, generateCycloneDXPredicate). */
export const cycloneDxBom = 'https://cyclonedx.org/bom';
/** Where the replayed checkout holds the test trusted root (vars.SIGSTORE_TRUSTED_ROOT in the replay). */
export const replayTrustedRoot = '.replay/sigstore-trusted-root.json';

let services: SigstoreServices | undefined;

/** Starts Sigstore's test services (loopback) for the calling test file. */
export function withSigstore(): void {
  beforeAll(async () => {
    services = await startSigstoreServices();
  });
  afterAll(async () => services?.close());
}

function sigstore(): SigstoreServices {
  if (!services) throw new ReplayError('the Sigstore test services are not started: call withSigstore() in the test file');
  return services;
}

/** The test trusted root (JSON text) naming the test CA and transparency log. */
export function trustedRootText(): string {
  return `${JSON.stringify(sigstore().trustedRoot)}\n`;
}

/** Bundles signed for releases, by `<digest> <predicateType>`. */
export class SignedBundles {
  private readonly bundles = new Map<string, SerializedBundle>();

  /**
   * Signs the provenance and SBOM of every image of the release, as release.yml on main of
   * `repository` would (`request` changes the identity: another workflow, ref, repository…).
   */
  async sign(manifest: ReleaseManifest, repository: string, request: Partial<AttestationRequest> = {}): Promise<void> {
    for (const entry of Object.values(manifest.services)) {
      for (const predicateType of [slsaProvenanceV1, cycloneDxBom]) {
        // The signing run built the release's source commit (the token's sha claim).
        const bundle = await sigstore().attest({
          digest: entry.image.digest,
          repository,
          predicateType,
          sourceCommit: manifest.source.commit,
          ...request,
        });
        this.bundles.set(`${entry.image.digest} ${predicateType}`, bundle);
      }
    }
  }

  get(digest: string, predicateType: string): SerializedBundle | undefined {
    return this.bundles.get(`${digest} ${predicateType}`);
  }
}

/** What the attest stand-in did, step by step. */
export interface AttestRecord {
  subjectName: string;
  subjectDigest: string;
  predicateType: string;
  attestationId: string;
}

/**
 * The actions/attest stand-in: checks the inputs as the action does for a registry push (one subject
 * by name and sha256 digest; an SBOM file that is CycloneDX JSON), publishes the bundle signed for
 * that subject in `published` (repository → digest → bundles) and answers with the action's outputs.
 */
export function attestStandIn(
  inputs: Record<string, string>,
  context: {
    workspace: string;
    repository: string;
    signed: SignedBundles;
    published: Record<string, Record<string, unknown[]>>;
    records: AttestRecord[];
  },
): Record<string, string> {
  const name = inputs['subject-name'] ?? '';
  const digest = inputs['subject-digest'] ?? '';
  if (inputs['push-to-registry'] !== 'true')
    throw new ReplayError('actions/attest: the release pushes every attestation to the registry (push-to-registry: true)');
  if (name === '' || !/^sha256:[0-9a-f]{64}$/.test(digest))
    throw new ReplayError(`actions/attest: push-to-registry needs subject-name and a sha256 subject-digest (got '${name}', '${digest}')`);
  let predicateType = slsaProvenanceV1;
  if (inputs['sbom-path']) {
    const sbom = JSON.parse(readFileSync(join(context.workspace, inputs['sbom-path']), 'utf8')) as {
      bomFormat?: string;
      serialNumber?: string;
      specVersion?: string;
    };
    if (!sbom.bomFormat || !sbom.serialNumber || !sbom.specVersion)
      throw new ReplayError(`actions/attest: ${inputs['sbom-path']} is not a CycloneDX SBOM`);
    predicateType = cycloneDxBom;
  }
  const bundle = context.signed.get(digest, predicateType);
  if (!bundle)
    throw new ReplayError(
      `actions/attest: no bundle was signed for ${digest} (${predicateType}); sign the release before replaying its build`,
    );
  const forDigest = ((context.published[context.repository] ??= {})[digest] ??= []);
  forDigest.push(bundle);
  const attestationId = String(9_000_000 + context.records.length + 1);
  context.records.push({ subjectName: name, subjectDigest: digest, predicateType, attestationId });
  const bundlePath = join(context.workspace, '..', `attestation-${attestationId}.jsonl`);
  writeFileSync(bundlePath, `${JSON.stringify(bundle)}\n`);
  return {
    'bundle-path': bundlePath,
    'attestation-id': attestationId,
    'attestation-url': `https://github.com/${context.repository}/attestations/${attestationId}`,
  };
}

/** Writes the `trivy` stand-in into `bin`: `trivy image … --format cyclonedx --output FILE IMAGE` only. */
export function writeTrivyStandIn(bin: string): void {
  writeFileSync(
    join(bin, 'trivy'),
    `#!${process.execPath}
const fs = require('fs'), path = require('path');
const args = process.argv.slice(2);
const at = (flag) => args[args.indexOf(flag) + 1];
if (args[0] !== 'image' || at('--format') !== 'cyclonedx' || !args.includes('--output')) { console.error('trivy stand-in: only image --format cyclonedx --output FILE IMAGE'); process.exit(1); }
const image = args[args.length - 1];
if (!/@sha256:[0-9a-f]{64}$/.test(image)) { console.error('trivy stand-in: the image must be pinned by digest: ' + image); process.exit(1); }
fs.mkdirSync(path.dirname(at('--output')), { recursive: true });
fs.writeFileSync(at('--output'), JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79', version: 1, metadata: { component: { type: 'container', name: image } }, components: [] }));
`,
  );
  chmodSync(join(bin, 'trivy'), 0o755);
}

/** Puts the test trusted root into a checkout, where vars.SIGSTORE_TRUSTED_ROOT points in the replay (when the services run). */
export function placeTrustedRoot(checkout: string): void {
  if (!services) return;
  const file = join(checkout, replayTrustedRoot);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, trustedRootText());
}
