/**
 * The versions a chart repository publishes, to name the nearest ones when a pinned version
 * does not exist:
 * - a Helm repository over HTTP: its `index.yaml` (`entries.<chart>[].version`), the file
 *   `helm repo index` writes (helm/helm v3.17.2 `pkg/repo/index.go`);
 * - an OCI registry: the tags of the chart's repository (`GET /v2/<name>/tags/list`, OCI
 *   distribution-spec v1.1 "Listing Tags", paginated by the `Link` header), with the anonymous
 *   bearer token a public registry asks for in `WWW-Authenticate` (distribution
 *   `docs/spec/auth/token.md`). Helm stores a version's `+` as `_` in a tag and reads it back
 *   the same way (helm/helm v3.17.2 `pkg/registry/reference.go`, `client.go` Tags).
 */
import semver from 'semver';
import { parse } from 'yaml';
import type { RemoteChart } from './remote-chart.ts';
import { isLoopbackHost } from './remote-chart.ts';

export type PublishedVersions = { ok: true; versions: string[] } | { ok: false; error: string };

/** Largest index.yaml read (the biggest public repositories' indexes are tens of MiB). */
const maxIndexBytes = 128 * 1024 * 1024;
/** Most tag pages followed for one OCI repository. */
const maxTagPages = 50;

function describeError(error: unknown, url: string, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return `${url} did not answer within ${timeoutMs / 1000} s`;
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${url} cannot be reached (${error instanceof Error ? error.message : String(error)}${cause})`;
}

async function httpIndexVersions(chart: RemoteChart, timeoutMs: number): Promise<PublishedVersions> {
  const url = `${chart.repoURL.replace(/\/+$/, '')}/index.yaml`;
  let text: string;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
    if (!response.ok) return { ok: false, error: `${url} answered HTTP ${response.status}` };
    text = await response.text();
  } catch (error) {
    return { ok: false, error: describeError(error, url, timeoutMs) };
  }
  if (text.length > maxIndexBytes) return { ok: false, error: `${url} is larger than ${maxIndexBytes} bytes` };
  let index: unknown;
  try {
    index = parse(text, { maxAliasCount: 100 });
  } catch (error) {
    return {
      ok: false,
      error: `${url} is not a chart repository index: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
    };
  }
  const entries = (index as { entries?: Record<string, unknown> } | null)?.entries;
  if (!entries || typeof entries !== 'object') return { ok: false, error: `${url} is not a chart repository index (no entries)` };
  const list = entries[chart.chart];
  const versions = Array.isArray(list)
    ? list.map((entry) => String((entry as { version?: unknown } | null)?.version ?? '')).filter(Boolean)
    : [];
  return { ok: true, versions };
}

/** The parameters of a `WWW-Authenticate: Bearer realm="…",service="…",scope="…"` challenge. */
export function parseBearerChallenge(header: string | null): Record<string, string> | undefined {
  if (!header || !/^bearer\s/i.test(header)) return undefined;
  const parameters: Record<string, string> = {};
  for (const match of header.slice(7).matchAll(/([a-zA-Z_]+)="([^"]*)"/g)) parameters[(match[1] ?? '').toLowerCase()] = match[2] ?? '';
  return parameters.realm ? parameters : undefined;
}

/** The next page of a paginated listing, from a `Link: <…>; rel="next"` header. */
export function nextLink(header: string | null, current: string): string | undefined {
  const match = header ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(header) : null;
  return match?.[1] ? new URL(match[1], current).toString() : undefined;
}

async function ociTagVersions(chart: RemoteChart, timeoutMs: number): Promise<PublishedVersions> {
  const location = chart.reference.slice('oci://'.length);
  const slash = location.indexOf('/');
  const host = location.slice(0, slash);
  const name = location.slice(slash + 1);
  const scheme = isLoopbackHost(host) ? 'http' : 'https';
  let url: string | undefined = `${scheme}://${host}/v2/${name}/tags/list?n=1000`;
  let authorization: string | undefined;
  const tags: string[] = [];
  try {
    for (let page = 0; url && page < maxTagPages; page++) {
      const headers: Record<string, string> = authorization ? { authorization } : {};
      let response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
      const challenge = response.status === 401 ? parseBearerChallenge(response.headers.get('www-authenticate')) : undefined;
      if (challenge) {
        const tokenUrl = new URL(challenge.realm ?? '');
        if (challenge.service) tokenUrl.searchParams.set('service', challenge.service);
        tokenUrl.searchParams.set('scope', challenge.scope ?? `repository:${name}:pull`);
        const tokenResponse = await fetch(tokenUrl, { signal: AbortSignal.timeout(timeoutMs) });
        const body = (await tokenResponse.json().catch(() => ({}))) as { token?: string; access_token?: string };
        const token = body.token ?? body.access_token;
        if (!tokenResponse.ok || !token)
          return { ok: false, error: `${tokenUrl.origin} gave no pull token for ${name} (HTTP ${tokenResponse.status})` };
        authorization = `Bearer ${token}`;
        response = await fetch(url, { headers: { authorization }, signal: AbortSignal.timeout(timeoutMs) });
      }
      if (response.status === 404) return { ok: true, versions: [] };
      if (!response.ok) return { ok: false, error: `${url} answered HTTP ${response.status}` };
      const body = (await response.json()) as { tags?: unknown };
      if (Array.isArray(body.tags)) tags.push(...body.tags.map(String));
      url = nextLink(response.headers.get('link'), url);
    }
  } catch (error) {
    return { ok: false, error: describeError(error, `${scheme}://${host}/v2/${name}/tags/list`, timeoutMs) };
  }
  return { ok: true, versions: tags.map((tag) => tag.replace(/_/g, '+')) };
}

/** Every version of the chart its repository publishes, or why they cannot be read. */
export function publishedVersions(chart: RemoteChart, timeoutMs: number): Promise<PublishedVersions> {
  return chart.protocol === 'http' ? httpIndexVersions(chart, timeoutMs) : ociTagVersions(chart, timeoutMs);
}

/** Is `wanted` among `versions` (exactly, or as the same semantic version: helm accepts `v1.2.3` for 1.2.3)? */
export function isPublished(versions: string[], wanted: string): boolean {
  const clean = semver.valid(semver.clean(wanted) ?? '');
  return versions.some((version) => version === wanted || (clean !== null && semver.valid(version) !== null && semver.eq(version, clean)));
}

/** The published versions nearest to `wanted`: the closest below and above it, and the latest release. */
export function nearestVersions(versions: string[], wanted: string): string[] {
  const sorted = [...new Set(versions.filter((version) => semver.valid(version) !== null))].sort(semver.compare);
  const target = semver.valid(semver.clean(wanted) ?? '') ?? semver.coerce(wanted)?.version;
  if (!target) return sorted.slice(-3);
  const below = sorted.filter((version) => semver.lt(version, target)).at(-1);
  const above = sorted.find((version) => semver.gt(version, target));
  const latest = sorted.filter((version) => semver.prerelease(version) === null).at(-1);
  return [...new Set([below, above, latest].filter((version): version is string => version !== undefined))].sort(semver.compare);
}
