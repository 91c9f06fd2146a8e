import { describe, expect, it } from 'vitest';
import { checkWorkloads, imageProblems, selectorMatches } from './workload-policy.ts';

const digest = `sha256:${'c'.repeat(64)}`;

function workload(container: Record<string, unknown> = {}, pod: Record<string, unknown> = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'web',
              image: `registry/web:1.0.0@${digest}`,
              resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '32Mi' } },
              livenessProbe: { httpGet: { path: '/health', port: 8080 } },
              readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              ...container,
            },
          ],
          ...pod,
        },
      },
    },
  };
}
const policy = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { podSelector: { matchLabels: { app: 'web' } } },
};
const budget = {
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { selector: { matchLabels: { app: 'web' } } },
};
const security = (extra: Record<string, unknown>) => ({
  securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, ...extra },
});

describe('checkWorkloads', () => {
  it.each([
    ['a compliant workload', workload(), []],
    ['privileged', workload(security({ privileged: true })), ['spec.template.spec.containers[0].securityContext.privileged pod-security']],
    [
      'privilege escalation allowed',
      workload(security({ allowPrivilegeEscalation: true })),
      ['spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation pod-security'],
    ],
    [
      'capabilities kept',
      workload({ securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true } }),
      ['spec.template.spec.containers[0].securityContext.capabilities.drop pod-security'],
    ],
    [
      'a writable root filesystem',
      workload(security({ readOnlyRootFilesystem: false })),
      ['spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem read-only-root-filesystem'],
    ],
    [
      'root allowed',
      workload({}, { securityContext: { seccompProfile: { type: 'RuntimeDefault' } } }),
      ['spec.template.spec.securityContext.runAsNonRoot pod-security'],
    ],
    [
      'no seccomp profile',
      workload({}, { securityContext: { runAsNonRoot: true } }),
      ['spec.template.spec.securityContext.seccompProfile.type pod-security'],
    ],
    ['host network', workload({}, { hostNetwork: true }), ['spec.template.spec.hostNetwork pod-security']],
    [
      'no memory limit',
      workload({ resources: { requests: { cpu: '1m', memory: '1Mi' }, limits: { cpu: '1m' } } }),
      ['spec.template.spec.containers[0].resources.limits.memory resources'],
    ],
    [
      'no probes',
      workload({ livenessProbe: undefined, readinessProbe: undefined }),
      ['spec.template.spec.containers[0].livenessProbe probes', 'spec.template.spec.containers[0].readinessProbe probes'],
    ],
    ['the latest tag', workload({ image: `registry/web:latest@${digest}` }), ['spec.template.spec.containers[0].image image']],
    ['no digest', workload({ image: 'registry/web:1.0.0' }), ['spec.template.spec.containers[0].image image']],
  ])('%s', (_name, object, expected) => {
    const problems = checkWorkloads([JSON.parse(JSON.stringify(object)) as Record<string, unknown>, policy, budget]);
    expect(problems.map((p) => `${p.field} ${p.rule}`)).toEqual(expected);
  });

  it('wants a NetworkPolicy and a PodDisruptionBudget selecting each workload', () => {
    const otherPolicy = { ...policy, spec: { podSelector: { matchLabels: { app: 'other' } } } };
    const denyAll = { ...policy, metadata: { name: 'default-deny', namespace: 'shop' }, spec: { podSelector: {} } };
    const problems = checkWorkloads([workload(), otherPolicy, denyAll]);
    expect(problems.map((p) => p.rule)).toEqual(['network-policy', 'disruption-budget']);
  });
});

describe('imageProblems', () => {
  it.each([
    [`r/web:1@${digest}`, []],
    [`registry:5000/web:1@${digest}`, []],
    [
      `registry:5000/web@${digest}`,
      ['image registry:5000/web@sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc has no tag'],
    ],
    ['web', ['image web has no tag', 'image web is not pinned by digest (@sha256:…)']],
  ])('%s', (image, expected) => {
    expect(imageProblems(image)).toEqual(expected);
  });
});

describe('selectorMatches', () => {
  it.each([
    [{ matchLabels: { a: '1' } }, { a: '1', b: '2' }, true],
    [{ matchLabels: { a: '2' } }, { a: '1' }, false],
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: ['1', '3'] }] }, { a: '1' }, true],
    [{ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] }, { a: '1' }, false],
    [{ matchExpressions: [{ key: 'a', operator: 'Exists' }] }, { b: '1' }, false],
    [{ matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] }, { b: '1' }, true],
  ])('%j selects %j: %s', (selector, labels, expected) => {
    expect(selectorMatches(selector, labels)).toBe(expected);
  });
});
