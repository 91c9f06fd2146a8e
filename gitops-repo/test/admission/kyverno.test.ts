// The Kyverno Applications: a chart version its repository really published, values the chart
// defines at that version, Pod Security "restricted" containers (the chart's own securityContexts,
// never weakened), and the platform's namespaces excluded from Kyverno's webhooks by name.
import { describe, expect, it } from 'vitest';
import type { Json } from './admission-tree.ts';
import {
  application,
  environments,
  kyvernoValues,
  platformNamespaces,
  readYaml,
  readYamlDocuments,
  unknownValueKeys,
  upstream,
} from './admission-tree.ts';

const chart = upstream('kyverno-chart.json');
const published = chart.published.entries as { version: string; appVersion: string }[];
const keys = chart.values.keys as string[];
const passThrough = Object.keys(chart.values.passThrough as Json).filter((key) => key !== 'about');
const defaults = chart.values.defaultSecurityContexts as { containers: Record<string, Json>; pods: Record<string, Json> };
const valueFile = 'apps/platform/kyverno/values.yaml';

/** The value at a dotted path, or undefined. */
const at = (values: Json, path: string): unknown =>
  path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Json)[key] : undefined), values);

/** What Pod Security "restricted" asks of a container, given its securityContext and its pod's. */
function restrictedProblems(container: Json, pod: Json): string[] {
  const problems: string[] = [];
  if ((container.runAsNonRoot ?? pod.runAsNonRoot) !== true) problems.push('runAsNonRoot is not true');
  if (container.allowPrivilegeEscalation !== false) problems.push('allowPrivilegeEscalation is not false');
  if (container.privileged === true) problems.push('privileged');
  if (!(container.capabilities?.drop ?? []).includes('ALL')) problems.push('capabilities do not drop ALL');
  const seccomp = container.seccompProfile?.type ?? pod.seccompProfile?.type;
  if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') problems.push('no RuntimeDefault seccomp profile');
  return problems;
}

describe('Kyverno', () => {
  it.each(environments)("%s: is pinned to a chart version published in its repository's index, Kyverno v1.19.0", (environment) => {
    const source = (application(environment, 'kyverno').spec.sources as Json[])[0] as Json;
    expect(source.repoURL).toBe(chart.repository);
    expect(source.chart).toBe('kyverno');
    const entry = published.find((candidate) => candidate.version === source.targetRevision);
    expect(entry, `${String(source.targetRevision)} is not in the recorded index entries`).toBeDefined();
    expect(entry?.appVersion).toBe('v1.19.0');
    // The values keys and the CRD were recorded from that very version.
    expect(chart.values.chartVersion).toBe(source.targetRevision);
  });

  it(`${valueFile} uses only keys the chart defines at that version`, () => {
    expect(unknownValueKeys(readYaml(valueFile), keys, passThrough)).toEqual([]);
  });

  it('the key check refuses a key the chart does not define', () => {
    expect(
      unknownValueKeys(
        { admissionController: { replica: 2, container: { resources: { limits: { cpu: '1' } } } }, config: { webhook: {} } },
        keys,
        passThrough,
      ),
    ).toEqual(['admissionController.replica', 'config.webhook']);
  });

  it.each(environments)('%s: excludes every platform namespace of the tree from the webhooks, by name, and not the shop', (environment) => {
    const selector = at(kyvernoValues(environment), 'config.webhooks.namespaceSelector') as Json;
    expect(Object.keys(selector)).toEqual(['matchExpressions']);
    const [expression, ...others] = selector.matchExpressions as Json[];
    expect(others).toEqual([]);
    expect({ key: expression?.key, operator: expression?.operator }).toEqual({ key: 'kubernetes.io/metadata.name', operator: 'NotIn' });
    const excluded = expression?.values as string[];
    const platform = platformNamespaces(environment);
    expect(platform).toEqual(expect.arrayContaining(['argocd', 'cnpg-system', 'kube-system', 'kyverno', 'monitoring']));
    expect(
      platform.filter((namespace) => !excluded.includes(namespace)),
      'platform namespaces the webhooks would see',
    ).toEqual([]);
    expect(excluded).not.toContain('shop');
  });

  it("runs every container with the chart's restricted securityContext, which no value overrides", () => {
    const values = readYaml(valueFile);
    for (const [path, securityContext] of Object.entries(defaults.containers)) {
      const component = path.split('.')[0] ?? '';
      const pod = (defaults.pods[`${component}.podSecurityContext`] ?? {}) as Json;
      expect(restrictedProblems(securityContext, pod), path).toEqual([]);
      expect(at(values, path), `${valueFile} sets ${path}`).toBeUndefined();
    }
    for (const path of Object.keys(defaults.pods)) expect(at(values, path), `${valueFile} sets ${path}`).toBeUndefined();
    const namespace = readYamlDocuments('apps/platform/namespaces/kyverno.yaml').find((object) => object.kind === 'Namespace') as Json;
    expect(namespace.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('the restricted check refuses a container that may escalate or keeps its capabilities', () => {
    expect(
      restrictedProblems({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, capabilities: { drop: ['NET_RAW'] } }, {}),
    ).toEqual(['allowPrivilegeEscalation is not false', 'capabilities do not drop ALL']);
  });

  it('sets requests and limits for the controllers it runs, with a replica of the admission controller to spare', () => {
    const values = readYaml(valueFile);
    for (const path of ['admissionController.container.resources', 'reportsController.resources']) {
      const resources = at(values, path) as Json;
      expect(Object.keys(resources.requests).sort(), path).toEqual(['cpu', 'memory']);
      expect(Object.keys(resources.limits).sort(), path).toEqual(['cpu', 'memory']);
    }
    expect(at(values, 'admissionController.replicas')).toBeGreaterThanOrEqual(2);
    expect(at(values, 'admissionController.podDisruptionBudget')).toEqual({ enabled: true, minAvailable: 1 });
    expect({ background: at(values, 'backgroundController.enabled'), cleanup: at(values, 'cleanupController.enabled') }).toEqual({
      background: false,
      cleanup: false,
    });
  });
});
