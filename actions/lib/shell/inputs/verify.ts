/**
 * The verify verb's inputs, shared by the verify action and `slipway verify`: the promoted commit and
 * the versions to check, how long to wait for Argo CD, where Prometheus is (a URL, or a Service
 * through the API server's proxy) and the SLOs, Grafana for the annotations, and whether and where
 * to roll back. Parsed into the pipeline's request (lib/verify/pipeline.ts).
 */
import type { VersionUnderTest } from '../../verify/slo-check.ts';
import { defaultObjectives } from '../../verify/slo-check.ts';
import type { SloObjectives } from '../../verify/slo-check.ts';
import type { VerifyRequest } from '../../verify/pipeline.ts';
import type { ShellContext } from '../shell-context.ts';
import { gitopsTargetFields, parseGitopsTarget } from './gitops-target.ts';
import type { Field, RawInputs } from './raw-inputs.ts';
import { commitField, InputError, numberField, required, serviceName } from './raw-inputs.ts';

export const verifyFields = {
  environment: { kind: 'text', input: 'environment', flag: '<environment>' },
  commit: { kind: 'text', input: 'gitops-commit', flag: '--commit' },
  services: { kind: 'text', input: 'services', flag: '--services' },
  applications: { kind: 'list', input: 'applications', flag: '--applications', commas: true },
  acceptLaterCommits: { kind: 'flag', input: 'accept-later-commits' },
  refresh: { kind: 'flag', input: 'refresh' },
  argocdNamespace: { kind: 'text', input: 'argocd-namespace', flag: '--argocd-namespace' },
  kubeconfig: { kind: 'text', input: 'kubeconfig', flag: '--kubeconfig' },
  syncTimeout: { kind: 'text', input: 'sync-timeout', flag: '--timeout' },
  pollInterval: { kind: 'text', input: 'poll-interval', flag: '--interval' },
  prometheusUrl: { kind: 'text', input: 'prometheus-url', flag: '--prometheus' },
  prometheusService: { kind: 'text', input: 'prometheus-service', flag: '--prometheus-service' },
  prometheusToken: { kind: 'text', input: 'prometheus-token', flag: '--prometheus-token-env', secretEnv: 'PROMETHEUS_TOKEN' },
  namespace: { kind: 'text', input: 'namespace', flag: '--namespace' },
  soakSeconds: { kind: 'text', input: 'soak-seconds', flag: '--soak' },
  availabilityObjective: { kind: 'text', input: 'availability-objective', flag: '--availability-objective' },
  latencyObjective: { kind: 'text', input: 'latency-objective', flag: '--latency-objective' },
  latencyThresholdSeconds: { kind: 'text', input: 'latency-threshold-seconds', flag: '--latency-threshold-seconds' },
  maxBurnRate: { kind: 'text', input: 'max-burn-rate', flag: '--max-burn-rate' },
  minRequests: { kind: 'text', input: 'min-requests', flag: '--min-requests' },
  requireTraffic: { kind: 'flag', input: 'require-traffic', flag: '--require-traffic' },
  grafanaUrl: { kind: 'text', input: 'grafana-url', flag: '--grafana' },
  grafanaToken: { kind: 'text', input: 'grafana-token', flag: '--grafana-token-env', secretEnv: 'GRAFANA_TOKEN' },
  grafanaDashboardUid: { kind: 'text', input: 'grafana-dashboard-uid', flag: '--grafana-dashboard-uid' },
  rollback: { kind: 'flag', input: 'rollback', flag: '--rollback' },
  /** CLI only: append the Markdown report to this file (in a workflow, $GITHUB_STEP_SUMMARY). */
  summaryFile: { kind: 'text', flag: '--summary' },
  ...gitopsTargetFields,
} as const satisfies Record<string, Field>;

export class VerifyInputError extends InputError {
  override name = 'VerifyInputError';
}

type VerifyRaw = RawInputs<typeof verifyFields>;

/**
 * The services and versions to check, from the promote action's `services` output (a JSON array of
 * {service, to: {tag}}) or lines / commas of `service=version`.
 */
export function parseVerifyTargets(text: string, where = 'services'): VersionUnderTest[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      throw new VerifyInputError(
        `${where}: not valid JSON (${(error as Error).message}); give the promote action's services output or service=version lines`,
        { cause: error },
      );
    }
    if (!Array.isArray(parsed)) throw new VerifyInputError(`${where}: expected a JSON array`);
    return parsed.map((entry: unknown, index) => {
      const record = (entry ?? {}) as {
        service?: unknown;
        version?: unknown;
        to?: { tag?: unknown };
        sourceCommit?: unknown;
        commit?: unknown;
      };
      const service = record.service;
      const version = record.version ?? record.to?.tag;
      if (typeof service !== 'string' || !serviceName.test(service) || typeof version !== 'string' || version === '') {
        throw new VerifyInputError(`${where}[${index}]: needs "service" and "to.tag" (or "version") strings`);
      }
      // A full commit SHA picks the pods exactly; the placeholder of hand-promoted images (zeros) does not.
      const commit = record.commit ?? record.sourceCommit;
      const known = typeof commit === 'string' && /^[0-9a-f]{40}$/i.test(commit) && !/^0+$/.test(commit);
      return { service, version, ...(known ? { commit } : {}) };
    });
  }
  return trimmed
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [service = '', version = ''] = line.split('=').map((part) => part.trim());
      if (!serviceName.test(service) || version === '') throw new VerifyInputError(`${where}: '${line}' is not service=version`);
      return { service, version };
    });
}

function objectives(raw: VerifyRaw): SloObjectives {
  const ratio = (value: number): boolean => value > 0 && value < 1;
  return {
    availability: numberField(raw, 'availabilityObjective', defaultObjectives.availability, ratio, 'a ratio between 0 and 1 (e.g. 0.995)'),
    latency: numberField(raw, 'latencyObjective', defaultObjectives.latency, ratio, 'a ratio between 0 and 1 (e.g. 0.99)'),
    latencySeconds: numberField(
      raw,
      'latencyThresholdSeconds',
      defaultObjectives.latencySeconds,
      (v) => v > 0,
      'a positive number of seconds',
    ),
    maxBurnRate: numberField(raw, 'maxBurnRate', defaultObjectives.maxBurnRate, (v) => v >= 1, 'a number of at least 1'),
    minRequests: numberField(raw, 'minRequests', defaultObjectives.minRequests, (v) => Number.isInteger(v) && v >= 0, 'a whole number'),
    requireTraffic: raw.flag('requireTraffic') ?? defaultObjectives.requireTraffic,
  };
}

function prometheus(raw: VerifyRaw): VerifyRequest['prometheus'] {
  const url = raw.text('prometheusUrl');
  const service = raw.text('prometheusService');
  const token = raw.text('prometheusToken');
  if (url && service) throw new InputError(`give ${raw.label('prometheusUrl')} or ${raw.label('prometheusService')}, not both`);
  if (url) return { url, token };
  return service ? { service, label: raw.label('prometheusService'), token } : undefined;
}

function grafana(raw: VerifyRaw): VerifyRequest['grafana'] {
  const url = raw.text('grafanaUrl');
  const dashboardUid = raw.text('grafanaDashboardUid');
  return url ? { url, token: raw.text('grafanaToken'), ...(dashboardUid ? { dashboardUid } : {}) } : undefined;
}

export function parseVerifyInputs(raw: VerifyRaw, context: ShellContext): VerifyRequest {
  const environment = required(raw, 'environment');
  const commit = commitField(raw, 'commit') || required(raw, 'commit', 'the GitOps commit the promotion made');
  const services = required(
    raw,
    'services',
    "the services and versions to check: service=version, or the promote action's services output",
  );
  const targets = parseVerifyTargets(services, raw.label('services'));
  if (targets.length === 0) throw new InputError(`${raw.label('services')} must name at least one service=version`);
  const applications = raw.list('applications');
  const target = parseGitopsTarget(raw, context);
  const seconds = (field: 'syncTimeout' | 'pollInterval' | 'soakSeconds', fallback: number, min: number, max: number): number =>
    numberField(raw, field, fallback, (v) => (min === 0 ? v >= 0 : v > 0) && v <= max, `seconds between ${min} and ${max}`) * 1000;
  const promQl = prometheus(raw);
  const annotations = grafana(raw);
  // In the checkout's own repository, a later commit of the branch that contains the promoted one counts too.
  const acceptLater = (raw.flag('acceptLaterCommits') ?? true) && target.repository === undefined;
  return {
    environment,
    commit,
    targets,
    applications: applications.length > 0 ? applications : targets.map((t) => t.service),
    refresh: raw.flag('refresh') ?? true,
    argocdNamespace: raw.text('argocdNamespace') || 'argocd',
    kubeconfig: raw.text('kubeconfig'),
    timeoutMs: seconds('syncTimeout', 600, 1, 21600),
    intervalMs: seconds('pollInterval', 10, 1, 600),
    // The soak before the next stage: 5 minutes in dev (and any other stage), none by default in prod (the last stage).
    soakMs: seconds('soakSeconds', environment === 'prod' ? 0 : 300, 0, 21600),
    ...(promQl ? { prometheus: promQl } : {}),
    namespace: raw.text('namespace') || 'shop',
    objectives: objectives(raw),
    ...(annotations ? { grafana: annotations } : {}),
    checkout: target.checkout,
    ...(raw.flag('rollback') ? { rollback: target } : {}),
    ...(acceptLater ? { laterCommits: { checkout: target.checkout, remote: target.remote ?? 'origin' } } : {}),
    ...(context.runUrl ? { runUrl: context.runUrl } : {}),
  };
}
