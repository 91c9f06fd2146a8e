/**
 * The Markdown report of one verification, for the verify action's job summary and `slipway verify
 * --summary FILE`: the verdict, each Application's state, how long the promotion took from the
 * commit to sync start and to Healthy, the soak and the SLO figures, the rollback.
 */
import { markdownCell } from '../github/markdown-cell.ts';
import type { DeliveryTiming } from './delivery-timings.ts';
import type { VerifyResult } from './pipeline.ts';

function timingTable(timings: readonly DeliveryTiming[]): string[] {
  const figure = (value: number | undefined): string => (value === undefined ? 'not reached' : `${value} s`);
  return [
    '',
    '| Application | Commit → sync start | Commit → Healthy |',
    '|---|---|---|',
    ...timings.map((t) => `| ${t.application} | ${figure(t.commitToSyncStartSeconds)} | ${figure(t.commitToHealthySeconds)} |`),
  ];
}

export function verifySummary(environment: string, commit: string, result: VerifyResult): string {
  const lines = [
    `### Verify ${environment}: ${result.ok ? 'passed' : `failed (${result.stage})`}`,
    '',
    `GitOps commit \`${commit.slice(0, 12)}\``,
    '',
  ];
  lines.push('| Application | Argo CD |', '|---|---|');
  for (const app of result.sync.applications) {
    lines.push(
      `| ${app.name} | ${app.judgement.state === 'ready' ? `Synced, Healthy at \`${app.judgement.revision.slice(0, 12)}\`` : markdownCell(app.judgement.reason)} |`,
    );
  }
  if (result.timings) lines.push(...timingTable(result.timings));
  if (result.health)
    lines.push('', `Soak: ${result.health.ok ? 'Healthy throughout' : 'health failed'} (${Math.round(result.health.soakedMs / 1000)}s)`);
  if (result.slo) {
    lines.push('', '| Service | Version | Requests | 5xx | Slow | SLO |', '|---|---|---|---|---|---|');
    for (const v of result.slo.verdicts) {
      lines.push(
        `| ${v.service} | ${v.version} | ${Math.round(v.requests)} | ${(v.errorRatio * 100).toFixed(2)}% | ${(v.slowRatio * 100).toFixed(2)}% | ${v.ok ? 'met' : 'breached'} |`,
      );
    }
  }
  if (result.reason) lines.push('', `> ${result.reason}`);
  if (result.rollbackCommit) lines.push('', `Rolled back with GitOps commit \`${result.rollbackCommit}\`.`);
  return `${lines.join('\n')}\n`;
}
