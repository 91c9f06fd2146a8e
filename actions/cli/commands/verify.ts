import { applicationReader, loadKubeConfig } from '../../lib/verify/argocd-applications.ts';
import { waitForApplications } from '../../lib/verify/argo-sync-check.ts';
import { laterCommitCheck } from '../../lib/git/commit-ancestry.ts';
import { postAnnotation } from '../../lib/verify/grafana-annotation.ts';
import { serviceProxy } from '../../lib/verify/http-transport.ts';
import { promote } from '../../lib/promotion/promote.ts';
import { defaultObjectives, prometheusScalarQuery, soak } from '../../lib/verify/slo-check.ts';
import { parseVerifyTargets, verifyPromotion } from '../../lib/verify/pipeline.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../command.ts';
import { gitopsUsage, openTarget, parseCommandArgs } from '../gitops-options.ts';

const seconds = (value: string | undefined, name: string, fallback: number): number => {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw new UsageError(`--${name} must be a number of seconds, not '${value}'`);
  return number;
};

export const command: Command = {
  summary: 'wait for Argo CD to sync a GitOps commit, check SLOs in Prometheus, annotate Grafana (and roll back on failure)',
  usage:
    'slipway verify <environment> --commit SHA --services cart=VERSION,... [--applications a,b] [--argocd-namespace argocd] [--kubeconfig FILE] ' +
    '[--timeout 600] [--interval 10] [--prometheus URL | --prometheus-service monitoring/kube-prometheus-stack-prometheus:9090] [--namespace shop] [--soak 300] [--grafana URL] [--grafana-token-env GRAFANA_TOKEN] ' +
    `[--rollback ${gitopsUsage}]`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      commit: { type: 'string' },
      services: { type: 'string' },
      applications: { type: 'string' },
      'argocd-namespace': { type: 'string', default: 'argocd' },
      kubeconfig: { type: 'string' },
      timeout: { type: 'string' },
      interval: { type: 'string' },
      prometheus: { type: 'string' },
      'prometheus-service': { type: 'string' },
      namespace: { type: 'string', default: 'shop' },
      soak: { type: 'string' },
      grafana: { type: 'string' },
      'grafana-token-env': { type: 'string', default: 'GRAFANA_TOKEN' },
      rollback: { type: 'boolean', default: false },
    });
    const [environment, ...extra] = positionals;
    if (!environment || extra.length > 0) throw new UsageError('give exactly one environment');
    const commit = values.commit ?? '';
    if (!/^[0-9a-f]{7,64}$/i.test(commit)) throw new UsageError('--commit must be the promoted GitOps commit SHA');
    const targets = parseVerifyTargets(values.services ?? '', '--services');
    if (targets.length === 0) throw new UsageError('--services must name at least one service=version');
    const applications = (values.applications ?? '').split(',').map((name) => name.trim()).filter(Boolean);
    const intervalMs = seconds(values.interval, 'interval', 10) * 1000;
    const timeoutMs = seconds(values.timeout, 'timeout', 600) * 1000;
    const soakMs = seconds(values.soak, 'soak', 300) * 1000;
    if (values.prometheus && values['prometheus-service']) throw new UsageError('give --prometheus or --prometheus-service, not both');
    const kubeConfig = loadKubeConfig(values.kubeconfig ?? '');
    const read = applicationReader(kubeConfig, values['argocd-namespace'] ?? 'argocd');
    const prometheus = values.prometheus ? { baseUrl: values.prometheus, transport: undefined } : values['prometheus-service'] ? serviceProxy(kubeConfig, values['prometheus-service'], '--prometheus-service') : undefined;
    const grafanaToken = io.env[values['grafana-token-env'] ?? 'GRAFANA_TOKEN'] ?? '';
    const result = await verifyPromotion({
      environment,
      commit,
      targets,
      log: io.err,
      warn: (line) => io.err(`warning: ${line}`),
      waitForSync: () =>
        waitForApplications({
          applications: applications.length > 0 ? applications : targets.map((t) => t.service),
          expected: commit,
          read,
          timeoutMs,
          intervalMs,
          log: io.err,
          ...(values['gitops-repository'] === undefined ? { containsCommit: laterCommitCheck(io.cwd, String(values.remote ?? 'origin'), commit) } : {}),
        }),
      ...(prometheus
        ? { soak: () => soak({ query: prometheusScalarQuery(prometheus.baseUrl, '', prometheus.transport), targets, namespace: values.namespace ?? 'shop', objectives: defaultObjectives, soakMs, intervalMs, log: io.err }) }
        : {}),
      ...(values.grafana ? { annotate: (mark) => postAnnotation(values.grafana ?? '', grafanaToken, mark) } : {}),
      ...(values.rollback
        ? {
            rollback: async () => {
              const target = await openTarget(values, io);
              try {
                return (await promote({ remote: target.remote, gitopsPath: target.gitopsPath, environment, source: { kind: 'rollback' }, log: io.err })).commit;
              } finally {
                target.close();
              }
            },
          }
        : {}),
    });
    io.out(result.ok ? `verify ${environment}: passed` : `verify ${environment}: failed (${result.stage}): ${result.reason}`);
    if (result.rollbackCommit) io.out(`rolled back: ${result.rollbackCommit}`);
    return result.ok ? 0 : 1;
  },
};
