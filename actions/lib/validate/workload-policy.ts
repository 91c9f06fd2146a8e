/**
 * Slipway's workload policy, applied to every object a set of manifests (one Application's
 * files, or one chart render) deploys:
 * - the Pod Security Standard "restricted" (workloads/pod-security.ts) plus a read-only root
 *   filesystem;
 * - requests and limits for CPU and memory, liveness and readiness probes on long-running pods;
 * - images pinned: a tag that is not `latest` and a sha256 digest;
 * - a NetworkPolicy and (for replicated workloads) a PodDisruptionBudget selecting each workload.
 * Charts from other projects get a subset (`WorkloadPolicy`): the Pod Security level their
 * namespace enforces, resources and probes.
 */
import { childPath } from './finding.ts';
import type { PodSecurityLevel } from './workloads/pod-security.ts';
import { podSecurityProblems } from './workloads/pod-security.ts';
import { list, record } from './json-values.ts';
import type { Json } from './json-values.ts';

/** The rules besides Pod Security that a policy can ask for. */
export type WorkloadRule = 'read-only-root-filesystem' | 'resources' | 'probes' | 'image' | 'network-policy' | 'disruption-budget';

export interface WorkloadPolicy {
  /** The Pod Security Standard to hold pods in `namespace` to (undefined: none). */
  podSecurity(namespace: string): PodSecurityLevel | undefined;
  rules: ReadonlySet<WorkloadRule>;
  /** Tags that cannot move, accepted without a digest (see generatedWorkloadPolicy). */
  pinnedTag?: RegExp;
}

/** Slipway's own workloads (the shop chart, the tree's manifests): everything, restricted everywhere. */
export const slipwayWorkloadPolicy: WorkloadPolicy = {
  podSecurity: () => 'restricted',
  rules: new Set(['read-only-root-filesystem', 'resources', 'probes', 'image', 'network-policy', 'disruption-budget']),
};

/**
 * Slipway's policy for the Applications an ApplicationSet makes: a generator knows commits, not
 * digests, so an image tag ending in a full commit SHA (the previews' pr-<number>-<sha>, pushed once
 * to ECR repositories whose tags are IMMUTABLE, infra-repo modules/ecr) counts as pinned.
 */
export const generatedWorkloadPolicy: WorkloadPolicy = { ...slipwayWorkloadPolicy, pinnedTag: /-[0-9a-f]{40}$/ };

export interface PolicyProblem {
  /** Index of the object in the list given to checkWorkloads. */
  object: number;
  field: string;
  rule: string;
  message: string;
  fix: string;
}

interface PodTemplate {
  spec: Json;
  labels: Record<string, string>;
  annotations: Json;
  /** Field path of the pod spec inside the object. */
  path: string;
  longRunning: boolean;
  replicated: boolean;
}

/** The pod template of a workload kind, or undefined for objects that run no pods. */
export function podTemplateOf(object: Json): PodTemplate | undefined {
  const kind = object.kind;
  const spec = record(object.spec);
  if (!spec) return undefined;
  const labelsOf = (metadata: unknown): Record<string, string> => {
    const labels = record(record(metadata)?.labels) ?? {};
    return Object.fromEntries(Object.entries(labels).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  };
  const template = (metadata: unknown) => ({ labels: labelsOf(metadata), annotations: record(record(metadata)?.annotations) ?? {} });
  /** The pod template found at `path` (its spec's field path), or undefined when it has no spec. */
  const podAt = (podTemplate: Json | undefined, path: string, longRunning: boolean, replicated: boolean): PodTemplate | undefined => {
    const podSpec = record(podTemplate?.spec);
    return podSpec ? { spec: podSpec, ...template(podTemplate?.metadata), path, longRunning, replicated } : undefined;
  };
  switch (kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
      return podAt(record(spec.template), 'spec.template.spec', true, kind !== 'DaemonSet');
    case 'Job':
      return podAt(record(spec.template), 'spec.template.spec', false, false);
    case 'CronJob':
      return podAt(record(record(record(spec.jobTemplate)?.spec)?.template), 'spec.jobTemplate.spec.template.spec', false, false);
    case 'Pod':
      return { spec, ...template(object.metadata), path: 'spec', longRunning: false, replicated: false };
    default:
      return undefined;
  }
}

/** Does a LabelSelector (matchLabels + matchExpressions) select these labels? Empty selects all. */
export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  const value = record(selector);
  if (!value) return false;
  for (const [key, wanted] of Object.entries(record(value.matchLabels) ?? {})) {
    if (labels[key] !== wanted) return false;
  }
  for (const raw of list(value.matchExpressions)) {
    const expression = record(raw);
    const key = String(expression?.key ?? '');
    const values = list(expression?.values).map(String);
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (expression?.operator) {
      case 'In':
        if (!has || !values.includes(labels[key] ?? '')) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key] ?? '')) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

function isEmptySelector(selector: unknown): boolean {
  const value = record(selector);
  return !value || (Object.keys(record(value.matchLabels) ?? {}).length === 0 && list(value.matchExpressions).length === 0);
}

const digestPattern = /@sha256:[a-f0-9]{64}$/;

/** Problems of one image reference: missing tag, `latest`, missing digest (unless its tag is `pinnedTag`). */
export function imageProblems(image: unknown, pinnedTag?: RegExp): string[] {
  if (typeof image !== 'string' || image === '') return ['has no image'];
  const withoutDigest = image.replace(/@.*$/, '');
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  const tag = colon < 0 ? '' : withoutDigest.slice(colon + 1);
  const problems: string[] = [];
  if (tag === '') problems.push(`image ${image} has no tag`);
  else if (tag === 'latest') problems.push(`image ${image} uses the tag latest`);
  if (!digestPattern.test(image) && !(pinnedTag && pinnedTag.test(tag)))
    problems.push(`image ${image} is not pinned by digest (@sha256:…)`);
  return problems;
}

function namespaceOf(object: Json): string {
  const namespace = record(object.metadata)?.namespace;
  return typeof namespace === 'string' ? namespace : '';
}

type Add = (field: string, rule: string, message: string, fix: string) => void;

interface PodContainer {
  container: Json;
  path: string;
  init: boolean;
}

/** The init containers, then the containers, of a pod template with their field paths. */
function containersOf(pod: PodTemplate): PodContainer[] {
  return [
    ...list(pod.spec.initContainers).map((c, i) => ({
      container: record(c) ?? {},
      path: childPath(childPath(pod.path, 'initContainers'), i),
      init: true,
    })),
    ...list(pod.spec.containers).map((c, i) => ({
      container: record(c) ?? {},
      path: childPath(childPath(pod.path, 'containers'), i),
      init: false,
    })),
  ];
}

/** One container against the policy: read-only root filesystem, resources, pinned image, probes. */
function containerProblems({ container, path, init }: PodContainer, pod: PodTemplate, policy: WorkloadPolicy, add: Add): void {
  if (policy.rules.has('read-only-root-filesystem') && record(container.securityContext)?.readOnlyRootFilesystem !== true) {
    add(
      `${path}.securityContext.readOnlyRootFilesystem`,
      'read-only-root-filesystem',
      'the root filesystem is writable',
      'set readOnlyRootFilesystem: true and mount an emptyDir where the process writes',
    );
  }
  const resources = record(container.resources) ?? {};
  for (const section of policy.rules.has('resources') ? ['requests', 'limits'] : []) {
    for (const resource of ['cpu', 'memory']) {
      if (record(resources[section])?.[resource] === undefined) {
        add(
          `${path}.resources.${section}.${resource}`,
          'resources',
          `no ${resource} ${section === 'requests' ? 'request' : 'limit'}`,
          `set resources.${section}.${resource}`,
        );
      }
    }
  }
  if (policy.rules.has('image'))
    for (const problem of imageProblems(container.image, policy.pinnedTag))
      add(`${path}.image`, 'image', problem, 'deploy an immutable image: repository:tag@sha256:digest');
  if (policy.rules.has('probes') && pod.longRunning && !init) {
    if (!record(container.livenessProbe)) add(`${path}.livenessProbe`, 'probes', 'no liveness probe', 'add a livenessProbe (GET /health)');
    if (!record(container.readinessProbe))
      add(`${path}.readinessProbe`, 'probes', 'no readiness probe', 'add a readinessProbe (GET /ready)');
  }
}

/** A long-running workload needs a NetworkPolicy (and, replicated, a PodDisruptionBudget) of its namespace selecting its pods. */
function companionProblems(object: Json, pod: PodTemplate, objects: Json[], policy: WorkloadPolicy, add: Add): void {
  const namespace = namespaceOf(object);
  const sameNamespace = objects.filter((other) => namespaceOf(other) === namespace);
  const networkPolicy = sameNamespace.some(
    (other) =>
      other.kind === 'NetworkPolicy' &&
      !isEmptySelector(record(other.spec)?.podSelector) &&
      selectorMatches(record(other.spec)?.podSelector, pod.labels),
  );
  if (policy.rules.has('network-policy') && !networkPolicy)
    add(
      'metadata',
      'network-policy',
      `no NetworkPolicy selects the pods of ${String(object.kind)} ${String(record(object.metadata)?.name ?? '')}`,
      'ship a NetworkPolicy whose podSelector matches the pod labels and allows exactly its callers',
    );
  if (policy.rules.has('disruption-budget') && pod.replicated) {
    const budget = sameNamespace.some(
      (other) => other.kind === 'PodDisruptionBudget' && selectorMatches(record(other.spec)?.selector, pod.labels),
    );
    if (!budget)
      add(
        'metadata',
        'disruption-budget',
        `no PodDisruptionBudget selects the pods of ${String(object.kind)} ${String(record(object.metadata)?.name ?? '')}`,
        'ship a PodDisruptionBudget whose selector matches the pod labels',
      );
  }
}

/** Checks every workload among `objects` (one deployable set) against the policy. */
export function checkWorkloads(objects: Json[], policy: WorkloadPolicy = slipwayWorkloadPolicy): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  objects.forEach((object, index) => {
    const pod = podTemplateOf(object);
    if (!pod) return;
    const add: Add = (field, rule, message, fix) => problems.push({ object: index, field, rule, message, fix });
    const level = policy.podSecurity(namespaceOf(object));
    if (level)
      for (const problem of podSecurityProblems(pod.spec, pod.path, pod.annotations, level))
        add(problem.field, 'pod-security', problem.message, problem.fix);
    for (const container of containersOf(pod)) containerProblems(container, pod, policy, add);
    if (pod.longRunning) companionProblems(object, pod, objects, policy, add);
  });
  return problems;
}
