/**
 * One Sigstore bundle against the policy. The cryptography is sigstore-js's (@sigstore/verify):
 * the DSSE signature, the certificate chain to a trusted CA, the certificate transparency SCT and
 * the transparency-log entry (inclusion proof or promise, body matching the signature), all against
 * the trusted root. This module then reads what was signed — who (certificate claims) and about
 * what (the in-toto statement) — and says which check failed.
 */
import { bundleFromJSON, isBundleWithDsseEnvelope } from '@sigstore/bundle';
import type { Bundle } from '@sigstore/bundle';
import { toSignedEntity, VerificationError } from '@sigstore/verify';
import type { Verifier } from '@sigstore/verify';
import { certificateIdentity, identityRefusal } from './certificate-identity.ts';
import { slsaProvenanceV1 } from './policy.ts';
import type { ProvenancePolicy, Refusal, VerifiedProvenance } from './policy.ts';
import { readStatement, subjectRefusal } from './statement.ts';

/**
 * How far a bundle got; when every bundle of a digest fails, the one that got furthest explains
 * the refusal: not an SLSA provenance attestation < signature < identity < subject.
 */
export type CheckStage = 0 | 1 | 2 | 3;

export type BundleCheck = { ok: true; provenance: VerifiedProvenance } | { ok: false; stage: CheckStage; refusal: Refusal };

const refused = (stage: CheckStage, refusal: Refusal): BundleCheck => ({ ok: false, stage, refusal });

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error && cause.message !== error.message ? `${error.message}: ${cause.message}` : error.message;
}

/** A failed cryptographic check, typed: the signer's certificate (or key) does not chain to the trusted root, or the rest. */
function signatureRefusal(error: unknown): Refusal {
  const code = error instanceof VerificationError ? error.code : undefined;
  if (code === 'CERTIFICATE_ERROR' || code === 'PUBLIC_KEY_ERROR') {
    return { reason: 'untrusted-ca', detail: `the signing certificate does not chain to the trusted root (${errorText(error)})` };
  }
  return { reason: 'bad-signature', detail: `${code ? `${code}: ` : ''}${errorText(error)}` };
}

function logEntry(bundle: Bundle): { logIndex: string; loggedAt: string } {
  const entry = bundle.verificationMaterial.tlogEntries[0];
  const seconds = Number(entry?.integratedTime ?? 0);
  return { logIndex: entry?.logIndex ?? '', loggedAt: new Date(seconds * 1000).toISOString() };
}

/** Checks one bundle (JSON as the attestations API returns it) for the image `digest`. */
export function checkBundle(json: unknown, digest: string, policy: ProvenancePolicy, verifier: Verifier): BundleCheck {
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(json);
  } catch (error) {
    return refused(1, { reason: 'bad-signature', detail: `not a valid Sigstore bundle: ${errorText(error)}` });
  }
  if (!isBundleWithDsseEnvelope(bundle))
    return refused(0, { reason: 'no-attestation', detail: 'a bundle signs a message, not an in-toto attestation' });
  const envelope = bundle.content.dsseEnvelope;
  // Read before the signature check only to pick SLSA provenance among the attestations; the
  // statement is trusted once the signature over it has verified below.
  const statement = readStatement(envelope.payloadType, envelope.payload);
  if (!statement || statement.predicateType !== slsaProvenanceV1) {
    return refused(0, {
      reason: 'no-attestation',
      detail: `an attestation of type ${statement?.predicateType ?? envelope.payloadType}, not ${slsaProvenanceV1}`,
    });
  }
  const entity = toSignedEntity(bundle);
  let signer;
  try {
    signer = verifier.verify(entity);
  } catch (error) {
    return refused(1, signatureRefusal(error));
  }
  if (entity.key.$case !== 'certificate')
    return refused(1, { reason: 'untrusted-ca', detail: 'signed with a public key, not a Fulcio certificate' });
  const identity = certificateIdentity(entity.key.certificate, {
    ...(signer.identity?.subjectAlternativeName ? { subjectAlternativeName: signer.identity.subjectAlternativeName } : {}),
    ...(signer.identity?.extensions?.issuer ? { issuer: signer.identity.extensions.issuer } : {}),
  });
  const wrongSigner = identityRefusal(identity, policy);
  if (wrongSigner) return refused(2, wrongSigner);
  const wrongSubject = subjectRefusal(statement, digest);
  if (wrongSubject) return refused(3, wrongSubject);
  return {
    ok: true,
    provenance: {
      digest,
      predicateType: statement.predicateType,
      signer: identity.subjectAlternativeName ?? '',
      issuer: identity.issuer ?? '',
      sourceRepository: identity.sourceRepositoryUri ?? '',
      sourceRef: identity.sourceRepositoryRef ?? '',
      ...(identity.sourceRepositoryDigest ? { sourceCommit: identity.sourceRepositoryDigest } : {}),
      ...(identity.runInvocationUri ? { runUrl: identity.runInvocationUri } : {}),
      ...logEntry(bundle),
    },
  };
}
