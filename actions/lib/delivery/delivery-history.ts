/**
 * The git shell of the DORA metrics: reads, at a head, every commit that changed each
 * environment's folder (with trailers and commit time) and the commit time of every recorded source
 * commit the repository holds (the monorepo case; a separate source repository's commits are unknown).
 */
import { historyWithTrailers } from '../git/git.ts';
import { environmentsRoot, listEnvironments } from '../manifests/environments.ts';
import { HeadSnapshot } from '../promotion/landing.ts';
import { parsePromotionTrailers } from '../promotion/record.ts';
import type { DoraWindow, EnvironmentCommit, EnvironmentMetrics } from './dora.ts';
import { environmentMetrics, recordedSourceCommits } from './dora.ts';

/** At most this many commits per environment are read (years of daily promotions). */
const historyLimit = 10000;

async function environmentHistory(head: HeadSnapshot, folder: string, environment: string): Promise<EnvironmentCommit[]> {
  const entries = await historyWithTrailers(head.repoDir, head.commit, undefined, historyLimit, [folder]);
  return entries.map((entry) => {
    const record = parsePromotionTrailers(entry.trailers);
    return {
      commit: entry.commit,
      committedAt: entry.committedAt,
      ...(record && record.environment === environment ? { record } : {}),
    };
  });
}

/** The committer time (ISO) of each commit the repository has; missing ones are left out. */
async function commitTimes(head: HeadSnapshot, commits: readonly string[]): Promise<Map<string, string>> {
  const objects = await Promise.all(commits.map((commit) => head.object(commit)));
  const times = new Map<string, string>();
  commits.forEach((commit, index) => {
    const object = objects[index];
    if (object?.type !== 'commit') return;
    const committer = /^committer .* (\d+) [+-]\d{4}$/m.exec(object.content.toString('utf8'));
    if (committer) times.set(commit, new Date(Number(committer[1]) * 1000).toISOString());
  });
  return times;
}

export interface DeliveryReport {
  head: string;
  metrics: EnvironmentMetrics[];
}

/** The metrics of every environment under `<gitopsPath>/environments/` at `ref` of the repository in `repoDir`. */
export async function deliveryMetrics(repoDir: string, ref: string, gitopsPath: string, window: DoraWindow): Promise<DeliveryReport> {
  const head = await HeadSnapshot.open(repoDir, ref);
  if (!head) throw new Error(`${ref} is not a commit in this repository; give --ref with a branch or commit that holds ${gitopsPath}/`);
  try {
    const environments = listEnvironments(await head.paths(environmentsRoot(gitopsPath)), gitopsPath);
    if (environments.length === 0)
      throw new Error(
        `${environmentsRoot(gitopsPath)}/ has no environments at ${head.commit.slice(0, 12)}; give --gitops-path of the GitOps tree`,
      );
    const histories = await Promise.all(
      environments.map((environment) => environmentHistory(head, `${environmentsRoot(gitopsPath)}/${environment}`, environment)),
    );
    const sourceTimes = await commitTimes(head, recordedSourceCommits(histories));
    return {
      head: head.commit,
      metrics: environments.map((environment, index) => environmentMetrics(environment, histories[index] ?? [], sourceTimes, window)),
    };
  } finally {
    head.close();
  }
}
