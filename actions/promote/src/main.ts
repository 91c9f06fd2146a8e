/** The promote action: reads inputs, calls the library's promote, writes outputs and the job summary. */
import { readFileSync } from 'node:fs';
import { actionRunner, ActionInputError } from '../../lib/shell/action-runner.ts';
import type { ActionRunner } from '../../lib/shell/action-runner.ts';
import { openGitopsTarget } from '../../lib/promotion/gitops-target.ts';
import { parsePinnedImage } from '../../lib/release/image-reference.ts';
import { promote } from '../../lib/promotion/promote.ts';
import type { PromotionSource } from '../../lib/promotion/promote.ts';
import { promotionSummary } from '../../lib/promotion/summary.ts';
import { parseRepositoryName } from '../../lib/github/pull-request.ts';
import { parseReleaseManifest } from '../../lib/release/release-manifest.ts';
import { runApprovers } from '../../lib/github/run-approvals.ts';
import { insideRoot } from '../../lib/shell/workspace-paths.ts';
import { provenanceStep } from './provenance.ts';

function source(runner: ActionRunner, workspace: string): PromotionSource {
  const services = runner.listInput('services', true);
  const only = services.length > 0 ? { services } : {};
  const manifestPath = runner.input('release-manifest');
  const images = runner.listInput('images');
  const from = runner.input('from-environment');
  const rollback = runner.booleanInput('rollback');
  const given = [manifestPath !== '', images.length > 0, from !== '', rollback].filter(Boolean).length;
  if (given !== 1) throw new ActionInputError('give exactly one of release-manifest, images, from-environment, rollback');
  if (manifestPath !== '') {
    const file = insideRoot(workspace, manifestPath, 'input release-manifest');
    return { kind: 'release', manifest: parseReleaseManifest(readFileSync(file, 'utf8'), manifestPath), ...only };
  }
  if (images.length > 0) {
    return {
      kind: 'images',
      images: images.map((line) => {
        const equals = line.indexOf('=');
        const service = line.slice(0, equals).trim();
        if (equals <= 0 || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(service)) throw new ActionInputError(`input images: '${line}' is not service=repository:tag@sha256:…`);
        return { service, image: parsePinnedImage(line.slice(equals + 1).trim(), `input images (${service})`) };
      }),
      ...(runner.env('GITHUB_SHA') ? { sourceCommit: String(runner.env('GITHUB_SHA')) } : {}),
      ...(runner.env('GITHUB_REPOSITORY') ? { sourceRepository: String(runner.env('GITHUB_REPOSITORY')) } : {}),
    };
  }
  if (from !== '') return { kind: 'environment', from, ...only };
  return { kind: 'rollback' };
}

/** The run's environment approvers (required reviewers), when the run had any and the API answers. */
async function approversOfRun(runner: ActionRunner, token: string): Promise<string> {
  const runId = Number(runner.env('GITHUB_RUN_ID'));
  const repository = runner.env('GITHUB_REPOSITORY');
  if (!token || !repository || !Number.isInteger(runId) || runId <= 0) return '';
  try {
    const apiUrl = runner.env('GITHUB_API_URL');
    const logins = await runApprovers({ ...parseRepositoryName(repository, 'GITHUB_REPOSITORY'), token, ...(apiUrl ? { apiUrl } : {}) }, runId);
    return logins.join(', ');
  } catch (error) {
    runner.warning(`could not read who approved this run (Approved-By stays empty): ${error instanceof Error ? error.message : String(error)}`);
    return '';
  }
}

export async function run(runner: ActionRunner = actionRunner()): Promise<void> {
  try {
    const workspace = runner.env('GITHUB_WORKSPACE') ?? process.cwd();
    const token = runner.input('token');
    runner.setSecret(token);
    const mode = runner.input('mode') || 'commit';
    if (mode !== 'commit' && mode !== 'pull-request') throw new ActionInputError(`input mode must be commit or pull-request, not '${mode}'`);
    const maxAttempts = Number(runner.input('max-attempts') || '25');
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 100) throw new ActionInputError('input max-attempts must be a whole number from 1 to 100');
    const environment = runner.requiredInput('environment');
    const promotionSource = source(runner, workspace);
    const gitopsRepository = runner.input('gitops-repository');
    const githubToken = runner.input('github-token');
    if (githubToken) runner.setSecret(githubToken);
    const approver = runner.input('approver') || (await approversOfRun(runner, githubToken || token));
    const provenance = provenanceStep(runner, workspace, githubToken || token);
    let pullRequest;
    if (mode === 'pull-request') {
      const name = gitopsRepository || runner.env('GITHUB_REPOSITORY') || '';
      if (token === '') throw new ActionInputError('input token is required in pull-request mode');
      pullRequest = { repository: { ...parseRepositoryName(name, 'input gitops-repository'), token, ...(runner.env('GITHUB_API_URL') ? { apiUrl: String(runner.env('GITHUB_API_URL')) } : {}) } };
    }
    const target = await openGitopsTarget({
      checkout: workspace,
      branch: runner.input('branch') || 'main',
      ...(gitopsRepository ? { repository: gitopsRepository } : {}),
      ...(runner.input('gitops-path') ? { gitopsPath: runner.input('gitops-path') } : {}),
      ...(token ? { token } : {}),
      ...(runner.env('GITHUB_SERVER_URL') ? { serverUrl: String(runner.env('GITHUB_SERVER_URL')) } : {}),
    });
    try {
      const result = await promote({
        remote: target.remote,
        gitopsPath: target.gitopsPath,
        environment,
        source: promotionSource,
        maxAttempts,
        ...(approver ? { approver } : {}),
        ...(pullRequest ? { pullRequest } : {}),
        ...(provenance.checkImages ? { checkImages: provenance.checkImages } : {}),
        log: runner.info,
      });
      for (const skipped of result.plan.skipped) runner.warning(`${skipped.service}: ${skipped.reason}`);
      runner.setOutput('commit-sha', result.commit ?? '');
      runner.setOutput('pull-request-url', result.pullRequest?.url ?? '');
      runner.setOutput('changed', String(result.plan.changes.length > 0));
      runner.setOutput('release-id', result.release.id);
      runner.setOutput(
        'services',
        JSON.stringify(result.plan.changes.map((change) => ({ service: change.service, from: change.from ?? {}, to: { tag: change.image.tag, digest: change.image.digest }, sourceCommit: change.sourceCommit }))),
      );
      runner.appendSummary(
        promotionSummary(result, {
          serverUrl: runner.env('GITHUB_SERVER_URL') ?? 'https://github.com',
          ...(runner.env('GITHUB_REPOSITORY') ? { sourceRepository: String(runner.env('GITHUB_REPOSITORY')) } : {}),
        }),
      );
      const provenanceNote = provenance.summary();
      if (provenanceNote) runner.appendSummary(provenanceNote);
      runner.info(result.commit ? `${environment}: commit ${result.commit}` : `${environment}: nothing to change, no commit`);
    } finally {
      target.close();
    }
  } catch (error) {
    process.exitCode = 1;
    runner.error(error instanceof Error ? error.message : String(error));
  }
}
