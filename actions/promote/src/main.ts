/** The promote action: reads its inputs (lib/shell/inputs/promote.ts), promotes, writes outputs and the job summary. */
import { runApprovers } from '../../lib/github/run-approvals.ts';
import { parseRepositoryName } from '../../lib/github/pull-request.ts';
import type { PromoteResult } from '../../lib/promotion/promote.ts';
import { promotionSummary } from '../../lib/promotion/summary.ts';
import { actionContext, actionInputs, appendSummary, log, maskSecret, runAction, setOutputs } from '../../lib/shell/action-io.ts';
import { parsePromoteInputs, promoteFields } from '../../lib/shell/inputs/promote.ts';
import { landPromotion } from '../../lib/shell/land-promotion.ts';
import type { ShellContext } from '../../lib/shell/shell-context.ts';
import { provenanceStep } from './provenance.ts';

/** The run's environment approvers (required reviewers), when the run had any and the API answers. */
async function approversOfRun(context: ShellContext, token: string): Promise<string> {
  const runId = Number(context.runId);
  if (!token || !context.repository || !Number.isInteger(runId) || runId <= 0) return '';
  try {
    const logins = await runApprovers(
      { ...parseRepositoryName(context.repository, 'GITHUB_REPOSITORY'), token, ...(context.apiUrl ? { apiUrl: context.apiUrl } : {}) },
      runId,
    );
    return logins.join(', ');
  } catch (error) {
    log.warning(
      `could not read who approved this run (Approved-By stays empty): ${error instanceof Error ? error.message : String(error)}`,
    );
    return '';
  }
}

function outputs(result: PromoteResult): Record<string, string> {
  return {
    'commit-sha': result.commit ?? '',
    'pull-request-url': result.pullRequest?.url ?? '',
    changed: String(result.plan.changes.length > 0),
    'release-id': result.release.id,
    services: JSON.stringify(
      result.plan.changes.map((change) => ({
        service: change.service,
        from: change.from ?? {},
        to: { tag: change.image.tag, digest: change.image.digest },
        sourceCommit: change.sourceCommit,
      })),
    ),
  };
}

export function run(): Promise<void> {
  return runAction(async () => {
    const raw = actionInputs(promoteFields);
    // Masked before anything can fail and print them.
    maskSecret(raw.text('token'));
    maskSecret(raw.text('githubToken'));
    const context = actionContext();
    const inputs = parsePromoteInputs(raw, context);
    const apiToken = inputs.githubToken || inputs.target.token || '';
    const approver = inputs.approver || (await approversOfRun(context, apiToken));
    const provenance = provenanceStep(inputs.provenance, context, apiToken, log.warning);
    const result = await landPromotion(
      { ...inputs, approver },
      { source: inputs.source, ...(provenance.checkImages ? { checkImages: provenance.checkImages } : {}), log: log.info },
    );
    for (const skipped of result.plan.skipped) log.warning(`${skipped.service}: ${skipped.reason}`);
    setOutputs(outputs(result));
    await appendSummary(
      promotionSummary(result, { serverUrl: context.serverUrl, ...(context.repository ? { sourceRepository: context.repository } : {}) }),
    );
    const provenanceNote = provenance.summary();
    if (provenanceNote) await appendSummary(provenanceNote);
    log.info(result.commit ? `${inputs.environment}: commit ${result.commit}` : `${inputs.environment}: nothing to change, no commit`);
  });
}
