/**
 * Which services a change touches, so a merge builds only those:
 *   - a file under <services-root>/<name>/ changes service <name>;
 *   - a file matching a shared pattern (default: app-repo/packages/** and package-lock.json) changes
 *     every service, because every image is built from it;
 *   - anything else (docs, gitops-repo, infra-repo…) changes none.
 * `changedPathsSince` asks the real git which files differ between the last release and HEAD.
 */
import { git, GitError } from '../git/git.ts';

export interface ChangeRules {
  /** Folder holding one folder per service, repository-relative, e.g. app-repo/services. */
  servicesRoot: string;
  /** Glob patterns (`**`, `*`, `?`) of shared files that affect every service. */
  sharedPatterns: string[];
}

export const defaultChangeRules: ChangeRules = {
  servicesRoot: 'app-repo/services',
  sharedPatterns: ['app-repo/packages/**', 'package-lock.json'],
};

export interface ChangedServices {
  /** Affected services, sorted. */
  services: string[];
  /** Why each affected service is in the list: the first path that selected it. */
  reasons: Record<string, string>;
}

/** A glob as a regular expression: `**` crosses folders, `*` and `?` stay inside one. */
export function globPattern(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i += 1) {
    const char = glob[i] ?? '';
    if (char === '*' && glob[i + 1] === '*') {
      const slashAfter = glob[i + 2] === '/';
      source += slashAfter ? '(?:.*/)?' : '.*';
      i += slashAfter ? 2 : 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** Decides the affected services from the changed paths (repository-relative, posix separators). */
export function changedServices(
  changedPaths: readonly string[],
  services: readonly string[],
  rules: ChangeRules = defaultChangeRules,
): ChangedServices {
  const root = rules.servicesRoot.replace(/\/+$/, '');
  const shared = rules.sharedPatterns.map((pattern) => ({ pattern, regexp: globPattern(pattern) }));
  const reasons: Record<string, string> = {};
  const known = new Set(services);
  for (const path of changedPaths) {
    const sharedMatch = shared.find(({ regexp }) => regexp.test(path));
    if (sharedMatch) {
      for (const service of services) reasons[service] ??= `${path} changed (shared: ${sharedMatch.pattern})`;
      continue;
    }
    if (path.startsWith(`${root}/`)) {
      const service = path.slice(root.length + 1).split('/')[0] ?? '';
      if (known.has(service)) reasons[service] ??= `${path} changed`;
    }
  }
  return { services: Object.keys(reasons).sort(), reasons };
}

export class ChangeDetectionError extends Error {
  override name = 'ChangeDetectionError';
}

/** True when `revision` names a commit in the clone at `cwd` (a shallow clone may lack it). */
export async function hasCommit(cwd: string, revision: string): Promise<boolean> {
  try {
    await git(['cat-file', '-e', `${revision}^{commit}`], { cwd });
    return true;
  } catch (error) {
    if (error instanceof GitError) return false;
    throw error;
  }
}

/** Files that differ between `since` and `head` (renames count on both sides). */
export async function changedPathsSince(cwd: string, since: string, head = 'HEAD'): Promise<string[]> {
  if (!(await hasCommit(cwd, since))) {
    throw new ChangeDetectionError(
      `commit '${since}' is not in this clone: fetch more history (actions/checkout fetch-depth: 0) or give another 'since'`,
    );
  }
  const output = await git(['diff', '--name-only', '--no-renames', '-z', since, head, '--'], { cwd });
  return output.split('\0').filter((path) => path !== '');
}
