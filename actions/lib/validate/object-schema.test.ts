import { describe, expect, it } from 'vitest';
import { validateObject } from './object-schema.ts';

const deployment = (patch: Record<string, unknown> = {}, container: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1', ...container }] } },
    ...patch,
  },
});

describe('validateObject: real schemas from kubernetes-models, strictly', () => {
  // The library alone accepts unknown fields; each row proves the strict layer on top of it.
  it.each([
    ['a valid Deployment', deployment(), []],
    ['a misspelled field at the top of spec', deployment({ replica: 2 }), [{ field: 'spec.replica', kind: 'unknown-field' }]],
    [
      'an unknown field deep in a container',
      deployment({}, { securityContext: { runAsNonRot: true } }),
      [{ field: 'spec.template.spec.containers[0].securityContext.runAsNonRot', kind: 'unknown-field' }],
    ],
    ['a wrong type', deployment({ replicas: 'two' }), [{ field: 'spec.replicas', kind: 'schema' }]],
    ['a missing required field', deployment({ selector: undefined }), [{ field: 'spec.selector', kind: 'schema' }]],
    [
      'any key in a map (labels)',
      deployment({
        template: {
          metadata: { labels: { 'example.com/anything': 'x', app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'web:1' }] },
        },
      }),
      [],
    ],
  ])('%s', async (_name, object, expected) => {
    const problems = await validateObject(JSON.parse(JSON.stringify(object)) as Record<string, unknown>);
    expect(problems?.map(({ field, kind }) => ({ field, kind }))).toEqual(expected);
  });

  it('proves the library itself lets an unknown field through', async () => {
    const { Deployment } = await import('kubernetes-models/apps/v1');
    const object = deployment({ replica: 2 }) as ConstructorParameters<typeof Deployment>[0];
    expect(() => new Deployment(object).validate()).not.toThrow();
  });

  it('accepts anything inside an opaque field (Application helm.valuesObject) but not beside it', async () => {
    const application = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'web', namespace: 'argocd' },
      spec: {
        project: 'shop',
        destination: { server: 'https://kubernetes.default.svc', namespace: 'shop' },
        source: {
          repoURL: 'https://example.com/r.git',
          path: 'chart',
          targetRevision: 'main',
          helm: { valuesObject: { any: { thing: [1, 2] } }, valuesObjekt: {} },
        },
      },
    };
    const problems = await validateObject(application);
    expect(problems).toEqual([
      { field: 'spec.source.helm.valuesObjekt', message: 'unknown field for argoproj.io/v1alpha1 Application', kind: 'unknown-field' },
    ]);
  });

  it('validates prometheus-operator objects', async () => {
    const monitor = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'web' },
      spec: { selector: {}, endpoints: [{ port: 'http', pth: '/metrics' }] },
    };
    expect((await validateObject(monitor))?.map((p) => p.field)).toEqual(['spec.endpoints[0].pth']);
  });

  it('names an unknown kind of a known group, and skips groups it has no schema for', async () => {
    expect(await validateObject({ apiVersion: 'apps/v1', kind: 'Deploymnt' })).toEqual([
      { field: 'kind', message: 'apps/v1 has no kind Deploymnt', kind: 'unknown-kind' },
    ]);
    expect(await validateObject({ apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', spec: { anything: true } })).toBeUndefined();
  });

  it('accepts AppProject spec.description, which the real CRD has and the generated model lost', async () => {
    const project = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: { name: 'p' },
      spec: { description: 'x', sourceRepos: ['*'], descripton: 'typo' },
    };
    expect((await validateObject(project))?.map((p) => p.field)).toEqual(['spec.descripton']);
  });

  it('accepts the name glob of an AppProject clusterResourceWhitelist entry (Argo CD v3.3.8), and only there', async () => {
    const project = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: { name: 'p' },
      spec: {
        sourceRepos: ['*'],
        clusterResourceWhitelist: [{ group: '', kind: 'Namespace', name: 'preview-pr-*' }],
        namespaceResourceWhitelist: [{ group: '', kind: 'Service', name: 'x' }],
      },
    };
    expect((await validateObject(project))?.map((p) => p.field)).toEqual(['spec.namespaceResourceWhitelist[0].name']);
  });
});
