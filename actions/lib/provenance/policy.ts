/**
 * What a Slipway image must prove: an SLSA provenance attestation signed by this repository's
 * release workflow, run from the release branch, through GitHub Actions' OIDC issuer. The policy,
 * the typed reasons a digest is refused and the messages people read.
 */

/** GitHub Actions' OIDC issuer: the `iss` claim Fulcio records in the certificate (Issuer V2, 1.3.6.1.4.1.57264.1.8). */
export const githubActionsIssuer = 'https://token.actions.githubusercontent.com';
/**
 * SLSA provenance v1 — what actions/attest attests for a build (and attest-build-provenance before it):
 * actions/attest v4.2.2 src/provenance.ts builds its predicate with @actions/attest's
 * buildSLSAProvenancePredicate (actions/toolkit packages/attest/src/provenance.ts, SLSA_PREDICATE_V1_TYPE).
 */
export const slsaProvenanceV1 = 'https://slsa.dev/provenance/v1';
/** The in-toto statement layer (in-toto/attestation spec/v1/statement.md) carried in a DSSE envelope of this payload type. */
export const inTotoStatementV1 = 'https://in-toto.io/Statement/v1';
export const inTotoPayloadType = 'application/vnd.in-toto+json';

export const defaultReleaseWorkflow = '.github/workflows/release.yml';
export const defaultReleaseRef = 'refs/heads/main';

export interface ProvenancePolicy {
  /** owner/name of the repository whose release workflow must have signed. */
  repository: string;
  /** Path of that workflow in the repository. */
  workflow: string;
  /** The git ref the workflow ran from. */
  ref: string;
  /** GitHub web root the certificate's URIs start with. */
  serverUrl: string;
}

export class ProvenancePolicyError extends Error {
  override name = 'ProvenancePolicyError';
}

export function provenancePolicy(input: { repository: string; workflow?: string; ref?: string; serverUrl?: string }): ProvenancePolicy {
  const repository = input.repository.trim();
  const workflow = (input.workflow ?? defaultReleaseWorkflow).trim();
  const ref = (input.ref ?? defaultReleaseRef).trim();
  const serverUrl = (input.serverUrl ?? 'https://github.com').trim().replace(/\/+$/, '');
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)) {
    throw new ProvenancePolicyError(
      `repository '${input.repository}' is not owner/name (the GitHub repository whose release workflow builds the images)`,
    );
  }
  if (!/^\.github\/workflows\/[A-Za-z0-9_.-]+\.ya?ml$/.test(workflow)) {
    throw new ProvenancePolicyError(`workflow '${workflow}' is not a workflow file path such as ${defaultReleaseWorkflow}`);
  }
  if (!/^refs\/(heads|tags)\/[^\s@]+$/.test(ref))
    throw new ProvenancePolicyError(`ref '${ref}' is not a full git ref such as ${defaultReleaseRef}`);
  if (!/^https?:\/\/[^\s/]+$/.test(serverUrl))
    throw new ProvenancePolicyError(`server URL '${input.serverUrl}' is not a web root such as https://github.com`);
  return { repository, workflow, ref, serverUrl };
}

/** The certificate's subject for this policy: Fulcio's Build Signer URI, `server_url/job_workflow_ref`. */
export function signerWorkflowUri(policy: ProvenancePolicy): string {
  return `${policy.serverUrl}/${policy.repository}/${policy.workflow}@${policy.ref}`;
}

export type RefusalReason =
  | 'no-attestation'
  | 'wrong-repository'
  | 'wrong-workflow'
  | 'wrong-ref'
  | 'wrong-issuer'
  | 'digest-mismatch'
  | 'bad-signature'
  | 'untrusted-ca';

const reasonText: Record<RefusalReason, string> = {
  'no-attestation': 'no attestation',
  'wrong-repository': 'wrong repository',
  'wrong-workflow': 'wrong workflow',
  'wrong-ref': 'wrong ref',
  'wrong-issuer': 'wrong issuer',
  'digest-mismatch': 'digest mismatch',
  'bad-signature': 'bad signature',
  'untrusted-ca': 'untrusted CA',
};

export interface Refusal {
  reason: RefusalReason;
  detail: string;
}

/** What a verified attestation says, as printed and recorded. */
export interface VerifiedProvenance {
  digest: string;
  predicateType: string;
  /** Certificate subject: the workflow that signed, `…/.github/workflows/release.yml@refs/heads/main`. */
  signer: string;
  issuer: string;
  sourceRepository: string;
  sourceRef: string;
  sourceCommit?: string;
  runUrl?: string;
  /** Rekor entry that proves the signature was logged. */
  logIndex: string;
  loggedAt: string;
}

export type ProvenanceResult = ({ ok: true } & VerifiedProvenance) | ({ ok: false; digest: string } & Refusal);

export function describeReason(reason: RefusalReason): string {
  return reasonText[reason];
}

/** One line naming what was refused and why: `cart: sha256:… refused: wrong ref — …`. */
export function refusalMessage(subject: string, refusal: Refusal & { digest: string }): string {
  return `${subject}: ${refusal.digest} refused: ${describeReason(refusal.reason)} — ${refusal.detail}`;
}

/** What was verified, one fact a line, for the CLI and the job summary. */
export function verifiedLines(provenance: VerifiedProvenance): string[] {
  return [
    `predicate type   ${provenance.predicateType}`,
    `signed by        ${provenance.signer}`,
    `OIDC issuer      ${provenance.issuer}`,
    `source           ${provenance.sourceRepository} ${provenance.sourceRef}${provenance.sourceCommit ? ` at ${provenance.sourceCommit}` : ''}`,
    ...(provenance.runUrl ? [`build run        ${provenance.runUrl}`] : []),
    `transparency log entry ${provenance.logIndex}, logged ${provenance.loggedAt}`,
  ];
}
