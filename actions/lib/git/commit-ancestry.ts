/**
 * Does a later GitOps commit contain the promoted one? When promotions land quickly, Argo CD may sync
 * a newer commit of the branch; that deploys the promoted change too. Answered with git in a
 * checkout of the GitOps repository after fetching its remote. And when was the promoted commit
 * made (its committer time, for the commit → sync figures of verify)?
 */
import { git } from './git.ts';
import type { GitCredentials } from './git.ts';

export function laterCommitCheck(
  checkout: string,
  remote: string,
  expected: string,
  credentials?: GitCredentials,
): (revision: string) => Promise<boolean> {
  return async (revision) => {
    // Argo CD also reports chart versions (multi-source) and branch names; only commits can contain commits.
    if (!/^[0-9a-f]{40}$/i.test(revision)) return false;
    // Asked once per new revision (the caller remembers answers), so fetch each time: it may be newer than the last fetch.
    await git(['fetch', '--quiet', '--no-tags', remote], { cwd: checkout, ...(credentials ? { credentials } : {}) }).catch(() => undefined);
    try {
      await git(['merge-base', '--is-ancestor', expected, revision], { cwd: checkout });
      return true;
    } catch {
      return false;
    }
  };
}

/** The committer time of `commit` (ms since the epoch), or undefined when `checkout` does not hold that commit. */
export async function committerTime(checkout: string, commit: string): Promise<number | undefined> {
  try {
    const seconds = Number((await git(['show', '-s', '--format=%ct', `${commit}^{commit}`], { cwd: checkout })).trim());
    return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
  } catch {
    return undefined;
  }
}
