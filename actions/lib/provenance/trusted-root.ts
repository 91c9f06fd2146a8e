/**
 * What verification trusts: a Sigstore trusted root (sigstore/protobuf-specs TrustedRoot, JSON) —
 * the Fulcio CAs, Rekor logs and CT logs whose keys sign what we accept. By default the public-good
 * instance's root, fetched and verified through TUF by @sigstore/tuf (the root public GitHub
 * repositories' attestations are signed under); or a file, for tests and air-gapped runners (e.g.
 * the output of `gh attestation trusted-root`: JSON Lines, one trusted root a line, trusted together).
 */
import { readFileSync } from 'node:fs';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { getTrustedRoot } from '@sigstore/tuf';
import { toTrustMaterial, Verifier } from '@sigstore/verify';

export class TrustedRootError extends Error {
  override name = 'TrustedRootError';
}

const trustedRootMediaType = /^application\/vnd\.dev\.sigstore\.trustedroot(\.v[0-9.]+)?\+json(;version=[0-9.]+)?$/;

function parseJsonDocuments(text: string, where: string): unknown[] {
  try {
    return [JSON.parse(text)];
  } catch {
    // JSON Lines: one trusted root a line.
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      try {
        return JSON.parse(line) as unknown;
      } catch (error) {
        throw new TrustedRootError(
          `${where}: line ${index + 1} is not JSON (${error instanceof Error ? error.message : String(error)}); give a Sigstore trusted root such as \`gh attestation trusted-root\` prints`,
        );
      }
    });
}

/**
 * Parses and checks a trusted root (a JSON object, or JSON Lines of them, which are trusted
 * together); `where` names its origin in errors.
 */
export function parseTrustedRoot(text: string, where: string): TrustedRoot {
  const documents = parseJsonDocuments(text, where);
  if (documents.length === 0) throw new TrustedRootError(`${where}: is empty; give a Sigstore trusted root`);
  const roots = documents.map((json, index) => {
    const mediaType = (json as { mediaType?: unknown } | null)?.mediaType;
    if (typeof mediaType !== 'string' || !trustedRootMediaType.test(mediaType)) {
      throw new TrustedRootError(
        `${where}${documents.length > 1 ? ` line ${index + 1}` : ''}: mediaType '${String(mediaType)}' is not a Sigstore trusted root (application/vnd.dev.sigstore.trustedroot+json)`,
      );
    }
    return TrustedRoot.fromJSON(json);
  });
  const [first] = roots as [TrustedRoot, ...TrustedRoot[]];
  const root: TrustedRoot = {
    ...first,
    certificateAuthorities: roots.flatMap((each) => each.certificateAuthorities),
    tlogs: roots.flatMap((each) => each.tlogs),
    ctlogs: roots.flatMap((each) => each.ctlogs),
    timestampAuthorities: roots.flatMap((each) => each.timestampAuthorities),
  };
  if (root.certificateAuthorities.length === 0)
    throw new TrustedRootError(`${where}: names no certificate authority, so no signing certificate could be trusted`);
  if (root.tlogs.length === 0) throw new TrustedRootError(`${where}: names no transparency log, so no log inclusion could be verified`);
  return root;
}

export interface TrustSource {
  /** A trusted root JSON file; empty or absent: the public-good root through TUF. */
  trustedRootFile?: string;
  /** Where @sigstore/tuf keeps its verified TUF metadata (its default: the user's app-data folder). */
  tufCachePath?: string;
}

/**
 * A verifier over the trusted root: one signature, one SCT, one transparency-log entry and one
 * timestamp (the log's) required — sigstore-js's defaults, as `gh attestation verify` requires for
 * public-good attestations.
 */
export async function trustedVerifier(source: TrustSource = {}): Promise<Verifier> {
  let root: TrustedRoot;
  if (source.trustedRootFile) {
    let text: string;
    try {
      text = readFileSync(source.trustedRootFile, 'utf8');
    } catch (error) {
      throw new TrustedRootError(
        `trusted root ${source.trustedRootFile}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      );
    }
    root = parseTrustedRoot(text, `trusted root ${source.trustedRootFile}`);
  } else {
    try {
      root = await getTrustedRoot(source.tufCachePath ? { cachePath: source.tufCachePath } : {});
    } catch (error) {
      throw new TrustedRootError(
        `the Sigstore public-good trusted root could not be fetched through TUF (${error instanceof Error ? error.message : String(error)}); without network, pass a trusted root file`,
      );
    }
  }
  return new Verifier(toTrustMaterial(root));
}
