/** The verify action: reads its inputs (lib/shell/inputs/verify.ts), runs the verify pipeline, writes outputs and the job summary. */
import { actionContext, actionInputs, appendSummary, fail, log, maskSecret, runAction, setOutputs } from '../../lib/shell/action-io.ts';
import { parseVerifyInputs, verifyFields } from '../../lib/shell/inputs/verify.ts';
import { verifyRelease } from '../../lib/verify/pipeline.ts';
import type { VerifyResult } from '../../lib/verify/pipeline.ts';

function summary(environment: string, commit: string, result: VerifyResult): string {
  const lines = [
    `### Verify ${environment}: ${result.ok ? 'passed' : `failed (${result.stage})`}`,
    '',
    `GitOps commit \`${commit.slice(0, 12)}\``,
    '',
  ];
  lines.push('| Application | Argo CD |', '|---|---|');
  for (const app of result.sync.applications) {
    lines.push(
      `| ${app.name} | ${app.judgement.state === 'ready' ? `Synced, Healthy at \`${app.judgement.revision.slice(0, 12)}\`` : app.judgement.reason.replace(/\|/g, '\\|')} |`,
    );
  }
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

function outputs(result: VerifyResult): Record<string, string> {
  return {
    result: result.ok ? 'passed' : 'failed',
    'failed-check': result.ok ? '' : result.stage,
    reason: result.reason,
    'synced-revision': JSON.stringify(
      Object.fromEntries(
        result.sync.applications.map((app) => [app.name, 'revision' in app.judgement ? (app.judgement.revision ?? '') : '']),
      ),
    ),
    slo: JSON.stringify(
      (result.slo?.verdicts ?? []).map((v) => ({
        service: v.service,
        version: v.version,
        requests: v.requests,
        errorRatio: v.errorRatio,
        slowRatio: v.slowRatio,
        ok: v.ok,
      })),
    ),
    'soak-seconds': String(Math.round((result.health?.soakedMs ?? 0) / 1000)),
    'annotation-ids': result.annotationIds.join(','),
    'rollback-commit': result.rollbackCommit ?? '',
  };
}

export function run(): Promise<void> {
  return runAction(async () => {
    const raw = actionInputs(verifyFields);
    for (const secret of ['prometheusToken', 'grafanaToken', 'token'] as const) maskSecret(raw.text(secret));
    const request = parseVerifyInputs(raw, actionContext());
    const result = await verifyRelease(request, { log: log.info, warn: log.warning });
    setOutputs(outputs(result));
    await appendSummary(summary(request.environment, request.commit, result));
    if (result.ok) log.info(`verify ${request.environment}: passed`);
    else fail(`verify ${request.environment} failed (${result.stage}): ${result.reason}`);
  });
}
