/**
 * The gate-report action: one table of every gate (tests, coverage, SonarCloud, Trivy, manifest
 * validation, Terraform, workflow lint, and any other) in the job summary and in one sticky
 * pull-request comment, found by its hidden marker and edited in place on every run.
 */
import { gateReportMarkdown, gateTable } from '../../lib/github/gate-report.ts';
import { parseRepositoryName } from '../../lib/github/pull-request.ts';
import { upsertStickyComment } from '../../lib/github/sticky-comment.ts';
import { eventPayload } from '../../lib/shell/action-event.ts';
import { actionContext, actionInputs, appendSummary, log, maskSecret, runAction, setOutputs } from '../../lib/shell/action-io.ts';
import { gateReportFields, parseGateReportInputs } from '../../lib/shell/inputs/gate-report.ts';
import { InputError } from '../../lib/shell/inputs/raw-inputs.ts';

export function run(): Promise<void> {
  return runAction(async () => {
    const raw = actionInputs(gateReportFields);
    maskSecret(raw.text('token'));
    const context = actionContext();
    const inputs = parseGateReportInputs(raw, context, eventPayload());
    const table = gateTable(inputs.gates);
    const body = gateReportMarkdown(table, {
      marker: inputs.markerId,
      ...(inputs.commit ? { commit: inputs.commit } : {}),
      ...(context.runUrl ? { runUrl: context.runUrl } : {}),
      updatedAt: new Date(),
    });
    await appendSummary(body);
    setOutputs({ overall: table.overall });
    if (!inputs.comment || inputs.pullRequest === undefined) {
      log.info(
        inputs.pullRequest === undefined
          ? 'not a pull request: the gate table is in the job summary only'
          : 'comment: false — the gate table is in the job summary only',
      );
      setOutputs({ 'comment-id': '', 'comment-url': '' });
      return;
    }
    if (inputs.token === '')
      throw new InputError(
        "input 'token' is required to comment on the pull request (the default is github.token; the job needs permissions: pull-requests: write)",
      );
    const { owner, repo } = parseRepositoryName(context.repository ?? '', 'GITHUB_REPOSITORY');
    const target = {
      owner,
      repo,
      issueNumber: inputs.pullRequest,
      token: inputs.token,
      author: inputs.author,
      ...(context.apiUrl ? { apiUrl: context.apiUrl } : {}),
    };
    const result = await upsertStickyComment(target, inputs.marker, body);
    setOutputs({ 'comment-id': String(result.id), 'comment-url': result.url });
    log.info(`${result.created ? 'created' : 'updated'} the gate comment: ${result.url}`);
  });
}
