/** The verify action: reads inputs, wires the library's checks to the cluster, Prometheus, Grafana and git, writes outputs and the job summary. */
import { actionRunner, ActionInputError } from '../../lib/shell/action-runner.ts';
import type { ActionRunner } from '../../lib/shell/action-runner.ts';
import { applicationReader, loadKubeConfig } from '../../lib/verify/argocd-applications.ts';
import { laterCommitCheck } from '../../lib/git/commit-ancestry.ts';
import { waitForApplications } from '../../lib/verify/argo-sync-check.ts';
import { postAnnotation } from '../../lib/verify/grafana-annotation.ts';
import { serviceProxy } from '../../lib/verify/http-transport.ts';
import { openGitopsTarget } from '../../lib/promotion/gitops-target.ts';
import { promote } from '../../lib/promotion/promote.ts';
import { defaultObjectives, prometheusScalarQuery, soak } from '../../lib/verify/slo-check.ts';
import type { SloObjectives } from '../../lib/verify/slo-check.ts';
import { parseVerifyTargets, verifyPromotion } from '../../lib/verify/pipeline.ts';
import type { VerifyResult } from '../../lib/verify/pipeline.ts';

function numberInput(runner: ActionRunner, name: string, fallback: number, check: (value: number) => boolean, rule: string): number {
  const text = runner.input(name);
  if (text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || !check(value)) throw new ActionInputError(`input ${name} must be ${rule}, not '${text}'`);
  return value;
}

function objectives(runner: ActionRunner): SloObjectives {
  const ratio = (value: number) => value > 0 && value < 1;
  return {
    availability: numberInput(runner, 'availability-objective', defaultObjectives.availability, ratio, 'a ratio between 0 and 1 (e.g. 0.995)'),
    latency: numberInput(runner, 'latency-objective', defaultObjectives.latency, ratio, 'a ratio between 0 and 1 (e.g. 0.99)'),
    latencySeconds: numberInput(runner, 'latency-threshold-seconds', defaultObjectives.latencySeconds, (v) => v > 0, 'a positive number of seconds'),
    maxBurnRate: numberInput(runner, 'max-burn-rate', defaultObjectives.maxBurnRate, (v) => v >= 1, 'a number of at least 1'),
    minRequests: numberInput(runner, 'min-requests', defaultObjectives.minRequests, (v) => Number.isInteger(v) && v >= 0, 'a whole number'),
    requireTraffic: runner.booleanInput('require-traffic'),
  };
}

function summary(environment: string, commit: string, result: VerifyResult): string {
  const lines = [`### Verify ${environment}: ${result.ok ? 'passed' : `failed (${result.stage})`}`, '', `GitOps commit \`${commit.slice(0, 12)}\``, ''];
  lines.push('| Application | Argo CD |', '|---|---|');
  for (const app of result.sync.applications) {
    lines.push(`| ${app.name} | ${app.judgement.state === 'ready' ? `Synced, Healthy at \`${app.judgement.revision.slice(0, 12)}\`` : app.judgement.reason.replace(/\|/g, '\\|')} |`);
  }
  if (result.slo) {
    lines.push('', '| Service | Version | Requests | 5xx | Slow | SLO |', '|---|---|---|---|---|---|');
    for (const v of result.slo.verdicts) {
      lines.push(`| ${v.service} | ${v.version} | ${Math.round(v.requests)} | ${(v.errorRatio * 100).toFixed(2)}% | ${(v.slowRatio * 100).toFixed(2)}% | ${v.ok ? 'met' : 'breached'} |`);
    }
  }
  if (result.reason) lines.push('', `> ${result.reason}`);
  if (result.rollbackCommit) lines.push('', `Rolled back with GitOps commit \`${result.rollbackCommit}\`.`);
  return `${lines.join('\n')}\n`;
}

export async function run(runner: ActionRunner = actionRunner()): Promise<void> {
  try {
    const environment = runner.requiredInput('environment');
    const commit = runner.requiredInput('gitops-commit');
    if (!/^[0-9a-f]{7,64}$/i.test(commit)) throw new ActionInputError(`input gitops-commit must be a commit SHA, not '${commit}'`);
    const targets = parseVerifyTargets(runner.requiredInput('services'), 'input services');
    const applications = runner.listInput('applications', true);
    const appNames = applications.length > 0 ? applications : targets.map((t) => t.service);
    const timeoutMs = numberInput(runner, 'sync-timeout', 600, (v) => v > 0 && v <= 21600, 'seconds between 1 and 21600') * 1000;
    const intervalMs = numberInput(runner, 'poll-interval', 10, (v) => v > 0 && v <= 600, 'seconds between 1 and 600') * 1000;
    const soakMs = numberInput(runner, 'soak-seconds', 300, (v) => v >= 0 && v <= 21600, 'seconds between 0 and 21600') * 1000;
    const slo = objectives(runner);
    const prometheusToken = runner.input('prometheus-token');
    const grafanaToken = runner.input('grafana-token');
    const token = runner.input('token');
    for (const secret of [prometheusToken, grafanaToken, token]) runner.setSecret(secret);
    const rollbackWanted = runner.booleanInput('rollback');
    const acceptLater = runner.input('accept-later-commits') === '' ? true : runner.booleanInput('accept-later-commits');

    const kubeConfig = loadKubeConfig(runner.input('kubeconfig'));
    const read = applicationReader(kubeConfig, runner.input('argocd-namespace') || 'argocd');
    const prometheusUrl = runner.input('prometheus-url');
    const prometheusService = runner.input('prometheus-service');
    if (prometheusUrl && prometheusService) throw new ActionInputError('give prometheus-url or prometheus-service, not both');
    // Through the API server's service proxy when no URL is given: no port-forward or public Prometheus needed.
    const prometheus = prometheusUrl ? { baseUrl: prometheusUrl, transport: undefined } : prometheusService ? serviceProxy(kubeConfig, prometheusService, 'input prometheus-service') : undefined;
    const grafanaUrl = runner.input('grafana-url');
    const serverUrl = runner.env('GITHUB_SERVER_URL') ?? 'https://github.com';
    const runId = runner.env('GITHUB_RUN_ID');
    const repository = runner.env('GITHUB_REPOSITORY');
    const workspace = runner.env('GITHUB_WORKSPACE') ?? process.cwd();

    const result = await verifyPromotion({
      environment,
      commit,
      targets,
      log: runner.info,
      warn: runner.warning,
      ...(runId && repository ? { runUrl: `${serverUrl}/${repository}/actions/runs/${runId}` } : {}),
      ...(runner.input('grafana-dashboard-uid') ? { dashboardUid: runner.input('grafana-dashboard-uid') } : {}),
      waitForSync: () =>
        waitForApplications({
          applications: appNames,
          expected: commit,
          read,
          timeoutMs,
          intervalMs,
          log: runner.info,
          // In this checkout's repository, a later commit of the branch that contains the promoted one counts too.
          ...(acceptLater && runner.input('gitops-repository') === '' ? { containsCommit: laterCommitCheck(workspace, 'origin', commit) } : {}),
        }),
      ...(prometheus
        ? { soak: () => soak({ query: prometheusScalarQuery(prometheus.baseUrl, prometheusToken, prometheus.transport), targets, namespace: runner.input('namespace') || 'shop', objectives: slo, soakMs, intervalMs, log: runner.info }) }
        : {}),
      ...(grafanaUrl ? { annotate: (mark) => postAnnotation(grafanaUrl, grafanaToken, mark) } : {}),
      ...(rollbackWanted
        ? {
            rollback: async () => {
              const target = await openGitopsTarget({
                checkout: workspace,
                branch: runner.input('branch') || 'main',
                ...(runner.input('gitops-repository') ? { repository: runner.input('gitops-repository') } : {}),
                ...(runner.input('gitops-path') ? { gitopsPath: runner.input('gitops-path') } : {}),
                ...(token ? { token } : {}),
                serverUrl,
              });
              try {
                const rolledBack = await promote({ remote: target.remote, gitopsPath: target.gitopsPath, environment, source: { kind: 'rollback' }, log: runner.info });
                return rolledBack.commit;
              } finally {
                target.close();
              }
            },
          }
        : {}),
    });

    runner.setOutput('result', result.ok ? 'passed' : 'failed');
    runner.setOutput('failed-check', result.ok ? '' : result.stage);
    runner.setOutput('reason', result.reason);
    runner.setOutput('synced-revision', JSON.stringify(Object.fromEntries(result.sync.applications.map((app) => [app.name, 'revision' in app.judgement ? (app.judgement.revision ?? '') : '']))));
    runner.setOutput('slo', JSON.stringify((result.slo?.verdicts ?? []).map((v) => ({ service: v.service, version: v.version, requests: v.requests, errorRatio: v.errorRatio, slowRatio: v.slowRatio, ok: v.ok }))));
    runner.setOutput('annotation-ids', result.annotationIds.join(','));
    runner.setOutput('rollback-commit', result.rollbackCommit ?? '');
    runner.appendSummary(summary(environment, commit, result));
    if (!result.ok) {
      process.exitCode = 1;
      runner.error(`verify ${environment} failed (${result.stage}): ${result.reason}`);
    } else {
      runner.info(`verify ${environment}: passed`);
    }
  } catch (error) {
    process.exitCode = 1;
    runner.error(error instanceof Error ? error.message : String(error));
  }
}
