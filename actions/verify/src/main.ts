/** The verify action: reads its inputs (lib/shell/inputs/verify.ts), runs the verify pipeline, writes outputs and the job summary. */
import { actionContext, actionInputs, appendSummary, fail, log, maskSecret, runAction, setOutputs } from '../../lib/shell/action-io.ts';
import { parseVerifyInputs, verifyFields } from '../../lib/shell/inputs/verify.ts';
import { verifyRelease } from '../../lib/verify/pipeline.ts';
import type { VerifyResult } from '../../lib/verify/pipeline.ts';
import { verifySummary } from '../../lib/verify/verify-summary.ts';

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
    timings: JSON.stringify(Object.fromEntries((result.timings ?? []).map(({ application, ...figures }) => [application, figures]))),
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
    await appendSummary(verifySummary(request.environment, request.commit, result));
    if (result.ok) log.info(`verify ${request.environment}: passed`);
    else fail(`verify ${request.environment} failed (${result.stage}): ${result.reason}`);
  });
}
