/**
 * Whether two Git repository addresses name the same repository, however each is written: https or
 * http, `ssh://user@host[:port]/path`, scp-like `user@host:path`, `git://`, with or without `.git` or
 * a trailing slash, in any letter case. Argo CD compares repoURLs the same way for most of it
 * (argoproj/argo-cd v3.3.8, util/git/git.go: SameURL → NormalizeGitURL lowercases, rewrites the
 * scp-like form to ssh:// and drops `.git`); here the scheme, user and port are dropped as well, since
 * GitHub serves one repository at the same host and path over https and ssh.
 */

/** `host/path` of a repository address, lowercased, or undefined when it is not one. */
export function repositoryKey(address: string): string | undefined {
  const text = address.trim().toLowerCase();
  if (text === '') return undefined;
  let host: string;
  let path: string;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/.exec(text);
  if (scheme) {
    if (!['https', 'http', 'ssh', 'git', 'git+ssh', 'ssh+git'].includes(scheme[1] ?? '')) return undefined;
    const rest = scheme[2] ?? '';
    const slash = rest.indexOf('/');
    if (slash <= 0) return undefined;
    host = rest.slice(0, slash);
    path = rest.slice(slash + 1);
  } else {
    // scp-like: [user@]host:path (a colon before any slash).
    const scp = /^([^/:]+):(?!\/\/)(.+)$/.exec(text);
    if (!scp) return undefined;
    host = scp[1] ?? '';
    path = scp[2] ?? '';
  }
  host = host.replace(/^[^@]*@/, '').replace(/:\d*$/, '');
  path = path
    .replace(/[?#].*$/, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .replace(/^\/+/, '');
  if (host === '' || path === '' || path.split('/').some((part) => part === '' || part === '.' || part === '..')) return undefined;
  return `${host}/${path}`;
}

/** True when both addresses name one repository (see repositoryKey); false when either is not an address. */
export function sameGitRepository(a: string, b: string): boolean {
  const left = repositoryKey(a);
  return left !== undefined && left === repositoryKey(b);
}
