import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { renderedObjects } from './rendered-objects.ts';

describe('renderedObjects', () => {
  it('reads renders of several MiB (charts shipping big CRDs) and gives namespaced objects (only) the destination namespace', () => {
    const description = 'x'.repeat(1024);
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'big.example.com' },
      spec: { properties: Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`f${i}`, { description }])) },
    };
    const manifest = [stringify(crd), stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } })].join('---\n');
    expect(manifest.length).toBeGreaterThan(3 * 1024 * 1024);
    const { objects, findings } = renderedObjects(manifest, 'apps', { file: 'app.yaml', document: 0, sourceField: 'spec.source' });
    expect(findings).toEqual([]);
    expect(objects.map((object) => `${String(object.kind)} ${String((object.metadata as Record<string, unknown>).namespace)}`)).toEqual([
      'CustomResourceDefinition undefined',
      'ConfigMap apps',
    ]);
  });
});
