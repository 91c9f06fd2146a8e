/**
 * Container image references: parsing, validation and the pinned form `repository:tag@sha256:…`.
 * Grammar follows the OCI distribution reference rules (lowercase path components, optional
 * registry host with port, tag up to 128 characters, sha256 digest of 64 hex characters).
 */

export interface ImageReference {
  /** Registry host (when present) and path, e.g. `123456789012.dkr.ecr.eu-west-1.amazonaws.com/slipway/product`. */
  repository: string;
  tag?: string;
  digest?: string;
}

/** A reference that names an exact image: tag for humans, digest for the runtime. */
export interface PinnedImage {
  repository: string;
  tag: string;
  digest: string;
}

export class ImageReferenceError extends Error {
  override name = 'ImageReferenceError';
}

const pathComponent = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const hostComponent = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?$/;
const tagPattern = /^[\w][\w.-]{0,127}$/;
const digestPattern = /^sha256:[a-f0-9]{64}$/;

/** True when `text` is a valid repository (registry host optional), without tag or digest. */
export function isRepository(text: string): boolean {
  const parts = text.split('/');
  if (parts.some((part) => part === '')) return false;
  const [first, ...rest] = parts;
  if (first === undefined) return false;
  const hasHost = rest.length > 0 && isRegistryHost(first);
  if (hasHost && !hostComponent.test(first)) return false;
  const path = hasHost ? rest : parts;
  return path.length > 0 && path.every((part) => pathComponent.test(part));
}

/**
 * Whether the first component of a name is a registry host, as distribution/reference v0.6.0
 * `normalize.go` (`splitDockerDomain`) decides: `localhost`, anything with `.` or `:`, or anything
 * with an uppercase letter (repository paths are lowercase).
 */
function isRegistryHost(first: string): boolean {
  return first === 'localhost' || first.includes('.') || first.includes(':') || first.toLowerCase() !== first;
}

/** Docker Hub's names (distribution/reference v0.6.0 `normalize.go`: defaultDomain, legacyDefaultDomain, officialRepoPrefix). */
const dockerHub = 'docker.io';
const legacyDockerHub = 'index.docker.io';
const officialPrefix = 'library/';

/**
 * The canonical name of a repository, the one a registry sees: `nginx`, `library/nginx`,
 * `docker.io/library/nginx` and `index.docker.io/library/nginx` are all `docker.io/library/nginx`.
 * Follows `splitDockerDomain` in distribution/reference v0.6.0 `normalize.go`; in addition the
 * registry host is lowercased, since host names are case-insensitive (RFC 4343).
 */
export function canonicalRepository(repository: string): string {
  const slash = repository.indexOf('/');
  const first = slash < 0 ? '' : repository.slice(0, slash);
  const hasHost = slash >= 0 && isRegistryHost(first);
  let host = hasHost ? first.toLowerCase() : dockerHub;
  let path = hasHost ? repository.slice(slash + 1) : repository;
  if (host === legacyDockerHub) host = dockerHub;
  if (host === dockerHub && !path.includes('/')) path = `${officialPrefix}${path}`;
  return `${host}/${path}`;
}

/** True when two spellings name one repository (see canonicalRepository). */
export function sameRepository(a: string, b: string): boolean {
  return a === b || canonicalRepository(a) === canonicalRepository(b);
}

/** The last path component: present in the text of every spelling of the repository (`nginx` for `docker.io/library/nginx`). */
export function repositoryBaseName(repository: string): string {
  return repository.slice(repository.lastIndexOf('/') + 1);
}

export function isTag(text: string): boolean {
  return tagPattern.test(text);
}

export function isDigest(text: string): boolean {
  return digestPattern.test(text);
}

/**
 * Parses `repository[:tag][@sha256:…]`. Throws ImageReferenceError naming the bad part.
 * `where` prefixes the message (e.g. the option or file the text came from).
 */
export function parseImageReference(text: string, where = 'image reference'): ImageReference {
  const fail = (why: string): never => {
    throw new ImageReferenceError(`${where}: '${text}' is not a valid image reference: ${why}. Expected repository:tag@sha256:<64 hex>.`);
  };
  if (text.length === 0) fail('it is empty');
  if (text.length > 512) fail('it is longer than 512 characters');
  if (/\s/.test(text)) fail('it contains whitespace');
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!isDigest(digest)) fail(`the digest '${digest}' is not sha256: followed by 64 lowercase hex characters`);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', lastSlash + 1);
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!isTag(tag)) fail(`the tag '${tag}' must be 1-128 characters of letters, digits, '_', '.', '-' and not start with '.' or '-'`);
  }
  if (!isRepository(rest))
    fail(`the repository '${rest}' must be lowercase path components separated by '/', optionally after a registry host`);
  return { repository: rest, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) };
}

/** Parses a reference that must carry both a tag and a digest. */
export function parsePinnedImage(text: string, where = 'image reference'): PinnedImage {
  const reference = parseImageReference(text, where);
  if (reference.tag === undefined || reference.digest === undefined) {
    throw new ImageReferenceError(
      `${where}: '${text}' is not pinned: promotion needs both a tag and a digest (repository:tag@sha256:<64 hex>).`,
    );
  }
  return { repository: reference.repository, tag: reference.tag, digest: reference.digest };
}

export function formatImageReference(reference: ImageReference): string {
  return `${reference.repository}${reference.tag === undefined ? '' : `:${reference.tag}`}${reference.digest === undefined ? '' : `@${reference.digest}`}`;
}

/** Parses without throwing: undefined when the text is not an image reference. */
export function tryParseImageReference(text: string): ImageReference | undefined {
  try {
    return parseImageReference(text);
  } catch {
    return undefined;
  }
}

/** The short digest people read in summaries: `sha256:1a2b3c4d5e6f`. */
export function shortDigest(digest: string): string {
  return digest.slice(0, 'sha256:'.length + 12);
}
