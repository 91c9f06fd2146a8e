/** Opens the GitOps target the inputs name, promotes into it, and always closes it (removing any scratch clone). */
import { openGitopsTarget } from '../promotion/gitops-target.ts';
import { promote } from '../promotion/promote.ts';
import type { PromoteOptions, PromoteResult } from '../promotion/promote.ts';
import type { LandingInputs } from './inputs/promote.ts';

export type Landing = Pick<LandingInputs, 'environment' | 'target'> &
  Partial<Pick<LandingInputs, 'approver' | 'pullRequest' | 'maxAttempts'>>;

export async function landPromotion(
  landing: Landing,
  options: Pick<PromoteOptions, 'source'> & Partial<PromoteOptions>,
): Promise<PromoteResult> {
  const target = await openGitopsTarget(landing.target);
  try {
    return await promote({
      remote: target.remote,
      gitopsPath: target.gitopsPath,
      environment: landing.environment,
      ...(landing.approver ? { approver: landing.approver } : {}),
      ...(landing.pullRequest ? { pullRequest: landing.pullRequest } : {}),
      ...(landing.maxAttempts ? { maxAttempts: landing.maxAttempts } : {}),
      ...options,
    });
  } finally {
    target.close();
  }
}
