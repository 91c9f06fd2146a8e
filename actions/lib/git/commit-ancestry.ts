/**
 * Does a later GitOps commit contain the promoted one? When promotions land quickly, Argo CD may sync
 * a newer commit of the branch; that deploys the promoted change too. Answered with git in a
 * checkout of the GitOps repository after fetching its remote.
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
