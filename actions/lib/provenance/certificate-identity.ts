/**
 * Who signed: the GitHub workflow claims Fulcio writes into a signing certificate, read after the
 * certificate chain has been verified, and compared with the policy. Extension numbers and formats
 * are Fulcio's (sigstore/fulcio docs/oid-info.md, commit 001376a50932095cf4b6e65299ed2d29abe83524):
 * 1.3.6.1.4.1.57264.1.8 to .22 hold DER UTF8Strings.
 */
import type { X509Certificate } from '@sigstore/core';
import { githubActionsIssuer, signerWorkflowUri } from './policy.ts';
import type { ProvenancePolicy, Refusal } from './policy.ts';

const fulcioOid = {
  sourceRepositoryUri: '1.3.6.1.4.1.57264.1.12',
  sourceRepositoryDigest: '1.3.6.1.4.1.57264.1.13',
  sourceRepositoryRef: '1.3.6.1.4.1.57264.1.14',
  buildConfigUri: '1.3.6.1.4.1.57264.1.18',
  runInvocationUri: '1.3.6.1.4.1.57264.1.21',
} as const;

export interface CertificateIdentity {
  /** The SAN URI: Build Signer URI, `server_url/job_workflow_ref` for GitHub Actions. */
  subjectAlternativeName?: string;
  /** As @sigstore/verify reads it (Issuer V2, falling back to the legacy V1 extension). */
  issuer?: string;
  /** `server_url/repository`. */
  sourceRepositoryUri?: string;
  /** The `ref` claim: the git ref the run was based on. */
  sourceRepositoryRef?: string;
  /** The `sha` claim: the commit the run built. */
  sourceRepositoryDigest?: string;
  /** `server_url/workflow_ref`: the top-level workflow that started the run. */
  buildConfigUri?: string;
  runInvocationUri?: string;
}

function utf8Extension(certificate: X509Certificate, oid: string): string | undefined {
  return certificate.extension(oid)?.valueObj.subs[0]?.value.toString('utf8');
}

/** The claims of a certificate whose chain @sigstore/verify has verified; `signer` is its verified identity. */
export function certificateIdentity(
  certificate: X509Certificate,
  signer: { subjectAlternativeName?: string; issuer?: string },
): CertificateIdentity {
  const identity: CertificateIdentity = {};
  const set = (key: keyof CertificateIdentity, value: string | undefined): void => {
    if (value !== undefined && value !== '') identity[key] = value;
  };
  set('subjectAlternativeName', signer.subjectAlternativeName);
  set('issuer', signer.issuer);
  for (const [key, oid] of Object.entries(fulcioOid)) set(key as keyof CertificateIdentity, utf8Extension(certificate, oid));
  return identity;
}

const sameRepository = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** `server/owner/name/path@ref` split into its parts (undefined when the SAN is not a workflow URI). */
function workflowUri(uri: string, serverUrl: string): { repository: string; workflow: string; ref: string } | undefined {
  if (!uri.startsWith(`${serverUrl}/`)) return undefined;
  const match = /^([^/]+\/[^/]+)\/([^@]+)@(.+)$/.exec(uri.slice(serverUrl.length + 1));
  if (!match) return undefined;
  return { repository: match[1] as string, workflow: match[2] as string, ref: match[3] as string };
}

/**
 * Why this identity is not the policy's release workflow, or undefined when it is. Checked in the
 * order a reader needs: the OIDC issuer, the source repository, the signing workflow (and the
 * workflow that started the run), then the ref.
 */
export function identityRefusal(identity: CertificateIdentity, policy: ProvenancePolicy): Refusal | undefined {
  const expected = signerWorkflowUri(policy);
  if (identity.issuer !== githubActionsIssuer) {
    return {
      reason: 'wrong-issuer',
      detail: `signed through OIDC issuer ${identity.issuer ?? '(none)'}, not GitHub Actions (${githubActionsIssuer})`,
    };
  }
  const repositoryUri = `${policy.serverUrl}/${policy.repository}`;
  if (!identity.sourceRepositoryUri || !sameRepository(identity.sourceRepositoryUri, repositoryUri)) {
    return {
      reason: 'wrong-repository',
      detail: `built from ${identity.sourceRepositoryUri ?? '(no source repository in the certificate)'}, not ${repositoryUri}`,
    };
  }
  const san = identity.subjectAlternativeName ?? '';
  const signer = workflowUri(san, policy.serverUrl);
  if (!signer || !sameRepository(signer.repository, policy.repository) || signer.workflow !== policy.workflow) {
    return { reason: 'wrong-workflow', detail: `signed by ${san || '(no subject)'}, not ${expected}` };
  }
  const starter = identity.buildConfigUri ? workflowUri(identity.buildConfigUri, policy.serverUrl) : undefined;
  if (
    identity.buildConfigUri &&
    (!starter || !sameRepository(starter.repository, policy.repository) || starter.workflow !== policy.workflow)
  ) {
    return { reason: 'wrong-workflow', detail: `the run was started by ${identity.buildConfigUri}, not ${expected}` };
  }
  if (signer.ref !== policy.ref || identity.sourceRepositoryRef !== policy.ref || (starter && starter.ref !== policy.ref)) {
    return { reason: 'wrong-ref', detail: `built from ${identity.sourceRepositoryRef ?? signer.ref}, not ${policy.ref} (signer ${san})` };
  }
  return undefined;
}
