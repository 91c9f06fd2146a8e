/**
 * Environments of a GitOps tree: every folder under `<gitops>/environments/` (dev, prod, …).
 * Discovered from the tree, never hard-coded; names are checked before they reach a path.
 */
export class EnvironmentError extends Error {
  override name = 'EnvironmentError';
}

/** An environment's folder name under `<gitops>/environments/`: lowercase letters, digits and '-' (a DNS-1035-like label). */
export const environmentName = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function environmentsRoot(gitopsPath: string): string {
  return gitopsPath === '' ? 'environments' : `${gitopsPath}/environments`;
}

/** Environment names found among repository file paths. */
export function listEnvironments(paths: Iterable<string>, gitopsPath: string): string[] {
  const prefix = `${environmentsRoot(gitopsPath)}/`;
  const names = new Set<string>();
  for (const path of paths) {
    if (!path.startsWith(prefix)) continue;
    const rest = path.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash > 0) names.add(rest.slice(0, slash));
  }
  return [...names].filter((name) => environmentName.test(name)).sort();
}

/** The folder of a known environment; a clear error for a malformed or unknown name. */
export function environmentPath(name: string, known: readonly string[], gitopsPath: string): string {
  if (!environmentName.test(name)) {
    throw new EnvironmentError(
      `environment '${name}' is not a valid name (lowercase letters, digits and '-'); known environments: ${known.join(', ') || 'none'}`,
    );
  }
  if (!known.includes(name)) {
    throw new EnvironmentError(
      `unknown environment '${name}': ${environmentsRoot(gitopsPath)}/ has ${known.length ? known.join(', ') : 'no environments'}`,
    );
  }
  return `${environmentsRoot(gitopsPath)}/${name}`;
}

export function isManifestFile(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

/** The service name a repository stands for when nothing else names it: its last path segment. */
export function serviceOfRepository(repository: string): string {
  return repository.slice(repository.lastIndexOf('/') + 1);
}
