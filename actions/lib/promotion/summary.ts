/** The job summary of a promotion: one table row per service, Markdown as GitHub renders it. */
import { shortDigest } from '../release/image-reference.ts';
import type { PromoteResult } from './promote.ts';
import { unknownSourceCommit } from './promote.ts';
import { markdownCell } from '../github/markdown-cell.ts';

export interface SummaryLinks {
  /** GitHub web root (GITHUB_SERVER_URL). */
  serverUrl: string;
  /** owner/name of the application repository, for source-commit links. */
  sourceRepository?: string;
}

export function promotionSummary(result: PromoteResult, links: SummaryLinks): string {
  const repository = result.release.source.repository !== 'unknown' ? result.release.source.repository : links.sourceRepository;
  const source = (commit: string): string => {
    if (commit === unknownSourceCommit) return 'unknown';
    const short = commit.slice(0, 12);
    return repository ? `[${short}](${links.serverUrl.replace(/\/$/, '')}/${repository}/commit/${commit})` : `\`${short}\``;
  };
  const lines = [`### Promotion to ${result.environment}`, ''];
  if (result.plan.changes.length > 0) {
    lines.push('| Service | From → To | Digest | Source commit |', '| --- | --- | --- | --- |');
    for (const change of result.plan.changes) {
      const from = change.from?.tag ?? (change.from?.digest ? shortDigest(change.from.digest) : 'unpinned');
      lines.push(
        `| ${markdownCell(change.service)} | ${markdownCell(from)} → ${markdownCell(change.image.tag)} | \`${shortDigest(change.image.digest)}\` | ${source(change.sourceCommit)} |`,
      );
    }
    lines.push('');
  }
  for (const service of result.plan.unchanged) lines.push(`- ${markdownCell(service)}: already at the requested image`);
  for (const skipped of result.plan.skipped) lines.push(`- ${markdownCell(skipped.service)}: skipped — ${markdownCell(skipped.reason)}`);
  if (result.plan.unchanged.length + result.plan.skipped.length > 0) lines.push('');
  if (result.pullRequest) lines.push(`Pull request: ${result.pullRequest.url}`);
  else if (result.commit) lines.push(`GitOps commit: \`${result.commit}\``);
  else lines.push('Nothing to change: no commit.');
  return `${lines.join('\n')}\n`;
}
