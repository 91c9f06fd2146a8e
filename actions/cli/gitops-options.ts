/** What the commands that land GitOps commits (promote, rollback) share in the CLI: their usage tail and the report of a promotion. */
import { shortDigest } from '../lib/release/image-reference.ts';
import type { PromoteResult } from '../lib/promotion/promote.ts';
import { gitopsTargetUsage } from '../lib/shell/inputs/gitops-target.ts';
import type { CommandIo } from './command.ts';

export const gitopsUsage = `${gitopsTargetUsage} [--approver NAME] [--pull-request --github-repository owner/name]`;

/** Prints what a promotion did; the exit code is 0 for landed, unchanged and skipped alike. */
export function reportPromotion(result: PromoteResult, io: CommandIo): number {
  for (const change of result.plan.changes) {
    io.out(
      `${change.service}: ${change.from?.tag ?? 'unpinned'} -> ${change.image.tag} (${shortDigest(change.image.digest)}) in ${change.files.join(', ')}`,
    );
  }
  for (const service of result.plan.unchanged) io.out(`${service}: already at the requested image`);
  for (const skipped of result.plan.skipped) io.out(`${skipped.service}: skipped — ${skipped.reason}`);
  if (result.commit) io.out(`${result.environment}: commit ${result.commit}`);
  else io.out(`${result.environment}: nothing to change, no commit`);
  if (result.pullRequest) io.out(`pull request ${result.pullRequest.created ? 'opened' : 'updated'}: ${result.pullRequest.url}`);
  return 0;
}
