/**
 * Lands a promotion in a GitOps repository safely under concurrency: take the branch head, let the
 * caller decide the edit on that head, write the commit without touching any working tree, push;
 * when the push is rejected because someone else landed first, fetch, re-decide on the fresh head
 * and push again (bounded).
 * A decision of "nothing to change" makes no commit. A failure at any step leaves the working
 * tree, the index and the remote as they were.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { GitError, committerIdentity, git, writeCommit } from '../git/git.ts';
import type { GitCredentials, Identity } from '../git/git.ts';
import { HeadSnapshot } from './head-snapshot.ts';

// The head a promotion decides on is part of landing's interface (callers open and read it).
export { HeadSnapshot };

export interface GitopsRemote {
  /** A local git repository used to fetch, write objects and push: the checkout itself or a scratch clone. */
  repoDir: string;
  /** Remote name (`origin`) or URL of the GitOps repository. */
  remote: string;
  /** Branch the promotion lands on (or, in pull-request mode, the PR's base). */
  branch: string;
  credentials?: GitCredentials;
}

export interface CommitDecision {
  files: Map<string, string>;
  message: string;
}

export interface LandOptions {
  maxAttempts?: number;
  author?: Identity;
  /** Pull-request mode: push the commit to this branch (force) instead of the base branch. */
  pullRequestBranch?: string;
  /**
   * Start the first attempt from the checkout's remote-tracking branch instead of fetching (default true).
   * Only for a named remote of a full (non-shallow) checkout; any lost race fetches and re-applies.
   */
  optimistic?: boolean;
  /** Write the commit object (so it can be diffed) but push nothing: no ref anywhere changes. */
  dryRun?: boolean;
  /** Called on each retry, for logs. */
  onRetry?: (attempt: number, reason: string) => void;
}

export interface LandResult<T> {
  /** The new commit; undefined when nothing changed. */
  commit?: string;
  /** The head the decision was made on. */
  base: string;
  attempts: number;
  decision: T;
  /** Pull-request mode: false when the PR branch already held exactly this change. */
  pushed: boolean;
}

/** A named remote of a full (non-shallow) checkout, whose remote-tracking branch can start the first attempt. */
function isFullCheckoutRemote(target: GitopsRemote): boolean {
  return /^[A-Za-z0-9_.-]+$/.test(target.remote) && !existsSync(join(target.repoDir, '.git', 'shallow'));
}

function isRejectedPush(error: unknown): boolean {
  if (!(error instanceof GitError)) return false;
  // A lost race (the branch moved, or the remote's ref lock was held); never a hook or protection refusal.
  return /\[rejected\]|non-fast-forward|fetch first|stale info|failed to update ref|cannot lock ref|incorrect old value/i.test(
    `${error.stdout}\n${error.stderr}`,
  );
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

type GitIn = { cwd: string; credentials?: GitCredentials };

/**
 * First attempt in a checkout: start from its remote-tracking branch (fresh after checkout, and
 * kept fresh by our own pushes); the push is the compare-and-swap, so a stale start only costs a retry.
 */
async function trackingHead(target: GitopsRemote, attempt: number, optimistic: boolean): Promise<HeadSnapshot | undefined> {
  return attempt === 1 && optimistic && isFullCheckoutRemote(target)
    ? await HeadSnapshot.open(target.repoDir, `refs/remotes/${target.remote}/${target.branch}`)
    : undefined;
}

/** Fetches the branch into the run's scratch ref (unshallowing a shallow clone once) and opens it. */
async function fetchedHead(target: GitopsRemote, attempt: number, baseRef: string, gitIn: GitIn): Promise<HeadSnapshot> {
  const deepen = existsSync(join(target.repoDir, '.git', 'shallow')) && attempt === 1 ? ['--unshallow'] : [];
  // `--refmap=` keeps fetch from also updating refs/remotes/<remote>/<branch>: promotions running
  // at once in one checkout would race for that ref's lock and fail ("cannot lock ref").
  const refspec = `+refs/heads/${target.branch}:${baseRef}`;
  await git(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--refmap=', ...deepen, target.remote, refspec], gitIn);
  const head = await HeadSnapshot.open(target.repoDir, baseRef);
  if (!head) throw new GitError(`branch ${target.branch} was fetched but cannot be read`, [], null, '');
  return head;
}

/** The caller's decision on a head, which is closed afterwards whatever happens. */
async function decideOn<D>(head: HeadSnapshot, decide: (head: HeadSnapshot) => Promise<D>): Promise<D> {
  try {
    return await decide(head);
  } finally {
    head.close();
  }
}

/**
 * Pushes the commit to the branch: true when it landed, false after a lost race (once backed off,
 * to retry); a refusal, or a race lost `maxAttempts` times, throws.
 */
async function pushOrBackOff(
  target: GitopsRemote,
  commit: string,
  gitIn: GitIn,
  attempt: number,
  maxAttempts: number,
  options: LandOptions,
): Promise<boolean> {
  try {
    await git(['push', '--quiet', '--porcelain', target.remote, `${commit}:refs/heads/${target.branch}`], gitIn);
    return true;
  } catch (error) {
    if (!isRejectedPush(error) || attempt >= maxAttempts) {
      if (isRejectedPush(error)) {
        throw new GitError(
          `push to ${target.branch} was rejected ${attempt} times: other promotions kept landing first; re-run the promotion`,
          [],
          null,
          '',
        );
      }
      throw error;
    }
    options.onRetry?.(attempt, 'push rejected: the branch moved; re-applying on the fresh head');
    // Full-jitter exponential backoff spreads racing promoters so fewer attempts are wasted.
    await sleep(Math.floor(Math.random() * Math.min(1500, 40 * 2 ** attempt)));
    return false;
  }
}

/**
 * Fetch → decide on the fresh head → commit → push, retried when the push is rejected.
 * `decide` returns the change to commit (or undefined for none) plus whatever the caller wants back.
 */
export async function landOnBranch<T>(
  target: GitopsRemote,
  decide: (head: HeadSnapshot) => Promise<{ change?: CommitDecision; result: T }>,
  options: LandOptions = {},
): Promise<LandResult<T>> {
  const maxAttempts = options.maxAttempts ?? 25;
  // A pull request must start from the fresh base (nothing rejects a stale one), so it always fetches.
  const optimistic = (options.optimistic ?? true) && !options.pullRequestBranch;
  const run = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const baseRef = `refs/slipway/${run}/base`;
  const prRef = `refs/slipway/${run}/pull-request`;
  let scratchRefs = false;
  const gitIn = { cwd: target.repoDir, ...(target.credentials ? { credentials: target.credentials } : {}) };
  // Looked up while the first fetch runs.
  const author = options.author ? Promise.resolve(options.author) : committerIdentity(target.repoDir);
  try {
    for (let attempt = 1; ; attempt += 1) {
      let head = await trackingHead(target, attempt, optimistic);
      if (!head) {
        scratchRefs = true;
        head = await fetchedHead(target, attempt, baseRef, gitIn);
      }
      const base = head.commit;
      const { change, result } = await decideOn(head, decide);
      if (!change || change.files.size === 0) return { base, attempts: attempt, decision: result, pushed: false };
      const files = new Map([...change.files].map(([path, text]) => [path, { text, mode: head.mode(path) }]));
      const commit = await writeCommit(target.repoDir, { parent: base, message: change.message, author: await author, files });
      if (options.dryRun) return { commit, base, attempts: attempt, decision: result, pushed: false };
      if (options.pullRequestBranch) {
        const landed = await pushPullRequestBranch(target, commit, base, options.pullRequestBranch, prRef);
        return { commit: landed.commit, base, attempts: attempt, decision: result, pushed: landed.pushed };
      }
      if (await pushOrBackOff(target, commit, gitIn, attempt, maxAttempts, options)) {
        return { commit, base, attempts: attempt, decision: result, pushed: true };
      }
    }
  } finally {
    if (scratchRefs || options.pullRequestBranch) {
      await git(['update-ref', '--stdin'], { ...gitIn, input: `delete ${baseRef}\ndelete ${prRef}\n` }).catch(() => undefined);
    }
  }
}

/** Pushes the PR branch unless it already holds the same tree on the same base (a re-run). */
async function pushPullRequestBranch(
  target: GitopsRemote,
  commit: string,
  base: string,
  branch: string,
  prRef: string,
): Promise<{ commit: string; pushed: boolean }> {
  const gitIn = { cwd: target.repoDir, ...(target.credentials ? { credentials: target.credentials } : {}) };
  const exists = (await git(['ls-remote', '--heads', target.remote, `refs/heads/${branch}`], gitIn)).trim() !== '';
  if (exists) {
    await git(
      ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--refmap=', target.remote, `+refs/heads/${branch}:${prRef}`],
      gitIn,
    );
    const [theirs, ours, theirParent, theirCommit = commit] = (
      await git(['rev-parse', `${prRef}^{tree}`, `${commit}^{tree}`, `${prRef}^`, prRef], gitIn)
    )
      .trim()
      .split('\n');
    if (theirs === ours && theirParent === base) return { commit: theirCommit, pushed: false };
  }
  await git(['push', '--quiet', '--porcelain', '--force', target.remote, `${commit}:refs/heads/${branch}`], gitIn);
  return { commit, pushed: true };
}
