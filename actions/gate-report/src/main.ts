/**
 * The gate-report action: one table of every gate (tests, coverage, SonarCloud, Trivy, manifest
 * validation, Terraform, workflow lint, and any other) in the job summary and in one sticky
 * pull-request comment, found by its hidden marker and edited in place on every run.
 */
import { actionRunner, ActionInputError } from '../../lib/shell/action-runner.ts';
import type { ActionRunner } from '../../lib/shell/action-runner.ts';
import { commentMarker, gateReportMarkdown, gateTable, parseGates } from '../../lib/github/gate-report.ts';
import { parseRepositoryName } from '../../lib/github/pull-request.ts';
import { upsertStickyComment, workflowTokenAuthor } from '../../lib/github/sticky-comment.ts';

type Json = Record<string, unknown>;

function pullRequestNumber(runner: ActionRunner): number | undefined {
  const given = runner.input('pull-request');
  if (given !== '') {
    const number = Number(given);
    if (!Number.isInteger(number) || number <= 0) throw new ActionInputError(`input 'pull-request' must be a pull request number, not '${given}'`);
    return number;
  }
  const event = runner.event();
  const number = (event['pull_request'] as Json | undefined)?.['number'] ?? (event['issue'] as Json | undefined)?.['number'];
  return typeof number === 'number' ? number : undefined;
}

export async function run(runner: ActionRunner = actionRunner()): Promise<void> {
  try {
    const gates = parseGates(runner.requiredInput('gates'), "input 'gates'");
    const markerId = runner.input('marker') || 'slipway-gate-report';
    let marker: string;
    try {
      marker = commentMarker(markerId);
    } catch (error) {
      throw new ActionInputError(`input 'marker': ${error instanceof Error ? error.message : String(error)}`);
    }
    const token = runner.input('token');
    runner.setSecret(token);
    const serverUrl = (runner.env('GITHUB_SERVER_URL') ?? 'https://github.com').replace(/\/$/, '');
    const repository = runner.env('GITHUB_REPOSITORY');
    const runId = runner.env('GITHUB_RUN_ID');
    const table = gateTable(gates);
    const sha = ((runner.event()['pull_request'] as Json | undefined)?.['head'] as Json | undefined)?.['sha'];
    const body = gateReportMarkdown(table, {
      marker: markerId,
      ...(typeof sha === 'string' ? { commit: sha } : runner.env('GITHUB_SHA') ? { commit: String(runner.env('GITHUB_SHA')) } : {}),
      ...(repository && runId ? { runUrl: `${serverUrl}/${repository}/actions/runs/${runId}` } : {}),
      updatedAt: new Date(),
    });
    runner.appendSummary(body);
    runner.setOutput('overall', table.overall);
    const number = pullRequestNumber(runner);
    const comment = runner.input('comment') === '' ? true : runner.booleanInput('comment');
    if (!comment || number === undefined) {
      runner.info(number === undefined ? 'not a pull request: the gate table is in the job summary only' : 'comment: false — the gate table is in the job summary only');
      runner.setOutput('comment-id', '');
      runner.setOutput('comment-url', '');
      return;
    }
    if (token === '') throw new ActionInputError("input 'token' is required to comment on the pull request (the default is github.token; the job needs permissions: pull-requests: write)");
    const { owner, repo } = parseRepositoryName(repository ?? '', 'GITHUB_REPOSITORY');
    const apiUrl = runner.env('GITHUB_API_URL');
    const author = runner.input('comment-author') || workflowTokenAuthor;
    const result = await upsertStickyComment({ owner, repo, issueNumber: number, token, author, ...(apiUrl ? { apiUrl } : {}) }, marker, body);
    runner.setOutput('comment-id', String(result.id));
    runner.setOutput('comment-url', result.url);
    runner.info(`${result.created ? 'created' : 'updated'} the gate comment: ${result.url}`);
  } catch (error) {
    process.exitCode = 1;
    runner.error(error instanceof Error ? error.message : String(error));
  }
}
