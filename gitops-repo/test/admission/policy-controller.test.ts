// The Sigstore policy-controller Applications: a chart version its repository really published,
// values the chart defines at that version, Pod Security "restricted" settings, the platform's
// namespaces excluded from the webhook by name, and fail-open in dev, fail-closed in prod.
import { describe, expect, it } from 'vitest';
import type { Json } from './admission-tree.ts';
import { application, environments, platformNamespaces, policyControllerValues, readYaml, readYamlDocuments, unknownValueKeys, upstream } from './admission-tree.ts';

const chart = upstream('policy-controller-chart.json');
const published = chart.published.entries as { version: string; appVersion: string }[];
const keys = chart.values.keys as string[];
const passThrough = Object.keys(chart.values.passThrough as Json).filter((key) => key !== 'about');
const valueFiles = ['values.yaml', 'values-dev.yaml', 'values-prod.yaml'].map((file) => `apps/platform/policy-controller/${file}`);

describe('the policy-controller', () => {
  it.each(environments)("%s: is pinned to a chart version published in its repository's index, with policy-controller v0.13.1", (environment) => {
    const source = (application(environment, 'policy-controller').spec.sources as Json[])[0] as Json;
    expect(source.repoURL).toBe(chart.repository);
    expect(source.chart).toBe('policy-controller');
    const entry = published.find((candidate) => candidate.version === source.targetRevision);
    expect(entry, `${String(source.targetRevision)} is not in the recorded index entries`).toBeDefined();
    expect(entry?.appVersion).toBe('0.13.1');
    // The values keys below were recorded from that very version.
    expect(chart.values.chartVersion).toBe(source.targetRevision);
  });

  it.each(valueFiles)('%s: uses only keys the chart defines at that version', (file) => {
    expect(unknownValueKeys(readYaml(file), keys, passThrough)).toEqual([]);
  });

  it('the key check refuses a key the chart does not define', () => {
    expect(unknownValueKeys({ webhook: { replicas: 2, resources: { limits: { cpu: '1' } } }, cosign: { webhookTimeout: 5 } }, keys, passThrough)).toEqual(['webhook.replicas', 'cosign.webhookTimeout']);
  });

  it.each(environments)('%s: excludes every platform namespace of the tree from the webhook, by name, and not the shop', (environment) => {
    const selector = policyControllerValues(environment).webhook.namespaceSelector as Json;
    expect(Object.keys(selector)).toEqual(['matchExpressions']);
    const [expression, ...others] = selector.matchExpressions as Json[];
    expect(others).toEqual([]);
    expect({ key: expression?.key, operator: expression?.operator }).toEqual({ key: 'kubernetes.io/metadata.name', operator: 'NotIn' });
    const excluded = expression?.values as string[];
    const platform = platformNamespaces(environment);
    expect(platform).toEqual(expect.arrayContaining(['argocd', 'cnpg-system', 'cosign-system', 'kube-system', 'monitoring']));
    expect(platform.filter((namespace) => !excluded.includes(namespace)), 'platform namespaces the webhook would check').toEqual([]);
    expect(excluded).not.toContain('shop');
  });

  it.each(environments)('%s: runs Pod Security "restricted" with requests, limits and a replica to spare', (environment) => {
    const values = policyControllerValues(environment);
    const webhook = values.webhook as Json;
    expect(webhook.securityContext).toMatchObject({ enabled: true, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(webhook.podSecurityContext).toMatchObject({ enabled: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    expect(values.leasescleanup.podSecurityContext).toMatchObject({ enabled: true, allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
    for (const resources of [webhook.resources, values.leasescleanup.resources] as Json[]) {
      expect(Object.keys(resources.requests).sort()).toEqual(['cpu', 'memory']);
      expect(Object.keys(resources.limits).sort()).toEqual(['cpu', 'memory']);
    }
    expect(webhook.replicaCount).toBeGreaterThanOrEqual(2);
    const namespace = readYamlDocuments('apps/platform/namespaces/cosign-system.yaml').find((object) => object.kind === 'Namespace') as Json;
    expect(namespace.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('fails open in dev (audit must never block), closed in prod', () => {
    expect({ dev: policyControllerValues('dev').webhook.failurePolicy, prod: policyControllerValues('prod').webhook.failurePolicy }).toEqual({ dev: 'Ignore', prod: 'Fail' });
  });

  it.each(environments)('%s: admits images no policy matches (the policy is about the shop images only)', (environment) => {
    expect(policyControllerValues(environment).webhook.configData).toEqual({ 'no-match-policy': 'allow' });
  });
});
