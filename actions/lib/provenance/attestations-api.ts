/**
 * Where bundles come from: GitHub's attestations API, `GET /repos/{owner}/{repo}/attestations/{subject_digest}`
 * ("List attestations"; response shape from GitHub's OpenAPI description as @octokit/openapi-types
 * 29.0.1 carries it: `{ attestations: [{ bundle, repository_id, bundle_url, initiator }] }`, cursor
 * pagination through the Link header, `predicate_type` filter accepting `provenance`). An entry
 * without an inline bundle is read from its `bundle_url`, snappy-compressed bundle JSON, as the
 * GitHub CLI reads it (cli/cli pkg/cmd/attestation/api/client.go, GetBundle).
 */
import { getOctokit } from '@actions/github';
import { GitHub } from '@actions/github/lib/utils';
import { uncompress } from 'snappyjs';

export interface AttestationsApi {
  owner: string;
  repo: string;
  /** Needs `attestations: read` (fine-grained) or read access; none for a public repository. */
  token?: string;
  /** REST API root (GitHub Enterprise, a test server); default GITHUB_API_URL, else the public API. */
  apiUrl?: string;
}

export class AttestationsApiError extends Error {
  override name = 'AttestationsApiError';
}

interface AttestationEntry {
  bundle?: unknown;
  bundle_url?: string;
}

/** 10 pages of 100, as the GitHub CLI's largest --limit (1000). */
const maxPages = 10;
const maxBundleBytes = 32 * 1024 * 1024;

async function bundleFromUrl(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  if (!response.ok) throw new AttestationsApiError(`bundle_url answered HTTP ${response.status}`);
  const compressed = new Uint8Array(await response.arrayBuffer());
  if (compressed.byteLength > maxBundleBytes)
    throw new AttestationsApiError(`bundle_url sent ${compressed.byteLength} bytes, more than a bundle can be`);
  let text: string;
  try {
    text = Buffer.from(uncompress(compressed, maxBundleBytes)).toString('utf8');
  } catch (error) {
    throw new AttestationsApiError(
      `bundle_url content is not snappy-compressed (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AttestationsApiError('bundle_url content is not a JSON bundle');
  }
}

/** Every SLSA provenance bundle GitHub stores for `digest` in the repository; empty when there is none. */
export async function listAttestationBundles(api: AttestationsApi, digest: string): Promise<unknown[]> {
  const options = api.apiUrl ? { baseUrl: api.apiUrl } : {};
  const octokit = api.token ? getOctokit(api.token, options) : new GitHub(options);
  const entries: AttestationEntry[] = [];
  try {
    let pages = 0;
    const iterator = octokit.paginate.iterator(octokit.rest.repos.listAttestations, {
      owner: api.owner,
      repo: api.repo,
      subject_digest: digest,
      per_page: 100,
      predicate_type: 'provenance',
    });
    for await (const page of iterator) {
      // The paginate plugin hands bodies without `total_count` through unchanged; its typing
      // assumes a list key, hence the cast to the documented shape.
      entries.push(...((page.data as unknown as { attestations?: AttestationEntry[] }).attestations ?? []));
      pages += 1;
      if (pages >= maxPages) break;
    }
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 404) return [];
    throw new AttestationsApiError(
      `GitHub attestations API for ${api.owner}/${api.repo} (${digest}) failed: ${status ? `HTTP ${status} ` : ''}${error instanceof Error ? error.message : String(error)}` +
        (status === 401 || status === 403 ? '; the token needs read access to the repository (attestations: read)' : ''),
    );
  }
  return Promise.all(
    entries.map(async (entry, index) => {
      if (entry.bundle) return entry.bundle;
      if (!entry.bundle_url) throw new AttestationsApiError(`attestation ${index + 1} for ${digest} has neither bundle nor bundle_url`);
      try {
        return await bundleFromUrl(entry.bundle_url);
      } catch (error) {
        throw new AttestationsApiError(`attestation ${index + 1} for ${digest}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }),
  );
}
