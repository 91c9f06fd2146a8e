import { describe, expect, it } from 'vitest';
import type { ManifestDocument } from '../argo-tree.ts';
import type { ApplicationObjects } from './cluster-checks.ts';
import { crdOrderFindings, syncsAfter } from './cluster-checks.ts';
import { strictSchema, validateCustomResource } from './crd-schema.ts';

function app(name: string, wave: number): ManifestDocument {
  return {
    absolute: `/t/${name}.yaml`,
    file: `gitops/${name}.yaml`,
    document: 0,
    object: {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name, annotations: { 'argocd.argoproj.io/sync-wave': String(wave) } },
      spec: {},
    },
  };
}

// root → platform (wave 0) → operator (-5), database (-5); root → services (wave 10) → shop (-10)
const root = app('root', 0);
const platform = app('platform', 0);
const services = app('services', 10);
const operator = app('operator', -5);
const database = app('database', -5);
const shop = app('shop', -10);
const parents = new Map([
  [platform, root],
  [services, root],
  [operator, platform],
  [database, platform],
  [shop, services],
]);

describe('sync order of Applications in an app-of-apps tree', () => {
  it.each<[ManifestDocument, ManifestDocument, boolean]>([
    [shop, operator, true], // services (10) after platform (0), whatever the children's own waves
    [operator, shop, false],
    [database, operator, false], // same wave under the same parent
    [operator, platform, true], // a child after its parent
    [platform, operator, false],
  ])('%# syncsAfter', (later, earlier, expected) => {
    expect(syncsAfter(later, earlier, parents)).toBe(expected);
  });

  it('a custom resource in the same wave as its CRD is a finding; in the CRD’s own Application it is not', () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'podmonitors.monitoring.coreos.com' },
      spec: { group: 'monitoring.coreos.com', names: { kind: 'PodMonitor' }, versions: [] },
    };
    const monitor = { apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', metadata: { name: 'm' } };
    const sets: ApplicationObjects[] = [
      {
        application: operator,
        objects: [crd, monitor].map((object) => ({ object, file: operator.file, document: 0, prefix: 'rendered ' })),
      },
      { application: database, objects: [{ object: monitor, file: database.file, document: 0, prefix: 'rendered PodMonitor/m ' }] },
      { application: shop, objects: [{ object: monitor, file: shop.file, document: 0, prefix: '' }] },
    ];
    expect(crdOrderFindings(sets, parents).map((finding) => `${finding.file} ${finding.field}`)).toEqual([
      'gitops/database.yaml rendered PodMonitor/m metadata',
    ]);
  });
});

describe('custom resources against their CRD', () => {
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'things.example.com' },
    spec: {
      group: 'example.com',
      names: { kind: 'Thing' },
      versions: [
        { name: 'v1beta1', served: false, storage: false },
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  required: ['size'],
                  properties: {
                    size: { type: 'integer', format: 'int32' },
                    note: { type: 'string', nullable: true },
                    config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                    template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object' } } },
                  },
                },
              },
            },
          },
        },
      ],
    },
  };
  const thing = (spec: Record<string, unknown>, apiVersion = 'example.com/v1') => ({
    apiVersion,
    kind: 'Thing',
    metadata: { name: 't' },
    spec,
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    [
      'a valid object (null where nullable, anything where unknown fields are preserved, metadata in an embedded resource)',
      thing({ size: 1, note: null, config: { any: { thing: 1 } }, template: { metadata: { name: 'x' }, spec: {} } }),
      [],
    ],
    ['an undeclared field', thing({ size: 1, colour: 'red' }), ['spec.colour unknown-field']],
    ['a wrong type and a missing required field', thing({ note: 3 }), ['spec.size schema', 'spec.note schema']],
    ['a version the CRD does not serve', thing({ size: 1 }, 'example.com/v1beta1'), ['apiVersion unknown-kind']],
  ])('%s', (_name, object, expected) => {
    expect(validateCustomResource(object, crd).map((problem) => `${problem.field} ${problem.kind}`)).toEqual(expected);
  });

  it('drops Kubernetes extensions and formats from the schema handed to ajv', () => {
    expect(
      strictSchema({ type: 'object', properties: { a: { type: 'string', format: 'int-or-string', 'x-kubernetes-int-or-string': true } } }),
    ).toEqual({
      type: 'object',
      properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, a: { type: 'string' } },
      additionalProperties: false,
    });
  });
});
