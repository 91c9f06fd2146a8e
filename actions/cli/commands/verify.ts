/**
 * `slipway verify`: reads its flags (lib/shell/inputs/verify.ts, shared with the verify action), runs
 * the verify pipeline, prints the verdict, and with --summary FILE appends the action's Markdown report.
 */
import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseVerifyInputs, verifyFields } from '../../lib/shell/inputs/verify.ts';
import { shellContext } from '../../lib/shell/shell-context.ts';
import { verifyRelease } from '../../lib/verify/pipeline.ts';
import { verifySummary } from '../../lib/verify/verify-summary.ts';
import { cliInputs } from '../cli-inputs.ts';
import type { Command } from '../command.ts';
import { gitopsTargetUsage } from '../../lib/shell/inputs/gitops-target.ts';

export const command: Command = {
  summary:
    'ask Argo CD to refresh, wait for it to sync a GitOps commit, check SLOs in Prometheus, annotate Grafana (and roll back on failure)',
  usage:
    'slipway verify <environment> --commit SHA --services cart=VERSION,... [--applications a,b] [--argocd-namespace argocd] [--kubeconfig FILE] [--timeout 600] [--interval 10] ' +
    '[--prometheus URL | --prometheus-service monitoring/kube-prometheus-stack-prometheus:9090] [--prometheus-token-env PROMETHEUS_TOKEN] [--namespace shop] [--soak 300] ' +
    '[--availability-objective 0.995] [--latency-objective 0.99] [--latency-threshold-seconds 0.5] [--max-burn-rate 6] [--min-requests 10] [--require-traffic] ' +
    `[--grafana URL] [--grafana-token-env GRAFANA_TOKEN] [--grafana-dashboard-uid UID] [--summary FILE] [--rollback ${gitopsTargetUsage}]`,
  async run(args, io) {
    const raw = cliInputs(verifyFields, args, io.env);
    const request = parseVerifyInputs(raw, shellContext(io.env, io.cwd, io.cwd));
    const result = await verifyRelease(request, { log: io.err, warn: (line) => io.err(`warning: ${line}`) });
    const summaryFile = raw.text('summaryFile');
    if (summaryFile) appendFileSync(resolve(io.cwd, summaryFile), verifySummary(request.environment, request.commit, result));
    io.out(
      result.ok ? `verify ${request.environment}: passed` : `verify ${request.environment}: failed (${result.stage}): ${result.reason}`,
    );
    if (result.rollbackCommit) io.out(`rolled back: ${result.rollbackCommit}`);
    return result.ok ? 0 : 1;
  },
};
