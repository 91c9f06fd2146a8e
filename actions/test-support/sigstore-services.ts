/**
 * Test support: Sigstore's own test services (`@sigstore/mock`: a Fulcio CA with a CT log, a Rekor
 * transparency log) served on loopback, a trusted root naming them, and a signer that makes real
 * attestation bundles through `@sigstore/sign` — the library the attest actions sign with — so
 * verification tests run the real verification path offline.
 *
 * The identity token is what GitHub Actions' OIDC provider issues for a workflow run (claims named
 * in GitHub's OIDC token reference); the mock Fulcio maps its claims to certificate extensions the
 * way Fulcio does (sigstore/fulcio docs/oid-info.md, "Mapping OIDC token claims to Fulcio OIDs").
 * A second CA, left out of the trusted root, signs for the untrusted-CA case.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bundleToJSON } from '@sigstore/bundle';
import type { SerializedBundle } from '@sigstore/bundle';
import { fulcioHandler, initializeCA, initializeCTLog, initializeTLog, rekorHandler } from '@sigstore/mock';
import type { HandlerFn } from '@sigstore/mock';
import { HashAlgorithm, PublicKeyDetails, TrustedRoot } from '@sigstore/protobuf-specs';
import { DSSEBundleBuilder, FulcioSigner, RekorWitness } from '@sigstore/sign';
import { githubActionsIssuer, slsaProvenanceV1 } from '../lib/provenance/policy.ts';

export interface AttestationRequest {
  /** sha256:… of the image the statement is about. */
  digest: string;
  /** owner/name of the repository whose workflow signs. */
  repository: string;
  workflow?: string;
  ref?: string;
  predicateType?: string;
  /** The top-level workflow of the run (`workflow_ref`) when a reusable workflow signs; default the signer. */
  startedBy?: string;
  /** The commit the signing run built (the token's `sha` claim); default abcdef01…. */
  sourceCommit?: string;
  /** Sign with the CA that is not in the trusted root. */
  untrustedCa?: boolean;
  /** Change the DSSE payload after signing (a tampered attestation). */
  tamper?: boolean;
}

export interface SigstoreServices {
  /** The trusted root JSON (sigstore protobuf-specs TrustedRoot) naming the CA, CT log and Rekor. */
  trustedRoot: unknown;
  /** A Sigstore bundle (JSON) holding a DSSE-signed in-toto statement, as the attest actions upload. */
  attest(request: AttestationRequest): Promise<SerializedBundle>;
  close(): Promise<void>;
}

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsigned JWT with GitHub's Actions OIDC claims; the mock Fulcio decodes without verifying. */
function githubActionsToken(request: AttestationRequest): string {
  const workflow = request.workflow ?? '.github/workflows/release.yml';
  const ref = request.ref ?? 'refs/heads/main';
  const [owner] = request.repository.split('/');
  const workflowRef = `${request.repository}/${workflow}@${ref}`;
  const claims = {
    iss: githubActionsIssuer,
    aud: 'sigstore',
    sub: `repo:${request.repository}:ref:${ref}`,
    repository: request.repository,
    repository_owner: owner,
    ref,
    sha: request.sourceCommit ?? 'abcdef0123456789abcdef0123456789abcdef01',
    event_name: 'push',
    workflow_ref: request.startedBy ?? workflowRef,
    job_workflow_ref: workflowRef,
    run_id: '4242',
    run_attempt: '1',
    runner_environment: 'github-hosted',
    // Fulcio's subject for GitHub Actions: server_url + job_workflow_ref (the Build Signer URI).
    slipway_subject: `https://github.com/${workflowRef}`,
  };
  return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`;
}

function statement(request: AttestationRequest): Buffer {
  return Buffer.from(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: 'registry.example.com/shop/cart', digest: { sha256: request.digest.replace(/^sha256:/, '') } }],
      predicateType: request.predicateType ?? slsaProvenanceV1,
      predicate: {
        buildDefinition: { buildType: 'https://actions.github.io/buildtypes/workflow/v1' },
        runDetails: { builder: { id: 'https://github.com/actions/runner/github-hosted' } },
      },
    }),
  );
}

async function serve(routes: Record<string, HandlerFn>): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const handler = routes[request.url ?? ''];
      if (!handler || request.method !== 'POST') {
        response.writeHead(404).end();
        return;
      }
      handler(Buffer.concat(chunks).toString('utf8')).then(
        // Connection: close — a client's idle keep-alive socket would be reset by the server's keep-alive timeout while a test runs synchronous steps.
        (result) =>
          response
            .writeHead(result.statusCode, { 'content-type': result.contentType ?? 'application/json', connection: 'close' })
            .end(result.response),
        (error: unknown) => response.writeHead(500).end(String(error)),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const keyPair = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });

export async function startSigstoreServices(): Promise<SigstoreServices> {
  const ctLog = await initializeCTLog(keyPair());
  const ca = await initializeCA(keyPair(), ctLog);
  const untrustedCa = await initializeCA(keyPair(), ctLog);
  const tlogKey = keyPair();
  const routes: Record<string, HandlerFn> = {};
  const server = await serve(routes);
  const tlog = await initializeTLog(server.url, tlogKey);
  const fulcio = fulcioHandler(ca, { subjectClaim: 'slipway_subject' });
  const untrustedFulcio = fulcioHandler(untrustedCa, { subjectClaim: 'slipway_subject' });
  const rekor = rekorHandler(tlog);
  routes[`/trusted${fulcio.path}`] = fulcio.fn;
  routes[`/untrusted${untrustedFulcio.path}`] = untrustedFulcio.fn;
  routes[rekor.path] = rekor.fn;

  const validFor = { start: new Date(Date.now() - 60 * 60 * 1000), end: undefined };
  const logKey = (publicKey: Buffer, keyId: Buffer) => ({
    baseUrl: server.url,
    hashAlgorithm: HashAlgorithm.SHA2_256,
    publicKey: { rawBytes: publicKey, keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256, validFor },
    logId: { keyId },
    checkpointKeyId: undefined,
    operator: 'slipway-test',
  });
  const trustedRoot = TrustedRoot.toJSON({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [logKey(tlog.publicKey, createHash('sha256').update(tlog.publicKey).digest())],
    ctlogs: [logKey(ctLog.publicKey, Buffer.from(ctLog.logID.buffer, ctLog.logID.byteOffset, ctLog.logID.byteLength))],
    certificateAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
        uri: `${server.url}/trusted`,
        certChain: {
          certificates: [
            { rawBytes: Buffer.from(ca.rootCertificate.buffer, ca.rootCertificate.byteOffset, ca.rootCertificate.byteLength) },
          ],
        },
        validFor,
        operator: 'slipway-test',
      },
    ],
    timestampAuthorities: [],
  });

  return {
    trustedRoot,
    async attest(request) {
      const signer = new FulcioSigner({
        fulcioBaseURL: `${server.url}/${request.untrustedCa ? 'untrusted' : 'trusted'}`,
        identityProvider: { getToken: async () => githubActionsToken(request) },
        retry: 0,
      });
      // The mock Rekor keeps the proposed entry as the logged body: for `intoto` entries that is the
      // body a real Rekor logs; `dsse` entries Rekor canonicalizes, which the mock does not.
      const builder = new DSSEBundleBuilder({
        signer,
        witnesses: [new RekorWitness({ rekorBaseURL: server.url, entryType: 'intoto', retry: 0 })],
      });
      const bundle = bundleToJSON(await builder.create({ data: statement(request), type: 'application/vnd.in-toto+json' }));
      if (request.tamper && bundle.dsseEnvelope) {
        const payload = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8')) as {
          predicate: Record<string, unknown>;
        };
        payload.predicate['tampered'] = true;
        bundle.dsseEnvelope.payload = Buffer.from(JSON.stringify(payload)).toString('base64');
      }
      return bundle;
    },
    close: server.close,
  };
}
