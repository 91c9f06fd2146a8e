/**
 * Test support: a local HTTP stand-in for GitHub's "List attestations" endpoint,
 * `GET /repos/{owner}/{repo}/attestations/{subject_digest}`, in its documented shape (GitHub's
 * OpenAPI description: `{ attestations: [{ bundle, repository_id, bundle_url }] }`, `per_page` up
 * to 100, `after` cursors in a Link header), with GitHub's 401 body for a wrong token and 404 for
 * an unknown repository. An attestation stored `viaUrl` is listed with only its `bundle_url`, which
 * serves the bundle JSON snappy-compressed, as GitHub's blob storage does for the GitHub CLI. The
 * `predicate_type` filter is recorded but not applied: the client must not depend on it.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compress } from 'snappyjs';

export interface GitHubAttestationsApi {
  url: string;
  /** `GET /path?query` of every request (path decoded), in order. */
  requests: string[];
  add(repository: string, digest: string, bundle: unknown, options?: { viaUrl?: boolean }): void;
  close(): Promise<void>;
}

export interface StoredAttestation {
  id: number;
  bundle: unknown;
  viaUrl: boolean;
}

/**
 * The "List attestations" answer for the attestations stored for one digest: a page of `per_page`
 * (at most 100) after the `after` cursor, with the next page's address in a Link header. `base` is
 * the server's own root, where `bundle_url` points (`/blobs/{id}`).
 */
export function listAttestationsPage(
  all: readonly StoredAttestation[],
  url: URL,
  base: string,
): { body: unknown; headers: Record<string, string> } {
  const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30));
  const after = Number(url.searchParams.get('after') ?? 0);
  const page = all.filter((stored) => stored.id > after).slice(0, perPage);
  const last = page[page.length - 1];
  const more = last !== undefined && all.some((stored) => stored.id > last.id);
  const next = new URLSearchParams(url.searchParams);
  if (last) next.set('after', String(last.id));
  return {
    body: {
      attestations: page.map((stored) =>
        stored.viaUrl
          ? { repository_id: 1, bundle_url: `${base}/blobs/${stored.id}` }
          : { bundle: stored.bundle, repository_id: 1, bundle_url: `${base}/blobs/${stored.id}` },
      ),
    },
    headers: more ? { link: `<${base}${url.pathname}?${next.toString()}>; rel="next"` } : {},
  };
}

export async function startGitHubAttestationsApi(options: { token?: string; repositories: string[] }): Promise<GitHubAttestationsApi> {
  const store = new Map<string, Map<string, StoredAttestation[]>>(options.repositories.map((name) => [name.toLowerCase(), new Map()]));
  const blobs = new Map<number, unknown>();
  const requests: string[] = [];
  let nextId = 100;
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    requests.push(`${request.method} ${decodeURIComponent(url.pathname)}${url.search}`);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      response.end(JSON.stringify(body));
    };
    const blob = /^\/blobs\/(\d+)$/.exec(url.pathname);
    if (blob && request.method === 'GET') {
      const bundle = blobs.get(Number(blob[1]));
      if (bundle === undefined) return send(404, { message: 'Not Found' });
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      return response.end(Buffer.from(compress(new Uint8Array(Buffer.from(JSON.stringify(bundle))))));
    }
    if (
      options.token &&
      request.headers.authorization !== `token ${options.token}` &&
      request.headers.authorization !== `Bearer ${options.token}`
    ) {
      return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
    }
    // Clients percent-encode the digest's colon (Octokit sends sha256%3A…).
    const list = /^\/repos\/([^/]+\/[^/]+)\/attestations\/(sha256:[0-9a-f]{64})$/.exec(decodeURIComponent(url.pathname));
    if (!list || request.method !== 'GET') return send(404, { message: 'Not Found', status: '404' });
    const repository = store.get((list[1] as string).toLowerCase());
    if (!repository) return send(404, { message: 'Not Found', status: '404' });
    const { body, headers } = listAttestationsPage(repository.get(list[2] as string) ?? [], url, `http://${request.headers.host}`);
    send(200, body, headers);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    add(repositoryName, digest, bundle, addOptions = {}) {
      const repository = store.get(repositoryName.toLowerCase());
      if (!repository) throw new Error(`the stand-in knows no repository ${repositoryName}`);
      nextId += 1;
      repository.set(digest, [...(repository.get(digest) ?? []), { id: nextId, bundle, viaUrl: addOptions.viaUrl ?? false }]);
      blobs.set(nextId, bundle);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
